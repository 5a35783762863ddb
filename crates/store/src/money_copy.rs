//! The funding roll-ups as a server holds them in memory for filtered summaries: numbered
//! strings and each programme's cells (read and kept current by `summaries.rs`).

use rustc_hash::FxHashMap;

/// One roll-up row of a programme: its year, origin, provider and currency (the last two
/// empty in the roll-up by year), and its sixteen sums.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub(crate) year: i32,
    pub(crate) origin: u16,
    pub(crate) provider: u32,
    pub(crate) currency: u16,
    pub(crate) v: [i64; 16],
}

/// Strings stored once, numbered.
#[derive(Debug, Default)]
pub(crate) struct Names {
    pub(crate) index: FxHashMap<String, u32>,
    pub(crate) names: Vec<String>,
}

impl Names {
    pub(crate) fn number(&mut self, s: &str) -> u32 {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_owned());
        self.index.insert(s.to_owned(), i);
        i
    }

    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        self.index.get(s).copied()
    }

    /// The string numbered `i`; `None` for the empty string (no value).
    pub(crate) fn key(&self, i: u32) -> Option<&str> {
        Some(self.names[i as usize].as_str()).filter(|s| !s.is_empty())
    }
}

/// The roll-ups as held in memory, at a version of the money.
#[derive(Debug, Default)]
pub(crate) struct MoneyCopy {
    pub(crate) version: i64,
    pub(crate) programmes: Names,
    /// Origins, providers and currencies.
    pub(crate) names: Names,
    /// Cells by programme number, by year and origin.
    pub(crate) by_year: Vec<Vec<Cell>>,
    /// Cells by programme number, by provider and currency too (read when first needed).
    pub(crate) by_provider: Option<Vec<Vec<Cell>>>,
    /// Area shares by programme number: (area numbered in `names`, share in ten-thousandths);
    /// empty for a programme in no area. Read with the roll-up by year, and again for every
    /// programme `funding_changes` names (a programme's save marks it, its areas may change).
    pub(crate) areas: Vec<Vec<(u32, i64)>>,
}

/// Which roll-up a summary sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rollup {
    Year,
    Provider,
}

impl Rollup {
    pub(crate) fn select(self) -> &'static str {
        match self {
            Rollup::Year => {
                "SELECT programme_id, year, origin, '' AS provider_org_id, '' AS currency"
            }
            Rollup::Provider => "SELECT programme_id, year, origin, provider_org_id, currency",
        }
    }

    pub(crate) fn table(self) -> &'static str {
        match self {
            Rollup::Year => "funding_rollup_year",
            Rollup::Provider => "funding_rollup_provider",
        }
    }
}

impl MoneyCopy {
    pub(crate) fn cells(&mut self, rollup: Rollup) -> &mut Vec<Vec<Cell>> {
        match rollup {
            Rollup::Year => &mut self.by_year,
            Rollup::Provider => self.by_provider.get_or_insert_with(Vec::new),
        }
    }
}
