//! The approval queue and a proposal's page: what changes (published against proposed, side
//! by side), its state, and the steps the reader may take.

use super::common::*;
use super::form::{self, Form};
use crate::accounts::Actor;
use crate::pages::context::Reader;
use crate::pages::context::{found, page, query_pairs, Chrome};
use crate::records::workflow;
use crate::routes::Route;
use crate::{AppError, AppState};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use semey_domain::funding::RequirementInput;
use semey_domain::organisation::OrganisationInput;
use semey_domain::programme::ProgrammeInput;
use semey_domain::record::RecordKind;
use semey_domain::service::ServiceInput;
use semey_domain::workflow::{State as Stage, Step};
use semey_store::Proposal;

/// The workflow's pages; the router is built from this list and the permission test walks it.
pub fn proposal_routes() -> Vec<Route> {
    vec![
        Route::page("/workspace/proposals", get(queue)),
        Route::page("/workspace/proposals/{id}", get(proposal_page)),
        Route::action("/workspace/proposals/{id}/{step}", post(take_step)),
        Route::page(
            "/workspace/proposals/{id}/edit",
            get(edit_proposal).post(post_proposal_edit),
        ),
    ]
}

/// A proposal's one-line title: its name or title in the reader's language, else its type.
fn title(p: &Proposal, lang: semey_domain::Lang) -> String {
    let text = p.content.get("title").or_else(|| p.content.get("name"));
    let name = text.and_then(|t| {
        serde_json::from_value::<semey_domain::LocalText>(t.clone())
            .ok()
            .and_then(|l| l.best(lang).map(str::to_owned))
    });
    name.or_else(|| {
        p.content
            .get("reference")
            .and_then(|r| r.as_str())
            .map(str::to_owned)
    })
    .unwrap_or_else(|| p.kind.as_str().to_owned())
}

#[derive(Template)]
#[template(path = "proposals.html")]
struct QueuePage {
    c: Chrome,
    counts: Vec<(String, String, usize)>,
    items: Vec<(String, String, String, String)>,
}

async fn queue(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = (reader.lang, reader.query.clone(), reader.chosen);
    let uri = &reader.uri;
    let org = if actor.principal.is_coordinator() {
        None
    } else {
        actor
            .principal
            .organisation_id
            .or(Some(semey_domain::ids::OrganisationId::default()))
    };
    let all = s.store.list_proposals(None, org).await?;
    let wanted = query
        .iter()
        .find(|(k, _)| k == "state")
        .and_then(|(_, v)| Stage::parse(v));
    let counts = Stage::ALL
        .iter()
        .map(|st| {
            (
                st.as_str().to_owned(),
                crate::presentation::i18n::t(lang, &format!("state-{}", st.as_str())),
                all.iter().filter(|p| p.state == *st).count(),
            )
        })
        .collect();
    let items = all
        .iter()
        .filter(|p| wanted.is_none_or(|w| p.state == w))
        .map(|p| {
            (
                p.id.to_string(),
                title(p, lang),
                crate::presentation::i18n::t(lang, &format!("record-{}", p.kind)),
                crate::presentation::i18n::t(lang, &format!("state-{}", p.state.as_str())),
            )
        })
        .collect();
    let template = QueuePage {
        c: Chrome::new(lang, uri, query),
        counts,
        items,
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage {
    c: Chrome,
    id: String,
    title: String,
    kind: String,
    state: String,
    reason: Option<String>,
    published_href: Option<String>,
    /// Field, published value, proposed value, changed.
    rows: Vec<(String, String, String, bool)>,
    steps: Vec<(&'static str, String)>,
    may_return: bool,
    may_edit: bool,
    /// The record's other versions: link, state, when.
    history: Vec<(String, String, String)>,
}

/// The published record a proposal changes, as JSON, for the comparison.
async fn published(s: &AppState, p: &Proposal) -> Result<serde_json::Value, AppError> {
    crate::records::workflow::published_now(&s.store, p).await
}

async fn proposal_page(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = (reader.lang, reader.query.clone(), reader.chosen);
    let uri = &reader.uri;
    let Ok(pid) = id.parse::<uuid::Uuid>() else {
        return Ok(reader.not_found());
    };
    let Some(p) = crate::pages::context::found(s.store.proposal(pid).await)? else {
        return Ok(reader.not_found());
    };
    workflow::may_see(&actor, &p)?;
    let before = pairs_of(&published(&s, &p).await?, &[]);
    let after = pairs_of(&p.content, &[]);
    let mut fields: Vec<String> = after.iter().map(|(k, _)| k.clone()).collect();
    for (k, _) in &before {
        if !fields.contains(k)
            && after
                .iter()
                .any(|(a, _)| a.split(['.', '[']).next() == k.split(['.', '[']).next())
        {
            fields.push(k.clone());
        }
    }
    let value = |list: &[(String, String)], k: &str| {
        list.iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows = fields
        .iter()
        .map(|k| {
            let (b, a) = (value(&before, k), value(&after, k));
            let changed = b != a;
            (k.clone(), b, a, changed)
        })
        .collect();
    let mut steps = Vec::new();
    for (step, key) in [
        (Step::Submit, "submit"),
        (Step::Approve, "approve"),
        (Step::Publish, "publish"),
    ] {
        if semey_domain::workflow::next(
            p.state,
            step,
            &actor.principal,
            p.organisation_id,
            p.author_id,
            None,
        )
        .is_ok()
        {
            steps.push((
                key,
                crate::presentation::i18n::t(lang, &format!("step-{key}")),
            ));
        }
    }
    let may_return = semey_domain::workflow::next(
        p.state,
        Step::Return,
        &actor.principal,
        p.organisation_id,
        p.author_id,
        Some("x"),
    )
    .is_ok();
    let record = p.record_id.clone().or(p.published_id.clone());
    let history = match record {
        Some(r) => s
            .store
            .proposals_for(p.kind, &r)
            .await?
            .iter()
            .filter(|v| v.id != p.id)
            .map(|v| {
                (
                    format!("/workspace/proposals/{}", v.id),
                    crate::presentation::i18n::t(lang, &format!("state-{}", v.state.as_str())),
                    semey_store::stamp(v.updated_at),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    let may_edit = semey_domain::workflow::next(
        p.state,
        Step::Edit,
        &actor.principal,
        p.organisation_id,
        p.author_id,
        None,
    )
    .is_ok();
    let template = ProposalPage {
        history,
        may_edit,
        id: p.id.to_string(),
        title: title(&p, lang),
        kind: crate::presentation::i18n::t(lang, &format!("record-{}", p.kind)),
        state: crate::presentation::i18n::t(lang, &format!("state-{}", p.state.as_str())),
        reason: p.reason.clone(),
        published_href: p
            .published_id
            .as_ref()
            .map(|id| crate::pages::context::record_href(p.kind, id)),
        rows,
        steps,
        may_return,
        c: Chrome::new(lang, uri, query),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

async fn take_step(
    State(s): State<AppState>,
    actor: Actor,
    Path((id, step)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id: uuid::Uuid = id.parse().map_err(|_| AppError::NotFound {
        entity: "proposal",
        id: id.clone(),
    })?;
    let step = Step::parse(&step).ok_or_else(|| AppError::NotFound {
        entity: "workflow step",
        id: step.clone(),
    })?;
    let form = std::str::from_utf8(&body)
        .map(query_pairs)
        .unwrap_or_default();
    let reason = form
        .iter()
        .find(|(k, _)| k == "reason")
        .map(|(_, v)| v.clone());
    workflow::take_step(&s.store, &actor, id, step, reason.as_deref()).await?;
    Ok(Redirect::to(&format!("/workspace/proposals/{id}")).into_response())
}

/// The form of a proposal's record, filled with what was proposed, to change a draft or a
/// returned proposal.
async fn edit_proposal(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return Ok(cx.not_found());
    };
    let Some(p) = found(s.store.proposal(id).await)? else {
        return Ok(cx.not_found());
    };
    crate::records::workflow::may_see(&actor, &p)?;
    let Some((kind, heading, lists)) = proposal_form(p.kind) else {
        return Ok(cx.not_found());
    };
    let mut values = pairs_of(&p.content, lists);
    if let Some(amount) = p.content.get("amount").and_then(|a| a.as_str()) {
        values.retain(|(k, _)| k != "amount");
        values.push(("amount".into(), amount.to_owned()));
    }
    let f = Form::new(cx.lang, values);
    show(
        &s,
        cx,
        kind,
        heading,
        format!("/workspace/proposals/{id}/edit"),
        f,
        None,
    )
    .await
}

/// Which form a proposal's record uses: its kind, heading and comma-separated lists (none
/// for the kinds that are never proposed).
fn proposal_form(
    kind: RecordKind,
) -> Option<(&'static str, &'static str, &'static [&'static str])> {
    match kind {
        RecordKind::Organisation => Some(("organisation", "form-edit-organisation", &[])),
        RecordKind::Programme => Some(("programme", "form-edit-programme", PROGRAMME_LISTS)),
        RecordKind::Requirement => Some(("requirement", "form-edit-requirement", &[])),
        RecordKind::Contribution => Some(("contribution", "form-edit-contribution", &[])),
        RecordKind::Transaction => Some(("transaction", "form-edit-transaction", &[])),
        RecordKind::Service => Some(("service", "form-edit-service", SERVICE_LISTS)),
        RecordKind::ActionItem => Some(("action_item", "form-edit-action_item", &[])),
        // Results and their values are entered through the API and the values import;
        // a document's proposal is its upload (a file and its metadata), made again to change.
        RecordKind::Result | RecordKind::IndicatorPeriod | RecordKind::Document => None,
        RecordKind::Place
        | RecordKind::ExchangeRate
        | RecordKind::TubeFactor
        | RecordKind::Mandate
        | RecordKind::Body
        | RecordKind::Meeting
        | RecordKind::Decision
        | RecordKind::Report
        | RecordKind::Account => None,
    }
}

async fn post_proposal_edit(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return Ok(cx.not_found());
    };
    let Some(p) = found(s.store.proposal(id).await)? else {
        return Ok(cx.not_found());
    };
    crate::records::workflow::may_see(&actor, &p)?;
    let Some((kind, heading, _)) = proposal_form(p.kind) else {
        return Ok(cx.not_found());
    };
    let typed = posted(&body);
    let plain = plain_amounts(cx.lang, typed.clone());
    // The same reading and checks as the record's own form.
    let read = match p.kind {
        RecordKind::Organisation => checked(
            form::read::<OrganisationInput>(&plain, &[], ORG_ARRAYS),
            |i| i.check(Default::default()).map(drop),
        ),
        RecordKind::Programme => checked(
            form::read::<ProgrammeInput>(&plain, PROGRAMME_LISTS, PROGRAMME_ARRAYS),
            |i| i.check(Default::default()).map(drop),
        ),
        RecordKind::Requirement => checked(form::read::<RequirementInput>(&plain, &[], &[]), |i| {
            i.check().map(drop)
        }),
        RecordKind::Contribution => checked(
            form::read::<semey_domain::contribution::ContributionInput>(&plain, &[], &[]),
            |i| i.check().map(drop),
        ),
        RecordKind::Transaction => checked(
            form::read::<semey_domain::funding::TransactionInput>(&plain, &[], &[]),
            |i| i.check().map(drop),
        ),
        RecordKind::Service => checked(
            form::read::<ServiceInput>(&plain, SERVICE_LISTS, SERVICE_ARRAYS),
            |i| i.check(Default::default()).map(drop),
        ),
        RecordKind::ActionItem => checked(
            form::read::<semey_domain::coordination::ActionItemInput>(&plain, &[], ACTION_ARRAYS),
            |i| i.check(Default::default()).map(drop),
        ),
        RecordKind::Result
        | RecordKind::IndicatorPeriod
        | RecordKind::Body
        | RecordKind::Meeting
        | RecordKind::Decision
        | RecordKind::Report
        | RecordKind::Place
        | RecordKind::ExchangeRate
        | RecordKind::TubeFactor
        | RecordKind::Mandate
        | RecordKind::Document
        | RecordKind::Account => return Ok(cx.not_found()),
    };
    match read {
        Ok(content) => {
            crate::records::workflow::edit(&s.store, &actor, id, content).await?;
            Ok(Redirect::to(&format!("/workspace/proposals/{id}?saved=1")).into_response())
        }
        Err(errors) => {
            let f = Form::new(cx.lang, typed).with_errors(errors);
            show(
                &s,
                cx,
                kind,
                heading,
                format!("/workspace/proposals/{id}/edit"),
                f,
                None,
            )
            .await
        }
    }
}
