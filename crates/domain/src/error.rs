//! Validation errors: every rule that rejects input names the field it guards.

use serde::Serialize;
use utoipa::ToSchema;

/// One broken rule on one field. `code` is stable and machine-readable (the UI translates it);
/// `message` is an English explanation with the offending values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the offending field, e.g. `sectors` or `places[2].percentage`, or `line 14: currency`.
    pub field: String,
    /// Stable code, e.g. `sector_percentages_sum`.
    pub code: String,
    /// Human-readable explanation in English.
    pub message: String,
    /// The values a translated message names (a period, two numbers), for people who read
    /// another language; the English `message` already carries them.
    #[serde(skip)]
    pub args: Vec<(String, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
            args: Vec::new(),
        }
    }

    /// The same error naming `value` as `name` for its translated message.
    pub fn with_arg(mut self, name: &str, value: impl ToString) -> Self {
        self.args.push((name.to_owned(), value.to_string()));
        self
    }

    /// The same error naming every value of `args` for its translated message.
    pub fn with_args(mut self, args: Vec<(String, String)>) -> Self {
        self.args.extend(args);
        self
    }

    /// The same error, with its field path placed under `prefix` (`prefix.field`).
    pub fn under(mut self, prefix: &str) -> Self {
        self.field = match (prefix.is_empty(), self.field.is_empty()) {
            (true, _) => self.field,
            (false, true) => prefix.to_owned(),
            (false, false) => format!("{prefix}.{}", self.field),
        };
        self
    }
}

/// Reads a day written `YYYY-MM-DD` in `field`; anything else is `invalid_date`, naming the
/// field and the value.
pub fn parse_day(field: &str, s: &str) -> Result<time::Date, FieldError> {
    let s = s.trim();
    time::Date::parse(s, &time::format_description::well_known::Iso8601::DATE).map_err(|e| {
        FieldError::new(
            field,
            "invalid_date",
            format!("{s:?} is not a date (YYYY-MM-DD): {e}"),
        )
        .with_arg("value", s)
    })
}

/// All the broken rules found in one value: validation reports every problem at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema, thiserror::Error)]
#[error("{}", .errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
pub struct Invalid {
    pub errors: Vec<FieldError>,
}

impl Invalid {
    /// The same errors with their field paths cleared, for a value whose place in a list the
    /// caller names (`areas[2]` rather than `areas[2].area`).
    pub fn without_fields(mut self) -> Self {
        for e in &mut self.errors {
            e.field.clear();
        }
        self
    }

    pub fn one(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            errors: vec![FieldError::new(field, code, message)],
        }
    }
}

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Self {
        Self { errors: vec![e] }
    }
}

/// Collects field errors while a value is checked, then yields `Ok` or every error found.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, e: FieldError) {
        self.errors.push(e);
    }

    /// Keeps the value of `r`, or records its errors (prefixed with `field`) and yields `None`.
    pub fn take<T>(&mut self, field: &str, r: Result<T, Invalid>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(inv) => {
                self.errors
                    .extend(inv.errors.into_iter().map(|e| e.under(field)));
                None
            }
        }
    }

    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Invalid> {
        if self.errors.is_empty() {
            Ok(value())
        } else {
            Err(Invalid {
                errors: self.errors,
            })
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
}
