//! The JSON API under `/api/v1`, its OpenAPI 3.1 description and docs page, and `/healthz`.
//! Handlers only translate: parse the request, call a service or the store, shape the answer.

mod extract;
mod funding;
mod organisations;
mod places;
mod programmes;
mod proposals;
pub mod radiation;

pub use extract::{ApiJson, ApiQuery};
pub use funding::parse_dimensions;
pub use programmes::ProgrammeQuery;

use crate::error::ErrorBody;
use crate::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::TraceLayer;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

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
        (name = "radiation", description = "Radiation measurements, hexagon statistics, exports and the risk for a place or a point")
    )
)]
struct ApiDoc;

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T: ToSchema> {
    pub items: Vec<T>,
    /// How many records match the filters in all.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// The OpenAPI router of `/api/v1`.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(places::routes())
        .merge(organisations::routes())
        .merge(programmes::routes())
        .merge(funding::routes())
        .merge(proposals::routes())
        .merge(radiation::routes())
}

/// The API's OpenAPI description.
pub fn openapi() -> utoipa::openapi::OpenApi {
    OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", api_routes())
        .into_openapi()
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let (api, spec) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", api_routes())
        .split_for_parts();
    let limit = state.config.max_body_bytes;
    Router::new()
        .merge(api)
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", spec))
        .route("/healthz", get(healthz))
        .merge(crate::web::routes(&state))
        .fallback(crate::web::not_found)
        .layer(DefaultBodyLimit::max(limit))
        // br or gzip, as the client accepts; quality 4 keeps compression cheap for pages
        // generated per request.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::guard,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
}

/// Liveness and readiness: 200 when the database answers, 503 otherwise.
async fn healthz(State(s): State<AppState>) -> impl IntoResponse {
    let database = match s.store.backend() {
        semey_store::Backend::Sqlite => "sqlite",
        semey_store::Backend::Postgres => "postgres",
    };
    match s.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database,
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable",
                    database,
                }),
            )
        }
    }
}
