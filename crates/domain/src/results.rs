//! Results monitoring (C4): a programme's results chain, aligned with IATI 2.03's `result`
//! element so it exports without loss, and the rule that says whether an indicator is on track.
//!
//! - A **result** (IATI result type output, outcome, impact or other) holds **indicators**
//!   (IATI indicator measure unit, percentage, nominal, ordinal or qualitative; ascending or
//!   descending; a unit label; a baseline with its year) — one record kind.
//! - Each indicator's **periods** hold a target and an actual, each with a comment, a source
//!   document and a split by dimensions — the second record kind.
//! - The **status** rule ([`assess`]) compares the progress achieved with the progress expected
//!   by the end of the period, in the manner of the open-SDG progress methodology: the ratio of
//!   `(actual − baseline) / (target − baseline)` to the share of the time from the baseline to
//!   the target's period end that has passed. At or above `on_track` (0.95 by default) it is on
//!   track, at or above `at_risk` (0.6) at risk, below off track. Never on track without a
//!   reported actual; "not reported" once a period with a target has ended without one.

use crate::error::{Checker, FieldError, Invalid};
use crate::ids::{IndicatorId, MandateId, PlaceId, ProgrammeId, ResultId};
use crate::lang::LocalText;
use rust_decimal::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

string_enum!(
    /// IATI ResultType: 1 output, 2 outcome, 3 impact, 9 other.
    ResultType, "result_type" {
        Output = "output",
        Outcome = "outcome",
        Impact = "impact",
        Other = "other",
    }
);

impl ResultType {
    pub fn iati_code(self) -> u8 {
        match self {
            ResultType::Output => 1,
            ResultType::Outcome => 2,
            ResultType::Impact => 3,
            ResultType::Other => 9,
        }
    }
}

string_enum!(
    /// IATI IndicatorMeasure: 1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative.
    IndicatorMeasure, "measure" {
        Unit = "unit",
        Percentage = "percentage",
        Nominal = "nominal",
        Ordinal = "ordinal",
        Qualitative = "qualitative",
    }
);

impl IndicatorMeasure {
    pub fn iati_code(self) -> u8 {
        match self {
            IndicatorMeasure::Unit => 1,
            IndicatorMeasure::Percentage => 2,
            IndicatorMeasure::Nominal => 3,
            IndicatorMeasure::Ordinal => 4,
            IndicatorMeasure::Qualitative => 5,
        }
    }

    /// Only counts of units add up across programmes, places and years (never percentages,
    /// ordinal levels or words).
    pub fn adds_up(self) -> bool {
        self == IndicatorMeasure::Unit
    }
}

string_enum!(
    /// Sex, as a dimension of a split.
    Sex, "sex" {
        Female = "female",
        Male = "male",
    }
);

string_enum!(
    /// Age groups, as a dimension of a split.
    AgeGroup, "age_group" {
        Under5 = "0-4",
        From5To14 = "5-14",
        From15To17 = "15-17",
        From18To24 = "18-24",
        From25To59 = "25-59",
        Over60 = "60+",
    }
);

/// A baseline: the year is required (IATI), the value is the indicator's before the
/// programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Baseline {
    pub year: i32,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub comment: LocalText,
}

/// An indicator as entered and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Indicator {
    /// Kept from one version of the result to the next; given when absent.
    #[serde(default)]
    pub id: Option<IndicatorId>,
    pub title: LocalText,
    #[serde(default)]
    pub description: LocalText,
    pub measure: IndicatorMeasure,
    /// True when more is better.
    #[serde(default = "yes")]
    pub ascending: bool,
    /// What a value counts ("people", "households", "µSv/h").
    #[serde(default)]
    pub unit: String,
    /// The shared indicator it reports against (`semey:people-screened`, `sdg:3.9.1`), so that
    /// values of programmes add up.
    #[serde(default)]
    pub shared: Option<String>,
    /// The indicator that counts the people the programme reached (cost per person reached).
    #[serde(default)]
    pub people_reached: bool,
    /// Ordinal levels, lowest first.
    #[serde(default)]
    pub levels: Vec<String>,
    pub baseline: Option<Baseline>,
    /// The paragraphs of resolutions it measures progress on, linked directly (an indicator
    /// also counts for every paragraph its programme serves).
    #[serde(default)]
    pub mandate_ids: Vec<MandateId>,
}

fn yes() -> bool {
    true
}

/// A result as entered.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResultInput {
    pub programme_id: ProgrammeId,
    pub result_type: String,
    pub title: LocalText,
    #[serde(default)]
    pub description: LocalText,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
}

/// A result of a programme with its indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProgrammeResult {
    pub id: ResultId,
    pub programme_id: ProgrammeId,
    pub result_type: ResultType,
    pub title: LocalText,
    pub description: LocalText,
    pub indicators: Vec<Indicator>,
}

/// A standard indicator of the catalogue programmes report against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedIndicator {
    pub code: &'static str,
    pub measure: IndicatorMeasure,
    /// What a value counts; a programme's indicator reporting against it uses the same.
    pub unit: &'static str,
}

impl SharedIndicator {
    /// The key of its name among the interface's messages (`shared-semey-people-screened`).
    pub fn message_key(code: &str) -> String {
        format!("shared-{}", code.replace([':', '.'], "-"))
    }
}

/// The catalogue of shared indicators: the platform's own counts, which add up across
/// programmes, and SDG indicators (global indicator framework, A/RES/71/313) that programmes in
/// the region report against, which are percentages and never added. Other well-formed codes
/// are accepted too, and listed as outside the catalogue.
pub const CATALOGUE: &[SharedIndicator] = &[
    SharedIndicator {
        code: "semey:people-screened",
        measure: IndicatorMeasure::Unit,
        unit: "people",
    },
    SharedIndicator {
        code: "semey:people-counselled",
        measure: IndicatorMeasure::Unit,
        unit: "people",
    },
    SharedIndicator {
        code: "semey:people-with-benefits",
        measure: IndicatorMeasure::Unit,
        unit: "people",
    },
    SharedIndicator {
        code: "semey:health-workers-trained",
        measure: IndicatorMeasure::Unit,
        unit: "people",
    },
    SharedIndicator {
        code: "semey:settlements-surveyed",
        measure: IndicatorMeasure::Unit,
        unit: "settlements",
    },
    SharedIndicator {
        code: "semey:water-sources-tested",
        measure: IndicatorMeasure::Unit,
        unit: "water sources",
    },
    SharedIndicator {
        code: "sdg:1.3.1",
        measure: IndicatorMeasure::Percentage,
        unit: "",
    },
    SharedIndicator {
        code: "sdg:3.8.1",
        measure: IndicatorMeasure::Percentage,
        unit: "",
    },
    SharedIndicator {
        code: "sdg:6.1.1",
        measure: IndicatorMeasure::Percentage,
        unit: "",
    },
];

/// The catalogue's entry for a code, if it has one.
pub fn catalogue_entry(code: &str) -> Option<&'static SharedIndicator> {
    CATALOGUE.iter().find(|e| e.code == code)
}

/// A shared indicator code: `semey:` then letters, digits and dashes, or an SDG indicator
/// (`sdg:3.9.1`).
pub fn check_shared(code: &str) -> Result<String, Invalid> {
    let c = code.trim().to_lowercase();
    let ok = match c.split_once(':') {
        Some(("sdg", rest)) => {
            let parts: Vec<&str> = rest.split('.').collect();
            parts.len() == 3
                && parts[0].parse::<u8>().is_ok_and(|g| (1..=17).contains(&g))
                && parts[1..]
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|ch| ch.is_ascii_alphanumeric()))
        }
        Some(("semey", rest)) => {
            !rest.is_empty()
                && rest
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
        }
        _ => false,
    };
    if ok {
        Ok(c)
    } else {
        Err(Invalid::one(
            "shared",
            "invalid_shared_indicator",
            format!("{code:?} is not a shared indicator (sdg:3.9.1 or semey:people-screened)"),
        ))
    }
}

impl ResultInput {
    /// Checks the result and its indicators; indicators without an id get one from `new_id`.
    pub fn check(
        self,
        id: ResultId,
        mut new_id: impl FnMut() -> IndicatorId,
    ) -> Result<ProgrammeResult, Invalid> {
        let mut c = Checker::new();
        let result_type = c.take("", ResultType::parse(&self.result_type));
        let title = self.title.normalized();
        if title.is_empty() {
            c.push(FieldError::new(
                "title",
                "required",
                "a result needs a title in at least one language",
            ));
        }
        let mut indicators = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, mut ind) in self.indicators.into_iter().enumerate() {
            let f = format!("indicators[{i}]");
            ind.title = ind.title.normalized();
            let mut mandates = Vec::with_capacity(ind.mandate_ids.len());
            for m in std::mem::take(&mut ind.mandate_ids) {
                if !mandates.contains(&m) {
                    mandates.push(m);
                }
            }
            ind.mandate_ids = mandates;
            if ind.title.is_empty() {
                c.push(FieldError::new(
                    format!("{f}.title"),
                    "required",
                    "an indicator needs a title",
                ));
            }
            if let Some(b) = &ind.baseline {
                if !(1949..=2100).contains(&b.year) {
                    c.push(FieldError::new(
                        format!("{f}.baseline.year"),
                        "invalid_year",
                        format!("{} is not a year of the programme's time", b.year),
                    ));
                }
                if let Some(v) = b.value.as_deref().filter(|v| !v.trim().is_empty()) {
                    if let Err(e) = value_of(ind.measure, &ind.levels, v) {
                        c.take(&format!("{f}.baseline.value"), Err::<(), _>(e));
                    }
                }
            }
            if let Some(s) = ind.shared.as_deref().filter(|s| !s.trim().is_empty()) {
                ind.shared = c.take(&f, check_shared(s));
                // Values add up only when every programme counts the same thing the same way.
                if let Some(e) = ind.shared.as_deref().and_then(catalogue_entry) {
                    if e.measure != ind.measure || (!e.unit.is_empty() && e.unit != ind.unit.trim())
                    {
                        c.push(
                            FieldError::new(
                                format!("{f}.shared"),
                                "shared_measure_differs",
                                format!(
                                    "{} is counted as {} in {:?}; this indicator is {} in {:?}",
                                    e.code,
                                    e.measure.as_str(),
                                    e.unit,
                                    ind.measure.as_str(),
                                    ind.unit
                                ),
                            )
                            .with_arg("code", e.code)
                            .with_arg("unit", if e.unit.is_empty() { "none" } else { e.unit }),
                        );
                    }
                }
            } else {
                ind.shared = None;
            }
            if ind.measure == IndicatorMeasure::Ordinal && ind.levels.len() < 2 {
                c.push(FieldError::new(
                    format!("{f}.levels"),
                    "levels_required",
                    "an ordinal indicator needs its levels, lowest first (two at least)",
                ));
            }
            if ind.people_reached && ind.measure != IndicatorMeasure::Unit {
                c.push(FieldError::new(
                    format!("{f}.people_reached"),
                    "people_reached_not_a_count",
                    "only a count of people (measure: unit) can be the people reached",
                ));
            }
            let id = ind.id.unwrap_or_else(&mut new_id);
            if !seen.insert(id) {
                c.push(FieldError::new(
                    format!("{f}.id"),
                    "duplicate_indicator",
                    "two indicators have the same id",
                ));
            }
            ind.id = Some(id);
            ind.unit = ind.unit.trim().to_owned();
            indicators.push(ind);
        }
        if indicators.iter().filter(|i| i.people_reached).count() > 1 {
            c.push(FieldError::new(
                "indicators",
                "several_people_reached",
                "only one indicator of a result can count the people reached",
            ));
        }
        c.finish(|| ProgrammeResult {
            id,
            programme_id: self.programme_id,
            result_type: result_type.expect("checked"),
            title,
            description: self.description.normalized(),
            indicators,
        })
    }
}

/// A value read by its indicator's measure: a number (units, percentages, an ordinal level's
/// position) or words.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(Decimal),
    Words(String),
}

impl Value {
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(d) => d.to_f64(),
            Value::Words(_) => None,
        }
    }
}

/// Reads `text` as a value of `measure`: refused when it is text for a unit indicator, a
/// percentage outside 0–100, or an unknown ordinal level.
pub fn value_of(
    measure: IndicatorMeasure,
    levels: &[String],
    text: &str,
) -> Result<Value, Invalid> {
    let t = text.trim();
    let number = || {
        Decimal::from_str(&t.replace([' ', '\u{a0}'], "")).map_err(|_| {
            Invalid::one(
                "",
                "not_a_number",
                format!("{t:?} is not a number (use a dot for decimals)"),
            )
        })
    };
    match measure {
        IndicatorMeasure::Unit => number().map(Value::Number),
        IndicatorMeasure::Percentage => {
            let d = number()?;
            if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
                Err(Invalid::one(
                    "",
                    "percentage_out_of_range",
                    format!("{t} is not a percentage between 0 and 100"),
                ))
            } else {
                Ok(Value::Number(d))
            }
        }
        IndicatorMeasure::Ordinal => levels
            .iter()
            .position(|l| l.trim().eq_ignore_ascii_case(t))
            .map(|i| Value::Number(Decimal::from(i)))
            .ok_or_else(|| {
                Invalid::one(
                    "",
                    "unknown_level",
                    format!("{t:?} is not one of the levels: {}", levels.join(", ")),
                )
            }),
        IndicatorMeasure::Nominal | IndicatorMeasure::Qualitative => {
            if t.is_empty() {
                Err(Invalid::one("", "required", "a value is needed"))
            } else {
                Ok(Value::Words(t.to_owned()))
            }
        }
    }
}

/// One part of a split value: `{"dimension": "sex", "key": "female", "value": "120"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Split {
    /// `sex`, `age_group`, `place` (a settlement or district) or `target_group`.
    pub dimension: String,
    pub key: String,
    pub value: String,
}

/// A target or an actual with its comment, source document and split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Figure {
    pub value: String,
    #[serde(default)]
    pub comment: String,
    /// A reference or web address of the document the figure comes from.
    #[serde(default)]
    pub document: Option<String>,
    #[serde(default)]
    pub splits: Vec<Split>,
}

/// One period of an indicator: its dates, target and actual.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Period {
    pub indicator_id: IndicatorId,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub start: Date,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub end: Date,
    #[serde(default)]
    pub target: Option<Figure>,
    #[serde(default)]
    pub actual: Option<Figure>,
}

/// What checking a period needs to know besides the period itself.
pub struct PeriodContext<'a> {
    pub indicator: &'a Indicator,
    /// The programme's dates (planned or actual start, planned or actual end), when known.
    pub programme_start: Option<Date>,
    pub programme_end: Option<Date>,
    /// The programme's target groups (the keys of a `target_group` split).
    pub target_groups: &'a [String],
    /// The other periods of the indicator (not this one).
    pub others: &'a [(Date, Date)],
    /// Whether a place id names a stored settlement or district.
    pub place_exists: &'a dyn Fn(&PlaceId) -> bool,
}

fn closed_keys(dimension: &str) -> Option<Vec<&'static str>> {
    match dimension {
        "sex" => Some(Sex::ALL.iter().map(|s| s.as_str()).collect()),
        "age_group" => Some(AgeGroup::ALL.iter().map(|s| s.as_str()).collect()),
        _ => None,
    }
}

impl Period {
    /// Checks the period against its indicator, the programme and the indicator's other
    /// periods. A split is **complete** when it covers every value of a closed list (both sexes,
    /// every age group); a complete split of a count must add up to the total.
    pub fn check(&self, cx: &PeriodContext<'_>) -> Result<(), Invalid> {
        let mut c = Checker::new();
        let when = format!("{} – {}", self.start, self.end);
        if self.end < self.start {
            c.push(FieldError::new(
                "end",
                "end_before_start",
                format!(
                    "the period ends ({}) before it starts ({})",
                    self.end, self.start
                ),
            ));
        }
        for (s, e) in cx.others {
            if self.start <= *e && *s <= self.end {
                c.push(FieldError::new(
                    "start",
                    "overlapping_period",
                    format!("the period {when} overlaps the indicator's period {s} – {e}"),
                ));
            }
        }
        let outside = cx.programme_start.is_some_and(|s| self.start < s)
            || cx.programme_end.is_some_and(|e| self.end > e);
        if outside {
            c.push(FieldError::new(
                "start",
                "outside_programme",
                format!(
                    "the period {when} is outside the programme's dates ({} – {})",
                    cx.programme_start
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    cx.programme_end.map(|d| d.to_string()).unwrap_or_default()
                ),
            ));
        }
        let ind = cx.indicator;
        for (name, figure) in [("target", &self.target), ("actual", &self.actual)] {
            let Some(fig) = figure else { continue };
            let total = c.take(
                name,
                value_of(ind.measure, &ind.levels, &fig.value).map_err(|e| with_field(e, "value")),
            );
            if let Some(doc) = fig.document.as_deref() {
                if doc.trim().len() > 500 {
                    c.push(FieldError::new(
                        format!("{name}.document"),
                        "too_long",
                        "a document reference is at most 500 characters",
                    ));
                }
            }
            let mut sums: std::collections::BTreeMap<&str, (Decimal, Vec<&str>)> =
                Default::default();
            for (i, sp) in fig.splits.iter().enumerate() {
                let f = format!("{name}.splits[{i}]");
                let key_ok = match sp.dimension.as_str() {
                    "sex" => Sex::parse(&sp.key).is_ok(),
                    "age_group" => AgeGroup::parse(&sp.key).is_ok(),
                    "target_group" => cx.target_groups.iter().any(|g| g == sp.key.trim()),
                    "place" => sp
                        .key
                        .trim()
                        .parse::<PlaceId>()
                        .is_ok_and(|p| (cx.place_exists)(&p)),
                    other => {
                        c.push(FieldError::new(
                            format!("{f}.dimension"),
                            "unknown_dimension",
                            format!("{other:?} is not a dimension (sex, age_group, place, target_group)"),
                        ));
                        continue;
                    }
                };
                if !key_ok {
                    c.push(FieldError::new(
                        format!("{f}.key"),
                        "not_on_list",
                        format!("{:?} is not on the list of {}", sp.key, sp.dimension),
                    ));
                    continue;
                }
                match value_of(ind.measure, &ind.levels, &sp.value) {
                    Ok(Value::Number(d)) => {
                        let e = sums.entry(sp.dimension.as_str()).or_default();
                        e.0 += d;
                        e.1.push(sp.key.trim());
                    }
                    Ok(Value::Words(_)) => {}
                    Err(e) => {
                        c.take(&format!("{f}.value"), Err::<(), _>(e));
                    }
                }
            }
            if let (Some(Value::Number(t)), true) = (&total, ind.measure.adds_up()) {
                for (dim, (sum, keys)) in &sums {
                    let complete =
                        closed_keys(dim).is_some_and(|all| all.iter().all(|k| keys.contains(k)));
                    if complete && sum != t {
                        c.push(
                            FieldError::new(
                                format!("{name}.splits"),
                                "split_does_not_add_up",
                                format!(
                                    "period {when}: the {name} split by {dim} adds up to {sum}, but the {name} is {t}"
                                ),
                            )
                            .with_arg("period", &when)
                            .with_arg("dimension", dim)
                            .with_arg("sum", sum)
                            .with_arg("total", t),
                        );
                    }
                }
            }
        }
        c.finish(|| ())
    }
}

fn with_field(mut e: Invalid, field: &str) -> Invalid {
    for fe in &mut e.errors {
        if fe.field.is_empty() {
            fe.field = field.to_owned();
        }
    }
    e
}

/// Where an indicator stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTrack,
    AtRisk,
    OffTrack,
    NotReported,
    /// No status: words rather than numbers, or no target yet.
    NotAssessed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
            Status::NotReported => "not_reported",
            Status::NotAssessed => "not_assessed",
        }
    }

    /// How much a status weighs on its programme's: the worst of its indicators' counts.
    fn severity(self) -> u8 {
        match self {
            Status::NotAssessed => 0,
            Status::OnTrack => 1,
            Status::AtRisk => 2,
            Status::NotReported => 3,
            Status::OffTrack => 4,
        }
    }
}

/// The thresholds of the rule (configuration).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    pub on_track: f64,
    pub at_risk: f64,
}

impl Thresholds {
    /// The status of an assessment: its ratio against the thresholds when it compared figures,
    /// else what its reason says. (The store's counts by status apply the same rule in SQL.)
    pub fn classify(&self, reason: &str, ratio: Option<f64>) -> Status {
        match (reason, ratio) {
            ("compared", Some(r)) if r >= self.on_track => Status::OnTrack,
            ("compared", Some(r)) if r >= self.at_risk => Status::AtRisk,
            ("compared", Some(_)) => Status::OffTrack,
            ("no_actual" | "period_ended_unreported", _) => Status::NotReported,
            _ => Status::NotAssessed,
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            on_track: 0.95,
            at_risk: 0.6,
        }
    }
}

/// Where an indicator stands, with the figures behind it (its status follows from these and
/// the configured [`Thresholds`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Assessment {
    /// Why, as a stable code: `qualitative`, `no_target`, `no_actual`, `period_ended_unreported`,
    /// `compared`.
    pub reason: String,
    /// The period the status is about.
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::day::option")]
    pub period_end: Option<Date>,
    /// Share of the way from the baseline to the target achieved, and expected by the latest
    /// actual's date (1 = the target).
    pub achieved: Option<f64>,
    pub expected: Option<f64>,
    pub ratio: Option<f64>,
}

fn days(a: Date, b: Date) -> f64 {
    (b - a).whole_days() as f64
}

impl Assessment {
    pub fn status(&self, th: Thresholds) -> Status {
        th.classify(&self.reason, self.ratio)
    }
}

/// Where an indicator stands on `today`, from its periods (see the module's rule).
pub fn assess(ind: &Indicator, periods: &[Period], today: Date) -> Assessment {
    let none = |_status: Status, reason: &str| Assessment {
        reason: reason.to_owned(),
        period_end: None,
        achieved: None,
        expected: None,
        ratio: None,
    };
    if matches!(
        ind.measure,
        IndicatorMeasure::Nominal | IndicatorMeasure::Qualitative
    ) {
        return none(Status::NotAssessed, "qualitative");
    }
    let num = |f: &Option<Figure>| {
        f.as_ref()
            .and_then(|f| value_of(ind.measure, &ind.levels, &f.value).ok())
            .and_then(|v| v.number())
    };
    let mut started: Vec<&Period> = periods.iter().filter(|p| p.start <= today).collect();
    started.sort_by_key(|p| p.end);
    if !started.iter().any(|p| num(&p.target).is_some()) {
        return none(Status::NotAssessed, "no_target");
    }
    let latest_actual = started.iter().rev().find(|p| num(&p.actual).is_some());
    // A period with a target that ended with no actual, after the latest actual.
    let unreported = started.iter().rev().find(|p| {
        p.end < today
            && num(&p.target).is_some()
            && num(&p.actual).is_none()
            && latest_actual.is_none_or(|a| a.end < p.end)
    });
    if let Some(p) = unreported {
        return Assessment {
            period_end: Some(p.end),
            ..none(Status::NotReported, "period_ended_unreported")
        };
    }
    let Some(a) = latest_actual else {
        return none(Status::NotReported, "no_actual");
    };
    let actual = num(&a.actual).expect("found with an actual");
    // The target: this period's, else the next period's that has one.
    let target_period = std::iter::once(*a)
        .chain(periods.iter().filter(|p| p.end > a.end))
        .filter(|p| num(&p.target).is_some())
        .min_by_key(|p| p.end)
        .or_else(|| {
            started
                .iter()
                .rev()
                .find(|p| num(&p.target).is_some())
                .copied()
        });
    let Some(tp) = target_period else {
        return none(Status::NotAssessed, "no_target");
    };
    let target = num(&tp.target).expect("chosen with a target");
    let baseline = ind
        .baseline
        .as_ref()
        .and_then(|b| b.value.as_deref())
        .and_then(|v| value_of(ind.measure, &ind.levels, v).ok())
        .and_then(|v| v.number());
    let baseline_date = ind
        .baseline
        .as_ref()
        .and_then(|b| Date::from_calendar_date(b.year, time::Month::December, 31).ok())
        .filter(|d| *d < tp.end)
        .unwrap_or(started[0].start);
    let expected = if tp.end <= baseline_date {
        1.0
    } else {
        (days(baseline_date, a.end.min(tp.end)) / days(baseline_date, tp.end)).clamp(0.0, 1.0)
    };
    let better = |x: f64, y: f64| if ind.ascending { x >= y } else { x <= y };
    let achieved = match baseline {
        Some(b) if (target - b).abs() > f64::EPSILON => (actual - b) / (target - b),
        Some(_) => {
            if better(actual, target) {
                1.0
            } else {
                0.0
            }
        }
        None if ind.ascending => {
            if target.abs() > f64::EPSILON {
                actual / target
            } else {
                1.0
            }
        }
        None => {
            if actual.abs() > f64::EPSILON {
                target / actual
            } else {
                1.0
            }
        }
    };
    let ratio = if expected <= f64::EPSILON {
        if achieved >= 0.0 {
            1.0
        } else {
            0.0
        }
    } else {
        achieved / expected
    };
    Assessment {
        reason: "compared".to_owned(),
        period_end: Some(tp.end),
        achieved: Some(achieved),
        expected: Some(expected),
        ratio: Some(ratio),
    }
}

/// How well a programme turns money into results: disbursement rate (disbursed ÷ committed),
/// absorption (spent ÷ disbursed) and cost per person reached (spent ÷ the people its
/// people-reached indicator counted, summed over its periods' actuals).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Efficiency {
    /// Percent.
    pub disbursement_rate: Option<f64>,
    /// Percent.
    pub absorption: Option<f64>,
    pub people_reached: Option<f64>,
    /// In the minor units of the money's currency (US cents, tiyn).
    pub cost_per_person: Option<i64>,
}

/// The efficiency figures from money in one currency's minor units and the people reached.
pub fn efficiency(committed: i64, disbursed: i64, spent: i64, people: Option<f64>) -> Efficiency {
    let pct = |part: i64, whole: i64| {
        (whole > 0).then(|| ((part as f64) * 1000.0 / (whole as f64)).round() / 10.0)
    };
    Efficiency {
        disbursement_rate: pct(disbursed, committed),
        absorption: pct(spent, disbursed),
        people_reached: people,
        cost_per_person: people
            .filter(|p| *p > 0.0 && spent > 0)
            .map(|p| (spent as f64 / p).round() as i64),
    }
}

/// A programme's status: the worst of its indicators' (off track, then not reported, then at
/// risk, then on track); "not assessed" when none of them has a status.
pub fn programme_status(statuses: impl IntoIterator<Item = Status>) -> Status {
    statuses
        .into_iter()
        .max_by_key(|s| s.severity())
        .unwrap_or(Status::NotAssessed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use time::macros::date;

    fn indicator(measure: IndicatorMeasure, ascending: bool, baseline: Option<&str>) -> Indicator {
        Indicator {
            id: Some(IndicatorId::new()),
            title: LocalText::new().with(Lang::En, "People screened"),
            description: LocalText::new(),
            measure,
            ascending,
            unit: "people".into(),
            shared: None,
            people_reached: false,
            levels: vec![],
            mandate_ids: vec![],
            baseline: Some(Baseline {
                year: 2023,
                value: baseline.map(str::to_owned),
                comment: LocalText::new(),
            }),
        }
    }

    fn figure(v: &str) -> Option<Figure> {
        Some(Figure {
            value: v.into(),
            comment: String::new(),
            document: None,
            splits: vec![],
        })
    }

    fn period(
        ind: &Indicator,
        start: Date,
        end: Date,
        target: Option<&str>,
        actual: Option<&str>,
    ) -> Period {
        Period {
            indicator_id: ind.id.unwrap(),
            start,
            end,
            target: target.and_then(figure),
            actual: actual.and_then(figure),
        }
    }

    #[test]
    fn progress_against_the_expected_share_gives_the_status() {
        let ind = indicator(IndicatorMeasure::Unit, true, Some("0"));
        let th = Thresholds::default();
        // Baseline 0 at the end of 2023, target 1000 by the end of 2025; the actual of 2024
        // (half the time) is 500: exactly as expected.
        let ps = [
            period(
                &ind,
                date!(2024 - 01 - 01),
                date!(2024 - 12 - 31),
                None,
                Some("500"),
            ),
            period(
                &ind,
                date!(2025 - 01 - 01),
                date!(2025 - 12 - 31),
                Some("1000"),
                None,
            ),
        ];
        let a = assess(&ind, &ps, date!(2025 - 03 - 01));
        assert_eq!(a.status(th), Status::OnTrack, "{a:?}");
        assert!((a.expected.unwrap() - 0.5).abs() < 0.01);
        // 350 of an expected 500: ratio 0.7, at risk; 200: 0.4, off track.
        let at = |v: &str| {
            let ps = [
                period(
                    &ind,
                    date!(2024 - 01 - 01),
                    date!(2024 - 12 - 31),
                    None,
                    Some(v),
                ),
                period(
                    &ind,
                    date!(2025 - 01 - 01),
                    date!(2025 - 12 - 31),
                    Some("1000"),
                    None,
                ),
            ];
            assess(&ind, &ps, date!(2025 - 03 - 01)).status(th)
        };
        assert_eq!(at("350"), Status::AtRisk);
        assert_eq!(at("200"), Status::OffTrack);
        // Thresholds are configuration.
        let lenient = Thresholds {
            on_track: 0.3,
            at_risk: 0.1,
        };
        let ps = [
            period(
                &ind,
                date!(2024 - 01 - 01),
                date!(2024 - 12 - 31),
                None,
                Some("200"),
            ),
            period(
                &ind,
                date!(2025 - 01 - 01),
                date!(2025 - 12 - 31),
                Some("1000"),
                None,
            ),
        ];
        assert_eq!(
            assess(&ind, &ps, date!(2025 - 03 - 01)).status(lenient),
            Status::OnTrack
        );
    }

    #[test]
    fn descending_indicators_count_a_fall_as_progress() {
        // Dose rate at schools: 0.30 µSv/h at baseline, target 0.10 by the end of 2024.
        let ind = indicator(IndicatorMeasure::Unit, false, Some("0.30"));
        let ps = [period(
            &ind,
            date!(2024 - 01 - 01),
            date!(2024 - 12 - 31),
            Some("0.10"),
            Some("0.12"),
        )];
        let a = assess(&ind, &ps, date!(2025 - 01 - 15));
        assert_eq!(
            a.status(Thresholds::default()),
            Status::AtRisk,
            "0.18 of 0.20 done: 0.9 {a:?}"
        );
        let ps = [period(
            &ind,
            date!(2024 - 01 - 01),
            date!(2024 - 12 - 31),
            Some("0.10"),
            Some("0.10"),
        )];
        assert_eq!(
            assess(&ind, &ps, date!(2025 - 01 - 15)).status(Thresholds::default()),
            Status::OnTrack
        );
        let ps = [period(
            &ind,
            date!(2024 - 01 - 01),
            date!(2024 - 12 - 31),
            Some("0.10"),
            Some("0.35"),
        )];
        assert_eq!(
            assess(&ind, &ps, date!(2025 - 01 - 15)).status(Thresholds::default()),
            Status::OffTrack
        );
    }

    #[test]
    fn never_on_track_without_an_actual() {
        let ind = indicator(IndicatorMeasure::Unit, true, Some("0"));
        let ps = [period(
            &ind,
            date!(2024 - 01 - 01),
            date!(2024 - 12 - 31),
            Some("100"),
            None,
        )];
        // Running, nothing reported yet.
        assert_eq!(
            assess(&ind, &ps, date!(2024 - 06 - 01)).status(Thresholds::default()),
            Status::NotReported
        );
        // Ended without an actual.
        let a = assess(&ind, &ps, date!(2025 - 02 - 01));
        assert_eq!(
            (a.status(Thresholds::default()), a.reason.as_str()),
            (Status::NotReported, "period_ended_unreported")
        );
        // Words have no status.
        let words = indicator(IndicatorMeasure::Qualitative, true, None);
        assert_eq!(
            assess(&words, &[], date!(2025 - 02 - 01)).status(Thresholds::default()),
            Status::NotAssessed
        );
    }

    #[test]
    fn efficiency_divides_what_it_can() {
        let e = efficiency(100_000, 80_000, 60_000, Some(300.0));
        assert_eq!(
            (e.disbursement_rate, e.absorption),
            (Some(80.0), Some(75.0))
        );
        assert_eq!(
            e.cost_per_person,
            Some(200),
            "$600 for 300 people: $2.00 each"
        );
        let none = efficiency(0, 0, 0, None);
        assert_eq!(
            (
                none.disbursement_rate,
                none.absorption,
                none.cost_per_person
            ),
            (None, None, None)
        );
    }

    #[test]
    fn the_programme_takes_its_worst_indicator() {
        use Status::*;
        assert_eq!(programme_status([OnTrack, AtRisk, NotAssessed]), AtRisk);
        assert_eq!(
            programme_status([OnTrack, NotReported, AtRisk]),
            NotReported
        );
        assert_eq!(programme_status([OffTrack, NotReported]), OffTrack);
        assert_eq!(programme_status([NotAssessed]), NotAssessed);
        assert_eq!(programme_status([]), NotAssessed);
    }

    #[test]
    fn values_follow_the_measure() {
        let levels = vec!["low".to_owned(), "medium".to_owned(), "high".to_owned()];
        assert_eq!(
            value_of(IndicatorMeasure::Unit, &[], "12 500").unwrap(),
            Value::Number(Decimal::from(12_500))
        );
        assert_eq!(
            value_of(IndicatorMeasure::Unit, &[], "many")
                .unwrap_err()
                .errors[0]
                .code,
            "not_a_number"
        );
        assert_eq!(
            value_of(IndicatorMeasure::Percentage, &[], "101")
                .unwrap_err()
                .errors[0]
                .code,
            "percentage_out_of_range"
        );
        assert_eq!(
            value_of(IndicatorMeasure::Ordinal, &levels, "High").unwrap(),
            Value::Number(Decimal::from(2))
        );
        assert_eq!(
            value_of(IndicatorMeasure::Ordinal, &levels, "huge")
                .unwrap_err()
                .errors[0]
                .code,
            "unknown_level"
        );
    }

    #[test]
    fn a_period_names_every_problem() {
        let ind = indicator(IndicatorMeasure::Unit, true, Some("0"));
        let no_place = |_: &PlaceId| false;
        let groups = vec!["children".to_owned()];
        let others = [(date!(2024 - 01 - 01), date!(2024 - 12 - 31))];
        let cx = PeriodContext {
            indicator: &ind,
            programme_start: Some(date!(2023 - 01 - 01)),
            programme_end: Some(date!(2025 - 06 - 30)),
            target_groups: &groups,
            others: &others,
            place_exists: &no_place,
        };
        let mut p = period(
            &ind,
            date!(2024 - 07 - 01),
            date!(2025 - 12 - 31),
            Some("100"),
            Some("100"),
        );
        p.actual.as_mut().unwrap().splits = vec![
            Split {
                dimension: "sex".into(),
                key: "female".into(),
                value: "40".into(),
            },
            Split {
                dimension: "sex".into(),
                key: "male".into(),
                value: "50".into(),
            },
            Split {
                dimension: "age_group".into(),
                key: "elderly".into(),
                value: "5".into(),
            },
            Split {
                dimension: "target_group".into(),
                key: "children".into(),
                value: "30".into(),
            },
            Split {
                dimension: "place".into(),
                key: PlaceId::new().to_string(),
                value: "30".into(),
            },
        ];
        let e = p.check(&cx).unwrap_err();
        let got: Vec<(&str, &str)> = e
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        for want in [
            ("start", "overlapping_period"),
            ("start", "outside_programme"),
            ("actual.splits", "split_does_not_add_up"),
            ("actual.splits[2].key", "not_on_list"),
            ("actual.splits[4].key", "not_on_list"),
        ] {
            assert!(got.contains(&want), "{want:?} in {got:?}");
        }
        let msg = &e
            .errors
            .iter()
            .find(|e| e.code == "split_does_not_add_up")
            .unwrap()
            .message;
        assert!(
            msg.contains("2024-07-01 – 2025-12-31")
                && msg.contains("sex")
                && msg.contains("90")
                && msg.contains("100"),
            "{msg}"
        );
        // Text for a count, named on its field.
        let mut p = period(
            &ind,
            date!(2023 - 01 - 01),
            date!(2023 - 12 - 31),
            Some("a lot"),
            None,
        );
        p.target.as_mut().unwrap().splits.clear();
        let e = p.check(&cx).unwrap_err();
        assert_eq!(
            (e.errors[0].field.as_str(), e.errors[0].code.as_str()),
            ("target.value", "not_a_number")
        );
    }

    #[test]
    fn a_result_checks_its_indicators() {
        let input = ResultInput {
            programme_id: ProgrammeId::new(),
            result_type: "outcome".into(),
            title: LocalText::new().with(Lang::En, "Early detection"),
            description: LocalText::new(),
            indicators: vec![
                Indicator {
                    baseline: None,
                    ..indicator(IndicatorMeasure::Ordinal, true, None)
                },
                Indicator {
                    shared: Some("sdg:3.9".into()),
                    people_reached: true,
                    ..indicator(IndicatorMeasure::Percentage, true, Some("150"))
                },
            ],
        };
        let e = input.check(ResultId::new(), IndicatorId::new).unwrap_err();
        let got: Vec<&str> = e.errors.iter().map(|e| e.code.as_str()).collect();
        for want in [
            "levels_required",
            "invalid_shared_indicator",
            "people_reached_not_a_count",
            "percentage_out_of_range",
        ] {
            assert!(got.contains(&want), "{want} in {got:?}");
        }
        assert_eq!(check_shared("SDG:3.9.1").unwrap(), "sdg:3.9.1");
        assert!(check_shared("semey:people-screened").is_ok());
    }
}
