//! The one configuration of the platform: defaults, then a TOML file, then `SEMEY_*`
//! environment variables, then command-line flags. Passed in state, never global.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// `sqlite://FILE` (created on first start) or `postgres://USER@HOST/DB`.
    pub database: String,
    /// Address the HTTP server listens on.
    pub addr: String,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Tracing filter (e.g. `info`, `semey=debug`).
    pub log: String,
    /// Background map tiles for the interactive maps (`https://…/{z}/{x}/{y}.png`); empty for
    /// none: the maps then draw the platform's own outlines only, which needs no internet.
    pub tile_url: String,
    /// The attribution the tile provider requires, shown on the map.
    pub tile_attribution: String,
    /// Session cookies only over HTTPS (browsers also accept them from localhost). Turn off
    /// only behind a proxy that speaks plain HTTP to the browser, which you should not have.
    pub secure_cookies: bool,
    /// A session ends after this many minutes without use…
    pub session_idle_minutes: i64,
    /// …and this many hours after signing in, whatever happens.
    pub session_hours: i64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database: "sqlite://semey.db".to_owned(),
            addr: "127.0.0.1:8080".to_owned(),
            max_body_bytes: 2 * 1024 * 1024,
            log: "info,geo=error".to_owned(),
            tile_url: String::new(),
            tile_attribution: String::new(),
            secure_cookies: true,
            session_idle_minutes: 30,
            session_hours: 12,
        }
    }
}

impl Config {
    /// Loads the layered configuration; `file` is read when given (and must then exist).
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut f = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(Box::new(figment::Error::from(format!(
                    "configuration file {} does not exist",
                    path.display()
                ))));
            }
            f = f.merge(Toml::file(path));
        }
        f.merge(Env::prefixed("SEMEY_")).extract().map_err(Box::new)
    }
}
