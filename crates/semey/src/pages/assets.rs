//! The front-end files embedded at build time (see `build.rs`): htmx and Leaflet from the npm
//! lockfile, and our own stylesheet and script. Served under content-hashed names, so a
//! browser may keep them for ever.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// One embedded file.
pub struct Asset {
    /// The name templates ask for (`leaflet.js`).
    pub name: &'static str,
    /// The name it is served under (`leaflet.0123456789abcdef.js`).
    pub hashed: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The address of an embedded file, by the name templates use.
pub fn url(name: &str) -> String {
    ASSETS
        .iter()
        .find(|a| a.name == name)
        .map(|a| format!("/assets/{}", a.hashed))
        .unwrap_or_else(|| panic!("no embedded asset named {name}"))
}

/// `GET /assets/{hashed name}`.
pub async fn serve(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.hashed == name) {
        Some(a) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(a.content_type),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            a.bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
