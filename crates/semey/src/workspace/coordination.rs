//! The coordination mechanism's forms: a body with its members, a meeting with its agenda,
//! participants, minutes and documents, a decision, and an action item with its progress
//! notes. Each kind has `/workspace/{kind}/new` and `/workspace/{kind}/{id}`.

use super::common::*;
use super::form::Form;
use crate::accounts::Actor;
use crate::coordination::{audience, visible_action_item, visible_decision, visible_meeting};
use crate::records::Record;
use crate::routes::Route;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use semey_domain::coordination::{ActionItem, Body, Decision, Meeting};
use semey_store::{Audience, Store};
use std::future::Future;

/// What the shared form steps need to know of one kind kept whole (the mechanism's kinds and
/// reports).
pub(super) trait WholeForm: Record {
    const FORM: FormOf;
    /// The form's two addresses: a new record's and one record's.
    const ROUTES: [&'static str; 2];
    /// Its public page (or, for kinds without one, its meeting's).
    fn public_href(stored: &Self::Stored) -> String;
    /// The record when `audience` may see it.
    fn visible(
        store: &Store,
        id: Self::Id,
        audience: Audience,
    ) -> impl Future<Output = Result<Self::Stored, AppError>> + Send;
    /// A new record's first values, from the page's parameters (`?meeting=`).
    fn start(cx: &Ctx) -> Vec<(String, String)>;
    /// The form's values for a stored record.
    fn pairs(stored: &Self::Stored) -> Vec<(String, String)> {
        pairs_of(stored, Self::FORM.lists)
    }
}

/// The record, or `None` when it is not there (or not for this reader).
fn seen<T>(r: Result<T, AppError>) -> Result<Option<T>, AppError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(AppError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

fn from_meeting(cx: &Ctx) -> Vec<(String, String)> {
    cx.param("meeting")
        .map(|m| vec![("meeting_id".to_owned(), m.to_owned())])
        .unwrap_or_default()
}

impl WholeForm for Body {
    const ROUTES: [&'static str; 2] = ["/workspace/bodies/new", "/workspace/bodies/{id}"];
    const FORM: FormOf = FormOf {
        kind: "body",
        path: "/workspace/bodies",
        lists: &[],
        arrays: BODY_ARRAYS,
    };
    fn public_href(b: &Body) -> String {
        format!("/coordination/bodies/{}", b.id)
    }
    async fn visible(store: &Store, id: Self::Id, _: Audience) -> Result<Body, AppError> {
        Ok(store.body(id).await?)
    }
    fn start(_: &Ctx) -> Vec<(String, String)> {
        vec![("kind".into(), "working_group".into())]
    }
}

impl WholeForm for Meeting {
    const ROUTES: [&'static str; 2] = ["/workspace/meetings/new", "/workspace/meetings/{id}"];
    const FORM: FormOf = FormOf {
        kind: "meeting",
        path: "/workspace/meetings",
        lists: &[],
        arrays: MEETING_ARRAYS,
    };
    fn public_href(m: &Meeting) -> String {
        format!("/meetings/{}", m.id)
    }
    async fn visible(store: &Store, id: Self::Id, a: Audience) -> Result<Meeting, AppError> {
        visible_meeting(store, id, a).await
    }
    fn start(cx: &Ctx) -> Vec<(String, String)> {
        let mut v = vec![("published".to_owned(), "false".to_owned())];
        if let Some(b) = cx.param("body") {
            v.push(("body_id".into(), b.to_owned()));
        }
        v
    }
}

impl WholeForm for Decision {
    const ROUTES: [&'static str; 2] = ["/workspace/decisions/new", "/workspace/decisions/{id}"];
    const FORM: FormOf = FormOf {
        kind: "decision",
        path: "/workspace/decisions",
        lists: DECISION_LISTS,
        arrays: &[],
    };
    fn public_href(d: &Decision) -> String {
        format!("/meetings/{}#decision-{}", d.meeting_id, d.number)
    }
    async fn visible(store: &Store, id: Self::Id, a: Audience) -> Result<Decision, AppError> {
        visible_decision(store, id, a).await
    }
    fn start(cx: &Ctx) -> Vec<(String, String)> {
        from_meeting(cx)
    }
}

impl WholeForm for ActionItem {
    const ROUTES: [&'static str; 2] = [
        "/workspace/action-items/new",
        "/workspace/action-items/{id}",
    ];
    const FORM: FormOf = FormOf {
        kind: "action_item",
        path: "/workspace/action-items",
        lists: &[],
        arrays: ACTION_ARRAYS,
    };
    fn public_href(a: &ActionItem) -> String {
        format!("/meetings/{}#action-{}", a.meeting_id, a.id)
    }
    async fn visible(store: &Store, id: Self::Id, a: Audience) -> Result<ActionItem, AppError> {
        visible_action_item(store, id, a).await
    }
    fn start(cx: &Ctx) -> Vec<(String, String)> {
        let mut v = from_meeting(cx);
        v.push(("status".into(), "open".into()));
        v
    }
}

/// A kind's two forms: a GET shows one, a POST saves it.
pub(super) fn both<R: WholeForm>() -> [Route; 2] {
    let [new, one] = R::ROUTES;
    [
        Route::page(new, get(new_form::<R>).post(post_new::<R>)),
        Route::page(one, get(edit_form::<R>).post(post_edit::<R>)),
    ]
}

/// This feature's forms.
pub(super) fn form_routes() -> Vec<Route> {
    let mut all = Vec::new();
    all.extend(both::<Body>());
    all.extend(both::<Meeting>());
    all.extend(both::<Decision>());
    all.extend(both::<ActionItem>());
    all
}

async fn new_form<R: WholeForm>(State(s): State<AppState>, cx: Ctx) -> Result<Response, AppError> {
    let f = Form::new(cx.lang, R::start(&cx));
    let of = R::FORM;
    show(
        &s,
        cx,
        of.kind,
        &format!("form-new-{}", of.kind),
        format!("{}/new", of.path),
        f,
        None,
    )
    .await
}

async fn edit_form<R: WholeForm>(
    State(s): State<AppState>,
    actor: Actor,
    cx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<R::Id>() else {
        return Ok(cx.not_found());
    };
    let Some(record) = seen(R::visible(&s.store, id.clone(), audience(&actor)).await)? else {
        return Ok(cx.not_found());
    };
    let saved = cx
        .param("saved")
        .and_then(|_| saved_notice(cx.lang, R::public_href(&record)));
    let of = R::FORM;
    let f = Form::new(cx.lang, R::pairs(&record));
    show(
        &s,
        cx,
        of.kind,
        &format!("form-edit-{}", of.kind),
        format!("{}/{id}", of.path),
        f,
        saved,
    )
    .await
}

async fn post_new<R: WholeForm>(
    State(s): State<AppState>,
    actor: Actor,
    cx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    save_form::<R>(&s, &actor, cx, None, body, R::FORM).await
}

async fn post_edit<R: WholeForm>(
    State(s): State<AppState>,
    actor: Actor,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<R::Id>() else {
        return Ok(cx.not_found());
    };
    if seen(R::visible(&s.store, id.clone(), audience(&actor)).await)?.is_none() {
        return Ok(cx.not_found());
    }
    save_form::<R>(&s, &actor, cx, Some(id), body, R::FORM).await
}
