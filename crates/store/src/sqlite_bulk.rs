//! SQLite's bulk path ([`crate::Store::bulk_insert`]): a prepared multi-row `INSERT`, stepped
//! once per few rows on the connection's own SQLite handle, with each text bound where it lies.
//!
//! Why it exists: through sqlx every value of a batch is wrapped in sqlx's argument type on one
//! thread, handed to the connection's worker thread and copied again by SQLite
//! (`SQLITE_TRANSIENT`); for a million transactions of 24 values that was as much CPU as SQLite's
//! own writing. Here the values are bound in place (`SQLITE_STATIC`: they outlive the step that
//! reads them) and the statement runs on the calling thread, with sqlx's worker locked out.
//!
//! This is the only module with `unsafe` code: calls into SQLite's C interface on the handle
//! sqlx lends ([`sqlx::sqlite::LockedSqliteHandle`]). The rules it keeps:
//! - the handle is used only while the lock on it is held, and never across an `await`;
//! - every prepared statement is finalized, on error too ([`Statement`]'s `Drop`);
//! - a text bound as static is a `&str` of `args`, which lives until the loop ends, and each
//!   row's values are bound again before the next step, so none is read after it is gone.

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
        for (i, a) in values.iter().enumerate() {
            // SQLite numbers parameters from 1.
            let at = (i + 1) as c_int;
            // SAFETY: `stmt.0` is a live statement of `db`; texts bound as static are borrowed
            // from `args`, which outlives every step below.
            let rc = unsafe {
                match a {
                    Arg::Text(v) | Arg::OptText(Some(v)) => bind_text(stmt.0, at, v, false),
                    Arg::Int(v) | Arg::OptInt(Some(v)) => ffi::sqlite3_bind_int64(stmt.0, at, *v),
                    Arg::Bool(v) => ffi::sqlite3_bind_int64(stmt.0, at, i64::from(*v)),
                    Arg::Real(Some(v)) => ffi::sqlite3_bind_double(stmt.0, at, *v),
                    // As sqlx writes them: `YYYY-MM-DD`, and RFC 3339 for moments.
                    Arg::Date(d) | Arg::OptDate(Some(d)) => {
                        bind_text(stmt.0, at, &d.to_string(), true)
                    }
                    Arg::Time(t) => {
                        let text = t
                            .format(&time::format_description::well_known::Rfc3339)
                            .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
                        bind_text(stmt.0, at, &text, true)
                    }
                    Arg::OptText(None)
                    | Arg::OptInt(None)
                    | Arg::Real(None)
                    | Arg::OptDate(None) => ffi::sqlite3_bind_null(stmt.0, at),
                }
            };
            if rc != ffi::SQLITE_OK {
                // SAFETY: the caller's promise.
                return Err(unsafe { error(db) });
            }
        }
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
