//! Reading CSV files people actually have: UTF-8 with or without a byte-order mark, or the
//! Windows-1251 encoding still common in Kazakhstan (detected, and said so in the report).

use super::report::Problems;
use crate::AppError;
use semey_domain::FieldError;
use std::borrow::Cow;
use std::collections::HashMap;

/// Decodes a file's bytes to text. Returns the text and, when it was not UTF-8, a note saying
/// which encoding was detected.
pub fn decode_text(bytes: &[u8]) -> Result<(Cow<'_, str>, Option<String>), AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((Cow::Borrowed(s), None)),
        Err(e) => {
            let (text, _, had_errors) = encoding_rs::WINDOWS_1251.decode(bytes);
            let non_ascii: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
            let cyrillic = non_ascii
                .iter()
                .filter(|c| ('\u{0400}'..='\u{04FF}').contains(*c))
                .count();
            // Windows-1251 text is mostly Cyrillic letters where it is not ASCII; anything else
            // (Latin-1, a binary file) is refused rather than guessed.
            if !had_errors && !non_ascii.is_empty() && cyrillic * 10 >= non_ascii.len() * 9 {
                Ok((Cow::Owned(text.into_owned()), Some("the file is in the Windows-1251 encoding, not UTF-8: it was read as Windows-1251".to_owned())))
            } else {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                Err(AppError::Import(vec![FieldError::new(
                    format!("line {line}"),
                    "unknown_encoding",
                    format!(
                        "the file is neither UTF-8 nor Windows-1251 text (byte 0x{:02X} at line {line}); save it as UTF-8 CSV",
                        bytes[e.valid_up_to()]
                    ),
                )]))
            }
        }
    }
}

/// A CSV file with named columns.
pub struct CsvTable {
    text: String,
    columns: HashMap<String, usize>,
    pub headers: Vec<String>,
    pub encoding_note: Option<String>,
}

fn norm(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace([' ', '-'], "_")
}

impl CsvTable {
    /// Reads the header and checks that every `required` column is there (a column named like
    /// `a|b` may be present under either name).
    pub fn parse(bytes: &[u8], required: &[&str]) -> Result<Self, AppError> {
        let (text, encoding_note) = decode_text(bytes)?;
        let text = text.into_owned();
        if text.trim().is_empty() {
            return Err(AppError::Import(vec![FieldError::new(
                "line 1",
                "empty_file",
                "the file is empty",
            )]));
        }
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| {
                AppError::Import(vec![FieldError::new(
                    "line 1",
                    "unreadable_header",
                    e.to_string(),
                )])
            })?
            .iter()
            .map(norm)
            .collect();
        let columns: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        let mut problems = Problems::default();
        for r in required {
            if !r.split('|').any(|alt| columns.contains_key(alt)) {
                problems.line(
                    1,
                    &r.replace('|', " or "),
                    "missing_column",
                    format!(
                        "the column `{}` is missing (the header has: {})",
                        r.replace('|', "` or `"),
                        headers.join(", ")
                    ),
                );
            }
        }
        problems.into_result()?;
        Ok(Self {
            text,
            columns,
            headers,
            encoding_note,
        })
    }

    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// Where `column` is in the header: for large files, which read a cell by position
    /// ([`Row::cell`]) instead of by name.
    pub fn position(&self, column: &str) -> Option<usize> {
        self.columns.get(column).copied()
    }

    /// Iterates the data rows with their line numbers. A row that cannot be read (unbalanced
    /// quotes) is an `Err` naming its line.
    pub fn rows(&self) -> impl Iterator<Item = Result<Row<'_>, FieldError>> + '_ {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(self.text.as_bytes());
        let mut record = csv::StringRecord::new();
        // The header was read in `parse`; read it again to start at the first data row.
        let _ = rdr.headers();
        std::iter::from_fn(move || match rdr.read_record(&mut record) {
            Ok(false) => None,
            Ok(true) => {
                let (line, byte) = record
                    .position()
                    .map(|p| (p.line(), p.byte()))
                    .unwrap_or((0, 0));
                Some(Ok(Row {
                    columns: &self.columns,
                    values: record.clone(),
                    line,
                    byte,
                }))
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                Some(Err(FieldError::new(
                    format!("line {line}"),
                    "unreadable_row",
                    e.to_string(),
                )))
            }
        })
    }

    /// Bytes of text, for progress.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// One data row.
pub struct Row<'a> {
    columns: &'a HashMap<String, usize>,
    values: csv::StringRecord,
    pub line: u64,
    /// Offset of the row in the text, for progress.
    pub byte: u64,
}

impl Row<'_> {
    /// The trimmed value of `column` (`""` when the column or the cell is absent).
    pub fn get(&self, column: &str) -> &str {
        column
            .split('|')
            .find_map(|c| self.columns.get(c))
            .and_then(|&i| self.values.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }

    pub fn opt(&self, column: &str) -> Option<&str> {
        Some(self.get(column)).filter(|s| !s.is_empty())
    }

    /// The trimmed cell at a position from [`CsvTable::position`] (`""` when absent).
    pub fn cell(&self, at: Option<usize>) -> &str {
        at.and_then(|i| self.values.get(i)).map_or("", str::trim)
    }
}

impl Row<'_> {
    /// The optional columns `aid_type`, `finance_type`, `flow_type` and `tied_status` (checked
    /// with the record they belong to).
    pub fn terms(&self) -> semey_domain::terms::FinanceTerms {
        use semey_domain::terms::Term;
        let get = |t: Term| self.opt(t.field()).map(str::to_owned);
        semey_domain::terms::FinanceTerms {
            aid_type: get(Term::AidType),
            finance_type: get(Term::FinanceType),
            flow_type: get(Term::FlowType),
            tied_status: get(Term::TiedStatus),
        }
    }
}
