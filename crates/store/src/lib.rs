//! Semey's storage layer. Every SQL statement of the platform lives in this crate, written once
//! for both backends: an embedded SQLite file and PostgreSQL, chosen at runtime from the URL.
//!
//! Architecture invariants:
//! - No other crate builds SQL. Callers pass domain types and get domain types back.
//! - The same SQL text runs on both backends (`$n` placeholders, `CAST(SUM(..) AS BIGINT)`,
//!   `ON CONFLICT`); where the dialects differ, the difference is isolated in `db.rs`.
//! - Every write that changes money keeps the funding roll-ups in the same database transaction.

mod accounts;
mod commit;
mod contributions;
mod coordination;
mod db;
mod dialect;
mod documents;
mod error;
mod funding;
mod fx;
mod money;
mod money_copy;
pub use fx::RateReport;
pub use money::MoneyKind;
mod mandate_figures;
mod mandates;
mod organisations;
mod places;
mod programmes;
mod proposals;
mod radiation;
mod reports;
mod results;
mod rollups;
mod search;
mod security;
mod services;
mod sqlite_bulk;
mod summaries;

pub use accounts::{stamp, AuditEntry, AuditFilter, NewUser, OpenTable, Session, Token, User};
pub use contributions::{ContributionFilter, InKindSums};
pub use coordination::{local as local_time, ActionFilter, Audience, Followups, MeetingFilter};
pub use db::{Backend, Page, Store, Tx};
pub use documents::{DocumentFile, DocumentFilter};
pub use error::StoreError;
pub use funding::{
    Dimension, FundingFilter, Named, RollupKey, SummaryRow, TextChunk, TransactionFilter,
    TransactionWrite, WriteReport, TRANSACTION_TEXT_COLUMNS,
};
pub use organisations::OrganisationFilter;
pub use places::{PlaceFilter, PlaceRecord, PlaceWrite, Upserted};
pub use programmes::ProgrammeFilter;
pub use proposals::Proposal;
pub use radiation::{
    Aggregates, Bin, Dataset, Device, Factor, ImportRecord, MeasurementChunk, MeasurementFilter,
    MeasurementText, NewMeasurement,
};
pub use reports::ReportVersion;
pub use results::{IndicatorRow, StatusCount};
pub use search::{Change as SearchChange, FeedRead, REBUILD as SEARCH_REBUILD};
pub use security::{
    SecurityEvent, SecurityEventInput, OTHER_SOURCES, OTHER_TARGETS, SOURCES_PER_HOUR,
    TARGETS_PER_SOURCE,
};
pub use services::{ServiceFilter, ServicePoint};

/// The migration versions of each backend, for the test that keeps them in step.
pub fn migration_versions() -> (Vec<i64>, Vec<i64>) {
    let v = |m: &sqlx::migrate::Migrator| m.iter().map(|m| m.version).collect();
    (v(&db::SQLITE_MIGRATIONS), v(&db::POSTGRES_MIGRATIONS))
}
