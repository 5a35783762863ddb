//! The approval queue and a proposal's page: what changes (published against proposed, side
//! by side), its state, and the steps the reader may take.

use super::{language, page, query_pairs, Chrome};
use crate::auth::Actor;
use crate::records::workflow;
use crate::{AppError, AppState};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, MethodRouter};
use semey_domain::workflow::{State as Stage, Step};
use semey_store::Proposal;

/// The workflow's pages; the router is built from this list and the permission test walks it.
pub fn proposal_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/workspace/proposals", get(queue)),
        ("/workspace/proposals/{id}", get(proposal_page)),
        ("/workspace/proposals/{id}/{step}", post(take_step)),
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
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = language(&uri, &headers);
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
        c: Chrome::new(lang, &uri, query),
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
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = language(&uri, &headers);
    let Ok(pid) = id.parse::<uuid::Uuid>() else {
        return Ok(super::not_found(uri, headers).await);
    };
    let Some(p) = super::found(s.store.proposal(pid).await)? else {
        return Ok(super::not_found(uri, headers).await);
    };
    workflow::may_see(&actor, &p)?;
    let before = super::workspace::pairs_of(&published(&s, &p).await?, &[]);
    let after = super::workspace::pairs_of(&p.content, &[]);
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
            .map(|id| super::record_href(p.kind, id)),
        rows,
        steps,
        may_return,
        c: Chrome::new(lang, &uri, query),
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
