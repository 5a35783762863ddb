//! Tube factors on the record path: shared reference data that coordinators keep. Every change
//! is a new version of a tube's factor (older versions stay, for the record); the statistics
//! are then rebuilt from the raw readings (`super::rebuild`).

use crate::records::{Record, Saved};
use crate::AppError;
use semey_domain::radiation::TubeFactor;
use semey_domain::record::RecordKind;
use semey_domain::Invalid;
use semey_store::{Factor, Store, Tx};

/// One version of a tube's factor, written `LND 7317#2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorVersion {
    pub tube: String,
    pub version: i64,
}

impl std::fmt::Display for FactorVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.tube, self.version)
    }
}

impl std::str::FromStr for FactorVersion {
    type Err = Invalid;

    fn from_str(s: &str) -> Result<Self, Invalid> {
        s.rsplit_once('#')
            .and_then(|(tube, v)| {
                Some(Self {
                    tube: tube.to_owned(),
                    version: v.parse().ok()?,
                })
            })
            .ok_or_else(|| Invalid::one("id", "invalid_id", format!("{s:?} is not TUBE#VERSION")))
    }
}

impl Record for Factor {
    const KIND: RecordKind = RecordKind::TubeFactor;
    type Id = FactorVersion;
    type Input = TubeFactor;
    type Checked = TubeFactor;
    type Stored = Factor;

    fn id_of(stored: &Factor) -> FactorVersion {
        FactorVersion {
            tube: stored.tube.clone(),
            version: stored.version,
        }
    }

    async fn load(store: &Store, tx: &mut Tx, id: FactorVersion) -> Result<Factor, AppError> {
        store
            .factor_in(tx, &id.tube, id.version)
            .await?
            .ok_or_else(|| AppError::NotFound {
                entity: "tube factor",
                id: id.to_string(),
            })
    }

    fn check(input: TubeFactor, id: Option<FactorVersion>) -> Result<TubeFactor, Invalid> {
        if id.is_some() {
            return Err(Invalid::one(
                "id",
                "versioned",
                "a factor is never changed: record a new version",
            ));
        }
        input.check()
    }

    async fn save(
        store: &Store,
        tx: &mut Tx,
        _: Option<&Factor>,
        f: TubeFactor,
    ) -> Result<Saved<Factor>, AppError> {
        let version = store
            .add_factor(tx, &f.tube, f.cpm_per_usv_h, &f.source)
            .await?;
        let stored = store
            .factor_in(tx, &f.tube, version)
            .await?
            .ok_or(AppError::Conflict("the factor was not stored"))?;
        Ok(Saved {
            stored,
            before: None,
        })
    }
}
