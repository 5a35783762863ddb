//! The JSON API under `/api/v1` and its OpenAPI 3.1 description: one file per feature, each
//! adding its routes; `crate::app` mounts them with the docs page.
//! Handlers only translate: parse the request, call a service or the store, shape the answer.

mod common;
mod coordination;
pub mod data;
pub(crate) mod documents;
mod extract;
mod funding;
pub mod iati;
mod mandates;
mod organisations;
mod places;
mod programmes;
pub mod radiation;
mod reports;
mod results;
mod search;
mod services;
mod workflow;

pub use common::List;
pub use extract::{ApiJson, ApiMultipart, ApiQuery};
pub use funding::parse_dimensions;
pub use programmes::ProgrammeQuery;

use crate::error::ErrorBody;
use crate::AppState;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Semey API",
        description = "Open data and data entry for the rehabilitation of the Semipalatinsk region \
                       (UN General Assembly resolution 75/210): places, stakeholders, programmes and funding. \
                       Amounts are integers in minor units of their currency (tiyn, cents); every converted \
                       amount carries the exchange rate, its date and its source.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "places", description = "Country → region → district → settlement, with KATO codes"),
        (name = "organisations", description = "Stakeholders and their role in the multi-stakeholder mechanism"),
        (name = "programmes", description = "IATI-aligned programmes and projects"),
        (name = "funding", description = "Requirements, transactions, exchange rates and funding summaries"),
        (name = "workflow", description = "What editors propose, and its approval by coordinators"),
        (name = "results", description = "Results chains, indicators, their periods' targets and actuals, and whether programmes are on track"),
        (name = "mandates", description = "The General Assembly's resolutions on the region, their operative paragraphs as mandates, and who is asked to do what by when"),
        (name = "coordination", description = "The coordination mechanism: bodies and their members, meetings (public once published), decisions and action items"),
        (name = "reports", description = "Progress reports on the resolution's implementation: drafts computed from the data for a period, versions frozen on publishing"),
        (name = "services", description = "The services directory for the affected population, its finder, and HSDS 3.0 exchange"),
        (name = "data", description = "Open data: the catalogue (DCAT-AP) and every public list as CSV, XLSX, JSON and GeoJSON, with the list's filters"),
        (name = "iati", description = "IATI 2.03 exchange: activity files imported from other publishers"),
        (name = "documents", description = "The document library: studies, laws, programme documents, minutes, reports, leaflets, maps and dataset descriptions, with their files"),
        (name = "search", description = "One search over programmes, organisations, places, services, mandates, meetings, decisions and indicators in four languages"),
        (name = "radiation", description = "Radiation measurements, hexagon statistics, exports and the risk for a place or a point")
    )
)]
pub struct ApiDoc;

/// The OpenAPI router of `/api/v1`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(places::routes())
        .merge(organisations::routes())
        .merge(programmes::routes())
        .merge(funding::routes())
        .merge(workflow::routes())
        .merge(radiation::routes())
        .merge(services::routes())
        .merge(mandates::routes())
        .merge(coordination::routes())
        .merge(reports::routes())
        .merge(results::routes())
        .merge(iati::routes())
        .merge(data::routes())
        .merge(documents::routes())
        .merge(search::routes())
}

/// The API's OpenAPI description.
pub fn openapi() -> utoipa::openapi::OpenApi {
    router_and_description().1
}

/// The API's router and its OpenAPI description, made together so that they agree.
pub fn router_and_description() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", routes())
        .split_for_parts();
    // Any request can be malformed (a parameter of the wrong type or language, a body that is
    // not JSON or not sent as JSON): every operation may answer 400 in the error format. Every
    // write needs an account (401 without one) whose role allows it (403 otherwise).
    let answer = |description: &str| {
        utoipa::openapi::RefOr::from(
            utoipa::openapi::ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    utoipa::openapi::ContentBuilder::new()
                        .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    let malformed = answer("The request is malformed: a parameter or body that cannot be read");
    let unauthorised = answer("Nobody is signed in, or the token is not valid");
    let forbidden = answer("The account's role or organisation does not allow this");
    for item in doc.paths.paths.values_mut() {
        let reads = item.get.iter_mut().map(|op| (op, false));
        let writes = [
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        .map(|op| (op, true));
        for (op, writes) in reads.chain(writes) {
            let responses = &mut op.responses.responses;
            responses
                .entry("400".to_owned())
                .or_insert_with(|| malformed.clone());
            if writes {
                responses
                    .entry("401".to_owned())
                    .or_insert_with(|| unauthorised.clone());
                responses
                    .entry("403".to_owned())
                    .or_insert_with(|| forbidden.clone());
            }
        }
    }
    (router, doc)
}
