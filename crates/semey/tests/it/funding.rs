//! Funding: money rules, conversion, the summary, and bad funding input.

use axum::http::StatusCode;
use serde_json::{json, Value};

fn tx(
    programme: &str,
    ty: u8,
    date: &str,
    amount: &str,
    currency: &str,
    provider: Option<&str>,
) -> Value {
    json!({"programme_id": programme, "transaction_type": ty, "date": date, "amount": amount, "currency": currency, "provider_org_id": provider})
}

on_both_backends! {
    /// The counting rules: pledges are not money; a flow between two platform programmes is
    /// counted once, even when both sides report it; domestic and external money are split;
    /// gap, % funded and disbursement rate follow.
    async fn money_is_counted_once_and_pledges_never(app: TestApp) {
        app.with_rates().await;
        let ministry = app.organisation("Ministry of Health", 10, "KZ").await;
        let donor = app.organisation("JICA", 10, "JP").await;
        let pooled = app.programme("XX-T-POOL", json!({"areas": ["governance"]})).await;
        let clinic = app.programme("XX-T-CLINIC", json!({})).await;

        for body in [
            json!({"programme_id": clinic, "period_start": "2024-01-01", "period_end": "2024-12-31", "amount": "1000000", "currency": "USD"}),
            json!({"programme_id": pooled, "period_start": "2024-01-01", "period_end": "2024-12-31", "amount": "450000000", "currency": "KZT"}),
        ] {
            let (s, b) = app.post("/api/v1/requirements", body).await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        for body in [
            tx(&clinic, 13, "2024-01-10", "5000000", "USD", Some(&donor)),      // pledge: never money
            tx(&clinic, 11, "2024-02-01", "300000", "USD", Some(&donor)),       // external commitment
            tx(&clinic, 1, "2024-03-01", "150000", "USD", Some(&donor)),        // received
            tx(&clinic, 4, "2024-06-01", "90000", "USD", None),                 // spent
            tx(&pooled, 11, "2024-01-15", "180000000", "KZT", Some(&ministry)), // domestic: $400 000
        ] {
            let (s, b) = app.post("/api/v1/transactions", body).await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
        // The pooled programme commits $100 000 to the clinic; both sides report it.
        let mut outgoing = tx(&pooled, 2, "2024-04-01", "45000000", "KZT", Some(&ministry));
        outgoing["receiver_programme_id"] = json!(clinic);
        let (s, first) = app.post("/api/v1/transactions", outgoing).await;
        assert_eq!(s, StatusCode::CREATED, "{first}");
        assert_eq!(first["programme_id"], clinic.as_str(), "stored on the receiving programme");
        assert_eq!(first["internal"], true);
        let mut incoming = tx(&clinic, 11, "2024-04-01", "45000000", "KZT", Some(&ministry));
        incoming["provider_programme_id"] = json!(pooled);
        let (s, second) = app.post("/api/v1/transactions", incoming).await;
        assert_eq!(s, StatusCode::OK, "the other side's report is the same flow: {second}");
        assert_eq!(second["id"], first["id"]);
        assert_eq!(app.count("transactions").await, 6);

        let (s, sum) = app.get("/api/v1/funding/summary").await;
        assert_eq!(s, StatusCode::OK, "{sum}");
        let usd = &sum["total"]["usd"];
        assert_eq!(usd["required"], 200_000_000); // $1 000 000 + ₸450 000 000 = $2 000 000, in cents
        assert_eq!(usd["pledged"], 500_000_000);
        assert_eq!(usd["committed"], 70_000_000, "$300 000 + $400 000; the internal $100 000 not again");
        assert_eq!(usd["internal_committed"], 10_000_000);
        assert_eq!(usd["disbursed"], 15_000_000);
        assert_eq!(usd["spent"], 9_000_000);
        assert_eq!(usd["gap"], 130_000_000);
        assert_eq!(usd["percent_funded"], 35.0);
        assert_eq!(usd["disbursement_rate"], 21.4);
        assert_eq!(sum["total"]["kzt"]["committed"], 31_500_000_000i64, "₸315 000 000 in tiyn");

        let origins: Vec<(&str, i64)> = sum["by_origin"].as_array().unwrap().iter()
            .filter_map(|g| Some((g["key"]["origin"].as_str()?, g["usd"]["committed"].as_i64()?)))
            .collect();
        assert!(origins.contains(&("domestic", 40_000_000)), "{origins:?}");
        assert!(origins.contains(&("external", 30_000_000)), "{origins:?}");

        let (_, by_area) = app.get("/api/v1/funding/summary?group_by=area,year").await;
        let groups = by_area["groups"].as_array().unwrap();
        let committed: i64 = groups.iter().map(|g| g["usd"]["committed"].as_i64().unwrap()).sum();
        assert_eq!(committed, 70_000_000, "groups add up to the total");
        let health = groups.iter().find(|g| g["key"]["area"] == "health").unwrap();
        assert_eq!(health["key"]["year"], "2024");
        assert_eq!(health["usd"]["committed"], 30_000_000);

        let (_, clinic_funding) = app.get(&format!("/api/v1/programmes/{clinic}/funding")).await;
        assert_eq!(clinic_funding["total"]["usd"]["internal_committed"], 10_000_000);
        assert_eq!(clinic_funding["total"]["usd"]["committed"], 30_000_000);

        let (_, by_org) = app.get("/api/v1/funding/summary?group_by=organisation").await;
        let jica = by_org["groups"].as_array().unwrap().iter().find(|g| g["labels"]["organisation"] == "JICA").unwrap();
        assert_eq!(jica["usd"]["committed"], 30_000_000);
        let (_, by_currency) = app.get("/api/v1/funding/summary?group_by=currency&origin=domestic").await;
        let kzt = by_currency["groups"].as_array().unwrap().iter().find(|g| g["key"]["currency"] == "KZT").unwrap();
        assert_eq!(kzt["usd"]["committed"], 40_000_000);

        // The transactions behind a figure: the same filters on the list.
        let (_, behind) = app.get("/api/v1/transactions?area=health&year=2024&measure=committed&internal=false").await;
        assert_eq!(behind["total"], 1);
    }
}

on_both_backends! {
    /// A summary by programme comes a page of groups at a time, with the whole selection's
    /// total on every page; an offset past the bound or a page size that is not a number is
    /// refused naming the parameter.
    async fn summaries_by_programme_come_a_page_at_a_time(app: TestApp) {
        let app = app.with_demo().await;
        let (_, all) = app.get("/api/v1/funding/summary?group_by=programme").await;
        let groups = all["groups"].as_array().unwrap().clone();
        assert!(groups.len() > 4, "{all}");
        assert!(all["next_offset"].is_null(), "everything fits on the default page");
        let (s, first) = app.get("/api/v1/funding/summary?group_by=programme&limit=3").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(first["groups"].as_array().unwrap().as_slice(), &groups[..3]);
        assert_eq!(first["next_offset"], 3);
        assert_eq!(first["total"], all["total"], "the total is the whole selection's");
        let (_, second) = app.get("/api/v1/funding/summary?group_by=programme&limit=3&offset=3").await;
        assert_eq!(second["groups"][0], groups[3]);
        assert!(second["groups"][0]["labels"]["programme"].is_string(), "named");
        let (s, e) = app.get("/api/v1/funding/summary?group_by=programme&offset=100001").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(e.to_string().contains("offset"), "{e}");
        let (s, e) = app.get("/api/v1/funding/summary?group_by=programme&limit=many").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(e.to_string().contains("limit"), "{e}");
        let (s, e) = app.get("/api/v1/programmes?offset=1000000000000").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        assert!(e.to_string().contains("offset"), "{e}");
    }
}

on_both_backends! {
    /// Every converted amount records the rate, its date and its source; the newest rate on or
    /// before the value date is used, and later rate corrections leave recorded money alone.
    async fn conversions_keep_their_rates(app: TestApp) {
        app.with_rates().await;
        let p = app.programme("XX-T-FX", json!({})).await;
        let (s, r) = app.post("/api/v1/exchange-rates", json!([{"currency": "EUR", "date": "2024-06-01", "per_usd": "0.8", "source": "National Bank of Kazakhstan"}])).await;
        assert_eq!((s, r["inserted"].as_i64()), (StatusCode::OK, Some(1)));
        let (_, early) = app.post("/api/v1/transactions", tx(&p, 11, "2024-05-31", "900", "EUR", None)).await;
        assert_eq!(early["converted"]["usd"], 100_000);
        assert_eq!(early["converted"]["usd_rate"]["per_usd"], "0.9");
        assert_eq!(early["converted"]["usd_rate"]["date"], "2020-01-01");
        let (_, late) = app.post("/api/v1/transactions", tx(&p, 11, "2024-06-01", "800", "EUR", None)).await;
        assert_eq!(late["converted"]["usd"], 100_000);
        assert_eq!(late["converted"]["usd_rate"]["source"], "National Bank of Kazakhstan");
        assert_eq!(late["converted"]["kzt"], 45_000_000);
        assert_eq!(late["converted"]["kzt_rate"]["per_usd"], "450");

        let (_, r) = app.post("/api/v1/exchange-rates", json!([{"currency": "EUR", "date": "2024-06-01", "per_usd": "0.5", "source": "corrected"}])).await;
        assert_eq!(r["updated"], 1);
        let (_, again) = app.get(&format!("/api/v1/transactions/{}", late["id"].as_str().unwrap())).await;
        assert_eq!(again["converted"]["usd"], 100_000, "recorded money keeps its rate");
        let (_, rates) = app.get("/api/v1/exchange-rates?currency=EUR").await;
        assert_eq!(rates["total"], 2);
        assert_eq!(rates["items"][0]["per_usd"], "0.5");
    }
}

on_both_backends! {
    /// A budget period longer than a year is refused, naming `period_end`; nothing is stored.
    async fn a_budget_period_longer_than_a_year_is_refused(app: TestApp) {
        app.with_rates().await;
        let p = app.programme("XX-T-REQ", json!({})).await;
        let (s, body) = app.post("/api/v1/requirements", json!({"programme_id": p, "period_start": "2024-01-01", "period_end": "2025-01-01", "amount": "10", "currency": "USD"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], "period_end");
        assert_eq!(body["errors"][0]["code"], "period_longer_than_a_year");
        assert_eq!(app.count("requirements").await, 0);
    }
}

on_both_backends! {
    /// An unknown currency is refused, naming `currency`; nothing is stored.
    async fn an_unknown_currency_is_refused(app: TestApp) {
        app.with_rates().await;
        let p = app.programme("XX-T-CUR", json!({})).await;
        let (s, body) = app.post("/api/v1/transactions", tx(&p, 11, "2024-01-01", "100", "XYZ", None)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], "currency");
        assert_eq!(body["errors"][0]["code"], "unknown_currency");
        assert_eq!(app.count("transactions").await, 0);
    }
}

on_both_backends! {
    /// A transaction dated before any exchange rate of its currency is refused, saying which
    /// rate is missing; nothing is stored.
    async fn a_transaction_without_an_exchange_rate_is_refused(app: TestApp) {
        app.with_rates().await;
        let p = app.programme("XX-T-NORATE", json!({})).await;
        let (s, body) = app.post("/api/v1/transactions", tx(&p, 11, "2019-01-05", "100", "EUR", None)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["code"], "no_exchange_rate");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("EUR on or before 2019-01-05"));
        let (s, body) = app.post("/api/v1/transactions", tx(&p, 11, "2024-01-05", "100", "CHF", None)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a currency with no rate at all: {body}");
        assert_eq!(app.count("transactions").await, 0);
        let (_, sum) = app.get("/api/v1/funding/summary").await;
        assert_eq!(sum["total"]["usd"]["committed"], 0);
    }
}

on_both_backends! {
    /// Summary parameters are checked.
    async fn summary_parameters_are_checked(app: TestApp) {
        for (uri, field) in [
            ("/api/v1/funding/summary?group_by=colour", "group_by"),
            ("/api/v1/funding/summary?group_by=year,year", "group_by"),
            ("/api/v1/funding/summary?origin=foreign", "origin"),
            ("/api/v1/funding/summary?lang=fr", "lang"),
        ] {
            let (s, body) = app.get(uri).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}");
            assert_eq!(body["field"], field, "{uri}");
        }
    }
}

on_both_backends! {
    /// The demo's figures: districts roll up to regions, and the demo's internal transfers are
    /// not counted twice.
    async fn the_demo_summary_by_region(app: TestApp) {
        let app = app.with_demo().await;
        let (_, total) = app.get("/api/v1/funding/summary").await;
        let (_, by_region) = app.get("/api/v1/funding/summary?group_by=place:region&lang=ru").await;
        let groups = by_region["groups"].as_array().unwrap();
        let sum: i64 = groups.iter().map(|g| g["usd"]["committed"].as_i64().unwrap()).sum();
        let whole = total["total"]["usd"]["committed"].as_i64().unwrap();
        assert!((sum - whole).abs() <= groups.len() as i64, "regions add up to the whole within a cent each: {sum} vs {whole}");
        assert!(groups.iter().any(|g| g["labels"]["place"] == "Абайская область"), "{by_region}");
        assert!(total["total"]["usd"]["internal_committed"].as_i64().unwrap() > 0);
    }
}

on_both_backends! {
    /// The area cube that answers unfiltered summaries agrees with the roll-ups that answer
    /// filtered ones, after money is recorded and after a programme changes its areas.
    async fn the_area_cube_agrees_with_the_rollups(app: TestApp) {
        let app = app.with_demo().await;
        let (_, country) = app.get("/api/v1/places?level=country").await;
        let kz = country["items"][0]["id"].as_str().unwrap().to_owned();
        let compare = |cube: serde_json::Value, rollups: serde_json::Value| {
            let a = cube["groups"].as_array().unwrap();
            let b = rollups["groups"].as_array().unwrap();
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(b) {
                assert_eq!(x["key"], y["key"]);
                for m in ["required", "pledged", "committed", "disbursed", "spent", "internal_committed"] {
                    let (p, q) = (x["usd"][m].as_i64().unwrap(), y["usd"][m].as_i64().unwrap());
                    assert!((p - q).abs() <= 1, "{} {m}: {p} vs {q}", x["key"]);
                }
            }
        };
        let (_, cube) = app.get("/api/v1/funding/summary?group_by=area,year").await;
        let (_, rollups) = app.get(&format!("/api/v1/funding/summary?group_by=area,year&place={kz}")).await;
        compare(cube, rollups);

        // A programme moves from health to governance: its money moves with it.
        let (_, list) = app.get("/api/v1/programmes?area=health&q=screening").await;
        let mut p = list["items"][0].clone();
        let id = p["id"].as_str().unwrap().to_owned();
        p["areas"] = serde_json::json!(["governance"]);
        p["sectors"] = serde_json::json!([{"vocabulary": "dac5", "code": "15110", "percentage": 100}]);
        let (s, _) = app.put(&format!("/api/v1/programmes/{id}"), p).await;
        assert_eq!(s, StatusCode::OK);
        let (_, cube) = app.get("/api/v1/funding/summary?group_by=area,year").await;
        let (_, rollups) = app.get(&format!("/api/v1/funding/summary?group_by=area,year&place={kz}")).await;
        compare(cube.clone(), rollups);
        let health_2024 = cube["groups"].as_array().unwrap().iter().find(|g| g["key"]["area"] == "health" && g["key"]["year"] == "2024").unwrap();
        let (_, child) = app.get("/api/v1/funding/summary?group_by=area,year&area=health&year=2024").await;
        assert_eq!(health_2024["usd"]["committed"], child["groups"].as_array().unwrap().iter().find(|g| g["key"]["area"] == "health").unwrap()["usd"]["committed"]);
    }
}

on_both_backends! {
    /// The place cube that answers unfiltered summaries by place (at every level) agrees with
    /// the roll-ups that answer filtered ones: after the demo's import, after a programme moves
    /// to other places, and after money is recorded.
    async fn the_place_cube_agrees_with_the_rollups(app: TestApp) {
        let app = app.with_demo().await;
        let (_, country) = app.get("/api/v1/places?level=country").await;
        let kz = country["items"][0]["id"].as_str().unwrap().to_owned();
        async fn check(app: &crate::support::TestApp, kz: &str) {
            for level in ["place", "place:region", "place:district"] {
                let (_, cube) = app.get(&format!("/api/v1/funding/summary?group_by={level},year")).await;
                let (_, rollup) = app.get(&format!("/api/v1/funding/summary?group_by={level},year&place={kz}")).await;
                // Money of programmes with no place is outside the filter: compare the placed.
                let placed = |v: &Value| -> Vec<Value> {
                    v["groups"].as_array().unwrap().iter().filter(|g| !g["key"]["place"].is_null()).cloned().collect()
                };
                let (a, b) = (placed(&cube), placed(&rollup));
                assert!(!a.is_empty(), "{cube}");
                assert_eq!(a.len(), b.len(), "{level}");
                for (x, y) in a.iter().zip(&b) {
                    assert_eq!(x["key"], y["key"]);
                    for m in ["required", "committed", "disbursed", "spent"] {
                        let (p, q) = (x["usd"][m].as_i64().unwrap(), y["usd"][m].as_i64().unwrap());
                        assert!((p - q).abs() <= 1, "{level} {} {m}: {p} vs {q}", x["key"]);
                    }
                }
            }
        }
        check(&app, &kz).await;

        // A programme moves to another district's settlement.
        let (_, list) = app.get("/api/v1/programmes?q=screening").await;
        let mut p = list["items"][0].clone();
        let id = p["id"].as_str().unwrap().to_owned();
        let (_, settlements) = app.get("/api/v1/places?level=settlement&limit=200").await;
        let held: Vec<&Value> = p["places"].as_array().unwrap().iter().map(|x| &x["place_id"]).collect();
        let other = settlements["items"].as_array().unwrap().iter().rev()
            .find(|s| !held.contains(&&s["id"])).unwrap()["id"].clone();
        p["places"] = json!([{"place_id": other, "percentage": null}]);
        let (s, b) = app.put(&format!("/api/v1/programmes/{id}"), p).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        check(&app, &kz).await;

        let (s, t) = app.post("/api/v1/transactions", tx(&id, 11, "2025-03-01", "1000", "USD", None)).await;
        assert_eq!(s, StatusCode::CREATED, "{t}");
        check(&app, &kz).await;
        let (_, cube) = app.get("/api/v1/funding/summary?group_by=place,year").await;
        let cell = cube["groups"].as_array().unwrap().iter()
            .find(|g| g["key"]["place"] == other && g["key"]["year"] == "2025").unwrap();
        assert!(cell["usd"]["committed"].as_i64().unwrap() >= 100_000, "{cell}");
    }
}

on_both_backends! {
    /// The provider cube that answers unfiltered summaries by provider and currency agrees with
    /// the roll-up that answers filtered ones and with the money listed: after the demo's
    /// import (exact deltas), after money is recorded, and after a transaction changes its
    /// provider and currency.
    async fn the_provider_cube_agrees_with_the_rollups(app: TestApp) {
        let app = app.with_demo().await;
        let (_, country) = app.get("/api/v1/places?level=country").await;
        let kz = country["items"][0]["id"].as_str().unwrap().to_owned();
        fn groups(v: &Value) -> Vec<(Value, Vec<i64>)> {
            v["groups"].as_array().unwrap().iter().map(|g| {
                let sums = ["required", "pledged", "committed", "disbursed", "spent", "internal_committed", "internal_disbursed"]
                    .iter().flat_map(|m| [g["usd"][m].as_i64().unwrap(), g["kzt"][m].as_i64().unwrap()]).collect();
                (g["key"].clone(), sums)
            }).collect()
        }
        async fn check(app: &crate::support::TestApp, kz: &str) -> Value {
            let (_, cube) = app.get("/api/v1/funding/summary?group_by=organisation,year,currency,origin").await;
            let (_, rollup) = app.get(&format!("/api/v1/funding/summary?group_by=organisation,year,currency,origin&place={kz}")).await;
            assert!(!cube["groups"].as_array().unwrap().is_empty(), "{cube}");
            assert_eq!(groups(&cube), groups(&rollup));
            cube
        }
        let before = check(&app, &kz).await;
        let donor = before["groups"].as_array().unwrap().iter()
            .find_map(|g| g["key"]["organisation"].as_str())
            .unwrap().to_owned();

        let cell = |v: &Value, org: Option<&str>, currency: &str| {
            v["groups"].as_array().unwrap().iter()
                .filter(|g| g["key"]["organisation"].as_str() == org && g["key"]["year"] == "2025" && g["key"]["currency"] == currency)
                .map(|g| g["usd"]["committed"].as_i64().unwrap())
                .sum::<i64>()
        };

        // New money from that provider.
        let (_, list) = app.get("/api/v1/programmes?q=screening").await;
        let p = list["items"][0]["id"].as_str().unwrap().to_owned();
        let (s, t) = app.post("/api/v1/transactions", tx(&p, 11, "2025-03-01", "1000", "EUR", Some(&donor))).await;
        assert_eq!(s, StatusCode::CREATED, "{t}");
        let after = check(&app, &kz).await;
        assert!(cell(&after, Some(&donor), "EUR") > cell(&before, Some(&donor), "EUR"), "{after}");

        // The same transaction moves to no provider and to dollars: the money moves with it.
        let id = t["id"].as_str().unwrap();
        let (s, b) = app.put(&format!("/api/v1/transactions/{id}"), tx(&p, 11, "2025-03-01", "1000", "USD", None)).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let moved = check(&app, &kz).await;
        assert_eq!(cell(&moved, Some(&donor), "EUR"), cell(&before, Some(&donor), "EUR"));
        assert_eq!(cell(&moved, None, "USD"), cell(&before, None, "USD") + 100_000);
    }
}

on_both_backends! {
    /// Aid, finance and flow type and tied status: a programme's defaults and a transaction's
    /// own are stored and read back; a code that is not on its IATI codelist is refused with
    /// its field named, and nothing is stored.
    async fn terms_of_money_are_kept_and_checked(app: TestApp) {
        app.with_rates().await;
        let p = app
            .programme("XX-T-TERMS", json!({"terms": {"aid_type": "c01", "finance_type": "110", "flow_type": "10", "tied_status": "5"}}))
            .await;
        let (_, read) = app.get(&format!("/api/v1/programmes/{p}")).await;
        assert_eq!(read["terms"], json!({"aid_type": "C01", "finance_type": "110", "flow_type": "10", "tied_status": "5"}));
        let mut experts = tx(&p, 11, "2024-01-05", "100", "USD", None);
        experts["terms"] = json!({"aid_type": "D01"});
        let (s, body) = app.post("/api/v1/transactions", experts).await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        assert_eq!(body["terms"]["aid_type"], "D01");
        let mut bad = tx(&p, 11, "2024-01-06", "100", "USD", None);
        bad["terms"] = json!({"flow_type": "20", "aid_type": "Z99"});
        let (s, body) = app.post("/api/v1/transactions", bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["terms.flow_type", "terms.aid_type"], "withdrawn and unknown codes: {body}");
        assert_eq!(app.count("transactions").await, 1);
    }
}

on_both_backends! {
    /// An in-kind contribution (experts' time) is recorded with what was given, how much and
    /// its declared value, converted; recording it again changes nothing; the summary shows it
    /// apart and no money figure counts it; the programme's and the funding pages show it.
    async fn in_kind_contributions_are_shown_apart_and_never_counted_as_money(app: TestApp) {
        app.with_rates().await;
        let iaea = app.organisation("IAEA", 40, "AT").await;
        let p = app.programme("XX-T-INKIND", json!({})).await;
        let (s, b) = app.post("/api/v1/transactions", tx(&p, 1, "2024-03-01", "150000", "USD", Some(&iaea))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let (_, before) = app.get("/api/v1/funding/summary").await;

        let experts = json!({"programme_id": p, "category": "experts", "provider_org_id": iaea,
            "date": "2024-04-15", "description": "Two dosimetry experts", "quantity": "40",
            "unit": "person-days", "value": "43200", "currency": "EUR"});
        let (s, c) = app.post("/api/v1/contributions", experts.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        assert_eq!(c["quantity"], "40");
        assert_eq!(c["converted"]["usd"], 4_800_000, "EUR 43 200 at 0.9 per dollar: $48 000");
        let (s, again) = app.post("/api/v1/contributions", experts).await;
        assert_eq!(s, StatusCode::OK, "the same contribution again: {again}");
        assert_eq!(again["id"], c["id"]);
        assert_eq!(app.count("contributions").await, 1);

        let (_, after) = app.get("/api/v1/funding/summary").await;
        assert_eq!(after["total"], before["total"], "no money figure moves");
        assert_eq!(after["in_kind"]["total"]["count"], 1);
        assert_eq!(after["in_kind"]["total"]["usd"], 4_800_000);
        assert_eq!(after["in_kind"]["groups"][0]["category"], "experts");
        let (_, own) = app.get(&format!("/api/v1/programmes/{p}/funding")).await;
        assert_eq!(own["total"]["usd"]["disbursed"], 15_000_000, "only the cash is received");
        assert_eq!(own["in_kind"]["total"]["usd"], 4_800_000);

        let (_, by_kind) = app.get("/api/v1/contributions?category=equipment").await;
        assert_eq!(by_kind["total"], 0);
        let (_, by_provider) = app.get(&format!("/api/v1/contributions?provider={iaea}&year=2024")).await;
        assert_eq!(by_provider["total"], 1);
        assert!(by_provider["downloads"].to_string().contains("/api/v1/data/contributions.csv"), "{by_provider}");

        let page = app.call(axum::http::Method::GET, &format!("/programmes/{p}?lang=ru")).send().await.text();
        assert!(page.contains("Время экспертов"), "the kind, in Russian");
        assert!(page.contains("40 person-days"));
        assert!(page.contains("43\u{a0}200,00\u{a0}EUR (48\u{a0}000\u{a0}USD)"), "declared value and its dollars");
        let funding = app.call(axum::http::Method::GET, "/funding?lang=en").send().await.text();
        assert!(funding.contains(r#"<h2 id="in-kind">In kind</h2>"#));
        assert!(funding.contains("<th scope=\"row\">Experts&#39; time</th><td>1</td><td>USD\u{a0}48,000</td>"), "{funding}");
    }
}

on_both_backends! {
    /// A contribution with no description, a quantity that is not a number, a zero value and
    /// a provider that does not exist is refused naming each field; nothing is stored.
    async fn bad_in_kind_contributions_are_refused_field_by_field(app: TestApp) {
        app.with_rates().await;
        let p = app.programme("XX-T-INKIND-BAD", json!({})).await;
        let (s, b) = app.post("/api/v1/contributions", json!({"programme_id": p, "category": "equipment",
            "provider_org_id": "00000000-0000-4000-8000-000000000001", "date": "2024-04-15",
            "description": " ", "quantity": "several", "unit": "units", "value": "0", "currency": "USD"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let fields: Vec<&str> = b["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
        assert_eq!(fields, ["description", "quantity", "value"], "{b}");
        let (s, b) = app.post("/api/v1/contributions", json!({"programme_id": p, "category": "equipment",
            "provider_org_id": "00000000-0000-4000-8000-000000000001", "date": "2024-04-15",
            "description": "Spectrometers", "quantity": "3", "unit": "units", "value": "36000", "currency": "USD"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["errors"][0]["field"], "provider_org_id", "{b}");
        let (s, b) = app.post("/api/v1/contributions", json!({"programme_id": p, "category": "cash",
            "provider_org_id": "00000000-0000-4000-8000-000000000001", "date": "2024-04-15",
            "description": "Spectrometers", "quantity": "3", "unit": "units", "value": "36000", "currency": "USD"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(app.count("contributions").await, 0);
    }
}

on_both_backends! {
    /// Filtered summaries are summed from a copy of the money each server holds in memory: a
    /// write through another server on the same database shows in the next filtered summary
    /// (by year, by provider, by programme), and so does a programme's move to another area.
    async fn filtered_summaries_see_what_another_server_wrote(app: TestApp) {
        use axum::http::Method;
        let app = app.with_demo().await;
        let other = semey::AppState::open(app.state.config.as_ref().clone()).await.unwrap();
        let (_, list) = app.get("/api/v1/programmes?q=screening").await;
        let mut p = list["items"][0].clone();
        let id = p["id"].as_str().unwrap().to_owned();
        let donor = app.organisation("Filtered Donor Fund", 21, "JP").await;
        let on_other = |uri: String| {
            let call = app.call(Method::GET, &uri).on(other.clone());
            async move { call.send().await.json() }
        };
        let committed = |v: &Value, dim: &str, key: &str| -> i64 {
            v["groups"].as_array().unwrap().iter()
                .find(|g| g["key"][dim] == key)
                .map_or(0, |g| g["usd"]["committed"].as_i64().unwrap())
        };
        let by_year = "/api/v1/funding/summary?group_by=year&q=screening".to_owned();
        let by_provider = "/api/v1/funding/summary?group_by=organisation&q=screening".to_owned();
        let by_programme = "/api/v1/funding/summary?group_by=programme&limit=1000".to_owned();
        let identifier = p["iati_identifier"].as_str().unwrap().to_owned();
        let by_area = format!("/api/v1/funding/summary?group_by=area,place:region&q={identifier}");
        let (year0, provider0, programme0) = (
            on_other(by_year.clone()).await,
            on_other(by_provider.clone()).await,
            on_other(by_programme.clone()).await,
        );
        assert!(committed(&programme0, "programme", &id) > 0, "{programme0}");
        assert_eq!(committed(&provider0, "organisation", &donor), 0);

        let (s, t) = app.post("/api/v1/transactions", tx(&id, 11, "2025-03-01", "1000", "USD", Some(&donor))).await;
        assert_eq!(s, StatusCode::CREATED, "{t}");
        let (year1, provider1, programme1) = (
            on_other(by_year.clone()).await,
            on_other(by_provider.clone()).await,
            on_other(by_programme.clone()).await,
        );
        assert_eq!(committed(&year1, "year", "2025") - committed(&year0, "year", "2025"), 100_000, "{year1}");
        assert_eq!(committed(&provider1, "organisation", &donor), 100_000, "{provider1}");
        assert_eq!(committed(&programme1, "programme", &id) - committed(&programme0, "programme", &id), 100_000);
        assert_eq!(year1["total"]["usd"]["committed"].as_i64().unwrap() - year0["total"]["usd"]["committed"].as_i64().unwrap(), 100_000);
        // Both servers give the same answer.
        for uri in [&by_year, &by_provider, &by_programme, &by_area] {
            assert_eq!(on_other(uri.clone()).await, app.get(uri).await.1, "{uri}");
        }

        // The programme moves to governance alone: the other server splits it by its new area.
        let area0 = on_other(by_area.clone()).await;
        p["areas"] = json!(["governance"]);
        p["sectors"] = json!([{"vocabulary": "dac5", "code": "15110", "percentage": 100}]);
        let (s, b) = app.put(&format!("/api/v1/programmes/{id}"), p).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let area1 = on_other(by_area.clone()).await;
        let area_total = |v: &Value, area: &str| -> i64 {
            v["groups"].as_array().unwrap().iter()
                .filter(|g| g["key"]["area"] == area)
                .map(|g| g["usd"]["committed"].as_i64().unwrap()).sum()
        };
        assert!(area_total(&area0, "health") > 0, "{area0}");
        assert_eq!(area_total(&area1, "health"), 0, "{area1}");
        let whole = area1["total"]["usd"]["committed"].as_i64().unwrap();
        assert!((area_total(&area1, "governance") - whole).abs() <= 2, "{area1}");
        // By area and year alone (no place), as the other server's copy keeps the areas.
        let by_area_year = format!("/api/v1/funding/summary?group_by=area,year&q={identifier}");
        let area_year = on_other(by_area_year.clone()).await;
        assert_eq!(area_total(&area_year, "health"), 0, "{area_year}");
        assert_eq!(area_total(&area_year, "governance"), area_year["total"]["usd"]["committed"].as_i64().unwrap(), "{area_year}");
        assert!((area_total(&area_year, "governance") - whole).abs() <= 2, "{area_year}");
        assert_eq!(area_year, app.get(&by_area_year).await.1);
    }
}
