//! Places: the regions and districts, and a place's page.

use crate::presentation::format;
use crate::presentation::i18n::t;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use semey_domain::ids::PlaceId;
use semey_store::{FundingFilter, Page, ProgrammeFilter};

use super::context::*;
use super::maps;

/// Where a programme's results stand: status code, its words, the results page.
type ResultsStand = (&'static str, String, String);

#[derive(Template)]
#[template(path = "place.html")]
struct PlacePage {
    c: Chrome,
    name: String,
    level: String,
    kato: Option<String>,
    population: Option<String>,
    parent: Option<(String, String)>,
    committed: String,
    programmes: Vec<(String, String, Option<ResultsStand>)>,
    children: Vec<(String, String)>,
    map: String,
    /// The place's radiation page.
    radiation: String,
}

/// `/places`: the country's page (its regions, and the programmes of the whole country).
pub(super) async fn places(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let filter = semey_store::PlaceFilter {
        level: Some(semey_domain::place::PlaceLevel::Country),
        ..Default::default()
    };
    let (countries, _) = s
        .store
        .list_places(&filter, Page::new(Some(1), None))
        .await?;
    match countries.first() {
        Some(country) => place_page(&s, &reader, country.id).await,
        None => Ok(reader.not_found()),
    }
}

pub(super) async fn place(
    State(s): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    match id.parse::<PlaceId>() {
        Ok(pid) => place_page(&s, &reader, pid).await,
        Err(_) => Ok(reader.not_found()),
    }
}

/// A place's page: where it is, what is inside, the programmes working there and their money.
pub(super) async fn place_page(
    s: &AppState,
    reader: &Reader,
    id: PlaceId,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = (reader.lang, reader.query.clone(), reader.chosen);
    let uri = &reader.uri;
    let Some(place) = found(s.store.place(id).await)? else {
        return Ok(reader.not_found());
    };
    let best = |text: &semey_domain::LocalText| text.best(lang).unwrap_or("").to_owned();
    let parent = match place.parent_id {
        Some(pid) => Some((
            format!("/places/{pid}"),
            best(&s.store.place(pid).await?.name),
        )),
        None => None,
    };
    let inside = semey_store::PlaceFilter {
        parent_id: Some(place.id),
        ..Default::default()
    };
    let (children, _) = s
        .store
        .list_places(&inside, Page::new(Some(Page::MAX_LIMIT), None))
        .await?;
    let children = children
        .iter()
        .map(|c| (format!("/places/{}", c.id), best(&c.name)))
        .collect();
    let here = ProgrammeFilter {
        place: Some(place.id),
        ..Default::default()
    };
    let (programmes, _) = s
        .store
        .list_programmes(&here, Page::new(Some(Page::MAX_LIMIT), None))
        .await?;
    // Where each programme's results stand: the worst of its indicators' statuses.
    let ids: Vec<_> = programmes.iter().map(|p| p.id).collect();
    let mut statuses: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
    for (p, st) in s.store.statuses_of_programmes(&ids).await? {
        statuses.entry(p).or_default().push(st);
    }
    let programmes = programmes
        .iter()
        .map(|p| {
            let status = statuses.remove(&p.id).map(|all| {
                let st = semey_domain::results::programme_status(all);
                (
                    st.as_str(),
                    t(lang, &format!("results-status-{}", st.as_str())),
                    format!("/programmes/{}/results", p.id),
                )
            });
            (format!("/programmes/{}", p.id), best(&p.title), status)
        })
        .collect();
    let money = crate::funding::summary(
        &s.store,
        &[],
        &FundingFilter {
            programmes: here,
            ..Default::default()
        },
        lang,
    )
    .await?;
    let template = PlacePage {
        name: best(&place.name),
        level: t(lang, &format!("level-{}", place.level.as_str())),
        kato: place.kato.as_ref().map(|k| k.to_string()),
        population: place.population.as_ref().map(|p| {
            format!(
                "{} ({}, {})",
                format::integer(lang, p.count),
                p.year,
                p.source
            )
        }),
        parent,
        committed: format::money(lang, money.total.usd.sums.committed, "USD"),
        programmes,
        children,
        map: maps::MapBox::new(
            s,
            format!(
                "/map/features.geojson?place={}&lang={}",
                place.id,
                lang.code()
            ),
        )
        .html(&best(&place.name), ""),
        radiation: format!("/radiation/places/{}", place.id),
        c: Chrome::new(lang, uri, query).with_map(),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}
