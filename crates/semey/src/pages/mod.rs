//! The public portal: server-rendered pages (askama) in the reader's language, one file per
//! feature. Handlers only translate: read the request, ask the services and the store, fill a
//! template. `context` is what every page (and the workspace) shares.

pub mod assets;
pub mod cache;
pub(crate) mod context;
mod funding;
mod home;
mod maps;
mod organisations;
mod places;
mod programmes;
mod radiation;

pub use context::not_found;

use crate::AppState;
use axum::routing::get;
use axum::Router;

/// The routes of the public portal: the pages (cached, see `cache`) and the assets.
pub fn routes(state: &AppState) -> Router<AppState> {
    let public = Router::new()
        .route("/", get(home::home))
        .route("/programmes", get(programmes::programmes))
        .route("/programmes/{id}", get(programmes::programme))
        .route("/stakeholders", get(organisations::stakeholders))
        .route("/stakeholders/{id}", get(organisations::organisation))
        .route("/places", get(places::places))
        .route("/funding", get(funding::funding))
        .route("/transactions", get(funding::transactions))
        .route("/places/{id}", get(places::place))
        .route("/map", get(maps::map_page))
        .route("/map/features.geojson", get(maps::features))
        .merge(radiation::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cache::cached,
        ));
    public.route("/assets/{name}", get(assets::serve))
}
