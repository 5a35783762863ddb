//! `semey user …`: accounts from the command line (the first administrator among them).

use crate::{AppError, AppState};
use clap::Subcommand;
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account. The first one should be an administrator (`--administrator`).
    Add {
        email: String,
        #[arg(long)]
        name: String,
        /// May manage accounts and do everything.
        #[arg(long)]
        administrator: bool,
        /// coordinator, editor or viewer.
        #[arg(long)]
        role: Option<String>,
        /// The organisation (id) an editor or viewer belongs to.
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Set a new password (read from standard input); the account's sessions end.
    Passwd {
        email: String,
        /// Also revoke every API token of the account.
        #[arg(long)]
        revoke_tokens: bool,
    },
    /// Disable an account at once (its sessions end, its API tokens are revoked).
    Disable { email: String },
    /// Enable a disabled account.
    Enable { email: String },
    /// List the accounts.
    List,
    /// Issue an API token for an account, in its role; the secret is printed once.
    Token {
        email: String,
        #[arg(long)]
        name: String,
        /// Days the token is valid.
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
}

/// Reads a password from standard input: the first line, without its line end.
fn read_password() -> Result<String, AppError> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        eprintln!(
            "New password (at least {} characters), then Enter:",
            crate::accounts::MIN_PASSWORD
        );
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

pub(super) async fn user_command(state: &AppState, cmd: UserCommand) -> Result<(), AppError> {
    use crate::accounts::{self, Actor};
    let cli = Actor::command_line();
    let find = |email: String| async move {
        state
            .store
            .user_by_email(&email)
            .await?
            .ok_or_else(|| AppError::NotFound {
                entity: "user",
                id: email,
            })
    };
    match cmd {
        UserCommand::Add {
            email,
            name,
            administrator,
            role,
            organisation,
        } => {
            let role = role
                .as_deref()
                .map(semey_domain::access::Role::parse)
                .transpose()?;
            let organisation = organisation
                .as_deref()
                .map(|o| {
                    o.parse().map_err(|_| {
                        semey_domain::Invalid::one(
                            "organisation",
                            "invalid_value",
                            format!("{o:?} is not an organisation id"),
                        )
                    })
                })
                .transpose()?;
            if let Some(org) = organisation {
                state.store.organisation(org).await?;
            }
            let password = read_password()?;
            let id = accounts::create_user(
                &state.store,
                &cli,
                &email,
                &name,
                password,
                administrator,
                role.map(|r| (r, organisation)),
            )
            .await?;
            println!("account {id} created for {email}");
        }
        UserCommand::Passwd {
            email,
            revoke_tokens,
        } => {
            let user = find(email.clone()).await?;
            accounts::set_password(&state.store, &cli, user.id, read_password()?, revoke_tokens)
                .await?;
            let tokens = if revoke_tokens {
                " and its API tokens are revoked"
            } else {
                ""
            };
            println!("password changed for {email}; its sessions have ended{tokens}");
        }
        UserCommand::Disable { email } => {
            let user = find(email.clone()).await?;
            accounts::set_disabled(&state.store, &cli, user.id, true).await?;
            println!("{email} is disabled");
        }
        UserCommand::Enable { email } => {
            let user = find(email.clone()).await?;
            accounts::set_disabled(&state.store, &cli, user.id, false).await?;
            println!("{email} is enabled");
        }
        UserCommand::List => {
            for u in state.store.list_users().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}{}",
                    u.email,
                    u.name,
                    if u.administrator {
                        "administrator"
                    } else {
                        "-"
                    },
                    u.role.map(|r| r.as_str()).unwrap_or("-"),
                    u.organisation_id
                        .map(|o| o.to_string())
                        .unwrap_or_else(|| "-".into()),
                    if u.disabled { "\tdisabled" } else { "" }
                );
            }
        }
        UserCommand::Token { email, name, days } => {
            let user = find(email).await?;
            let (id, secret) =
                accounts::issue_token(&state.store, &cli, &user, &name, time::Duration::days(days))
                    .await?;
            println!("token {id}: {secret}");
            eprintln!("This secret is shown once; keep it safe. Send it as `Authorization: Bearer <secret>`.");
        }
    }
    Ok(())
}
