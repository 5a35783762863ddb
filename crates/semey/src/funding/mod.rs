//! Funding: requirements, transactions, in-kind contributions and exchange rates on the record
//! path (`record.rs`, `rates.rs`), and the funding summary (in-kind contributions beside the
//! money, never in it).

use crate::accounts::Actor;
use crate::error::AppError;
use semey_domain::contribution::InKind;
use semey_domain::funding::{Sums, Totals};
use semey_domain::fx::FxRate;
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
    /// Where the next page of groups starts, when the groups were asked for a page at a time
    /// and there may be more (`total` is always the whole selection's).
    pub next_offset: Option<i64>,
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

/// Builds the funding summary grouped by `dims`, every group.
pub async fn summary(
    store: &Store,
    dims: &[Dimension],
    filter: &FundingFilter,
    lang: Lang,
) -> Result<FundingSummary, AppError> {
    summary_page(store, dims, filter, lang, None).await
}

/// Builds the funding summary grouped by `dims`, one page of groups when `page` is given (the
/// total is then summed apart, over the whole selection).
pub async fn summary_page(
    store: &Store,
    dims: &[Dimension],
    filter: &FundingFilter,
    lang: Lang,
    page: Option<semey_store::Page>,
) -> Result<FundingSummary, AppError> {
    let (rows, origin_rows) = store
        .funding_summary_with_origins(dims, filter, page)
        .await?;
    let mut usd = Sums::default();
    let mut kzt = Sums::default();
    // The groups add up to the whole when they are all here; otherwise every origin once is.
    let whole = page.is_none_or(|p| p.offset == 0 && (rows.len() as i64) < p.limit);
    for r in if whole { &rows } else { &origin_rows } {
        usd += r.usd;
        kzt += r.kzt;
    }
    let next_offset = page
        .filter(|p| rows.len() as i64 >= p.limit)
        .map(|p| p.offset + p.limit);
    let labels = labels(store, &rows, lang).await?;
    let groups: Vec<SummaryGroup> = rows
        .into_iter()
        .zip(labels)
        .map(|(r, labels)| SummaryGroup {
            labels,
            key: r.key,
            money: MoneyTotals::new(r.usd, r.kzt),
        })
        .collect();
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
        next_offset,
    })
}

/// The names of the records the summary's keys refer to (organisations, places, programmes),
/// read in one query per kind, in `lang` (or the best language there is).
async fn labels(
    store: &Store,
    rows: &[semey_store::SummaryRow],
    lang: Lang,
) -> Result<Vec<BTreeMap<&'static str, String>>, AppError> {
    use semey_store::Named;
    let mut names: BTreeMap<&'static str, HashMap<String, semey_domain::LocalText>> =
        BTreeMap::new();
    for (dim, kind) in [
        ("organisation", Named::Organisation),
        ("place", Named::Place),
        ("programme", Named::Programme),
    ] {
        let ids: Vec<String> = rows
            .iter()
            .filter_map(|r| r.key.get(dim).cloned().flatten())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if !ids.is_empty() {
            names.insert(dim, store.names(kind, &ids).await?);
        }
    }
    Ok(rows
        .iter()
        .map(|r| {
            r.key
                .iter()
                .filter_map(|(dim, value)| {
                    let name = names.get(dim)?.get(value.as_ref()?)?;
                    Some((*dim, name.best(lang)?.to_owned()))
                })
                .collect()
        })
        .collect())
}
