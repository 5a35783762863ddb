//! Programmes and projects: IATI-aligned activities with areas, sectors, places, target groups,
//! partners and policy markers.

use crate::error::{Checker, FieldError, Invalid};
use crate::ids::{MandateId, OrganisationId, PlaceId, ProgrammeId};
use crate::lang::LocalText;
use crate::terms::FinanceTerms;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use time::Date;
use utoipa::ToSchema;

string_enum!(
    /// Thematic areas of the resolution's framework.
    ThematicArea, "area" {
        RadiationSafety = "radiation_safety",
        Health = "health",
        SocioeconomicDevelopment = "socioeconomic_development",
        EnvironmentalProtection = "environmental_protection",
        PsychosocialSupport = "psychosocial_support",
        PublicAwareness = "public_awareness",
        Governance = "governance",
    }
);

string_enum!(
    /// Vulnerable groups a programme is meant to reach.
    TargetGroup, "target_group" {
        Children = "children",
        Youth = "youth",
        OlderPeople = "older_people",
        PersonsWithDisabilities = "persons_with_disabilities",
        Women = "women",
        LowIncomeHouseholds = "low_income_households",
        ExposedPopulation = "exposed_population",
        DescendantsOfExposed = "descendants_of_exposed",
        RuralResidents = "rural_residents",
        Unemployed = "unemployed",
    }
);

/// IATI ActivityStatus: 1 pipeline/identification, 2 implementation, 3 finalisation,
/// 4 closed, 5 cancelled, 6 suspended.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(try_from = "u8", into = "u8")]
#[schema(value_type = u8, example = 2)]
pub struct ActivityStatus(u8);

impl ActivityStatus {
    pub const PIPELINE: ActivityStatus = ActivityStatus(1);
    pub const IMPLEMENTATION: ActivityStatus = ActivityStatus(2);
    pub const NAMES: [&'static str; 6] = [
        "Pipeline/identification",
        "Implementation",
        "Finalisation",
        "Closed",
        "Cancelled",
        "Suspended",
    ];

    pub fn parse(code: u8) -> Result<Self, Invalid> {
        if (1..=6).contains(&code) {
            Ok(Self(code))
        } else {
            Err(Invalid::one(
                "status",
                "unknown_status",
                format!("{code} is not an IATI ActivityStatus code (1–6)"),
            ))
        }
    }

    pub fn code(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for ActivityStatus {
    type Error = String;
    fn try_from(c: u8) -> Result<Self, Self::Error> {
        Self::parse(c).map_err(|e| e.to_string())
    }
}

impl From<ActivityStatus> for u8 {
    fn from(s: ActivityStatus) -> u8 {
        s.0
    }
}

/// IATI OrganisationRole of a participating organisation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OrgRole {
    Funding,
    Accountable,
    Extending,
    Implementing,
}

impl OrgRole {
    pub const ALL: [OrgRole; 4] = [
        OrgRole::Funding,
        OrgRole::Accountable,
        OrgRole::Extending,
        OrgRole::Implementing,
    ];

    /// The IATI code (1 funding, 2 accountable, 3 extending, 4 implementing).
    pub fn code(self) -> u8 {
        match self {
            OrgRole::Funding => 1,
            OrgRole::Accountable => 2,
            OrgRole::Extending => 3,
            OrgRole::Implementing => 4,
        }
    }

    pub fn from_code(c: u8) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == c)
            .ok_or_else(|| {
                Invalid::one(
                    "role",
                    "unknown_role",
                    format!("{c} is not an IATI OrganisationRole code (1–4)"),
                )
            })
    }
}

/// A sector vocabulary: OECD DAC 5-digit codes, or the platform's own codes for what DAC lacks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SectorVocabulary {
    /// IATI SectorVocabulary 1: OECD DAC CRS purpose codes (5 digit).
    Dac5,
    /// IATI SectorVocabulary 99: reporting organisation's own vocabulary (Semey's codes).
    Custom,
}

impl SectorVocabulary {
    pub fn iati_code(self) -> &'static str {
        match self {
            SectorVocabulary::Dac5 => "1",
            SectorVocabulary::Custom => "99",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SectorVocabulary::Dac5 => "dac5",
            SectorVocabulary::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        match s.trim() {
            "dac5" | "1" => Ok(SectorVocabulary::Dac5),
            "custom" | "99" => Ok(SectorVocabulary::Custom),
            other => Err(Invalid::one(
                "vocabulary",
                "unknown_vocabulary",
                format!("{other:?} is not dac5 (1) or custom (99)"),
            )),
        }
    }
}

/// Semey's own sector codes (vocabulary 99) for work the DAC list has no code for.
pub const CUSTOM_SECTORS: [(&str, &str); 3] = [
    (
        "SEMEY-RADREM",
        "Radiological remediation of contaminated land and sites",
    ),
    (
        "SEMEY-RADMON",
        "Radiation monitoring and dosimetry of the population",
    ),
    (
        "SEMEY-RADINFO",
        "Information on radiation risks to the population",
    ),
];

/// A percentage with at most two decimals, held as hundredths of a percent (0..=10000).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(try_from = "Decimal", into = "Decimal")]
#[schema(value_type = f64, example = 60)]
pub struct Percentage(u16);

impl Percentage {
    pub const HUNDRED: Percentage = Percentage(10_000);

    pub fn parse(d: Decimal) -> Result<Self, Invalid> {
        let hundredths = d * Decimal::from(100);
        if d < Decimal::ZERO || d > Decimal::from(100) || hundredths.fract() != Decimal::ZERO {
            return Err(Invalid::one(
                "percentage",
                "invalid_percentage",
                format!("{d} is not a percentage between 0 and 100 with at most two decimals"),
            ));
        }
        Ok(Self(
            u16::try_from(hundredths.trunc().mantissa()).expect("0..=10000"),
        ))
    }

    pub fn from_hundredths(h: u16) -> Self {
        Self(h.min(10_000))
    }

    pub fn hundredths(self) -> u16 {
        self.0
    }
}

impl TryFrom<Decimal> for Percentage {
    type Error = String;
    fn try_from(d: Decimal) -> Result<Self, Self::Error> {
        Self::parse(d).map_err(|e| e.to_string())
    }
}

impl From<Percentage> for Decimal {
    fn from(p: Percentage) -> Decimal {
        Decimal::new(i64::from(p.0), 2).normalize()
    }
}

/// A sector with the share of the programme it accounts for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SectorShare {
    pub vocabulary: SectorVocabulary,
    pub code: String,
    pub percentage: Percentage,
}

/// A Sustainable Development Goal target such as `3.9` or `16.10` or `3.d`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "3.9")]
pub struct SdgTarget(String);

impl SdgTarget {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let t = s.trim().to_ascii_lowercase();
        let bad = || {
            Invalid::one(
                "sdg_targets",
                "invalid_sdg_target",
                format!("{s:?} is not an SDG target (goal.target, e.g. 3.9 or 17.a)"),
            )
        };
        let (goal, target) = t.split_once('.').ok_or_else(bad)?;
        let goal: u8 = goal.parse().map_err(|_| bad())?;
        let target_ok = (target
            .parse::<u8>()
            .map(|n| (1..=20).contains(&n))
            .unwrap_or(false))
            || (target.len() == 1
                && target.as_bytes()[0].is_ascii_lowercase()
                && target.as_bytes()[0] <= b'j');
        if !(1..=17).contains(&goal) || !target_ok {
            return Err(bad());
        }
        Ok(Self(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SdgTarget {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).map_err(|e| e.to_string())
    }
}

impl From<SdgTarget> for String {
    fn from(s: SdgTarget) -> String {
        s.0
    }
}

/// A place where a programme works, with the share of the programme spent there when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProgrammePlace {
    pub place_id: PlaceId,
    pub percentage: Option<Percentage>,
}

/// An organisation taking part in a programme, in an IATI role.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct Participant {
    pub organisation_id: OrganisationId,
    pub role: OrgRole,
}

/// An IATI policy marker (code 1–12) with its significance (0 not targeted … 4 explicit primary objective).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PolicyMarker {
    pub code: u8,
    pub significance: u8,
}

/// Planned and actual dates of a programme.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProgrammeDates {
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::iso_date::option")]
    pub planned_start: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::iso_date::option")]
    pub planned_end: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::iso_date::option")]
    pub actual_start: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::iso_date::option")]
    pub actual_end: Option<Date>,
}

/// A programme or project as stored and served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Programme {
    pub id: ProgrammeId,
    /// IATI activity identifier: the reporting organisation's identifier, a hyphen and its own code.
    pub iati_identifier: String,
    pub title: LocalText,
    pub description: LocalText,
    pub status: ActivityStatus,
    pub dates: ProgrammeDates,
    pub areas: Vec<ThematicArea>,
    pub sectors: Vec<SectorShare>,
    pub sdg_targets: Vec<SdgTarget>,
    pub places: Vec<ProgrammePlace>,
    pub target_groups: Vec<TargetGroup>,
    pub participants: Vec<Participant>,
    pub policy_markers: Vec<PolicyMarker>,
    /// Aid, finance and flow type and tied status of its money, unless a transaction says
    /// otherwise.
    #[serde(default)]
    pub terms: FinanceTerms,
    /// The programme this project belongs to.
    pub parent_id: Option<ProgrammeId>,
    /// The organisation that reports (owns) this record.
    pub reporting_org_id: Option<OrganisationId>,
    /// The mandates (operative paragraphs of the General Assembly's resolutions) it serves.
    #[serde(default)]
    pub mandate_ids: Vec<MandateId>,
}

/// Input for creating or updating a programme. Enumerations arrive as strings and numbers and
/// are parsed here, so that every problem is reported with its field.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProgrammeInput {
    pub iati_identifier: String,
    pub title: LocalText,
    pub description: LocalText,
    pub status: u8,
    pub dates: ProgrammeDates,
    pub areas: Vec<String>,
    pub sectors: Vec<SectorInput>,
    pub sdg_targets: Vec<String>,
    pub places: Vec<ProgrammePlace>,
    pub target_groups: Vec<String>,
    pub participants: Vec<Participant>,
    pub policy_markers: Vec<PolicyMarker>,
    /// Default aid, finance and flow type and tied status of the programme's money.
    pub terms: FinanceTerms,
    pub parent_id: Option<ProgrammeId>,
    pub reporting_org_id: Option<OrganisationId>,
    /// The mandates it serves (ids of operative paragraphs).
    pub mandate_ids: Vec<MandateId>,
}

/// A sector as entered: the percentage as a decimal number.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SectorInput {
    pub vocabulary: String,
    pub code: String,
    #[schema(value_type = f64)]
    pub percentage: Decimal,
}

/// Checks that an IATI activity identifier is usable: no spaces or slashes, starts with the
/// organisation prefix and a hyphen.
pub fn check_activity_identifier(s: &str) -> Result<(), Invalid> {
    let ok = !s.is_empty()
        && s.len() <= 150
        && s.contains('-')
        && !s.starts_with('-')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if ok {
        Ok(())
    } else {
        Err(Invalid::one("iati_identifier", "invalid_activity_identifier", format!("{s:?} is not an IATI activity identifier (ORG-ID-CODE, letters, digits, '-', '_', '.', ':')")))
    }
}

fn check_sector(s: &SectorInput) -> Result<SectorShare, Invalid> {
    let mut c = Checker::new();
    let vocabulary = c.take("", SectorVocabulary::parse(&s.vocabulary));
    let code = s.code.trim().to_owned();
    match vocabulary {
        Some(SectorVocabulary::Dac5)
            if !(code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit())) =>
        {
            c.push(FieldError::new(
                "code",
                "invalid_dac5_code",
                format!("{code:?} is not a 5-digit DAC sector code"),
            ));
        }
        Some(SectorVocabulary::Custom) if !CUSTOM_SECTORS.iter().any(|(k, _)| *k == code) => {
            c.push(FieldError::new(
                "code",
                "unknown_custom_sector",
                format!(
                    "{code:?} is not one of Semey's own sector codes ({})",
                    CUSTOM_SECTORS.map(|(k, _)| k).join(", ")
                ),
            ));
        }
        _ => {}
    }
    let percentage = c.take("", Percentage::parse(s.percentage));
    c.finish(|| SectorShare {
        vocabulary: vocabulary.expect("checked"),
        code,
        percentage: percentage.expect("checked"),
    })
}

fn check_dates(d: &ProgrammeDates) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (start, end, field) in [
        (d.planned_start, d.planned_end, "dates.planned_end"),
        (d.actual_start, d.actual_end, "dates.actual_end"),
    ] {
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                errs.push(FieldError::new(
                    field,
                    "end_before_start",
                    format!("the end {e} is before the start {s}"),
                ));
            }
        }
    }
    errs
}

fn parse_list<T: Copy + Eq + std::hash::Hash>(
    c: &mut Checker,
    field: &str,
    items: &[String],
    parse: impl Fn(&str) -> Result<T, Invalid>,
) -> Vec<T> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, s) in items.iter().enumerate() {
        if let Some(v) = c.take(
            &format!("{field}[{i}]"),
            parse(s).map_err(Invalid::without_fields),
        ) {
            if seen.insert(v) {
                out.push(v);
            }
        }
    }
    out
}

impl ProgrammeInput {
    /// Checks every rule and builds the programme under `id`. Rules follow the IATI ruleset
    /// where it has one: sector percentages sum to 100 per vocabulary; end dates not before
    /// start dates; place percentages sum to 100 when given.
    pub fn check(self, id: ProgrammeId) -> Result<Programme, Invalid> {
        let mut c = Checker::new();
        let iati_identifier = self.iati_identifier.trim().to_owned();
        c.take("", check_activity_identifier(&iati_identifier));
        let title = self.title.normalized();
        if title.is_empty() {
            c.push(FieldError::new(
                "title",
                "required",
                "a programme needs a title in at least one language",
            ));
        }
        let status = c.take("", ActivityStatus::parse(self.status));
        for e in check_dates(&self.dates) {
            c.push(e);
        }
        let mut areas = parse_list(&mut c, "areas", &self.areas, ThematicArea::parse);
        areas.sort();
        if areas.is_empty() && self.areas.is_empty() {
            c.push(FieldError::new(
                "areas",
                "required",
                "a programme belongs to at least one thematic area",
            ));
        }
        let target_groups = parse_list(
            &mut c,
            "target_groups",
            &self.target_groups,
            TargetGroup::parse,
        );

        let mut sectors = Vec::new();
        let mut seen_sectors = HashSet::new();
        for (i, s) in self.sectors.iter().enumerate() {
            if let Some(share) = c.take(&format!("sectors[{i}]"), check_sector(s)) {
                if !seen_sectors.insert((share.vocabulary, share.code.clone())) {
                    c.push(FieldError::new(
                        format!("sectors[{i}].code"),
                        "duplicate_sector",
                        format!("sector {} is listed twice", share.code),
                    ));
                }
                sectors.push(share);
            }
        }
        let mut per_vocab: BTreeMap<SectorVocabulary, u32> = BTreeMap::new();
        for s in &sectors {
            *per_vocab.entry(s.vocabulary).or_default() += u32::from(s.percentage.hundredths());
        }
        for (vocab, sum) in per_vocab {
            if sum != 10_000 {
                c.push(FieldError::new(
                    "sectors",
                    "sector_percentages_sum",
                    format!(
                        "the {} sector percentages add up to {}, not 100",
                        vocab.as_str(),
                        Decimal::new(i64::from(sum), 2).normalize()
                    ),
                ));
            }
        }

        let mut sdg_targets = Vec::new();
        for (i, s) in self.sdg_targets.iter().enumerate() {
            if let Some(t) = c.take(
                &format!("sdg_targets[{i}]"),
                SdgTarget::parse(s).map_err(Invalid::without_fields),
            ) {
                if !sdg_targets.contains(&t) {
                    sdg_targets.push(t);
                }
            }
        }

        let given: Vec<_> = self.places.iter().filter_map(|p| p.percentage).collect();
        if !given.is_empty() {
            if given.len() != self.places.len() {
                c.push(FieldError::new(
                    "places",
                    "place_percentages_partial",
                    "give a percentage for every place or for none",
                ));
            } else {
                let sum: u32 = given.iter().map(|p| u32::from(p.hundredths())).sum();
                if sum != 10_000 {
                    c.push(FieldError::new(
                        "places",
                        "place_percentages_sum",
                        format!(
                            "the place percentages add up to {}, not 100",
                            Decimal::new(i64::from(sum), 2).normalize()
                        ),
                    ));
                }
            }
        }
        let mut seen_places = HashSet::new();
        for (i, p) in self.places.iter().enumerate() {
            if !seen_places.insert(p.place_id) {
                c.push(FieldError::new(
                    format!("places[{i}].place_id"),
                    "duplicate_place",
                    "this place is listed twice",
                ));
            }
        }
        let mut seen_parts = HashSet::new();
        for (i, p) in self.participants.iter().enumerate() {
            if !seen_parts.insert(p.clone()) {
                c.push(FieldError::new(
                    format!("participants[{i}]"),
                    "duplicate_participant",
                    "this organisation is listed twice in the same role",
                ));
            }
        }
        for (i, m) in self.policy_markers.iter().enumerate() {
            if !(1..=12).contains(&m.code) {
                c.push(FieldError::new(
                    format!("policy_markers[{i}].code"),
                    "unknown_policy_marker",
                    format!("{} is not an IATI PolicyMarker code (1–12)", m.code),
                ));
            }
            if m.significance > 4 {
                c.push(FieldError::new(
                    format!("policy_markers[{i}].significance"),
                    "invalid_significance",
                    format!("{} is not an IATI PolicySignificance (0–4)", m.significance),
                ));
            }
        }
        let terms = c.take("terms", self.terms.checked());
        if self.parent_id == Some(id) {
            c.push(FieldError::new(
                "parent_id",
                "own_parent",
                "a programme cannot be its own parent",
            ));
        }
        c.finish(|| {
            Programme {
                id,
                iati_identifier,
                title,
                description: self.description.normalized(),
                status: status.expect("checked"),
                dates: self.dates,
                areas,
                sectors,
                sdg_targets,
                places: self.places,
                target_groups,
                participants: self.participants,
                policy_markers: self.policy_markers,
                terms: terms.expect("checked"),
                parent_id: self.parent_id,
                reporting_org_id: self.reporting_org_id,
                mandate_ids: self.mandate_ids,
            }
            .canonical()
        })
    }
}

/// Splits 100 % (10 000 hundredths) evenly over `n` items; the remainder goes to the first ones,
/// so the shares always add up to exactly 100 %.
pub fn even_shares(n: usize) -> Vec<u16> {
    if n == 0 {
        return Vec::new();
    }
    let n16 = u16::try_from(n).unwrap_or(u16::MAX);
    let base = 10_000 / n16;
    let rest = 10_000 - base * n16;
    (0..n16).map(|i| base + u16::from(i < rest)).collect()
}

impl Programme {
    /// The programme with its lists in one canonical order, so that a programme read back from
    /// storage equals the programme written.
    pub fn canonical(mut self) -> Self {
        self.areas.sort();
        self.sectors
            .sort_by(|a, b| (a.vocabulary, &a.code).cmp(&(b.vocabulary, &b.code)));
        self.sdg_targets.sort();
        self.target_groups.sort();
        self.places.sort_by_key(|p| p.place_id);
        self.participants
            .sort_by_key(|p| (p.role, p.organisation_id));
        self.policy_markers.sort_by_key(|m| m.code);
        self.mandate_ids.sort();
        self.mandate_ids.dedup();
        self
    }

    /// Each thematic area's share of the programme (even split), in hundredths of a percent.
    pub fn area_shares(&self) -> Vec<(ThematicArea, u16)> {
        self.areas
            .iter()
            .copied()
            .zip(even_shares(self.areas.len()))
            .collect()
    }

    /// Each place's share of the programme: the given percentages, or an even split.
    pub fn place_shares(&self) -> Vec<(PlaceId, u16)> {
        let even = even_shares(self.places.len());
        self.places
            .iter()
            .zip(even)
            .map(|(p, e)| {
                (
                    p.place_id,
                    p.percentage.map(Percentage::hundredths).unwrap_or(e),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    fn valid() -> ProgrammeInput {
        ProgrammeInput {
            iati_identifier: "KZ-BIN-000000000001-P1".into(),
            title: LocalText::new().with(Lang::En, "Clinic"),
            status: 2,
            areas: vec!["health".into()],
            sectors: vec![SectorInput {
                vocabulary: "dac5".into(),
                code: "12220".into(),
                percentage: Decimal::from(100),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn sector_percentages_must_sum_to_100_per_vocabulary() {
        let mut p = valid();
        p.sectors = vec![
            SectorInput {
                vocabulary: "dac5".into(),
                code: "12220".into(),
                percentage: Decimal::from(60),
            },
            SectorInput {
                vocabulary: "dac5".into(),
                code: "12230".into(),
                percentage: Decimal::from(30),
            },
        ];
        let e = p.check(ProgrammeId::new()).unwrap_err();
        assert_eq!(e.errors.len(), 1);
        assert_eq!(e.errors[0].field, "sectors");
        assert_eq!(e.errors[0].code, "sector_percentages_sum");
        assert!(
            e.errors[0].message.contains("90"),
            "{}",
            e.errors[0].message
        );
    }

    #[test]
    fn a_custom_vocabulary_sums_separately() {
        let mut p = valid();
        p.sectors.push(SectorInput {
            vocabulary: "custom".into(),
            code: "SEMEY-RADREM".into(),
            percentage: Decimal::from(100),
        });
        assert!(p.check(ProgrammeId::new()).is_ok());
    }

    #[test]
    fn end_before_start_names_the_end_field() {
        let mut p = valid();
        p.dates.planned_start = Some(time::macros::date!(2024 - 06 - 01));
        p.dates.planned_end = Some(time::macros::date!(2024 - 01 - 01));
        let e = p.check(ProgrammeId::new()).unwrap_err();
        assert_eq!(e.errors[0].field, "dates.planned_end");
        assert_eq!(e.errors[0].code, "end_before_start");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let p = ProgrammeInput {
            status: 9,
            areas: vec!["magic".into()],
            sdg_targets: vec!["18.1".into()],
            ..Default::default()
        };
        let e = p.check(ProgrammeId::new()).unwrap_err();
        let fields: Vec<_> = e.errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "iati_identifier",
            "title",
            "status",
            "areas[0]",
            "sdg_targets[0]",
        ] {
            assert!(fields.contains(&f), "{f} missing in {fields:?}");
        }
    }

    #[test]
    fn even_shares_always_add_up_to_100_percent() {
        for n in 1..20 {
            assert_eq!(
                even_shares(n).iter().map(|&s| u32::from(s)).sum::<u32>(),
                10_000
            );
        }
    }
}
