//! The public portal: server-rendered pages (askama) in the reader's language.
//! Handlers only translate: read the request, ask the services and the store, fill a template.

mod account;
pub mod assets;
mod audit;
pub mod cache;
mod form;
mod maps;
pub mod me;
pub mod proposals;
mod radiation;
pub mod users;
pub mod workspace;

use crate::presentation::chart::{Chart, Series};
use crate::presentation::format;
use crate::presentation::i18n::{self, t};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use semey_domain::ids::{OrganisationId, PlaceId, ProgrammeId};
use semey_domain::organisation::MechanismRole;
use semey_domain::programme::{OrgRole, ThematicArea};
use semey_domain::Lang;
use semey_store::{Dimension, FundingFilter, Page, ProgrammeFilter};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// The routes of the portal: the public pages (cached, see `cache`), the assets and the
/// editing workspace.
pub fn routes(state: &AppState) -> Router<AppState> {
    let public = Router::new()
        .route("/", get(home))
        .route("/programmes", get(programmes))
        .route("/programmes/{id}", get(programme))
        .route("/stakeholders", get(stakeholders))
        .route("/stakeholders/{id}", get(organisation))
        .route("/places", get(places))
        .route("/funding", get(funding))
        .route("/transactions", get(transactions))
        .route("/places/{id}", get(place))
        .route("/map", get(maps::map_page))
        .route("/map/features.geojson", get(maps::features))
        .merge(radiation::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cache::cached,
        ));
    public
        .route("/assets/{name}", get(assets::serve))
        .merge(account::routes())
        .merge(
            workspace::routes().layer(axum::middleware::from_fn_with_state(
                state.clone(),
                account::require_sign_in,
            )),
        )
}

/// What every page needs: the language and the address, for the layout and the language switcher.
pub struct Chrome {
    lang: Lang,
    path: String,
    query: Vec<(String, String)>,
    /// The page draws a map (and so needs Leaflet).
    pub map: bool,
}

impl Chrome {
    fn new(lang: Lang, uri: &Uri, query: Vec<(String, String)>) -> Self {
        Self {
            lang,
            path: uri.path().to_owned(),
            query,
            map: false,
        }
    }

    fn with_map(mut self) -> Self {
        self.map = true;
        self
    }

    /// The address of an embedded front-end file.
    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }

    /// Whether this page is the one a navigation link points to.
    pub fn is_current(&self, href: &str) -> bool {
        if href == "/" {
            self.path == "/"
        } else {
            self.path == href || self.path.starts_with(&format!("{href}/"))
        }
    }

    pub fn t(&self, key: &str) -> String {
        t(self.lang, key)
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// The languages of the switcher, each named in itself.
    pub fn languages(&self) -> [(&'static str, &'static str); 4] {
        [
            ("kk", "Қазақша"),
            ("ru", "Русский"),
            ("en", "English"),
            ("zh", "中文"),
        ]
    }

    /// This page's address in another language (other parameters kept).
    pub fn path_with_lang(&self, code: &str) -> String {
        let mut pairs: Vec<String> = self
            .query
            .iter()
            .filter(|(k, _)| k != "lang")
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect();
        pairs.push(format!("lang={code}"));
        format!("{}?{}", self.path, pairs.join("&"))
    }
}

/// Text made safe to place in HTML.
/// Where a published record of each kind is shown.
fn record_href(kind: semey_domain::record::RecordKind, id: &str) -> String {
    use semey_domain::record::RecordKind;
    match kind {
        RecordKind::Organisation => format!("/stakeholders/{id}"),
        RecordKind::Place => format!("/places/{id}"),
        RecordKind::Programme => format!("/programmes/{id}"),
        RecordKind::Transaction => format!("/workspace/transactions/{id}"),
        RecordKind::Requirement => format!("/workspace/requirements/{id}"),
        RecordKind::ExchangeRate => "/api/v1/exchange-rates".to_owned(),
        RecordKind::TubeFactor => "/radiation/datasets".to_owned(),
        RecordKind::Account => "/workspace/users".to_owned(),
    }
}

use crate::presentation::escape::{html as html_escape, url as urlencode};

/// The reader's language: `?lang=` (remembered in a cookie), else the cookie, else the
/// browser's `Accept-Language`. An unknown code is ignored, never an error.
fn language(uri: &Uri, headers: &HeaderMap) -> (Lang, Vec<(String, String)>, bool) {
    let query: Vec<(String, String)> = uri.query().map(query_pairs).unwrap_or_default();
    if let Some(lang) = query
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| v.parse::<Lang>().ok())
    {
        return (lang, query, true);
    }
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix("lang=")
                .and_then(|l| l.parse::<Lang>().ok())
        });
    let lang = cookie.unwrap_or_else(|| {
        i18n::negotiate(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
        )
    });
    (lang, query, false)
}

fn query_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A record looked up for a page: `None` when there is no such record (the page is a 404),
/// an error for anything else.
fn found<T>(r: Result<T, semey_store::StoreError>) -> Result<Option<T>, AppError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(semey_store::StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Renders a page, remembering a language chosen with `?lang=` in a cookie.
fn page(template: &impl Template, status: StatusCode, remember: Option<Lang>) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            if let Some(lang) = remember {
                if let Ok(v) = HeaderValue::from_str(&format!(
                    "lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
                    lang.code()
                )) {
                    response.headers_mut().insert(header::SET_COOKIE, v);
                }
            }
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    map: String,
    latest: Vec<(String, String, String)>,
    figures: Vec<(String, String)>,
    programmes_count: String,
    chart_title: String,
    chart_svg: String,
    chart_table: String,
}

async fn home(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = language(&uri, &headers);
    let summary = crate::funding::summary(
        &s.store,
        &[Dimension::Area],
        &FundingFilter::default(),
        lang,
    )
    .await?;
    let total = &summary.total.usd;
    let money = |cents: i64| format::money(lang, cents, "USD");
    let figures = vec![
        (t(lang, "funding-required"), money(total.sums.required)),
        (t(lang, "funding-committed"), money(total.sums.committed)),
        (t(lang, "funding-disbursed"), money(total.sums.disbursed)),
        (t(lang, "funding-gap"), money(total.gap)),
        (
            t(lang, "funding-percent"),
            total
                .percent_funded
                .map(|p| format::percent(lang, p))
                .unwrap_or_else(|| "—".into()),
        ),
    ];
    let (_, count) = s
        .store
        .list_programmes(&ProgrammeFilter::default(), Page::new(Some(1), None))
        .await?;
    let programmes_count = i18n::t_args(lang, "programmes-count", &[("count", count.into())]);
    let chart = Chart {
        title: t(lang, "chart-title-by-area"),
        description: t(lang, "chart-description-by-area"),
        categories: summary
            .groups
            .iter()
            .map(|g| area_name(lang, g.key.get("area").cloned().flatten().as_deref()))
            .collect(),
        series: vec![Series {
            name: t(lang, "funding-committed"),
            values: summary
                .groups
                .iter()
                .map(|g| g.money.usd.sums.committed as f64 / 100.0)
                .collect(),
        }],
    };
    let fmt = |v: f64| format::compact(lang, v);
    let map = maps::MapBox::new(&s, format!("/map/features.geojson?lang={}", lang.code())).html(
        &t(lang, "map-heading"),
        &format!(r#"<p><a href="/map">{}</a></p>"#, t(lang, "map-open")),
    );
    let latest = s
        .store
        .recent_programmes(5)
        .await?
        .into_iter()
        .map(|p| {
            (
                format!("/programmes/{}", p.id),
                p.title.best(lang).unwrap_or("").to_owned(),
                t(lang, &format!("status-{}", p.status.code())),
            )
        })
        .collect();
    let template = HomePage {
        map,
        latest,
        chart_title: chart.title.clone(),
        chart_svg: chart.bar(&fmt),
        chart_table: chart.table(&|v| format::money(lang, (v * 100.0).round() as i64, "USD")),
        c: Chrome::new(lang, &uri, query).with_map(),
        figures,
        programmes_count,
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

fn area_name(lang: Lang, code: Option<&str>) -> String {
    code.map(|c| t(lang, &format!("area-{c}")))
        .unwrap_or_else(|| "—".into())
}

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
fn filter_label(lang: Lang, field: &str) -> String {
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
async fn programmes(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    use semey_domain::place::PlaceLevel;
    use semey_domain::programme::{ActivityStatus, TargetGroup};
    let (lang, query, chosen) = language(&uri, &headers);
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

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePage {
    c: Chrome,
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
    parent: Option<(String, String)>,
    partners: Vec<(String, String)>,
    projects: Vec<(String, String)>,
    figures: Vec<(String, String)>,
    internal: Option<String>,
    chart_svg: String,
    chart_table: String,
}

fn date_range(lang: Lang, start: Option<time::Date>, end: Option<time::Date>) -> String {
    match (start, end) {
        (None, None) => String::new(),
        (s, e) => format!(
            "{} – {}",
            s.map(|d| format::date(lang, d)).unwrap_or_default(),
            e.map(|d| format::date(lang, d)).unwrap_or_default()
        ),
    }
}

fn role_key(role: OrgRole) -> &'static str {
    match role {
        OrgRole::Funding => "role-funding",
        OrgRole::Accountable => "role-accountable",
        OrgRole::Extending => "role-extending",
        OrgRole::Implementing => "role-implementing",
    }
}

/// A programme's page: what it is, who takes part, where, and its money by year.
async fn programme(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = language(&uri, &headers);
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
    let join = |items: Vec<String>| items.join(", ");
    let template = ProgrammePage {
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

/// An organisation in the directory: its link, name and type.
type Member = (String, String, String);

#[derive(Template)]
#[template(path = "stakeholders.html")]
struct StakeholdersPage {
    c: Chrome,
    /// Per mechanism role, its organisations.
    groups: Vec<(String, Vec<Member>)>,
}

/// The directory of stakeholders, by their role in the multi-stakeholder mechanism.
async fn stakeholders(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = language(&uri, &headers);
    let (orgs, _) = s
        .store
        .list_organisations(&Default::default(), Page::new(Some(Page::MAX_LIMIT), None))
        .await?;
    let mut groups: Vec<(String, Vec<Member>)> = Vec::new();
    let roles = MechanismRole::ALL.iter().map(|r| Some(*r)).chain([None]);
    for role in roles {
        let key = role
            .map(|r| format!("mechanism-{}", r.as_str()))
            .unwrap_or_else(|| "mechanism-none".into());
        let mut members: Vec<Member> = orgs
            .iter()
            .filter(|o| o.mechanism_role == role)
            .map(|o| {
                (
                    format!("/stakeholders/{}", o.id),
                    o.name.best(lang).unwrap_or("").to_owned(),
                    t(lang, &format!("orgtype-{}", o.org_type.code())),
                )
            })
            .collect();
        if !members.is_empty() {
            members.sort_by(|a, b| a.1.cmp(&b.1));
            groups.push((t(lang, &key), members));
        }
    }
    let template = StakeholdersPage {
        c: Chrome::new(lang, &uri, query),
        groups,
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    c: Chrome,
    name: String,
    kind: String,
    country: String,
    website: Option<String>,
    committed: String,
    sections: Vec<(String, Vec<(String, String)>)>,
}

/// An organisation's page: what it funds, what it implements, and the money it committed.
async fn organisation(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = language(&uri, &headers);
    let chrome = Chrome::new(lang, &uri, query);
    let found = match id.parse::<OrganisationId>() {
        Ok(oid) => found(s.store.organisation(oid).await)?,
        Err(_) => None,
    };
    let Some(org) = found else {
        return Ok(page(
            &NotFoundPage { c: chrome },
            StatusCode::NOT_FOUND,
            None,
        ));
    };
    let filter = ProgrammeFilter {
        organisation: Some(org.id),
        ..Default::default()
    };
    let (programmes, _) = s
        .store
        .list_programmes(&filter, Page::new(Some(Page::MAX_LIMIT), None))
        .await?;
    let mut sections: Vec<(String, Vec<(String, String)>)> =
        ["org-funds", "org-implements", "org-takes-part"]
            .iter()
            .map(|k| (t(lang, k), Vec::new()))
            .collect();
    for p in &programmes {
        let roles: Vec<OrgRole> = p
            .participants
            .iter()
            .filter(|x| x.organisation_id == org.id)
            .map(|x| x.role)
            .collect();
        let slot = if roles.contains(&OrgRole::Funding) {
            0
        } else if roles.contains(&OrgRole::Implementing) {
            1
        } else {
            2
        };
        sections[slot].1.push((
            format!("/programmes/{}", p.id),
            p.title.best(lang).unwrap_or("").to_owned(),
        ));
    }
    let money = FundingFilter {
        provider_org_id: Some(org.id),
        ..Default::default()
    };
    let given = crate::funding::summary(&s.store, &[], &money, lang).await?;
    let template = OrganisationPage {
        name: org.name.best(lang).unwrap_or("").to_owned(),
        kind: t(lang, &format!("orgtype-{}", org.org_type.code())),
        country: org.country.clone(),
        website: org.website.clone(),
        committed: format::money(
            lang,
            given.total.usd.sums.committed + given.total.usd.sums.internal_committed,
            "USD",
        ),
        sections,
        c: chrome,
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

#[derive(Template)]
#[template(path = "place.html")]
struct PlacePage {
    c: Chrome,
    name: String,
    level: String,
    kato: Option<String>,
    population: Option<String>,
    parent: Option<(String, String)>,
    committed: String,
    programmes: Vec<(String, String)>,
    children: Vec<(String, String)>,
    map: String,
    /// The place's radiation page.
    radiation: String,
}

/// `/places`: the country's page (its regions, and the programmes of the whole country).
async fn places(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let filter = semey_store::PlaceFilter {
        level: Some(semey_domain::place::PlaceLevel::Country),
        ..Default::default()
    };
    let (countries, _) = s
        .store
        .list_places(&filter, Page::new(Some(1), None))
        .await?;
    match countries.first() {
        Some(country) => place_page(&s, &uri, &headers, country.id).await,
        None => Ok(not_found(uri, headers).await),
    }
}

async fn place(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    match id.parse::<PlaceId>() {
        Ok(pid) => place_page(&s, &uri, &headers, pid).await,
        Err(_) => Ok(not_found(uri, headers).await),
    }
}

/// A place's page: where it is, what is inside, the programmes working there and their money.
async fn place_page(
    s: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    id: PlaceId,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = language(uri, headers);
    let Some(place) = found(s.store.place(id).await)? else {
        return Ok(not_found(uri.clone(), headers.clone()).await);
    };
    let best = |text: &semey_domain::LocalText| text.best(lang).unwrap_or("").to_owned();
    let parent = match place.parent_id {
        Some(pid) => Some((
            format!("/places/{pid}"),
            best(&s.store.place(pid).await?.name),
        )),
        None => None,
    };
    let inside = semey_store::PlaceFilter {
        parent_id: Some(place.id),
        ..Default::default()
    };
    let (children, _) = s
        .store
        .list_places(&inside, Page::new(Some(Page::MAX_LIMIT), None))
        .await?;
    let children = children
        .iter()
        .map(|c| (format!("/places/{}", c.id), best(&c.name)))
        .collect();
    let here = ProgrammeFilter {
        place: Some(place.id),
        ..Default::default()
    };
    let (programmes, _) = s
        .store
        .list_programmes(&here, Page::new(Some(Page::MAX_LIMIT), None))
        .await?;
    let programmes = programmes
        .iter()
        .map(|p| (format!("/programmes/{}", p.id), best(&p.title)))
        .collect();
    let money = crate::funding::summary(
        &s.store,
        &[],
        &FundingFilter {
            programmes: here,
            ..Default::default()
        },
        lang,
    )
    .await?;
    let template = PlacePage {
        name: best(&place.name),
        level: t(lang, &format!("level-{}", place.level.as_str())),
        kato: place.kato.as_ref().map(|k| k.to_string()),
        population: place.population.as_ref().map(|p| {
            format!(
                "{} ({}, {})",
                format::integer(lang, p.count),
                p.year,
                p.source
            )
        }),
        parent,
        committed: format::money(lang, money.total.usd.sums.committed, "USD"),
        programmes,
        children,
        map: maps::MapBox::new(
            s,
            format!(
                "/map/features.geojson?place={}&lang={}",
                place.id,
                lang.code()
            ),
        )
        .html(&best(&place.name), ""),
        radiation: format!("/radiation/places/{}", place.id),
        c: Chrome::new(lang, uri, query).with_map(),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

/// A row of a funding table: its label and, per column, the figure and the link to the
/// transactions behind it.
struct FundingRow {
    label: String,
    cells: Vec<(String, Option<String>)>,
}

struct FundingTable {
    heading: String,
    chart: Option<String>,
    columns: Vec<String>,
    rows: Vec<FundingRow>,
}

#[derive(Template)]
#[template(path = "funding.html")]
struct FundingPage {
    c: Chrome,
    tables: Vec<FundingTable>,
}

/// The measures of a funding table, with the transaction measure each figure links to.
const FUNDING_COLUMNS: [(&str, Option<&str>); 7] = [
    ("funding-required", None),
    ("funding-pledged", Some("pledged")),
    ("funding-committed", Some("committed")),
    ("funding-disbursed", Some("disbursed")),
    ("funding-spent", Some("spent")),
    ("funding-gap", None),
    ("funding-percent", None),
];

/// Funding by area, year, donor, region and origin; every figure links to its transactions.
async fn funding(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = language(&uri, &headers);
    use semey_domain::place::PlaceLevel;
    let views: [(&str, Dimension, &str); 6] = [
        ("funding-by-area", Dimension::Area, "area"),
        ("funding-by-year", Dimension::Year, "year"),
        ("funding-by-donor", Dimension::Organisation, "provider"),
        (
            "funding-by-region",
            Dimension::Place(Some(PlaceLevel::Region)),
            "place",
        ),
        (
            "funding-by-district",
            Dimension::Place(Some(PlaceLevel::District)),
            "place",
        ),
        ("funding-by-origin", Dimension::Origin, "origin"),
    ];
    let mut tables = Vec::new();
    for (heading, dim, param) in views {
        // Requirements belong to programmes, not to donors or to an origin of money: those
        // tables show money only.
        let money_only = matches!(dim, Dimension::Organisation | Dimension::Origin);
        let keep = |i: usize| !money_only || (1..=4).contains(&i);
        let summary =
            crate::funding::summary(&s.store, &[dim], &FundingFilter::default(), lang).await?;
        let mut rows = Vec::new();
        for g in &summary.groups {
            let value = g.key.get(dim.name()).cloned().flatten();
            let label = match (dim, &value) {
                (Dimension::Area, v) => area_name(lang, v.as_deref()),
                (Dimension::Origin, Some(o)) => t(lang, &format!("funding-{o}")),
                (_, Some(v)) => g
                    .labels
                    .get(dim.name())
                    .cloned()
                    .unwrap_or_else(|| v.clone()),
                (_, None) => t(lang, "funding-no-provider"),
            };
            let m = &g.money.usd;
            let figures = [
                format::money(lang, m.sums.required, "USD"),
                format::money(lang, m.sums.pledged, "USD"),
                format::money(lang, m.sums.committed, "USD"),
                format::money(lang, m.sums.disbursed, "USD"),
                format::money(lang, m.sums.spent, "USD"),
                format::money(lang, m.gap, "USD"),
                m.percent_funded
                    .map(|p| format::percent(lang, p))
                    .unwrap_or_else(|| "—".into()),
            ];
            if money_only
                && [
                    m.sums.pledged,
                    m.sums.committed,
                    m.sums.disbursed,
                    m.sums.spent,
                ]
                .iter()
                .all(|v| *v == 0)
            {
                continue;
            }
            let cells = figures
                .into_iter()
                .zip(FUNDING_COLUMNS)
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, (figure, (_, measure)))| {
                    let link = match (measure, &value) {
                        (Some(m), Some(v)) => Some(format!(
                            "/transactions?{param}={}&measure={m}&lang={}",
                            urlencode(v),
                            lang.code()
                        )),
                        _ => None,
                    };
                    (figure, link)
                })
                .collect();
            let label = match (dim, &value) {
                (Dimension::Place(_), Some(id)) => {
                    format!(
                        r#"<a href="/places/{}">{}</a>"#,
                        urlencode(id),
                        html_escape(&label)
                    )
                }
                _ => html_escape(&label),
            };
            rows.push(FundingRow { label, cells });
        }
        // Requirements against committed money, where both belong.
        let chart = matches!(dim, Dimension::Year | Dimension::Area).then(|| {
            let origin_chart = Chart {
                title: t(lang, heading),
                description: t(lang, "funding-requirements-chart-description"),
                categories: summary
                    .groups
                    .iter()
                    .map(|g| match dim {
                        Dimension::Area => {
                            area_name(lang, g.key.get("area").cloned().flatten().as_deref())
                        }
                        _ => g.key.get("year").cloned().flatten().unwrap_or_default(),
                    })
                    .collect(),
                series: vec![
                    Series {
                        name: t(lang, "funding-required"),
                        values: summary
                            .groups
                            .iter()
                            .map(|g| g.money.usd.sums.required as f64 / 100.0)
                            .collect(),
                    },
                    Series {
                        name: t(lang, "funding-committed"),
                        values: summary
                            .groups
                            .iter()
                            .map(|g| g.money.usd.sums.committed as f64 / 100.0)
                            .collect(),
                    },
                ],
            };
            origin_chart.bar(&|v| format::compact(lang, v))
        });
        tables.push(FundingTable {
            heading: t(lang, heading),
            chart,
            columns: FUNDING_COLUMNS
                .iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, (k, _))| t(lang, k))
                .collect(),
            rows,
        });
    }
    let template = FundingPage {
        tables,
        c: Chrome::new(lang, &uri, query),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

struct TransactionLine {
    date: String,
    programme: String,
    programme_href: String,
    kind: String,
    amount: String,
    usd: String,
    provider: String,
}

#[derive(Template)]
#[template(path = "transactions.html")]
struct TransactionsPage {
    c: Chrome,
    error: Option<String>,
    count: String,
    rows: Vec<TransactionLine>,
}

/// The transactions behind a figure: the funding page's filters as query parameters.
async fn transactions(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = language(&uri, &headers);
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let mut bad: Vec<&str> = Vec::new();
    let mut parsed = |name: &'static str, ok: bool| {
        if !ok {
            bad.push(name);
        }
    };
    let area = get("area").map(|a| ThematicArea::parse(&a));
    parsed("area", !matches!(area, Some(Err(_))));
    let year = get("year").map(|y| y.parse::<i32>());
    parsed("year", !matches!(year, Some(Err(_))));
    let place = get("place").map(|p| p.parse::<PlaceId>());
    parsed("place", !matches!(place, Some(Err(_))));
    let provider = get("provider").map(|p| p.parse::<OrganisationId>());
    parsed("provider", !matches!(provider, Some(Err(_))));
    let origin = get("origin").map(|o| semey_domain::funding::Origin::parse(&o));
    parsed("origin", !matches!(origin, Some(Err(_))));
    let measure = get("measure").map(|m| semey_domain::funding::Measure::parse(&m));
    parsed("measure", !matches!(measure, Some(Err(_))));
    let error = (!bad.is_empty()).then(|| {
        i18n::t_args(
            lang,
            "error-invalid-parameter",
            &[("field", bad.join(", ").into())],
        )
    });
    let filter = semey_store::TransactionFilter {
        programmes: ProgrammeFilter {
            area: area.and_then(Result::ok),
            place: place.and_then(Result::ok),
            ..Default::default()
        },
        year: year.and_then(Result::ok),
        provider_org_id: provider.and_then(Result::ok),
        origin: origin.and_then(Result::ok),
        measure: measure.and_then(Result::ok),
        // A figure counts money where it entered the platform: flows between programmes are not in it.
        internal: Some(false),
        ..Default::default()
    };
    let (list, total) = s
        .store
        .list_transactions(&filter, Page::new(Some(200), None))
        .await?;
    let mut titles: HashMap<ProgrammeId, String> = HashMap::new();
    let mut orgs: HashMap<OrganisationId, String> = HashMap::new();
    let mut rows = Vec::with_capacity(list.len());
    for tx in list {
        if let Entry::Vacant(e) = titles.entry(tx.programme_id) {
            e.insert(
                s.store
                    .programme(tx.programme_id)
                    .await?
                    .title
                    .best(lang)
                    .unwrap_or("")
                    .to_owned(),
            );
        }
        let provider = match tx.provider_org_id {
            Some(o) => {
                if let Entry::Vacant(e) = orgs.entry(o) {
                    e.insert(
                        s.store
                            .organisation(o)
                            .await?
                            .name
                            .best(lang)
                            .unwrap_or("")
                            .to_owned(),
                    );
                }
                orgs[&o].clone()
            }
            None => t(lang, "funding-no-provider"),
        };
        rows.push(TransactionLine {
            date: format::date(lang, tx.date),
            programme: titles[&tx.programme_id].clone(),
            programme_href: format!("/programmes/{}", tx.programme_id),
            kind: t(lang, &format!("txtype-{}", tx.transaction_type.code())),
            amount: format::amount(lang, tx.amount, tx.currency),
            usd: format::money(lang, tx.converted.usd, "USD"),
            provider,
        });
    }
    let template = TransactionsPage {
        error,
        count: i18n::t_args(lang, "transactions-count", &[("count", total.into())]),
        rows,
        c: Chrome::new(lang, &uri, query),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    c: Chrome,
}

/// The answer to an unknown address: an HTML page in the reader's language, or the API's JSON
/// error under `/api/`.
pub async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    if uri.path().starts_with("/api/") {
        return AppError::NotFound {
            entity: "route",
            id: uri.path().to_owned(),
        }
        .into_response();
    }
    let (lang, query, _) = language(&uri, &headers);
    page(
        &NotFoundPage {
            c: Chrome::new(lang, &uri, query),
        },
        StatusCode::NOT_FOUND,
        None,
    )
}
