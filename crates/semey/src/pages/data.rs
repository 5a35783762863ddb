//! `/data`: the open data catalogue — each public dataset with what it holds, its size, when
//! it last changed, its licence, its columns and its files — with its DCAT-AP metadata
//! embedded (JSON-LD) for data portals, the same as `/api/v1/data` serves.

use super::context::{page, Chrome, Reader};
use crate::presentation::format;
use crate::presentation::i18n::t;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

/// One dataset on the page.
struct Row {
    slug: &'static str,
    title: String,
    description: String,
    rows: String,
    modified: String,
    columns: String,
    /// (label, address) of each file.
    files: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "data.html")]
struct DataPage {
    c: Chrome,
    licence: String,
    licence_url: String,
    datasets: Vec<Row>,
    /// The DCAT-AP catalogue, safe inside a script element.
    json_ld: String,
}

pub(super) async fn data(State(s): State<AppState>, reader: Reader) -> Result<Response, AppError> {
    let lang = reader.lang;
    let entries = crate::opendata::catalogue::entries(&s.store, false).await?;
    let datasets = entries
        .iter()
        .map(|e| {
            let d = e.dataset;
            Row {
                slug: d.slug(),
                title: d.title(lang),
                description: d.description(lang),
                rows: format::integer(lang, e.rows),
                modified: e
                    .modified
                    .as_deref()
                    .and_then(|m| m.get(..10))
                    .and_then(|day| {
                        time::Date::parse(
                            day,
                            time::macros::format_description!("[year]-[month]-[day]"),
                        )
                        .ok()
                    })
                    .map(|day| format::date(lang, day))
                    .unwrap_or_else(|| t(lang, "data-never")),
                columns: d.columns().join(", "),
                files: d
                    .formats()
                    .into_iter()
                    .map(|f| {
                        (
                            f.ext().to_uppercase(),
                            format!("/api/v1/data/{}.{}", d.slug(), f.ext()),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let base = "";
    let json_ld = crate::opendata::catalogue::dcat(&entries, base, &s.config.open_data)
        .to_string()
        .replace("</", "<\\/");
    let template = DataPage {
        c: reader.chrome(),
        licence: s.config.open_data.licence.clone(),
        licence_url: s.config.open_data.licence_url.clone(),
        datasets,
        json_ld,
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}
