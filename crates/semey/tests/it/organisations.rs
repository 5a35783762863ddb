//! Organisations through the API.

use axum::http::StatusCode;
use serde_json::json;

on_both_backends! {
    /// An organisation is created, read back, listed by type and role, and updated.
    async fn organisations_are_created_listed_and_updated(app: TestApp) {
        let (s, undp) = app.post("/api/v1/organisations", json!({
            "iati_id": "XM-DAC-41114",
            "name": {"en": "United Nations Development Programme", "ru": "Программа развития ООН", "kk": "БҰҰ Даму бағдарламасы"},
            "acronym": "UNDP", "org_type": 40, "country": "us", "mechanism_role": "un_entity",
            "contacts": [{"name": "Office", "email": "registry.kz@undp.org"}]
        })).await;
        assert_eq!(s, StatusCode::CREATED, "{undp}");
        assert_eq!(undp["country"], "US");
        let id = undp["id"].as_str().unwrap();
        app.organisation("Akimat of Abai Region", 11, "KZ").await;

        let (_, got) = app.get(&format!("/api/v1/organisations/{id}")).await;
        assert_eq!(got["name"]["ru"], "Программа развития ООН");
        assert_eq!(got["contacts"][0]["email"], "registry.kz@undp.org", "accounts see contact people");
        // Contact people are personal data: the public sees them neither in the API nor on
        // the organisation's page.
        let (_, public) = app.request_as(None, axum::http::Method::GET, &format!("/api/v1/organisations/{id}"), None).await;
        assert_eq!((public["name"]["ru"].as_str(), public["contacts"].as_array().map(Vec::len)), (Some("Программа развития ООН"), Some(0)));
        let (_, listed) = app.request_as(None, axum::http::Method::GET, "/api/v1/organisations?q=undp", None).await;
        assert_eq!(listed["items"][0]["contacts"].as_array().map(Vec::len), Some(0));
        assert!(!listed.to_string().contains("registry.kz@undp.org"));
        let html = app.call(axum::http::Method::GET, &format!("/stakeholders/{id}?lang=en")).send().await.text();
        assert!(html.contains("United Nations Development Programme") && !html.contains("registry.kz@undp.org"), "{html}");
        let (_, un) = app.get("/api/v1/organisations?role=un_entity").await;
        assert_eq!(un["total"], 1);
        let (_, local) = app.get("/api/v1/organisations?org_type=11").await;
        assert_eq!(local["total"], 1);
        let (_, found) = app.get("/api/v1/organisations?q=undp").await;
        assert_eq!(found["total"], 1);

        let (s, updated) = app.put(&format!("/api/v1/organisations/{id}"), json!({
            "iati_id": "XM-DAC-41114", "name": {"en": "UNDP Kazakhstan"}, "org_type": 40, "country": "US"
        })).await;
        assert_eq!(s, StatusCode::OK, "{updated}");
        assert_eq!(updated["name"]["en"], "UNDP Kazakhstan");
        assert_eq!(app.count("organisations").await, 2);
    }
}

on_both_backends! {
    /// Two organisations cannot share an IATI identifier; bad codes name their fields.
    async fn organisation_rules_name_the_field(app: TestApp) {
        let org = json!({"iati_id": "XM-DAC-928", "name": {"en": "WHO"}, "org_type": 40, "country": "CH"});
        assert_eq!(app.post("/api/v1/organisations", org.clone()).await.0, StatusCode::CREATED);
        let (s, dup) = app.post("/api/v1/organisations", org).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(dup["field"], "iati_id");
        assert_eq!(dup["errors"][0]["code"], "duplicate_iati_id");

        let (s, bad) = app.post("/api/v1/organisations", json!({"name": {}, "org_type": 12, "country": "Kazakhstan"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["name", "org_type", "country"]);
        assert_eq!(app.count("organisations").await, 1);

        // A website is a web address: a script or data address is refused, a bare host is
        // taken as https.
        for bad in ["javascript:alert(document.cookie)", "data:text/html,<b>x</b>", "JavaScript:void(0)"] {
            let (s, e) = app.post("/api/v1/organisations", json!({"name": {"en": "Clinic"}, "org_type": 22, "country": "KZ", "website": bad})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {e}");
            assert_eq!((e["field"].as_str(), e["errors"][0]["code"].as_str()), (Some("website"), Some("invalid_url")));
        }
        assert_eq!(app.count("organisations").await, 1);
        let (s, ok) = app.post("/api/v1/organisations", json!({"name": {"en": "Clinic"}, "org_type": 22, "country": "KZ", "website": "www.clinic.kz"})).await;
        assert_eq!(s, StatusCode::CREATED, "{ok}");
        assert_eq!(ok["website"], "https://www.clinic.kz");
    }
}

on_both_backends! {
    /// Unknown ids answer 404 in the API's error format.
    async fn unknown_ids_are_not_found(app: TestApp) {
        for uri in [
            "/api/v1/organisations/0190f3c2-0000-7000-8000-000000000000",
            "/api/v1/organisations/not-an-id",
            "/api/v1/programmes/0190f3c2-0000-7000-8000-000000000000",
            "/api/v1/places/0190f3c2-0000-7000-8000-000000000000",
            "/api/v1/transactions/0190f3c2-0000-7000-8000-000000000000",
        ] {
            let (s, body) = app.get(uri).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
            assert_eq!(body["code"], "not_found", "{uri}");
        }
        let (s, body) = app.put("/api/v1/organisations/0190f3c2-0000-7000-8000-000000000000", json!({"name": {"en": "x"}, "org_type": 10, "country": "KZ"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    }
}
