//! Funding: requirements, transactions, in-kind contributions and exchange rates on the record
//! path (`record.rs`, `rates.rs`), and the funding summary (in-kind contributions beside the
//! money, never in it).

use crate::accounts::Actor;
use crate::error::AppError;
use semey_domain::contribution::InKind;
use semey_domain::funding::{Sums, Totals};
use semey_domain::fx::FxRate;
use semey_domain::ids::{OrganisationId, PlaceId, ProgrammeId};
use semey_domain::Lang;
use semey_store::{ContributionFilter, Dimension, FundingFilter, RateReport, Store};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

pub mod import;
mod rates;
mod record;

/// Stores exchange rates through the record path, all in `tx` (each new or changed rate
/// audited), and counts what changed.
pub async fn save_rates(
    store: &Store,
    tx: &mut semey_store::Tx,
    actor: &Actor,
    rates: Vec<FxRate>,
) -> Result<RateReport, AppError> {
    let mut report = RateReport::default();
    for rate in rates {
        let saved = crate::records::save_in::<FxRate>(store, tx, actor, None, rate).await?;
        match saved.before {
            None => report.inserted += 1,
            Some(b) if b == saved.stored => report.unchanged += 1,
            Some(_) => report.updated += 1,
        }
    }
    Ok(report)
}

/// Totals in both reporting currencies.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MoneyTotals {
    /// US cents.
    pub usd: Totals,
    /// Tiyn (KZT minor units).
    pub kzt: Totals,
}

impl MoneyTotals {
    fn new(usd: Sums, kzt: Sums) -> Self {
        Self {
            usd: usd.into(),
            kzt: kzt.into(),
        }
    }
}

/// One group of a funding summary.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryGroup {
    /// The group's value per dimension (`null`: the money has none, e.g. a requirement has no provider).
    #[schema(value_type = Object)]
    pub key: BTreeMap<&'static str, Option<String>>,
    /// Names of the records the key refers to (organisations, places, programmes), in the
    /// requested language.
    #[schema(value_type = Object)]
    pub labels: BTreeMap<&'static str, String>,
    #[serde(flatten)]
    pub money: MoneyTotals,
}

/// A funding summary: groups, the grand total, and domestic against external money.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FundingSummary {
    pub group_by: Vec<&'static str>,
    pub groups: Vec<SummaryGroup>,
    pub total: MoneyTotals,
    /// The same money split into domestic (Kazakhstan's public bodies) and external.
    pub by_origin: Vec<SummaryGroup>,
    /// What was given in kind, by its declared value: apart from the money, never in it.
    pub in_kind: InKindSummary,
}

/// The in-kind contributions of one kind: how many, and their declared value.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct InKindGroup {
    pub category: Option<InKind>,
    pub count: i64,
    /// US cents.
    pub usd: i64,
    /// Tiyn.
    pub kzt: i64,
}

/// In-kind contributions by kind, and all of them (`total`, without a category).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct InKindSummary {
    pub groups: Vec<InKindGroup>,
    pub total: InKindGroup,
}

/// The in-kind contributions the filter selects, by kind.
pub async fn in_kind(store: &Store, filter: &FundingFilter) -> Result<InKindSummary, AppError> {
    let sums = store
        .in_kind_sums(&ContributionFilter {
            money: filter.clone(),
            category: None,
        })
        .await?;
    let mut out = InKindSummary::default();
    for (category, s) in sums {
        out.total.count += s.count;
        out.total.usd += s.usd;
        out.total.kzt += s.kzt;
        out.groups.push(InKindGroup {
            category: Some(category),
            count: s.count,
            usd: s.usd,
            kzt: s.kzt,
        });
    }
    Ok(out)
}

/// Builds the funding summary grouped by `dims`.
pub async fn summary(
    store: &Store,
    dims: &[Dimension],
    filter: &FundingFilter,
    lang: Lang,
) -> Result<FundingSummary, AppError> {
    let rows = store.funding_summary(dims, filter).await?;
    let origin_rows = store.funding_summary(&[Dimension::Origin], filter).await?;
    let mut usd = Sums::default();
    let mut kzt = Sums::default();
    for r in &rows {
        usd += r.usd;
        kzt += r.kzt;
    }
    let mut names = Labeller::new(store, lang);
    let mut groups = Vec::with_capacity(rows.len());
    for r in rows {
        groups.push(SummaryGroup {
            labels: names.labels(&r.key).await?,
            key: r.key,
            money: MoneyTotals::new(r.usd, r.kzt),
        });
    }
    let by_origin = origin_rows
        .into_iter()
        .map(|r| SummaryGroup {
            labels: BTreeMap::new(),
            key: r.key,
            money: MoneyTotals::new(r.usd, r.kzt),
        })
        .collect();
    Ok(FundingSummary {
        group_by: dims.iter().map(|d| d.name()).collect(),
        groups,
        total: MoneyTotals::new(usd, kzt),
        by_origin,
        in_kind: in_kind(store, filter).await?,
    })
}

/// Looks up (and remembers) the names of the records a summary key refers to.
struct Labeller<'a> {
    store: &'a Store,
    lang: Lang,
    cache: HashMap<(&'static str, String), String>,
}

impl<'a> Labeller<'a> {
    fn new(store: &'a Store, lang: Lang) -> Self {
        Self {
            store,
            lang,
            cache: HashMap::new(),
        }
    }

    async fn labels(
        &mut self,
        key: &BTreeMap<&'static str, Option<String>>,
    ) -> Result<BTreeMap<&'static str, String>, AppError> {
        let mut out = BTreeMap::new();
        for (dim, value) in key {
            let Some(v) = value else { continue };
            if let Some(l) = self.cache.get(&(*dim, v.clone())) {
                out.insert(*dim, l.clone());
                continue;
            }
            let label = match *dim {
                "organisation" => match v.parse::<OrganisationId>() {
                    Ok(id) => self
                        .store
                        .organisation(id)
                        .await
                        .ok()
                        .and_then(|o| o.name.best(self.lang).map(str::to_owned)),
                    Err(_) => None,
                },
                "place" => match v.parse::<PlaceId>() {
                    Ok(id) => self
                        .store
                        .place(id)
                        .await
                        .ok()
                        .and_then(|p| p.name.best(self.lang).map(str::to_owned)),
                    Err(_) => None,
                },
                "programme" => match v.parse::<ProgrammeId>() {
                    Ok(id) => self
                        .store
                        .programme(id)
                        .await
                        .ok()
                        .and_then(|p| p.title.best(self.lang).map(str::to_owned)),
                    Err(_) => None,
                },
                _ => None,
            };
            if let Some(l) = label {
                self.cache.insert((*dim, v.clone()), l.clone());
                out.insert(*dim, l);
            }
        }
        Ok(out)
    }
}
