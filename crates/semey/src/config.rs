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
    /// `text` (for people) or `json` (one object a line, for log collectors).
    pub log_format: String,
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
    /// Heavy requests (streamed exports) served at once; more wait a little, then are told
    /// to come back (503), so the rest of the site keeps its database connections.
    pub heavy_requests: usize,
    /// Rows one export may stream to someone not signed in (signed-in accounts and API
    /// tokens have no limit); the response says it in `Semey-Row-Limit`.
    pub public_export_rows: u64,
    /// Where the demo finds the texts of the General Assembly's resolutions to import (one file
    /// per language, `A-RES-75-210.en.txt`); nothing is imported when it does not exist.
    pub resolutions_dir: String,
    /// The radiation estimate's parameters (`[radiation]` in the file).
    pub radiation: RadiationConfig,
    /// The thresholds of the results' status rule (`[results]`: `on_track`, `at_risk`: the
    /// ratio of achieved to expected progress at or above which an indicator is on track, or at
    /// risk; below, off track).
    #[serde(default)]
    pub results: semey_domain::results::Thresholds,
    /// The open data's licence (`[open_data]`: `licence`, an SPDX identifier, and
    /// `licence_url`), shown in the catalogue and its DCAT-AP metadata.
    #[serde(default)]
    pub open_data: OpenDataConfig,
    /// Where PDF reports find their fonts: Noto Sans (Debian `fonts-noto-core`) and Noto Sans
    /// CJK (`fonts-noto-cjk`), searched for by file name under this folder.
    #[serde(default = "default_font_dir")]
    pub font_dir: String,
    /// Reverse proxies in front of the server (addresses, or networks as `address/bits`):
    /// only from these is the client's address read from `Forwarded` or `X-Forwarded-For`.
    /// Empty: the connecting address is the client's.
    pub trusted_proxies: Vec<String>,
    /// The longest a request may take to be answered, in milliseconds (0: no limit); a request
    /// that takes longer is answered 503 with `Retry-After` and whatever it was writing is
    /// rolled back. A streamed download counts only until its first bytes.
    pub request_timeout_ms: u64,
    /// Where this server keeps its search index (a directory of its own: every server keeps
    /// its own index and follows the database's change feed). Empty: in memory, built from the
    /// database when the server starts.
    pub search_dir: String,
    /// The largest document a library upload accepts, in bytes (default 50 MB).
    pub max_document_bytes: usize,
    /// The program that reads uploaded files' text in a process apart (`semey documents read`,
    /// see `documents/read.rs`). Empty: this program itself.
    pub document_reader: String,
    /// The longest reading one file may take, in seconds; a reader still busy is stopped and
    /// the document is kept, marked "text not extracted".
    pub document_read_seconds: u64,
}

impl Config {
    /// The program that reads files apart (see `document_reader`).
    pub fn document_reader(&self) -> std::path::PathBuf {
        if self.document_reader.is_empty() {
            std::env::current_exe().unwrap_or_else(|_| "semey".into())
        } else {
            self.document_reader.clone().into()
        }
    }
}

fn default_font_dir() -> String {
    "/usr/share/fonts".to_owned()
}

/// The licence of the open data (CC BY 4.0 unless configured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpenDataConfig {
    pub licence: String,
    pub licence_url: String,
}

impl Default for OpenDataConfig {
    fn default() -> Self {
        Self {
            licence: "CC-BY-4.0".to_owned(),
            licence_url: "https://creativecommons.org/licenses/by/4.0/".to_owned(),
        }
    }
}

/// Every constant of the radiation risk estimate (see docs/radiation-model.md for their sources), shown on
/// the pages that use them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RadiationConfig {
    /// The estimate's model: background, time outdoors and indoors, shielding, k and the band
    /// limits (keys `background_usv_h`, `outdoor_fraction`, `indoor_fraction`, `shielding`,
    /// `effective_per_ambient`, `band_limits_msv`; defaults in `RiskModel::default`).
    #[serde(flatten)]
    pub model: semey_domain::radiation::RiskModel,
    /// Readings older than this many years do not speak of the present: a place with none
    /// newer is "not measured".
    pub max_age_years: i64,
    /// A reading belongs to the nearest settlement within this distance of its point, km.
    pub settlement_radius_km: f64,
    /// Readings outside `[min_lon, min_lat, max_lon, max_lat]` are skipped and counted (the
    /// import's `--everywhere` keeps them). Default: Kazakhstan.
    pub area: [f64; 4],
    /// The tube assumed for count rates of a device whose tube is not known (Safecast's
    /// bGeigie).
    pub default_tube: String,
    /// Whom residents contact, shown with every risk message; empty: the platform's default
    /// advice in the reader's language (the Institute of Radiation Safety and Ecology, the
    /// district akimat, 112).
    pub contact: String,
}

impl Default for RadiationConfig {
    fn default() -> Self {
        Self {
            model: Default::default(),
            max_age_years: 10,
            settlement_radius_km: 3.0,
            area: [46.4, 40.5, 87.4, 55.5],
            default_tube: "LND 7317".to_owned(),
            contact: String::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database: "sqlite://semey.db".to_owned(),
            addr: "127.0.0.1:8080".to_owned(),
            max_body_bytes: 2 * 1024 * 1024,
            log: "info,geo=error,usvg=error".to_owned(),
            log_format: "text".to_owned(),
            tile_url: String::new(),
            tile_attribution: String::new(),
            secure_cookies: true,
            session_idle_minutes: 30,
            session_hours: 12,
            heavy_requests: 2,
            public_export_rows: 1_000_000,
            resolutions_dir: "../shared/seeds".to_owned(),
            radiation: RadiationConfig::default(),
            results: Default::default(),
            open_data: Default::default(),
            font_dir: default_font_dir(),
            trusted_proxies: Vec::new(),
            request_timeout_ms: 120_000,
            search_dir: String::new(),
            max_document_bytes: 50 * 1024 * 1024,
            document_reader: String::new(),
            document_read_seconds: 60,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_risk_model_is_configured_in_the_radiation_section() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("semey.toml");
        std::fs::write(
            &file,
            "[radiation]\nshielding = 0.2\nbackground_usv_h = 0.07\nmax_age_years = 5\n",
        )
        .unwrap();
        let c = Config::load(Some(&file)).unwrap();
        assert_eq!(c.radiation.model.shielding, 0.2);
        assert_eq!(c.radiation.model.background_usv_h, 0.07);
        assert_eq!(c.radiation.max_age_years, 5);
        // What the file does not say keeps its default.
        assert_eq!(c.radiation.model.outdoor_fraction, 8.0 / 24.0);
        assert_eq!(c.radiation.settlement_radius_km, 3.0);
    }
}
