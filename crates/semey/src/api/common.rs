//! What the API's handlers share: a page of a list, paging parameters, ids in paths.

use super::extract::{from_str, param};
use crate::AppError;
use semey_store::Page;
use serde::Serialize;
use utoipa::ToSchema;

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T: ToSchema> {
    pub items: Vec<T>,
    /// How many records match the filters in all.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// The page a list request asks for (`limit`, `offset`), checked.
pub(super) fn page(limit: &Option<String>, offset: &Option<String>) -> Result<Page, AppError> {
    Ok(Page::new(
        param("limit", limit, from_str("a whole number"))?,
        param("offset", offset, from_str("a whole number"))?,
    ))
}

/// Parses an id from the path: a malformed id is as unknown as a missing one (404).
pub(super) fn parse_path_id<T: std::str::FromStr>(
    entity: &'static str,
    s: &str,
) -> Result<T, AppError> {
    s.parse().map_err(|_| AppError::NotFound {
        entity,
        id: s.to_owned(),
    })
}
