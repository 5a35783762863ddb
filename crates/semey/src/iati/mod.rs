//! IATI 2.03 exchange: the platform's programmes as `iati-activities` files (`export.rs`), from
//! published records only, in the order and shape of the official schema.

pub mod export;
pub mod import;
pub mod rules;
pub mod xml;
