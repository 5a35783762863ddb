//! A cache of rendered public pages. A page is served from the cache while nothing was written
//! by this process since it was rendered (the store's generation) and for about `MAX_AGE`,
//! which bounds how long a write by another process (an import from the command line, another
//! server) takes to show: the first request after that renders the page again while the others
//! still get the previous copy. Only anonymous GETs of public pages are cached;
//! the editing workspace and the API never are.
//!
//! Bounded whatever the requests: a page is keyed by the reader's language, its path and the
//! query parameters pages read (`PARAMETERS`, sorted, empty ones left out); any other
//! parameter is dropped from the request before the page is rendered, so `?x=1`, `?x=2`, …
//! are one entry, not one each. The cache holds at most `CAPACITY` pages and `BUDGET` bytes;
//! when full, it drops what is out of date, then the oldest pages.

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
pub const MAX_AGE: Duration = Duration::from_secs(1);
/// Pages kept at most.
pub const CAPACITY: usize = 4096;
/// Bytes of pages kept at most.
pub const BUDGET: usize = 64 << 20;
/// Larger pages are not kept.
const MAX_BYTES: usize = 1 << 20;

/// Every query parameter a public page reads. A page that reads a new one must name it here
/// (the test below reads the pages' sources for parameters they look up).
pub const PARAMETERS: &[&str] = &[
    "area",
    "by",
    "code",
    "kind",
    "lang",
    "lat",
    "lon",
    "language",
    "map",
    "measure",
    "need",
    "offset",
    "organisation",
    "origin",
    "overdue",
    "owner",
    "page",
    "parent",
    "period",
    "place",
    "programme",
    "provider",
    "q",
    "sdg_target",
    "status",
    "target_group",
    "year",
];

#[derive(Clone, Default)]
pub struct PageCache {
    pages: Arc<RwLock<Pages>>,
    /// Pages served from the cache, and rendered, since the start.
    hits: Arc<std::sync::atomic::AtomicU64>,
    misses: Arc<std::sync::atomic::AtomicU64>,
}

#[derive(Default)]
struct Pages {
    by_key: HashMap<String, Cached>,
    bytes: usize,
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
    /// Pages served from the cache and pages rendered since the start.
    pub fn hits(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Pages held, and their bytes.
    pub fn size(&self) -> (usize, usize) {
        self.pages
            .read()
            .map(|p| (p.by_key.len(), p.bytes))
            .unwrap_or_default()
    }

    fn get(&self, key: &str, generation: u64) -> Option<Response> {
        let pages = self.pages.read().ok()?;
        let c = pages.by_key.get(key)?;
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

    fn put(&self, key: String, c: Cached, generation: u64) {
        let Ok(mut pages) = self.pages.write() else {
            return;
        };
        let pages = &mut *pages;
        if let Some(old) = pages.by_key.remove(&key) {
            pages.bytes -= old.body.len();
        }
        let full = |p: &Pages| p.by_key.len() >= CAPACITY || p.bytes + c.body.len() > BUDGET;
        if full(pages) {
            // What can no longer be served goes first…
            let bytes = &mut pages.bytes;
            pages.by_key.retain(|_, old| {
                let keep = old.generation == generation && old.at.elapsed() <= 5 * MAX_AGE;
                if !keep {
                    *bytes -= old.body.len();
                }
                keep
            });
        }
        if full(pages) {
            // …then the oldest pages, a quarter of the room at a time (one sort per quarter).
            let mut ages: Vec<(Instant, String)> = pages
                .by_key
                .iter()
                .map(|(k, v)| (v.at, k.clone()))
                .collect();
            ages.sort_unstable();
            let target_len = CAPACITY * 3 / 4;
            let target_bytes = BUDGET * 3 / 4;
            for (_, k) in ages {
                if pages.by_key.len() <= target_len && pages.bytes + c.body.len() <= target_bytes {
                    break;
                }
                if let Some(old) = pages.by_key.remove(&k) {
                    pages.bytes -= old.body.len();
                }
            }
        }
        pages.bytes += c.body.len();
        pages.by_key.insert(key, c);
    }
}

/// Middleware over the public pages.
pub async fn cached(State(s): State<AppState>, req: Request, next: Next) -> Response {
    // Only the public's pages: anything sent by someone signed in (a valid session or token,
    // which the security layer put on the request) is rendered for its reader. A cookie or a
    // header that signs nobody in changes nothing on the page, so it does not matter here.
    let signed_in = req
        .extensions()
        .get::<crate::accounts::Actor>()
        .is_some_and(|a| a.principal.is_signed_in());
    // Answers to the search box follow the search index, not the store's generation, and are
    // quick to make; kept, every question asked would push out pages people share.
    if req.method() != Method::GET || signed_in || req.uri().path() == "/search" {
        return next.run(req).await;
    }
    // The page depends on the path, the parameters pages read and the reader's language
    // (from the query, the cookie or Accept-Language), nothing else.
    let mut req = req;
    let (lang, query, _) = language(req.uri(), req.headers());
    let mut known: Vec<(String, String)> = query
        .iter()
        .filter(|(k, v)| PARAMETERS.contains(&k.as_str()) && !v.is_empty())
        .cloned()
        .collect();
    if known.len() != query.len() {
        // The page is rendered for the address without the others, so that what is kept is
        // what any reader of that address gets.
        let canonical = canonical_query(&known);
        let path = req.uri().path().to_owned();
        let uri = if canonical.is_empty() {
            path
        } else {
            format!("{path}?{canonical}")
        };
        if let Ok(uri) = uri.parse() {
            *req.uri_mut() = uri;
        }
    }
    known.sort();
    let key = format!(
        "{}|{}?{}",
        lang.code(),
        req.uri().path(),
        canonical_query(&known)
    );
    let generation = s.store.generation();
    if let Some(hit) = s.pages.get(&key, generation) {
        s.pages.hits.fetch_add(1, Ordering::Relaxed);
        return hit;
    }
    s.pages.misses.fetch_add(1, Ordering::Relaxed);
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
        generation,
    );
    Response::from_parts(parts, Body::from(bytes))
}

/// Pairs as a query string.
fn canonical_query(pairs: &[(String, String)]) -> String {
    use super::context::urlencode;
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_of(bytes: usize) -> Cached {
        Cached {
            refreshing: AtomicBool::new(false),
            generation: 7,
            at: Instant::now(),
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from(vec![b'x'; bytes]),
        }
    }

    /// Many distinct addresses never hold more than the cache's pages or bytes, and the
    /// newest pages stay.
    #[test]
    fn memory_stays_bounded_and_the_newest_pages_stay() {
        let cache = PageCache::default();
        for i in 0..(CAPACITY + 500) {
            cache.put(format!("en|/p{i}"), page_of(100), 7);
        }
        let (n, bytes) = cache.size();
        assert!(
            n <= CAPACITY && bytes == n * 100,
            "{n} pages, {bytes} bytes"
        );
        assert!(cache.get(&format!("en|/p{}", CAPACITY + 499), 7).is_some());
        assert!(cache.get("en|/p0", 7).is_none(), "the oldest went first");
        for i in 0..200 {
            cache.put(format!("en|/big{i}"), page_of(MAX_BYTES), 7);
        }
        let (_, bytes) = cache.size();
        assert!(bytes <= BUDGET, "{bytes} bytes");
        assert!(cache.get("en|/big199", 7).is_some());
        // Pages of an older generation go before any page that can still be served.
        let cache = PageCache::default();
        cache.put("en|/old".into(), page_of(BUDGET / 2), 6);
        cache.put("en|/kept".into(), page_of(BUDGET / 4), 7);
        cache.put("en|/new".into(), page_of(BUDGET / 2), 7);
        assert!(cache.get("en|/kept", 7).is_some() && cache.get("en|/new", 7).is_some());
        assert_eq!(cache.size(), (2, BUDGET * 3 / 4));
    }

    /// Every parameter the pages look up (`get("…")`, `param("…")`, `k == "…"`) is one the
    /// cache keeps: otherwise it would be dropped before the page sees it.
    #[test]
    fn the_cache_keeps_every_parameter_a_page_reads() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files: Vec<_> = std::fs::read_dir(dir.join("pages"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n != "cache.rs" && n != "context.rs")
            })
            .collect();
        // Filters the pages share with the API.
        files.push(dir.join("api/programmes.rs"));
        let mut read = std::collections::BTreeSet::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for pattern in ["get(\"", "param(\"", "k == \"", "key == \""] {
                for (at, _) in text.match_indices(pattern) {
                    let rest = &text[at + pattern.len()..];
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if rest[name.len()..].starts_with('"') && !name.is_empty() {
                        read.insert(name);
                    }
                }
            }
        }
        // Names the patterns find that are not parameters: a JSON field (radiation.rs).
        let not_parameters = ["count"];
        let missing: Vec<_> = read
            .iter()
            .filter(|n| !PARAMETERS.contains(&n.as_str()) && !not_parameters.contains(&n.as_str()))
            .collect();
        assert!(read.len() > 15, "{read:?}");
        assert!(
            missing.is_empty(),
            "pages read {missing:?}, which the cache drops"
        );
    }
}
