//! Places: the hierarchy, GeoJSON imports, and bad place input.

use crate::support::{import_file, shared};
use axum::http::StatusCode;
use serde_json::json;

on_both_backends! {
    /// Regions and districts of the geokz files and GeoNames settlements build the hierarchy;
    /// each settlement lands in the district whose outline contains it, and the two points
    /// still labelled with their pre-2022 region are reported.
    async fn geo_files_build_the_hierarchy(app: TestApp) {
        let regions = app.import_geo("kaz_adm1_2024.geojson").await;
        assert_eq!((regions.rows, regions.inserted), (20, 20));
        let districts = app.import_geo("kaz_adm2_2024.geojson").await;
        assert_eq!((districts.rows, districts.inserted), (224, 224));
        let settlements = app.import_geo("places-abai-east-kazakhstan.geojson").await;
        assert_eq!(settlements.inserted, 42);
        assert_eq!(settlements.notes.len(), 2, "{:?}", settlements.notes);
        assert!(settlements.notes.iter().any(|n| n.starts_with("Zhalghyztobe") && n.contains("Zharma")), "{:?}", settlements.notes);

        let (_, abai) = app.get("/api/v1/places?kato=100000000").await;
        let abai_id = abai["items"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(abai["items"][0]["name"]["kk"], "Абай");
        let (_, zharma) = app.get("/api/v1/places?kato=104200000&level=district").await;
        let zharma_id = zharma["items"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(zharma["items"][0]["parent_id"], abai_id.as_str());
        let (_, z) = app.get("/api/v1/places?q=zhalghyztobe").await;
        assert_eq!(z["total"], 1);
        assert_eq!(z["items"][0]["parent_id"], zharma_id.as_str(), "the boundary wins over the file's region label");

        let (_, within) = app.get(&format!("/api/v1/places?within={abai_id}&level=settlement&limit=1000")).await;
        assert!(within["total"].as_i64().unwrap() >= 15, "{within}");
        let (s, geometry) = app.get(&format!("/api/v1/places/{zharma_id}/geometry")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(geometry["type"], "Feature");
        assert!(matches!(geometry["geometry"]["type"].as_str(), Some("Polygon" | "MultiPolygon")));
    }
}

on_both_backends! {
    /// Importing the same files again adds and changes nothing.
    async fn place_imports_are_idempotent(app: TestApp) {
        app.import_geo("kaz_adm1_2024.geojson").await;
        app.import_geo("kaz_adm2_2024.geojson").await;
        app.import_geo("places-abai-east-kazakhstan.geojson").await;
        let before = app.count("places").await;
        let again = app.import_geo("kaz_adm2_2024.geojson").await;
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 224));
        let again = app.import_geo("places-abai-east-kazakhstan.geojson").await;
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 42));
        assert_eq!(app.count("places").await, before);
    }
}

on_both_backends! {
    /// A file with one broken outline is refused whole, naming the feature.
    async fn a_broken_geometry_refuses_the_whole_file(app: TestApp) {
        let file = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"KATO": "100000000", "ADM1_EN": "Abay", "ADM1_PCODE": "KZ10"},
             "geometry": {"type": "Polygon", "coordinates": [[[80.0, 50.0], [81.0, 50.0], [81.0, 51.0], [80.0, 50.0]]]}},
            {"type": "Feature", "properties": {"KATO": "630000000", "ADM1_EN": "East Kazakhstan", "ADM1_PCODE": "KZ63"},
             "geometry": {"type": "Polygon", "coordinates": [[[82.0, 50.0], [83.0, 50.0], [83.0, 51.0], [82.5, 51.5]]]}}
        ]});
        let err = semey::places::import::import_places(app.store(), &import_file("places", file.to_string().as_bytes()), Default::default(), &mut semey::import::Quiet)
            .await
            .unwrap_err();
        let semey::AppError::Import(errors) = err else { panic!("expected an import error, got {err}") };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "feature 2 (East Kazakhstan): geometry");
        assert_eq!(errors[0].code, "invalid_geometry");
        assert!(errors[0].message.contains("not closed"), "{}", errors[0].message);
        assert_eq!(app.count("places").await, 0, "nothing of the file is stored");
    }
}

on_both_backends! {
    /// A KATO code must have nine digits; the error names the field and nothing is stored.
    async fn a_kato_code_of_the_wrong_shape_is_refused(app: TestApp) {
        let (s, country) = app.post("/api/v1/places", json!({"level": "country", "name": {"en": "Kazakhstan"}})).await;
        assert_eq!(s, StatusCode::CREATED, "{country}");
        let (s, body) = app.post("/api/v1/places", json!({
            "level": "region", "parent_id": country["id"], "kato": "10000", "name": {"en": "Abai"}
        })).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["code"], "validation_failed");
        assert_eq!(body["field"], "kato");
        assert_eq!(body["errors"][0]["code"], "invalid_kato");
        assert_eq!(app.count("places").await, 1);
    }
}

on_both_backends! {
    /// Settlements need district outlines to be placed.
    async fn settlements_before_districts_are_refused(app: TestApp) {
        let bytes = std::fs::read(shared("geo/places-abai-east-kazakhstan.geojson")).unwrap();
        let err = semey::places::import::import_places(app.store(), &import_file("places", &bytes), Default::default(), &mut semey::import::Quiet).await.unwrap_err();
        assert!(err.to_string().contains("import the districts file first"), "{err}");
        assert_eq!(app.count("places").await, 0);
    }
}

on_both_backends! {
    /// A file of one's own layout imports once its level and name properties are given (it was
    /// refused as "cannot tell which properties hold the names" even then), and the demo's
    /// districts come with their outlines.
    async fn an_explicit_mapping_reads_any_layout(app: TestApp) {
        let regions = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[78.0, 49.0], [81.0, 49.0], [81.0, 51.0], [78.0, 51.0], [78.0, 49.0]]]},
            "properties": {"code": "100000000", "title": "Абай облысы", "title_en": "Abai Region"}}]});
        let mapping = semey::places::import::PlaceMapping {
            level: Some(semey_domain::place::PlaceLevel::Region),
            kato: Some("code".into()),
            name_kk: Some("title".into()),
            name_en: Some("title_en".into()),
            ..Default::default()
        };
        let bytes = regions.to_string();
        let r = semey::places::import::import_places(app.store(), &import_file("own.geojson", bytes.as_bytes()), mapping, &mut semey::import::Quiet)
            .await
            .unwrap();
        assert_eq!(r.inserted, 1);
        let (_, list) = app.get("/api/v1/places?level=region").await;
        assert_eq!(list["items"][0]["name"]["en"], "Abai Region");

        let app = app.with_demo().await;
        let (_, districts) = app.get("/api/v1/places?level=district&limit=100").await;
        let items = districts["items"].as_array().unwrap();
        assert!(items.len() >= 20);
        let semey = items.iter().find(|d| d["kato"] == "101000000").unwrap();
        let (s, shape) = app.get(&format!("/api/v1/places/{}/geometry", semey["id"].as_str().unwrap())).await;
        assert_eq!(s, StatusCode::OK);
        assert!(matches!(shape["geometry"]["type"].as_str(), Some("Polygon" | "MultiPolygon")), "{shape}");
    }
}
