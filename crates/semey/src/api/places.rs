//! `/api/v1/places`.

use super::common::{page, parse_path_id, List};
use super::extract::{from_str, param, ApiJson, ApiQuery};
use crate::{AppError, AppState};
use axum::extract::RawQuery;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use semey_domain::ids::PlaceId;
use semey_domain::place::{Place, PlaceInput, PlaceLevel};
use semey_store::PlaceFilter;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_places, create_place))
        .routes(routes!(get_place))
        .routes(routes!(place_geometry))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PlaceQuery {
    /// `country`, `region`, `district` or `settlement`.
    level: Option<String>,
    /// Direct children of this place.
    parent: Option<String>,
    /// Everything inside this place.
    within: Option<String>,
    /// A 9-digit KATO code.
    kato: Option<String>,
    /// Text search on names (any language) and KATO codes.
    q: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

/// Lists places, filtered and paginated, in hierarchy order.
#[utoipa::path(get, path = "/places", tag = "places", params(PlaceQuery),
    responses((status = 200, body = List<Place>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_places(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<PlaceQuery>,
    RawQuery(raw): RawQuery,
) -> Result<Json<List<Place>>, AppError> {
    let filter = q.filter()?;
    let page = page(&q.limit, &q.offset)?;
    let (items, total) = s.store.list_places(&filter, page).await?;
    Ok(Json(List {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
        downloads: super::common::downloads(crate::opendata::Dataset::Places, &raw),
    }))
}

impl PlaceQuery {
    pub(super) fn filter(&self) -> Result<PlaceFilter, AppError> {
        Ok(PlaceFilter {
            level: param("level", &self.level, |v| {
                PlaceLevel::parse(v).map_err(|e| e.to_string())
            })?,
            parent_id: param("parent", &self.parent, from_str("a place id"))?,
            within: param("within", &self.within, from_str("a place id"))?,
            kato: self.kato.clone(),
            q: self.q.clone(),
        })
    }
}

/// One place.
#[utoipa::path(get, path = "/places/{id}", tag = "places", params(("id" = String, Path, description = "Place id")),
    responses((status = 200, body = Place), (status = 404, body = crate::error::ErrorBody)))]
async fn get_place(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Place>, AppError> {
    let id = parse_path_id::<PlaceId>("place", &id)?;
    Ok(Json(s.store.place(id).await?))
}

/// The place as a GeoJSON Feature: its outline when one is stored, else its point.
#[utoipa::path(get, path = "/places/{id}/geometry", tag = "places", params(("id" = String, Path, description = "Place id")),
    responses((status = 200, description = "GeoJSON Feature", content_type = "application/geo+json"), (status = 404, body = crate::error::ErrorBody)))]
async fn place_geometry(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<impl axum::response::IntoResponse, AppError> {
    let id = parse_path_id::<PlaceId>("place", &id)?;
    let r = s.store.place_record(id).await?;
    let geometry: serde_json::Value = match (&r.geometry, r.place.point) {
        (Some(g), _) => serde_json::from_str(g)
            .map_err(|e| AppError::Store(semey_store::StoreError::Corrupt(e.to_string())))?,
        (None, Some(p)) => serde_json::json!({"type": "Point", "coordinates": [p.lon, p.lat]}),
        (None, None) => serde_json::Value::Null,
    };
    let feature = serde_json::json!({
        "type": "Feature",
        "id": r.place.id.to_string(),
        "geometry": geometry,
        "properties": {"level": r.place.level, "kato": r.place.kato, "name": r.place.name, "bbox": r.bbox},
    });
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/geo+json")],
        Json(feature),
    ))
}

/// Creates a place by hand (files of places are imported with `semey import places`).
#[utoipa::path(post, path = "/places", tag = "places", request_body = PlaceInput,
    responses((status = 201, body = Place), (status = 422, body = crate::error::ErrorBody)))]
async fn create_place(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiJson(input): ApiJson<PlaceInput>,
) -> Result<(StatusCode, Json<Place>), AppError> {
    let place =
        crate::records::write::<Place>(&s.store, &actor, None, input, crate::records::Channel::Api)
            .await?
            .published()?;
    Ok((StatusCode::CREATED, Json(place)))
}
