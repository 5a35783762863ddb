//! What stands behind each paragraph of a resolution: the programmes that serve it, their
//! money (each programme counted once in the resolution's total), their indicators' statuses —
//! and the paragraphs with nothing behind them, which are the gaps.

use crate::AppError;
use semey_domain::coordination::{ActionItem, Decision, Meeting};
use semey_domain::funding::Sums;
use semey_domain::ids::{IndicatorId, MandateId, ProgrammeId, ResolutionId, ServiceId};
use semey_domain::mandate::{Mandate, Resolution};
use semey_domain::LocalText;
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
    /// Their indicators and the indicators linked to it directly, each once, by status
    /// (`on_track`, `at_risk`, `off_track`, `not_reported`, `not_assessed`).
    pub indicators: BTreeMap<String, usize>,
    /// The indicators linked to it directly.
    #[schema(value_type = Vec<String>)]
    pub indicator_ids: Vec<IndicatorId>,
    /// The published meetings of the coordination mechanism that took it up.
    pub meetings: Vec<Meeting>,
    /// The published decisions of the coordination mechanism that serve it.
    pub decisions: Vec<Decision>,
    /// The published action items that serve it.
    pub actions: Vec<ActionItem>,
    /// The services of the directory that serve it.
    #[schema(value_type = Vec<String>)]
    pub service_ids: Vec<ServiceId>,
    /// Their names, for the page.
    #[serde(skip)]
    pub services: Vec<(ServiceId, LocalText)>,
    /// Nothing serves it yet: no programme, indicator, meeting, decision, action item or
    /// service.
    pub gap: bool,
    /// The first programmes (by identifier) with their titles, for the page.
    #[serde(skip)]
    pub shown: Vec<(ProgrammeId, LocalText)>,
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

/// Programmes named on a paragraph of the page (the API lists them all).
const SHOWN: i64 = 10;

/// The coverage of a stored resolution.
pub async fn coverage(store: &Store, resolution: &Resolution) -> Result<Coverage, AppError> {
    let links = store.mandate_programmes(resolution.id).await?;
    let (money, total) = store.mandate_money(resolution.id).await?;
    let money: BTreeMap<MandateId, Sums> = money.into_iter().collect();
    let mut counts: BTreeMap<MandateId, BTreeMap<String, usize>> = BTreeMap::new();
    for (m, status, n) in store.mandate_indicator_counts(resolution.id).await? {
        counts
            .entry(m)
            .or_default()
            .insert(status, usize::try_from(n).unwrap_or(0));
    }
    let mut shown: BTreeMap<MandateId, Vec<(ProgrammeId, LocalText)>> = BTreeMap::new();
    for (m, p, title) in store.mandate_programme_titles(resolution.id, SHOWN).await? {
        shown.entry(m).or_default().push((p, title));
    }
    let followups = store.mandate_followups(resolution.id).await?;
    let mut decisions: BTreeMap<MandateId, Vec<Decision>> = BTreeMap::new();
    for (m, d) in followups.decisions {
        decisions.entry(m).or_default().push(d);
    }
    let mut actions: BTreeMap<MandateId, Vec<ActionItem>> = BTreeMap::new();
    for (m, a) in followups.actions {
        actions.entry(m).or_default().push(a);
    }
    let mut services: BTreeMap<MandateId, Vec<(ServiceId, LocalText)>> = BTreeMap::new();
    for (m, s) in followups.services {
        services.entry(m).or_default().push((s.id, s.name));
    }
    let mut meetings: BTreeMap<MandateId, Vec<Meeting>> = BTreeMap::new();
    for (m, meeting) in followups.meetings {
        meetings.entry(m).or_default().push(meeting);
    }
    let mut direct: BTreeMap<MandateId, Vec<IndicatorId>> = BTreeMap::new();
    for (m, indicator) in followups.indicators {
        direct.entry(m).or_default().push(indicator);
    }
    let mut by_mandate: BTreeMap<MandateId, Vec<ProgrammeId>> = BTreeMap::new();
    for (m, p) in links {
        by_mandate.entry(m).or_default().push(p);
    }
    let paragraphs = resolution
        .mandates
        .iter()
        .map(|m| {
            let programme_ids = by_mandate.remove(&m.id).unwrap_or_default();
            let decisions = decisions.remove(&m.id).unwrap_or_default();
            let actions = actions.remove(&m.id).unwrap_or_default();
            let services = services.remove(&m.id).unwrap_or_default();
            let meetings = meetings.remove(&m.id).unwrap_or_default();
            let indicator_ids = direct.remove(&m.id).unwrap_or_default();
            ParagraphCoverage {
                mandate: m.clone(),
                gap: programme_ids.is_empty()
                    && indicator_ids.is_empty()
                    && meetings.is_empty()
                    && decisions.is_empty()
                    && actions.is_empty()
                    && services.is_empty(),
                service_ids: services.iter().map(|(id, _)| *id).collect(),
                services,
                decisions,
                actions,
                meetings,
                indicator_ids,
                usd: money.get(&m.id).copied().unwrap_or_default(),
                programme_ids,
                indicators: counts.remove(&m.id).unwrap_or_default(),
                shown: shown.remove(&m.id).unwrap_or_default(),
            }
        })
        .collect();
    Ok(Coverage {
        resolution_id: resolution.id,
        symbol: resolution.symbol.clone(),
        paragraphs,
        usd: total,
    })
}
