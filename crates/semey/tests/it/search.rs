//! The search box and `/api/v1/search`: records of every kind found in all four languages,
//! bad questions refused by name, the index kept current by the change feed on every server
//! (writers committing out of the order of their numbers included), on both backends.

use crate::support::*;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

fn kinds(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn titles(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn ask(app: &TestApp, query: &str) -> Value {
    let answer = app
        .request_as(None, Method::GET, &format!("/api/v1/search?{query}"), None)
        .await;
    assert_eq!(answer.0, StatusCode::OK, "{query}: {}", answer.1);
    answer.1
}

/// An organisation written straight to the store (as a second writer would), named `name`:
/// a copy of one the API created, with a new id.
async fn organisation_like(
    app: &TestApp,
) -> impl Fn(&str) -> semey_domain::organisation::Organisation {
    let (_, template) = app
        .post(
            "/api/v1/organisations",
            json!({"name": {"en": "Template Org"}, "org_type": 22, "country": "KZ"}),
        )
        .await;
    let template: semey_domain::organisation::Organisation =
        serde_json::from_value(template).unwrap();
    move |name: &str| {
        let mut o = template.clone();
        o.id = semey_domain::ids::OrganisationId::new();
        o.name = semey_domain::lang::LocalText::new().with(semey_domain::lang::Lang::En, name);
        o
    }
}

on_both_backends! {
    /// The demo's records are found in every language by the words people type, ranked with
    /// titles first, with facets that count all hits and snippets that mark the found words.
    async fn records_of_every_kind_are_found_in_four_languages(app: TestApp) {
        let app = app.with_demo().await;
        // English words find the radiation monitoring programme by its stem.
        let en = ask(&app, "q=monitoring+radiation&lang=en").await;
        assert!(titles(&en).iter().take(3).any(|t| t.contains("Radiation monitoring")), "{en}");
        // Russian, in another inflection than the title's.
        let ru = ask(&app, "q=%D0%BC%D0%BE%D0%BD%D0%B8%D1%82%D0%BE%D1%80%D0%B8%D0%BD%D0%B3%D0%B0&lang=ru").await; // мониторинга
        assert!(kinds(&ru).contains(&"programme".to_owned()), "{ru}");
        // Chinese, cut into words: 辐射 (radiation) inside longer titles.
        let zh = ask(&app, "q=%E8%BE%90%E5%B0%84&lang=zh").await;
        assert!(titles(&zh).iter().any(|t| t.contains("辐射")), "{zh}");
        // Kazakh typed without Kazakh letters still finds the Kazakh word (денсаулық).
        let kk = ask(&app, "q=%D0%B4%D0%B5%D0%BD%D1%81%D0%B0%D1%83%D0%BB%D1%8B%D0%BA&lang=kk").await; // денсаулык
        assert!(kk["total"].as_u64().unwrap() > 0, "{kk}");
        // A place in another spelling than the reader's: the Russian name, read in English.
        let place = ask(&app, "q=%D0%A1%D0%B5%D0%BC%D0%B5%D0%B9&lang=en&kind=place").await; // Семей
        assert!(titles(&place).contains(&"Semey".to_owned()), "{place}");
        // Facets count every hit; narrowing by kind keeps only that kind.
        let all = ask(&app, "q=radiation").await;
        let programmes = all["facets"]["kind"].as_array().unwrap().iter()
            .find(|v| v["value"] == "programme").map(|v| v["count"].as_u64().unwrap()).unwrap_or(0);
        assert!(programmes >= 2, "{all}");
        let only = ask(&app, "q=radiation&kind=programme&limit=50").await;
        assert_eq!(only["total"].as_u64().unwrap(), programmes, "{only}");
        assert!(kinds(&only).iter().all(|k| k == "programme"), "{only}");
        // A snippet marks the words found, inside its text.
        let with_snippet = all["hits"].as_array().unwrap().iter().find(|h| h["snippet"].is_object()).expect("a snippet");
        let text = with_snippet["snippet"]["text"].as_str().unwrap();
        let (from, to) = (with_snippet["snippet"]["highlights"][0][0].as_u64().unwrap() as usize,
            with_snippet["snippet"]["highlights"][0][1].as_u64().unwrap() as usize);
        assert!(text[from..to].to_lowercase().starts_with("radiat"), "{with_snippet}");
        // Pages: the second page starts where the first ended.
        let first = ask(&app, "q=radiation&limit=2").await;
        assert_eq!(first["next_offset"], 2, "{first}");
        let second = ask(&app, "q=radiation&limit=2&offset=2").await;
        assert_ne!(first["hits"][0]["id"], second["hits"][0]["id"]);
    }
}

on_both_backends! {
    /// Questions that cannot be searched are refused naming the parameter, never a 500.
    async fn bad_questions_are_refused_by_name(app: TestApp) {
        let app = app.with_demo().await;
        let long = "a".repeat(301);
        for (query, code, field) in [
            ("q=".to_owned(), "search_empty", "q"),
            (format!("q={long}"), "search_too_long", "q"),
            ("q=%2B+-+%28%29+%22%22+%2A".to_owned(), "search_no_words", "q"),
            ("q=radiation&limit=500".to_owned(), "invalid_parameter", "limit"),
            ("q=radiation&offset=100001".to_owned(), "invalid_parameter", "offset"),
            ("q=radiation&lang=fr".to_owned(), "invalid_parameter", "lang"),
        ] {
            let (status, body) = app.request_as(None, Method::GET, &format!("/api/v1/search?{query}"), None).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
            assert_eq!(body["code"], code, "{query}: {body}");
            assert_eq!(body["field"], field, "{query}: {body}");
        }
        // The page says it in the reader's language.
        let page = app.call(Method::GET, "/search?q=%2B%2B&lang=kk").send().await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(page.text().contains("Сұрауда сөз жоқ"), "{}", page.text());
    }
}

on_both_backends! {
    /// A record written through the API is found at once; renamed, it is found by its new name
    /// only; and a second server, with its own index on the same database, finds it too.
    async fn every_server_follows_the_change_feed(app: TestApp) {
        let app = app.with_demo().await;
        let second = semey::AppState { search: semey::search::Search::open(None).unwrap(), ..app.state.clone() };
        // Both indexes built before the write.
        assert!(ask(&app, "q=radiation").await["total"].as_u64().unwrap() > 0);
        let (s, org) = app.post("/api/v1/organisations", json!({
            "name": {"en": "Zhanatas Water Cooperative"}, "org_type": 22, "country": "KZ"})).await;
        assert_eq!(s, StatusCode::CREATED, "{org}");
        let id = org["id"].as_str().unwrap().to_owned();
        assert_eq!(titles(&ask(&app, "q=zhanatas").await), ["Zhanatas Water Cooperative"]);
        let on_second = app.call(Method::GET, "/api/v1/search?q=zhanatas").on(second.clone()).send().await;
        assert_eq!(titles(&on_second.json()), ["Zhanatas Water Cooperative"], "{}", on_second.text());
        let (s, _) = app.put(&format!("/api/v1/organisations/{id}"), json!({
            "name": {"en": "Koktal Water Cooperative"}, "org_type": 22, "country": "KZ"})).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(ask(&app, "q=zhanatas").await["total"], 0);
        assert_eq!(titles(&ask(&app, "q=koktal").await), ["Koktal Water Cooperative"]);
        let on_second = app.call(Method::GET, "/api/v1/search?q=koktal").on(second.clone()).send().await;
        assert_eq!(titles(&on_second.json()), ["Koktal Water Cooperative"]);
        // `semey search rebuild` asks every server to rebuild: the second does, and keeps
        // finding what is stored.
        app.store().request_search_rebuild().await.unwrap();
        let on_second = app.call(Method::GET, "/api/v1/search?q=koktal").on(second).send().await;
        assert_eq!(titles(&on_second.json()), ["Koktal Water Cooperative"]);
    }
}

on_both_backends! {
    /// Two writers commit in the opposite order of the feed numbers they drew: the index
    /// applies the later number first and still applies the earlier one when it commits.
    /// (On SQLite writers take turns, so the numbers commit in order; the same steps run.)
    async fn late_commits_of_earlier_numbers_are_not_skipped(app: TestApp) {
        let app = app.with_demo().await;
        let store = app.store().clone();
        assert!(ask(&app, "q=radiation").await["total"].as_u64().unwrap() > 0);
        let named = organisation_like(&app).await;
        let (first, second) = (named("Wexford Beekeepers"), named("Yarrow Weavers"));
        if store.backend() == semey_store::Backend::Postgres {
            let mut early = store.begin().await.unwrap();
            store.save_organisation(&mut early, &first).await.unwrap(); // the smaller number
            let mut late = store.begin().await.unwrap();
            store.save_organisation(&mut late, &second).await.unwrap();
            late.commit().await.unwrap();
            assert_eq!(titles(&ask(&app, "q=yarrow+weavers").await)[0], "Yarrow Weavers");
            assert_eq!(ask(&app, "q=wexford+beekeepers").await["total"], 0);
            early.commit().await.unwrap();
        } else {
            let mut tx = store.begin().await.unwrap();
            store.save_organisation(&mut tx, &first).await.unwrap();
            tx.commit().await.unwrap();
            let mut tx = store.begin().await.unwrap();
            store.save_organisation(&mut tx, &second).await.unwrap();
            tx.commit().await.unwrap();
        }
        assert_eq!(titles(&ask(&app, "q=wexford+beekeepers").await)[0], "Wexford Beekeepers");
        assert_eq!(titles(&ask(&app, "q=yarrow+weavers").await)[0], "Yarrow Weavers");
        // A transaction that rolls back leaves a number that never fills: later writes are
        // still applied.
        let mut rolled = store.begin().await.unwrap();
        store.save_organisation(&mut rolled, &named("Ostrich Stored")).await.unwrap();
        drop(rolled);
        let mut tx = store.begin().await.unwrap();
        store.save_organisation(&mut tx, &named("Quince Anglers")).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(titles(&ask(&app, "q=quince").await), ["Quince Anglers"]);
        assert_eq!(ask(&app, "q=ostrich+stored").await["total"], 0);
        let mut tx = store.begin().await.unwrap();
        store.save_organisation(&mut tx, &named("Juniper Potters")).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(titles(&ask(&app, "q=juniper").await), ["Juniper Potters"]);
    }
}

on_both_backends! {
    /// The search page in Kazakh and Chinese: hits with their kind, facets to narrow, the
    /// found words marked; and the search box is on every page.
    async fn the_search_page_answers_in_the_readers_language(app: TestApp) {
        let app = app.with_demo().await;
        let kk = app.call(Method::GET, "/search?q=radiation&lang=kk").send().await;
        assert_eq!(kk.status, StatusCode::OK);
        let html = kk.text();
        assert!(html.contains("нәтиже"), "{html}");
        assert!(html.contains("<mark>"), "{html}");
        assert!(html.contains("Бағдарлама"), "{html}");
        assert!(html.contains("/search?q=radiation&#38;kind=programme"), "{html}");
        let zh = app.call(Method::GET, "/search?q=%E8%BE%90%E5%B0%84&lang=zh").send().await;
        assert_eq!(zh.status, StatusCode::OK);
        assert!(zh.text().contains("条结果"), "{}", zh.text());
        let home = app.call(Method::GET, "/?lang=ru").send().await;
        assert!(home.text().contains(r#"action="/search""#), "{}", home.text());
    }
}

on_both_backends! {
    /// The judged set (bench/search/judged.tsv, 57 questions in four languages over the
    /// demo and its documents): no question finds nothing, and the answers it names come back among the first
    /// ten; the figures themselves are reported in bench/RESULTS.md.
    async fn the_judged_questions_find_their_answers(app: TestApp) {
        let app = app.with_demo().await;
        let seeds = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
        semey::demo::load_resolutions(app.store(), &seeds).await.unwrap();
        semey::demo::load_coordination(app.store()).await.unwrap();
        let config = semey::Config { resolutions_dir: seeds.display().to_string(), ..(*app.state.config).clone() };
        let loaded = semey::demo::load_documents(app.store(), &config).await.unwrap();
        assert!(loaded.starts_with("documents: 6 new"), "{loaded}");
        let text = std::fs::read_to_string(
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/search/judged.tsv"),
        ).unwrap();
        let set = semey::search::judged::read(&text).unwrap();
        assert!(set.len() >= 40, "{} questions", set.len());
        for lang in semey_domain::lang::Lang::ALL {
            assert!(set.iter().filter(|j| j.lang == lang).count() >= 10, "{lang}");
        }
        let scored = app.state.search.judge(app.store(), &set).await.unwrap();
        let empty: Vec<&str> = scored.iter().filter(|s| s.found == 0).map(|s| s.judged.question.as_str()).collect();
        assert!(empty.is_empty(), "found nothing: {empty:?}");
        let all = semey::search::judged::means(&scored, None);
        assert!(all.recall_at_10 >= 0.95, "{all:?}");
        assert!(all.mean_reciprocal_rank >= 0.9, "{all:?}");
        // A bad line of a judged set is named.
        match semey::search::judged::read("en\tradiation\tprogramme:Radiation\nxx\tq\tplace:Semey\n") {
            Err(semey::AppError::Import(errors)) => assert_eq!(errors[0].field, "line 2"),
            other => panic!("{other:?}"),
        }
    }
}

on_both_backends! {
    /// The feed is pruned of old rows but keeps its newest; a server whose position the
    /// pruning passed rebuilds instead of missing what it cannot read any more.
    async fn a_server_behind_the_pruned_feed_rebuilds(app: TestApp) {
        let app = app.with_demo().await;
        let behind = semey::AppState { search: semey::search::Search::open(None).unwrap(), ..app.state.clone() };
        // Built now, then away while a record is written and the feed pruned.
        let asked = app.call(Method::GET, "/api/v1/search?q=radiation").on(behind.clone()).send().await;
        assert_eq!(asked.status, StatusCode::OK);
        for name in ["Tamarisk Growers", "Saxaul Carvers"] {
            let (s, _) = app.post("/api/v1/organisations", json!({
                "name": {"en": name}, "org_type": 22, "country": "KZ"})).await;
            assert_eq!(s, StatusCode::CREATED);
        }
        let (_, last) = app.store().search_feed_bounds().await.unwrap().unwrap();
        let future = time::OffsetDateTime::now_utc() + time::Duration::days(1);
        assert!(app.store().prune_search_changes(future).await.unwrap() > 0);
        // The newest row stays: it says where the feed stands.
        assert_eq!(app.store().search_feed_bounds().await.unwrap(), Some((last, last)));
        let (s, _) = app.post("/api/v1/organisations", json!({
            "name": {"en": "Oleaster Dyers"}, "org_type": 22, "country": "KZ"})).await;
        assert_eq!(s, StatusCode::CREATED);
        for (q, name) in [("tamarisk", "Tamarisk Growers"), ("saxaul", "Saxaul Carvers"), ("oleaster", "Oleaster Dyers")] {
            let found = app.call(Method::GET, &format!("/api/v1/search?q={q}")).on(behind.clone()).send().await;
            assert_eq!(titles(&found.json()), [name], "{}", found.text());
        }
    }
}

on_both_backends! {
    /// More rows than one read of the feed holds arrive behind a transaction that stays open
    /// (PostgreSQL: a gap below them): every one is applied, and the open one when it commits.
    async fn many_changes_behind_an_open_transaction_are_all_applied(app: TestApp) {
        let app = app.with_demo().await;
        let store = app.store().clone();
        assert!(ask(&app, "q=radiation").await["total"].as_u64().unwrap() > 0);
        let named = organisation_like(&app).await;
        let postgres = store.backend() == semey_store::Backend::Postgres;
        let mut open = None;
        if postgres {
            let mut tx = store.begin().await.unwrap();
            store.save_organisation(&mut tx, &named("Pistachio Growers")).await.unwrap();
            open = Some(tx);
        }
        let mut tx = store.begin().await.unwrap();
        for i in 0..2_100 {
            store.save_organisation(&mut tx, &named(&format!("Quarry{i} Cooperative"))).await.unwrap();
        }
        tx.commit().await.unwrap();
        assert_eq!(titles(&ask(&app, "q=quarry2099").await)[0], "Quarry2099 Cooperative");
        // Every one of them, not only the first read's.
        let all = ask(&app, "q=cooperative&kind=organisation").await;
        assert!(all["total"].as_u64().unwrap() >= 2_100, "{}", all["total"]);
        if let Some(tx) = open {
            tx.commit().await.unwrap();
        } else {
            let mut tx = store.begin().await.unwrap();
            store.save_organisation(&mut tx, &named("Pistachio Growers")).await.unwrap();
            tx.commit().await.unwrap();
        }
        assert_eq!(titles(&ask(&app, "q=pistachio").await), ["Pistachio Growers"]);
    }
}

on_both_backends! {
    /// While other catch-ups keep running on the same server (its follower, other readers), a
    /// search still sees every record committed before it began: an upload is found by the
    /// very next search, never by a later one only.
    async fn a_search_sees_what_was_committed_before_it_while_others_catch_up(app: TestApp) {
        let app = app.with_demo().await;
        let store = app.store().clone();
        assert!(ask(&app, "q=radiation").await["total"].as_u64().unwrap() > 0);
        let named = organisation_like(&app).await;
        let busy = {
            let (search, store) = (app.state.search.clone(), store.clone());
            tokio::spawn(async move {
                loop {
                    search.catch_up(&store).await.unwrap();
                    tokio::task::yield_now().await;
                }
            })
        };
        for i in 0..40 {
            let mut tx = store.begin().await.unwrap();
            store.save_organisation(&mut tx, &named(&format!("Saxaul{i} Nursery"))).await.unwrap();
            tx.commit().await.unwrap();
            let found = titles(&ask(&app, &format!("q=saxaul{i}")).await);
            assert_eq!(found.first(), Some(&format!("Saxaul{i} Nursery")), "write {i}: {found:?}");
        }
        busy.abort();
    }
}
