//! `iati-activities` 2.03: each programme with a reporting organisation as an `iati-activity`,
//! its elements in the schema's order — identifier, reporting organisation, title and
//! description in every language held (`xml:lang`), participating organisations with their
//! roles and types, status, dates, recipient country, locations (the platform's places with
//! their points), sectors with vocabularies and percentages, SDG targets as tags, policy
//! markers, budgets from requirements, transactions, and results with indicators, baselines,
//! periods, targets, actuals and dimensions.
//!
//! `iati-organisations` 2.03: each organisation that reports programmes, with its total budget
//! (its programmes' requirements), its budget for Kazakhstan (the same: every programme here is
//! in Kazakhstan) and its total expenditure (its programmes' expenditure transactions), per
//! calendar year, in US dollars converted at each record's own rate.
//!
//! Programmes without a reporting organisation are left out: IATI needs one for every
//! activity. An organisation without an IATI identifier is referred to by the platform's own
//! (`XX-SEMEY-` and its id), so that the file stays valid and the reference stays stable.

use super::{IN_KIND_FINANCE_TYPE, IN_KIND_NAMESPACE, IN_KIND_PREFIX, XMLNS_IN_KIND};
use crate::AppError;
use axum::body::Bytes;
use semey_domain::contribution::Contribution;
use semey_domain::currency::Currency;
use semey_domain::funding::Requirement;
use semey_domain::ids::{OrganisationId, PlaceId, ProgrammeId};
use semey_domain::organisation::Organisation;
use semey_domain::place::Place;
use semey_domain::programme::Programme;
use semey_domain::results::{Figure, IndicatorMeasure};
use semey_domain::terms::{FinanceTerms, Term};
use semey_domain::{Lang, LocalText};
use semey_store::{Dimension, FundingFilter, Page, ProgrammeFilter, Store};
use std::collections::{BTreeMap, HashMap};
use time::OffsetDateTime;

/// XML written as it goes: elements, attributes and text escaped by the one escaper.
struct Xml(String);

impl Xml {
    fn attrs(&mut self, attrs: &[(&str, String)]) {
        for (k, v) in attrs {
            self.0.push(' ');
            self.0.push_str(k);
            self.0.push_str("=\"");
            self.escaped(v);
            self.0.push('"');
        }
    }

    /// Text escaped (the one escaper's rules), written without an intermediate string when it
    /// needs no escaping.
    fn escaped(&mut self, text: &str) {
        if text.contains(['&', '<', '>', '"', '\'']) {
            self.0.push_str(&crate::presentation::escape::html(text));
        } else {
            self.0.push_str(text);
        }
    }

    fn open(&mut self, tag: &str, attrs: &[(&str, String)]) {
        self.0.push('<');
        self.0.push_str(tag);
        self.attrs(attrs);
        self.0.push('>');
    }

    fn close(&mut self, tag: &str) {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
    }

    fn empty(&mut self, tag: &str, attrs: &[(&str, String)]) {
        self.0.push('<');
        self.0.push_str(tag);
        self.attrs(attrs);
        self.0.push_str("/>");
    }

    fn text(&mut self, tag: &str, attrs: &[(&str, String)], text: &str) {
        self.open(tag, attrs);
        self.escaped(text);
        self.close(tag);
    }

    /// `<tag>` holding one narrative per language the text is held in (`fallback` when none).
    fn narratives(&mut self, tag: &str, attrs: &[(&str, String)], t: &LocalText, fallback: &str) {
        self.open(tag, attrs);
        let mut any = false;
        for lang in Lang::ALL {
            if let Some(s) = t.get(lang).filter(|s| !s.trim().is_empty()) {
                self.text("narrative", &[("xml:lang", lang.code().to_owned())], s);
                any = true;
            }
        }
        if !any {
            self.text("narrative", &[], fallback);
        }
        self.close(tag);
    }
}

/// An organisation's IATI reference: its identifier, else the platform's stable one.
fn org_ref(o: &Organisation) -> String {
    o.iati_id
        .clone()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| format!("XX-SEMEY-{}", o.id))
}

/// A file's generated and last-updated time, to the second.
fn stamp(now: OffsetDateTime) -> String {
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn iso(d: time::Date) -> String {
    d.to_string()
}

/// What the export reads once for every activity: organisations, places and programme
/// identifiers by id, and when each programme last changed.
struct Lookups {
    organisations: HashMap<OrganisationId, Organisation>,
    places: HashMap<PlaceId, Place>,
    /// The identifiers of programmes (money from one to another names the giver's).
    identifiers: HashMap<ProgrammeId, String>,
    stamps: HashMap<ProgrammeId, OffsetDateTime>,
    /// Each organisation (by its id as text) as a transaction's `provider-org` and
    /// `receiver-org`, written once.
    parties: HashMap<String, [String; 2]>,
}

impl Lookups {
    fn parties_of(
        organisations: &HashMap<OrganisationId, Organisation>,
    ) -> HashMap<String, [String; 2]> {
        organisations
            .values()
            .map(|o| {
                let party = |tag: &str| {
                    let mut x = Xml(String::new());
                    x.narratives(
                        tag,
                        &[("ref", org_ref(o)), ("type", o.org_type.code().to_string())],
                        &o.name,
                        &org_ref(o),
                    );
                    x.0
                };
                (
                    o.id.to_string(),
                    [party("provider-org"), party("receiver-org")],
                )
            })
            .collect()
    }
}

/// A transaction as the database rendered it: the fields of
/// `semey_store::TRANSACTION_TEXT_COLUMNS`.
type TxFields<'a> = [Option<&'a str>; semey_store::TRANSACTION_TEXT_COLUMNS];

/// What one batch of programmes holds besides themselves.
#[derive(Default)]
struct Batch<'a> {
    /// Each programme's transactions (by the programme's id as text), in content order.
    transactions: HashMap<&'a str, Vec<TxFields<'a>>>,
    requirements: HashMap<ProgrammeId, Vec<Requirement>>,
    contributions: HashMap<ProgrammeId, Vec<Contribution>>,
    results: HashMap<ProgrammeId, Vec<semey_domain::results::ProgrammeResult>>,
    periods: HashMap<semey_domain::ids::IndicatorId, Vec<semey_domain::results::Period>>,
}

/// Programmes written per batch (their money and results are read together).
const BATCH: i64 = 200;

/// Bytes gathered before they are handed on.
const CHUNK: usize = 256 * 1024;

/// Whether `reporting` (or anyone) reports a programme: an IATI file holds one activity at
/// least.
pub async fn has_activities(
    store: &Store,
    reporting: Option<OrganisationId>,
) -> Result<bool, AppError> {
    let filter = ProgrammeFilter {
        organisation: reporting,
        ..Default::default()
    };
    let mut offset = 0;
    loop {
        let (page, _) = store
            .list_programmes(&filter, Page::new(Some(Page::MAX_LIMIT), Some(offset)))
            .await?;
        if page.is_empty() {
            return Ok(false);
        }
        offset += page.len() as i64;
        if page.iter().any(|p| {
            p.reporting_org_id.is_some() && reporting.is_none_or(|r| p.reporting_org_id == Some(r))
        }) {
            return Ok(true);
        }
    }
}

/// Every programme with a reporting organisation (or only those `reporting` reports) as an
/// `iati-activities` 2.03 document, generated at `now`, whole (for tests and small files;
/// [`write_activities`] streams).
pub async fn activities(
    store: &Store,
    reporting: Option<OrganisationId>,
    now: OffsetDateTime,
) -> Result<String, AppError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    let store = store.clone();
    let writer = tokio::spawn(async move { write_activities(&store, reporting, now, &tx).await });
    let mut out = Vec::new();
    while let Some(chunk) = rx.recv().await {
        out.extend_from_slice(&chunk);
    }
    writer
        .await
        .map_err(|e| AppError::Io(std::io::Error::other(e)))??;
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// Writes the `iati-activities` document into `out` as it goes, a batch of programmes at a
/// time (their money and results read together); returns how many activities it holds. Stops
/// quietly when the reader goes away.
pub async fn write_activities(
    store: &Store,
    reporting: Option<OrganisationId>,
    now: OffsetDateTime,
    out: &tokio::sync::mpsc::Sender<Bytes>,
) -> Result<u64, AppError> {
    let organisations = store.all_organisations().await?;
    let mut lookups = Lookups {
        parties: Lookups::parties_of(&organisations),
        organisations,
        places: HashMap::new(),
        identifiers: store
            .programme_ids_by_identifier()
            .await?
            .into_iter()
            .map(|(ident, id)| (id, ident))
            .collect(),
        stamps: store.programme_stamps().await?,
    };
    let (places, _) = store
        .list_places(
            &Default::default(),
            Page {
                limit: i64::MAX,
                offset: 0,
            },
        )
        .await?;
    lookups.places = places.into_iter().map(|p| (p.id, p)).collect();
    let stamp = stamp(now);
    let mut x = Xml(String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    x.open(
        "iati-activities",
        &[("version", "2.03".into()), ("generated-datetime", stamp)],
    );
    // The next batches are read (two at a time, on two connections) while this one is
    // written.
    let (loaded_tx, mut loaded_rx) = tokio::sync::mpsc::channel::<Result<Loaded, AppError>>(1);
    let reader_store = store.clone();
    let reader = tokio::spawn(async move {
        use futures_util::StreamExt;
        let mut batches = futures_util::stream::iter((0..).map(|i| i * BATCH))
            .map(|offset| load_batch(&reader_store, reporting, offset))
            .buffered(2);
        while let Some(loaded) = batches.next().await {
            let done = matches!(&loaded, Ok(l) if l.read == 0) || loaded.is_err();
            if done || loaded_tx.send(loaded).await.is_err() {
                break;
            }
        }
    });
    let mut written = 0;
    while let Some(loaded) = loaded_rx.recv().await {
        let loaded = loaded?;
        let mut batch = Batch {
            results: loaded.results,
            periods: loaded.periods,
            ..Default::default()
        };
        for chunk in &loaded.chunks {
            chunk.for_each(|f| {
                if let (Some(programme), Ok(fields)) = (f[1], TxFields::try_from(f)) {
                    batch
                        .transactions
                        .entry(programme)
                        .or_default()
                        .push(fields);
                }
            })?;
        }
        for r in loaded.requirements {
            batch
                .requirements
                .entry(r.programme_id)
                .or_default()
                .push(r);
        }
        for c in loaded.contributions {
            batch
                .contributions
                .entry(c.programme_id)
                .or_default()
                .push(c);
        }
        for p in &loaded.page {
            activity(&lookups, &batch, &mut x, p);
            written += 1;
            if x.0.len() >= CHUNK
                && out
                    .send(Bytes::from(std::mem::take(&mut x.0)))
                    .await
                    .is_err()
            {
                reader.abort();
                return Ok(written);
            }
        }
    }
    x.close("iati-activities");
    x.0.push('\n');
    let _ = out.send(Bytes::from(x.0)).await;
    Ok(written)
}

/// One batch of programmes as read from the store, with their money and results.
struct Loaded {
    /// How many programmes the page held (0 at the end), of which `page` are reported.
    read: usize,
    page: Vec<Programme>,
    chunks: Vec<semey_store::TextChunk>,
    requirements: Vec<Requirement>,
    contributions: Vec<Contribution>,
    results: HashMap<ProgrammeId, Vec<semey_domain::results::ProgrammeResult>>,
    periods: HashMap<semey_domain::ids::IndicatorId, Vec<semey_domain::results::Period>>,
}

/// Reads the page of programmes at `offset`, those that `reporting` (or anyone) reports with
/// their money and results.
async fn load_batch(
    store: &Store,
    reporting: Option<OrganisationId>,
    offset: i64,
) -> Result<Loaded, AppError> {
    let filter = ProgrammeFilter {
        organisation: reporting,
        ..Default::default()
    };
    let (page, _) = store
        .list_programmes(&filter, Page::new(Some(BATCH), Some(offset)))
        .await?;
    let read = page.len();
    let page: Vec<Programme> = page
        .into_iter()
        .filter(|p| {
            p.reporting_org_id.is_some() && reporting.is_none_or(|r| p.reporting_org_id == Some(r))
        })
        .collect();
    if page.is_empty() {
        return Ok(Loaded {
            read,
            page,
            chunks: Vec::new(),
            requirements: Vec::new(),
            contributions: Vec::new(),
            results: HashMap::new(),
            periods: HashMap::new(),
        });
    }
    let ids: Vec<ProgrammeId> = page.iter().map(|p| p.id).collect();
    let (chunks, requirements) = store.money_of_programmes(&ids).await?;
    let results = store.results_of_programmes(&ids).await?;
    let indicators: Vec<semey_domain::ids::IndicatorId> = results
        .values()
        .flatten()
        .flat_map(|r| r.indicators.iter().filter_map(|i| i.id))
        .collect();
    let mut periods = store.periods_of_many(&indicators).await?;
    for list in periods.values_mut() {
        list.sort_by_key(|p| p.start);
    }
    Ok(Loaded {
        contributions: store.contributions_of_programmes(&ids).await?,
        read,
        page,
        chunks,
        requirements,
        results,
        periods,
    })
}

fn activity(lookups: &Lookups, batch: &Batch, x: &mut Xml, p: &Programme) {
    let Some(reporter) = p
        .reporting_org_id
        .and_then(|o| lookups.organisations.get(&o))
    else {
        return;
    };
    let updated = lookups
        .stamps
        .get(&p.id)
        .map(|t| stamp(*t))
        .unwrap_or_default();
    x.0.push('\n');
    x.open(
        "iati-activity",
        &[
            ("last-updated-datetime", updated),
            ("xml:lang", "en".into()),
        ],
    );
    x.text("iati-identifier", &[], &p.iati_identifier);
    x.narratives(
        "reporting-org",
        &[
            ("ref", org_ref(reporter)),
            ("type", reporter.org_type.code().to_string()),
        ],
        &reporter.name,
        &org_ref(reporter),
    );
    x.narratives("title", &[], &p.title, &p.iati_identifier);
    if !p.description.is_empty() {
        x.narratives("description", &[("type", "1".into())], &p.description, "");
    }
    for part in &p.participants {
        if let Some(o) = lookups.organisations.get(&part.organisation_id) {
            x.narratives(
                "participating-org",
                &[
                    ("ref", org_ref(o)),
                    ("role", part.role.code().to_string()),
                    ("type", o.org_type.code().to_string()),
                ],
                &o.name,
                &org_ref(o),
            );
        }
    }
    x.empty("activity-status", &[("code", p.status.code().to_string())]);
    let d = &p.dates;
    for (kind, date) in [
        (1, d.planned_start),
        (2, d.actual_start),
        (3, d.planned_end),
        (4, d.actual_end),
    ] {
        if let Some(date) = date {
            x.empty(
                "activity-date",
                &[("type", kind.to_string()), ("iso-date", iso(date))],
            );
        }
    }
    x.empty("recipient-country", &[("code", "KZ".into())]);
    for pp in &p.places {
        let Some(place) = lookups.places.get(&pp.place_id) else {
            continue;
        };
        // KATO, Kazakhstan's classifier of administrative units, is no IATI geographic
        // vocabulary: the place's code (or the platform's id) is the location's own reference.
        let reference = match &place.kato {
            Some(k) => format!("KATO-{k}"),
            None => format!("SEMEY-PLACE-{}", place.id),
        };
        x.open("location", &[("ref", reference)]);
        x.narratives("name", &[], &place.name, &place.id.to_string());
        if let Some(pt) = place.point {
            x.open(
                "point",
                &[(
                    "srsName",
                    "http://www.opengis.net/def/crs/EPSG/0/4326".into(),
                )],
            );
            x.text("pos", &[], &format!("{} {}", pt.lat, pt.lon));
            x.close("point");
        }
        x.close("location");
    }
    for s in &p.sectors {
        let mut attrs = vec![("vocabulary", s.vocabulary.iati_code().to_owned())];
        if s.vocabulary == semey_domain::programme::SectorVocabulary::Custom {
            attrs.push((
                "vocabulary-uri",
                super::import::SECTORS_VOCABULARY_URI.into(),
            ));
        }
        attrs.extend([
            ("code", s.code.clone()),
            (
                "percentage",
                rust_decimal::Decimal::from(s.percentage).to_string(),
            ),
        ]);
        x.empty("sector", &attrs);
    }
    // The platform's thematic areas, as the reporter's second vocabulary (98) with its address.
    for (area, share) in p.area_shares() {
        x.empty(
            "sector",
            &[
                ("vocabulary", "98".into()),
                ("vocabulary-uri", super::import::AREAS_VOCABULARY_URI.into()),
                ("code", area.as_str().to_owned()),
                (
                    "percentage",
                    rust_decimal::Decimal::new(i64::from(share), 2)
                        .normalize()
                        .to_string(),
                ),
            ],
        );
    }
    for t in &p.sdg_targets {
        // TagVocabulary 3: UN Sustainable Development Goals targets.
        x.empty(
            "tag",
            &[("vocabulary", "3".into()), ("code", t.as_str().to_owned())],
        );
    }
    for m in &p.policy_markers {
        x.empty(
            "policy-marker",
            &[
                ("vocabulary", "1".into()),
                ("code", m.code.to_string()),
                ("significance", m.significance.to_string()),
            ],
        );
    }
    // The programme's defaults; its transactions state theirs only where they differ.
    for term in Term::ALL {
        if let Some(code) = p.terms.get(term) {
            let mut attrs = vec![("code", code.to_owned())];
            if term == Term::AidType {
                attrs.push(("vocabulary", "1".into()));
            }
            x.empty(
                &format!("default-{}", term.field().replace('_', "-")),
                &attrs,
            );
        }
    }
    for r in batch.requirements.get(&p.id).into_iter().flatten() {
        budget(x, r);
    }
    for t in batch
        .transactions
        .get(p.id.to_string().as_str())
        .into_iter()
        .flatten()
    {
        transaction(x, lookups, t, &p.terms);
    }
    for c in batch.contributions.get(&p.id).into_iter().flatten() {
        contribution(x, lookups, c, &p.terms);
    }
    // RelatedActivityType 1: the programme this project belongs to.
    if let Some(parent) = p.parent_id.and_then(|id| lookups.identifiers.get(&id)) {
        x.empty(
            "related-activity",
            &[("ref", parent.clone()), ("type", "1".into())],
        );
    }
    // Results in an order that follows from what they say (ids differ between platforms).
    let mut results: Vec<&semey_domain::results::ProgrammeResult> =
        batch.results.get(&p.id).into_iter().flatten().collect();
    results.sort_by_key(|r| {
        (
            r.result_type.iati_code(),
            r.title.best(Lang::En).unwrap_or("").to_owned(),
        )
    });
    for r in results {
        x.open("result", &[("type", r.result_type.iati_code().to_string())]);
        x.narratives("title", &[], &r.title, "—");
        if !r.description.is_empty() {
            x.narratives("description", &[], &r.description, "");
        }
        for ind in &r.indicators {
            let mut attrs = vec![("measure", ind.measure.iati_code().to_string())];
            if !matches!(
                ind.measure,
                IndicatorMeasure::Nominal | IndicatorMeasure::Qualitative
            ) {
                attrs.push(("ascending", if ind.ascending { "1" } else { "0" }.into()));
            }
            x.open("indicator", &attrs);
            x.narratives("title", &[], &ind.title, "—");
            if !ind.description.is_empty() {
                x.narratives("description", &[], &ind.description, "");
            }
            if let Some(b) = &ind.baseline {
                let mut attrs = vec![("year", b.year.to_string())];
                if let Some(v) = b.value.as_deref().filter(|v| !v.trim().is_empty()) {
                    attrs.push(("value", v.trim().to_owned()));
                }
                if b.comment.is_empty() {
                    x.empty("baseline", &attrs);
                } else {
                    x.open("baseline", &attrs);
                    x.narratives("comment", &[], &b.comment, "");
                    x.close("baseline");
                }
            }
            let Some(id) = ind.id else {
                x.close("indicator");
                continue;
            };
            for period in batch.periods.get(&id).into_iter().flatten() {
                x.open("period", &[]);
                x.empty("period-start", &[("iso-date", iso(period.start))]);
                x.empty("period-end", &[("iso-date", iso(period.end))]);
                for (tag, f) in [("target", &period.target), ("actual", &period.actual)] {
                    if let Some(f) = f {
                        figure(x, tag, ind.measure, f);
                    }
                }
                x.close("period");
            }
            x.close("indicator");
        }
        x.close("result");
    }
    x.close("iati-activity");
}

/// A target or an actual: its value (a comment for values in words) and comment, then each
/// part of its split as a target or actual of its own with the dimension it counts (IATI's
/// disaggregation).
fn figure(x: &mut Xml, tag: &str, measure: IndicatorMeasure, f: &Figure) {
    let in_words = matches!(
        measure,
        IndicatorMeasure::Nominal | IndicatorMeasure::Qualitative
    );
    let attrs = if in_words || f.value.trim().is_empty() {
        vec![]
    } else {
        vec![("value", f.value.trim().to_owned())]
    };
    let comment = match (in_words, f.comment.trim()) {
        (true, "") => f.value.trim().to_owned(),
        (true, c) => format!("{} — {c}", f.value.trim()),
        (false, c) => c.to_owned(),
    };
    if comment.is_empty() {
        x.empty(tag, &attrs);
    } else {
        x.open(tag, &attrs);
        x.open("comment", &[]);
        x.text("narrative", &[], &comment);
        x.close("comment");
        x.close(tag);
    }
    for s in &f.splits {
        x.open(tag, &[("value", s.value.trim().to_owned())]);
        x.empty(
            "dimension",
            &[("name", s.dimension.clone()), ("value", s.key.clone())],
        );
        x.close(tag);
    }
}

fn budget(x: &mut Xml, r: &Requirement) {
    // BudgetType 1 original, BudgetStatus 1 indicative.
    x.open("budget", &[("type", "1".into()), ("status", "1".into())]);
    x.empty("period-start", &[("iso-date", iso(r.period_start))]);
    x.empty("period-end", &[("iso-date", iso(r.period_end))]);
    x.text(
        "value",
        &[
            ("currency", r.currency.code().to_owned()),
            ("value-date", iso(r.period_start)),
        ],
        &r.money().major().to_string(),
    );
    x.close("budget");
}

/// A transaction as the database rendered it (see [`TxFields`]).
fn transaction(x: &mut Xml, lookups: &Lookups, t: &TxFields<'_>, defaults: &FinanceTerms) {
    let text = |i: usize| t[i].unwrap_or("");
    match t[2].filter(|r| !r.trim().is_empty()) {
        Some(r) => x.open("transaction", &[("ref", r.to_owned())]),
        None => x.open("transaction", &[]),
    }
    x.0.push_str("<transaction-type code=\"");
    x.escaped(text(3));
    x.0.push_str("\"/><transaction-date iso-date=\"");
    x.escaped(text(7));
    x.0.push_str("\"/>");
    let currency = Currency::parse(text(10)).ok();
    let amount = match (text(9).parse::<i64>(), currency) {
        (Ok(minor), Some(c)) => rust_decimal::Decimal::new(minor, c.decimals()).to_string(),
        _ => text(9).to_owned(),
    };
    x.text(
        "value",
        &[
            ("currency", text(10).to_owned()),
            ("value-date", text(8).to_owned()),
        ],
        &amount,
    );
    let description = text(18).trim();
    if !description.is_empty() {
        x.0.push_str("<description>");
        x.text("narrative", &[], description);
        x.0.push_str("</description>");
    }
    // A flow from another programme of the platform names that programme's activity.
    let from = t[17]
        .and_then(|p| p.parse::<ProgrammeId>().ok())
        .and_then(|p| lookups.identifiers.get(&p))
        .map(|i| ("provider-activity-id", i.clone()));
    for (i, (tag, org)) in [("provider-org", t[15]), ("receiver-org", t[16])]
        .into_iter()
        .enumerate()
    {
        let activity = if i == 0 { from.clone() } else { None };
        let party = org.and_then(|o| lookups.parties.get(o));
        match (party, activity) {
            (Some(party), None) => x.0.push_str(&party[i]),
            (Some(_), Some(a)) => {
                // Rare (a flow between programmes): written in full.
                if let Some(o) = org
                    .and_then(|o| o.parse::<OrganisationId>().ok())
                    .and_then(|o| lookups.organisations.get(&o))
                {
                    let attrs = vec![
                        ("ref", org_ref(o)),
                        a,
                        ("type", o.org_type.code().to_string()),
                    ];
                    x.narratives(tag, &attrs, &o.name, &org_ref(o));
                }
            }
            (None, Some(a)) => x.empty(tag, &[a]),
            (None, None) => {}
        }
    }
    for term in Term::ALL {
        let field = match term {
            Term::AidType => 19,
            Term::FinanceType => 20,
            Term::FlowType => 21,
            Term::TiedStatus => 22,
        };
        // Stated only where it differs from the activity's default.
        if let Some(code) = t[field].filter(|c| defaults.get(term) != Some(*c)) {
            let mut attrs = vec![("code", code.to_owned())];
            if term == Term::AidType {
                attrs.push(("vocabulary", "1".into()));
            }
            x.empty(&term.field().replace('_', "-"), &attrs);
        }
    }
    x.close("transaction");
}

/// An in-kind contribution as IATI reports one: a transaction of incoming funds (type 1) whose
/// value is the value the provider declares, its aid type from what was given (D01 experts,
/// C01 equipment, D02 training), finance type 110 (a grant: "transfers in cash or in kind"),
/// and Semey's extension element saying it is in kind, with its quantity and unit; readers
/// that do not know the extension see the declared value with its aid type.
fn contribution(x: &mut Xml, lookups: &Lookups, c: &Contribution, defaults: &FinanceTerms) {
    let attrs = match &c.reference {
        Some(r) => vec![("ref", r.clone())],
        None => vec![],
    };
    x.open("transaction", &attrs);
    x.empty("transaction-type", &[("code", "1".into())]);
    x.empty("transaction-date", &[("iso-date", iso(c.date))]);
    x.text(
        "value",
        &[
            ("currency", c.currency.code().to_owned()),
            ("value-date", iso(c.date)),
        ],
        &c.money().major().to_string(),
    );
    x.open("description", &[]);
    x.text("narrative", &[], &c.description);
    x.close("description");
    if let Some([provider, _]) = lookups.parties.get(&c.provider_org_id.to_string()) {
        x.0.push_str(provider);
    }
    if defaults.get(Term::FinanceType) != Some(IN_KIND_FINANCE_TYPE) {
        x.empty("finance-type", &[("code", IN_KIND_FINANCE_TYPE.into())]);
    }
    if let Some(aid) = c
        .category
        .aid_type()
        .filter(|a| defaults.get(Term::AidType) != Some(*a))
    {
        x.empty(
            "aid-type",
            &[("code", aid.into()), ("vocabulary", "1".into())],
        );
    }
    x.empty(
        &format!("{IN_KIND_PREFIX}:in-kind"),
        &[
            (XMLNS_IN_KIND, IN_KIND_NAMESPACE.into()),
            ("category", c.category.as_str().into()),
            ("quantity", c.quantity.clone()),
            ("unit", c.unit.clone()),
        ],
    );
    x.close("transaction");
}

/// Every organisation that reports programmes (or only `only`) as an `iati-organisations` 2.03
/// document, generated at `now`.
pub async fn organisations(
    store: &Store,
    only: Option<OrganisationId>,
    now: OffsetDateTime,
) -> Result<String, AppError> {
    let stamp = stamp(now);
    // Who reports each programme, and each programme's money by year (US cents); an
    // organisation's record changed when one of its programmes last did.
    let stamps = store.programme_stamps().await?;
    let mut latest: HashMap<OrganisationId, OffsetDateTime> = HashMap::new();
    let mut reporter_of = HashMap::new();
    let mut offset = 0;
    loop {
        let (page, _) = store
            .list_programmes(
                &ProgrammeFilter::default(),
                Page::new(Some(Page::MAX_LIMIT), Some(offset)),
            )
            .await?;
        if page.is_empty() {
            break;
        }
        offset += page.len() as i64;
        for p in page {
            if let Some(o) = p.reporting_org_id {
                reporter_of.insert(p.id.to_string(), o);
                if let Some(t) = stamps.get(&p.id) {
                    let l = latest.entry(o).or_insert(*t);
                    *l = (*l).max(*t);
                }
            }
        }
    }
    // (organisation → year → (required, spent))
    let mut money: BTreeMap<OrganisationId, BTreeMap<i32, (i64, i64)>> = BTreeMap::new();
    for row in store
        .funding_summary(
            &[Dimension::Programme, Dimension::Year],
            &FundingFilter::default(),
        )
        .await?
    {
        let programme = row.key.get("programme").cloned().flatten();
        let year = row
            .key
            .get("year")
            .cloned()
            .flatten()
            .and_then(|y| y.parse::<i32>().ok());
        if let (Some(org), Some(year)) = (programme.and_then(|p| reporter_of.get(&p)), year) {
            let cell = money.entry(*org).or_default().entry(year).or_default();
            cell.0 += row.usd.required;
            cell.1 += row.usd.spent;
        }
    }
    let mut reporting: Vec<OrganisationId> = reporter_of.values().copied().collect();
    reporting.sort();
    reporting.dedup();
    let mut x = Xml(String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    x.open(
        "iati-organisations",
        &[
            ("version", "2.03".into()),
            ("generated-datetime", stamp.clone()),
        ],
    );
    let usd = |cents: i64| rust_decimal::Decimal::new(cents, 2).normalize().to_string();
    for id in reporting {
        if only.is_some_and(|o| o != id) {
            continue;
        }
        let o = store.organisation(id).await?;
        x.0.push('\n');
        x.open(
            "iati-organisation",
            &[
                (
                    "last-updated-datetime",
                    latest
                        .get(&id)
                        .map_or_else(|| stamp.clone(), |t| self::stamp(*t)),
                ),
                ("xml:lang", "en".into()),
                ("default-currency", "USD".into()),
            ],
        );
        x.text("organisation-identifier", &[], &org_ref(&o));
        x.narratives("name", &[], &o.name, &org_ref(&o));
        x.narratives(
            "reporting-org",
            &[
                ("ref", org_ref(&o)),
                ("type", o.org_type.code().to_string()),
            ],
            &o.name,
            &org_ref(&o),
        );
        let years = money.get(&id).cloned().unwrap_or_default();
        let period = |x: &mut Xml, year: i32| {
            x.empty("period-start", &[("iso-date", format!("{year}-01-01"))]);
            x.empty("period-end", &[("iso-date", format!("{year}-12-31"))]);
        };
        let value = |x: &mut Xml, year: i32, cents: i64| {
            x.text(
                "value",
                &[
                    ("currency", "USD".into()),
                    ("value-date", format!("{year}-01-01")),
                ],
                &usd(cents),
            );
        };
        // BudgetStatus 1: indicative.
        for (year, (required, _)) in years.iter().filter(|(_, (r, _))| *r > 0) {
            x.open("total-budget", &[("status", "1".into())]);
            period(&mut x, *year);
            value(&mut x, *year, *required);
            x.close("total-budget");
        }
        for (year, (required, _)) in years.iter().filter(|(_, (r, _))| *r > 0) {
            x.open("recipient-country-budget", &[("status", "1".into())]);
            x.empty("recipient-country", &[("code", "KZ".into())]);
            period(&mut x, *year);
            value(&mut x, *year, *required);
            x.close("recipient-country-budget");
        }
        for (year, (_, spent)) in years.iter().filter(|(_, (_, s))| *s > 0) {
            x.open("total-expenditure", &[]);
            period(&mut x, *year);
            value(&mut x, *year, *spent);
            x.close("total-expenditure");
        }
        x.close("iati-organisation");
    }
    x.close("iati-organisations");
    x.0.push('\n');
    Ok(x.0)
}
