//! `/api/v1/results`, `/api/v1/indicators/{id}/periods` and a programme's results: the
//! results chain, each indicator's periods and where it stands, and the counts by status.

use super::common::parse_path_id;
use super::extract::{ApiJson, ApiQuery};
use crate::results::{programme_results_of, PeriodKey, ProgrammeResults};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use semey_domain::ids::{IndicatorId, ProgrammeId, ResultId};
use semey_domain::results::{Period, ProgrammeResult, ResultInput, Status};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_result))
        .routes(routes!(get_result, update_result))
        .routes(routes!(programme_results))
        .routes(routes!(values_template))
        .routes(routes!(list_periods, put_period))
        .routes(routes!(status_counts))
        .routes(routes!(efficiency_groups))
}

/// A programme's results chain: results, indicators, periods, statuses.
#[utoipa::path(get, path = "/programmes/{id}/results", tag = "results", params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = ProgrammeResults), (status = 404, body = crate::error::ErrorBody)))]
async fn programme_results(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProgrammeResults>, AppError> {
    let id = parse_path_id::<ProgrammeId>("programme", &id)?;
    s.store.programme(id).await?;
    Ok(Json(
        programme_results_of(&s.store, s.config.results, id).await?,
    ))
}

/// The values template of a programme: its indicators' periods and figures in the layout of
/// `semey import indicator-values` (CSV), to fill in and import.
#[utoipa::path(get, path = "/programmes/{id}/results/template.csv", tag = "results", params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = crate::error::ErrorBody)))]
async fn values_template(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let id = parse_path_id::<ProgrammeId>("programme", &id)?;
    s.store.programme(id).await?;
    let body = crate::results::import::template(&s.store, id).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"indicator-values-{id}.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// Adds a result with its indicators to a programme (an editor's is proposed).
#[utoipa::path(post, path = "/results", tag = "results", request_body = ResultInput,
    responses((status = 201, body = ProgrammeResult), (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
        (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_result(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiJson(input): ApiJson<ResultInput>,
) -> Result<axum::response::Response, AppError> {
    Ok(crate::records::write::<ProgrammeResult>(
        &s.store,
        &actor,
        None,
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

/// One result with its indicators.
#[utoipa::path(get, path = "/results/{id}", tag = "results", params(("id" = String, Path, description = "Result id")),
    responses((status = 200, body = ProgrammeResult), (status = 404, body = crate::error::ErrorBody)))]
async fn get_result(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProgrammeResult>, AppError> {
    Ok(Json(
        s.store
            .result(parse_path_id::<ResultId>("result", &id)?)
            .await?,
    ))
}

/// Replaces a result (indicators keep their ids; an indicator left out is removed with its
/// periods).
#[utoipa::path(put, path = "/results/{id}", tag = "results", request_body = ResultInput, params(("id" = String, Path, description = "Result id")),
    responses((status = 200, body = ProgrammeResult), (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_result(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ResultInput>,
) -> Result<axum::response::Response, AppError> {
    let id = parse_path_id::<ResultId>("result", &id)?;
    Ok(crate::records::write::<ProgrammeResult>(
        &s.store,
        &actor,
        Some(id),
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

/// An indicator's periods, earliest first.
#[utoipa::path(get, path = "/indicators/{id}/periods", tag = "results", params(("id" = String, Path, description = "Indicator id")),
    responses((status = 200, body = Vec<Period>), (status = 404, body = crate::error::ErrorBody)))]
async fn list_periods(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Period>>, AppError> {
    let id = parse_path_id::<IndicatorId>("indicator", &id)?;
    s.store.indicator(id).await?;
    Ok(Json(s.store.periods(id).await?))
}

/// Records a period's target and actual (the period starting on the same day is replaced).
/// Refused, naming the field: a value of the wrong kind for the measure, a period outside the
/// programme's dates or overlapping another, a split that does not add up or names what is not
/// on its list.
#[utoipa::path(put, path = "/indicators/{id}/periods", tag = "results", request_body = Period, params(("id" = String, Path, description = "Indicator id")),
    responses((status = 200, body = Period), (status = 201, body = Period), (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn put_period(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    Path(id): Path<String>,
    ApiJson(period): ApiJson<Period>,
) -> Result<axum::response::Response, AppError> {
    let id = parse_path_id::<IndicatorId>("indicator", &id)?;
    if period.indicator_id != id {
        return Err(AppError::Invalid(semey_domain::Invalid::one(
            "indicator_id",
            "wrong_indicator",
            "the period's indicator_id is not the indicator of the address",
        )));
    }
    s.store.indicator(id).await?;
    let exists = s
        .store
        .periods(id)
        .await?
        .iter()
        .any(|p| p.start == period.start);
    let key = exists.then_some(PeriodKey {
        indicator: id,
        start: period.start,
    });
    Ok(
        crate::records::write::<Period>(
            &s.store,
            &actor,
            key,
            period,
            crate::records::Channel::Api,
        )
        .await?
        .respond(),
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct StatusQuery {
    /// `area` (thematic area) or `organisation` (the programmes' reporting organisation).
    by: Option<String>,
}

/// Indicators of one status in one group.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusGroup {
    pub group: String,
    pub status: Status,
    pub indicators: i64,
}

/// How many indicators are on track, at risk, off track and not reported, by thematic area or
/// by organisation.
#[utoipa::path(get, path = "/results/status", tag = "results", params(StatusQuery),
    responses((status = 200, body = Vec<StatusGroup>), (status = 400, body = crate::error::ErrorBody)))]
async fn status_counts(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<StatusQuery>,
) -> Result<Json<Vec<StatusGroup>>, AppError> {
    let by_area = match q.by.as_deref().unwrap_or("area") {
        "area" => true,
        "organisation" => false,
        other => {
            return Err(AppError::bad_parameter(
                "by",
                format!("by: {other:?} is not area or organisation"),
            ))
        }
    };
    crate::results::refresh_statuses(&s.store, crate::results::today()).await?;
    Ok(Json(
        s.store
            .status_counts(by_area)
            .await?
            .into_iter()
            .map(|c| StatusGroup {
                group: c.group,
                status: c.status,
                indicators: c.indicators,
            })
            .collect(),
    ))
}

/// Which programmes the efficiency figures are rolled up by.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct EfficiencyQuery {
    /// `area` (default), `organisation` or `district`.
    by: Option<String>,
}

/// Disbursement rate, absorption and cost per person reached of the programmes of each
/// thematic area, reporting organisation or district, with the money (US cents) they come from.
#[utoipa::path(get, path = "/results/efficiency", tag = "results", params(EfficiencyQuery),
    responses((status = 200, body = Vec<crate::results::efficiency::EfficiencyGroup>), (status = 400, body = crate::error::ErrorBody)))]
async fn efficiency_groups(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<EfficiencyQuery>,
) -> Result<Json<Vec<crate::results::efficiency::EfficiencyGroup>>, AppError> {
    use crate::results::efficiency::{efficiency_by, GroupBy};
    let by = q.by.as_deref().unwrap_or("area");
    let Some(by) = GroupBy::parse(by) else {
        return Err(AppError::bad_parameter(
            "by",
            format!("by: {by:?} is not area, organisation or district"),
        ));
    };
    Ok(Json(efficiency_by(&s.store, by).await?))
}
