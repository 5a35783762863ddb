//! The stakeholders of the mechanism, and an organisation's page.

use crate::presentation::format;
use crate::presentation::i18n::t;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use semey_domain::ids::OrganisationId;
use semey_domain::organisation::MechanismRole;
use semey_domain::programme::OrgRole;
use semey_store::{FundingFilter, Page, ProgrammeFilter};

use super::context::*;

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
pub(super) async fn stakeholders(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
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
pub(super) async fn organisation(
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
