//! `/api/v1/programmes`.

use super::common::List;
use super::common::{page, parse_path_id};
use super::extract::{from_str, param, ApiJson, ApiQuery};
use crate::funding::MoneyTotals;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use semey_domain::ids::ProgrammeId;
use semey_domain::programme::{
    ActivityStatus, Programme, ProgrammeInput, SdgTarget, TargetGroup, ThematicArea,
};
use semey_domain::Lang;
use semey_store::{Dimension, FundingFilter, ProgrammeFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_programmes, create_programme))
        .routes(routes!(get_programme, update_programme))
        .routes(routes!(programme_funding))
}

/// Filters on programmes, shared by every list and summary that is about programmes.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    /// Thematic area: `radiation_safety`, `health`, `socioeconomic_development`,
    /// `environmental_protection`, `psychosocial_support`, `public_awareness`, `governance`.
    pub area: Option<String>,
    /// IATI ActivityStatus code (1–6).
    pub status: Option<String>,
    /// A place id: programmes working there or anywhere inside it.
    pub place: Option<String>,
    /// An organisation id: programmes it takes part in or reports.
    pub organisation: Option<String>,
    /// An SDG target such as `3.9`.
    pub sdg_target: Option<String>,
    /// A target group such as `children` or `exposed_population`.
    pub target_group: Option<String>,
    /// A year: programmes running then (for funding: money of that year).
    pub year: Option<String>,
    /// Programmes running at some point of a period, `2021-01-01..2023-12-31`.
    pub period: Option<String>,
    /// A programme id: its projects.
    pub parent: Option<String>,
    /// Text search on titles, descriptions and identifiers.
    pub q: Option<String>,
}

/// Page parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PageQuery {
    /// At most this many records (1–1000, default 50).
    limit: Option<String>,
    offset: Option<String>,
}

impl PageQuery {
    pub(super) fn page(&self) -> Result<semey_store::Page, AppError> {
        page(&self.limit, &self.offset)
    }
}

fn err(e: semey_domain::Invalid) -> String {
    e.errors
        .into_iter()
        .map(|e| e.message)
        .collect::<Vec<_>>()
        .join("; ")
}

impl ProgrammeQuery {
    /// The filters named in query pairs (other pairs ignored).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, v)| key == k && !v.trim().is_empty())
                .map(|(_, v)| v.clone())
        };
        Self {
            area: get("area"),
            status: get("status"),
            place: get("place"),
            organisation: get("organisation"),
            sdg_target: get("sdg_target"),
            target_group: get("target_group"),
            year: get("year"),
            period: get("period"),
            parent: get("parent"),
            q: get("q"),
        }
    }

    /// For pages: the filter made of the values that can be used, and the names of those that
    /// cannot (which are dropped from `self`, so a form shows them empty).
    pub fn lenient_filter(&mut self) -> (ProgrammeFilter, Vec<String>) {
        let mut wrong = Vec::new();
        loop {
            match self.filter() {
                Ok(f) => return (f, wrong),
                Err(AppError::BadRequest {
                    field: Some(field), ..
                }) => {
                    let slot = match field.as_str() {
                        "area" => &mut self.area,
                        "status" => &mut self.status,
                        "place" => &mut self.place,
                        "organisation" => &mut self.organisation,
                        "sdg_target" => &mut self.sdg_target,
                        "target_group" => &mut self.target_group,
                        "year" => &mut self.year,
                        "period" => &mut self.period,
                        "parent" => &mut self.parent,
                        _ => &mut self.q,
                    };
                    *slot = None;
                    wrong.push(field);
                }
                Err(_) => return (ProgrammeFilter::default(), wrong),
            }
        }
    }

    pub(super) fn filter(&self) -> Result<ProgrammeFilter, AppError> {
        Ok(ProgrammeFilter {
            area: param("area", &self.area, |v| ThematicArea::parse(v).map_err(err))?,
            status: param("status", &self.status, |v| {
                v.parse::<u8>()
                    .map_err(|_| format!("{v:?} is not a number"))
                    .and_then(|c| ActivityStatus::parse(c).map_err(err))
            })?,
            place: param("place", &self.place, from_str("a place id"))?,
            organisation: param(
                "organisation",
                &self.organisation,
                from_str("an organisation id"),
            )?,
            sdg_target: param("sdg_target", &self.sdg_target, |v| {
                SdgTarget::parse(v).map_err(err)
            })?,
            target_group: param("target_group", &self.target_group, |v| {
                TargetGroup::parse(v).map_err(err)
            })?,
            year: self.year()?,
            period: param("period", &self.period, |v| {
                semey_domain::report::Period::parse(v)
                    .map(|p| (p.start, p.end))
                    .map_err(err)
            })?,
            parent_id: param("parent", &self.parent, from_str("a programme id"))?,
            q: self.q.clone(),
        })
    }

    pub(super) fn year(&self) -> Result<Option<i32>, AppError> {
        param("year", &self.year, |v| match v.parse::<i32>() {
            Ok(y) if (1900..=2200).contains(&y) => Ok(y),
            _ => Err(format!("{v:?} is not a year")),
        })
    }
}

/// Lists programmes and projects.
#[utoipa::path(get, path = "/programmes", tag = "programmes", params(ProgrammeQuery, PageQuery),
    responses((status = 200, body = List<Programme>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_programmes(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ProgrammeQuery>,
    ApiQuery(p): ApiQuery<PageQuery>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Json<List<Programme>>, AppError> {
    let page = p.page()?;
    let (items, total) = s.store.list_programmes(&q.filter()?, page).await?;
    Ok(Json(List {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
        downloads: super::common::downloads(crate::opendata::Dataset::Programmes, &raw),
    }))
}

/// One programme.
#[utoipa::path(get, path = "/programmes/{id}", tag = "programmes", params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = Programme), (status = 404, body = crate::error::ErrorBody)))]
async fn get_programme(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Programme>, AppError> {
    Ok(Json(
        s.store
            .programme(parse_path_id::<ProgrammeId>("programme", &id)?)
            .await?,
    ))
}

/// Creates a programme or project.
#[utoipa::path(post, path = "/programmes", tag = "programmes", request_body = ProgrammeInput,
    responses((status = 201, body = Programme), (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
        (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_programme(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiJson(input): ApiJson<ProgrammeInput>,
) -> Result<axum::response::Response, AppError> {
    Ok(crate::records::write::<semey_domain::programme::Programme>(
        &s.store,
        &actor,
        None,
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

/// Replaces a programme's record.
#[utoipa::path(put, path = "/programmes/{id}", tag = "programmes", request_body = ProgrammeInput, params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = Programme), (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_programme(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProgrammeInput>,
) -> Result<axum::response::Response, AppError> {
    let id = parse_path_id::<ProgrammeId>("programme", &id)?;
    Ok(crate::records::write::<semey_domain::programme::Programme>(
        &s.store,
        &actor,
        Some(id),
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

/// A programme's funding: totals, by year, and what came from other platform programmes.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ProgrammeFunding {
    pub programme_id: ProgrammeId,
    pub total: MoneyTotals,
    pub by_year: Vec<crate::funding::SummaryGroup>,
    pub by_origin: Vec<crate::funding::SummaryGroup>,
    /// What was given in kind, by declared value: apart from the money, never in it.
    pub in_kind: crate::funding::InKindSummary,
}

/// The funding of one programme.
#[utoipa::path(get, path = "/programmes/{id}/funding", tag = "programmes", params(("id" = String, Path, description = "Programme id")),
    responses((status = 200, body = ProgrammeFunding), (status = 404, body = crate::error::ErrorBody)))]
async fn programme_funding(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProgrammeFunding>, AppError> {
    let id = parse_path_id::<ProgrammeId>("programme", &id)?;
    s.store.programme(id).await?;
    let filter = FundingFilter {
        programme_id: Some(id),
        ..Default::default()
    };
    let summary = crate::funding::summary(&s.store, &[Dimension::Year], &filter, Lang::En).await?;
    Ok(Json(ProgrammeFunding {
        programme_id: id,
        total: summary.total,
        by_year: summary.groups,
        by_origin: summary.by_origin,
        in_kind: summary.in_kind,
    }))
}
