//! The services directory on both backends: entries on the record path, every bad field named
//! and nothing stored, the finder's order and "open now", and the HSDS 3.0 shape.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use semey_domain::access::Role;
use serde_json::{json, Value};

/// The demo's settlements by English name, with their ids.
async fn settlement(app: &TestApp, name: &str) -> String {
    let (s, b) = app
        .get(&format!("/api/v1/places?level=settlement&q={name}&limit=5"))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"]["en"] == name)
        .unwrap_or_else(|| panic!("{name} in the demo: {b}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn service(org: &str, name: &str, category: &str, place: &str) -> Value {
    json!({
        "organisation_id": org,
        "name": {"en": name, "ru": format!("{name} (ru)")},
        "category": category,
        "eligibility": {"en": "Residents of the districts around the former test site"},
        "languages": ["kk", "ru"],
        "locations": [{"place_id": place, "address": "Main street 1",
                        "hours": [{"day": "mon", "opens": "00:00", "closes": "24:00"}]}],
        "phones": ["+7 (7222) 52-34-11"],
        "emails": ["help@example.kz"],
        "urls": ["https://example.kz"],
        "last_verified": "2026-10-01"
    })
}

on_both_backends! {
    /// A coordinator's entry is published at once; the finder lists the nearest first, each
    /// with its distance and whether it is open now in Kazakhstan's time.
    async fn the_finder_lists_the_nearest_services_first(app: TestApp) {
        let app = app.with_demo().await;
        let org = app.organisation("Clinic", 22, "KZ").await;
        let semey = settlement(&app, "Semey").await;
        let kurchatov = settlement(&app, "Kurchatov").await;
        let ayagoz = settlement(&app, "Ayagoz").await;
        for (name, place) in [("Semey clinic", &semey), ("Kurchatov clinic", &kurchatov), ("Ayagoz clinic", &ayagoz)] {
            let (s, b) = app.post("/api/v1/services", service(&org, name, "disability", place)).await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let (s, b) = app.post("/api/v1/services", service(&org, "Lessons in Semey", "education", &semey)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let before = app.services_total().await;

        let (s, found) = app.get(&format!("/api/v1/services/nearest?place_id={kurchatov}&category=disability&limit=3")).await;
        assert_eq!(s, StatusCode::OK, "{found}");
        let names: Vec<&str> = found.as_array().unwrap().iter().map(|f| f["service"]["name"]["en"].as_str().unwrap()).collect();
        // Kurchatov → Semey is about 120 km, Kurchatov → Ayagoz about 330 km.
        assert_eq!(names, ["Kurchatov clinic", "Semey clinic", "Ayagoz clinic"]);
        let d: Vec<f64> = found.as_array().unwrap().iter().map(|f| f["distance_km"].as_f64().unwrap()).collect();
        assert!(d[0] < 1.0 && (100.0..140.0).contains(&d[1]) && d[2] > 250.0, "{d:?}");
        // Open around the clock on Mondays only.
        let open = found[0]["open_now"].as_str().unwrap();
        let monday = time::OffsetDateTime::now_utc().to_offset(semey_domain::service::KAZAKHSTAN_OFFSET).weekday() == time::Weekday::Monday;
        assert_eq!(open, if monday { "open" } else { "closed" });
        // The need filters: education is not disability support.
        let (_, lessons) = app.get(&format!("/api/v1/services/nearest?place_id={kurchatov}&category=education")).await;
        assert_eq!(lessons.as_array().unwrap().len(), 1);
        // A point works like a place.
        let (s, by_point) = app.get("/api/v1/services/nearest?lon=80.25&lat=50.42&category=disability&limit=1").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(by_point[0]["service"]["name"]["en"], "Semey clinic");
        // Neither a place nor a point: a clear error.
        let (s, e) = app.get("/api/v1/services/nearest?category=disability").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        assert_eq!(app.services_total().await, before);

        // Lists filter by place (the place or inside it) and by text in any language.
        let (_, in_semey) = app.get(&format!("/api/v1/services?place_id={semey}&organisation_id={org}")).await;
        assert_eq!(in_semey["total"], 2);
        let (_, by_text) = app.get("/api/v1/services?q=kurchatov%20clinic%20(ru)").await;
        assert_eq!(by_text["total"], 1);
    }
}

on_both_backends! {
    /// Every bad field is named at once, and nothing is stored.
    async fn bad_entries_name_their_fields_and_store_nothing(app: TestApp) {
        let app = app.with_demo().await;
        let org = app.organisation("Clinic", 22, "KZ").await;
        let semey = settlement(&app, "Semey").await;
        let before = app.content().await;
        let mut bad = service(&org, "Bad", "screening", &semey);
        bad["phones"] = json!(["call the office"]);
        bad["emails"] = json!(["nobody@"]);
        bad["urls"] = json!(["javascript:alert(1)"]);
        bad["locations"] = json!([
            {"place_id": semey, "hours": [{"day": "mon", "opens": "18:00", "closes": "09:00"}]},
            {"point": {"lon": 2.35, "lat": 48.85}}
        ]);
        let (s, e) = app.post("/api/v1/services", bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let fields: Vec<(String, String)> = e["errors"].as_array().unwrap().iter()
            .map(|x| (x["field"].as_str().unwrap().to_owned(), x["code"].as_str().unwrap().to_owned())).collect();
        for want in [
            ("phones[0]", "invalid_phone"),
            ("emails[0]", "invalid_email"),
            ("urls[0]", "invalid_url"),
            ("locations[0].hours[0].closes", "closes_before_opens"),
            ("locations[1].point", "outside_kazakhstan"),
        ] {
            assert!(fields.iter().any(|(f, c)| f == want.0 && c == want.1), "{want:?} in {fields:?}");
        }
        // A place or programme that does not exist.
        let mut unknown = service(&org, "Unknown", "screening", &uuid::Uuid::new_v4().to_string());
        unknown["programme_ids"] = json!([uuid::Uuid::new_v4().to_string()]);
        let (s, e) = app.post("/api/v1/services", unknown).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e.to_string().contains("programme_ids[0]"), "{e}");
        assert_eq!(app.content().await, before, "nothing stored");
    }
}

on_both_backends! {
    /// An editor's entry waits for a coordinator; only published entries are public, and the
    /// HSDS 3.0 shape carries the entry in the asked language with its schedules.
    async fn editors_propose_and_hsds_shows_the_published_entry(app: TestApp) {
        let app = app.with_demo().await;
        let org = app.organisation("Clinic", 22, "KZ").await;
        let semey = settlement(&app, "Semey").await;
        let editor = app.user("e@clinic.test", Role::Editor, Some(&org)).await;
        let (s, p) = app.request_as(Some(&editor.token), Method::POST, "/api/v1/services",
            Some(service(&org, "Proposed", "disability", &semey).to_string())).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{p}");
        let (_, of_org) = app.get(&format!("/api/v1/services?organisation_id={org}")).await;
        assert_eq!(of_org["total"], 0, "not public before approval");
        // Another organisation's editor cannot enter services for this one.
        let other = app.organisation("Other", 22, "KZ").await;
        let stranger = app.user("s@other.test", Role::Editor, Some(&other)).await;
        let (s, _) = app.request_as(Some(&stranger.token), Method::POST, "/api/v1/services",
            Some(service(&org, "Not mine", "disability", &semey).to_string())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        let (s, b) = app.post("/api/v1/services", service(&org, "Published", "disability", &semey)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let id = b["id"].as_str().unwrap();
        let (s, h) = app.get(&format!("/api/v1/hsds/services/{id}?lang=ru")).await;
        assert_eq!(s, StatusCode::OK, "{h}");
        assert_eq!(h["name"], "Published (ru)");
        assert_eq!(h["status"], "active");
        assert_eq!(h["assured_date"], "2026-10-01");
        assert_eq!(h["phones"][0]["number"], "+7 (7222) 52-34-11");
        let sal = &h["service_at_locations"][0];
        assert_eq!(sal["schedules"][0]["byday"], "MO");
        assert_eq!(sal["schedules"][0]["freq"], "WEEKLY");
        assert_eq!(sal["location"]["name"], "Семей");
        // The same ids on every read.
        let (_, again) = app.get(&format!("/api/v1/hsds/services/{id}?lang=ru")).await;
        assert_eq!(again, h);
        let (s, page) = app.get("/api/v1/hsds/services?per_page=10&taxonomy_term_id=disability").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(page["total_items"], 1);
        assert_eq!(page["first_page"], true);
        assert_eq!(page["contents"][0]["id"], id);
    }
}

impl TestApp {
    async fn services_total(&self) -> i64 {
        self.count("services").await
    }
}

fn import_json(json: &Value) -> Vec<u8> {
    serde_json::to_vec(json).unwrap()
}

on_both_backends! {
    /// `semey import services`: organisations, places and programmes by name; every problem
    /// named by entry and field with nothing stored; importing the same file again changes
    /// nothing. (The demo's own services came in through the same import.)
    async fn importing_services_is_all_or_nothing_and_idempotent(app: TestApp) {
        let app = app.with_demo().await;
        let demo = app.services_total().await;
        assert!(demo >= 5, "the demo's services: {demo}");
        let import = |bytes: Vec<u8>| {
            let store = app.store().clone();
            async move {
                semey::services::import::import_services(&store, &crate::support::import_file("services.json", &bytes), &mut semey::import::Quiet).await
            }
        };
        let good = json!([
            {"organisation": "Semey Medical University", "name": {"en": "Hearing tests", "kk": "Есту қабілетін тексеру"},
             "category": "screening", "locations": [{"place": "Семей", "hours": [{"day": "fri", "opens": "09:00", "closes": "12:00"}]}],
             "visits": [{"date": "2027-06-01", "place": "Karaaul", "opens": "10:00", "closes": "12:00"}],
             "programmes": ["XX-SEMEY-DEMO-HEALTH-SCREEN"], "last_verified": "2026-11-20"}
        ]);
        let before = app.content().await;
        let mut bad = good.clone();
        bad.as_array_mut().unwrap().push(json!({"organisation": "Nobody at all", "name": {"en": "X"}, "category": "screening",
            "locations": [{"place": "Atlantis"}], "phones": ["call me"], "last_verified": "2026-11-20"}));
        bad.as_array_mut().unwrap().push(good[0].clone());
        let err = import(import_json(&bad)).await.unwrap_err().to_string();
        for want in ["entry 2: organisation", "entry 2: locations[0].place", "entry 3: name"] {
            assert!(err.contains(want), "{want} in {err}");
        }
        assert_eq!(app.content().await, before, "nothing stored");
        let first = import(import_json(&good)).await.unwrap();
        assert_eq!((first.inserted, first.updated), (1, 0));
        let again = import(import_json(&good)).await.unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 1));
        assert_eq!(app.services_total().await, demo + 1);
        let (_, found) = app.get("/api/v1/services?q=hearing").await;
        let sv = &found["items"][0];
        assert_eq!(sv["programme_ids"].as_array().unwrap().len(), 1);
        assert!(sv["locations"][0]["place_id"].is_string() && sv["visits"][0]["place_id"].is_string());
        // An entry whose phone is wrong names it, with the entry's number.
        let mut wrong = good.clone();
        wrong[0]["phones"] = json!(["not a phone"]);
        let err = import(import_json(&wrong)).await.unwrap_err().to_string();
        assert!(err.contains("entry 1: phones[0]"), "{err}");
    }
}

on_both_backends! {
    /// A resident's finder page: the nearest services with a call link and today's state, in
    /// their language; the service's own page; and "whom to contact" on the radiation page of
    /// their settlement lists the nearest measurement service instead of a fixed text.
    async fn residents_find_help_on_the_pages(app: TestApp) {
        let app = app.with_demo().await;
        let org = app.organisation("Clinic", 22, "KZ").await;
        let kurchatov = settlement(&app, "Kurchatov").await;
        let mut s = service(&org, "Dosimetry office", "radiation_measurement", &kurchatov);
        s["name"]["kk"] = json!("Дозиметрия бөлімі");
        let (status, b) = app.post("/api/v1/services", s).await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
        let id = b["id"].as_str().unwrap();
        let html = app.call(Method::GET, &format!("/services?place={kurchatov}&need=radiation_measurement&lang=kk")).send().await.text();
        assert!(html.contains("Дозиметрия бөлімі"), "{html}");
        assert!(html.contains(r#"href="tel:+77222523411""#), "tap to call");
        assert!(html.contains("Радиацияны өлшеу"), "the need in Kazakh");
        assert!(html.contains("Қазір ашық") || html.contains("Қазір жабық"), "open now, in Kazakh");
        let html = app.call(Method::GET, &format!("/services/{id}?lang=zh")).send().await.text();
        assert!(html.contains("辐射测量") && html.contains("星期一"), "{html}");
        let html = app.call(Method::GET, &format!("/radiation/places/{kurchatov}?lang=en")).send().await.text();
        let whom = html.split("Whom to contact").nth(1).unwrap_or_default();
        assert!(whom.contains(&format!("/services/{id}")), "the directory's service is the contact: {whom}");
        // Without a place: the directory by need, and no error.
        let html = app.call(Method::GET, "/services?lang=ru").send().await.text();
        assert!(html.contains("Dosimetry office (ru)") && html.contains("Измерение радиации"));
        let answer = app.call(Method::GET, "/services?place=nowhere&lang=en").send().await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.text().contains("choose a settlement from the list"));
    }
}

on_both_backends! {
    /// The workspace form: a service with two locations, each with its own hours, and a visit,
    /// saved through the record path; a bad row comes back with its field named in the
    /// reader's language and nothing is stored.
    async fn the_service_form_saves_locations_with_their_hours(app: TestApp) {
        let app = app.with_demo().await;
        let org = app.organisation("Clinic", 22, "KZ").await;
        let semey = settlement(&app, "Semey").await;
        let kurchatov = settlement(&app, "Kurchatov").await;
        let coordinator = app.user("c@semey.test", Role::Coordinator, None).await;
        let before = app.content().await;
        let bad = [
            ("organisation_id", org.as_str()), ("name.ru", "Психолог"), ("category", "mental_health"),
            ("last_verified", "2026-11-01"), ("phones", "+7 722 123 45 67, not a phone"),
            ("locations[0].place_id", semey.as_str()),
            ("locations[0].hours[0].day", "mon"), ("locations[0].hours[0].opens", "18:00"), ("locations[0].hours[0].closes", "09:00"),
        ];
        let answer = app.call(Method::POST, "/workspace/services/new?lang=ru").token(&coordinator.token).form(&bad).send().await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = answer.text();
        assert!(html.contains("Это не номер телефона."), "{html}");
        assert!(html.contains("Закрывается раньше, чем открывается."), "{html}");
        assert_eq!(app.content().await, before, "nothing stored");

        let good = [
            ("organisation_id", org.as_str()), ("name.ru", "Психолог"), ("category", "mental_health"),
            ("last_verified", "2026-11-01"), ("phones", "+7 722 123 45 67, 8 (722) 52 00 00"),
            ("minimum_age", "16"),
            ("locations[0].place_id", semey.as_str()),
            ("locations[0].hours[0].day", "mon"), ("locations[0].hours[0].opens", "09:00"), ("locations[0].hours[0].closes", "18:00"),
            ("locations[0].hours[1].day", ""), ("locations[0].hours[1].opens", ""), ("locations[0].hours[1].closes", ""),
            ("locations[0].hours[2].day", "sat"), ("locations[0].hours[2].opens", "10:00"), ("locations[0].hours[2].closes", "14:00"),
            ("locations[1].address", "Kurchatov, Abai street 3"), ("locations[1].point.lon", "78.54"), ("locations[1].point.lat", "50.76"),
            ("locations[1].hours[0].day", "wed"), ("locations[1].hours[0].opens", "09:00"), ("locations[1].hours[0].closes", "13:00"),
            ("visits[0].date", "2027-03-02"), ("visits[0].place_id", kurchatov.as_str()), ("visits[0].opens", "10:00"), ("visits[0].closes", "15:00"),
        ];
        let answer = app.call(Method::POST, "/workspace/services/new").token(&coordinator.token).form(&good).send().await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
        let (_, list) = app.get(&format!("/api/v1/services?organisation_id={org}")).await;
        let sv = &list["items"][0];
        assert_eq!(sv["minimum_age"], 16);
        assert_eq!(sv["phones"].as_array().unwrap().len(), 2);
        assert_eq!(sv["locations"][0]["hours"].as_array().unwrap().len(), 2, "the empty row is dropped: {sv}");
        assert_eq!(sv["locations"][0]["hours"][1]["day"], "sat");
        assert_eq!(sv["locations"][1]["hours"][0]["closes"], "13:00");
        assert_eq!(sv["locations"][1]["point"]["lat"], 50.76);
        assert_eq!(sv["visits"][0]["place_id"], kurchatov.as_str());
        // The edit form shows what is stored.
        let id = sv["id"].as_str().unwrap();
        let html = app.call(Method::GET, &format!("/workspace/services/{id}")).token(&coordinator.token).send().await.text();
        assert!(html.contains(r#"name="locations[1].hours[0].closes" type="text" value="13:00""#), "{html}");
    }
}
