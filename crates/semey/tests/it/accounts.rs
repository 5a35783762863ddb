//! Accounts, roles, sessions, tokens, the audit trail and the security layer, over HTTP, on
//! both backends.

use crate::support::TestApp;
use axum::http::{header, Method, StatusCode};
use semey::accounts::{self, Actor};
use semey_domain::access::Role;
use semey_domain::ids::OrganisationId;
use semey_store::{AuditFilter, Page};
use serde_json::json;

const PASSWORD: &str = "a long enough secret phrase";

/// The security events of one action, and how many times they happened in all.
async fn events(app: &TestApp, action: &str) -> (Vec<semey_store::SecurityEvent>, i64) {
    let rows = app
        .store()
        .list_security_events(Some(action), 10_000)
        .await
        .unwrap();
    let total = rows.iter().map(|e| e.count).sum();
    (rows, total)
}

/// A user with this role in this organisation, and an API token of theirs.
async fn member(app: &TestApp, email: &str, role: Role, org: Option<OrganisationId>) -> String {
    let org = org.map(|o| o.to_string());
    app.user(email, role, org.as_deref()).await.token
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(
    app: &TestApp,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut call = app.call(method.clone(), uri);
    for (k, v) in headers {
        call = call.header(k, v);
    }
    // As a browser does: an unsafe request says where it comes from (a test that needs a
    // request saying nothing, or another site, names its headers itself).
    let says = headers
        .iter()
        .any(|(k, _)| *k == "origin" || *k == "sec-fetch-site");
    if method != Method::GET && !says {
        call = call.header("sec-fetch-site", "same-origin");
    }
    let answer = call.body_text(body).send().await;
    Reply {
        status: answer.status,
        body: answer.text(),
        headers: answer.headers,
    }
}

async fn sign_in(app: &TestApp, email: &str, password: &str, cookie: Option<&str>) -> Reply {
    let form = format!(
        "email={}&password={}&next=%2Fworkspace",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
    if let Some(c) = cookie {
        headers.push(("cookie", c));
    }
    send(app, Method::POST, "/signin?lang=en", &headers, &form).await
}

fn session_of(r: &Reply) -> String {
    let set = r.headers[header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

fn programme(identifier: &str, reporting: &OrganisationId) -> serde_json::Value {
    json!({
        "iati_identifier": identifier,
        "title": {"en": identifier},
        "status": 2,
        "areas": ["health"],
        "sectors": [{"vocabulary": "dac5", "code": "12220", "percentage": 100}],
        "reporting_org_id": reporting,
    })
}

on_both_backends! {
    /// Who may create and change a programme: the public and viewers never, an editor only for
    /// their own organisation, coordinators for anyone. Each refusal changes nothing.
    async fn roles_decide_who_writes_what(app: TestApp) {
        let app = app.with_demo().await;
        let (_, orgs) = app.get("/api/v1/organisations?limit=2").await;
        let mine: OrganisationId = orgs["items"][0]["id"].as_str().unwrap().parse().unwrap();
        let theirs: OrganisationId = orgs["items"][1]["id"].as_str().unwrap().parse().unwrap();
        let editor = member(&app, "editor@org.test", Role::Editor, Some(mine)).await;
        let viewer = member(&app, "viewer@org.test", Role::Viewer, Some(mine)).await;
        let coordinator = member(&app, "coordinator@mech.test", Role::Coordinator, None).await;
        let before = app.count("programmes").await;
        let body = |id: &str, owner: &OrganisationId| Some(programme(id, owner).to_string());

        let (s, b) = app.request_as(None, Method::POST, "/api/v1/programmes", body("XM-ANON-1", &mine)).await;
        assert_eq!((s, b["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
        let (s, _) = app.request_as(Some(&viewer), Method::POST, "/api/v1/programmes", body("XM-VIEW-1", &mine)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app.request_as(Some(&editor), Method::POST, "/api/v1/programmes", body("XM-OTHER-1", &theirs)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "an editor cannot report for another organisation");
        assert_eq!(app.count("programmes").await, before, "nothing stored by the refused calls");

        // An editor's programme is a proposal, submitted for approval; the public does not see it
        // until a coordinator approves and publishes it.
        let (s, proposed) = app.request_as(Some(&editor), Method::POST, "/api/v1/programmes", body("XM-MINE-1", &mine)).await;
        assert_eq!((s, proposed["state"].as_str()), (StatusCode::ACCEPTED, Some("submitted")), "{proposed}");
        assert_eq!(app.count("programmes").await, before, "not published yet");
        let pid = proposed["id"].as_str().unwrap();
        let step = |who: &str, step: &str| {
            let (who, uri) = (who.to_owned(), format!("/api/v1/proposals/{pid}/{step}"));
            let app = &app;
            async move { app.request_as(Some(&who), Method::POST, &uri, Some("{}".into())).await }
        };
        assert_eq!(step(&editor, "approve").await.0, StatusCode::FORBIDDEN, "an editor does not approve");
        assert_eq!(step(&coordinator, "publish").await.0, StatusCode::CONFLICT, "not approved yet");
        assert_eq!(step(&coordinator, "approve").await.0, StatusCode::OK);
        let (s, published) = step(&coordinator, "publish").await;
        assert_eq!(s, StatusCode::OK, "{published}");
        let id = published["published_id"].as_str().unwrap().to_owned();
        let id = id.as_str();
        let (_, public) = app.request_as(None, Method::GET, &format!("/api/v1/programmes/{id}"), None).await;
        assert_eq!(public["iati_identifier"], "XM-MINE-1", "published for everyone");
        let (s, _) = app.request_as(Some(&coordinator), Method::POST, "/api/v1/programmes", body("XM-COORD-1", &theirs)).await;
        assert_eq!(s, StatusCode::CREATED);

        let (refused, _) = events(&app, "refused").await;
        assert!(refused.iter().any(|e| e.target == "/api/v1/programmes" && e.user_id.is_some()
            && e.detail.as_deref().is_some_and(|d| d.starts_with("token:"))),
            "a refusal of someone signed in is a security event: {refused:?}");
        // Handing one's programme to another organisation is not an editor's to do.
        let (s, _) = app.request_as(Some(&editor), Method::PUT, &format!("/api/v1/programmes/{id}"), body("XM-MINE-1", &theirs)).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, p) = app.get(&format!("/api/v1/programmes/{id}")).await;
        assert_eq!(p["reporting_org_id"], mine.to_string());

        // Money follows the programme's owner.
        let tx = json!({"programme_id": id, "transaction_type": 11, "date": "2025-01-10", "amount": "1000", "currency": "USD"});
        let (s, _) = app.request_as(Some(&viewer), Method::POST, "/api/v1/transactions", Some(tx.to_string())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, b) = app.request_as(Some(&editor), Method::POST, "/api/v1/transactions", Some(tx.to_string())).await;
        assert_eq!((s, b["record_type"].as_str()), (StatusCode::ACCEPTED, Some("transaction")), "{b}");
        // Only coordinators add organisations or exchange rates.
        let org = json!({"name": {"en": "New NGO"}, "org_type": 22, "country": "KZ"});
        let (s, _) = app.request_as(Some(&editor), Method::POST, "/api/v1/organisations", Some(org.to_string())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = app.request_as(Some(&coordinator), Method::POST, "/api/v1/organisations", Some(org.to_string())).await;
        assert_eq!(s, StatusCode::CREATED);
        let rates = json!([{"currency": "EUR", "date": "2025-01-01", "per_usd": "0.95", "source": "test"}]);
        let (s, _) = app.request_as(Some(&editor), Method::POST, "/api/v1/exchange-rates", Some(rates.to_string())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}

on_both_backends! {
    /// Every change leaves exactly one audit line per changed record, with who, how, the old and
    /// the new value; recording the same thing again leaves none.
    async fn changes_are_audited_with_old_and_new_values(app: TestApp) {
        let app = app.with_demo().await;
        let (_, orgs) = app.get("/api/v1/organisations?limit=1").await;
        let owner: OrganisationId = orgs["items"][0]["id"].as_str().unwrap().parse().unwrap();
        let audit = |id: String| {
            let store = app.store().clone();
            async move {
                store
                    .list_audit(&AuditFilter { record_id: Some(id), ..Default::default() }, Page::new(Some(100), None))
                    .await
                    .unwrap()
            }
        };
        let (s, p) = app.post("/api/v1/programmes", programme("XM-AUDIT-1", &owner)).await;
        assert_eq!(s, StatusCode::CREATED);
        let id = p["id"].as_str().unwrap().to_owned();
        let lines = audit(id.clone()).await;
        assert_eq!(lines.len(), 1);
        assert_eq!((lines[0].action.as_str(), lines[0].record_type.as_str()), ("create", "programme"));
        assert!(lines[0].via.starts_with("token:") && lines[0].user_id.is_some());
        assert!(lines[0].old_value.is_none() && lines[0].new_value.as_deref().unwrap().contains("XM-AUDIT-1"));

        let mut changed = programme("XM-AUDIT-1", &owner);
        changed["title"] = json!({"en": "Renamed"});
        let (s, _) = app.put(&format!("/api/v1/programmes/{id}"), changed.clone()).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = app.put(&format!("/api/v1/programmes/{id}"), changed).await;
        assert_eq!(s, StatusCode::OK);
        let lines = audit(id.clone()).await;
        assert_eq!(lines.len(), 2, "the same content again is no change");
        assert_eq!(lines[0].action, "update");
        assert!(lines[0].old_value.as_deref().unwrap().contains(r#""en":"XM-AUDIT-1""#), "the old title");
        assert!(lines[0].new_value.as_deref().unwrap().contains("Renamed"));

        let tx = json!({"programme_id": id, "reference": "A-1", "transaction_type": 11, "date": "2025-01-10", "amount": "10", "currency": "USD"});
        let (_, t) = app.post("/api/v1/transactions", tx.clone()).await;
        let (_, _) = app.post("/api/v1/transactions", tx).await;
        assert_eq!(audit(t["id"].as_str().unwrap().to_owned()).await.len(), 1, "one line for one change");
    }
}

on_both_backends! {
    /// Signing in: one message for a wrong password and an unknown address, each failure
    /// audited, a lock-out after five, a new session at every sign-in, secure cookie flags,
    /// sign-out and a tampered cookie leave nobody signed in.
    async fn sign_in_sessions_and_lock_out(app: TestApp) {
        let cli = Actor::command_line();
        accounts::create_user(app.store(), &cli, "Aigerim@Semey.test", "Aigerim", PASSWORD.into(), false, Some((Role::Coordinator, None)))
            .await
            .unwrap();
        let wrong = sign_in(&app, "aigerim@semey.test", "not the password", None).await;
        let unknown = sign_in(&app, "nobody@semey.test", PASSWORD, None).await;
        assert_eq!((wrong.status, unknown.status), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
        assert!(wrong.body.contains("The e-mail or the password is wrong"));
        let strip = |b: &str| b.replace("aigerim@semey.test", "").replace("nobody@semey.test", "");
        assert_eq!(strip(&wrong.body), strip(&unknown.body), "the same page for an unknown address");
        assert_eq!(events(&app, "sign_in_failed").await.1, 2);

        // Signing in (address in any case) gives a fresh session cookie with the right flags.
        let first = sign_in(&app, "AIGERIM@semey.test", PASSWORD, None).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER);
        let set = first.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Secure"), "{set}");
        let cookie = session_of(&first);
        let page = send(&app, Method::GET, "/workspace", &[("cookie", &cookie)], "").await;
        assert_eq!(page.status, StatusCode::OK);
        // Signing in again from the same browser rotates the session: the old one ends.
        let second = sign_in(&app, "aigerim@semey.test", PASSWORD, Some(&cookie)).await;
        let cookie2 = session_of(&second);
        assert_ne!(cookie, cookie2);
        let old = send(&app, Method::GET, "/workspace", &[("cookie", &cookie)], "").await;
        assert_eq!(old.status, StatusCode::SEE_OTHER, "the earlier session is over");
        assert!(old.headers[header::LOCATION].to_str().unwrap().starts_with("/signin?next=%2Fworkspace"));
        // A tampered cookie is nobody.
        let tampered = format!("{}0", cookie2);
        let r = send(&app, Method::GET, "/workspace", &[("cookie", &tampered)], "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // Sign-out ends the session.
        let out = send(&app, Method::POST, "/signout", &[("cookie", &cookie2)], "").await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        let r = send(&app, Method::GET, "/workspace", &[("cookie", &cookie2)], "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        // Five wrong passwords lock the account: then even the right one is refused for a while.
        for _ in 0..5 {
            sign_in(&app, "aigerim@semey.test", "guess", None).await;
        }
        let locked = sign_in(&app, "aigerim@semey.test", PASSWORD, None).await;
        assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
        assert!(locked.body.contains("closed for a while"));
    }
}

on_both_backends! {
    /// An idle session ends; revoked and expired tokens are refused.
    async fn expired_sessions_and_revoked_tokens(app: TestApp) {
        let cli = Actor::command_line();
        let id = accounts::create_user(app.store(), &cli, "idle@semey.test", "Idle", PASSWORD.into(), false, Some((Role::Coordinator, None)))
            .await
            .unwrap();
        let r = sign_in(&app, "idle@semey.test", PASSWORD, None).await;
        let cookie = session_of(&r);
        let r = send(&app, Method::GET, "/workspace", &[("cookie", &cookie)], "").await;
        assert_eq!(r.status, StatusCode::OK);
        // The same platform configured to end sessions after zero idle minutes.
        let strict = semey::AppState {
            config: std::sync::Arc::new(semey::Config { session_idle_minutes: 0, ..(*app.state.config).clone() }),
            ..app.state.clone()
        };
        let resp = app.call(Method::GET, "/workspace").cookie(&cookie).on(strict).send().await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "an idle session is over");

        let user = app.store().user(id).await.unwrap();
        let (token_id, token) = accounts::issue_token(app.store(), &cli, &user, "robot", time::Duration::days(30)).await.unwrap();
        let (s, _) = app.request_as(Some(&token), Method::POST, "/api/v1/organisations", Some(json!({"name": {"en": "X"}, "org_type": 22, "country": "KZ"}).to_string())).await;
        assert_eq!(s, StatusCode::CREATED);
        accounts::revoke_token(app.store(), &cli, token_id).await.unwrap();
        let before = app.count("organisations").await;
        let (s, _) = app.request_as(Some(&token), Method::POST, "/api/v1/organisations", Some(json!({"name": {"en": "Y"}, "org_type": 22, "country": "KZ"}).to_string())).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (_, expired) = accounts::issue_token(app.store(), &cli, &user, "old", time::Duration::seconds(-1)).await.unwrap();
        let (s, _) = app.request_as(Some(&expired), Method::POST, "/api/v1/organisations", Some(json!({"name": {"en": "Z"}, "org_type": 22, "country": "KZ"}).to_string())).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let (s, _) = app.request_as(Some("semey_made-up"), Method::GET, "/api/v1/organisations", None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(events(&app, "invalid_token").await.1, 3, "revoked, expired, made up");
        assert_eq!(app.count("organisations").await, before, "nothing stored");
    }
}

on_both_backends! {
    /// A form posted from another site is refused and audited; pages carry the security
    /// headers.
    async fn cross_site_posts_are_refused_and_pages_have_security_headers(app: TestApp) {
        let bearer = format!("Bearer {}", app.admin_token);
        let r = send(&app, Method::POST, "/workspace/organisations/new", &[
            ("host", "semey.example"), ("origin", "https://evil.example"), ("authorization", &bearer),
            ("content-type", "application/x-www-form-urlencoded"),
        ], "name.en=Evil&org_type=22&country=KZ").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r2 = send(&app, Method::POST, "/signout", &[("sec-fetch-site", "cross-site")], "").await;
        assert_eq!(r2.status, StatusCode::FORBIDDEN);
        assert_eq!(events(&app, "cross_site_request_refused").await.1, 2);
        assert!(!app.store().list_organisations(&Default::default(), Page::new(Some(100), None)).await.unwrap().0
            .iter().any(|o| o.name.best(semey_domain::Lang::En) == Some("Evil")));
        // The same post from the site itself goes through.
        let ok = send(&app, Method::POST, "/workspace/organisations/new", &[
            ("host", "semey.example"), ("origin", "https://semey.example"), ("authorization", &bearer),
            ("content-type", "application/x-www-form-urlencoded"),
        ], "name.en=Fine&org_type=22&country=KZ").await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);

        let home = send(&app, Method::GET, "/", &[], "").await;
        let csp = home.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(home.headers["x-content-type-options"], "nosniff");
        assert_eq!(home.headers["x-frame-options"], "DENY");
        assert_eq!(home.headers["strict-transport-security"], "max-age=31536000", "cookies are secure: HTTPS only");
    }
}

on_both_backends! {
    /// Requests that could come from a form on another site are refused: an unsafe request
    /// signed in by its session cookie that says neither its origin nor its site, and a JSON
    /// body not sent as JSON (a `text/plain` form needs no permission from the browser).
    /// Nothing is stored.
    async fn requests_another_site_could_forge_are_refused(app: TestApp) {
        let cli = Actor::command_line();
        accounts::create_user(app.store(), &cli, "forms@semey.test", "Forms", PASSWORD.into(), false, Some((Role::Coordinator, None)))
            .await
            .unwrap();
        let cookie = session_of(&sign_in(&app, "forms@semey.test", PASSWORD, None).await);
        let before = app.count("organisations").await;
        let form = "name.en=Unsure&org_type=22&country=KZ";
        let blind = app.call(Method::POST, "/workspace/organisations/new").header("host", "semey.example").cookie(&cookie)
            .header("content-type", "application/x-www-form-urlencoded").body_text(form).send().await;
        assert_eq!(blind.status, StatusCode::FORBIDDEN, "{}", blind.text());
        for proof in [("origin", "https://semey.example"), ("sec-fetch-site", "same-origin")] {
            let ok = send(&app, Method::POST, "/workspace/organisations/new", &[
                ("host", "semey.example"), ("cookie", &cookie), ("content-type", "application/x-www-form-urlencoded"), proof,
            ], form).await;
            assert_eq!(ok.status, StatusCode::SEE_OTHER, "{proof:?}: {}", ok.body);
        }
        assert_eq!(app.count("organisations").await, before + 2);

        let body = json!({"name": {"en": "Plain"}, "org_type": 22, "country": "KZ"}).to_string();
        for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
            let mut call = app.call(Method::POST, "/api/v1/organisations").token(&app.admin_token);
            if let Some(t) = content_type {
                call = call.header("content-type", t);
            }
            let r = call.body_text(&body).send().await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{content_type:?}");
            assert_eq!(r.json()["code"], "json_required", "{content_type:?}");
        }
        let r = app.call(Method::POST, "/api/v1/organisations").token(&app.admin_token)
            .header("content-type", "application/json; charset=utf-8").body_text(&body).send().await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert_eq!(app.count("organisations").await, before + 3);
    }
}

on_both_backends! {
    /// Coordinators browse the audit trail with filters and export it as CSV; editors are
    /// refused with a page in their language.
    async fn coordinators_browse_and_export_the_audit_trail(app: TestApp) {
        let app = app.with_demo().await;
        let (_, orgs) = app.get("/api/v1/organisations?limit=1").await;
        let owner: OrganisationId = orgs["items"][0]["id"].as_str().unwrap().parse().unwrap();
        let (_, p) = app.post("/api/v1/programmes", programme("XM-AUDIT-CSV", &owner)).await;
        let id = p["id"].as_str().unwrap();
        let bearer = format!("Bearer {}", app.admin_token);
        let page = send(&app, Method::GET, &format!("/workspace/audit?record_id={id}&lang=en"), &[("authorization", &bearer)], "").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Audit trail") && page.body.contains("XM-AUDIT-CSV"));
        let csv = send(&app, Method::GET, &format!("/workspace/audit.csv?record_id={id}"), &[("authorization", &bearer)], "").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
        let mut rows = csv::Reader::from_reader(csv.body.as_bytes());
        let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 1, "one change to this programme");
        assert_eq!(&records[0][5], "create");
        assert_eq!(&records[0][7], id);
        // The whole trail, streamed in batches, has every line; the page lists security events.
        let all = send(&app, Method::GET, "/workspace/audit.csv", &[("authorization", &bearer)], "").await;
        let lines = csv::Reader::from_reader(all.body.as_bytes()).records().count();
        let stored = app.store().list_audit(&AuditFilter::default(), Page::new(Some(Page::MAX_LIMIT), None)).await.unwrap();
        assert!(lines >= stored.len() && lines > 1, "{lines} lines of {}", stored.len());
        app.request_as(Some("semey_made-up"), Method::GET, "/api/v1/programmes", None).await;
        let page = send(&app, Method::GET, "/workspace/audit?lang=en", &[("authorization", &bearer)], "").await;
        assert!(page.body.contains("Security events") && page.body.contains("invalid_token"), "{}", page.body);

        let editor = member(&app, "ed@org.test", Role::Editor, Some(owner)).await;
        let refused = send(&app, Method::GET, "/workspace/audit?lang=ru", &[("authorization", &format!("Bearer {editor}"))], "").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains("Действие не разрешено"), "{}", refused.body);
    }
}

on_both_backends! {
    /// One address cannot try sign-ins without end, whichever server it reaches: 30 attempts at
    /// once, half to a second server on the same database, are 20 refused passwords and 10 told
    /// to wait, and the waits are counted as security events.
    async fn sign_in_attempts_are_limited_per_address_across_servers(app: TestApp) {
        let other = semey::AppState::open(app.state.config.as_ref().clone()).await.unwrap();
        let attempts = (0..30).map(|i| {
            let form = format!("email=nobody{i}%40semey.test&password=whatever&next=%2Fworkspace");
            let call = app
                .call(Method::POST, "/signin?lang=en")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body_text(&form);
            let call = if i % 2 == 0 { call } else { call.on(other.clone()) };
            async move { call.send().await.status }
        });
        let statuses = futures_util::future::join_all(attempts).await;
        let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count() as i64;
        assert_eq!(count(StatusCode::UNAUTHORIZED), semey::accounts::limiter::LIMIT, "{statuses:?}");
        assert_eq!(count(StatusCode::TOO_MANY_REQUESTS), 30 - semey::accounts::limiter::LIMIT, "{statuses:?}");
        assert_eq!(events(&app, "sign_in_rate_limited").await.1, 30 - semey::accounts::limiter::LIMIT);
    }
}

on_both_backends! {
    /// The account page: a new password needs the current one and ends every session; a token
    /// is shown once, works, and stops working when revoked.
    async fn the_account_page_changes_the_password_and_manages_tokens(app: TestApp) {
        let cli = Actor::command_line();
        accounts::create_user(app.store(), &cli, "self@semey.test", "Self", PASSWORD.into(), false, Some((Role::Coordinator, None)))
            .await
            .unwrap();
        let cookie = session_of(&sign_in(&app, "self@semey.test", PASSWORD, None).await);
        let form = "application/x-www-form-urlencoded";
        let page = send(&app, Method::GET, "/workspace/account?lang=kk", &[("cookie", &cookie)], "").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("self@semey.test") && page.body.contains("Үйлестіруші"));

        let made = send(&app, Method::POST, "/workspace/account/tokens?lang=en", &[("cookie", &cookie), ("content-type", form)], "name=loader&days=30").await;
        assert_eq!(made.status, StatusCode::OK);
        let secret = made.body.split(r#"<code id="new-token">"#).nth(1).unwrap().split('<').next().unwrap().to_owned();
        assert!(secret.starts_with("semey_"));
        let (s, _) = app.request_as(Some(&secret), Method::GET, "/api/v1/organisations?limit=1", None).await;
        assert_eq!(s, StatusCode::OK);
        let again = send(&app, Method::GET, "/workspace/account", &[("cookie", &cookie)], "").await;
        assert!(!again.body.contains(&secret), "the secret is shown once");
        let id = again.body.split("/workspace/account/tokens/").nth(1).unwrap().split('/').next().unwrap().to_owned();
        let revoked = send(&app, Method::POST, &format!("/workspace/account/tokens/{id}/revoke"), &[("cookie", &cookie)], "").await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER);
        let (s, _) = app.request_as(Some(&secret), Method::GET, "/api/v1/organisations?limit=1", None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);

        let wrong = send(&app, Method::POST, "/workspace/account/password?lang=en", &[("cookie", &cookie), ("content-type", form)], "current=nope&new=a+brand+new+password").await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("The current password is not right"));
        let changed = send(&app, Method::POST, "/workspace/account/password", &[("cookie", &cookie), ("content-type", form)],
            &format!("current={}&new=a+brand+new+password", PASSWORD.replace(' ', "+"))).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER);
        let after = send(&app, Method::GET, "/workspace", &[("cookie", &cookie)], "").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER, "the session ended with the new password");
        assert_eq!(sign_in(&app, "self@semey.test", "a brand new password", None).await.status, StatusCode::SEE_OTHER);
    }
}

on_both_backends! {
    /// Administrators add accounts, give them a role in an organisation and disable them; the
    /// new account signs in with the first password it was given.
    async fn administrators_manage_accounts_and_memberships(app: TestApp) {
        let app = app.with_demo().await;
        let (_, orgs) = app.get("/api/v1/organisations?limit=1").await;
        let org = orgs["items"][0]["id"].as_str().unwrap().to_owned();
        let bearer = format!("Bearer {}", app.admin_token);
        let form = "application/x-www-form-urlencoded";
        let page = send(&app, Method::GET, "/workspace/users?lang=ru", &[("authorization", &bearer)], "").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Учётные записи") && page.body.contains("admin@semey.test"));
        let added = send(&app, Method::POST, "/workspace/users", &[("authorization", &bearer), ("content-type", form)],
            &format!("email=dana%40akimat.kz&name=Dana&role=editor&organisation={org}&password=a+long+first+password")).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let dana = app.store().user_by_email("dana@akimat.kz").await.unwrap().unwrap();
        assert_eq!((dana.role, dana.organisation_id.map(|o| o.to_string())), (Some(Role::Editor), Some(org.clone())));
        assert_eq!(sign_in(&app, "dana@akimat.kz", "a long first password", None).await.status, StatusCode::SEE_OTHER);

        // An editor without an organisation, a short password, a taken address: refused, named.
        let bad = send(&app, Method::POST, "/workspace/users?lang=en", &[("authorization", &bearer), ("content-type", form)],
            "email=x%40y.kz&name=X&role=editor&organisation=&password=a+long+first+password").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let taken = send(&app, Method::POST, "/workspace/users?lang=en", &[("authorization", &bearer), ("content-type", form)],
            &format!("email=dana%40akimat.kz&name=D&role=viewer&organisation={org}&password=a+long+first+password")).await;
        assert!(taken.body.contains("There is already an account for this e-mail address."), "{}", taken.body);
        let short = send(&app, Method::POST, "/workspace/users?lang=en", &[("authorization", &bearer), ("content-type", form)],
            &format!("email=z%40y.kz&name=Z&role=viewer&organisation={org}&password=short")).await;
        assert!(short.body.contains("A password has at least 12 characters."));

        let moved = send(&app, Method::POST, &format!("/workspace/users/{}/membership", dana.id), &[("authorization", &bearer), ("content-type", form)], "role=coordinator&organisation=").await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER);
        assert_eq!(app.store().user(dana.id).await.unwrap().role, Some(Role::Coordinator));
        let off = send(&app, Method::POST, &format!("/workspace/users/{}/disable", dana.id), &[("authorization", &bearer)], "").await;
        assert_eq!(off.status, StatusCode::SEE_OTHER);
        assert_eq!(sign_in(&app, "dana@akimat.kz", "a long first password", None).await.status, StatusCode::UNAUTHORIZED);
    }
}

on_both_backends! {
    /// A form body larger than the configured limit is refused (413) and stores nothing.
    async fn oversized_bodies_are_refused(app: TestApp) {
        let bearer = format!("Bearer {}", app.admin_token);
        let before = app.count("organisations").await;
        let huge = format!("name.en={}&org_type=22&country=KZ", "x".repeat(app.state.config.max_body_bytes + 10));
        let r = send(&app, Method::POST, "/workspace/organisations/new", &[("authorization", &bearer), ("content-type", "application/x-www-form-urlencoded")], &huge).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        let r = send(&app, Method::POST, "/api/v1/organisations", &[("authorization", &bearer), ("content-type", "application/json")],
            &format!(r#"{{"name":{{"en":"{}"}},"org_type":22,"country":"KZ"}}"#, "x".repeat(app.state.config.max_body_bytes))).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.count("organisations").await, before);
    }
}

on_both_backends! {
    /// A token acts with its account's role and organisation as they are now: moving the
    /// account to another organisation or demoting it takes its tokens' powers with it;
    /// disabling the account revokes its tokens for good.
    async fn tokens_follow_their_accounts_current_role(app: TestApp) {
        let a = app.organisation("Org A", 80, "KZ").await;
        let b = app.organisation("Org B", 80, "KZ").await;
        let programme = app.programme("XM-TOK-1", json!({"reporting_org_id": a})).await;
        let editor = app.user("tok@a.test", Role::Editor, Some(&a)).await;
        let update = json!({"iati_identifier": "XM-TOK-1", "title": {"en": "Changed"}, "status": 2,
            "areas": ["health"], "sectors": [{"vocabulary": "dac5", "code": "12220", "percentage": 100}],
            "reporting_org_id": a});
        let put = |token: String| {
            let uri = format!("/api/v1/programmes/{programme}");
            let body = update.to_string();
            let app = &app;
            async move { app.request_as(Some(&token), Method::PUT, &uri, Some(body)).await.0 }
        };
        assert_eq!(put(editor.token.clone()).await, StatusCode::ACCEPTED);

        let admin = semey::accounts::Actor::command_line();
        semey::accounts::set_membership(app.store(), &admin, editor.id, Some((Role::Editor, Some(b.parse().unwrap())))).await.unwrap();
        assert_eq!(put(editor.token.clone()).await, StatusCode::FORBIDDEN, "now an editor of B");
        semey::accounts::set_membership(app.store(), &admin, editor.id, Some((Role::Viewer, Some(a.parse().unwrap())))).await.unwrap();
        assert_eq!(put(editor.token.clone()).await, StatusCode::FORBIDDEN, "now a viewer of A");

        semey::accounts::set_disabled(app.store(), &admin, editor.id, true).await.unwrap();
        assert_eq!(put(editor.token.clone()).await, StatusCode::UNAUTHORIZED);
        semey::accounts::set_disabled(app.store(), &admin, editor.id, false).await.unwrap();
        assert_eq!(put(editor.token.clone()).await, StatusCode::UNAUTHORIZED, "disabling revoked it for good");
        assert!(app.store().tokens_of(editor.id).await.unwrap().iter().all(|t| t.revoked_at.is_some()));
    }
}

on_both_backends! {
    /// Changing one's password can revoke every token at once.
    async fn a_new_password_can_revoke_every_token(app: TestApp) {
        let org = app.organisation("Org", 80, "KZ").await;
        let user = app.user("pw@org.test", Role::Viewer, Some(&org)).await;
        let (s, _) = app.request_as(Some(&user.token), Method::GET, "/api/v1/proposals", None).await;
        assert_eq!(s, StatusCode::OK);
        semey::accounts::set_password(app.store(), &user.actor, user.id, "another long secret phrase".into(), false).await.unwrap();
        let (s, _) = app.request_as(Some(&user.token), Method::GET, "/api/v1/proposals", None).await;
        assert_eq!(s, StatusCode::OK, "kept when not asked");
        semey::accounts::set_password(app.store(), &user.actor, user.id, "a third long secret phrase".into(), true).await.unwrap();
        let (s, _) = app.request_as(Some(&user.token), Method::GET, "/api/v1/proposals", None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
}

on_both_backends! {
    /// After signing in, only a path of this site is followed: a tab or a line break hidden in
    /// `next` (which browsers drop, or which cannot go in a header) sends the reader to the
    /// workspace, never off the site and never to an error; a path with Cyrillic letters is
    /// kept, percent-encoded.
    async fn after_sign_in_only_this_site_is_followed(app: TestApp) {
        let cli = Actor::command_line();
        accounts::create_user(app.store(), &cli, "next@semey.test", "Next", PASSWORD.into(), false, Some((Role::Coordinator, None)))
            .await
            .unwrap();
        for (next, expected) in [
            ("%2F%09%2Fevil.example", "/workspace"),
            ("%2F%0A%2Fevil.example", "/workspace"),
            ("%2Fplaces%0D%0ASet-Cookie%3A+x%3D1", "/workspace"),
            ("%2F%2Fevil.example", "/workspace"),
            ("https%3A%2F%2Fevil.example", "/workspace"),
            ("%2Fprogrammes%3Fq%3D%D0%A1%D0%B5%D0%BC%D0%B5%D0%B9", "/programmes?q=%D0%A1%D0%B5%D0%BC%D0%B5%D0%B9"),
        ] {
            let form = format!("email=next%40semey.test&password={}&next={next}", PASSWORD.replace(' ', "+"));
            let r = send(&app, Method::POST, "/signin?lang=en", &[("content-type", "application/x-www-form-urlencoded")], &form).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}: {}", r.body);
            assert_eq!(r.headers[header::LOCATION].to_str().unwrap(), expected, "{next}");
        }
    }
}

on_both_backends! {
    /// Wrong passwords tried in parallel each count: twenty at once leave twenty failures and
    /// the account locked.
    async fn parallel_wrong_passwords_each_count(app: TestApp) {
        let cli = Actor::command_line();
        accounts::create_user(app.store(), &cli, "target@semey.test", "Target", PASSWORD.into(), false, Some((Role::Coordinator, None)))
            .await
            .unwrap();
        let guesses = (0..20).map(|i| {
            let store = app.store().clone();
            async move { accounts::sign_in(&store, "target@semey.test", &format!("guess number {i}"), "192.0.2.7").await.unwrap() }
        });
        let answers = futures_util::future::join_all(guesses).await;
        assert!(answers.iter().all(|a| a.is_err()), "no guess signs in");
        let user = app.store().user_by_email("target@semey.test").await.unwrap().unwrap();
        assert_eq!(user.failed_attempts, 20);
        assert!(user.locked_until.is_some(), "locked after five");
        let (rows, total) = events(&app, "sign_in_failed").await;
        assert_eq!((rows.len(), total), (1, 20), "twenty failures, counted on one row");
    }
}

on_both_backends! {
    /// A flood of made-up tokens, cross-site posts and wrong passwords is counted, not stored
    /// row by row, and leaves the cached public pages valid: repeats from one source in one
    /// hour are one row, a source's many targets and an hour's many sources are bounded.
    async fn security_events_are_bounded_and_do_not_empty_the_page_cache(app: TestApp) {
        let page = app.call(Method::GET, "/programmes?lang=en").send().await;
        assert_eq!(page.status, StatusCode::OK);
        let generation = app.store().generation();
        for i in 0..120 {
            let (s, _) = app.request_as(Some(&format!("semey_made-up-{i}")), Method::GET, "/api/v1/programmes", None).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED);
            let r = send(&app, Method::POST, "/signout", &[("sec-fetch-site", "cross-site")], "").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
        }
        for i in 0..5 {
            sign_in(&app, &format!("nobody{i}@semey.test"), "whatever", None).await;
        }
        assert_eq!(app.store().generation(), generation, "no security event empties the page cache");
        let (tokens, total) = events(&app, "invalid_token").await;
        assert_eq!((tokens.len(), total), (1, 120), "{tokens:?}");
        let (cross, total) = events(&app, "cross_site_request_refused").await;
        assert_eq!((cross.len(), total), (1, 120));
        assert_eq!(events(&app, "sign_in_failed").await.1, 5);

        // One source trying many targets, and more sources than an hour keeps.
        let store = app.store();
        let mut tx = store.begin().await.unwrap();
        for i in 0..(semey_store::TARGETS_PER_SOURCE + 10) {
            let target = format!("/api/v1/programmes/{i}");
            let e = semey_store::SecurityEventInput { address: "198.51.100.1", action: "probe", target: &target, user_id: None, detail: None };
            store.record_security_event(&mut tx, &e).await.unwrap();
        }
        for i in 0..(semey_store::SOURCES_PER_HOUR + 7) {
            let address = format!("2001:db8::{i:x}");
            let e = semey_store::SecurityEventInput { address: &address, action: "scan", target: "/", user_id: None, detail: None };
            store.record_security_event(&mut tx, &e).await.unwrap();
        }
        tx.commit_unseen().await.unwrap();
        let (probes, total) = events(&app, "probe").await;
        assert_eq!(total, semey_store::TARGETS_PER_SOURCE + 10);
        assert_eq!(probes.len() as i64, semey_store::TARGETS_PER_SOURCE + 1, "the other targets share one row");
        let others = probes.iter().find(|e| e.target == semey_store::OTHER_TARGETS).expect("a row for the rest");
        assert_eq!(others.count, 10);
        let (scans, total) = events(&app, "scan").await;
        assert_eq!(total, semey_store::SOURCES_PER_HOUR + 7);
        let rest = scans.iter().find(|e| e.address == semey_store::OTHER_SOURCES).expect("a row for the other sources");
        // Other actions' sources already took some of this hour's room.
        assert!(rest.count >= 7, "{rest:?}");
        assert!(scans.len() as i64 <= semey_store::SOURCES_PER_HOUR, "{}", scans.len());
    }
}
