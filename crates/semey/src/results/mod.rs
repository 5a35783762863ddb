//! Results monitoring (C4): a programme's results chain and its indicators' periods, both on
//! the record path (the programme's reporting organisation proposes, coordinators publish), and
//! the statuses kept current: every write of a result or a period reassesses its indicators,
//! and [`refresh_statuses`] reassesses, once a day, only the indicators a period of which has
//! ended since they were last assessed.

pub mod efficiency;
pub mod import;

use crate::records::{programme_owner, Record, Saved};
use crate::AppError;
use semey_domain::ids::{IndicatorId, OrganisationId, ProgrammeId, ResultId};
use semey_domain::record::RecordKind;
use semey_domain::results::{
    assess, efficiency, programme_status, value_of, Assessment, Efficiency, Period, PeriodContext,
    ProgrammeResult, ResultInput, Status, Thresholds,
};
use semey_domain::Invalid;
use semey_store::{Store, StoreError, Tx};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use time::Date;
use utoipa::ToSchema;

/// Today in Kazakhstan, the day statuses are worked out for.
pub fn today() -> Date {
    semey_domain::service::kazakhstan_time(time::OffsetDateTime::now_utc()).date()
}

/// Works out where an indicator stands from its periods and keeps it.
pub async fn reassess_in(
    store: &Store,
    tx: &mut Tx,
    indicator: IndicatorId,
    on: Date,
) -> Result<(), AppError> {
    let row = store.indicator_in(tx, indicator).await?;
    let periods = store.periods_in(tx, indicator).await?;
    let a = assess(&row.indicator, &periods, on);
    store.set_assessment(tx, indicator, &a, on).await?;
    Ok(())
}

/// Brings every status up to `on`: reassesses the indicators a period of which ended since
/// they were last assessed (or never assessed), then marks the rest assessed on `on`.
pub async fn refresh_statuses(store: &Store, on: Date) -> Result<usize, AppError> {
    let mut done = 0;
    loop {
        let due = store.indicators_to_reassess(on, 500).await?;
        if due.is_empty() {
            break;
        }
        let mut tx = store.begin().await?;
        for id in &due {
            reassess_in(store, &mut tx, *id, on).await?;
        }
        tx.commit().await?;
        done += due.len();
    }
    store.mark_assessed(on).await?;
    Ok(done)
}

/// One indicator with its periods and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorView {
    pub indicator_id: IndicatorId,
    pub status: Status,
    pub assessment: Option<Assessment>,
    pub periods: Vec<Period>,
}

/// One result of the chain with its indicators' figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultView {
    pub result: ProgrammeResult,
    pub indicators: Vec<IndicatorView>,
}

/// A programme's results chain and its status (the worst of its indicators').
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeResults {
    pub programme_id: ProgrammeId,
    pub status: Status,
    pub results: Vec<ResultView>,
    /// Disbursement rate, absorption and cost per person reached, from the programme's money in
    /// USD and its people-reached indicator.
    pub efficiency: Efficiency,
    /// The indicator the people reached were counted by.
    pub people_indicator: Option<IndicatorId>,
}

/// A programme's results, each indicator with its periods and status.
pub async fn programme_results_of(
    store: &Store,
    th: Thresholds,
    programme: ProgrammeId,
) -> Result<ProgrammeResults, AppError> {
    refresh_statuses(store, today()).await?;
    let mut views = Vec::new();
    let mut statuses = Vec::new();
    let rows = store.indicators_of(programme).await?;
    for r in store.results_of(programme).await? {
        let mut indicators = Vec::new();
        for ind in &r.indicators {
            let id = ind.id.expect("stored indicators have ids");
            let row = rows.iter().find(|x| x.indicator.id == Some(id));
            let assessment = row.and_then(|x| x.assessment.clone());
            let status = assessment
                .as_ref()
                .map_or(Status::NotAssessed, |a| a.status(th));
            statuses.push(status);
            indicators.push(IndicatorView {
                indicator_id: id,
                status,
                assessment,
                periods: store.periods(id).await?,
            });
        }
        views.push(ResultView {
            result: r,
            indicators,
        });
    }
    // The people reached: the actuals of the people-reached indicator, over its periods.
    let mut people_indicator = None;
    let mut people = None;
    for v in &views {
        for (ind, view) in v.result.indicators.iter().zip(&v.indicators) {
            if ind.people_reached && people_indicator.is_none() {
                people_indicator = ind.id;
                let sum: f64 = view
                    .periods
                    .iter()
                    .filter_map(|p| p.actual.as_ref())
                    .filter_map(|f| value_of(ind.measure, &ind.levels, &f.value).ok())
                    .filter_map(|v| v.number())
                    .sum();
                people = Some(sum);
            }
        }
    }
    let money = crate::funding::summary(
        store,
        &[],
        &semey_store::FundingFilter {
            programme_id: Some(programme),
            ..Default::default()
        },
        semey_domain::Lang::En,
    )
    .await?
    .total
    .usd
    .sums;
    Ok(ProgrammeResults {
        programme_id: programme,
        status: programme_status(statuses),
        results: views,
        efficiency: efficiency(money.committed, money.disbursed, money.spent, people),
        people_indicator,
    })
}

impl Record for ProgrammeResult {
    const KIND: RecordKind = RecordKind::Result;
    type Id = ResultId;
    type Input = ResultInput;
    type Checked = ProgrammeResult;
    type Stored = ProgrammeResult;

    fn id_of(stored: &ProgrammeResult) -> ResultId {
        stored.id
    }

    async fn load(store: &Store, tx: &mut Tx, id: ResultId) -> Result<ProgrammeResult, AppError> {
        Ok(store.result_in(tx, id).await?)
    }

    async fn owner_of_stored(
        store: &Store,
        tx: &mut Tx,
        stored: &ProgrammeResult,
    ) -> Result<Option<OrganisationId>, AppError> {
        programme_owner(store, tx, stored.programme_id).await
    }

    async fn owner_of_input(
        store: &Store,
        tx: &mut Tx,
        _: Option<ResultId>,
        input: &ResultInput,
    ) -> Result<Option<OrganisationId>, AppError> {
        programme_owner(store, tx, input.programme_id).await
    }

    fn check(input: ResultInput, id: Option<ResultId>) -> Result<ProgrammeResult, Invalid> {
        input.check(id.unwrap_or_default(), IndicatorId::new)
    }

    async fn save(
        store: &Store,
        tx: &mut Tx,
        old: Option<&ProgrammeResult>,
        r: ProgrammeResult,
    ) -> Result<Saved<ProgrammeResult>, AppError> {
        store.save_result(tx, &r).await?;
        let on = today();
        for ind in &r.indicators {
            reassess_in(store, tx, ind.id.expect("checked"), on).await?;
        }
        Ok(Saved {
            stored: store.result_in(tx, r.id).await?,
            before: old.cloned(),
        })
    }
}

/// A period's key: its indicator and the day it starts (`INDICATOR@2025-01-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodKey {
    pub indicator: IndicatorId,
    pub start: Date,
}

impl fmt::Display for PeriodKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.indicator, self.start)
    }
}

impl FromStr for PeriodKey {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (i, d) = s.split_once('@').ok_or("INDICATOR@YYYY-MM-DD")?;
        Ok(PeriodKey {
            indicator: i
                .parse()
                .map_err(|_| format!("{i:?} is not an indicator id"))?,
            start: Date::parse(d, &time::format_description::well_known::Iso8601::DATE)
                .map_err(|_| format!("{d:?} is not a date"))?,
        })
    }
}

impl Record for Period {
    const KIND: RecordKind = RecordKind::IndicatorPeriod;
    type Id = PeriodKey;
    type Input = Period;
    type Checked = Period;
    type Stored = Period;

    fn id_of(stored: &Period) -> PeriodKey {
        PeriodKey {
            indicator: stored.indicator_id,
            start: stored.start,
        }
    }

    async fn load(store: &Store, tx: &mut Tx, id: PeriodKey) -> Result<Period, AppError> {
        Ok(store.period_in(tx, id.indicator, id.start).await?)
    }

    async fn owner_of_stored(
        store: &Store,
        tx: &mut Tx,
        stored: &Period,
    ) -> Result<Option<OrganisationId>, AppError> {
        indicator_owner(store, tx, stored.indicator_id).await
    }

    async fn owner_of_input(
        store: &Store,
        tx: &mut Tx,
        _: Option<PeriodKey>,
        input: &Period,
    ) -> Result<Option<OrganisationId>, AppError> {
        indicator_owner(store, tx, input.indicator_id).await
    }

    /// The period's own rules need its indicator, programme and neighbours: checked in `save`.
    fn check(input: Period, _: Option<PeriodKey>) -> Result<Period, Invalid> {
        Ok(input)
    }

    async fn save(
        store: &Store,
        tx: &mut Tx,
        old: Option<&Period>,
        p: Period,
    ) -> Result<Saved<Period>, AppError> {
        check_period(store, tx, old.map(|o| o.start), &p).await?;
        let before = match old {
            Some(o) => Some(o.clone()),
            None => match store.period_in(tx, p.indicator_id, p.start).await {
                Ok(existing) => Some(existing),
                Err(StoreError::NotFound { .. }) => None,
                Err(e) => return Err(e.into()),
            },
        };
        store.save_period(tx, old.map(|o| o.start), &p).await?;
        reassess_in(store, tx, p.indicator_id, today()).await?;
        Ok(Saved {
            stored: store.period_in(tx, p.indicator_id, p.start).await?,
            before,
        })
    }
}

async fn indicator_owner(
    store: &Store,
    tx: &mut Tx,
    indicator: IndicatorId,
) -> Result<Option<OrganisationId>, AppError> {
    match store.indicator_in(tx, indicator).await {
        Ok(row) => programme_owner(store, tx, row.programme_id).await,
        Err(StoreError::NotFound { .. }) => Err(AppError::Invalid(Invalid::one(
            "indicator_id",
            "unknown_indicator",
            format!("there is no indicator {indicator}"),
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The period's rules with what they need from the store: its indicator, the programme's dates
/// and target groups, the indicator's other periods, the places of its splits.
pub(crate) async fn check_period(
    store: &Store,
    tx: &mut Tx,
    replacing: Option<Date>,
    p: &Period,
) -> Result<(), AppError> {
    let row = store.indicator_in(tx, p.indicator_id).await?;
    let programme = store.programme_in(tx, row.programme_id).await?;
    let others: Vec<(Date, Date)> = store
        .periods_in(tx, p.indicator_id)
        .await?
        .into_iter()
        .filter(|o| Some(o.start) != replacing && o.start != p.start)
        .map(|o| (o.start, o.end))
        .collect();
    let mut places = std::collections::HashSet::new();
    for sp in [&p.target, &p.actual]
        .into_iter()
        .flatten()
        .flat_map(|f| &f.splits)
        .filter(|s| s.dimension == "place")
    {
        if let Ok(id) = sp.key.trim().parse::<semey_domain::ids::PlaceId>() {
            if store.place_in(tx, id).await.is_ok() {
                places.insert(id);
            }
        }
    }
    let groups: Vec<String> = programme
        .target_groups
        .iter()
        .map(|g| g.as_str().to_owned())
        .collect();
    let d = &programme.dates;
    let cx = PeriodContext {
        indicator: &row.indicator,
        programme_start: d.actual_start.or(d.planned_start),
        programme_end: d.actual_end.or(d.planned_end),
        target_groups: &groups,
        others: &others,
        place_exists: &|id| places.contains(id),
    };
    Ok(p.check(&cx)?)
}
