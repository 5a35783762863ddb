//! The coordination mechanism on both backends: bodies, meetings, decisions and action items
//! through the API, forms and the import; what the public, an owning organisation's editor and
//! a coordinator each see; every bad input named with nothing stored; the iCalendar feed; the
//! coverage of a resolution counting decisions and actions; overdue actions on start pages.

use crate::support::{import_file, seed_resolution, TestApp};
use axum::http::{Method, StatusCode};
use semey_domain::access::Role;
use serde_json::{json, Value};

/// The resolution's mandates, imported from the seed texts: ids by paragraph number.
async fn resolution(app: &TestApp) -> Vec<String> {
    seed_resolution(app).await["mandates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// A body, a meeting of it (published or not), in the far future so it is upcoming.
async fn meeting(app: &TestApp, org: &str, published: bool) -> (String, String) {
    let (s, body) = app
        .post(
            "/api/v1/bodies",
            json!({"name": {"en": "Steering committee", "ru": "Руководящий комитет"}, "kind": "steering_committee",
                   "members": [{"organisation_id": org, "role": "chair"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let (s, m) = app
        .post(
            "/api/v1/meetings",
            json!({"body_id": id(&body), "title": {"en": "First meeting", "kk": "Бірінші отырыс"},
                   "starts_at": "2099-03-12T10:00", "ends_at": "2099-03-12T12:00",
                   "agenda": [{"title": {"en": "Joint plan"}}],
                   "participants": [{"organisation_id": org, "name": "A. Person"}],
                   "minutes": {"ru": "Протокол"}, "published": published}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    (id(&body), id(&m))
}

on_both_backends! {
    /// A coordinator records a body, a meeting, a decision serving a mandate and an action
    /// item; the public sees them once the meeting is published, never before; the action's
    /// owner sees its own item all along; every write is audited.
    async fn the_public_sees_a_meeting_once_published(app: TestApp) {
        let mandates = resolution(&app).await;
        let org = app.organisation("Akimat", 10, "KZ").await;
        let (_, m) = meeting(&app, &org, false).await;
        let (s, d) = app
            .post("/api/v1/decisions", json!({"meeting_id": m, "number": 1,
                "text": {"en": "The joint plan is agreed."}, "mandate_ids": [mandates[4]]}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let (s, a) = app
            .post("/api/v1/action-items", json!({"meeting_id": m, "decision_id": id(&d),
                "title": {"en": "Draft the plan"}, "owner_organisation_id": org,
                "owner_person": "A. Person", "deadline": "2020-01-31", "mandate_ids": [mandates[4]]}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["status"], "open");

        // Not published: nothing for the public.
        for uri in [format!("/api/v1/meetings/{m}"), format!("/api/v1/decisions/{}", id(&d)), format!("/api/v1/action-items/{}", id(&a))] {
            let (s, _) = app.request_as(None, Method::GET, &uri, None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{uri}");
        }
        let (_, list) = app.request_as(None, Method::GET, "/api/v1/meetings", None).await;
        assert_eq!(list["total"], 0);
        let page = app.call(Method::GET, &format!("/meetings/{m}")).send().await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        // The owner's editor sees the item it owns, not the meeting.
        let editor = app.user("editor@akimat.kz", Role::Editor, Some(&org)).await;
        let (s, mine) = app.request_as(Some(&editor.token), Method::GET, "/api/v1/action-items", None).await;
        assert_eq!((s, mine["total"].as_i64()), (StatusCode::OK, Some(1)), "{mine}");
        let (s, _) = app.request_as(Some(&editor.token), Method::GET, &format!("/api/v1/meetings/{m}"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // Its start page lists the overdue item.
        let start = app.call(Method::GET, "/workspace").token(&editor.token).send().await.text();
        assert!(start.contains("Draft the plan"), "overdue on the owner's start page");

        // Published: the public reads it all.
        let (_, mut full) = app.get(&format!("/api/v1/meetings/{m}")).await;
        full["published"] = json!(true);
        let (s, b) = app.put(&format!("/api/v1/meetings/{m}"), full).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, pub_d) = app.request_as(None, Method::GET, &format!("/api/v1/decisions?meeting_id={m}"), None).await;
        assert_eq!((s, pub_d["total"].as_i64()), (StatusCode::OK, Some(1)));
        let (_, overdue) = app.request_as(None, Method::GET, "/api/v1/action-items?overdue=true", None).await;
        assert_eq!(overdue["total"], 1, "{overdue}");
        let html = app.call(Method::GET, &format!("/meetings/{m}?lang=kk")).send().await.text();
        assert!(html.contains("Бірінші отырыс"), "the Kazakh title for a Kazakh reader");
        assert!(html.contains("lang=\"ru\""), "the Russian minutes, marked as Russian");
        assert!(html.contains("Мерзімі өткен"), "overdue, in Kazakh");
        assert!(html.contains(&format!("/mandates/{}", mandates[4])));
        // Every write has its audit line.
        for (kind, rid) in [("meeting", m.clone()), ("decision", id(&d)), ("action_item", id(&a))] {
            assert!(!app.audit_of(kind, &rid).await.is_empty(), "{kind} audited");
        }

        // The coverage of the resolution counts the decision and the action.
        let res = app.get("/api/v1/resolutions").await.1["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, cov) = app.get(&format!("/api/v1/resolutions/{res}/coverage")).await;
        let p5 = &cov["paragraphs"][4];
        assert_eq!(p5["decisions"].as_array().unwrap().len(), 1, "{p5}");
        assert_eq!(p5["actions"].as_array().unwrap().len(), 1);
        assert_eq!(p5["gap"], false, "a decision and an action stand behind paragraph 5");
        assert_eq!(cov["paragraphs"][0]["gap"], true);
    }
}

on_both_backends! {
    /// An editor of the owning organisation proposes an action item's progress; a coordinator's
    /// approval publishes it. Editors may not touch bodies, meetings or decisions.
    async fn an_owner_proposes_progress_on_its_action(app: TestApp) {
        let org = app.organisation("University", 80, "KZ").await;
        let other = app.organisation("Other NGO", 22, "KZ").await;
        let (body, m) = meeting(&app, &org, true).await;
        let (_, a) = app
            .post("/api/v1/action-items", json!({"meeting_id": m, "title": {"en": "Screening schedule"},
                "owner_organisation_id": org, "owner_person": "B. Person", "deadline": "2099-06-30"}))
            .await;
        let editor = app.user("editor@university.kz", Role::Editor, Some(&org)).await;
        let stranger = app.user("editor@other.kz", Role::Editor, Some(&other)).await;
        let mut change = a.clone();
        change["status"] = json!("in_progress");
        change["notes"] = json!([{"date": "2099-05-15", "text": "Draft covers 12 villages"}]);
        let uri = format!("/api/v1/action-items/{}", id(&a));
        let (s, _) = app.request_as(Some(&stranger.token), Method::PUT, &uri, Some(change.to_string())).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "another organisation's editor");
        let (s, proposal) = app.request_as(Some(&editor.token), Method::PUT, &uri, Some(change.to_string())).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{proposal}");
        assert_eq!(app.get(&uri).await.1["status"], "open", "not before it is published");
        let pid = proposal["id"].as_str().unwrap();
        for step in ["approve", "publish"] {
            let (s, b) = app.post(&format!("/api/v1/proposals/{pid}/{step}"), json!({})).await;
            assert_eq!(s, StatusCode::OK, "{step}: {b}");
        }
        let (_, now) = app.get(&uri).await;
        assert_eq!(now["status"], "in_progress");
        assert_eq!(now["notes"][0]["text"], "Draft covers 12 villages");
        for (uri, body) in [
            ("/api/v1/bodies".to_owned(), json!({"name": {"en": "X"}, "kind": "other"})),
            (format!("/api/v1/meetings/{m}"), json!({"body_id": body, "title": {"en": "X"}, "starts_at": "2099-01-01T10:00"})),
            ("/api/v1/decisions".to_owned(), json!({"meeting_id": m, "number": 1, "text": {"en": "X"}})),
        ] {
            let method = if uri.contains("/meetings/") { Method::PUT } else { Method::POST };
            let (s, b) = app.request_as(Some(&editor.token), method, &uri, Some(body.to_string())).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{uri}: {b}");
        }
    }
}

/// The fields and codes of a refusal.
fn refused(s: StatusCode, b: &Value) -> Vec<(String, String)> {
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

on_both_backends! {
    /// Impossible dates, an action without owner or deadline, links to records that do not
    /// exist or are not published, a decision number taken twice: each refused naming its
    /// field, and nothing stored.
    async fn bad_input_is_named_and_nothing_is_stored(app: TestApp) {
        let mandates = resolution(&app).await;
        let org = app.organisation("Akimat", 10, "KZ").await;
        let (body, m) = meeting(&app, &org, true).await;
        let before = app.content().await;
        let meeting_with = |starts: &str, ends: &str| json!({"body_id": body, "title": {"en": "X"}, "starts_at": starts, "ends_at": ends});
        let (s, b) = app.post("/api/v1/meetings", meeting_with("2025-02-30T10:00", "")).await;
        assert_eq!(refused(s, &b), [("starts_at".to_owned(), "invalid_datetime".to_owned())]);
        let (s, b) = app.post("/api/v1/meetings", meeting_with("2025-03-12T10:00", "2025-03-12T09:00")).await;
        assert_eq!(refused(s, &b), [("ends_at".to_owned(), "meeting_ends_before_start".to_owned())]);
        let (s, b) = app.post("/api/v1/meetings", meeting_with("0025-03-12T10:00", "")).await;
        assert_eq!(refused(s, &b), [("starts_at".to_owned(), "meeting_year_out_of_range".to_owned())]);
        let (s, b) = app.post("/api/v1/meetings", json!({"body_id": org, "title": {"en": "X"}, "starts_at": "2025-03-12T10:00"})).await;
        assert_eq!(refused(s, &b), [("body_id".to_owned(), "unknown_body".to_owned())]);
        let (s, b) = app.post("/api/v1/action-items", json!({"meeting_id": m, "title": {"en": "X"}})).await;
        assert_eq!(refused(s, &b), [
            ("owner_organisation_id".to_owned(), "owner_missing".to_owned()),
            ("owner_person".to_owned(), "owner_person_missing".to_owned()),
            ("deadline".to_owned(), "deadline_missing".to_owned()),
        ]);
        let missing = uuid::Uuid::now_v7().to_string();
        let (s, b) = app.post("/api/v1/decisions", json!({"meeting_id": m, "number": 1, "text": {"en": "X"}, "mandate_ids": [mandates[0], missing]})).await;
        assert_eq!(refused(s, &b), [("mandate_ids[1]".to_owned(), "unknown_mandate".to_owned())]);
        // A programme that does not exist (or is only proposed, so not yet published) is not
        // there to link.
        let (s, b) = app.post("/api/v1/decisions", json!({"meeting_id": m, "number": 1, "text": {"en": "X"}, "programme_ids": [missing]})).await;
        assert_eq!(refused(s, &b), [("programme_ids[0]".to_owned(), "unknown_programme".to_owned())]);
        let (s, b) = app.post("/api/v1/action-items", json!({"meeting_id": m, "title": {"en": "X"}, "owner_organisation_id": missing, "owner_person": "P", "deadline": "2025-01-01"})).await;
        assert_eq!(refused(s, &b), [("owner_organisation_id".to_owned(), "unknown_organisation".to_owned())]);
        assert_eq!(app.content().await, before, "nothing stored");

        let (s, _) = app.post("/api/v1/decisions", json!({"meeting_id": m, "number": 1, "text": {"en": "First"}})).await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, b) = app.post("/api/v1/decisions", json!({"meeting_id": m, "number": 1, "text": {"en": "Again"}})).await;
        assert_eq!(refused(s, &b), [("number".to_owned(), "decision_number_taken".to_owned())]);
        // The form names the field in the reader's language.
        let page = app.call(Method::POST, "/workspace/meetings/new?lang=ru").token(&app.admin_token)
            .form(&[("body_id", &body), ("title.ru", "Заседание"), ("starts_at", "2025-03-12T10:00"), ("ends_at", "2025-03-12T08:00"), ("published", "false")])
            .send().await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.text().contains("Заседание заканчивается раньше, чем начинается."), "{}", page.text());
    }
}

async fn import(
    app: &TestApp,
    bytes: &[u8],
) -> Result<semey::import::ImportReport, semey::AppError> {
    let src = import_file("coordination.json", bytes);
    semey::coordination::import::import_coordination(app.store(), &src, &mut semey::import::Quiet)
        .await
}

on_both_backends! {
    /// The demo's file imports whole; again, it changes nothing; a file naming an unknown
    /// organisation or mandate is refused entry by entry with nothing stored.
    async fn the_mechanism_imports_all_or_nothing(app: TestApp) {
        let app = app.with_demo().await;
        resolution(&app).await;
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/demo/coordination.json")).unwrap();
        let r = import(&app, &bytes).await.expect("imported");
        assert_eq!((r.rows, r.inserted), (10, 10), "{r}");
        let before = app.content().await;
        let again = import(&app, &bytes).await.expect("again");
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 10), "{again}");
        assert_eq!(app.content().await, before);
        let (_, meetings) = app.get("/api/v1/meetings").await;
        assert_eq!(meetings["total"], 3);
        let (_, decisions) = app.get("/api/v1/decisions").await;
        assert_eq!(decisions["total"], 2);
        // The programme a decision concerns lists it on its page.
        let (_, found) = app.get("/api/v1/programmes?q=XX-SEMEY-DEMO-SEMEY-2030").await;
        let pid = found["items"][0]["id"].as_str().unwrap();
        let (_, concerning) = app.get(&format!("/api/v1/decisions?programme_id={pid}")).await;
        assert_eq!(concerning["total"], 1);
        let page = app.call(Method::GET, &format!("/programmes/{pid}?lang=ru")).send().await.text();
        assert!(page.contains("#decision-1") && page.contains("Совместный план"), "the decision on the programme's page");

        let text = String::from_utf8(bytes).unwrap()
            .replace("\"organisation\": \"World Health Organization\", \"role\": \"observer\"", "\"organisation\": \"No Such Agency\", \"role\": \"observer\"")
            .replace("A/RES/75/210 ¶ 3\"],\n     \"programmes\"", "A/RES/75/210 ¶ 30\"],\n     \"programmes\"")
            .replace("2025-07-08T14:00", "2025-07-08T14:00 and later")
            .replace("Health working group, screening schedule", "Health working group, second meeting");
        let err = import(&app, text.as_bytes()).await.expect_err("refused");
        let semey::AppError::Import(errors) = err else { panic!("{err:?}") };
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert!(fields.contains(&("bodies[0].members[5]: organisation", "unknown_organisation")), "{fields:?}");
        assert!(fields.contains(&("meetings[0].decisions[1]: mandates[0]", "unknown_mandate")), "{fields:?}");
        assert!(fields.contains(&("meetings[1]: starts_at", "invalid_datetime")), "{fields:?}");
        assert_eq!(app.content().await, before, "nothing stored");
    }
}

on_both_backends! {
    /// The calendar holds the published meetings to come, in UTC, in the reader's language;
    /// never a draft.
    async fn the_calendar_lists_published_meetings_to_come(app: TestApp) {
        let org = app.organisation("Akimat", 10, "KZ").await;
        let (_, published) = meeting(&app, &org, true).await;
        let (_, draft) = meeting(&app, &org, false).await;
        let ics = app.call(Method::GET, "/coordination/meetings.ics?lang=kk").send().await;
        assert_eq!(ics.status, StatusCode::OK);
        assert_eq!(ics.header("content-type").as_deref(), Some("text/calendar; charset=utf-8"));
        let text = ics.text().replace("\r\n ", "");
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.contains(&format!("UID:{published}@semey")));
        assert!(!text.contains(&draft));
        assert!(text.contains("DTSTART:20990312T050000Z"), "10:00 in Kazakhstan is 05:00 UTC");
        assert!(text.contains("SUMMARY:Бірінші отырыс"), "{text}");
        let overview = app.call(Method::GET, "/coordination?lang=en").send().await.text();
        assert!(overview.contains("First meeting") && !overview.contains("draft"), "the public overview shows no draft");
    }
}

on_both_backends! {
    /// A service of the directory names the paragraphs it serves: the coverage lists it and the
    /// paragraph is no longer a gap; an unknown mandate is named by its place, nothing stored.
    async fn a_service_serving_a_paragraph_fills_its_gap(app: TestApp) {
        let mandates = resolution(&app).await;
        let org = app.organisation("Red Crescent", 22, "KZ").await;
        let service = |mandate_ids: Vec<&String>| json!({"organisation_id": org, "name": {"en": "Legal aid desk", "kk": "Заң көмегі"},
            "category": "legal_aid", "last_verified": "2026-11-01", "mandate_ids": mandate_ids,
            "locations": [{"address": "Semey, Abai street 1", "point": {"lon": 80.25, "lat": 50.42}}]});
        let missing = uuid::Uuid::now_v7().to_string();
        let before = app.content().await;
        let (s, b) = app.post("/api/v1/services", service(vec![&mandates[2], &missing])).await;
        assert_eq!(refused(s, &b), [("mandate_ids[1]".to_owned(), "unknown_mandate".to_owned())]);
        assert_eq!(app.content().await, before, "nothing stored");
        let (s, b) = app.post("/api/v1/services", service(vec![&mandates[2]])).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let res = app.get("/api/v1/resolutions").await.1["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, cov) = app.get(&format!("/api/v1/resolutions/{res}/coverage")).await;
        assert_eq!(cov["paragraphs"][2]["service_ids"], json!([b["id"]]), "{cov}");
        assert_eq!(cov["paragraphs"][2]["gap"], false);
        let html = app.call(Method::GET, &format!("/resolutions/{res}?lang=kk")).send().await.text();
        assert!(html.contains(&format!("/services/{}", b["id"].as_str().unwrap())));
        assert!(html.contains("Заң көмегі"), "the service by its Kazakh name");
    }
}

on_both_backends! {
    /// A meeting and an indicator name the paragraphs they serve directly: the coverage lists
    /// the published meeting (never a draft) and counts the indicator once, even where its
    /// programme serves the same paragraph; a paragraph served only by a meeting is no gap; an
    /// unknown paragraph is named by its place and nothing is stored; the forms keep the links.
    async fn meetings_and_indicators_serve_paragraphs_directly(app: TestApp) {
        let mandates = resolution(&app).await;
        let org = app.organisation("Akimat", 10, "KZ").await;
        let (_, m) = meeting(&app, &org, true).await;
        let (_, draft) = meeting(&app, &org, false).await;
        for id in [&m, &draft] {
            let (_, mut doc) = app.get(&format!("/api/v1/meetings/{id}")).await;
            doc["mandate_ids"] = json!([mandates[0]]);
            let (s, b) = app.put(&format!("/api/v1/meetings/{id}"), doc).await;
            assert_eq!(s, StatusCode::OK, "{b}");
        }
        let programme = app.programme("XX-T-DIRECT", json!({"mandate_ids": [mandates[1]]})).await;
        let result = |mandate_ids: Vec<&String>| json!({"programme_id": programme, "result_type": "output", "title": {"en": "Screening"},
            "indicators": [{"title": {"en": "People screened", "kk": "Тексерілген адамдар"}, "measure": "unit", "mandate_ids": mandate_ids}]});
        let missing = uuid::Uuid::now_v7().to_string();
        let before = app.content().await;
        let (s, b) = app.post("/api/v1/results", result(vec![&mandates[1], &missing])).await;
        assert_eq!(refused(s, &b), [("indicators[0].mandate_ids[1]".to_owned(), "unknown_mandate".to_owned())]);
        assert_eq!(app.content().await, before, "nothing stored");
        let (s, r) = app.post("/api/v1/results", result(vec![&mandates[1], &mandates[2]])).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let indicator = r["indicators"][0]["id"].clone();

        let res = app.get("/api/v1/resolutions").await.1["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, cov) = app.get(&format!("/api/v1/resolutions/{res}/coverage")).await;
        let p = &cov["paragraphs"];
        let ids = |v: &Value| v.as_array().unwrap().iter().map(|x| x["id"].clone()).collect::<Vec<_>>();
        assert_eq!(ids(&p[0]["meetings"]), [json!(m)], "the published meeting only: {cov}");
        assert_eq!(p[0]["gap"], false, "a meeting fills the gap");
        assert_eq!(p[1]["indicator_ids"], json!([indicator]));
        assert_eq!(p[1]["indicators"], json!({"not_assessed": 1}), "counted once through programme and link");
        assert_eq!(p[2]["indicators"], json!({"not_assessed": 1}), "counted through the link alone");
        assert_eq!(p[2]["gap"], false);
        assert_eq!(p[3]["gap"], true);
        let html = app.call(Method::GET, &format!("/resolutions/{res}?lang=kk")).send().await.text();
        assert!(html.contains(&format!("/meetings/{m}")) && !html.contains(&format!("/meetings/{draft}")), "{html}");

        // The forms show the links as stored, and saving them unchanged keeps them.
        let rid = r["id"].as_str().unwrap();
        let form = app.call(Method::GET, &format!("/workspace/results/{rid}?lang=en")).token(&app.admin_token).send().await.text();
        assert!(form.contains(&format!(r#"name="indicators[0].mandate_ids[]" value="{}" checked"#, mandates[2])), "{form}");
        let form = app.call(Method::GET, &format!("/workspace/meetings/{m}?lang=en")).token(&app.admin_token).send().await.text();
        assert!(form.contains(&format!(r#"name="mandate_ids[]" value="{}" checked"#, mandates[0])), "{form}");
        // Unticking one paragraph of the indicator in the form leaves the other.
        let ind = indicator.as_str().unwrap();
        let page = app.call(Method::POST, &format!("/workspace/results/{rid}?lang=en")).token(&app.admin_token)
            .form(&[("programme_id", programme.as_str()), ("result_type", "output"), ("title.en", "Screening"),
                    ("indicators[0].id", ind), ("indicators[0].title.en", "People screened"), ("indicators[0].measure", "unit"),
                    ("indicators[0].ascending", "true"), ("indicators[0].people_reached", "false"),
                    ("indicators[0].mandate_ids[]", mandates[2].as_str())])
            .send().await;
        assert!(page.status.is_redirection(), "{}", page.text());
        let (_, cov) = app.get(&format!("/api/v1/resolutions/{res}/coverage")).await;
        assert_eq!(cov["paragraphs"][1]["indicator_ids"], json!([]));
        assert_eq!(cov["paragraphs"][2]["indicator_ids"], json!([indicator]));
    }
}
