//! The progress report on the resolution's implementation (C8): a period, the languages it is
//! published in, and the coordinators' narrative for each section of the structure the General
//! Assembly receives. Its tables and charts are computed from the data for the period by the
//! `reports` feature; publishing freezes a version.

use crate::error::{parse_day, Checker, FieldError};
use crate::ids::{ReportId, ResolutionId};
use crate::{Invalid, Lang, LocalText};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;
use utoipa::ToSchema;

string_enum!(
    /// A section of the report, in the order the General Assembly receives them (the
    /// Secretary-General's reports on the Semipalatinsk region, e.g. A/74/... and A/77/...).
    Section, "section" {
        Summary = "summary",
        Introduction = "introduction",
        GeneralSituation = "general_situation",
        Health = "health",
        SocioPsychological = "socio_psychological",
        Economic = "economic",
        Environment = "environment",
        Advocacy = "advocacy",
        Resources = "resources",
        Coordination = "coordination",
        Conclusions = "conclusions",
    }
);

/// The days a report covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = ReportPeriod)]
pub struct Period {
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::day")]
    pub start: Date,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::day")]
    pub end: Date,
}

fn date(field: &str, s: &str) -> Result<Date, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new(
            field,
            "period_missing",
            "a report needs the first and the last day of its period",
        ));
    }
    parse_day(field, s)
}

impl Period {
    /// A period from its two ends; the end may not come before the start.
    pub fn new(start: Date, end: Date) -> Result<Self, Invalid> {
        if end < start {
            return Err(FieldError::new(
                "period_end",
                "period_end_before_start",
                format!("the period ends ({end}) before it starts ({start})"),
            )
            .with_arg("start", start)
            .with_arg("end", end)
            .into());
        }
        Ok(Self { start, end })
    }

    /// Reads `2021-01-01..2023-12-31`.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let Some((a, b)) = s.split_once("..") else {
            return Err(FieldError::new(
                "period",
                "period_invalid",
                format!("{s:?} is not a period: write the first and the last day as 2021-01-01..2023-12-31"),
            )
            .with_arg("value", s)
            .into());
        };
        let mut c = Checker::new();
        let start = date("period_start", a).map_err(|e| c.push(e)).ok();
        let end = date("period_end", b).map_err(|e| c.push(e)).ok();
        c.finish(|| ())?;
        Self::new(start.expect("checked"), end.expect("checked"))
    }

    /// The calendar years the period touches, first to last.
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        self.start.year()..=self.end.year()
    }

    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A progress report: what the coordinators write; the figures come from the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Report {
    pub id: ReportId,
    pub title: LocalText,
    pub period: Period,
    /// The resolution whose implementation it reports on (its introduction names it and its
    /// predecessors; its coverage is the mandates' table).
    pub resolution_id: Option<ResolutionId>,
    /// The languages it is published in: every section needs its narrative in each.
    pub languages: Vec<Lang>,
    /// The narrative of each section, in the languages written so far.
    pub narratives: BTreeMap<Section, LocalText>,
}

impl Report {
    /// The sections still without a narrative in one of the publishing languages, in the
    /// report's order, with the languages they lack: publishing is refused while any remain.
    pub fn missing(&self) -> Vec<(Section, Vec<Lang>)> {
        Section::ALL
            .iter()
            .filter_map(|s| {
                let text = self.narratives.get(s);
                let lacking: Vec<Lang> = self
                    .languages
                    .iter()
                    .copied()
                    .filter(|l| text.and_then(|t| t.get(*l)).is_none())
                    .collect();
                (!lacking.is_empty()).then_some((*s, lacking))
            })
            .collect()
    }

    /// Refuses publishing while a section is empty, naming each (`sections.health`: ru, en).
    pub fn ready(&self) -> Result<(), Invalid> {
        let mut c = Checker::new();
        for (s, langs) in self.missing() {
            let codes: Vec<&str> = langs.iter().map(|l| l.code()).collect();
            c.push(
                FieldError::new(
                    format!("narratives.{}", s.as_str()),
                    "section_empty",
                    format!(
                        "the section {} has no text in {}",
                        s.as_str(),
                        codes.join(", ")
                    ),
                )
                .with_arg("section", s.as_str())
                .with_arg("languages", codes.join(", ")),
            );
        }
        c.finish(|| ())
    }
}

/// A report as people send it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ReportInput {
    #[serde(default)]
    pub title: LocalText,
    /// The first day, `YYYY-MM-DD`.
    #[serde(default)]
    pub period_start: String,
    /// The last day, `YYYY-MM-DD`.
    #[serde(default)]
    pub period_end: String,
    #[serde(default)]
    pub resolution_id: Option<ResolutionId>,
    /// Language codes: `kk`, `ru`, `en`, `zh`.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Narratives by section code (`summary`, `health` …).
    #[serde(default)]
    pub narratives: BTreeMap<String, LocalText>,
}

impl ReportInput {
    pub fn check(self, id: ReportId) -> Result<Report, Invalid> {
        let mut c = Checker::new();
        let title = self.title.normalized();
        if title.is_empty() {
            c.push(FieldError::new(
                "title",
                "title_missing",
                "a report needs a title in at least one language",
            ));
        }
        let start = date("period_start", &self.period_start)
            .map_err(|e| c.push(e))
            .ok();
        let end = date("period_end", &self.period_end)
            .map_err(|e| c.push(e))
            .ok();
        let period = match (start, end) {
            (Some(s), Some(e)) => c.take("", Period::new(s, e)),
            _ => None,
        };
        let mut languages = Vec::new();
        for (i, l) in self.languages.iter().enumerate() {
            match l.trim().parse::<Lang>() {
                Ok(l) if !languages.contains(&l) => languages.push(l),
                Ok(_) => {}
                Err(e) => c.push(
                    FieldError::new(format!("languages[{i}]"), "unknown_language", e)
                        .with_arg("value", l),
                ),
            }
        }
        if self.languages.is_empty() {
            c.push(FieldError::new(
                "languages",
                "languages_missing",
                "a report needs at least one language to be published in",
            ));
        }
        let mut narratives = BTreeMap::new();
        for (key, text) in self.narratives {
            match Section::parse(&key) {
                Ok(s) => {
                    let text = text.normalized();
                    if !text.is_empty() {
                        narratives.insert(s, text);
                    }
                }
                Err(e) => {
                    for f in e.without_fields().errors {
                        c.push(f.under(&format!("narratives.{key}")));
                    }
                }
            }
        }
        c.finish(|| Report {
            id,
            title,
            period: period.expect("checked"),
            resolution_id: self.resolution_id,
            languages,
            narratives,
        })
    }
}

impl From<&Report> for ReportInput {
    fn from(r: &Report) -> Self {
        Self {
            title: r.title.clone(),
            period_start: r.period.start.to_string(),
            period_end: r.period.end.to_string(),
            resolution_id: r.resolution_id,
            languages: r.languages.iter().map(|l| l.code().to_owned()).collect(),
            narratives: r
                .narratives
                .iter()
                .map(|(s, t)| (s.as_str().to_owned(), t.clone()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn codes(e: &Invalid) -> Vec<(String, String)> {
        e.errors
            .iter()
            .map(|f| (f.field.clone(), f.code.clone()))
            .collect()
    }

    #[test]
    fn a_period_is_read_from_its_two_days() {
        let p = Period::parse("2021-01-01..2023-12-31").unwrap();
        assert_eq!(p.start, date!(2021 - 01 - 01));
        assert_eq!(p.end, date!(2023 - 12 - 31));
        assert_eq!(p.years(), 2021..=2023);
        assert!(p.contains(date!(2022 - 06 - 30)));
        assert!(!p.contains(date!(2024 - 01 - 01)));
        assert_eq!(p.to_string(), "2021-01-01..2023-12-31");
    }

    #[test]
    fn a_period_ending_before_it_starts_is_refused() {
        let e = Period::parse("2023-12-31..2021-01-01").unwrap_err();
        assert_eq!(
            codes(&e),
            [("period_end".into(), "period_end_before_start".into())]
        );
        let e = Period::parse("2021-13-01..2023").unwrap_err();
        assert_eq!(
            codes(&e),
            [
                ("period_start".into(), "invalid_date".into()),
                ("period_end".into(), "invalid_date".into())
            ]
        );
        let e = Period::parse("2021").unwrap_err();
        assert_eq!(codes(&e), [("period".into(), "period_invalid".into())]);
    }

    fn input() -> ReportInput {
        ReportInput {
            title: LocalText::new().with(Lang::En, "Progress report"),
            period_start: "2021-01-01".into(),
            period_end: "2023-12-31".into(),
            resolution_id: None,
            languages: vec!["en".into(), "ru".into(), "en".into()],
            narratives: BTreeMap::from([(
                "health".into(),
                LocalText::new().with(Lang::En, "Screening reached …"),
            )]),
        }
    }

    #[test]
    fn a_report_names_every_field_it_refuses() {
        let r = input().check(ReportId::new()).unwrap();
        assert_eq!(r.languages, [Lang::En, Lang::Ru]);
        let mut bad = input();
        bad.title = LocalText::new();
        bad.period_end = "2020-12-31".into();
        bad.languages = vec!["fr".into()];
        bad.narratives
            .insert("weather".into(), LocalText::new().with(Lang::En, "x"));
        let e = bad.check(ReportId::new()).unwrap_err();
        assert_eq!(
            codes(&e),
            [
                ("title".into(), "title_missing".into()),
                ("period_end".into(), "period_end_before_start".into()),
                ("languages[0]".into(), "unknown_language".into()),
                ("narratives.weather".into(), "unknown_section".into()),
            ]
        );
    }

    #[test]
    fn publishing_needs_every_section_in_every_language() {
        let mut r = input().check(ReportId::new()).unwrap();
        let missing = r.missing();
        assert_eq!(missing.len(), 11);
        let health = missing.iter().find(|(s, _)| *s == Section::Health).unwrap();
        assert_eq!(health.1, [Lang::Ru]);
        let e = r.ready().unwrap_err();
        assert!(e
            .errors
            .iter()
            .any(|f| f.field == "narratives.health" && f.code == "section_empty"));
        for s in Section::ALL {
            r.narratives.insert(
                *s,
                LocalText::new()
                    .with(Lang::En, "text")
                    .with(Lang::Ru, "текст"),
            );
        }
        assert!(r.missing().is_empty());
        r.ready().unwrap();
    }
}
