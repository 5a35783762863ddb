//! The one record path, on both backends: every kind people change is authorised from its
//! content, proposed or written, and audited; proposal steps are atomic; the audit trail is
//! append-only in the database itself.

use crate::support::TestApp;
use axum::http::StatusCode;
use semey::records::workflow;
use semey_domain::access::Role;
use semey_domain::workflow::Step;
use serde_json::json;

/// Runs one raw SQL statement on the app's database, as an operator with a database client
/// would; returns the database's error text if it refused.
async fn raw(app: &TestApp, sql: &str) -> Result<u64, String> {
    use sqlx::Connection;
    let url = &app.state.config.database;
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql)
            .execute(&mut c)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| e.to_string())
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql)
            .execute(&mut c)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| e.to_string())
    }
}

async fn audit_lines(app: &TestApp) -> usize {
    app.store()
        .list_audit(
            &Default::default(),
            semey_store::Page::new(Some(1000), None),
        )
        .await
        .unwrap()
        .len()
}

on_both_backends! {
    /// Nobody, not even someone with a database client, can change or remove an audit line.
    async fn the_audit_trail_refuses_update_and_delete(app: TestApp) {
        app.organisation("Audited", 10, "KZ").await;
        let before = audit_lines(&app).await;
        assert!(before > 0);
        let update = raw(&app, "UPDATE audit_log SET action = 'nothing happened'").await;
        assert!(update.unwrap_err().contains("append-only"));
        let delete = raw(&app, "DELETE FROM audit_log").await;
        assert!(delete.unwrap_err().contains("append-only"));
        assert_eq!(audit_lines(&app).await, before);
        // Appending still works.
        app.organisation("Audited too", 10, "KZ").await;
        assert!(audit_lines(&app).await > before);
    }
}

on_both_backends! {
    /// An editor's draft cannot be pointed at another organisation's programme: editing a
    /// proposal authorises its new content as a new write would, and changes nothing.
    async fn editing_a_proposal_rechecks_its_owner(app: TestApp) {
        app.with_rates().await;
        let mine = app.organisation("Mine", 80, "KZ").await;
        let theirs = app.organisation("Theirs", 80, "KZ").await;
        let my_programme = app.programme("XM-MINE-1", json!({"reporting_org_id": mine})).await;
        let their_programme = app.programme("XM-THEIRS-1", json!({"reporting_org_id": theirs})).await;
        let editor = app.user("editor@mine.test", Role::Editor, Some(&mine)).await;
        let body = json!({"programme_id": my_programme, "transaction_type": 1, "date": "2024-03-01",
            "amount": "1000", "currency": "KZT", "reference": "R-1"});
        let (s, p) = app.request_as(Some(&editor.token), axum::http::Method::POST,
            "/api/v1/transactions", Some(body.to_string())).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{p}");
        let id: uuid::Uuid = p["id"].as_str().unwrap().parse().unwrap();
        // Sent back to its author, so it can be edited.
        let coordinator = app.user("c@semey.test", Role::Coordinator, None).await;
        workflow::take_step(app.store(), &coordinator.actor, id, Step::Return, Some("fix the date")).await.unwrap();

        let mut moved = body.clone();
        moved["programme_id"] = json!(their_programme);
        let err = workflow::edit(app.store(), &editor.actor, id, moved).await.unwrap_err();
        assert!(matches!(err, semey::AppError::Forbidden(_)), "{err:?}");
        let stored = app.store().proposal(id).await.unwrap();
        assert_eq!(stored.content["programme_id"], json!(my_programme));
        assert_eq!(stored.organisation_id.unwrap().to_string(), mine);
        // Her own programme, a better date: accepted.
        let mut fixed = body.clone();
        fixed["date"] = json!("2024-03-02");
        workflow::edit(app.store(), &editor.actor, id, fixed).await.unwrap();
    }
}

on_both_backends! {
    /// Two coordinators publishing the same approved proposal at once: one publishes, the
    /// other is told it was too late, and the record is written once.
    async fn publishing_twice_at_once_writes_once(app: TestApp) {
        let org = app.organisation("Publisher", 80, "KZ").await;
        let editor = app.user("e@pub.test", Role::Editor, Some(&org)).await;
        let a = app.user("a@semey.test", Role::Coordinator, None).await;
        let b = app.user("b@semey.test", Role::Coordinator, None).await;
        let (s, p) = app.request_as(Some(&editor.token), axum::http::Method::POST, "/api/v1/programmes",
            Some(json!({"iati_identifier": "XM-PUB-1", "title": {"en": "Once"}, "status": 2, "areas": ["health"],
                "sectors": [{"vocabulary": "dac5", "code": "12220", "percentage": 100}], "reporting_org_id": org}).to_string())).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{p}");
        let id: uuid::Uuid = p["id"].as_str().unwrap().parse().unwrap();
        workflow::take_step(app.store(), &a.actor, id, Step::Approve, None).await.unwrap();
        let (one, two) = tokio::join!(
            workflow::take_step(app.store(), &a.actor, id, Step::Publish, None),
            workflow::take_step(app.store(), &b.actor, id, Step::Publish, None),
        );
        let results = [one, two];
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
        assert!(results.iter().any(|r| matches!(r, Err(semey::AppError::Conflict(_)))));
        assert_eq!(app.count("programmes").await, 1);
        let published = app.store().proposal(id).await.unwrap().published_id.unwrap();
        let lines = app.audit_of("programme", &published).await;
        assert_eq!(lines.len(), 1, "one creation line");
    }
}

on_both_backends! {
    /// A correction whose new details make it another recorded transaction would merge the
    /// two: 409, and both stay as they were.
    async fn a_correction_onto_another_records_key_is_refused(app: TestApp) {
        app.with_rates().await;
        let org = app.organisation("Funder", 10, "KZ").await;
        let programme = app.programme("XM-FIX-1", json!({"reporting_org_id": org})).await;
        let tx = |reference: &str, amount: &str| json!({"programme_id": programme, "transaction_type": 1,
            "date": "2024-03-01", "amount": amount, "currency": "KZT", "reference": reference});
        let (s, a) = app.post("/api/v1/transactions", tx("A", "100")).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let (s, b) = app.post("/api/v1/transactions", tx("B", "200")).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let a_id = a["id"].as_str().unwrap();
        let (s, e) = app.put(&format!("/api/v1/transactions/{a_id}"), tx("B", "300")).await;
        assert_eq!(s, StatusCode::CONFLICT, "{e}");
        let (_, still_a) = app.get(&format!("/api/v1/transactions/{a_id}")).await;
        assert_eq!(still_a["reference"], "A");
        let (_, still_b) = app.get(&format!("/api/v1/transactions/{}", b["id"].as_str().unwrap())).await;
        assert_eq!(still_b["amount"], b["amount"]);
        assert_eq!(app.count("transactions").await, 2);
    }
}

on_both_backends! {
    /// Every proposable kind goes draft/submitted → approved → published the same way, and
    /// the published record is what the editor proposed.
    async fn every_proposable_kind_publishes(app: TestApp) {
        app.with_rates().await;
        let org = app.organisation("Owner", 80, "KZ").await;
        let programme = app.programme("XM-OWN-1", json!({"reporting_org_id": org})).await;
        let editor = app.user("e@own.test", Role::Editor, Some(&org)).await;
        let coordinator = app.user("c@semey.test", Role::Coordinator, None).await;
        let cases = [
            ("PUT", format!("/api/v1/organisations/{org}"),
             json!({"name": {"en": "Owner, renamed"}, "org_type": 80, "country": "KZ"}), "organisations", "name"),
            ("POST", "/api/v1/programmes".to_owned(),
             json!({"iati_identifier": "XM-OWN-2", "title": {"en": "Second"}, "status": 2, "areas": ["health"],
                    "sectors": [{"vocabulary": "dac5", "code": "12220", "percentage": 100}], "reporting_org_id": org}),
             "programmes", "title"),
            ("POST", "/api/v1/transactions".to_owned(),
             json!({"programme_id": programme, "transaction_type": 1, "date": "2024-03-01", "amount": "500",
                    "currency": "KZT", "reference": "T-1"}), "transactions", "reference"),
            ("POST", "/api/v1/requirements".to_owned(),
             json!({"programme_id": programme, "period_start": "2024-01-01", "period_end": "2024-12-31",
                    "amount": "1000", "currency": "KZT", "description": "Need"}), "requirements", "description"),
            ("POST", "/api/v1/services".to_owned(),
             json!({"organisation_id": org, "name": {"en": "Screening"}, "category": "screening",
                    "last_verified": "2026-11-01", "programme_ids": [programme]}), "services", "name"),
        ];
        for (method, uri, body, list, field) in cases {
            let kind = list.trim_end_matches('s');
            let lines_before = match uri.rsplit_once('/') {
                Some((_, id)) if method == "PUT" => app.audit_of(kind, id).await.len(),
                _ => 0,
            };
            let (s, p) = app.request_as(Some(&editor.token), method.parse().unwrap(), &uri, Some(body.to_string())).await;
            assert_eq!(s, StatusCode::ACCEPTED, "{uri}: {p}");
            let id: uuid::Uuid = p["id"].as_str().unwrap().parse().unwrap();
            workflow::take_step(app.store(), &coordinator.actor, id, Step::Approve, None).await.unwrap();
            let done = workflow::take_step(app.store(), &coordinator.actor, id, Step::Publish, None).await.unwrap();
            let published = done.published_id.expect("published record");
            let (s, record) = app.get(&format!("/api/v1/{list}/{published}")).await;
            if s == StatusCode::OK {
                assert_eq!(record[field], body[field], "{list}");
            } else {
                // Lists without a single-record route: find it in the list.
                let (_, all) = app.get(&format!("/api/v1/{list}?limit=200")).await;
                assert!(all["items"].as_array().unwrap().iter().any(|r| r["id"] == published.as_str()), "{list}");
            }
            assert_eq!(app.audit_of(kind, &published).await.len(), lines_before + 1, "{list} audited once");
        }
    }
}

on_both_backends! {
    /// Shared reference data is written by coordinators only, and every write of it is audited:
    /// exchange rates, tube factors and places.
    async fn reference_data_writes_are_audited(app: TestApp) {
        app.with_rates().await;
        assert_eq!(app.audit_of("exchange_rate", "KZT@2020-01-01").await.len(), 1);
        // The same rates again change nothing and audit nothing.
        app.with_rates().await;
        assert_eq!(app.audit_of("exchange_rate", "KZT@2020-01-01").await.len(), 1);
        let editor = app.user("e@x.test", Role::Editor, Some(&app.organisation("X", 80, "KZ").await)).await;
        let (s, _) = app.request_as(Some(&editor.token), axum::http::Method::POST, "/api/v1/exchange-rates",
            Some(json!([{"currency": "KZT", "date": "2021-01-01", "per_usd": "420", "source": "x"}]).to_string())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert!(app.audit_of("exchange_rate", "KZT@2021-01-01").await.is_empty());

        let factor = semey::records::write::<semey_store::Factor>(
            app.store(),
            &semey::accounts::Actor::command_line(),
            None,
            semey_domain::radiation::TubeFactor { tube: "LND 7317".into(), cpm_per_usv_h: 167.0, source: "recalibrated".into() },
            semey::records::Channel::Api,
        ).await.unwrap().published().unwrap();
        assert_eq!(factor.version, 2);
        assert_eq!(app.audit_of("tube_factor", "LND 7317#2").await.len(), 1);

        let (s, kz) = app.post("/api/v1/places", json!({"level": "country", "name": {"en": "Kazakhstan"}})).await;
        assert_eq!(s, StatusCode::CREATED, "{kz}");
        assert_eq!(app.audit_of("place", kz["id"].as_str().unwrap()).await.len(), 1);
    }
}

on_both_backends! {
    /// Accounts go through the record path too: each change audited as an `account` with its
    /// old and new state, never a password; an unknown organisation is refused by name.
    async fn account_changes_are_records(app: TestApp) {
        let org = app.organisation("Accounted", 80, "KZ").await;
        let user = app.user("acc@x.test", Role::Viewer, Some(&org)).await;
        let admin = semey::accounts::Actor::command_line();
        semey::accounts::set_membership(app.store(), &admin, user.id, Some((Role::Editor, Some(org.parse().unwrap())))).await.unwrap();
        let lines = app.audit_of("account", &user.id.to_string()).await;
        assert_eq!(lines.len(), 2, "created, then its membership changed");
        assert!(lines.iter().all(|l| !l.new_value.as_deref().unwrap_or("").contains("argon2")), "no password hash in the trail");
        assert!(lines[1].old_value.as_deref().unwrap().contains("viewer") && lines[1].new_value.as_deref().unwrap().contains("editor"));
        let err = semey::accounts::set_membership(app.store(), &admin, user.id, Some((Role::Editor, Some(semey_domain::ids::OrganisationId::new())))).await.unwrap_err();
        assert!(matches!(err, semey::AppError::Invalid(_)), "{err:?}");
        assert_eq!(app.audit_of("account", &user.id.to_string()).await.len(), 2, "nothing changed");
    }
}
