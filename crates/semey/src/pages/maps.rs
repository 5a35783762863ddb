//! The portal's maps: the GeoJSON the interactive (Leaflet) maps draw, built from the
//! platform's own outlines and points so they work with no internet, and the `/map` page whose
//! server-drawn SVG map is what readers without JavaScript see.

use super::context::{found, page, Chrome, Reader};
use crate::presentation::format;
use crate::presentation::i18n::{self, t};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use semey_domain::ids::{PlaceId, ProgrammeId};
use semey_domain::place::PlaceLevel;
use semey_domain::Lang;
use semey_store::{Dimension, FundingFilter, PlaceRecord};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// An interactive map on a page: the address of its features and the optional tile layer.
pub struct MapBox {
    features: String,
    tiles: String,
    attribution: String,
}

impl MapBox {
    pub fn new(s: &AppState, features: String) -> Self {
        Self {
            features,
            tiles: s.config.tile_url.clone(),
            attribution: s.config.tile_attribution.clone(),
        }
    }

    /// The map element; `fallback` (trusted HTML) is shown until the script replaces it.
    pub fn html(&self, label: &str, fallback: &str) -> String {
        let mut tiles = String::new();
        if !self.tiles.is_empty() {
            tiles = format!(
                r#" data-tiles="{}" data-attribution="{}""#,
                escape(&self.tiles),
                escape(&self.attribution)
            );
        }
        format!(
            r#"<div class="map-box" role="region" aria-label="{}" data-features="{}"{tiles}>{fallback}</div>"#,
            escape(label),
            escape(&self.features),
        )
    }
}

use crate::presentation::escape::html as escape;

/// Per place: money committed (USD cents) and the number of programmes.
struct Measures {
    committed: HashMap<String, i64>,
    programmes: HashMap<PlaceId, i64>,
}

async fn measures(s: &AppState, level: PlaceLevel, lang: Lang) -> Result<Measures, AppError> {
    let summary = crate::funding::summary(
        &s.store,
        &[Dimension::Place(Some(level))],
        &FundingFilter::default(),
        lang,
    )
    .await?;
    let committed = summary
        .groups
        .iter()
        .filter_map(|g| {
            Some((
                g.key.get("place").cloned().flatten()?,
                g.money.usd.sums.committed,
            ))
        })
        .collect();
    Ok(Measures {
        committed,
        programmes: s.store.programme_counts(level).await?,
    })
}

/// One place as a feature: its outline (or its point when it has none), name, link and,
/// when `m` is given, its money and number of programmes.
fn feature(r: &PlaceRecord, lang: Lang, m: Option<&Measures>, as_point: bool) -> Option<Value> {
    let geometry: Value = match (&r.geometry, r.place.point) {
        (Some(g), _) if !as_point => serde_json::from_str(g).ok()?,
        (_, Some(p)) => json!({"type": "Point", "coordinates": [p.lon, p.lat]}),
        _ => return None,
    };
    let mut props = Map::new();
    props.insert(
        "name".into(),
        r.place.name.best(lang).unwrap_or("").to_owned().into(),
    );
    props.insert("href".into(), format!("/places/{}", r.place.id).into());
    props.insert("link_text".into(), t(lang, "map-open-place").into());
    if let Some(m) = m {
        let cents = m
            .committed
            .get(&r.place.id.to_string())
            .copied()
            .unwrap_or(0);
        let count = m.programmes.get(&r.place.id).copied().unwrap_or(0);
        props.insert("funding".into(), (cents as f64 / 100.0).into());
        props.insert(
            "funding_text".into(),
            format!(
                "{}: {}",
                t(lang, "funding-committed"),
                format::money(lang, cents, "USD")
            )
            .into(),
        );
        props.insert("programmes".into(), count.into());
        props.insert(
            "programmes_text".into(),
            i18n::t_args(lang, "programmes-count", &[("count", count.into())]).into(),
        );
    }
    Some(json!({"type": "Feature", "geometry": geometry, "properties": props}))
}

/// What the map legend and layer switcher say, in the reader's language.
fn meta(lang: Lang, shaded: bool) -> Value {
    let measure = |key: &str, label: &str| {
        json!({
            "key": key,
            "label": t(lang, label),
            "title": t(lang, label),
            "less": t(lang, "map-less"),
            "more": t(lang, "map-more"),
            "none": t(lang, "map-none"),
        })
    };
    let measures = if shaded {
        vec![
            measure("funding", "map-layer-funding"),
            measure("programmes", "map-layer-programmes"),
        ]
    } else {
        Vec::new()
    };
    json!({"measures": measures, "settlements": t(lang, "map-layer-settlements")})
}

/// `GET /map/features.geojson[?programme=ID | ?place=ID]`: the districts of the regions where
/// programmes work (shaded by money and by number of programmes) and the settlements; or a
/// programme's places; or a place and what lies inside it.
pub async fn features(State(s): State<AppState>, reader: Reader) -> Result<Response, AppError> {
    let Reader {
        lang,
        query,
        chosen: _,
        uri: _,
    } = reader;
    let param = |k: &str| query.iter().find(|(key, _)| key == k).map(|(_, v)| v);
    let mut out = Vec::new();
    let mut shaded = false;
    if let Some(id) = param("programme") {
        let Ok(id) = id.parse::<ProgrammeId>() else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let Some(p) = found(s.store.programme(id).await)? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let ids: Vec<PlaceId> = p.places.iter().map(|x| x.place_id).collect();
        for r in s.store.place_records(&ids, None).await? {
            out.extend(feature(
                &r,
                lang,
                None,
                r.place.level == PlaceLevel::Country,
            ));
        }
    } else if let Some(id) = param("place") {
        let Ok(id) = id.parse::<PlaceId>() else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let Some(place) = found(s.store.place_record(id).await)? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let children = s.store.place_records(&[], Some(id)).await?;
        let child_level = children.first().map(|c| c.place.level);
        let m = match child_level {
            Some(PlaceLevel::Settlement) | None => None,
            Some(level) => Some(measures(&s, level, lang).await?),
        };
        shaded = m.is_some();
        if !shaded {
            out.extend(feature(&place, lang, None, false));
        }
        for c in &children {
            out.extend(feature(c, lang, m.as_ref(), false));
        }
    } else {
        let m = measures(&s, PlaceLevel::District, lang).await?;
        let regions = measures(&s, PlaceLevel::Region, lang).await?;
        let active = |r: &PlaceId| {
            regions.programmes.get(r).is_some_and(|n| *n > 0)
                || regions
                    .committed
                    .get(&r.to_string())
                    .is_some_and(|c| *c > 0)
        };
        shaded = true;
        for d in s.store.places_at_level(PlaceLevel::District, true).await? {
            if d.place.parent_id.as_ref().is_some_and(active) {
                out.extend(feature(&d, lang, Some(&m), false));
            }
        }
        for p in s
            .store
            .places_at_level(PlaceLevel::Settlement, false)
            .await?
        {
            let in_active = p
                .path
                .split('/')
                .any(|id| id.parse::<PlaceId>().ok().as_ref().is_some_and(&active));
            if in_active {
                out.extend(feature(&p, lang, None, true));
            }
        }
    }
    let body = json!({"type": "FeatureCollection", "features": out, "semey": meta(lang, shaded)});
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (header::VARY, "Accept-Language, Cookie"),
        ],
        body.to_string(),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    c: Chrome,
    map: String,
}

/// `/map`: the whole map, with the SVG choropleth for readers without JavaScript.
pub async fn map_page(State(s): State<AppState>, reader: Reader) -> Result<Response, AppError> {
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
    let svg = district_map(&s, lang)
        .await?
        .unwrap_or_else(|| format!("<p>{}</p>", t(lang, "map-needs-outlines")));
    let map = MapBox::new(&s, format!("/map/features.geojson?lang={}", lang.code()))
        .html(&t(lang, "map-heading"), &svg);
    let template = MapPage {
        c: Chrome::new(lang, &uri, query).with_map(),
        map,
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

/// The districts of the regions that have programmes, shaded by committed money, as an SVG
/// map; none until district outlines are imported.
async fn district_map(s: &AppState, lang: Lang) -> Result<Option<String>, AppError> {
    let regions = measures(s, PlaceLevel::Region, lang).await?;
    let districts = measures(s, PlaceLevel::District, lang).await?;
    let mut areas = Vec::new();
    for d in s.store.places_at_level(PlaceLevel::District, true).await? {
        let in_region = d.place.parent_id.is_some_and(|p| {
            regions.programmes.get(&p).is_some_and(|n| *n > 0)
                || regions
                    .committed
                    .get(&p.to_string())
                    .is_some_and(|v| *v > 0)
        });
        let Some(geometry) = d
            .geometry
            .as_deref()
            .and_then(|g| serde_json::from_str(g).ok())
        else {
            continue;
        };
        if !in_region {
            continue;
        }
        let cents = districts.committed.get(&d.place.id.to_string()).copied();
        areas.push(crate::presentation::map::Area {
            href: format!("/places/{}", d.place.id),
            name: d.place.name.best(lang).unwrap_or("").to_owned(),
            geometry,
            value: cents.map(|c| c as f64 / 100.0),
            label: format::money(lang, cents.unwrap_or(0), "USD"),
        });
    }
    if areas.is_empty() {
        return Ok(None);
    }
    let markers: Vec<crate::presentation::map::Marker> = s
        .store
        .places_at_level(PlaceLevel::Settlement, false)
        .await?
        .into_iter()
        .filter_map(|r| {
            let p = r.place.point?;
            Some(crate::presentation::map::Marker {
                href: format!("/places/{}", r.place.id),
                name: r.place.name.best(lang).unwrap_or("").to_owned(),
                lon: p.lon,
                lat: p.lat,
            })
        })
        .collect();
    Ok(Some(crate::presentation::map::choropleth(
        &t(lang, "map-title"),
        &t(lang, "map-description"),
        &t(lang, "map-no-money"),
        &areas,
        &markers,
        &|v| format::compact(lang, v),
    )))
}

/// The districts' outlines, each shaded by its value in `values` (when any), with `markers` on
/// top; none until district outlines are imported, or when there is nothing to show.
#[allow(clippy::too_many_arguments)]
pub(super) async fn outline_map(
    s: &AppState,
    lang: Lang,
    title: &str,
    description: &str,
    no_value: &str,
    values: &std::collections::HashMap<semey_domain::ids::PlaceId, f64>,
    markers: &[crate::presentation::map::Marker],
    fmt: &(dyn Fn(f64) -> String + Sync),
) -> Result<Option<String>, AppError> {
    let mut areas = Vec::new();
    for d in s.store.places_at_level(PlaceLevel::District, true).await? {
        let Some(geometry) = d
            .geometry
            .as_deref()
            .and_then(|g| serde_json::from_str(g).ok())
        else {
            continue;
        };
        let value = values.get(&d.place.id).copied();
        areas.push(crate::presentation::map::Area {
            href: format!("/places/{}", d.place.id),
            name: d.place.name.best(lang).unwrap_or("").to_owned(),
            geometry,
            value,
            label: value.map(fmt).unwrap_or_default(),
        });
    }
    if areas.is_empty() || (markers.is_empty() && values.is_empty()) {
        return Ok(None);
    }
    Ok(Some(crate::presentation::map::choropleth(
        title,
        description,
        no_value,
        &areas,
        markers,
        fmt,
    )))
}
