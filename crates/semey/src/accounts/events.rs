//! Security events (invalid tokens, cross-site posts, failed and rate-limited sign-ins,
//! refusals of someone signed in): counted per source and hour in bounded storage
//! (`semey_store::SecurityEvent`), apart from the audit trail of changes, and committed
//! without moving the store's generation, so that a flood of them neither grows the database
//! without bound nor empties the cache of public pages.

use crate::AppError;
use semey_store::{Store, Tx};

/// One security event.
pub type Event<'a> = semey_store::SecurityEventInput<'a>;

/// Counting an event.
pub(crate) trait Count {
    /// Counts it inside `tx` (which its caller commits with `commit_unseen`).
    async fn record_in(&self, store: &Store, tx: &mut Tx) -> Result<(), AppError>;
    /// Counts it in a transaction of its own; a failure is logged, never shown (the request
    /// is refused either way).
    async fn record(&self, store: &Store);
}

impl Count for Event<'_> {
    async fn record_in(&self, store: &Store, tx: &mut Tx) -> Result<(), AppError> {
        store.record_security_event(tx, self).await?;
        Ok(())
    }

    async fn record(&self, store: &Store) {
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
