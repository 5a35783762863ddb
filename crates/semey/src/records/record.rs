//! What the record path knows of a kind ([`Record`]), and its steps that do not depend on
//! the workflow: authorise (the owner computed from the record's content), check, write, audit.

use crate::accounts::actor::Actor;
use crate::AppError;
use semey_domain::access::Principal;
use semey_domain::ids::OrganisationId;
use semey_domain::record::{RecordKind, Stewards};
use semey_domain::Invalid;
use semey_store::{Proposal, Store, Tx};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Display;
use std::future::Future;
use std::str::FromStr;

/// What the record path needs to know about one kind of record.
pub trait Record: Send + Sync + 'static {
    const KIND: RecordKind;
    /// The record's id.
    type Id: Clone + Display + FromStr + PartialEq + Send + Sync;
    /// What people send (API bodies, forms, proposals' content).
    type Input: Serialize + DeserializeOwned + Clone + Send + Sync;
    /// The input once the domain's rules accepted it.
    type Checked: Send;
    /// The record as stored and audited.
    type Stored: Serialize + Clone + Send + Sync;

    fn id_of(stored: &Self::Stored) -> Self::Id;

    /// Reads a stored record inside the transaction (`NotFound` when there is none).
    fn load(
        store: &Store,
        tx: &mut Tx,
        id: Self::Id,
    ) -> impl Future<Output = Result<Self::Stored, AppError>> + Send;

    /// The organisation that owns a stored record (`None`, the default: nobody's, as for
    /// shared reference data and accounts).
    fn owner_of_stored(
        _store: &Store,
        _tx: &mut Tx,
        _stored: &Self::Stored,
    ) -> impl Future<Output = Result<Option<OrganisationId>, AppError>> + Send {
        async { Ok(None) }
    }

    /// The organisation that will own the record with this content (`None` by default).
    fn owner_of_input(
        _store: &Store,
        _tx: &mut Tx,
        _id: Option<Self::Id>,
        _input: &Self::Input,
    ) -> impl Future<Output = Result<Option<OrganisationId>, AppError>> + Send {
        async { Ok(None) }
    }

    /// The domain's rules; `id` is the record being replaced, if any.
    fn check(input: Self::Input, id: Option<Self::Id>) -> Result<Self::Checked, Invalid>;

    /// Writes the checked record (replacing `old` when given) and returns what is stored now
    /// and what its id held before the write.
    fn save(
        store: &Store,
        tx: &mut Tx,
        old: Option<&Self::Stored>,
        checked: Self::Checked,
    ) -> impl Future<Output = Result<Saved<Self::Stored>, AppError>> + Send;

    /// The references a checked record makes that only the database can confirm, for kinds
    /// whose proposals must already name what exists (the default: none; saving checks
    /// them anyway). Runs on every proposal and every write, inside the transaction.
    fn references(
        _store: &Store,
        _tx: &mut Tx,
        _checked: &Self::Checked,
    ) -> impl Future<Output = Result<(), AppError>> + Send {
        async { Ok(()) }
    }

    /// What an audit line keeps of a stored record, and what "changed" compares.
    fn audited(stored: &Self::Stored) -> serde_json::Value {
        to_json(stored)
    }
}

/// What a save left in the database.
pub struct Saved<S> {
    pub stored: S,
    /// What the stored record's id held before (equal to `stored` when recording the same
    /// thing again changed nothing).
    pub before: Option<S>,
}

/// Where a write comes from: the API submits an editor's proposal at once, a form keeps it as
/// a draft until its author submits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Api,
    Form,
}

/// Authorises, checks, writes and audits one record inside `tx` (the caller commits): for
/// coordinators' writes, publishing, and a file of several records in one transaction.
pub async fn save_in<R: Record>(
    store: &Store,
    tx: &mut Tx,
    actor: &Actor,
    id: Option<R::Id>,
    input: R::Input,
) -> Result<Saved<R::Stored>, AppError> {
    let (old, _) = authorise_in::<R>(store, tx, &actor.principal, id.clone(), &input).await?;
    let checked = R::check(input, id)?;
    R::references(store, tx, &checked).await?;
    let saved = R::save(store, tx, old.as_ref(), checked).await?;
    let new = R::audited(&saved.stored);
    let new_id = R::id_of(&saved.stored);
    if let Some(old) = old.as_ref().filter(|o| R::id_of(o) != new_id) {
        // A correction that changed the record's key: the old record is gone.
        audit(
            store,
            tx,
            actor,
            R::KIND.as_str(),
            &R::id_of(old).to_string(),
            Some(&R::audited(old)),
            None,
        )
        .await?;
    }
    let before = saved.before.as_ref().map(R::audited);
    if before.as_ref() != Some(&new) {
        audit(
            store,
            tx,
            actor,
            R::KIND.as_str(),
            &new_id.to_string(),
            before.as_ref(),
            Some(&new),
        )
        .await?;
    }
    Ok(saved)
}

/// Loads the record being replaced and checks that `who` may change it and may give it the
/// owner its new content names. Returns the old record and the new owner.
pub async fn authorise_in<R: Record>(
    store: &Store,
    tx: &mut Tx,
    who: &Principal,
    id: Option<R::Id>,
    input: &R::Input,
) -> Result<(Option<R::Stored>, Option<OrganisationId>), AppError> {
    let old = match &id {
        Some(id) => Some(R::load(store, tx, id.clone()).await?),
        None => None,
    };
    if let Some(old) = &old {
        let owner = R::owner_of_stored(store, tx, old).await?;
        may_change(R::KIND, who, owner)?;
    }
    let owner = R::owner_of_input(store, tx, id, input).await?;
    may_change(R::KIND, who, owner)?;
    Ok((old, owner))
}

/// May `who` change a record of `kind` owned by `owner`?
pub fn may_change(
    kind: RecordKind,
    who: &Principal,
    owner: Option<OrganisationId>,
) -> Result<(), AppError> {
    let allowed = match kind.stewards() {
        Stewards::Organisations => who.may_write(owner),
        Stewards::Coordinators => who.may_coordinate(),
        Stewards::Administrators => who.may_administer(),
    };
    Ok(allowed?)
}

/// Whether a write by `who` becomes a proposal, and in which state: editors propose the
/// organisations' kinds (a draft from a form, submitted at once from the API); everyone else
/// who may write at all writes directly.
pub fn proposes(
    kind: RecordKind,
    who: &Principal,
    channel: Channel,
) -> Option<semey_domain::workflow::State> {
    use semey_domain::workflow::State;
    let proposed = kind.stewards() == Stewards::Organisations && !who.is_coordinator();
    proposed.then_some(match channel {
        Channel::Api => State::Submitted,
        Channel::Form => State::Draft,
    })
}

/// Writes one audit line for a change, in the change's own database transaction.
pub async fn audit<T: Serialize + ?Sized>(
    store: &Store,
    tx: &mut Tx,
    actor: &Actor,
    record_type: &str,
    record_id: &str,
    old: Option<&T>,
    new: Option<&T>,
) -> Result<(), AppError> {
    let json = |v: Option<&T>| v.and_then(|v| serde_json::to_string(v).ok());
    let action = match (old.is_some(), new.is_some()) {
        (false, true) => "create",
        (true, true) => "update",
        _ => "delete",
    };
    audit_action(
        store,
        tx,
        actor,
        action,
        record_type,
        record_id,
        json(old).as_deref(),
        json(new).as_deref(),
    )
    .await
}

/// Writes one audit line of any action (an import, a sign-in, a rebuild), in `tx`.
#[allow(clippy::too_many_arguments)]
pub async fn audit_action(
    store: &Store,
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    record_type: &str,
    record_id: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<(), AppError> {
    store
        .append_audit(
            tx,
            actor.principal.user_id,
            &actor.principal.via.describe(),
            &actor.address,
            action,
            record_type,
            record_id,
            old,
            new,
        )
        .await?;
    Ok(())
}

/// What one import did, for its audit line: who ran it on which file, and how many records of
/// each kind it created, changed or found unchanged.
#[derive(Debug, Clone, Serialize)]
pub struct ImportAudit {
    pub format: String,
    pub file: String,
    pub sha256: String,
    pub counts: std::collections::BTreeMap<String, u64>,
}

/// The one audit line of an import, in the import's transaction. Imports audit one line per
/// file, not per record: files hold up to millions of rows, and the file's digest and counts
/// say what it did; the records carry their import's provenance themselves.
pub async fn audit_import(
    store: &Store,
    tx: &mut Tx,
    actor: &Actor,
    what: &ImportAudit,
) -> Result<(), AppError> {
    let new = serde_json::to_string(what).ok();
    audit_action(
        store,
        tx,
        actor,
        "import",
        &format!("import:{}", what.format),
        &what.sha256,
        None,
        new.as_deref(),
    )
    .await
}

pub fn to_json<T: Serialize + ?Sized>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// Reads a proposal's content as the input of its kind.
pub(crate) fn input_of<T: DeserializeOwned>(content: &serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(content.clone())
        .map_err(|e| AppError::Invalid(Invalid::one("content", "invalid_value", e.to_string())))
}

/// Parses a stored record id of a proposal.
pub(crate) fn id_of<T: FromStr>(p: &Proposal) -> Result<Option<T>, AppError> {
    p.record_id
        .as_deref()
        .map(|s| {
            s.parse()
                .map_err(|_| AppError::Conflict("the proposal names a record id that is not valid"))
        })
        .transpose()
}

/// A reference the input makes to a programme that does not exist is the input's fault (422,
/// naming the field), not a missing page (404).
pub(crate) async fn programme_owner(
    store: &Store,
    tx: &mut Tx,
    programme: semey_domain::ids::ProgrammeId,
) -> Result<Option<OrganisationId>, AppError> {
    match store.programme_in(tx, programme).await {
        Ok(p) => Ok(p.reporting_org_id),
        Err(semey_store::StoreError::NotFound { .. }) => Err(AppError::Invalid(Invalid::one(
            "programme_id",
            "unknown_programme",
            format!("there is no programme {programme}"),
        ))),
        Err(e) => Err(e.into()),
    }
}
