//! Places: the territorial hierarchy.

use crate::db::{bind_args, now, on_db, on_pool, on_tx, parse_id, Arg, Db, Page, Sql, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::ids::PlaceId;
use semey_domain::place::{KatoCode, Place, PlaceLevel, Point, Population};
use semey_domain::{Invalid, LocalText};
use std::collections::HashMap;

/// Everything needed to create or update a place, keyed by `source_key` so that re-importing
/// the same file updates instead of duplicating.
#[derive(Debug, Clone)]
pub struct PlaceWrite {
    /// Stable key of the record in its source: `kato:<code>` when the place has a KATO code.
    pub source_key: String,
    pub level: PlaceLevel,
    pub parent_id: Option<PlaceId>,
    pub kato: Option<KatoCode>,
    pub name: LocalText,
    pub point: Option<Point>,
    /// Bounding box `[min_lon, min_lat, max_lon, max_lat]` of the geometry.
    pub bbox: Option<[f64; 4]>,
    /// The outline as a GeoJSON geometry object.
    pub geometry: Option<String>,
    pub population: Option<Population>,
    pub source: String,
}

impl PlaceWrite {
    /// The source key of a region or district: its KATO code.
    pub fn area_key(kato: &KatoCode) -> String {
        format!("kato:{kato}")
    }

    /// The source key of a settlement: its district and its name, so the same village from two
    /// sources (a gazetteer, a list of administrative centres) is one record.
    pub fn settlement_key(district: PlaceId, name: &LocalText) -> String {
        let n = name
            .best(semey_domain::Lang::En)
            .unwrap_or("")
            .to_lowercase();
        format!("settlement:{district}:{n}")
    }

    /// The key of a place entered by hand.
    pub fn manual_key(
        level: PlaceLevel,
        kato: Option<&KatoCode>,
        name: &LocalText,
        parent: Option<PlaceId>,
    ) -> String {
        match (level, kato, parent) {
            (PlaceLevel::Settlement, _, Some(d)) => Self::settlement_key(d, name),
            (_, Some(k), _) => Self::area_key(k),
            _ => format!(
                "{}:{}",
                level.as_str(),
                name.best(semey_domain::Lang::En).unwrap_or("")
            ),
        }
    }
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Updated,
    Unchanged,
}

/// A place with what the import needs to locate points in it.
#[derive(Debug, Clone)]
pub struct PlaceRecord {
    pub place: Place,
    pub path: String,
    pub bbox: Option<[f64; 4]>,
    pub geometry: Option<String>,
}

/// Filters for listing places.
#[derive(Debug, Clone, Default)]
pub struct PlaceFilter {
    pub level: Option<PlaceLevel>,
    pub parent_id: Option<PlaceId>,
    /// Only places inside this one (its descendants).
    pub within: Option<PlaceId>,
    pub kato: Option<String>,
    /// Text search on names in every language and on the KATO code.
    pub q: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PlaceRow {
    id: String,
    level: String,
    parent_id: Option<String>,
    path: String,
    kato: Option<String>,
    name: String,
    lon: Option<f64>,
    lat: Option<f64>,
    min_lon: Option<f64>,
    min_lat: Option<f64>,
    max_lon: Option<f64>,
    max_lat: Option<f64>,
    has_geometry: bool,
    population: Option<i64>,
    population_year: Option<i64>,
    population_source: Option<String>,
    source: String,
}

const PLACE_COLUMNS: &str = "id, level, parent_id, path, kato, name, lon, lat, min_lon, min_lat, max_lon, max_lat, \
     (geometry IS NOT NULL) AS has_geometry, population, population_year, population_source, source";

impl PlaceRow {
    fn into_record(self, geometry: Option<String>) -> Result<PlaceRecord> {
        let corrupt = |e: Invalid| StoreError::Corrupt(e.to_string());
        let place = Place {
            id: parse_id(&self.id)?,
            level: PlaceLevel::parse(&self.level).map_err(corrupt)?,
            parent_id: self.parent_id.as_deref().map(parse_id).transpose()?,
            kato: self
                .kato
                .as_deref()
                .map(KatoCode::parse)
                .transpose()
                .map_err(corrupt)?,
            name: serde_json::from_str(&self.name)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            point: match (self.lon, self.lat) {
                (Some(lon), Some(lat)) => Some(Point { lon, lat }),
                _ => None,
            },
            has_geometry: self.has_geometry,
            population: match (self.population, self.population_year) {
                (Some(count), Some(year)) => Some(Population {
                    count,
                    year: i32::try_from(year).unwrap_or_default(),
                    source: self.population_source.unwrap_or_default(),
                }),
                _ => None,
            },
            source: self.source,
        };
        let bbox = match (self.min_lon, self.min_lat, self.max_lon, self.max_lat) {
            (Some(a), Some(b), Some(c), Some(d)) => Some([a, b, c, d]),
            _ => None,
        };
        Ok(PlaceRecord {
            place,
            path: self.path,
            bbox,
            geometry,
        })
    }
}

impl Store {
    /// Creates the place, or updates the one with the same source key; returns its id and what
    /// was done.
    pub async fn upsert_place(&self, tx: &mut Tx, w: &PlaceWrite) -> Result<(PlaceId, Upserted)> {
        let parent_path = match w.parent_id {
            Some(pid) => {
                let sql = "SELECT path FROM places WHERE id = $1";
                let path: Option<String> = on_tx!(tx, c => sqlx::query_scalar(sql).bind(pid.to_string()).fetch_optional(&mut *c).await)?;
                Some(path.ok_or_else(|| {
                    Invalid::one(
                        "parent_id",
                        "unknown_place",
                        format!("no place with id {pid}"),
                    )
                })?)
            }
            None => None,
        };
        let digest =
            uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{w:?}").as_bytes()).to_string();
        let existing: Option<(String, String, String)> = on_tx!(tx, c => sqlx::query_as("SELECT id, path, digest FROM places WHERE source_key = $1")
            .bind(&w.source_key)
            .fetch_optional(&mut *c)
            .await)?;
        let (id, outcome) = match &existing {
            Some((id, _, d)) if *d == digest => {
                return Ok((parse_id::<PlaceId>(id)?, Upserted::Unchanged))
            }
            Some((id, _, _)) => (parse_id::<PlaceId>(id)?, Upserted::Updated),
            None => (PlaceId::new(), Upserted::Created),
        };
        let path = format!("{}/{}", parent_path.unwrap_or_default(), id);
        let name = serde_json::to_string(&w.name).expect("text serialises");
        let search = format!(
            "{} {}",
            w.name.search_key(),
            w.kato.as_ref().map(|k| k.as_str()).unwrap_or("")
        );
        let [min_lon, min_lat, max_lon, max_lat] = w.bbox.map(|b| b.map(Some)).unwrap_or([None; 4]);
        let pop = w.population.as_ref();
        let args = vec![
            Arg::Text(id.to_string()),
            Arg::Text(w.level.as_str().to_owned()),
            Arg::OptText(w.parent_id.map(|p| p.to_string())),
            Arg::Text(path.clone()),
            Arg::OptText(w.kato.as_ref().map(|k| k.to_string())),
            Arg::Text(w.source_key.clone()),
            Arg::Text(digest),
            Arg::Text(name),
            Arg::Text(search),
            Arg::Real(w.point.map(|p| p.lon)),
            Arg::Real(w.point.map(|p| p.lat)),
            Arg::Real(min_lon),
            Arg::Real(min_lat),
            Arg::Real(max_lon),
            Arg::Real(max_lat),
            Arg::OptText(w.geometry.clone()),
            Arg::OptInt(pop.map(|p| p.count)),
            Arg::OptInt(pop.map(|p| i64::from(p.year))),
            Arg::OptText(pop.map(|p| p.source.clone())),
            Arg::Text(w.source.clone()),
        ];
        let sql = "INSERT INTO places (id, level, parent_id, path, kato, source_key, digest, name, search, lon, lat, \
                   min_lon, min_lat, max_lon, max_lat, geometry, population, population_year, population_source, source, updated_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) \
                   ON CONFLICT (source_key) DO UPDATE SET level = excluded.level, parent_id = excluded.parent_id, digest = excluded.digest, \
                   path = excluded.path, kato = excluded.kato, name = excluded.name, search = excluded.search, \
                   lon = COALESCE(excluded.lon, places.lon), lat = COALESCE(excluded.lat, places.lat), \
                   min_lon = COALESCE(excluded.min_lon, places.min_lon), min_lat = COALESCE(excluded.min_lat, places.min_lat), \
                   max_lon = COALESCE(excluded.max_lon, places.max_lon), max_lat = COALESCE(excluded.max_lat, places.max_lat), \
                   geometry = COALESCE(excluded.geometry, places.geometry), \
                   population = COALESCE(excluded.population, places.population), \
                   population_year = COALESCE(excluded.population_year, places.population_year), \
                   population_source = COALESCE(excluded.population_source, places.population_source), \
                   source = excluded.source, updated_at = excluded.updated_at";
        let result = on_tx!(tx, c => bind_args!(sqlx::query(sql), args).bind(now()).execute(&mut *c).await.map(|r| r.rows_affected()));
        result.map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Invalid(Invalid::one(
                    "kato",
                    "duplicate_kato",
                    format!(
                        "another {} already has KATO code {}",
                        w.level.as_str(),
                        w.kato.as_ref().map(|k| k.as_str()).unwrap_or("?")
                    ),
                ))
            }
            _ => StoreError::Db(e),
        })?;
        if let Some((_, old_path, _)) = existing.filter(|(_, old, _)| *old != path) {
            // The place moved in the hierarchy: its descendants' paths move with it.
            let sql = "UPDATE places SET path = $1 || substr(path, $2) WHERE path LIKE $3";
            let from = i64::try_from(old_path.len()).unwrap_or(i64::MAX) + 1;
            on_tx!(tx, c => sqlx::query(sql).bind(&path).bind(from).bind(format!("{old_path}/%")).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok((id, outcome))
    }

    pub async fn place(&self, id: PlaceId) -> Result<Place> {
        Ok(self.place_record(id).await?.place)
    }

    /// A place with its path, bounding box and outline.
    pub async fn place_record(&self, id: PlaceId) -> Result<PlaceRecord> {
        self.place_record_on(Db::Pool(self), id).await
    }

    /// A place read inside a transaction.
    pub async fn place_in(&self, tx: &mut Tx, id: PlaceId) -> Result<Place> {
        Ok(self.place_record_on(Db::Tx(tx), id).await?.place)
    }

    async fn place_record_on(&self, db: Db<'_>, id: PlaceId) -> Result<PlaceRecord> {
        let sql = format!("SELECT {PLACE_COLUMNS}, geometry FROM places WHERE id = $1");
        let found = on_db!(db, c => sqlx::query_as::<_, PlaceRowWithGeometry>(&sql).bind(id.to_string()).fetch_optional(&mut *c).await)?;
        let r = found.ok_or_else(|| StoreError::not_found("place", id))?;
        r.row.into_record(r.geometry)
    }

    /// The region or district with this KATO code.
    pub async fn place_by_kato(&self, level: PlaceLevel, kato: &KatoCode) -> Result<Option<Place>> {
        let sql = format!("SELECT {PLACE_COLUMNS} FROM places WHERE level = $1 AND kato = $2");
        let row = on_pool!(self, p => sqlx::query_as::<_, PlaceRow>(&sql).bind(level.as_str()).bind(kato.as_str()).fetch_optional(p).await)?;
        row.map(|r| r.into_record(None).map(|r| r.place))
            .transpose()
    }

    /// Every place of `level`, with outlines when `with_geometry` (for locating points).
    pub async fn places_at_level(
        &self,
        level: PlaceLevel,
        with_geometry: bool,
    ) -> Result<Vec<PlaceRecord>> {
        let geometry = if with_geometry {
            "geometry"
        } else {
            "NULL AS geometry"
        };
        let sql = format!(
            "SELECT {PLACE_COLUMNS}, {geometry} FROM places WHERE level = $1 ORDER BY kato, id"
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, PlaceRowWithGeometry>(&sql).bind(level.as_str()).fetch_all(p).await)?;
        rows.into_iter()
            .map(|r| r.row.into_record(r.geometry))
            .collect()
    }

    /// The places with these ids, or inside `parent` when given, with their outlines.
    pub async fn place_records(
        &self,
        ids: &[PlaceId],
        parent: Option<PlaceId>,
    ) -> Result<Vec<PlaceRecord>> {
        let mut sql = Sql::new(&format!(
            "SELECT {PLACE_COLUMNS}, geometry FROM places WHERE "
        ));
        match parent {
            Some(p) => {
                sql.push("parent_id = ").arg(Arg::Text(p.to_string()));
            }
            None if ids.is_empty() => return Ok(Vec::new()),
            None => {
                sql.push("id IN ")
                    .list(ids.iter().map(|i| Arg::Text(i.to_string())));
            }
        }
        sql.push(" ORDER BY kato, id");
        let rows = on_pool!(self, p => bind_args!(sqlx::query_as::<_, PlaceRowWithGeometry>(&sql.text), sql.args).fetch_all(p).await)?;
        rows.into_iter()
            .map(|r| r.row.into_record(r.geometry))
            .collect()
    }

    /// How many programmes work in each place of `level` or anywhere inside it.
    pub async fn programme_counts(&self, level: PlaceLevel) -> Result<HashMap<PlaceId, i64>> {
        let sql = "SELECT a.id, COUNT(DISTINCT pp.programme_id) FROM places a \
                   JOIN places p ON p.id = a.id OR p.path LIKE a.path || '/%' \
                   JOIN programme_places pp ON pp.place_id = p.id \
                   WHERE a.level = $1 GROUP BY a.id";
        let rows: Vec<(String, i64)> =
            on_pool!(self, p => sqlx::query_as(sql).bind(level.as_str()).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(id, n)| Ok((parse_id(&id)?, n)))
            .collect()
    }

    pub async fn list_places(&self, f: &PlaceFilter, page: Page) -> Result<(Vec<Place>, i64)> {
        let mut sql = Sql::new(" FROM places WHERE 1 = 1");
        if let Some(l) = f.level {
            sql.push(" AND level = ")
                .arg(Arg::Text(l.as_str().to_owned()));
        }
        if let Some(p) = f.parent_id {
            sql.push(" AND parent_id = ").arg(Arg::Text(p.to_string()));
        }
        if let Some(w) = f.within {
            sql.push(" AND path LIKE (SELECT path FROM places WHERE id = ")
                .arg(Arg::Text(w.to_string()))
                .push(") || '/%'");
        }
        if let Some(k) = &f.kato {
            sql.push(" AND kato = ").arg(Arg::Text(k.clone()));
        }
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            sql.push(" AND search LIKE ")
                .arg(Arg::Text(format!("%{}%", q.to_lowercase())));
        }
        let (rows, total) = self
            .page_of::<PlaceRow>(PLACE_COLUMNS, sql, "", "path", page)
            .await?;
        let places = rows
            .into_iter()
            .map(|r| r.into_record(None).map(|r| r.place))
            .collect::<Result<_>>()?;
        Ok((places, total))
    }
}

#[derive(sqlx::FromRow)]
struct PlaceRowWithGeometry {
    #[sqlx(flatten)]
    row: PlaceRow,
    geometry: Option<String>,
}
