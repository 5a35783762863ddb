//! The `Actor` every handler receives: whom a request acts for, and from where.

use axum::extract::ConnectInfo;
use semey_domain::access::Principal;
use std::net::SocketAddr;

/// Where a request came from, for the audit trail.
pub fn address_of(parts_extensions: &axum::http::Extensions) -> String {
    parts_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The principal of a request and where it came from, as handlers receive them.
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Principal,
    pub address: String,
}

impl Actor {
    /// The command line, for services called outside HTTP.
    pub fn command_line() -> Self {
        Self {
            principal: Principal::command_line(),
            address: "local".to_owned(),
        }
    }

    /// Someone not signed in, from `address` (security events: refused requests, failed
    /// sign-ins).
    pub fn anonymous(address: &str) -> Self {
        Self {
            principal: Principal::anonymous(),
            address: address.to_owned(),
        }
    }

    /// The command line run by an operator, named in the audit trail by their system account.
    pub fn operator() -> Self {
        let who = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".to_owned());
        Self {
            principal: Principal::command_line(),
            address: format!("local ({who})"),
        }
    }
}
