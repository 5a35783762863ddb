//! The editing workspace under `/workspace`, for signed-in accounts: forms for every record
//! kind people change (they post the API's input documents, so the same record path checks
//! them), the approval workflow, one's account, accounts for administrators, and the audit
//! trail for coordinators. Sign-in and sign-out are here too.

mod audit;
mod choices;
mod common;
mod coordination;
mod documents;
mod form;
mod funding;
mod iati;
mod index;
mod me;
mod organisations;
mod programmes;
mod reports;
mod results;
mod services;
mod signin;
mod users;
mod workflow;

pub use me::account_routes;
pub use users::admin_routes;
pub use workflow::proposal_routes;

use crate::routes::Route;
use crate::AppState;
use axum::routing::get;
use axum::Router;

/// Every record form of the workspace: a GET shows it, a POST saves it. The router is built
/// from this list, and the permission test walks the same list, so a form added without an
/// entry in that test's matrix fails it.
pub fn form_routes() -> Vec<Route> {
    let mut all = organisations::form_routes();
    all.extend(programmes::form_routes());
    all.extend(funding::form_routes());
    all.extend(results::form_routes());
    all.extend(services::form_routes());
    all.extend(documents::form_routes());
    all.extend(coordination::form_routes());
    all.extend(reports::form_routes());
    all
}

/// Every address of the signed-in workspace.
pub fn signed_in_routes() -> Vec<Route> {
    let mut all = vec![Route::page("/workspace", get(index::index))];
    all.extend(form_routes());
    all.extend(account_routes());
    all.extend(admin_routes());
    all.extend(proposal_routes());
    all.extend(audit::route_list());
    all.extend(choices::route_list());
    all.extend(iati::route_list());
    all
}

/// Every address of the workspace, the sign-in pages included.
pub fn route_list() -> Vec<Route> {
    let mut all = signin::route_list();
    all.extend(signed_in_routes());
    all
}

/// The workspace's routes, behind the sign-in guard, and the sign-in pages.
pub fn routes(state: &AppState) -> Router<AppState> {
    let signed_in = crate::routes::router(signed_in_routes())
        .layer(axum::middleware::map_response(common::private))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            signin::require_sign_in,
        ));
    crate::routes::router(signin::route_list()).merge(signed_in)
}
