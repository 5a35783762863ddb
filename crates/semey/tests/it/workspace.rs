//! The editing workspace: forms that post the API's input documents, over HTTP, on both
//! backends. Each bad post comes back with the values kept, the error beside its field in the
//! reader's language, and nothing stored.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};

/// Posts a form as a browser would; returns the status, the redirect target and the page.
async fn post_form(
    app: &TestApp,
    uri: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    post_form_as(app, &app.admin_token, uri, fields).await
}

/// Posts a form with this account's token.
async fn post_form_as(
    app: &TestApp,
    token: &str,
    uri: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    let answer = app
        .call(Method::POST, uri)
        .token(token)
        .form(fields)
        .send()
        .await;
    (answer.status, answer.location(), answer.text())
}

async fn get_page(app: &TestApp, uri: &str) -> (StatusCode, String) {
    let answer = app
        .call(Method::GET, uri)
        .token(&app.admin_token)
        .send()
        .await;
    (answer.status, answer.text())
}

/// How many records an API list has in all.
async fn total(app: &TestApp, uri: &str) -> i64 {
    let (status, body) = app.get(&format!("{uri}&limit=1")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["total"].as_i64().unwrap()
}

on_both_backends! {
    /// A new programme from the form: every list of the record (areas, sectors, places,
    /// groups, partners, SDG targets) arrives as the API would store it; the empty spare rows
    /// are ignored.
    async fn a_programme_is_created_and_edited_through_the_forms(app: TestApp) {
        let app = app.with_demo().await;
        let (status, html) = get_page(&app, "/workspace/programmes/new?lang=kk").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Жаңа бағдарлама немесе жоба") && html.contains(r#"name="sectors[1].code""#));
        let (_, places) = app.get("/api/v1/places?kato=101800000&level=district").await;
        let kurchatov = places["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, orgs) = app.get("/api/v1/organisations?q=National%20Nuclear").await;
        let nnc = orgs["items"][0]["id"].as_str().unwrap().to_owned();
        let texts = [("A-RES-75-210.en.txt", crate::support::seed("A-RES-75-210.en.txt"))];
        let sources: Vec<_> = texts.iter().map(|(n, b)| crate::support::import_file(n, b)).collect();
        semey::mandates::import::import_resolution(app.store(), &sources, &mut semey::import::Quiet).await.unwrap();
        let m7 = semey_domain::ids::MandateId::of("A/RES/75/210", 7).to_string();
        let before = app.count("programmes").await;
        let (status, location, _) = post_form(&app, "/workspace/programmes/new", &[
            ("iati_identifier", "KZ-BIN-000000000001-WELLS-01"),
            ("title.ru", "Чистые колодцы"),
            ("title.en", "Clean wells"),
            ("description.ru", ""),
            ("status", "2"),
            ("dates.planned_start", "2027-01-01"),
            ("dates.planned_end", "2028-12-31"),
            ("areas[]", "environmental_protection"),
            ("areas[]", "health"),
            ("sectors[0].vocabulary", "dac5"), ("sectors[0].code", "14030"), ("sectors[0].percentage", "70"),
            ("sectors[1].vocabulary", "dac5"), ("sectors[1].code", "12220"), ("sectors[1].percentage", "30"),
            ("sectors[2].vocabulary", ""), ("sectors[2].code", ""), ("sectors[2].percentage", ""),
            ("sdg_targets", "6.1, 3.9"),
            ("places[0].place_id", &kurchatov), ("places[0].percentage", ""),
            ("places[1].place_id", ""), ("places[1].percentage", ""),
            ("target_groups[]", "rural_residents"),
            ("mandate_ids[]", &m7),
            ("participants[0].organisation_id", &nnc), ("participants[0].role", "implementing"),
            ("participants[1].organisation_id", ""), ("participants[1].role", ""),
            ("reporting_org_id", &nnc),
            ("parent_id", ""),
        ]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let location = location.unwrap();
        assert!(location.starts_with("/workspace/programmes/") && location.ends_with("?saved=1"));
        assert_eq!(app.count("programmes").await, before + 1);
        let id = location.trim_start_matches("/workspace/programmes/").trim_end_matches("?saved=1").to_owned();
        let (_, p) = app.get(&format!("/api/v1/programmes/{id}")).await;
        assert_eq!(p["title"]["ru"], "Чистые колодцы");
        let mut areas: Vec<&str> = p["areas"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        areas.sort_unstable();
        assert_eq!(areas, ["environmental_protection", "health"]);
        assert_eq!(p["sectors"].as_array().unwrap().len(), 2);
        assert_eq!(p["sdg_targets"], serde_json::json!(["3.9", "6.1"]));
        assert_eq!(p["places"][0]["place_id"], kurchatov.as_str());
        assert_eq!(p["participants"][0]["role"], "implementing");
        assert_eq!(p["status"], 2);

        // The edit form shows the record; a change is saved in place.
        let (status, html) = get_page(&app, &format!("{location}&lang=en")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Saved.") && html.contains(r#"value="Clean wells""#) && html.contains(r#"value="3.9, 6.1""#), "{html}");
        assert!(html.contains(r#"value="health" checked"#));
        assert_eq!(p["mandate_ids"], serde_json::json!([m7]), "the paragraph the programme serves");
        assert!(html.contains(&format!(r#"value="{m7}" checked"#)), "the mandate's box is ticked");
        assert!(html.contains("A/RES/75/210 ¶ 7 — requests: the Secretary-General"));
        let (status, _, _) = post_form(&app, &format!("/workspace/programmes/{id}"), &[
            ("iati_identifier", "KZ-BIN-000000000001-WELLS-01"),
            ("title.en", "Clean wells for twelve villages"),
            ("status", "2"),
            ("areas[]", "health"),
            ("sectors[0].vocabulary", "dac5"), ("sectors[0].code", "14030"), ("sectors[0].percentage", "100"),
        ]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, p) = app.get(&format!("/api/v1/programmes/{id}")).await;
        assert_eq!(p["title"]["en"], "Clean wells for twelve villages");
        assert_eq!(p["sectors"].as_array().unwrap().len(), 1);
        assert_eq!(app.count("programmes").await, before + 1, "edited, not added");
    }
}

on_both_backends! {
    /// A form with a malformed date, a bad identifier and sector shares that do not add up:
    /// every problem at once, beside its field, in Russian; the values stay; nothing stored.
    async fn a_bad_programme_form_comes_back_with_every_error_and_stores_nothing(app: TestApp) {
        let app = app.with_demo().await;
        let before = app.count("programmes").await;
        let (status, _, html) = post_form(&app, "/workspace/programmes/new?lang=ru", &[
            ("iati_identifier", "bad id"),
            ("title.ru", "Проверка"),
            ("status", "2"),
            ("dates.planned_start", "2026-13-01"),
            ("sectors[0].vocabulary", "dac5"), ("sectors[0].code", "12220"), ("sectors[0].percentage", "60"),
        ]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("В форме есть ошибки; ничего не сохранено"));
        assert!(html.contains(r#"id="f-dates-planned_start-error">Введите дату в виде год-месяц-день"#), "{html}");
        assert!(html.contains(r#"id="f-iati_identifier-error">Это не идентификатор деятельности IATI"#));
        assert!(html.contains(r#"id="f-sectors-error">"#), "the sector sum beside the sectors");
        assert!(html.contains(r#"aria-invalid="true""#));
        assert!(html.contains(r#"value="Проверка""#) && html.contains(r#"value="2026-13-01""#) && html.contains(r#"value="60""#), "the values are kept");
        assert!(html.contains("Сроки: Плановое начало"), "the summary names the field as the form does");
        assert_eq!(app.count("programmes").await, before);

        // Fields left empty.
        let (status, _, html) = post_form(&app, "/workspace/programmes/new?lang=en", &[("title.en", "No identifier"), ("status", "1")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(r#"id="f-iati_identifier-error">This is not an IATI activity identifier"#), "{html}");
        assert!(html.contains(r#"id="f-areas-error">This field is required."#), "{html}");
        assert_eq!(app.count("programmes").await, before);
    }
}

on_both_backends! {
    /// Organisations: created, then refused with a wrong country code beside the field.
    async fn organisations_through_the_forms(app: TestApp) {
        let app = app.with_demo().await;
        let before = app.count("organisations").await;
        let (status, location, _) = post_form(&app, "/workspace/organisations/new", &[
            ("name.kk", "Семей жастар орталығы"),
            ("name.ru", "Молодёжный центр Семея"),
            ("org_type", "22"),
            ("country", "KZ"),
            ("mechanism_role", "civil_society"),
            ("contacts[0].name", "Айгерим"), ("contacts[0].email", "aigerim@example.kz"),
            ("contacts[1].name", ""), ("contacts[1].email", ""),
        ]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{location:?}");
        assert_eq!(app.count("organisations").await, before + 1);
        let id = location.unwrap().trim_start_matches("/workspace/organisations/").trim_end_matches("?saved=1").to_owned();
        let (_, org) = app.get(&format!("/api/v1/organisations/{id}")).await;
        assert_eq!(org["contacts"].as_array().unwrap().len(), 1);
        assert_eq!(org["org_type"], 22);

        let (status, _, html) = post_form(&app, "/workspace/organisations/new?lang=zh", &[
            ("name.en", "Nowhere Foundation"), ("org_type", "sixty"), ("country", "Narnia"),
        ]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(r#"id="f-org_type-error">请输入数字。"#), "{html}");
        assert!(html.contains(r#"value="Narnia""#));
        assert_eq!(app.count("organisations").await, before + 1);
        let (status, _) = get_page(&app, "/workspace/organisations/0190a0b0-0000-7000-8000-000000000000").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

on_both_backends! {
    /// Money: a requirement and a transaction recorded from the forms, converted with the
    /// platform's rates; an amount that is not a number is refused beside the field.
    async fn requirements_transactions_and_contributions_through_the_forms(app: TestApp) {
        let app = app.with_demo().await;
        let (_, list) = app.get("/api/v1/programmes?q=Dose-rate").await;
        let pid = list["items"][0]["id"].as_str().unwrap().to_owned();
        let (status, html) = get_page(&app, &format!("/workspace/transactions/new?programme={pid}&lang=en")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!(r#"<option value="{pid}" selected>"#)), "the programme is chosen");
        let transactions = total(&app, &format!("/api/v1/transactions?programme_id={pid}")).await;
        let (status, location, html) = post_form(&app, "/workspace/transactions/new?lang=ru", &[
            ("programme_id", &pid), ("reference", "FORM-1"), ("transaction_type", "3"),
            ("date", "2025-06-30"), ("value_date", ""), ("amount", "1 250 000,50"), ("currency", "KZT"),
            ("provider_org_id", ""), ("receiver_org_id", ""), ("description", "Field kits"),
        ]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        assert_eq!(location.unwrap(), format!("/workspace/transactions/new?programme={pid}&saved=1"));
        assert_eq!(total(&app, &format!("/api/v1/transactions?programme_id={pid}")).await, transactions + 1);

        let (status, _, html) = post_form(&app, "/workspace/transactions/new?lang=kk", &[
            ("programme_id", &pid), ("transaction_type", "3"), ("date", "2025-06-30"), ("amount", "a lot"), ("currency", "KZT"),
        ]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(r#"id="f-amount-error">"#), "{html}");
        assert!(html.contains(r#"value="a lot""#));
        assert_eq!(total(&app, &format!("/api/v1/transactions?programme_id={pid}")).await, transactions + 1);

        let requirements = total(&app, &format!("/api/v1/requirements?programme_id={pid}")).await;
        let (status, _, _) = post_form(&app, "/workspace/requirements/new", &[
            ("programme_id", &pid), ("period_start", "2027-01-01"), ("period_end", "2027-12-31"), ("amount", "5000000"), ("currency", "KZT"),
        ]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(total(&app, &format!("/api/v1/requirements?programme_id={pid}")).await, requirements + 1);
        let (status, _, html) = post_form(&app, "/workspace/requirements/new?lang=en", &[
            ("programme_id", &pid), ("period_start", "2027-01-01"), ("period_end", "2028-06-30"), ("amount", "5000000"), ("currency", "KZT"),
        ]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("A budget period can be at most one year long."), "{html}");
        assert_eq!(total(&app, &format!("/api/v1/requirements?programme_id={pid}")).await, requirements + 1);

        // In kind: the quantity and declared value typed the Russian way; a quantity that is
        // not a number comes back beside its field in Kazakh, and nothing is stored.
        let (_, orgs) = app.get("/api/v1/organisations?q=Atomic").await;
        let iaea = orgs["items"][0]["id"].as_str().unwrap().to_owned();
        let given = total(&app, &format!("/api/v1/contributions?programme_id={pid}")).await;
        let (status, html) = get_page(&app, &format!("/workspace/contributions/new?programme={pid}&lang=ru")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Заявленная стоимость"), "the form in Russian");
        let (status, location, html) = post_form(&app, "/workspace/contributions/new?lang=ru", &[
            ("programme_id", &pid), ("reference", ""), ("category", "equipment"), ("provider_org_id", &iaea),
            ("date", "2025-05-20"), ("description", "Дозиметры"), ("quantity", "1 250,5"), ("unit", "кг"),
            ("value", "43 200,50"), ("currency", "USD"),
        ]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
        assert_eq!(location.unwrap(), format!("/workspace/contributions/new?programme={pid}&saved=1"));
        let (_, list) = app.get(&format!("/api/v1/contributions?programme_id={pid}&category=equipment&year=2025")).await;
        assert_eq!(list["items"][0]["quantity"], "1250.5");
        assert_eq!(list["items"][0]["amount"], 4_320_050);
        let (status, _, html) = post_form(&app, "/workspace/contributions/new?lang=kk", &[
            ("programme_id", &pid), ("category", "training"), ("provider_org_id", &iaea), ("date", "2025-05-20"),
            ("description", "Курс"), ("quantity", "көп"), ("unit", "адам"), ("value", "100"), ("currency", "USD"),
        ]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(r#"id="f-quantity-error">"#), "{html}");
        assert_eq!(total(&app, &format!("/api/v1/contributions?programme_id={pid}")).await, given + 1);
    }
}

on_both_backends! {
    /// A transaction and a requirement corrected through their forms (and the API): the old
    /// record is replaced, the programme's figures follow, a bad correction changes nothing.
    async fn transactions_and_requirements_are_corrected(app: TestApp) {
        let app = app.with_demo().await;
        let (_, list) = app.get("/api/v1/programmes?q=Dose-rate").await;
        let pid = list["items"][0]["id"].as_str().unwrap().to_owned();
        let (_, body) = app.get(&format!("/api/v1/transactions?programme_id={pid}&limit=1")).await;
        let t = body["items"][0].clone();
        let tid = t["id"].as_str().unwrap().to_owned();
        let count = total(&app, &format!("/api/v1/transactions?programme_id={pid}")).await;
        let (_, funding) = app.get(&format!("/api/v1/programmes/{pid}/funding")).await;

        // The programme's form lists it, linking to its own form, which shows it as entered.
        let (_, html) = get_page(&app, &format!("/workspace/programmes/{pid}?lang=en")).await;
        assert!(html.contains(&format!("/workspace/transactions/{tid}")));
        let (status, html) = get_page(&app, &format!("/workspace/transactions/{tid}?lang=en")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!(r#"value="{}""#, t["currency"].as_str().unwrap())));

        // A correction with a bad date changes nothing.
        let (status, _, html) = post_form(&app, &format!("/workspace/transactions/{tid}?lang=en"), &[
            ("programme_id", &pid), ("reference", "CORRECTED-1"), ("transaction_type", "3"),
            ("date", "yesterday"), ("amount", "1000"), ("currency", "USD"),
        ]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(r#"id="f-date-error">"#));
        let (status, _) = app.get(&format!("/api/v1/transactions/{tid}")).await;
        assert_eq!(status, StatusCode::OK, "the old record is still there");

        // A good correction replaces the record: same count, new amount in the figures.
        let (status, location, _) = post_form(&app, &format!("/workspace/transactions/{tid}?lang=en"), &[
            ("programme_id", &pid), ("reference", "CORRECTED-1"), ("transaction_type", "3"),
            ("date", "2025-03-01"), ("amount", "1,000"), ("currency", "USD"),
        ]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let new_id = location.unwrap().trim_start_matches("/workspace/transactions/").trim_end_matches("?saved=1").to_owned();
        assert_ne!(new_id, tid);
        let (status, _) = app.get(&format!("/api/v1/transactions/{tid}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "the old record is gone");
        let (_, corrected) = app.get(&format!("/api/v1/transactions/{new_id}")).await;
        assert_eq!(corrected["amount"], 100_000, "USD 1,000 in cents");
        assert_eq!(total(&app, &format!("/api/v1/transactions?programme_id={pid}")).await, count);
        let (_, after) = app.get(&format!("/api/v1/programmes/{pid}/funding")).await;
        assert_ne!(after["total"], funding["total"], "the programme's figures follow the correction");

        // Requirements, through the API's PUT: a period over a year is refused, a good one replaces.
        let (_, body) = app.get(&format!("/api/v1/requirements?programme_id={pid}&limit=1")).await;
        let rid = body["items"][0]["id"].as_str().unwrap().to_owned();
        let requirements = total(&app, &format!("/api/v1/requirements?programme_id={pid}")).await;
        let (status, _) = app.put(&format!("/api/v1/requirements/{rid}"), serde_json::json!({
            "programme_id": pid, "period_start": "2026-01-01", "period_end": "2027-06-30", "amount": "10", "currency": "USD"
        })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, html) = get_page(&app, &format!("/workspace/requirements/{rid}?lang=ru")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Исправить потребность в финансировании"));
        let (status, _, _) = post_form(&app, &format!("/workspace/requirements/{rid}?lang=ru"), &[
            ("programme_id", &pid), ("period_start", "2026-01-01"), ("period_end", "2026-12-31"), ("amount", "2 500 000,00"), ("currency", "KZT"),
        ]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(total(&app, &format!("/api/v1/requirements?programme_id={pid}")).await, requirements);
        let (status, _) = app.get(&format!("/api/v1/requirements?programme_id={pid}")).await;
        assert_eq!(status, StatusCode::OK);
    }
}

on_both_backends! {
    /// A form field naming a huge list index is read as the rows actually posted (it once made
    /// the server fill every index up to it), and a viewer's post is refused before its body
    /// is read.
    async fn huge_form_indices_cost_nothing(app: TestApp) {
        let (status, _, page) = post_form(
            &app,
            "/workspace/organisations/new",
            &[("name.en", "Huge"), ("title[0][9999999999]", "x"), ("contacts[99999999999].name", "Someone"),
              ("org_type", "80"), ("country", "KZ")],
        )
        .await;
        assert!(status == StatusCode::SEE_OTHER || status == StatusCode::UNPROCESSABLE_ENTITY, "{status}: {page}");

        let org = app.organisation("Viewed", 80, "KZ").await;
        let viewer = app.user("v@viewed.test", semey_domain::access::Role::Viewer, Some(&org)).await;
        let before = total(&app, "/api/v1/organisations?q=").await;
        let (status, _, _) = post_form_as(&app, &viewer.token, "/workspace/organisations/new",
            &[("name.en", "Not mine"), ("org_type", "80"), ("country", "KZ")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(total(&app, "/api/v1/organisations?q=").await, before);
    }
}

on_both_backends! {
    /// Beyond the thousand records a form lists: a search beside the list finds any of them,
    /// and a record whose programme is not among the listed ones shows it chosen, so saving
    /// it keeps it.
    async fn pickers_reach_every_record_beyond_the_listed_thousand(app: TestApp) {
        let app = app.with_demo().await;
        let dir = tempfile::tempdir().unwrap();
        semey::generate::generate(dir.path(), 1010, 0, &mut |_| {}).unwrap();
        let read = |f: &str| std::fs::read(dir.path().join(f)).unwrap();
        let (orgs, programmes) = (read("organisations.csv"), read("programmes.csv"));
        semey::organisations::import::import_organisations(app.store(), &crate::support::import_file("organisations.csv", &orgs), &mut semey::import::Quiet).await.unwrap();
        semey::programmes::import::import_programmes(app.store(), &crate::support::import_file("programmes.csv", &programmes), &mut semey::import::Quiet).await.unwrap();
        let (s, form) = get_page(&app, "/workspace/transactions/new?lang=en").await;
        assert_eq!(s, StatusCode::OK);
        assert!(form.contains(r#"hx-get="/workspace/choices/programmes""#), "a search beside the long list");
        // A programme the list leaves out.
        let mut all = Vec::new();
        for offset in [0, 1000] {
            let (_, page) = app.get(&format!("/api/v1/programmes?limit=1000&offset={offset}")).await;
            all.extend(page["items"].as_array().unwrap().iter().map(|p| (p["id"].as_str().unwrap().to_owned(), p["iati_identifier"].as_str().unwrap().to_owned())));
        }
        assert!(all.len() > 1010, "{}", all.len());
        let (pid, identifier) = all.iter().find(|(id, _)| !form.contains(&format!(r#"value="{id}""#))).expect("one left out").clone();
        let found = app.call(Method::GET, &format!("/workspace/choices/programmes?choices_q={identifier}")).token(&app.admin_token).send().await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(found.text().contains(&format!(r#"<option value="{pid}">{identifier} — "#)), "{}", found.text());
        let anonymous = app.call(Method::GET, &format!("/workspace/choices/programmes?choices_q={identifier}")).send().await;
        assert_ne!(anonymous.status, StatusCode::OK, "for accounts only");
        // Its transaction's form shows it chosen; saved again unchanged, it keeps it.
        let (s, t) = app.post("/api/v1/transactions", serde_json::json!({"programme_id": pid, "transaction_type": 11, "date": "2025-01-10", "amount": "1000", "currency": "USD"})).await;
        assert_eq!(s, StatusCode::CREATED, "{t}");
        let tid = t["id"].as_str().unwrap();
        let (_, edit) = get_page(&app, &format!("/workspace/transactions/{tid}?lang=en")).await;
        assert!(edit.contains(&format!(r#"<option value="{pid}" selected>"#)), "the stored programme is chosen");
    }
}
