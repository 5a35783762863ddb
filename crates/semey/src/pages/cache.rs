//! A cache of rendered public pages. A page is served from the cache while nothing was written
//! by this process since it was rendered (the store's generation) and for about `MAX_AGE`,
//! which bounds how long a write by another process (an import from the command line, another
//! server) takes to show: the first request after that renders the page again while the others
//! still get the previous copy. Only anonymous GETs of public pages are cached;
//! the editing workspace and the API never are.

use super::context::language;
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a rendered page may be served without rendering it again.
pub const MAX_AGE: Duration = Duration::from_secs(2);
/// Pages kept at most; when full, the cache starts again empty.
const CAPACITY: usize = 2048;
/// Larger pages are not kept.
const MAX_BYTES: usize = 1 << 20;

#[derive(Clone, Default)]
pub struct PageCache {
    pages: Arc<RwLock<HashMap<String, Cached>>>,
}

struct Cached {
    /// Set by the one request that renders the page again once it is older than `MAX_AGE`;
    /// the others are served this copy meanwhile instead of all rendering at once.
    refreshing: AtomicBool,
    generation: u64,
    at: Instant,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl PageCache {
    fn get(&self, key: &str, generation: u64) -> Option<Response> {
        let pages = self.pages.read().ok()?;
        let c = pages.get(key)?;
        if c.generation != generation {
            return None;
        }
        let age = c.at.elapsed();
        if age > MAX_AGE && (age > 5 * MAX_AGE || !c.refreshing.swap(true, Ordering::AcqRel)) {
            return None;
        }
        let mut r = Response::new(Body::from(c.body.clone()));
        *r.status_mut() = c.status;
        *r.headers_mut() = c.headers.clone();
        Some(r)
    }

    fn put(&self, key: String, c: Cached) {
        if let Ok(mut pages) = self.pages.write() {
            if pages.len() >= CAPACITY {
                pages.clear();
            }
            pages.insert(key, c);
        }
    }
}

/// Middleware over the public pages.
pub async fn cached(State(s): State<AppState>, req: Request, next: Next) -> Response {
    // Only the public's pages: anything sent with a session or a token is rendered for its
    // reader.
    if req.method() != Method::GET
        || crate::accounts::session_secret(req.headers()).is_some()
        || req
            .headers()
            .contains_key(axum::http::header::AUTHORIZATION)
    {
        return next.run(req).await;
    }
    // The page depends on the path, the query and the reader's language (from the query, the
    // cookie or Accept-Language), nothing else.
    let (lang, _, _) = language(req.uri(), req.headers());
    let key = format!("{}|{}", lang.code(), req.uri());
    let generation = s.store.generation();
    if let Some(hit) = s.pages.get(&key, generation) {
        return hit;
    }
    let response = next.run(req).await;
    let (parts, body) = response.into_parts();
    if !(parts.status.is_success() || parts.status == StatusCode::NOT_FOUND) {
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if bytes.len() > MAX_BYTES {
        return Response::from_parts(parts, Body::from(bytes));
    }
    s.pages.put(
        key,
        Cached {
            refreshing: AtomicBool::new(false),
            generation,
            at: Instant::now(),
            status: parts.status,
            headers: parts.headers.clone(),
            body: bytes.clone(),
        },
    );
    Response::from_parts(parts, Body::from(bytes))
}
