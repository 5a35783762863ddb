//! The API's self-description, health probe and general behaviour.

use axum::http::StatusCode;

on_both_backends! {
    /// `/healthz` reports the database; the OpenAPI 3.1 description lists every resource;
    /// the docs page is served.
    async fn health_openapi_and_docs(app: TestApp) {
        let (s, h) = app.get("/healthz").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(h["status"], "ok");
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
    /// The demo loads, and loading it again changes nothing.
    async fn the_demo_loads_idempotently(app: TestApp) {
        let app = app.with_demo().await;
        let counts = [app.count("places").await, app.count("organisations").await, app.count("programmes").await, app.count("transactions").await, app.count("requirements").await];
        assert_eq!(counts, [33, 15, 8, 26, 12]);
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
