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
    /// The whole list with the same filters as files: `csv`, `xlsx`, `json` (and `geojson`
    /// for places and services) → address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downloads: Option<std::collections::BTreeMap<String, String>>,
}

impl<T: ToSchema> List<T> {
    /// One page of a list of `total` records, without downloads.
    pub(super) fn page(items: Vec<T>, total: i64, page: Page) -> Self {
        Self {
            items,
            total,
            limit: page.limit,
            offset: page.offset,
            downloads: None,
        }
    }

    /// A whole list in one answer (a few dozen records at most).
    pub(super) fn whole(items: Vec<T>) -> Self {
        let total = items.len() as i64;
        Self {
            items,
            total,
            limit: total,
            offset: 0,
            downloads: None,
        }
    }
}

/// The download addresses of a list: the dataset's files with the request's filters (its
/// page left out).
pub(super) fn downloads(
    dataset: crate::opendata::Dataset,
    query: &Option<String>,
) -> Option<std::collections::BTreeMap<String, String>> {
    // The request's own pairs, still encoded, but for its page.
    let qs = query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("");
            !p.is_empty() && key != "limit" && key != "offset"
        })
        .collect::<Vec<_>>()
        .join("&");
    Some(
        dataset
            .formats()
            .into_iter()
            .map(|f| {
                let mut href = format!("/api/v1/data/{}.{}", dataset.slug(), f.ext());
                if !qs.is_empty() {
                    href.push('?');
                    href.push_str(&qs);
                }
                (f.ext().to_owned(), href)
            })
            .collect(),
    )
}

/// The page a list request asks for (`limit`, `offset`), checked.
pub(super) fn page(limit: &Option<String>, offset: &Option<String>) -> Result<Page, AppError> {
    let offset = param("offset", offset, |v| {
        let n: i64 = v
            .parse()
            .map_err(|_| format!("{v:?} is not a whole number"))?;
        if (0..=Page::MAX_OFFSET).contains(&n) {
            Ok(n)
        } else {
            Err(format!(
                "{n} is not between 0 and {}: narrow the list with its filters, or download it whole from /data",
                Page::MAX_OFFSET
            ))
        }
    })?;
    Ok(Page::new(
        param("limit", limit, from_str("a whole number"))?,
        offset,
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

/// A create and a replace of one kind on the record path (`POST /things`, `PUT /things/{id}`).
macro_rules! writes {
    ($tag:literal, $create:ident, $update:ident, $t:ty, $id:ty, $input:ty, $list:literal, $one:literal, $what:literal) => {
        #[doc = concat!("Adds a ", $what, ".")]
        #[utoipa::path(post, path = $list, tag = $tag, request_body = $input,
            responses((status = 201, body = $t), (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
                (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
        async fn $create(
            axum::extract::State(s): axum::extract::State<$crate::AppState>,
            actor: $crate::accounts::Actor,
            $crate::api::extract::ApiJson(input): $crate::api::extract::ApiJson<$input>,
        ) -> Result<axum::response::Response, $crate::AppError> {
            Ok(crate::records::write::<$t>(&s.store, &actor, None, input, crate::records::Channel::Api)
                .await?
                .respond())
        }

        #[doc = concat!("Replaces a ", $what, ".")]
        #[utoipa::path(put, path = $one, tag = $tag, request_body = $input, params(("id" = String, Path, description = "Id")),
            responses((status = 200, body = $t), (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
                (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
        async fn $update(
            axum::extract::State(s): axum::extract::State<$crate::AppState>,
            actor: $crate::accounts::Actor,
            axum::extract::Path(id): axum::extract::Path<String>,
            $crate::api::extract::ApiJson(input): $crate::api::extract::ApiJson<$input>,
        ) -> Result<axum::response::Response, $crate::AppError> {
            let id = $crate::api::common::parse_path_id::<$id>($what, &id)?;
            Ok(crate::records::write::<$t>(&s.store, &actor, Some(id), input, crate::records::Channel::Api)
                .await?
                .respond())
        }
    };
}
pub(super) use writes;
