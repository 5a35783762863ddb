//! What every import shares: the file and who runs it (`Source`, audited), CSV tables with
//! encoding detection (`csv_table`), field readers, progress, the report and the list of
//! problems. The imports themselves live with their features (`places::import`,
//! `organisations::import`, `programmes::import`, `funding::import`, `radiation::import`).
//! Every import is all-or-nothing (one database transaction; any bad row and nothing is
//! stored), reports every problem with its line, and is idempotent (running it again adds
//! nothing).

mod csv_table;
pub(crate) mod fields;
mod progress;
pub(crate) mod records;
mod report;
mod source;

pub use csv_table::{decode_text, CsvTable, Row};
pub use progress::{Progress, Quiet};
pub use report::ImportReport;
pub(crate) use report::Problems;
pub use source::{audit_file, Source};
