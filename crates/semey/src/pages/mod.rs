//! The public portal: server-rendered pages (askama) in the reader's language, one file per
//! feature. Handlers only translate: read the request, ask the services and the store, fill a
//! template. `context` is what every page (and the workspace) shares.

pub mod assets;
pub mod cache;
pub(crate) mod context;
pub(crate) mod coordination;
mod data;
mod documents;
mod funding;
mod home;
mod iati;
mod mandates;
mod maps;
mod organisations;
mod places;
mod programmes;
mod radiation;
mod reports;
mod results;
mod search;
mod services;

pub(crate) use context::not_found;

use crate::routes::Route;
use crate::AppState;
use axum::routing::get;
use axum::Router;

/// The public portal's addresses.
pub fn route_list() -> Vec<Route> {
    let mut all = vec![
        Route::page("/", get(home::home)),
        Route::page("/programmes", get(programmes::programmes)),
        Route::page("/programmes/{id}", get(programmes::programme)),
        Route::page("/programmes/{id}/results", get(results::results)),
        Route::action("/programmes/{id}/results.csv", get(results::results_csv)),
        Route::page("/results", get(results::dashboard)),
        Route::action("/results.csv", get(results::dashboard_csv)),
        Route::page("/results/efficiency", get(results::efficiency_page)),
        Route::action("/results/efficiency.csv", get(results::efficiency_csv)),
        Route::page("/results/shared", get(results::shared_page)),
        Route::action("/results/shared.csv", get(results::shared_csv)),
        Route::page("/stakeholders", get(organisations::stakeholders)),
        Route::page("/stakeholders/{id}", get(organisations::organisation)),
        Route::page("/places", get(places::places)),
        Route::page("/places/{id}", get(places::place)),
        Route::page("/funding", get(funding::funding)),
        Route::page("/transactions", get(funding::transactions)),
        Route::page("/resolutions", get(mandates::resolutions)),
        Route::page("/resolutions/{id}", get(mandates::resolution)),
        Route::page("/mandates/{id}", get(mandates::mandate)),
        Route::page("/coordination", get(coordination::overview)),
        Route::page("/coordination/bodies/{id}", get(coordination::body)),
        Route::page("/coordination/actions", get(coordination::action_items)),
        Route::action("/coordination/meetings.ics", get(coordination::calendar)),
        Route::page("/meetings/{id}", get(coordination::meeting)),
        Route::page("/reports", get(reports::list)),
        Route::page("/reports/{id}", get(reports::report)),
        Route::page("/reports/{id}/versions/{number}", get(reports::version)),
        Route::action(
            "/reports/{id}/versions/{number}/pdf",
            get(reports::version_pdf),
        ),
        Route::action("/reports/{id}/draft/pdf", get(reports::draft_pdf)),
        Route::page("/documents", get(documents::documents)),
        Route::page("/documents/{id}", get(documents::document)),
        Route::page("/search", get(search::search)),
        Route::page("/services", get(services::finder)),
        Route::page("/services/{id}", get(services::service)),
        Route::page("/map", get(maps::map_page)),
        Route::action("/map/features.geojson", get(maps::features)),
        Route::page("/data", get(data::data)),
        Route::action("/iati/activities.xml", get(iati::activities)),
        Route::action("/iati/organisations.xml", get(iati::organisations)),
    ];
    all.extend(radiation::route_list());
    all
}

/// The routes of the public portal: the pages (cached, see `cache`) and the assets.
pub fn routes(state: &AppState) -> Router<AppState> {
    let public = crate::routes::router(route_list()).layer(axum::middleware::from_fn_with_state(
        state.clone(),
        cache::cached,
    ));
    public.route("/assets/{name}", get(assets::serve))
}
