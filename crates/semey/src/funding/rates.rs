//! Exchange rates on the record path: shared reference data that coordinators keep. A rate
//! is identified by its currency and date; a new value supersedes the old record, which stays
//! for the money converted with it.

use crate::records::{Record, Saved};
use crate::AppError;
use semey_domain::fx::{FxRate, RateKey};
use semey_domain::record::RecordKind;
use semey_domain::Invalid;
use semey_store::{Store, Tx};

impl Record for FxRate {
    const KIND: RecordKind = RecordKind::ExchangeRate;
    type Id = RateKey;
    type Input = FxRate;
    type Checked = FxRate;
    type Stored = FxRate;

    fn id_of(stored: &FxRate) -> RateKey {
        RateKey::of(stored)
    }

    async fn load(store: &Store, tx: &mut Tx, key: RateKey) -> Result<FxRate, AppError> {
        store
            .rate_in(tx, key.currency, key.date)
            .await?
            .ok_or_else(|| AppError::NotFound {
                entity: "exchange rate",
                id: key.to_string(),
            })
    }

    fn check(input: FxRate, _: Option<RateKey>) -> Result<FxRate, Invalid> {
        FxRate::check(input.currency, input.date, input.per_usd, &input.source)
    }

    async fn save(
        store: &Store,
        tx: &mut Tx,
        _: Option<&FxRate>,
        rate: FxRate,
    ) -> Result<Saved<FxRate>, AppError> {
        let before = store.rate_in(tx, rate.currency, rate.date).await?;
        store.upsert_rates(tx, std::slice::from_ref(&rate)).await?;
        let stored = store
            .rate_in(tx, rate.currency, rate.date)
            .await?
            .ok_or(AppError::Conflict("the rate was not stored"))?;
        Ok(Saved { stored, before })
    }
}
