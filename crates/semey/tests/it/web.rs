//! The public portal's pages over HTTP (the browser tests come with the web issue's suite).

use crate::support::TestApp;
use axum::http::{Method, StatusCode};

/// GETs a page with extra headers; returns status, `Set-Cookie` and the HTML.
async fn page(
    app: &TestApp,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    let mut call = app.call(Method::GET, uri);
    for (k, v) in headers {
        call = call.header(k, v);
    }
    let answer = call.send().await;
    let cookie = answer.header("set-cookie");
    (answer.status, cookie, answer.text())
}

on_both_backends! {
    /// The home page speaks the chosen language, remembers it, and shows the key figures with an
    /// accessible chart and its table.
    async fn the_home_page_in_four_languages(app: TestApp) {
        let app = app.with_demo().await;
        let (s, cookie, html) = page(&app, "/?lang=kk", &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(r#"<html lang="kk">"#));
        assert!(html.contains("Басты бет") && html.contains("Қаржы тапшылығы"), "Kazakh navigation and figures");
        assert!(cookie.unwrap().starts_with("lang=kk;"));
        assert!(html.contains(r#"role="img""#) && html.contains("<table class=\"chart-data\">"));
        assert!(html.contains("8 бағдарлама"));

        let (_, _, ru) = page(&app, "/", &[("accept-language", "ru-RU,ru;q=0.9,en;q=0.5")]).await;
        assert!(ru.contains(r#"<html lang="ru">"#) && ru.contains("Реабилитация Семипалатинского региона в цифрах"));
        assert!(ru.contains("8 программ"), "Russian plural for 8");
        let (_, _, zh) = page(&app, "/", &[("cookie", "lang=zh"), ("accept-language", "en")]).await;
        assert!(zh.contains(r#"<html lang="zh">"#) && zh.contains("资金缺口"), "the cookie wins over the browser");
        let (s, cookie, en) = page(&app, "/?lang=xx", &[("accept-language", "en-GB")]).await;
        assert_eq!(s, StatusCode::OK, "an unknown language is no error");
        assert!(cookie.is_none());
        assert!(en.contains(r#"<html lang="en">"#) && en.contains("Funding gap"));
    }
}

on_both_backends! {
    /// The programme list filters by area and text; a filter value of the wrong kind is explained
    /// on the page in the reader's language, not answered with an error page.
    async fn the_programme_list_filters_and_explains(app: TestApp) {
        let app = app.with_demo().await;
        let (_, _, html) = page(&app, "/programmes?area=health&lang=ru", &[]).await;
        assert!(html.contains("2 программы"), "two health programmes");
        assert!(html.contains("[Пример] Медицинский скрининг пострадавшего населения"));
        let (_, _, html) = page(&app, "/programmes?q=screening&lang=en", &[]).await;
        assert!(html.contains("1 programme"));
        let (s, _, html) = page(&app, "/programmes?area=magic&lang=kk", &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(r#"role="alert""#) && html.contains("«Тақырыптық бағыт» сүзгісінің мәнін пайдалану мүмкін емес."));
        assert!(html.contains("8 бағдарлама"), "the list stays unfiltered");

        // Every filter of the API; a wrong one is dropped and named, the others still apply.
        let (_, body) = app.get("/api/v1/programmes?target_group=women&status=2").await;
        let expected = body["total"].as_i64().unwrap();
        assert!(expected >= 1);
        let (_, _, html) = page(&app, "/programmes?target_group=women&status=2&year=soon&lang=en", &[]).await;
        assert!(html.contains(&format!("{expected} programme")), "{html}");
        assert!(html.contains("The filter “Year” has a value that cannot be used."));
        assert!(html.contains(r#"<option value="women" selected>"#) && html.contains(r#"<option value="2" selected>"#), "the form keeps the usable values");
        let (_, body) = app.get("/api/v1/organisations?q=National%20Nuclear").await;
        let nnc = body["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, body) = app.get(&format!("/api/v1/programmes?organisation={nnc}")).await;
        let (_, _, html) = page(&app, &format!("/programmes?organisation={nnc}&lang=en"), &[]).await;
        assert!(html.contains(&format!("{} programmes", body["total"])), "{html}");
        assert!(html.contains("Page 1 of 1") && !html.contains(r#"rel="next""#));
    }
}

on_both_backends! {
    /// An unknown address is a 404 page in the reader's language; under /api/ it stays JSON.
    async fn unknown_pages_are_not_found_in_the_readers_language(app: TestApp) {
        let (s, _, html) = page(&app, "/no/such/page", &[("accept-language", "kk")]).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(html.contains("Табылмады"));
        let (s, _, json) = page(&app, "/api/v1/no-such-thing", &[]).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(json.contains(r#""code":"not_found""#));
    }
}

on_both_backends! {
    /// A programme's page shows its status, partners with their roles, places, its projects and
    /// its money by year, with what came from the umbrella programme said apart; an unknown
    /// programme is a 404 page.
    async fn a_programme_page(app: TestApp) {
        let app = app.with_demo().await;
        let (_, list) = app.get("/api/v1/programmes?q=SEMEY-2030").await;
        let umbrella = list["items"][0]["id"].as_str().unwrap().to_owned();
        let (s, _, html) = page(&app, &format!("/programmes/{umbrella}?lang=ru"), &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Реализация"), "status in Russian");
        assert!(html.contains("Акимат области Абай — Финансирует"));
        assert!(html.contains("Абайская область"));
        assert!(html.contains("[Пример] Медицинский скрининг пострадавшего населения"), "its projects are listed");
        assert!(html.contains(r#"role="img""#));

        let (_, list) = app.get("/api/v1/programmes?q=HEALTH-SCREEN").await;
        let screening = list["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, _, html) = page(&app, &format!("/programmes/{screening}?lang=en"), &[]).await;
        assert!(html.contains("Received from other programmes of the platform"), "the internal transfer is shown apart");
        assert!(html.contains(&format!(r#"href="/programmes/{umbrella}""#)), "a link to the umbrella programme");

        for id in ["0190f3c2-0000-7000-8000-000000000000", "not-an-id"] {
            let (s, _, html) = page(&app, &format!("/programmes/{id}?lang=zh"), &[]).await;
            assert_eq!(s, StatusCode::NOT_FOUND);
            assert!(html.contains("未找到"));
        }
    }
}

on_both_backends! {
    /// The stakeholder directory groups organisations by their role in the mechanism; an
    /// organisation's page lists what it funds and implements and the money it committed.
    async fn stakeholder_directory_and_pages(app: TestApp) {
        let app = app.with_demo().await;
        let (s, _, html) = page(&app, "/stakeholders?lang=kk", &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Жергілікті атқарушы органдар (әкімдіктер)") && html.contains("Абай облысының әкімдігі"));
        assert!(html.contains("Көпжақты ұйым"), "types are named in Kazakh");
        let (_, orgs) = app.get("/api/v1/organisations?q=akimat%20of%20abai").await;
        let akimat = orgs["items"][0]["id"].as_str().unwrap().to_owned();
        let (s, _, html) = page(&app, &format!("/stakeholders/{akimat}?lang=en"), &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Programmes it funds") && html.contains("[Illustrative] Semey Region Rehabilitation Programme"));
        assert!(html.contains("Money it committed"));
        assert!(!html.contains("USD\u{a0}0<"), "the akimat committed money in the demo");
        let (_, orgs) = app.get("/api/v1/organisations?q=nnc").await;
        let nnc = orgs["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, _, html) = page(&app, &format!("/stakeholders/{nnc}?lang=en"), &[]).await;
        assert!(html.contains("Programmes it implements") && html.contains("Radiation monitoring of settlements"));
        assert!(!html.contains("Programmes it funds"), "a section with nothing in it is left out");
        let (s, _, _) = page(&app, "/stakeholders/0190f3c2-0000-7000-8000-000000000000", &[]).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}

on_both_backends! {
    /// Places: the country lists its regions; a region its districts, the programmes working
    /// anywhere inside it and their money; a district links back to its region.
    async fn place_pages(app: TestApp) {
        let app = app.with_demo().await;
        let (s, _, html) = page(&app, "/places?lang=ru", &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Республика Казахстан") && html.contains("Абайская область"));
        let (_, abai) = app.get("/api/v1/places?kato=100000000").await;
        let abai = abai["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, _, html) = page(&app, &format!("/places/{abai}?lang=kk"), &[]).await;
        assert!(html.contains("Облыс") && html.contains("100000000"));
        assert!(html.contains("Курчатов") && html.contains("Мұнда жұмыс істейтін бағдарламалар"));
        assert!(html.contains("[Мысал] Елді мекендердегі радиациялық мониторинг"), "a programme in its districts");
        let (_, zharma) = app.get("/api/v1/places?kato=104200000&level=district").await;
        let zharma = zharma["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, _, html) = page(&app, &format!("/places/{zharma}?lang=en"), &[]).await;
        assert!(html.contains(&format!(r#"href="/places/{abai}""#)) && html.contains("Abai Region"));
        let (s, _, _) = page(&app, "/places/not-a-place", &[]).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}

on_both_backends! {
    /// The funding page shows each view with domestic and external money side by side, and every
    /// figure links to the transactions behind it; a bad filter there is explained, not an error.
    async fn funding_page_links_figures_to_transactions(app: TestApp) {
        let app = app.with_demo().await;
        let (s, _, html) = page(&app, "/funding?lang=en", &[]).await;
        assert_eq!(s, StatusCode::OK);
        for heading in ["By thematic area", "By year", "By the organisation that gave the money", "By region", "Domestic and external money"] {
            assert!(html.contains(heading), "{heading}");
        }
        assert!(html.contains("Domestic (Kazakhstan&#39;s budget)") || html.contains("Domestic (Kazakhstan's budget)"));
        let link = "/transactions?area=health&#38;measure=committed&#38;lang=en";
        assert!(html.contains(link), "the committed figure of health links to its transactions");

        let (s, _, html) = page(&app, "/transactions?area=health&measure=committed&lang=en", &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("5 transactions"), "health's five external and domestic commitments");
        assert!(html.contains("Incoming commitment") && html.contains("JPY\u{a0}150,000,000"));
        let (s, _, html) = page(&app, "/transactions?year=last&lang=ru", &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(r#"role="alert""#) && html.contains("«year»"));
    }
}

on_both_backends! {
    /// Without outlines the map page says how to get the map; the demo brings simplified
    /// outlines, so it draws (without JavaScript) the districts of the regions with programmes,
    /// each a link, shaded by the money committed there, and the interactive map's GeoJSON has
    /// the same districts with their money and number of programmes, and the settlements. The
    /// full geokz files then replace the demo's outlines in place.
    async fn the_map_draws_districts_from_the_platforms_outlines(app: TestApp) {
        let (_, _, html) = page(&app, "/map?lang=en", &[]).await;
        assert!(html.contains("The map appears once district outlines are imported"));
        let app = app.with_demo().await;
        let (_, _, html) = page(&app, "/map?lang=ru", &[]).await;
        assert_eq!(html.matches("<path").count(), 23, "the demo's outlines");
        app.import_geo("kaz_adm1_2024.geojson").await;
        app.import_geo("kaz_adm2_2024.geojson").await;
        let (_, _, html) = page(&app, "/map?lang=ru", &[]).await;
        assert!(html.contains(r#"data-features="/map/features.geojson?lang=ru""#));
        assert_eq!(html.matches("<path").count(), 23, "the 12 districts of Abai and the 11 of East Kazakhstan");
        assert!(html.contains("Курчатов: "), "districts are named in the reader's language");
        assert!(html.contains("<circle") && html.contains("<title>Семей</title>"), "settlements are markers");
        assert!(html.contains(r##"fill="#f2f2f2""##) && html.contains(r##"fill="#08519c""##), "districts without and with the most money");

        let (status, _, json) = page(&app, "/map/features.geojson?lang=en", &[]).await;
        assert_eq!(status, StatusCode::OK);
        let fc: serde_json::Value = serde_json::from_str(&json).unwrap();
        let features = fc["features"].as_array().unwrap();
        let districts: Vec<_> = features.iter().filter(|f| f["geometry"]["type"] != "Point").collect();
        assert_eq!(districts.len(), 23);
        let kurchatov = districts.iter().find(|f| f["properties"]["name"] == "Kurchatov").expect("Kurchatov");
        assert!(kurchatov["properties"]["href"].as_str().unwrap().starts_with("/places/"));
        assert!(kurchatov["properties"]["programmes"].as_i64().unwrap() >= 1, "{kurchatov}");
        assert!(kurchatov["properties"]["funding_text"].as_str().unwrap().starts_with("Committed: USD"));
        assert!(
            features.iter().any(|f| f["properties"]["name"] == "Kurchatov" && f["geometry"]["type"] == "Point"),
            "the town of Kurchatov as a point, beside its district"
        );
        assert_eq!(fc["semey"]["measures"][1]["label"], "Number of programmes");

        // The home page embeds the interactive map, linking to the full map without JavaScript.
        let (_, _, html) = page(&app, "/?lang=en", &[]).await;
        assert!(html.contains(r#"data-features="/map/features.geojson?lang=en""#) && html.contains(r#"<a href="/map">"#));
    }
}

on_both_backends! {
    /// A programme's places and a place's districts come as their own map layers; an unknown
    /// programme has none.
    async fn programme_and_place_maps(app: TestApp) {
        let app = app.with_demo().await;
        app.import_geo("kaz_adm1_2024.geojson").await;
        app.import_geo("kaz_adm2_2024.geojson").await;
        let (_, body) = app.get("/api/v1/programmes?q=Dose-rate").await;
        let programme = body["items"][0].clone();
        assert_eq!(programme["places"].as_array().unwrap().len(), 3, "the demo's survey programme works in three districts");
        let id = programme["id"].as_str().unwrap();
        let (_, _, html) = page(&app, &format!("/programmes/{id}?lang=kk"), &[]).await;
        assert!(html.contains(&format!("/map/features.geojson?programme={id}&amp;lang=kk")), "{html}");
        let (_, _, json) = page(&app, &format!("/map/features.geojson?programme={id}&lang=kk"), &[]).await;
        let fc: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            fc["features"].as_array().unwrap().len(),
            programme["places"].as_array().unwrap().len(),
            "one feature per place of the programme"
        );
        let (status, _, _) = page(&app, "/map/features.geojson?programme=0190a0b0-0000-7000-8000-000000000000", &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (_, body) = app.get("/api/v1/places?level=region&kato=100000000").await;
        let abai = body["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, _, json) = page(&app, &format!("/map/features.geojson?place={abai}&lang=en"), &[]).await;
        let fc: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(fc["features"].as_array().unwrap().len(), 12, "Abai's twelve districts");
        assert_eq!(fc["semey"]["measures"].as_array().unwrap().len(), 2, "shaded by money and by programmes");
    }
}

on_both_backends! {
    /// Pages name their stylesheet and scripts by content hash; those files are served with
    /// immutable caching, and pages are compressed for clients that accept it.
    async fn assets_are_hashed_cached_and_pages_compressed(app: TestApp) {
        let app = app.with_demo().await;
        let (_, _, html) = page(&app, "/map", &[]).await;
        let css = html.split('"').find(|s| s.starts_with("/assets/semey.") && s.ends_with(".css")).expect("hashed stylesheet");
        let js = html.split('"').find(|s| s.starts_with("/assets/leaflet.") && s.ends_with(".js")).expect("hashed Leaflet");
        for (asset, kind) in [(css, "text/css"), (js, "text/javascript")] {
            let resp = app.call(Method::GET, asset).send().await;
            assert_eq!(resp.status, StatusCode::OK);
            assert!(resp.header("content-type").unwrap().starts_with(kind));
            assert_eq!(resp.header("cache-control").unwrap(), "public, max-age=31536000, immutable");
        }
        let (status, _, _) = page(&app, "/assets/semey.0000000000000000.css", &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "an outdated name is not served as the new file");
        for encoding in ["br", "gzip"] {
            let resp = app.call(Method::GET, "/programmes").header("accept-encoding", encoding).send().await;
            assert_eq!(resp.header("content-encoding").unwrap(), encoding);
        }
    }
}

on_both_backends! {
    /// Public pages are cached, but a write through the platform shows on the next request.
    async fn cached_pages_follow_writes_at_once(app: TestApp) {
        let app = app.with_demo().await;
        let (_, _, html) = page(&app, "/programmes?lang=en", &[]).await;
        assert!(html.contains("8 programmes"));
        let (_, _, cached) = page(&app, "/programmes?lang=en", &[]).await;
        assert_eq!(cached, html, "the same page again");
        app.programme("XM-TEST-CACHE-1", serde_json::json!({})).await;
        let (_, _, html) = page(&app, "/programmes?lang=en", &[]).await;
        assert!(html.contains("9 programmes"), "the new programme is listed at once");
    }
}

on_both_backends! {
    /// The page cache cannot be made to grow or be skipped by parameters no page reads, or by
    /// a cookie that signs nobody in: they are dropped before the page is rendered, so the
    /// page is the same as without them (its links too) and is kept once.
    async fn unknown_parameters_and_cookies_neither_grow_nor_skip_the_page_cache(app: TestApp) {
        let app = app.with_demo().await;
        let (_, _, plain) = page(&app, "/programmes?area=health&lang=en", &[]).await;
        assert!(!plain.contains("utm_source"));
        let (held, _) = app.state.pages.size();
        for i in 0..50 {
            let (s, _, html) = page(&app, &format!("/programmes?lang=en&utm_source=x{i}&area=health&v={i}"), &[]).await;
            assert_eq!(s, StatusCode::OK);
            assert_eq!(html, plain, "the same page, without the unknown parameters in its links");
            let (_, _, html) = page(&app, "/programmes?area=health&lang=en", &[("cookie", &format!("semey_session=made-up-{i}"))]).await;
            assert_eq!(html, plain, "a session that is nobody's gets the public's page");
        }
        assert_eq!(app.state.pages.size().0, held, "no new entry");
        // Known parameters still choose the page.
        let (_, _, education) = page(&app, "/programmes?area=education&lang=en&junk=1", &[]).await;
        assert_ne!(education, plain);
        assert_eq!(app.state.pages.size().0, held + 1);
    }
}

on_both_backends! {
    /// Every page type in every language: no message is missing (Fluent would print its key).
    async fn no_page_shows_a_missing_message(app: TestApp) {
        let app = app.with_demo().await;
        app.import_geo("kaz_adm1_2024.geojson").await;
        app.import_geo("kaz_adm2_2024.geojson").await;
        let (_, p) = app.get("/api/v1/programmes?q=Dose-rate").await;
        let pid = p["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, o) = app.get("/api/v1/organisations?limit=1").await;
        let oid = o["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, d) = app.get("/api/v1/places?level=district&kato=101800000").await;
        let did = d["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, t) = app.get(&format!("/api/v1/transactions?programme_id={pid}&limit=1")).await;
        let tid = t["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, r) = app.get(&format!("/api/v1/requirements?programme_id={pid}&limit=1")).await;
        let rid = r["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, c) = app.get(&format!("/api/v1/contributions?programme_id={pid}&limit=1")).await;
        let cid = c["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, st) = app.get("/api/v1/places?level=settlement&q=Kurchatov").await;
        let sid = st["items"][0]["id"].as_str().unwrap().to_owned();
        semey::demo::load_radiation(app.store(), &app.state.config.radiation).await.unwrap();
        let (_, ds) = app.get("/api/v1/radiation/datasets").await;
        let dsid = ds[0]["id"].to_string();
        let editor = app.user("e@pages.test", semey_domain::access::Role::Editor, Some(&oid)).await;
        let (_, proposal) = app.request_as(Some(&editor.token), Method::PUT, &format!("/api/v1/organisations/{oid}"),
            Some(serde_json::json!({"name": {"en": "Proposed name"}, "org_type": 10, "country": "KZ"}).to_string())).await;
        let prid = proposal["id"].as_str().unwrap().to_owned();
        let (status, service) = app.post("/api/v1/services", serde_json::json!({
            "organisation_id": oid, "name": {"en": "Dosimetry office"}, "category": "radiation_measurement",
            "eligibility": {"en": "Anyone"}, "minimum_age": 18, "languages": ["kk", "ru", "de"],
            "locations": [{"place_id": sid, "address": "Lenin street 5", "hours": [{"day": "tue", "opens": "09:00", "closes": "17:00"}]}],
            "visits": [{"date": "2027-05-04", "place_id": sid, "opens": "10:00", "closes": "14:00"}],
            "phones": ["+7 722 000 00 00"], "programme_ids": [pid], "last_verified": "2024-01-01"})).await;
        assert_eq!(status, StatusCode::CREATED, "{service}");
        let svid = service["id"].as_str().unwrap().to_owned();
        // A result with figures, for the results page's charts and words.
        let (status, result) = app.post("/api/v1/results", serde_json::json!({"programme_id": pid, "result_type": "output",
            "title": {"en": "Readings taken"}, "indicators": [{"title": {"en": "Readings"}, "measure": "unit", "unit": "readings",
            "baseline": {"year": 2023, "value": "0"}}]})).await;
        assert_eq!(status, StatusCode::CREATED, "{result}");
        let ind = result["indicators"][0]["id"].as_str().unwrap();
        let (status, b) = app.put(&format!("/api/v1/indicators/{ind}/periods"), serde_json::json!({"indicator_id": ind,
            "start": "2024-01-01", "end": "2024-12-31", "target": {"value": "100"},
            "actual": {"value": "90", "comment": "logbook", "splits": [{"dimension": "sex", "key": "female", "value": "50"}, {"dimension": "sex", "key": "male", "value": "40"}]}})).await;
        assert!(status.is_success(), "{b}");
        let texts = [("A-RES-75-210.en.txt", crate::support::seed("A-RES-75-210.en.txt")),
            ("A-RES-75-210.zh.txt", crate::support::seed("A-RES-75-210.zh.txt"))];
        let sources: Vec<_> = texts.iter().map(|(n, b)| crate::support::import_file(n, b)).collect();
        semey::mandates::import::import_resolution(app.store(), &sources, &mut semey::import::Quiet).await.unwrap();
        let (_, res) = app.get("/api/v1/resolutions").await;
        let resid = res["items"][0]["id"].as_str().unwrap().to_owned();
        let mid = res["items"][0]["mandates"][6]["id"].as_str().unwrap().to_owned();
        semey::demo::load_coordination(app.store()).await.expect("the demo's mechanism");
        let first = |v: &serde_json::Value| v["items"][0]["id"].as_str().unwrap().to_owned();
        let body = first(&app.get("/api/v1/bodies").await.1);
        let meeting = first(&app.get("/api/v1/meetings").await.1);
        let decision = first(&app.get("/api/v1/decisions").await.1);
        let action = first(&app.get("/api/v1/action-items").await.1);
        // A report with a published version (every section written in English and Kazakh).
        let narratives: serde_json::Map<String, serde_json::Value> = semey_domain::report::Section::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), serde_json::json!({"en": "Text", "kk": "Мәтін"})))
            .collect();
        let (status, rep) = app.post("/api/v1/reports", serde_json::json!({"title": {"en": "Report"},
            "period_start": "2021-01-01", "period_end": "2026-12-31", "resolution_id": resid,
            "languages": ["en", "kk"], "narratives": narratives})).await;
        assert_eq!(status, StatusCode::CREATED, "{rep}");
        let report = rep["id"].as_str().unwrap().to_owned();
        let (status, v) = app.post(&format!("/api/v1/reports/{report}/publish"), serde_json::json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        // A document of the library, about the programme and the settlement.
        let boundary = "web-boundary";
        let meta = serde_json::json!({"title": {"en": "Leaflet", "kk": "Жадынама"}, "doc_type": "leaflet",
            "organisation_id": oid, "languages": ["kk"], "programme_ids": [pid], "place_ids": [sid]});
        let upload = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{meta}\r\n\
            --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"leaflet.txt\"\r\nContent-Type: text/plain\r\n\r\n\
            Радиациялық қауіпсіздік туралы жадынама\r\n--{boundary}--\r\n");
        let doc = app.call(Method::POST, "/api/v1/documents").token(&app.admin_token)
            .body(&format!("multipart/form-data; boundary={boundary}"), upload.into_bytes()).send().await;
        assert_eq!(doc.status, StatusCode::CREATED, "{}", doc.text());
        let docid = doc.json()["id"].as_str().unwrap().to_owned();
        // Every page of the router (`semey::page_paths`); one whose `{id}` has no record here
        // fails the test, so no page is forgotten.
        let records: std::collections::HashMap<&str, Vec<String>> = [
            ("/programmes/{id}", vec![format!("/programmes/{pid}")]),
            ("/stakeholders/{id}", vec![format!("/stakeholders/{oid}")]),
            ("/places/{id}", vec![format!("/places/{did}"), format!("/places/{sid}")]),
            ("/radiation/places/{id}", vec![format!("/radiation/places/{sid}")]),
            ("/services/{id}", vec![format!("/services/{svid}")]),
            ("/resolutions/{id}", vec![format!("/resolutions/{resid}")]),
            ("/mandates/{id}", vec![format!("/mandates/{mid}")]),
            ("/coordination/bodies/{id}", vec![format!("/coordination/bodies/{body}")]),
            ("/meetings/{id}", vec![format!("/meetings/{meeting}")]),
            ("/documents/{id}", vec![format!("/documents/{docid}")]),
            ("/reports/{id}", vec![format!("/reports/{report}")]),
            ("/reports/{id}/versions/{number}", vec![format!("/reports/{report}/versions/1")]),
            ("/workspace/reports/{id}", vec![format!("/workspace/reports/{report}")]),
            ("/workspace/bodies/{id}", vec![format!("/workspace/bodies/{body}")]),
            ("/workspace/meetings/{id}", vec![format!("/workspace/meetings/{meeting}")]),
            ("/workspace/decisions/{id}", vec![format!("/workspace/decisions/{decision}")]),
            ("/workspace/action-items/{id}", vec![format!("/workspace/action-items/{action}")]),
            ("/programmes/{id}/results", vec![format!("/programmes/{pid}/results")]),
            ("/workspace/services/{id}", vec![format!("/workspace/services/{svid}")]),
            ("/workspace/results/{id}", vec![format!("/workspace/results/{}", result["id"].as_str().unwrap())]),
            ("/workspace/indicators/{id}/values", vec![format!("/workspace/indicators/{ind}/values")]),
            ("/radiation/datasets/{id}", vec![format!("/radiation/datasets/{dsid}")]),
            ("/workspace/organisations/{id}", vec![format!("/workspace/organisations/{oid}")]),
            ("/workspace/programmes/{id}", vec![format!("/workspace/programmes/{pid}")]),
            ("/workspace/requirements/{id}", vec![format!("/workspace/requirements/{rid}")]),
            ("/workspace/transactions/{id}", vec![format!("/workspace/transactions/{tid}")]),
            ("/workspace/contributions/{id}", vec![format!("/workspace/contributions/{cid}")]),
            ("/workspace/proposals/{id}", vec![format!("/workspace/proposals/{prid}")]),
            ("/workspace/proposals/{id}/edit", vec![format!("/workspace/proposals/{prid}/edit")]),
        ]
        .into_iter()
        .collect();
        let mut pages: Vec<String> = semey::page_paths()
            .into_iter()
            .flat_map(|p| {
                if p.contains('{') {
                    records.get(p).unwrap_or_else(|| panic!("no record to visit {p} with: add it to this test")).clone()
                } else {
                    vec![p.to_owned()]
                }
            })
            .collect();
        pages.push("/nothing/here".into());
        pages.push(format!("/services?place={sid}&need=radiation_measurement"));
        for lang in ["kk", "ru", "en", "zh"] {
            for path in &pages {
                let sep = if path.contains('?') { '&' } else { '?' };
                let bearer = format!("Bearer {}", app.admin_token);
                let (status, _, html) = page(&app, &format!("{path}{sep}lang={lang}"), &[("authorization", bearer.as_str())]).await;
                assert!(status == StatusCode::OK || path == "/nothing/here", "{path} {lang}: {status}");
                assert!(!html.contains("Unknown localization key"), "{path} in {lang} lacks a message: {}",
                    html.split("Unknown localization key").nth(1).unwrap_or("").chars().take(80).collect::<String>());
            }
        }
    }
}

on_both_backends! {
    /// A request that takes longer than the configured limit is answered 503 with
    /// `Retry-After`, not left hanging; the same request within the limit is answered.
    async fn slow_requests_are_cut_off_at_the_configured_limit(app: TestApp) {
        let app = app.with_demo().await;
        let hurried = semey::AppState {
            config: std::sync::Arc::new(semey::Config { request_timeout_ms: 200, ..(*app.state.config).clone() }),
            ..app.state.clone()
        };
        let uri = "/api/v1/data/organisations.csv";
        // Every export permit held elsewhere: the download waits for one, longer than allowed.
        let held = (app.state.heavy_permit().await.unwrap(), app.state.heavy_permit().await.unwrap());
        let cut = app.call(Method::GET, uri).on(hurried.clone()).send().await;
        assert_eq!(cut.status, StatusCode::SERVICE_UNAVAILABLE, "{}", cut.text());
        assert!(cut.header("retry-after").is_some());
        // Cut by the time limit, not by the permit's own (longer) wait.
        assert!(cut.text().contains("took longer"), "{}", cut.text());
        drop(held);
        let ok = app.call(Method::GET, uri).on(hurried).send().await;
        assert_eq!(ok.status, StatusCode::OK, "within the limit it is answered");
    }
}
