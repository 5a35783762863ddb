//! Funding: recording requirements, transactions and exchange rates, and the funding summary.

use crate::auth::Actor;
use crate::error::AppError;
use semey_domain::funding::{
    Requirement, RequirementInput, Sums, Totals, Transaction, TransactionInput,
};
use semey_domain::fx::FxRate;
use semey_domain::ids::{OrganisationId, PlaceId, ProgrammeId};
use semey_domain::Lang;
use semey_store::{Dimension, FundingFilter, RateReport, Store};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// May `actor` write the money of this programme (editors: programmes their organisation
/// reports)? Returns the organisation that owns it.
pub(crate) async fn may_write_money(
    store: &Store,
    actor: &Actor,
    programme: semey_domain::ids::ProgrammeId,
) -> Result<Option<OrganisationId>, AppError> {
    let p = store.programme(programme).await.map_err(|e| match e {
        semey_store::StoreError::NotFound { .. } => AppError::Invalid(semey_domain::Invalid::one(
            "programme_id",
            "unknown_programme",
            format!("there is no programme {programme}"),
        )),
        other => other.into(),
    })?;
    actor.principal.may_write(p.reporting_org_id)?;
    Ok(p.reporting_org_id)
}

/// Records a transaction entered by a person or a machine client. Returns the stored record
/// and whether it was new (recording the same flow again changes nothing).
pub async fn record_transaction(
    store: &Store,
    actor: &Actor,
    input: TransactionInput,
) -> Result<(Transaction, bool), AppError> {
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    may_write_money(store, actor, input.programme_id).await?;
    let checked = input.check()?;
    let mut tx = store.begin().await?;
    let (t, created) = store.record_transaction(&mut tx, checked).await?;
    if created {
        crate::records::audit(
            store,
            &mut tx,
            actor,
            "transaction",
            &t.id.to_string(),
            None,
            Some(&t),
        )
        .await?;
    }
    tx.commit().await?;
    Ok((t, created))
}

pub async fn record_requirement(
    store: &Store,
    actor: &Actor,
    input: RequirementInput,
) -> Result<(Requirement, bool), AppError> {
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    may_write_money(store, actor, input.programme_id).await?;
    let checked = input.check()?;
    let mut tx = store.begin().await?;
    let (r, created) = store.record_requirement(&mut tx, checked).await?;
    if created {
        crate::records::audit(
            store,
            &mut tx,
            actor,
            "requirement",
            &r.id.to_string(),
            None,
            Some(&r),
        )
        .await?;
    }
    tx.commit().await?;
    Ok((r, created))
}

/// Corrects a recorded transaction (which must exist) with a new entry, checked as a new one.
pub async fn correct_transaction(
    store: &Store,
    actor: &Actor,
    id: semey_domain::ids::TransactionId,
    input: TransactionInput,
) -> Result<Transaction, AppError> {
    let old = store.transaction(id).await?;
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    may_write_money(store, actor, old.programme_id).await?;
    may_write_money(store, actor, input.programme_id).await?;
    let checked = input.check()?;
    let mut tx = store.begin().await?;
    let new = store.replace_transaction(&mut tx, id, checked).await?;
    if new.id == old.id {
        crate::records::audit(
            store,
            &mut tx,
            actor,
            "transaction",
            &id.to_string(),
            Some(&old),
            Some(&new),
        )
        .await?;
    } else {
        crate::records::audit::<Transaction>(
            store,
            &mut tx,
            actor,
            "transaction",
            &id.to_string(),
            Some(&old),
            None,
        )
        .await?;
        crate::records::audit(
            store,
            &mut tx,
            actor,
            "transaction",
            &new.id.to_string(),
            None,
            Some(&new),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(new)
}

/// Corrects a recorded requirement (which must exist).
pub async fn correct_requirement(
    store: &Store,
    actor: &Actor,
    id: semey_domain::ids::RequirementId,
    input: RequirementInput,
) -> Result<Requirement, AppError> {
    let old = store.requirement(id).await?;
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    may_write_money(store, actor, old.programme_id).await?;
    may_write_money(store, actor, input.programme_id).await?;
    let checked = input.check()?;
    let mut tx = store.begin().await?;
    let new = store.replace_requirement(&mut tx, id, checked).await?;
    if new.id == old.id {
        crate::records::audit(
            store,
            &mut tx,
            actor,
            "requirement",
            &id.to_string(),
            Some(&old),
            Some(&new),
        )
        .await?;
    } else {
        crate::records::audit::<Requirement>(
            store,
            &mut tx,
            actor,
            "requirement",
            &id.to_string(),
            Some(&old),
            None,
        )
        .await?;
        crate::records::audit(
            store,
            &mut tx,
            actor,
            "requirement",
            &new.id.to_string(),
            None,
            Some(&new),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(new)
}

pub async fn record_rates(store: &Store, rates: &[FxRate]) -> Result<RateReport, AppError> {
    let mut tx = store.begin().await?;
    let report = store.upsert_rates(&mut tx, rates).await?;
    tx.commit().await?;
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
