//! IATI 2.03 export on both backends, checked with xmllint against the official schemas in
//! `../shared/data/iati/schemas`.

use crate::support::shared;
use axum::http::{Method, StatusCode};

/// Runs `xmllint --schema` (the activities' schema) on `xml`; returns its verdict and messages.
fn validate(xml: &str) -> (bool, String) {
    validate_with(xml, "iati/schemas/iati-activities-schema.xsd")
}

fn validate_with(xml: &str, schema: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("activities.xml");
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(shared(schema))
        .arg(&file)
        .output()
        .expect("xmllint (libxml2-utils; scripts/test.sh installs it)");
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.success(), said)
}

on_both_backends! {
    /// The demo's programmes export as IATI 2.03 activities that the official schema accepts:
    /// titles in every language held, organisations with their roles, sectors, budgets,
    /// transactions and the results chain with its periods and dimensions.
    async fn the_demo_exports_valid_iati_activities(app: TestApp) {
        let app = app.with_demo().await;
        let answer = app.call(Method::GET, "/iati/activities.xml").send().await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.header("content-type").unwrap().starts_with("application/xml"));
        let xml = answer.text();
        let (valid, said) = validate(&xml);
        assert!(valid, "the official schema refuses the export: {said}");
        assert!(xml.contains(r#"<iati-activities version="2.03""#));
        // And the standard's rules that the schema cannot express.
        let (problems, n) = semey::iati::rules::check(xml.as_bytes(), semey::results::today(), 100);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(n as usize, xml.matches("<iati-activity ").count());
        assert!(xml.contains("<iati-identifier>XX-SEMEY-DEMO-HEALTH-SCREEN</iati-identifier>"), "{xml}");
        assert!(xml.contains(r#"<narrative xml:lang="kk">"#) && xml.contains(r#"<narrative xml:lang="zh">"#));
        assert!(xml.contains("<participating-org ") && xml.contains("<sector ") && xml.contains("<budget "));
        assert!(xml.contains("<transaction") && xml.contains("<transaction-type code="));
        // Terms: the programme's defaults, and a transaction's own where it differs.
        assert!(xml.contains(r#"<default-flow-type code="10"/><default-finance-type code="110"/><default-aid-type code="D02" vocabulary="1"/><default-tied-status code="5"/>"#), "{xml}");
        assert!(xml.contains(r#"<aid-type code="D01" vocabulary="1"/></transaction>"#), "{xml}");
        assert!(xml.contains(r#"<result type="1">"#) && xml.contains(r#"<dimension name="sex" value="female"/>"#), "{xml}");
        // One organisation's file holds only what it reports.
        let (_, screening) = app.get("/api/v1/programmes?q=XX-SEMEY-DEMO-HEALTH-SCREEN").await;
        let org = screening["items"][0]["reporting_org_id"].as_str().unwrap();
        let (_, mine) = app.get(&format!("/api/v1/programmes?organisation={org}&limit=100")).await;
        let own = mine["items"].as_array().unwrap().iter().filter(|p| p["reporting_org_id"] == org).count();
        let one = app.call(Method::GET, &format!("/iati/activities.xml?organisation={org}")).send().await.text();
        assert_eq!(one.matches("<iati-activity ").count(), own, "{one}");
        let (valid, said) = validate(&one);
        assert!(valid, "{said}");
        assert!(own > 0, "the demo organisation reports programmes");
        let missing = app.call(Method::GET, "/iati/activities.xml?organisation=not-an-id").send().await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        // An organisation that reports nothing has no file (IATI's holds one activity at least).
        let (_, orgs) = app.get("/api/v1/organisations?q=Semey%20Medical").await;
        let implementer = orgs["items"][0]["id"].as_str().unwrap();
        let none = app.call(Method::GET, &format!("/iati/activities.xml?organisation={implementer}")).send().await;
        assert_eq!(none.status, StatusCode::NOT_FOUND);
    }
}

on_both_backends! {
    /// Each reporting organisation as an IATI 2.03 organisation the official schema accepts,
    /// with its budgets (its programmes' requirements) and expenditure per year in US dollars.
    async fn the_demo_exports_valid_iati_organisations(app: TestApp) {
        let app = app.with_demo().await;
        let xml = app.call(Method::GET, "/iati/organisations.xml").send().await.text();
        let (valid, said) = validate_with(&xml, "iati/schemas/iati-organisations-schema.xsd");
        assert!(valid, "the official schema refuses the export: {said}");
        let (_, screening) = app.get("/api/v1/programmes?q=XX-SEMEY-DEMO-HEALTH-SCREEN").await;
        let org = screening["items"][0]["reporting_org_id"].as_str().unwrap();
        let (_, o) = app.get(&format!("/api/v1/organisations/{org}")).await;
        let reference = o["iati_id"].as_str().map(str::to_owned).unwrap_or(format!("XX-SEMEY-{org}"));
        assert!(xml.contains(&format!("<organisation-identifier>{reference}</organisation-identifier>")), "{xml}");
        assert!(xml.contains(r#"<total-budget status="1"><period-start iso-date="2024-01-01"/>"#), "{xml}");
        assert!(xml.contains(r#"<recipient-country code="KZ"/>"#));
        let one = app.call(Method::GET, &format!("/iati/organisations.xml?organisation={org}")).send().await.text();
        assert_eq!(one.matches("<iati-organisation ").count(), 1);
        assert!(validate_with(&one, "iati/schemas/iati-organisations-schema.xsd").0);
    }
}

/// The codes of an IATI codelist of `../shared/data/iati/codelists`.
fn codelist(name: &str) -> std::collections::HashSet<String> {
    let text = std::fs::read_to_string(shared(&format!("iati/codelists/{name}.xml"))).unwrap();
    let mut parts = text.split("<code>");
    parts.next(); // what comes before the first code
    parts
        .filter_map(|rest| rest.split("</code>").next())
        .map(|c| c.trim().to_owned())
        .collect()
}

/// The values of attribute `attr` on every `<tag …>` of `xml`.
fn attribute_values(xml: &str, tag: &str, attr: &str) -> Vec<String> {
    let open = format!("<{tag} ");
    let key = format!(" {attr}=\"");
    let mut parts = xml.split(&open);
    parts.next(); // what comes before the first tag
    parts
        .filter_map(|rest| {
            let head = rest.split('>').next()?;
            let value = format!(" {head}");
            let start = value.find(&key)? + key.len();
            Some(value[start..].split('"').next()?.to_owned())
        })
        .collect()
}

on_both_backends! {
    /// What the schema cannot check: every code in the demo's IATI files is on its IATI
    /// codelist (statuses, dates, organisation types and roles, transaction types, currencies,
    /// DAC sectors, indicator measures, policy markers, budgets, countries, aid, finance and
    /// flow types).
    async fn every_exported_code_is_on_its_codelist(app: TestApp) {
        let app = app.with_demo().await;
        let activities = app.call(Method::GET, "/iati/activities.xml").send().await.text();
        let organisations = app.call(Method::GET, "/iati/organisations.xml").send().await.text();
        let both = format!("{activities}{organisations}");
        let checks: [(&str, &str, &str, &str); 19] = [
            ("related-activity", "type", "RelatedActivityType", &activities),
            ("default-aid-type", "code", "AidType", &activities),
            ("default-finance-type", "code", "FinanceType", &activities),
            ("default-flow-type", "code", "FlowType", &activities),
            ("aid-type", "code", "AidType", &activities),
            ("activity-status", "code", "ActivityStatus", &activities),
            ("activity-date", "type", "ActivityDateType", &activities),
            ("reporting-org", "type", "OrganisationType", &both),
            ("participating-org", "type", "OrganisationType", &activities),
            ("participating-org", "role", "OrganisationRole", &activities),
            ("provider-org", "type", "OrganisationType", &activities),
            ("receiver-org", "type", "OrganisationType", &activities),
            ("transaction-type", "code", "TransactionType", &activities),
            ("value", "currency", "Currency", &both),
            ("indicator", "measure", "IndicatorMeasure", &activities),
            ("budget", "type", "BudgetType", &activities),
            ("budget", "status", "BudgetStatus", &activities),
            ("recipient-country", "code", "Country", &both),
            ("policy-marker", "significance", "PolicySignificance", &activities),
        ];
        for (tag, attr, list, xml) in checks {
            let allowed = codelist(list);
            let used = attribute_values(xml, tag, attr);
            assert!(!used.is_empty() || ["policy-marker", "receiver-org"].contains(&tag), "the demo uses {tag}/@{attr}");
            for v in used {
                assert!(allowed.contains(&v), "{tag}/@{attr} = {v:?} is not on the {list} codelist");
            }
        }
        // DAC sectors (vocabulary 1) are on the Sector codelist.
        let sectors = codelist("Sector");
        let mut parts = activities.split("<sector ");
        parts.next(); // what comes before the first sector
        for s in parts {
            let head = s.split("/>").next().unwrap();
            if head.contains(r#"vocabulary="1""#) {
                let code = head.split(r#"code=""#).nth(1).unwrap().split('"').next().unwrap();
                assert!(sectors.contains(code), "sector {code} is not a DAC code");
            }
        }
    }
}

/// The document without its generated timestamps.
fn without_stamps(xml: &str) -> String {
    let mut out = xml.to_owned();
    for attr in ["generated-datetime=\"", "last-updated-datetime=\""] {
        let mut kept = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(attr) {
            kept.push_str(&rest[..at + attr.len()]);
            let after = &rest[at + attr.len()..];
            rest = &after[after.find('"').unwrap_or(0)..];
        }
        kept.push_str(rest);
        out = kept;
    }
    out
}

async fn import_xml(app: &crate::support::TestApp, xml: &[u8]) -> crate::support::Answer {
    let token = app.admin_token.clone();
    app.call(Method::POST, "/api/v1/iati/activities")
        .token(&token)
        .body("application/xml", xml.to_vec())
        .send()
        .await
}

on_both_backends! {
    /// Export, import into an empty platform (its places and exchange rates only), export
    /// again: the same document, but for the time it was generated. Importing it once more
    /// changes nothing.
    async fn iati_activities_survive_a_round_trip(app: TestApp) {
        let app = app.with_demo().await;
        let first = app.call(Method::GET, "/iati/activities.xml").send().await.text();
        let activities = first.matches("<iati-activity ").count();
        assert!(first.contains(r#"<related-activity ref="XX-SEMEY-DEMO-SEMEY-2030" type="1"/>"#), "the projects name their programme");
        // Experts' time travels as a transaction with aid type D01 marked in kind.
        assert!(first.contains(r#"<aid-type code="D01" vocabulary="1"/><semey:in-kind xmlns:semey="https://semey.kz/ns/iati" category="experts" quantity="40" unit="person-days"/></transaction>"#), "the in-kind mark");
        let empty = app.sibling().await;
        semey::demo::load_reference(empty.store()).await.unwrap();
        let answer = import_xml(&empty, first.as_bytes()).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let report = answer.json();
        assert_eq!(report["inserted"], activities as u64, "{report}");
        let second = empty.call(Method::GET, "/iati/activities.xml").send().await.text();
        assert_eq!(without_stamps(&second), without_stamps(&first));
        let again = import_xml(&empty, first.as_bytes()).await.json();
        assert_eq!(again["unchanged"], activities as u64, "{again}");
        assert_eq!(again["inserted"], 0);
        let third = empty.call(Method::GET, "/iati/activities.xml").send().await.text();
        assert_eq!(without_stamps(&third), without_stamps(&first));
        // The money came with it: the same totals.
        let (_, before) = app.get("/api/v1/funding/summary").await;
        let (_, after) = empty.get("/api/v1/funding/summary").await;
        assert_eq!(before["total"], after["total"]);
        // What was given in kind came back as such, not as money.
        assert_eq!(empty.count("contributions").await, app.count("contributions").await);
        assert_eq!(before["in_kind"]["total"], after["in_kind"]["total"]);
        assert_eq!(empty.count("transactions").await, app.count("transactions").await);
    }
}

on_both_backends! {
    /// The standard's own example file, from another publisher: read once the exchange rates of
    /// its value dates are known (before, the missing rate is named and nothing is stored); its
    /// places outside the platform are reported, not invented.
    async fn the_standards_example_activity_imports(app: TestApp) {
        let xml = std::fs::read(shared("iati/examples/activity-standard-example-annotated.xml")).unwrap();
        let refused = import_xml(&app, &xml).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
        let body = refused.json();
        let first = body["errors"].to_string();
        assert!(first.contains("no_exchange_rate") && first.contains("line "), "{body}");
        assert_eq!(app.count("programmes").await, 0);
        assert_eq!(app.count("organisations").await, 0);
        let (s, b) = app
            .post(
                "/api/v1/exchange-rates",
                serde_json::json!([
                    {"currency": "KZT", "date": "2011-01-01", "per_usd": "146", "source": "test"},
                    {"currency": "EUR", "date": "2011-01-01", "per_usd": "0.75", "source": "test"},
                    {"currency": "GBP", "date": "2011-01-01", "per_usd": "0.64", "source": "test"}
                ]),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let answer = import_xml(&app, &xml).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let report = answer.json();
        assert_eq!(report["inserted"], 1, "{report}");
        let notes = report["notes"].to_string();
        assert!(notes.contains("location[1]") && notes.contains("left out"), "{notes}");
        let (_, found) = app.get("/api/v1/programmes?q=AA-AAA-123456789-ABC123").await;
        let p = &found["items"][0];
        assert_eq!(p["title"]["en"], "Activity title");
        assert!(app.count("organisations").await >= 2);
        assert_eq!(import_xml(&app, &xml).await.json()["unchanged"], 1);
    }
}

/// A small activity file around `body` (the elements of one activity after its identifier).
fn one_activity(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity default-currency="USD">
  <iati-identifier>XM-TEST-1</iati-identifier>
  <reporting-org ref="XM-TEST" type="40"><narrative>Test agency</narrative></reporting-org>
  <title><narrative>Test activity</narrative></title>
  <activity-status code="2"/>
  {body}
 </iati-activity>
</iati-activities>
"#
    )
}

on_both_backends! {
    /// Every kind of bad file is refused with its line and location, and nothing is stored:
    /// malformed XML, another root, IATI 1.0x, a DTD (an external entity is never read), an
    /// unknown code, sector percentages that do not add up, a transaction without a value
    /// date, an organisation with neither identifier nor name, text that is not UTF-8, an
    /// in-kind contribution without its provider or quantity.
    async fn bad_iati_files_are_refused_whole(app: TestApp) {
        app.with_rates().await;
        let good_tx = r#"<sector vocabulary="1" code="12220" percentage="100"/><transaction><transaction-type code="3"/><transaction-date iso-date="2024-02-01"/><value value-date="2024-02-01">100</value></transaction>"#;
        let answer = import_xml(&app, one_activity(good_tx).as_bytes()).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let programmes = app.count("programmes").await;
        let organisations = app.count("organisations").await;
        let cases: Vec<(String, &str, &str)> = vec![
            (one_activity("<title>").replace("</iati-activity>", ""), "malformed_xml", "line "),
            ("<?xml version=\"1.0\"?>\n<iati-organisations version=\"2.03\"/>".into(), "not_iati_activities", "line 2"),
            ("<iati-activities version=\"1.03\"><iati-activity/></iati-activities>".into(), "iati_version_1", "@version"),
            (
                "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<iati-activities version=\"2.03\"><iati-activity><iati-identifier>&e;</iati-identifier></iati-activity></iati-activities>".into(),
                "doctype_refused",
                "line 2",
            ),
            (one_activity(&good_tx.replace(r#"transaction-type code="3""#, r#"transaction-type code="99""#)), "unknown_transaction_type", "transaction[1]"),
            (one_activity(&format!(r#"<default-flow-type code="20"/>{good_tx}"#).replace("<sector", "<sector vocabulary=\"1\" code=\"12230\" percentage=\"50\"/><sector").replace("<default-flow-type code=\"20\"/>", "")), "sector_percentages_sum", "sector"),
            (one_activity(&good_tx.replace(r#"<value value-date="2024-02-01">"#, "<value>")), "missing_value_date", "transaction[1]/value/@value-date"),
            (one_activity(&good_tx.replace("<transaction-date", "<provider-org/><transaction-date").replace("<provider-org/><transaction-date iso-date=\"2024-02-01\"/>", "<transaction-date iso-date=\"2024-02-01\"/>").replace("</value>", "</value><provider-org type=\"10\"/>")), "organisation_unnamed", "provider-org"),
            (one_activity(&good_tx.replace("<value value-date=\"2024-02-01\">", "<value currency=\"XYZ\" value-date=\"2024-02-01\">")), "unknown_currency", "@currency"),
            (one_activity(&format!(r#"<default-flow-type code="20"/>{good_tx}"#).replace(r#"<activity-status code="2"/>"#, r#"<activity-status code="2"/>"#)), "unknown_code", "default-flow-type"),
            // Marked in kind, but without who gave it, or without a quantity.
            (one_activity(&good_tx.replace("</value>", r#"</value><s:in-kind xmlns:s="https://semey.kz/ns/iati" category="experts" quantity="3" unit="person-days"/>"#)), "in_kind_without_provider", "transaction[1]/provider-org"),
            (one_activity(&good_tx.replace("</value>", r#"</value><provider-org ref="XM-DAC-41107"><narrative>IAEA</narrative></provider-org><s:in-kind xmlns:s="https://semey.kz/ns/iati" category="experts" unit="person-days"/>"#)), "not_a_number", "transaction[1] (quantity)"),
        ];
        for (xml, code, place) in cases {
            let answer = import_xml(&app, xml.as_bytes()).await;
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {}", answer.text());
            let errors = answer.json()["errors"].clone();
            assert!(
                errors.as_array().unwrap().iter().any(|e| e["code"] == code && e["field"].as_str().unwrap().contains(place)),
                "{code} at {place}: {errors}"
            );
        }
        // Latin-1 text where UTF-8 is declared.
        let mut latin = one_activity(good_tx).replace("Test activity", "Caf_").into_bytes();
        let at = latin.iter().position(|b| *b == b'_').unwrap();
        latin[at] = 0xE9;
        let answer = import_xml(&app, &latin).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(answer.text().contains("not_utf8"), "{}", answer.text());
        // UTF-16 with its byte order mark is read.
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(one_activity(good_tx).replace("UTF-8", "UTF-16").encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let answer = import_xml(&app, &utf16).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        assert_eq!(answer.json()["unchanged"], 1);
        assert_eq!(app.count("programmes").await, programmes);
        assert_eq!(app.count("organisations").await, organisations);
    }
}

/// A multipart body holding one file field.
fn multipart(file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "semey-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"activities.xml\"\r\nContent-Type: application/xml\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

on_both_backends! {
    /// A coordinator sends a file from the workspace: the problems come back at their line and
    /// location in the reader's language and nothing is stored; a good file is imported and
    /// its counts shown.
    async fn the_workspace_imports_iati_files_in_the_readers_language(app: TestApp) {
        app.with_rates().await;
        let token = app.admin_token.clone();
        let form = app.call(Method::GET, "/workspace/iati?lang=ru").token(&token).send().await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.text().contains("Импорт файла мероприятий IATI"));
        let bad = "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<iati-activities version=\"2.03\"/>";
        let (kind, body) = multipart(bad.as_bytes());
        let answer = app.call(Method::POST, "/workspace/iati?lang=ru").token(&token).body(&kind, body).send().await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = answer.text();
        assert!(html.contains("Ничего не импортировано") && html.contains("line 2: /"), "{html}");
        assert!(html.contains("объявление типа документа (DTD)"), "{html}");
        assert_eq!(app.count("programmes").await, 0);
        let good = one_activity(r#"<sector vocabulary="1" code="12220" percentage="100"/><transaction><transaction-type code="3"/><transaction-date iso-date="2024-02-01"/><value value-date="2024-02-01">100</value></transaction>"#);
        let (kind, body) = multipart(good.as_bytes());
        let answer = app.call(Method::POST, "/workspace/iati?lang=zh").token(&token).body(&kind, body).send().await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let html = answer.text();
        assert!(html.contains("文件已导入") && html.contains("<dd>1</dd>"), "{html}");
        assert_eq!(app.count("programmes").await, 1);
        // Editors may not import files.
        let org = app.organisation("Editors' organisation", 22, "KZ").await;
        let editor = app.user("editor@example.org", semey_domain::access::Role::Editor, Some(&org)).await;
        let (kind, body) = multipart(good.as_bytes());
        let refused = app.call(Method::POST, "/workspace/iati").token(&editor.token).body(&kind, body).send().await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}
