//! The report's form (title, period, resolution, publishing languages, and each section's
//! narrative in the four languages) and its publishing (coordinators).

use super::common::*;
use super::coordination::{both, WholeForm};
use crate::accounts::Actor;
use crate::routes::Route;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use semey_domain::report::{Report, ReportInput};
use semey_store::{Audience, Store};

impl WholeForm for Report {
    const ROUTES: [&'static str; 2] = ["/workspace/reports/new", "/workspace/reports/{id}"];
    const FORM: FormOf = FormOf {
        kind: "report",
        path: "/workspace/reports",
        lists: &[],
        arrays: &[],
    };
    fn public_href(r: &Report) -> String {
        format!("/reports/{}", r.id)
    }
    async fn visible(store: &Store, id: Self::Id, a: Audience) -> Result<Report, AppError> {
        // Drafts are the coordinators'.
        if a != Audience::All {
            return Err(AppError::Forbidden("reports are written by coordinators"));
        }
        Ok(store.report(id).await?)
    }
    fn start(_: &Ctx) -> Vec<(String, String)> {
        vec![("languages[]".into(), "en".into())]
    }
    fn pairs(r: &Report) -> Vec<(String, String)> {
        pairs_of(&ReportInput::from(r), &[])
    }
}

pub(super) fn form_routes() -> Vec<Route> {
    let mut all = Vec::from(both::<Report>());
    all.push(Route::action(
        "/workspace/reports/{id}/publish",
        post(publish),
    ));
    all
}

/// Publishes the next version and shows it; while a section is empty, the draft's page lists
/// them instead.
async fn publish(
    State(s): State<AppState>,
    actor: Actor,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse() else {
        return Err(AppError::NotFound {
            entity: "report",
            id,
        });
    };
    let site = s.site_address(&headers);
    match crate::reports::publish(&s.store, &s.config, &actor, id, &site).await {
        Ok(n) => Ok(Redirect::to(&format!("/reports/{id}/versions/{n}")).into_response()),
        Err(AppError::Invalid(_)) => Ok(Redirect::to(&format!("/reports/{id}")).into_response()),
        Err(e) => Err(e),
    }
}
