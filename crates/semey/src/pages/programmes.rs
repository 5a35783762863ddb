//! The programme list with every filter of the API, and a programme's page.

use crate::presentation::chart::{Chart, Series};
use crate::presentation::format;
use crate::presentation::i18n::{self, t};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use semey_domain::ids::ProgrammeId;
use semey_domain::programme::ThematicArea;
use semey_domain::Lang;
use semey_store::{Dimension, FundingFilter, Page, ProgrammeFilter};

use super::context::*;
use super::maps;

/// One line of the programme list.
struct ProgrammeLine {
    href: String,
    title: String,
    identifier: String,
    status: String,
    areas: String,
}

/// A choice of a select: value and label.
type Choice = (String, String);

#[derive(Template)]
#[template(path = "programmes.html")]
struct ProgrammesPage {
    c: Chrome,
    f: crate::api::ProgrammeQuery,
    areas: Vec<Choice>,
    statuses: Vec<Choice>,
    places: Vec<Choice>,
    organisations: Vec<Choice>,
    groups: Vec<Choice>,
    errors: Vec<String>,
    count: String,
    items: Vec<ProgrammeLine>,
    pager: Pager,
}

/// Previous and next links of a long list.
pub struct Pager {
    pub position: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

const PROGRAMMES_PER_PAGE: i64 = 50;

/// The label of a programme filter, for messages about it.
pub(super) fn filter_label(lang: Lang, field: &str) -> String {
    t(
        lang,
        match field {
            "area" => "filter-area",
            "status" => "filter-status",
            "place" => "filter-place",
            "organisation" => "filter-organisation",
            "sdg_target" => "filter-sdg",
            "target_group" => "filter-group",
            "year" => "filter-year",
            "parent" => "filter-parent",
            _ => "search-label",
        },
    )
}

/// `/programmes`: every filter of the API and a text search; a value that cannot be used is
/// explained on the page and left out, the other filters still apply.
pub(super) async fn programmes(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    use semey_domain::place::PlaceLevel;
    use semey_domain::programme::{ActivityStatus, TargetGroup};
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
    let mut f = crate::api::ProgrammeQuery::from_pairs(&query);
    let (filter, wrong) = f.lenient_filter();
    let errors = wrong
        .iter()
        .map(|field| {
            i18n::t_args(
                lang,
                "error-invalid-parameter",
                &[("field", filter_label(lang, field).into())],
            )
        })
        .collect();
    let number = query
        .iter()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(1);
    let (list, total) = s
        .store
        .list_programmes(
            &filter,
            Page::new(
                Some(PROGRAMMES_PER_PAGE),
                Some((number - 1) * PROGRAMMES_PER_PAGE),
            ),
        )
        .await?;
    let items = list
        .into_iter()
        .map(|p| ProgrammeLine {
            href: format!("/programmes/{}", p.id),
            title: p.title.best(lang).unwrap_or("").to_owned(),
            identifier: p.iati_identifier,
            status: t(lang, &format!("status-{}", p.status.code())),
            areas: p
                .areas
                .iter()
                .map(|a| area_name(lang, Some(a.as_str())))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let pages = ((total + PROGRAMMES_PER_PAGE - 1) / PROGRAMMES_PER_PAGE).max(1);
    let link = |n: i64| {
        let mut pairs: Vec<String> = query
            .iter()
            .filter(|(k, v)| k != "page" && k != "lang" && !v.is_empty())
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect();
        pairs.push(format!("page={n}"));
        format!("/programmes?{}", pairs.join("&"))
    };
    let pager = Pager {
        position: i18n::t_args(
            lang,
            "pager-position",
            &[("page", number.into()), ("pages", pages.into())],
        ),
        previous: (number > 1).then(|| link(number - 1)),
        next: (number < pages).then(|| link(number + 1)),
    };
    let best = |text: &semey_domain::LocalText| text.best(lang).unwrap_or("").to_owned();
    let mut places = Vec::new();
    for level in [PlaceLevel::Region, PlaceLevel::District] {
        let mut at: Vec<Choice> = s
            .store
            .places_at_level(level, false)
            .await?
            .iter()
            .map(|r| (r.place.id.to_string(), best(&r.place.name)))
            .collect();
        at.sort_by(|a, b| a.1.cmp(&b.1));
        places.extend(at);
    }
    let (orgs, _) = s
        .store
        .list_organisations(
            &semey_store::OrganisationFilter::default(),
            Page::new(Some(Page::MAX_LIMIT), None),
        )
        .await?;
    let mut organisations: Vec<Choice> = orgs
        .iter()
        .map(|o| (o.id.to_string(), best(&o.name)))
        .collect();
    organisations.sort_by(|a, b| a.1.cmp(&b.1));
    let template = ProgrammesPage {
        c: Chrome::new(lang, &uri, query),
        f,
        areas: ThematicArea::ALL
            .iter()
            .map(|a| {
                (
                    a.as_str().to_owned(),
                    t(lang, &format!("area-{}", a.as_str())),
                )
            })
            .collect(),
        statuses: (1..=6u8)
            .filter_map(|c| ActivityStatus::parse(c).ok())
            .map(|st| {
                (
                    st.code().to_string(),
                    t(lang, &format!("status-{}", st.code())),
                )
            })
            .collect(),
        places,
        organisations,
        groups: TargetGroup::ALL
            .iter()
            .map(|g| {
                (
                    g.as_str().to_owned(),
                    t(lang, &format!("group-{}", g.as_str())),
                )
            })
            .collect(),
        errors,
        count: i18n::t_args(lang, "programmes-count", &[("count", total.into())]),
        items,
        pager,
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

/// One in-kind contribution as a programme's page shows it.
struct InKindLine {
    kind: String,
    date: String,
    description: String,
    quantity: String,
    provider: String,
    value: String,
}

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePage {
    c: Chrome,
    /// The programme's id, for its results page's address.
    identifier_id: String,
    title: String,
    description: String,
    identifier: String,
    status: String,
    planned: String,
    actual: String,
    areas: String,
    places: Vec<(String, String)>,
    map: Option<String>,
    groups: String,
    sdgs: String,
    sectors: String,
    /// Aid, finance and flow type and tied status: label and "code — IATI name".
    terms: Vec<(String, String)>,
    parent: Option<(String, String)>,
    partners: Vec<(String, String)>,
    projects: Vec<(String, String)>,
    figures: Vec<(String, String)>,
    internal: Option<String>,
    /// What was given in kind: kind, date, what, how much, who, declared value.
    in_kind: Vec<InKindLine>,
    chart_svg: String,
    chart_table: String,
    /// The published decisions of the coordination mechanism that concern it: (address, words).
    decisions: Vec<(String, String)>,
}

pub(super) fn date_range(lang: Lang, start: Option<time::Date>, end: Option<time::Date>) -> String {
    match (start, end) {
        (None, None) => String::new(),
        (s, e) => format!(
            "{} – {}",
            s.map(|d| format::date(lang, d)).unwrap_or_default(),
            e.map(|d| format::date(lang, d)).unwrap_or_default()
        ),
    }
}

/// A programme's page: what it is, who takes part, where, and its money by year.
pub(super) async fn programme(
    State(s): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
    let chrome = Chrome::new(lang, &uri, query);
    let found = match id.parse::<ProgrammeId>() {
        Ok(pid) => found(s.store.programme(pid).await)?,
        Err(_) => None,
    };
    let Some(p) = found else {
        return Ok(page(
            &NotFoundPage { c: chrome },
            StatusCode::NOT_FOUND,
            None,
        ));
    };
    let best = |text: &semey_domain::LocalText| text.best(lang).unwrap_or("").to_owned();
    let mut places = Vec::new();
    for pp in &p.places {
        places.push((
            format!("/places/{}", pp.place_id),
            best(&s.store.place(pp.place_id).await?.name),
        ));
    }
    let mut partners = Vec::new();
    for part in &p.participants {
        let org = s.store.organisation(part.organisation_id).await?;
        partners.push((best(&org.name), t(lang, role_key(part.role))));
    }
    let parent = match p.parent_id {
        Some(pid) => Some((
            format!("/programmes/{pid}"),
            best(&s.store.programme(pid).await?.title),
        )),
        None => None,
    };
    let children = ProgrammeFilter {
        parent_id: Some(p.id),
        ..Default::default()
    };
    let (children, _) = s
        .store
        .list_programmes(&children, Page::new(Some(100), None))
        .await?;
    let projects = children
        .iter()
        .map(|c| (format!("/programmes/{}", c.id), best(&c.title)))
        .collect();

    let filter = FundingFilter {
        programme_id: Some(p.id),
        ..Default::default()
    };
    let funding = crate::funding::summary(&s.store, &[Dimension::Year], &filter, lang).await?;
    // A programme's own funding includes what other platform programmes passed to it.
    let committed =
        |m: &semey_domain::funding::Totals| m.sums.committed + m.sums.internal_committed;
    let disbursed =
        |m: &semey_domain::funding::Totals| m.sums.disbursed + m.sums.internal_disbursed;
    let total = &funding.total.usd;
    let money = |cents: i64| format::money(lang, cents, "USD");
    let figures = vec![
        (t(lang, "funding-required"), money(total.sums.required)),
        (t(lang, "funding-committed"), money(committed(total))),
        (t(lang, "funding-disbursed"), money(disbursed(total))),
        (
            t(lang, "funding-gap"),
            money(total.sums.required - committed(total)),
        ),
    ];
    let internal =
        (total.sums.internal_committed > 0).then(|| money(total.sums.internal_committed));
    let chart = Chart {
        title: t(lang, "programme-funding-by-year"),
        description: t(lang, "programme-funding-by-year-description"),
        categories: funding
            .groups
            .iter()
            .map(|g| g.key.get("year").cloned().flatten().unwrap_or_default())
            .collect(),
        series: vec![
            Series {
                name: t(lang, "funding-committed"),
                values: funding
                    .groups
                    .iter()
                    .map(|g| committed(&g.money.usd) as f64 / 100.0)
                    .collect(),
            },
            Series {
                name: t(lang, "funding-disbursed"),
                values: funding
                    .groups
                    .iter()
                    .map(|g| disbursed(&g.money.usd) as f64 / 100.0)
                    .collect(),
            },
        ],
    };
    let (given, _) = s
        .store
        .list_contributions(
            &semey_store::ContributionFilter {
                money: filter.clone(),
                category: None,
            },
            Page::new(Some(Page::MAX_LIMIT), None),
        )
        .await?;
    let mut in_kind = Vec::with_capacity(given.len());
    for g in given {
        let value = format::amount(lang, g.amount, g.currency);
        in_kind.push(InKindLine {
            kind: t(lang, &format!("inkind-{}", g.category.as_str())),
            date: format::date(lang, g.date),
            description: g.description,
            quantity: format!("{} {}", format::decimal_text(lang, &g.quantity), g.unit),
            provider: best(&s.store.organisation(g.provider_org_id).await?.name),
            value: if g.currency.code() == "USD" {
                value
            } else {
                format!("{value} ({})", money(g.converted.usd))
            },
        });
    }
    let join = |items: Vec<String>| items.join(", ");
    // The public's view: a page cached for everyone shows only published meetings' decisions.
    let (concerning, _) = s
        .store
        .decisions(
            None,
            None,
            Some(p.id),
            semey_store::Audience::Public,
            semey_store::Page::new(Some(50), None),
        )
        .await?;
    let decisions = concerning
        .iter()
        .map(|d| {
            (
                format!("/meetings/{}#decision-{}", d.meeting_id, d.number),
                format!(
                    "{} {}: {}",
                    crate::presentation::i18n::t(lang, "coordination-decision"),
                    d.number,
                    text_in(lang, &d.text).0
                ),
            )
        })
        .collect();
    let template = ProgrammePage {
        decisions,
        in_kind,
        identifier_id: p.id.to_string(),
        title: best(&p.title),
        description: best(&p.description),
        identifier: p.iati_identifier.clone(),
        status: t(lang, &format!("status-{}", p.status.code())),
        planned: date_range(lang, p.dates.planned_start, p.dates.planned_end),
        actual: date_range(lang, p.dates.actual_start, p.dates.actual_end),
        areas: join(
            p.areas
                .iter()
                .map(|a| area_name(lang, Some(a.as_str())))
                .collect(),
        ),
        map: (!places.is_empty()).then(|| {
            maps::MapBox::new(
                &s,
                format!(
                    "/map/features.geojson?programme={}&lang={}",
                    p.id,
                    lang.code()
                ),
            )
            .html(&t(lang, "programme-places"), "")
        }),
        places,
        groups: join(
            p.target_groups
                .iter()
                .map(|g| t(lang, &format!("group-{}", g.as_str())))
                .collect(),
        ),
        sdgs: join(
            p.sdg_targets
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
        ),
        sectors: join(
            p.sectors
                .iter()
                .map(|s| {
                    format!(
                        "{} ({})",
                        s.code,
                        format::percent(lang, f64::from(s.percentage.hundredths()) / 100.0)
                    )
                })
                .collect(),
        ),
        terms: semey_domain::terms::Term::ALL
            .iter()
            .filter_map(|term| {
                let code = p.terms.get(*term)?;
                Some((
                    t(lang, &format!("form-{}", term.field().replace('_', "-"))),
                    format!("{code} — {}", term.name(code).unwrap_or("")),
                ))
            })
            .collect(),
        parent,
        partners,
        projects,
        figures,
        internal,
        chart_svg: chart.bar(&|v| format::compact(lang, v)),
        chart_table: chart.table(&|v| format::money(lang, (v * 100.0).round() as i64, "USD")),
        c: if p.places.is_empty() {
            chrome
        } else {
            chrome.with_map()
        },
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}
