//! `/api/v1/resolutions` and `/api/v1/mandates`: the General Assembly's resolutions on the
//! region, paragraph by paragraph in every language held, and a coordinator's corrections of
//! what a mandate asks, of whom and by when.

use super::common::{parse_path_id, List};
use super::extract::ApiJson;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use semey_domain::ids::{MandateId, ResolutionId};
use semey_domain::mandate::{Mandate, MandateInput, Resolution};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_resolutions))
        .routes(routes!(get_resolution))
        .routes(routes!(resolution_coverage))
        .routes(routes!(resolution_changes))
        .routes(routes!(get_mandate, correct_mandate))
}

/// Every resolution held, the latest session first, with its mandates.
#[utoipa::path(get, path = "/resolutions", tag = "mandates",
    responses((status = 200, body = List<Resolution>)))]
async fn list_resolutions(State(s): State<AppState>) -> Result<Json<List<Resolution>>, AppError> {
    let items = s.store.resolutions().await?;
    Ok(Json(List::whole(items)))
}

/// One resolution: its title, preambular paragraphs and mandates in every language held.
#[utoipa::path(get, path = "/resolutions/{id}", tag = "mandates", params(("id" = String, Path, description = "Resolution id")),
    responses((status = 200, body = Resolution), (status = 404, body = crate::error::ErrorBody)))]
async fn get_resolution(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Resolution>, AppError> {
    Ok(Json(
        s.store
            .resolution(parse_path_id::<ResolutionId>("resolution", &id)?)
            .await?,
    ))
}

/// What serves each operative paragraph: the programmes linked to it, their money in USD (each
/// programme counted once in the resolution's total) and their indicators by status; a
/// paragraph with nothing behind it is a gap.
#[utoipa::path(get, path = "/resolutions/{id}/coverage", tag = "mandates", params(("id" = String, Path, description = "Resolution id")),
    responses((status = 200, body = crate::mandates::coverage::Coverage), (status = 404, body = crate::error::ErrorBody)))]
async fn resolution_coverage(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<crate::mandates::coverage::Coverage>, AppError> {
    let r = s
        .store
        .resolution(parse_path_id::<ResolutionId>("resolution", &id)?)
        .await?;
    Ok(Json(
        crate::mandates::coverage::coverage(&s.store, &r).await?,
    ))
}

/// How a resolution's operative paragraphs compare with the resolution it follows in its
/// series: each paragraph the same, changed (with the previous paragraph's number) or new, and
/// the previous paragraphs dropped. 404 when it follows none held.
#[utoipa::path(get, path = "/resolutions/{id}/changes", tag = "mandates", params(("id" = String, Path, description = "Resolution id")),
    responses((status = 200, body = semey_domain::mandate::Changes), (status = 404, body = crate::error::ErrorBody)))]
async fn resolution_changes(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<semey_domain::mandate::Changes>, AppError> {
    let r = s
        .store
        .resolution(parse_path_id::<ResolutionId>("resolution", &id)?)
        .await?;
    let previous = r.previous_id.ok_or(AppError::NotFound {
        entity: "previous resolution",
        id: id.clone(),
    })?;
    let previous = s.store.resolution(previous).await?;
    Ok(Json(semey_domain::mandate::compare(&previous, &r)))
}

/// One mandate (an operative paragraph).
#[utoipa::path(get, path = "/mandates/{id}", tag = "mandates", params(("id" = String, Path, description = "Mandate id")),
    responses((status = 200, body = Mandate), (status = 404, body = crate::error::ErrorBody)))]
async fn get_mandate(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Mandate>, AppError> {
    let id = parse_path_id::<MandateId>("mandate", &id)?;
    let mut tx = s.store.begin_read().await?;
    Ok(Json(s.store.mandate_in(&mut tx, id).await?))
}

/// Corrects what the text was read to ask: the action, the addressees and a report's deadline
/// (coordinators). A new import of the resolution keeps the correction.
#[utoipa::path(put, path = "/mandates/{id}", tag = "mandates", request_body = MandateInput, params(("id" = String, Path, description = "Mandate id")),
    responses((status = 200, body = Mandate), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn correct_mandate(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MandateInput>,
) -> Result<axum::response::Response, AppError> {
    let id = parse_path_id::<MandateId>("mandate", &id)?;
    Ok(crate::records::write::<Mandate>(
        &s.store,
        &actor,
        Some(id),
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}
