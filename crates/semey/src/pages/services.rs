//! The services directory for residents: the finder (a settlement or a position and a need →
//! the nearest services, with a map, today's hours, "open now" in Kazakhstan's time and
//! tap-to-call phones) and each service's page.

use super::context::*;
use crate::presentation::format;
use crate::presentation::i18n::t;
use crate::services::{self as feature, Found};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use semey_domain::ids::{PlaceId, ServiceId};
use semey_domain::lang::Lang;
use semey_domain::place::{PlaceLevel, Point};
use semey_domain::service::{
    dial, kazakhstan_time, OpenNow, Service, ServiceCategory, ServiceStatus, DAYS,
};
use std::collections::HashMap;
use time::OffsetDateTime;

/// How many services the finder shows.
const FINDER_LIMIT: usize = 10;

/// A service as a card of the finder or the directory.
pub(crate) struct Card {
    pub href: String,
    pub name: String,
    pub category: String,
    pub distance: Option<String>,
    /// `open`, `closed` or `unknown`, and its words.
    pub open_code: &'static str,
    pub open_label: String,
    pub today: String,
    pub where_: String,
    pub eligibility: String,
    /// (number as written, `tel:` link)
    pub phones: Vec<(String, String)>,
}

fn best(lang: Lang, t: &semey_domain::LocalText) -> String {
    t.best(lang).unwrap_or_default().to_owned()
}

fn open_words(lang: Lang, o: OpenNow) -> (&'static str, String) {
    let code = match o {
        OpenNow::Open => "open",
        OpenNow::Closed => "closed",
        OpenNow::Unknown => "unknown",
    };
    (code, t(lang, &format!("services-open-{code}")))
}

/// Today's hours at a location, as "09:00–18:00", or "closed today".
fn hours_today(lang: Lang, s: &Service, location: Option<usize>, now: OffsetDateTime) -> String {
    let local = kazakhstan_time(now);
    let day = DAYS[usize::from(local.weekday().number_days_from_monday())];
    let Some(l) = location.and_then(|i| s.locations.get(i)) else {
        return String::new();
    };
    if l.hours.is_empty() {
        return String::new();
    }
    let today: Vec<String> = l
        .hours
        .iter()
        .filter(|h| h.day == day)
        .map(|h| format!("{}–{}", h.opens, h.closes))
        .collect();
    if today.is_empty() {
        t(lang, "services-closed-today")
    } else {
        format!("{} {}", t(lang, "services-today"), today.join(", "))
    }
}

pub(crate) fn card(
    lang: Lang,
    f: &Found,
    place_names: &HashMap<PlaceId, String>,
    now: OffsetDateTime,
) -> Card {
    let s = &f.service;
    let (open_code, open_label) = open_words(lang, f.open);
    let where_ = match f.location.and_then(|i| s.locations.get(i)) {
        Some(l) => [
            l.place_id.and_then(|p| place_names.get(&p).cloned()),
            (!l.address.is_empty()).then(|| l.address.clone()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", "),
        None => {
            let village = f
                .place_id
                .and_then(|p| place_names.get(&p).cloned())
                .unwrap_or_default();
            let next = s
                .visits
                .iter()
                .find(|v| Some(v.place_id) == f.place_id && v.date >= kazakhstan_time(now).date())
                .map(|v| format!(" · {} {}–{}", format::date(lang, v.date), v.opens, v.closes))
                .unwrap_or_default();
            format!("{} {village}{next}", t(lang, "services-visit"))
        }
    };
    Card {
        href: format!("/services/{}", s.id),
        name: best(lang, &s.name),
        category: t(lang, &format!("service-category-{}", s.category.as_str())),
        distance: Some(format!(
            "{} {}",
            format::measure(lang, (f.distance_km * 10.0).round() / 10.0),
            t(lang, "services-km")
        )),
        open_code,
        open_label,
        today: hours_today(lang, s, f.location, now),
        where_,
        eligibility: best(lang, &s.eligibility),
        phones: s.phones.iter().map(|p| (p.clone(), dial(p))).collect(),
    }
}

#[derive(Template)]
#[template(path = "services.html")]
struct FinderPage {
    c: Chrome,
    /// (id, name, selected)
    settlements: Vec<(String, String, bool)>,
    /// (code, name, selected)
    needs: Vec<(String, String, bool)>,
    /// The place or point the results are measured from, in words.
    origin: Option<String>,
    error: Option<String>,
    results: Vec<Card>,
    map: Option<String>,
    /// Without a chosen place: the directory by need.
    directory: Vec<(String, Vec<(String, String)>)>,
}

/// `/services`: the finder and, before a place is chosen, the whole directory by need.
pub(super) async fn finder(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let param = |k: &str| {
        reader
            .query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let need = param("need").and_then(|n| ServiceCategory::parse(&n).ok());
    let chosen_place = param("place").and_then(|p| p.parse::<PlaceId>().ok());
    let settlements_all = s
        .store
        .places_at_level(PlaceLevel::Settlement, false)
        .await?;
    let mut settlements: Vec<(String, String, bool)> = settlements_all
        .iter()
        .filter(|r| r.place.point.is_some())
        .map(|r| {
            (
                r.place.id.to_string(),
                best(lang, &r.place.name),
                Some(r.place.id) == chosen_place,
            )
        })
        .collect();
    settlements.sort_by(|a, b| a.1.cmp(&b.1));
    let needs = ServiceCategory::ALL
        .iter()
        .map(|c| {
            (
                c.as_str().to_owned(),
                t(lang, &format!("service-category-{}", c.as_str())),
                Some(*c) == need,
            )
        })
        .collect();
    let mut error = None;
    let origin: Option<(Point, String)> = match chosen_place {
        Some(p) => settlements_all
            .iter()
            .find(|r| r.place.id == p)
            .and_then(|r| Some((r.place.point?, best(lang, &r.place.name)))),
        None => match (
            param("lon").and_then(|v| v.parse::<f64>().ok()),
            param("lat").and_then(|v| v.parse::<f64>().ok()),
        ) {
            (Some(lon), Some(lat)) => match Point::parse(lon, lat) {
                Ok(p) => Some((p, format!("{lat:.4}, {lon:.4}"))),
                Err(_) => {
                    error = Some(t(lang, "services-bad-position"));
                    None
                }
            },
            _ => None,
        },
    };
    if param("place").is_some() && chosen_place.is_none() {
        error = Some(t(lang, "services-bad-position"));
    }
    let now = OffsetDateTime::now_utc();
    let (results, map, directory) = match &origin {
        Some((point, _)) => {
            let found = feature::nearest(&s.store, *point, need, now, FINDER_LIMIT).await?;
            let names =
                feature::place_names(&s.store, found.iter().map(|f| &f.service), lang).await?;
            let cards: Vec<Card> = found.iter().map(|f| card(lang, f, &names, now)).collect();
            let markers: Vec<crate::presentation::map::Marker> = found
                .iter()
                .map(|f| crate::presentation::map::Marker {
                    href: format!("/services/{}", f.service.id),
                    name: best(lang, &f.service.name),
                    lon: f.point.lon,
                    lat: f.point.lat,
                })
                .collect();
            let map = super::maps::outline_map(
                &s,
                lang,
                &t(lang, "services-map-title"),
                &t(lang, "services-map-description"),
                &t(lang, "services-map-district"),
                &HashMap::new(),
                &markers,
                &|v| format::compact(lang, v),
            )
            .await?;
            (cards, map, Vec::new())
        }
        None => {
            let (all, _) = s
                .store
                .list_services(
                    &semey_store::ServiceFilter {
                        status: Some(ServiceStatus::Active),
                        category: need,
                        ..Default::default()
                    },
                    semey_store::Page::new(Some(semey_store::Page::MAX_LIMIT), None),
                )
                .await?;
            let mut by_need: Vec<(String, Vec<(String, String)>)> = Vec::new();
            for c in ServiceCategory::ALL {
                let items: Vec<(String, String)> = all
                    .iter()
                    .filter(|sv| sv.category == c)
                    .map(|sv| (format!("/services/{}", sv.id), best(lang, &sv.name)))
                    .collect();
                if !items.is_empty() {
                    by_need.push((t(lang, &format!("service-category-{}", c.as_str())), items));
                }
            }
            (Vec::new(), None, by_need)
        }
    };
    let template = FinderPage {
        c: Chrome::new(lang, &reader.uri, reader.query.clone()),
        settlements,
        needs,
        origin: origin.map(|(_, name)| name),
        error,
        results,
        map,
        directory,
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    c: Chrome,
    name: String,
    category: String,
    status: String,
    active: bool,
    organisation: (String, String),
    description: String,
    /// (label, text) of the plain-words sections.
    sections: Vec<(String, String)>,
    ages: Option<String>,
    languages: String,
    /// Per location: (where, [(day, hours)]).
    locations: Vec<(String, Vec<(String, String)>)>,
    /// (date, village, hours)
    visits: Vec<(String, String, String)>,
    phones: Vec<(String, String)>,
    emails: Vec<String>,
    urls: Vec<String>,
    programmes: Vec<(String, String)>,
    /// The results it serves, each linking to its programme's results page.
    results: Vec<(String, String)>,
    verified: String,
    stale: bool,
}

/// `/services/{id}`: everything a resident needs to use the service.
pub(super) async fn service(
    State(s): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ServiceId>() else {
        return Ok(reader.not_found());
    };
    let Some(sv) = found(s.store.service(id).await)? else {
        return Ok(reader.not_found());
    };
    let lang = reader.lang;
    let org = s.store.organisation(sv.organisation_id).await?;
    let names = feature::place_names(&s.store, std::iter::once(&sv), lang).await?;
    let sections = [
        ("services-eligibility", &sv.eligibility),
        ("services-how-to-apply", &sv.application_process),
        ("services-documents", &sv.required_documents),
        ("services-fees", &sv.fees),
        ("services-accessibility", &sv.accessibility),
    ]
    .into_iter()
    .filter_map(|(k, text)| {
        let v = best(lang, text);
        (!v.is_empty()).then(|| (t(lang, k), v))
    })
    .collect();
    let ages = match (sv.minimum_age, sv.maximum_age) {
        (None, None) => None,
        (Some(a), None) => Some(format!("{} {a}", t(lang, "services-age-from"))),
        (None, Some(b)) => Some(format!("{} {b}", t(lang, "services-age-to"))),
        (Some(a), Some(b)) => Some(format!("{a}–{b}")),
    };
    let locations = sv
        .locations
        .iter()
        .map(|l| {
            let place = [
                l.place_id.and_then(|p| names.get(&p).cloned()),
                (!l.address.is_empty()).then(|| l.address.clone()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            let hours = DAYS
                .iter()
                .filter_map(|d| {
                    let h: Vec<String> = l
                        .hours
                        .iter()
                        .filter(|h| h.day == *d)
                        .map(|h| format!("{}–{}", h.opens, h.closes))
                        .collect();
                    (!h.is_empty()).then(|| (t(lang, &format!("day-{d}")), h.join(", ")))
                })
                .collect();
            (place, hours)
        })
        .collect();
    let visits = sv
        .visits
        .iter()
        .map(|v| {
            (
                format::date(lang, v.date),
                names.get(&v.place_id).cloned().unwrap_or_default(),
                format!("{}–{}", v.opens, v.closes),
            )
        })
        .collect();
    let mut programmes = Vec::new();
    for p in &sv.programme_ids {
        if let Some(p) = found(s.store.programme(*p).await)? {
            programmes.push((format!("/programmes/{}", p.id), best(lang, &p.title)));
        }
    }
    let mut results = Vec::new();
    for r in &sv.result_ids {
        if let Some(r) = found(s.store.result(*r).await)? {
            results.push((
                format!("/programmes/{}/results", r.programme_id),
                best(lang, &r.title),
            ));
        }
    }
    let today = kazakhstan_time(OffsetDateTime::now_utc()).date();
    let template = ServicePage {
        c: reader.chrome(),
        name: best(lang, &sv.name),
        category: t(lang, &format!("service-category-{}", sv.category.as_str())),
        status: t(lang, &format!("service-status-{}", sv.status.as_str())),
        active: sv.status == ServiceStatus::Active,
        organisation: (format!("/stakeholders/{}", org.id), best(lang, &org.name)),
        description: best(lang, &sv.description),
        sections,
        ages,
        languages: sv
            .languages
            .iter()
            .map(|l| match l.parse::<Lang>() {
                Ok(known) => t(lang, &format!("language-{}", known.code())),
                Err(_) => l.clone(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        locations,
        visits,
        phones: sv.phones.iter().map(|p| (p.clone(), dial(p))).collect(),
        emails: sv.emails.clone(),
        urls: sv.urls.clone(),
        programmes,
        results,
        verified: format::date(lang, sv.last_verified),
        stale: sv.needs_verification(today),
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}
