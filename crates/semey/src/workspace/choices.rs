//! The search beside a long list of records in a form (`Form::pick`): the records whose names
//! match what was typed, as the list's new `<option>`s. Forms list the first
//! `Page::MAX_LIMIT` organisations, places or programmes; this finds any of the others.

use super::common::Ctx;
use crate::accounts::Actor;
use crate::presentation::escape::html as esc;
use crate::presentation::i18n::t;
use crate::routes::Route;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use semey_store::{OrganisationFilter, Page, PlaceFilter, ProgrammeFilter};

/// Matches shown at most.
const MATCHES: i64 = 50;

pub fn route_list() -> Vec<Route> {
    vec![Route::action("/workspace/choices/{list}", get(choices))]
}

async fn choices(
    State(s): State<AppState>,
    actor: Actor,
    cx: Ctx,
    Path(list): Path<String>,
) -> Result<Response, AppError> {
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    let lang = cx.lang;
    let q = cx
        .param("choices_q")
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| q.chars().take(100).collect::<String>());
    let page = Page::new(Some(MATCHES), None);
    let best = |text: &semey_domain::LocalText| text.best(lang).unwrap_or("").to_owned();
    let found: Vec<(String, String)> = match list.as_str() {
        "organisations" => {
            let f = OrganisationFilter {
                q,
                ..Default::default()
            };
            let (items, _) = s.store.list_organisations(&f, page).await?;
            items
                .iter()
                .map(|o| (o.id.to_string(), best(&o.name)))
                .collect()
        }
        "programmes" => {
            let f = ProgrammeFilter {
                q,
                ..Default::default()
            };
            let (items, _) = s.store.list_programmes(&f, page).await?;
            items
                .iter()
                .map(|p| {
                    let title = best(&p.title);
                    (p.id.to_string(), format!("{} — {title}", p.iati_identifier))
                })
                .collect()
        }
        "places" => {
            let f = PlaceFilter {
                q,
                ..Default::default()
            };
            let (items, _) = s.store.list_places(&f, page).await?;
            items
                .iter()
                .map(|p| (p.id.to_string(), best(&p.name)))
                .collect()
        }
        _ => return Ok(cx.not_found()),
    };
    let mut html = format!(
        r#"<option value="">{}</option>"#,
        esc(&t(lang, "form-none"))
    );
    for (id, label) in &found {
        html.push_str(&format!(
            r#"<option value="{}">{}</option>"#,
            esc(id),
            esc(label)
        ));
    }
    let mut r = (StatusCode::OK, html).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}
