//! Importing radiation measurements: Safecast's bulk-export CSV, Safecast API CSV and JSON,
//! bGeigie drive logs, a CSV of any layout with a column mapping, and GeoJSON points.
//!
//! The file is read as a stream on its own thread (memory does not grow with the file), rows
//! are written in one database transaction by the caller's task, and the statistics of the rows
//! actually added are gathered on a third thread and added to the stored ones before the commit.
//! Rows a device itself marks invalid, rows of other quantities (temperature, status) and rows
//! outside the area of interest are expected: skipped and counted. Malformed rows fail the
//! file, unless the import is lenient, which skips them and lists them.

use super::{Aggregator, Locator};
use crate::config::RadiationConfig;
use crate::error::AppError;
use crate::import::Progress;
use semey_domain::radiation::{
    parse_bgeigie_line, quality, read_row, to_usv_h, BGeigieSkip, DoseUnit, RawReading, Reading,
    Reject, Row,
};
use semey_domain::FieldError;
use semey_store::{Dataset, NewMeasurement, Store};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use time::OffsetDateTime;

/// The formats understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Safecast's bulk export: `Captured Time,Latitude,Longitude,Value,Unit,Location Name,Device
    /// ID,MD5Sum,Height,Surface,Radiation,Uploaded Time,Loader ID`.
    SafecastCsv,
    /// Safecast API CSV: `value,unit,location_name,captured_at,device_id,height,…,latitude,longitude`.
    SafecastApiCsv,
    /// Safecast API JSON: an array of objects with the API CSV's keys.
    SafecastApiJson,
    /// bGeigie drive logs (`$BNRDD,…*HH` lines).
    Bgeigie,
    /// A CSV of any layout, with a column mapping.
    Csv,
    /// A GeoJSON FeatureCollection of points.
    Geojson,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::SafecastCsv,
        Format::SafecastApiCsv,
        Format::SafecastApiJson,
        Format::Bgeigie,
        Format::Csv,
        Format::Geojson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::SafecastCsv => "safecast-csv",
            Format::SafecastApiCsv => "safecast-api-csv",
            Format::SafecastApiJson => "safecast-api-json",
            Format::Bgeigie => "bgeigie",
            Format::Csv => "csv",
            Format::Geojson => "geojson",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    fn is_safecast(self) -> bool {
        matches!(
            self,
            Format::SafecastCsv
                | Format::SafecastApiCsv
                | Format::SafecastApiJson
                | Format::Bgeigie
        )
    }
}

/// The bulk export's header, exactly.
pub const SAFECAST_HEADER: [&str; 13] = [
    "Captured Time",
    "Latitude",
    "Longitude",
    "Value",
    "Unit",
    "Location Name",
    "Device ID",
    "MD5Sum",
    "Height",
    "Surface",
    "Radiation",
    "Uploaded Time",
    "Loader ID",
];

/// Which columns of a CSV of any layout hold what.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMapping {
    pub time: String,
    pub lat: String,
    pub lon: String,
    pub value: String,
    /// The unit column; or `fixed_unit` for a file in one unit.
    pub unit: Option<String>,
    pub fixed_unit: Option<String>,
    pub device: Option<String>,
    pub height: Option<String>,
    pub nuclide: Option<String>,
}

impl ColumnMapping {
    /// Reads `time=When,lat=Y,lon=X,value=Dose,unit=Unit` (keys: time, lat, lon, value, unit,
    /// device, height, nuclide); a unit written `unit:=usv/h` applies to every row.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut m = ColumnMapping::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some(u) = part.strip_prefix("unit:=") {
                m.fixed_unit = Some(u.trim().to_owned());
                continue;
            }
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not key=column"))?;
            let v = v.trim().to_owned();
            match k.trim() {
                "time" => m.time = v,
                "lat" => m.lat = v,
                "lon" => m.lon = v,
                "value" => m.value = v,
                "unit" => m.unit = Some(v),
                "device" => m.device = Some(v),
                "height" => m.height = Some(v),
                "nuclide" => m.nuclide = Some(v),
                other => {
                    return Err(format!(
                    "unknown key {other:?} (time, lat, lon, value, unit, device, height, nuclide)"
                ))
                }
            }
        }
        for (k, v) in [
            ("time", &m.time),
            ("lat", &m.lat),
            ("lon", &m.lon),
            ("value", &m.value),
        ] {
            if v.is_empty() {
                return Err(format!("the mapping names no {k} column"));
            }
        }
        if m.unit.is_none() && m.fixed_unit.is_none() {
            return Err(
                "the mapping names no unit column (unit=COLUMN) or unit (unit:=usv/h)".to_owned(),
            );
        }
        Ok(m)
    }
}

/// How to import a file.
#[derive(Debug, Clone)]
pub struct MeasurementOptions {
    pub format: Option<Format>,
    /// Skip and list malformed rows instead of failing the file.
    pub lenient: bool,
    /// The dataset's name (default: the file's name without extension).
    pub dataset: Option<String>,
    pub source: Option<String>,
    pub licence: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    /// The tube of the devices of this file, for count rates (default: the configuration's).
    pub tube: Option<String>,
    pub mapping: Option<ColumnMapping>,
    /// Keep readings anywhere (no area of interest).
    pub everywhere: bool,
    /// How precisely the file's positions are known, m.
    pub precision_m: Option<f64>,
    /// The time the import runs (readings more than 48 h after it are refused).
    pub now: OffsetDateTime,
    /// Who runs the import, for the audit trail (the command line unless said).
    pub actor: crate::accounts::Actor,
}

impl Default for MeasurementOptions {
    fn default() -> Self {
        Self {
            format: None,
            lenient: false,
            dataset: None,
            source: None,
            licence: None,
            description: None,
            url: None,
            tube: None,
            mapping: None,
            everywhere: false,
            precision_m: None,
            now: OffsetDateTime::now_utc(),
            actor: crate::accounts::Actor::command_line(),
        }
    }
}

/// Rows of one reason, and the first of their lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub count: u64,
    pub lines: Vec<u64>,
}

/// Lines listed per reason in a report.
const LINES_LISTED: usize = 20;

impl Tally {
    fn add(&mut self, line: u64) {
        self.count += 1;
        if self.lines.len() < LINES_LISTED {
            self.lines.push(line);
        }
    }
}

/// What an import of measurements did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MeasurementReport {
    pub file: String,
    pub format: &'static str,
    pub dataset: String,
    /// Data rows read (comment lines not counted).
    pub rows: u64,
    pub inserted: u64,
    /// Readings stored already (same device, time, position and quantity).
    pub duplicates: u64,
    /// Expected rows left out, by reason: invalid_cpm, no_gps_fix, not_radiation, outside_area.
    pub skipped: BTreeMap<&'static str, Tally>,
    /// Malformed rows left out by a lenient import, by reason.
    pub rejected: BTreeMap<&'static str, Tally>,
    /// Lines of `rejected` with what was wrong (the first 100).
    pub problems: Vec<String>,
}

/// What a reason means, for reports.
pub fn reason_text(code: &str) -> &'static str {
    match code {
        "invalid_cpm" => "the device marked the count invalid",
        "no_gps_fix" => "no GPS fix",
        "not_radiation" => "not a radiation unit (temperature, status, particles)",
        "outside_area" => "outside the area of interest",
        "bad_checksum" => "bad checksum",
        "unparseable" => "unparseable line",
        "unknown_unit" => "a unit the platform does not know",
        "value_out_of_range" => "value out of range (negative or absurd)",
        "bad_coordinates" => "coordinates out of range or (0,0)",
        "time_out_of_range" => "time before 1945 or in the future",
        "missing_nuclide" => "an activity without its nuclide",
        "wrong_field_count" => "wrong number of fields",
        _ => "other",
    }
}

impl std::fmt::Display for MeasurementReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "measurements ({}) into dataset {:?}: {} rows read, {} new, {} already present",
            self.format, self.dataset, self.rows, self.inserted, self.duplicates
        )?;
        for (title, map) in [
            ("skipped", &self.skipped),
            ("rejected (lenient)", &self.rejected),
        ] {
            for (code, t) in map {
                let lines: Vec<String> = t.lines.iter().map(u64::to_string).collect();
                let more = if t.count > t.lines.len() as u64 {
                    ", …"
                } else {
                    ""
                };
                writeln!(
                    f,
                    "  {title}: {} × {} (lines {}{more})",
                    t.count,
                    reason_text(code),
                    lines.join(", ")
                )?;
            }
        }
        for p in &self.problems {
            writeln!(f, "    {p}")?;
        }
        Ok(())
    }
}

/// A reading as read, with its line.
struct Parsed {
    line: u64,
    reading: Reading,
}

/// What the reading thread found besides readings.
#[derive(Default)]
struct ReadSummary {
    rows: u64,
    skipped: BTreeMap<&'static str, Tally>,
    rejected: BTreeMap<&'static str, Tally>,
    problems: Vec<FieldError>,
    more_problems: u64,
    /// A problem with the whole file (not one line).
    fatal: Option<FieldError>,
}

/// Problems listed before the rest are only counted.
const PROBLEMS_LISTED: usize = 100;

impl ReadSummary {
    fn skipped_row(&mut self, reason: &'static str, line: u64) {
        self.skipped.entry(reason).or_default().add(line);
    }

    fn reject(&mut self, reason: &'static str, line: u64, what: &str, unit: &str) {
        self.rejected.entry(reason).or_default().add(line);
        if self.problems.len() < PROBLEMS_LISTED {
            let detail = match (reason, what.is_empty()) {
                ("unknown_unit", _) => format!("{}: {unit:?}", reason_text(reason)),
                (_, false) => format!("{}: {what}", reason_text(reason)),
                (_, true) => reason_text(reason).to_owned(),
            };
            self.problems
                .push(FieldError::new(format!("line {line}"), reason, detail));
        } else {
            self.more_problems += 1;
        }
    }

    fn malformed(&self) -> u64 {
        self.rejected.values().map(|t| t.count).sum()
    }
}

/// Counts the bytes read, for the progress bar, and computes the file's SHA-256 (kept with the
/// import as its provenance) on the way.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
    digest: Sha256,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.update(&buf[..n]);
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Read> Counting<R> {
    /// Reads what the parser left (a format may stop before the end) and gives the digest.
    fn finish(mut self) -> String {
        let mut buf = vec![0u8; 1 << 16];
        while matches!(self.read(&mut buf), Ok(n) if n > 0) {}
        self.digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Readings per message from the reading thread.
const BATCH: usize = 6000;

/// Sends readings to the writer in batches; stops sending (but goes on reading, to list every
/// problem) once a strict import has met a malformed row.
struct Sink {
    /// Where batches go; `None` when only checking a file (they are counted and dropped).
    tx: Option<tokio::sync::mpsc::Sender<Vec<Parsed>>>,
    /// Readings passed on.
    passed: u64,
    batch: Vec<Parsed>,
    area: Option<[f64; 4]>,
    strict: bool,
    closed: bool,
}

impl Sink {
    fn push(&mut self, sum: &mut ReadSummary, line: u64, reading: Reading) {
        if let Some([min_lon, min_lat, max_lon, max_lat]) = self.area {
            if !(min_lon..=max_lon).contains(&reading.lon)
                || !(min_lat..=max_lat).contains(&reading.lat)
            {
                sum.skipped_row("outside_area", line);
                return;
            }
        }
        if self.closed || (self.strict && sum.malformed() > 0) {
            return;
        }
        self.batch.push(Parsed { line, reading });
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() || self.closed {
            return;
        }
        let b = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.passed += b.len() as u64;
        let Some(tx) = &self.tx else {
            return;
        };
        if tx.blocking_send(b).is_err() {
            // The writer stopped (an error there): nothing more to send.
            self.closed = true;
        }
    }

    /// A row of any format, read through the common check.
    fn row(&mut self, sum: &mut ReadSummary, line: u64, raw: &RawReading<'_>, now: OffsetDateTime) {
        sum.rows += 1;
        match read_row(raw, now) {
            Ok(Row::Reading(r)) => self.push(sum, line, r),
            Ok(Row::NotRadiation(_)) => sum.skipped_row("not_radiation", line),
            Err(e) => {
                let what = match &e {
                    Reject::Unparseable(field) => (*field).to_owned(),
                    _ => String::new(),
                };
                sum.reject(code_of(&e), line, &what, raw.unit);
            }
        }
    }
}

fn code_of(e: &Reject) -> &'static str {
    e.code()
}

/// Guesses a file's format from its name and first bytes.
fn detect(path: &Path, head: &str, mapping: bool) -> Result<Format, FieldError> {
    let first = head
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    let Some(first) = first else {
        if head.lines().any(|l| l.trim_start().starts_with('#')) {
            return Ok(Format::Bgeigie);
        }
        return Err(FieldError::new("file", "empty", "the file is empty"));
    };
    if first.starts_with("$B") || ext == "log" {
        return Ok(Format::Bgeigie);
    }
    if first.starts_with('{') || first.starts_with('[') {
        return Ok(if head.contains("FeatureCollection") || ext == "geojson" {
            Format::Geojson
        } else {
            Format::SafecastApiJson
        });
    }
    if mapping {
        return Ok(Format::Csv);
    }
    let header: Vec<&str> = first.trim_start_matches('\u{feff}').split(',').collect();
    if header.iter().map(|h| h.trim()).eq(SAFECAST_HEADER) {
        return Ok(Format::SafecastCsv);
    }
    let lower: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    if ["captured_at", "latitude", "longitude", "value", "unit"]
        .iter()
        .all(|k| lower.iter().any(|h| h == k))
    {
        return Ok(Format::SafecastApiCsv);
    }
    Err(FieldError::new(
        "file",
        "unknown_format",
        "the format is not recognised: give --format, and for a CSV of your own layout --map time=…,lat=…,lon=…,value=…,unit=…",
    ))
}

/// Reads a whole file on the calling (blocking) thread.
fn read_file(
    reader: impl Read,
    format: Format,
    mapping: Option<&ColumnMapping>,
    sink: &mut Sink,
    now: OffsetDateTime,
) -> ReadSummary {
    let mut sum = ReadSummary::default();
    let result = match format {
        Format::Bgeigie => read_bgeigie(reader, sink, &mut sum, now),
        Format::SafecastCsv | Format::SafecastApiCsv | Format::Csv => {
            read_csv(reader, format, mapping, sink, &mut sum, now)
        }
        Format::SafecastApiJson => read_json(reader, false, sink, &mut sum, now),
        Format::Geojson => read_json(reader, true, sink, &mut sum, now),
    };
    if let Err(e) = result {
        sum.fatal = Some(e);
    }
    sink.flush();
    sum
}

fn read_bgeigie(
    reader: impl Read,
    sink: &mut Sink,
    sum: &mut ReadSummary,
    now: OffsetDateTime,
) -> Result<(), FieldError> {
    let mut r = BufReader::with_capacity(1 << 16, reader);
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        let n = r
            .read_until(b'\n', &mut buf)
            .map_err(|e| FieldError::new("file", "unreadable", e.to_string()))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let Ok(line) = std::str::from_utf8(&buf) else {
            sum.rows += 1;
            sum.reject("unparseable", line_no, "not text", "");
            continue;
        };
        match parse_bgeigie_line(line) {
            Err(BGeigieSkip::Comment) => {}
            Err(BGeigieSkip::BadChecksum) => {
                sum.rows += 1;
                sum.reject("bad_checksum", line_no, "", "");
            }
            Err(BGeigieSkip::Unparseable(why)) => {
                sum.rows += 1;
                sum.reject("unparseable", line_no, &why, "");
            }
            Ok(b) => {
                if !b.cpm_valid {
                    sum.rows += 1;
                    sum.skipped_row("invalid_cpm", line_no);
                } else if !b.gps_fix {
                    sum.rows += 1;
                    sum.skipped_row("no_gps_fix", line_no);
                } else {
                    // The same checks as every other format.
                    let time = b
                        .captured
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default();
                    let (lat, lon, cpm) = (b.lat.to_string(), b.lon.to_string(), b.cpm.to_string());
                    let device = format!("bGeigie {}", b.device);
                    let raw = RawReading {
                        captured: &time,
                        lat: &lat,
                        lon: &lon,
                        value: &cpm,
                        unit: "cpm",
                        device: &device,
                        height: "",
                        nuclide: "",
                    };
                    sink.row(sum, line_no, &raw, now);
                }
            }
        }
    }
    if sum.rows == 0 {
        return Err(FieldError::new(
            "file",
            "empty",
            "the file holds no reading (only comments or nothing)",
        ));
    }
    Ok(())
}

fn read_csv(
    reader: impl Read,
    format: Format,
    mapping: Option<&ColumnMapping>,
    sink: &mut Sink,
    sum: &mut ReadSummary,
    now: OffsetDateTime,
) -> Result<(), FieldError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| {
            FieldError::new(
                "line 1",
                "unparseable",
                format!("the header cannot be read: {e}"),
            )
        })?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(FieldError::new("file", "empty", "the file is empty"));
    }
    let find = |name: &str| -> Result<usize, FieldError> {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                FieldError::new(
                    "line 1",
                    "missing_column",
                    format!(
                        "the header has no column {name:?} (it has: {})",
                        headers.join(", ")
                    ),
                )
            })
    };
    // Column indexes: time, lat, lon, value, unit, device, height, nuclide.
    let (cols, fixed_unit): ([Option<usize>; 8], Option<String>) = match format {
        Format::SafecastCsv => {
            if !headers.iter().map(String::as_str).eq(SAFECAST_HEADER) {
                return Err(FieldError::new(
                    "line 1",
                    "wrong_header",
                    format!(
                        "not a Safecast bulk export: the header must be exactly {:?}",
                        SAFECAST_HEADER.join(",")
                    ),
                ));
            }
            (
                [
                    Some(0),
                    Some(1),
                    Some(2),
                    Some(3),
                    Some(4),
                    Some(6),
                    Some(8),
                    None,
                ],
                None,
            )
        }
        Format::SafecastApiCsv => (
            [
                Some(find("captured_at")?),
                Some(find("latitude")?),
                Some(find("longitude")?),
                Some(find("value")?),
                Some(find("unit")?),
                find("device_id").ok(),
                find("height").ok(),
                None,
            ],
            None,
        ),
        _ => {
            let m = mapping.ok_or_else(|| {
                FieldError::new(
                    "file",
                    "no_mapping",
                    "a CSV of your own layout needs --map time=…,lat=…,lon=…,value=…,unit=…",
                )
            })?;
            let opt = |c: &Option<String>| c.as_deref().map(&find).transpose();
            (
                [
                    Some(find(&m.time)?),
                    Some(find(&m.lat)?),
                    Some(find(&m.lon)?),
                    Some(find(&m.value)?),
                    opt(&m.unit)?,
                    opt(&m.device)?,
                    opt(&m.height)?,
                    opt(&m.nuclide)?,
                ],
                m.fixed_unit.clone(),
            )
        }
    };
    let width = headers.len();
    let mut rec = csv::ByteRecord::new();
    let safecast_bulk = format == Format::SafecastCsv;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                sum.rows += 1;
                sum.reject("unparseable", line, &e.to_string(), "");
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(FieldError::new("file", "unreadable", e.to_string()));
                }
                continue;
            }
        }
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != width {
            sum.rows += 1;
            sum.reject(
                "unparseable",
                line,
                &format!("{} fields where the header has {width}", rec.len()),
                "",
            );
            continue;
        }
        let field = |i: Option<usize>| -> Result<&str, ()> {
            match i {
                Some(i) => std::str::from_utf8(&rec[i]).map_err(|_| ()),
                None => Ok(""),
            }
        };
        let (
            Ok(captured),
            Ok(lat),
            Ok(lon),
            Ok(value),
            Ok(unit),
            Ok(device),
            Ok(height),
            Ok(nuclide),
        ) = (
            field(cols[0]),
            field(cols[1]),
            field(cols[2]),
            field(cols[3]),
            field(cols[4]),
            field(cols[5]),
            field(cols[6]),
            field(cols[7]),
        )
        else {
            sum.rows += 1;
            sum.reject("unparseable", line, "not UTF-8 text", "");
            continue;
        };
        let device_name;
        let device = if safecast_bulk && device.trim().is_empty() {
            // A blank device in the bulk export is a bGeigie.
            "bGeigie"
        } else if device.ends_with(".0") {
            // The API writes device numbers as floats.
            device_name = device.trim_end_matches(".0").to_owned();
            &device_name
        } else {
            device
        };
        let raw = RawReading {
            captured,
            lat,
            lon,
            value,
            unit: fixed_unit.as_deref().unwrap_or(unit),
            device,
            height,
            nuclide,
        };
        sink.row(sum, line, &raw, now);
    }
    if sum.rows == 0 {
        return Err(FieldError::new(
            "file",
            "empty",
            "the file has a header but no rows",
        ));
    }
    Ok(())
}

/// A JSON value as the text a CSV would have held.
fn text_of(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => {
            let s = n.to_string();
            s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
        }
        Some(other) => other.to_string(),
    }
}

/// Calls `f` with each element of a JSON array (numbered from 1), without holding the array.
struct EachElement<'a, F>(&'a mut F);

impl<'de, F: FnMut(u64, serde_json::Value)> DeserializeSeed<'de> for EachElement<'_, F> {
    type Value = u64;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(u64, serde_json::Value)> Visitor<'de> for EachElement<'_, F> {
    type Value = u64;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut i = 0;
        while let Some(v) = seq.next_element::<serde_json::Value>()? {
            i += 1;
            (self.0)(i, v);
        }
        Ok(i)
    }
}

/// A FeatureCollection: its `features` array element by element, other members skipped.
struct Features<'a, F>(&'a mut F);

impl<'de, F: FnMut(u64, serde_json::Value)> DeserializeSeed<'de> for Features<'_, F> {
    type Value = u64;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(u64, serde_json::Value)> Visitor<'de> for Features<'_, F> {
    type Value = u64;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a GeoJSON FeatureCollection")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u64, A::Error> {
        let mut n = 0;
        let mut kind_ok = true;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "features" => n = map.next_value_seed(EachElement(&mut *self.0))?,
                "type" => kind_ok = map.next_value::<String>()? == "FeatureCollection",
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !kind_ok {
            return Err(serde::de::Error::custom(
                "not a FeatureCollection (its type says otherwise)",
            ));
        }
        Ok(n)
    }
}

#[derive(Deserialize)]
struct FeatureIn {
    geometry: Option<serde_json::Value>,
    #[serde(default)]
    properties: Option<serde_json::Map<String, serde_json::Value>>,
}

fn read_json(
    reader: impl Read,
    geojson: bool,
    sink: &mut Sink,
    sum: &mut ReadSummary,
    now: OffsetDateTime,
) -> Result<(), FieldError> {
    let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 16, reader));
    let mut each = |i: u64, v: serde_json::Value| {
        let get = |o: &serde_json::Map<String, serde_json::Value>, keys: &[&str]| {
            text_of(keys.iter().find_map(|k| o.get(*k)))
        };
        if geojson {
            let Ok(f) = serde_json::from_value::<FeatureIn>(v) else {
                sum.rows += 1;
                sum.reject("unparseable", i, "not a Feature", "");
                return;
            };
            let coords = f
                .geometry
                .as_ref()
                .filter(|g| g.get("type").and_then(|t| t.as_str()) == Some("Point"))
                .and_then(|g| g.get("coordinates"))
                .and_then(|c| c.as_array())
                .filter(|c| c.len() >= 2);
            let Some(c) = coords else {
                sum.rows += 1;
                sum.reject("unparseable", i, "geometry is not a Point", "");
                return;
            };
            let props = f.properties.unwrap_or_default();
            let (lon, lat) = (text_of(c.first()), text_of(c.get(1)));
            let (captured, value, unit) = (
                get(&props, &["captured_at", "time", "date", "datetime"]),
                get(&props, &["value", "dose_rate"]),
                get(&props, &["unit"]),
            );
            let (device, height, nuclide) = (
                get(&props, &["device", "device_id", "instrument"]),
                get(&props, &["height", "height_m"]),
                get(&props, &["nuclide"]),
            );
            let raw = RawReading {
                captured: &captured,
                lat: &lat,
                lon: &lon,
                value: &value,
                unit: &unit,
                device: &device,
                height: &height,
                nuclide: &nuclide,
            };
            sink.row(sum, i, &raw, now);
        } else {
            let Some(o) = v.as_object() else {
                sum.rows += 1;
                sum.reject("unparseable", i, "not an object", "");
                return;
            };
            let (captured, lat, lon, value, unit, device, height) = (
                get(o, &["captured_at"]),
                get(o, &["latitude"]),
                get(o, &["longitude"]),
                get(o, &["value"]),
                get(o, &["unit"]),
                get(o, &["device_id"]),
                get(o, &["height"]),
            );
            let raw = RawReading {
                captured: &captured,
                lat: &lat,
                lon: &lon,
                value: &value,
                unit: &unit,
                device: &device,
                height: &height,
                nuclide: "",
            };
            sink.row(sum, i, &raw, now);
        }
    };
    let result = if geojson {
        Features(&mut each).deserialize(&mut de)
    } else {
        EachElement(&mut each).deserialize(&mut de)
    };
    let bad = |e: serde_json::Error| {
        let what = if e.is_eof() && e.line() <= 1 && e.column() == 0 {
            return FieldError::new("file", "empty", "the file is empty");
        } else if geojson {
            "not a GeoJSON FeatureCollection"
        } else {
            "not a JSON array of readings"
        };
        FieldError::new(
            format!("line {}", e.line()),
            "unparseable",
            format!("{what}: {e}"),
        )
    };
    let n = result.map_err(bad)?;
    de.end().map_err(bad)?;
    if n == 0 {
        return Err(FieldError::new(
            "file",
            "empty",
            "the file holds no reading",
        ));
    }
    Ok(())
}

/// What checking a file found (see [`check_file`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCheck {
    pub rows: u64,
    pub readings: u64,
    pub skipped: BTreeMap<&'static str, u64>,
    pub rejected: BTreeMap<&'static str, u64>,
    /// A problem with the whole file.
    pub fatal: Option<String>,
}

/// Reads a file of measurements in `format` as an import would, storing nothing: what would be
/// imported and what left out (for the fuzzer, and for checking a file before importing it).
pub fn check_file(
    reader: impl Read,
    format: Format,
    mapping: Option<&ColumnMapping>,
    now: OffsetDateTime,
) -> FileCheck {
    let mut sink = Sink {
        tx: None,
        passed: 0,
        batch: Vec::with_capacity(BATCH),
        area: None,
        strict: false,
        closed: false,
    };
    let sum = read_file(reader, format, mapping, &mut sink, now);
    FileCheck {
        rows: sum.rows,
        readings: sink.passed,
        skipped: sum.skipped.iter().map(|(k, t)| (*k, t.count)).collect(),
        rejected: sum.rejected.iter().map(|(k, t)| (*k, t.count)).collect(),
        fatal: sum.fatal.map(|f| f.message),
    }
}

/// Imports one file of measurements, all or nothing.
pub async fn import_measurements(
    store: &Store,
    cfg: &RadiationConfig,
    path: &Path,
    opts: MeasurementOptions,
    progress: &mut dyn Progress,
) -> Result<MeasurementReport, AppError> {
    opts.actor.principal.may_coordinate()?;
    let fail = |e: FieldError| AppError::Import(vec![e]);
    let size = std::fs::metadata(path)?.len();
    let head = {
        let mut f = std::fs::File::open(path)?;
        let mut buf = vec![0u8; 4096];
        let n = f.read(&mut buf)?;
        buf.truncate(n);
        String::from_utf8_lossy(&buf).into_owned()
    };
    let format = match opts.format {
        Some(f) => f,
        None => detect(path, &head, opts.mapping.is_some()).map_err(fail)?,
    };
    if size == 0 || head.trim().is_empty() {
        return Err(fail(FieldError::new("file", "empty", "the file is empty")));
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dataset_name = opts.dataset.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| file_name.clone())
    });
    let dataset = Dataset {
        name: dataset_name.clone(),
        source: opts.source.clone().unwrap_or_else(|| {
            if format.is_safecast() {
                "Safecast"
            } else {
                "not stated"
            }
            .to_owned()
        }),
        licence: opts.licence.clone().unwrap_or_else(|| {
            if format.is_safecast() {
                "CC0-1.0"
            } else {
                "not stated"
            }
            .to_owned()
        }),
        description: opts.description.clone().unwrap_or_default(),
        url: opts.url.clone(),
        ..Default::default()
    };

    // The reading thread.
    let read = Arc::new(AtomicU64::new(0));
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Parsed>>(4);
    let reader = Counting {
        inner: std::fs::File::open(path)?,
        read: read.clone(),
        digest: Sha256::new(),
    };
    let mapping = opts.mapping.clone();
    let area = (!opts.everywhere).then_some(cfg.area);
    let strict = !opts.lenient;
    let now = opts.now;
    let reading = std::thread::spawn(move || {
        let mut sink = Sink {
            tx: Some(tx),
            passed: 0,
            batch: Vec::with_capacity(BATCH),
            area,
            strict,
            closed: false,
        };
        let mut reader = reader;
        let summary = read_file(&mut reader, format, mapping.as_ref(), &mut sink, now);
        (summary, reader.finish())
    });

    // The statistics thread.
    let locator = Locator::load(store, cfg.settlement_radius_km).await?;
    let (atx, mut arx) = tokio::sync::mpsc::channel::<Vec<(f64, f64, f64, i64)>>(4);
    let aggregating = std::thread::spawn(move || {
        let mut agg = Aggregator::new(locator);
        while let Some(batch) = arx.blocking_recv() {
            for (lat, lon, usv_h, t) in batch {
                agg.add(lat, lon, usv_h, t);
            }
        }
        agg.aggregates
    });

    progress.start(&format!("importing {file_name}"), size);
    let written = write(
        store, &dataset, &file_name, format, &opts, cfg, &mut rx, &atx, &read, progress,
    )
    .await;
    drop(rx);
    drop(atx);
    let (summary, sha256) = reading
        .join()
        .map_err(|_| AppError::Io(std::io::Error::other("the reading thread failed")))?;
    let aggregates = aggregating
        .join()
        .map_err(|_| AppError::Io(std::io::Error::other("the statistics thread failed")))?;
    let (mut dbtx, import_id, inserted, duplicates) = written?;
    if let Some(f) = summary.fatal {
        let mut all = vec![f];
        all.extend(summary.problems);
        return Err(AppError::Import(all));
    }
    if strict && summary.malformed() > 0 {
        let all_bad = summary.malformed() == summary.rows;
        let mut problems = summary.problems;
        if summary.more_problems > 0 {
            problems.push(FieldError::new(
                "file",
                "more_errors",
                format!("… and {} more problems", summary.more_problems),
            ));
        }
        if all_bad {
            problems.insert(
                0,
                FieldError::new(
                    "file",
                    "no_good_row",
                    format!(
                        "no row of the file could be read as {}: is it in that format?",
                        format.as_str()
                    ),
                ),
            );
        }
        return Err(AppError::Import(problems));
    }
    progress.start("updating maps and place statistics", 0);
    let t0 = std::time::Instant::now();
    store.add_aggregates(&mut dbtx, &aggregates).await?;
    tracing::debug!(
        seconds = t0.elapsed().as_secs_f64(),
        bins = aggregates.bins.len(),
        "statistics written"
    );
    let report = MeasurementReport {
        file: file_name,
        format: format.as_str(),
        dataset: dataset_name,
        rows: summary.rows,
        inserted,
        duplicates,
        skipped: summary.skipped,
        rejected: summary.rejected,
        problems: summary
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect(),
    };
    let skipped: u64 = report.skipped.values().map(|t| t.count).sum::<u64>()
        + report.rejected.values().map(|t| t.count).sum::<u64>();
    crate::import::audit_file(
        store,
        &mut dbtx,
        &opts.actor,
        &report.file,
        &sha256,
        &crate::import::ImportReport {
            kind: "measurements".into(),
            rows: report.rows,
            inserted,
            updated: 0,
            unchanged: duplicates,
            notes: Vec::new(),
        },
    )
    .await?;
    store
        .finish_import(
            &mut dbtx,
            import_id,
            &sha256,
            report.rows as i64,
            inserted as i64,
            duplicates as i64,
            skipped as i64,
            &serde_json::to_value(&report).unwrap_or_default(),
        )
        .await?;
    let t0 = std::time::Instant::now();
    dbtx.commit().await?;
    tracing::debug!(seconds = t0.elapsed().as_secs_f64(), "committed");
    progress.finish();
    Ok(report)
}

/// Writes what the reading thread sends, in one transaction that the caller commits.
#[allow(clippy::too_many_arguments)]
async fn write(
    store: &Store,
    dataset: &Dataset,
    file_name: &str,
    format: Format,
    opts: &MeasurementOptions,
    cfg: &RadiationConfig,
    rx: &mut tokio::sync::mpsc::Receiver<Vec<Parsed>>,
    atx: &tokio::sync::mpsc::Sender<Vec<(f64, f64, f64, i64)>>,
    read: &AtomicU64,
    progress: &mut dyn Progress,
) -> Result<(semey_store::Tx, i64, u64, u64), AppError> {
    let factors = store.current_factors().await?;
    let mut tx = store.begin().await?;
    let ds = store.ensure_dataset(&mut tx, dataset).await?;
    let import_id = store
        .begin_import(&mut tx, ds.id, file_name, format.as_str())
        .await?;
    // The tube of a device first seen with a count rate (a device of dose rates or activities
    // has none, unless the file's tube is given).
    let tube_for = |unit: DoseUnit| {
        opts.tube
            .clone()
            .or_else(|| (unit == DoseUnit::Cpm).then(|| cfg.default_tube.clone()))
    };
    // Device name → (id, factor).
    let mut devices: HashMap<String, (i64, Option<f64>)> = HashMap::new();
    let (mut inserted, mut duplicates) = (0u64, 0u64);
    let mut rows: Vec<NewMeasurement> = Vec::with_capacity(BATCH);
    let mut doses: Vec<Option<f64>> = Vec::with_capacity(BATCH);
    while let Some(batch) = rx.recv().await {
        rows.clear();
        doses.clear();
        for p in batch {
            let r = p.reading;
            let name = r.device.as_deref().unwrap_or("unnamed");
            let (device_id, factor) = match devices.get(name) {
                Some(d) => *d,
                None => {
                    let (id, t) = store
                        .ensure_device(&mut tx, &ds.source, name, tube_for(r.unit).as_deref())
                        .await?;
                    let f = t.and_then(|t| factors.get(&t).copied());
                    devices.insert(name.to_owned(), (id, f));
                    (id, f)
                }
            };
            let usv_h = match (r.unit, factor) {
                (DoseUnit::Cpm, None) => None,
                (u, f) => to_usv_h(r.value, u, f.unwrap_or(f64::NAN)),
            };
            doses.push(usv_h);
            rows.push(NewMeasurement {
                line: p.line as i64,
                device_id,
                t: r.captured.unix_timestamp(),
                lat: r.lat,
                lon: r.lon,
                precision_m: opts.precision_m,
                height_m: r.height_m,
                unit: r.unit,
                flags: quality::of(r.value, r.unit, opts.precision_m),
                nuclide: r.nuclide,
                value: r.value,
            });
        }
        let lines = store.insert_measurements(&mut tx, import_id, &rows).await?;
        inserted += lines.len() as u64;
        duplicates += (rows.len() - lines.len()) as u64;
        let added: Vec<(f64, f64, f64, i64)> = if lines.len() == rows.len() {
            rows.iter()
                .zip(&doses)
                .filter_map(|(m, d)| d.map(|d| (m.lat, m.lon, d, m.t)))
                .collect()
        } else {
            let set: HashSet<i64> = lines.into_iter().collect();
            rows.iter()
                .zip(&doses)
                .filter(|(m, _)| set.contains(&m.line))
                .filter_map(|(m, d)| d.map(|d| (m.lat, m.lon, d, m.t)))
                .collect()
        };
        if !added.is_empty() && atx.send(added).await.is_err() {
            return Err(AppError::Io(std::io::Error::other(
                "the statistics thread stopped",
            )));
        }
        progress.set(read.load(Ordering::Relaxed));
    }
    Ok((tx, import_id, inserted, duplicates))
}
