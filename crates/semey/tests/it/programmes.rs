//! Programmes: validation, references, lists and filters.

use axum::http::StatusCode;
use serde_json::json;

on_both_backends! {
    /// Sector percentages of 60 + 30 are refused with the field named; nothing is stored.
    async fn sector_percentages_must_add_up_to_100(app: TestApp) {
        let (s, body) = app.post("/api/v1/programmes", json!({
            "iati_identifier": "XX-TEST-1", "title": {"en": "Clinics"}, "status": 2, "areas": ["health"],
            "sectors": [
                {"vocabulary": "dac5", "code": "12220", "percentage": 60},
                {"vocabulary": "dac5", "code": "12230", "percentage": 30}
            ]
        })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], "sectors");
        assert_eq!(body["errors"][0]["code"], "sector_percentages_sum");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("90"));
        assert_eq!(app.count("programmes").await, 0);
    }
}

on_both_backends! {
    /// An end date before its start is refused, naming the end field; nothing is stored.
    async fn an_end_before_its_start_is_refused(app: TestApp) {
        let (s, body) = app.post("/api/v1/programmes", json!({
            "iati_identifier": "XX-TEST-1", "title": {"en": "Clinics"}, "status": 2, "areas": ["health"],
            "dates": {"planned_start": "2025-01-01", "planned_end": "2024-12-31"}
        })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], "dates.planned_end");
        assert_eq!(body["errors"][0]["code"], "end_before_start");
        assert_eq!(app.count("programmes").await, 0);
    }
}

on_both_backends! {
    /// A body that is not JSON is a 400 with a stable code; JSON of the wrong shape is a 422
    /// naming the field.
    async fn malformed_bodies_are_explained(app: TestApp) {
        let (s, body) = app.request(axum::http::Method::POST, "/api/v1/programmes", Some("{ not json".into())).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "invalid_json");
        let (s, body) = app.post("/api/v1/programmes", json!({"iati_identifier": "XX-A-1", "status": "two"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], "status");
        assert_eq!(app.count("programmes").await, 0);
    }
}

on_both_backends! {
    /// A programme keeps everything IATI describes, and references must exist.
    async fn a_full_programme_round_trips(app: TestApp) {
        app.import_geo("kaz_adm1_2024.geojson").await;
        app.import_geo("kaz_adm2_2024.geojson").await;
        let (_, d) = app.get("/api/v1/places?kato=101800000&level=district").await;
        let kurchatov = d["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, d) = app.get("/api/v1/places?kato=103200000&level=district").await;
        let abay = d["items"][0]["id"].as_str().unwrap().to_owned();
        let iaea = app.organisation("IAEA", 40, "AT").await;
        let nnc = app.organisation("National Nuclear Center", 15, "KZ").await;
        let parent = app.programme("XX-TEST-PARENT", json!({})).await;
        let input = json!({
            "iati_identifier": "XX-TEST-RADREM",
            "title": {"en": "Remediation", "ru": "Реабилитация", "kk": "Қалпына келтіру"},
            "description": {"en": "Fencing and remediation"},
            "status": 1,
            "dates": {"planned_start": "2025-01-01", "planned_end": "2027-12-31"},
            "areas": ["radiation_safety", "environmental_protection"],
            "sectors": [
                {"vocabulary": "dac5", "code": "41010", "percentage": 100},
                {"vocabulary": "custom", "code": "SEMEY-RADREM", "percentage": 100}
            ],
            "sdg_targets": ["3.9", "15.3"],
            "places": [{"place_id": kurchatov, "percentage": 70}, {"place_id": abay, "percentage": 30}],
            "target_groups": ["rural_residents", "exposed_population"],
            "participants": [{"organisation_id": iaea, "role": "funding"}, {"organisation_id": nnc, "role": "implementing"}],
            "policy_markers": [{"code": 2, "significance": 2}],
            "parent_id": parent,
            "reporting_org_id": nnc
        });
        let (s, p) = app.post("/api/v1/programmes", input.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let (_, got) = app.get(&format!("/api/v1/programmes/{}", p["id"].as_str().unwrap())).await;
        assert_eq!(got["sectors"].as_array().unwrap().len(), 2);
        assert_eq!(got["places"][0]["percentage"].as_f64().unwrap() + got["places"][1]["percentage"].as_f64().unwrap(), 100.0);
        assert_eq!(got["sdg_targets"], json!(["15.3", "3.9"]));
        assert_eq!(got["parent_id"], parent.as_str());
        assert_eq!(got["participants"].as_array().unwrap().len(), 2);

        let (_, children) = app.get(&format!("/api/v1/programmes?parent={parent}")).await;
        assert_eq!(children["total"], 1);

        let mut unknown = input.clone();
        unknown["iati_identifier"] = json!("XX-TEST-OTHER");
        unknown["participants"] = json!([{"organisation_id": "0190f3c2-0000-7000-8000-000000000000", "role": "funding"}]);
        let (s, body) = app.post("/api/v1/programmes", unknown).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], "participants[0].organisation_id");

        let (s, body) = app.post("/api/v1/programmes", input).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "identifiers are unique");
        assert_eq!(body["errors"][0]["code"], "duplicate_iati_identifier");
        assert_eq!(app.count("programmes").await, 2);
    }
}

on_both_backends! {
    /// Every list filter narrows the list; a place filter includes everything inside the place;
    /// a filter value of the wrong type is a 400 naming the parameter.
    async fn programme_filters(app: TestApp) {
        let app = app.with_demo().await;
        let (_, all) = app.get("/api/v1/programmes").await;
        assert_eq!(all["total"], 8);
        let (_, health) = app.get("/api/v1/programmes?area=health").await;
        assert_eq!(health["total"], 2);
        let (_, kids) = app.get("/api/v1/programmes?target_group=children").await;
        assert_eq!(kids["total"], 2);
        let (_, sdg) = app.get("/api/v1/programmes?sdg_target=3.9").await;
        assert_eq!(sdg["total"], 3);
        let (_, pipeline) = app.get("/api/v1/programmes?status=1").await;
        assert_eq!(pipeline["total"], 1);
        let (_, ekr) = app.get("/api/v1/places?kato=630000000").await;
        let ekr_id = ekr["items"][0]["id"].as_str().unwrap();
        let (_, in_ekr) = app.get(&format!("/api/v1/programmes?place={ekr_id}")).await;
        assert_eq!(in_ekr["total"], 3, "programmes in a region's districts count for the region");
        let (_, glubokoe) = app.get("/api/v1/places?kato=634000000&level=district").await;
        let glubokoe_id = glubokoe["items"][0]["id"].as_str().unwrap();
        let (_, in_glubokoe) = app.get(&format!("/api/v1/programmes?place={glubokoe_id}")).await;
        assert_eq!(in_glubokoe["total"], 1);
        let (_, y) = app.get("/api/v1/programmes?year=2022").await;
        assert_eq!(y["total"], 3);
        let (_, q) = app.get("/api/v1/programmes?q=скрининг").await;
        assert_eq!(q["total"], 1);
        let (_, page) = app.get("/api/v1/programmes?limit=3&offset=6").await;
        assert_eq!(page["items"].as_array().unwrap().len(), 2);
        assert_eq!(page["total"], 8);

        for (uri, field) in [("/api/v1/programmes?year=last", "year"), ("/api/v1/programmes?area=magic", "area"), ("/api/v1/programmes?limit=ten", "limit"), ("/api/v1/programmes?place=Semey", "place")] {
            let (s, body) = app.get(uri).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
            assert_eq!(body["code"], "invalid_parameter");
            assert_eq!(body["field"], field);
        }
    }
}
