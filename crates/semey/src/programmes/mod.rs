//! Programmes and projects (IATI activities). A programme is owned by its reporting
//! organisation: that organisation's editors propose changes to it and to its money.

pub mod import;

use crate::records::{Record, Saved};
use crate::AppError;
use semey_domain::ids::{OrganisationId, ProgrammeId};
use semey_domain::programme::{Programme, ProgrammeInput};
use semey_domain::record::RecordKind;
use semey_domain::Invalid;
use semey_store::{Store, Tx};

impl Record for Programme {
    const KIND: RecordKind = RecordKind::Programme;
    type Id = ProgrammeId;
    type Input = ProgrammeInput;
    type Checked = Programme;
    type Stored = Programme;

    fn id_of(stored: &Programme) -> ProgrammeId {
        stored.id
    }

    async fn load(store: &Store, tx: &mut Tx, id: ProgrammeId) -> Result<Programme, AppError> {
        Ok(store.programme_in(tx, id).await?)
    }

    async fn owner_of_stored(
        _: &Store,
        _: &mut Tx,
        stored: &Programme,
    ) -> Result<Option<OrganisationId>, AppError> {
        Ok(stored.reporting_org_id)
    }

    async fn owner_of_input(
        _: &Store,
        _: &mut Tx,
        _: Option<ProgrammeId>,
        input: &ProgrammeInput,
    ) -> Result<Option<OrganisationId>, AppError> {
        Ok(input.reporting_org_id)
    }

    fn check(input: ProgrammeInput, id: Option<ProgrammeId>) -> Result<Programme, Invalid> {
        input.check(id.unwrap_or_default())
    }

    async fn save(
        store: &Store,
        tx: &mut Tx,
        old: Option<&Programme>,
        p: Programme,
    ) -> Result<Saved<Programme>, AppError> {
        store.save_programme(tx, &p).await?;
        Ok(Saved {
            stored: store.programme_in(tx, p.id).await?,
            before: old.cloned(),
        })
    }

    /// Lists in a stable order, so re-saving the same programme audits nothing.
    fn audited(stored: &Programme) -> serde_json::Value {
        crate::records::to_json(&stored.clone().canonical())
    }
}
