//! The programme forms: a new programme, a programme's record.

use super::common::*;
use super::form::Form;
use crate::pages::context::{found, not_found};
use crate::routes::Route;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
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

async fn new_programme(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let cx = ctx(&uri, &headers);
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
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ProgrammeId>() else {
        return Ok(not_found(uri, headers).await);
    };
    let Some(p) = found(s.store.programme(id).await)? else {
        return Ok(not_found(uri, headers).await);
    };
    let cx = ctx(&uri, &headers);
    let saved = cx
        .param("saved")
        .and_then(|_| saved_notice(cx.lang, format!("/programmes/{id}")));
    let f = Form::new(cx.lang, pairs_of(&p, PROGRAMME_LISTS));
    let money = money_of(&s, cx.lang, id).await?;
    show_with(
        &s,
        cx,
        "programme",
        "form-edit-programme",
        format!("/workspace/programmes/{id}"),
        f,
        saved,
        money,
    )
    .await
}

async fn save_programme_form(
    s: &AppState,
    actor: &crate::accounts::Actor,
    uri: Uri,
    headers: HeaderMap,
    id: Option<ProgrammeId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let of = FormOf {
        kind: "programme",
        path: "/workspace/programmes",
        lists: PROGRAMME_LISTS,
        arrays: PROGRAMME_ARRAYS,
    };
    save_form::<semey_domain::programme::Programme>(s, actor, uri, headers, id, body, of).await
}

async fn post_new_programme(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    save_programme_form(&s, &actor, uri, headers, None, body).await
}

async fn post_programme(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ProgrammeId>() else {
        return Ok(not_found(uri, headers).await);
    };
    if found(s.store.programme(id).await)?.is_none() {
        return Ok(not_found(uri, headers).await);
    }
    save_programme_form(&s, &actor, uri, headers, Some(id), body).await
}
