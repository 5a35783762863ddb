//! Following the change feed without skipping a row whose transaction commits late.
//!
//! Numbers are drawn when a row is inserted, and transactions commit in any order: a reader
//! may see 12 before 11. The follower keeps `position` (every number up to it is applied) and
//! the numbers it has applied above it; a number missing below the highest seen is a gap,
//! kept open until it fills or until every transaction that could still write it has ended
//! (PostgreSQL's snapshot says so: `FeedRead::horizon`), and re-read from `position` on until
//! then.

use super::index::TextIndex;
use super::sources;
use crate::import::Progress;
use crate::AppError;
use semey_domain::search::SearchKind;
use semey_store::{SearchChange, Store, SEARCH_REBUILD};
use std::collections::{BTreeMap, BTreeSet};

/// Feed rows read at once.
const BATCH: i64 = 2000;
/// Records read from the database at once during a rebuild.
const REBUILD_BATCH: i64 = 500;

pub struct Follower {
    /// Every number up to here is applied; `None` until the index has been built.
    position: Option<i64>,
    /// Numbers applied above `position`.
    applied: BTreeSet<i64>,
    /// Missing numbers below the highest applied, each with the first transaction not yet
    /// begun when it was noticed missing.
    gaps: BTreeMap<i64, i64>,
}

impl Follower {
    pub fn new(position: Option<i64>) -> Self {
        Self {
            position,
            applied: BTreeSet::new(),
            gaps: BTreeMap::new(),
        }
    }

    pub async fn catch_up(
        &mut self,
        store: &Store,
        index: &TextIndex,
        progress: &mut dyn Progress,
    ) -> Result<(), AppError> {
        let position = match self.position {
            // The feed was pruned past this index's position: it cannot catch up.
            Some(p)
                if store
                    .search_feed_bounds()
                    .await?
                    .is_some_and(|(first, _)| first > p + 1) =>
            {
                None
            }
            other => other,
        };
        let Some(mut position) = position else {
            return self.rebuild(store, index, progress).await;
        };
        // Each catch-up reads again from the position (a gap below may have filled), a page
        // at a time to the end of the feed.
        let mut cursor = position;
        loop {
            let read = store.search_changes_after(cursor, BATCH).await?;
            let fresh: Vec<&SearchChange> = read
                .changes
                .iter()
                .filter(|c| !self.applied.contains(&c.seq))
                .collect();
            if fresh.iter().any(|c| c.kind == SEARCH_REBUILD) {
                return self.rebuild(store, index, progress).await;
            }
            // Each record once, however often it was written.
            let records: BTreeSet<(&str, &str)> = fresh
                .iter()
                .map(|c| (c.kind.as_str(), c.record_id.as_str()))
                .collect();
            for (kind, id) in records {
                if let Some(kind) = SearchKind::from_feed_name(kind) {
                    let docs = sources::documents(store, kind, id).await?;
                    index.replace(&group(kind, id), &docs)?;
                }
            }
            self.applied.extend(fresh.iter().map(|c| c.seq));
            let highest = read.changes.last().map(|c| c.seq);
            cursor = highest.unwrap_or(cursor);
            // Gaps: numbers missing below the highest row read.
            if let Some(highest) = highest {
                let noticed = read.horizon.map_or(i64::MIN, |(_, next)| next);
                let mut n = position + 1;
                while n < highest {
                    if !self.applied.contains(&n) {
                        self.gaps.entry(n).or_insert(noticed);
                    }
                    n += 1;
                }
            }
            for seq in &self.applied {
                self.gaps.remove(seq);
            }
            // A gap no running transaction can fill any more will never fill.
            let oldest_running = read.horizon.map_or(i64::MAX, |(running, _)| running);
            self.gaps.retain(|_, noticed| oldest_running < *noticed);
            let before = position;
            while let Some(&next) = self.applied.first() {
                if self
                    .gaps
                    .first_key_value()
                    .is_some_and(|(&gap, _)| gap < next)
                {
                    break;
                }
                // Every number between is applied, given up, or was never drawn.
                position = next;
                self.applied.pop_first();
            }
            if position != before || !fresh.is_empty() {
                index.commit(position)?;
                self.position = Some(position);
            }
            if (read.changes.len() as i64) < BATCH {
                return Ok(());
            }
        }
    }

    /// Empties the index and writes every record again; the feed's rows from before the
    /// rebuild began are then already in it.
    pub async fn rebuild(
        &mut self,
        store: &Store,
        index: &TextIndex,
        progress: &mut dyn Progress,
    ) -> Result<(), AppError> {
        let start = store
            .search_feed_bounds()
            .await?
            .map_or(0, |(_, last)| last);
        index.clear()?;
        let mut total = 0;
        for kind in SearchKind::ALL {
            total += store.search_count(kind).await?;
        }
        progress.start("indexing", total as u64);
        let mut done = 0u64;
        for kind in SearchKind::ALL {
            let mut after = String::new();
            loop {
                let ids = store.search_ids(kind, &after, REBUILD_BATCH).await?;
                for id in &ids {
                    let docs = sources::documents(store, kind, id).await?;
                    index.replace(&group(kind, id), &docs)?;
                    done += 1;
                }
                progress.set(done);
                match ids.last() {
                    Some(last) if ids.len() as i64 == REBUILD_BATCH => after = last.clone(),
                    _ => break,
                }
            }
        }
        index.commit(start)?;
        progress.finish();
        // Rows written while the rebuild read are applied again on the next catch-up (applying
        // a row twice writes the same documents).
        self.position = Some(start);
        self.applied.clear();
        self.gaps.clear();
        Ok(())
    }
}

fn group(kind: SearchKind, id: &str) -> String {
    format!("{}:{id}", kind.feed_name())
}
