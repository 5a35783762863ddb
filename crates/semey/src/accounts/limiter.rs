//! Sign-in attempts per address, counted in the database so that every server behind a proxy
//! holds one limit: at most `LIMIT` in `WINDOW`, whatever the accounts tried, so one address
//! cannot try many accounts quickly (each account also locks itself).

use super::events::Count;
use crate::AppError;
use semey_store::Store;

/// Attempts an address may make in one window.
pub const LIMIT: i64 = 20;
/// The window.
pub const WINDOW: time::Duration = time::Duration::minutes(10);

/// Counts an attempt from `address`; false when it is over the limit (and then counts the
/// refusal as a security event, in the same transaction).
pub async fn allow(store: &Store, address: &str) -> Result<bool, AppError> {
    let mut tx = store.begin().await?;
    let n = store
        .count_sign_in_attempt(&mut tx, address, WINDOW)
        .await?;
    let allowed = n <= LIMIT;
    if !allowed {
        super::SecurityEvent {
            address,
            action: "sign_in_rate_limited",
            target: "/signin",
            user_id: None,
            detail: None,
        }
        .record_in(store, &mut tx)
        .await?;
    }
    tx.commit_unseen().await?;
    Ok(allowed)
}
