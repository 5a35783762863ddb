//! The demo dataset loaded by `semey demo` (and by the README's run command).
//!
//! Places and organisations are real: the regions and districts of Abai and East Kazakhstan
//! with their KATO codes and names (2024 administrative division, Bureau of National
//! Statistics), a few settlements of the former test site's surroundings, and stakeholders by
//! name. Programmes, requirements, transactions and exchange rates are ILLUSTRATIVE: invented
//! to show what the platform does, and labelled so in every language.
//! Outlines are not part of the demo: `semey import places` adds them from the geokz files.

use crate::accounts::Actor;
use crate::error::AppError;
use crate::import::{Quiet, Source};
use crate::places::import::{import_places, PlaceMapping};
use crate::records::{save_in, write, Channel};
use rust_decimal::Decimal;
use semey_domain::currency::Currency;
use semey_domain::funding::{AmountInput, RequirementInput, TransactionInput};
use semey_domain::funding::{Requirement, Transaction};
use semey_domain::fx::FxRate;
use semey_domain::ids::{OrganisationId, PlaceId, ProgrammeId};
use semey_domain::organisation::Organisation;
use semey_domain::organisation::{Contact, OrganisationInput};
use semey_domain::place::PlaceLevel;
use semey_domain::programme::Programme;
use semey_domain::programme::{
    OrgRole, Participant, PolicyMarker, ProgrammeDates, ProgrammeInput, ProgrammePlace, SectorInput,
};
use semey_domain::{Lang, LocalText};
use semey_store::Store;
use std::collections::HashMap;
use std::str::FromStr;
use time::macros::date;
use time::Date;

fn text(kk: &str, ru: &str, en: &str, zh: &str) -> LocalText {
    LocalText::new()
        .with(Lang::Kk, kk)
        .with(Lang::Ru, ru)
        .with(Lang::En, en)
        .with(Lang::Zh, zh)
}

/// The demo's places, loaded through the same import users run (`semey import places`):
/// simplified outlines of Abai and East Kazakhstan and their districts (geokz, CC BY 4.0,
/// Alexander Rodionov; Bureau of National Statistics) and a few settlements (GeoNames, CC BY
/// 4.0), written by `scripts/demo-places.py` from the reference files.
const PLACE_FILES: [(&str, &[u8], PlaceLevel, &str); 3] = [
    (
        "demo/regions.geojson",
        include_bytes!("../demo/regions.geojson"),
        PlaceLevel::Region,
        "geokz (CC BY 4.0), simplified for the demo",
    ),
    (
        "demo/districts.geojson",
        include_bytes!("../demo/districts.geojson"),
        PlaceLevel::District,
        "geokz (CC BY 4.0), simplified for the demo",
    ),
    (
        "demo/settlements.geojson",
        include_bytes!("../demo/settlements.geojson"),
        PlaceLevel::Settlement,
        "GeoNames (CC BY 4.0)",
    ),
];

struct OrgSpec {
    key: &'static str,
    iati_id: Option<&'static str>,
    name: [&'static str; 4],
    acronym: Option<&'static str>,
    org_type: u16,
    country: &'static str,
    role: &'static str,
    website: Option<&'static str>,
}

const ORGANISATIONS: [OrgSpec; 15] = [
    OrgSpec { key: "moh", iati_id: None, name: ["Қазақстан Республикасының Денсаулық сақтау министрлігі", "Министерство здравоохранения Республики Казахстан", "Ministry of Health of the Republic of Kazakhstan", "哈萨克斯坦共和国卫生部"], acronym: None, org_type: 10, country: "KZ", role: "government_body", website: Some("https://www.gov.kz/memleket/entities/dsm") },
    OrgSpec { key: "mes", iati_id: None, name: ["Қазақстан Республикасының Төтенше жағдайлар министрлігі", "Министерство по чрезвычайным ситуациям Республики Казахстан", "Ministry of Emergency Situations of the Republic of Kazakhstan", "哈萨克斯坦共和国紧急情况部"], acronym: None, org_type: 10, country: "KZ", role: "government_body", website: Some("https://www.gov.kz/memleket/entities/emer") },
    OrgSpec { key: "moe", iati_id: None, name: ["Қазақстан Республикасының Энергетика министрлігі", "Министерство энергетики Республики Казахстан", "Ministry of Energy of the Republic of Kazakhstan", "哈萨克斯坦共和国能源部"], acronym: None, org_type: 10, country: "KZ", role: "government_body", website: Some("https://www.gov.kz/memleket/entities/energo") },
    OrgSpec { key: "labour", iati_id: None, name: ["Қазақстан Республикасының Еңбек және халықты әлеуметтік қорғау министрлігі", "Министерство труда и социальной защиты населения Республики Казахстан", "Ministry of Labour and Social Protection of the Population of the Republic of Kazakhstan", "哈萨克斯坦共和国劳动和社会保障部"], acronym: None, org_type: 10, country: "KZ", role: "government_body", website: Some("https://www.gov.kz/memleket/entities/enbek") },
    OrgSpec { key: "akimat-abai", iati_id: None, name: ["Абай облысының әкімдігі", "Акимат области Абай", "Akimat of Abai Region", "阿拜州政府"], acronym: None, org_type: 11, country: "KZ", role: "local_government", website: Some("https://www.gov.kz/memleket/entities/abay") },
    OrgSpec { key: "akimat-ekr", iati_id: None, name: ["Шығыс Қазақстан облысының әкімдігі", "Акимат Восточно-Казахстанской области", "Akimat of East Kazakhstan Region", "东哈萨克斯坦州政府"], acronym: None, org_type: 11, country: "KZ", role: "local_government", website: Some("https://www.gov.kz/memleket/entities/vko") },
    OrgSpec { key: "nnc", iati_id: None, name: ["Қазақстан Республикасының Ұлттық ядролық орталығы", "Национальный ядерный центр Республики Казахстан", "National Nuclear Center of the Republic of Kazakhstan", "哈萨克斯坦共和国国家核中心"], acronym: Some("NNC"), org_type: 15, country: "KZ", role: "academia", website: Some("https://www.nnc.kz") },
    OrgSpec { key: "smu", iati_id: None, name: ["Семей медицина университеті", "Медицинский университет Семей", "Semey Medical University", "塞梅伊医科大学"], acronym: None, org_type: 80, country: "KZ", role: "academia", website: Some("https://semeymedicaluniversity.kz") },
    OrgSpec { key: "redcrescent", iati_id: None, name: ["Қазақстан Республикасының Қызыл Жарты Ай қоғамы", "Общество Красного Полумесяца Республики Казахстан", "Kazakhstan Red Crescent Society", "哈萨克斯坦红新月会"], acronym: None, org_type: 22, country: "KZ", role: "civil_society", website: Some("https://redcrescent.kz") },
    OrgSpec { key: "undp", iati_id: Some("XM-DAC-41114"), name: ["БҰҰ Даму бағдарламасы", "Программа развития ООН", "United Nations Development Programme", "联合国开发计划署"], acronym: Some("UNDP"), org_type: 40, country: "US", role: "un_entity", website: Some("https://www.undp.org/kazakhstan") },
    OrgSpec { key: "unicef", iati_id: Some("XM-DAC-41122"), name: ["БҰҰ Балалар қоры", "Детский фонд ООН", "United Nations Children's Fund", "联合国儿童基金会"], acronym: Some("UNICEF"), org_type: 40, country: "US", role: "un_entity", website: Some("https://www.unicef.org/kazakhstan") },
    OrgSpec { key: "who", iati_id: Some("XM-DAC-928"), name: ["Дүниежүзілік денсаулық сақтау ұйымы", "Всемирная организация здравоохранения", "World Health Organization", "世界卫生组织"], acronym: Some("WHO"), org_type: 40, country: "CH", role: "un_entity", website: Some("https://www.who.int") },
    OrgSpec { key: "iaea", iati_id: Some("XM-DAC-41107"), name: ["Халықаралық атом энергиясы агенттігі", "Международное агентство по атомной энергии", "International Atomic Energy Agency", "国际原子能机构"], acronym: Some("IAEA"), org_type: 40, country: "AT", role: "international_organisation", website: Some("https://www.iaea.org") },
    OrgSpec { key: "jica", iati_id: Some("XM-DAC-701-8"), name: ["Жапонияның халықаралық ынтымақтастық агенттігі", "Японское агентство международного сотрудничества", "Japan International Cooperation Agency", "日本国际协力机构"], acronym: Some("JICA"), org_type: 10, country: "JP", role: "donor", website: Some("https://www.jica.go.jp/english") },
    OrgSpec { key: "eu", iati_id: Some("XI-IATI-EC_INTPA"), name: ["Еуропалық комиссия (Халықаралық серіктестік бас басқармасы)", "Европейская комиссия (Генеральный директорат по международному партнёрству)", "European Commission, Directorate-General for International Partnerships", "欧盟委员会国际伙伴关系总司"], acronym: Some("DG INTPA"), org_type: 40, country: "BE", role: "donor", website: Some("https://international-partnerships.ec.europa.eu") },
];

/// Illustrative exchange rates: rounded annual figures, units per US dollar.
const RATES: [(&str, [&str; 7]); 4] = [
    ("KZT", ["413", "426", "460", "456", "470", "505", "510"]),
    (
        "EUR",
        ["0.88", "0.85", "0.95", "0.92", "0.92", "0.89", "0.87"],
    ),
    ("JPY", ["107", "110", "131", "140", "151", "149", "150"]),
    (
        "CHF",
        ["0.94", "0.91", "0.95", "0.90", "0.88", "0.85", "0.84"],
    ),
];
const RATE_SOURCE: &str =
    "Semey demo data: illustrative rounded annual rates, not for real accounting";

/// What the demo loaded.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub places: usize,
    pub organisations: usize,
    pub programmes: usize,
    pub requirements: usize,
    pub transactions: usize,
}

impl std::fmt::Display for DemoReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "demo data: {} places, {} organisations, {} programmes (illustrative), {} requirements, {} transactions",
            self.places, self.organisations, self.programmes, self.requirements, self.transactions
        )
    }
}

/// Loads the demo dataset. Running it again changes nothing.
pub async fn load(store: &Store) -> Result<DemoReport, AppError> {
    let mut report = DemoReport::default();
    let places = load_places(store, &mut report).await?;
    let orgs = load_organisations(store, &mut report).await?;
    load_rates(store).await?;
    load_programmes(store, &places, &orgs, &mut report).await?;
    Ok(report)
}

/// Loads a synthetic radiation survey (drives around the test site's settlements since 2024,
/// labelled as synthetic in its dataset), so the radiation pages have something to show.
/// Running it again adds nothing.
pub async fn load_radiation(
    store: &Store,
    cfg: &crate::config::RadiationConfig,
) -> Result<String, AppError> {
    let path = std::env::temp_dir().join(format!("semey-demo-survey-{}.csv", std::process::id()));
    crate::generate::generate_measurements(
        &path,
        24_000,
        crate::generate::Survey {
            start: 1_704_067_200, // 2024-01-01
            drive_len: 300,
        },
        &mut |_| {},
    )?;
    let report = crate::radiation::import::import_measurements(
        store,
        cfg,
        &path,
        crate::radiation::import::MeasurementOptions {
            dataset: Some("Demo survey (synthetic)".to_owned()),
            source: Some("Semey demo generator".to_owned()),
            licence: Some("CC0-1.0".to_owned()),
            description: Some(
                "Synthetic readings for trying the platform out: not measurements of anything."
                    .to_owned(),
            ),
            ..Default::default()
        },
        &mut crate::import::Quiet,
    )
    .await;
    let _ = std::fs::remove_file(&path);
    let r = report?;
    Ok(format!(
        "demo radiation survey (synthetic): {} readings, {} new",
        r.rows, r.inserted
    ))
}

async fn load_places(
    store: &Store,
    report: &mut DemoReport,
) -> Result<HashMap<String, PlaceId>, AppError> {
    for (name, bytes, level, source) in PLACE_FILES {
        let mapping = PlaceMapping {
            level: Some(level),
            kato: (level != PlaceLevel::Settlement).then(|| "kato".to_owned()),
            name_kk: Some("name_kk".to_owned()),
            name_ru: Some("name_ru".to_owned()),
            name_en: Some("name_en".to_owned()),
            name_zh: Some("name_zh".to_owned()),
            source: Some(source.to_owned()),
            ..Default::default()
        };
        let file = Source::new(name, bytes, Actor::command_line());
        import_places(store, &file, mapping, &mut Quiet).await?;
    }
    // The programmes below name their places by KATO code, settlements by English name.
    let mut ids = HashMap::new();
    for level in [
        PlaceLevel::Region,
        PlaceLevel::District,
        PlaceLevel::Settlement,
    ] {
        for r in store.places_at_level(level, false).await? {
            if let Some(kato) = &r.place.kato {
                ids.insert(kato.to_string(), r.place.id);
            }
            if let (PlaceLevel::Settlement, Some(en)) = (level, r.place.name.get(Lang::En)) {
                ids.insert(en.to_owned(), r.place.id);
            }
        }
    }
    report.places = ids.len();
    Ok(ids)
}

async fn load_organisations(
    store: &Store,
    report: &mut DemoReport,
) -> Result<HashMap<&'static str, OrganisationId>, AppError> {
    let mut ids = HashMap::new();
    let (existing, _) = store
        .list_organisations(
            &Default::default(),
            semey_store::Page {
                limit: 10_000,
                offset: 0,
            },
        )
        .await?;
    let mut tx = store.begin().await?;
    for o in ORGANISATIONS {
        let [kk, ru, en, zh] = o.name;
        let name = text(kk, ru, en, zh);
        let id = existing
            .iter()
            .find(|e| e.name.get(Lang::En) == Some(en))
            .map(|e| e.id);
        let input = OrganisationInput {
            iati_id: o.iati_id.map(str::to_owned),
            name,
            acronym: o.acronym.map(str::to_owned),
            org_type: o.org_type,
            country: o.country.into(),
            mechanism_role: Some(o.role.into()),
            contacts: o
                .website
                .map(|_| {
                    vec![Contact {
                        role: "Public enquiries".into(),
                        ..Default::default()
                    }]
                })
                .unwrap_or_default(),
            website: o.website.map(str::to_owned),
        };
        let org = save_in::<Organisation>(store, &mut tx, &Actor::command_line(), id, input)
            .await?
            .stored;
        ids.insert(o.key, org.id);
    }
    tx.commit().await?;
    report.organisations = ORGANISATIONS.len();
    Ok(ids)
}

async fn load_rates(store: &Store) -> Result<(), AppError> {
    let mut rates = Vec::new();
    for (code, by_year) in RATES {
        let currency = Currency::parse(code)?;
        for (i, r) in by_year.iter().enumerate() {
            let year = 2020 + i32::try_from(i).expect("few years");
            let d = Date::from_calendar_date(year, time::Month::January, 1).expect("valid date");
            rates.push(FxRate::check(
                currency,
                d,
                Decimal::from_str(r).expect("valid rate"),
                RATE_SOURCE,
            )?);
        }
    }
    let mut tx = store.begin().await?;
    crate::funding::save_rates(store, &mut tx, &Actor::command_line(), rates).await?;
    tx.commit().await?;
    Ok(())
}

struct ProgrammeSpec {
    code: &'static str,
    parent: Option<&'static str>,
    title: [&'static str; 4],
    description: &'static str,
    status: u8,
    dates: (Date, Date),
    areas: &'static [&'static str],
    sectors: &'static [(&'static str, u32)],
    sdgs: &'static [&'static str],
    places: &'static [&'static str],
    groups: &'static [&'static str],
    funders: &'static [&'static str],
    implementers: &'static [&'static str],
    reporting: &'static str,
}

const PROGRAMMES: [ProgrammeSpec; 8] = [
    ProgrammeSpec {
        code: "SEMEY-2030", parent: None,
        title: ["Семей өңірін оңалту бағдарламасы", "Программа реабилитации Семейского региона", "Semey Region Rehabilitation Programme", "塞梅伊地区恢复方案"],
        description: "An umbrella programme that pools funding for the projects below.",
        status: 2, dates: (date!(2022 - 01 - 01), date!(2030 - 12 - 31)),
        areas: &["governance", "socioeconomic_development"], sectors: &[("15110", 50), ("43040", 50)], sdgs: &["16.6", "17.17"],
        places: &["100000000", "630000000"], groups: &["exposed_population"], funders: &["akimat-abai", "undp"], implementers: &["akimat-abai"], reporting: "akimat-abai",
    },
    ProgrammeSpec {
        code: "RADMON", parent: Some("SEMEY-2030"),
        title: ["Елді мекендердегі радиациялық мониторинг", "Радиационный мониторинг населённых пунктов", "Radiation monitoring of settlements", "居民点辐射监测"],
        description: "Dose-rate surveys of villages near the former test site, with results published for residents.",
        status: 2, dates: (date!(2023 - 03 - 01), date!(2026 - 12 - 31)),
        areas: &["radiation_safety", "public_awareness"], sectors: &[("SEMEY-RADMON", 100)], sdgs: &["3.9", "16.10"],
        places: &["103200000", "101800000", "104200000"], groups: &["exposed_population", "rural_residents"], funders: &["iaea"], implementers: &["nnc"], reporting: "nnc",
    },
    ProgrammeSpec {
        code: "REMEDIATION", parent: None,
        title: ["Ластанған учаскелерді қалпына келтіру", "Реабилитация загрязнённых участков", "Remediation of contaminated sites", "受污染场地修复"],
        description: "Fencing, marking and remediation of contaminated land at the edge of the former test site.",
        status: 1, dates: (date!(2025 - 01 - 01), date!(2029 - 12 - 31)),
        areas: &["radiation_safety", "environmental_protection"], sectors: &[("41010", 100), ("SEMEY-RADREM", 100)], sdgs: &["15.3", "3.9"],
        places: &["101800000", "103200000"], groups: &["rural_residents"], funders: &["moe", "eu"], implementers: &["nnc"], reporting: "moe",
    },
    ProgrammeSpec {
        code: "HEALTH-SCREEN", parent: Some("SEMEY-2030"),
        title: ["Зардап шеккен халықты медициналық скрининг", "Медицинский скрининг пострадавшего населения", "Health screening of the affected population", "受影响人口的健康筛查"],
        description: "Cancer and thyroid screening for people exposed to fallout and their descendants.",
        status: 2, dates: (date!(2022 - 06 - 01), date!(2027 - 05 - 31)),
        areas: &["health"], sectors: &[("12191", 60), ("12261", 40)], sdgs: &["3.4", "3.8"],
        places: &["101000000", "103200000", "104000000"], groups: &["exposed_population", "descendants_of_exposed", "older_people"], funders: &["moh", "jica"], implementers: &["smu"], reporting: "moh",
    },
    ProgrammeSpec {
        code: "CHILD-HEALTH", parent: None,
        title: ["Балалар денсаулығы және ерте даму", "Здоровье детей и раннее развитие", "Child health and early development", "儿童健康与早期发展"],
        description: "Paediatric care, nutrition and early-childhood services in rural districts.",
        status: 2, dates: (date!(2023 - 01 - 01), date!(2026 - 12 - 31)),
        areas: &["health", "psychosocial_support"], sectors: &[("12220", 70), ("12240", 30)], sdgs: &["3.8", "1.3"],
        places: &["103600000", "104400000", "634000000"], groups: &["children", "low_income_households"], funders: &["unicef", "akimat-abai"], implementers: &["unicef", "redcrescent"], reporting: "unicef",
    },
    ProgrammeSpec {
        code: "PSYCHOSOCIAL", parent: Some("SEMEY-2030"),
        title: ["Психоәлеуметтік қолдау орталықтары", "Центры психосоциальной поддержки", "Psychosocial support centres", "心理社会支持中心"],
        description: "Counselling for families living with the legacy of the tests.",
        status: 2, dates: (date!(2024 - 01 - 01), date!(2026 - 12 - 31)),
        areas: &["psychosocial_support"], sectors: &[("12191", 100)], sdgs: &["3.4", "10.2"],
        places: &["101000000", "101800000"], groups: &["exposed_population", "persons_with_disabilities"], funders: &["labour"], implementers: &["redcrescent"], reporting: "labour",
    },
    ProgrammeSpec {
        code: "LIVELIHOODS", parent: None,
        title: ["Ауылдық күнкөріс пен жұмыспен қамту", "Сельские источники дохода и занятость", "Rural livelihoods and employment", "农村生计与就业"],
        description: "Small grants and training for farmers and small businesses.",
        status: 2, dates: (date!(2022 - 09 - 01), date!(2027 - 08 - 31)),
        areas: &["socioeconomic_development"], sectors: &[("43040", 60), ("16020", 40)], sdgs: &["8.5", "1.5"],
        places: &["104200000", "103800000", "636800000"], groups: &["women", "unemployed", "rural_residents"], funders: &["undp", "akimat-ekr"], implementers: &["undp"], reporting: "undp",
    },
    ProgrammeSpec {
        code: "AWARENESS", parent: None,
        title: ["Радиациялық қауіптер туралы халықты хабардар ету", "Информирование населения о радиационных рисках", "Public information on radiation risks", "辐射风险公众宣传"],
        description: "Plain-language information for residents in Kazakh and Russian, in schools and clinics.",
        status: 2, dates: (date!(2024 - 03 - 01), date!(2026 - 12 - 31)),
        areas: &["public_awareness", "radiation_safety"], sectors: &[("SEMEY-RADINFO", 100), ("12261", 100)], sdgs: &["3.9", "16.10"],
        places: &["100000000"], groups: &["children", "exposed_population"], funders: &["who", "mes"], implementers: &["who"], reporting: "who",
    },
];

fn amount(s: &str) -> AmountInput {
    AmountInput::Text(s.to_owned())
}

async fn load_programmes(
    store: &Store,
    places: &HashMap<String, PlaceId>,
    orgs: &HashMap<&'static str, OrganisationId>,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    let existing = store.programme_ids_by_identifier().await?;
    let mut ids: HashMap<&str, ProgrammeId> = HashMap::new();
    for spec in &PROGRAMMES {
        let ident = format!("XX-SEMEY-DEMO-{}", spec.code);
        let id = existing.get(&ident).copied();
        let [kk, ru, en, zh] = spec.title;
        let mut participants = Vec::new();
        for f in spec.funders {
            participants.push(Participant {
                organisation_id: orgs[f],
                role: OrgRole::Funding,
            });
        }
        for i in spec.implementers {
            participants.push(Participant {
                organisation_id: orgs[i],
                role: OrgRole::Implementing,
            });
        }
        let input = ProgrammeInput {
            iati_identifier: ident,
            title: text(&format!("[Мысал] {kk}"), &format!("[Пример] {ru}"), &format!("[Illustrative] {en}"), &format!("[示例] {zh}")),
            description: LocalText::new()
                .with(Lang::En, format!("{} Illustrative demo record: the programme, its figures and its dates are invented.", spec.description))
                .with(Lang::Ru, "Демонстрационная запись: программа, её суммы и даты вымышлены.")
                .with(Lang::Kk, "Көрсетілім жазбасы: бағдарлама, оның сомалары мен күндері ойдан алынған.")
                .with(Lang::Zh, "演示记录：该方案及其金额和日期均为虚构。"),
            status: spec.status,
            dates: ProgrammeDates { planned_start: Some(spec.dates.0), planned_end: Some(spec.dates.1), actual_start: (spec.status > 1).then_some(spec.dates.0), actual_end: None },
            areas: spec.areas.iter().map(|s| (*s).to_owned()).collect(),
            sectors: spec
                .sectors
                .iter()
                .map(|(code, pct)| SectorInput {
                    vocabulary: if code.starts_with("SEMEY") { "custom".into() } else { "dac5".into() },
                    code: (*code).into(),
                    percentage: Decimal::from(*pct),
                })
                .collect(),
            sdg_targets: spec.sdgs.iter().map(|s| (*s).to_owned()).collect(),
            places: spec.places.iter().map(|k| ProgrammePlace { place_id: places[*k], percentage: None }).collect(),
            target_groups: spec.groups.iter().map(|s| (*s).to_owned()).collect(),
            participants,
            policy_markers: vec![PolicyMarker { code: 1, significance: 1 }, PolicyMarker { code: 11, significance: 1 }],
            parent_id: spec.parent.map(|p| ids[p]),
            reporting_org_id: Some(orgs[spec.reporting]),
        };
        let mut tx = store.begin().await?;
        let programme = save_in::<Programme>(store, &mut tx, &Actor::command_line(), id, input)
            .await?
            .stored;
        tx.commit().await?;
        ids.insert(spec.code, programme.id);
        report.programmes += 1;
    }

    // (programme, start, end, amount, currency)
    let requirements: [(&str, Date, Date, &str, &str); 12] = [
        (
            "SEMEY-2030",
            date!(2024 - 01 - 01),
            date!(2024 - 12 - 31),
            "2500000000",
            "KZT",
        ),
        (
            "SEMEY-2030",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            "3000000000",
            "KZT",
        ),
        (
            "RADMON",
            date!(2024 - 01 - 01),
            date!(2024 - 12 - 31),
            "850000",
            "USD",
        ),
        (
            "RADMON",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            "900000",
            "USD",
        ),
        (
            "REMEDIATION",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            "12000000",
            "EUR",
        ),
        (
            "HEALTH-SCREEN",
            date!(2024 - 01 - 01),
            date!(2024 - 12 - 31),
            "1800000000",
            "KZT",
        ),
        (
            "HEALTH-SCREEN",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            "2100000000",
            "KZT",
        ),
        (
            "CHILD-HEALTH",
            date!(2024 - 01 - 01),
            date!(2024 - 12 - 31),
            "1200000",
            "USD",
        ),
        (
            "CHILD-HEALTH",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            "1300000",
            "USD",
        ),
        (
            "PSYCHOSOCIAL",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            "240000000",
            "KZT",
        ),
        (
            "LIVELIHOODS",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            "2000000",
            "USD",
        ),
        (
            "AWARENESS",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            "400000",
            "CHF",
        ),
    ];
    for (p, start, end, amt, cur) in requirements {
        write::<Requirement>(
            store,
            &Actor::command_line(),
            None,
            RequirementInput {
                programme_id: ids[p],
                period_start: start,
                period_end: end,
                amount: amount(amt),
                currency: cur.into(),
                description: "Illustrative annual requirement".into(),
            },
            Channel::Api,
        )
        .await?;
        report.requirements += 1;
    }

    // (programme, type, date, amount, currency, provider, provider programme, reference)
    type DemoTransaction = (
        &'static str,
        u8,
        Date,
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
    );
    let transactions: [DemoTransaction; 26] = [
        (
            "SEMEY-2030",
            11,
            date!(2024 - 02 - 01),
            "2000000000",
            "KZT",
            Some("akimat-abai"),
            None,
            "ABAI-2024-C",
        ),
        (
            "SEMEY-2030",
            1,
            date!(2024 - 04 - 15),
            "1500000000",
            "KZT",
            Some("akimat-abai"),
            None,
            "ABAI-2024-D",
        ),
        (
            "SEMEY-2030",
            13,
            date!(2024 - 06 - 20),
            "3000000",
            "USD",
            Some("undp"),
            None,
            "UNDP-PLEDGE-2024",
        ),
        (
            "SEMEY-2030",
            11,
            date!(2024 - 09 - 01),
            "1000000",
            "USD",
            Some("undp"),
            None,
            "UNDP-2024-C",
        ),
        (
            "SEMEY-2030",
            1,
            date!(2024 - 11 - 01),
            "600000",
            "USD",
            Some("undp"),
            None,
            "UNDP-2024-D",
        ),
        (
            "SEMEY-2030",
            11,
            date!(2025 - 02 - 01),
            "2200000000",
            "KZT",
            Some("akimat-abai"),
            None,
            "ABAI-2025-C",
        ),
        (
            "SEMEY-2030",
            1,
            date!(2025 - 05 - 01),
            "1900000000",
            "KZT",
            Some("akimat-abai"),
            None,
            "ABAI-2025-D",
        ),
        // Transfers from the umbrella programme to its projects: internal flows, counted once.
        (
            "HEALTH-SCREEN",
            11,
            date!(2024 - 03 - 01),
            "800000000",
            "KZT",
            Some("akimat-abai"),
            Some("SEMEY-2030"),
            "POOL-HS-2024",
        ),
        (
            "HEALTH-SCREEN",
            1,
            date!(2024 - 05 - 01),
            "600000000",
            "KZT",
            Some("akimat-abai"),
            Some("SEMEY-2030"),
            "POOL-HS-2024-D",
        ),
        (
            "PSYCHOSOCIAL",
            11,
            date!(2025 - 03 - 01),
            "150000000",
            "KZT",
            Some("akimat-abai"),
            Some("SEMEY-2030"),
            "POOL-PS-2025",
        ),
        (
            "HEALTH-SCREEN",
            11,
            date!(2024 - 01 - 20),
            "900000000",
            "KZT",
            Some("moh"),
            None,
            "MOH-2024-C",
        ),
        (
            "HEALTH-SCREEN",
            1,
            date!(2024 - 03 - 10),
            "900000000",
            "KZT",
            Some("moh"),
            None,
            "MOH-2024-D",
        ),
        (
            "HEALTH-SCREEN",
            11,
            date!(2025 - 01 - 20),
            "1000000000",
            "KZT",
            Some("moh"),
            None,
            "MOH-2025-C",
        ),
        (
            "HEALTH-SCREEN",
            11,
            date!(2024 - 07 - 01),
            "150000000",
            "JPY",
            Some("jica"),
            None,
            "JICA-2024-C",
        ),
        (
            "HEALTH-SCREEN",
            1,
            date!(2024 - 10 - 01),
            "100000000",
            "JPY",
            Some("jica"),
            None,
            "JICA-2024-D",
        ),
        (
            "HEALTH-SCREEN",
            4,
            date!(2024 - 12 - 15),
            "1200000000",
            "KZT",
            None,
            None,
            "HS-EXP-2024",
        ),
        (
            "RADMON",
            11,
            date!(2024 - 01 - 15),
            "700000",
            "USD",
            Some("iaea"),
            None,
            "IAEA-2024-C",
        ),
        (
            "RADMON",
            1,
            date!(2024 - 04 - 01),
            "500000",
            "USD",
            Some("iaea"),
            None,
            "IAEA-2024-D",
        ),
        (
            "RADMON",
            4,
            date!(2024 - 11 - 30),
            "420000",
            "USD",
            None,
            None,
            "RADMON-EXP-2024",
        ),
        (
            "REMEDIATION",
            13,
            date!(2025 - 03 - 01),
            "8000000",
            "EUR",
            Some("eu"),
            None,
            "EU-PLEDGE-2025",
        ),
        (
            "REMEDIATION",
            11,
            date!(2025 - 06 - 01),
            "3500000000",
            "KZT",
            Some("moe"),
            None,
            "MOE-2025-C",
        ),
        (
            "CHILD-HEALTH",
            11,
            date!(2024 - 02 - 01),
            "900000",
            "USD",
            Some("unicef"),
            None,
            "UNICEF-2024-C",
        ),
        (
            "CHILD-HEALTH",
            1,
            date!(2024 - 03 - 01),
            "900000",
            "USD",
            Some("unicef"),
            None,
            "UNICEF-2024-D",
        ),
        (
            "CHILD-HEALTH",
            11,
            date!(2025 - 02 - 01),
            "250000000",
            "KZT",
            Some("akimat-abai"),
            None,
            "ABAI-CH-2025",
        ),
        (
            "LIVELIHOODS",
            11,
            date!(2025 - 01 - 10),
            "1500000",
            "USD",
            Some("undp"),
            None,
            "UNDP-LH-2025",
        ),
        (
            "AWARENESS",
            11,
            date!(2025 - 04 - 01),
            "250000",
            "CHF",
            Some("who"),
            None,
            "WHO-AW-2025",
        ),
    ];
    for (p, ty, d, amt, cur, provider, provider_programme, reference) in transactions {
        write::<Transaction>(
            store,
            &Actor::command_line(),
            None,
            TransactionInput {
                programme_id: ids[p],
                reference: Some(reference.into()),
                transaction_type: ty,
                date: d,
                value_date: None,
                amount: amount(amt),
                currency: cur.into(),
                provider_org_id: provider.map(|o| orgs[o]),
                receiver_org_id: None,
                provider_programme_id: provider_programme.map(|pp| ids[pp]),
                receiver_programme_id: None,
                description: "Illustrative transaction".into(),
            },
            Channel::Api,
        )
        .await?;
        report.transactions += 1;
    }
    Ok(())
}
