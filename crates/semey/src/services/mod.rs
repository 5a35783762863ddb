//! The services directory (C6): services offered by organisations at places, on the record
//! path like every kind (an organisation's editors propose, coordinators publish), and the
//! finder that gives a resident the nearest services for a need.

pub mod hsds;
pub mod import;

use crate::records::{Record, Saved};
use crate::AppError;
use semey_domain::ids::{OrganisationId, PlaceId, ServiceId};
use semey_domain::place::Point;
use semey_domain::record::RecordKind;
use semey_domain::service::{
    kazakhstan_time, OpenNow, Service, ServiceCategory, ServiceInput, KAZAKHSTAN_BBOX,
};
use semey_domain::Invalid;
use semey_store::{Store, Tx};
use std::collections::HashMap;
use time::OffsetDateTime;

impl Record for Service {
    const KIND: RecordKind = RecordKind::Service;
    type Id = ServiceId;
    type Input = ServiceInput;
    type Checked = Service;
    type Stored = Service;

    fn id_of(stored: &Service) -> ServiceId {
        stored.id
    }

    async fn load(store: &Store, tx: &mut Tx, id: ServiceId) -> Result<Service, AppError> {
        Ok(store.service_in(tx, id).await?)
    }

    async fn owner_of_stored(
        _: &Store,
        _: &mut Tx,
        stored: &Service,
    ) -> Result<Option<OrganisationId>, AppError> {
        Ok(Some(stored.organisation_id))
    }

    async fn owner_of_input(
        _: &Store,
        _: &mut Tx,
        _: Option<ServiceId>,
        input: &ServiceInput,
    ) -> Result<Option<OrganisationId>, AppError> {
        Ok(Some(input.organisation_id))
    }

    fn check(input: ServiceInput, id: Option<ServiceId>) -> Result<Service, Invalid> {
        input.check(id.unwrap_or_default())
    }

    async fn save(
        store: &Store,
        tx: &mut Tx,
        old: Option<&Service>,
        s: Service,
    ) -> Result<Saved<Service>, AppError> {
        store.save_service(tx, &s).await?;
        Ok(Saved {
            stored: store.service_in(tx, s.id).await?,
            before: old.cloned(),
        })
    }
}

/// The names, in `lang`, of the places (locations and visited villages) these services name;
/// pages and the HSDS shape print places by name.
pub async fn place_names<'a>(
    store: &Store,
    services: impl Iterator<Item = &'a Service>,
    lang: semey_domain::lang::Lang,
) -> Result<HashMap<PlaceId, String>, AppError> {
    let mut names = HashMap::new();
    for sv in services {
        let ids = sv
            .locations
            .iter()
            .filter_map(|l| l.place_id)
            .chain(sv.visits.iter().map(|v| v.place_id));
        for id in ids {
            if let std::collections::hash_map::Entry::Vacant(e) = names.entry(id) {
                match store.place(id).await {
                    Ok(p) => {
                        e.insert(p.name.best(lang).unwrap_or_default().to_owned());
                    }
                    Err(semey_store::StoreError::NotFound { .. }) => {}
                    Err(other) => return Err(other.into()),
                }
            }
        }
    }
    Ok(names)
}

/// A service the finder found: where to meet it, how far, and whether it is open now.
#[derive(Debug, Clone)]
pub struct Found {
    pub service: Service,
    /// The location (index into `service.locations`), or `None` for an outreach visit.
    pub location: Option<usize>,
    /// The village of a visit, or the location's place.
    pub place_id: Option<PlaceId>,
    pub point: Point,
    pub distance_km: f64,
    pub open: OpenNow,
}

/// The nearest active services to `origin` (of `category`, when given), each once at its
/// nearest point, nearest first. The search box grows from about 50 km until `limit` services
/// are found or it covers the country.
pub async fn nearest(
    store: &Store,
    origin: Point,
    category: Option<ServiceCategory>,
    now: OffsetDateTime,
    limit: usize,
) -> Result<Vec<Found>, AppError> {
    let local = kazakhstan_time(now);
    let (cw, cs, ce, cn) = KAZAKHSTAN_BBOX;
    let mut half = 0.5f64;
    let points = loop {
        let bbox = (
            origin.lon - half * 1.6,
            origin.lat - half,
            origin.lon + half * 1.6,
            origin.lat + half,
        );
        let pts = store.service_points_within(category, bbox).await?;
        let whole = bbox.0 <= cw && bbox.1 <= cs && bbox.2 >= ce && bbox.3 >= cn;
        // Anything outside the box is at least `half` degrees of latitude or `1.6 × half` of
        // longitude away: over 100 km per degree of `half` anywhere in Kazakhstan (below 56° N).
        // Points within that distance are surely the nearest; widen until enough of them are.
        let sure = pts
            .iter()
            .filter(|p| {
                origin.distance_km(Point {
                    lon: p.lon,
                    lat: p.lat,
                }) <= half * 100.0
            })
            .map(|p| p.service_id)
            .collect::<std::collections::HashSet<_>>()
            .len();
        if sure >= limit || whole {
            break pts;
        }
        half *= 2.0;
    };
    let mut best: HashMap<ServiceId, (f64, Option<usize>, Option<PlaceId>, Point)> = HashMap::new();
    for p in points {
        let at = Point {
            lon: p.lon,
            lat: p.lat,
        };
        let d = origin.distance_km(at);
        let e = best
            .entry(p.service_id)
            .or_insert((f64::INFINITY, None, None, at));
        if d < e.0 {
            *e = (d, p.location, p.place_id, at);
        }
    }
    let mut ranked: Vec<_> = best.into_iter().collect();
    ranked.sort_by(|a, b| a.1 .0.total_cmp(&b.1 .0).then(a.0.cmp(&b.0)));
    ranked.truncate(limit);
    let ids: Vec<ServiceId> = ranked.iter().map(|(id, _)| *id).collect();
    let mut services: HashMap<ServiceId, Service> = store
        .services_by_ids(&ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(ranked
        .into_iter()
        .filter_map(|(id, (d, location, place_id, point))| {
            let service = services.remove(&id)?;
            let visit_place = if location.is_none() { place_id } else { None };
            let open = service.open_at(location, visit_place, local);
            Some(Found {
                service,
                location,
                place_id,
                point,
                distance_km: d,
                open,
            })
        })
        .collect())
}
