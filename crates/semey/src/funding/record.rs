//! Transactions, requirements and in-kind contributions on the record path. All three are a
//! programme's resources, owned by the programme's reporting organisation, recorded
//! idempotently (recording the same one again changes nothing) and corrected by replacing the
//! record; one macro gives the three kinds the same implementation.

use crate::records::{programme_owner, Record, Saved};
use crate::AppError;
use semey_domain::contribution::{CheckedContribution, Contribution, ContributionInput};
use semey_domain::funding::{
    CheckedRequirement, CheckedTransaction, Requirement, RequirementInput, Transaction,
    TransactionInput,
};
use semey_domain::ids::{ContributionId, OrganisationId, RequirementId, TransactionId};
use semey_domain::record::RecordKind;
use semey_domain::Invalid;
use semey_store::{Store, StoreError, Tx};

macro_rules! money_record {
    ($stored:ty, $kind:expr, $id:ty, $input:ty, $checked:ty, clash: $clash:literal) => {
        impl Record for $stored {
            const KIND: RecordKind = $kind;
            type Id = $id;
            type Input = $input;
            type Checked = $checked;
            type Stored = $stored;

            fn id_of(stored: &$stored) -> $id {
                stored.id
            }

            async fn load(store: &Store, tx: &mut Tx, id: $id) -> Result<$stored, AppError> {
                Ok(store.money_record_in::<$stored>(tx, id).await?)
            }

            async fn owner_of_stored(
                store: &Store,
                tx: &mut Tx,
                stored: &$stored,
            ) -> Result<Option<OrganisationId>, AppError> {
                programme_owner(store, tx, stored.programme_id).await
            }

            async fn owner_of_input(
                store: &Store,
                tx: &mut Tx,
                _: Option<$id>,
                input: &$input,
            ) -> Result<Option<OrganisationId>, AppError> {
                programme_owner(store, tx, input.programme_id).await
            }

            fn check(input: $input, _: Option<$id>) -> Result<$checked, Invalid> {
                input.check()
            }

            async fn save(
                store: &Store,
                tx: &mut Tx,
                old: Option<&$stored>,
                checked: $checked,
            ) -> Result<Saved<$stored>, AppError> {
                let Some(old) = old else {
                    let (stored, created) = store.record_money::<$stored>(tx, checked).await?;
                    let before = (!created).then(|| stored.clone());
                    return Ok(Saved { stored, before });
                };
                // A correction whose details make it another record that is already stored
                // would silently merge the two: refuse it.
                if checked.id != old.id {
                    match store.money_record_in::<$stored>(tx, checked.id).await {
                        Ok(_) => return Err(AppError::Conflict($clash)),
                        Err(StoreError::NotFound { .. }) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                let stored = store.replace_money::<$stored>(tx, old.id, checked).await?;
                let before = (stored.id == old.id).then(|| old.clone());
                Ok(Saved { stored, before })
            }
        }
    };
}

money_record!(
    Transaction,
    RecordKind::Transaction,
    TransactionId,
    TransactionInput,
    CheckedTransaction,
    clash: "the corrected transaction has the same programme and reference (or details) as another recorded transaction; correct that one instead"
);

money_record!(
    Requirement,
    RecordKind::Requirement,
    RequirementId,
    RequirementInput,
    CheckedRequirement,
    clash: "the corrected requirement has the same programme, period and description as another recorded requirement; correct that one instead"
);

money_record!(
    Contribution,
    RecordKind::Contribution,
    ContributionId,
    ContributionInput,
    CheckedContribution,
    clash: "the corrected contribution has the same programme and reference (or details) as another recorded contribution; correct that one instead"
);
