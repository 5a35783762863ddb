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
use futures_util::StreamExt;
use semey_domain::ids::PlaceId;
use semey_domain::radiation::{
    cell_outline, resolution_for_zoom, to_usv_h, Assessment, DoseStats, RiskModel,
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

/// Measurement ids per chunk of an export.
const EXPORT_CHUNK: i64 = 100_000;

/// Measurements in a bounding box and time window, streamed as CSV or GeoJSON: the raw value
/// and unit, the dose rate in µSv/h through the current factor of the device's tube (empty for
/// activities and for tubes without a factor), nuclide, device, tube, dataset, height, position
/// precision and quality flags. Signed-in accounts and API tokens get every row; the public
/// gets at most `public_export_rows` (the `Semey-Row-Limit` header says how many). A few
/// exports run at once; more wait a few seconds, then get 503 with `Retry-After`.
#[utoipa::path(get, path = "/radiation/measurements", tag = "radiation", params(ExportQuery),
    responses((status = 200, description = "CSV or GeoJSON, streamed", content_type = "text/csv"),
              (status = 400, body = crate::error::ErrorBody),
              (status = 503, body = crate::error::ErrorBody, description = "Too many exports at once; retry")))]
async fn measurements(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, AppError> {
    let filter = MeasurementFilter {
        bbox: param("bbox", &q.bbox, parse_bbox)?,
        from: param("from", &q.from, parse_when)?,
        to: param("to", &q.to, parse_when)?,
        dataset_id: param("dataset", &q.dataset, from_str("a dataset id"))?,
        ..Default::default()
    };
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
    let permit = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        s.heavy.clone().acquire_owned(),
    )
    .await
    .ok()
    .and_then(Result::ok)
    .ok_or(AppError::Busy(
        "the server is busy with other exports; try again in a few seconds",
    ))?;
    let store = s.store.clone();
    let mut rows = ExportRows::new(&store, geojson).await?;
    let spans = store.measurement_spans(&filter).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    tokio::spawn(async move {
        let _permit = permit;
        let head = if geojson {
            "{\"type\":\"FeatureCollection\",\"features\":[\n"
        } else {
            "captured_at,latitude,longitude,value,unit,usv_h,nuclide,device,tube,dataset_id,height_m,precision_m,flags\n"
        };
        if tx.send(Bytes::from_static(head.as_bytes())).await.is_err() {
            return;
        }
        // Chunks are ranges of ids within the spans that can hold the filter's rows, read two
        // at a time (on two connections) while the task writes the previous one out, in order.
        let ranges: Vec<(i64, i64)> = spans
            .into_iter()
            .flat_map(|(first, last)| {
                (first - 1..last)
                    .step_by(EXPORT_CHUNK as usize)
                    .map(move |a| (a, (a + EXPORT_CHUNK).min(last)))
            })
            .collect();
        let mut chunks = futures_util::stream::iter(ranges.into_iter().map(|(after, upto)| {
            let store = store.clone();
            let f = MeasurementFilter {
                after_id: Some(after),
                to_id: Some(upto),
                ..filter.clone()
            };
            async move { store.measurement_chunk(&f).await }
        }))
        .buffered(2);
        let mut left = row_limit.unwrap_or(u64::MAX);
        while let Some(chunk) = chunks.next().await {
            let chunk = match chunk {
                Ok(Some(c)) => c,
                Ok(None) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "measurement export failed");
                    return;
                }
            };
            let mut buf = Vec::with_capacity(chunk.count * 96);
            let written = chunk.for_each(|m| {
                if left > 0 {
                    left -= 1;
                    rows.write(&mut buf, &m);
                }
            });
            if let Err(e) = written {
                tracing::error!(error = %e, "measurement export failed");
                return;
            }
            if tx.send(Bytes::from(buf)).await.is_err() {
                // The reader went away: stop reading the database.
                return;
            }
            if left == 0 {
                break;
            }
        }
        if geojson {
            let _ = tx.send(Bytes::from_static(b"\n]}\n")).await;
        }
    });
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

/// What a device contributes to each exported row, prepared once per device.
struct DeviceOut {
    /// `,device,tube` (CSV) or `"device":…,"tube":…` (GeoJSON).
    text: String,
    factor: Option<f64>,
}

/// Writes exported measurements, one at a time, into a buffer.
struct ExportRows {
    geojson: bool,
    first: bool,
    devices: std::collections::HashMap<String, DeviceOut>,
    datasets: std::collections::HashMap<String, String>,
    last_device: (String, Option<(String, Option<f64>)>),
    last_dataset: (String, String),
}

impl ExportRows {
    async fn new(store: &Store, geojson: bool) -> Result<Self, AppError> {
        let factors = store.current_factors().await?;
        let devices = store
            .devices()
            .await?
            .into_iter()
            .map(|(id, d)| {
                let tube = d.tube.as_deref().unwrap_or("");
                let text = if geojson {
                    format!(
                        "\"device\":{},\"tube\":{}",
                        serde_json::Value::from(d.name.as_str()),
                        serde_json::Value::from(tube)
                    )
                } else {
                    format!("{},{}", csv_field(&d.name), csv_field(tube))
                };
                let factor = d.tube.as_ref().and_then(|t| factors.get(t)).copied();
                (id.to_string(), DeviceOut { text, factor })
            })
            .collect();
        let datasets = store
            .import_datasets()
            .await?
            .into_iter()
            .map(|(i, d)| (i.to_string(), d.to_string()))
            .collect();
        Ok(Self {
            geojson,
            first: true,
            devices,
            datasets,
            last_device: (String::new(), None),
            last_dataset: (String::new(), String::new()),
        })
    }

    fn write(&mut self, out: &mut Vec<u8>, m: &semey_store::MeasurementText<'_>) {
        // Numbers as both databases agree to write them (SQLite adds ".0" to whole reals).
        fn num(v: &str) -> &str {
            v.strip_suffix(".0").unwrap_or(v)
        }
        let m = &semey_store::MeasurementText {
            lat: num(m.lat),
            lon: num(m.lon),
            value: num(m.value),
            height_m: num(m.height_m),
            precision_m: num(m.precision_m),
            ..*m
        };
        // Readings come in runs of one device and one import: look up only when they change.
        if m.device_id != self.last_device.0 {
            self.last_device = (
                m.device_id.to_owned(),
                self.devices
                    .get(m.device_id)
                    .map(|d| (d.text.clone(), d.factor)),
            );
        }
        if m.import_id != self.last_dataset.0 {
            self.last_dataset = (
                m.import_id.to_owned(),
                self.datasets.get(m.import_id).cloned().unwrap_or_default(),
            );
        }
        let device = self.last_device.1.as_ref();
        let unit = m
            .unit
            .parse::<i64>()
            .ok()
            .and_then(semey_domain::radiation::DoseUnit::from_code);
        let symbol = unit.map_or("", |u| u.symbol());
        let mut usv = [0u8; 32];
        let usv: &[u8] = match unit {
            Some(semey_domain::radiation::DoseUnit::MicroSievertPerHour) => m.value.as_bytes(),
            Some(u) if u.is_rate() => {
                let factor = device.and_then(|d| d.1).unwrap_or(f64::NAN);
                match m
                    .value
                    .parse::<f64>()
                    .ok()
                    .and_then(|v| to_usv_h(v, u, factor))
                {
                    Some(v) if v.is_finite() => fixed4(v, &mut usv),
                    _ => b"",
                }
            }
            _ => b"",
        };
        let when = unix_to_rfc3339(m.t.parse().unwrap_or_default());
        let dataset = self.last_dataset.1.as_str();
        let device_text = device.map_or("", |d| d.0.as_str());
        if self.geojson {
            if !self.first {
                out.extend_from_slice(b",\n");
            }
            self.first = false;
            let nuclide = if m.nuclide.is_empty() {
                std::borrow::Cow::Borrowed("\"\"")
            } else {
                std::borrow::Cow::Owned(serde_json::Value::from(m.nuclide).to_string())
            };
            let usv = std::str::from_utf8(usv).unwrap_or_default();
            // Pieces in order; written without the formatter (this runs a million times a second).
            for piece in [
                "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[",
                m.lon,
                ",",
                m.lat,
                "]},\"properties\":{\"captured_at\":\"",
                std::str::from_utf8(&when).unwrap_or_default(),
                "\",\"value\":",
                m.value,
                ",\"unit\":\"",
                symbol,
                "\",\"usv_h\":",
                or_null(usv),
                ",\"nuclide\":",
                &nuclide,
                ",",
                device_text,
                ",\"dataset_id\":",
                or_null(dataset),
                ",\"height_m\":",
                or_null(m.height_m),
                ",\"precision_m\":",
                or_null(m.precision_m),
                ",\"flags\":",
                m.flags,
                "}}",
            ] {
                out.extend_from_slice(piece.as_bytes());
            }
        } else {
            out.extend_from_slice(&when);
            for part in [m.lat, m.lon, m.value, symbol] {
                out.push(b',');
                out.extend_from_slice(part.as_bytes());
            }
            out.push(b',');
            out.extend_from_slice(usv);
            out.push(b',');
            out.extend_from_slice(csv_field(m.nuclide).as_bytes());
            out.push(b',');
            out.extend_from_slice(device_text.as_bytes());
            for part in [dataset, m.height_m, m.precision_m, m.flags] {
                out.push(b',');
                out.extend_from_slice(part.as_bytes());
            }
            out.push(b'\n');
        }
    }
}

fn or_null(v: &str) -> &str {
    if v.is_empty() {
        "null"
    } else {
        v
    }
}

/// `v` (not negative) with four decimals, written without the general float formatter.
fn fixed4(v: f64, buf: &mut [u8; 32]) -> &[u8] {
    let scaled = (v * 10_000.0).round();
    if !(0.0..1e15).contains(&scaled) {
        return b"";
    }
    let mut n = scaled as u64;
    // Digits from the right: four decimals, the point, then the whole part.
    let mut i = buf.len();
    for k in 0.. {
        if k == 4 {
            i -= 1;
            buf[i] = b'.';
        }
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 && k >= 4 {
            break;
        }
    }
    &buf[i..]
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
fn unix_to_rfc3339(t: i64) -> [u8; 20] {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil date from days (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let mut out = *b"0000-00-00T00:00:00Z";
    let put = |out: &mut [u8; 20], at: usize, v: i64, width: usize| {
        let mut v = v.clamp(0, 9999);
        for i in (0..width).rev() {
            out[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(&mut out, 0, y, 4);
    put(&mut out, 5, m, 2);
    put(&mut out, 8, d, 2);
    put(&mut out, 11, secs / 3600, 2);
    put(&mut out, 14, secs % 3600 / 60, 2);
    put(&mut out, 17, secs % 60, 2);
    out
}

/// Quotes a CSV field when it needs it.
fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
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
    Path(id): Path<i64>,
) -> Result<Json<DatasetDetail>, AppError> {
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
