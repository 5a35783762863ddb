//! Semey's domain core: the types, rules and calculations of the platform.
//!
//! Architecture invariant: this crate does no I/O. It never touches a database, a file, the
//! network or the clock; everything it needs is passed in. Values are parsed into types that
//! cannot hold invalid states ("parse, don't validate"), so the layers above can trust them.

/// Implements the OpenAPI schema of a type serialised as a plain string.
#[macro_export]
#[doc(hidden)]
macro_rules! string_schema {
    ($t:ty, $desc:literal, $example:literal) => {
        impl utoipa::PartialSchema for $t {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some($desc))
                    .examples([serde_json::json!($example)])
                    .into()
            }
        }
        impl utoipa::ToSchema for $t {}
    };
}

/// A closed list of codes written as snake-case strings (`ThematicArea`, `ResultType` …):
/// `ALL`, `as_str`, and `parse` whose error names the field.
macro_rules! string_enum {
    ($(#[doc = $doc:literal])* $name:ident, $field:literal { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $s)] $variant,)+
        }

        // Written out rather than derived: the derive does not see the variants' names through
        // this macro and would describe `Children` where the JSON says `children`.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc: &[&str] = &[$($doc),*];
                let doc = doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($s),+]))
                    .description((!doc.is_empty()).then_some(doc))
                    .into()
            }
        }
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s,)+ }
            }

            pub fn parse(s: &str) -> Result<Self, $crate::Invalid> {
                match s.trim() {
                    $($s => Ok($name::$variant),)+
                    other => Err($crate::Invalid::one($field, concat!("unknown_", $field), format!(
                        "{other:?} is not one of: {}", [$($s),+].join(", ")
                    ))),
                }
            }
        }
    };
}

pub mod access;
pub mod account;
pub mod contribution;
pub mod coordination;
pub mod currency;
pub mod document;
pub mod error;
pub mod funding;
pub mod fx;
pub mod ids;
pub mod lang;
pub mod mandate;
pub mod organisation;
pub mod place;
pub mod programme;
pub mod radiation;
pub mod record;
pub mod report;
pub mod results;
pub mod search;
pub mod service;
pub mod terms;
pub mod workflow;

pub use error::{FieldError, Invalid};

// Dates travel as ISO 8601 calendar dates ("2024-12-31") in JSON.
time::serde::format_description!(pub iso_date, Date, "[year]-[month]-[day]");

/// Dates written as ISO 8601 calendar dates ("2024-12-31") and read from them or from the
/// `[year, day of the year]` pairs that reports, documents and assessments stored before
/// 2026-12-03 carry (the `time` crate's own form, which the API wrongly answered then).
pub mod day {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};
    use time::Date;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Iso(String),
        Ordinal(i32, u16),
    }

    fn from(stored: Stored) -> Result<Date, String> {
        match stored {
            Stored::Iso(s) => {
                let format = time::macros::format_description!("[year]-[month]-[day]");
                Date::parse(&s, format).map_err(|e| format!("{s:?} is not a date: {e}"))
            }
            Stored::Ordinal(y, d) => Date::from_ordinal_date(y, d).map_err(|e| e.to_string()),
        }
    }

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        crate::iso_date::serialize(d, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        from(Stored::deserialize(d)?).map_err(D::Error::custom)
    }

    /// The same for an optional date (`null` when absent).
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            crate::iso_date::option::serialize(d, s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            Option::<Stored>::deserialize(d)?
                .map(from)
                .transpose()
                .map_err(D::Error::custom)
        }
    }
}
pub use lang::{Lang, LocalText};
