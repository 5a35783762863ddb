//! The document kind on the record path: owned by its publishing organisation (its editors
//! propose, coordinators publish), every linked record confirmed already when proposed.

use crate::records::{Record, Saved};
use crate::AppError;
use semey_domain::document::{Document, DocumentInput};
use semey_domain::ids::{DocumentId, OrganisationId};
use semey_domain::record::RecordKind;
use semey_domain::Invalid;
use semey_store::{Store, Tx};

impl Record for Document {
    const KIND: RecordKind = RecordKind::Document;
    type Id = DocumentId;
    type Input = DocumentInput;
    type Checked = Document;
    type Stored = Document;

    fn id_of(stored: &Document) -> DocumentId {
        stored.id
    }

    async fn load(store: &Store, tx: &mut Tx, id: DocumentId) -> Result<Document, AppError> {
        Ok(store.document_in(tx, id).await?)
    }

    async fn owner_of_stored(
        _: &Store,
        _: &mut Tx,
        stored: &Document,
    ) -> Result<Option<OrganisationId>, AppError> {
        Ok(Some(stored.organisation_id))
    }

    async fn owner_of_input(
        _: &Store,
        _: &mut Tx,
        _: Option<DocumentId>,
        input: &DocumentInput,
    ) -> Result<Option<OrganisationId>, AppError> {
        Ok(Some(input.organisation_id))
    }

    fn check(input: DocumentInput, id: Option<DocumentId>) -> Result<Document, Invalid> {
        input.check(id)
    }

    async fn references(store: &Store, tx: &mut Tx, d: &Document) -> Result<(), AppError> {
        Ok(store.check_document_links(tx, d).await?)
    }

    async fn save(
        store: &Store,
        tx: &mut Tx,
        old: Option<&Document>,
        d: Document,
    ) -> Result<Saved<Document>, AppError> {
        let before = match old {
            Some(o) => Some(o.clone()),
            // A new document of a file the library holds under a published document already
            // replaces it (one document per file).
            None => match store.document_in(tx, d.id).await {
                Ok(o) => Some(o),
                Err(semey_store::StoreError::NotFound { .. }) => None,
                Err(e) => return Err(e.into()),
            },
        };
        store.save_document(tx, &d).await?;
        Ok(Saved {
            stored: store.document_in(tx, d.id).await?,
            before,
        })
    }
}
