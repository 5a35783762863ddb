//! A generator of large, realistic-looking datasets for benchmarks: organisations, programmes,
//! exchange rates and transactions as CSV files in the import formats. Deterministic: the same
//! sizes give the same files.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// District KATO codes of the demo dataset, where generated programmes work.
const DISTRICT_KATOS: [&str; 12] = [
    "101000000",
    "101800000",
    "103200000",
    "103400000",
    "103600000",
    "104000000",
    "104200000",
    "104400000",
    "631000000",
    "632400000",
    "634000000",
    "636800000",
];
const AREAS: [&str; 7] = [
    "radiation_safety",
    "health",
    "socioeconomic_development",
    "environmental_protection",
    "psychosocial_support",
    "public_awareness",
    "governance",
];
const CURRENCIES: [&str; 4] = ["KZT", "USD", "EUR", "JPY"];
pub const FIRST_YEAR: i32 = 2019;
pub const YEARS: i32 = 8;

/// A small, fast, deterministic pseudo-random generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What was generated.
#[derive(Debug)]
pub struct Generated {
    pub organisations: usize,
    pub programmes: usize,
    pub transactions: usize,
    pub rates: usize,
}

/// Writes `organisations.csv`, `programmes.csv`, `exchange-rates.csv` and `transactions.csv`
/// into `dir`, calling `progress` with the number of transactions written so far.
pub fn generate(
    dir: &Path,
    programmes: usize,
    transactions: usize,
    progress: &mut dyn FnMut(usize),
) -> std::io::Result<Generated> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(0x5e3e_7a00_0075_0210);
    let orgs = (programmes / 50).clamp(10, 500);

    let mut w = BufWriter::new(File::create(dir.join("organisations.csv"))?);
    writeln!(w, "iati_id,name_en,name_ru,org_type,country,mechanism_role")?;
    for i in 0..orgs {
        let (t, c, r) = match i % 4 {
            0 => (10, "KZ", "government_body"),
            1 => (11, "KZ", "local_government"),
            2 => (40, "US", "un_entity"),
            _ => (10, "JP", "donor"),
        };
        writeln!(
            w,
            "XX-BENCH-ORG{i:04},Benchmark organisation {i},Тестовая организация {i},{t},{c},{r}"
        )?;
    }
    w.flush()?;

    let mut w = BufWriter::new(File::create(dir.join("programmes.csv"))?);
    writeln!(w, "iati_identifier,title_en,title_ru,status,planned_start,planned_end,areas,sectors,places,funding_orgs,implementing_orgs,reporting_org")?;
    let mut funders: Vec<[usize; 2]> = Vec::with_capacity(programmes);
    let mut currency: Vec<&str> = Vec::with_capacity(programmes);
    for i in 0..programmes {
        let a1 = AREAS[rng.below(7) as usize];
        let a2 = AREAS[rng.below(7) as usize];
        let areas = if a1 == a2 {
            a1.to_owned()
        } else {
            format!("{a1};{a2}")
        };
        let p1 = DISTRICT_KATOS[rng.below(12) as usize];
        let p2 = DISTRICT_KATOS[rng.below(12) as usize];
        let places = if p1 == p2 {
            p1.to_owned()
        } else {
            format!("{p1};{p2}")
        };
        let first = rng.below(orgs as u64) as usize;
        // Two different funders: the same organisation twice in one role is refused.
        let f = [
            first,
            (first + 1 + rng.below(orgs as u64 - 1) as usize) % orgs,
        ];
        let imp = rng.below(orgs as u64);
        currency.push(CURRENCIES[[0, 0, 1, 1, 2, 3][rng.below(6) as usize]]);
        writeln!(
            w,
            "XX-BENCH-P{i:05},Benchmark programme {i},Тестовая программа {i},2,{FIRST_YEAR}-01-01,{}-12-31,{areas},12220:60;16010:40,{places},XX-BENCH-ORG{:04};XX-BENCH-ORG{:04},XX-BENCH-ORG{imp:04},XX-BENCH-ORG{imp:04}",
            FIRST_YEAR + YEARS - 1,
            f[0],
            f[1]
        )?;
        funders.push(f);
    }
    w.flush()?;

    let mut w = BufWriter::new(File::create(dir.join("exchange-rates.csv"))?);
    writeln!(w, "currency,date,per_usd,source")?;
    let mut rates = 0;
    for y in FIRST_YEAR..FIRST_YEAR + YEARS {
        for m in 1..=12 {
            let k = (y - FIRST_YEAR) * 12 + m;
            writeln!(
                w,
                "KZT,{y}-{m:02}-01,{}.{:02},benchmark generator",
                380 + k,
                k % 100
            )?;
            writeln!(w, "EUR,{y}-{m:02}-01,0.{},benchmark generator", 85 + k % 10)?;
            writeln!(w, "JPY,{y}-{m:02}-01,{},benchmark generator", 105 + k / 2)?;
            rates += 3;
        }
    }
    w.flush()?;

    let mut w = BufWriter::with_capacity(1 << 20, File::create(dir.join("transactions.csv"))?);
    writeln!(
        w,
        "programme,reference,type,date,amount,currency,provider_org,description"
    )?;
    let per = transactions.div_ceil(programmes.max(1));
    let mut written = 0;
    'outer: for (p, f) in funders.iter().enumerate() {
        for j in 0..per {
            if written == transactions {
                break 'outer;
            }
            let ty = [11, 11, 11, 1, 1, 1, 4, 4, 13, 3][rng.below(10) as usize];
            // Money that moved: never after the last full year (IATI refuses future dates).
            let year = FIRST_YEAR + rng.below((YEARS - 1) as u64) as i32;
            let month = 1 + rng.below(12);
            let day = 1 + rng.below(28);
            let cur = currency[p];
            let major = 1_000 + rng.below(5_000_000);
            let amount = if cur == "JPY" {
                format!("{}", major * 100)
            } else {
                format!("{major}.{:02}", rng.below(100))
            };
            let provider = if ty == 4 {
                String::new()
            } else {
                format!("XX-BENCH-ORG{:04}", f[j % 2])
            };
            writeln!(w, "XX-BENCH-P{p:05},T{p}-{j},{ty},{year}-{month:02}-{day:02},{amount},{cur},{provider},")?;
            written += 1;
            if written % 50_000 == 0 {
                progress(written);
            }
        }
    }
    w.flush()?;
    progress(written);
    Ok(Generated {
        organisations: orgs,
        programmes,
        transactions: written,
        rates,
    })
}

/// Places of the generated radiation survey: settlements where drives start, and the test
/// site's spots with higher readings (coordinates from docs/radiation-model.md), with the dose rate
/// there in µSv/h and the radius of the raised area in degrees.
const DRIVE_STARTS: [(f64, f64); 6] = [
    (50.42064, 80.25025), // Semey (GeoNames)
    (50.75617, 78.54188), // Kurchatov (GeoNames)
    (48.94509, 79.25502), // Karaaul (GeoNames)
    (50.88671, 79.48229), // Besqaraghay (GeoNames)
    (47.96447, 80.43437), // Ayagoz (GeoNames)
    (50.44, 77.81),       // the Experimental Field (docs/radiation-model.md)
];
const HOT_SPOTS: [(f64, f64, f64, f64); 2] = [
    (50.44, 77.81, 3.0, 0.05),    // Experimental Field
    (49.935, 79.009, 12.0, 0.01), // Chagan crater (Atomic Lake) rim
];

/// The shape of a generated survey.
#[derive(Debug, Clone, Copy)]
pub struct Survey {
    /// Unix time of the first drive.
    pub start: i64,
    /// Readings per drive.
    pub drive_len: usize,
}

impl Default for Survey {
    /// Drives of 2 000 readings from 2012 on (the benchmark's survey).
    fn default() -> Self {
        Self {
            start: 1_325_376_000,
            drive_len: 2000,
        }
    }
}

/// Writes `rows` readings in Safecast's bulk-export format around the former test site:
/// bGeigie drives (blank device, CPM every 5 s along a wandering track), fixed stations
/// reporting µSv/h, and a few temperature rows as the real export has.
/// Deterministic. Returns the number of lines written (without the header).
pub fn generate_measurements(
    path: &Path,
    rows: usize,
    survey: Survey,
    progress: &mut dyn FnMut(usize),
) -> std::io::Result<usize> {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(
        w,
        "Captured Time,Latitude,Longitude,Value,Unit,Location Name,Device ID,MD5Sum,Height,Surface,Radiation,Uploaded Time,Loader ID"
    )?;
    let mut rng = Rng(0x5E3E_1949_0829_0001);
    let mut t = survey.start;
    let (mut lat, mut lon) = DRIVE_STARTS[0];
    let mut loader = 10_000u64;
    let mut line = String::with_capacity(160);
    let mut written = 0;
    while written < rows {
        if written % survey.drive_len.max(1) == 0 {
            let s = DRIVE_STARTS[rng.below(DRIVE_STARTS.len() as u64) as usize];
            (lat, lon) = (s.0, s.1);
            loader += 1;
            t += 3600 + rng.below(86_400) as i64;
        }
        t += 5;
        lat += (rng.below(2001) as f64 - 1000.0) * 2.0e-6;
        lon += (rng.below(2001) as f64 - 1000.0) * 3.0e-6;
        let mut usv = 0.08 + rng.below(60) as f64 * 0.001;
        for (hlat, hlon, peak, radius) in HOT_SPOTS {
            let d2 = ((lat - hlat).powi(2) + (lon - hlon).powi(2)) / radius.powi(2);
            usv += peak * (-d2).exp();
        }
        line.clear();
        let when = time::OffsetDateTime::from_unix_timestamp(t)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let stamp = format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            when.year(),
            u8::from(when.month()),
            when.day(),
            when.hour(),
            when.minute(),
            when.second()
        );
        let kind = rng.below(1000);
        if kind < 5 {
            // A temperature row, as devices also log.
            line.push_str(&format!(
                "{stamp},{lat:.6},{lon:.6},{:.1},celcius,,{},,,,,{stamp},{loader}",
                -10.0 + rng.below(400) as f64 / 10.0,
                200 + rng.below(20)
            ));
        } else if kind < 100 {
            line.push_str(&format!(
                "{stamp},{lat:.6},{lon:.6},{usv:.3},usv,Station,{},,1,,,{stamp},{loader}",
                100 + rng.below(20)
            ));
        } else {
            let cpm = (usv * 334.0).round();
            line.push_str(&format!(
                "{stamp},{lat:.6},{lon:.6},{cpm},cpm,,,,,,,{stamp},{loader}"
            ));
        }
        writeln!(w, "{line}")?;
        written += 1;
        if written % 100_000 == 0 {
            progress(written);
        }
    }
    w.flush()?;
    progress(written);
    Ok(written)
}

/// Writes `n` synthetic services of the directory as the JSON array `semey import services`
/// reads: offered by the demo's organisations at points spread over Abai and East Kazakhstan,
/// each with weekday hours, one need of the eight, some with a second location.
pub fn generate_services(path: &Path, n: usize) -> std::io::Result<usize> {
    use semey_domain::service::ServiceCategory;
    const ORGS: [&str; 4] = [
        "Semey Medical University",
        "Kazakhstan Red Crescent Society",
        "National Nuclear Center of the Republic of Kazakhstan",
        "Akimat of Abai Region",
    ];
    let mut rng = Rng(0x5e3e_7a00_5e77_1ce5);
    let point = |rng: &mut Rng| {
        // 76–86° E, 46–52° N, to 0.0001°.
        let lon = 76.0 + rng.below(100_000) as f64 / 10_000.0;
        let lat = 46.0 + rng.below(60_000) as f64 / 10_000.0;
        serde_json::json!({"lon": lon, "lat": lat})
    };
    let hours = serde_json::json!([
        {"day": "mon", "opens": "09:00", "closes": "18:00"},
        {"day": "wed", "opens": "09:00", "closes": "18:00"},
        {"day": "fri", "opens": "09:00", "closes": "13:00"}
    ]);
    let mut w = BufWriter::new(File::create(path)?);
    w.write_all(b"[\n")?;
    for i in 0..n {
        let category = ServiceCategory::ALL[rng.below(8) as usize].as_str();
        let mut locations = vec![
            serde_json::json!({"address": format!("Benchmark street {i}"), "point": point(&mut rng), "hours": hours}),
        ];
        if rng.below(4) == 0 {
            locations.push(serde_json::json!({"point": point(&mut rng), "hours": hours}));
        }
        let entry = serde_json::json!({
            "organisation": ORGS[i % ORGS.len()],
            "name": {"en": format!("Benchmark service {i}"), "ru": format!("Тестовая услуга {i}")},
            "category": category,
            "locations": locations,
            "phones": [format!("+7 700 {:03} {:04}", i / 10_000, i % 10_000)],
            "last_verified": "2026-11-01"
        });
        if i > 0 {
            w.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut w, &entry)?;
    }
    w.write_all(b"\n]\n")?;
    w.flush()?;
    Ok(n)
}

/// Writes a results chain for each of `programmes` benchmark programmes (`results.json`: one
/// outcome with `indicators` counts, the first shared across programmes) and their values
/// (`indicator-values.csv`): `periods` quarters from 2020 with an actual each, a target at each
/// year's last quarter, and the first indicator's actuals split by sex. Returns the number of
/// values written (totals and parts).
pub fn generate_results(
    dir: &Path,
    programmes: usize,
    indicators: usize,
    periods: usize,
    progress: &mut dyn FnMut(usize),
) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let ns = uuid::Uuid::from_u128(0x5e3e_7a00_0075_0210_0000_0000_0000_0001);
    let id = |p: usize, j: usize| uuid::Uuid::new_v5(&ns, format!("{p}/{j}").as_bytes());
    let mut w = BufWriter::new(File::create(dir.join("results.json"))?);
    w.write_all(b"[\n")?;
    for p in 0..programmes {
        let inds: Vec<serde_json::Value> = (0..indicators)
            .map(|j| {
                let mut v = serde_json::json!({"id": id(p, j), "title": {"en": format!("Indicator {j}")},
                    "measure": "unit", "unit": "people", "baseline": {"year": 2019, "value": "0"}});
                if j == 0 {
                    v["shared"] = serde_json::json!("semey:bench-people");
                    v["people_reached"] = serde_json::json!(true);
                }
                v
            })
            .collect();
        let entry = serde_json::json!({"programme": format!("XX-BENCH-P{p:05}"), "result_type": "outcome",
            "title": {"en": format!("Benchmark result {p}")}, "indicators": inds});
        if p > 0 {
            w.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut w, &entry)?;
    }
    w.write_all(b"\n]\n")?;
    w.flush()?;
    let mut w = BufWriter::new(File::create(dir.join("indicator-values.csv"))?);
    writeln!(w, "indicator_id,indicator,period_start,period_end,figure,dimension,key,value,comment,document")?;
    let mut rng = Rng(0x5e3e_7a00_0075_0210);
    let mut values = 0;
    for p in 0..programmes {
        for j in 0..indicators {
            let ind = id(p, j);
            let mut total = 0u64;
            for q in 0..periods {
                let year = 2020 + (q / 4) as i32;
                let (sm, em, ed) = [(1, 3, 31), (4, 6, 30), (7, 9, 30), (10, 12, 31)][q % 4];
                let (start, end) = (format!("{year}-{sm:02}-01"), format!("{year}-{em:02}-{ed}"));
                let actual = 50 + rng.below(100);
                total += actual;
                writeln!(w, "{ind},,{start},{end},actual,,,{actual},,")?;
                values += 1;
                if q % 4 == 3 {
                    writeln!(w, "{ind},,{start},{end},target,,,{},,", total + 50)?;
                    values += 1;
                }
                if j == 0 {
                    let f = actual / 2 + rng.below(10);
                    writeln!(w, "{ind},,{start},{end},actual,sex,female,{f},,")?;
                    writeln!(w, "{ind},,{start},{end},actual,sex,male,{},,", actual - f)?;
                    values += 2;
                }
            }
        }
        if p % 100 == 0 {
            progress(p);
        }
    }
    w.flush()?;
    Ok(values)
}

/// Writes `n` synthetic documents into the folder `dir` (plain text of about 250 words each,
/// in Kazakh, Russian, English and Chinese in turn, from a vocabulary of the platform's
/// subjects) with their `documents.csv`, for `semey import documents` (benchmarks). The
/// publishers are four of the demo's organisations.
pub fn generate_documents(dir: &Path, n: usize) -> std::io::Result<usize> {
    use semey_domain::document::DocumentType;
    const ORGS: [&str; 4] = [
        "Semey Medical University",
        "Kazakhstan Red Crescent Society",
        "National Nuclear Center of the Republic of Kazakhstan",
        "Akimat of Abai Region",
    ];
    const WORDS: [(&str, &[&str]); 4] = [
        (
            "kk",
            &[
                "радиация",
                "денсаулық",
                "тексеру",
                "ауыл",
                "тұрғындар",
                "су",
                "топырақ",
                "мектеп",
                "балалар",
                "дәрігер",
                "өлшеу",
                "қалқанша",
                "без",
                "полигон",
                "аудан",
                "әкімдік",
                "бағдарлама",
                "көмек",
                "әлеуметтік",
                "қорғау",
                "жұмыс",
                "егіншілік",
                "мал",
                "жол",
                "аурухана",
                "психологиялық",
                "қолдау",
                "деректер",
                "есеп",
                "жоспар",
            ],
        ),
        (
            "ru",
            &[
                "радиация",
                "здоровье",
                "обследование",
                "село",
                "жители",
                "вода",
                "почва",
                "школа",
                "дети",
                "врач",
                "измерение",
                "щитовидная",
                "железа",
                "полигон",
                "район",
                "акимат",
                "программа",
                "помощь",
                "социальная",
                "защита",
                "работа",
                "земледелие",
                "скот",
                "дорога",
                "больница",
                "психологическая",
                "поддержка",
                "данные",
                "отчёт",
                "план",
            ],
        ),
        (
            "en",
            &[
                "radiation",
                "health",
                "screening",
                "village",
                "residents",
                "water",
                "soil",
                "school",
                "children",
                "doctor",
                "measurement",
                "thyroid",
                "gland",
                "test",
                "site",
                "district",
                "programme",
                "assistance",
                "social",
                "protection",
                "employment",
                "farming",
                "livestock",
                "road",
                "hospital",
                "psychosocial",
                "support",
                "data",
                "report",
                "plan",
            ],
        ),
        (
            "zh",
            &[
                "辐射",
                "健康",
                "筛查",
                "村庄",
                "居民",
                "水",
                "土壤",
                "学校",
                "儿童",
                "医生",
                "测量",
                "甲状腺",
                "试验场",
                "地区",
                "政府",
                "方案",
                "援助",
                "社会",
                "保护",
                "就业",
                "农业",
                "牲畜",
                "道路",
                "医院",
                "心理",
                "支持",
                "数据",
                "报告",
                "计划",
                "恢复",
            ],
        ),
    ];
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(0x5e3e_7a00_d0c5_0001);
    let mut csv = BufWriter::new(File::create(dir.join("documents.csv"))?);
    writeln!(
        csv,
        "file,title_kk,title_ru,title_en,title_zh,languages,type,date,organisation,licence"
    )?;
    for i in 0..n {
        let (lang, words) = WORDS[i % 4];
        let pick = |rng: &mut Rng| words[rng.below(words.len() as u64) as usize];
        let title = format!(
            "{} {} {} {i}",
            pick(&mut rng),
            pick(&mut rng),
            pick(&mut rng)
        );
        let sep = if lang == "zh" { "" } else { " " };
        let mut text = format!("Benchmark document {i}.\n");
        for s in 0..25 {
            let sentence: Vec<&str> = (0..10).map(|_| pick(&mut rng)).collect();
            text.push_str(&sentence.join(sep));
            text.push_str(if s % 5 == 4 { ".\n" } else { ". " });
        }
        let file = format!("doc-{i:06}.txt");
        std::fs::write(dir.join(&file), text)?;
        let titles: Vec<String> = ["kk", "ru", "en", "zh"]
            .iter()
            .map(|l| {
                if *l == lang {
                    title.clone()
                } else {
                    String::new()
                }
            })
            .collect();
        writeln!(
            csv,
            "{file},{},{lang},{},{}-{:02}-{:02},{},CC-BY-4.0",
            titles.join(","),
            DocumentType::ALL[i % DocumentType::ALL.len()].as_str(),
            2000 + (i % 26),
            1 + i % 12,
            1 + i % 28,
            ORGS[i % ORGS.len()],
        )?;
    }
    csv.flush()?;
    Ok(n)
}
