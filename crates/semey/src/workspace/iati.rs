//! `/workspace/iati`: a coordinator sends an IATI activity file from their browser (the same
//! import as `semey import iati` and `POST /api/v1/iati/activities`) and reads what it did, or
//! every problem at its line and location, in their language.

use crate::accounts::Actor;
use crate::import::ImportReport;
use crate::pages::context::{page, Chrome, Reader};
use crate::routes::Route;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

/// Largest file the page takes (larger ones go through the command line, which streams).
const MAX_UPLOAD: usize = 64 << 20;

pub fn route_list() -> Vec<Route> {
    vec![Route::page(
        "/workspace/iati",
        get(form)
            .post(upload)
            .layer(DefaultBodyLimit::max(MAX_UPLOAD)),
    )]
}

#[derive(Template)]
#[template(path = "iati_import.html")]
struct ImportPage {
    c: Chrome,
    report: Option<ImportReport>,
    /// (where, what in the reader's language, the technical detail in English)
    problems: Vec<(String, String, String)>,
}

async fn form(actor: Actor, reader: Reader) -> Result<Response, AppError> {
    actor.principal.may_coordinate()?;
    let template = ImportPage {
        c: reader.chrome(),
        report: None,
        problems: Vec::new(),
    };
    Ok(page(&template, StatusCode::OK, None))
}

async fn upload(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    actor.principal.may_coordinate()?;
    let lang = reader.lang;
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::bad_parameter("file", e.to_string()))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.xml").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::bad_parameter("file", e.to_string()))?;
            file = Some((name, bytes));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let template = ImportPage {
            c: reader.chrome(),
            report: None,
            problems: vec![(
                String::new(),
                crate::presentation::i18n::t(lang, "iati-import-no-file"),
                String::new(),
            )],
        };
        return Ok(page(&template, StatusCode::UNPROCESSABLE_ENTITY, None));
    };
    let result = crate::iati::import::import_activities(
        &s.store,
        std::io::Cursor::new(bytes),
        &name,
        &actor,
        &mut crate::import::Quiet,
    )
    .await;
    let (status, report, problems) = match result {
        Ok(r) => (StatusCode::OK, Some(r), Vec::new()),
        Err(AppError::Import(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            errors
                .iter()
                .map(|e| {
                    (
                        e.field.clone(),
                        super::form::message(lang, e),
                        e.message.clone(),
                    )
                })
                .collect(),
        ),
        Err(e) => return Err(e),
    };
    let template = ImportPage {
        c: reader.chrome(),
        report,
        problems,
    };
    Ok(page(&template, status, None))
}
