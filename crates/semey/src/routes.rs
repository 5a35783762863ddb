//! What every router of the site is built from: lists of routes, each saying whether a person
//! opens it in a browser (a page) or it only takes a form's post or serves data. Tests walk the
//! same lists (every page in every language, every mutating route in the permission matrix), so
//! an address added to the site cannot be forgotten by them.

use crate::AppState;
use axum::routing::MethodRouter;
use axum::Router;

/// One address of the site.
pub struct Route {
    pub path: &'static str,
    pub methods: MethodRouter<AppState>,
    /// A page people open (GET answers HTML).
    pub page: bool,
}

impl Route {
    /// A page (which may also take its form's post).
    pub fn page(path: &'static str, methods: MethodRouter<AppState>) -> Self {
        Self {
            path,
            methods,
            page: true,
        }
    }

    /// An address that only takes posts or serves data.
    pub fn action(path: &'static str, methods: MethodRouter<AppState>) -> Self {
        Self {
            path,
            methods,
            page: false,
        }
    }
}

/// A router of these routes.
pub fn router(routes: Vec<Route>) -> Router<AppState> {
    routes
        .into_iter()
        .fold(Router::new(), |r, route| r.route(route.path, route.methods))
}
