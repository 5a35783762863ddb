//! What operators watch: a request id on every request (taken from `X-Request-Id` when sane,
//! else made; sent back in the header, kept in the request's log span and in every error
//! body), and `/metrics` in Prometheus' text format — requests by route and status with
//! latency histograms, the database pool, the page cache, heavy-request permits in use.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

tokio::task_local! {
    /// The id of the request being served (read by error bodies).
    static REQUEST_ID: String;
}

/// The id of the request this task serves, if any.
pub fn request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];
/// Routes kept apart at most; further ones are counted as `other`.
const ROUTES: usize = 300;

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request counts and latencies by route and status.
#[derive(Clone, Default)]
pub struct Metrics {
    series: Arc<Mutex<BTreeMap<(String, u16), Series>>>,
}

impl Metrics {
    fn observe(&self, route: String, status: u16, seconds: f64) {
        let Ok(mut series) = self.series.lock() else {
            return;
        };
        let routes = series.len();
        let key = if routes >= ROUTES && !series.contains_key(&(route.clone(), status)) {
            ("other".to_owned(), status)
        } else {
            (route, status)
        };
        let s = series.entry(key).or_default();
        s.count += 1;
        s.sum += seconds;
        for (b, le) in s.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= le {
                *b += 1;
            }
        }
    }
}

/// A route as a label: ids and numbers in the path become `{id}`, so the labels stay few; an
/// address that named nothing is `unmatched`.
fn route_label(path: &str, status: StatusCode) -> String {
    if status == StatusCode::NOT_FOUND {
        return "unmatched".to_owned();
    }
    let parts: Vec<&str> = path
        .split('/')
        .map(|seg| {
            let id_like = seg.len() >= 8 && seg.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
                || (!seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()));
            if id_like {
                "{id}"
            } else {
                seg
            }
        })
        .collect();
    let label = parts.join("/");
    if label.len() > 120 || label.starts_with("/assets/") {
        return label.split('/').take(2).collect::<Vec<_>>().join("/") + "/…";
    }
    label
}

/// A request id from the client is kept when it is short and plain.
fn sane(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The outermost layer: gives the request its id and span, times it, counts it.
pub async fn observe(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    let path = req.uri().path().to_owned();
    let span = tracing::info_span!("request", id = %id, method = %req.method(), path = %path);
    let started = Instant::now();
    let mut response =
        tracing::Instrument::instrument(REQUEST_ID.scope(id.clone(), next.run(req)), span).await;
    let status = response.status();
    s.metrics.observe(
        route_label(&path, status),
        status.as_u16(),
        started.elapsed().as_secs_f64(),
    );
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// `/metrics`: for administrators, and for anyone connecting from this machine (a Prometheus
/// scraping through loopback).
pub async fn metrics(State(s): State<AppState>, actor: crate::accounts::Actor) -> Response {
    let local = actor
        .address
        .parse::<std::net::IpAddr>()
        .is_ok_and(|a| a.is_loopback());
    if !local && !actor.principal.administrator {
        return crate::AppError::Forbidden("metrics are for administrators").into_response();
    }
    let mut out = String::new();
    out.push_str("# HELP semey_requests_total Requests answered, by route and status.\n# TYPE semey_requests_total counter\n");
    out.push_str("# HELP semey_request_seconds Time to answer a request (until its first bytes).\n# TYPE semey_request_seconds histogram\n");
    if let Ok(series) = s.metrics.series.lock() {
        for ((route, status), v) in series.iter() {
            let labels = format!("route=\"{}\",status=\"{status}\"", escape(route));
            let _ = writeln!(out, "semey_requests_total{{{labels}}} {}", v.count);
            for (le, n) in BUCKETS.iter().zip(v.buckets) {
                let _ = writeln!(
                    out,
                    "semey_request_seconds_bucket{{{labels},le=\"{le}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "semey_request_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                v.count
            );
            let _ = writeln!(out, "semey_request_seconds_sum{{{labels}}} {}", v.sum);
            let _ = writeln!(out, "semey_request_seconds_count{{{labels}}} {}", v.count);
        }
    }
    let (size, idle) = s.store.pool_size();
    let (pages, bytes) = s.pages.size();
    let (hits, misses) = s.pages.hits();
    for (name, help, kind, value) in [
        (
            "semey_db_connections",
            "Database connections open.",
            "gauge",
            size as f64,
        ),
        (
            "semey_db_connections_idle",
            "Database connections idle.",
            "gauge",
            idle as f64,
        ),
        (
            "semey_page_cache_pages",
            "Public pages held in the cache.",
            "gauge",
            pages as f64,
        ),
        (
            "semey_page_cache_bytes",
            "Bytes of public pages held in the cache.",
            "gauge",
            bytes as f64,
        ),
        (
            "semey_page_cache_hits_total",
            "Public pages served from the cache.",
            "counter",
            hits as f64,
        ),
        (
            "semey_page_cache_misses_total",
            "Public pages rendered.",
            "counter",
            misses as f64,
        ),
        (
            "semey_heavy_requests_in_use",
            "Permits for heavy requests (streamed exports) in use.",
            "gauge",
            (s.config
                .heavy_requests
                .saturating_sub(s.heavy.available_permits())) as f64,
        ),
    ] {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        out,
    )
        .into_response()
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_become_few_labels() {
        let ok = StatusCode::OK;
        assert_eq!(
            route_label(
                "/api/v1/programmes/01a23998-1234-7e81-941d-0fd164603f69",
                ok
            ),
            "/api/v1/programmes/{id}"
        );
        assert_eq!(
            route_label("/reports/3/versions/12", ok),
            "/reports/{id}/versions/{id}"
        );
        assert_eq!(
            route_label("/anything/at/all", StatusCode::NOT_FOUND),
            "unmatched"
        );
        assert_eq!(route_label("/programmes", ok), "/programmes");
        assert!(sane("abc-123_X.y") && !sane("") && !sane("a b") && !sane(&"x".repeat(65)));
    }
}
