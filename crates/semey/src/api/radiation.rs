//! `/api/v1/radiation`: hexagon statistics for maps, measurement exports, the risk for a place
//! or a point, datasets and conversion factors.

use super::extract::{from_str, param, ApiQuery};
use crate::radiation::{self as rad, RiskMessage};
use crate::{AppError, AppState};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use semey_domain::ids::PlaceId;
use semey_domain::radiation::{
    cell_outline, resolution_for_zoom, Assessment, DoseStats, RiskModel,
};
use semey_domain::Lang;
use semey_store::{MeasurementFilter, Store};
use serde::{Deserialize, Serialize};

use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(bins))
        .routes(routes!(measurements))
        .routes(routes!(risk))
        .routes(routes!(datasets))
        .routes(routes!(dataset))
        .routes(routes!(factors))
}

/// Reads `min_lon,min_lat,max_lon,max_lat`.
pub fn parse_bbox(v: &str) -> Result<[f64; 4], String> {
    let parts: Vec<f64> = v
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{v:?} is not min_lon,min_lat,max_lon,max_lat"))?;
    let [a, b, c, d] = parts[..] else {
        return Err(format!(
            "{v:?} is not four numbers: min_lon,min_lat,max_lon,max_lat"
        ));
    };
    if !(-180.0..=180.0).contains(&a)
        || !(-180.0..=180.0).contains(&c)
        || !(-90.0..=90.0).contains(&b)
        || !(-90.0..=90.0).contains(&d)
        || a > c
        || b > d
    {
        return Err(format!(
            "{v:?}: longitudes must be within −180..180, latitudes within −90..90, minimum first"
        ));
    }
    Ok([a, b, c, d])
}

/// Reads a time: RFC 3339 or a date (`2024-05-01`, midnight UTC).
fn parse_when(v: &str) -> Result<i64, String> {
    if let Some(t) = semey_domain::radiation::parse_time(v) {
        return Ok(t.unix_timestamp());
    }
    time::Date::parse(v, time::macros::format_description!("[year]-[month]-[day]"))
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .map_err(|_| format!("{v:?} is not a date (2024-05-01) or a time (2024-05-01T10:00:00Z)"))
}

fn lang_of(v: &Option<String>) -> Lang {
    v.as_deref()
        .and_then(|l| l.parse::<Lang>().ok())
        .unwrap_or(Lang::En)
}

/// The most hexagons one answer holds; zoom in for more.
const MAX_BINS: i64 = 20_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct BinsQuery {
    /// `min_lon,min_lat,max_lon,max_lat` (default: the area of interest).
    bbox: Option<String>,
    /// The web map's zoom level (default 6): it chooses the hexagon size.
    zoom: Option<String>,
    /// Language of the labels: kk, ru, en (default), zh.
    lang: Option<String>,
}

/// Hexagons with readings in a bounding box, as a GeoJSON FeatureCollection: per hexagon the
/// number of readings, median, 95th percentile and maximum dose rate (µSv/h), the newest
/// reading's time, the colour of the map's logarithmic scale and a summary in words. The
/// answer's `semey.legend` explains the colours in plain words.
#[utoipa::path(get, path = "/radiation/bins", tag = "radiation", params(BinsQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json"),
              (status = 400, body = crate::error::ErrorBody)))]
async fn bins(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<BinsQuery>,
) -> Result<Response, AppError> {
    let cfg = &s.config.radiation;
    let bbox = param("bbox", &q.bbox, parse_bbox)?.unwrap_or(cfg.area);
    let zoom: u8 = param("zoom", &q.zoom, from_str("a zoom level (0–20)"))?.unwrap_or(6);
    let lang = lang_of(&q.lang);
    let fc = bins_geojson(&s.store, cfg, bbox, zoom, lang).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        fc.to_string(),
    )
        .into_response())
}

/// The hexagon layer for a bounding box and zoom (also used by the radiation page).
pub async fn bins_geojson(
    store: &Store,
    cfg: &crate::config::RadiationConfig,
    bbox: [f64; 4],
    zoom: u8,
    lang: Lang,
) -> Result<serde_json::Value, AppError> {
    use crate::presentation::format::{integer, measure};
    let model = &cfg.model;
    let res = resolution_for_zoom(zoom);
    let rows = store.bins_in(res, bbox, MAX_BINS + 1).await?;
    let truncated = rows.len() as i64 > MAX_BINS;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let old = cfg.max_age_years * 31_557_600;
    let t = |k: &str| crate::presentation::i18n::t(lang, k);
    let mut features = Vec::with_capacity(rows.len());
    for b in rows.iter().take(MAX_BINS as usize) {
        let Some(ring) = cell_outline(b.cell) else {
            continue;
        };
        let band = model.band(model.added_annual_dose_msv(b.median_usv_h));
        let newest = OffsetDateTime::from_unix_timestamp(b.newest)
            .map(|d| crate::presentation::format::date(lang, d.date()))
            .unwrap_or_default();
        let summary = format!(
            "{}: {} µSv/h · {}: {} µSv/h · {}: {} µSv/h · {}: {} · {}: {}",
            t("radiation-median-short"),
            measure(lang, b.median_usv_h),
            t("radiation-p95-short"),
            measure(lang, b.p95_usv_h),
            t("radiation-max-short"),
            measure(lang, b.max_usv_h),
            t("radiation-count"),
            integer(lang, b.count),
            t("radiation-newest"),
            newest
        );
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [ring.iter().map(|(x, y)| [*x, *y]).collect::<Vec<_>>()]},
            "properties": {
                "cell": format!("{:x}", b.cell),
                "resolution": b.resolution,
                "count": b.count,
                "median_usv_h": b.median_usv_h,
                "p95_usv_h": b.p95_usv_h,
                "max_usv_h": b.max_usv_h,
                "newest": b.newest,
                "stale": now - b.newest > old,
                "band": band.code(),
                "colour": rad::colour(model, b.median_usv_h),
                "name": t(&format!("band-{}-title", band.code())),
                "summary": summary,
            }
        }));
    }
    Ok(serde_json::json!({
        "type": "FeatureCollection",
        "features": features,
        "semey": {
            "resolution": res,
            "truncated": truncated,
            "legend": rad::legend(model, lang),
            "legend_title": t("radiation-legend-title"),
            "none": t("radiation-legend-none"),
        }
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ExportQuery {
    /// `min_lon,min_lat,max_lon,max_lat`.
    bbox: Option<String>,
    /// From this time (RFC 3339) or date (`2024-05-01`), inclusive.
    from: Option<String>,
    /// Until this time or date, inclusive.
    to: Option<String>,
    /// Only this dataset (id).
    dataset: Option<String>,
    /// `csv` (default) or `geojson`.
    format: Option<String>,
}

impl ExportQuery {
    /// The readings a query selects.
    pub(super) fn filter(&self) -> Result<MeasurementFilter, AppError> {
        Ok(MeasurementFilter {
            bbox: param("bbox", &self.bbox, parse_bbox)?,
            from: param("from", &self.from, parse_when)?,
            to: param("to", &self.to, parse_when)?,
            dataset_id: param("dataset", &self.dataset, from_str("a dataset id"))?,
            ..Default::default()
        })
    }
}

/// Measurements in a bounding box and time window, streamed as CSV or GeoJSON: the raw value
/// and unit, the dose rate in µSv/h through the current factor of the device's tube (empty for
/// activities and for tubes without a factor), nuclide, device, tube, dataset, height, position
/// precision and quality flags. Signed-in accounts and API tokens get every row; the public
/// gets at most `public_export_rows` (the `Semey-Row-Limit` header says how many). A few
/// exports run at once; more wait a few seconds, then get 503 with `Retry-After`.
#[utoipa::path(get, path = "/radiation/measurements", tag = "radiation", params(ExportQuery),
    responses((status = 200, description = "CSV or GeoJSON, streamed", content(("text/csv"), ("application/geo+json"))),
              (status = 400, body = crate::error::ErrorBody),
              (status = 503, body = crate::error::ErrorBody, description = "Too many exports at once; retry")))]
async fn measurements(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, AppError> {
    let filter = q.filter()?;
    let geojson = match q.format.as_deref().unwrap_or("csv") {
        "csv" => false,
        "geojson" => true,
        other => {
            return Err(AppError::BadRequest {
                code: "invalid_parameter",
                message: format!("format {other:?}: csv or geojson"),
                field: Some("format".to_owned()),
            })
        }
    };
    let row_limit = (!actor.principal.is_signed_in()).then_some(s.config.public_export_rows);
    // Held until the stream ends (or its reader goes away), so at most `heavy_requests`
    // exports read the database at once.
    let permit = s.heavy_permit().await?;
    let rx = crate::radiation::export::measurements(&s.store, filter, geojson, row_limit, permit)
        .await?;
    // A stream that keeps answering "ended" once it has ended: compression layers poll a body
    // again after its end.
    let mut rx = rx;
    let stream = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx).map(|b| b.map(Ok::<Bytes, std::io::Error>))
    });
    let (kind, name) = if geojson {
        ("application/geo+json", "measurements.geojson")
    } else {
        ("text/csv; charset=utf-8", "measurements.csv")
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response();
    if let Some(limit) = row_limit {
        response.headers_mut().insert(
            "semey-row-limit",
            axum::http::HeaderValue::from_str(&limit.to_string()).expect("digits"),
        );
    }
    Ok(response)
}

/// The estimate's model, every parameter shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelView {
    #[serde(flatten)]
    pub model: RiskModel,
    /// Readings older than this do not count for the present.
    pub max_age_years: i64,
    /// Readings within this distance of a settlement's point count for it.
    pub settlement_radius_km: f64,
    pub formula: &'static str,
}

impl ModelView {
    pub fn of(cfg: &crate::config::RadiationConfig) -> Self {
        Self {
            model: cfg.model.clone(),
            max_age_years: cfg.max_age_years,
            settlement_radius_km: cfg.settlement_radius_km,
            formula: "E_add [mSv/y] = max(H − H_bg, 0) × 8.76 × (f_out + f_in × SF) × k",
        }
    }
}

/// A year of readings (history).
#[derive(Debug, Serialize, ToSchema)]
pub struct YearStats {
    pub year: i32,
    pub count: u64,
    pub median_usv_h: Option<f64>,
    pub max_usv_h: f64,
}

/// The risk for a place or a point.
#[derive(Debug, Serialize, ToSchema)]
pub struct RiskAnswer {
    pub place_id: Option<String>,
    pub place_name: Option<String>,
    /// `background`, `within_limit`, `above_limit`, `not_for_living`, or `not_measured`.
    pub band: &'static str,
    /// The added annual dose, mSv/y, at the median and at the 95th percentile of the readings.
    pub added_msv: Option<f64>,
    pub added_msv_p95: Option<f64>,
    pub median_usv_h: Option<f64>,
    pub p05_usv_h: Option<f64>,
    pub p95_usv_h: Option<f64>,
    pub max_usv_h: Option<f64>,
    /// Readings behind the estimate (those newer than the age limit).
    pub count: u64,
    /// Unix seconds.
    pub newest: Option<i64>,
    pub oldest: Option<i64>,
    pub message: RiskMessage,
    pub model: ModelView,
    /// Readings of every age by year: history, not the present estimate.
    pub history: Vec<YearStats>,
}

impl RiskAnswer {
    pub fn new(
        a: &Assessment,
        cfg: &crate::config::RadiationConfig,
        lang: Lang,
        history: &[(i32, DoseStats)],
    ) -> Self {
        Self {
            place_id: None,
            place_name: None,
            band: a.band.map_or("not_measured", |b| b.code()),
            added_msv: a.added_msv,
            added_msv_p95: a.added_msv_p95,
            median_usv_h: a.median_usv_h,
            p05_usv_h: a.p05_usv_h,
            p95_usv_h: a.p95_usv_h,
            max_usv_h: a.max_usv_h,
            count: a.count,
            newest: a.newest,
            oldest: a.oldest,
            message: rad::message(a, cfg, lang),
            model: ModelView::of(cfg),
            history: history
                .iter()
                .map(|(year, s)| YearStats {
                    year: *year,
                    count: s.count(),
                    median_usv_h: s.median(),
                    max_usv_h: s.max_usv_h,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct RiskQuery {
    /// A settlement's (or any place's) id.
    place: Option<String>,
    /// A point: latitude and longitude.
    lat: Option<String>,
    lon: Option<String>,
    /// Language of the message: kk, ru, en (default), zh.
    lang: Option<String>,
}

/// The risk for a place (`place`) or a point (`lat`, `lon`): the band, the added annual dose
/// with its inputs, the readings behind it and their spread, and the plain-language message.
/// "not_measured" when no reading is newer than the age limit — never "safe".
#[utoipa::path(get, path = "/radiation/risk", tag = "radiation", params(RiskQuery),
    responses((status = 200, body = RiskAnswer), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
async fn risk(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<RiskQuery>,
) -> Result<Json<RiskAnswer>, AppError> {
    let cfg = &s.config.radiation;
    let lang = lang_of(&q.lang);
    let now = OffsetDateTime::now_utc();
    let place: Option<PlaceId> = param("place", &q.place, from_str("a place id"))?;
    let lat: Option<f64> = param("lat", &q.lat, from_str("a latitude"))?;
    let lon: Option<f64> = param("lon", &q.lon, from_str("a longitude"))?;
    match (place, lat, lon) {
        (Some(id), None, None) => {
            let r = rad::place_risk(&s.store, cfg, id, now).await?;
            let mut answer = RiskAnswer::new(&r.assessment, cfg, lang, &r.by_year);
            answer.place_id = Some(id.to_string());
            answer.place_name = r.place.name.best(lang).map(str::to_owned);
            Ok(Json(answer))
        }
        (None, Some(lat), Some(lon)) => {
            let (a, _) = rad::point_risk(&s.store, cfg, lat, lon, now).await?;
            Ok(Json(RiskAnswer::new(&a, cfg, lang, &[])))
        }
        _ => Err(AppError::BadRequest {
            code: "invalid_parameter",
            message: "give place, or lat and lon".to_owned(),
            field: Some("place".to_owned()),
        }),
    }
}

/// A dataset and how many measurements it holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetView {
    pub id: i64,
    pub name: String,
    pub source: String,
    pub licence: String,
    pub description: String,
    pub url: Option<String>,
    pub created_at: String,
    pub measurements: i64,
}

impl DatasetView {
    fn new(d: semey_store::Dataset, measurements: i64) -> Self {
        Self {
            id: d.id,
            name: d.name,
            source: d.source,
            licence: d.licence,
            description: d.description,
            url: d.url,
            created_at: d.created_at,
            measurements,
        }
    }
}

/// The datasets of measurements with their provenance.
#[utoipa::path(get, path = "/radiation/datasets", tag = "radiation",
    responses((status = 200, body = Vec<DatasetView>)))]
async fn datasets(State(s): State<AppState>) -> Result<Json<Vec<DatasetView>>, AppError> {
    Ok(Json(
        s.store
            .datasets()
            .await?
            .into_iter()
            .map(|(d, measurements)| DatasetView::new(d, measurements))
            .collect(),
    ))
}

/// A file loaded into a dataset.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    pub file_name: String,
    pub sha256: String,
    pub format: String,
    pub imported_at: String,
    pub rows_read: i64,
    pub inserted: i64,
    pub duplicates: i64,
    pub skipped: i64,
    /// Counts by reason, with lines.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetDetail {
    pub dataset: DatasetView,
    pub imports: Vec<ImportView>,
}

/// One dataset with the files loaded into it.
#[utoipa::path(get, path = "/radiation/datasets/{id}", tag = "radiation",
    responses((status = 200, body = DatasetDetail), (status = 404, body = crate::error::ErrorBody)))]
async fn dataset(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<DatasetDetail>, AppError> {
    // Datasets are numbered; anything else names no dataset.
    let id: i64 = id.parse().map_err(|_| AppError::NotFound {
        entity: "dataset",
        id: id.clone(),
    })?;
    let d = s.store.dataset(id).await?;
    let imports = s.store.imports_of(id).await?;
    let measurements = imports.iter().map(|i| i.inserted).sum();
    Ok(Json(DatasetDetail {
        dataset: DatasetView::new(d, measurements),
        imports: imports
            .into_iter()
            .map(|i| ImportView {
                file_name: i.file_name,
                sha256: i.sha256,
                format: i.format,
                imported_at: i.imported_at,
                rows_read: i.rows_read,
                inserted: i.inserted,
                duplicates: i.duplicates,
                skipped: i.skipped,
                report: i.report,
            })
            .collect(),
    }))
}

/// A version of a tube's count-rate factor.
#[derive(Debug, Serialize, ToSchema)]
pub struct FactorView {
    pub tube: String,
    pub version: i64,
    pub cpm_per_usv_h: f64,
    pub source: String,
    pub recorded_at: String,
}

/// The conversion table: every version of every tube's factor (CPM per µSv/h), newest first.
#[utoipa::path(get, path = "/radiation/factors", tag = "radiation",
    responses((status = 200, body = Vec<FactorView>)))]
async fn factors(State(s): State<AppState>) -> Result<Json<Vec<FactorView>>, AppError> {
    Ok(Json(
        s.store
            .factors()
            .await?
            .into_iter()
            .map(|f| FactorView {
                tube: f.tube,
                version: f.version,
                cpm_per_usv_h: f.cpm_per_usv_h,
                source: f.source,
                recorded_at: f.recorded_at,
            })
            .collect(),
    ))
}
