//! The data catalogue: each dataset with its size, last change, licence and formats, and the
//! same as DCAT-AP metadata (JSON-LD) for data portals to harvest.
//!
//! DCAT-AP 3.0 (<https://semiceu.github.io/DCAT-AP/releases/3.0.0/>): a `dcat:Catalog` of
//! `dcat:Dataset`s, each with `dct:title` and `dct:description` in every language, `dct:modified`,
//! `dct:license`, `dct:publisher` and one `dcat:Distribution` per format (`dcat:accessURL`,
//! `dcat:downloadURL`, `dcat:mediaType`).

use super::Dataset;
use crate::config::OpenDataConfig;
use crate::presentation::i18n::t;
use crate::AppError;
use semey_domain::Lang;
use semey_store::{OpenTable, Store};
use serde_json::{json, Value};

/// One dataset as the catalogue shows it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub dataset: Dataset,
    pub rows: i64,
    /// When its records last changed (the audit trail's time), if ever.
    pub modified: Option<String>,
}

/// The table a dataset's rows are counted in.
pub fn table_of(d: Dataset) -> OpenTable {
    d.table()
}

impl Dataset {
    fn table(self) -> OpenTable {
        match self {
            Dataset::Places => OpenTable::Places,
            Dataset::Organisations => OpenTable::Organisations,
            Dataset::Programmes => OpenTable::Programmes,
            Dataset::Transactions => OpenTable::Transactions,
            Dataset::Requirements => OpenTable::Requirements,
            Dataset::Contributions => OpenTable::Contributions,
            Dataset::ExchangeRates => OpenTable::ExchangeRates,
            Dataset::Indicators => OpenTable::Indicators,
            Dataset::IndicatorValues => OpenTable::IndicatorPeriods,
            Dataset::Services => OpenTable::Services,
            Dataset::Measurements => OpenTable::Measurements,
            Dataset::Audit => OpenTable::Audit,
        }
    }

    /// The record kinds and import formats whose changes change it.
    fn sources(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Dataset::Places => (&["place"], &["places"]),
            Dataset::Organisations => (&["organisation"], &["organisations", "iati activities"]),
            Dataset::Programmes => (&["programme"], &["programmes", "iati activities"]),
            Dataset::Transactions => (&["transaction"], &["transactions", "iati activities"]),
            Dataset::Requirements => (&["requirement"], &["requirements", "iati activities"]),
            Dataset::Contributions => (&["contribution"], &["iati activities"]),
            Dataset::ExchangeRates => (&["exchange_rate"], &["exchange rates"]),
            Dataset::Indicators => (&["result"], &["results", "iati activities"]),
            Dataset::IndicatorValues => (
                &["indicator_period"],
                &["indicator values", "iati activities"],
            ),
            Dataset::Services => (&["service"], &["services"]),
            Dataset::Measurements => (&[], &["measurements"]),
            Dataset::Audit => (&[], &[]),
        }
    }

    /// Its title and description in `lang`.
    pub fn title(self, lang: Lang) -> String {
        t(lang, &format!("data-{}", self.slug()))
    }

    pub fn description(self, lang: Lang) -> String {
        t(lang, &format!("data-{}-description", self.slug()))
    }
}

/// The catalogue's datasets (the audit trail only for those who may read it).
pub async fn entries(store: &Store, with_restricted: bool) -> Result<Vec<Entry>, AppError> {
    let mut out = Vec::new();
    for d in Dataset::ALL {
        if d.restricted() && !with_restricted {
            continue;
        }
        let (kinds, imports) = d.sources();
        let modified = if d == Dataset::Audit {
            None
        } else {
            store.last_changed(kinds, imports).await?
        };
        out.push(Entry {
            dataset: d,
            rows: store.table_rows(d.table()).await?,
            modified,
        });
    }
    Ok(out)
}

/// The catalogue as DCAT-AP JSON-LD; `base` is the site's address (`https://…`, no slash at
/// the end).
pub fn dcat(entries: &[Entry], base: &str, licence: &OpenDataConfig) -> Value {
    let text = |f: &dyn Fn(Lang) -> String| -> Value {
        Lang::ALL
            .iter()
            .map(|l| json!({"@language": l.code(), "@value": f(*l)}))
            .collect()
    };
    let publisher = json!({
        "@type": "foaf:Agent",
        "foaf:name": "Semey — coordination platform for the rehabilitation of the Semipalatinsk region",
    });
    let datasets: Vec<Value> = entries
        .iter()
        .filter(|e| !e.dataset.restricted())
        .map(|e| {
            let d = e.dataset;
            let distributions: Vec<Value> = d
                .formats()
                .into_iter()
                .map(|f| {
                    let url = format!("{base}/api/v1/data/{}.{}", d.slug(), f.ext());
                    json!({
                        "@id": url,
                        "@type": "dcat:Distribution",
                        "dct:title": format!("{} ({})", d.title(Lang::En), f.ext().to_uppercase()),
                        "dcat:accessURL": {"@id": format!("{base}/data")},
                        "dcat:downloadURL": {"@id": url},
                        "dcat:mediaType": {"@id": format!("https://www.iana.org/assignments/media-types/{}", f.media_type())},
                        "dct:license": {"@id": licence.licence_url},
                    })
                })
                .collect();
            let mut ds = json!({
                "@id": format!("{base}/data#{}", d.slug()),
                "@type": "dcat:Dataset",
                "dct:identifier": d.slug(),
                "dct:title": text(&|l| d.title(l)),
                "dct:description": text(&|l| d.description(l)),
                "dct:publisher": publisher,
                "dct:license": {"@id": licence.licence_url},
                "dct:spatial": {"@id": "http://publications.europa.eu/resource/authority/country/KAZ"},
                "dcat:keyword": ["Semipalatinsk", "Semey", "A/RES/75/210", d.slug()],
                "dcat:distribution": distributions,
            });
            if let Some(m) = &e.modified {
                ds["dct:modified"] = json!({"@type": "xsd:dateTime", "@value": m});
            }
            ds
        })
        .collect();
    json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": format!("{base}/data"),
        "@type": "dcat:Catalog",
        "dct:title": text(&|l| t(l, "data-title")),
        "dct:description": text(&|l| t(l, "data-intro")),
        "dct:publisher": publisher,
        "dct:license": {"@id": licence.licence_url},
        "dcat:dataset": datasets,
    })
}
