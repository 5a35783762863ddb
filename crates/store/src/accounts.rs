//! Accounts: users and their one membership, server-side sessions, API tokens, and the
//! append-only audit trail. Secrets are never stored: sessions and tokens by the SHA-256 of
//! their secret (computed by the caller), passwords as Argon2id PHC strings.

use crate::db::{bind_args, on_pool, on_tx, parse_id, Page, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::access::Role;
use semey_domain::ids::{OrganisationId, TokenId, UserId};
use semey_domain::Invalid;
use time::OffsetDateTime;

/// Times are stored as fixed-width UTC text (`2026-11-21T10:04:05Z`) on both backends, so
/// they sort as they read.
pub fn stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub fn parse_stamp(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

/// A user as stored, with their membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub administrator: bool,
    pub disabled: bool,
    pub failed_attempts: i64,
    pub locked_until: Option<OffsetDateTime>,
    pub role: Option<Role>,
    pub organisation_id: Option<OrganisationId>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    name: String,
    password_hash: String,
    administrator: bool,
    disabled: bool,
    failed_attempts: i64,
    locked_until: Option<String>,
    role: Option<String>,
    organisation_id: Option<String>,
}

impl UserRow {
    fn into_user(self) -> Result<User> {
        Ok(User {
            id: parse_id(&self.id)?,
            email: self.email,
            name: self.name,
            password_hash: self.password_hash,
            administrator: self.administrator,
            disabled: self.disabled,
            failed_attempts: self.failed_attempts,
            locked_until: self.locked_until.as_deref().and_then(parse_stamp),
            role: self
                .role
                .as_deref()
                .map(Role::parse)
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("membership role: {e}")))?,
            organisation_id: self.organisation_id.as_deref().map(parse_id).transpose()?,
        })
    }
}

const USER_SELECT: &str =
    "SELECT u.id, u.email, u.name, u.password_hash, u.administrator, u.disabled, \
     u.failed_attempts, u.locked_until, m.role, m.organisation_id \
     FROM users u LEFT JOIN memberships m ON m.user_id = u.id";

/// A new account.
pub struct NewUser<'a> {
    pub id: UserId,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub administrator: bool,
}

/// An API token as stored (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub id: TokenId,
    pub name: String,
    pub user_id: UserId,
    pub organisation_id: Option<OrganisationId>,
    pub role: Role,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    name: String,
    user_id: String,
    organisation_id: Option<String>,
    role: String,
    created_at: String,
    expires_at: String,
    revoked_at: Option<String>,
}

impl TokenRow {
    fn into_token(self) -> Result<Token> {
        let time = |s: &str| {
            parse_stamp(s).ok_or_else(|| StoreError::Corrupt(format!("token time {s:?}")))
        };
        Ok(Token {
            id: parse_id(&self.id)?,
            name: self.name,
            user_id: parse_id(&self.user_id)?,
            organisation_id: self.organisation_id.as_deref().map(parse_id).transpose()?,
            role: Role::parse(&self.role)
                .map_err(|e| StoreError::Corrupt(format!("token role: {e}")))?,
            created_at: time(&self.created_at)?,
            expires_at: time(&self.expires_at)?,
            revoked_at: self.revoked_at.as_deref().map(time).transpose()?,
        })
    }
}

const TOKEN_COLUMNS: &str =
    "id, name, user_id, organisation_id, role, created_at, expires_at, revoked_at";

/// A session as stored, with its user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub created_at: OffsetDateTime,
    pub last_seen: OffsetDateTime,
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub user_id: Option<String>,
    pub via: String,
    pub address: String,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// The tables behind the open datasets (their row counts are public).
#[derive(Debug, Clone, Copy)]
pub enum OpenTable {
    Places,
    Organisations,
    Programmes,
    Transactions,
    Requirements,
    Contributions,
    ExchangeRates,
    Indicators,
    IndicatorPeriods,
    Services,
    Measurements,
    Audit,
}

impl OpenTable {
    /// Every table behind the open datasets.
    pub const ALL: [OpenTable; 12] = [
        OpenTable::Places,
        OpenTable::Organisations,
        OpenTable::Programmes,
        OpenTable::Transactions,
        OpenTable::Requirements,
        OpenTable::Contributions,
        OpenTable::ExchangeRates,
        OpenTable::Indicators,
        OpenTable::IndicatorPeriods,
        OpenTable::Services,
        OpenTable::Measurements,
        OpenTable::Audit,
    ];

    fn name(self) -> &'static str {
        match self {
            OpenTable::Places => "places",
            OpenTable::Organisations => "organisations",
            OpenTable::Programmes => "programmes",
            OpenTable::Transactions => "transactions",
            OpenTable::Requirements => "requirements",
            OpenTable::Contributions => "contributions",
            OpenTable::ExchangeRates => "exchange_rates",
            OpenTable::Indicators => "indicators",
            OpenTable::IndicatorPeriods => "indicator_periods",
            OpenTable::Services => "services",
            OpenTable::Measurements => "measurements",
            OpenTable::Audit => "audit_log",
        }
    }
}

/// Filters on the audit trail.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub user_id: Option<UserId>,
    /// Only lines older than this sequence number.
    pub before_seq: Option<i64>,
}

impl Store {
    pub async fn create_user(&self, tx: &mut Tx, u: &NewUser<'_>) -> Result<()> {
        let sql = "INSERT INTO users (id, email, name, password_hash, administrator, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6)";
        on_tx!(tx, c => sqlx::query(sql)
            .bind(u.id.to_string())
            .bind(u.email.trim().to_lowercase())
            .bind(u.name)
            .bind(u.password_hash)
            .bind(u.administrator)
            .bind(stamp(OffsetDateTime::now_utc()))
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Invalid(Invalid::one(
                    "email",
                    "duplicate_email",
                    format!("there is already an account for {}", u.email),
                ))
            }
            _ => StoreError::Db(e),
        })?;
        Ok(())
    }

    /// Gives a user their one role (replacing any other), in an organisation or none.
    pub async fn set_membership(
        &self,
        tx: &mut Tx,
        user: UserId,
        role: Option<(Role, Option<OrganisationId>)>,
    ) -> Result<()> {
        on_tx!(tx, c => sqlx::query("DELETE FROM memberships WHERE user_id = $1").bind(user.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if let Some((role, org)) = role {
            on_tx!(tx, c => sqlx::query("INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, $3)")
                .bind(user.to_string())
                .bind(org.map(|o| o.to_string()))
                .bind(role.as_str())
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let sql = format!("{USER_SELECT} WHERE u.email = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, UserRow>(&sql).bind(email.trim().to_lowercase()).fetch_optional(p).await)?;
        row.map(UserRow::into_user).transpose()
    }

    pub async fn user(&self, id: UserId) -> Result<User> {
        let sql = format!("{USER_SELECT} WHERE u.id = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, UserRow>(&sql).bind(id.to_string()).fetch_optional(p).await)?;
        row.ok_or_else(|| StoreError::not_found("user", id))?
            .into_user()
    }

    pub async fn list_users(&self) -> Result<Vec<User>> {
        let sql = format!("{USER_SELECT} ORDER BY u.email");
        let rows = on_pool!(self, p => sqlx::query_as::<_, UserRow>(&sql).fetch_all(p).await)?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    pub async fn count_users(&self) -> Result<i64> {
        Ok(
            on_pool!(self, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(p).await)?,
        )
    }

    pub async fn set_password(&self, tx: &mut Tx, id: UserId, hash: &str) -> Result<()> {
        on_tx!(tx, c => sqlx::query("UPDATE users SET password_hash = $1, failed_attempts = 0, locked_until = NULL WHERE id = $2")
            .bind(hash).bind(id.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Changes what administrators manage of an account (not its password or membership).
    pub async fn update_user(
        &self,
        tx: &mut Tx,
        id: UserId,
        email: &str,
        name: &str,
        administrator: bool,
        disabled: bool,
    ) -> Result<()> {
        on_tx!(tx, c => sqlx::query("UPDATE users SET email = $1, name = $2, administrator = $3, disabled = $4 WHERE id = $5")
            .bind(email.trim().to_lowercase())
            .bind(name)
            .bind(administrator)
            .bind(disabled)
            .bind(id.to_string())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Invalid(Invalid::one(
                "email",
                "duplicate_email",
                format!("there is already an account for {email}"),
            )),
            _ => StoreError::Db(e),
        })?;
        Ok(())
    }

    /// An account read inside a transaction.
    pub async fn user_in(&self, tx: &mut Tx, id: UserId) -> Result<User> {
        let sql = format!("{USER_SELECT} WHERE u.id = $1");
        let row = on_tx!(tx, c => sqlx::query_as::<_, UserRow>(&sql).bind(id.to_string()).fetch_optional(&mut *c).await)?;
        row.ok_or_else(|| StoreError::not_found("user", id))?
            .into_user()
    }

    /// Counts a failed sign-in in the stored row itself (so parallel failures each count), and
    /// locks the account until `lock_until` once `max_failures` are reached. Returns the
    /// failures counted now.
    pub async fn record_failed_sign_in(
        &self,
        tx: &mut Tx,
        id: UserId,
        max_failures: i64,
        lock_until: OffsetDateTime,
    ) -> Result<i64> {
        let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
            "UPDATE users SET failed_attempts = failed_attempts + 1, \
             locked_until = CASE WHEN failed_attempts + 1 >= $1 THEN $2 ELSE locked_until END \
             WHERE id = $3 RETURNING failed_attempts")
            .bind(max_failures).bind(stamp(lock_until)).bind(id.to_string()).fetch_one(&mut *c).await)?;
        Ok(n)
    }

    pub async fn create_session(
        &self,
        tx: &mut Tx,
        id_hash: &str,
        user: UserId,
        address: &str,
    ) -> Result<()> {
        let now = stamp(OffsetDateTime::now_utc());
        on_tx!(tx, c => sqlx::query("INSERT INTO sessions (id_hash, user_id, created_at, last_seen, address) VALUES ($1, $2, $3, $3, $4)")
            .bind(id_hash).bind(user.to_string()).bind(&now).bind(address).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        on_tx!(tx, c => sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
            .bind(user.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn session(&self, id_hash: &str) -> Result<Option<Session>> {
        let row: Option<(String, String, String)> = on_pool!(self, p => sqlx::query_as("SELECT user_id, created_at, last_seen FROM sessions WHERE id_hash = $1")
            .bind(id_hash).fetch_optional(p).await)?;
        let Some((user, created, seen)) = row else {
            return Ok(None);
        };
        let time = |s: &str| {
            parse_stamp(s).ok_or_else(|| StoreError::Corrupt(format!("session time {s:?}")))
        };
        Ok(Some(Session {
            user: self.user(parse_id(&user)?).await?,
            created_at: time(&created)?,
            last_seen: time(&seen)?,
        }))
    }

    /// Notes that a session was used now (for the idle timeout).
    pub async fn touch_session(&self, id_hash: &str) -> Result<()> {
        on_pool!(self, p => sqlx::query("UPDATE sessions SET last_seen = $1 WHERE id_hash = $2")
            .bind(stamp(OffsetDateTime::now_utc())).bind(id_hash).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn delete_session(&self, tx: &mut Tx, id_hash: &str) -> Result<()> {
        on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Ends every session of a user (a new password, a disabled account).
    pub async fn delete_sessions_of(&self, tx: &mut Tx, user: UserId) -> Result<()> {
        on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn create_token(
        &self,
        tx: &mut Tx,
        id: TokenId,
        secret_hash: &str,
        name: &str,
        user: UserId,
        organisation: Option<OrganisationId>,
        role: Role,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        let sql = format!(
            "INSERT INTO api_tokens ({TOKEN_COLUMNS}, secret_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)"
        );
        on_tx!(tx, c => sqlx::query(&sql)
            .bind(id.to_string())
            .bind(name)
            .bind(user.to_string())
            .bind(organisation.map(|o| o.to_string()))
            .bind(role.as_str())
            .bind(stamp(OffsetDateTime::now_utc()))
            .bind(stamp(expires_at))
            .bind(secret_hash)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn token_by_hash(&self, secret_hash: &str) -> Result<Option<Token>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE secret_hash = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, TokenRow>(&sql).bind(secret_hash).fetch_optional(p).await)?;
        row.map(TokenRow::into_token).transpose()
    }

    pub async fn tokens_of(&self, user: UserId) -> Result<Vec<Token>> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at"
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, TokenRow>(&sql).bind(user.to_string()).fetch_all(p).await)?;
        rows.into_iter().map(TokenRow::into_token).collect()
    }

    /// Revokes every token of an account that is not revoked yet; returns how many.
    pub async fn revoke_tokens_of(&self, tx: &mut Tx, user: UserId) -> Result<u64> {
        let now = stamp(OffsetDateTime::now_utc());
        let n = on_tx!(tx, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(&now)
            .bind(user.to_string())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n)
    }

    pub async fn revoke_token(&self, tx: &mut Tx, id: TokenId) -> Result<()> {
        on_tx!(tx, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(stamp(OffsetDateTime::now_utc())).bind(id.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Appends one line to the audit trail, inside the transaction of the change it records.
    #[allow(clippy::too_many_arguments)]
    pub async fn append_audit(
        &self,
        tx: &mut Tx,
        user: Option<UserId>,
        via: &str,
        address: &str,
        action: &str,
        record_type: &str,
        record_id: &str,
        old_value: Option<&str>,
        new_value: Option<&str>,
    ) -> Result<()> {
        let sql = "INSERT INTO audit_log (at, user_id, via, address, action, record_type, record_id, old_value, new_value) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        on_tx!(tx, c => sqlx::query(sql)
            .bind(stamp(OffsetDateTime::now_utc()))
            .bind(user.map(|u| u.to_string()))
            .bind(via)
            .bind(address)
            .bind(action)
            .bind(record_type)
            .bind(record_id)
            .bind(old_value)
            .bind(new_value)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Up to `limit` audit lines a filter selects, newest first, older than `before` (a
    /// sequence number): for reading the whole trail, which grows while it is read, without
    /// rows shifting between batches.
    pub async fn audit_before(
        &self,
        f: &AuditFilter,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        let mut all = Vec::new();
        let mut f = f.clone();
        f.before_seq = before;
        all.extend(
            self.list_audit(&f, crate::db::Page { limit, offset: 0 })
                .await?,
        );
        Ok(all)
    }

    /// When records of these kinds (or files of these import formats) last changed, from the
    /// audit trail.
    pub async fn last_changed(&self, kinds: &[&str], imports: &[&str]) -> Result<Option<String>> {
        // Record kinds, and the import lines of the formats (`import:…`).
        let types: Vec<String> = kinds
            .iter()
            .map(|k| (*k).to_owned())
            .chain(imports.iter().map(|f| format!("import:{f}")))
            .collect();
        if types.is_empty() {
            return Ok(None);
        }
        let mut sql = crate::db::Sql::new("SELECT MAX(at) FROM audit_log WHERE record_type IN ");
        sql.list(types.into_iter().map(crate::db::Arg::Text));
        let row: (Option<String>,) = on_pool!(self, p => bind_args!(sqlx::query_as(&sql.text), sql.args).fetch_one(p).await)?;
        Ok(row.0)
    }

    /// How many rows one of the open datasets' tables holds.
    pub async fn table_rows(&self, table: OpenTable) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {}", table.name());
        Ok(on_pool!(self, p => sqlx::query_scalar::<_, i64>(&sql).fetch_one(p).await)?)
    }

    /// The audit trail, newest first.
    pub async fn list_audit(&self, f: &AuditFilter, page: Page) -> Result<Vec<AuditEntry>> {
        let mut sql = crate::db::Sql::new(
            "SELECT seq, at, user_id, via, address, action, record_type, record_id, old_value, new_value \
             FROM audit_log WHERE 1 = 1",
        );
        if let Some(t) = &f.record_type {
            sql.push(" AND record_type = ")
                .arg(crate::db::Arg::Text(t.clone()));
        }
        if let Some(r) = &f.record_id {
            sql.push(" AND record_id = ")
                .arg(crate::db::Arg::Text(r.clone()));
        }
        if let Some(u) = f.user_id {
            sql.push(" AND user_id = ")
                .arg(crate::db::Arg::Text(u.to_string()));
        }
        if let Some(b) = f.before_seq {
            sql.push(" AND seq < ").arg(crate::db::Arg::Int(b));
        }
        sql.push(" ORDER BY seq DESC");
        page.apply(&mut sql);
        type Row = (
            i64,
            String,
            Option<String>,
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = on_pool!(self, p => crate::db::bind_args!(sqlx::query_as(&sql.text), sql.args).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                seq: r.0,
                at: r.1,
                user_id: r.2,
                via: r.3,
                address: r.4,
                action: r.5,
                record_type: r.6,
                record_id: r.7,
                old_value: r.8,
                new_value: r.9,
            })
            .collect())
    }
}
