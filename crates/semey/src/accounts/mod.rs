//! Accounts: passwords, sessions and sign-in, API tokens, the principal every request acts
//! for, administrators' management of accounts, the sign-in limiter, and the security layer.
//! Roles are scoped to one organisation (see `semey_domain::access`).

pub mod actor;
mod events;
mod guard;
pub mod limiter;
mod passwords;
mod record;
mod sessions;
mod users;

pub use actor::{address_of, Actor};
pub use events::Event as SecurityEvent;
pub use guard::guard;
pub use passwords::{
    hash_password, new_secret, sha256_bytes_hex, sha256_hex, verify_password, MIN_PASSWORD,
};
pub use sessions::{
    clear_session_cookie, principal, session_cookie, session_secret, sign_in, sign_out,
    SignInRefused, LOCK_OUT, MAX_FAILURES, SESSION_COOKIE,
};
pub use users::{
    create_user, issue_token, revoke_token, set_disabled, set_membership, set_password,
};
