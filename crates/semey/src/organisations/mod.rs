//! Organisations: the stakeholders of the mechanism (ministries, akimats, NGOs, donors, UN
//! agencies, academia). An organisation owns itself: its editors may change it; only
//! coordinators add new ones.

pub mod import;

use crate::records::{Record, Saved};
use crate::AppError;
use semey_domain::ids::OrganisationId;
use semey_domain::organisation::{Organisation, OrganisationInput};
use semey_domain::record::RecordKind;
use semey_domain::Invalid;
use semey_store::{Store, Tx};

impl Record for Organisation {
    const KIND: RecordKind = RecordKind::Organisation;
    type Id = OrganisationId;
    type Input = OrganisationInput;
    type Checked = Organisation;
    type Stored = Organisation;

    fn id_of(stored: &Organisation) -> OrganisationId {
        stored.id
    }

    async fn load(
        store: &Store,
        tx: &mut Tx,
        id: OrganisationId,
    ) -> Result<Organisation, AppError> {
        Ok(store.organisation_in(tx, id).await?)
    }

    async fn owner_of_stored(
        _: &Store,
        _: &mut Tx,
        stored: &Organisation,
    ) -> Result<Option<OrganisationId>, AppError> {
        Ok(Some(stored.id))
    }

    async fn owner_of_input(
        _: &Store,
        _: &mut Tx,
        id: Option<OrganisationId>,
        _: &OrganisationInput,
    ) -> Result<Option<OrganisationId>, AppError> {
        Ok(id)
    }

    fn check(
        input: OrganisationInput,
        id: Option<OrganisationId>,
    ) -> Result<Organisation, Invalid> {
        input.check(id.unwrap_or_default())
    }

    async fn save(
        store: &Store,
        tx: &mut Tx,
        old: Option<&Organisation>,
        org: Organisation,
    ) -> Result<Saved<Organisation>, AppError> {
        store.save_organisation(tx, &org).await?;
        Ok(Saved {
            stored: store.organisation_in(tx, org.id).await?,
            before: old.cloned(),
        })
    }
}
