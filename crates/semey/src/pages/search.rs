//! `/search`: the one search box's answers, with facets to narrow them and pages of hits.

use super::context::*;
use crate::presentation::i18n::t;
use crate::search::{Facet, SearchQuery};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use semey_domain::lang::Lang;

/// Hits on one page.
const PER_PAGE: usize = 20;

struct HitView {
    kind: String,
    href: String,
    title: String,
    title_lang: &'static str,
    /// The snippet with its found words marked, already escaped.
    snippet: String,
    snippet_lang: &'static str,
}

struct FacetView {
    name: String,
    /// (label, count, address that narrows to it or widens again, chosen)
    values: Vec<(String, u64, String, bool)>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    error: Option<String>,
    total: Option<String>,
    hits: Vec<HitView>,
    facets: Vec<FacetView>,
    previous: Option<String>,
    next: Option<String>,
}

/// The snippet's text with each found word in `<mark>`, escaped.
fn marked(text: &str, highlights: &[(usize, usize)]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &(from, to) in highlights {
        if from < at
            || to > text.len()
            || !text.is_char_boundary(from)
            || !text.is_char_boundary(to)
        {
            continue;
        }
        out.push_str(&html_escape(&text[at..from]));
        out.push_str("<mark>");
        out.push_str(&html_escape(&text[from..to]));
        out.push_str("</mark>");
        at = to;
    }
    out.push_str(&html_escape(&text[at..]));
    out
}

fn address(pairs: &[(String, String)]) -> String {
    let q: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect();
    format!("/search?{}", q.join("&"))
}

async fn facet_label(s: &AppState, lang: Lang, facet: Facet, value: &str) -> String {
    match facet {
        Facet::Kind => t(lang, &format!("search-kind-{value}")),
        Facet::Area => area_name(lang, Some(value)),
        Facet::Year => value.to_owned(),
        Facet::Language => Lang::ALL
            .iter()
            .zip(Chrome::new(lang, &"/".parse().expect("a path"), Vec::new()).languages())
            .find(|(l, _)| l.code() == value)
            .map(|(_, (_, name))| name.to_owned())
            .unwrap_or_else(|| value.to_owned()),
        Facet::Place => match value.parse() {
            Ok(id) => s
                .store
                .place(id)
                .await
                .ok()
                .and_then(|p| p.name.best(lang).map(str::to_owned))
                .unwrap_or_else(|| value.to_owned()),
            Err(_) => value.to_owned(),
        },
        Facet::Organisation => match value.parse() {
            Ok(id) => s
                .store
                .organisation(id)
                .await
                .ok()
                .and_then(|o| o.name.best(lang).map(str::to_owned))
                .unwrap_or_else(|| value.to_owned()),
            Err(_) => value.to_owned(),
        },
    }
}

/// Answers the search box: hits ranked over every kind, in the reader's language first.
pub(super) async fn search(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    reader: Reader,
) -> Result<Response, AppError> {
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let q = get("q");
    let offset: usize = get("offset").parse().unwrap_or(0);
    let filters: Vec<(Facet, String)> = Facet::ALL
        .into_iter()
        .map(|f| (f, get(f.as_str())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    // The address of this answer with some parameters changed.
    let base: Vec<(String, String)> = std::iter::once(("q".to_owned(), q.clone()))
        .chain(
            filters
                .iter()
                .map(|(f, v)| (f.as_str().to_owned(), v.clone())),
        )
        .collect();
    let with = |changes: &[(&str, String)]| {
        let mut pairs: Vec<(String, String)> = base
            .iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .cloned()
            .collect();
        pairs.extend(changes.iter().map(|(k, v)| (k.to_string(), v.clone())));
        address(&pairs)
    };
    let mut page = SearchPage {
        c: Chrome::new(lang, &uri, query.clone()),
        q: q.clone(),
        error: None,
        total: None,
        hits: Vec::new(),
        facets: Vec::new(),
        previous: None,
        next: None,
    };
    let mut status = StatusCode::OK;
    if !q.is_empty() {
        let asked = SearchQuery {
            text: q.clone(),
            lang,
            filters: filters.clone(),
            offset: offset.min(semey_store::Page::MAX_OFFSET as usize),
            limit: PER_PAGE,
            audience: crate::coordination::audience(&actor),
        };
        match s.search.search(&s.store, asked).await {
            Ok(answer) => {
                page.total = Some(crate::presentation::i18n::t_args(
                    lang,
                    "search-found",
                    &[("count", answer.total.into())],
                ));
                for h in answer.hits {
                    let (snippet, snippet_lang) = match &h.snippet {
                        Some(sn) => (marked(&sn.text, &sn.highlights), sn.lang.code()),
                        None => (String::new(), lang.code()),
                    };
                    page.hits.push(HitView {
                        kind: t(lang, &format!("search-kind-{}", h.kind.as_str())),
                        href: h.href,
                        title: h.title,
                        title_lang: h.title_lang.unwrap_or(lang).code(),
                        snippet,
                        snippet_lang,
                    });
                }
                for (facet, values) in answer.facets {
                    if values.is_empty() {
                        continue;
                    }
                    let chosen = filters
                        .iter()
                        .find(|(f, _)| *f == facet)
                        .map(|(_, v)| v.clone());
                    let mut shown = Vec::new();
                    for (value, count) in values {
                        let is_chosen = chosen.as_deref() == Some(value.as_str());
                        let href = if is_chosen {
                            with(&[(facet.as_str(), String::new())])
                        } else {
                            with(&[(facet.as_str(), value.clone())])
                        };
                        shown.push((
                            facet_label(&s, lang, facet, &value).await,
                            count,
                            href,
                            is_chosen,
                        ));
                    }
                    page.facets.push(FacetView {
                        name: t(lang, &format!("search-facet-{}", facet.as_str())),
                        values: shown,
                    });
                }
                if offset > 0 {
                    page.previous = Some(with(&[(
                        "offset",
                        offset.saturating_sub(PER_PAGE).to_string(),
                    )]));
                }
                page.next = answer
                    .next_offset
                    .map(|n| with(&[("offset", n.to_string())]));
            }
            Err(AppError::BadRequest { code, .. }) => {
                page.error = Some(t(lang, &format!("search-error-{code}")));
                status = StatusCode::BAD_REQUEST;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(super::context::page(&page, status, chosen.then_some(lang)))
}
