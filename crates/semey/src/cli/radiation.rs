//! `semey radiation …`: the risk for a place or a point, tube factors, rebuilding statistics.

use super::progress::Bar;
use crate::{AppError, AppState};
use clap::Subcommand;
use semey_domain::Lang;

#[derive(Debug, Subcommand)]
pub enum RadiationCommand {
    /// The risk estimate for a settlement (--place ID) or a point (--at LAT,LON).
    Risk {
        #[arg(long)]
        place: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        at: Option<String>,
        /// Language of the message: kk, ru, en, zh.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// The conversion factors of Geiger tubes, every version.
    Factors,
    /// Record a new factor for a tube; every statistic is recomputed with it.
    SetFactor {
        tube: String,
        /// Counts per minute that make 1 µSv/h.
        cpm_per_usv_h: f64,
        /// Where the figure comes from.
        #[arg(long)]
        source: String,
    },
    /// Recompute every statistic (hexagons, places) from the stored measurements.
    Rebuild,
}

pub(super) async fn radiation_command(
    state: &AppState,
    cmd: RadiationCommand,
) -> Result<(), AppError> {
    let cfg = &state.config.radiation;
    let now = time::OffsetDateTime::now_utc();
    match cmd {
        RadiationCommand::Risk { place, at, lang } => {
            let lang = lang.parse::<Lang>().unwrap_or(Lang::En);
            let text = match (place, at) {
                (Some(id), None) => {
                    let id = id.parse::<semey_domain::ids::PlaceId>().map_err(|_| {
                        AppError::Invalid(semey_domain::Invalid::one(
                            "place",
                            "invalid_id",
                            "--place takes a place's id (see `semey` pages or /api/v1/places)",
                        ))
                    })?;
                    let r = crate::radiation::place_risk(&state.store, cfg, id, now).await?;
                    crate::radiation::describe_place(&r, cfg, lang)
                }
                (None, Some(at)) => {
                    let (lat, lon) = at
                        .split_once(',')
                        .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
                        .ok_or_else(|| {
                            AppError::Invalid(semey_domain::Invalid::one(
                                "at",
                                "bad_coordinates",
                                "--at LAT,LON, e.g. --at 50.41,80.23",
                            ))
                        })?;
                    let (a, _) =
                        crate::radiation::point_risk(&state.store, cfg, lat, lon, now).await?;
                    crate::radiation::describe(&a, cfg, lang)
                }
                _ => {
                    return Err(AppError::Invalid(semey_domain::Invalid::one(
                        "place",
                        "required",
                        "give --place ID or --at LAT,LON",
                    )))
                }
            };
            println!("{text}");
        }
        RadiationCommand::Factors => {
            for f in state.store.factors().await? {
                println!(
                    "{:10} v{}  {:>8} CPM per µSv/h  {}  ({})",
                    f.tube, f.version, f.cpm_per_usv_h, f.source, f.recorded_at
                );
            }
        }
        RadiationCommand::SetFactor {
            tube,
            cpm_per_usv_h,
            source,
        } => {
            let input = semey_domain::radiation::TubeFactor {
                tube,
                cpm_per_usv_h,
                source,
            };
            let written = crate::records::write::<semey_store::Factor>(
                &state.store,
                &crate::accounts::Actor::command_line(),
                None,
                input,
                crate::records::Channel::Api,
            )
            .await?
            .published()?;
            let (tube, v) = (written.tube, written.version);
            println!("{tube}: version {v}, {cpm_per_usv_h} CPM per µSv/h");
            let n = crate::radiation::rebuild(&state.store, cfg, &mut Bar(None)).await?;
            println!("statistics recomputed from {n} measurements");
        }
        RadiationCommand::Rebuild => {
            let n = crate::radiation::rebuild(&state.store, cfg, &mut Bar(None)).await?;
            println!("statistics recomputed from {n} measurements");
        }
    }
    Ok(())
}
