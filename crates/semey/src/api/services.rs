//! `/api/v1/services`: the services directory in Semey's own shape (every text in four
//! languages), the finder, and the same services in Open Referral's HSDS 3.0 shape under
//! `/api/v1/hsds`.

use super::common::{page, parse_path_id, List};
use super::extract::{from_str, param, ApiJson, ApiQuery};
use crate::services::{self as feature, hsds, Found};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use semey_domain::ids::{OrganisationId, PlaceId, ProgrammeId, ServiceId};
use semey_domain::lang::Lang;
use semey_domain::place::Point;
use semey_domain::service::{OpenNow, Service, ServiceCategory, ServiceInput, ServiceStatus};
use semey_store::ServiceFilter;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services, create_service))
        .routes(routes!(nearest_services))
        .routes(routes!(get_service, update_service))
        .routes(routes!(hsds_services))
        .routes(routes!(hsds_service))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ServiceQuery {
    /// `health_care`, `screening`, `mental_health`, `social_protection`, `legal_aid`,
    /// `radiation_measurement`, `disability` or `education`.
    category: Option<String>,
    /// `active`, `temporarily_closed` or `inactive`.
    status: Option<String>,
    organisation_id: Option<String>,
    /// Services funded by this programme.
    programme_id: Option<String>,
    /// Services serving one of this programme's results.
    serves_programme_id: Option<String>,
    /// Services met in this place or inside it.
    place_id: Option<String>,
    /// Words of the name, in any language.
    q: Option<String>,
    /// Entries last verified before this day (YYYY-MM-DD).
    verified_before: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

fn parse_date(v: &str) -> Result<Date, String> {
    Date::parse(v, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| format!("{v:?} is not a date (YYYY-MM-DD)"))
}

impl ServiceQuery {
    pub(super) fn filter(&self) -> Result<ServiceFilter, AppError> {
        Ok(ServiceFilter {
            category: param("category", &self.category, |v| {
                ServiceCategory::parse(v).map_err(|e| e.to_string())
            })?,
            status: param("status", &self.status, |v| {
                ServiceStatus::parse(v).map_err(|e| e.to_string())
            })?,
            organisation: param(
                "organisation_id",
                &self.organisation_id,
                from_str::<OrganisationId>("an organisation id"),
            )?,
            programme: param(
                "programme_id",
                &self.programme_id,
                from_str::<ProgrammeId>("a programme id"),
            )?,
            serves_programme: param(
                "serves_programme_id",
                &self.serves_programme_id,
                from_str::<ProgrammeId>("a programme id"),
            )?,
            place: param(
                "place_id",
                &self.place_id,
                from_str::<PlaceId>("a place id"),
            )?,
            q: self.q.clone(),
            verified_before: param("verified_before", &self.verified_before, parse_date)?,
        })
    }
}

/// Lists services, by name.
#[utoipa::path(get, path = "/services", tag = "services", params(ServiceQuery),
    responses((status = 200, body = List<Service>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_services(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ServiceQuery>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Json<List<Service>>, AppError> {
    let page = page(&q.limit, &q.offset)?;
    let (items, total) = s.store.list_services(&q.filter()?, page).await?;
    Ok(Json(List {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
        downloads: super::common::downloads(crate::opendata::Dataset::Services, &raw),
    }))
}

/// One service.
#[utoipa::path(get, path = "/services/{id}", tag = "services", params(("id" = String, Path, description = "Service id")),
    responses((status = 200, body = Service), (status = 404, body = crate::error::ErrorBody)))]
async fn get_service(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Service>, AppError> {
    Ok(Json(
        s.store
            .service(parse_path_id::<ServiceId>("service", &id)?)
            .await?,
    ))
}

/// Adds a service (an editor's is proposed for approval).
#[utoipa::path(post, path = "/services", tag = "services", request_body = ServiceInput,
    responses((status = 201, body = Service), (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
        (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_service(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiJson(input): ApiJson<ServiceInput>,
) -> Result<axum::response::Response, AppError> {
    Ok(crate::records::write::<Service>(
        &s.store,
        &actor,
        None,
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

/// Replaces a service's entry (an editor's change is proposed for approval).
#[utoipa::path(put, path = "/services/{id}", tag = "services", request_body = ServiceInput, params(("id" = String, Path, description = "Service id")),
    responses((status = 200, body = Service), (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_service(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ServiceInput>,
) -> Result<axum::response::Response, AppError> {
    let id = parse_path_id::<ServiceId>("service", &id)?;
    Ok(crate::records::write::<Service>(
        &s.store,
        &actor,
        Some(id),
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct NearestQuery {
    /// A settlement (or any place with a point): measure from it.
    place_id: Option<String>,
    /// Or a position: longitude and latitude (WGS 84).
    lon: Option<String>,
    lat: Option<String>,
    /// The need: a service category.
    category: Option<String>,
    /// How many services (1–50, default 10).
    limit: Option<String>,
}

/// A service near the asked point.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct NearbyService {
    service: Service,
    distance_km: f64,
    /// Where to meet it: the location's index, or none for an outreach visit.
    location: Option<usize>,
    place_id: Option<PlaceId>,
    point: Point,
    /// `open`, `closed` or `unknown` (no hours recorded), in Kazakhstan's time.
    open_now: &'static str,
}

pub(crate) fn open_code(o: OpenNow) -> &'static str {
    match o {
        OpenNow::Open => "open",
        OpenNow::Closed => "closed",
        OpenNow::Unknown => "unknown",
    }
}

/// The nearest active services to a place or a point, nearest first, with whether each is open
/// now.
#[utoipa::path(get, path = "/services/nearest", tag = "services", params(NearestQuery),
    responses((status = 200, body = Vec<NearbyService>), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
async fn nearest_services(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<NearestQuery>,
) -> Result<Json<Vec<NearbyService>>, AppError> {
    let category = param("category", &q.category, |v| {
        ServiceCategory::parse(v).map_err(|e| e.to_string())
    })?;
    let limit = param("limit", &q.limit, from_str::<usize>("a number"))?
        .unwrap_or(10)
        .clamp(1, 50);
    let origin = match param("place_id", &q.place_id, from_str::<PlaceId>("a place id"))? {
        Some(p) => s.store.place(p).await?.point.ok_or_else(|| {
            AppError::bad_parameter(
                "place_id",
                "place_id: this place has no point to measure from",
            )
        })?,
        None => {
            let lon = param("lon", &q.lon, from_str::<f64>("a longitude"))?;
            let lat = param("lat", &q.lat, from_str::<f64>("a latitude"))?;
            match (lon, lat) {
                (Some(lon), Some(lat)) => Point::parse(lon, lat)
                    .map_err(|e| AppError::bad_parameter("lon", e.to_string()))?,
                _ => {
                    return Err(AppError::bad_parameter(
                        "place_id",
                        "give place_id, or lon and lat",
                    ))
                }
            }
        }
    };
    let found = feature::nearest(
        &s.store,
        origin,
        category,
        time::OffsetDateTime::now_utc(),
        limit,
    )
    .await?;
    Ok(Json(
        found
            .into_iter()
            .map(|f: Found| NearbyService {
                distance_km: (f.distance_km * 10.0).round() / 10.0,
                location: f.location,
                place_id: f.place_id,
                point: f.point,
                open_now: open_code(f.open),
                service: f.service,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct HsdsQuery {
    /// The language of the texts (`kk`, `ru`, `en`, `zh`; default `en`, then the others).
    lang: Option<String>,
    /// Words of the name (HSDS `search`).
    search: Option<String>,
    /// HSDS `organization_id`.
    organization_id: Option<String>,
    /// HSDS `taxonomy_term_id`: a service category code.
    taxonomy_term_id: Option<String>,
    /// HSDS pagination: page number from 1, and items per page.
    page: Option<String>,
    per_page: Option<String>,
}

fn hsds_lang(v: &Option<String>) -> Result<Lang, AppError> {
    Ok(param("lang", v, from_str::<Lang>("kk, ru, en or zh"))?.unwrap_or(Lang::En))
}

/// Services in Open Referral HSDS 3.0's shape: a paginated list (`total_items`, `contents` …).
#[utoipa::path(get, path = "/hsds/services", tag = "services", params(HsdsQuery),
    responses((status = 200, body = Object, description = "An HSDS 3.0 page of services"), (status = 400, body = crate::error::ErrorBody)))]
async fn hsds_services(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<HsdsQuery>,
) -> Result<Json<serde_json::Value>, AppError> {
    let lang = hsds_lang(&q.lang)?;
    let per_page = param("per_page", &q.per_page, from_str::<i64>("a number"))?
        .unwrap_or(50)
        .clamp(1, semey_store::Page::MAX_LIMIT);
    let page_no = param("page", &q.page, from_str::<i64>("a page number"))?
        .unwrap_or(1)
        .max(1);
    let filter = ServiceFilter {
        category: param("taxonomy_term_id", &q.taxonomy_term_id, |v| {
            ServiceCategory::parse(v).map_err(|e| e.to_string())
        })?,
        organisation: param(
            "organization_id",
            &q.organization_id,
            from_str::<OrganisationId>("an organisation id"),
        )?,
        q: q.search.clone(),
        ..Default::default()
    };
    let page = semey_store::Page::new(Some(per_page), Some((page_no - 1) * per_page));
    let (items, total) = s.store.list_services(&filter, page).await?;
    let names = feature::place_names(&s.store, items.iter(), lang).await?;
    let contents = items
        .iter()
        .map(|sv| hsds::service(sv, lang, |p| names.get(&p).cloned()))
        .collect();
    Ok(Json(hsds::page(contents, total, page.limit, page.offset)))
}

/// One service in Open Referral HSDS 3.0's shape.
#[utoipa::path(get, path = "/hsds/services/{id}", tag = "services", params(("id" = String, Path, description = "Service id"), ("lang" = Option<String>, Query, description = "kk, ru, en or zh")),
    responses((status = 200, body = Object, description = "An HSDS 3.0 service"), (status = 404, body = crate::error::ErrorBody)))]
async fn hsds_service(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<HsdsQuery>,
) -> Result<Json<serde_json::Value>, AppError> {
    let lang = hsds_lang(&q.lang)?;
    let sv = s
        .store
        .service(parse_path_id::<ServiceId>("service", &id)?)
        .await?;
    let names = feature::place_names(&s.store, std::iter::once(&sv), lang).await?;
    Ok(Json(hsds::service(&sv, lang, |p| names.get(&p).cloned())))
}
