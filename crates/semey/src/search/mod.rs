//! One search box across everything: programmes, organisations, places, services, mandates,
//! meetings, decisions and indicators, ranked together in four languages.
//!
//! The index is derived data. Each application server keeps its own (in memory, or in
//! `search_dir` so a restart only catches up) and follows the database's change feed
//! (`search_changes`, written by triggers inside every writing transaction): `feed.rs` reads
//! it without skipping numbers whose transactions commit late, `sources.rs` turns each named
//! record into documents, `index.rs` writes and queries tantivy, `analysis.rs` makes words.

mod analysis;
mod feed;
mod index;
pub mod judged;
mod model;
mod sources;

pub use analysis::Analysis;
pub use model::{
    Facet, Hit, Rules, SearchAnswer, SearchDoc, SearchQuery, Snippet, MAX_LIMIT, MAX_QUERY_CHARS,
};

use crate::import::Progress;
use crate::AppError;
use feed::Follower;
use semey_store::Store;
use std::path::Path;
use std::sync::Arc;

/// How often a server looks at the feed when nobody searches.
pub const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_millis(500);
/// How long the feed keeps its rows (a server away longer rebuilds its index).
pub const FEED_KEEP: time::Duration = time::Duration::days(7);
/// How often a server prunes the feed.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

struct Inner {
    index: index::TextIndex,
    follower: tokio::sync::Mutex<Follower>,
    /// Catch-ups asked for so far, by number.
    asked: std::sync::atomic::AtomicU64,
    /// Every catch-up asked for up to this number has been served by one that began after it
    /// was asked: a search waits for this to pass its own number, so it sees every record
    /// committed before it began (an upload is found by the next search on this server).
    served: std::sync::atomic::AtomicU64,
}

/// This server's search: its index and its place in the change feed.
#[derive(Clone)]
pub struct Search(Arc<Inner>);

impl Search {
    /// Opens the index (in `dir`, or in memory); it catches up with the database before the
    /// first answer.
    pub fn open(dir: Option<&Path>) -> Result<Self, AppError> {
        Self::open_with(dir, Rules::default())
    }

    /// Opens an index with some of our word rules left out (`semey search judge` measures
    /// what each brings on the judged set).
    pub fn open_with(dir: Option<&Path>, rules: Rules) -> Result<Self, AppError> {
        let (index, position) = index::TextIndex::open(dir, rules)?;
        Ok(Search(Arc::new(Inner {
            index,
            follower: tokio::sync::Mutex::new(Follower::new(position)),
            asked: std::sync::atomic::AtomicU64::new(0),
            served: std::sync::atomic::AtomicU64::new(0),
        })))
    }

    /// How many documents searches see now.
    pub fn len(&self) -> u64 {
        self.0.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Applies what the feed holds that this index has not seen (rebuilding first when it has
    /// never been built, fell behind the feed's pruning, or was asked to). When it returns, the
    /// index holds every record committed before it was called. Callers arriving while a
    /// catch-up runs wait, and the next catch-up serves all of them at once.
    pub async fn catch_up(&self, store: &Store) -> Result<(), AppError> {
        use std::sync::atomic::Ordering;
        let ticket = self.0.asked.fetch_add(1, Ordering::AcqRel) + 1;
        let mut follower = self.0.follower.lock().await;
        if self.0.served.load(Ordering::Acquire) >= ticket {
            // A catch-up that began after this one was asked has finished.
            return Ok(());
        }
        // Everyone who asked up to now is served by a catch-up beginning now.
        let upto = self.0.asked.load(Ordering::Acquire);
        follower
            .catch_up(store, &self.0.index, &mut crate::import::Quiet)
            .await?;
        self.0.served.fetch_max(upto, Ordering::AcqRel);
        Ok(())
    }

    /// Rebuilds the whole index from the database, reporting progress.
    pub async fn rebuild(
        &self,
        store: &Store,
        progress: &mut dyn Progress,
    ) -> Result<u64, AppError> {
        let mut follower = self.0.follower.lock().await;
        follower.rebuild(store, &self.0.index, progress).await?;
        Ok(self.len())
    }

    /// Follows the feed for as long as the server runs.
    pub fn follow(&self, store: Store) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            let mut pruned = std::time::Instant::now() - PRUNE_EVERY;
            loop {
                if let Err(e) = me.catch_up(&store).await {
                    tracing::warn!(error = %e, "the search index could not follow the database");
                }
                if pruned.elapsed() >= PRUNE_EVERY {
                    pruned = std::time::Instant::now();
                    let before = time::OffsetDateTime::now_utc() - FEED_KEEP;
                    if let Err(e) = store.prune_search_changes(before).await {
                        tracing::warn!(error = %e, "the search feed could not be pruned");
                    }
                }
                tokio::time::sleep(FOLLOW_EVERY).await;
            }
        })
    }

    /// Answers a question from what the index holds after catching up.
    pub async fn search(&self, store: &Store, q: SearchQuery) -> Result<SearchAnswer, AppError> {
        q.check()?;
        self.catch_up(store).await?;
        let me = self.clone();
        tokio::task::spawn_blocking(move || me.0.index.search(&q))
            .await
            .map_err(|e| AppError::Io(std::io::Error::other(e)))?
    }

    /// Asks every judged question and scores the answers.
    pub async fn judge(
        &self,
        store: &Store,
        set: &[judged::Judged],
    ) -> Result<Vec<judged::Scored>, AppError> {
        let mut out = Vec::with_capacity(set.len());
        for j in set {
            let answer = self.search(store, judged::question(j)).await?;
            out.push(judged::score(j, answer.total, &answer.hits));
        }
        Ok(out)
    }
}
