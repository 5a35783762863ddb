//! `/api/v1/reports`: progress reports. Coordinators write them and read their drafts (the
//! document computed from today's data); everyone reads the published versions, frozen.

use super::common::{parse_path_id, writes, List};
use super::extract::ApiQuery;
use crate::accounts::Actor;
use crate::reports::{self, Document};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use semey_domain::ids::ReportId;
use semey_domain::report::{Report, ReportInput};
use semey_domain::Lang;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reports, create_report))
        .routes(routes!(get_report, update_report))
        .routes(routes!(draft_document))
        .routes(routes!(publish_report))
        .routes(routes!(version_document))
}

writes!(
    "reports",
    create_report,
    update_report,
    Report,
    ReportId,
    ReportInput,
    "/reports",
    "/reports/{id}",
    "report"
);

/// A published version: its number, languages and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionInfo {
    pub number: i64,
    pub languages: Vec<Lang>,
    pub published_at: String,
}

/// A report with its published versions (newest first).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    #[serde(flatten)]
    pub report: Report,
    pub versions: Vec<VersionInfo>,
}

async fn view(s: &AppState, r: Report) -> Result<ReportView, AppError> {
    let versions = s
        .store
        .report_versions(r.id)
        .await?
        .into_iter()
        .map(|(number, languages, published_at)| VersionInfo {
            number,
            languages,
            published_at,
        })
        .collect();
    Ok(ReportView {
        report: r,
        versions,
    })
}

/// Reports: coordinators see every one, everyone else those with a published version.
#[utoipa::path(get, path = "/reports", tag = "reports",
    responses((status = 200, body = List<ReportView>)))]
async fn list_reports(
    State(s): State<AppState>,
    actor: Actor,
) -> Result<Json<List<ReportView>>, AppError> {
    let mut out = Vec::new();
    for r in s.store.reports().await? {
        let v = view(&s, r).await?;
        if actor.principal.is_coordinator() || !v.versions.is_empty() {
            out.push(v);
        }
    }
    Ok(Json(List::whole(out)))
}

/// A report with its versions (coordinators, or anyone once a version is published).
#[utoipa::path(get, path = "/reports/{id}", tag = "reports", params(("id" = String, Path, description = "Report id")),
    responses((status = 200, body = ReportView), (status = 404, body = crate::error::ErrorBody)))]
async fn get_report(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<ReportView>, AppError> {
    let id = parse_path_id::<ReportId>("report", &id)?;
    let v = view(&s, s.store.report(id).await?).await?;
    if !actor.principal.is_coordinator() && v.versions.is_empty() {
        return Err(AppError::NotFound {
            entity: "report",
            id: id.to_string(),
        });
    }
    Ok(Json(v))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct LangQuery {
    /// kk, ru, en or zh (English when not given).
    lang: Option<String>,
}

impl LangQuery {
    fn lang(&self) -> Result<Lang, AppError> {
        super::extract::param("lang", &self.lang, |v| v.parse::<Lang>())
            .map(|l| l.unwrap_or(Lang::En))
    }
}

/// The draft in one language, with its figures computed from today's data (coordinators).
#[utoipa::path(get, path = "/reports/{id}/draft", tag = "reports", params(("id" = String, Path, description = "Report id"), LangQuery),
    responses((status = 200, body = Document), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
async fn draft_document(
    State(s): State<AppState>,
    actor: Actor,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Result<Json<Document>, AppError> {
    let id = parse_path_id::<ReportId>("report", &id)?;
    let lang = q.lang()?;
    actor.principal.may_coordinate()?;
    let r = s.store.report(id).await?;
    let site = s.site_address(&headers);
    Ok(Json(
        reports::draft(
            &s.store,
            &s.config,
            &r,
            lang,
            &site,
            crate::results::today(),
        )
        .await?,
    ))
}

/// The number of a version just published.
#[derive(Debug, Serialize, ToSchema)]
pub struct Published {
    pub version: i64,
}

/// Publishes the next version: refused (422, naming them) while a section has no text in one
/// of the report's languages; otherwise its documents are frozen as they are now.
#[utoipa::path(post, path = "/reports/{id}/publish", tag = "reports", params(("id" = String, Path, description = "Report id")),
    responses((status = 201, body = Published), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn publish_report(
    State(s): State<AppState>,
    actor: Actor,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
) -> Result<(axum::http::StatusCode, Json<Published>), AppError> {
    let id = parse_path_id::<ReportId>("report", &id)?;
    let site = s.site_address(&headers);
    let version = reports::publish(&s.store, &s.config, &actor, id, &site).await?;
    Ok((axum::http::StatusCode::CREATED, Json(Published { version })))
}

/// A published version in one language, exactly as it was frozen.
#[utoipa::path(get, path = "/reports/{id}/versions/{number}", tag = "reports",
    params(("id" = String, Path, description = "Report id"), ("number" = i64, Path, description = "Version number"), LangQuery),
    responses((status = 200, body = Document), (status = 404, body = crate::error::ErrorBody)))]
async fn version_document(
    State(s): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> Result<Json<Document>, AppError> {
    let id = parse_path_id::<ReportId>("report", &id)?;
    let number = parse_path_id::<i64>("report version", &number)?;
    let lang = q.lang()?;
    reports::version(&s.store, id, number, lang)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound {
            entity: "report version",
            id: format!("{id}/{number}/{}", lang.code()),
        })
}
