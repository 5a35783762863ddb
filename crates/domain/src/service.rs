//! The services directory: health, screening, psychosocial, social, legal and radiation
//! services that reach the people of the region, where and when they are offered and who may
//! use them.
//!
//! The shape follows Open Referral's Human Services Data Specification (HSDS 3.0) so entries
//! can be exchanged: a service (status, eligibility, fees, application process, languages,
//! accessibility, the date it was last verified — HSDS `assured_date`) offered by an
//! organisation at locations with weekly schedules, plus outreach visits on dates. Unlike
//! HSDS, every text is held in the platform's four languages.

use crate::error::{Checker, FieldError, Invalid};
use crate::ids::{MandateId, OrganisationId, PlaceId, ProgrammeId, ResultId, ServiceId};
use crate::lang::LocalText;
use crate::place::Point;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset, Weekday};
use utoipa::ToSchema;

/// What a service is for: the finder's "need".
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ServiceCategory {
    HealthCare,
    /// Screening, e.g. thyroid and oncology examinations.
    Screening,
    /// Mental health and psychosocial support.
    MentalHealth,
    /// Social protection and benefits, including the status and compensation of people
    /// affected by the test site (Law of the Republic of Kazakhstan of 18 December 1992 on the
    /// social protection of citizens who suffered from nuclear tests at the Semipalatinsk test
    /// site).
    SocialProtection,
    LegalAid,
    /// Radiation measurement and dosimetry.
    RadiationMeasurement,
    Disability,
    Education,
}

impl ServiceCategory {
    pub const ALL: [ServiceCategory; 8] = [
        ServiceCategory::HealthCare,
        ServiceCategory::Screening,
        ServiceCategory::MentalHealth,
        ServiceCategory::SocialProtection,
        ServiceCategory::LegalAid,
        ServiceCategory::RadiationMeasurement,
        ServiceCategory::Disability,
        ServiceCategory::Education,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceCategory::HealthCare => "health_care",
            ServiceCategory::Screening => "screening",
            ServiceCategory::MentalHealth => "mental_health",
            ServiceCategory::SocialProtection => "social_protection",
            ServiceCategory::LegalAid => "legal_aid",
            ServiceCategory::RadiationMeasurement => "radiation_measurement",
            ServiceCategory::Disability => "disability",
            ServiceCategory::Education => "education",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| {
                Invalid::one(
                    "category",
                    "unknown_category",
                    format!("{s:?} is not a service category"),
                )
            })
    }
}

/// Whether a service can be used (HSDS service status; HSDS's "defunct" is `inactive` here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    #[default]
    Active,
    TemporarilyClosed,
    Inactive,
}

impl ServiceStatus {
    pub const ALL: [ServiceStatus; 3] = [
        ServiceStatus::Active,
        ServiceStatus::TemporarilyClosed,
        ServiceStatus::Inactive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceStatus::Active => "active",
            ServiceStatus::TemporarilyClosed => "temporarily_closed",
            ServiceStatus::Inactive => "inactive",
        }
    }

    /// HSDS 3.0's name for the status.
    pub fn hsds(self) -> &'static str {
        match self {
            ServiceStatus::Active => "active",
            ServiceStatus::TemporarilyClosed => "temporarily closed",
            ServiceStatus::Inactive => "inactive",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| {
                Invalid::one(
                    "status",
                    "unknown_status",
                    format!("{s:?} is not active, temporarily_closed or inactive"),
                )
            })
    }
}

/// A time of day to the minute, written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let bad = || {
            Invalid::one(
                "",
                "invalid_time",
                format!("{s:?} is not a time of day (HH:MM)"),
            )
        };
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        // 24:00 closes at midnight.
        if m >= 60 || h > 24 || (h == 24 && m > 0) {
            return Err(bad());
        }
        Ok(ClockTime(h * 60 + m))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ClockTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

crate::string_schema!(ClockTime, "A time of day, HH:MM", "09:00");

/// The days of the week as the directory writes them (`mon` … `sun`, RFC 5545's BYDAY in lower
/// case).
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn day_index(d: Weekday) -> usize {
    usize::from(d.number_days_from_monday())
}

/// Weekly opening hours: on `day`, from `opens` to `closes` (HSDS schedule with `freq` WEEKLY).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OpeningHours {
    /// `mon` … `sun`.
    pub day: String,
    pub opens: ClockTime,
    pub closes: ClockTime,
}

/// A visit of a mobile team to a village on a date (HSDS schedule with one occurrence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Visit {
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub date: Date,
    pub place_id: PlaceId,
    pub opens: ClockTime,
    pub closes: ClockTime,
}

/// Where a service is offered: a place of the platform, an address, a point (at least one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
pub struct ServiceLocation {
    #[serde(default)]
    pub place_id: Option<PlaceId>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub point: Option<Point>,
    #[serde(default)]
    pub hours: Vec<OpeningHours>,
}

/// A service as stored and served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Service {
    pub id: ServiceId,
    pub organisation_id: OrganisationId,
    pub name: LocalText,
    pub description: LocalText,
    pub category: ServiceCategory,
    pub status: ServiceStatus,
    /// Who may use it, in plain words.
    pub eligibility: LocalText,
    pub minimum_age: Option<u8>,
    pub maximum_age: Option<u8>,
    pub fees: LocalText,
    pub application_process: LocalText,
    pub required_documents: LocalText,
    /// Languages spoken (ISO 639-1 codes: `kk`, `ru`, …).
    pub languages: Vec<String>,
    pub accessibility: LocalText,
    pub locations: Vec<ServiceLocation>,
    pub visits: Vec<Visit>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub urls: Vec<String>,
    /// The programmes that fund the service.
    pub programme_ids: Vec<ProgrammeId>,
    /// The programmes' results the service serves.
    #[serde(default)]
    pub result_ids: Vec<ResultId>,
    /// The mandates (paragraphs of the General Assembly's resolutions) the service serves.
    #[serde(default)]
    pub mandate_ids: Vec<MandateId>,
    /// The day someone last confirmed the entry is right (HSDS `assured_date`).
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub last_verified: Date,
}

/// A service as entered.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceInput {
    pub organisation_id: OrganisationId,
    pub name: LocalText,
    #[serde(default)]
    pub description: LocalText,
    pub category: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub eligibility: LocalText,
    #[serde(default)]
    pub minimum_age: Option<u8>,
    #[serde(default)]
    pub maximum_age: Option<u8>,
    #[serde(default)]
    pub fees: LocalText,
    #[serde(default)]
    pub application_process: LocalText,
    #[serde(default)]
    pub required_documents: LocalText,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub accessibility: LocalText,
    #[serde(default)]
    pub locations: Vec<ServiceLocation>,
    #[serde(default)]
    pub visits: Vec<Visit>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub programme_ids: Vec<ProgrammeId>,
    #[serde(default)]
    pub result_ids: Vec<ResultId>,
    #[serde(default)]
    pub mandate_ids: Vec<MandateId>,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub last_verified: Date,
}

/// Kazakhstan's extent (about 40.6–55.4° N, 46.5–87.3° E), a little widened: a point outside
/// it is a mistake (swapped coordinates, a wrong sign).
pub const KAZAKHSTAN_BBOX: (f64, f64, f64, f64) = (46.4, 40.5, 87.4, 55.5);

/// A phone number as people write it (`+7 (7222) 52-34-11`): digits with spaces, dashes,
/// dots and brackets, an optional leading `+`, 5 to 15 digits (E.164 allows at most 15).
pub fn check_phone(s: &str) -> Result<String, Invalid> {
    let t = s.trim();
    let body = t.strip_prefix('+').unwrap_or(t);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    let ok = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'))
        && (5..=15).contains(&digits);
    if ok {
        Ok(t.to_owned())
    } else {
        Err(Invalid::one(
            "",
            "invalid_phone",
            format!("{s:?} is not a phone number"),
        ))
    }
}

/// The number to dial: `+` and digits only, for `tel:` links.
pub fn dial(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

/// An e-mail address: one `@`, a name before it, a domain with a dot after it, no spaces.
pub fn check_email(s: &str) -> Result<String, Invalid> {
    let t = s.trim();
    let ok = match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !t.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if ok {
        Ok(t.to_owned())
    } else {
        Err(Invalid::one(
            "",
            "invalid_email",
            format!("{s:?} is not an e-mail address"),
        ))
    }
}

/// A web address: `http://` or `https://` and a host; nothing else (no `javascript:`).
pub fn check_url(s: &str) -> Result<String, Invalid> {
    let t = s.trim();
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let ok = matches!(host, Some(h) if (!h.is_empty() && h.contains('.')) || h == "localhost")
        && !t
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<');
    if ok {
        Ok(t.to_owned())
    } else {
        Err(Invalid::one(
            "",
            "invalid_url",
            format!("{s:?} is not a web address (http or https)"),
        ))
    }
}

fn check_hours(c: &mut Checker, field: &str, opens: ClockTime, closes: ClockTime) {
    if closes <= opens {
        c.push(FieldError::new(
            field,
            "closes_before_opens",
            format!("it closes ({closes}) before it opens ({opens})"),
        ));
    }
}

fn check_list(
    c: &mut Checker,
    field: &str,
    items: Vec<String>,
    check: fn(&str) -> Result<String, Invalid>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (i, s) in items.iter().enumerate() {
        if s.trim().is_empty() {
            continue;
        }
        if let Some(v) = c.take(&format!("{field}[{i}]"), check(s)) {
            out.push(v);
        }
    }
    out
}

impl ServiceInput {
    /// Checks the input and builds the service it describes under `id`. Every broken rule is
    /// reported at once, each naming its field.
    pub fn check(self, id: ServiceId) -> Result<Service, Invalid> {
        let mut c = Checker::new();
        let name = self.name.normalized();
        if name.is_empty() {
            c.push(FieldError::new(
                "name",
                "required",
                "a service needs a name in at least one language",
            ));
        }
        let category = c.take("", ServiceCategory::parse(&self.category));
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => Some(ServiceStatus::Active),
            Some(s) => c.take("", ServiceStatus::parse(s)),
        };
        for (field, age) in [
            ("minimum_age", self.minimum_age),
            ("maximum_age", self.maximum_age),
        ] {
            if matches!(age, Some(a) if a > 120) {
                c.push(FieldError::new(
                    field,
                    "age_out_of_range",
                    "an age is between 0 and 120",
                ));
            }
        }
        if let (Some(min), Some(max)) = (self.minimum_age, self.maximum_age) {
            if min > max {
                c.push(FieldError::new(
                    "maximum_age",
                    "max_below_min",
                    format!("the maximum age ({max}) is below the minimum age ({min})"),
                ));
            }
        }
        let mut languages = Vec::new();
        for (i, l) in self.languages.iter().enumerate() {
            let l = l.trim().to_ascii_lowercase();
            if l.is_empty() {
                continue;
            }
            if !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()) {
                c.push(FieldError::new(
                    format!("languages[{i}]"),
                    "invalid_language",
                    format!("{l:?} is not an ISO 639 language code (kk, ru, en, zh …)"),
                ));
            } else if !languages.contains(&l) {
                languages.push(l);
            }
        }
        let (w, s, e, n) = KAZAKHSTAN_BBOX;
        for (i, loc) in self.locations.iter().enumerate() {
            let field = format!("locations[{i}]");
            if loc.place_id.is_none() && loc.point.is_none() && loc.address.trim().is_empty() {
                c.push(FieldError::new(
                    &field,
                    "location_empty",
                    "a location needs a place, an address or a point",
                ));
            }
            if let Some(p) = loc.point {
                if !(w..=e).contains(&p.lon) || !(s..=n).contains(&p.lat) {
                    c.push(FieldError::new(
                        format!("{field}.point"),
                        "outside_kazakhstan",
                        format!(
                            "({}, {}) is outside Kazakhstan (longitude then latitude)",
                            p.lon, p.lat
                        ),
                    ));
                }
            }
            for (j, h) in loc.hours.iter().enumerate() {
                let hf = format!("{field}.hours[{j}]");
                if !DAYS.contains(&h.day.trim()) {
                    c.push(FieldError::new(
                        format!("{hf}.day"),
                        "invalid_day",
                        format!("{:?} is not a day (mon, tue, … sun)", h.day),
                    ));
                }
                check_hours(&mut c, &format!("{hf}.closes"), h.opens, h.closes);
            }
        }
        for (i, v) in self.visits.iter().enumerate() {
            check_hours(&mut c, &format!("visits[{i}].closes"), v.opens, v.closes);
        }
        let phones = check_list(&mut c, "phones", self.phones, check_phone);
        let emails = check_list(&mut c, "emails", self.emails, check_email);
        let urls = check_list(&mut c, "urls", self.urls, check_url);
        let mut programme_ids = self.programme_ids;
        programme_ids.sort();
        programme_ids.dedup();
        let mut result_ids = self.result_ids;
        result_ids.sort();
        result_ids.dedup();
        // As given (an unknown one is named by its place in the list), each once.
        let mut mandate_ids: Vec<MandateId> = Vec::new();
        for m in self.mandate_ids {
            if !mandate_ids.contains(&m) {
                mandate_ids.push(m);
            }
        }
        let locations = self
            .locations
            .into_iter()
            .map(|mut l| {
                l.address = l.address.trim().to_owned();
                for h in &mut l.hours {
                    h.day = h.day.trim().to_owned();
                }
                l
            })
            .collect();
        let mut visits = self.visits;
        visits.sort_by_key(|v| (v.date, v.opens));
        c.finish(|| Service {
            id,
            organisation_id: self.organisation_id,
            name,
            description: self.description.normalized(),
            category: category.expect("checked"),
            status: status.expect("checked"),
            eligibility: self.eligibility.normalized(),
            minimum_age: self.minimum_age,
            maximum_age: self.maximum_age,
            fees: self.fees.normalized(),
            application_process: self.application_process.normalized(),
            required_documents: self.required_documents.normalized(),
            languages,
            accessibility: self.accessibility.normalized(),
            locations,
            visits,
            phones,
            emails,
            urls,
            programme_ids,
            result_ids,
            mandate_ids,
            last_verified: self.last_verified,
        })
    }
}

/// Kazakhstan's time: one zone, UTC+5, for the whole country since 1 March 2024 (the
/// Government's decision of December 2023 to unify the country's two time zones).
pub const KAZAKHSTAN_OFFSET: UtcOffset = match UtcOffset::from_hms(5, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("a valid offset"),
};

/// The wall-clock time in Kazakhstan at `now`.
pub fn kazakhstan_time(now: OffsetDateTime) -> PrimitiveDateTime {
    let local = now.to_offset(KAZAKHSTAN_OFFSET);
    PrimitiveDateTime::new(local.date(), local.time())
}

/// Whether a place is open: known from its hours, or not known at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenNow {
    Open,
    Closed,
    /// No opening hours or visits are recorded.
    Unknown,
}

impl Service {
    /// Whether the service is open at the location `at` (its index) at local time `t`, counting
    /// visits to `visit_place` that day too. A service that is not active is closed.
    pub fn open_at(
        &self,
        at: Option<usize>,
        visit_place: Option<PlaceId>,
        t: PrimitiveDateTime,
    ) -> OpenNow {
        if self.status != ServiceStatus::Active {
            return OpenNow::Closed;
        }
        let minute = u16::from(t.hour()) * 60 + u16::from(t.minute());
        let day = DAYS[day_index(t.weekday())];
        let hours = at
            .and_then(|i| self.locations.get(i))
            .map(|l| l.hours.as_slice())
            .unwrap_or(&[]);
        let visits: Vec<&Visit> = self
            .visits
            .iter()
            .filter(|v| Some(v.place_id) == visit_place)
            .collect();
        if hours.is_empty() && visits.is_empty() {
            return OpenNow::Unknown;
        }
        let in_hours = hours
            .iter()
            .any(|h| h.day == day && h.opens.minutes() <= minute && minute < h.closes.minutes());
        let visiting = visits.iter().any(|v| {
            v.date == t.date() && v.opens.minutes() <= minute && minute < v.closes.minutes()
        });
        if in_hours || visiting {
            OpenNow::Open
        } else {
            OpenNow::Closed
        }
    }

    /// True when nobody has confirmed the entry for more than a year before `today`.
    pub fn needs_verification(&self, today: Date) -> bool {
        self.last_verified < today.saturating_sub(time::Duration::days(365))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use time::macros::{date, datetime};

    fn input() -> ServiceInput {
        ServiceInput {
            organisation_id: OrganisationId::new(),
            name: LocalText::new().with(Lang::En, "Thyroid screening"),
            description: LocalText::new(),
            category: "screening".into(),
            status: None,
            eligibility: LocalText::new(),
            minimum_age: Some(18),
            maximum_age: None,
            fees: LocalText::new(),
            application_process: LocalText::new(),
            required_documents: LocalText::new(),
            languages: vec!["KK".into(), "ru".into()],
            accessibility: LocalText::new(),
            locations: vec![ServiceLocation {
                place_id: None,
                address: "Semey, Abai street 1".into(),
                point: Some(Point {
                    lon: 80.25,
                    lat: 50.41,
                }),
                hours: vec![OpeningHours {
                    day: "mon".into(),
                    opens: ClockTime::parse("09:00").unwrap(),
                    closes: ClockTime::parse("18:00").unwrap(),
                }],
            }],
            visits: vec![],
            phones: vec!["+7 (7222) 52-34-11".into()],
            emails: vec!["info@example.kz".into()],
            urls: vec!["https://example.kz/screening".into()],
            programme_ids: vec![],
            result_ids: vec![],
            mandate_ids: vec![],
            last_verified: date!(2026 - 06 - 01),
        }
    }

    #[test]
    fn a_good_entry_is_accepted_and_normalised() {
        let s = input().check(ServiceId::new()).unwrap();
        assert_eq!(s.status, ServiceStatus::Active);
        assert_eq!(s.languages, vec!["kk", "ru"]);
        assert_eq!(dial(&s.phones[0]), "+77222523411");
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut i = input();
        i.phones = vec!["call us".into()];
        i.emails = vec!["info@".into()];
        i.urls = vec!["javascript:alert(1)".into(), "ftp://example.kz".into()];
        i.locations[0].hours[0].closes = ClockTime::parse("08:00").unwrap();
        i.locations[0].point = Some(Point {
            lon: 50.41,
            lat: 80.25,
        });
        i.maximum_age = Some(10);
        i.category = "food".into();
        let e = i.check(ServiceId::new()).unwrap_err();
        let got: Vec<(&str, &str)> = e
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        for want in [
            ("phones[0]", "invalid_phone"),
            ("emails[0]", "invalid_email"),
            ("urls[0]", "invalid_url"),
            ("urls[1]", "invalid_url"),
            ("locations[0].hours[0].closes", "closes_before_opens"),
            ("locations[0].point", "outside_kazakhstan"),
            ("maximum_age", "max_below_min"),
            ("category", "unknown_category"),
        ] {
            assert!(got.contains(&want), "{want:?} missing from {got:?}");
        }
    }

    #[test]
    fn open_now_follows_kazakhstan_time_hours_and_visits() {
        let s = input().check(ServiceId::new()).unwrap();
        // Monday 2026-11-30 04:30 UTC is 09:30 in Kazakhstan.
        let t = kazakhstan_time(datetime!(2026-11-30 04:30 UTC));
        assert_eq!(s.open_at(Some(0), None, t), OpenNow::Open);
        // 13:30 UTC is 18:30 local: closed.
        let t = kazakhstan_time(datetime!(2026-11-30 13:30 UTC));
        assert_eq!(s.open_at(Some(0), None, t), OpenNow::Closed);
        let village = PlaceId::new();
        let mut v = input();
        v.locations.clear();
        v.visits = vec![Visit {
            date: date!(2026 - 12 - 02),
            place_id: village,
            opens: ClockTime::parse("10:00").unwrap(),
            closes: ClockTime::parse("14:00").unwrap(),
        }];
        let v = v.check(ServiceId::new()).unwrap();
        let noon = kazakhstan_time(datetime!(2026-12-02 07:00 UTC));
        assert_eq!(v.open_at(None, Some(village), noon), OpenNow::Open);
        assert_eq!(v.open_at(None, None, noon), OpenNow::Unknown);
        let mut closed = s.clone();
        closed.status = ServiceStatus::TemporarilyClosed;
        let t = kazakhstan_time(datetime!(2026-11-30 04:30 UTC));
        assert_eq!(closed.open_at(Some(0), None, t), OpenNow::Closed);
    }

    #[test]
    fn entries_older_than_a_year_need_checking() {
        let s = input().check(ServiceId::new()).unwrap();
        assert!(!s.needs_verification(date!(2027 - 05 - 31)));
        assert!(s.needs_verification(date!(2027 - 06 - 02)));
    }
}
