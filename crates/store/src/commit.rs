//! What every write transaction does as it commits: the figures it left stale are summed
//! again inside it (`mandate_figures.rs`), the money version moves on if it changed money (the
//! last statement, `summaries.rs`), then it commits and the store's generation moves on (what
//! cached pages are checked against).

use crate::db::{Tx, TxConn};
use crate::error::Result;
use std::sync::atomic::Ordering;

impl Tx {
    pub async fn commit(self) -> Result<()> {
        let generation = self.generation.clone();
        self.commit_unseen().await?;
        generation.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }

    /// Commits what no cached page shows (security events, sign-in counters, sessions): the
    /// generation stays, so cached public pages stay valid.
    pub async fn commit_unseen(mut self) -> Result<()> {
        let started = std::time::Instant::now();
        crate::mandate_figures::refresh(&mut self).await?;
        tracing::trace!(elapsed = ?started.elapsed(), "figures summed before commit");
        crate::summaries::record_changes(&mut self).await?;
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await?,
            TxConn::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}
