//! `POST /api/v1/iati/activities`: an IATI 2.01–2.03 activity file sent by a coordinator's
//! system, imported all or nothing (the same import as `semey import iati`). The files
//! themselves are published at `/iati/activities.xml` and `/iati/organisations.xml`.

use crate::accounts::Actor;
use crate::import::ImportReport;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest file the API accepts (bigger files go through `semey import iati`, which streams).
const MAX_UPLOAD: usize = 64 << 20;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_activities))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
}

/// Imports an `iati-activities` file: programmes matched by iati-identifier, organisations
/// by identifier or name (created where missing), budgets, transactions, places and results.
/// Every problem is listed with its line and location, and then nothing is stored; sending
/// the same file again changes nothing.
#[utoipa::path(post, path = "/iati/activities", tag = "iati",
    request_body(content = String, content_type = "application/xml", description = "An iati-activities file, version 2.01–2.03, UTF-8 or UTF-16"),
    responses((status = 200, body = ImportReport), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn import_activities(
    State(s): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Json<ImportReport>, AppError> {
    let report = crate::iati::import::import_activities(
        &s.store,
        std::io::Cursor::new(body),
        "upload to /api/v1/iati/activities",
        &actor,
        &mut crate::import::Quiet,
    )
    .await?;
    Ok(Json(report))
}
