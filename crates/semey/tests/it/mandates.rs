//! Resolutions and mandates on both backends: the seed texts of A/RES/75/210 imported and
//! aligned, imported again without change, a language added later, a coordinator's correction
//! kept across imports, and every bad text refused by file and line with nothing stored.

use crate::support::{import_file, seed, TestApp};
use axum::http::StatusCode;
use semey_domain::access::Role;
use serde_json::json;

const EN: &str = "A-RES-75-210.en.txt";
const ZH: &str = "A-RES-75-210.zh.txt";

async fn import(
    app: &TestApp,
    files: &[(&str, Vec<u8>)],
) -> Result<semey::import::ImportReport, semey::AppError> {
    let sources: Vec<semey::import::Source<'_>> =
        files.iter().map(|(n, b)| import_file(n, b)).collect();
    semey::mandates::import::import_resolution(app.store(), &sources, &mut semey::import::Quiet)
        .await
}

fn problems(
    r: Result<semey::import::ImportReport, semey::AppError>,
) -> Vec<(String, String, String)> {
    match r {
        Err(semey::AppError::Import(errors)) => errors
            .into_iter()
            .map(|e| (e.field, e.code, e.message))
            .collect(),
        other => panic!("refused expected, got {other:?}"),
    }
}

on_both_backends! {
    /// The English and Chinese texts make one resolution: seven mandates with their verbs,
    /// addressees and the report's deadline, every paragraph in both languages, on the API and
    /// on its page; importing them again changes nothing.
    async fn the_resolution_is_read_from_its_texts(app: TestApp) {
        let files = [(EN, seed(EN)), (ZH, seed(ZH))];
        let r = import(&app, &files).await.expect("imported");
        assert_eq!((r.inserted, r.unchanged), (1, 0), "{r}");
        let (s, list) = app.get("/api/v1/resolutions").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!(list["total"], 1);
        let res = &list["items"][0];
        assert_eq!(res["symbol"], "A/RES/75/210");
        assert_eq!(res["adopted_on"], "2020-12-21");
        assert_eq!(res["preamble"].as_array().unwrap().len(), 14);
        let mandates = res["mandates"].as_array().unwrap();
        assert_eq!(mandates.len(), 7);
        assert_eq!(mandates[3]["action"], "calls_upon");
        assert_eq!(mandates[4]["addressees"], json!(["secretary_general"]));
        assert_eq!(mandates[6]["deadline"], "2023-09-01");
        assert_eq!(mandates[6]["report_session"], 78);
        assert!(mandates[6]["text"]["zh"].as_str().unwrap().contains("第七十八届会议"));
        assert!(mandates[6]["text"]["en"].as_str().unwrap().contains("seventy-eighth session"));
        assert_eq!(res["recalls"].as_array().unwrap().last().unwrap(), "A/RES/72/213");

        let before = app.content().await;
        let again = import(&app, &files).await.expect("imported again");
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 1), "{again}");
        assert_eq!(app.content().await, before);

        let id = res["id"].as_str().unwrap();
        let page = app.call(axum::http::Method::GET, &format!("/resolutions/{id}?lang=zh")).send().await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("A/RES/75/210"));
        assert!(html.contains("向大会第七十八届会议报告"), "the Chinese text for a Chinese reader");
        assert!(html.contains("id=\"p7\""));
        let en = app.call(axum::http::Method::GET, "/resolutions?lang=en").send().await.text();
        assert!(en.contains("International cooperation and coordination"), "{en}");
        // A mandate's page: its paragraph with what it asks, and where it stands.
        let m = mandates[6]["id"].as_str().unwrap();
        let one = app.call(axum::http::Method::GET, &format!("/mandates/{m}?lang=ru")).send().await;
        assert_eq!(one.status, StatusCode::OK);
        let html = one.text();
        assert!(html.contains(&format!("/resolutions/{id}#p7")));
        assert!(html.contains("Генеральный секретарь"), "addressees in the reader's language");
        assert!(html.contains("lang=\"en\""), "the English text, marked as such, for a Russian reader");
    }
}

on_both_backends! {
    /// A language imported later joins the paragraphs held; the one held stays.
    async fn a_language_added_later_joins_the_paragraphs(app: TestApp) {
        let r = import(&app, &[(EN, seed(EN))]).await.expect("English");
        assert_eq!(r.inserted, 1);
        let r = import(&app, &[(ZH, seed(ZH))]).await.expect("Chinese");
        assert_eq!(r.updated, 1, "{r}");
        let (_, list) = app.get("/api/v1/resolutions").await;
        let res = &list["items"][0];
        assert!(res["title"]["en"].as_str().unwrap().starts_with("International cooperation"));
        assert!(res["title"]["zh"].as_str().unwrap().contains("塞米巴拉金斯克"));
        for m in res["mandates"].as_array().unwrap() {
            assert!(m["text"]["en"].is_string() && m["text"]["zh"].is_string(), "{m}");
        }
    }
}

on_both_backends! {
    /// A coordinator corrects what a mandate asks (audited); an editor may not; bad fields are
    /// named and nothing changes; a new import of the text keeps the correction.
    async fn a_coordinators_correction_is_kept(app: TestApp) {
        let files = [(EN, seed(EN)), (ZH, seed(ZH))];
        import(&app, &files).await.expect("imported");
        let (_, list) = app.get("/api/v1/resolutions").await;
        let m = list["items"][0]["mandates"][2]["id"].as_str().unwrap().to_owned();
        let uri = format!("/api/v1/mandates/{m}");

        let org = app.organisation("NGO", 22, "KZ").await;
        let editor = app.user("editor@example.kz", Role::Editor, Some(&org)).await;
        let (s, b) = app
            .request_as(Some(&editor.token), axum::http::Method::PUT, &uri,
                Some(json!({"action": "requests", "addressees": ["donors"]}).to_string()))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");

        let before = app.content().await;
        let (s, b) = app.put(&uri, json!({"action": "asks", "addressees": ["everyone"], "deadline": "2026-02-30"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let fields: Vec<&str> = b["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["action", "addressees[0]", "deadline"]);
        assert_eq!(app.content().await, before);

        let (s, b) = app.put(&uri, json!({"action": "urges", "addressees": ["donors", "international_community"], "deadline": "2026-06-30"})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["addressees"], json!(["international_community", "donors"]));
        assert_eq!(b["corrected"], true);
        assert_eq!(app.audit_of("mandate", &m).await.len(), 1);

        let again = import(&app, &files).await.expect("imported again");
        assert_eq!(again.unchanged, 1, "{again}");
        let (_, after) = app.get(&uri).await;
        assert_eq!(after["deadline"], "2026-06-30");
        assert_eq!(after["addressees"], json!(["international_community", "donors"]));
    }
}

on_both_backends! {
    /// Numbering that jumps or repeats, languages that part, and files that are not UTF-8 are
    /// refused with the file and line, and nothing is stored.
    async fn bad_texts_are_refused_by_file_and_line(app: TestApp) {
        let before = app.content().await;
        let en = String::from_utf8(seed(EN)).unwrap();
        let jumped = en.replace(" 5. Requests the Secretary-General", " 6. Requests the Secretary-General");
        let p = problems(import(&app, &[("jumped.en.txt", jumped.into_bytes())]).await);
        assert_eq!(p[0].1, "paragraph_skipped", "{p:?}");
        assert!(p[0].0.starts_with("jumped.en.txt:"), "{p:?}");
        assert_eq!(p[1].1, "paragraph_repeated", "{p:?}");

        let zh = String::from_utf8(seed(ZH)).unwrap();
        let cut = &zh[..zh.find(" 7. 请秘书长").expect("paragraph 7")];
        let p = problems(import(&app, &[(EN, seed(EN)), ("short.zh.txt", cut.as_bytes().to_vec())]).await);
        assert_eq!(p[0].1, "paragraphs_differ", "{p:?}");
        assert!(p[0].2.starts_with("operative paragraph 7:"), "{p:?}");

        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(en.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let p = problems(import(&app, &[("utf16.en.txt", utf16)]).await);
        assert_eq!(p[0].1, "not_utf8");
        assert!(p[0].2.contains("UTF-16"), "{p:?}");
        // "Просит Генерального секретаря" in Windows-1251.
        let cp1251: Vec<u8> = " 1. \u{041f}\u{0440}\u{043e}\u{0441}\u{0438}\u{0442}".chars().map(|c| match c {
            'П' => 0xCF, 'р' => 0xF0, 'о' => 0xEE, 'с' => 0xF1, 'и' => 0xE8, 'т' => 0xF2, c => c as u8,
        }).collect();
        let p = problems(import(&app, &[("cp1251.ru.txt", cp1251)]).await);
        assert!(p[0].2.contains("Windows-1251"), "{p:?}");
        assert_eq!(p[0].0, "cp1251.ru.txt:1");
        assert_eq!(app.content().await, before);
    }
}

on_both_backends! {
    /// Programmes linked to paragraphs: the coverage view lists them with their money (each
    /// programme once in the resolution's total) and the paragraphs nothing serves; a link to a
    /// mandate that does not exist is refused; an editor's link is proposed, not published.
    async fn the_coverage_shows_what_serves_each_paragraph_and_the_gaps(app: TestApp) {
        let app = app.with_demo().await;
        import(&app, &[(EN, seed(EN)), (ZH, seed(ZH))]).await.expect("imported");
        let (_, list) = app.get("/api/v1/resolutions").await;
        let res = &list["items"][0];
        let rid = res["id"].as_str().unwrap().to_owned();
        let m = |n: usize| res["mandates"][n - 1]["id"].as_str().unwrap().to_owned();

        let (_, progs) = app.get("/api/v1/programmes?limit=2").await;
        let mut a = progs["items"][0].clone();
        let mut b = progs["items"][1].clone();
        let (aid, bid) = (a["id"].as_str().unwrap().to_owned(), b["id"].as_str().unwrap().to_owned());

        let before = app.content().await;
        a["mandate_ids"] = json!([m(3), "00000000-0000-7000-8000-000000000000"]);
        let (s, e) = app.put(&format!("/api/v1/programmes/{aid}"), a.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["errors"][0]["field"], "mandate_ids");
        assert!(e["errors"][0]["message"].as_str().unwrap().contains("00000000-0000-7000-8000-000000000000"), "{e}");
        assert_eq!(app.content().await, before);

        a["mandate_ids"] = json!([m(3), m(4)]);
        b["mandate_ids"] = json!([m(3)]);
        for (id, body) in [(&aid, &a), (&bid, &b)] {
            let (s, r) = app.put(&format!("/api/v1/programmes/{id}"), body.clone()).await;
            assert_eq!(s, StatusCode::OK, "{r}");
        }
        let (_, held) = app.get(&format!("/api/v1/programmes/{aid}")).await;
        let mut linked: Vec<String> = vec![m(3), m(4)];
        linked.sort();
        assert_eq!(held["mandate_ids"], json!(linked));

        let (s, cov) = app.get(&format!("/api/v1/resolutions/{rid}/coverage")).await;
        assert_eq!(s, StatusCode::OK, "{cov}");
        let mut committed = Vec::new();
        for id in [&aid, &bid] {
            let (_, f) = app.get(&format!("/api/v1/programmes/{id}/funding")).await;
            committed.push(f["total"]["usd"]["committed"].as_i64().unwrap_or_else(|| panic!("{f}")));
        }
        let (ca, cb) = (committed[0], committed[1]);
        let p3 = &cov["paragraphs"][2];
        assert_eq!(p3["programme_ids"].as_array().unwrap().len(), 2);
        assert_eq!(p3["usd"]["committed"].as_i64().unwrap(), ca + cb);
        assert_eq!(cov["paragraphs"][3]["usd"]["committed"].as_i64().unwrap(), ca);
        // Programme A serves two paragraphs but is counted once in the total.
        assert_eq!(cov["usd"]["committed"].as_i64().unwrap(), ca + cb);
        let gaps: Vec<i64> = cov["paragraphs"].as_array().unwrap().iter()
            .filter(|p| p["gap"] == true).map(|p| p["mandate"]["number"].as_i64().unwrap()).collect();
        assert_eq!(gaps, [1, 2, 5, 6, 7]);

        let html = app.call(axum::http::Method::GET, &format!("/resolutions/{rid}?lang=en")).send().await.text();
        assert!(html.contains("2 of 7 operative paragraphs have programmes behind them"), "{html}");
        assert!(html.contains("Paragraphs with nothing behind them: 1, 2, 5, 6, 7."));
        assert!(html.contains(&format!("/programmes/{bid}")));

        // An editor of the programme's organisation proposes a link; it waits for approval.
        let org = held["reporting_org_id"].as_str().unwrap().to_owned();
        let editor = app.user("linker@example.kz", Role::Editor, Some(&org)).await;
        let mut c = held.clone();
        c["mandate_ids"] = json!([m(3), m(4), m(7)]);
        let (s, p) = app.request_as(Some(&editor.token), axum::http::Method::PUT, &format!("/api/v1/programmes/{aid}"), Some(c.to_string())).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{p}");
        let (_, cov) = app.get(&format!("/api/v1/resolutions/{rid}/coverage")).await;
        assert_eq!(cov["paragraphs"][6]["gap"], true, "not linked before approval");

        // The figures follow the data: new money of B, then A no longer serving paragraph 4.
        let (s, t) = app.post("/api/v1/transactions", json!({"programme_id": bid, "transaction_type": 11, "date": "2025-03-01", "amount": "1000", "currency": "USD"})).await;
        assert_eq!(s, StatusCode::CREATED, "{t}");
        let (_, cov) = app.get(&format!("/api/v1/resolutions/{rid}/coverage")).await;
        assert_eq!(cov["paragraphs"][2]["usd"]["committed"].as_i64().unwrap(), ca + cb + 100_000);
        assert_eq!(cov["usd"]["committed"].as_i64().unwrap(), ca + cb + 100_000);
        let (_, mut a) = app.get(&format!("/api/v1/programmes/{aid}")).await;
        a["mandate_ids"] = json!([m(3)]);
        let (s, r) = app.put(&format!("/api/v1/programmes/{aid}"), a).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let (_, cov) = app.get(&format!("/api/v1/resolutions/{rid}/coverage")).await;
        assert_eq!(cov["paragraphs"][3]["gap"], true);
        assert_eq!(cov["paragraphs"][3]["usd"]["committed"], 0);
        assert_eq!(cov["usd"]["committed"].as_i64().unwrap(), ca + cb + 100_000);
    }
}

/// A later resolution of the series, made from the English seed: it recalls 75/210, edits
/// paragraph 2, drops paragraph 6 and adds a last one.
fn later_text() -> Vec<u8> {
    String::from_utf8(seed(EN))
        .unwrap()
        .replace("75/210. International", "78/150. International")
        .replace("72/213 of 20 December 2017, ", "72/213 of 20 December 2017 and 75/210 of 21 December 2020, ")
        .replace("Welcomes and recognizes the important role", "Welcomes and strongly recognizes the essential role")
        .replace(" 6. Calls upon the Secretary-General to continue his efforts to enhance world \n\npublic awareness of the problems and needs of the Semipalatinsk region;  \n\n", "")
        .replace(" 7. Requests the Secretary-General to report", " 6. Requests the Secretary-General to report")
        .replace(
            "progress made in the implementation of the present resolution.",
            "progress made in the implementation of the present resolution;\n\n 7. Decides to include in the provisional agenda of its eighty-first session the item entitled \"Sustainable development\".",
        )
        .into_bytes()
}

on_both_backends! {
    /// A later resolution links to the one it follows, whichever is imported first, and shows
    /// which paragraphs are the same, changed, new or dropped.
    async fn a_later_resolution_shows_what_changed(app: TestApp) {
        // The later one first: it is linked when the earlier one arrives.
        import(&app, &[("A-RES-78-150.en.txt", later_text())]).await.expect("later");
        import(&app, &[(EN, seed(EN)), (ZH, seed(ZH))]).await.expect("earlier");
        let (_, list) = app.get("/api/v1/resolutions").await;
        assert_eq!(list["items"][0]["symbol"], "A/RES/78/150", "the latest session first");
        let later = list["items"][0]["id"].as_str().unwrap().to_owned();
        let earlier = list["items"][1]["id"].as_str().unwrap().to_owned();
        assert_eq!(list["items"][0]["previous_id"], earlier.as_str());

        let (s, c) = app.get(&format!("/api/v1/resolutions/{later}/changes")).await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["paragraphs"][0], json!([1, {"change": "same", "previous": 1}]));
        assert_eq!(c["paragraphs"][1], json!([2, {"change": "changed", "previous": 2}]));
        assert_eq!(c["paragraphs"][6], json!([7, {"change": "new"}]));
        assert_eq!(c["dropped"], json!([6]));
        let (s, _) = app.get(&format!("/api/v1/resolutions/{earlier}/changes")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "the first of the series follows nothing held");

        let html = app.call(axum::http::Method::GET, &format!("/resolutions/{later}?lang=en")).send().await.text();
        assert!(html.contains("Changed (from paragraph 2)") && html.contains("New paragraph"), "{html}");
        assert!(html.contains(&format!("/resolutions/{earlier}#p6")), "the dropped paragraph is linked");
    }
}

on_both_backends! {
    /// The programmes CSV names the paragraphs a programme serves by symbol and number; a bad
    /// reference is refused at its line, and a file without the column keeps the links held.
    async fn the_programmes_csv_links_mandates(app: TestApp) {
        import(&app, &[(EN, seed(EN))]).await.expect("imported");
        let csv = |rows: &str| format!("iati_identifier,title_en,status,areas,mandates\n{rows}").into_bytes();
        let bad = csv("XM-CSV-1,Wells,2,health,A/RES/75/210 4\nXM-CSV-2,Clinics,2,health,A/RES/75/210\n");
        let before = app.content().await;
        let r = semey::programmes::import::import_programmes(app.store(), &import_file("p.csv", &bad), &mut semey::import::Quiet).await;
        let p = problems(r);
        assert_eq!(p[0].1, "invalid_mandate", "{p:?}");
        assert!(p[0].0.contains('3'), "the line: {p:?}");
        assert_eq!(app.content().await, before);

        let good = csv("XM-CSV-1,Wells,2,health,A/RES/75/210 4;A/RES/75/210 3\n");
        semey::programmes::import::import_programmes(app.store(), &import_file("p.csv", &good), &mut semey::import::Quiet).await.expect("imported");
        let (_, list) = app.get("/api/v1/programmes?q=XM-CSV-1").await;
        let mut expected = vec![
            semey_domain::ids::MandateId::of("A/RES/75/210", 3).to_string(),
            semey_domain::ids::MandateId::of("A/RES/75/210", 4).to_string(),
        ];
        expected.sort();
        assert_eq!(list["items"][0]["mandate_ids"], json!(expected));

        let without = b"iati_identifier,title_en,status,areas\nXM-CSV-1,Wells for villages,2,health\n".to_vec();
        semey::programmes::import::import_programmes(app.store(), &import_file("p.csv", &without), &mut semey::import::Quiet).await.expect("imported");
        let (_, list) = app.get("/api/v1/programmes?q=XM-CSV-1").await;
        assert_eq!(list["items"][0]["title"]["en"], "Wells for villages");
        assert_eq!(list["items"][0]["mandate_ids"], json!(expected), "the links are kept");
    }
}
