//! The coordination mechanism's pages: the overview (bodies, meetings to come and held, action
//! items by status), a body with its members and meetings, a meeting with its agenda,
//! participants, minutes, documents, decisions and action items, the list of action items, and
//! the iCalendar feed of meetings to come. The public sees published meetings; a coordinator
//! (signed in, so never from the page cache) sees drafts too.

use super::context::*;
use crate::accounts::Actor;
use crate::coordination::{audience, ical, visible_meeting};
use crate::presentation::chart::{Chart, Series};
use crate::presentation::format;
use crate::presentation::i18n::t;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use semey_domain::coordination::{ActionItem, ActionStatus, Body, Decision, Meeting};
use semey_domain::ids::{BodyId, MandateId, MeetingId, OrganisationId, ProgrammeId};
use semey_domain::lang::Lang;
use semey_store::{ActionFilter, Audience, MeetingFilter, Page, Store};
use std::collections::HashMap;
use time::PrimitiveDateTime;

fn when(lang: Lang, at: PrimitiveDateTime) -> String {
    format!(
        "{} {:02}:{:02}",
        format::date(lang, at.date()),
        at.hour(),
        at.minute()
    )
}

/// Names of organisations, looked up once each.
struct Names<'a> {
    store: &'a Store,
    lang: Lang,
    known: HashMap<OrganisationId, String>,
}

impl<'a> Names<'a> {
    fn new(store: &'a Store, lang: Lang) -> Self {
        Self {
            store,
            lang,
            known: HashMap::new(),
        }
    }

    async fn of(&mut self, id: OrganisationId) -> Result<String, AppError> {
        if let Some(n) = self.known.get(&id) {
            return Ok(n.clone());
        }
        let name = match found(self.store.organisation(id).await)? {
            Some(o) => o.name.best(self.lang).unwrap_or_default().to_owned(),
            None => id.to_string(),
        };
        self.known.insert(id, name.clone());
        Ok(name)
    }
}

/// Every mandate's short label ("A/RES/75/210 ¶ 7") and page.
async fn mandate_labels(store: &Store) -> Result<HashMap<MandateId, (String, String)>, AppError> {
    let mut out = HashMap::new();
    for r in store.resolutions().await? {
        for m in r.mandates {
            out.insert(
                m.id,
                (
                    format!("{} ¶ {}", r.symbol, m.number),
                    format!("/mandates/{}", m.id),
                ),
            );
        }
    }
    Ok(out)
}

struct MeetingRow {
    href: String,
    when: String,
    title: String,
    body: String,
    published: bool,
}

async fn meeting_rows(
    lang: Lang,
    bodies: &HashMap<BodyId, String>,
    meetings: &[Meeting],
) -> Vec<MeetingRow> {
    meetings
        .iter()
        .map(|m| MeetingRow {
            href: format!("/meetings/{}", m.id),
            when: when(lang, m.starts_at),
            title: text_in(lang, &m.title).0,
            body: bodies.get(&m.body_id).cloned().unwrap_or_default(),
            published: m.published,
        })
        .collect()
}

fn body_names(lang: Lang, bodies: &[Body]) -> HashMap<BodyId, String> {
    bodies
        .iter()
        .map(|b| (b.id, b.name.best(lang).unwrap_or_default().to_owned()))
        .collect()
}

fn now_local() -> PrimitiveDateTime {
    semey_domain::service::kazakhstan_time(time::OffsetDateTime::now_utc())
}

struct BodyRow {
    href: String,
    name: String,
    kind: String,
    area: String,
    members: usize,
}

#[derive(Template)]
#[template(path = "coordination.html")]
struct OverviewPage {
    c: Chrome,
    coordinator: bool,
    bodies: Vec<BodyRow>,
    upcoming: Vec<MeetingRow>,
    held: Vec<MeetingRow>,
    chart: String,
    table: String,
    overdue: i64,
}

pub(super) async fn overview(
    State(s): State<AppState>,
    reader: Reader,
    actor: Actor,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let seen = audience(&actor);
    let bodies = s.store.bodies().await?;
    let names = body_names(lang, &bodies);
    let now = semey_store::local_time(now_local());
    let (upcoming, _) = s
        .store
        .meetings(
            &MeetingFilter {
                from: Some(now.clone()),
                ..Default::default()
            },
            seen,
            Page::new(Some(10), None),
        )
        .await?;
    let (held, _) = s
        .store
        .meetings(
            &MeetingFilter {
                before: Some(now),
                latest_first: true,
                ..Default::default()
            },
            seen,
            Page::new(Some(10), None),
        )
        .await?;
    let one = Page::new(Some(1), None);
    let mut counts = Vec::new();
    for st in ActionStatus::ALL {
        let f = ActionFilter {
            status: Some(*st),
            ..Default::default()
        };
        counts.push(s.store.action_items(&f, seen, one).await?.1);
    }
    let f = ActionFilter {
        overdue_on: Some(crate::results::today()),
        ..Default::default()
    };
    let overdue = s.store.action_items(&f, seen, one).await?.1;
    let chart = Chart {
        title: t(lang, "coordination-actions-chart"),
        description: t(lang, "coordination-actions-chart-desc"),
        categories: ActionStatus::ALL
            .iter()
            .map(|st| t(lang, &format!("action-status-{}", st.as_str())))
            .collect(),
        series: vec![Series {
            name: t(lang, "coordination-action-items"),
            values: counts.iter().map(|n| *n as f64).collect(),
        }],
    };
    let fmt = |v: f64| format::integer(lang, v.round() as i64);
    let template = OverviewPage {
        c: reader.chrome(),
        coordinator: seen == Audience::All,
        bodies: bodies
            .iter()
            .map(|b| BodyRow {
                href: format!("/coordination/bodies/{}", b.id),
                name: text_in(lang, &b.name).0,
                kind: t(lang, &format!("body-kind-{}", b.kind.as_str())),
                area: b
                    .area
                    .map(|a| t(lang, &format!("area-{}", a.as_str())))
                    .unwrap_or_default(),
                members: b.members.len(),
            })
            .collect(),
        upcoming: meeting_rows(lang, &names, &upcoming).await,
        held: meeting_rows(lang, &names, &held).await,
        chart: chart.bar(&fmt),
        table: chart.table(&fmt),
        overdue,
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

#[derive(Template)]
#[template(path = "body.html")]
struct BodyPage {
    c: Chrome,
    coordinator: bool,
    id: String,
    name: String,
    kind: String,
    area: String,
    terms: (String, Option<String>),
    /// (organisation's page, name, role).
    members: Vec<(String, String, String)>,
    meetings: Vec<MeetingRow>,
}

pub(super) async fn body(
    State(s): State<AppState>,
    reader: Reader,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let Ok(id) = id.parse::<BodyId>() else {
        return Ok(reader.not_found());
    };
    let Some(b) = found(s.store.body(id).await)? else {
        return Ok(reader.not_found());
    };
    let seen = audience(&actor);
    let (meetings, _) = s
        .store
        .meetings(
            &MeetingFilter {
                body: Some(id),
                latest_first: true,
                ..Default::default()
            },
            seen,
            Page::new(Some(Page::MAX_LIMIT), None),
        )
        .await?;
    let mut names = Names::new(&s.store, lang);
    let mut members = Vec::new();
    for m in &b.members {
        members.push((
            format!("/stakeholders/{}", m.organisation_id),
            names.of(m.organisation_id).await?,
            t(lang, &format!("member-role-{}", m.role.as_str())),
        ));
    }
    let bodies = body_names(lang, std::slice::from_ref(&b));
    let template = BodyPage {
        c: reader.chrome(),
        coordinator: seen == Audience::All,
        id: b.id.to_string(),
        name: text_in(lang, &b.name).0,
        kind: t(lang, &format!("body-kind-{}", b.kind.as_str())),
        area: b
            .area
            .map(|a| t(lang, &format!("area-{}", a.as_str())))
            .unwrap_or_default(),
        terms: text_in(lang, &b.terms),
        members,
        meetings: meeting_rows(lang, &bodies, &meetings).await,
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

struct DecisionView {
    anchor: String,
    number: u16,
    text: (String, Option<String>),
    mandates: Vec<(String, String)>,
    programmes: Vec<(String, String)>,
    edit: String,
}

pub(crate) struct ActionView {
    pub anchor: String,
    pub title: (String, Option<String>),
    pub owner: String,
    pub owner_href: String,
    pub person: String,
    pub deadline: String,
    pub status: String,
    pub status_code: String,
    pub overdue: bool,
    /// (date, text) of the progress notes.
    pub notes: Vec<(String, String)>,
    pub meeting_href: String,
    pub edit: String,
}

pub(crate) async fn action_views(
    store: &Store,
    lang: Lang,
    items: &[ActionItem],
) -> Result<Vec<ActionView>, AppError> {
    let today = crate::results::today();
    let mut names = Names::new(store, lang);
    let mut out = Vec::new();
    for a in items {
        out.push(ActionView {
            anchor: format!("action-{}", a.id),
            title: text_in(lang, &a.title),
            owner: names.of(a.owner_organisation_id).await?,
            owner_href: format!("/stakeholders/{}", a.owner_organisation_id),
            person: a.owner_person.clone(),
            deadline: format::date(lang, a.deadline),
            status: t(lang, &format!("action-status-{}", a.status.as_str())),
            status_code: a.status.as_str().to_owned(),
            overdue: a.overdue(today),
            notes: a
                .notes
                .iter()
                .map(|n| (format::date(lang, n.date), n.text.clone()))
                .collect(),
            meeting_href: format!("/meetings/{}", a.meeting_id),
            edit: format!("/workspace/action-items/{}", a.id),
        });
    }
    Ok(out)
}

/// A participant as the page shows one: the organisation's page and name, the person.
type Attendee = (Option<(String, String)>, Option<String>);

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    c: Chrome,
    coordinator: bool,
    id: String,
    title: String,
    body: (String, String),
    when: String,
    until: Option<String>,
    place: Option<(String, String)>,
    venue: Option<String>,
    online: Option<String>,
    published: bool,
    agenda: Vec<(String, Option<String>)>,
    participants: Vec<Attendee>,
    minutes: (String, Option<String>),
    documents: Vec<(String, String)>,
    decisions: Vec<DecisionView>,
    actions: Vec<ActionView>,
}

pub(super) async fn meeting(
    State(s): State<AppState>,
    reader: Reader,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let Ok(id) = id.parse::<MeetingId>() else {
        return Ok(reader.not_found());
    };
    let seen = audience(&actor);
    let m = match visible_meeting(&s.store, id, seen).await {
        Ok(m) => m,
        Err(AppError::NotFound { .. }) => return Ok(reader.not_found()),
        Err(e) => return Err(e),
    };
    let body = s.store.body(m.body_id).await?;
    let all = Page::new(Some(Page::MAX_LIMIT), None);
    let (decisions, _) = s.store.decisions(Some(id), None, None, seen, all).await?;
    let (actions, _) = s
        .store
        .action_items(
            &ActionFilter {
                meeting: Some(id),
                ..Default::default()
            },
            seen,
            all,
        )
        .await?;
    let labels = mandate_labels(&s.store).await?;
    let programme_ids: Vec<ProgrammeId> = decisions
        .iter()
        .flat_map(|d| d.programme_ids.iter().copied())
        .collect();
    let titles: HashMap<ProgrammeId, String> = s
        .store
        .programmes_by_ids(&programme_ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title.best(lang).unwrap_or_default().to_owned()))
        .collect();
    let decision = |d: &Decision| DecisionView {
        anchor: format!("decision-{}", d.number),
        number: d.number,
        text: text_in(lang, &d.text),
        mandates: d
            .mandate_ids
            .iter()
            .filter_map(|m| labels.get(m).map(|(l, h)| (h.clone(), l.clone())))
            .collect(),
        programmes: d
            .programme_ids
            .iter()
            .map(|p| {
                (
                    format!("/programmes/{p}"),
                    titles.get(p).cloned().unwrap_or_else(|| p.to_string()),
                )
            })
            .collect(),
        edit: format!("/workspace/decisions/{}", d.id),
    };
    let mut names = Names::new(&s.store, lang);
    let mut participants = Vec::new();
    for p in &m.participants {
        let org = match p.organisation_id {
            Some(o) => Some((format!("/stakeholders/{o}"), names.of(o).await?)),
            None => None,
        };
        participants.push((org, p.name.clone()));
    }
    let place = match m.place_id {
        Some(p) => found(s.store.place(p).await)?.map(|pl| {
            (
                format!("/places/{p}"),
                pl.name.best(lang).unwrap_or_default().to_owned(),
            )
        }),
        None => None,
    };
    let template = MeetingPage {
        c: reader.chrome(),
        coordinator: seen == Audience::All,
        id: m.id.to_string(),
        title: text_in(lang, &m.title).0,
        body: (
            format!("/coordination/bodies/{}", body.id),
            text_in(lang, &body.name).0,
        ),
        when: when(lang, m.starts_at),
        until: m.ends_at.map(|e| {
            if e.date() == m.starts_at.date() {
                format!("{:02}:{:02}", e.hour(), e.minute())
            } else {
                when(lang, e)
            }
        }),
        place,
        venue: m.venue.best(lang).map(str::to_owned),
        online: m.online_url.clone(),
        published: m.published,
        agenda: m.agenda.iter().map(|a| text_in(lang, &a.title)).collect(),
        participants,
        minutes: text_in(lang, &m.minutes),
        documents: m
            .documents
            .iter()
            .map(|d| (d.url.clone(), d.title.clone()))
            .collect(),
        decisions: decisions.iter().map(decision).collect(),
        actions: action_views(&s.store, lang, &actions).await?,
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

#[derive(Template)]
#[template(path = "action_items.html")]
struct ActionsPage {
    c: Chrome,
    actions: Vec<ActionView>,
    total: i64,
    /// (code, words, chosen) of the status filter.
    statuses: Vec<(String, String, bool)>,
    overdue: bool,
}

pub(super) async fn action_items(
    State(s): State<AppState>,
    reader: Reader,
    actor: Actor,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let param = |k: &str| {
        reader
            .query
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    };
    let status = param("status").and_then(|v| ActionStatus::parse(v).ok());
    let overdue = param("overdue").is_some_and(|v| v == "1" || v == "true");
    let f = ActionFilter {
        status,
        overdue_on: overdue.then(crate::results::today),
        owner: param("owner").and_then(|v| v.parse().ok()),
        ..Default::default()
    };
    let (items, total) = s
        .store
        .action_items(&f, audience(&actor), Page::new(Some(Page::MAX_LIMIT), None))
        .await?;
    let template = ActionsPage {
        c: reader.chrome(),
        actions: action_views(&s.store, lang, &items).await?,
        total,
        statuses: ActionStatus::ALL
            .iter()
            .map(|st| {
                (
                    st.as_str().to_owned(),
                    t(lang, &format!("action-status-{}", st.as_str())),
                    status == Some(*st),
                )
            })
            .collect(),
        overdue,
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

/// The published meetings from yesterday on, as an iCalendar feed in the reader's language.
pub(super) async fn calendar(
    State(s): State<AppState>,
    reader: Reader,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let since = now_local() - time::Duration::days(1);
    let (meetings, _) = s
        .store
        .meetings(
            &MeetingFilter {
                from: Some(semey_store::local_time(since)),
                ..Default::default()
            },
            Audience::Public,
            Page::new(Some(Page::MAX_LIMIT), None),
        )
        .await?;
    let bodies = body_names(lang, &s.store.bodies().await?);
    let mut places = HashMap::new();
    for p in meetings.iter().filter_map(|m| m.place_id) {
        if let Some(pl) = found(s.store.place(p).await)? {
            places.insert(p, pl.name.best(lang).unwrap_or_default().to_owned());
        }
    }
    let entries: Vec<ical::Entry<'_>> = meetings
        .iter()
        .map(|m| ical::Entry {
            meeting: m,
            body: bodies.get(&m.body_id).cloned().unwrap_or_default(),
            place: m.place_id.and_then(|p| places.get(&p).cloned()),
        })
        .collect();
    // The entries link to the meetings' pages on the address the feed was asked from.
    let site = s.site_address(&headers);
    let name = format!("Semey — {}", t(lang, "coordination-heading"));
    let body = ical::calendar(
        &name,
        &entries,
        lang,
        &site,
        time::OffsetDateTime::now_utc(),
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"semey-meetings.ics\"",
            ),
        ],
        body,
    )
        .into_response())
}
