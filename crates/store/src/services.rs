//! The services directory: services kept whole as JSON, with the columns lists filter on, the
//! points the finder measures distances from, and the programmes that fund each service.

use crate::db::{bind_args, on_db, on_pool, on_tx, parse_id, Arg, Db, Page, Sql, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::ids::{OrganisationId, PlaceId, ProgrammeId, ServiceId};
use semey_domain::service::{Service, ServiceCategory, ServiceStatus};
use semey_domain::Invalid;
use time::Date;

/// Filters for listing services.
#[derive(Debug, Clone, Default)]
pub struct ServiceFilter {
    pub category: Option<ServiceCategory>,
    pub status: Option<ServiceStatus>,
    pub organisation: Option<OrganisationId>,
    pub programme: Option<ProgrammeId>,
    /// Services serving a result of this programme.
    pub serves_programme: Option<ProgrammeId>,
    /// Services met in this place or anywhere inside it.
    pub place: Option<PlaceId>,
    /// Words of the name, in any language.
    pub q: Option<String>,
    /// Entries last verified before this day.
    pub verified_before: Option<Date>,
}

/// A point where a service can be met: one of its locations, or a village its outreach visits
/// go to (`location` is `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct ServicePoint {
    pub service_id: ServiceId,
    pub location: Option<usize>,
    pub place_id: Option<PlaceId>,
    pub lon: f64,
    pub lat: f64,
}

#[derive(sqlx::FromRow)]
struct ContentRow {
    content: String,
}

#[derive(sqlx::FromRow)]
struct PointRow {
    service_id: String,
    location_idx: Option<i64>,
    place_id: Option<String>,
    lon: f64,
    lat: f64,
}

fn decode(content: &str) -> Result<Service> {
    serde_json::from_str(content).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// Creates the service, or replaces the one with the same id, with its points and
    /// programmes. Every organisation, place and programme it names must exist.
    pub async fn save_service(&self, tx: &mut Tx, s: &Service) -> Result<()> {
        self.check_organisation_exists(tx, s.organisation_id, "organisation_id")
            .await?;
        for (i, p) in s.programme_ids.iter().enumerate() {
            self.check_programme_exists(tx, *p, &format!("programme_ids[{i}]"))
                .await?;
        }
        self.check_mandates(tx, &s.mandate_ids).await?;
        for (i, r) in s.result_ids.iter().enumerate() {
            let found: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM results WHERE id = $1").bind(r.to_string()).fetch_optional(&mut *c).await)?;
            if found.is_none() {
                return Err(StoreError::Invalid(Invalid::one(
                    format!("result_ids[{i}]"),
                    "unknown_result",
                    format!("there is no result {r}"),
                )));
            }
        }
        // The points: a location's own point, else its place's; a visit's village.
        // (location index or none for a visit, its place, its point)
        type Where = (Option<i64>, Option<PlaceId>, Option<(f64, f64)>);
        let mut points: Vec<Where> = Vec::new();
        let mut errors = Vec::new();
        let mut place_point = async |tx: &mut Tx,
                                     p: PlaceId,
                                     field: String|
               -> Result<Option<(f64, f64)>> {
            let row: Option<(Option<f64>, Option<f64>)> = on_tx!(tx, c => sqlx::query_as("SELECT lon, lat FROM places WHERE id = $1").bind(p.to_string()).fetch_optional(&mut *c).await)?;
            match row {
                None => {
                    errors.push(semey_domain::FieldError::new(
                        field,
                        "unknown_place",
                        format!("no place with id {p}"),
                    ));
                    Ok(None)
                }
                Some((Some(lon), Some(lat))) => Ok(Some((lon, lat))),
                Some(_) => Ok(None),
            }
        };
        for (i, l) in s.locations.iter().enumerate() {
            let from_place = match l.place_id {
                Some(p) => place_point(tx, p, format!("locations[{i}].place_id")).await?,
                None => None,
            };
            let point = l.point.map(|p| (p.lon, p.lat)).or(from_place);
            points.push((Some(i as i64), l.place_id, point));
        }
        for (i, v) in s.visits.iter().enumerate() {
            let point = place_point(tx, v.place_id, format!("visits[{i}].place_id")).await?;
            points.push((None, Some(v.place_id), point));
        }
        if !errors.is_empty() {
            return Err(Invalid { errors }.into());
        }
        let content = serde_json::to_string(s).expect("a service serialises");
        let search = s.name.search_key();
        let sql = "INSERT INTO services (id, organisation_id, category, status, last_verified, search, content) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7) \
                   ON CONFLICT (id) DO UPDATE SET organisation_id = excluded.organisation_id, category = excluded.category, \
                   status = excluded.status, last_verified = excluded.last_verified, search = excluded.search, content = excluded.content";
        let args = [
            Arg::Text(s.id.to_string()),
            Arg::Text(s.organisation_id.to_string()),
            Arg::Text(s.category.as_str().to_owned()),
            Arg::Text(s.status.as_str().to_owned()),
            Arg::Date(s.last_verified),
            Arg::Text(search),
            Arg::Text(content),
        ];
        on_tx!(tx, c => bind_args!(sqlx::query(sql), args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        for table in ["service_points", "service_programmes", "service_results"] {
            let sql = format!("DELETE FROM {table} WHERE service_id = $1");
            on_tx!(tx, c => sqlx::query(&sql).bind(s.id.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        for (idx, place, point) in points {
            let Some((lon, lat)) = point else { continue };
            let args = [
                Arg::Text(s.id.to_string()),
                Arg::OptInt(idx),
                Arg::OptText(place.map(|p| p.to_string())),
                Arg::Real(Some(lon)),
                Arg::Real(Some(lat)),
                Arg::Text(s.category.as_str().to_owned()),
            ];
            on_tx!(tx, c => bind_args!(sqlx::query("INSERT INTO service_points (service_id, location_idx, place_id, lon, lat, category) VALUES ($1, $2, $3, $4, $5, $6)"), args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        for p in &s.programme_ids {
            on_tx!(tx, c => sqlx::query("INSERT INTO service_programmes (service_id, programme_id) VALUES ($1, $2)").bind(s.id.to_string()).bind(p.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        for r in &s.result_ids {
            on_tx!(tx, c => sqlx::query("INSERT INTO service_results (service_id, result_id) VALUES ($1, $2)").bind(s.id.to_string()).bind(r.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        self.link_mandates(tx, "service", &s.id.to_string(), &s.mandate_ids)
            .await
    }

    pub async fn service(&self, id: ServiceId) -> Result<Service> {
        self.service_on(Db::Pool(self), id).await
    }

    /// A service read inside a transaction.
    pub async fn service_in(&self, tx: &mut Tx, id: ServiceId) -> Result<Service> {
        self.service_on(Db::Tx(tx), id).await
    }

    async fn service_on(&self, db: Db<'_>, id: ServiceId) -> Result<Service> {
        let row = on_db!(db, c => sqlx::query_as::<_, ContentRow>("SELECT content FROM services WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *c).await)?;
        decode(
            &row.ok_or_else(|| StoreError::not_found("service", id))?
                .content,
        )
    }

    /// The services with these ids (in no particular order; unknown ids are left out).
    pub async fn services_by_ids(&self, ids: &[ServiceId]) -> Result<Vec<Service>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut sql = Sql::new("SELECT content FROM services WHERE id IN ");
            sql.list(chunk.iter().map(|i| Arg::Text(i.to_string())));
            let rows = on_pool!(self, p => bind_args!(sqlx::query_as::<_, ContentRow>(&sql.text), sql.args).fetch_all(p).await)?;
            for r in rows {
                out.push(decode(&r.content)?);
            }
        }
        Ok(out)
    }

    /// One page of services, by name, and how many the filter selects.
    pub async fn list_services(
        &self,
        f: &ServiceFilter,
        page: Page,
    ) -> Result<(Vec<Service>, i64)> {
        let mut sql = Sql::new(" FROM services s WHERE 1 = 1");
        if let Some(c) = f.category {
            sql.push(" AND s.category = ")
                .arg(Arg::Text(c.as_str().to_owned()));
        }
        if let Some(st) = f.status {
            sql.push(" AND s.status = ")
                .arg(Arg::Text(st.as_str().to_owned()));
        }
        if let Some(o) = f.organisation {
            sql.push(" AND s.organisation_id = ")
                .arg(Arg::Text(o.to_string()));
        }
        if let Some(p) = f.programme {
            sql.push(" AND EXISTS (SELECT 1 FROM service_programmes sp WHERE sp.service_id = s.id AND sp.programme_id = ")
                .arg(Arg::Text(p.to_string()))
                .push(")");
        }
        if let Some(p) = f.serves_programme {
            sql.push(" AND EXISTS (SELECT 1 FROM service_results sr JOIN results r ON r.id = sr.result_id WHERE sr.service_id = s.id AND r.programme_id = ")
                .arg(Arg::Text(p.to_string()))
                .push(")");
        }
        if let Some(p) = f.place {
            sql.push(" AND EXISTS (SELECT 1 FROM service_points pt JOIN places pl ON pl.id = pt.place_id WHERE pt.service_id = s.id AND (pl.id = ")
                .arg(Arg::Text(p.to_string()))
                .push(" OR pl.path LIKE (SELECT path FROM places WHERE id = ")
                .arg(Arg::Text(p.to_string()))
                .push(") || '/%'))");
        }
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            for word in q.to_lowercase().split_whitespace() {
                sql.push(" AND s.search LIKE ")
                    .arg(Arg::Text(format!("%{word}%")));
            }
        }
        if let Some(d) = f.verified_before {
            sql.push(" AND s.last_verified < ").arg(Arg::Date(d));
        }
        let (rows, total) = self
            .page_of::<ContentRow>("s.content", sql, "", "s.search, s.id", page)
            .await?;
        let items = rows
            .iter()
            .map(|r| decode(&r.content))
            .collect::<Result<_>>()?;
        Ok((items, total))
    }

    /// The points of active services (of `category`, when given) within the box
    /// `(west, south, east, north)`.
    pub async fn service_points_within(
        &self,
        category: Option<ServiceCategory>,
        bbox: (f64, f64, f64, f64),
    ) -> Result<Vec<ServicePoint>> {
        let (w, s, e, n) = bbox;
        let mut sql = Sql::new(
            "SELECT pt.service_id, pt.location_idx, pt.place_id, pt.lon, pt.lat FROM service_points pt \
             JOIN services sv ON sv.id = pt.service_id WHERE sv.status = 'active'",
        );
        if let Some(c) = category {
            sql.push(" AND pt.category = ")
                .arg(Arg::Text(c.as_str().to_owned()));
        }
        sql.push(" AND pt.lat BETWEEN ")
            .arg(Arg::Real(Some(s)))
            .push(" AND ")
            .arg(Arg::Real(Some(n)))
            .push(" AND pt.lon BETWEEN ")
            .arg(Arg::Real(Some(w)))
            .push(" AND ")
            .arg(Arg::Real(Some(e)));
        let rows = on_pool!(self, p => bind_args!(sqlx::query_as::<_, PointRow>(&sql.text), sql.args).fetch_all(p).await)?;
        rows.into_iter()
            .map(|r| {
                Ok(ServicePoint {
                    service_id: parse_id(&r.service_id)?,
                    location: r.location_idx.and_then(|i| usize::try_from(i).ok()),
                    place_id: r.place_id.as_deref().map(parse_id).transpose()?,
                    lon: r.lon,
                    lat: r.lat,
                })
            })
            .collect()
    }
}
