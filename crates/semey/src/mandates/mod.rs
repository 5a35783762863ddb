//! Mandates (C7): the General Assembly's resolutions on the region, read from their texts
//! (`import.rs`), each operative paragraph a mandate whose action, addressees and deadline a
//! coordinator may correct on the record path.

pub mod coverage;
pub mod import;

use crate::records::{Record, Saved};
use crate::AppError;
use semey_domain::ids::MandateId;
use semey_domain::mandate::{Mandate, MandateCorrection, MandateInput};
use semey_domain::record::RecordKind;
use semey_domain::Invalid;
use semey_store::{Store, Tx};

impl Record for Mandate {
    const KIND: RecordKind = RecordKind::Mandate;
    type Id = MandateId;
    type Input = MandateInput;
    type Checked = MandateCorrection;
    type Stored = Mandate;

    fn id_of(stored: &Mandate) -> MandateId {
        stored.id
    }

    async fn load(store: &Store, tx: &mut Tx, id: MandateId) -> Result<Mandate, AppError> {
        Ok(store.mandate_in(tx, id).await?)
    }

    fn check(input: MandateInput, id: Option<MandateId>) -> Result<MandateCorrection, Invalid> {
        if id.is_none() {
            return Err(Invalid::one(
                "id",
                "from_resolution",
                "mandates come from a resolution's text: import the resolution",
            ));
        }
        input.check()
    }

    async fn save(
        store: &Store,
        tx: &mut Tx,
        old: Option<&Mandate>,
        correction: MandateCorrection,
    ) -> Result<Saved<Mandate>, AppError> {
        let held = old.ok_or(AppError::Conflict(
            "mandates come from a resolution's text: import the resolution",
        ))?;
        let m = correction.apply(held);
        store.save_mandate(tx, &m).await?;
        Ok(Saved {
            stored: store.mandate_in(tx, m.id).await?,
            before: Some(held.clone()),
        })
    }
}
