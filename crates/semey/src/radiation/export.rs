//! The measurement export: every reading a filter selects, streamed as CSV or GeoJSON with its
//! raw value and unit, the dose rate through the current factor of its device's tube, nuclide,
//! device, tube, dataset, height, position precision and quality flags. Ranges of ids within the
//! spans that can hold the filter's rows are read as text columns by the database, two at a
//! time, while the previous one is written out.

use crate::AppError;
use axum::body::Bytes;
use futures_util::StreamExt;
use semey_domain::radiation::to_usv_h;
use semey_store::{MeasurementFilter, Store};

/// Measurement ids per chunk of an export.
const EXPORT_CHUNK: i64 = 100_000;

/// Starts the export of what `filter` selects (at most `row_limit` rows) and returns the
/// stream of its pieces. `permit` is held until the export ends or its reader goes away.
pub async fn measurements(
    store: &Store,
    filter: MeasurementFilter,
    geojson: bool,
    row_limit: Option<u64>,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Result<tokio::sync::mpsc::Receiver<Bytes>, AppError> {
    let store = store.clone();
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
            // A task of its own: on SQLite the read runs on the thread that polls it.
            let read = tokio::spawn(async move { store.measurement_chunk(&f).await });
            async move {
                match read.await {
                    Ok(chunk) => chunk.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            }
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
    Ok(rx)
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
