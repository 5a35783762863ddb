//! The service forms: a new service of the directory and a service's own entry (an
//! organisation's editors propose, coordinators publish). Every location has its weekly hours
//! as rows; outreach visits are rows of date, village and hours.

use super::common::*;
use super::form::Form;
use crate::pages::context::found;
use crate::routes::Route;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use semey_domain::ids::ServiceId;
use semey_domain::service::Service;

/// This feature's forms: a GET shows one, a POST saves it.
pub(super) fn form_routes() -> Vec<Route> {
    vec![
        Route::page(
            "/workspace/services/new",
            get(new_service).post(post_new_service),
        ),
        Route::page(
            "/workspace/services/{id}",
            get(edit_service).post(post_service),
        ),
    ]
}

/// What the service form is, for the shared form path.
fn service_form() -> FormOf {
    FormOf {
        kind: "service",
        path: "/workspace/services",
        lists: SERVICE_LISTS,
        arrays: SERVICE_ARRAYS,
    }
}

async fn new_service(State(s): State<AppState>, cx: Ctx) -> Result<Response, AppError> {
    let mut values = vec![("status".to_owned(), "active".to_owned())];
    if let Some(org) = cx.param("organisation") {
        values.push(("organisation_id".into(), org.to_owned()));
    }
    let f = Form::new(cx.lang, values);
    show(
        &s,
        cx,
        "service",
        "form-new-service",
        "/workspace/services/new".into(),
        f,
        None,
    )
    .await
}

async fn edit_service(
    State(s): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ServiceId>() else {
        return Ok(cx.not_found());
    };
    let Some(service) = found(s.store.service(id).await)? else {
        return Ok(cx.not_found());
    };
    let saved = cx
        .param("saved")
        .and_then(|_| saved_notice(cx.lang, format!("/services/{id}")));
    let f = Form::new(cx.lang, pairs_of(&service, SERVICE_LISTS));
    show(
        &s,
        cx,
        "service",
        "form-edit-service",
        format!("/workspace/services/{id}"),
        f,
        saved,
    )
    .await
}

async fn post_new_service(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    save_form::<Service>(&s, &actor, cx, None, body, service_form()).await
}

async fn post_service(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ServiceId>() else {
        return Ok(cx.not_found());
    };
    if found(s.store.service(id).await)?.is_none() {
        return Ok(cx.not_found());
    }
    save_form::<Service>(&s, &actor, cx, Some(id), body, service_form()).await
}
