//! The audit trail for coordinators: browse with filters, export as CSV. Read only: no route
//! changes or deletes a line.

use crate::accounts::Actor;
use crate::pages::context::Reader;
use crate::pages::context::{page, Chrome};
use crate::routes::Route;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use semey_store::{AuditEntry, AuditFilter, Page};

pub fn route_list() -> Vec<Route> {
    vec![
        Route::page("/workspace/audit", get(audit_page)),
        Route::action("/workspace/audit.csv", get(audit_csv)),
    ]
}

/// The filters of the page and of the export, from the query.
fn filter(query: &[(String, String)]) -> (AuditFilter, Vec<(String, String)>) {
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, v)| key == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
    };
    let f = AuditFilter {
        record_type: get("record_type"),
        record_id: get("record_id"),
        user_id: get("user").and_then(|u| u.parse().ok()),
        before_seq: None,
    };
    let kept = ["record_type", "record_id", "user"]
        .iter()
        .filter_map(|k| get(k).map(|v| ((*k).to_owned(), v)))
        .collect();
    (f, kept)
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    record_type: String,
    record_id: String,
    entries: Vec<AuditEntry>,
    export: String,
}

async fn audit_page(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
) -> Result<Response, AppError> {
    actor.principal.may_coordinate()?;
    let (lang, query, chosen) = (reader.lang, reader.query.clone(), reader.chosen);
    let uri = &reader.uri;
    let (f, kept) = filter(&query);
    let entries = s.store.list_audit(&f, Page::new(Some(500), None)).await?;
    let export = format!(
        "/workspace/audit.csv?{}",
        kept.iter()
            .map(|(k, v)| format!("{k}={}", crate::pages::context::urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
    );
    let template = AuditPage {
        record_type: f.record_type.clone().unwrap_or_default(),
        record_id: f.record_id.clone().unwrap_or_default(),
        entries,
        export,
        c: Chrome::new(lang, uri, query),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

async fn audit_csv(
    State(s): State<AppState>,
    actor: Actor,
    uri: Uri,
) -> Result<Response, AppError> {
    actor.principal.may_coordinate()?;
    let query = uri
        .query()
        .map(crate::pages::context::query_pairs)
        .unwrap_or_default();
    let (f, _) = filter(&query);
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| AppError::Io(std::io::Error::other(e));
    w.write_record([
        "seq",
        "at",
        "user_id",
        "via",
        "address",
        "action",
        "record_type",
        "record_id",
        "old_value",
        "new_value",
    ])
    .map_err(io)?;
    let mut offset = 0;
    loop {
        let batch = s
            .store
            .list_audit(&f, Page::new(Some(Page::MAX_LIMIT), Some(offset)))
            .await?;
        for e in &batch {
            w.write_record([
                e.seq.to_string().as_str(),
                &e.at,
                e.user_id.as_deref().unwrap_or(""),
                &e.via,
                &e.address,
                &e.action,
                &e.record_type,
                &e.record_id,
                e.old_value.as_deref().unwrap_or(""),
                e.new_value.as_deref().unwrap_or(""),
            ])
            .map_err(io)?;
        }
        if (batch.len() as i64) < Page::MAX_LIMIT {
            break;
        }
        offset += Page::MAX_LIMIT;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Io(std::io::Error::other(e.to_string())))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"semey-audit.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}
