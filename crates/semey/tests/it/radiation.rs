//! Radiation: imports of every format (reference files of `../shared/data/safecast`), bad input,
//! statistics kept as data arrive, the risk for places and points, exports and pages.

use crate::support::{shared, TestApp};
use axum::http::StatusCode;
use semey::import::Quiet;
use semey::radiation::import::{import_measurements, ColumnMapping, Format, MeasurementOptions};
use semey::AppError;
use std::path::{Path, PathBuf};

const BULK_HEADER: &str = "Captured Time,Latitude,Longitude,Value,Unit,Location Name,Device ID,MD5Sum,Height,Surface,Radiation,Uploaded Time,Loader ID\n";

async fn import(
    app: &TestApp,
    path: &Path,
    opts: MeasurementOptions,
) -> Result<semey::radiation::import::MeasurementReport, AppError> {
    import_measurements(
        app.store(),
        &app.state.config.radiation,
        path,
        opts,
        &mut Quiet,
    )
    .await
}

fn everywhere() -> MeasurementOptions {
    MeasurementOptions {
        everywhere: true,
        ..Default::default()
    }
}

fn lenient() -> MeasurementOptions {
    MeasurementOptions {
        everywhere: true,
        lenient: true,
        ..Default::default()
    }
}

/// The problems of a refused import, as "field: code" lines.
fn refused(r: Result<semey::radiation::import::MeasurementReport, AppError>) -> Vec<String> {
    match r {
        Err(AppError::Import(e)) => e
            .iter()
            .map(|e| format!("{}: {}", e.field, e.code))
            .collect(),
        other => panic!("expected the file to be refused, got {other:?}"),
    }
}

async fn stored(app: &TestApp) -> i64 {
    app.store().measurement_count().await.unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Bulk-export rows of `n` readings of `usv` µSv/h around a point, a minute apart from `start`.
fn bulk_rows(lat: f64, lon: f64, usv: f64, n: usize, start: &str) -> String {
    let t0 = semey_domain::radiation::parse_time(start).unwrap();
    let mut s = String::from(BULK_HEADER);
    for i in 0..n {
        let t = t0 + time::Duration::minutes(i as i64);
        let when = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        let dlat = (i % 7) as f64 * 0.0003;
        let dlon = (i % 5) as f64 * 0.0004;
        s.push_str(&format!(
            "{when},{:.6},{:.6},{usv},usv,,77,,,,,{when},1\n",
            lat + dlat,
            lon + dlon
        ));
    }
    s
}

async fn settlement(app: &TestApp, name: &str) -> (String, f64, f64) {
    let (_, body) = app
        .get(&format!("/api/v1/places?level=settlement&q={name}"))
        .await;
    let p = &body["items"][0];
    (
        p["id"].as_str().expect("settlement").to_owned(),
        p["point"]["lat"].as_f64().unwrap(),
        p["point"]["lon"].as_f64().unwrap(),
    )
}

on_both_backends! {
    async fn reference_logs_strict_lenient_and_idempotent(app: TestApp) {
        // The malformed log: strict refuses it naming every bad line, and stores nothing.
        let bad = shared("safecast/malformed_bgeigie.log");
        let problems = refused(import(&app, &bad, everywhere()).await);
        assert_eq!(
            problems,
            ["line 6: unparseable", "line 7: bad_checksum", "line 8: unparseable", "line 9: unparseable"]
        );
        assert_eq!(stored(&app).await, 0);
        assert!(app.store().datasets().await.unwrap().iter().all(|(_, n)| *n == 0));

        // Lenient: the six good readings, the four others listed by reason.
        let r = import(&app, &bad, lenient()).await.unwrap();
        assert_eq!((r.rows, r.inserted, r.duplicates), (10, 6, 0));
        assert_eq!(r.rejected["bad_checksum"].lines, [7]);
        assert_eq!(r.rejected["unparseable"].lines, [6, 8, 9]);
        assert_eq!(stored(&app).await, 6);

        // Again: nothing new, recognised as the same readings.
        let again = import(&app, &bad, lenient()).await.unwrap();
        assert_eq!((again.inserted, again.duplicates), (0, 6));
        assert_eq!(stored(&app).await, 6);

        // A drive whose first minute the device marked void: skipped and counted, not failed.
        let nyc = import(&app, &shared("safecast/bgeigie_nyc.log"), everywhere()).await.unwrap();
        assert_eq!(nyc.skipped["invalid_cpm"].count, 12);
        assert_eq!(nyc.inserted, 17);
        // Outside the area of interest (Kazakhstan) unless asked otherwise.
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("nyc-again.log");
        std::fs::copy(shared("safecast/bgeigie_nyc.log"), &copy).unwrap();
        let outside = import(&app, &copy, MeasurementOptions::default()).await.unwrap();
        assert_eq!(outside.skipped["outside_area"].count, 17);
        assert_eq!(outside.inserted, 0);

        // Every line of this log is void or without a fix.
        let void = import(&app, &shared("safecast/bgeigie.log"), everywhere()).await.unwrap();
        assert_eq!(void.inserted, 0);
        assert_eq!(void.skipped["invalid_cpm"].count + void.skipped["no_gps_fix"].count, void.rows);

        // The API sample: temperature and status rows skipped and counted.
        let api = import(&app, &shared("safecast/api-sample.csv"), everywhere()).await.unwrap();
        assert_eq!(api.format, "safecast-api-csv");
        assert_eq!((api.rows, api.inserted), (51, 42));
        assert_eq!(api.skipped["not_radiation"].count, 9);
        assert_eq!(stored(&app).await, 6 + 17 + 42);

        // Provenance: datasets with their source, licence and the files' digests.
        let (status, list) = app.get("/api/v1/radiation/datasets").await;
        assert_eq!(status, StatusCode::OK);
        let sample = list.as_array().unwrap().iter().find(|d| d["name"] == "api-sample").unwrap();
        assert_eq!((sample["source"].as_str(), sample["licence"].as_str()), (Some("Safecast"), Some("CC0-1.0")));
        assert_eq!(sample["measurements"], 42);
        let (_, detail) = app.get(&format!("/api/v1/radiation/datasets/{}", sample["id"])).await;
        assert_eq!(detail["imports"].as_array().unwrap().len(), 1, "{detail}");
        assert_eq!(detail["imports"][0]["sha256"].as_str().unwrap().len(), 64);
        assert_eq!(detail["imports"][0]["report"]["skipped"]["not_radiation"]["count"], 9);
    }
}

on_both_backends! {
    async fn bad_input_is_named_and_nothing_is_stored(app: TestApp) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let good = std::fs::read_to_string(shared("safecast/malformed_bgeigie.log")).unwrap();
        let good_lines: Vec<&str> = good.lines().filter(|l| l.starts_with("$BNRDD") && semey_domain::radiation::parse_bgeigie_line(l).is_ok()).collect();
        assert!(good_lines.len() >= 4);
        // A log whose every checksum fails.
        let broken: String = good_lines.iter().map(|l| format!("{}00\n", &l[..l.len() - 2])).collect();
        let p = write(d, "all-bad.log", &broken);
        let problems = refused(import(&app, &p, everywhere()).await);
        assert_eq!(problems[0], "file: no_good_row");
        assert!(problems.contains(&"line 1: bad_checksum".to_owned()), "{problems:?}");
        // Lenient mode keeps nothing either, and says why.
        let r = import(&app, &p, lenient()).await.unwrap();
        assert_eq!((r.inserted, r.rejected["bad_checksum"].count), (0, good_lines.len() as u64));

        // A corrupted line in the middle of a valid log: named; lenient keeps the others.
        let mut mid: Vec<String> = good_lines.iter().map(|l| l.to_string()).collect();
        mid.insert(2, "$BNRDD,2709,2016-09-20T04:0#garbage".to_owned());
        let p = write(d, "middle.log", &(mid.join("\n") + "\n"));
        assert_eq!(refused(import(&app, &p, everywhere()).await), ["line 3: unparseable"]);
        assert_eq!(stored(&app).await, 0);
        let r = import(&app, &p, lenient()).await.unwrap();
        assert_eq!(r.inserted, good_lines.len() as u64);
        assert_eq!(r.rejected["unparseable"].lines, [3]);

        // Rows of a CSV: (0,0), out of range, negative and absurd dose rates, an unknown unit.
        let before = stored(&app).await;
        let csv = format!(
            "{BULK_HEADER}\
2024-05-01 10:00:00,50.75,78.54,0.12,usv,,1,,,,,,1\n\
2024-05-01 10:00:05,0,0,0.12,usv,,1,,,,,,1\n\
2024-05-01 10:00:10,95.1,78.54,0.12,usv,,1,,,,,,1\n\
2024-05-01 10:00:15,50.75,78.54,-0.5,usv,,1,,,,,,1\n\
2024-05-01 10:00:20,50.75,78.54,250000,usv,,1,,,,,,1\n\
2024-05-01 10:00:25,50.75,78.54,12,furlongs,,1,,,,,,1\n\
2024-05-01 10:00:30,50.75,190,0.12,usv,,1,,,,,,1\n"
        );
        let p = write(d, "rows.csv", &csv);
        assert_eq!(
            refused(import(&app, &p, everywhere()).await),
            [
                "line 3: bad_coordinates",
                "line 4: bad_coordinates",
                "line 5: value_out_of_range",
                "line 6: value_out_of_range",
                "line 7: unknown_unit",
                "line 8: bad_coordinates",
            ]
        );
        assert_eq!(stored(&app).await, before);
        let r = import(&app, &p, lenient()).await.unwrap();
        assert_eq!(r.inserted, 1);

        // A file in the wrong format for the option given.
        let p = write(d, "api.csv", &std::fs::read_to_string(shared("safecast/api-sample.csv")).unwrap());
        let wrong = MeasurementOptions { format: Some(Format::Bgeigie), ..everywhere() };
        let problems = refused(import(&app, &p, wrong).await);
        assert_eq!(problems[0], "file: no_good_row");
        let wrong = MeasurementOptions { format: Some(Format::SafecastCsv), ..everywhere() };
        assert_eq!(refused(import(&app, &p, wrong).await), ["line 1: wrong_header"]);

        // Empty files, and a header without rows.
        for (name, text) in [("empty.csv", ""), ("blank.log", "\n\n"), ("header.csv", BULK_HEADER), ("comments.log", "# only\n# comments\n"), ("empty.json", "[]")] {
            let p = write(d, name, text);
            let problems = refused(import(&app, &p, everywhere()).await);
            assert!(problems.iter().any(|p| p.ends_with(": empty")), "{name}: {problems:?}");
        }
        assert_eq!(stored(&app).await, before + 1);
    }
}

on_both_backends! {
    async fn every_format_and_activities(app: TestApp) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // Safecast bulk export (written by the benchmark's generator).
        let p = d.join("bulk.csv");
        semey::generate::generate_measurements(&p, 400, Default::default(), &mut |_| {}).unwrap();
        let r = import(&app, &p, MeasurementOptions::default()).await.unwrap();
        assert_eq!(r.format, "safecast-csv");
        assert_eq!(r.rows, 400);
        assert_eq!(r.inserted + r.skipped.get("not_radiation").map_or(0, |t| t.count), 400);

        // Safecast API JSON.
        let json = r#"[
 {"value": 44.0, "unit": "cpm", "captured_at": "2024-01-01T00:00:17.000Z", "device_id": 157.0, "latitude": 50.75, "longitude": 78.54, "height": null},
 {"value": 21.5, "unit": "celcius", "captured_at": "2024-01-01T00:00:20.000Z", "device_id": 157.0, "latitude": 50.75, "longitude": 78.54},
 {"value": 0.11, "unit": "usv", "captured_at": "2024-01-01T00:01:17Z", "device_id": null, "latitude": "50.76", "longitude": "78.55"}
]"#;
        let p = write(d, "api.json", json);
        let r = import(&app, &p, MeasurementOptions::default()).await.unwrap();
        assert_eq!((r.format, r.inserted, r.skipped["not_radiation"].count), ("safecast-api-json", 2, 1));
        let p = write(d, "broken.json", "[{\"value\": 1,");
        assert!(refused(import(&app, &p, MeasurementOptions::default()).await)[0].starts_with("line 1: unparseable"));

        // GeoJSON points: a dose rate and a soil sample of Cs-137.
        let geo = r#"{"type": "FeatureCollection", "name": "survey", "features": [
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [78.54, 50.75]}, "properties": {"time": "2023-06-01T08:00:00Z", "value": 0.21, "unit": "µSv/h", "device": "DKS-96 #12"}},
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [78.55, 50.76]}, "properties": {"time": "2023-06-01T09:00:00Z", "value": 1250, "unit": "Bq/kg", "nuclide": "Cs-137", "device": "lab"}},
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [78.56, 50.77]}, "properties": {"time": "2023-06-01T09:30:00Z", "value": 300, "unit": "Bq/kg", "device": "lab"}}
]}"#;
        let p = write(d, "survey.geojson", geo);
        let problems = refused(import(&app, &p, MeasurementOptions::default()).await);
        assert_eq!(problems, ["line 3: missing_nuclide"], "records are numbered from 1");
        let r = import(&app, &p, MeasurementOptions { lenient: true, source: Some("IRSE".into()), licence: Some("CC BY 4.0".into()), ..Default::default() }).await.unwrap();
        assert_eq!((r.format, r.inserted), ("geojson", 2));

        // A CSV of one's own layout, with a mapping and one unit for the file.
        let own = "Когда;Шир;Долг;Доза\n2022-08-01 12:00:00;50.70;78.50;95\n2022-08-01 12:05:00;50.71;78.51;105\n"
            .replace(';', ",");
        let p = write(d, "own.csv", &own);
        assert_eq!(refused(import(&app, &p, MeasurementOptions::default()).await), ["file: unknown_format"]);
        let mapping = ColumnMapping::parse("time=Когда,lat=Шир,lon=Долг,value=Доза,unit:=nSv/h").unwrap();
        let r = import(&app, &p, MeasurementOptions { mapping: Some(mapping), dataset: Some("Own survey".into()), ..Default::default() }).await.unwrap();
        assert_eq!((r.format, r.inserted, r.dataset.as_str()), ("csv", 2, "Own survey"));
        assert!(ColumnMapping::parse("time=a,lat=b,lon=c").is_err());

        // The export keeps raw values and units, converts dose rates, leaves activities as they are.
        let (status, _, csv) = get_text(&app, "/api/v1/radiation/measurements?bbox=78.4,50.6,78.6,50.8").await;
        assert_eq!(status, StatusCode::OK);
        let soil = csv.lines().find(|l| l.contains("bq/kg")).expect("the soil sample");
        assert!(soil.contains(",1250,bq/kg,,Cs-137,lab,,"), "a lab has no tube: {soil}");
        let cpm = csv.lines().find(|l| l.contains(",44,cpm,")).expect("the count rate");
        assert!(cpm.contains(",0.1317,"), "44 CPM through 334 CPM per µSv/h: {cpm}");
        let nsv = csv.lines().find(|l| l.contains(",95,nsv/h,")).expect("nSv/h");
        assert!(nsv.contains(",0.0950,"), "{nsv}");

        // Numbers come out as the same numbers: 17 significant digits, a tiny dose, a whole one.
        let (lat, lon, tiny) = (50.123456789012345_f64, 78.98765432109876_f64, 0.000001_f64);
        let precise = format!(
            r#"[{{"value": {tiny}, "unit": "usv", "captured_at": "2024-02-01T00:00:00Z", "device_id": 158, "latitude": {lat:?}, "longitude": {lon:?}}},
 {{"value": 3.0, "unit": "usv", "captured_at": "2024-02-01T00:01:00Z", "device_id": 158, "latitude": 50.12, "longitude": 78.98}}]"#
        );
        let p = write(d, "precise.json", &precise);
        assert_eq!(import(&app, &p, MeasurementOptions::default()).await.unwrap().inserted, 2);
        let (_, _, csv) = get_text(&app, "/api/v1/radiation/measurements?bbox=78.9,50.1,79.0,50.2").await;
        let rows: Vec<Vec<&str>> = csv.lines().filter(|l| !l.starts_with("captured_at")).map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), 2, "the two readings under the header: {csv}");
        let number = |s: &str| s.parse::<f64>().unwrap_or_else(|_| panic!("not a number: {s}"));
        assert_eq!((number(rows[0][1]), number(rows[0][2]), number(rows[0][3])), (lat, lon, tiny), "{csv}");
        assert_eq!(number(rows[0][5]), tiny, "µSv/h as they came: {csv}");
        assert_eq!(&rows[1][1..4], ["50.12", "78.98", "3"], "{csv}");
    }
}

async fn get_text(app: &TestApp, uri: &str) -> (StatusCode, String, String) {
    let answer = app.call(axum::http::Method::GET, uri).send().await;
    let kind = answer.header("content-type").unwrap_or_default();
    (answer.status, kind, answer.text())
}

on_both_backends! {
    async fn statistics_follow_imports_and_the_risk_speaks_plainly(app: TestApp) {
        let app = app.with_demo().await;
        app.import_geo("kaz_adm2_2024.geojson").await;
        let dir = tempfile::tempdir().unwrap();
        let (kurchatov, klat, klon) = settlement(&app, "Kurchatov").await;
        let (dolon, dlat, dlon) = settlement(&app, "Karaaul").await;
        let now = time::OffsetDateTime::now_utc();
        let recent = format!("{}-03-01 10:00:00", now.year() - 1);
        let long_ago = format!("{}-03-01 10:00:00", now.year() - 15);

        // Nothing measured: "not measured", never safe.
        let (_, r) = app.get(&format!("/api/v1/radiation/risk?place={kurchatov}&lang=ru")).await;
        assert_eq!(r["band"], "not_measured");
        assert_eq!(r["message"]["title"], "Не измерено");
        assert!(r["message"]["meaning"].as_str().unwrap().contains("не значит, что здесь безопасно"));

        // 120 readings of 0.5 µSv/h at Kurchatov: above the limit for living there all year.
        let p = write(dir.path(), "kurchatov.csv", &bulk_rows(klat, klon, 0.5, 120, &recent));
        let first = import(&app, &p, MeasurementOptions::default()).await.unwrap();
        assert_eq!(first.inserted, 120);
        let (status, r) = app.get(&format!("/api/v1/radiation/risk?place={kurchatov}")).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["band"], "above_limit");
        assert_eq!(r["count"], 120);
        let median = r["median_usv_h"].as_f64().unwrap();
        assert!((median / 0.5 - 1.0).abs() < 0.01, "within 1 % of the readings' median: {median}");
        let added = r["added_msv"].as_f64().unwrap();
        assert!((added / 2.41776 - 1.0).abs() < 0.01, "(0.5 − 0.04) × 8.76 × 0.6 = 2.418: {added}");
        assert_eq!(r["model"]["background_usv_h"], 0.04);
        assert_eq!(r["model"]["shielding"], 0.4);
        assert!(r["message"]["what_to_do"].as_str().unwrap().contains("well water"));
        assert!(r["message"]["estimate"][0].as_str().unwrap().contains("mSv a year"));
        // The district whose outline holds them, and its region, have them too.
        let (_, d) = app.get("/api/v1/places?level=district&kato=101800000").await;
        let district = &d["items"][0];
        let (_, r) = app.get(&format!("/api/v1/radiation/risk?place={}", district["id"].as_str().unwrap())).await;
        assert_eq!((r["count"].as_i64(), r["band"].as_str()), (Some(120), Some("above_limit")), "{r}");
        let (_, r) = app.get(&format!("/api/v1/radiation/risk?place={}", district["parent_id"].as_str().unwrap())).await;
        assert_eq!(r["count"], 120);

        // Readings of fifteen years ago at Karaaul: history, not the present.
        let p = write(dir.path(), "dolon-old.csv", &bulk_rows(dlat, dlon, 0.09, 30, &long_ago));
        import(&app, &p, MeasurementOptions::default()).await.unwrap();
        let (_, r) = app.get(&format!("/api/v1/radiation/risk?place={dolon}&lang=kk")).await;
        assert_eq!(r["band"], "not_measured");
        assert_eq!(r["history"][0]["count"], 30);
        assert_eq!(r["message"]["title"], "Өлшенбеген");

        // Hexagons: every resolution holds every reading; a new import is on the map at once.
        let whole = "/api/v1/radiation/bins?bbox=76,48,82,52";
        for zoom in [6, 9, 13] {
            let (status, fc) = app.get(&format!("{whole}&zoom={zoom}")).await;
            assert_eq!(status, StatusCode::OK);
            let total: i64 = fc["features"].as_array().unwrap().iter().map(|f| f["properties"]["count"].as_i64().unwrap()).sum();
            assert_eq!(total, 150, "zoom {zoom}");
            assert_eq!(fc["semey"]["legend"].as_array().unwrap().len(), 4);
        }
        let p = write(dir.path(), "kurchatov-2.csv", &bulk_rows(klat, klon, 0.5, 30, &format!("{}-04-01 10:00:00", now.year() - 1)));
        import(&app, &p, MeasurementOptions::default()).await.unwrap();
        let (_, fc) = app.get(&format!("{whole}&zoom=6")).await;
        let total: i64 = fc["features"].as_array().unwrap().iter().map(|f| f["properties"]["count"].as_i64().unwrap()).sum();
        assert_eq!(total, 180);
        let (_, r) = app.get(&format!("/api/v1/radiation/risk?place={kurchatov}")).await;
        assert_eq!(r["count"], 150);

        // A point: the hexagon holding it.
        let (_, r) = app.get(&format!("/api/v1/radiation/risk?lat={klat}&lon={klon}")).await;
        assert_eq!(r["band"], "above_limit");
        let (_, r) = app.get("/api/v1/radiation/risk?lat=48.1&lon=76.1").await;
        assert_eq!(r["band"], "not_measured");
        let (status, e) = app.get("/api/v1/radiation/risk?lat=95&lon=76").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (status, e) = app.get("/api/v1/radiation/bins?bbox=1,2,3").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(e.to_string().contains("bbox"), "{e}");

        // A corrected factor changes every derived figure.
        let mut cpm = String::from(BULK_HEADER);
        for i in 0..20 {
            cpm.push_str(&format!("{}-05-01 10:{i:02}:00,{dlat},{dlon},167,cpm,,,,,,,,2\n", now.year() - 1));
        }
        let p = write(dir.path(), "dolon-cpm.csv", &cpm);
        import(&app, &p, MeasurementOptions::default()).await.unwrap();
        let (_, r) = app.get(&format!("/api/v1/radiation/risk?place={dolon}")).await;
        let before = r["median_usv_h"].as_f64().unwrap();
        assert!((before / 0.5 - 1.0).abs() < 0.03, "167 CPM at 334 per µSv/h: {before}");
        let mut tx = app.store().begin().await.unwrap();
        let v = app.store().add_factor(&mut tx, "LND 7317", 167.0, "test correction").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(v, 2);
        semey::radiation::rebuild(app.store(), &app.state.config.radiation, &mut Quiet).await.unwrap();
        let (_, r) = app.get(&format!("/api/v1/radiation/risk?place={dolon}")).await;
        let after = r["median_usv_h"].as_f64().unwrap();
        assert!((after - 1.0).abs() < 0.03, "167 CPM at 167 per µSv/h: {after}");
        let (_, fc) = app.get(&format!("{whole}&zoom=6")).await;
        let total: i64 = fc["features"].as_array().unwrap().iter().map(|f| f["properties"]["count"].as_i64().unwrap()).sum();
        assert_eq!(total, 200, "the rebuild counts every reading once");
        let (_, factors) = app.get("/api/v1/radiation/factors").await;
        assert_eq!(factors[0]["tube"], "LND 7128");
        assert!(factors.as_array().unwrap().iter().any(|f| f["tube"] == "LND 7317" && f["version"] == 2));

        // Exports: CSV and GeoJSON for a box and a time window, streamed whole.
        let from = format!("{}-03-15", now.year() - 1);
        let (status, kind, csv) = get_text(&app, &format!("/api/v1/radiation/measurements?bbox=76,48,82,52&from={from}")).await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
        assert_eq!(csv.lines().count(), 1 + 30 + 20, "header, April at Kurchatov and May at Karaaul");
        let (_, kind, gj) = get_text(&app, "/api/v1/radiation/measurements?bbox=76,48,82,52&format=geojson").await;
        assert_eq!(kind, "application/geo+json");
        let fc: serde_json::Value = serde_json::from_str(&gj).unwrap();
        assert_eq!(fc["features"].as_array().unwrap().len(), 200);
        let (status, _, e) = get_text(&app, "/api/v1/radiation/measurements?from=yesterday").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(e.contains("from"), "{e}");

        // Pages in every language, the message and the parameters shown.
        for lang in ["kk", "ru", "en", "zh"] {
            for path in ["/radiation".to_owned(), format!("/radiation/places/{kurchatov}"), format!("/radiation/places/{dolon}"), "/radiation/datasets".into(), "/radiation/datasets/1".into()] {
                let (status, _, html) = get_text(&app, &format!("{path}?lang={lang}")).await;
                assert_eq!(status, StatusCode::OK, "{path} {lang}");
                assert!(!html.contains("Unknown localization key"), "{path} {lang}: {}", html.split("Unknown localization key").nth(1).unwrap_or("").chars().take(80).collect::<String>());
            }
        }
        let (_, _, html) = get_text(&app, &format!("/radiation/places/{kurchatov}?lang=en")).await;
        assert!(html.contains("Above the limit for permanent living"));
        assert!(html.contains("Natural background subtracted"));
        assert!(html.contains("0.04 µSv/h"));
        assert!(html.contains("compensation zones (history)"));
        assert!(html.contains("Nearest measurements"));
        let (_, _, html) = get_text(&app, &format!("/radiation/places/{dolon}?lang=ru")).await;
        assert!(html.contains("Выше нормы для постоянного проживания"), "Karaaul has May's readings: 1 µSv/h after the correction");
        let (status, _, _) = get_text(&app, "/radiation/places/not-an-id").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

/// Sends a GET to the app and returns the response unread.
async fn send_raw(
    app: &TestApp,
    uri: &str,
    headers: &[(&str, &str)],
) -> axum::http::Response<axum::body::Body> {
    let mut call = app.call(axum::http::Method::GET, uri);
    for (k, v) in headers {
        call = call.header(k, v);
    }
    call.send_unread().await
}

async fn body_bytes(res: axum::http::Response<axum::body::Body>) -> Vec<u8> {
    use http_body_util::BodyExt;
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

on_both_backends! {
    /// The export survives what browsers and clients do: compression (it once stopped after
    /// 256 KB with a panic), readers that go away, and many at once while the rest of the
    /// site answers.
    async fn exports_survive_compression_departures_and_crowds(app: TestApp) {
        use std::io::Read;
        let report = semey::demo::load_radiation(app.store(), &app.state.config.radiation).await.unwrap();
        assert!(report.contains("readings"), "{report}");
        let plain = body_bytes(send_raw(&app, "/api/v1/radiation/measurements", &[]).await).await;
        let rows = plain.iter().filter(|b| **b == b'\n').count();
        assert!(plain.len() > 1_000_000 && rows > 20_000, "{} bytes, {rows} lines", plain.len());

        let res = send_raw(&app, "/api/v1/radiation/measurements", &[("accept-encoding", "gzip")]).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-encoding"], "gzip");
        let packed = body_bytes(res).await;
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(&packed[..]).read_to_end(&mut unpacked).unwrap();
        assert_eq!(unpacked, plain, "the whole export, compressed");

        // Ten exports at once, read slowly by their clients: the site still answers, and each
        // export is whole or told to come back.
        let crowd = futures_util::future::join_all((0..10).map(|_| async {
            let res = app.call(axum::http::Method::GET, "/api/v1/radiation/measurements").send_unread().await;
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            (res.status(), res.headers().contains_key("retry-after"), body_bytes(res).await)
        }));
        let health = async {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            tokio::time::timeout(std::time::Duration::from_secs(3), send_raw(&app, "/healthz", &[]))
                .await
                .expect("/healthz answers while exports run")
        };
        let (answers, health) = tokio::join!(crowd, health);
        assert_eq!(health.status(), StatusCode::OK);
        for (status, retry, body) in answers {
            match status {
                StatusCode::OK => assert_eq!(body, plain),
                StatusCode::SERVICE_UNAVAILABLE => assert!(retry),
                other => panic!("export answered {other}"),
            }
        }

        // With every permit taken, one more export is told to come back later…
        let taken = app.state.heavy.clone().acquire_many_owned(app.state.config.heavy_requests as u32).await.unwrap();
        let res = send_raw(&app, "/api/v1/radiation/measurements", &[]).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers()["retry-after"], "5");
        drop(taken);
        // …and a reader that goes away gives its permit back.
        let res = send_raw(&app, "/api/v1/radiation/measurements", &[]).await;
        drop(res);
        let again = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            body_bytes(send_raw(&app, "/api/v1/radiation/measurements", &[]).await).await
        })
        .await
        .expect("permits come back when readers leave");
        assert_eq!(again, plain);
    }
}

on_both_backends! {
    /// The public's export is bounded and says so; an account's is not. A dataset's export
    /// reads only its own imports' rows.
    async fn exports_are_bounded_for_the_public_and_narrowed_by_dataset(app: TestApp) {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.csv", &bulk_rows(50.4, 80.2, 0.2, 30, "2025-01-01T00:00:00Z"));
        let b = write(dir.path(), "b.csv", &bulk_rows(50.5, 80.3, 0.3, 20, "2025-02-01T00:00:00Z"));
        import(&app, &a, everywhere()).await.unwrap();
        import(&app, &b, everywhere()).await.unwrap();
        let limited = semey::AppState {
            config: std::sync::Arc::new(semey::Config { public_export_rows: 7, ..(*app.state.config).clone() }),
            ..app.state.clone()
        };

        let res = app.call(axum::http::Method::GET, "/api/v1/radiation/measurements").on(limited.clone()).send_unread().await;
        assert_eq!(res.headers()["semey-row-limit"], "7");
        let csv = String::from_utf8(body_bytes(res).await).unwrap();
        assert_eq!(csv.lines().count(), 1 + 7);
        let res = app.call(axum::http::Method::GET, "/api/v1/radiation/measurements").token(&app.admin_token).on(limited).send_unread().await;
        assert!(!res.headers().contains_key("semey-row-limit"));
        let csv = String::from_utf8(body_bytes(res).await).unwrap();
        assert_eq!(csv.lines().count(), 1 + 50);

        let datasets = app.store().datasets().await.unwrap();
        let b_id = datasets.iter().find(|(d, _)| d.name == "b").unwrap().0.id;
        let spans = app.store().measurement_spans(&semey_store::MeasurementFilter { dataset_id: Some(b_id), ..Default::default() }).await.unwrap();
        let (lo, hi) = app.store().measurement_ids().await.unwrap().unwrap();
        assert_eq!(spans.len(), 1);
        assert!(spans[0].0 > lo && spans[0].1 == hi, "{spans:?} within {lo}..{hi}");
        assert_eq!(spans[0].1 - spans[0].0 + 1, 20);
        let (_, _, csv) = get_text(&app, &format!("/api/v1/radiation/measurements?dataset={b_id}")).await;
        assert_eq!(csv.lines().count(), 1 + 20);
    }
}
