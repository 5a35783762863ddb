//! What changed between two versions of a report in one language: narratives rewritten, key
//! figures with their old and new values, and tables whose rows differ (rows added, removed or
//! changed, matched by their first cell).

use super::{Block, Content, Document};
use semey_domain::report::Section;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changes {
    /// The previous version's number.
    pub since: i64,
    /// Sections whose narrative was rewritten.
    pub narratives: Vec<Section>,
    /// Key figures whose value changed: label, before, now.
    pub figures: Vec<(String, String, String)>,
    /// Tables and charts whose figures changed: caption, rows added, removed, changed.
    pub tables: Vec<(String, usize, usize, usize)>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.narratives.is_empty() && self.figures.is_empty() && self.tables.is_empty()
    }
}

fn blocks(d: &Document) -> BTreeMap<&str, &Block> {
    d.sections
        .iter()
        .flat_map(|s| &s.blocks)
        .map(|b| (b.key.as_str(), b))
        .collect()
}

/// Rows of a table or chart, by their first cell (a chart's category).
fn rows(b: &Block) -> BTreeMap<String, Vec<String>> {
    match &b.content {
        Content::Table { rows, .. } => rows
            .iter()
            .map(|r| (r.first().cloned().unwrap_or_default(), r.clone()))
            .collect(),
        Content::Chart { chart, .. } => chart
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let values = chart
                    .series
                    .iter()
                    .map(|s| s.values.get(i).copied().unwrap_or(0.0).to_string())
                    .collect();
                (c.clone(), values)
            })
            .collect(),
        Content::Facts { .. } => BTreeMap::new(),
    }
}

/// What `now` changed since `before`.
pub fn changes(before: &Document, now: &Document) -> Changes {
    let narratives = now
        .sections
        .iter()
        .filter(|s| {
            before
                .sections
                .iter()
                .find(|b| b.section == s.section)
                .is_none_or(|b| b.narrative != s.narrative)
        })
        .map(|s| s.section)
        .collect();
    let old = blocks(before);
    let mut figures = Vec::new();
    let mut tables = Vec::new();
    for (key, b) in blocks(now) {
        let Some(o) = old.get(key) else { continue };
        if let (Content::Facts { facts: new }, Content::Facts { facts: was }) =
            (&b.content, &o.content)
        {
            for f in new {
                if let Some(w) = was.iter().find(|w| w.key == f.key) {
                    if w.text != f.text {
                        figures.push((f.label.clone(), w.text.clone(), f.text.clone()));
                    }
                }
            }
            continue;
        }
        let (r_new, r_old) = (rows(b), rows(o));
        let added = r_new.keys().filter(|k| !r_old.contains_key(*k)).count();
        let removed = r_old.keys().filter(|k| !r_new.contains_key(*k)).count();
        let changed = r_new
            .iter()
            .filter(|(k, v)| r_old.get(*k).is_some_and(|o| o != *v))
            .count();
        if added + removed + changed > 0 {
            tables.push((b.caption.clone(), added, removed, changed));
        }
    }
    Changes {
        since: before.version.unwrap_or(0),
        narratives,
        figures,
        tables,
    }
}
