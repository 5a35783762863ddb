//! The document library's pages: the list (by type, words of the title, organisation, place,
//! programme; newest first, in pages of 50) and a document's page (its details, what it is
//! about, a preview — the image itself, or the beginning of its text — and the download).
//! Private documents show only to their organisation's people and the coordinators, who are
//! signed in and so never served from the page cache.

use super::context::*;
use crate::accounts::Actor;
use crate::presentation::format;
use crate::presentation::i18n::{t, t_args};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use semey_domain::document::{Document, DocumentType, FileFormat, TextState, Visibility};
use semey_domain::ids::DocumentId;
use semey_domain::lang::Lang;
use semey_store::{DocumentFilter, Page};

const PER_PAGE: i64 = 50;
/// How much of a document's text its page shows.
const PREVIEW_CHARS: usize = 1500;

struct Row {
    href: String,
    title: (String, Option<String>),
    doc_type: String,
    date: String,
    publisher: String,
    private: bool,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct ListPage {
    c: Chrome,
    types: Vec<(String, String, bool)>,
    q: String,
    count: String,
    rows: Vec<Row>,
    previous: Option<String>,
    next: Option<String>,
    may_upload: bool,
}

async fn organisation_name(s: &AppState, lang: Lang, d: &Document) -> Result<String, AppError> {
    Ok(found(s.store.organisation(d.organisation_id).await)?
        .map(|o| text_in(lang, &o.name).0)
        .unwrap_or_default())
}

pub(super) async fn documents(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let get = |k: &str| {
        reader
            .query
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let mut f = DocumentFilter::seen_by(crate::coordination::audience(&actor));
    let kind = get("kind").and_then(|k| DocumentType::parse(&k).ok());
    f.doc_type = kind;
    f.q = get("q");
    f.organisation = get("organisation").and_then(|v| v.parse().ok());
    f.place = get("place").and_then(|v| v.parse().ok());
    f.programme = get("programme").and_then(|v| v.parse().ok());
    let offset = get("offset")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0)
        .clamp(0, Page::MAX_OFFSET);
    let (docs, total) = s
        .store
        .list_documents(&f, Page::new(Some(PER_PAGE), Some(offset)))
        .await?;
    let mut rows = Vec::with_capacity(docs.len());
    for d in &docs {
        rows.push(Row {
            href: format!("/documents/{}", d.id),
            title: text_in(lang, &d.title),
            doc_type: t(lang, &format!("doc-type-{}", d.doc_type.as_str())),
            date: d.date.map(|x| format::date(lang, x)).unwrap_or_default(),
            publisher: organisation_name(&s, lang, d).await?,
            private: d.visibility == Visibility::Private,
        });
    }
    let at = |o: i64| {
        let mut q: Vec<(String, String)> = reader
            .query
            .iter()
            .filter(|(k, _)| k != "offset" && k != "lang")
            .cloned()
            .collect();
        if o > 0 {
            q.push(("offset".into(), o.to_string()));
        }
        let query: Vec<String> = q
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect();
        format!("/documents?{}", query.join("&"))
    };
    let template = ListPage {
        c: reader.chrome(),
        types: DocumentType::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_owned(),
                    t(lang, &format!("doc-type-{}", k.as_str())),
                    Some(*k) == kind,
                )
            })
            .collect(),
        q: get("q").unwrap_or_default(),
        count: t_args(lang, "docs-count", &[("count", total.into())]),
        rows,
        previous: (offset > 0).then(|| at((offset - PER_PAGE).max(0))),
        next: (offset + PER_PAGE < total).then(|| at(offset + PER_PAGE)),
        may_upload: actor.principal.is_signed_in(),
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    c: Chrome,
    id: String,
    title: (String, Option<String>),
    summary: (String, Option<String>),
    doc_type: String,
    date: String,
    publisher: (String, String),
    languages: String,
    licence: String,
    private: bool,
    /// Format and size, e.g. "PDF · 1.2 MB".
    file: String,
    image: bool,
    /// The beginning of the text, in the document's language.
    preview: Option<(String, String)>,
    text_note: Option<String>,
    reason: Option<String>,
    links: Vec<(String, String)>,
}

fn size(lang: Lang, bytes: i64) -> String {
    let kb = bytes as f64 / 1024.0;
    if bytes < 1024 {
        format!("{} B", format::integer(lang, bytes))
    } else if kb < 1024.0 {
        format!("{} KB", format::measure(lang, kb))
    } else {
        format!("{} MB", format::measure(lang, kb / 1024.0))
    }
}

fn label(f: FileFormat) -> String {
    f.as_str().to_uppercase()
}

pub(super) async fn document(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let Ok(id) = id.parse::<DocumentId>() else {
        return Ok(reader.not_found());
    };
    let Some(d) = found(s.store.document(id).await)? else {
        return Ok(reader.not_found());
    };
    if !crate::documents::may_read(&actor, &d) {
        return Ok(reader.not_found());
    }
    let file = s.store.document_file(&d.digest).await?;
    let mut links = Vec::new();
    for p in &d.programme_ids {
        if let Some(p) = found(s.store.programme(*p).await)? {
            links.push((format!("/programmes/{}", p.id), text_in(lang, &p.title).0));
        }
    }
    for p in &d.place_ids {
        if let Some(p) = found(s.store.place(*p).await)? {
            links.push((format!("/places/{}", p.id), text_in(lang, &p.name).0));
        }
    }
    for m in &d.mandate_ids {
        links.push((format!("/mandates/{m}"), t(lang, "nav-mandates")));
    }
    for m in &d.meeting_ids {
        if let Some(m) = found(s.store.meeting(*m).await)? {
            if m.published {
                links.push((format!("/meetings/{}", m.id), text_in(lang, &m.title).0));
            }
        }
    }
    let doc_lang = d.languages.first().copied().unwrap_or(lang);
    let (preview, text_note, reason) = match &file {
        Some(f) => match f.text_state {
            TextState::Extracted => {
                let text = s.store.document_text(&d.digest).await?.unwrap_or_default();
                let mut head: String = text.chars().take(PREVIEW_CHARS).collect();
                if head.len() < text.len() {
                    head.push('…');
                }
                (Some((head, doc_lang.code().to_owned())), None, None)
            }
            TextState::Empty => (None, Some(t(lang, "docs-text-empty")), None),
            TextState::Failed => (
                None,
                Some(t(lang, "docs-text-failed")),
                f.text_reason.clone(),
            ),
        },
        None => (None, None, None),
    };
    let template = DocumentPage {
        c: reader.chrome(),
        id: d.id.to_string(),
        title: text_in(lang, &d.title),
        summary: text_in(lang, &d.summary),
        doc_type: t(lang, &format!("doc-type-{}", d.doc_type.as_str())),
        date: d.date.map(|x| format::date(lang, x)).unwrap_or_default(),
        publisher: (
            format!("/stakeholders/{}", d.organisation_id),
            organisation_name(&s, lang, &d).await?,
        ),
        languages: d
            .languages
            .iter()
            .map(|l| t(lang, &format!("language-{}", l.code())))
            .collect::<Vec<_>>()
            .join(", "),
        licence: d.licence.clone(),
        private: d.visibility == Visibility::Private,
        file: file
            .as_ref()
            .map(|f| format!("{} · {}", label(f.format), size(lang, f.size)))
            .unwrap_or_default(),
        image: file.as_ref().is_some_and(|f| f.format.is_image()),
        preview,
        text_note,
        reason,
        links,
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}
