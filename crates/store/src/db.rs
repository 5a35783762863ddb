//! Connection pools for both backends, the dispatch macros that run one SQL text on either, and
//! the small query builder used for dynamic filters.

use crate::error::{Result, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};
use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use time::Date;

pub(crate) static SQLITE_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("./migrations/sqlite");
pub(crate) static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("./migrations/postgres");

/// Which database engine a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The platform's database. Cheap to clone (it holds a connection pool).
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    /// Counts the write transactions this process committed, so caches of what was read
    /// can tell they are out of date.
    pub(crate) generation: Arc<AtomicU64>,
    /// The funding roll-ups held in memory for filtered summaries (`summaries.rs`).
    pub(crate) money_copy: Arc<tokio::sync::Mutex<Option<crate::money_copy::MoneyCopy>>>,
}

/// An open database transaction on either backend.
pub struct Tx {
    pub(crate) conn: TxConn,
    pub(crate) generation: Arc<AtomicU64>,
    /// What this transaction changed that the mandates' figures count, summed again just
    /// before it commits (`commit.rs`).
    pub(crate) stale: Stale,
    /// The programmes whose money this transaction changed, recorded as it commits
    /// (`summaries.rs`).
    pub(crate) money: MoneyChanges,
    /// The staging tables this transaction made for bulk loads on PostgreSQL (`dialect.rs`);
    /// they go away when it ends.
    pub(crate) staged: Vec<String>,
}

pub(crate) enum TxConn {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// Runs `$body` with `$p` bound to the pool of whichever backend `$store` uses. The body is
/// compiled once per backend, so one SQL text serves both.
macro_rules! on_pool {
    ($store:expr, $p:ident => $body:expr) => {
        match &$store.pool {
            $crate::db::Pool::Sqlite($p) => $body,
            $crate::db::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Runs `$body` with `$c` bound to the connection of an open transaction (use `&mut *$c`).
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut $tx.conn {
            $crate::db::TxConn::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::TxConn::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

/// Where a read runs: on the pool (a connection of its own) or inside an open transaction, so
/// that the record path reads what it is about to change in the transaction that changes it.
pub enum Db<'a> {
    Pool(&'a Store),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a mut Tx> for Db<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Db::Tx(tx)
    }
}

impl<'a> From<&'a Store> for Db<'a> {
    fn from(s: &'a Store) -> Self {
        Db::Pool(s)
    }
}

/// Runs `$body` with `$c` bound to a connection (use `&mut *$c`) of a [`Db`]: the open
/// transaction's, or one taken from the pool for the body's length. `$body` yields a
/// `Result<_, sqlx::Error>`.
macro_rules! on_db {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Pool(s) => match &s.pool {
                $crate::db::Pool::Sqlite(p) => match p.acquire().await {
                    Ok(mut conn) => {
                        let $c = &mut *conn;
                        $body
                    }
                    Err(e) => Err(e),
                },
                $crate::db::Pool::Postgres(p) => match p.acquire().await {
                    Ok(mut conn) => {
                        let $c = &mut *conn;
                        $body
                    }
                    Err(e) => Err(e),
                },
            },
            $crate::db::Db::Tx(t) => match &mut t.conn {
                $crate::db::TxConn::Sqlite(t) => {
                    let $c = &mut **t;
                    $body
                }
                $crate::db::TxConn::Postgres(t) => {
                    let $c = &mut **t;
                    $body
                }
            },
        }
    };
}
pub(crate) use on_db;

/// A bound value of a dynamically built query.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
    Real(Option<f64>),
    Date(Date),
    OptDate(Option<Date>),
    Bool(bool),
    Time(time::OffsetDateTime),
}

/// Binds every `Arg` of `$args` to `$q` (a `sqlx::query` or `query_as`), on either backend.
macro_rules! bind_args {
    ($q:expr, $args:expr) => {
        $crate::db::bind_args!($q, owned $args.iter().cloned())
    };
    // Moves the values in (no copies): `$args` is anything that iterates over owned `Arg`s.
    ($q:expr, owned $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                $crate::db::Arg::Text(v) => q.bind(v),
                $crate::db::Arg::OptText(v) => q.bind(v),
                $crate::db::Arg::Int(v) => q.bind(v),
                $crate::db::Arg::OptInt(v) => q.bind(v),
                $crate::db::Arg::Real(v) => q.bind(v),
                $crate::db::Arg::Date(v) => q.bind(v),
                $crate::db::Arg::OptDate(v) => q.bind(v),
                $crate::db::Arg::Bool(v) => q.bind(v),
                $crate::db::Arg::Time(v) => q.bind(v),
            };
        }
        q
    }};
}
pub(crate) use bind_args;

/// SQL text with numbered placeholders and the values bound to them.
#[derive(Debug, Default, Clone)]
pub(crate) struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    /// Appends a placeholder for `a` and remembers the value.
    pub fn arg(&mut self, a: Arg) -> &mut Self {
        self.args.push(a);
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    /// Appends `(p1, p2, …)` for a list of values.
    pub fn list(&mut self, items: impl IntoIterator<Item = Arg>) -> &mut Self {
        self.text.push('(');
        for (i, a) in items.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.arg(a);
        }
        self.text.push(')');
        self
    }
}

/// What a multi-row insert does with a row that conflicts with a stored one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnConflict<'a> {
    /// A row that breaks a constraint fails the statement.
    Refuse,
    /// A row whose `id` is stored already is skipped.
    SkipSameId,
    /// A row that breaks any unique constraint is skipped (`INSERT OR IGNORE` on SQLite, which
    /// needs no statement journal; `ON CONFLICT DO NOTHING` on PostgreSQL).
    SkipAnyConflict,
    /// An `ON CONFLICT …` clause, the same on both backends.
    Clause(&'a str),
}

/// Offset pagination with a bounded page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    pub const MAX_LIMIT: i64 = 1000;
    /// The deepest a list may be paged by offset (an offset makes the database walk past
    /// every skipped row): further, filters or the open data downloads serve.
    pub const MAX_OFFSET: i64 = 100_000;

    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Self {
        Self {
            limit: limit.unwrap_or(50).clamp(1, Self::MAX_LIMIT),
            offset: offset.unwrap_or(0).max(0),
        }
    }

    pub(crate) fn apply(&self, sql: &mut Sql) {
        sql.push(" LIMIT ")
            .arg(Arg::Int(self.limit))
            .push(" OFFSET ")
            .arg(Arg::Int(self.offset));
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::new(None, None)
    }
}

impl Store {
    /// Opens the database at `url`: `sqlite://FILE` (created when missing, WAL mode) or
    /// `postgres://…`. Does not migrate; call [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Self {
                pool: Pool::Postgres(pool),
                generation: Arc::default(),
                money_copy: Arc::default(),
            })
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-262144")
                .pragma("temp_store", "memory");
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await?;
            Ok(Self {
                pool: Pool::Sqlite(pool),
                generation: Arc::default(),
                money_copy: Arc::default(),
            })
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }

    /// A consistent copy of an SQLite database in a new file, taken while others read and
    /// write (`VACUUM INTO`: one read transaction, so the copy is of one moment).
    pub async fn backup_sqlite(&self, file: &str) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query("VACUUM INTO $1").bind(file).execute(p).await?;
                Ok(())
            }
            Pool::Postgres(_) => Err(StoreError::UnsupportedUrl(
                "an SQLite backup of a PostgreSQL database".to_owned(),
            )),
        }
    }

    /// SQLite's own check of every page and index: `ok`, or what is wrong.
    pub async fn integrity(&self) -> Result<String> {
        match &self.pool {
            Pool::Sqlite(p) => {
                let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_all(p)
                    .await?;
                Ok(lines.join("; "))
            }
            Pool::Postgres(_) => Ok("ok".to_owned()),
        }
    }

    /// Applies this backend's migrations up to `version` only: the schema of an earlier
    /// release, for the tests that upgrade one.
    pub async fn migrate_to(&self, version: i64) -> Result<()> {
        let upto = |m: &sqlx::migrate::Migrator| sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(
                m.iter().filter(|x| x.version <= version).cloned().collect(),
            ),
            ignore_missing: false,
            locking: true,
            no_tx: false,
        };
        match &self.pool {
            Pool::Sqlite(p) => upto(&SQLITE_MIGRATIONS).run(p).await?,
            Pool::Postgres(p) => upto(&POSTGRES_MIGRATIONS).run(p).await?,
        }
        Ok(())
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// How many write transactions this process has committed; it changes after every write,
    /// so a cache keyed by it never serves what a write of this process made stale.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Checks that the database answers (for `/healthz`).
    /// Connections open in the pool, and how many of them are idle.
    pub fn pool_size(&self) -> (u32, usize) {
        match &self.pool {
            Pool::Sqlite(p) => (p.size(), p.num_idle()),
            Pool::Postgres(p) => (p.size(), p.num_idle()),
        }
    }

    /// Whether every migration this build knows has been applied to the database.
    pub async fn migrations_current(&self) -> Result<bool> {
        let (known, applied): (Vec<i64>, Vec<i64>) = match &self.pool {
            Pool::Sqlite(p) => (
                SQLITE_MIGRATIONS.iter().map(|m| m.version).collect(),
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(p)
                    .await?,
            ),
            Pool::Postgres(p) => (
                POSTGRES_MIGRATIONS.iter().map(|m| m.version).collect(),
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(p)
                    .await?,
            ),
        };
        Ok(known.iter().all(|v| applied.contains(v)))
    }

    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// One page of a filtered list, and how many rows the filter selects in all. `filtered` is
    /// ` FROM table alias WHERE …`; `joins` come after the table for the listing only (the count
    /// needs none).
    pub(crate) async fn page_of<R>(
        &self,
        columns: &str,
        filtered: Sql,
        joins: &str,
        order: &str,
        page: Page,
    ) -> Result<(Vec<R>, i64)>
    where
        R: Send
            + Unpin
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        let count_sql = format!("SELECT COUNT(*){}", filtered.text);
        let total: i64 = on_pool!(self, p => bind_args!(sqlx::query_scalar(&count_sql), filtered.args).fetch_one(p).await)?;
        let from = match filtered.text.find(" WHERE ") {
            Some(i) => format!("{}{joins}{}", &filtered.text[..i], &filtered.text[i..]),
            None => format!("{}{joins}", filtered.text),
        };
        let mut list = Sql {
            text: format!("SELECT {columns}{from} ORDER BY {order}"),
            args: filtered.args,
        };
        page.apply(&mut list);
        let rows = on_pool!(self, p => bind_args!(sqlx::query_as::<_, R>(&list.text), list.args).fetch_all(p).await)?;
        Ok((rows, total))
    }

    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
    }
}

/// The current time, for `updated_at` columns.
pub(crate) fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// Parses an id stored as text.
pub(crate) fn parse_id<T: FromStr>(s: &str) -> Result<T> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad id {s:?}")))
}

/// Above this many programmes or mandates, the figures of every mandate are summed again (one
/// pass is then cheaper than many lists).
pub(crate) const MANY: usize = 500;

/// What a transaction changed that the mandates' figures count (see `mandate_figures.rs`).
#[derive(Debug, Default)]
pub(crate) struct Stale {
    pub(crate) all: bool,
    pub(crate) programmes: BTreeSet<String>,
    pub(crate) mandates: BTreeSet<String>,
}

impl Stale {
    /// Everything may have changed (a rebuild of the counts by status).
    pub(crate) fn everything(&mut self) {
        self.all = true;
        self.programmes.clear();
        self.mandates.clear();
    }

    /// A programme's money, indicators, or paragraphs changed.
    pub(crate) fn programme(&mut self, id: &str) {
        if !self.all {
            self.programmes.insert(id.to_owned());
            if self.programmes.len() > MANY {
                self.everything();
            }
        }
    }

    /// These mandates lost or gained a programme or an indicator.
    pub(crate) fn mandates(&mut self, ids: impl IntoIterator<Item = String>) {
        if !self.all {
            self.mandates.extend(ids);
            if self.mandates.len() > MANY {
                self.everything();
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        !self.all && self.programmes.is_empty() && self.mandates.is_empty()
    }
}

/// The programmes whose money a transaction changed (`Tx::money`), recorded as it commits
/// (`summaries.rs`).
#[derive(Debug, Default)]
pub(crate) struct MoneyChanges {
    pub(crate) all: bool,
    pub(crate) programmes: BTreeSet<String>,
}

impl MoneyChanges {
    pub(crate) fn programme(&mut self, id: &str) {
        if !self.all {
            self.programmes.insert(id.to_owned());
            if self.programmes.len() > MANY {
                self.everything();
            }
        }
    }

    pub(crate) fn everything(&mut self) {
        self.all = true;
        self.programmes.clear();
    }
}
