//! `/api/v1/search`: one question over documents and records in every language, ranked
//! together, with facets and highlighted snippets.

use super::extract::{from_str, param, ApiQuery};
use crate::search::{Facet, Hit, SearchQuery};
use crate::{AppError, AppState};
use axum::extract::State;
use axum::Json;
use semey_domain::lang::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SearchParams {
    /// The question: words in any of the four languages (at most 300 characters).
    q: Option<String>,
    /// The reader's language (`kk`, `ru`, `en`, `zh`; default `en`): titles and snippets
    /// in it first.
    lang: Option<String>,
    /// Only this kind: `programme`, `organisation`, `place`, `service`, `mandate`,
    /// `meeting`, `decision`, `indicator`.
    kind: Option<String>,
    /// Only this thematic area (`health`, `radiation_safety`, …).
    area: Option<String>,
    /// Only what concerns this place (its id).
    place: Option<String>,
    /// Only what runs or happened in this year.
    year: Option<String>,
    /// Only what has text in this language.
    language: Option<String>,
    /// Only what this organisation reports or takes part in (its id).
    organisation: Option<String>,
    /// Hits per page (1–100, default 20).
    limit: Option<String>,
    offset: Option<String>,
}

/// One page of answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// How many hits in all.
    pub total: u64,
    pub hits: Vec<Hit>,
    /// For each facet, its values with their counts over all hits (most first).
    pub facets: BTreeMap<String, Vec<FacetValue>>,
    /// The offset of the next page, when there is one.
    pub next_offset: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

impl SearchParams {
    pub(crate) fn query(
        &self,
        default_lang: Lang,
        audience: semey_store::Audience,
    ) -> Result<SearchQuery, AppError> {
        let number = |name: &str, v: &Option<String>, default: usize| {
            Ok::<_, AppError>(
                param(name, v, from_str::<usize>("a whole number"))?.unwrap_or(default),
            )
        };
        let mut filters = Vec::new();
        for (facet, value) in [
            (Facet::Kind, &self.kind),
            (Facet::Area, &self.area),
            (Facet::Place, &self.place),
            (Facet::Year, &self.year),
            (Facet::Language, &self.language),
            (Facet::Organisation, &self.organisation),
        ] {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                filters.push((facet, v.to_owned()));
            }
        }
        Ok(SearchQuery {
            text: self.q.clone().unwrap_or_default(),
            lang: param("lang", &self.lang, from_str::<Lang>("kk, ru, en or zh"))?
                .unwrap_or(default_lang),
            filters,
            offset: number("offset", &self.offset, 0)?,
            limit: number("limit", &self.limit, 20)?,
            audience,
        })
    }
}

/// Searches documents (their full text), programmes, organisations, places, services,
/// mandates, meetings, decisions and indicators at once. Russian and English words are matched by their stems, Chinese is cut
/// into words, Kazakh endings are taken off, and Kazakh letters typed as Russian ones still
/// match. Only what the reader may see is found (private documents: their organisation's
/// people and the coordinators).
#[utoipa::path(get, path = "/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 400, body = crate::error::ErrorBody)))]
async fn search(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<SearchResults>, AppError> {
    let audience = crate::coordination::audience(&actor);
    let answer = s
        .search
        .search(&s.store, p.query(Lang::En, audience)?)
        .await?;
    Ok(Json(SearchResults {
        total: answer.total,
        hits: answer.hits,
        facets: answer
            .facets
            .into_iter()
            .map(|(f, values)| {
                (
                    f.as_str().to_owned(),
                    values
                        .into_iter()
                        .map(|(value, count)| FacetValue { value, count })
                        .collect(),
                )
            })
            .collect(),
        next_offset: answer.next_offset,
    }))
}
