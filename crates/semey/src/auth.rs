//! Accounts at the edge: passwords (Argon2id, hashed off the async threads), sign-in with a
//! temporary lock-out after repeated failures, server-side sessions in the database, API
//! tokens, the `Principal` every request acts for, and the security layer (cross-origin
//! check on unsafe methods, security headers).

use crate::{AppError, AppState};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use semey_domain::access::{Principal, Role, Via};
use semey_domain::ids::{OrganisationId, TokenId, UserId};
use semey_domain::Invalid;
use semey_store::{stamp, NewUser, Store, User};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use time::{Duration, OffsetDateTime};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "semey_session";
/// Failed sign-ins in a row before the account is locked for `LOCK_OUT`.
pub const MAX_FAILURES: i64 = 5;
pub const LOCK_OUT: Duration = Duration::minutes(15);
/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// Hashes a password with Argon2id and a fresh salt (on a blocking thread: it is slow on
/// purpose).
pub async fn hash_password(password: String) -> Result<String, AppError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(Invalid::one(
            "password",
            "password_too_short",
            format!("a password has at least {MIN_PASSWORD} characters"),
        )
        .into());
    }
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| AppError::Io(std::io::Error::other(e)))?
    .map_err(|e| AppError::Io(std::io::Error::other(e.to_string())))
}

/// Checks a password against a stored hash, on a blocking thread.
pub async fn verify_password(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of nothing anyone knows, checked for unknown accounts so that a wrong address takes
/// as long as a wrong password.
static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn decoy() -> String {
    DECOY
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(new_secret().as_bytes(), &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        })
        .clone()
}

/// A new random secret: 244 bits from the operating system's generator, as hex.
pub fn new_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

pub fn sha256_hex(s: &str) -> String {
    sha256_bytes_hex(s.as_bytes())
}

pub fn sha256_bytes_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where a request came from, for the audit trail.
pub fn address_of(parts_extensions: &axum::http::Extensions) -> String {
    parts_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Why a sign-in failed; the person sees one message for every case (no user enumeration).
#[derive(Debug, PartialEq, Eq)]
pub enum SignInRefused {
    WrongCredentials,
    LockedOut,
}

/// Signs in: checks the password, counts failures (locking the account for a while after
/// `MAX_FAILURES`), audits failures, and opens a new session. Returns the session's secret
/// for the cookie.
pub async fn sign_in(
    store: &Store,
    email: &str,
    password: &str,
    address: &str,
) -> Result<Result<(String, User), SignInRefused>, AppError> {
    let user = store.user_by_email(email).await?;
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(decoy);
    let good = verify_password(hash, password.to_owned()).await;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let Some(user) = user else {
        store
            .append_audit(
                &mut tx,
                None,
                "anonymous",
                address,
                "sign_in_failed",
                "user",
                &sha256_hex(&email.trim().to_lowercase())[..16],
                None,
                None,
            )
            .await?;
        tx.commit().await?;
        return Ok(Err(SignInRefused::WrongCredentials));
    };
    let locked = user.locked_until.is_some_and(|t| t > now);
    if !good || user.disabled || locked {
        let failures = if good {
            user.failed_attempts
        } else {
            user.failed_attempts + 1
        };
        let lock = (failures >= MAX_FAILURES).then(|| now + LOCK_OUT);
        if !good {
            store
                .record_failed_sign_in(&mut tx, user.id, failures, lock.or(user.locked_until))
                .await?;
        }
        let reason = if locked {
            "locked"
        } else if user.disabled {
            "disabled"
        } else {
            "wrong password"
        };
        store
            .append_audit(
                &mut tx,
                Some(user.id),
                "anonymous",
                address,
                "sign_in_failed",
                "user",
                &user.id.to_string(),
                None,
                Some(
                    &serde_json::json!({"reason": reason, "failed_attempts": failures}).to_string(),
                ),
            )
            .await?;
        tx.commit().await?;
        return Ok(Err(if locked || lock.is_some() {
            SignInRefused::LockedOut
        } else {
            SignInRefused::WrongCredentials
        }));
    }
    let secret = new_secret();
    let key = sha256_hex(&secret);
    store
        .create_session(&mut tx, &key, user.id, address)
        .await?;
    store
        .append_audit(
            &mut tx,
            Some(user.id),
            &Via::Session(key[..8].to_owned()).describe(),
            address,
            "sign_in",
            "user",
            &user.id.to_string(),
            None,
            None,
        )
        .await?;
    tx.commit().await?;
    Ok(Ok((secret, user)))
}

/// Ends a session.
pub async fn sign_out(store: &Store, secret: &str) -> Result<(), AppError> {
    let mut tx = store.begin().await?;
    store.delete_session(&mut tx, &sha256_hex(secret)).await?;
    tx.commit().await?;
    Ok(())
}

/// The cookie that carries a session; `Secure` unless the configuration allows plain HTTP.
pub fn session_cookie(secret: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("hex is a valid header value")
}

pub fn clear_session_cookie() -> HeaderValue {
    HeaderValue::from_static("semey_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix(&format!("{name}="))
                .map(str::to_owned)
        })
}

/// The session secret a request carries, if any.
pub fn session_secret(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE).filter(|s| !s.is_empty())
}

/// Works out whom a request acts for: a valid API token (`Authorization: Bearer …`), else a
/// valid session cookie, else the public. Expired, revoked, idle, disabled: the public.
pub async fn principal(
    store: &Store,
    config: &crate::Config,
    headers: &HeaderMap,
) -> Result<Principal, AppError> {
    let now = OffsetDateTime::now_utc();
    if let Some(secret) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        let Some(token) = store.token_by_hash(&sha256_hex(secret.trim())).await? else {
            return Err(AppError::Unauthorized);
        };
        let user = store.user(token.user_id).await?;
        if token.revoked_at.is_some() || token.expires_at <= now || user.disabled {
            return Err(AppError::Unauthorized);
        }
        // A token acts with the account's role and organisation as they are now, never as
        // they were when it was made: demoting an account or moving it to another
        // organisation takes its tokens' powers with it.
        return Ok(Principal {
            user_id: Some(user.id),
            administrator: user.administrator,
            role: user.role,
            organisation_id: user.organisation_id,
            via: Via::Token(token.id),
        });
    }
    if let Some(secret) = session_secret(headers) {
        let key = sha256_hex(&secret);
        if let Some(session) = store.session(&key).await? {
            let fresh = now - session.last_seen < Duration::minutes(config.session_idle_minutes)
                && now - session.created_at < Duration::hours(config.session_hours);
            if fresh && !session.user.disabled {
                if now - session.last_seen > Duration::minutes(1) {
                    store.touch_session(&key).await?;
                }
                let u = session.user;
                return Ok(Principal {
                    user_id: Some(u.id),
                    administrator: u.administrator,
                    role: u.role,
                    organisation_id: u.organisation_id,
                    via: Via::Session(key[..8].to_owned()),
                });
            }
        }
    }
    Ok(Principal::anonymous())
}

/// The principal of a request and where it came from, as handlers receive them.
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Principal,
    pub address: String,
}

impl Actor {
    /// The command line, for services called outside HTTP.
    pub fn command_line() -> Self {
        Self {
            principal: Principal::command_line(),
            address: "local".to_owned(),
        }
    }

    /// The command line run by an operator, named in the audit trail by their system account.
    pub fn operator() -> Self {
        let who = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".to_owned());
        Self {
            principal: Principal::command_line(),
            address: format!("local ({who})"),
        }
    }
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, AppError> {
        if let Some(a) = parts.extensions.get::<Actor>() {
            return Ok(a.clone());
        }
        let actor = Actor {
            principal: principal(&s.store, &s.config, &parts.headers).await?,
            address: address_of(&parts.extensions),
        };
        parts.extensions.insert(actor.clone());
        Ok(actor)
    }
}

/// Refuses unsafe requests from another site (a form on someone else's page posting here with
/// the reader's cookie) and adds the security headers to every response.
pub async fn guard(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && cross_site(req.headers()) {
        let address = address_of(req.extensions());
        if let Ok(mut tx) = s.store.begin().await {
            let origin = req
                .headers()
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let _ = s
                .store
                .append_audit(
                    &mut tx,
                    None,
                    "anonymous",
                    &address,
                    "cross_site_request_refused",
                    "request",
                    req.uri().path(),
                    None,
                    Some(&serde_json::json!({ "origin": origin }).to_string()),
                )
                .await;
            let _ = tx.commit().await;
        }
        let mut r = (
            StatusCode::FORBIDDEN,
            "cross-site request refused: this form must be sent from this site",
        )
            .into_response();
        security_headers(r.headers_mut(), "", false);
        return r;
    }
    let docs = req.uri().path().starts_with("/api/docs");
    // A token that is not (or no longer) valid is refused on every route, reads included, so a
    // machine client learns at once that its token expired or was revoked.
    let mut req = req;
    let mut actor = None;
    if req.headers().contains_key(header::AUTHORIZATION) || session_secret(req.headers()).is_some()
    {
        let address = address_of(req.extensions());
        match principal(&s.store, &s.config, req.headers()).await {
            Ok(p) => {
                let a = Actor {
                    principal: p,
                    address,
                };
                req.extensions_mut().insert(a.clone());
                actor = Some(a);
            }
            Err(e) => {
                audit_event(&s.store, None, &address, "invalid_token", req.uri().path()).await;
                let mut r = e.into_response();
                security_headers(r.headers_mut(), "", false);
                return r;
            }
        }
    }
    let path = req.uri().path().to_owned();
    let mut response = next.run(req).await;
    // Someone signed in trying what is not theirs (another organisation's record, an
    // administrator's page) is a security event.
    if response.status() == StatusCode::FORBIDDEN {
        if let Some(a) = actor.filter(|a| a.principal.is_signed_in()) {
            audit_event(&s.store, Some(&a), &a.address, "refused", &path).await;
        }
    }
    security_headers(response.headers_mut(), &s.config.tile_url, docs);
    response
}

/// One audit line for a change to accounts made by `actor`, in the change's transaction.
#[allow(clippy::too_many_arguments)]
async fn audit_account(
    store: &Store,
    tx: &mut semey_store::Tx,
    actor: &Actor,
    action: &str,
    record_type: &str,
    record_id: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<(), AppError> {
    store
        .append_audit(
            tx,
            actor.principal.user_id,
            &actor.principal.via.describe(),
            &actor.address,
            action,
            record_type,
            record_id,
            old,
            new,
        )
        .await?;
    Ok(())
}

/// Audits a security event outside any change (a refusal, an invalid token); a failure to
/// write it is logged, never shown.
async fn audit_event(
    store: &Store,
    actor: Option<&Actor>,
    address: &str,
    action: &str,
    path: &str,
) {
    let result = async {
        let mut tx = store.begin().await?;
        store
            .append_audit(
                &mut tx,
                actor.and_then(|a| a.principal.user_id),
                &actor
                    .map(|a| a.principal.via.describe())
                    .unwrap_or_else(|| "anonymous".to_owned()),
                address,
                action,
                "request",
                path,
                None,
                None,
            )
            .await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "could not audit a security event");
    }
}

/// True when the browser says the request comes from another site.
fn cross_site(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin_host = origin
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(origin);
        return origin == "null" || origin_host != host;
    }
    matches!(
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
        Some("cross-site")
    )
}

fn security_headers(h: &mut HeaderMap, tile_url: &str, docs: bool) {
    // Tiles come from the configured tile server, if any.
    let tiles = tile_url
        .split_once("://")
        .map(|(scheme, rest)| format!(" {scheme}://{}", rest.split('/').next().unwrap_or("")))
        .unwrap_or_default();
    let csp = if docs {
        // The API's documentation page (Swagger UI) starts itself with an inline script.
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'".to_owned()
    } else {
        format!("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
    };
    let set = |h: &mut HeaderMap, k: &'static str, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(k, v);
        }
    };
    set(h, "content-security-policy", &csp);
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    set(
        h,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    );
}

/// Creates an account (the command line and the administrators' page).
pub async fn create_user(
    store: &Store,
    actor: &Actor,
    email: &str,
    name: &str,
    password: String,
    administrator: bool,
    membership: Option<(Role, Option<OrganisationId>)>,
) -> Result<UserId, AppError> {
    actor.principal.may_administer()?;
    check_email(email)?;
    let hash = hash_password(password).await?;
    let id = UserId::new();
    let mut tx = store.begin().await?;
    store
        .create_user(
            &mut tx,
            &NewUser {
                id,
                email,
                name,
                password_hash: &hash,
                administrator,
            },
        )
        .await?;
    store.set_membership(&mut tx, id, membership).await?;
    audit_account(store, &mut tx, actor,
            "create",
            "user",
            &id.to_string(),
            None,
            Some(
                &serde_json::json!({
                    "email": email.trim().to_lowercase(), "name": name, "administrator": administrator,
                    "role": membership.map(|m| m.0.as_str()), "organisation_id": membership.and_then(|m| m.1),
                })
                .to_string(),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn check_email(email: &str) -> Result<(), Invalid> {
    let e = email.trim();
    let ok = e.len() <= 254
        && e.split_once('@')
            .is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !d.starts_with('.'));
    if ok {
        Ok(())
    } else {
        Err(Invalid::one(
            "email",
            "invalid_email",
            format!("{e:?} is not an e-mail address"),
        ))
    }
}

/// Sets a new password; every session of the account ends, and with `revoke_tokens` every API
/// token too.
pub async fn set_password(
    store: &Store,
    actor: &Actor,
    user: UserId,
    password: String,
    revoke_tokens: bool,
) -> Result<(), AppError> {
    if actor.principal.user_id != Some(user) {
        actor.principal.may_administer()?;
    }
    let hash = hash_password(password).await?;
    let mut tx = store.begin().await?;
    store.set_password(&mut tx, user, &hash).await?;
    store.delete_sessions_of(&mut tx, user).await?;
    let revoked = if revoke_tokens {
        store.revoke_tokens_of(&mut tx, user).await?
    } else {
        0
    };
    audit_account(
        store,
        &mut tx,
        actor,
        "set_password",
        "user",
        &user.to_string(),
        None,
        Some(&serde_json::json!({ "tokens_revoked": revoked }).to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Disables (or enables) an account; a disabled account's sessions end and its API tokens are
/// revoked (enabling it again brings none of them back).
pub async fn set_disabled(
    store: &Store,
    actor: &Actor,
    user: UserId,
    disabled: bool,
) -> Result<(), AppError> {
    actor.principal.may_administer()?;
    let mut tx = store.begin().await?;
    store.set_disabled(&mut tx, user, disabled).await?;
    if disabled {
        store.delete_sessions_of(&mut tx, user).await?;
        store.revoke_tokens_of(&mut tx, user).await?;
    }
    audit_account(
        store,
        &mut tx,
        actor,
        if disabled { "disable" } else { "enable" },
        "user",
        &user.to_string(),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Issues an API token for `user` in their role and organisation; returns its secret, shown
/// once and stored only as a hash.
pub async fn issue_token(
    store: &Store,
    actor: &Actor,
    user: &User,
    name: &str,
    valid_for: Duration,
) -> Result<(TokenId, String), AppError> {
    if actor.principal.user_id != Some(user.id) {
        actor.principal.may_administer()?;
    }
    let role = if user.administrator {
        Role::Coordinator
    } else {
        user.role.ok_or(AppError::Forbidden(
            "an account without a role cannot have API tokens",
        ))?
    };
    let secret = format!("semey_{}", new_secret());
    let id = TokenId::new();
    let expires = OffsetDateTime::now_utc() + valid_for;
    let mut tx = store.begin().await?;
    store
        .create_token(
            &mut tx,
            id,
            &sha256_hex(&secret),
            name,
            user.id,
            user.organisation_id,
            role,
            expires,
        )
        .await?;
    audit_account(store, &mut tx, actor,
            "create",
            "api_token",
            &id.to_string(),
            None,
            Some(&serde_json::json!({"name": name, "user_id": user.id, "role": role.as_str(), "expires_at": stamp(expires)}).to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok((id, secret))
}

/// Revokes a token at once.
pub async fn revoke_token(store: &Store, actor: &Actor, id: TokenId) -> Result<(), AppError> {
    actor.principal.may_administer().or_else(|e| {
        // Owners may revoke their own tokens; checked by the caller that looked the token up.
        if actor.principal.is_signed_in() {
            Ok(())
        } else {
            Err(e)
        }
    })?;
    let mut tx = store.begin().await?;
    store.revoke_token(&mut tx, id).await?;
    audit_account(
        store,
        &mut tx,
        actor,
        "revoke",
        "api_token",
        &id.to_string(),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sign-in attempts per address: at most `LIMIT` in `WINDOW`, whatever the accounts tried, so
/// one address cannot try many accounts quickly (each account also locks itself).
#[derive(Clone, Default)]
pub struct SignInLimiter {
    seen: std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u32)>>,
    >,
}

impl SignInLimiter {
    pub const LIMIT: u32 = 20;
    pub const WINDOW: std::time::Duration = std::time::Duration::from_secs(600);

    /// Counts an attempt from `address`; false when it is over the limit.
    pub fn allow(&self, address: &str) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return true;
        };
        let now = std::time::Instant::now();
        if seen.len() > 10_000 {
            seen.retain(|_, (start, _)| now.duration_since(*start) < Self::WINDOW);
        }
        let entry = seen.entry(address.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= Self::WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= Self::LIMIT
    }
}

/// Gives an account its one role (or none), in an organisation.
pub async fn set_membership(
    store: &Store,
    actor: &Actor,
    user: UserId,
    membership: Option<(Role, Option<OrganisationId>)>,
) -> Result<(), AppError> {
    actor.principal.may_administer()?;
    let old = store.user(user).await?;
    if let Some((Role::Editor | Role::Viewer, None)) = membership {
        return Err(Invalid::one(
            "organisation",
            "required",
            "editors and viewers belong to an organisation",
        )
        .into());
    }
    if let Some((_, Some(org))) = membership {
        store.organisation(org).await?;
    }
    let mut tx = store.begin().await?;
    store.set_membership(&mut tx, user, membership).await?;
    let describe = |m: Option<(Role, Option<OrganisationId>)>| {
        serde_json::json!({"role": m.map(|m| m.0.as_str()), "organisation_id": m.and_then(|m| m.1)})
            .to_string()
    };
    audit_account(
        store,
        &mut tx,
        actor,
        "update",
        "membership",
        &user.to_string(),
        Some(&describe(old.role.map(|r| (r, old.organisation_id)))),
        Some(&describe(membership)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
