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
    writeln!(w, "iati_identifier,title_en,title_ru,status,planned_start,planned_end,areas,sectors,places,funding_orgs,implementing_orgs")?;
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
            "XX-BENCH-P{i:05},Benchmark programme {i},Тестовая программа {i},2,{FIRST_YEAR}-01-01,{}-12-31,{areas},12220:60;16010:40,{places},XX-BENCH-ORG{:04};XX-BENCH-ORG{:04},XX-BENCH-ORG{imp:04}",
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
            let year = FIRST_YEAR + rng.below(YEARS as u64) as i32;
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
