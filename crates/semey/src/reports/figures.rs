//! The report's figures: what the data says for the period ([`Data`], read once, in no
//! language), and the document made of it in one language ([`document`]). Every block names
//! the page or API query that lists the records it counts.
//!
//! Money is counted by the calendar years the period touches (the funding cube keeps years);
//! programmes by their dates (running at some point of the period); readings by the years they
//! were taken; indicators' statuses and settlements' bands as assessed on the day the figures
//! are computed (for a period that has ended: with the readings up to its last day).

use super::{Block, Content, Document, Fact, SectionDoc, Unit};
use crate::mandates::coverage::{coverage, Coverage};
use crate::presentation::chart::{Chart, Series};
use crate::presentation::format;
use crate::presentation::i18n::t;
use crate::AppError;
use semey_domain::coordination::{ActionStatus, Meeting};
use semey_domain::funding::Sums;
use semey_domain::ids::{BodyId, OrganisationId};
use semey_domain::mandate::Resolution;
use semey_domain::place::PlaceLevel;
use semey_domain::programme::ThematicArea;
use semey_domain::report::{Period, Report, Section};
use semey_domain::service::ServiceCategory;
use semey_domain::{Lang, LocalText};
use semey_store::{
    ActionFilter, Audience, Dimension, FundingFilter, MeetingFilter, Page, ProgrammeFilter,
    ServiceFilter, Store,
};
use std::collections::BTreeMap;
use time::Date;

/// One measure of a sum (required, committed …).
type Measure = fn(&Sums) -> i64;

/// Donors shown by name; the rest are summed as "others".
const DONORS: usize = 10;

/// What the data says for a report's period, in no language.
#[derive(Debug, Clone)]
pub struct Data {
    pub period: Period,
    /// Programmes running in the period, all and by thematic area.
    pub programmes: i64,
    pub programmes_by_area: Vec<(ThematicArea, i64)>,
    /// USD minor units, by year of the period.
    pub money_by_year: Vec<(i32, Sums)>,
    /// USD minor units over the period's years, by area code.
    pub money_by_area: BTreeMap<String, Sums>,
    /// USD minor units over the period's years, by origin code (`domestic`, `external`, …).
    pub money_by_origin: Vec<(String, Sums)>,
    /// The largest providers by committed money, with the rest as `None`.
    pub donors: Vec<(Option<LocalText>, Sums)>,
    /// Indicators by area code and status code.
    pub statuses: BTreeMap<String, BTreeMap<String, i64>>,
    /// Readings near settlements by year of the period.
    pub readings_by_year: Vec<(i32, u64)>,
    /// Settlements by band code (`not_measured` for those without recent readings).
    pub bands: BTreeMap<String, i64>,
    pub settlements: i64,
    pub services_by_category: Vec<(ServiceCategory, i64)>,
    /// Published meetings of the period, with their body's name.
    pub meetings: Vec<(Meeting, LocalText)>,
    pub decisions: i64,
    pub actions_by_status: BTreeMap<ActionStatus, i64>,
    pub overdue: i64,
    pub resolution: Option<Resolution>,
    /// The resolutions it follows, newest first.
    pub predecessors: Vec<Resolution>,
    pub coverage: Option<Coverage>,
}

fn usd(minor: i64) -> f64 {
    minor as f64 / 100.0
}

impl Data {
    /// Reads the figures of `report`'s period; `today` bounds the radiation assessment.
    pub async fn load(
        store: &Store,
        config: &crate::config::Config,
        report: &Report,
        today: Date,
    ) -> Result<Self, AppError> {
        let period = report.period;
        let running = |area: Option<ThematicArea>| ProgrammeFilter {
            area,
            period: Some((period.start, period.end)),
            ..Default::default()
        };
        let one = Page::new(Some(1), None);
        let programmes = store.list_programmes(&running(None), one).await?.1;
        let mut programmes_by_area = Vec::new();
        for a in ThematicArea::ALL {
            let n = store.list_programmes(&running(Some(*a)), one).await?.1;
            programmes_by_area.push((*a, n));
        }

        let in_period = |y: &Option<String>| {
            y.as_deref()
                .and_then(|y| y.parse::<i32>().ok())
                .filter(|y| period.years().contains(y))
        };
        let all = FundingFilter::default();
        let mut money_by_year: BTreeMap<i32, Sums> =
            period.years().map(|y| (y, Sums::default())).collect();
        let mut money_by_area: BTreeMap<String, Sums> = BTreeMap::new();
        for row in store
            .funding_summary(&[Dimension::Year, Dimension::Area], &all)
            .await?
        {
            let Some(y) = in_period(&row.key["year"]) else {
                continue;
            };
            *money_by_year.entry(y).or_default() += row.usd;
            let area = row.key["area"].clone().unwrap_or_default();
            *money_by_area.entry(area).or_default() += row.usd;
        }
        let mut origins: BTreeMap<String, Sums> = BTreeMap::new();
        for row in store
            .funding_summary(&[Dimension::Year, Dimension::Origin], &all)
            .await?
        {
            if in_period(&row.key["year"]).is_some() {
                let o = row.key["origin"]
                    .clone()
                    .unwrap_or_else(|| "unspecified".into());
                *origins.entry(o).or_default() += row.usd;
            }
        }
        let mut by_donor: BTreeMap<Option<String>, Sums> = BTreeMap::new();
        for row in store
            .funding_summary(&[Dimension::Year, Dimension::Organisation], &all)
            .await?
        {
            if in_period(&row.key["year"]).is_some() {
                *by_donor.entry(row.key["organisation"].clone()).or_default() += row.usd;
            }
        }
        let mut ranked: Vec<(Option<String>, Sums)> = by_donor
            .into_iter()
            .filter(|(_, s)| s.committed != 0 || s.disbursed != 0)
            .collect();
        ranked.sort_by(|a, b| b.1.committed.cmp(&a.1.committed).then(a.0.cmp(&b.0)));
        let mut donors = Vec::new();
        let mut others = Sums::default();
        for (i, (org, sums)) in ranked.into_iter().enumerate() {
            let named = match org.as_deref().map(str::parse::<OrganisationId>) {
                Some(Ok(id)) if i < DONORS => store.organisation(id).await.ok().map(|o| o.name),
                _ => None,
            };
            match named {
                Some(name) => donors.push((Some(name), sums)),
                None => others += sums,
            }
        }
        if others != Sums::default() {
            donors.push((None, others));
        }

        let mut statuses: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for c in store.status_counts(true).await? {
            *statuses
                .entry(c.group)
                .or_default()
                .entry(c.status.as_str().to_owned())
                .or_default() += c.indicators;
        }

        // Settlements as assessed with the readings up to the period's end (or today).
        let until = period.end.min(today);
        let at = until.with_hms(23, 59, 59).expect("valid time").assume_utc();
        let mut readings: BTreeMap<i32, u64> = period.years().map(|y| (y, 0)).collect();
        let mut bands: BTreeMap<String, i64> = BTreeMap::new();
        let settlements = store.places_at_level(PlaceLevel::Settlement, false).await?;
        for s in &settlements {
            let risk =
                crate::radiation::place_risk(store, &config.radiation, s.place.id, at).await?;
            for (y, stats) in &risk.by_year {
                if let Some(n) = readings.get_mut(y) {
                    *n += stats.count();
                }
            }
            let band = risk
                .assessment
                .band
                .map_or("not_measured", |b| b.code())
                .to_owned();
            *bands.entry(band).or_default() += 1;
        }

        let mut services_by_category = Vec::new();
        for c in ServiceCategory::ALL {
            let f = ServiceFilter {
                category: Some(c),
                ..Default::default()
            };
            services_by_category.push((c, store.list_services(&f, one).await?.1));
        }

        let bodies: BTreeMap<BodyId, LocalText> = store
            .bodies()
            .await?
            .into_iter()
            .map(|b| (b.id, b.name))
            .collect();
        let after_end = period.end.next_day().unwrap_or(period.end);
        let filter = MeetingFilter {
            from: Some(format!("{}T00:00", period.start)),
            before: Some(format!("{after_end}T00:00")),
            ..Default::default()
        };
        let (meetings, _) = store
            .meetings(
                &filter,
                Audience::Public,
                Page::new(Some(Page::MAX_LIMIT), None),
            )
            .await?;
        let mut decisions = 0;
        let mut actions_by_status = BTreeMap::new();
        let mut overdue = 0;
        for m in &meetings {
            decisions += store
                .decisions(Some(m.id), None, None, Audience::Public, one)
                .await?
                .1;
            let f = ActionFilter {
                meeting: Some(m.id),
                ..Default::default()
            };
            let (actions, _) = store
                .action_items(&f, Audience::Public, Page::new(Some(Page::MAX_LIMIT), None))
                .await?;
            for a in actions {
                *actions_by_status.entry(a.status).or_default() += 1;
                overdue += i64::from(a.overdue(today));
            }
        }
        let meetings = meetings
            .into_iter()
            .map(|m| {
                let body = bodies.get(&m.body_id).cloned().unwrap_or_default();
                (m, body)
            })
            .collect();

        let resolution = match report.resolution_id {
            Some(id) => Some(store.resolution(id).await?),
            None => None,
        };
        let mut predecessors = Vec::new();
        let mut previous = resolution.as_ref().and_then(|r| r.previous_id);
        while let Some(id) = previous.filter(|_| predecessors.len() < 20) {
            let r = store.resolution(id).await?;
            previous = r.previous_id;
            predecessors.push(r);
        }
        let coverage = match &resolution {
            Some(r) => Some(coverage(store, r).await?),
            None => None,
        };
        Ok(Self {
            period,
            programmes,
            programmes_by_area,
            money_by_year: money_by_year.into_iter().collect(),
            money_by_area,
            money_by_origin: origins.into_iter().collect(),
            donors,
            statuses,
            readings_by_year: readings.into_iter().collect(),
            bands,
            settlements: settlements.len() as i64,
            services_by_category,
            meetings,
            decisions,
            actions_by_status,
            overdue,
            resolution,
            predecessors,
            coverage,
        })
    }

    fn total(&self) -> Sums {
        let mut s = Sums::default();
        for (_, y) in &self.money_by_year {
            s += *y;
        }
        s
    }
}

/// The thematic areas a section reports on.
fn areas_of(section: Section) -> &'static [ThematicArea] {
    match section {
        Section::Health => &[ThematicArea::Health],
        Section::SocioPsychological => &[ThematicArea::PsychosocialSupport],
        Section::Economic => &[ThematicArea::SocioeconomicDevelopment],
        Section::Environment => &[
            ThematicArea::EnvironmentalProtection,
            ThematicArea::RadiationSafety,
        ],
        Section::Advocacy => &[ThematicArea::PublicAwareness],
        Section::Coordination => &[ThematicArea::Governance],
        Section::Summary
        | Section::Introduction
        | Section::GeneralSituation
        | Section::Resources
        | Section::Conclusions => &[],
    }
}

const STATUSES: [&str; 5] = [
    "on_track",
    "at_risk",
    "off_track",
    "not_reported",
    "not_assessed",
];

/// Builds the document of `report` in `lang` from `data`.
pub fn document(data: &Data, report: &Report, lang: Lang, site: &str, as_of: Date) -> Document {
    let w = Writer {
        data,
        lang,
        period: data.period.to_string(),
    };
    let sections = Section::ALL
        .iter()
        .map(|s| SectionDoc {
            section: *s,
            heading: t(lang, &format!("report-section-{}", s.as_str())),
            narrative: report
                .narratives
                .get(s)
                .and_then(|n| n.get(lang))
                .unwrap_or_default()
                .to_owned(),
            blocks: w.blocks(*s),
        })
        .collect();
    Document {
        report_id: report.id,
        lang,
        title: report.title.best(lang).unwrap_or_default().to_owned(),
        period: data.period,
        version: None,
        published_at: None,
        as_of,
        site: site.to_owned(),
        sections,
    }
}

struct Writer<'a> {
    data: &'a Data,
    lang: Lang,
    /// The period as query parameters take it.
    period: String,
}

impl Writer<'_> {
    fn t(&self, key: &str) -> String {
        t(self.lang, key)
    }

    fn money(&self, minor: i64) -> String {
        format::money(self.lang, minor, "USD")
    }

    fn count(&self, n: i64) -> String {
        format::integer(self.lang, n)
    }

    fn fact(&self, key: &str, value: f64, text: String, source: String) -> Fact {
        Fact {
            key: key.to_owned(),
            label: self.t(&format!("report-fact-{key}")),
            value,
            text,
            source,
        }
    }

    /// A figure of one thematic area: "Programmes — Health".
    fn area_fact(
        &self,
        what: &str,
        area: ThematicArea,
        value: f64,
        text: String,
        source: String,
    ) -> Fact {
        Fact {
            key: format!("{what}.{}", area.as_str()),
            label: format!(
                "{} — {}",
                self.t(&format!("report-fact-{what}")),
                self.t(&format!("area-{}", area.as_str()))
            ),
            value,
            text,
            source,
        }
    }

    fn programmes_source(&self, area: Option<ThematicArea>) -> String {
        match area {
            Some(a) => format!("/programmes?period={}&area={}", self.period, a.as_str()),
            None => format!("/programmes?period={}", self.period),
        }
    }

    fn money_source(&self, by: &str) -> String {
        format!("/api/v1/funding/summary?group_by=year,{by}")
    }

    fn blocks(&self, section: Section) -> Vec<Block> {
        let key = |k: &str| format!("{}.{k}", section.as_str());
        match section {
            Section::Summary => vec![self.summary(key("figures"))],
            Section::Introduction => self.resolutions(key("resolutions")).into_iter().collect(),
            Section::GeneralSituation => vec![self.by_area(key("programmes_by_area"))],
            Section::Resources => vec![
                self.money_by_year(key("money_by_year")),
                self.areas(key("money_by_area")),
                self.origins(key("money_by_origin")),
                self.donors(key("donors")),
            ],
            Section::Conclusions => self.coverage(key("coverage")).into_iter().collect(),
            Section::Health
            | Section::SocioPsychological
            | Section::Economic
            | Section::Environment
            | Section::Advocacy
            | Section::Coordination => {
                let mut out = vec![
                    self.area_facts(key("figures"), areas_of(section)),
                    self.statuses(key("indicators"), areas_of(section)),
                ];
                match section {
                    Section::Environment => {
                        out.push(self.readings(key("readings")));
                        out.push(self.bands(key("settlements")));
                    }
                    Section::Advocacy | Section::Health => {
                        out.push(self.services(key("services")));
                    }
                    Section::Coordination => {
                        out.push(self.mechanism(key("mechanism")));
                        out.push(self.actions(key("actions")));
                        out.push(self.meetings(key("meetings")));
                    }
                    _ => {}
                }
                out
            }
        }
    }

    fn summary(&self, key: String) -> Block {
        let d = self.data;
        let total = d.total();
        let mut facts = vec![
            self.fact(
                "programmes",
                d.programmes as f64,
                self.count(d.programmes),
                self.programmes_source(None),
            ),
            self.fact(
                "committed",
                usd(total.committed),
                self.money(total.committed),
                self.money_source("origin"),
            ),
            self.fact(
                "disbursed",
                usd(total.disbursed),
                self.money(total.disbursed),
                self.money_source("origin"),
            ),
            self.fact(
                "gap",
                usd(total.required - total.committed),
                self.money(total.required - total.committed),
                self.money_source("area"),
            ),
        ];
        let measured = d.settlements - d.bands.get("not_measured").copied().unwrap_or(0);
        facts.push(self.fact(
            "settlements_measured",
            measured as f64,
            format!("{} / {}", self.count(measured), self.count(d.settlements)),
            "/radiation".into(),
        ));
        facts.push(self.fact(
            "meetings",
            d.meetings.len() as f64,
            self.count(d.meetings.len() as i64),
            self.meetings_source(),
        ));
        if let Some(c) = &d.coverage {
            let gaps = c.gaps().len() as i64;
            facts.push(self.fact(
                "mandate_gaps",
                gaps as f64,
                format!(
                    "{} / {}",
                    self.count(gaps),
                    self.count(c.paragraphs.len() as i64)
                ),
                format!("/resolutions/{}", c.resolution_id),
            ));
        }
        Block {
            key,
            caption: self.t("report-key-figures"),
            source: self.programmes_source(None),
            content: Content::Facts { facts },
        }
    }

    fn resolutions(&self, key: String) -> Option<Block> {
        let r = self.data.resolution.as_ref()?;
        let rows = std::iter::once(r)
            .chain(&self.data.predecessors)
            .map(|r| {
                vec![
                    r.symbol.clone(),
                    r.adopted_on
                        .map(|d| format::date(self.lang, d))
                        .unwrap_or_default(),
                    r.title.best(self.lang).unwrap_or_default().to_owned(),
                ]
            })
            .collect();
        Some(Block {
            key,
            caption: self.t("report-resolutions"),
            source: "/resolutions".into(),
            content: Content::Table {
                columns: vec![
                    self.t("report-col-symbol"),
                    self.t("report-col-adopted"),
                    self.t("report-col-title"),
                ],
                rows,
            },
        })
    }

    fn by_area(&self, key: String) -> Block {
        let d = self.data;
        let chart = Chart {
            title: self.t("report-programmes-by-area"),
            description: format!(
                "{}: {}",
                self.t("report-fact-programmes"),
                self.count(d.programmes)
            ),
            categories: d
                .programmes_by_area
                .iter()
                .map(|(a, _)| self.t(&format!("area-{}", a.as_str())))
                .collect(),
            series: vec![Series {
                name: self.t("report-col-programmes"),
                values: d
                    .programmes_by_area
                    .iter()
                    .map(|(_, n)| *n as f64)
                    .collect(),
            }],
        };
        Block {
            key,
            caption: self.t("report-programmes-by-area"),
            source: self.programmes_source(None),
            content: Content::Chart {
                stacked: false,
                unit: Unit::Count,
                chart,
            },
        }
    }

    fn area_facts(&self, key: String, areas: &[ThematicArea]) -> Block {
        let d = self.data;
        let mut facts = Vec::new();
        for a in areas {
            let n = d
                .programmes_by_area
                .iter()
                .find(|(x, _)| x == a)
                .map_or(0, |(_, n)| *n);
            facts.push(self.area_fact(
                "programmes",
                *a,
                n as f64,
                self.count(n),
                self.programmes_source(Some(*a)),
            ));
            let sums = d.money_by_area.get(a.as_str()).copied().unwrap_or_default();
            facts.push(self.area_fact(
                "committed",
                *a,
                usd(sums.committed),
                self.money(sums.committed),
                self.money_source("area"),
            ));
        }
        Block {
            key,
            caption: self.t("report-key-figures"),
            source: self.programmes_source(areas.first().copied()),
            content: Content::Facts { facts },
        }
    }

    fn statuses(&self, key: String, areas: &[ThematicArea]) -> Block {
        let rows = areas
            .iter()
            .map(|a| {
                let counts = self.data.statuses.get(a.as_str());
                let mut row = vec![self.t(&format!("area-{}", a.as_str()))];
                row.extend(
                    STATUSES
                        .iter()
                        .map(|s| self.count(counts.and_then(|c| c.get(*s)).copied().unwrap_or(0))),
                );
                row
            })
            .collect();
        let mut columns = vec![self.t("report-col-area")];
        columns.extend(
            STATUSES
                .iter()
                .map(|s| self.t(&format!("results-status-{s}"))),
        );
        Block {
            key,
            caption: self.t("report-indicators"),
            source: "/results".into(),
            content: Content::Table { columns, rows },
        }
    }

    fn readings(&self, key: String) -> Block {
        let d = self.data;
        let chart = Chart {
            title: self.t("report-readings-by-year"),
            description: self.t("report-readings-by-year"),
            categories: d
                .readings_by_year
                .iter()
                .map(|(y, _)| y.to_string())
                .collect(),
            series: vec![Series {
                name: self.t("report-col-readings"),
                values: d.readings_by_year.iter().map(|(_, n)| *n as f64).collect(),
            }],
        };
        Block {
            key,
            caption: self.t("report-readings-by-year"),
            source: "/radiation/datasets".into(),
            content: Content::Chart {
                stacked: false,
                unit: Unit::Count,
                chart,
            },
        }
    }

    fn bands(&self, key: String) -> Block {
        let order = [
            "background",
            "within_limit",
            "above_limit",
            "not_for_living",
            "not_measured",
        ];
        let rows = order
            .iter()
            .map(|b| {
                vec![
                    self.t(&format!("band-{b}-title")),
                    self.count(self.data.bands.get(*b).copied().unwrap_or(0)),
                ]
            })
            .collect();
        Block {
            key,
            caption: self.t("report-settlements-by-band"),
            source: "/radiation".into(),
            content: Content::Table {
                columns: vec![self.t("report-col-band"), self.t("report-col-settlements")],
                rows,
            },
        }
    }

    fn services(&self, key: String) -> Block {
        let rows = self
            .data
            .services_by_category
            .iter()
            .map(|(c, n)| {
                vec![
                    self.t(&format!("service-category-{}", c.as_str())),
                    self.count(*n),
                ]
            })
            .collect();
        Block {
            key,
            caption: self.t("report-services"),
            source: "/api/v1/services".into(),
            content: Content::Table {
                columns: vec![self.t("report-col-category"), self.t("report-col-services")],
                rows,
            },
        }
    }

    fn meetings_source(&self) -> String {
        let d = &self.data.period;
        format!(
            "/api/v1/meetings?from={}T00:00&before={}T00:00",
            d.start,
            d.end.next_day().unwrap_or(d.end)
        )
    }

    fn mechanism(&self, key: String) -> Block {
        let d = self.data;
        let actions: i64 = d.actions_by_status.values().sum();
        let facts = vec![
            self.fact(
                "meetings",
                d.meetings.len() as f64,
                self.count(d.meetings.len() as i64),
                self.meetings_source(),
            ),
            self.fact(
                "decisions",
                d.decisions as f64,
                self.count(d.decisions),
                "/api/v1/decisions".into(),
            ),
            self.fact(
                "actions",
                actions as f64,
                self.count(actions),
                "/coordination/actions".into(),
            ),
            self.fact(
                "overdue",
                d.overdue as f64,
                self.count(d.overdue),
                "/api/v1/action-items?overdue=true".into(),
            ),
        ];
        Block {
            key,
            caption: self.t("report-mechanism"),
            source: self.meetings_source(),
            content: Content::Facts { facts },
        }
    }

    fn actions(&self, key: String) -> Block {
        let d = self.data;
        let chart = Chart {
            title: self.t("report-actions-by-status"),
            description: self.t("report-actions-by-status"),
            categories: ActionStatus::ALL
                .iter()
                .map(|s| self.t(&format!("action-status-{}", s.as_str())))
                .collect(),
            series: vec![Series {
                name: self.t("report-fact-actions"),
                values: ActionStatus::ALL
                    .iter()
                    .map(|s| d.actions_by_status.get(s).copied().unwrap_or(0) as f64)
                    .collect(),
            }],
        };
        Block {
            key,
            caption: self.t("report-actions-by-status"),
            source: "/coordination/actions".into(),
            content: Content::Chart {
                stacked: false,
                unit: Unit::Count,
                chart,
            },
        }
    }

    fn meetings(&self, key: String) -> Block {
        let rows = self
            .data
            .meetings
            .iter()
            .map(|(m, body)| {
                vec![
                    format::date(self.lang, m.starts_at.date()),
                    body.best(self.lang).unwrap_or_default().to_owned(),
                    m.title.best(self.lang).unwrap_or_default().to_owned(),
                ]
            })
            .collect();
        Block {
            key,
            caption: self.t("report-meetings"),
            source: self.meetings_source(),
            content: Content::Table {
                columns: vec![
                    self.t("report-col-date"),
                    self.t("report-col-body"),
                    self.t("report-col-title"),
                ],
                rows,
            },
        }
    }

    fn money_by_year(&self, key: String) -> Block {
        let d = self.data;
        let measures: [(&str, Measure); 3] = [
            ("funding-required", |s| s.required),
            ("funding-committed", |s| s.committed),
            ("funding-disbursed", |s| s.disbursed),
        ];
        let series = measures
            .iter()
            .map(|(k, f)| Series {
                name: self.t(k),
                values: d.money_by_year.iter().map(|(_, s)| usd(f(s))).collect(),
            })
            .collect();
        let total = d.total();
        let chart = Chart {
            title: self.t("report-money-by-year"),
            description: format!(
                "{}: {}; {}: {}",
                self.t("funding-committed"),
                self.money(total.committed),
                self.t("funding-disbursed"),
                self.money(total.disbursed)
            ),
            categories: d.money_by_year.iter().map(|(y, _)| y.to_string()).collect(),
            series,
        };
        Block {
            key,
            caption: self.t("report-money-by-year"),
            source: self.money_source("origin"),
            content: Content::Chart {
                stacked: false,
                unit: Unit::Usd,
                chart,
            },
        }
    }

    fn money_columns(&self, first: &str) -> Vec<String> {
        vec![
            self.t(first),
            self.t("funding-required"),
            self.t("funding-committed"),
            self.t("funding-disbursed"),
            self.t("funding-gap"),
        ]
    }

    fn money_row(&self, name: String, s: &Sums) -> Vec<String> {
        vec![
            name,
            self.money(s.required),
            self.money(s.committed),
            self.money(s.disbursed),
            self.money(s.required - s.committed),
        ]
    }

    fn areas(&self, key: String) -> Block {
        let rows = self
            .data
            .money_by_area
            .iter()
            .map(|(a, s)| {
                let name = if a.is_empty() {
                    self.t("funding-unspecified")
                } else {
                    self.t(&format!("area-{a}"))
                };
                self.money_row(name, s)
            })
            .collect();
        Block {
            key,
            caption: self.t("report-money-by-area"),
            source: self.money_source("area"),
            content: Content::Table {
                columns: self.money_columns("report-col-area"),
                rows,
            },
        }
    }

    fn origins(&self, key: String) -> Block {
        let rows = self
            .data
            .money_by_origin
            .iter()
            .map(|(o, s)| {
                let name = match o.as_str() {
                    "domestic" => self.t("funding-domestic"),
                    "external" => self.t("funding-external"),
                    _ => self.t("funding-unspecified"),
                };
                self.money_row(name, s)
            })
            .collect();
        Block {
            key,
            caption: self.t("report-money-by-origin"),
            source: self.money_source("origin"),
            content: Content::Table {
                columns: self.money_columns("report-col-origin"),
                rows,
            },
        }
    }

    fn donors(&self, key: String) -> Block {
        let rows = self
            .data
            .donors
            .iter()
            .map(|(name, s)| {
                let name = match name {
                    Some(n) => n.best(self.lang).unwrap_or_default().to_owned(),
                    None => self.t("report-others"),
                };
                self.money_row(name, s)
            })
            .collect();
        Block {
            key,
            caption: self.t("report-donors"),
            source: self.money_source("organisation"),
            content: Content::Table {
                columns: self.money_columns("report-col-organisation"),
                rows,
            },
        }
    }

    fn coverage(&self, key: String) -> Option<Block> {
        let c = self.data.coverage.as_ref()?;
        let yes = self.t("report-yes");
        let rows = c
            .paragraphs
            .iter()
            .map(|p| {
                vec![
                    format!("{} {}", c.symbol, p.mandate.number),
                    self.t(&format!("mandate-action-{}", p.mandate.action.as_str())),
                    self.count(p.programme_ids.len() as i64),
                    self.money(p.usd.committed),
                    self.count((p.decisions.len() + p.actions.len()) as i64),
                    if p.gap { yes.clone() } else { String::new() },
                ]
            })
            .collect();
        Some(Block {
            key,
            caption: self.t("report-coverage"),
            source: format!("/api/v1/resolutions/{}/coverage", c.resolution_id),
            content: Content::Table {
                columns: vec![
                    self.t("report-col-paragraph"),
                    self.t("report-col-action"),
                    self.t("report-col-programmes"),
                    self.t("funding-committed"),
                    self.t("report-col-followups"),
                    self.t("report-col-gap"),
                ],
                rows,
            },
        })
    }
}
