//! The document upload form: a file with its metadata, sent as `multipart/form-data`; the
//! same upload as the API's (recognised from its content, read apart, refused with nothing
//! stored), kept as a draft proposal for an editor and published at once by a coordinator.

use super::common::*;
use super::form::{self, Form};
use crate::documents::Uploaded;
use crate::records::{Channel, Written};
use crate::routes::Route;
use crate::{AppError, AppState};
use axum::extract::{DefaultBodyLimit, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use semey_domain::document::DocumentInput;
use semey_domain::FieldError;

/// The most a form may carry; the configured `max_document_bytes` is checked as it arrives.
const UPLOAD_CEILING: usize = 1 << 30;

pub(super) fn form_routes() -> Vec<Route> {
    vec![Route::page(
        "/workspace/documents/new",
        get(new_document)
            .post(post_document)
            .layer(DefaultBodyLimit::max(UPLOAD_CEILING)),
    )]
}

fn max_size(s: &AppState) -> String {
    format!("{} MB", s.config.max_document_bytes / (1024 * 1024))
}

async fn new_document(State(s): State<AppState>, cx: Ctx) -> Result<Response, AppError> {
    let mut values = vec![
        ("visibility".to_owned(), "public".to_owned()),
        ("max_size".to_owned(), max_size(&s)),
    ];
    if let Some(org) = cx.param("organisation") {
        values.push(("organisation_id".into(), org.to_owned()));
    }
    let f = Form::new(cx.lang, values);
    show(
        &s,
        cx,
        "document",
        "docs-upload",
        "/workspace/documents/new".into(),
        f,
        None,
    )
    .await
}

/// The form's fields as the record's input: single picks become the lists they start.
fn input_of(fields: &[(String, String)], file_name: &str) -> form::Read<DocumentInput> {
    let mut pairs: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k != "max_size")
        .map(|(k, v)| match k.as_str() {
            "programme_id" => ("programme_ids[]".to_owned(), v.clone()),
            "place_id" => ("place_ids[]".to_owned(), v.clone()),
            "mandate_id" => ("mandate_ids[]".to_owned(), v.clone()),
            _ => (k.clone(), v.clone()),
        })
        .collect();
    // The file's digest is filled in once it is read.
    pairs.push(("digest".into(), "0".repeat(64)));
    pairs.push(("file_name".into(), file_name.to_owned()));
    form::read::<DocumentInput>(
        &pairs,
        &[],
        &[
            "languages",
            "programme_ids",
            "place_ids",
            "mandate_ids",
            "meeting_ids",
            "decision_ids",
        ],
    )
}

async fn post_document(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    crate::api::ApiMultipart(multipart): crate::api::ApiMultipart,
) -> Result<Response, AppError> {
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    let (fields, file, mut errors) =
        match crate::api::documents::read_upload(multipart, s.config.max_document_bytes).await {
            Ok(p) => (p.fields, p.file, Vec::new()),
            Err(AppError::Invalid(inv)) => (Vec::new(), None, inv.errors),
            Err(other) => return Err(other),
        };
    let name = file.as_ref().map(|f| f.name.clone()).unwrap_or_default();
    let read = input_of(&fields, &name);
    errors.extend(read.errors);
    let file = file.filter(|f| !f.bytes.is_empty());
    if file.is_none() && errors.is_empty() {
        errors.push(FieldError::new(
            "file",
            "file_missing",
            "choose a file to upload",
        ));
    }
    if let (true, Some(input), Some(file)) = (errors.is_empty(), read.input, file) {
        let uploaded = crate::documents::upload_configured(
            &s.store,
            &s.config,
            &actor,
            file.as_upload(),
            input,
            Channel::Form,
        )
        .await;
        match uploaded {
            Ok(Uploaded::Known(d))
            | Ok(Uploaded::Written(Written::Published { record: d, .. })) => {
                return Ok(Redirect::to(&format!("/documents/{}", d.id)).into_response())
            }
            Ok(Uploaded::Written(Written::Proposed(p))) => return Ok(to_proposal(&p)),
            Err(e) => errors = form_errors(e)?,
        }
    }
    let mut values: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| k != "max_size")
        .collect();
    values.push(("max_size".into(), max_size(&s)));
    let f = Form::new(cx.lang, values).with_errors(errors);
    show(
        &s,
        cx,
        "document",
        "docs-upload",
        "/workspace/documents/new".into(),
        f,
        None,
    )
    .await
}
