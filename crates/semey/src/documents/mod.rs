//! The document library (C9): files recognised from their content (`sniff`), their text read
//! in a process apart (`read`), documents on the record path like every kind (`record`), the
//! upload that stores a file and its document in one transaction (`library`), and
//! `semey import documents DIR` (`import`).

pub mod import;
pub mod library;
pub mod read;
mod record;
pub mod sniff;

pub use library::{may_read, readable, upload, upload_configured, Uploaded, UploadedFile};
