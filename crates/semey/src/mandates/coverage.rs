//! What stands behind each paragraph of a resolution: the programmes that serve it, their
//! money (each programme counted once in the resolution's total), their indicators' statuses —
//! and the paragraphs with nothing behind them, which are the gaps.

use crate::AppError;
use semey_domain::funding::Sums;
use semey_domain::ids::{MandateId, ProgrammeId, ResolutionId};
use semey_domain::mandate::{Mandate, Resolution};
use semey_domain::programme::Programme;
use semey_domain::results::{Status, Thresholds};
use semey_store::Store;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// One operative paragraph and what serves it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParagraphCoverage {
    pub mandate: Mandate,
    /// The programmes linked to it.
    #[schema(value_type = Vec<String>)]
    pub programme_ids: Vec<ProgrammeId>,
    /// Their money in USD (minor units).
    pub usd: Sums,
    /// Their indicators by status (`on_track`, `at_risk`, `off_track`, `not_reported`,
    /// `not_assessed`).
    pub indicators: BTreeMap<String, usize>,
    /// Nothing serves it yet.
    pub gap: bool,
}

/// A resolution's coverage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Coverage {
    #[schema(value_type = String, format = Uuid)]
    pub resolution_id: ResolutionId,
    pub symbol: String,
    pub paragraphs: Vec<ParagraphCoverage>,
    /// The money of every programme linked to any paragraph, each counted once.
    pub usd: Sums,
    /// The programmes linked, with their titles (for the page).
    #[serde(skip)]
    pub programmes: BTreeMap<ProgrammeId, Programme>,
}

impl Coverage {
    /// Numbers of the paragraphs nothing serves.
    pub fn gaps(&self) -> Vec<u16> {
        self.paragraphs
            .iter()
            .filter(|p| p.gap)
            .map(|p| p.mandate.number)
            .collect()
    }
}

/// The coverage of a stored resolution.
pub async fn coverage(
    store: &Store,
    resolution: &Resolution,
    th: Thresholds,
) -> Result<Coverage, AppError> {
    let links = store.mandate_programmes(resolution.id).await?;
    let (money, total) = store.mandate_money(resolution.id).await?;
    let money: BTreeMap<MandateId, Sums> = money.into_iter().collect();
    let ids: Vec<ProgrammeId> = {
        let mut v: Vec<ProgrammeId> = links.iter().map(|(_, p)| *p).collect();
        v.sort();
        v.dedup();
        v
    };
    let programmes: BTreeMap<ProgrammeId, Programme> = store
        .programmes_by_ids(&ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut statuses: BTreeMap<ProgrammeId, Vec<Status>> = BTreeMap::new();
    for (p, a) in store.assessments_of(&ids).await? {
        statuses
            .entry(p)
            .or_default()
            .push(a.as_ref().map_or(Status::NotAssessed, |a| a.status(th)));
    }
    let paragraphs = resolution
        .mandates
        .iter()
        .map(|m| {
            let programme_ids: Vec<ProgrammeId> = links
                .iter()
                .filter(|(mid, _)| *mid == m.id)
                .map(|(_, p)| *p)
                .collect();
            let mut indicators: BTreeMap<String, usize> = BTreeMap::new();
            for p in &programme_ids {
                for s in statuses.get(p).into_iter().flatten() {
                    *indicators.entry(s.as_str().to_owned()).or_default() += 1;
                }
            }
            ParagraphCoverage {
                mandate: m.clone(),
                gap: programme_ids.is_empty(),
                usd: money.get(&m.id).copied().unwrap_or_default(),
                programme_ids,
                indicators,
            }
        })
        .collect();
    Ok(Coverage {
        resolution_id: resolution.id,
        symbol: resolution.symbol.clone(),
        paragraphs,
        usd: total,
        programmes,
    })
}
