//! The search index's change feed (`search_changes`, written by triggers on every searchable
//! table: migration 0024) and the ids a rebuild walks through. The index itself is derived
//! data kept by each application server; nothing here knows about it.

use crate::db::{on_pool, Pool, Store};
use crate::error::Result;
use semey_domain::search::SearchKind;

/// One row of the feed: a record of this kind and id was written (or deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    /// The kind's feed name (`SearchKind::feed_name`), or `*` for a rebuild.
    pub kind: String,
    pub record_id: String,
}

/// One read of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRead {
    pub changes: Vec<Change>,
    /// PostgreSQL: the snapshot's lowest transaction still running and the first not yet
    /// begun when the rows were read. A number missing below the highest row read belongs to
    /// a transaction that was running (or rolled back); once a later read's lowest running
    /// transaction is at or past the earlier read's first unbegun one, every transaction that
    /// could have written it has ended, and a number still missing never will be.
    /// `None` (SQLite): nothing can be missing.
    pub horizon: Option<(i64, i64)>,
}

/// The kind a feed row asking every server to rebuild its index carries.
pub const REBUILD: &str = "*";

/// The table that holds each kind's records.
fn table(kind: SearchKind) -> &'static str {
    match kind {
        SearchKind::Programme => "programmes",
        SearchKind::Organisation => "organisations",
        SearchKind::Place => "places",
        SearchKind::Service => "services",
        SearchKind::Mandate => "mandates",
        SearchKind::Meeting => "meetings",
        SearchKind::Decision => "decisions",
        SearchKind::Document => "documents",
        SearchKind::Result => "results",
    }
}

impl Store {
    /// Up to `limit` feed rows after `after`, in sequence order, and what was still running
    /// when they were read (see [`FeedRead`]).
    pub async fn search_changes_after(&self, after: i64, limit: i64) -> Result<FeedRead> {
        type Row = (
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<i64>,
        );
        let rows: Vec<Row> = match &self.pool {
            // Writers take the database's one write lock and commit in the order they took it:
            // a row is never seen before a row of a smaller number that will still commit.
            Pool::Sqlite(p) => sqlx::query_as(
                "SELECT seq, kind, record_id, NULL, NULL FROM search_changes WHERE seq > $1 ORDER BY seq LIMIT $2")
                .bind(after).bind(limit).fetch_all(p).await?,
            // One statement, one snapshot: the rows and the transactions it could not see.
            Pool::Postgres(p) => sqlx::query_as(
                "SELECT c.seq, c.kind, c.record_id, s.lo, s.hi FROM \
                 (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS lo, \
                         pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS hi) s \
                 LEFT JOIN search_changes c ON c.seq > $1 ORDER BY c.seq LIMIT $2")
                .bind(after).bind(limit).fetch_all(p).await?,
        };
        let horizon = rows.first().and_then(|r| r.3.zip(r.4));
        let changes = rows
            .into_iter()
            .filter_map(|(seq, kind, record_id, _, _)| {
                Some(Change {
                    seq: seq?,
                    kind: kind?,
                    record_id: record_id?,
                })
            })
            .collect();
        Ok(FeedRead { changes, horizon })
    }

    /// The feed's first and last sequence numbers (`None` when it is empty).
    pub async fn search_feed_bounds(&self) -> Result<Option<(i64, i64)>> {
        let row: (Option<i64>, Option<i64>) = on_pool!(self, p => sqlx::query_as(
            "SELECT (SELECT MIN(seq) FROM search_changes), (SELECT MAX(seq) FROM search_changes)").fetch_one(p).await)?;
        Ok(row.0.zip(row.1))
    }

    /// Asks every server following the feed to rebuild its index from the database.
    pub async fn request_search_rebuild(&self) -> Result<()> {
        on_pool!(self, p => sqlx::query("INSERT INTO search_changes (kind, record_id) VALUES ($1, $1)")
            .bind(REBUILD).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Drops feed rows written before `before`, all but the newest (which says where the
    /// feed stands): servers further behind rebuild.
    pub async fn prune_search_changes(&self, before: time::OffsetDateTime) -> Result<u64> {
        let n = on_pool!(self, p => sqlx::query(
            "DELETE FROM search_changes WHERE at < $1 AND seq < (SELECT MAX(seq) FROM search_changes)")
            .bind(crate::accounts::stamp(before)).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(n)
    }

    /// Up to `limit` ids of a kind's records after `after` in id order (a rebuild's walk).
    pub async fn search_ids(
        &self,
        kind: SearchKind,
        after: &str,
        limit: i64,
    ) -> Result<Vec<String>> {
        let sql = format!(
            "SELECT id FROM {} WHERE id > $1 ORDER BY id LIMIT $2",
            table(kind)
        );
        let rows: Vec<(String,)> =
            on_pool!(self, p => sqlx::query_as(&sql).bind(after).bind(limit).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// How many records of a kind there are (a rebuild's progress bar).
    pub async fn search_count(&self, kind: SearchKind) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {}", table(kind));
        let row: (i64,) = on_pool!(self, p => sqlx::query_as(&sql).fetch_one(p).await)?;
        Ok(row.0)
    }
}
