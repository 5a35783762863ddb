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
