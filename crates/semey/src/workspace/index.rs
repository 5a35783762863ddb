//! The workspace's start page.

use super::common::*;
use crate::pages::context::Reader;
use crate::pages::context::{page, Chrome};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use semey_store::{OrganisationFilter, Page, ProgrammeFilter};

#[derive(Template)]
#[template(path = "workspace.html")]
pub(super) struct IndexPage {
    c: Chrome,
    organisations: Vec<Choice>,
    programmes: Vec<Choice>,
    more_programmes: bool,
    services: Vec<Choice>,
    /// Services nobody has confirmed for more than a year, for coordinators to check.
    to_check: Vec<Choice>,
    /// Action items past their deadline: all of them for coordinators, the reader's
    /// organisation's for its people.
    overdue: Vec<crate::pages::coordination::ActionView>,
}

pub(super) async fn index(
    State(s): State<AppState>,
    reader: Reader,
    actor: crate::accounts::Actor,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = (reader.lang, reader.query.clone(), reader.chosen);
    let uri = &reader.uri;
    let q = query.iter().find(|(k, _)| k == "q").map(|(_, v)| v.clone());
    let (orgs, _) = s
        .store
        .list_organisations(
            &OrganisationFilter::default(),
            Page::new(Some(Page::MAX_LIMIT), None),
        )
        .await?;
    let (programmes, total) = s
        .store
        .list_programmes(
            &ProgrammeFilter {
                q,
                ..Default::default()
            },
            Page::new(Some(100), None),
        )
        .await?;
    let best = |text: &semey_domain::LocalText| text.best(lang).unwrap_or("").to_owned();
    let year_ago = semey_domain::service::kazakhstan_time(time::OffsetDateTime::now_utc())
        .date()
        .saturating_sub(time::Duration::days(365));
    let (services, _) = s
        .store
        .list_services(&Default::default(), Page::new(Some(100), None))
        .await?;
    let (to_check, _) = s
        .store
        .list_services(
            &semey_store::ServiceFilter {
                verified_before: Some(year_ago),
                ..Default::default()
            },
            Page::new(Some(100), None),
        )
        .await?;
    let choices = |list: &[semey_domain::service::Service]| -> Vec<Choice> {
        list.iter()
            .map(|sv| (sv.id.to_string(), best(&sv.name)))
            .collect()
    };
    let overdue = match crate::coordination::audience(&actor) {
        semey_store::Audience::Public => Vec::new(),
        seen => {
            let owner = match seen {
                semey_store::Audience::Organisation(o) => Some(o),
                _ => None,
            };
            let f = semey_store::ActionFilter {
                owner,
                overdue_on: Some(crate::results::today()),
                ..Default::default()
            };
            let (items, _) = s
                .store
                .action_items(&f, seen, Page::new(Some(100), None))
                .await?;
            crate::pages::coordination::action_views(&s.store, lang, &items).await?
        }
    };
    let template = IndexPage {
        overdue,
        services: choices(&services),
        to_check: choices(&to_check),
        organisations: orgs
            .iter()
            .map(|o| (o.id.to_string(), best(&o.name)))
            .collect(),
        more_programmes: total > programmes.len() as i64,
        programmes: programmes
            .iter()
            .map(|p| {
                (
                    p.id.to_string(),
                    format!("{} — {}", p.iati_identifier, best(&p.title)),
                )
            })
            .collect(),
        c: Chrome::new(lang, uri, query),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}
