//! Radiation: where readings fall (hexagons, settlements, districts), the statistics kept for
//! them, and the risk estimate for a place or a point.

pub mod export;
pub mod factors;
pub mod import;

use crate::config::RadiationConfig;
use crate::error::AppError;
use geo::{BoundingRect, Contains};
use semey_domain::ids::PlaceId;
use semey_domain::place::{Place, PlaceLevel};
use semey_domain::radiation::{
    assess, cell_at, cell_center, cell_parent, to_usv_h, Assessment, DoseStats, DoseUnit,
    RiskModel, RESOLUTIONS,
};
use semey_store::{Aggregates, MeasurementFilter, Store};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Seconds in a (Julian) year, for age limits given in years.
const YEAR_SECS: i64 = 31_557_600;

/// Finds the settlement, district and region a position belongs to, for the place statistics.
/// A reading belongs to the nearest settlement within the configured radius of the
/// settlement's point, and to the district whose outline holds it (and that district's
/// region). Answers are cached per hexagon: a fine one (about 170 m across) for settlements, a
/// coarser one (about 1.2 km) for districts.
pub struct Locator {
    settlements: Vec<(String, f64, f64)>,
    districts: Vec<District>,
    radius_km: f64,
    by_fine_cell: HashMap<i64, Option<usize>>,
    by_coarse_cell: HashMap<i64, Option<usize>>,
}

struct District {
    id: String,
    region: Option<String>,
    shape: geo::MultiPolygon<f64>,
    bbox: Option<geo::Rect<f64>>,
}

/// Great-circle distance in km (the domain's [`Point::distance_km`]).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let at = |lat, lon| semey_domain::place::Point { lon, lat };
    at(lat1, lon1).distance_km(at(lat2, lon2))
}

impl Locator {
    pub async fn load(store: &Store, radius_km: f64) -> Result<Self, AppError> {
        let settlements = store
            .places_at_level(PlaceLevel::Settlement, false)
            .await?
            .into_iter()
            .filter_map(|r| {
                let p = r.place.point?;
                Some((r.place.id.to_string(), p.lat, p.lon))
            })
            .collect();
        let districts = store
            .places_at_level(PlaceLevel::District, true)
            .await?
            .into_iter()
            .filter_map(|r| {
                let g: geojson::Geometry = r.geometry.as_deref()?.parse().ok()?;
                let shape = match geo::Geometry::<f64>::try_from(g.value).ok()? {
                    geo::Geometry::Polygon(p) => geo::MultiPolygon(vec![p]),
                    geo::Geometry::MultiPolygon(m) => m,
                    _ => return None,
                };
                Some(District {
                    id: r.place.id.to_string(),
                    region: r.place.parent_id.map(|p| p.to_string()),
                    bbox: shape.bounding_rect(),
                    shape,
                })
            })
            .collect();
        Ok(Self {
            settlements,
            districts,
            radius_km,
            by_fine_cell: HashMap::new(),
            by_coarse_cell: HashMap::new(),
        })
    }

    /// The places a reading in these cells belongs to, settlement first.
    pub fn places(&mut self, fine: i64, coarse: i64, out: &mut Vec<String>) {
        out.clear();
        let settlement = *self.by_fine_cell.entry(fine).or_insert_with(|| {
            let (lat, lon) = cell_center(fine)?;
            self.settlements
                .iter()
                .enumerate()
                .map(|(i, (_, slat, slon))| (i, distance_km(lat, lon, *slat, *slon)))
                .filter(|(_, d)| *d <= self.radius_km)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i)
        });
        if let Some(i) = settlement {
            out.push(self.settlements[i].0.clone());
        }
        let district = *self.by_coarse_cell.entry(coarse).or_insert_with(|| {
            let (lat, lon) = cell_center(coarse)?;
            let p = geo::Point::new(lon, lat);
            self.districts.iter().position(|d| {
                d.bbox.is_some_and(|b| {
                    b.min().x <= lon && lon <= b.max().x && b.min().y <= lat && lat <= b.max().y
                }) && d.shape.contains(&p)
            })
        });
        if let Some(i) = district {
            out.push(self.districts[i].id.clone());
            if let Some(r) = &self.districts[i].region {
                out.push(r.clone());
            }
        }
    }
}

/// Collects the statistics of dose-rate readings as they are stored.
pub struct Aggregator {
    locator: Locator,
    pub aggregates: Aggregates,
    places: Vec<String>,
}

impl Aggregator {
    pub fn new(locator: Locator) -> Self {
        Self {
            locator,
            aggregates: Aggregates::default(),
            places: Vec::new(),
        }
    }

    /// Adds one dose-rate reading (µSv/h) taken at Unix time `t`.
    pub fn add(&mut self, lat: f64, lon: f64, usv_h: f64, t: i64) {
        let Some(fine) = cell_at(lat, lon, RESOLUTIONS[RESOLUTIONS.len() - 1]) else {
            return;
        };
        let mut coarse = fine;
        for res in RESOLUTIONS {
            let Some(cell) = cell_parent(fine, res) else {
                continue;
            };
            if res == RESOLUTIONS[1] {
                coarse = cell;
            }
            self.aggregates
                .bins
                .entry((res, cell))
                .or_insert_with(|| {
                    let (clat, clon) = cell_center(cell).unwrap_or((lat, lon));
                    (clat, clon, DoseStats::default())
                })
                .2
                .add(usv_h, t);
        }
        let year = OffsetDateTime::from_unix_timestamp(t).map_or(1970, |d| d.year());
        self.locator.places(fine, coarse, &mut self.places);
        for p in &self.places {
            self.aggregates
                .places
                .entry((p.clone(), year))
                .or_default()
                .add(usv_h, t);
        }
    }
}

/// A place's estimate and what it rests on.
#[derive(Debug, Clone)]
pub struct PlaceRisk {
    pub place: Place,
    pub assessment: Assessment,
    /// Readings of every age, by year (history, shown apart from the estimate).
    pub by_year: Vec<(i32, DoseStats)>,
    /// The age limit the estimate used, in years.
    pub max_age_years: i64,
    pub model: RiskModel,
    pub now: i64,
}

/// The estimate for a place from its readings of the last `max_age_years` years.
pub async fn place_risk(
    store: &Store,
    cfg: &RadiationConfig,
    id: PlaceId,
    now: OffsetDateTime,
) -> Result<PlaceRisk, AppError> {
    let place = store.place(id).await?;
    let by_year = store.place_stats(&id.to_string()).await?;
    let now_s = now.unix_timestamp();
    let since = now_s - cfg.max_age_years * YEAR_SECS;
    let first_year = OffsetDateTime::from_unix_timestamp(since).map_or(1970, |d| d.year());
    let mut recent = DoseStats::default();
    for (year, s) in &by_year {
        if *year >= first_year {
            recent.merge(s);
        }
    }
    let model = cfg.model.clone();
    Ok(PlaceRisk {
        assessment: assess(&recent, &model, now_s, cfg.max_age_years * YEAR_SECS),
        place,
        by_year,
        max_age_years: cfg.max_age_years,
        model,
        now: now_s,
    })
}

/// The estimate at a point: the readings of the fine hexagon holding it, or failing that of
/// the medium one around it.
pub async fn point_risk(
    store: &Store,
    cfg: &RadiationConfig,
    lat: f64,
    lon: f64,
    now: OffsetDateTime,
) -> Result<(Assessment, Option<semey_store::Bin>), AppError> {
    let model = cfg.model.clone();
    let now_s = now.unix_timestamp();
    for res in [RESOLUTIONS[2], RESOLUTIONS[1]] {
        let cell = cell_at(lat, lon, res).ok_or_else(|| {
            AppError::Invalid(semey_domain::Invalid::one(
                "lat",
                "bad_coordinates",
                "latitude must be within −90..90 and longitude within −180..180",
            ))
        })?;
        if let Some((bin, stats)) = store.bin(res, cell).await? {
            return Ok((
                assess(&stats, &model, now_s, cfg.max_age_years * YEAR_SECS),
                Some(bin),
            ));
        }
    }
    Ok((
        assess(
            &DoseStats::default(),
            &model,
            now_s,
            cfg.max_age_years * YEAR_SECS,
        ),
        None,
    ))
}

/// Recomputes every statistic from the stored measurements (after a factor changed), in one
/// database transaction; imports wait until it is done.
pub async fn rebuild(
    store: &Store,
    cfg: &RadiationConfig,
    progress: &mut dyn crate::import::Progress,
) -> Result<u64, AppError> {
    let factors = store.current_factors().await?;
    let devices = store.devices().await?;
    let mut agg = Aggregator::new(Locator::load(store, cfg.settlement_radius_km).await?);
    // Clear first: this holds off imports until the new statistics are written.
    let mut tx = store.begin().await?;
    store.clear_aggregates(&mut tx).await?;
    let total = store.measurement_count().await?;
    progress.start("rebuilding statistics", total as u64);
    // Device id (as the chunk writes it) → the factor of its tube.
    let factor_of: HashMap<String, f64> = devices
        .iter()
        .filter_map(|(id, d)| Some((id.to_string(), *factors.get(d.tube.as_ref()?)?)))
        .collect();
    let mut done = 0u64;
    let mut bad = 0u64;
    if let Some((lo, hi)) = store.measurement_ids().await? {
        let step = 100_000;
        let mut after = lo - 1;
        while after < hi {
            let chunk = store
                .measurement_chunk(&MeasurementFilter {
                    after_id: Some(after),
                    to_id: Some(after + step),
                    ..Default::default()
                })
                .await?;
            after += step;
            let Some(chunk) = chunk else {
                continue;
            };
            chunk.for_each(|m| {
                done += 1;
                let parsed = (
                    m.t.parse::<i64>(),
                    m.lat.parse::<f64>(),
                    m.lon.parse::<f64>(),
                    m.value.parse::<f64>(),
                    m.unit.parse::<i64>().ok().and_then(DoseUnit::from_code),
                );
                let (Ok(t), Ok(lat), Ok(lon), Ok(value), Some(unit)) = parsed else {
                    bad += 1;
                    return;
                };
                let factor = factor_of.get(m.device_id).copied().unwrap_or(f64::NAN);
                if let Some(v) = to_usv_h(value, unit, factor).filter(|v| v.is_finite()) {
                    agg.add(lat, lon, v, t);
                }
            })?;
            progress.set(done);
        }
    }
    if bad > 0 {
        return Err(
            semey_store::StoreError::Corrupt(format!("{bad} measurements cannot be read")).into(),
        );
    }
    store.add_aggregates(&mut tx, &agg.aggregates).await?;
    tx.commit().await?;
    progress.finish();
    Ok(done)
}

/// The plain-language message of an assessment, in one language.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RiskMessage {
    /// `background`, `within_limit`, `above_limit`, `not_for_living` or `not_measured`.
    pub band: &'static str,
    pub title: String,
    pub meaning: String,
    pub what_to_do: String,
    pub contact: String,
    /// The estimate with its inputs, the readings behind it and their spread.
    pub estimate: Vec<String>,
}

fn date_of(lang: semey_domain::Lang, t: i64) -> String {
    OffsetDateTime::from_unix_timestamp(t)
        .map(|d| crate::presentation::format::date(lang, d.date()))
        .unwrap_or_default()
}

/// The message for an assessment.
pub fn message(a: &Assessment, cfg: &RadiationConfig, lang: semey_domain::Lang) -> RiskMessage {
    use crate::presentation::format::measure;
    use crate::presentation::i18n::{t, t_args};
    use fluent_templates::fluent_bundle::FluentValue;
    let band = a.band.map_or("not_measured", |b| b.code());
    let s = |v: String| FluentValue::from(v);
    let mut estimate = Vec::new();
    if let (Some(median), Some(added)) = (a.median_usv_h, a.added_msv) {
        estimate.push(t_args(
            lang,
            "radiation-estimate",
            &[
                ("added", s(measure(lang, added))),
                ("median", s(measure(lang, median))),
            ],
        ));
        if let (Some(p05), Some(p95), Some(max)) = (a.p05_usv_h, a.p95_usv_h, a.max_usv_h) {
            estimate.push(t_args(
                lang,
                "radiation-spread",
                &[
                    ("p05", s(measure(lang, p05))),
                    ("p95", s(measure(lang, p95))),
                    ("max", s(measure(lang, max))),
                    ("added95", s(measure(lang, a.added_msv_p95.unwrap_or(0.0)))),
                ],
            ));
        }
    }
    if let (Some(oldest), Some(newest)) = (a.oldest, a.newest) {
        estimate.push(t_args(
            lang,
            "radiation-basis",
            &[
                ("count", FluentValue::from(a.count as f64)),
                ("oldest", s(date_of(lang, oldest))),
                ("newest", s(date_of(lang, newest))),
            ],
        ));
    }
    if a.band.is_none() {
        estimate.push(t_args(
            lang,
            "radiation-no-recent",
            &[("years", FluentValue::from(cfg.max_age_years as f64))],
        ));
    }
    RiskMessage {
        band,
        title: t(lang, &format!("band-{band}-title")),
        meaning: t(lang, &format!("band-{band}-meaning")),
        what_to_do: t(lang, &format!("band-{band}-todo")),
        contact: if cfg.contact.trim().is_empty() {
            t(lang, "radiation-contact-default")
        } else {
            cfg.contact.clone()
        },
        estimate,
    }
}

/// The message as plain text (for the command line).
pub fn describe(a: &Assessment, cfg: &RadiationConfig, lang: semey_domain::Lang) -> String {
    use crate::presentation::i18n::t;
    let m = message(a, cfg, lang);
    let mut out = format!("{}\n{}\n", m.title, m.meaning);
    for e in &m.estimate {
        out.push_str(e);
        out.push('\n');
    }
    out.push_str(&format!(
        "{}: {}\n{}: {}\n",
        t(lang, "radiation-what-to-do"),
        m.what_to_do,
        t(lang, "radiation-whom"),
        m.contact
    ));
    out
}

/// A place's message as plain text, with its name.
pub fn describe_place(r: &PlaceRisk, cfg: &RadiationConfig, lang: semey_domain::Lang) -> String {
    let name = r.place.name.best(lang).unwrap_or_default();
    format!("{name}\n{}", describe(&r.assessment, cfg, lang))
}

/// The colours of the dose-rate scale, light to dark (ColorBrewer "YlOrRd", extended with a
/// darker last step).
pub const PALETTE: [&str; 8] = [
    "#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#800026",
];

/// The upper edges (µSv/h) of the colour scale's first seven steps: logarithmic, and aligned
/// with the bands, so a colour never straddles two bands.
pub fn scale_edges(model: &RiskModel) -> [f64; 7] {
    let [b0, b1, b2] = model.band_limits_msv;
    let (r0, r1, r3) = (
        model.rate_for_added_dose(b0),
        model.rate_for_added_dose(b1),
        model.rate_for_added_dose(b2),
    );
    let step = (r3 / r1).powf(1.0 / 3.0);
    [
        r0 / 2.0,
        r0,
        (r0 * r1).sqrt(),
        r1,
        r1 * step,
        r1 * step * step,
        r3,
    ]
}

/// The colour of a dose rate on the scale.
pub fn colour(model: &RiskModel, usv_h: f64) -> &'static str {
    let edges = scale_edges(model);
    let i = edges.iter().position(|e| usv_h < *e).unwrap_or(edges.len());
    PALETTE[i]
}

/// One row of the map legend: the band's words, its range in µSv/h and its colours.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LegendRow {
    pub band: &'static str,
    pub label: String,
    pub range: String,
    pub colours: Vec<&'static str>,
}

/// The legend of the dose-rate map, in plain words.
pub fn legend(model: &RiskModel, lang: semey_domain::Lang) -> Vec<LegendRow> {
    use crate::presentation::format::measure;
    let e = scale_edges(model);
    let bands = [
        ("background", None, Some(e[1]), &PALETTE[0..2]),
        ("within_limit", Some(e[1]), Some(e[3]), &PALETTE[2..4]),
        ("above_limit", Some(e[3]), Some(e[6]), &PALETTE[4..7]),
        ("not_for_living", Some(e[6]), None, &PALETTE[7..8]),
    ];
    bands
        .into_iter()
        .map(|(band, lo, hi, colours)| LegendRow {
            band,
            label: crate::presentation::i18n::t(lang, &format!("band-{band}-title")),
            range: match (lo, hi) {
                (None, Some(h)) => format!("< {} µSv/h", measure(lang, h)),
                (Some(l), Some(h)) => format!("{}–{} µSv/h", measure(lang, l), measure(lang, h)),
                (Some(l), None) => format!("> {} µSv/h", measure(lang, l)),
                (None, None) => String::new(),
            },
            colours: colours.to_vec(),
        })
        .collect()
}
