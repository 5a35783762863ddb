//! Places: country → region → district → settlement, with KATO codes, names, points and
//! outlines. Shared reference data kept by coordinators: created one by one through the record
//! path, or imported from GeoJSON files (`import.rs`).

pub mod import;

use crate::records::{Record, Saved};
use crate::AppError;
use semey_domain::ids::PlaceId;
use semey_domain::place::{NewPlace, Place, PlaceInput, PlaceLevel};
use semey_domain::record::RecordKind;
use semey_domain::Invalid;
use semey_store::{PlaceWrite, Store, StoreError, Tx, Upserted};

impl Record for Place {
    const KIND: RecordKind = RecordKind::Place;
    type Id = PlaceId;
    type Input = PlaceInput;
    type Checked = NewPlace;
    type Stored = Place;

    fn id_of(stored: &Place) -> PlaceId {
        stored.id
    }

    async fn load(store: &Store, tx: &mut Tx, id: PlaceId) -> Result<Place, AppError> {
        Ok(store.place_in(tx, id).await?)
    }

    fn check(input: PlaceInput, _: Option<PlaceId>) -> Result<NewPlace, Invalid> {
        input.check()
    }

    async fn save(
        store: &Store,
        tx: &mut Tx,
        old: Option<&Place>,
        p: NewPlace,
    ) -> Result<Saved<Place>, AppError> {
        if old.is_some() {
            return Err(AppError::Conflict(
                "a place is changed by importing its file again (semey import places)",
            ));
        }
        if let Some(parent) = p.parent_id {
            let parent_place = match store.place_in(tx, parent).await {
                Ok(place) => place,
                Err(StoreError::NotFound { .. }) => {
                    return Err(Invalid::one(
                        "parent_id",
                        "unknown_place",
                        format!("no place with id {parent}"),
                    )
                    .into())
                }
                Err(e) => return Err(e.into()),
            };
            if Some(parent_place.level) != p.level.parent_level() {
                return Err(Invalid::one(
                    "parent_id",
                    "wrong_parent_level",
                    format!(
                        "a {} belongs to a {}, not a {}",
                        p.level.as_str(),
                        p.level
                            .parent_level()
                            .map(PlaceLevel::as_str)
                            .unwrap_or("nothing"),
                        parent_place.level.as_str()
                    ),
                )
                .into());
            }
        }
        let write = PlaceWrite {
            source_key: PlaceWrite::manual_key(p.level, p.kato.as_ref(), &p.name, p.parent_id),
            level: p.level,
            parent_id: p.parent_id,
            kato: p.kato,
            name: p.name,
            point: p.point,
            bbox: None,
            geometry: None,
            population: p.population,
            source: p.source,
        };
        let (id, outcome) = store.upsert_place(tx, &write).await?;
        if outcome != Upserted::Created {
            return Err(
                Invalid::one("name", "duplicate_place", "this place exists already").into(),
            );
        }
        Ok(Saved {
            stored: store.place_in(tx, id).await?,
            before: None,
        })
    }
}
