//! Security events in bounded storage: one row per hour, source, action and target with a
//! count, so a flood of made-up tokens or wrong passwords adds to counts instead of rows.
//! Bounds, per hour: `TARGETS_PER_SOURCE` targets a source (after which its other targets are
//! counted under `OTHER_TARGETS`), `SOURCES_PER_HOUR` sources (after which the others are
//! counted under `OTHER_SOURCES`); hours older than `KEEP_DAYS` are pruned whenever a new
//! hour begins. At most about `SOURCES_PER_HOUR × TARGETS_PER_SOURCE × actions` rows an hour.

use crate::accounts::stamp;
use crate::db::{on_pool, on_tx, Tx};
use crate::error::Result;
use crate::Store;
use time::OffsetDateTime;

/// Targets kept apart per source, action and hour.
pub const TARGETS_PER_SOURCE: i64 = 20;
/// Sources kept apart per hour.
pub const SOURCES_PER_HOUR: i64 = 2000;
/// Days an hour's events are kept.
pub const KEEP_DAYS: i64 = 90;
/// Where a source's further targets are counted.
pub const OTHER_TARGETS: &str = "…";
/// Where further sources are counted.
pub const OTHER_SOURCES: &str = "*";
/// The longest target kept (a path, a hashed e-mail address).
const TARGET_CHARS: usize = 200;

/// One security event to record.
#[derive(Debug, Clone)]
pub struct SecurityEventInput<'a> {
    pub address: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub user_id: Option<String>,
    pub detail: Option<String>,
}

/// One stored row: how often an event came from a source in an hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityEvent {
    pub hour: String,
    pub address: String,
    pub action: String,
    pub target: String,
    pub user_id: Option<String>,
    pub count: i64,
    pub first_at: String,
    pub last_at: String,
    pub detail: Option<String>,
}

impl Store {
    /// Counts one security event in `tx` (its caller commits with `commit_unseen`: no page
    /// shows these).
    pub async fn record_security_event(
        &self,
        tx: &mut Tx,
        e: &SecurityEventInput<'_>,
    ) -> Result<()> {
        let now = OffsetDateTime::now_utc();
        let at = stamp(now);
        // The hour as its first second: "2026-12-03T01:00:00Z".
        let hour = format!("{}:00:00Z", &at[..13]);
        let target: String = e.target.chars().take(TARGET_CHARS).collect();
        let (mut address, mut target) = (e.address.to_owned(), target);
        let known: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT count FROM security_events WHERE hour = $1 AND address = $2 AND action = $3 AND target = $4")
            .bind(&hour).bind(&address).bind(e.action).bind(&target).fetch_optional(&mut *c).await)?;
        if known.is_none() {
            let sources: i64 = on_tx!(tx, c => sqlx::query_scalar(
                "SELECT COUNT(DISTINCT address) FROM security_events WHERE hour = $1")
                .bind(&hour).fetch_one(&mut *c).await)?;
            let this_source: i64 = on_tx!(tx, c => sqlx::query_scalar(
                "SELECT COUNT(*) FROM security_events WHERE hour = $1 AND address = $2 AND action = $3")
                .bind(&hour).bind(&address).bind(e.action).fetch_one(&mut *c).await)?;
            if this_source == 0 && sources >= SOURCES_PER_HOUR {
                (address, target) = (OTHER_SOURCES.to_owned(), OTHER_SOURCES.to_owned());
            } else if this_source >= TARGETS_PER_SOURCE {
                target = OTHER_TARGETS.to_owned();
            }
            if sources == 0 {
                // A new hour: the oldest hours go.
                let cutoff = stamp(now - time::Duration::days(KEEP_DAYS));
                on_tx!(tx, c => sqlx::query("DELETE FROM security_events WHERE hour < $1")
                    .bind(&cutoff).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO security_events (hour, address, action, target, user_id, count, first_at, last_at, detail) \
             VALUES ($1, $2, $3, $4, $5, 1, $6, $6, $7) \
             ON CONFLICT (hour, address, action, target) DO UPDATE SET count = security_events.count + 1, \
             last_at = excluded.last_at, detail = excluded.detail, \
             user_id = COALESCE(excluded.user_id, security_events.user_id)")
            .bind(&hour).bind(&address).bind(e.action).bind(&target).bind(&e.user_id)
            .bind(&at).bind(&e.detail).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Counts one sign-in attempt from `address` in `tx` (committed with `commit_unseen`) and
    /// returns the attempts counted in the address's current window of `window`: one atomic
    /// upsert, so attempts on several servers at once each count. A window that has passed
    /// starts again at one; the first attempt of a window removes windows long past.
    pub async fn count_sign_in_attempt(
        &self,
        tx: &mut Tx,
        address: &str,
        window: time::Duration,
    ) -> Result<i64> {
        let now = OffsetDateTime::now_utc();
        let (at, since) = (stamp(now), stamp(now - window));
        let address: String = address.chars().take(TARGET_CHARS).collect();
        let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
            "INSERT INTO sign_in_attempts (address, window_start, count) VALUES ($1, $2, 1) \
             ON CONFLICT (address) DO UPDATE SET \
             count = CASE WHEN sign_in_attempts.window_start <= $3 THEN 1 ELSE sign_in_attempts.count + 1 END, \
             window_start = CASE WHEN sign_in_attempts.window_start <= $3 THEN excluded.window_start \
             ELSE sign_in_attempts.window_start END \
             RETURNING count")
            .bind(&address).bind(&at).bind(&since).fetch_one(&mut *c).await)?;
        if n == 1 {
            on_tx!(tx, c => sqlx::query("DELETE FROM sign_in_attempts WHERE window_start <= $1")
                .bind(&since).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(n)
    }

    /// The security events of the last hours, newest first: up to `limit` rows, optionally of
    /// one action.
    pub async fn list_security_events(
        &self,
        action: Option<&str>,
        limit: i64,
    ) -> Result<Vec<SecurityEvent>> {
        type Row = (
            String,
            String,
            String,
            String,
            Option<String>,
            i64,
            String,
            String,
            Option<String>,
        );
        let rows: Vec<Row> = on_pool!(self, p => sqlx::query_as(
            "SELECT hour, address, action, target, user_id, count, first_at, last_at, detail \
             FROM security_events WHERE ($1 = '' OR action = $1) ORDER BY last_at DESC, id DESC LIMIT $2")
            .bind(action.unwrap_or("")).bind(limit.clamp(1, 10_000)).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|r| SecurityEvent {
                hour: r.0,
                address: r.1,
                action: r.2,
                target: r.3,
                user_id: r.4,
                count: r.5,
                first_at: r.6,
                last_at: r.7,
                detail: r.8,
            })
            .collect())
    }
}
