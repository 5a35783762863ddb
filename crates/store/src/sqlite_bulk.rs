//! SQLite's bulk path: a prepared multi-row `INSERT`, stepped once per few rows on the
//! connection's own SQLite handle with each text bound where it lies
//! ([`crate::Store::bulk_insert`]), and its reading counterpart, a query whose rows are written
//! straight into one text ([`text_fields`], for the measurement export).
//!
//! Why it exists: through sqlx every value of a batch is wrapped in sqlx's argument type on one
//! thread, handed to the connection's worker thread and copied again by SQLite
//! (`SQLITE_TRANSIENT`); for a million transactions of 24 values that was as much CPU as SQLite's
//! own writing. Here the values are bound in place (`SQLITE_STATIC`: they outlive the step that
//! reads them) and the statement runs on the calling thread, with sqlx's worker locked out.
//! Reading, sqlx hands over each row on its own (200 000 rows/s); SQLite's `group_concat` instead
//! renders every real through its `printf` (2.0 s for a million readings that take 0.4 s to
//! read) and keeps 15 significant digits, not always the stored number. Here each value is read
//! in its stored type and written once, numbers by `itoa` and `ryu` (the shortest text that
//! reads back as the same number).
//!
//! This is the only module with `unsafe` code: calls into SQLite's C interface on the handle
//! sqlx lends ([`sqlx::sqlite::LockedSqliteHandle`]). The rules it keeps:
//! - the handle is used only while the lock on it is held, and never across an `await`;
//! - every prepared statement is finalized, on error too ([`Statement`]'s `Drop`);
//! - a text bound as static is a `&str` of `args`, which lives until the loop ends, and each
//!   row's values are bound again before the next step, so none is read after it is gone;
//! - a column's text or blob is copied out before the statement is stepped again.

#![allow(unsafe_code)]

use crate::db::Arg;
use libsqlite3_sys as ffi;
use std::borrow::Cow;
use std::ffi::{c_char, c_int, CStr};
use std::fmt;

/// Inserts the rows of `cols` values each that `args` holds, one after another: `rows` rows at a
/// time with `many` (a statement of `rows` rows of `cols` placeholders), the rest with `one` (a
/// statement of one row). Returns the rows the statements changed (for an upsert, inserted or
/// updated; for `INSERT OR IGNORE`, inserted).
pub(crate) async fn insert_rows(
    conn: &mut sqlx::SqliteConnection,
    (many, rows): (&str, usize),
    one: &str,
    cols: usize,
    args: &[Arg],
) -> Result<u64, sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    let whole = args.len() / (rows * cols) * (rows * cols);
    let (firsts, rest) = args.split_at(whole);
    // SAFETY: `db` is the open connection sqlx lends while `handle` holds its lock; nothing
    // else uses it until `handle` is dropped, after these calls.
    unsafe { Ok(run(db, many, rows * cols, firsts)? + run(db, one, cols, rest)?) }
}

/// Runs `sql`, a statement of `width` placeholders, once for each `width` values of `args`.
///
/// # Safety
/// `db` must be an open SQLite connection that no other thread uses during the call.
unsafe fn run(
    db: *mut ffi::sqlite3,
    sql: &str,
    width: usize,
    args: &[Arg],
) -> Result<u64, sqlx::Error> {
    if args.is_empty() {
        return Ok(0);
    }
    // SAFETY: the caller's promise.
    let stmt = unsafe { Statement::prepare(db, sql)? };
    let mut changed = 0u64;
    for values in args.chunks(width) {
        // SAFETY: `stmt` is a live statement of `db`; texts bound as static are borrowed from
        // `args`, which outlives every step below.
        unsafe { bind(db, stmt.0, values)? };
        // SAFETY: as above; `reset` keeps the statement for the next rows.
        unsafe {
            if ffi::sqlite3_step(stmt.0) != ffi::SQLITE_DONE {
                let e = error(db);
                ffi::sqlite3_reset(stmt.0);
                return Err(e);
            }
            changed += ffi::sqlite3_changes64(db) as u64;
            ffi::sqlite3_reset(stmt.0);
        }
    }
    Ok(changed)
}

/// Binds `values` to the parameters of `stmt`, in order.
///
/// # Safety
/// `stmt` is a live statement of `db`, which no other thread uses during the call; the texts of
/// `values` are bound in place, so they must outlive the statement's next step and reset.
unsafe fn bind(
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    values: &[Arg],
) -> Result<(), sqlx::Error> {
    for (i, a) in values.iter().enumerate() {
        // SQLite numbers parameters from 1.
        let at = (i + 1) as c_int;
        // SAFETY: the caller's promises.
        let rc = unsafe {
            match a {
                Arg::Text(v) | Arg::OptText(Some(v)) => bind_text(stmt, at, v, false),
                Arg::Int(v) | Arg::OptInt(Some(v)) => ffi::sqlite3_bind_int64(stmt, at, *v),
                Arg::Bool(v) => ffi::sqlite3_bind_int64(stmt, at, i64::from(*v)),
                Arg::Real(Some(v)) => ffi::sqlite3_bind_double(stmt, at, *v),
                // As sqlx writes them: `YYYY-MM-DD`, and RFC 3339 for moments.
                Arg::Date(d) | Arg::OptDate(Some(d)) => bind_text(stmt, at, &d.to_string(), true),
                Arg::Time(t) => {
                    let text = t
                        .format(&time::format_description::well_known::Rfc3339)
                        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
                    bind_text(stmt, at, &text, true)
                }
                Arg::OptText(None) | Arg::OptInt(None) | Arg::Real(None) | Arg::OptDate(None) => {
                    ffi::sqlite3_bind_null(stmt, at)
                }
            }
        };
        if rc != ffi::SQLITE_OK {
            // SAFETY: the caller's promise.
            return Err(unsafe { error(db) });
        }
    }
    Ok(())
}

/// The rows of `sql` (a query with `args` bound to its parameters) written into one text: every
/// field of every row, in order, separated by `separator`. Integers and reals are written as
/// numbers (reals as the shortest text that reads back as the same number, whole ones with
/// `.0`, as SQLite writes them), texts as they are, `NULL` as nothing. `rows_hint` is about how
/// many rows to expect (room is made for them after the first). Returns the number of rows and
/// the text.
///
/// The query runs on the calling thread; on a multi-threaded runtime the thread's other tasks
/// move elsewhere meanwhile ([`tokio::task::block_in_place`]).
pub(crate) async fn text_fields(
    conn: &mut sqlx::SqliteConnection,
    sql: &str,
    args: &[Arg],
    separator: u8,
    rows_hint: usize,
) -> Result<(usize, String), sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is the open connection sqlx lends while `handle` holds its lock; nothing
    // else uses it until `handle` is dropped, after this call.
    let read = || unsafe { read_fields(db, sql, args, separator, rows_hint) };
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(read),
        _ => read(),
    }
}

/// The work of [`text_fields`].
///
/// # Safety
/// `db` must be an open SQLite connection that no other thread uses during the call.
unsafe fn read_fields(
    db: *mut ffi::sqlite3,
    sql: &str,
    args: &[Arg],
    separator: u8,
    rows_hint: usize,
) -> Result<(usize, String), sqlx::Error> {
    // SAFETY: the caller's promise.
    let stmt = unsafe { Statement::prepare(db, sql)? };
    // SAFETY: `stmt` is live; `args` outlives every step below.
    unsafe { bind(db, stmt.0, args)? };
    // SAFETY: `stmt` is a live statement.
    let cols = unsafe { ffi::sqlite3_column_count(stmt.0) };
    // Bytes, made a `String` at the end (every piece written is UTF-8 or made so).
    let mut out: Vec<u8> = Vec::new();
    let mut ints = itoa::Buffer::new();
    let mut reals = ryu::Buffer::new();
    let mut rows = 0usize;
    loop {
        // SAFETY: `stmt` is a live statement of `db`.
        match unsafe { ffi::sqlite3_step(stmt.0) } {
            ffi::SQLITE_ROW => {}
            ffi::SQLITE_DONE => break,
            // SAFETY: the caller's promise.
            _ => return Err(unsafe { error(db) }),
        }
        if rows == 1 {
            // Room for the rest, as long as the first row and a little more.
            out.reserve(out.len() * rows_hint.saturating_sub(1) * 9 / 8);
        }
        for at in 0..cols {
            if rows > 0 || at > 0 {
                out.push(separator);
            }
            // SAFETY: `stmt` has a row and `at` is one of its columns; a text's bytes are
            // copied before the next step.
            unsafe {
                match ffi::sqlite3_column_type(stmt.0, at) {
                    ffi::SQLITE_INTEGER => out.extend_from_slice(
                        ints.format(ffi::sqlite3_column_int64(stmt.0, at))
                            .as_bytes(),
                    ),
                    ffi::SQLITE_FLOAT => out.extend_from_slice(
                        reals
                            .format(ffi::sqlite3_column_double(stmt.0, at))
                            .as_bytes(),
                    ),
                    ffi::SQLITE_NULL => {}
                    _ => {
                        let p = ffi::sqlite3_column_text(stmt.0, at);
                        let n = ffi::sqlite3_column_bytes(stmt.0, at);
                        if !p.is_null() && n > 0 {
                            let bytes = std::slice::from_raw_parts(p, n as usize);
                            out.extend_from_slice(String::from_utf8_lossy(bytes).as_bytes());
                        }
                    }
                }
            }
        }
        rows += 1;
    }
    let text = String::from_utf8(out).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok((rows, text))
}

/// Binds `text` at `at`: in place, or copied by SQLite when it is a temporary (`copy`).
///
/// # Safety
/// `stmt` is a live statement; unless `copy`, `text` must stay where it is until the statement
/// is next stepped and reset.
unsafe fn bind_text(stmt: *mut ffi::sqlite3_stmt, at: c_int, text: &str, copy: bool) -> c_int {
    let destructor = if copy {
        ffi::SQLITE_TRANSIENT()
    } else {
        ffi::SQLITE_STATIC()
    };
    // SAFETY: the pointer and length describe `text`'s UTF-8 bytes; see above for how long.
    unsafe {
        ffi::sqlite3_bind_text64(
            stmt,
            at,
            text.as_ptr() as *const c_char,
            text.len() as u64,
            destructor,
            ffi::SQLITE_UTF8 as u8,
        )
    }
}

/// A prepared statement, finalized when dropped.
struct Statement(*mut ffi::sqlite3_stmt);

impl Statement {
    /// # Safety
    /// `db` must be an open connection that no other thread uses during the call.
    unsafe fn prepare(db: *mut ffi::sqlite3, sql: &str) -> Result<Self, sqlx::Error> {
        let mut stmt = std::ptr::null_mut();
        // SAFETY: `db` is open (the caller's promise); `sql` is passed with its length.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(
                db,
                sql.as_ptr() as *const c_char,
                sql.len() as c_int,
                &mut stmt,
                std::ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK || stmt.is_null() {
            // SAFETY: the caller's promise.
            return Err(unsafe { error(db) });
        }
        Ok(Self(stmt))
    }
}

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: the statement was prepared and is finalized once, here.
        unsafe {
            ffi::sqlite3_finalize(self.0);
        }
    }
}

/// The connection's last error, as sqlx reports a database's.
///
/// # Safety
/// `db` must be an open connection that no other thread uses during the call.
unsafe fn error(db: *mut ffi::sqlite3) -> sqlx::Error {
    // SAFETY: `db` is open; SQLite's message is copied before anything else runs on it.
    let (code, message) = unsafe {
        let code = ffi::sqlite3_extended_errcode(db);
        let message = CStr::from_ptr(ffi::sqlite3_errmsg(db))
            .to_string_lossy()
            .into_owned();
        (code, message)
    };
    sqlx::Error::Database(Box::new(BulkError { code, message }))
}

/// An error SQLite reported on the bulk path.
#[derive(Debug)]
struct BulkError {
    code: c_int,
    message: String,
}

impl fmt::Display for BulkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BulkError {}

impl sqlx::error::DatabaseError for BulkError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use sqlx::error::ErrorKind;
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}
