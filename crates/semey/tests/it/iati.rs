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
        let checks: [(&str, &str, &str, &str); 18] = [
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
