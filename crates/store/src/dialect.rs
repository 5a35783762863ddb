//! Every place where SQLite and PostgreSQL need something different, so the rest of the store
//! writes one SQL text for both: how a write transaction starts, multi-row inserts that skip
//! present rows (through `COPY` on PostgreSQL for bulk loads), bulk-load settings, and text
//! aggregation for exports.

use crate::db::{bind_args, on_tx, Arg, OnConflict, Pool, Store, Tx, TxConn};

/// Values bound to one statement at most: under SQLite's limit (32 766) and PostgreSQL's (65 535).
const MAX_BOUND_VALUES: usize = 30_000;
use crate::error::Result;

impl Store {
    /// Opens a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): the record path reads what it changes inside its transaction, and a
    /// deferred transaction that read before another writer committed could not write at all.
    pub async fn begin(&self) -> Result<Tx> {
        let conn = match &self.pool {
            Pool::Sqlite(p) => TxConn::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => TxConn::Postgres(p.begin().await?),
        };
        Ok(Tx {
            conn,
            generation: self.generation.clone(),
            stale: Default::default(),
            money: Default::default(),
            staged: Vec::new(),
        })
    }

    /// Opens a transaction that only reads (it takes no write lock on SQLite).
    pub async fn begin_read(&self) -> Result<Tx> {
        let conn = match &self.pool {
            Pool::Sqlite(p) => TxConn::Sqlite(p.begin().await?),
            Pool::Postgres(p) => TxConn::Postgres(p.begin().await?),
        };
        Ok(Tx {
            conn,
            generation: self.generation.clone(),
            stale: Default::default(),
            money: Default::default(),
            staged: Vec::new(),
        })
    }

    /// A multi-row `INSERT … VALUES (…), (…)` of `rows` rows of `cols` columns.
    ///
    /// Where the backends differ: SQLite gets anonymous `?` placeholders, because sqlx looks up
    /// every numbered parameter's name, a linear scan in SQLite that makes a statement of
    /// thousands of `$n` parameters quadratic (measured: 300 µs a row at 500 rows a statement);
    /// and rows to skip when present are `INSERT OR IGNORE` on SQLite (with foreign keys deferred
    /// to the commit, no row can then abort the statement, so SQLite keeps no statement journal)
    /// and `ON CONFLICT (id) DO NOTHING` on PostgreSQL.
    pub(crate) fn multi_insert_sql(
        &self,
        table: &str,
        columns: &str,
        cols: usize,
        rows: usize,
        conflict: OnConflict<'_>,
    ) -> String {
        let sqlite = matches!(self.pool, Pool::Sqlite(_));
        let verb = if sqlite
            && matches!(
                conflict,
                OnConflict::SkipSameId | OnConflict::SkipAnyConflict
            ) {
            "INSERT OR IGNORE"
        } else {
            "INSERT"
        };
        let mut s = format!("{verb} INTO {table} ({columns}) VALUES ");
        let mut n = 0;
        for r in 0..rows {
            s.push_str(if r > 0 { ", (" } else { "(" });
            for c in 0..cols {
                if c > 0 {
                    s.push_str(", ");
                }
                n += 1;
                if sqlite {
                    s.push('?');
                } else {
                    s.push_str(&format!("${n}"));
                }
            }
            s.push(')');
        }
        s.push_str(&conflict_clause(conflict, sqlite));
        s
    }

    /// The statements of a multi-row insert of rows of `cols` values into `table`,
    /// `per_statement` rows to a statement.
    pub(crate) fn multi_insert<'a>(
        &'a self,
        table: &'a str,
        columns: &'a str,
        cols: usize,
        per_statement: usize,
        conflict: OnConflict<'a>,
    ) -> MultiInsert<'a> {
        MultiInsert {
            store: self,
            table,
            columns,
            cols,
            per_statement,
            conflict,
            full: self.multi_insert_sql(table, columns, cols, per_statement, conflict),
            bulk: Bulk::No,
        }
    }

    /// A multi-row insert for a bulk load, each backend's fastest way in, ten thousand rows
    /// at a time ([`MultiInsert::run_moved`]):
    /// - SQLite: a statement of a few rows prepared once and stepped for each few rows on the
    ///   connection's own handle, the values bound where they lie (`sqlite_bulk.rs`).
    ///   Measured on an import of a million transactions: rows written in 4.5 s against
    ///   7.7–9.5 s through sqlx's 500-row statements, the whole import 8.0–8.7 s against
    ///   13.3–14.7 s (`bench/RESULTS.md`).
    /// - PostgreSQL: `COPY` into a staging table of the same columns, then one `INSERT …
    ///   SELECT` that applies `conflict` (a `COPY` cannot skip or update a present row).
    ///   Measured on the same import: 30.6 s against 36.9 s with multi-row statements; most of
    ///   the rest is PostgreSQL checking the foreign keys row by row (`bench/RESULTS.md`).
    pub(crate) fn bulk_insert<'a>(
        &'a self,
        table: &'a str,
        columns: &'a str,
        cols: usize,
        conflict: OnConflict<'a>,
    ) -> MultiInsert<'a> {
        let bulk = match self.pool {
            Pool::Sqlite(_) => {
                let rows = step_rows(cols);
                Bulk::Steps {
                    many: self.multi_insert_sql(table, columns, cols, rows, conflict),
                    rows,
                    one: self.multi_insert_sql(table, columns, cols, 1, conflict),
                }
            }
            Pool::Postgres(_) => Bulk::Copy,
        };
        MultiInsert {
            store: self,
            table,
            columns,
            cols,
            per_statement: BULK_ROWS,
            conflict,
            full: String::new(),
            bulk,
        }
    }

    /// Inserts rows of `cols` values each, given one after another in `args`, in as few
    /// statements as the backends' limits on bound values allow. Returns the rows inserted.
    pub(crate) async fn insert_all(
        &self,
        tx: &mut Tx,
        table: &str,
        columns: &str,
        cols: usize,
        args: &[Arg],
        conflict: OnConflict<'_>,
    ) -> Result<u64> {
        debug_assert_eq!(args.len() % cols, 0, "{table}: whole rows");
        let insert = self.multi_insert(table, columns, cols, rows_per_statement(cols), conflict);
        let mut inserted = 0;
        for chunk in args.chunks(insert.per_statement * cols) {
            let sql = insert.sql(chunk.len() / cols);
            inserted += on_tx!(tx, c => bind_args!(sqlx::query(&sql), chunk).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(inserted)
    }

    /// Before a bulk write: on SQLite, foreign keys are checked at the commit (still enforced:
    /// a missing reference fails the commit), so no row can abort a statement and SQLite keeps
    /// no statement journal; PostgreSQL checks each statement as usual.
    pub(crate) async fn defer_foreign_keys(&self, tx: &mut Tx) -> Result<()> {
        if let TxConn::Sqlite(t) = &mut tx.conn {
            sqlx::query("PRAGMA defer_foreign_keys = ON")
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    /// Around a bulk load: on SQLite a smaller page cache while it runs (a load touches many
    /// pages once; the pool's connections otherwise keep 256 MB for reading), the reading size
    /// after. PostgreSQL's buffers are the server's.
    pub async fn bulk_load_cache(&self, tx: &mut Tx, loading: bool) -> Result<()> {
        if let TxConn::Sqlite(t) = &mut tx.conn {
            let sql = if loading {
                "PRAGMA cache_size = -65536"
            } else {
                "PRAGMA cache_size = -262144"
            };
            sqlx::query(sql).execute(&mut **t).await?;
        }
        Ok(())
    }

    /// The year of a date column, as an integer.
    pub(crate) fn year_of(&self, expr: &str) -> String {
        match self.pool {
            Pool::Sqlite(_) => format!("CAST(substr({expr}, 1, 4) AS INTEGER)"),
            Pool::Postgres(_) => format!("CAST(EXTRACT(YEAR FROM {expr}) AS BIGINT)"),
        }
    }

    /// An aggregate joining `expr` as text over a group's rows in id order, separated by the
    /// unit separator (U+001F).
    pub(crate) fn text_agg(&self, expr: &str) -> String {
        self.text_agg_by(expr, 31)
    }

    /// The values of `expr` in the rows' `id` order, joined by the character `separator`.
    pub(crate) fn text_agg_by(&self, expr: &str, separator: u8) -> String {
        match self.pool {
            Pool::Sqlite(_) => format!("group_concat({expr}, char({separator}))"),
            Pool::Postgres(_) => {
                format!("string_agg(CAST({expr} AS TEXT), chr({separator}) ORDER BY id)")
            }
        }
    }

    /// The values of `expr` in no particular order, joined by `separator`.
    pub(crate) fn text_agg_unordered(&self, expr: &str, separator: char) -> String {
        match self.pool {
            Pool::Sqlite(_) => format!("group_concat({expr}, '{separator}')"),
            Pool::Postgres(_) => format!("string_agg({expr}, '{separator}')"),
        }
    }

    /// The values of `expr` in the order the rows come (the subquery's `ORDER BY`), joined by
    /// the character `separator`.
    pub(crate) fn text_agg_in_order(&self, expr: &str, separator: u8) -> String {
        match self.pool {
            Pool::Sqlite(_) => format!("group_concat({expr}, char({separator}))"),
            // PostgreSQL does not promise to keep a subquery's order in an aggregate: the rows'
            // numbers ([`Store::row_numbers`]) state it again.
            Pool::Postgres(_) => {
                format!("string_agg(CAST({expr} AS TEXT), chr({separator}) ORDER BY n)")
            }
        }
    }

    /// For [`Store::text_agg_in_order`]: a column `n` numbering the rows in `order` where the
    /// backend needs it (`, row_number() OVER (…) AS n`), nothing on SQLite.
    pub(crate) fn row_numbers(&self, order: &str) -> String {
        match self.pool {
            Pool::Sqlite(_) => String::new(),
            Pool::Postgres(_) => format!(", row_number() OVER (ORDER BY {order}) AS n"),
        }
    }

    /// `expr` as text, empty when NULL.
    pub(crate) fn text_or_empty(&self, expr: &str) -> String {
        match self.pool {
            Pool::Sqlite(_) => format!("coalesce({expr}, '')"),
            Pool::Postgres(_) => format!("coalesce(CAST({expr} AS TEXT), '')"),
        }
    }

    /// Keeps other transactions from writing `table` until `tx` ends (reads go on). On SQLite
    /// the write transaction's lock does that already.
    pub(crate) async fn lock_against_writes(&self, tx: &mut Tx, table: &str) -> Result<()> {
        if let TxConn::Postgres(t) = &mut tx.conn {
            sqlx::query(&format!("LOCK TABLE {table} IN EXCLUSIVE MODE"))
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }
}

/// Rows one call of a bulk insert carries ([`Store::bulk_insert`]).
const BULK_ROWS: usize = 10_000;
/// Fewer rows than this go as one multi-row statement, even in a bulk insert.
const BULK_FROM_ROWS: usize = 64;

/// Rows of `cols` values each step of SQLite's bulk path inserts ([`Store::bulk_insert`]):
/// about a thousand values. Measured on two million radiation readings (12 values a row):
/// 3.9–4.1 s against 4.2–4.6 s with a step per row; no difference beyond the noise on a
/// million transactions.
fn step_rows(cols: usize) -> usize {
    (1024 / cols).max(1)
}

/// What a multi-row insert adds after its rows for `conflict` (`sqlite`: for SQLite, where the
/// skipping inserts are `INSERT OR IGNORE` instead).
fn conflict_clause(conflict: OnConflict<'_>, sqlite: bool) -> String {
    match conflict {
        OnConflict::SkipSameId if !sqlite => " ON CONFLICT (id) DO NOTHING".into(),
        OnConflict::SkipAnyConflict if !sqlite => " ON CONFLICT DO NOTHING".into(),
        OnConflict::SkipSameId | OnConflict::SkipAnyConflict | OnConflict::Refuse => String::new(),
        OnConflict::Clause(clause) => format!(" {clause}"),
    }
}

/// How many rows of `cols` values one multi-row statement of [`Store::insert_all`] holds.
pub(crate) fn rows_per_statement(cols: usize) -> usize {
    (MAX_BOUND_VALUES / cols).clamp(1, 500)
}

/// A multi-row insert's statements ([`Store::multi_insert`]): the one for a full batch made
/// once, a shorter one for a last batch.
pub(crate) struct MultiInsert<'a> {
    store: &'a Store,
    table: &'a str,
    columns: &'a str,
    cols: usize,
    pub(crate) per_statement: usize,
    conflict: OnConflict<'a>,
    full: String,
    /// The backend's bulk path, if this is a bulk insert.
    bulk: Bulk,
}

/// The bulk paths of [`Store::bulk_insert`].
enum Bulk {
    /// Multi-row statements through sqlx only.
    No,
    /// PostgreSQL: `COPY` into a staging table, then `INSERT … SELECT`.
    Copy,
    /// SQLite: a statement of `rows` rows, stepped for each `rows` rows, and one of one row
    /// for the rest (`sqlite_bulk.rs`).
    Steps {
        many: String,
        rows: usize,
        one: String,
    },
}

impl MultiInsert<'_> {
    /// The statement for `rows` rows.
    pub(crate) fn sql(&self, rows: usize) -> std::borrow::Cow<'_, str> {
        if rows == self.per_statement {
            std::borrow::Cow::Borrowed(&self.full)
        } else {
            std::borrow::Cow::Owned(self.store.multi_insert_sql(
                self.table,
                self.columns,
                self.cols,
                rows,
                self.conflict,
            ))
        }
    }

    /// Runs the statement for the rows whose values `args` holds, moving the values into it
    /// (no copies: a bulk import binds millions), and leaves `args` empty. Returns the rows
    /// inserted.
    pub(crate) async fn run_moved(
        &self,
        tx: &mut Tx,
        args: &mut Vec<Arg>,
    ) -> std::result::Result<u64, sqlx::Error> {
        debug_assert_eq!(args.len() % self.cols, 0, "{}: whole rows", self.table);
        // A few rows (one record saved) go as one statement: a staging table for them would
        // cost more than it saves.
        if args.len() / self.cols >= BULK_FROM_ROWS {
            match (&self.bulk, &mut tx.conn) {
                (Bulk::Copy, TxConn::Postgres(t)) => {
                    return self.copy_moved(&mut tx.staged, t, args).await;
                }
                (Bulk::Steps { many, rows, one }, TxConn::Sqlite(t)) => {
                    let changed =
                        crate::sqlite_bulk::insert_rows(t, (many, *rows), one, self.cols, args)
                            .await;
                    args.clear();
                    return changed;
                }
                (Bulk::No | Bulk::Copy | Bulk::Steps { .. }, _) => {}
            }
        }
        let sql = self.sql(args.len() / self.cols);
        on_tx!(tx, c => bind_args!(sqlx::query(&sql), owned args.drain(..)).execute(&mut *c).await.map(|r| r.rows_affected()))
    }

    /// PostgreSQL's bulk path of [`MultiInsert::run_moved`]: the rows go by `COPY` into a
    /// temporary table of the target's columns (made at the first batch, dropped with the
    /// transaction), then on into the target in one statement that applies the conflict rule.
    async fn copy_moved(
        &self,
        staged: &mut Vec<String>,
        conn: &mut sqlx::PgConnection,
        args: &mut Vec<Arg>,
    ) -> std::result::Result<u64, sqlx::Error> {
        if args.is_empty() {
            return Ok(0);
        }
        let (table, columns) = (self.table, self.columns);
        let stage = format!("stage_{table}");
        if !staged.contains(&stage) {
            // Only the columns the rows carry, with their types and no constraints (a key the
            // target fills itself, such as an identity, is not among them).
            let make = format!(
                "CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"
            );
            sqlx::query(&make).execute(&mut *conn).await?;
            staged.push(stage.clone());
        }
        let mut copy = conn
            .copy_in_raw(&format!("COPY {stage} ({columns}) FROM STDIN"))
            .await?;
        // Sent in pieces of about a megabyte: the whole batch is never held twice.
        const PIECE: usize = 1 << 20;
        let mut text = Vec::with_capacity(PIECE + 4096);
        for (i, a) in args.drain(..).enumerate() {
            copy_text(&mut text, a);
            text.push(if (i + 1) % self.cols == 0 {
                b'\n'
            } else {
                b'\t'
            });
            if text.len() >= PIECE {
                let piece = std::mem::replace(&mut text, Vec::with_capacity(PIECE + 4096));
                if let Err(e) = copy.send(piece).await {
                    copy.abort(e.to_string()).await.ok();
                    return Err(e);
                }
            }
        }
        if let Err(e) = copy.send(text).await {
            copy.abort(e.to_string()).await.ok();
            return Err(e);
        }
        copy.finish().await?;
        let insert = format!(
            "INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage}{}",
            conflict_clause(self.conflict, false)
        );
        let inserted = sqlx::query(&insert)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        sqlx::query(&format!("TRUNCATE {stage}"))
            .execute(&mut *conn)
            .await?;
        Ok(inserted)
    }
}

/// Appends `a` in `COPY`'s text format: `\N` for nothing, text with its backslashes, tabs
/// and line ends escaped.
fn copy_text(out: &mut Vec<u8>, a: Arg) {
    use std::io::Write;
    const NULL: &[u8] = b"\\N";
    match a {
        Arg::Text(v) | Arg::OptText(Some(v)) => {
            for b in v.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
        Arg::Int(v) | Arg::OptInt(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Arg::Real(Some(v)) => {
            if v.is_nan() {
                out.extend_from_slice(b"NaN");
            } else if v.is_infinite() {
                out.extend_from_slice(if v > 0.0 { b"Infinity" } else { b"-Infinity" });
            } else {
                let _ = write!(out, "{v}");
            }
        }
        Arg::Date(d) | Arg::OptDate(Some(d)) => {
            let _ = write!(out, "{d}");
        }
        Arg::Bool(v) => out.push(if v { b't' } else { b'f' }),
        Arg::Time(t) => {
            let text = t
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            out.extend_from_slice(text.as_bytes());
        }
        Arg::OptText(None) | Arg::OptInt(None) | Arg::Real(None) | Arg::OptDate(None) => {
            out.extend_from_slice(NULL)
        }
    }
}
