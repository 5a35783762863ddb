//! The audit trail for coordinators: browse with filters, export as CSV. Read only: no route
//! changes or deletes a line.

use crate::accounts::Actor;
use crate::pages::context::Reader;
use crate::pages::context::{page, Chrome};
use crate::routes::Route;
use crate::{AppError, AppState};
use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use semey_store::{AuditEntry, AuditFilter, Page, SecurityEvent};

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
    /// The latest security events (bounded storage, apart from the trail of changes).
    events: Vec<SecurityEvent>,
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
    let events = s.store.list_security_events(None, 200).await?;
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
        events,
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
    // Streamed a batch at a time (constant memory whatever the trail's length), newest first
    // by sequence number: each batch starts below the last one read, so lines appended while
    // the file is written never shift a batch. One of the few heavy requests served at once.
    let permit = s.heavy_permit().await?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let store = s.store.clone();
    tokio::spawn(async move {
        let _held = permit;
        let csv_error = |e: csv::Error| std::io::Error::other(e.to_string());
        let mut before = None;
        let mut head = Some([
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
        ]);
        loop {
            let batch = match store.audit_before(&f, before, Page::MAX_LIMIT).await {
                Ok(b) => b,
                Err(e) => {
                    let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                    return;
                }
            };
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut written = head.take().map_or(Ok(()), |h| w.write_record(h));
            for e in &batch {
                let seq = e.seq.to_string();
                let cells = [
                    seq.as_str(),
                    &e.at,
                    e.user_id.as_deref().unwrap_or(""),
                    &e.via,
                    &e.address,
                    &e.action,
                    &e.record_type,
                    &e.record_id,
                    e.old_value.as_deref().unwrap_or(""),
                    e.new_value.as_deref().unwrap_or(""),
                ];
                let safe = cells.map(crate::presentation::table::spreadsheet_safe);
                written = written.and_then(|()| w.write_record(safe.iter().map(|c| c.as_ref())));
            }
            let chunk = written.map_err(csv_error).and_then(|()| {
                w.into_inner()
                    .map(Bytes::from)
                    .map_err(|e| std::io::Error::other(e.to_string()))
            });
            if tx.send(chunk).await.is_err() {
                return;
            }
            match batch.last() {
                Some(last) if batch.len() as i64 == Page::MAX_LIMIT => before = Some(last.seq),
                _ => return,
            }
        }
    });
    let body = Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
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
