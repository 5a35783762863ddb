//! Radiation: units and count-rate conversion, the added annual dose estimate and its risk
//! bands, and the bGeigie drive-log line. Figures and conventions follow the project's
//! docs/radiation-model.md, which names their sources (Safecast firmware constants; UNSCEAR-style occupancy
//! model with the Japanese 0.23 µSv/h ↔ 1 mSv/y convention; ICRP 103 reference levels).
//! Every constant of the risk estimate is a field of `RiskModel`, so it can be shown and
//! configured.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

mod cells;
mod stats;

pub use cells::{
    cell_at, cell_center, cell_outline, cell_parent, resolution_for_zoom, RESOLUTIONS,
};
pub use stats::{assess, Assessment, DoseHistogram, DoseStats};

/// The unit a reading was taken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoseUnit {
    /// Counts per minute of a named tube; converted with the tube's factor.
    Cpm,
    /// Ambient dose equivalent rate, µSv/h.
    MicroSievertPerHour,
    /// Ambient dose equivalent rate, nSv/h.
    NanoSievertPerHour,
    /// Activity per mass (soil dry weight, food), Bq/kg, of a named nuclide.
    BecquerelPerKg,
    /// Activity per volume (water, milk), Bq/L, of a named nuclide.
    BecquerelPerLitre,
    /// Deposition on the ground, Bq/m², of a named nuclide.
    BecquerelPerSquareMetre,
}

impl DoseUnit {
    pub const ALL: [DoseUnit; 6] = [
        DoseUnit::Cpm,
        DoseUnit::MicroSievertPerHour,
        DoseUnit::NanoSievertPerHour,
        DoseUnit::BecquerelPerKg,
        DoseUnit::BecquerelPerLitre,
        DoseUnit::BecquerelPerSquareMetre,
    ];

    /// The stable number a stored measurement keeps for its unit.
    pub fn code(self) -> i64 {
        match self {
            DoseUnit::Cpm => 1,
            DoseUnit::MicroSievertPerHour => 2,
            DoseUnit::NanoSievertPerHour => 3,
            DoseUnit::BecquerelPerKg => 4,
            DoseUnit::BecquerelPerLitre => 5,
            DoseUnit::BecquerelPerSquareMetre => 6,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.code() == code)
    }

    /// How the unit is written for people and in exports.
    pub fn symbol(self) -> &'static str {
        match self {
            DoseUnit::Cpm => "cpm",
            DoseUnit::MicroSievertPerHour => "usv/h",
            DoseUnit::NanoSievertPerHour => "nsv/h",
            DoseUnit::BecquerelPerKg => "bq/kg",
            DoseUnit::BecquerelPerLitre => "bq/l",
            DoseUnit::BecquerelPerSquareMetre => "bq/m2",
        }
    }

    /// A dose or count rate (as opposed to an activity of a sample).
    pub fn is_rate(self) -> bool {
        matches!(
            self,
            DoseUnit::Cpm | DoseUnit::MicroSievertPerHour | DoseUnit::NanoSievertPerHour
        )
    }

    /// The largest plausible value in this unit; more is a broken device or a wrong unit.
    pub fn max_plausible(self) -> f64 {
        match self {
            DoseUnit::Cpm => MAX_CPM,
            DoseUnit::MicroSievertPerHour => MAX_USV_H,
            DoseUnit::NanoSievertPerHour => MAX_USV_H * 1000.0,
            // Activities: far above the most contaminated soil samples of the test site.
            _ => 1.0e12,
        }
    }
}

/// What a unit column says: a radiation unit, or something else a device also logs
/// (temperature, status, particulate matter) that is skipped and counted, not failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitKind {
    Radiation(DoseUnit),
    NotRadiation(String),
}

impl UnitKind {
    /// Reads a unit as Safecast's exports and common instruments write it; `None` for a unit
    /// the platform does not know.
    pub fn parse(s: &str) -> Option<Self> {
        // The bulk export's common spellings first, without allocating.
        match s {
            "cpm" => return Some(UnitKind::Radiation(DoseUnit::Cpm)),
            "usv" => return Some(UnitKind::Radiation(DoseUnit::MicroSievertPerHour)),
            _ => {}
        }
        let u = s.trim().to_lowercase();
        Some(match u.as_str() {
            "cpm" => UnitKind::Radiation(DoseUnit::Cpm),
            "usv" | "usv/h" | "µsv/h" | "μsv/h" | "microsievert" | "microsieverts/hour" => {
                UnitKind::Radiation(DoseUnit::MicroSievertPerHour)
            }
            "nsv/h" | "nsv" => UnitKind::Radiation(DoseUnit::NanoSievertPerHour),
            "bq/kg" => UnitKind::Radiation(DoseUnit::BecquerelPerKg),
            "bq/l" => UnitKind::Radiation(DoseUnit::BecquerelPerLitre),
            "bq/m2" | "bq/m²" => UnitKind::Radiation(DoseUnit::BecquerelPerSquareMetre),
            "celcius" | "celsius" | "status" | "pm2.5 ug/m3" | "pm10 ug/m3" | "pm1 ug/m3"
            | "humd%" | "hum%" | "temperature" => UnitKind::NotRadiation(u),
            _ => return None,
        })
    }
}

/// A new version of a tube's factor, as entered: the counts per minute that make 1 µSv/h for a
/// Geiger–Müller tube calibrated on Cs-137, and where the figure comes from. Version 1 of the
/// known tubes (LND 7317 and 7318: 334, LND 7128: 108, after Safecast) is seeded by the
/// migrations; readings keep their raw value and unit, so a corrected factor recomputes every
/// derived figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TubeFactor {
    pub tube: String,
    pub cpm_per_usv_h: f64,
    pub source: String,
}

impl TubeFactor {
    /// A factor with a tube's name, a positive finite value and its source.
    pub fn check(self) -> Result<Self, crate::Invalid> {
        let mut errors = Vec::new();
        if self.tube.trim().is_empty() {
            errors.push(crate::FieldError::new("tube", "required", "name the tube"));
        }
        if !(self.cpm_per_usv_h.is_finite() && self.cpm_per_usv_h > 0.0) {
            errors.push(crate::FieldError::new(
                "cpm_per_usv_h",
                "out_of_range",
                "the factor must be a positive number",
            ));
        }
        if self.source.trim().is_empty() {
            errors.push(crate::FieldError::new(
                "source",
                "required",
                "say where the factor comes from",
            ));
        }
        if errors.is_empty() {
            Ok(Self {
                tube: self.tube.trim().to_owned(),
                cpm_per_usv_h: self.cpm_per_usv_h,
                source: self.source.trim().to_owned(),
            })
        } else {
            Err(crate::Invalid { errors })
        }
    }
}

/// A reading as µSv/h: CPM through the tube's factor, nSv/h divided by 1000; `None` for an
/// activity (a soil, water or food sample is no dose rate).
pub fn to_usv_h(value: f64, unit: DoseUnit, cpm_per_usv_h: f64) -> Option<f64> {
    match unit {
        DoseUnit::Cpm => Some(value / cpm_per_usv_h),
        DoseUnit::MicroSievertPerHour => Some(value),
        DoseUnit::NanoSievertPerHour => Some(value / 1000.0),
        _ => None,
    }
}

/// Quality flags kept with a measurement (bits of one integer).
pub mod quality {
    /// Outside Safecast's own clean filter (CPM 10–350 000, 0.02–5 µSv/h): kept, since the test
    /// site has higher readings, but marked for people who want Safecast's view.
    pub const OUTSIDE_CLEAN_RANGE: i64 = 1;
    /// The position is known to no better than 100 m.
    pub const COARSE_POSITION: i64 = 2;

    /// The flags a reading earns on its own (`usv_h` when it is a dose rate).
    pub fn of(value: f64, unit: super::DoseUnit, precision_m: Option<f64>) -> i64 {
        let mut f = 0;
        let clean = match unit {
            super::DoseUnit::Cpm => (10.0..=350_000.0).contains(&value),
            super::DoseUnit::MicroSievertPerHour => (0.02..=5.0).contains(&value),
            super::DoseUnit::NanoSievertPerHour => (20.0..=5000.0).contains(&value),
            _ => true,
        };
        if !clean {
            f |= OUTSIDE_CLEAN_RANGE;
        }
        if precision_m.is_some_and(|p| p > 100.0) {
            f |= COARSE_POSITION;
        }
        f
    }
}

/// The occupancy model behind a place's added annual dose:
/// `E_add [mSv/y] = max(H − H_bg, 0) × 8.76 × (f_out + f_in × SF) × k`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RiskModel {
    /// Natural background subtracted, µSv/h.
    pub background_usv_h: f64,
    /// Share of the time spent outdoors.
    pub outdoor_fraction: f64,
    /// Share of the time spent indoors.
    pub indoor_fraction: f64,
    /// Indoor shielding factor (0.4 wooden house … 0.2 brick or concrete).
    pub shielding: f64,
    /// Effective dose per ambient dose equivalent (1: conservative).
    pub effective_per_ambient: f64,
    /// Upper ends of the plain-language bands, mSv/y: like background, within the public
    /// limit, above it but below the level for living.
    pub band_limits_msv: [f64; 3],
}

impl Default for RiskModel {
    /// The Japanese convention: 8 h outdoors, 16 h indoors, a wooden house, 0.04 µSv/h
    /// background.
    fn default() -> Self {
        Self {
            background_usv_h: 0.04,
            outdoor_fraction: 8.0 / 24.0,
            indoor_fraction: 16.0 / 24.0,
            shielding: 0.4,
            effective_per_ambient: 1.0,
            band_limits_msv: [0.3, 1.0, 20.0],
        }
    }
}

impl RiskModel {
    /// mSv/y added per µSv/h above background: 8.76 (8 760 h a year, 1 000 µSv a mSv) times
    /// the occupancy-weighted shielding times k.
    fn msv_per_usv_h(&self) -> f64 {
        8.76 * (self.outdoor_fraction + self.indoor_fraction * self.shielding)
            * self.effective_per_ambient
    }

    /// Added annual effective dose, mSv/y, for a representative ambient dose rate in µSv/h.
    pub fn added_annual_dose_msv(&self, usv_h: f64) -> f64 {
        (usv_h - self.background_usv_h).max(0.0) * self.msv_per_usv_h()
    }

    /// The model's inverse: the dose rate (µSv/h) at which the added annual dose reaches
    /// `msv` (the band limits as dose rates, for colour scales and legends).
    pub fn rate_for_added_dose(&self, msv: f64) -> f64 {
        self.background_usv_h + msv / self.msv_per_usv_h().max(1e-9)
    }

    /// The band of an added annual dose under this model's limits.
    pub fn band(&self, added_msv_per_year: f64) -> RiskBand {
        let [background, limit, living] = self.band_limits_msv;
        if added_msv_per_year < background {
            RiskBand::Background
        } else if added_msv_per_year < limit {
            RiskBand::WithinLimit
        } else if added_msv_per_year <= living {
            RiskBand::AboveLimit
        } else {
            RiskBand::NotForLiving
        }
    }
}

/// The plain-language band of an added annual dose (platform convention).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RiskBand {
    /// Below 0.3 mSv/y: like natural background.
    Background,
    /// 0.3–1 mSv/y: slightly above background, within the public limit.
    WithinLimit,
    /// 1–20 mSv/y: above the limit for permanent living.
    AboveLimit,
    /// Above 20 mSv/y: not for living; short visits only.
    NotForLiving,
}

impl RiskBand {
    /// The band under the platform's default limits.
    pub fn of(added_msv_per_year: f64) -> Self {
        RiskModel::default().band(added_msv_per_year)
    }

    /// A stable name for pages, messages and the API.
    pub fn code(self) -> &'static str {
        match self {
            RiskBand::Background => "background",
            RiskBand::WithinLimit => "within_limit",
            RiskBand::AboveLimit => "above_limit",
            RiskBand::NotForLiving => "not_for_living",
        }
    }

    /// The band's number (0–3; see docs/radiation-model.md).
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// A reading as a file gives it, field by field (before any parsing).
#[derive(Debug, Clone, Copy, Default)]
pub struct RawReading<'a> {
    pub captured: &'a str,
    pub lat: &'a str,
    pub lon: &'a str,
    pub value: &'a str,
    pub unit: &'a str,
    pub device: &'a str,
    pub height: &'a str,
    /// The nuclide of an activity (`Cs-137`); empty for dose rates.
    pub nuclide: &'a str,
}

/// A dose-rate reading, its raw value and unit kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub captured: OffsetDateTime,
    pub lat: f64,
    pub lon: f64,
    pub value: f64,
    pub unit: DoseUnit,
    pub device: Option<String>,
    pub height_m: Option<f64>,
    /// The nuclide of an activity; empty for dose rates.
    pub nuclide: String,
}

/// A row that is read but not a radiation reading: expected, skipped and counted.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Reading(Reading),
    NotRadiation(String),
}

/// Why a row is rejected, with a stable code for the import's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reject {
    Unparseable(&'static str),
    UnknownUnit(String),
    ValueOutOfRange,
    BadCoordinates,
    TimeOutOfRange,
    /// An activity (Bq/kg, Bq/L, Bq/m²) without the nuclide it is of.
    MissingNuclide,
}

impl Reject {
    pub fn code(&self) -> &'static str {
        match self {
            Reject::Unparseable(_) => "unparseable",
            Reject::UnknownUnit(_) => "unknown_unit",
            Reject::ValueOutOfRange => "value_out_of_range",
            Reject::BadCoordinates => "bad_coordinates",
            Reject::TimeOutOfRange => "time_out_of_range",
            Reject::MissingNuclide => "missing_nuclide",
        }
    }
}

/// The largest plausible readings: 10 mSv/h, and what a bGeigie counts at about that rate.
/// Readings of tens of µSv/h exist on the test site; more than this is a broken device.
pub const MAX_USV_H: f64 = 10_000.0;
pub const MAX_CPM: f64 = MAX_USV_H * 334.0;

/// Reads a time as Safecast writes it: RFC 3339, or `YYYY-MM-DD HH:MM:SS[.fff]` in UTC.
pub fn parse_time(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    if let Some(t) = fast_time(s.as_bytes()) {
        return OffsetDateTime::from_unix_timestamp(t).ok();
    }
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .or_else(|| {
            let t = s.replacen(' ', "T", 1);
            let t = if t.ends_with('Z') { t } else { format!("{t}Z") };
            OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339).ok()
        })
}

/// `YYYY-MM-DD[T ]HH:MM:SS[.fff][Z]` in UTC as Unix seconds, without the general parser (the
/// bulk export's millions of rows all look like this); `None` for anything else.
fn fast_time(b: &[u8]) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut v = 0i64;
        for &c in b.get(r)? {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let mut rest = &b[19..];
    if let Some(r) = rest.strip_prefix(b".") {
        let digits = r.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = &r[digits..];
    }
    if !(rest.is_empty() || rest == b"Z" || rest == b"+00:00") {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let days_in_month = match mo {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if d > days_in_month {
        return None;
    }
    // Days from the civil date (H. Hinnant's algorithm).
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + sec)
}

/// Checks and reads one row. `now` bounds the time (no readings more than 48 hours ahead,
/// as Safecast's own filter); nothing before the first nuclear test (1945) either.
pub fn read_row(raw: &RawReading<'_>, now: OffsetDateTime) -> Result<Row, Reject> {
    let unit = match UnitKind::parse(raw.unit) {
        Some(UnitKind::Radiation(u)) => u,
        Some(UnitKind::NotRadiation(u)) => return Ok(Row::NotRadiation(u)),
        None => return Err(Reject::UnknownUnit(raw.unit.trim().to_owned())),
    };
    let value: f64 = raw
        .value
        .trim()
        .parse()
        .map_err(|_| Reject::Unparseable("value"))?;
    if !value.is_finite() || value < 0.0 || value > unit.max_plausible() {
        return Err(Reject::ValueOutOfRange);
    }
    let lat: f64 = raw
        .lat
        .trim()
        .parse()
        .map_err(|_| Reject::Unparseable("latitude"))?;
    let lon: f64 = raw
        .lon
        .trim()
        .parse()
        .map_err(|_| Reject::Unparseable("longitude"))?;
    if !(-90.0..=90.0).contains(&lat)
        || !(-180.0..=180.0).contains(&lon)
        || (lat == 0.0 && lon == 0.0)
    {
        return Err(Reject::BadCoordinates);
    }
    let captured = parse_time(raw.captured).ok_or(Reject::Unparseable("time"))?;
    if captured.year() < 1945 || captured > now + time::Duration::hours(48) {
        return Err(Reject::TimeOutOfRange);
    }
    if !unit.is_rate() && raw.nuclide.trim().is_empty() {
        return Err(Reject::MissingNuclide);
    }
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(Row::Reading(Reading {
        captured,
        lat,
        lon,
        value,
        unit,
        device: text(raw.device),
        height_m: raw
            .height
            .trim()
            .parse()
            .ok()
            .filter(|h: &f64| h.is_finite()),
        nuclide: raw.nuclide.trim().to_owned(),
    }))
}

/// One reading of a bGeigie drive log.
#[derive(Debug, Clone, PartialEq)]
pub struct BGeigieReading {
    pub device: String,
    pub captured: OffsetDateTime,
    pub cpm: u32,
    /// The device's own verdict on the count (`A` valid, `V` void).
    pub cpm_valid: bool,
    pub lat: f64,
    pub lon: f64,
    /// GPS fix (`A`) or none (`V`).
    pub gps_fix: bool,
    pub altitude_m: Option<f64>,
}

/// Why a log line gives no reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BGeigieSkip {
    /// `#` comments and blank lines: expected, not problems.
    Comment,
    /// The XOR checksum does not match: the line was damaged.
    BadChecksum,
    /// The line cannot be read; the reason says where.
    Unparseable(String),
}

/// Reads one line of a bGeigie log:
/// `$BNRDD,device,UTC time,CPM,counts/5s,total,A|V,lat ddmm.mmmm,N|S,lon dddmm.mmmm,E|W,alt,A|V,…*HH`
/// (tags BGRDD, BMRDD, BNRDD). The checksum is the XOR of the bytes between `$` and `*`.
pub fn parse_bgeigie_line(line: &str) -> Result<BGeigieReading, BGeigieSkip> {
    let line = line.trim_end_matches(['\r', '\n']).trim();
    if line.is_empty() || line.starts_with('#') {
        return Err(BGeigieSkip::Comment);
    }
    let unparseable = |why: &str| BGeigieSkip::Unparseable(why.to_owned());
    let body = line
        .strip_prefix('$')
        .ok_or_else(|| unparseable("does not start with $"))?;
    let (payload, checksum) = body
        .rsplit_once('*')
        .ok_or_else(|| unparseable("no *checksum"))?;
    if checksum.len() != 2 || payload.contains('*') || payload.contains('$') {
        return Err(unparseable("more than one sentence on the line"));
    }
    let expected =
        u8::from_str_radix(checksum, 16).map_err(|_| unparseable("checksum is not hex"))?;
    if payload.bytes().fold(0u8, |a, b| a ^ b) != expected {
        return Err(BGeigieSkip::BadChecksum);
    }
    let f: Vec<&str> = payload.split(',').collect();
    if !matches!(f.first(), Some(&("BNRDD" | "BGRDD" | "BMRDD"))) {
        return Err(unparseable("unknown sentence tag"));
    }
    if f.len() < 13 {
        return Err(unparseable("too few fields"));
    }
    let captured = OffsetDateTime::parse(f[2], &time::format_description::well_known::Rfc3339)
        .map_err(|_| unparseable("time is not ISO 8601"))?;
    let cpm = f[3]
        .parse()
        .map_err(|_| unparseable("CPM is not a number"))?;
    let flag = |s: &str, what: &str| match s {
        "A" => Ok(true),
        "V" => Ok(false),
        _ => Err(unparseable(what)),
    };
    let lat = degrees(f[7], f[8], 2, 'N', 'S').ok_or_else(|| unparseable("latitude"))?;
    let lon = degrees(f[9], f[10], 3, 'E', 'W').ok_or_else(|| unparseable("longitude"))?;
    Ok(BGeigieReading {
        device: f[1].to_owned(),
        captured,
        cpm,
        cpm_valid: flag(f[6], "CPM validity is not A or V")?,
        lat,
        lon,
        gps_fix: flag(f[12], "GPS fix is not A or V")?,
        altitude_m: f[11].parse().ok(),
    })
}

/// `5147.8081`, `N` → 51.79680 (degrees and decimal minutes; `deg_digits` digits of degrees).
fn degrees(value: &str, hemisphere: &str, deg_digits: usize, pos: char, neg: char) -> Option<f64> {
    if value.len() <= deg_digits || !value.is_char_boundary(deg_digits) {
        return None;
    }
    let d: f64 = value[..deg_digits].parse().ok()?;
    let m: f64 = value[deg_digits..].parse().ok()?;
    if !(0.0..60.0).contains(&m) {
        return None;
    }
    let v = d + m / 60.0;
    match hemisphere.chars().next()? {
        c if c == pos && hemisphere.len() == 1 => Some(v),
        c if c == neg && hemisphere.len() == 1 => Some(-v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(file: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/safecast")
            .join(file);
        std::fs::read_to_string(path).expect("reference logs beside the repository")
    }

    #[test]
    fn the_inverse_gives_back_the_dose_rate() {
        let m = RiskModel::default();
        for usv_h in [0.05, 0.23, 1.0, 3.8, 40.0] {
            let back = m.rate_for_added_dose(m.added_annual_dose_msv(usv_h));
            assert!((back - usv_h).abs() < 1e-9, "{usv_h} → {back}");
        }
        assert!(
            (m.rate_for_added_dose(1.0) - 0.23).abs() < 0.002,
            "1 mSv/y ≈ 0.23 µSv/h"
        );
    }

    #[test]
    fn the_added_dose_reproduces_the_anchors() {
        let m = RiskModel::default();
        assert!(
            (m.added_annual_dose_msv(0.23) - 1.0).abs() < 0.01,
            "0.23 µSv/h ≈ 1 mSv/y"
        );
        assert!(
            (m.added_annual_dose_msv(3.8) - 20.0).abs() < 0.3,
            "3.8 µSv/h ≈ 20 mSv/y"
        );
        assert_eq!(
            m.added_annual_dose_msv(0.03),
            0.0,
            "below background adds nothing"
        );
        assert_eq!(
            RiskBand::of(m.added_annual_dose_msv(0.08)),
            RiskBand::Background
        );
        assert_eq!(
            RiskBand::of(m.added_annual_dose_msv(0.15)),
            RiskBand::WithinLimit
        );
        assert_eq!(
            RiskBand::of(m.added_annual_dose_msv(1.0)),
            RiskBand::AboveLimit
        );
        assert_eq!(
            RiskBand::of(m.added_annual_dose_msv(10.0)),
            RiskBand::NotForLiving
        );
    }

    #[test]
    fn units_and_conversion() {
        assert_eq!(
            UnitKind::parse("CPM"),
            Some(UnitKind::Radiation(DoseUnit::Cpm))
        );
        assert_eq!(
            UnitKind::parse("microsievert"),
            Some(UnitKind::Radiation(DoseUnit::MicroSievertPerHour))
        );
        assert_eq!(
            UnitKind::parse("celcius"),
            Some(UnitKind::NotRadiation("celcius".into()))
        );
        assert_eq!(UnitKind::parse("furlongs"), None);
        assert!(
            (to_usv_h(77.0, DoseUnit::Cpm, 334.0).unwrap() - 0.2305).abs() < 0.001,
            "77 CPM ≈ 0.23 µSv/h"
        );
        assert_eq!(
            to_usv_h(120.0, DoseUnit::NanoSievertPerHour, 334.0),
            Some(0.12)
        );
        assert_eq!(to_usv_h(120.0, DoseUnit::BecquerelPerKg, 334.0), None);
    }

    #[test]
    fn every_line_of_the_reference_logs_is_a_reading_or_a_comment() {
        for file in ["bgeigie.log", "bgeigie_nyc.log"] {
            let text = shared(file);
            let readings: Vec<_> = text
                .lines()
                .filter_map(|l| parse_bgeigie_line(l).ok())
                .collect();
            let problems: Vec<_> = text
                .lines()
                .map(parse_bgeigie_line)
                .filter(|r| {
                    matches!(
                        r,
                        Err(BGeigieSkip::BadChecksum | BGeigieSkip::Unparseable(_))
                    )
                })
                .collect();
            assert!(problems.is_empty(), "{file}: {problems:?}");
            assert_eq!(
                readings.len(),
                text.lines().filter(|l| l.starts_with('$')).count()
            );
        }
        let first = parse_bgeigie_line("$BNRDD,2709,2016-09-20T04:09:07Z,49,3,3419,A,5147.8081,N,00010.4778,E,79.20,A,10,83*71").unwrap();
        assert_eq!(
            (
                first.device.as_str(),
                first.cpm,
                first.cpm_valid,
                first.gps_fix
            ),
            ("2709", 49, true, true)
        );
        assert!(
            (first.lat - 51.796_80).abs() < 1e-5 && (first.lon - 0.174_63).abs() < 1e-5,
            "{first:?}"
        );
    }

    #[test]
    fn rows_of_the_safecast_api_sample() {
        let now = OffsetDateTime::now_utc();
        let text = shared("api-sample.csv");
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let (mut readings, mut other) = (0, 0);
        for record in rows.records() {
            let r = record.unwrap();
            let raw = RawReading {
                value: &r[0],
                unit: &r[1],
                captured: &r[3],
                device: &r[4],
                height: &r[5],
                nuclide: "",
                lat: &r[8],
                lon: &r[9],
            };
            match read_row(&raw, now) {
                Ok(Row::Reading(reading)) => {
                    readings += 1;
                    assert_eq!(reading.captured.year(), 2024);
                }
                Ok(Row::NotRadiation(_)) => other += 1,
                Err(e) => panic!("{:?}: {e:?}", &r),
            }
        }
        assert!(
            readings > 20 && other > 5,
            "{readings} readings, {other} temperature and status rows"
        );
    }

    #[test]
    fn bad_rows_are_named() {
        let now = OffsetDateTime::now_utc();
        let ok = RawReading {
            captured: "2024-05-01 10:00:00",
            lat: "50.44",
            lon: "77.81",
            value: "0.25",
            unit: "usv",
            device: "",
            height: "",
            nuclide: "",
        };
        assert!(
            matches!(read_row(&ok, now), Ok(Row::Reading(r)) if r.unit == DoseUnit::MicroSievertPerHour && r.device.is_none())
        );
        let with = |f: &dyn Fn(&mut RawReading<'static>)| {
            let mut r = RawReading {
                captured: "2024-05-01T10:00:00Z",
                lat: "50.44",
                lon: "77.81",
                value: "40",
                unit: "cpm",
                device: "2709",
                height: "",
                nuclide: "",
            };
            f(&mut r);
            read_row(&r, now).unwrap_err().code()
        };
        assert_eq!(with(&|r| r.value = "-3"), "value_out_of_range");
        assert_eq!(with(&|r| r.value = "99999999"), "value_out_of_range");
        assert_eq!(
            with(&|r| {
                r.lat = "0";
                r.lon = "0"
            }),
            "bad_coordinates"
        );
        assert_eq!(with(&|r| r.lat = "91"), "bad_coordinates");
        assert_eq!(with(&|r| r.lon = "east"), "unparseable");
        assert_eq!(with(&|r| r.unit = "furlongs"), "unknown_unit");
        assert_eq!(
            with(&|r| r.captured = "2099-01-01T00:00:00Z"),
            "time_out_of_range"
        );
        assert_eq!(with(&|r| r.captured = "yesterday"), "unparseable");
        assert_eq!(with(&|r| r.captured = "2023-02-29 10:00:00"), "unparseable");
        for (text, unix) in [
            ("2024-02-29 23:59:59", 1_709_251_199),
            ("2011-03-11T05:46:00Z", 1_299_822_360),
            ("2011-03-11T05:46:00.250Z", 1_299_822_360),
            ("1970-01-01 00:00:00", 0),
            ("2011-03-11T14:46:00+09:00", 1_299_822_360),
        ] {
            assert_eq!(parse_time(text).unwrap().unix_timestamp(), unix, "{text}");
        }
        assert_eq!(with(&|r| r.unit = "Bq/kg"), "missing_nuclide");
        let mut soil = ok;
        soil.unit = "Bq/kg";
        soil.value = "1250";
        soil.nuclide = " Cs-137 ";
        assert!(
            matches!(read_row(&soil, now), Ok(Row::Reading(r)) if r.unit == DoseUnit::BecquerelPerKg && r.nuclide == "Cs-137")
        );
    }

    #[test]
    fn damaged_lines_are_named() {
        let text = shared("malformed_bgeigie.log");
        let outcome: Vec<_> = text.lines().map(parse_bgeigie_line).collect();
        let bad = outcome
            .iter()
            .filter(|r| {
                matches!(
                    r,
                    Err(BGeigieSkip::BadChecksum | BGeigieSkip::Unparseable(_))
                )
            })
            .count();
        let good = outcome.iter().filter(|r| r.is_ok()).count();
        assert_eq!(bad, 4, "{outcome:?}");
        assert_eq!(good, 6, "the other six lines are readings");
        assert_eq!(parse_bgeigie_line("# NEW LOG"), Err(BGeigieSkip::Comment));
        assert_eq!(
            parse_bgeigie_line("$BNRDD,2709,2016-09-20T04:09:07Z,49,3,3419,A,5147.8081,N,00010.4778,E,79.20,A,10,83*72"),
            Err(BGeigieSkip::BadChecksum)
        );
    }
}
