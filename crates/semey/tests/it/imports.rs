//! CSV imports: all or nothing, line-numbered errors, idempotent, encodings.

use crate::support::{import_file, TestApp};
use semey::import::Quiet;
use semey::AppError;

fn errors_of(r: Result<semey::import::ImportReport, AppError>) -> Vec<semey_domain::FieldError> {
    match r {
        Err(AppError::Import(e)) => e,
        other => panic!("expected an import error, got {other:?}"),
    }
}

const ORGS: &str = "iati_id,name_en,name_ru,org_type,country,mechanism_role\n\
XM-DAC-41122,UNICEF,Детский фонд ООН,40,US,un_entity\n\
,Akimat of Abai Region,Акимат области Абай,11,KZ,local_government\n";

const PROGRAMMES: &str = "iati_identifier,title_en,status,areas,sectors,places,funding_orgs\n\
XX-CSV-1,Child clinics,2,health,12220:100,,XM-DAC-41122\n\
XX-CSV-2,Clean water,2,health;environmental_protection,14031:50;14030:50,,Akimat of Abai Region\n";

const RATES: &str = "currency,date,per_usd,source\nKZT,2024-01-01,450,National Bank of Kazakhstan\nEUR,2024-01-01,0.9,ECB\n";

async fn base(app: &TestApp) {
    semey::organisations::import::import_organisations(
        app.store(),
        &import_file("organisations", ORGS.as_bytes()),
        &mut Quiet,
    )
    .await
    .unwrap();
    semey::programmes::import::import_programmes(
        app.store(),
        &import_file("programmes", PROGRAMMES.as_bytes()),
        &mut Quiet,
    )
    .await
    .unwrap();
    semey::funding::import::import_exchange_rates(
        app.store(),
        &import_file("exchange_rates", RATES.as_bytes()),
        &mut Quiet,
    )
    .await
    .unwrap();
}

const TRANSACTIONS: &str =
    "programme,reference,type,date,amount,currency,provider_org,description\n\
XX-CSV-1,U-1,11,2024-02-01,100000,USD,XM-DAC-41122,commitment\n\
XX-CSV-1,U-2,1,2024-03-01,50000.50,USD,XM-DAC-41122,first tranche\n\
XX-CSV-2,A-1,11,2024-02-15,45000000,KZT,Akimat of Abai Region,\n\
XX-CSV-2,,4,2024-05-01,900,EUR,,pumps\n";

on_both_backends! {
    /// A good file is imported; importing it again adds nothing.
    async fn transaction_imports_are_idempotent(app: TestApp) {
        base(&app).await;
        let r = semey::funding::import::import_transactions(app.store(), &import_file("transactions", TRANSACTIONS.as_bytes()), &mut Quiet).await.unwrap();
        assert_eq!((r.rows, r.inserted, r.unchanged), (4, 4, 0));
        let again = semey::funding::import::import_transactions(app.store(), &import_file("transactions", TRANSACTIONS.as_bytes()), &mut Quiet).await.unwrap();
        assert_eq!((again.inserted, again.unchanged), (0, 4));
        assert_eq!(app.count("transactions").await, 4);
        let (_, sum) = app.get("/api/v1/funding/summary").await;
        assert_eq!(sum["total"]["usd"]["committed"], 20_000_000, "$100 000 + ₸45 000 000 at 450");
        assert_eq!(sum["total"]["usd"]["spent"], 100_000);
        // The same money through the roll-up (a programme filter) and per area through the cube.
        let (_, filtered) = app.get("/api/v1/funding/summary?area=health").await;
        assert_eq!(filtered["total"]["usd"]["committed"], 20_000_000);
        let (_, by_area) = app.get("/api/v1/funding/summary?group_by=area").await;
        let env = by_area["groups"].as_array().unwrap().iter().find(|g| g["key"]["area"] == "environmental_protection").unwrap();
        assert_eq!(env["usd"]["committed"], 5_000_000, "half of XX-CSV-2's $100 000");

        let orgs = semey::organisations::import::import_organisations(app.store(), &import_file("organisations", ORGS.as_bytes()), &mut Quiet).await.unwrap();
        assert_eq!((orgs.inserted, orgs.unchanged), (0, 2));
        let progs = semey::programmes::import::import_programmes(app.store(), &import_file("programmes", PROGRAMMES.as_bytes()), &mut Quiet).await.unwrap();
        assert_eq!((progs.inserted, progs.unchanged), (0, 2));
        let rates = semey::funding::import::import_exchange_rates(app.store(), &import_file("exchange_rates", RATES.as_bytes()), &mut Quiet).await.unwrap();
        assert_eq!((rates.inserted, rates.unchanged), (0, 2));
    }
}

on_both_backends! {
    /// Texts come back exactly as the file wrote them, whatever they hold: a large file is
    /// written as text on PostgreSQL (`COPY`), where tabs, line ends and backslashes are special.
    async fn imported_texts_keep_tabs_line_breaks_and_backslashes(app: TestApp) {
        base(&app).await;
        let mut file = String::from("programme,reference,type,date,amount,currency,provider_org,description\n\
XX-CSV-1,\\N,11,2024-02-01,100,USD,,\"tab\there\"\n\
XX-CSV-1,C:\\x\\y,11,2024-02-02,100,USD,,\"two\nlines\r\nand \\N and \\t\"\n\
XX-CSV-1,,11,2024-02-03,100,USD,,Қазақ 中文 ™\n");
        // Enough rows for the bulk path.
        for i in 0..100 {
            file.push_str(&format!("XX-CSV-2,F-{i},11,2024-03-01,{},USD,,filler\n", i + 1));
        }
        let r = semey::funding::import::import_transactions(app.store(), &import_file("transactions", file.as_bytes()), &mut Quiet).await.unwrap();
        assert_eq!(r.inserted, 103, "{r}");
        let (_, list) = app.get("/api/v1/transactions?limit=200").await;
        let mut got: Vec<(String, Option<String>)> = list["items"].as_array().unwrap().iter()
            .filter(|t| t["description"] != "filler")
            .map(|t| (t["description"].as_str().unwrap().to_owned(), t["reference"].as_str().map(str::to_owned)))
            .collect();
        got.sort();
        assert_eq!(got, [
            ("tab\there".to_owned(), Some("\\N".to_owned())),
            ("two\nlines\r\nand \\N and \\t".to_owned(), Some("C:\\x\\y".to_owned())),
            ("Қазақ 中文 ™".to_owned(), None),
        ]);
    }
}

/// A transactions file of `n` commitments in US dollars, one a year from 1950 on each of the two
/// programmes in turn, references `{prefix}-i`, row `i` worth `(i + 1) × factor` cents.
fn yearly(prefix: &str, rows: std::ops::Range<i64>, factor: i64) -> String {
    let mut file =
        String::from("programme,reference,type,date,amount,currency,provider_org,description\n");
    for i in rows {
        let cents = (i + 1) * factor;
        file.push_str(&format!(
            "XX-CSV-{},{prefix}-{i},11,{}-06-01,{}.{:02},USD,XM-DAC-41122,\n",
            1 + i % 2,
            1950 + i / 2,
            cents / 100,
            cents % 100
        ));
    }
    file
}

on_both_backends! {
    /// Large files keep the totals exact: one adding to totals already stored (every row new),
    /// then one repeating stored transactions among new ones (only the new ones count).
    async fn large_files_add_to_the_totals_and_repeat_nothing(app: TestApp) {
        base(&app).await;
        let old_rate = "currency,date,per_usd,source\nKZT,1950-01-01,450,test\n";
        semey::funding::import::import_exchange_rates(app.store(), &import_file("exchange_rates", old_rate.as_bytes()), &mut Quiet).await.unwrap();
        let store = app.store();
        let import = |file: String| async move {
            semey::funding::import::import_transactions(store, &import_file("transactions", file.as_bytes()), &mut Quiet).await.unwrap()
        };
        let committed_in = |total: &serde_json::Value| total["usd"]["committed"].as_i64().unwrap();
        // 140 rows: 140 (programme, year) totals, each new.
        let r = import(yearly("A", 0..140, 100)).await;
        assert_eq!((r.inserted, r.unchanged), (140, 0));
        // The same programmes and years again, other transactions: each total grows.
        let r = import(yearly("B", 0..140, 7)).await;
        assert_eq!((r.inserted, r.unchanged), (140, 0));
        // The B rows once more, with 60 new ones.
        let r = import(yearly("B", 0..200, 7)).await;
        assert_eq!((r.inserted, r.unchanged), (60, 140));
        assert_eq!(app.count("transactions").await, 340);

        let sum_a: i64 = (1..=140).map(|i| i * 100).sum();
        let sum_b: i64 = (1..=200).map(|i| i * 7).sum();
        let (_, all) = app.get("/api/v1/funding/summary").await;
        assert_eq!(committed_in(&all["total"]), sum_a + sum_b);
        // Year 1960 holds rows 20 and 21 of each file.
        let (_, by_year) = app.get("/api/v1/funding/summary?group_by=year").await;
        let y1960 = by_year["groups"].as_array().unwrap().iter().find(|g| g["key"]["year"] == "1960").expect("a group for 1960");
        assert_eq!(committed_in(y1960), (21 + 22) * 100 + (21 + 22) * 7);
        // A programme filter reads the roll-up per programme: XX-CSV-1 holds the even rows.
        let (_, first) = app.get("/api/v1/funding/summary?q=clinics").await;
        let even = |n: i64, f: i64| (0..n).step_by(2).map(|i| (i + 1) * f).sum::<i64>();
        assert_eq!(committed_in(&first["total"]), even(140, 100) + even(200, 7), "{first}");
    }
}

on_both_backends! {
    /// One bad row refuses the whole file: every problem is listed with its line, nothing stored.
    async fn one_bad_row_refuses_the_whole_file(app: TestApp) {
        base(&app).await;
        let file = format!("{TRANSACTIONS}XX-CSV-1,U-9,11,2024-13-01,10,USD,,\nXX-CSV-9,U-10,11,2024-01-01,10,USD,,\nXX-CSV-1,U-11,11,2024-01-01,10,XYZ,,\n");
        let errors = errors_of(semey::funding::import::import_transactions(app.store(), &import_file("transactions", file.as_bytes()), &mut Quiet).await);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["line 6: date", "line 7: programme", "line 8: currency"]);
        assert_eq!(app.count("transactions").await, 0);
    }
}

on_both_backends! {
    /// A missing column is named, with the header that was found.
    async fn a_missing_column_is_named(app: TestApp) {
        base(&app).await;
        let file = "programme,type,date,amount\nXX-CSV-1,11,2024-01-01,10\n";
        let errors = errors_of(semey::funding::import::import_transactions(app.store(), &import_file("transactions", file.as_bytes()), &mut Quiet).await);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "line 1: currency");
        assert_eq!(errors[0].code, "missing_column");
        assert!(errors[0].message.contains("programme, type, date, amount"));
        assert_eq!(app.count("transactions").await, 0);
    }
}

on_both_backends! {
    /// A duplicated row is reported with both line numbers; nothing is stored.
    async fn a_duplicated_row_is_refused(app: TestApp) {
        base(&app).await;
        let file = format!("{TRANSACTIONS}XX-CSV-2,,4,2024-05-01,900,EUR,,pumps\n");
        let errors = errors_of(semey::funding::import::import_transactions(app.store(), &import_file("transactions", file.as_bytes()), &mut Quiet).await);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "line 6");
        assert_eq!(errors[0].code, "duplicate_row");
        assert!(errors[0].message.contains("line 5"));
        assert_eq!(app.count("transactions").await, 0);

        let dup_orgs = format!("{ORGS}XM-DAC-41122,UNICEF again,,40,US,\n");
        let errors = errors_of(semey::organisations::import::import_organisations(app.store(), &import_file("organisations", dup_orgs.as_bytes()), &mut Quiet).await);
        assert_eq!(errors[0].field, "line 4");
    }
}

on_both_backends! {
    /// A file saved in Windows-1251 (common in Kazakhstan) is recognised, read correctly and
    /// reported as such; bytes that are neither UTF-8 nor Windows-1251 text are refused.
    async fn windows_1251_files_are_detected(app: TestApp) {
        let text = "iati_id,name_ru,name_kk,org_type,country\n,Министерство здравоохранения Республики Казахстан,,10,KZ\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        assert!(std::str::from_utf8(&bytes).is_err(), "the test file really is not UTF-8");
        let r = semey::organisations::import::import_organisations(app.store(), &import_file("organisations", &bytes), &mut Quiet).await.unwrap();
        assert_eq!(r.inserted, 1);
        assert!(r.notes.iter().any(|n| n.contains("Windows-1251")), "{:?}", r.notes);
        let (_, list) = app.get("/api/v1/organisations?q=здравоохранения").await;
        assert_eq!(list["items"][0]["name"]["ru"], "Министерство здравоохранения Республики Казахстан");

        // A picture renamed to .csv: bytes no text encoding explains.
        let binary = b"iati_id,name_en,org_type,country\n,\x89PNG\x98\x1a,22,FR\n";
        let errors = errors_of(semey::organisations::import::import_organisations(app.store(), &import_file("organisations", binary), &mut Quiet).await);
        assert_eq!(errors[0].code, "unknown_encoding");
        assert_eq!(errors[0].field, "line 2");
        assert_eq!(app.count("organisations").await, 1);
    }
}

on_both_backends! {
    /// Programme rows are checked like the API's input, with the line named.
    async fn programme_rows_are_checked(app: TestApp) {
        semey::organisations::import::import_organisations(app.store(), &import_file("organisations", ORGS.as_bytes()), &mut Quiet).await.unwrap();
        let file = "iati_identifier,title_en,status,areas,sectors,places,planned_start,planned_end\n\
XX-CSV-1,A,2,health,12220:60;12230:30,,,\n\
XX-CSV-2,B,2,health,12220:100,999999999,,\n\
XX-CSV-3,C,2,health,12220:100,,2025-01-01,2024-01-01\n";
        let errors = errors_of(semey::programmes::import::import_programmes(app.store(), &import_file("programmes", file.as_bytes()), &mut Quiet).await);
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(got, [("line 2: sectors", "sector_percentages_sum"), ("line 3: places", "unknown_place"), ("line 4: dates.planned_end", "end_before_start")]);
        assert_eq!(app.count("programmes").await, 0);
    }
}

on_both_backends! {
    /// An empty file is refused with a clear message.
    async fn an_empty_file_is_refused(app: TestApp) {
        let errors = errors_of(semey::funding::import::import_exchange_rates(app.store(), &import_file("exchange_rates", b""), &mut Quiet).await);
        assert_eq!(errors[0].code, "empty_file");
    }
}

on_both_backends! {
    /// Requirements from CSV: converted, audited, idempotent; bad rows named with their line
    /// and nothing stored (an unknown programme, a date that is none, a currency without a rate).
    async fn requirements_import_all_or_nothing(app: TestApp) {
        base(&app).await;
        let good = "programme,period_start,period_end,amount,currency,description\n\
XX-CSV-1,2024-01-01,2024-12-31,1000000,KZT,Clinics\n\
XX-CSV-2,2024-01-01,2024-12-31,25000.50,EUR,Pipes\n";
        let r = semey::funding::import::import_requirements(app.store(), &import_file("req.csv", good.as_bytes()), &mut Quiet).await.unwrap();
        assert_eq!((r.rows, r.inserted), (2, 2));
        let again = semey::funding::import::import_requirements(app.store(), &import_file("req.csv", good.as_bytes()), &mut Quiet).await.unwrap();
        assert_eq!((again.inserted, again.unchanged), (0, 2));
        assert_eq!(app.count("requirements").await, 2);
        let sha = semey::accounts::sha256_bytes_hex(good.as_bytes());
        assert_eq!(app.audit_of("import:requirements", &sha).await.len(), 2, "one line per import of the file");

        let bad = "programme,period_start,period_end,amount,currency,description\n\
XX-NOPE,2024-01-01,2024-12-31,1,KZT,x\n\
XX-CSV-1,2024-02-30,2024-12-31,1,KZT,y\n\
XX-CSV-1,2023-01-01,2023-12-31,5,CHF,no rate\n";
        let errors = errors_of(semey::funding::import::import_requirements(app.store(), &import_file("bad.csv", bad.as_bytes()), &mut Quiet).await);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"line 2: programme"), "{errors:?}");
        assert!(fields.contains(&"line 3: period_start"), "{errors:?}");
        assert!(errors.iter().any(|e| e.field.starts_with("line 4")), "the missing CHF rate is named: {errors:?}");
        assert_eq!(app.count("requirements").await, 2, "nothing of the bad file is stored");
    }
}

on_both_backends! {
    /// Policy markers come with programmes from CSV; a malformed one names its line.
    async fn programme_policy_markers_from_csv(app: TestApp) {
        base(&app).await;
        let file = "iati_identifier,title_en,status,areas,policy_markers\nXX-CSV-3,Marked,2,health,1:2;11:1\n";
        semey::programmes::import::import_programmes(app.store(), &import_file("p.csv", file.as_bytes()), &mut Quiet).await.unwrap();
        let (_, list) = app.get("/api/v1/programmes?q=Marked").await;
        assert_eq!(list["items"][0]["policy_markers"].as_array().unwrap().len(), 2);
        let bad = "iati_identifier,title_en,status,areas,policy_markers\nXX-CSV-4,Bad,2,health,gender\n";
        let errors = errors_of(semey::programmes::import::import_programmes(app.store(), &import_file("p.csv", bad.as_bytes()), &mut Quiet).await);
        assert_eq!(errors[0].field, "line 2: policy_markers");
    }
}
