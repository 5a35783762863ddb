//! A programme's money as people record it: transactions and requirements. Both are checked
//! against the records they name, converted at the rates stored for their date, written with
//! their programmes' roll-ups in the same database transaction, read back, and corrected by
//! replacing the record. One implementation does this for both kinds ([`MoneyKind`] says only
//! what differs: the table, the references, the insert).

use crate::db::{on_tx, Db, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::currency::Money;
use semey_domain::fx::Converted;
use semey_domain::ids::ProgrammeId;
use std::collections::BTreeSet;
use std::fmt::Display;
use std::future::Future;
use time::Date;

/// What differs between the kinds of money records.
pub trait MoneyKind: Sized + Send + Sync {
    type Id: Copy + Display + Send + Sync;
    /// The record as the domain accepted it.
    type Checked: Send + Sync;
    /// The record's name in messages ("transaction").
    const NAME: &'static str;
    const TABLE: &'static str;

    fn checked_id(c: &Self::Checked) -> Self::Id;
    /// The amount and the date whose exchange rates convert it.
    fn money_at(c: &Self::Checked) -> (Money, Date);
    /// The programmes whose roll-ups count the stored record.
    fn programmes(stored: &Self) -> BTreeSet<ProgrammeId>;

    /// Checks that every record the new one names exists (field-named errors otherwise).
    fn check_references(
        store: &Store,
        tx: &mut Tx,
        c: &Self::Checked,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Inserts the record unless its id is stored already; true when inserted.
    fn insert(
        store: &Store,
        tx: &mut Tx,
        c: Self::Checked,
        converted: Converted,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Reads a stored record, `None` when there is none.
    fn read(
        store: &Store,
        db: Db<'_>,
        id: Self::Id,
    ) -> impl Future<Output = Result<Option<Self>>> + Send;
}

impl Store {
    /// A transaction or requirement by id.
    pub async fn money_record<M: MoneyKind>(&self, id: M::Id) -> Result<M> {
        M::read(self, Db::Pool(self), id)
            .await?
            .ok_or_else(|| StoreError::not_found(M::NAME, id))
    }

    /// A transaction or requirement read inside a transaction.
    pub async fn money_record_in<M: MoneyKind>(&self, tx: &mut Tx, id: M::Id) -> Result<M> {
        M::read(self, Db::Tx(tx), id)
            .await?
            .ok_or_else(|| StoreError::not_found(M::NAME, id))
    }

    /// Records one transaction or requirement entered by a person: checks its references,
    /// converts it at the rates stored for its date and keeps the roll-ups current. Returns
    /// the stored record and whether it was new (the same record again changes nothing).
    pub async fn record_money<M: MoneyKind>(
        &self,
        tx: &mut Tx,
        checked: M::Checked,
    ) -> Result<(M, bool)> {
        M::check_references(self, tx, &checked).await?;
        let (money, date) = M::money_at(&checked);
        let converted = self
            .fx_for(tx, money.currency, date)
            .await?
            .convert(money, date)?;
        let id = M::checked_id(&checked);
        let inserted = M::insert(self, tx, checked, converted).await?;
        let stored = self.money_record_in::<M>(tx, id).await?;
        self.refresh_rollups(tx, &M::programmes(&stored)).await?;
        Ok((stored, inserted))
    }

    /// Corrects a transaction or requirement: the old record is removed and the corrected one
    /// recorded in its place (its id follows from its content), with the roll-ups of every
    /// programme either counts in brought up to date.
    pub async fn replace_money<M: MoneyKind>(
        &self,
        tx: &mut Tx,
        old: M::Id,
        new: M::Checked,
    ) -> Result<M> {
        let before = self.money_record_in::<M>(tx, old).await?;
        let sql = format!("DELETE FROM {} WHERE id = $1", M::TABLE);
        on_tx!(tx, c => sqlx::query(&sql).bind(old.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let (stored, _) = self.record_money::<M>(tx, new).await?;
        self.refresh_rollups(tx, &M::programmes(&before)).await?;
        Ok(stored)
    }
}
