//! `semey import places FILE.geojson`: regions, districts and settlements from GeoJSON.
//!
//! The field mapping is detected from the properties (geokz's `ADM1_*`/`ADM2_*`/`KATO`, the
//! administrative-centre files' `NAME_*`, GeoNames' `name`/`lat`/`lng`) or given explicitly.
//! Settlements are placed in the district whose outline contains them: the boundary wins over
//! a region label in the file, and the report says where the two disagree.

use crate::import::{ImportReport, Problems, Progress, Source};
use crate::AppError;
use geo::{BoundingRect, Contains};
use semey_domain::ids::PlaceId;
use semey_domain::place::{KatoCode, PlaceLevel, Point, Population};
use semey_domain::{Lang, LocalText};
use semey_store::{PlaceRecord, PlaceWrite, Store, Upserted};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Which property holds what; anything left `None` is detected.
#[derive(Debug, Clone, Default)]
pub struct PlaceMapping {
    pub level: Option<PlaceLevel>,
    pub kato: Option<String>,
    pub name_kk: Option<String>,
    pub name_ru: Option<String>,
    pub name_en: Option<String>,
    pub name_zh: Option<String>,
    pub population: Option<String>,
    pub population_year: Option<i32>,
    /// Property with the region named in the file (checked against the boundaries).
    pub region_label: Option<String>,
    /// Where the file comes from, stored with every place.
    pub source: Option<String>,
}

impl PlaceMapping {
    /// Fills what is not given from the properties of the first feature.
    fn detect(mut self, props: &Map<String, Value>) -> Result<Self, AppError> {
        let has = |k: &str| props.contains_key(k);
        let named = self.name_en.is_some() || self.name_ru.is_some() || self.name_kk.is_some();
        if self.level.is_some() && named {
            // Everything needed was given: a layout of the user's own.
            self.source = self.source.or_else(|| Some("not stated".to_owned()));
            return Ok(self);
        }
        let (level, names, region_label, source) = if has("NAME_EN") {
            (
                PlaceLevel::Settlement,
                ["NAME_KK", "NAME_RU", "NAME_EN"],
                Some("ADM1_EN"),
                "geokz administrative centres (CC BY 4.0)",
            )
        } else if has("ADM2_PCODE") || has("ADM2_EN") {
            (
                PlaceLevel::District,
                ["ADM2_KK", "ADM2_RU", "ADM2_EN"],
                Some("ADM1_EN"),
                "geokz 2024 (Bureau of National Statistics; CC BY 4.0)",
            )
        } else if has("ADM1_PCODE") || has("ADM1_EN") {
            (
                PlaceLevel::Region,
                ["ADM1_KK", "ADM1_RU", "ADM1_EN"],
                None,
                "geokz 2024 (Bureau of National Statistics; CC BY 4.0)",
            )
        } else if has("name") {
            (
                PlaceLevel::Settlement,
                ["", "", "name"],
                Some("admin1_name"),
                "GeoNames (CC BY 4.0)",
            )
        } else {
            return Err(AppError::Import(vec![semey_domain::FieldError::new(
                "feature 1",
                "unknown_mapping",
                format!(
                    "cannot tell which properties hold the names (found: {}); give them with --name-en/--name-ru/--name-kk and --level",
                    props.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )]));
        };
        let pick = |given: Option<String>, default: &str| {
            given.or_else(|| (!default.is_empty() && has(default)).then(|| default.to_owned()))
        };
        self.level = self.level.or(Some(level));
        self.name_kk = pick(self.name_kk, names[0]);
        self.name_ru = pick(self.name_ru, names[1]);
        self.name_en = pick(self.name_en, names[2]);
        self.kato = pick(self.kato, "KATO");
        self.population = pick(self.population, "population");
        self.region_label = self
            .region_label
            .or_else(|| region_label.filter(|r| has(r)).map(str::to_owned));
        self.source = self.source.or_else(|| Some(source.to_owned()));
        Ok(self)
    }
}

fn prop_str(props: &Map<String, Value>, key: &Option<String>) -> Option<String> {
    let v = props.get(key.as_deref()?)?;
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Checks a GeoJSON geometry: closed rings of at least four positions, coordinates on Earth.
fn check_geometry(g: &geojson::Geometry) -> Result<(), String> {
    fn pos(p: &[f64]) -> Result<(), String> {
        if p.len() < 2 {
            return Err("a position has fewer than two coordinates".into());
        }
        let (lon, lat) = (p[0], p[1]);
        if !lon.is_finite()
            || !lat.is_finite()
            || !(-180.0..=180.0).contains(&lon)
            || !(-90.0..=90.0).contains(&lat)
        {
            return Err(format!(
                "the position ({lon}, {lat}) is not a longitude/latitude"
            ));
        }
        Ok(())
    }
    fn ring(r: &[Vec<f64>], i: usize) -> Result<(), String> {
        if r.len() < 4 {
            return Err(format!(
                "ring {i} has {} positions; a closed ring needs at least 4",
                r.len()
            ));
        }
        for p in r {
            pos(p)?;
        }
        if r.first() != r.last() {
            return Err(format!(
                "ring {i} is not closed (its first and last positions differ)"
            ));
        }
        Ok(())
    }
    match &g.value {
        geojson::Value::Point(p) => pos(p),
        geojson::Value::Polygon(rings) => {
            if rings.is_empty() {
                return Err("the polygon has no rings".into());
            }
            rings.iter().enumerate().try_for_each(|(i, r)| ring(r, i))
        }
        geojson::Value::MultiPolygon(polys) => {
            if polys.is_empty() {
                return Err("the multipolygon has no polygons".into());
            }
            for p in polys {
                if p.is_empty() {
                    return Err("a polygon of the multipolygon has no rings".into());
                }
                p.iter().enumerate().try_for_each(|(i, r)| ring(r, i))?;
            }
            Ok(())
        }
        other => Err(format!(
            "a {} geometry cannot outline a place",
            other.type_name()
        )),
    }
}

/// Letters only, lower case, without "region", with y read as i: "Abai Region" ~ "Abay".
fn comparable_region(s: &str) -> String {
    let lower = s
        .to_lowercase()
        .replace("region", "")
        .replace("oblysy", "")
        .replace("oblast", "");
    lower
        .chars()
        .filter(|c| c.is_alphabetic())
        .map(|c| if c == 'y' { 'i' } else { c })
        .collect()
}

/// A district outline, ready for point-in-polygon tests.
struct District {
    record: PlaceRecord,
    shape: geo::MultiPolygon<f64>,
    bbox: geo::Rect<f64>,
    region_name: String,
}

fn to_multipolygon(g: &geojson::Geometry) -> Option<geo::MultiPolygon<f64>> {
    match geo_types_of(g)? {
        geo::Geometry::Polygon(p) => Some(geo::MultiPolygon(vec![p])),
        geo::Geometry::MultiPolygon(m) => Some(m),
        _ => None,
    }
}

fn geo_types_of(g: &geojson::Geometry) -> Option<geo::Geometry<f64>> {
    geo::Geometry::<f64>::try_from(g.value.clone()).ok()
}

struct Parsed {
    write: PlaceWrite,
    feature_no: usize,
    label: String,
    region_label: Option<String>,
    region_from_kato: Option<(KatoCode, LocalText)>,
    country_name: LocalText,
}

/// Imports the places of a GeoJSON FeatureCollection, all or nothing.
pub async fn import_places(
    store: &Store,
    src: &Source<'_>,
    mapping: PlaceMapping,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let bytes = src.bytes;
    let (text, _) = crate::import::decode_text(bytes)?;
    let fc = match text.parse::<geojson::GeoJson>() {
        Ok(geojson::GeoJson::FeatureCollection(fc)) => fc,
        Ok(geojson::GeoJson::Feature(f)) => geojson::FeatureCollection {
            bbox: None,
            features: vec![f],
            foreign_members: None,
        },
        Ok(_) => {
            return Err(AppError::Import(vec![semey_domain::FieldError::new(
                "file",
                "not_features",
                "the file holds a bare geometry: expected a FeatureCollection",
            )]))
        }
        Err(e) => {
            return Err(AppError::Import(vec![semey_domain::FieldError::new(
                "file",
                "invalid_geojson",
                format!("not valid GeoJSON: {e}"),
            )]))
        }
    };
    let Some(first_props) = fc.features.first().and_then(|f| f.properties.clone()) else {
        return Err(AppError::Import(vec![semey_domain::FieldError::new(
            "file",
            "empty_file",
            "the file has no features with properties",
        )]));
    };
    let m = mapping.detect(&first_props)?;
    let level = m.level.expect("detected");
    let source = m.source.clone().unwrap_or_default();
    let mut problems = Problems::default();
    let mut parsed = Vec::new();
    progress.start("checking places", fc.features.len() as u64);
    for (i, f) in fc.features.iter().enumerate() {
        let no = i + 1;
        let empty = Map::new();
        let props = f.properties.as_ref().unwrap_or(&empty);
        let mut name = LocalText::new();
        for (lang, key) in [
            (Lang::Kk, &m.name_kk),
            (Lang::Ru, &m.name_ru),
            (Lang::En, &m.name_en),
            (Lang::Zh, &m.name_zh),
        ] {
            if let Some(v) = prop_str(props, key) {
                name.set(lang, v);
            }
        }
        let label = name.best(Lang::En).unwrap_or("?").to_owned();
        let field = |what: &str| format!("feature {no} ({label}){what}");
        if name.is_empty() {
            problems.push(semey_domain::FieldError::new(
                field(""),
                "required",
                "the feature has no name",
            ));
            continue;
        }
        let kato = match prop_str(props, &m.kato) {
            Some(k) => match KatoCode::parse(&k) {
                Ok(k) => Some(k),
                Err(e) => {
                    problems.push(semey_domain::FieldError::new(
                        field(": KATO"),
                        "invalid_kato",
                        e.errors[0].message.clone(),
                    ));
                    continue;
                }
            },
            None => None,
        };
        if level != PlaceLevel::Settlement && kato.is_none() {
            problems.push(semey_domain::FieldError::new(
                field(": KATO"),
                "required",
                "regions and districts need a KATO code",
            ));
            continue;
        }
        let Some(geometry) = &f.geometry else {
            problems.push(semey_domain::FieldError::new(
                field(": geometry"),
                "required",
                "the feature has no geometry",
            ));
            continue;
        };
        if let Err(msg) = check_geometry(geometry) {
            problems.push(semey_domain::FieldError::new(
                field(": geometry"),
                "invalid_geometry",
                msg,
            ));
            continue;
        }
        let shape = geo_types_of(geometry);
        let (point, bbox, outline) = match (&geometry.value, &shape) {
            (geojson::Value::Point(p), _) => (
                Some(Point {
                    lon: p[0],
                    lat: p[1],
                }),
                None,
                None,
            ),
            (_, Some(s)) => {
                let rect = s.bounding_rect();
                // A label point for the map; the outline is what places things.
                let centre = geo::Centroid::centroid(s).map(|c| Point {
                    lon: c.x(),
                    lat: c.y(),
                });
                (
                    centre,
                    rect.map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]),
                    Some(geometry.to_string()),
                )
            }
            _ => {
                problems.push(semey_domain::FieldError::new(
                    field(": geometry"),
                    "invalid_geometry",
                    "the geometry cannot be read",
                ));
                continue;
            }
        };
        let population = prop_str(props, &m.population)
            .and_then(|p| p.parse::<i64>().ok())
            .map(|count| Population {
                count,
                year: m.population_year.unwrap_or(2024),
                source: source.clone(),
            });
        let region_from_kato = if level == PlaceLevel::District {
            kato.as_ref()
                .and_then(|k| KatoCode::parse(&format!("{}0000000", &k.as_str()[..2])).ok())
                .map(|rk| {
                    let mut n = LocalText::new();
                    for (lang, key) in [
                        (Lang::Kk, "ADM1_KK"),
                        (Lang::Ru, "ADM1_RU"),
                        (Lang::En, "ADM1_EN"),
                    ] {
                        if let Some(v) = prop_str(props, &Some(key.to_owned())) {
                            n.set(lang, v);
                        }
                    }
                    (rk, n)
                })
        } else {
            None
        };
        let mut country_name = LocalText::new();
        for (lang, key) in [
            (Lang::Kk, "ADM0_KK"),
            (Lang::Ru, "ADM0_RU"),
            (Lang::En, "ADM0_EN"),
        ] {
            if let Some(v) = prop_str(props, &Some(key.to_owned())) {
                country_name.set(lang, v);
            }
        }
        let write = PlaceWrite {
            // Settlements get their key once their district is known.
            source_key: kato.as_ref().map(PlaceWrite::area_key).unwrap_or_default(),
            level,
            parent_id: None,
            kato,
            name,
            point,
            bbox,
            geometry: outline,
            population,
            source: source.clone(),
        };
        parsed.push(Parsed {
            write,
            feature_no: no,
            label,
            region_label: prop_str(props, &m.region_label),
            region_from_kato,
            country_name,
        });
    }
    problems.into_result()?;

    let mut report = ImportReport {
        kind: format!("places ({}s)", level.as_str()),
        rows: parsed.len() as u64,
        ..Default::default()
    };
    let mut tx = store.begin().await?;
    let country_id = ensure_country(
        store,
        &mut tx,
        parsed
            .first()
            .map(|p| p.country_name.clone())
            .unwrap_or_default(),
    )
    .await?;
    let districts = if level == PlaceLevel::Settlement {
        load_districts(store).await?
    } else {
        Vec::new()
    };
    if level == PlaceLevel::Settlement && districts.is_empty() {
        return Err(AppError::Import(vec![semey_domain::FieldError::new(
            "file",
            "no_districts",
            "settlements are placed by district boundaries: import the districts file first",
        )]));
    }
    let mut region_ids: HashMap<String, PlaceId> = HashMap::new();
    progress.start("saving places", parsed.len() as u64);
    for (i, mut p) in parsed.into_iter().enumerate() {
        p.write.parent_id = Some(match level {
            PlaceLevel::Country => {
                return Err(AppError::Import(vec![semey_domain::FieldError::new(
                    "file",
                    "unsupported_level",
                    "countries are not imported from files",
                )]))
            }
            PlaceLevel::Region => country_id,
            PlaceLevel::District => {
                let (rk, rname) = p
                    .region_from_kato
                    .clone()
                    .expect("districts have a KATO code");
                match region_ids.get(rk.as_str()) {
                    Some(id) => *id,
                    None => {
                        let id = match store.place_by_kato(PlaceLevel::Region, &rk).await? {
                            Some(r) => r.id,
                            None => {
                                // The region's own file was not imported: create it from the
                                // names the district carries; its outline comes with that file.
                                let w = PlaceWrite {
                                    source_key: format!("kato:{rk}"),
                                    level: PlaceLevel::Region,
                                    parent_id: Some(country_id),
                                    kato: Some(rk.clone()),
                                    name: rname,
                                    point: None,
                                    bbox: None,
                                    geometry: None,
                                    population: None,
                                    source: source.clone(),
                                };
                                let id = store.upsert_place(&mut tx, &w).await?.0;
                                report.notes.push(format!(
                                    "region {rk} was created from the districts' properties"
                                ));
                                id
                            }
                        };
                        region_ids.insert(rk.to_string(), id);
                        id
                    }
                }
            }
            PlaceLevel::Settlement => {
                let pt = p.write.point.expect("settlements are points");
                let gp = geo::Point::new(pt.lon, pt.lat);
                let Some(d) = districts
                    .iter()
                    .find(|d| d.bbox.contains(&gp) && d.shape.contains(&gp))
                else {
                    return Err(AppError::Import(vec![semey_domain::FieldError::new(
                        format!("feature {} ({})", p.feature_no, p.label),
                        "outside_districts",
                        format!(
                            "no imported district contains the point ({}, {})",
                            pt.lon, pt.lat
                        ),
                    )]));
                };
                if let Some(label) = &p.region_label {
                    if comparable_region(label) != comparable_region(&d.region_name) {
                        report.notes.push(format!(
                            "{}: the file says {label}, but the point lies in {} district of {} region; placed by the boundary",
                            p.label,
                            d.record.place.name.best(Lang::En).unwrap_or("?"),
                            d.region_name
                        ));
                    }
                }
                p.write.source_key = PlaceWrite::settlement_key(d.record.place.id, &p.write.name);
                d.record.place.id
            }
        });
        match store.upsert_place(&mut tx, &p.write).await?.1 {
            Upserted::Created => report.inserted += 1,
            Upserted::Updated => report.updated += 1,
            Upserted::Unchanged => report.unchanged += 1,
        }
        progress.set(i as u64 + 1);
    }
    src.audit(store, &mut tx, &report).await?;
    tx.commit().await?;
    progress.finish();
    Ok(report)
}

async fn ensure_country(
    store: &Store,
    tx: &mut semey_store::Tx,
    name: LocalText,
) -> Result<PlaceId, AppError> {
    let name = if name.is_empty() {
        LocalText::new()
            .with(Lang::Kk, "Қазақстан Республикасы")
            .with(Lang::Ru, "Республика Казахстан")
            .with(Lang::En, "Republic of Kazakhstan")
            .with(Lang::Zh, "哈萨克斯坦共和国")
    } else {
        name.with(Lang::Zh, "哈萨克斯坦共和国")
    };
    let w = PlaceWrite {
        source_key: "country:KZ".into(),
        level: PlaceLevel::Country,
        parent_id: None,
        kato: None,
        name,
        point: None,
        bbox: None,
        geometry: None,
        population: None,
        source: "Republic of Kazakhstan".into(),
    };
    Ok(store.upsert_place(tx, &w).await?.0)
}

async fn load_districts(store: &Store) -> Result<Vec<District>, AppError> {
    let regions: HashMap<PlaceId, String> = store
        .places_at_level(PlaceLevel::Region, false)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.place.id,
                r.place.name.best(Lang::En).unwrap_or("?").to_owned(),
            )
        })
        .collect();
    let mut out = Vec::new();
    for record in store.places_at_level(PlaceLevel::District, true).await? {
        let Some(geometry) = record
            .geometry
            .as_deref()
            .and_then(|g| g.parse::<geojson::Geometry>().ok())
        else {
            continue;
        };
        let Some(shape) = to_multipolygon(&geometry) else {
            continue;
        };
        let Some(bbox) = shape.bounding_rect() else {
            continue;
        };
        let region_name = record
            .place
            .parent_id
            .and_then(|p| regions.get(&p).cloned())
            .unwrap_or_default();
        out.push(District {
            record,
            shape,
            bbox,
            region_name,
        });
    }
    Ok(out)
}
