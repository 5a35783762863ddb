//! The programme forms: a new programme, a programme's record.

use super::common::*;
use super::form::Form;
use crate::pages::context::found;
use crate::routes::Route;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use semey_domain::ids::ProgrammeId;

/// This feature's forms: a GET shows one, a POST saves it.
pub(super) fn form_routes() -> Vec<Route> {
    vec![
        Route::page(
            "/workspace/programmes/new",
            get(new_programme).post(post_new_programme),
        ),
        Route::page(
            "/workspace/programmes/{id}",
            get(edit_programme).post(post_programme),
        ),
    ]
}

async fn new_programme(State(s): State<AppState>, cx: Ctx) -> Result<Response, AppError> {
    let f = Form::new(cx.lang, vec![("status".into(), "1".into())]);
    show(
        &s,
        cx,
        "programme",
        "form-new-programme",
        "/workspace/programmes/new".into(),
        f,
        None,
    )
    .await
}

async fn edit_programme(
    State(s): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ProgrammeId>() else {
        return Ok(cx.not_found());
    };
    let Some(p) = found(s.store.programme(id).await)? else {
        return Ok(cx.not_found());
    };
    let saved = cx
        .param("saved")
        .and_then(|_| saved_notice(cx.lang, format!("/programmes/{id}")));
    let f = Form::new(cx.lang, pairs_of(&p, PROGRAMME_LISTS));
    let best = |t: &semey_domain::LocalText| t.best(cx.lang).unwrap_or_default().to_owned();
    let links = Links {
        money: money_of(&s, cx.lang, id).await?,
        results: s
            .store
            .results_of(id)
            .await?
            .iter()
            .map(|r| (format!("/workspace/results/{}", r.id), best(&r.title)))
            .collect(),
        values: Vec::new(),
    };
    show_with(
        &s,
        cx,
        "programme",
        "form-edit-programme",
        format!("/workspace/programmes/{id}"),
        f,
        saved,
        links,
    )
    .await
}

async fn save_programme_form(
    s: &AppState,
    actor: &crate::accounts::Actor,
    cx: Ctx,
    id: Option<ProgrammeId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let of = FormOf {
        kind: "programme",
        path: "/workspace/programmes",
        lists: PROGRAMME_LISTS,
        arrays: PROGRAMME_ARRAYS,
    };
    save_form::<semey_domain::programme::Programme>(s, actor, cx, id, body, of).await
}

async fn post_new_programme(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    save_programme_form(&s, &actor, cx, None, body).await
}

async fn post_programme(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ProgrammeId>() else {
        return Ok(cx.not_found());
    };
    if found(s.store.programme(id).await)?.is_none() {
        return Ok(cx.not_found());
    }
    save_programme_form(&s, &actor, cx, Some(id), body).await
}
