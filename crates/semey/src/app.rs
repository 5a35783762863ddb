//! The whole HTTP application, built by one function that `serve` and the tests call: the JSON
//! API and its docs, the public pages, the workspace, `/healthz`, and the layers around them
//! (security, compression, body limit, tracing).

use crate::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::TraceLayer;
use utoipa_swagger_ui::SwaggerUi;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let (api, spec) = crate::api::router_and_description();
    let limit = state.config.max_body_bytes;
    Router::new()
        .merge(api)
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", spec))
        .route("/healthz", get(healthz))
        .route("/metrics", get(crate::ops::metrics))
        .merge(crate::pages::routes(&state))
        .merge(crate::workspace::routes(&state))
        .fallback(crate::pages::not_found)
        .layer(DefaultBodyLimit::max(limit))
        // br or gzip, as the client accepts; quality 4 keeps compression cheap for pages
        // generated per request.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            time_limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::accounts::guard,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::ops::observe,
        ))
        .with_state(state)
}

/// Answers 503 to a request that takes longer than `request_timeout_ms`: its handler is dropped
/// (a write in progress is rolled back with its transaction), the server keeps serving.
async fn time_limit(
    State(s): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let limit = s.config.request_timeout_ms;
    if limit == 0 {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    match tokio::time::timeout(std::time::Duration::from_millis(limit), next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(path, limit_ms = limit, "request took too long");
            crate::AppError::Busy(
                "the request took longer than the server allows: try again, or narrow it",
            )
            .into_response()
        }
    }
}

/// The address of every page people open, public and in the workspace (`{id}` where a
/// record's id goes): what `semey pages` prints and the accessibility and message tests walk.
pub fn page_paths() -> Vec<&'static str> {
    crate::pages::route_list()
        .into_iter()
        .chain(crate::workspace::route_list())
        .filter(|r| r.page)
        .map(|r| r.path)
        .collect()
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
    /// `current` when every migration this build knows is applied, `behind` otherwise (run
    /// `semey migrate`), `unknown` when the database does not answer.
    migrations: &'static str,
}

/// Liveness and readiness: 200 when the database answers and its schema is current, 503
/// otherwise.
async fn healthz(State(s): State<AppState>) -> impl IntoResponse {
    let database = match s.store.backend() {
        semey_store::Backend::Sqlite => "sqlite",
        semey_store::Backend::Postgres => "postgres",
    };
    let current = match s.store.ping().await {
        Ok(()) => s.store.migrations_current().await,
        Err(e) => Err(e),
    };
    match current {
        Ok(true) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database,
                migrations: "current",
            }),
        ),
        Ok(false) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "unavailable",
                database,
                migrations: "behind",
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable",
                    database,
                    migrations: "unknown",
                }),
            )
        }
    }
}
