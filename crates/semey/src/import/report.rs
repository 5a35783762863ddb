//! What an import did, and the problems it found (capped, with their lines).

use semey_domain::FieldError;
use serde::Serialize;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub kind: String,
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Things the user should know that are not errors (an encoding detected, a place put in
    /// another region than its file said).
    pub notes: Vec<String>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{}: {} read, {} new, {} updated, {} already present",
            self.kind, self.rows, self.inserted, self.updated, self.unchanged
        )?;
        for n in &self.notes {
            writeln!(f, "  note: {n}")?;
        }
        Ok(())
    }
}

/// Most errors an import lists before summarising the rest.
const MAX_LISTED_ERRORS: usize = 100;

/// Collects the problems of an import, capped so a broken million-row file stays readable.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    listed: Vec<FieldError>,
    more: usize,
}

impl Problems {
    pub fn line(&mut self, line: u64, field: &str, code: &str, message: impl Into<String>) {
        self.at(&format!("line {line}"), field, code, message);
    }

    pub fn push(&mut self, e: FieldError) {
        if self.listed.len() < MAX_LISTED_ERRORS {
            self.listed.push(e);
        } else {
            self.more += 1;
        }
    }

    pub fn invalid(&mut self, line: u64, inv: semey_domain::Invalid) {
        self.invalid_at(&format!("line {line}"), inv);
    }

    /// The errors of one record, placed at `at` (`line 12`, `entry 3`).
    pub fn invalid_at(&mut self, at: &str, inv: semey_domain::Invalid) {
        for e in inv.errors {
            self.at(at, &e.field, &e.code, e.message);
        }
    }

    /// One problem at `at` (`line 12`, `entry 3`), in `field` when it has one.
    pub fn at(&mut self, at: &str, field: &str, code: &str, message: impl Into<String>) {
        let f = if field.is_empty() {
            at.to_owned()
        } else {
            format!("{at}: {field}")
        };
        self.push(FieldError::new(f, code, message));
    }

    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// How many problems were found so far.
    pub fn count(&self) -> usize {
        self.listed.len() + self.more
    }

    /// `Ok` when nothing went wrong, else the error listing every problem.
    pub fn into_result(mut self) -> Result<(), crate::AppError> {
        if self.listed.is_empty() {
            return Ok(());
        }
        if self.more > 0 {
            self.listed.push(FieldError::new(
                "file",
                "more_errors",
                format!("… and {} more problems", self.more),
            ));
        }
        Err(crate::AppError::Import(self.listed))
    }
}
