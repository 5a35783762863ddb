//! Results monitoring on both backends: the chain and its periods on the record path, every
//! bad value named with nothing stored, statuses kept current, counts by status.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use semey_domain::access::Role;
use serde_json::{json, Value};

/// A programme of 2024–2026 (children among its groups) with one result of two indicators:
/// people screened (a count, people reached) and the share of schools measured (percent).
async fn chain(app: &TestApp) -> (String, String, String, String) {
    let org = app.organisation("Screening NGO", 22, "KZ").await;
    let programme = app
        .programme(
            "XM-RESULTS-1",
            json!({"reporting_org_id": org, "target_groups": ["children", "exposed_population"],
                   "dates": {"planned_start": "2024-01-01", "planned_end": "2026-12-31"}}),
        )
        .await;
    let (s, r) = app
        .post(
            "/api/v1/results",
            json!({"programme_id": programme, "result_type": "outcome",
                   "title": {"en": "Thyroid disease found early", "ru": "Болезни щитовидной железы выявляются рано"},
                   "indicators": [
                       {"title": {"en": "People screened"}, "measure": "unit", "unit": "people", "people_reached": true,
                        "shared": "semey:people-screened", "baseline": {"year": 2023, "value": "0"}},
                       {"title": {"en": "Schools measured"}, "measure": "percentage", "baseline": {"year": 2023, "value": "10"}}
                   ]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let people = r["indicators"][0]["id"].as_str().unwrap().to_owned();
    let schools = r["indicators"][1]["id"].as_str().unwrap().to_owned();
    (org, programme, people, schools)
}

fn period(ind: &str, start: &str, end: &str, target: Option<&str>, actual: Option<Value>) -> Value {
    let mut p = json!({"indicator_id": ind, "start": start, "end": end});
    if let Some(t) = target {
        p["target"] = json!({"value": t});
    }
    if let Some(a) = actual {
        p["actual"] = a;
    }
    p
}

on_both_backends! {
    /// Periods with targets and actuals give each indicator a status with its figures, and the
    /// programme the worst of them; a value changes the status at once.
    async fn statuses_follow_the_reported_values(app: TestApp) {
        let (_, programme, people, schools) = chain(&app).await;
        // Nothing reported yet for a period that has ended: not reported.
        let (s, b) = app.put(&format!("/api/v1/indicators/{people}/periods"),
            period(&people, "2024-01-01", "2024-12-31", Some("1000"), None)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (_, r) = app.get(&format!("/api/v1/programmes/{programme}/results")).await;
        assert_eq!(r["results"][0]["indicators"][0]["status"], "not_reported", "{r}");
        assert_eq!(r["results"][0]["indicators"][0]["assessment"]["reason"], "period_ended_unreported");
        // The actual arrives, split by sex (complete: it must add up) and by settlement.
        let actual = json!({"value": "980", "comment": "district clinics' registers",
            "splits": [{"dimension": "sex", "key": "female", "value": "520"}, {"dimension": "sex", "key": "male", "value": "460"},
                       {"dimension": "target_group", "key": "children", "value": "300"}]});
        let (s, b) = app.put(&format!("/api/v1/indicators/{people}/periods"),
            period(&people, "2024-01-01", "2024-12-31", Some("1000"), Some(actual))).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (_, r) = app.get(&format!("/api/v1/programmes/{programme}/results")).await;
        let ind = &r["results"][0]["indicators"][0];
        assert_eq!(ind["status"], "on_track", "{ind}");
        assert!((ind["assessment"]["ratio"].as_f64().unwrap() - 0.98).abs() < 0.001);
        // 30 % of the way from 10 % to 50 %… off track: the programme is off track.
        let (s, b) = app.put(&format!("/api/v1/indicators/{schools}/periods"),
            period(&schools, "2024-01-01", "2024-12-31", Some("50"), Some(json!({"value": "22"})))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (_, r) = app.get(&format!("/api/v1/programmes/{programme}/results")).await;
        assert_eq!(r["results"][0]["indicators"][1]["status"], "off_track");
        assert_eq!(r["status"], "off_track");
        let (_, counts) = app.get("/api/v1/results/status?by=area").await;
        let health: Vec<&Value> = counts.as_array().unwrap().iter().filter(|c| c["group"] == "health").collect();
        assert!(health.iter().any(|c| c["status"] == "on_track" && c["indicators"] == 1), "{counts}");
        assert!(health.iter().any(|c| c["status"] == "off_track" && c["indicators"] == 1), "{counts}");
        // Editing the same period again with the same figures changes nothing.
        let before = app.content().await;
        let (s, _) = app.put(&format!("/api/v1/indicators/{schools}/periods"),
            period(&schools, "2024-01-01", "2024-12-31", Some("50"), Some(json!({"value": "22"})))).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(app.content().await, before);
    }
}

on_both_backends! {
    /// Every bad value is refused with its field (and, for a split, the period, the dimension
    /// and both numbers), and nothing is stored.
    async fn bad_values_are_named_and_nothing_is_stored(app: TestApp) {
        let (_, programme, people, schools) = chain(&app).await;
        let (s, _) = app.put(&format!("/api/v1/indicators/{people}/periods"),
            period(&people, "2024-01-01", "2024-12-31", Some("1000"), None)).await;
        assert_eq!(s, StatusCode::CREATED);
        let before = app.content().await;
        let app = &app;
        let refused = |body: Value, ind: String| async move {
            let (s, e) = app.put(&format!("/api/v1/indicators/{ind}/periods"), body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            e
        };
        let e = refused(period(&people, "2025-01-01", "2025-12-31", Some("many"), None), people.clone()).await;
        assert_eq!((e["errors"][0]["field"].as_str(), e["errors"][0]["code"].as_str()), (Some("target.value"), Some("not_a_number")));
        let e = refused(period(&schools, "2025-01-01", "2025-12-31", Some("120"), None), schools.clone()).await;
        assert_eq!(e["errors"][0]["code"], "percentage_out_of_range");
        let e = refused(period(&people, "2024-06-01", "2025-05-31", Some("10"), None), people.clone()).await;
        assert!(e.to_string().contains("overlapping_period"), "{e}");
        let e = refused(period(&people, "2027-01-01", "2027-12-31", Some("10"), None), people.clone()).await;
        assert!(e.to_string().contains("outside_programme"), "{e}");
        let split = json!({"value": "100", "splits": [{"dimension": "sex", "key": "female", "value": "40"}, {"dimension": "sex", "key": "male", "value": "50"}]});
        let e = refused(period(&people, "2025-01-01", "2025-12-31", None, Some(split)), people.clone()).await;
        let m = e["errors"].as_array().unwrap().iter().find(|x| x["code"] == "split_does_not_add_up").expect("named");
        let text = m["message"].as_str().unwrap();
        assert!(text.contains("2025-01-01") && text.contains("sex") && text.contains("90") && text.contains("100"), "{text}");
        let off_list = json!({"value": "100", "splits": [{"dimension": "target_group", "key": "older_people", "value": "10"}]});
        let e = refused(period(&people, "2025-01-01", "2025-12-31", None, Some(off_list)), people.clone()).await;
        assert_eq!(e["errors"][0]["code"], "not_on_list", "the programme's groups are children and the exposed");
        assert_eq!(app.content().await, before, "nothing stored");
        // A baseline without a year, an ordinal indicator without levels.
        let (s, e) = app.post("/api/v1/results", json!({"programme_id": programme, "result_type": "output", "title": {"en": "X"},
            "indicators": [{"title": {"en": "Y"}, "measure": "unit", "baseline": {"value": "3"}}]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.to_string().contains("year"), "{e}");
        let (s, e) = app.post("/api/v1/results", json!({"programme_id": programme, "result_type": "output", "title": {"en": "X"},
            "indicators": [{"title": {"en": "Y"}, "measure": "ordinal", "baseline": {"year": 2023}}]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["errors"][0]["code"], "levels_required");
        assert_eq!(app.content().await, before, "nothing stored");
    }
}

on_both_backends! {
    /// An editor of the programme's organisation proposes values; they count once published.
    async fn editors_propose_values(app: TestApp) {
        let (org, programme, people, _) = chain(&app).await;
        let editor = app.user("e@ngo.test", Role::Editor, Some(&org)).await;
        let coordinator = app.user("c@semey.test", Role::Coordinator, None).await;
        let body = period(&people, "2024-01-01", "2024-12-31", Some("1000"), Some(json!({"value": "1000"})));
        let (s, p) = app.request_as(Some(&editor.token), Method::PUT, &format!("/api/v1/indicators/{people}/periods"), Some(body.to_string())).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{p}");
        let (_, periods) = app.get(&format!("/api/v1/indicators/{people}/periods")).await;
        assert_eq!(periods.as_array().unwrap().len(), 0, "not counted before approval");
        let id: uuid::Uuid = p["id"].as_str().unwrap().parse().unwrap();
        use semey::records::workflow;
        use semey_domain::workflow::Step;
        workflow::take_step(app.store(), &coordinator.actor, id, Step::Approve, None).await.unwrap();
        workflow::take_step(app.store(), &coordinator.actor, id, Step::Publish, None).await.unwrap();
        let (_, r) = app.get(&format!("/api/v1/programmes/{programme}/results")).await;
        assert_eq!(r["results"][0]["indicators"][0]["status"], "on_track", "{r}");
        // Another organisation's editor cannot report for this programme.
        let other = app.organisation("Other", 22, "KZ").await;
        let stranger = app.user("s@other.test", Role::Editor, Some(&other)).await;
        let (s, _) = app.request_as(Some(&stranger.token), Method::PUT, &format!("/api/v1/indicators/{people}/periods"), Some(body.to_string())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}

on_both_backends! {
    /// The results page shows the chain, each indicator's status with its reason in words and
    /// its figures as a chart and a table, and the split as bars, in every language.
    async fn the_results_page_explains_each_status(app: TestApp) {
        let (_, programme, people, _) = chain(&app).await;
        let actual = json!({"value": "600", "document": "https://example.kz/report-2024.pdf",
            "splits": [{"dimension": "sex", "key": "female", "value": "350"}, {"dimension": "sex", "key": "male", "value": "250"}]});
        let (s, b) = app.put(&format!("/api/v1/indicators/{people}/periods"),
            period(&people, "2024-01-01", "2024-12-31", Some("1000"), Some(actual))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let html = app.call(Method::GET, &format!("/programmes/{programme}/results?lang=en")).send().await.text();
        assert!(html.contains("Thyroid disease found early") && html.contains("People screened"));
        // 60 % of the way done where all of it was expected: a ratio of 0.60, at the at-risk
        // threshold.
        assert!(html.contains("At risk") && html.contains("Only 60.0"), "{html}");
        assert!(html.contains(r#"class="chart-data""#), "the figures as a table too");
        assert!(html.contains("Women and girls"), "the split as bars");
        assert!(html.contains("report-2024.pdf"), "the source document");
        assert!(html.contains("0.95"), "the rule with its thresholds");
        let html = app.call(Method::GET, &format!("/programmes/{programme}/results?lang=ru")).send().await.text();
        assert!(html.contains("Под угрозой") && html.contains("Болезни щитовидной железы выявляются рано"), "{html}");
        let html = app.call(Method::GET, &format!("/programmes/{programme}/results?lang=zh")).send().await.text();
        assert!(html.contains("有风险"));
    }
}

on_both_backends! {
    /// The values template of a programme, filled in and imported: line-numbered problems with
    /// nothing stored, then the values and statuses; importing it again changes nothing.
    async fn the_values_template_round_trips(app: TestApp) {
        let (_, programme, people, schools) = chain(&app).await;
        let answer = app.call(Method::GET, &format!("/api/v1/programmes/{programme}/results/template.csv")).send().await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.header("content-disposition").unwrap().contains("attachment"));
        let template = answer.text();
        assert!(template.starts_with("indicator_id,indicator,period_start,period_end,figure,dimension,key,value,comment,document"));
        assert!(template.contains(&people) && template.contains("People screened"), "{template}");
        let import = |csv: String| {
            let store = app.store().clone();
            async move {
                semey::results::import::import_values(&store, &crate::support::import_file("values.csv", csv.as_bytes()), &mut semey::import::Quiet).await
            }
        };
        let header = "indicator_id,indicator,period_start,period_end,figure,dimension,key,value,comment,document\n";
        let before = app.content().await;
        let bad = format!("{header}{people},,2024-01-01,2024-12-31,target,,,1000,,\n\
            {people},,2024-01-01,2024-12-31,actual,,,900,,\n\
            {people},,2024-01-01,2024-12-31,actual,sex,female,500,,\n\
            {people},,2024-01-01,2024-12-31,actual,sex,male,300,,\n\
            {schools},,2024-01-01,2024-12-31,target,,,150,,\n\
            {schools},,2024-13-01,2024-12-31,target,,,50,,\n\
            {people},,2024-01-01,2024-12-31,target,,,1000,,\n");
        let err = import(bad).await.unwrap_err().to_string();
        assert!(err.contains("line 7: period_start"), "a bad date names its line: {err}");
        assert!(err.contains("line 8"), "a repeated row names its line: {err}");
        assert_eq!(app.content().await, before, "nothing stored");
        let wrong_values = format!("{header}{people},,2024-01-01,2024-12-31,target,,,1000,,\n\
            {people},,2024-01-01,2024-12-31,actual,,,900,,\n\
            {people},,2024-01-01,2024-12-31,actual,sex,female,500,,\n\
            {people},,2024-01-01,2024-12-31,actual,sex,male,300,,\n\
            {schools},,2024-01-01,2024-12-31,target,,,150,,\n");
        let err = import(wrong_values).await.unwrap_err().to_string();
        assert!(err.contains("adds up to 800") && err.contains("percentage"), "{err}");
        assert_eq!(app.content().await, before, "nothing stored");
        let good = format!("{header}{people},People screened,2024-01-01,2024-12-31,target,,,1000,,\n\
            {people},,2024-01-01,2024-12-31,actual,,,980,registers,https://example.kz/r.pdf\n\
            {people},,2024-01-01,2024-12-31,actual,sex,female,520,,\n\
            {people},,2024-01-01,2024-12-31,actual,sex,male,460,,\n\
            {schools},,2024-01-01,2024-12-31,target,,,50,,\n\
            {schools},,2024-01-01,2024-12-31,actual,,,48,,\n");
        let report = import(good.clone()).await.unwrap();
        assert_eq!((report.inserted, report.unchanged), (2, 0));
        let (_, r) = app.get(&format!("/api/v1/programmes/{programme}/results")).await;
        assert_eq!(r["results"][0]["indicators"][0]["status"], "on_track", "{r}");
        assert_eq!(r["results"][0]["indicators"][0]["periods"][0]["actual"]["document"], "https://example.kz/r.pdf");
        let again = import(good).await.unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2));
        // A repeated part of a split names the line it repeats.
        let repeated = format!("{header}{people},,2025-01-01,2025-12-31,actual,,,700,,\n\
            {people},,2025-01-01,2025-12-31,actual,sex,female,400,,\n\
            {people},,2025-01-01,2025-12-31,actual,sex,female,300,,\n");
        let err = import(repeated).await.unwrap_err().to_string();
        assert!(err.contains("line 4") && err.contains("repeats line 3"), "{err}");
        // A later file corrects one stored period and adds one beside the stored ones; the
        // status is worked out over all of them.
        let later = format!("{header}{schools},,2024-01-01,2024-12-31,actual,,,49,,\n\
            {people},,2025-01-01,2025-12-31,target,,,1000,,\n\
            {people},,2025-01-01,2025-12-31,actual,,,200,,\n");
        let report = import(later).await.unwrap();
        assert_eq!((report.inserted, report.updated, report.unchanged), (1, 1, 0));
        let (_, r) = app.get(&format!("/api/v1/programmes/{programme}/results")).await;
        let people_periods = r["results"][0]["indicators"][0]["periods"].as_array().unwrap();
        assert_eq!(people_periods.len(), 2, "the stored 2024 period is kept: {r}");
        assert_eq!(r["results"][0]["indicators"][0]["status"], "off_track", "200 of 1000 in 2025: {r}");
        assert_eq!(r["results"][0]["indicators"][1]["periods"][0]["actual"]["value"], "49");
        // The template now carries the stored figures, splits included.
        let template = app.call(Method::GET, &format!("/api/v1/programmes/{programme}/results/template.csv")).send().await.text();
        assert!(template.contains("actual,sex,female,520"), "{template}");
    }
}

on_both_backends! {
    /// The dashboard: statuses by area and organisation, overdue reports, shared indicators
    /// added up across programmes, and a district map of one of them.
    async fn the_dashboard_adds_up_shared_indicators(app: TestApp) {
        let app = app.with_demo().await;
        let (_, programme, people, _) = chain(&app).await;
        // Another programme reports against the same shared indicator, split by settlement.
        let (_, st) = app.get("/api/v1/places?level=settlement&q=Kurchatov").await;
        let kurchatov = st["items"][0]["id"].as_str().unwrap().to_owned();
        let actual = json!({"value": "700", "splits": [{"dimension": "place", "key": kurchatov, "value": "700"}]});
        let (s, b) = app.put(&format!("/api/v1/indicators/{people}/periods"),
            period(&people, "2024-01-01", "2024-12-31", Some("1000"), Some(actual))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let html = app.call(Method::GET, "/results?lang=en").send().await.text();
        assert!(html.contains("Indicators by status and thematic area") && html.contains(r#"class="chart-data""#), "{html}");
        // The demo's screening programme reported 1 500 in 2024, this one 700: 2 200.
        assert!(html.contains("semey:people-screened") && html.contains("2,200"), "{html}");
        assert!(html.contains("Only counts are added"), "what cannot be added is said");
        // The map of that indicator shades Kurchatov's district.
        let (_, d) = app.get(&format!("/api/v1/places/{kurchatov}")).await;
        let district = d["properties"]["parent_id"].as_str().or(d["parent_id"].as_str()).map(str::to_owned);
        let html = app.call(Method::GET, "/results?lang=en&map=semey:people-screened@2024").send().await.text();
        assert!(html.contains("semey:people-screened, 2024, by district"), "{html}");
        if let Some(district) = district {
            assert!(html.contains(&format!("/places/{district}")), "the district is on the map");
        }
        // The catalogue: names in the reader's language, what is never added, and the chosen
        // indicator's sums by area and by district, each by year.
        let html = app.call(Method::GET, "/results/shared?code=semey:people-screened&lang=en").send().await.text();
        assert!(html.contains("People screened for radiation-related disease"), "{html}");
        assert!(html.contains("never added (a percentage)") && html.contains("sdg:3.8.1"), "{html}");
        assert!(html.contains("semey:people-screened: reported values by thematic area and year"), "{html}");
        let html_ru = app.call(Method::GET, "/results/shared?lang=ru").send().await.text();
        assert!(html_ru.contains("Общие показатели") && html_ru.contains("Люди, обследованные на заболевания"), "{html_ru}");
        let csv = app.call(Method::GET, "/results/shared.csv?code=semey:people-screened&lang=en").send().await.text();
        assert!(csv.contains("Thematic area,Health,people,2024,"), "{csv}");
        assert!(csv.contains("District,") && csv.contains(",2024,700"), "the settlement's 700 counts in its district: {csv}");
        // A programme's indicator reporting against a catalogue entry counts the same way.
        let (s, b) = app.post("/api/v1/results", json!({"programme_id": programme, "result_type": "output",
            "title": {"en": "Mismatched"}, "indicators": [{"title": {"en": "Share screened"}, "measure": "percentage",
            "shared": "semey:people-screened", "baseline": {"year": 2023, "value": "0"}}]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(b.to_string().contains("shared_measure_differs"), "{b}");
        // An overdue report is listed with its programme.
        let (s, _) = app.put(&format!("/api/v1/indicators/{people}/periods"),
            period(&people, "2025-01-01", "2025-06-30", Some("500"), None)).await;
        assert_eq!(s, StatusCode::CREATED);
        let html = app.call(Method::GET, "/results?lang=ru").send().await.text();
        assert!(html.contains("Просроченные отчёты") && html.contains(&format!("/programmes/{programme}/results")), "{html}");
    }
}

/// The counts by status and area, as the API gives them: `(area, status) → indicators`.
async fn counts(app: &TestApp) -> std::collections::BTreeMap<(String, String), i64> {
    let (_, c) = app.get("/api/v1/results/status?by=area").await;
    c.as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                (
                    x["group"].as_str().unwrap().to_owned(),
                    x["status"].as_str().unwrap().to_owned(),
                ),
                x["indicators"].as_i64().unwrap(),
            )
        })
        .collect()
}

on_both_backends! {
    /// The counts by status are kept current by every write: values, a result losing an
    /// indicator, a programme moving to another thematic area.
    async fn counts_by_status_follow_every_change(app: TestApp) {
        let (org, programme, people, schools) = chain(&app).await;
        let key = |a: &str, s: &str| (a.to_owned(), s.to_owned());
        assert_eq!(counts(&app).await.get(&key("health", "not_assessed")), Some(&2));
        let (s, _) = app.put(&format!("/api/v1/indicators/{people}/periods"),
            period(&people, "2024-01-01", "2024-12-31", Some("1000"), Some(json!({"value": "1000"})))).await;
        assert_eq!(s, StatusCode::CREATED);
        let c = counts(&app).await;
        assert_eq!((c.get(&key("health", "on_track")), c.get(&key("health", "not_assessed"))), (Some(&1), Some(&1)), "{c:?}");
        // The result keeps only the people indicator: the other leaves the counts.
        let (_, r) = app.get(&format!("/api/v1/programmes/{programme}/results")).await;
        let result_id = r["results"][0]["result"]["id"].as_str().unwrap().to_owned();
        let mut result = r["results"][0]["result"].clone();
        let kept: Vec<Value> = result["indicators"].as_array().unwrap().iter().filter(|i| i["id"] == people.as_str()).cloned().collect();
        result["indicators"] = json!(kept);
        result["result_type"] = json!("outcome");
        let (s, b) = app.put(&format!("/api/v1/results/{result_id}"), result).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let c = counts(&app).await;
        assert_eq!(c.get(&key("health", "not_assessed")), None, "{c:?}");
        let (s, _) = app.get(&format!("/api/v1/indicators/{schools}/periods")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "the removed indicator is gone");
        // The programme moves from health to psychosocial support.
        let (_, p) = app.get(&format!("/api/v1/programmes/{programme}")).await;
        let mut body = p.clone();
        body["areas"] = json!(["psychosocial_support"]);
        body["reporting_org_id"] = json!(org);
        let (s, b) = app.put(&format!("/api/v1/programmes/{programme}"), body).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let c = counts(&app).await;
        assert_eq!(c.get(&key("health", "on_track")), None, "{c:?}");
        assert_eq!(c.get(&key("psychosocial_support", "on_track")), Some(&1), "{c:?}");
    }
}

on_both_backends! {
    /// Efficiency: disbursement rate, absorption and cost per person reached, from the
    /// programme's transactions and its people-reached indicator, each saying what it divides.
    async fn efficiency_figures_come_from_money_and_people(app: TestApp) {
        app.with_rates().await;
        let (_, programme, people, _) = chain(&app).await;
        // Incoming commitment, incoming funds, expenditure.
        for (ty, amount, reference) in [(11, "1000", "C"), (1, "800", "D"), (4, "600", "E")] {
            let (s, b) = app.post("/api/v1/transactions", json!({"programme_id": programme, "transaction_type": ty,
                "date": "2024-06-01", "amount": amount, "currency": "USD", "reference": reference})).await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let (s, _) = app.put(&format!("/api/v1/indicators/{people}/periods"),
            period(&people, "2024-01-01", "2024-12-31", Some("300"), Some(json!({"value": "300"})))).await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, r) = app.get(&format!("/api/v1/programmes/{programme}/results")).await;
        let e = &r["efficiency"];
        assert_eq!((e["disbursement_rate"].as_f64(), e["absorption"].as_f64()), (Some(80.0), Some(75.0)), "{r}");
        assert_eq!(e["cost_per_person"], 200, "$600 for 300 people: $2.00 (in cents)");
        assert_eq!(r["people_indicator"], people.as_str());
        let html = app.call(Method::GET, &format!("/programmes/{programme}/results?lang=en")).send().await.text();
        assert!(html.contains("Cost per person reached") && html.contains("300 people reached"), "{html}");

        // Rolled up by organisation: a second programme of the same organisation spends
        // without counting people, so it adds to the money but not to the cost per person.
        let (_, p1) = app.get(&format!("/api/v1/programmes/{programme}")).await;
        let org = p1["reporting_org_id"].as_str().unwrap().to_owned();
        let other = app.programme("XM-RESULTS-2", json!({"reporting_org_id": org})).await;
        for (ty, amount, reference) in [(11, "500", "C2"), (1, "500", "D2"), (4, "400", "E2")] {
            let (s, b) = app.post("/api/v1/transactions", json!({"programme_id": other, "transaction_type": ty,
                "date": "2024-06-01", "amount": amount, "currency": "USD", "reference": reference})).await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        let (s, groups) = app.get("/api/v1/results/efficiency?by=organisation").await;
        assert_eq!(s, StatusCode::OK, "{groups}");
        let g = groups.as_array().unwrap().iter().find(|g| g["group"] == org.as_str()).expect("the organisation's group");
        assert_eq!((g["programmes"].as_i64(), g["committed"].as_i64(), g["spent"].as_i64(), g["spent_counted"].as_i64()),
            (Some(2), Some(150_000), Some(100_000), Some(60_000)), "{g}");
        let e = &g["efficiency"];
        assert_eq!((e["disbursement_rate"].as_f64(), e["absorption"].as_f64()), (Some(86.7), Some(76.9)), "{g}");
        assert_eq!(e["cost_per_person"], 200, "only the counting programme's $600 over its 300 people");
        let (s, _) = app.get("/api/v1/results/efficiency?by=planet").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let html = app.call(Method::GET, "/results/efficiency?by=organisation&lang=ru").send().await.text();
        assert!(html.contains("Screening NGO") && html.contains(&format!("/programmes?organisation={org}")), "{html}");
        assert!(html.contains("Эффективность по отчитывающимся организациям"), "{html}");
        let csv = app.call(Method::GET, "/results/efficiency.csv?by=organisation&lang=en").send().await.text();
        assert!(csv.contains("Screening NGO,2,1500.00,1300.00,1000.00,86.7,76.9,300,2.00"), "{csv}");
        let csv = app.call(Method::GET, "/results.csv?lang=ru").send().await.text();
        assert!(csv.starts_with("Группировка,Группа,Состояние,Показатели"), "{csv}");
        assert!(csv.contains("Тематическое направление,Здравоохранение,По плану,1"), "{csv}");
    }
}

on_both_backends! {
    /// A place's page says where the results of each programme working there stand, linking
    /// to its results (the demo's screening programme reports results).
    async fn place_pages_show_where_results_stand(app: TestApp) {
        let app = app.with_demo().await;
        let (_, p) = app.get("/api/v1/programmes?q=HEALTH-SCREEN").await;
        let programme = &p["items"][0];
        let id = programme["id"].as_str().unwrap();
        let place = programme["places"][0]["place_id"].as_str().expect("the demo programme has places");
        let html = app.call(Method::GET, &format!("/places/{place}?lang=en")).send().await.text();
        assert!(html.contains(&format!(r#"href="/programmes/{id}/results">Results: "#)), "{html}");
        let (_, r) = app.get(&format!("/api/v1/programmes/{id}/results")).await;
        let words = match r["status"].as_str().unwrap() {
            "on_track" => "On track",
            "at_risk" => "At risk",
            "off_track" => "Off track",
            "not_reported" => "Not reported",
            _ => "No status",
        };
        assert!(html.contains(&format!("Results: {words}")), "the programme's status: {words}");
    }
}

on_both_backends! {
    /// A programme's results as a CSV table in the reader's language: a row per indicator and
    /// period, with the status and its reason in words.
    async fn results_export_as_csv_in_the_readers_language(app: TestApp) {
        let (_, programme, people, _) = chain(&app).await;
        let (s, _) = app.put(&format!("/api/v1/indicators/{people}/periods"),
            period(&people, "2024-01-01", "2024-12-31", Some("1000"), Some(json!({"value": "980", "comment": "=HYPERLINK(\"https://evil.example\")"})))).await;
        assert_eq!(s, StatusCode::CREATED);
        let answer = app.call(Method::GET, &format!("/programmes/{programme}/results.csv?lang=ru")).send().await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.header("content-type").unwrap().starts_with("text/csv"));
        let text = answer.text();
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(header[2], "Показатель");
        let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 2, "one period of the first indicator, the second has none: {text}");
        let first = &records[0];
        // A comment a spreadsheet would run as a formula is written as text.
        assert_eq!((&first[4], &first[6], &first[8], &first[9], &first[10]), ("По плану", "2024-01-01", "1000", "980", "'=HYPERLINK(\"https://evil.example\")"));
        assert!(first[5].contains("98"), "the reason in words: {}", &first[5]);
        // So is the values template's, and the template imported again changes nothing.
        let template = app.call(Method::GET, &format!("/api/v1/programmes/{programme}/results/template.csv")).send().await.text();
        assert!(template.contains(",\"'=HYPERLINK"), "{template}");
        // (Its rows to fill in for the indicator without periods left out.)
        let filled: String = template.lines().take(3).map(|l| format!("{l}\n")).collect();
        let again = semey::results::import::import_values(app.store(), &crate::support::import_file("values.csv", filled.as_bytes()), &mut semey::import::Quiet).await.unwrap();
        assert_eq!((again.inserted, again.updated), (0, 0), "{again:?}");
        let (_, r) = app.get(&format!("/api/v1/programmes/{programme}/results")).await;
        assert_eq!(r["results"][0]["indicators"][0]["periods"][0]["actual"]["comment"], "=HYPERLINK(\"https://evil.example\")");
    }
}

on_both_backends! {
    /// The workspace: a result and its indicators from the chain form (levels of an ordinal
    /// indicator as a list, the indicators' ids kept when it is edited), then an indicator's
    /// values grid — periods across, splits down — saved together; a bad cell is named at its
    /// row and period and nothing is stored; an editor's grid becomes a proposal.
    async fn the_forms_enter_a_chain_and_its_values(app: TestApp) {
        let (org, programme, people, _) = chain(&app).await;
        let coordinator = app.user("c@semey.test", Role::Coordinator, None).await;
        let form = [
            ("programme_id", programme.as_str()), ("result_type", "output"), ("title.en", "Clinics equipped"),
            ("indicators[0].title.en", "Clinics with a dosimeter"), ("indicators[0].measure", "unit"),
            ("indicators[0].unit", "clinics"), ("indicators[0].ascending", "true"),
            ("indicators[0].baseline.year", "2023"), ("indicators[0].baseline.value", "2"),
            ("indicators[1].title.en", "Readiness"), ("indicators[1].measure", "ordinal"),
            ("indicators[1].levels", "low, medium, high"), ("indicators[1].ascending", "false"),
            ("indicators[1].baseline.year", "2023"), ("indicators[1].people_reached", ""),
            ("indicators[2].title.en", ""), ("indicators[2].measure", ""),
        ];
        let answer = app.call(Method::POST, "/workspace/results/new").token(&coordinator.token).form(&form).send().await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
        let at = answer.location().unwrap();
        let id = at.trim_start_matches("/workspace/results/").split('?').next().unwrap().to_owned();
        let (_, r) = app.get(&format!("/api/v1/results/{id}")).await;
        assert_eq!(r["indicators"].as_array().unwrap().len(), 2, "the empty row is dropped: {r}");
        assert_eq!(r["indicators"][1]["levels"], json!(["low", "medium", "high"]));
        assert_eq!(r["indicators"][1]["ascending"], false);
        let clinics = r["indicators"][0]["id"].as_str().unwrap().to_owned();
        let html = app.call(Method::GET, &at).token(&coordinator.token).send().await.text();
        assert!(html.contains(r#"value="low, medium, high""#), "{html}");
        assert!(html.contains(&format!(r#"type="hidden" name="indicators[0].id" value="{clinics}""#)), "{html}");
        assert!(html.contains(&format!("/workspace/indicators/{clinics}/values")), "{html}");
        // Edited with the ids the form carries, the indicator stays the same one.
        let mut edited = form.to_vec();
        edited.push(("indicators[0].id", clinics.as_str()));
        edited[3] = ("indicators[0].title.en", "Clinics with a working dosimeter");
        let answer = app.call(Method::POST, &format!("/workspace/results/{id}")).token(&coordinator.token).form(&edited).send().await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
        let (_, r) = app.get(&format!("/api/v1/results/{id}")).await;
        assert_eq!(r["indicators"][0]["id"], clinics.as_str());
        assert_eq!(r["indicators"][0]["title"]["en"], "Clinics with a working dosimeter");

        // The grid, in Russian: a column per period and blank ones for new periods.
        let grid = format!("/workspace/indicators/{people}/values");
        let html = app.call(Method::GET, &format!("{grid}?lang=ru")).token(&coordinator.token).send().await.text();
        assert!(html.contains("Новый период") && html.contains("Женщины"), "{html}");
        assert!(html.contains(r#"name="c0.actual.split.sex.female""#), "{html}");
        let before = app.content().await;
        let bad = [
            ("c0.start", "2024-01-01"), ("c0.end", "2024-12-31"), ("c0.target.value", "1000"),
            ("c0.actual.value", "900"), ("c0.actual.split.sex.female", "500"), ("c0.actual.split.sex.male", "300"),
            ("c1.start", "2025-01-01"), ("c1.end", "2025-13-01"), ("c1.target.value", "1000"),
        ];
        let answer = app.call(Method::POST, &format!("{grid}?lang=en")).token(&coordinator.token).form(&bad).send().await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = answer.text();
        assert!(html.contains(r#"id="f-c1-end" name="c1.end" type="date" value="2025-13-01" aria-label="Period end, 2025-01-01 – 2025-13-01" aria-invalid="true""#), "{html}");
        assert_eq!(app.content().await, before, "nothing stored");
        let mut bad = bad.to_vec();
        bad[7] = ("c1.end", "2025-12-31");
        let answer = app.call(Method::POST, &format!("{grid}?lang=en")).token(&coordinator.token).form(&bad).send().await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = answer.text();
        assert!(html.contains(r##"<a href="#f-c0-actual-value">Actual, 2024-01-01 – 2024-12-31</a>"##), "the split that does not add up is named at the actual: {html}");
        assert!(html.contains("Period 2024-01-01 – 2024-12-31: the parts by sex add up to 800, but the total is 900."), "both numbers, in the reader's words: {html}");
        assert_eq!(app.content().await, before, "neither period is stored");
        bad[5] = ("c0.actual.split.sex.male", "400");
        let answer = app.call(Method::POST, &grid).token(&coordinator.token).form(&bad).send().await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
        let (_, periods) = app.get(&format!("/api/v1/indicators/{people}/periods")).await;
        assert_eq!(periods.as_array().unwrap().len(), 2, "{periods}");
        assert_eq!(periods[0]["actual"]["splits"].as_array().unwrap().len(), 2);
        // The grid shows what is stored; a corrected column replaces its period.
        let html = app.call(Method::GET, &grid).token(&coordinator.token).send().await.text();
        assert!(html.contains(r#"name="c0.was" value="2024-01-01""#) && html.contains(r#"name="c0.actual.split.sex.female" type="text" value="500""#), "{html}");
        let fix = [
            ("c0.was", "2024-01-01"), ("c0.start", "2024-01-01"), ("c0.end", "2024-12-31"), ("c0.target.value", "1000"),
            ("c0.actual.value", "950"), ("c0.actual.split.sex.female", "550"), ("c0.actual.split.sex.male", "400"),
            ("c1.was", "2025-01-01"), ("c1.start", "2025-01-01"), ("c1.end", "2025-12-31"), ("c1.target.value", "1000"),
        ];
        let answer = app.call(Method::POST, &grid).token(&coordinator.token).form(&fix).send().await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
        let (_, periods) = app.get(&format!("/api/v1/indicators/{people}/periods")).await;
        assert_eq!(periods.as_array().unwrap().len(), 2);
        assert_eq!(periods[0]["actual"]["value"], "950");
        // An editor's grid is a proposal; the public figures wait for a coordinator.
        let editor = app.user("e@ngo.test", Role::Editor, Some(&org)).await;
        let mut proposal = fix.to_vec();
        proposal[4] = ("c0.actual.value", "990");
        proposal[5] = ("c0.actual.split.sex.female", "590");
        let answer = app.call(Method::POST, &grid).token(&editor.token).form(&proposal).send().await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
        assert!(answer.location().unwrap().starts_with("/workspace/proposals/"), "{:?}", answer.location());
        let (_, periods) = app.get(&format!("/api/v1/indicators/{people}/periods")).await;
        assert_eq!(periods[0]["actual"]["value"], "950");
    }
}

on_both_backends! {
    /// A service serves a programme's results: its page names them, the programme's results
    /// page names the service (and those the programme funds); an unknown result is named and
    /// nothing is stored.
    async fn services_and_results_name_each_other(app: TestApp) {
        let (org, programme, _, _) = chain(&app).await;
        let (_, r) = app.get(&format!("/api/v1/programmes/{programme}/results")).await;
        let result = r["results"][0]["result"]["id"].as_str().unwrap().to_owned();
        let body = |results: Value| json!({"organisation_id": org, "name": {"en": "Thyroid screening room"}, "category": "screening",
            "locations": [{"address": "Semey, Abai street 1", "point": {"lon": 80.25, "lat": 50.41}}],
            "result_ids": results, "last_verified": "2026-11-01"});
        let before = app.content().await;
        let (s, b) = app.post("/api/v1/services", body(json!([programme]))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(b.to_string().contains("result_ids[0]"), "{b}");
        assert_eq!(app.content().await, before, "nothing stored");
        let (s, sv) = app.post("/api/v1/services", body(json!([result]))).await;
        assert_eq!(s, StatusCode::CREATED, "{sv}");
        let id = sv["id"].as_str().unwrap();
        assert_eq!(sv["result_ids"], json!([result]));
        let html = app.call(Method::GET, &format!("/services/{id}?lang=en")).send().await.text();
        assert!(html.contains("Results it serves") && html.contains(&format!("/programmes/{programme}/results")), "{html}");
        let html = app.call(Method::GET, &format!("/programmes/{programme}/results?lang=kk")).send().await.text();
        assert!(html.contains("Адамдар бұл қызметтерді қайдан алады") && html.contains(&format!("/services/{id}")), "{html}");
        let (_, list) = app.get(&format!("/api/v1/services?serves_programme_id={programme}")).await;
        assert_eq!(list["items"][0]["id"], id);
    }
}
