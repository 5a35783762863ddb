//! The API's self-description, health probe and general behaviour.

use axum::http::{Method, StatusCode};

on_both_backends! {
    /// `/healthz` reports the database; the OpenAPI 3.1 description lists every resource;
    /// the docs page is served.
    async fn health_openapi_and_docs(app: TestApp) {
        let (s, h) = app.get("/healthz").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!((h["status"].as_str(), h["migrations"].as_str()), (Some("ok"), Some("current")), "{h}");
        let (s, spec) = app.get("/api/v1/openapi.json").await;
        assert_eq!(s, StatusCode::OK);
        assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
        for path in ["/api/v1/places", "/api/v1/organisations", "/api/v1/programmes", "/api/v1/transactions", "/api/v1/requirements", "/api/v1/exchange-rates", "/api/v1/funding/summary", "/api/v1/programmes/{id}/funding"] {
            assert!(spec["paths"].get(path).is_some(), "{path} missing from the OpenAPI description");
        }
        let (s, page) = app.get("/api/docs/").await;
        assert_eq!(s, StatusCode::OK);
        assert!(page.as_str().unwrap_or_default().contains("swagger"), "the docs page is Swagger UI");
        let (s, body) = app.get("/api/v1/nowhere").await;
        assert_eq!((s, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    }
}

on_both_backends! {
    /// Every answer carries a request id (the client's when it sent a plain one), error bodies
    /// quote it, and `/metrics` counts requests by route and status for administrators.
    async fn request_ids_and_metrics(app: TestApp) {
        let answer = app.call(Method::GET, "/api/v1/programmes/not-an-id").send().await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        let id = answer.header("x-request-id").expect("an id");
        let body: serde_json::Value = serde_json::from_str(&answer.text()).unwrap();
        assert_eq!(body["request_id"].as_str(), Some(id.as_str()), "{body}");
        let given = app.call(Method::GET, "/api/v1/places?limit=1").header("x-request-id", "trace-42").send().await;
        assert_eq!(given.header("x-request-id").as_deref(), Some("trace-42"));
        let odd = app.call(Method::GET, "/api/v1/places?limit=1").header("x-request-id", "two words").send().await;
        assert_ne!(odd.header("x-request-id").as_deref(), Some("two words"), "an id that is not plain is replaced");

        let (_, p) = app.post("/api/v1/organisations", serde_json::json!({"name": {"en": "Counted"}, "org_type": 22, "country": "KZ"})).await;
        app.get(&format!("/api/v1/organisations/{}", p["id"].as_str().unwrap())).await;
        let public = app.call(Method::GET, "/metrics").send().await;
        assert_eq!(public.status, StatusCode::FORBIDDEN, "not for the public from afar");
        let metrics = app.call(Method::GET, "/metrics").token(&app.admin_token).send().await;
        assert_eq!(metrics.status, StatusCode::OK);
        assert!(metrics.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
        let text = metrics.text();
        assert!(text.contains(r#"semey_requests_total{route="/api/v1/organisations/{id}",status="200"} 1"#), "{text}");
        assert!(text.contains(r#"semey_request_seconds_bucket{route="/api/v1/organisations",status="201",le="+Inf"} 1"#), "{text}");
        assert!(text.contains(r#"route="unmatched",status="404""#), "{text}");
        assert!(text.contains("semey_db_connections ") && text.contains("semey_page_cache_hits_total "), "{text}");
    }
}

on_both_backends! {
    /// The demo loads, and loading it again changes nothing.
    async fn the_demo_loads_idempotently(app: TestApp) {
        let app = app.with_demo().await;
        let counts = [app.count("places").await, app.count("organisations").await, app.count("programmes").await, app.count("transactions").await, app.count("requirements").await];
        assert_eq!(counts, [33, 16, 8, 26, 12]);
        let app = app.with_demo().await;
        let again = [app.count("places").await, app.count("organisations").await, app.count("programmes").await, app.count("transactions").await, app.count("requirements").await];
        assert_eq!(again, counts);
        let (_, p) = app.get("/api/v1/programmes?limit=1").await;
        assert!(p["items"][0]["title"]["en"].as_str().unwrap().starts_with("[Illustrative]"));
        assert!(p["items"][0]["title"]["kk"].as_str().unwrap().starts_with("[Мысал]"));
    }
}

/// The migrations of both backends have the same versions.
#[test]
fn migrations_match_across_backends() {
    let (sqlite, postgres) = semey_store::migration_versions();
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

/// The OpenAPI description is the API's contract: it must equal the committed snapshot
/// (`tests/openapi.json`), so any change to the contract shows in the diff of the commit that
/// makes it. `SEMEY_UPDATE_SNAPSHOTS=1` rewrites the snapshot after a deliberate change.
#[test]
fn the_openapi_description_matches_its_snapshot() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/openapi.json");
    let now = serde_json::to_string_pretty(&semey::api::openapi()).unwrap() + "\n";
    if std::env::var_os("SEMEY_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &now).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == now,
        "the OpenAPI description changed; if that is meant, run the tests with SEMEY_UPDATE_SNAPSHOTS=1 and commit tests/openapi.json"
    );
}

/// Request bodies and their refusals are described.
#[test]
fn request_bodies_are_described() {
    let spec = serde_json::to_value(semey::api::openapi()).unwrap();
    for (path, method) in [
        ("/api/v1/programmes", "post"),
        ("/api/v1/transactions", "post"),
        ("/api/v1/organisations", "post"),
    ] {
        assert!(
            spec["paths"][path][method]["requestBody"].is_object(),
            "{method} {path} has no request body schema"
        );
        assert!(
            spec["paths"][path][method]["responses"]["422"].is_object(),
            "{method} {path} does not document 422"
        );
    }
}

on_both_backends! {
    /// A body over the configured limit is refused with 413 before anything is parsed.
    async fn oversized_bodies_are_refused(app: TestApp) {
        let big = format!("{{\"name\": {{\"en\": \"{}\"}}, \"org_type\": 10, \"country\": \"KZ\"}}", "x".repeat(3 * 1024 * 1024));
        let (s, body) = app.request(axum::http::Method::POST, "/api/v1/organisations", Some(big)).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["code"], "payload_too_large");
        assert_eq!(app.count("organisations").await, 0);
    }
}
