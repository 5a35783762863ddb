//! The permission matrix: every mutating API route (from the OpenAPI description the router
//! is built with) and every workspace form (from `workspace::form_routes`, which the router is
//! built from), called as the public, a viewer, an editor of another organisation, an editor of
//! the owning organisation, a coordinator and an administrator. Each call gets the expected
//! status, and a refused call changes nothing. A route without an entry here fails the test.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use semey::accounts::{self, Actor};
use semey_domain::access::Role;
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Public,
    Viewer,
    OtherEditor,
    OwnerEditor,
    Coordinator,
    Administrator,
}

const EVERYONE: [Who; 6] = [
    Who::Public,
    Who::Viewer,
    Who::OtherEditor,
    Who::OwnerEditor,
    Who::Coordinator,
    Who::Administrator,
];

/// Who may use a route.
#[derive(Clone, Copy)]
enum Rule {
    /// The owning organisation's editors, coordinators, administrators.
    Owner,
    /// Coordinators and administrators only.
    Coordination,
    /// Anyone signed in, for their own account.
    SignedIn,
    /// Administrators only.
    Administration,
}

impl Rule {
    fn allows(self, who: Who) -> bool {
        match self {
            Rule::SignedIn => who != Who::Public,
            Rule::Administration => who == Who::Administrator,
            Rule::Owner => matches!(
                who,
                Who::Coordinator | Who::Administrator | Who::OwnerEditor
            ),
            Rule::Coordination => matches!(who, Who::Coordinator | Who::Administrator),
        }
    }
}

struct Fixture {
    admin_token_id: String,
    spare_user: String,
    owner: String,
    district: String,
    programme: String,
    transaction: String,
    requirement: String,
    contribution: String,
    service: String,
    /// A public document of the owning organisation.
    document: String,
    result: String,
    indicator: String,
    /// A mandate of the seed resolution.
    mandate: String,
    /// A body of the coordination mechanism, a published meeting of it, a decision taken there
    /// and an action item the owning organisation owns.
    body: String,
    meeting: String,
    decision: String,
    action_item: String,
    /// A report with every section written in English, ready to publish.
    report: String,
    tokens: Vec<(Who, Option<String>)>,
    /// Per caller, two drafts of the owning organisation's editor: one to submit through the
    /// API, one to edit and then submit through the workspace (so every allowed step succeeds).
    drafts: Vec<(Who, String, String)>,
}

/// Each caller's password (to change it through their own account's form).
fn password_of(who: Who) -> &'static str {
    if who == Who::Administrator {
        "correct horse battery staple"
    } else {
        "a long enough secret phrase"
    }
}

async fn token(app: &TestApp, email: &str, role: Role, org: Option<&str>) -> String {
    app.user(email, role, org).await.token
}

async fn fixture(app: &TestApp) -> Fixture {
    let (_, orgs) = app.get("/api/v1/organisations?limit=2").await;
    let owner = orgs["items"][0]["id"].as_str().unwrap().to_owned();
    let other = orgs["items"][1]["id"].as_str().unwrap().to_owned();
    let (s, p) = app
        .post("/api/v1/programmes", programme_body("XM-MATRIX-P", &owner))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let programme = p["id"].as_str().unwrap().to_owned();
    let (s, t) = app
        .post(
            "/api/v1/transactions",
            transaction_body(&programme, "MATRIX-T"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let (s, r) = app
        .post("/api/v1/requirements", requirement_body(&programme))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, c) = app
        .post(
            "/api/v1/contributions",
            contribution_body(&programme, &owner, "MATRIX-C"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let (s, sv) = app
        .post("/api/v1/services", service_body(&owner, "Matrix service"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{sv}");
    let service = sv["id"].as_str().unwrap().to_owned();
    let (media, upload) = document_upload(&owner, "Matrix document");
    let doc = app
        .call(Method::POST, "/api/v1/documents")
        .token(&app.admin_token)
        .body(&media, upload)
        .send()
        .await;
    assert_eq!(doc.status, StatusCode::CREATED, "{}", doc.text());
    let document = doc.json()["id"].as_str().unwrap().to_owned();
    let (s, res) = app.post("/api/v1/results", result_body(&programme)).await;
    assert_eq!(s, StatusCode::CREATED, "{res}");
    let result = res["id"].as_str().unwrap().to_owned();
    let indicator = res["indicators"][0]["id"].as_str().unwrap().to_owned();
    let texts = [
        (
            "A-RES-75-210.en.txt",
            crate::support::seed("A-RES-75-210.en.txt"),
        ),
        (
            "A-RES-75-210.zh.txt",
            crate::support::seed("A-RES-75-210.zh.txt"),
        ),
    ];
    let sources: Vec<_> = texts
        .iter()
        .map(|(n, b)| crate::support::import_file(n, b))
        .collect();
    semey::mandates::import::import_resolution(app.store(), &sources, &mut semey::import::Quiet)
        .await
        .expect("the seed resolution");
    let mandate = semey_domain::ids::MandateId::of("A/RES/75/210", 2).to_string();
    let (s, b) = app
        .post(
            "/api/v1/bodies",
            json!({"name": {"en": "Matrix body"}, "kind": "working_group"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let body = b["id"].as_str().unwrap().to_owned();
    let (s, m) = app.post("/api/v1/meetings", meeting_body(&body)).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let meeting = m["id"].as_str().unwrap().to_owned();
    let (s, dec) = app
        .post("/api/v1/decisions", json!({"meeting_id": meeting, "number": 1, "text": {"en": "Matrix decision"}, "mandate_ids": [mandate]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{dec}");
    let (s, a) = app
        .post(
            "/api/v1/action-items",
            action_body(&meeting, &owner, "Matrix action"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let (s, rep) = app
        .post("/api/v1/reports", report_body("Matrix report"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{rep}");
    let tokens = vec![
        (Who::Public, None),
        (
            Who::Viewer,
            Some(token(app, "viewer@m.test", Role::Viewer, Some(&owner)).await),
        ),
        (
            Who::OtherEditor,
            Some(token(app, "other@m.test", Role::Editor, Some(&other)).await),
        ),
        (
            Who::OwnerEditor,
            Some(token(app, "owner@m.test", Role::Editor, Some(&owner)).await),
        ),
        (
            Who::Coordinator,
            Some(token(app, "coord@m.test", Role::Coordinator, None).await),
        ),
        (Who::Administrator, Some(app.admin_token.clone())),
    ];
    let (_, d) = app.get("/api/v1/places?level=district&limit=1").await;
    let admin = app
        .store()
        .user_by_email("admin@semey.test")
        .await
        .unwrap()
        .unwrap();
    let (spare, _) = accounts::issue_token(
        app.store(),
        &Actor::command_line(),
        &admin,
        "spare",
        time::Duration::days(1),
    )
    .await
    .unwrap();
    let spare_user = accounts::create_user(
        app.store(),
        &Actor::command_line(),
        "spare@m.test",
        "Spare",
        "a long enough secret phrase".into(),
        false,
        None,
    )
    .await
    .unwrap();
    // A draft proposed by the owning organisation's editor.
    let owner_editor = tokens_owner(&tokens);
    let (s, draft) = app
        .request_as(
            Some(&owner_editor),
            Method::POST,
            "/api/v1/programmes",
            Some(programme_body("XM-MATRIX-DRAFT", &owner).to_string()),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{draft}");
    let mut drafts = Vec::new();
    for who in EVERYONE {
        let mut two = Vec::new();
        for n in 0..2 {
            let form = format!(
                "iati_identifier=XM-MATRIX-D-{who:?}-{n}&title.en=Draft&status=2&areas%5B%5D=health&sectors%5B0%5D.vocabulary=dac5&sectors%5B0%5D.code=12220&sectors%5B0%5D.percentage=100&reporting_org_id={owner}"
            );
            let answer = app
                .call(Method::POST, "/workspace/programmes/new")
                .token(&owner_editor)
                .body("application/x-www-form-urlencoded", form.into_bytes())
                .send()
                .await;
            let at = answer.location().expect("to the proposal");
            two.push(
                at.trim_start_matches("/workspace/proposals/")
                    .split('?')
                    .next()
                    .unwrap()
                    .to_owned(),
            );
        }
        drafts.push((who, two[0].clone(), two[1].clone()));
    }
    Fixture {
        drafts,
        spare_user: spare_user.to_string(),
        admin_token_id: spare.to_string(),
        district: d["items"][0]["id"].as_str().unwrap().to_owned(),
        owner,
        programme,
        transaction: t["id"].as_str().unwrap().to_owned(),
        requirement: r["id"].as_str().unwrap().to_owned(),
        contribution: c["id"].as_str().unwrap().to_owned(),
        service,
        document,
        result,
        indicator,
        mandate,
        body,
        meeting,
        decision: dec["id"].as_str().unwrap().to_owned(),
        action_item: a["id"].as_str().unwrap().to_owned(),
        report: rep["id"].as_str().unwrap().to_owned(),
        tokens,
    }
}

fn report_body(title: &str) -> Value {
    let narratives: serde_json::Map<String, Value> = semey_domain::report::Section::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), json!({"en": "Matrix text"})))
        .collect();
    json!({"title": {"en": title}, "period_start": "2021-01-01", "period_end": "2023-12-31",
           "languages": ["en"], "narratives": narratives})
}

/// Every section's text in English, as form fields.
fn report_form_texts() -> String {
    semey_domain::report::Section::ALL
        .iter()
        .map(|s| format!("&narratives.{}.en=Matrix+text", s.as_str()))
        .collect()
}

fn meeting_body(body: &str) -> Value {
    json!({"body_id": body, "title": {"en": "Matrix meeting"}, "starts_at": "2030-05-05T10:00", "published": true})
}

fn action_body(meeting: &str, owner: &str, title: &str) -> Value {
    json!({"meeting_id": meeting, "title": {"en": title}, "owner_organisation_id": owner, "owner_person": "Matrix person", "deadline": "2030-06-30"})
}

/// The two drafts a caller works on.
fn draft_of(f: &Fixture, who: Who) -> (&str, &str) {
    let (_, a, b) = f.drafts.iter().find(|(w, _, _)| *w == who).unwrap();
    (a, b)
}

fn tokens_owner(tokens: &[(Who, Option<String>)]) -> String {
    tokens
        .iter()
        .find(|(w, _)| *w == Who::OwnerEditor)
        .and_then(|(_, t)| t.clone())
        .unwrap()
}

fn programme_body(identifier: &str, owner: &str) -> serde_json::Value {
    json!({
        "iati_identifier": identifier, "title": {"en": identifier}, "status": 2, "areas": ["health"],
        "sectors": [{"vocabulary": "dac5", "code": "12220", "percentage": 100}], "reporting_org_id": owner,
    })
}

fn transaction_body(programme: &str, reference: &str) -> serde_json::Value {
    json!({"programme_id": programme, "reference": reference, "transaction_type": 11, "date": "2025-02-01", "amount": "500", "currency": "USD"})
}

fn requirement_body(programme: &str) -> serde_json::Value {
    json!({"programme_id": programme, "period_start": "2026-01-01", "period_end": "2026-12-31", "amount": "900", "currency": "USD"})
}

fn contribution_body(programme: &str, provider: &str, reference: &str) -> serde_json::Value {
    json!({"programme_id": programme, "reference": reference, "category": "training", "provider_org_id": provider,
           "date": "2025-03-01", "description": "Matrix course", "quantity": "12", "unit": "trainees", "value": "900", "currency": "USD"})
}

/// One call of the matrix: its address, body (JSON or a form) and rule.
struct Call {
    path: String,
    json: Option<serde_json::Value>,
    form: Option<String>,
    /// Another body with its media type (IATI files, document uploads).
    raw: Option<(String, Vec<u8>)>,
    rule: Rule,
}

/// The matrix: (method, route as the router knows it) → how to call it, for each caller.
fn result_body(programme: &str) -> serde_json::Value {
    json!({"programme_id": programme, "result_type": "output", "title": {"en": "Matrix result"},
           "indicators": [{"id": null, "title": {"en": "Matrix indicator"}, "measure": "unit", "baseline": {"year": 2023, "value": "0"}}]})
}

fn service_body(org: &str, name: &str) -> serde_json::Value {
    json!({"organisation_id": org, "name": {"en": name}, "category": "legal_aid", "last_verified": "2026-11-01",
           "locations": [{"address": "Semey, Abai street 1", "point": {"lon": 80.25, "lat": 50.42}}]})
}

/// A document upload (`multipart/form-data`): a text file saying `text`, with metadata.
fn document_upload(org: &str, text: &str) -> (String, Vec<u8>) {
    let boundary = "matrix-boundary";
    let metadata = json!({"title": {"en": text}, "doc_type": "report", "organisation_id": org});
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{metadata}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"matrix.txt\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// The workspace's upload form (`multipart/form-data`): its fields and a text file.
fn document_form(org: &str, text: &str) -> (String, Vec<u8>) {
    let boundary = "matrix-form-boundary";
    let mut body = String::new();
    for (name, value) in [
        ("title.en", text),
        ("doc_type", "leaflet"),
        ("organisation_id", org),
        ("visibility", "public"),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"form.txt\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n"
    ));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

fn call(route: &str, f: &Fixture, who: Who) -> Option<Call> {
    let tag = format!("{who:?}").to_uppercase();
    let p = &f.programme;
    let form_programme = format!(
        "iati_identifier=XM-MATRIX-F-{tag}&title.en=Form+{tag}&status=2&areas[]=health&sectors[0].vocabulary=dac5&sectors[0].code=12220&sectors[0].percentage=100&reporting_org_id={}",
        f.owner
    );
    let form_tx = format!("programme_id={p}&reference=MATRIX-FORM-{tag}&transaction_type=11&date=2025-03-01&amount=10&currency=USD");
    let form_req = format!(
        "programme_id={p}&period_start=2027-01-01&period_end=2027-12-31&amount=77&currency=USD"
    );
    let json = |path: String, body: serde_json::Value, rule| Call {
        path,
        json: Some(body),
        form: None,
        raw: None,
        rule,
    };
    let form = |path: String, body: String, rule| Call {
        path,
        json: None,
        form: Some(body),
        raw: None,
        rule,
    };
    let org_body =
        json!({"name": {"en": format!("Matrix {tag}")}, "org_type": 22, "country": "KZ"});
    Some(match route {
        "POST /api/v1/organisations" => json("/api/v1/organisations".into(), org_body, Rule::Coordination),
        "PUT /api/v1/organisations/{id}" => {
            json(format!("/api/v1/organisations/{}", f.owner), json!({"name": {"en": "Owner organisation"}, "org_type": 22, "country": "KZ"}), Rule::Owner)
        }
        "POST /api/v1/programmes" => json("/api/v1/programmes".into(), programme_body(&format!("XM-MATRIX-{tag}"), &f.owner), Rule::Owner),
        "PUT /api/v1/programmes/{id}" => json(format!("/api/v1/programmes/{p}"), programme_body("XM-MATRIX-P", &f.owner), Rule::Owner),
        "POST /api/v1/transactions" => json("/api/v1/transactions".into(), transaction_body(p, &format!("MATRIX-{tag}")), Rule::Owner),
        "PUT /api/v1/transactions/{id}" => json(format!("/api/v1/transactions/{}", f.transaction), transaction_body(p, "MATRIX-T"), Rule::Owner),
        "POST /api/v1/requirements" => json("/api/v1/requirements".into(), json!({"programme_id": p, "period_start": "2028-01-01", "period_end": "2028-12-31", "amount": tag.len().to_string(), "currency": "USD"}), Rule::Owner),
        "PUT /api/v1/requirements/{id}" => json(format!("/api/v1/requirements/{}", f.requirement), requirement_body(p), Rule::Owner),
        "POST /api/v1/contributions" => json("/api/v1/contributions".into(), contribution_body(p, &f.owner, &format!("MATRIX-{tag}")), Rule::Owner),
        "PUT /api/v1/contributions/{id}" => json(format!("/api/v1/contributions/{}", f.contribution), contribution_body(p, &f.owner, "MATRIX-C"), Rule::Owner),
        "POST /api/v1/services" => json("/api/v1/services".into(), service_body(&f.owner, &format!("Matrix service {tag}")), Rule::Owner),
        "PUT /api/v1/services/{id}" => json(format!("/api/v1/services/{}", f.service), service_body(&f.owner, "Matrix service"), Rule::Owner),
        "POST /api/v1/documents" => Call {
            path: "/api/v1/documents".into(),
            json: None,
            form: None,
            raw: Some(document_upload(&f.owner, &format!("Matrix document {tag}"))),
            rule: Rule::Owner,
        },
        "PUT /api/v1/documents/{id}" => json(format!("/api/v1/documents/{}", f.document),
            json!({"digest": semey::documents::library::digest(b"Matrix document"), "file_name": "matrix.txt",
                   "title": {"en": "Matrix document, corrected"}, "doc_type": "report", "organisation_id": f.owner}), Rule::Owner),
        "POST /workspace/documents/new" => Call {
            path: "/workspace/documents/new".into(),
            json: None,
            form: None,
            raw: Some(document_form(&f.owner, &format!("Matrix form document {tag}"))),
            rule: Rule::Owner,
        },
        "POST /api/v1/results" => json("/api/v1/results".into(), result_body(p), Rule::Owner),
        "PUT /api/v1/results/{id}" => json(format!("/api/v1/results/{}", f.result),
            json!({"programme_id": p, "result_type": "output", "title": {"en": "Matrix result"},
                   "indicators": [{"id": f.indicator, "title": {"en": "Matrix indicator"}, "measure": "unit", "baseline": {"year": 2023, "value": "0"}}]}), Rule::Owner),
        "PUT /api/v1/indicators/{id}/periods" => json(format!("/api/v1/indicators/{}/periods", f.indicator),
            json!({"indicator_id": f.indicator, "start": format!("20{}-01-01", 30 + tag.len()), "end": format!("20{}-12-31", 30 + tag.len()), "target": {"value": "5"}}), Rule::Owner),
        // What a resolution's paragraph asks is corrected by coordinators.
        "PUT /api/v1/mandates/{id}" => json(format!("/api/v1/mandates/{}", f.mandate),
            json!({"action": "welcomes", "addressees": ["government_of_kazakhstan"], "deadline": format!("20{}-09-01", 30 + tag.len())}), Rule::Coordination),
        // The mechanism's bodies, meetings and decisions are the coordinators'; an action
        // item belongs to the organisation that owns it.
        "POST /api/v1/bodies" => json("/api/v1/bodies".into(), json!({"name": {"en": format!("Matrix body {tag}")}, "kind": "other"}), Rule::Coordination),
        "PUT /api/v1/bodies/{id}" => json(format!("/api/v1/bodies/{}", f.body), json!({"name": {"en": "Matrix body"}, "kind": "working_group"}), Rule::Coordination),
        "POST /api/v1/meetings" => json("/api/v1/meetings".into(), meeting_body(&f.body), Rule::Coordination),
        "PUT /api/v1/meetings/{id}" => json(format!("/api/v1/meetings/{}", f.meeting), meeting_body(&f.body), Rule::Coordination),
        "POST /api/v1/decisions" => json("/api/v1/decisions".into(), json!({"meeting_id": f.meeting, "number": 10 + tag.len(), "text": {"en": "Matrix"}}), Rule::Coordination),
        "PUT /api/v1/decisions/{id}" => json(format!("/api/v1/decisions/{}", f.decision), json!({"meeting_id": f.meeting, "number": 1, "text": {"en": "Matrix decision"}}), Rule::Coordination),
        "POST /api/v1/action-items" => json("/api/v1/action-items".into(), action_body(&f.meeting, &f.owner, &format!("Matrix action {tag}")), Rule::Owner),
        "PUT /api/v1/action-items/{id}" => json(format!("/api/v1/action-items/{}", f.action_item), action_body(&f.meeting, &f.owner, "Matrix action"), Rule::Owner),
        "POST /workspace/bodies/new" => form("/workspace/bodies/new".into(), format!("name.en=Matrix+body+{tag}&kind=other"), Rule::Coordination),
        "POST /workspace/bodies/{id}" => form(format!("/workspace/bodies/{}", f.body), "name.en=Matrix+body&kind=working_group".into(), Rule::Coordination),
        "POST /workspace/meetings/new" => form("/workspace/meetings/new".into(), format!("body_id={}&title.en=Matrix+meeting&starts_at=2030-05-05T10:00&published=true", f.body), Rule::Coordination),
        "POST /workspace/meetings/{id}" => form(format!("/workspace/meetings/{}", f.meeting), format!("body_id={}&title.en=Matrix+meeting&starts_at=2030-05-05T10:00&published=true", f.body), Rule::Coordination),
        "POST /workspace/decisions/new" => form("/workspace/decisions/new".into(), format!("meeting_id={}&number={}&text.en=Matrix", f.meeting, 100 + tag.len()), Rule::Coordination),
        "POST /workspace/decisions/{id}" => form(format!("/workspace/decisions/{}", f.decision), format!("meeting_id={}&number=1&text.en=Matrix+decision", f.meeting), Rule::Coordination),
        "POST /workspace/action-items/new" => form("/workspace/action-items/new".into(), format!("meeting_id={}&title.en=Matrix+action+form+{tag}&owner_organisation_id={}&owner_person=P&deadline=2030-06-30&status=open", f.meeting, f.owner), Rule::Owner),
        "POST /workspace/action-items/{id}" => form(format!("/workspace/action-items/{}", f.action_item), format!("meeting_id={}&title.en=Matrix+action&owner_organisation_id={}&owner_person=Matrix+person&deadline=2030-06-30&status=in_progress", f.meeting, f.owner), Rule::Owner),
        // Reports are the coordinators': written, and published as frozen versions.
        "POST /api/v1/reports" => json("/api/v1/reports".into(), report_body(&format!("Matrix report {tag}")), Rule::Coordination),
        "PUT /api/v1/reports/{id}" => json(format!("/api/v1/reports/{}", f.report), report_body("Matrix report"), Rule::Coordination),
        "POST /api/v1/reports/{id}/publish" => json(format!("/api/v1/reports/{}/publish", f.report), json!({}), Rule::Coordination),
        "POST /workspace/reports/new" => form("/workspace/reports/new".into(), format!("title.en=Matrix+report+{tag}&period_start=2021-01-01&period_end=2023-12-31&languages[]=en"), Rule::Coordination),
        "POST /workspace/reports/{id}" => form(format!("/workspace/reports/{}", f.report), format!("title.en=Matrix+report&period_start=2021-01-01&period_end=2023-12-31&languages[]=en{}", report_form_texts()), Rule::Coordination),
        "POST /workspace/reports/{id}/publish" => form(format!("/workspace/reports/{}/publish", f.report), String::new(), Rule::Coordination),
        "POST /api/v1/places" => json(
            "/api/v1/places".into(),
            json!({"level": "settlement", "parent_id": f.district, "name": {"en": format!("Matrix village {tag}")}, "point": {"lon": 78.5, "lat": 50.8}}),
            Rule::Coordination,
        ),
        // An IATI file writes shared data of many owners at once: coordinators only.
        "POST /api/v1/iati/activities" => Call {
            path: "/api/v1/iati/activities".into(),
            json: None,
            form: None,
            raw: Some(("application/xml".into(), format!(
                r#"<iati-activities version="2.03"><iati-activity default-currency="USD"><iati-identifier>XM-MATRIX-IATI-{tag}</iati-identifier><reporting-org ref="XM-MATRIX" type="40"><narrative>Matrix agency</narrative></reporting-org><title><narrative>Matrix</narrative></title><activity-status code="2"/><sector vocabulary="1" code="12220"/></iati-activity></iati-activities>"#
            ).into_bytes())),
            rule: Rule::Coordination,
        },
        "POST /api/v1/exchange-rates" => json("/api/v1/exchange-rates".into(), json!([{"currency": "EUR", "date": "2024-06-01", "per_usd": "0.93", "source": format!("matrix {tag}")}]), Rule::Coordination),
        "POST /workspace/organisations/new" => form("/workspace/organisations/new".into(), format!("name.en=Form+org+{tag}&org_type=22&country=KZ"), Rule::Coordination),
        "POST /workspace/organisations/{id}" => form(format!("/workspace/organisations/{}", f.owner), "name.en=Owner+organisation&org_type=22&country=KZ".into(), Rule::Owner),
        "POST /workspace/programmes/new" => form("/workspace/programmes/new".into(), form_programme, Rule::Owner),
        "POST /workspace/programmes/{id}" => form(
            format!("/workspace/programmes/{p}"),
            format!("iati_identifier=XM-MATRIX-P&title.en=XM-MATRIX-P&status=2&areas[]=health&sectors[0].vocabulary=dac5&sectors[0].code=12220&sectors[0].percentage=100&reporting_org_id={}", f.owner),
            Rule::Owner,
        ),
        "POST /workspace/services/new" => form(
            "/workspace/services/new".into(),
            format!("organisation_id={}&name.en=Form+service+{tag}&category=legal_aid&last_verified=2026-11-01&locations[0].address=Semey", f.owner),
            Rule::Owner,
        ),
        "POST /workspace/services/{id}" => form(
            format!("/workspace/services/{}", f.service),
            format!("organisation_id={}&name.en=Matrix+service&category=legal_aid&last_verified=2026-11-01&locations[0].address=Semey", f.owner),
            Rule::Owner,
        ),
        "POST /workspace/results/new" => form(
            "/workspace/results/new".into(),
            format!("programme_id={p}&result_type=output&title.en=Form+result+{tag}&indicators[0].title.en=Form+indicator&indicators[0].measure=unit&indicators[0].baseline.year=2023"),
            Rule::Owner,
        ),
        "POST /workspace/results/{id}" => form(
            format!("/workspace/results/{}", f.result),
            format!("programme_id={p}&result_type=output&title.en=Matrix+result&indicators[0].id={}&indicators[0].title.en=Matrix+indicator&indicators[0].measure=unit&indicators[0].baseline.year=2023&indicators[0].baseline.value=0", f.indicator),
            Rule::Owner,
        ),
        "POST /workspace/indicators/{id}/values" => form(
            format!("/workspace/indicators/{}/values", f.indicator),
            format!("c0.start=20{0}-01-01&c0.end=20{0}-12-31&c0.target.value=5", 40 + tag.len()),
            Rule::Owner,
        ),
        "POST /workspace/requirements/new" => form("/workspace/requirements/new".into(), form_req, Rule::Owner),
        "POST /workspace/requirements/{id}" => form(
            format!("/workspace/requirements/{}", f.requirement),
            format!("programme_id={p}&period_start=2026-01-01&period_end=2026-12-31&amount=900&currency=USD"),
            Rule::Owner,
        ),
        "POST /workspace/contributions/new" => form(
            "/workspace/contributions/new".into(),
            format!("programme_id={p}&reference=FORM-{tag}&category=equipment&provider_org_id={}&date=2025-02-01&description=Form+kit&quantity=2&unit=units&value=300&currency=USD", f.owner),
            Rule::Owner,
        ),
        "POST /workspace/contributions/{id}" => form(
            format!("/workspace/contributions/{}", f.contribution),
            format!("programme_id={p}&reference=MATRIX-C&category=training&provider_org_id={}&date=2025-03-01&description=Matrix+course&quantity=12&unit=trainees&value=900&currency=USD", f.owner),
            Rule::Owner,
        ),
        "POST /workspace/transactions/new" => form("/workspace/transactions/new".into(), form_tx, Rule::Owner),
        "POST /workspace/transactions/{id}" => form(
            format!("/workspace/transactions/{}", f.transaction),
            format!("programme_id={p}&reference=MATRIX-T&transaction_type=11&date=2025-02-01&amount=500&currency=USD"),
            Rule::Owner,
        ),
        // One's own account: a wrong current password is refused as such (422), a token made.
        "POST /workspace/account/password" => form(
            "/workspace/account/password".into(),
            format!("current={}&new=a+new+long+password", password_of(who).replace(' ', "+")),
            Rule::SignedIn,
        ),
        "POST /workspace/account/tokens" => form("/workspace/account/tokens".into(), format!("name=matrix+{tag}&days=30"), Rule::SignedIn),
        // Someone else's token: only an administrator may revoke it.
        "POST /workspace/account/tokens/{id}/revoke" => form(format!("/workspace/account/tokens/{}/revoke", f.admin_token_id), String::new(), Rule::Administration),
        "POST /workspace/users" => form(
            "/workspace/users".into(),
            format!("email=new-{}%40m.test&name=New&role=viewer&organisation={}&password=a+long+enough+password", tag.to_lowercase(), f.owner),
            Rule::Administration,
        ),
        "POST /workspace/users/{id}/membership" => form(
            format!("/workspace/users/{}/membership", f.spare_user),
            format!("role=editor&organisation={}", f.owner),
            Rule::Administration,
        ),
        "POST /workspace/users/{id}/disable" => form(format!("/workspace/users/{}/disable", f.spare_user), String::new(), Rule::Administration),
        "POST /workspace/users/{id}/enable" => form(format!("/workspace/users/{}/enable", f.spare_user), String::new(), Rule::Administration),
        // The workflow: each caller submits and edits drafts of its own, so every allowed step
        // succeeds and every other is refused.
        "POST /api/v1/proposals/{id}/{step}" => json(format!("/api/v1/proposals/{}/submit", draft_of(f, who).0), json!({}), Rule::Owner),
        "POST /workspace/proposals/{id}/edit" => form(
            format!("/workspace/proposals/{}/edit", draft_of(f, who).1),
            format!("iati_identifier=XM-MATRIX-DRAFT&title.en=Changed+{tag}&status=2&areas[]=health&sectors[0].vocabulary=dac5&sectors[0].code=12220&sectors[0].percentage=100&reporting_org_id={}", f.owner),
            Rule::Owner,
        ),
        "POST /workspace/proposals/{id}/{step}" => form(format!("/workspace/proposals/{}/submit", draft_of(f, who).1), String::new(), Rule::Owner),
        _ => return None,
    })
}

/// Every mutating route the router has.
fn mutating_routes() -> BTreeSet<String> {
    let mut routes = BTreeSet::new();
    for (path, item) in semey::api::openapi().paths.paths {
        for (method, op) in [
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ] {
            if op.is_some() {
                routes.insert(format!("{method} {path}"));
            }
        }
    }
    // The workspace's routes that take posts: its record forms, the workflow's steps and
    // edits, one's own account's and the administrators' actions.
    for r in semey::workspace::form_routes() {
        routes.insert(format!("POST {}", r.path));
    }
    for r in semey::workspace::account_routes()
        .into_iter()
        .filter(|r| !r.page)
    {
        routes.insert(format!("POST {}", r.path));
    }
    for r in semey::workspace::admin_routes() {
        routes.insert(format!("POST {}", r.path));
    }
    for r in semey::workspace::proposal_routes() {
        if r.path.ends_with("{step}") || r.path.ends_with("/edit") {
            routes.insert(format!("POST {}", r.path));
        }
    }
    routes
}

on_both_backends! {
    async fn every_mutating_route_answers_each_role_as_it_should(app: TestApp) {
        let app = app.with_demo().await;
        let f = fixture(&app).await;
        let routes = mutating_routes();
        assert!(routes.len() >= 17, "{routes:?}");
        for route in &routes {
            let (method, _) = route.split_once(' ').unwrap();
            for who in EVERYONE {
                let c = call(route, &f, who).unwrap_or_else(|| panic!("no permission entry for {route}: add it to the matrix"));
                let token = f.tokens.iter().find(|(w, _)| *w == who).unwrap().1.clone();
                let mut request = app.call(Method::from_bytes(method.as_bytes()).unwrap(), &c.path);
                if let Some(t) = &token {
                    request = request.token(t);
                }
                request = match (&c.json, &c.form) {
                    (Some(j), _) => request.json(j),
                    (_, Some(form)) => request.body(
                        "application/x-www-form-urlencoded",
                        form.replace('[', "%5B").replace(']', "%5D").into_bytes(),
                    ),
                    _ => match &c.raw {
                        Some((media, body)) => request.body(media, body.clone()),
                        None => request,
                    },
                };
                let allowed = c.rule.allows(who);
                let before = if allowed { Vec::new() } else { app.content().await };
                let answer = request.send().await;
                let (status, text) = (answer.status, answer.text());
                if allowed {
                    // Allowed means done: not refused for another reason (409, 422) either.
                    assert!(
                        matches!(status, StatusCode::OK | StatusCode::CREATED | StatusCode::ACCEPTED | StatusCode::SEE_OTHER),
                        "{route} as {who:?}: {status} {}", text.chars().take(300).collect::<String>()
                    );
                } else {
                    let expected = if who == Who::Public { StatusCode::UNAUTHORIZED } else { StatusCode::FORBIDDEN };
                    assert_eq!(status, expected, "{route} as {who:?}: {}", text.chars().take(300).collect::<String>());
                    assert!(app.content().await == before, "{route} as {who:?} was refused but changed the database");
                }
            }
        }
    }
}
