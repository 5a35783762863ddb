//! What every write transaction does as it commits: the figures it left stale are summed
//! again inside it (`mandate_figures.rs`), then it commits and the store's generation moves on
//! (what cached pages are checked against).

use crate::db::{Tx, TxConn};
use crate::error::Result;
use std::sync::atomic::Ordering;

impl Tx {
    pub async fn commit(mut self) -> Result<()> {
        crate::mandate_figures::refresh(&mut self).await?;
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await?,
            TxConn::Postgres(t) => t.commit().await?,
        }
        self.generation.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }
}
