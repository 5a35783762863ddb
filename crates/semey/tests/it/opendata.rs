//! Open data: every public list as CSV, XLSX, JSON (and GeoJSON for places and services) with
//! the list's filters, the catalogue with its DCAT-AP metadata, and spreadsheet safety.

use axum::http::{Method, StatusCode};
use semey_domain::access::Role;
use serde_json::Value;

const PUBLIC: [&str; 10] = [
    "places",
    "organisations",
    "programmes",
    "transactions",
    "requirements",
    "contributions",
    "exchange-rates",
    "indicators",
    "indicator-values",
    "services",
];

/// The rows of an XLSX download (header first), read back by a spreadsheet reader.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .expect("an XLSX file");
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).expect("a sheet");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

on_both_backends! {
    /// Each public dataset comes in each of its formats, whole: as many rows as its list has,
    /// under the documented column names, the same in CSV, JSON and XLSX.
    async fn every_public_list_downloads_in_every_format(app: TestApp) {
        let app = app.with_demo().await;
        for dataset in PUBLIC {
            let json = app.call(Method::GET, &format!("/api/v1/data/{dataset}.json")).send().await;
            assert_eq!(json.status, StatusCode::OK, "{dataset}: {}", json.text());
            assert_eq!(json.header("content-type").as_deref(), Some("application/json"));
            let rows = json.json();
            let rows = rows.as_array().unwrap_or_else(|| panic!("{dataset}: an array"));
            assert!(!rows.is_empty(), "the demo has {dataset}");
            let list = match dataset {
                "indicators" | "indicator-values" => None,
                other => Some(app.count(other).await),
            };
            if let Some(total) = list {
                assert_eq!(rows.len() as i64, total, "{dataset}: the whole list");
            }
            let csv = app.call(Method::GET, &format!("/api/v1/data/{dataset}.csv")).send().await;
            assert!(csv.header("content-disposition").unwrap().contains(&format!("semey-{dataset}.csv")));
            let text = csv.text();
            let mut reader = ::csv::Reader::from_reader(text.as_bytes());
            let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
            let keys: Vec<String> = rows[0].as_object().unwrap().keys().cloned().collect();
            let mut sorted = header.clone();
            sorted.sort();
            assert_eq!(sorted, keys, "{dataset}: the same columns in CSV and JSON");
            assert_eq!(reader.records().count(), rows.len(), "{dataset}: CSV rows");
            let xlsx = app.call(Method::GET, &format!("/api/v1/data/{dataset}.xlsx")).send().await;
            assert_eq!(xlsx.status, StatusCode::OK);
            let sheet = xlsx_rows(&xlsx.body);
            assert_eq!(sheet[0], header, "{dataset}: XLSX header");
            assert_eq!(sheet.len() - 1, rows.len(), "{dataset}: XLSX rows");
        }
        // Places and services are also on the map.
        let places = app.call(Method::GET, "/api/v1/data/places.geojson").send().await.json();
        assert_eq!(places["type"], "FeatureCollection");
        let located = places["features"].as_array().unwrap().iter().filter(|f| !f["geometry"].is_null()).count();
        assert!(located > 10, "settlements have points: {located}");
        let services = app.call(Method::GET, "/api/v1/data/services.geojson").send().await;
        assert_eq!(services.header("content-type").as_deref(), Some("application/geo+json"));
        // Money keeps every digit: the demo's first transaction in major units.
        let (_, list) = app.get("/api/v1/transactions?limit=1000").await;
        let first = &list["items"][0];
        let file = app.call(Method::GET, "/api/v1/data/transactions.json").send().await.json();
        let same = file.as_array().unwrap().iter().find(|t| t["id"] == first["id"]).unwrap();
        assert_eq!(same["currency"], first["currency"]);
        let minor = first["amount"].as_i64().unwrap();
        let major = same["amount"].as_str().unwrap().replace('.', "");
        assert_eq!(major.trim_start_matches('0').parse::<i64>().unwrap(), minor, "{same}");
    }
}

on_both_backends! {
    /// A list's filters apply to its files, and the list names its files with its filters.
    async fn downloads_keep_the_lists_filters(app: TestApp) {
        let app = app.with_demo().await;
        let (_, list) = app.get("/api/v1/programmes?area=health&limit=2").await;
        let total = list["total"].as_i64().unwrap();
        assert!(total > 0 && total < app.count("programmes").await);
        let href = list["downloads"]["csv"].as_str().unwrap();
        assert_eq!(href, "/api/v1/data/programmes.csv?area=health");
        assert!(list["downloads"]["xlsx"].is_string() && list["downloads"]["json"].is_string());
        assert!(list["downloads"]["geojson"].is_null(), "programmes are not points");
        let json = app.call(Method::GET, "/api/v1/data/programmes.json?area=health").send().await.json();
        assert_eq!(json.as_array().unwrap().len() as i64, total);
        // Transactions by the filters of their list.
        let (_, usd) = app.get("/api/v1/transactions?currency=USD&limit=1").await;
        let file = app.call(Method::GET, "/api/v1/data/transactions.json?currency=USD").send().await.json();
        assert_eq!(file.as_array().unwrap().len() as i64, usd["total"].as_i64().unwrap());
        assert!(file.as_array().unwrap().iter().all(|t| t["currency"] == "USD"));
        // A wrong filter is named, as on the list.
        let bad = app.call(Method::GET, "/api/v1/data/programmes.csv?area=colour").send().await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.text().contains("area"));
        for (uri, status) in [
            ("/api/v1/data/nothing.csv", StatusCode::NOT_FOUND),
            ("/api/v1/data/places.xml", StatusCode::BAD_REQUEST),
            ("/api/v1/data/transactions.geojson", StatusCode::BAD_REQUEST),
        ] {
            assert_eq!(app.call(Method::GET, uri).send().await.status, status, "{uri}");
        }
    }
}

on_both_backends! {
    /// A name that a spreadsheet would take for a formula stays text in CSV and XLSX; JSON keeps
    /// it as it is.
    async fn no_cell_becomes_a_formula(app: TestApp) {
        let name = "=HYPERLINK(\"http://evil.example\",\"click\")";
        app.organisation(name, 22, "KZ").await;
        app.organisation("+7 701 000 00 00 helpline", 22, "KZ").await;
        let csv = app.call(Method::GET, "/api/v1/data/organisations.csv").send().await.text();
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""), "{csv}");
        assert!(csv.contains("'+7 701 000 00 00 helpline"), "{csv}");
        let xlsx = app.call(Method::GET, "/api/v1/data/organisations.xlsx").send().await;
        let cells: Vec<String> = xlsx_rows(&xlsx.body).into_iter().flatten().collect();
        assert!(cells.contains(&format!("'{name}")), "{cells:?}");
        assert!(!cells.contains(&name.to_owned()));
        let json = app.call(Method::GET, "/api/v1/data/organisations.json").send().await.json();
        assert!(json.as_array().unwrap().iter().any(|o| o["name_en"] == name));
    }
}

on_both_backends! {
    /// The audit trail is for coordinators; the public catalogue does not list it.
    async fn the_audit_trail_is_for_coordinators(app: TestApp) {
        let app = app.with_demo().await;
        let anonymous = app.call(Method::GET, "/api/v1/data/audit.csv").send().await;
        assert!(matches!(anonymous.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN), "{}", anonymous.status);
        let org = app.organisation("Editors' organisation", 22, "KZ").await;
        let editor = app.user("editor@example.org", Role::Editor, Some(&org)).await;
        let refused = app.call(Method::GET, "/api/v1/data/audit.csv").token(&editor.token).send().await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let token = app.admin_token.clone();
        let csv = app.call(Method::GET, "/api/v1/data/audit.csv").token(&token).send().await;
        assert_eq!(csv.status, StatusCode::OK);
        let text = csv.text();
        assert!(text.starts_with("seq,at,user_id,via,address,action,record_type,record_id,old_value,new_value\n"));
        assert!(text.lines().count() > 10, "the demo's imports and sign-ups are audited");
        let dcat: Value = app.call(Method::GET, "/api/v1/data").send().await.json();
        let ids: Vec<&str> = dcat["dcat:dataset"].as_array().unwrap().iter().map(|d| d["dct:identifier"].as_str().unwrap()).collect();
        let mut catalogue = PUBLIC.to_vec();
        catalogue.push("measurements");
        assert_eq!(ids, catalogue);
    }
}

on_both_backends! {
    /// The catalogue page in each language, with its DCAT-AP metadata for harvesters: every
    /// dataset with titles in four languages, its licence, its last change and a download per
    /// format.
    async fn the_catalogue_describes_every_dataset(app: TestApp) {
        let app = app.with_demo().await;
        for (lang, word) in [("en", "Open data"), ("ru", "Открытые данные"), ("kk", "Ашық деректер"), ("zh", "开放数据")] {
            let page = app.call(Method::GET, &format!("/data?lang={lang}")).send().await;
            assert_eq!(page.status, StatusCode::OK);
            let html = page.text();
            assert!(html.contains(&format!("<h1>{word}</h1>")), "{lang}");
            assert!(html.contains("href=\"/api/v1/data/transactions.xlsx\""));
            assert!(html.contains("CC-BY-4.0"));
        }
        let answer = app.call(Method::GET, "/api/v1/data").header("host", "data.example.kz").send().await;
        assert_eq!(answer.header("content-type").as_deref(), Some("application/ld+json"));
        let dcat = answer.json();
        assert_eq!(dcat["@type"], "dcat:Catalog");
        let programmes = dcat["dcat:dataset"].as_array().unwrap().iter().find(|d| d["dct:identifier"] == "programmes").unwrap();
        assert_eq!(programmes["dct:title"].as_array().unwrap().len(), 4);
        assert_eq!(programmes["dct:license"]["@id"], "https://creativecommons.org/licenses/by/4.0/");
        assert!(programmes["dct:modified"]["@value"].is_string(), "{programmes}");
        let urls: Vec<&str> = programmes["dcat:distribution"].as_array().unwrap().iter().map(|d| d["dcat:downloadURL"]["@id"].as_str().unwrap()).collect();
        assert!(urls.contains(&"https://data.example.kz/api/v1/data/programmes.csv"), "{urls:?}");
        assert_eq!(urls.len(), 3);
    }
}

on_both_backends! {
    /// Radiation readings come from the radiation export: CSV and GeoJSON as it writes them,
    /// JSON and XLSX made from its rows with numbers as numbers; the catalogue counts them.
    async fn measurements_download_in_every_format(app: TestApp) {
        let msg = semey::demo::load_radiation(app.store(), &app.state.config.radiation).await.unwrap();
        assert!(msg.contains("24000 readings"), "{msg}");
        let token = app.admin_token.clone();
        let csv = app.call(Method::GET, "/api/v1/data/measurements.csv").token(&token).send().await;
        assert_eq!(csv.status, StatusCode::OK);
        let text = csv.text();
        assert!(text.starts_with("captured_at,latitude,longitude,value,unit,usv_h,"));
        let rows = text.lines().count() - 1;
        assert!(rows > 20_000, "{rows}");
        let json = app.call(Method::GET, "/api/v1/data/measurements.json").token(&token).send().await.json();
        let items = json.as_array().unwrap();
        assert_eq!(items.len(), rows);
        assert!(items[0]["latitude"].is_f64(), "{}", items[0]);
        let xlsx = app.call(Method::GET, "/api/v1/data/measurements.xlsx?dataset=1").token(&token).send().await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert_eq!(xlsx_rows(&xlsx.body).len() - 1, rows);
        let geo = app.call(Method::GET, "/api/v1/data/measurements.geojson").token(&token).send().await.json();
        assert_eq!(geo["features"].as_array().unwrap().len(), rows);
        let dcat = app.call(Method::GET, "/api/v1/data").send().await.json();
        let m = dcat["dcat:dataset"].as_array().unwrap().iter().find(|d| d["dct:identifier"] == "measurements").unwrap().clone();
        assert_eq!(m["dcat:distribution"].as_array().unwrap().len(), 4);
        assert!(m["dct:modified"]["@value"].is_string(), "{m}");
    }
}

on_both_backends! {
    /// Transactions are downloaded from text the database renders, not from their documents:
    /// every row is the one the transaction's API document gives, whatever its text holds
    /// (control characters, which the rendering uses as separators, are recorded as spaces).
    async fn rendered_transactions_are_their_documents(app: TestApp) {
        use semey::opendata::{row_of, Dataset, Reader, Selection};
        let app = app.with_demo().await;
        let (_, list) = app.get("/api/v1/programmes?q=Dose-rate").await;
        let pid = list["items"][0]["id"].as_str().unwrap().to_owned();
        let (s, b) = app.post("/api/v1/transactions", serde_json::json!({"programme_id": pid, "transaction_type": 3,
            "date": "2025-01-10", "amount": "1250.5", "currency": "EUR",
            "description": "Kits, \"dosimeters\"\u{1f}and\u{1e}spares\u{1d}— =SUM(A1)"})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (_, all) = app.get("/api/v1/transactions?limit=1000").await;
        let items = all["items"].as_array().unwrap();
        assert!(items.len() > 10);
        let mut expected: Vec<_> = items.iter().map(|t| row_of(Dataset::Transactions, t)).collect();
        let mut reader = Reader::new(app.store(), Selection::all(Dataset::Transactions));
        let mut rows = Vec::new();
        loop {
            let batch = reader.next_batch().await.unwrap();
            if batch.is_empty() {
                break;
            }
            rows.extend(batch.into_rows().unwrap());
        }
        let key = |r: &semey::presentation::table::TableRow| format!("{:?}", r.cells[0]);
        expected.sort_by_key(key);
        rows.sort_by_key(key);
        let odd = rows.iter().find(|r| format!("{:?}", r.cells[18]).contains("dosimeters")).unwrap();
        assert_eq!(odd.cells[18], semey::presentation::table::Cell::Text("Kits, \"dosimeters\" and spares — =SUM(A1)".into()),
            "control characters were recorded as spaces");
        assert_eq!(rows, expected);
        assert_eq!(rows.len(), expected.len());
    }
}
