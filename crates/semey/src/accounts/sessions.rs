//! Signing in (with a temporary lock-out after repeated failures), server-side sessions in
//! the database, and whom a request acts for: a valid API token, a session, or the public.

use super::actor::{address_of, Actor};
use super::events::{Count as _, Event};
use super::passwords::{decoy, new_secret, sha256_hex, verify_password};
use crate::records::audit_action;
use crate::AppError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use semey_domain::access::{Principal, Via};
use semey_store::{Store, User};
use time::{Duration, OffsetDateTime};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "semey_session";
/// Failed sign-ins in a row before the account is locked for `LOCK_OUT`.
pub const MAX_FAILURES: i64 = 5;
pub const LOCK_OUT: Duration = Duration::minutes(15);
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
        // Nobody has this address: the event names its digest, never the address itself.
        let target = format!("user:{}", &sha256_hex(&email.trim().to_lowercase())[..16]);
        Event {
            address,
            action: "sign_in_failed",
            target: &target,
            user_id: None,
            detail: Some(serde_json::json!({"reason": "unknown address"}).to_string()),
        }
        .record_in(store, &mut tx)
        .await?;
        tx.commit_unseen().await?;
        return Ok(Err(SignInRefused::WrongCredentials));
    };
    let locked = user.locked_until.is_some_and(|t| t > now);
    if !good || user.disabled || locked {
        let failures = if good {
            user.failed_attempts
        } else {
            store
                .record_failed_sign_in(&mut tx, user.id, MAX_FAILURES, now + LOCK_OUT)
                .await?
        };
        let lock = (failures >= MAX_FAILURES).then(|| now + LOCK_OUT);
        let reason = if locked {
            "locked"
        } else if user.disabled {
            "disabled"
        } else {
            "wrong password"
        };
        Event {
            address,
            action: "sign_in_failed",
            target: &format!("user:{}", user.id),
            user_id: Some(user.id.to_string()),
            detail: Some(
                serde_json::json!({"reason": reason, "failed_attempts": failures}).to_string(),
            ),
        }
        .record_in(store, &mut tx)
        .await?;
        // Counters and events are shown on no cached page.
        tx.commit_unseen().await?;
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
    let who = Actor {
        principal: Principal {
            user_id: Some(user.id),
            via: Via::Session(key[..8].to_owned()),
            ..Principal::anonymous()
        },
        address: address.to_owned(),
    };
    audit_action(
        store,
        &mut tx,
        &who,
        "sign_in",
        "user",
        &user.id.to_string(),
        None,
        None,
    )
    .await?;
    // Sessions are shown on no cached page.
    tx.commit_unseen().await?;
    Ok(Ok((secret, user)))
}

/// Ends a session.
pub async fn sign_out(store: &Store, secret: &str) -> Result<(), AppError> {
    let mut tx = store.begin().await?;
    store.delete_session(&mut tx, &sha256_hex(secret)).await?;
    tx.commit_unseen().await?;
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

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
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

/// Handlers receive the `Actor` of their request (computed once per request).
impl FromRequestParts<AppState> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, AppError> {
        if let Some(a) = parts.extensions.get::<Actor>() {
            return Ok(a.clone());
        }
        let actor = Actor {
            principal: principal(&s.store, &s.config, &parts.headers).await?,
            address: address_of(&parts.extensions, &parts.headers, &s.config.trusted_proxies),
        };
        parts.extensions.insert(actor.clone());
        Ok(actor)
    }
}
