//! IATI 2.03 exchange: the platform's programmes as `iati-activities` files (`export.rs`), from
//! published records only, in the order and shape of the official schema; activity files of
//! others read back (`import.rs`) and the standard's rules the schema cannot express
//! (`rules.rs`).

pub mod export;
pub mod import;
pub mod rules;
pub mod xml;

/// The namespace of Semey's IATI extension (the schema lets other namespaces extend a
/// transaction): `<semey:in-kind category="…" quantity="…" unit="…"/>` marks a transaction as
/// a contribution in kind. The declaration travels on the element itself.
pub const IN_KIND_NAMESPACE: &str = "https://semey.kz/ns/iati";
const IN_KIND_PREFIX: &str = "semey";
const XMLNS_IN_KIND: &str = "xmlns:semey";

/// Finance type 110, a standard grant ("transfers in cash or in kind").
const IN_KIND_FINANCE_TYPE: &str = "110";
