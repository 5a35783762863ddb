//! The one record path. Every kind of record people create or change goes through it:
//! **authorise** (the owner is computed from the record's content, before and after the
//! change) → **check** (the domain's rules) → **propose or write** → **audit**, all in one
//! database transaction. A kind joins by implementing [`Record`] in its feature's folder; code
//! over every kind matches `RecordKind` exhaustively (see `workflow::apply`), so the compiler
//! lists what a new kind must handle.
//!
//! `record.rs` holds the kind's trait and the steps of a write; `workflow.rs` decides between
//! proposing and writing, and takes the steps of a proposal (submit, approve, return, publish).

mod record;
pub mod workflow;

pub(crate) use record::programme_owner;
pub use record::{
    audit, audit_action, audit_import, authorise_in, may_change, proposes, save_in, to_json,
    Channel, ImportAudit, Record, Saved,
};
pub use workflow::{write, write_all, write_in, ProposalView, Written};

/// Which organisation owns a record of a kind kept whole: `None` (the default) for the
/// coordinators' kinds.
pub trait Owned {
    fn owner(&self) -> Option<semey_domain::ids::OrganisationId> {
        None
    }
}

/// The record path's knowledge of a kind kept whole by the store (one JSON document per
/// record): its id, input, and the store's save and load. The kind says who owns a record
/// through [`Owned`].
macro_rules! kept_whole {
    ($t:ty, $kind:expr, $id:ty, $input:ty, $save:ident, $load:ident) => {
        impl $crate::records::Record for $t {
            const KIND: RecordKind = $kind;
            type Id = $id;
            type Input = $input;
            type Checked = $t;
            type Stored = $t;

            fn id_of(stored: &$t) -> $id {
                stored.id
            }

            async fn load(
                store: &semey_store::Store,
                tx: &mut semey_store::Tx,
                id: $id,
            ) -> Result<$t, $crate::AppError> {
                Ok(store.$load(tx, id).await?)
            }

            fn check(input: $input, id: Option<$id>) -> Result<$t, semey_domain::Invalid> {
                input.check(id.unwrap_or_default())
            }

            async fn save(
                store: &semey_store::Store,
                tx: &mut semey_store::Tx,
                old: Option<&$t>,
                r: $t,
            ) -> Result<$crate::records::Saved<$t>, $crate::AppError> {
                store.$save(tx, &r).await?;
                Ok($crate::records::Saved {
                    stored: store.$load(tx, r.id).await?,
                    before: old.cloned(),
                })
            }

            async fn owner_of_stored(
                _: &semey_store::Store,
                _: &mut semey_store::Tx,
                stored: &$t,
            ) -> Result<Option<semey_domain::ids::OrganisationId>, $crate::AppError> {
                Ok($crate::records::Owned::owner(stored))
            }

            async fn owner_of_input(
                _: &semey_store::Store,
                _: &mut semey_store::Tx,
                _: Option<$id>,
                input: &$input,
            ) -> Result<Option<semey_domain::ids::OrganisationId>, $crate::AppError> {
                Ok($crate::records::Owned::owner(input))
            }
        }
    };
}
pub(crate) use kept_whole;
