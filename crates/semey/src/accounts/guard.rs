//! The security layer in front of everything: cross-site unsafe requests refused, invalid
//! tokens refused on every route, security headers on every response, security events counted.

use super::actor::{address_of, Actor};
use super::events::{Count as _, Event};
use super::sessions::{principal, session_secret};
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses unsafe requests from another site (a form on someone else's page posting here with
/// the reader's cookie) and adds the security headers to every response.
pub async fn guard(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A browser says where an unsafe request comes from (`Origin`, `Sec-Fetch-Site`); one
    // signed in by its session cookie that says neither is refused too (API clients send
    // tokens, which no other site can make a browser send).
    let unproven = session_secret(req.headers()).is_some() && !says_where_from(req.headers());
    if unsafe_method && (cross_site(req.headers()) || unproven) {
        let address = address_of(req.extensions(), req.headers(), &s.config.trusted_proxies);
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Event {
            address: &address,
            action: "cross_site_request_refused",
            target: req.uri().path(),
            user_id: None,
            detail: Some(serde_json::json!({ "origin": origin }).to_string()),
        }
        .record(&s.store)
        .await;
        let mut r = (
            StatusCode::FORBIDDEN,
            "cross-site request refused: this form must be sent from this site",
        )
            .into_response();
        security_headers(r.headers_mut(), "", false, s.config.secure_cookies);
        return r;
    }
    let docs = req.uri().path().starts_with("/api/docs");
    // A token that is not (or no longer) valid is refused on every route, reads included, so a
    // machine client learns at once that its token expired or was revoked.
    let mut req = req;
    let mut actor = None;
    if req.headers().contains_key(header::AUTHORIZATION) || session_secret(req.headers()).is_some()
    {
        let address = address_of(req.extensions(), req.headers(), &s.config.trusted_proxies);
        match principal(&s.store, &s.config, req.headers()).await {
            Ok(p) => {
                let a = Actor {
                    principal: p,
                    address,
                };
                req.extensions_mut().insert(a.clone());
                actor = Some(a);
            }
            Err(e) => {
                Event {
                    address: &address,
                    action: "invalid_token",
                    target: req.uri().path(),
                    user_id: None,
                    detail: None,
                }
                .record(&s.store)
                .await;
                let mut r = e.into_response();
                security_headers(r.headers_mut(), "", false, s.config.secure_cookies);
                return r;
            }
        }
    }
    let path = req.uri().path().to_owned();
    let mut response = next.run(req).await;
    // Someone signed in trying what is not theirs (another organisation's record, an
    // administrator's page) is a security event.
    if response.status() == StatusCode::FORBIDDEN {
        if let Some(a) = actor.filter(|a| a.principal.is_signed_in()) {
            Event {
                address: &a.address,
                action: "refused",
                target: &path,
                user_id: a.principal.user_id.map(|u| u.to_string()),
                detail: Some(a.principal.via.describe()),
            }
            .record(&s.store)
            .await;
        }
    }
    security_headers(
        response.headers_mut(),
        &s.config.tile_url,
        docs,
        s.config.secure_cookies,
    );
    response
}

/// True when the request says which site it comes from.
fn says_where_from(headers: &HeaderMap) -> bool {
    headers.contains_key(header::ORIGIN) || headers.contains_key("sec-fetch-site")
}

/// True when the browser says the request comes from another site.
pub(crate) fn cross_site(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin_host = origin
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(origin);
        return origin == "null" || origin_host != host;
    }
    matches!(
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
        Some("cross-site")
    )
}

/// The security headers; `https` when the site is served over HTTPS (its cookies are secure):
/// browsers are then told to use nothing else for a year.
pub(crate) fn security_headers(h: &mut HeaderMap, tile_url: &str, docs: bool, https: bool) {
    // Tiles come from the configured tile server, if any.
    let tiles = tile_url
        .split_once("://")
        .map(|(scheme, rest)| format!(" {scheme}://{}", rest.split('/').next().unwrap_or("")))
        .unwrap_or_default();
    let csp = if docs {
        // The API's documentation page (Swagger UI) starts itself with an inline script.
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'".to_owned()
    } else {
        format!("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
    };
    let set = |h: &mut HeaderMap, k: &'static str, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(k, v);
        }
    };
    // A response that set its own policy keeps it (a document's file: sandboxed, nothing
    // loaded).
    if !h.contains_key("content-security-policy") {
        set(h, "content-security-policy", &csp);
    }
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    if https {
        set(h, "strict-transport-security", "max-age=31536000");
    }
    // The services finder may ask for the phone's position on the platform's own pages (the
    // browser asks the person first); no embedded page may.
    set(
        h,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(self)",
    );
}
