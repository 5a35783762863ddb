//! The organisation forms: a new organisation (coordinators), an organisation's own record.

use super::common::*;
use super::form::Form;
use crate::pages::context::found;
use crate::routes::Route;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use semey_domain::ids::OrganisationId;

/// This feature's forms: a GET shows one, a POST saves it.
pub(super) fn form_routes() -> Vec<Route> {
    vec![
        Route::page(
            "/workspace/organisations/new",
            get(new_organisation).post(post_new_organisation),
        ),
        Route::page(
            "/workspace/organisations/{id}",
            get(edit_organisation).post(post_organisation),
        ),
    ]
}

async fn new_organisation(State(s): State<AppState>, cx: Ctx) -> Result<Response, AppError> {
    let f = Form::new(cx.lang, vec![("country".into(), "KZ".into())]);
    show(
        &s,
        cx,
        "organisation",
        "form-new-organisation",
        "/workspace/organisations/new".into(),
        f,
        None,
    )
    .await
}

async fn edit_organisation(
    State(s): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<OrganisationId>() else {
        return Ok(cx.not_found());
    };
    let Some(org) = found(s.store.organisation(id).await)? else {
        return Ok(cx.not_found());
    };
    let saved = cx
        .param("saved")
        .and_then(|_| saved_notice(cx.lang, format!("/stakeholders/{id}")));
    let f = Form::new(cx.lang, pairs_of(&org, &[]));
    show(
        &s,
        cx,
        "organisation",
        "form-edit-organisation",
        format!("/workspace/organisations/{id}"),
        f,
        saved,
    )
    .await
}

async fn save_organisation_form(
    s: &AppState,
    actor: &crate::accounts::Actor,
    cx: Ctx,
    id: Option<OrganisationId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let of = FormOf {
        kind: "organisation",
        path: "/workspace/organisations",
        lists: &[],
        arrays: ORG_ARRAYS,
    };
    save_form::<semey_domain::organisation::Organisation>(s, actor, cx, id, body, of).await
}

async fn post_new_organisation(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    save_organisation_form(&s, &actor, cx, None, body).await
}

async fn post_organisation(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<OrganisationId>() else {
        return Ok(cx.not_found());
    };
    if found(s.store.organisation(id).await)?.is_none() {
        return Ok(cx.not_found());
    }
    save_organisation_form(&s, &actor, cx, Some(id), body).await
}
