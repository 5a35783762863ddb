use semey_domain::Invalid;

/// What can go wrong in the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No record of `entity` with this id (or key).
    #[error("no {entity} with id {id}")]
    NotFound { entity: &'static str, id: String },
    /// The input breaks a rule that needs the database to check (a reference to a record that
    /// does not exist, a duplicate identifier, a missing exchange rate).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://…")]
    UnsupportedUrl(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn not_found(entity: &'static str, id: impl ToString) -> Self {
        Self::NotFound {
            entity,
            id: id.to_string(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
