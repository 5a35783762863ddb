//! Efficiency rolled up: the disbursement rate, absorption and cost per person reached of the
//! programmes of each thematic area, reporting organisation or district, from the same money
//! (the funding roll-up, in US dollars) and the same people-reached indicators as each
//! programme's own figures.
//!
//! A programme counts in full in each of its groups (a programme of two areas in both), as the
//! counts by status do. The cost per person divides only the money spent by the programmes that
//! count the people they reach, so programmes without such an indicator do not make people look
//! dearer.

use crate::AppError;
use semey_domain::funding::Sums;
use semey_domain::ids::ProgrammeId;
use semey_domain::results::{efficiency, Efficiency};
use semey_store::{Dimension, FundingFilter, Store};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// What programmes are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Area,
    Organisation,
    District,
}

impl GroupBy {
    pub const ALL: [GroupBy; 3] = [GroupBy::Area, GroupBy::Organisation, GroupBy::District];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Area => "area",
            GroupBy::Organisation => "organisation",
            GroupBy::District => "district",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// The efficiency of one group's programmes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EfficiencyGroup {
    /// The area's code, the organisation's id (empty: no reporting organisation) or the
    /// district's id.
    pub group: String,
    pub programmes: usize,
    /// US cents, summed over the group's programmes.
    pub committed: i64,
    pub disbursed: i64,
    pub spent: i64,
    /// US cents spent by the group's programmes that count the people they reach: what the
    /// cost per person divides.
    pub spent_counted: i64,
    /// How many of the group's programmes count the people they reach.
    pub programmes_counting: usize,
    pub efficiency: Efficiency,
}

/// The efficiency of every group of `by`, largest commitment first.
pub async fn efficiency_by(store: &Store, by: GroupBy) -> Result<Vec<EfficiencyGroup>, AppError> {
    let mut money: HashMap<ProgrammeId, Sums> = HashMap::new();
    for row in store
        .funding_summary(&[Dimension::Programme], &FundingFilter::default())
        .await?
    {
        if let Some(Some(id)) = row.key.get("programme") {
            if let Ok(id) = id.parse() {
                money.insert(id, row.usd);
            }
        }
    }
    let people = store.people_reached_by_programme().await?;
    #[derive(Default)]
    struct Acc {
        programmes: usize,
        committed: i64,
        disbursed: i64,
        spent: i64,
        spent_counted: i64,
        counting: usize,
        people: Option<f64>,
    }
    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    for (programme, group) in store.programme_groups(by.as_str()).await? {
        let acc = groups.entry(group).or_default();
        acc.programmes += 1;
        let m = money.get(&programme).copied().unwrap_or_default();
        acc.committed += m.committed;
        acc.disbursed += m.disbursed;
        acc.spent += m.spent;
        if let Some(n) = people.get(&programme) {
            acc.counting += 1;
            acc.spent_counted += m.spent;
            if let Some(n) = n {
                *acc.people.get_or_insert(0.0) += n;
            }
        }
    }
    let mut out: Vec<EfficiencyGroup> = groups
        .into_iter()
        .map(|(group, a)| {
            let mut e = efficiency(a.committed, a.disbursed, a.spent, None);
            let per_person = efficiency(0, 0, a.spent_counted, a.people);
            e.people_reached = per_person.people_reached;
            e.cost_per_person = per_person.cost_per_person;
            EfficiencyGroup {
                group,
                programmes: a.programmes,
                committed: a.committed,
                disbursed: a.disbursed,
                spent: a.spent,
                spent_counted: a.spent_counted,
                programmes_counting: a.counting,
                efficiency: e,
            }
        })
        .collect();
    out.sort_by(|a, b| b.committed.cmp(&a.committed).then(a.group.cmp(&b.group)));
    Ok(out)
}
