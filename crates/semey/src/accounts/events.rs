//! Security events (invalid tokens, cross-site posts, failed and rate-limited sign-ins,
//! refusals of someone signed in): counted per source and hour in bounded storage
//! (`semey_store::SecurityEvent`), apart from the audit trail of changes, and committed
//! without moving the store's generation, so that a flood of them neither grows the database
//! without bound nor empties the cache of public pages.

use crate::AppError;
use semey_store::{SecurityEventInput, Store, Tx};

/// One security event.
pub struct Event<'a> {
    pub address: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub user_id: Option<String>,
    pub detail: Option<String>,
}

impl Event<'_> {
    /// Counts it inside `tx` (which its caller commits with `commit_unseen`).
    pub async fn record_in(&self, store: &Store, tx: &mut Tx) -> Result<(), AppError> {
        let e = SecurityEventInput {
            address: self.address,
            action: self.action,
            target: self.target,
            user_id: self.user_id.clone(),
            detail: self.detail.clone(),
        };
        store.record_security_event(tx, &e).await?;
        Ok(())
    }

    /// Counts it in a transaction of its own; a failure is logged, never shown (the request
    /// is refused either way).
    pub async fn record(&self, store: &Store) {
        let result = async {
            let mut tx = store.begin().await?;
            self.record_in(store, &mut tx).await?;
            tx.commit_unseen().await?;
            Ok::<(), AppError>(())
        }
        .await;
        if let Err(e) = result {
            tracing::error!(error = %e, action = self.action, "could not record a security event");
        }
    }
}
