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
pub use workflow::{write, write_all, ProposalView, Written};
