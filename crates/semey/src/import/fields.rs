//! Reading the fields of CSV rows the way every table import does: dates, texts in four
//! languages, `;`-separated lists.

use super::csv_table::Row;
use semey_domain::{Lang, LocalText};
use time::Date;

pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

pub(crate) fn local_text(row: &Row<'_>, prefix: &str) -> LocalText {
    let mut t = LocalText::new();
    for l in Lang::ALL {
        t.set(l, row.get(&format!("{prefix}_{}", l.code())));
    }
    t
}

pub(crate) fn list(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').map(str::trim).filter(|x| !x.is_empty())
}

/// A JSON file holding an array of `what` (the `semey import services|results` files): its
/// entries, or the error naming the line where it is not JSON, or saying it is not an array.
pub fn json_array(bytes: &[u8], what: &str) -> Result<Vec<serde_json::Value>, crate::AppError> {
    let doc: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        crate::AppError::Import(vec![semey_domain::FieldError::new(
            format!("line {}", e.line()),
            "invalid_json",
            format!("the file is not JSON: {e}"),
        )])
    })?;
    match doc {
        serde_json::Value::Array(entries) => Ok(entries),
        _ => Err(crate::AppError::Import(vec![
            semey_domain::FieldError::new(
                "file",
                "not_a_list",
                format!("the file must hold a JSON array of {what}"),
            ),
        ])),
    }
}
