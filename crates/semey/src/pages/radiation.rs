//! Radiation pages: the map of measured dose rates, the "my place" page of each settlement,
//! and the datasets with their provenance.

use super::context::{found, page, Chrome, Reader};
use crate::presentation::chart::{Chart, Series};
use crate::presentation::format;
use crate::radiation::{self as rad, distance_km, LegendRow, RiskMessage};
use crate::routes::Route;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use semey_domain::ids::PlaceId;
use semey_domain::place::PlaceLevel;
use semey_domain::radiation::RESOLUTIONS;
use semey_domain::Lang;
use semey_store::{Page, ProgrammeFilter};
use time::OffsetDateTime;

pub fn route_list() -> Vec<Route> {
    vec![
        Route::page("/radiation", get(overview)),
        Route::page("/radiation/places/{id}", get(my_place)),
        Route::page("/radiation/datasets", get(datasets)),
        Route::page("/radiation/datasets/{id}", get(dataset)),
    ]
}

fn date_of(lang: Lang, t: i64) -> String {
    OffsetDateTime::from_unix_timestamp(t)
        .map(|d| format::date(lang, d.date()))
        .unwrap_or_default()
}

/// A settlement's line in the overview.
struct SettlementRow {
    href: String,
    name: String,
    band: String,
    band_code: &'static str,
    median: String,
    count: String,
    newest: String,
}

/// The estimate's parameters, as shown.
struct Parameter {
    label: String,
    value: String,
}

fn parameters(s: &AppState, lang: Lang) -> Vec<Parameter> {
    let cfg = &s.config.radiation;
    let m = format::measure;
    let t = |k: &str| crate::presentation::i18n::t(lang, k);
    let [b0, b1, b2] = cfg.model.band_limits_msv;
    vec![
        Parameter {
            label: t("radiation-param-background"),
            value: format!("{} µSv/h", m(lang, cfg.model.background_usv_h)),
        },
        Parameter {
            label: t("radiation-param-outdoor"),
            value: format::percent(lang, cfg.model.outdoor_fraction * 100.0),
        },
        Parameter {
            label: t("radiation-param-indoor"),
            value: format::percent(lang, cfg.model.indoor_fraction * 100.0),
        },
        Parameter {
            label: t("radiation-param-shielding"),
            value: m(lang, cfg.model.shielding),
        },
        Parameter {
            label: t("radiation-param-k"),
            value: m(lang, cfg.model.effective_per_ambient),
        },
        Parameter {
            label: t("radiation-param-bands"),
            value: format!("{} · {} · {} mSv/y", m(lang, b0), m(lang, b1), m(lang, b2)),
        },
        Parameter {
            label: t("radiation-param-age"),
            value: crate::presentation::i18n::t_args(
                lang,
                "radiation-years",
                &[("n", (cfg.max_age_years as f64).into())],
            ),
        },
        Parameter {
            label: t("radiation-param-radius"),
            value: format!("{} km", m(lang, cfg.settlement_radius_km)),
        },
    ]
}

#[derive(Template)]
#[template(path = "radiation.html")]
struct OverviewPage {
    c: Chrome,
    map: String,
    legend: Vec<LegendRow>,
    settlements: Vec<SettlementRow>,
    parameters: Vec<Parameter>,
    datasets: usize,
}

/// `/radiation`: the map of measured dose rates and every settlement's band.
async fn overview(State(s): State<AppState>, reader: Reader) -> Result<Response, AppError> {
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
    let cfg = &s.config.radiation;
    let now = OffsetDateTime::now_utc();
    let mut settlements = Vec::new();
    for r in s
        .store
        .places_at_level(PlaceLevel::Settlement, false)
        .await?
    {
        let risk = rad::place_risk(&s.store, cfg, r.place.id, now).await?;
        let a = &risk.assessment;
        let band_code = a.band.map_or("not_measured", |b| b.code());
        settlements.push(SettlementRow {
            href: format!("/radiation/places/{}", r.place.id),
            name: r.place.name.best(lang).unwrap_or_default().to_owned(),
            band: crate::presentation::i18n::t(lang, &format!("band-{band_code}-title")),
            band_code,
            median: a
                .median_usv_h
                .filter(|_| a.band.is_some())
                .map(|v| format::measure(lang, v))
                .unwrap_or_default(),
            count: format::integer(lang, a.count as i64),
            newest: a.newest.map(|t| date_of(lang, t)).unwrap_or_default(),
        });
    }
    settlements.sort_by(|a, b| a.name.cmp(&b.name));
    let model = &cfg.model;
    // The map opens on where the readings are (the area of interest when there are none).
    let coarse = s.store.bins_in(RESOLUTIONS[0], cfg.area, 20_000).await?;
    let view = if coarse.is_empty() {
        cfg.area
    } else {
        let pad = 0.3;
        coarse.iter().fold(
            [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
            |[a, b, c, d], bin| {
                [
                    a.min(bin.lon - pad),
                    b.min(bin.lat - pad),
                    c.max(bin.lon + pad),
                    d.max(bin.lat + pad),
                ]
            },
        )
    };
    let map = format!(
        r#"<div class="map-box radiation-map" role="region" aria-label="{}" data-radiation="/api/v1/radiation/bins?lang={}" data-outlines="/map/features.geojson?lang={}" data-bbox="{}"{}><p>{}</p></div>"#,
        crate::presentation::i18n::t(lang, "radiation-map-title"),
        lang.code(),
        lang.code(),
        view.map(|v| format!("{v:.3}")).join(","),
        tiles_attributes(&s),
        crate::presentation::i18n::t(lang, "radiation-no-js"),
    );
    let template = OverviewPage {
        map,
        legend: rad::legend(model, lang),
        settlements,
        parameters: parameters(&s, lang),
        datasets: s.store.datasets().await?.len(),
        c: Chrome::new(lang, &uri, query).with_map(),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

fn tiles_attributes(s: &AppState) -> String {
    if s.config.tile_url.is_empty() {
        return String::new();
    }
    let e = crate::presentation::escape::html;
    format!(
        r#" data-tiles="{}" data-attribution="{}""#,
        e(&s.config.tile_url),
        e(&s.config.tile_attribution)
    )
}

/// A hexagon near the place.
struct Nearby {
    distance: String,
    median: String,
    max: String,
    count: String,
    newest: String,
    colour: &'static str,
}

struct YearRow {
    year: i32,
    count: String,
    median: String,
    max: String,
}

#[derive(Template)]
#[template(path = "radiation_place.html")]
struct PlacePage {
    c: Chrome,
    name: String,
    place_href: String,
    message: RiskMessage,
    band_code: &'static str,
    colour: &'static str,
    parameters: Vec<Parameter>,
    nearby: Vec<Nearby>,
    history: Vec<YearRow>,
    history_chart: Option<String>,
    programmes: Vec<(String, String)>,
    map: String,
    /// The nearest services of the directory that help here (measurement, screening, care).
    contacts: Vec<super::services::Card>,
}

/// Whom to contact about radiation at `point`: the nearest services that measure it, screen
/// for its effects and give health care, from the directory.
async fn contacts_near(
    s: &AppState,
    lang: semey_domain::Lang,
    point: semey_domain::place::Point,
    now: OffsetDateTime,
) -> Result<Vec<super::services::Card>, AppError> {
    use semey_domain::service::ServiceCategory as C;
    let mut found = Vec::new();
    for (need, n) in [
        (C::RadiationMeasurement, 2),
        (C::Screening, 2),
        (C::HealthCare, 1),
    ] {
        found.extend(crate::services::nearest(&s.store, point, Some(need), now, n).await?);
    }
    let names =
        crate::services::place_names(&s.store, found.iter().map(|f| &f.service), lang).await?;
    Ok(found
        .iter()
        .map(|f| super::services::card(lang, f, &names, now))
        .collect())
}

/// `/radiation/places/{id}`: what the radiation is where I live, and what to do.
async fn my_place(
    State(s): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<PlaceId>() else {
        return Ok(reader.not_found());
    };
    let cfg = &s.config.radiation;
    let now = OffsetDateTime::now_utc();
    let Some(risk) = found(
        rad::place_risk(&s.store, cfg, id, now)
            .await
            .map_err(|e| match e {
                AppError::Store(e) => e,
                other => semey_store::StoreError::Corrupt(other.to_string()),
            }),
    )?
    else {
        return Ok(reader.not_found());
    };
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
    let model = &cfg.model;
    let a = &risk.assessment;
    let band_code = a.band.map_or("not_measured", |b| b.code());
    let name = risk.place.name.best(lang).unwrap_or_default().to_owned();
    // Nearest hexagons (about 170 m across) with readings, within the settlement radius.
    let mut nearby = Vec::new();
    if let Some(p) = risk.place.point {
        let r = cfg.settlement_radius_km;
        let dlat = r / 111.0;
        let dlon = r / (111.0 * p.lat.to_radians().cos().max(0.1));
        let cells = s
            .store
            .bins_in(
                RESOLUTIONS[2],
                [p.lon - dlon, p.lat - dlat, p.lon + dlon, p.lat + dlat],
                5000,
            )
            .await?;
        let mut with_d: Vec<_> = cells
            .into_iter()
            .map(|b| (distance_km(p.lat, p.lon, b.lat, b.lon), b))
            .filter(|(d, _)| *d <= r)
            .collect();
        with_d.sort_by(|x, y| x.0.total_cmp(&y.0));
        nearby = with_d
            .into_iter()
            .take(10)
            .map(|(d, b)| Nearby {
                distance: format!("{} km", format::measure(lang, d)),
                median: format::measure(lang, b.median_usv_h),
                max: format::measure(lang, b.max_usv_h),
                count: format::integer(lang, b.count),
                newest: date_of(lang, b.newest),
                colour: rad::colour(model, b.median_usv_h),
            })
            .collect();
    }
    let history: Vec<YearRow> = risk
        .by_year
        .iter()
        .map(|(year, st)| YearRow {
            year: *year,
            count: format::integer(lang, st.count() as i64),
            median: st
                .median()
                .map(|v| format::measure(lang, v))
                .unwrap_or_default(),
            max: format::measure(lang, st.max_usv_h),
        })
        .collect();
    let history_chart = (risk.by_year.len() > 1).then(|| {
        Chart {
            title: crate::presentation::i18n::t(lang, "radiation-history"),
            description: crate::presentation::i18n::t(lang, "radiation-history-note"),
            categories: risk.by_year.iter().map(|(y, _)| y.to_string()).collect(),
            series: vec![
                Series {
                    name: crate::presentation::i18n::t(lang, "radiation-median"),
                    values: risk
                        .by_year
                        .iter()
                        .map(|(_, st)| st.median().unwrap_or(0.0))
                        .collect(),
                },
                Series {
                    name: crate::presentation::i18n::t(lang, "radiation-max"),
                    values: risk.by_year.iter().map(|(_, st)| st.max_usv_h).collect(),
                },
            ],
        }
        .line(&|v| format::measure(lang, v))
    });
    let (programmes, _) = s
        .store
        .list_programmes(
            &ProgrammeFilter {
                place: Some(id),
                ..Default::default()
            },
            Page::new(Some(100), None),
        )
        .await?;
    let map = match risk.place.point {
        Some(p) => {
            let d = 0.08;
            format!(
                r#"<div class="map-box radiation-map" role="region" aria-label="{}" data-radiation="/api/v1/radiation/bins?lang={}" data-bbox="{},{},{},{}" data-zoom="12"{}><p>{}</p></div>"#,
                crate::presentation::i18n::t(lang, "radiation-map-title"),
                lang.code(),
                p.lon - d,
                p.lat - d,
                p.lon + d,
                p.lat + d,
                tiles_attributes(&s),
                crate::presentation::i18n::t(lang, "radiation-no-js"),
            )
        }
        None => String::new(),
    };
    let contacts = match risk.place.point {
        Some(p) => contacts_near(&s, lang, p, now).await?,
        None => Vec::new(),
    };
    let template = PlacePage {
        contacts,
        place_href: format!("/places/{id}"),
        message: rad::message(a, cfg, lang),
        colour: a
            .median_usv_h
            .filter(|_| a.band.is_some())
            .map_or("#f2f2f2", |m| rad::colour(model, m)),
        band_code,
        parameters: parameters(&s, lang),
        nearby,
        history,
        history_chart,
        programmes: programmes
            .iter()
            .map(|p| {
                (
                    format!("/programmes/{}", p.id),
                    p.title.best(lang).unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        map,
        name,
        c: Chrome::new(lang, &uri, query).with_map(),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

struct DatasetRow {
    href: String,
    name: String,
    source: String,
    licence: String,
    count: String,
}

#[derive(Template)]
#[template(path = "radiation_datasets.html")]
struct DatasetsPage {
    c: Chrome,
    rows: Vec<DatasetRow>,
}

async fn datasets(State(s): State<AppState>, reader: Reader) -> Result<Response, AppError> {
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
    let rows = s
        .store
        .datasets()
        .await?
        .into_iter()
        .map(|(d, n)| DatasetRow {
            href: format!("/radiation/datasets/{}", d.id),
            name: d.name,
            source: d.source,
            licence: d.licence,
            count: format::integer(lang, n),
        })
        .collect();
    let template = DatasetsPage {
        rows,
        c: Chrome::new(lang, &uri, query),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

struct ImportRow {
    file: String,
    format: String,
    when: String,
    rows: String,
    added: String,
    duplicates: String,
    skipped: String,
    sha256: String,
    reasons: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "radiation_dataset.html")]
struct DatasetPage {
    c: Chrome,
    name: String,
    source: String,
    licence: String,
    description: String,
    url: Option<String>,
    created: String,
    count: String,
    imports: Vec<ImportRow>,
    export_csv: String,
    export_geojson: String,
}

async fn dataset(
    State(s): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(reader.not_found());
    };
    let Some(d) = found(s.store.dataset(id).await)? else {
        return Ok(reader.not_found());
    };
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
    let imports = s.store.imports_of(id).await?;
    let total: i64 = imports.iter().map(|i| i.inserted).sum();
    let reasons = |r: &serde_json::Value| -> Vec<(String, String)> {
        let mut out = Vec::new();
        for key in ["skipped", "rejected"] {
            if let Some(m) = r.get(key).and_then(|v| v.as_object()) {
                for (code, tally) in m {
                    let n = tally.get("count").and_then(|c| c.as_i64()).unwrap_or(0);
                    out.push((
                        crate::presentation::i18n::t(lang, &format!("radiation-reason-{code}")),
                        format::integer(lang, n),
                    ));
                }
            }
        }
        out
    };
    let template = DatasetPage {
        name: d.name,
        source: d.source,
        licence: d.licence,
        description: d.description,
        url: d.url,
        created: d.created_at.get(..10).unwrap_or_default().to_owned(),
        count: format::integer(lang, total),
        imports: imports
            .iter()
            .map(|i| ImportRow {
                file: i.file_name.clone(),
                format: i.format.clone(),
                when: i.imported_at.get(..10).unwrap_or_default().to_owned(),
                rows: format::integer(lang, i.rows_read),
                added: format::integer(lang, i.inserted),
                duplicates: format::integer(lang, i.duplicates),
                skipped: format::integer(lang, i.skipped),
                sha256: i.sha256.clone(),
                reasons: reasons(&i.report),
            })
            .collect(),
        export_csv: format!("/api/v1/radiation/measurements?dataset={id}&format=csv"),
        export_geojson: format!("/api/v1/radiation/measurements?dataset={id}&format=geojson"),
        c: Chrome::new(lang, &uri, query),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}
