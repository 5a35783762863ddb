//! Semey: the coordination and information platform for the rehabilitation of the
//! Semipalatinsk region. This crate holds the feature services and the thin edges (JSON API,
//! CLI) over the domain core (`semey-domain`) and the storage layer (`semey-store`).
//!
//! Architecture invariant: the edges (`api`, `cli`) only translate between the outside world
//! and the services; rules live in the domain core, SQL in the storage layer.

pub mod accounts;
pub mod api;
mod app;
pub mod cli;
pub mod config;
pub mod coordination;
pub mod demo;
pub mod documents;
pub mod error;
pub mod funding;
pub mod generate;
pub mod iati;
pub mod import;
pub mod mandates;
pub mod opendata;
pub mod ops;
pub mod organisations;
pub mod pages;
pub mod places;
pub mod presentation;
pub mod programmes;
pub mod radiation;
pub mod records;
pub mod reports;
pub mod results;
pub mod routes;
pub mod search;
pub mod services;
pub mod workspace;

pub use app::{app, page_paths};
pub use config::Config;
pub use error::AppError;

use semey_store::Store;

/// What every request handler and command needs: the configuration and the database.
#[derive(Clone)]
pub struct AppState {
    pub config: std::sync::Arc<Config>,
    pub store: Store,
    /// Rendered public pages (see `pages::cache`).
    pub pages: pages::cache::PageCache,
    /// Permits for heavy requests (streamed exports), `config.heavy_requests` of them.
    pub heavy: std::sync::Arc<tokio::sync::Semaphore>,
    /// Requests by route and status, for `/metrics`.
    pub metrics: ops::Metrics,
    /// This server's search index, following the database's change feed.
    pub search: search::Search,
}

impl AppState {
    /// The site's address as a request reached it (`https://host` when cookies are secure,
    /// else `http://host`), for absolute links in feeds and catalogues; a Host header with
    /// anything but a host name and port reads as `localhost`.
    pub fn site_address(&self, headers: &axum::http::HeaderMap) -> String {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
            })
            .unwrap_or("localhost");
        let scheme = if self.config.secure_cookies {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}")
    }

    /// Opens (creating when needed) and migrates the configured database.
    pub async fn open(config: Config) -> Result<Self, AppError> {
        let store = Store::connect(&config.database).await?;
        store.migrate().await?;
        // Every write classifies indicators with the configured thresholds.
        store.set_results_thresholds(config.results).await?;
        // Radiation statistics stored in the old, coarser form are summed again from the
        // readings, once.
        if store.coarse_radiation_statistics().await? {
            tracing::info!("summing the radiation statistics again at their finer precision");
            crate::radiation::rebuild(&store, &config.radiation, &mut crate::import::Quiet).await?;
        }
        // In memory until a server opens its own directory (`semey serve`): commands that only
        // import must not hold the directory a running server uses.
        let search = search::Search::open(None)?;
        Ok(Self {
            search,
            heavy: std::sync::Arc::new(tokio::sync::Semaphore::new(config.heavy_requests.max(1))),
            config: std::sync::Arc::new(config),
            store,
            pages: Default::default(),
            metrics: Default::default(),
        })
    }

    /// A permit for a heavy request (a streamed export or download), held until it ends: at
    /// most `heavy_requests` run at once; one that waits five seconds is told to come back.
    pub async fn heavy_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
        tokio::time::timeout(
            std::time::Duration::from_secs(5),
            self.heavy.clone().acquire_owned(),
        )
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or(AppError::Busy(
            "the server is busy with other exports; try again in a few seconds",
        ))
    }
}
