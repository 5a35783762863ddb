//! Uploading a file with its document, and who may read a document.

use super::read::{read_apart, Contained, Outcome};
use super::sniff::{sniff, Refusal};
use crate::accounts::actor::Actor;
use crate::records::{write_in, Channel, Written};
use crate::AppError;
use semey_domain::document::{Document, DocumentInput, FileFormat, TextState, Visibility};
use semey_domain::ids::DocumentId;
use semey_domain::Invalid;
use semey_store::{Audience, Store};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;

/// A file as it arrived: its bytes, its name and the media type its sender claimed.
pub struct UploadedFile<'a> {
    pub bytes: &'a [u8],
    pub name: &'a str,
    pub claimed: Option<&'a str>,
}

/// What an upload did.
pub enum Uploaded {
    /// The file is new: its document was published or proposed.
    Written(Written<Document>),
    /// The library has this very file already, as this document.
    Known(Document),
}

/// How the library reads files: the reader program, the time it may take, the largest file.
pub struct Reading<'a> {
    pub reader: &'a Path,
    pub limit: Duration,
    pub max_bytes: usize,
}

impl<'a> Reading<'a> {
    pub fn of(config: &crate::Config, reader: &'a Path) -> Self {
        Self {
            reader,
            limit: Duration::from_secs(config.document_read_seconds.max(1)),
            max_bytes: config.max_document_bytes,
        }
    }
}

fn refused(r: Refusal) -> AppError {
    AppError::Invalid(Invalid::one("file", r.code, r.reason))
}

pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the library keeps of a recognised file: its format and what reading it found. A
/// file the reader refuses (broken, encrypted) is refused; a reader that crashed or ran out
/// of time leaves the file kept, its text "not extracted" with the reason.
pub async fn examine(file: &UploadedFile<'_>, reading: &Reading<'_>) -> Result<Examined, AppError> {
    let format = sniff(file.bytes, reading.max_bytes).map_err(refused)?;
    format
        .agrees_with(file.name, file.claimed)
        .map_err(|reason| AppError::Invalid(Invalid::one("file", "file_type_mismatch", reason)))?;
    // Plain text, HTML and images are read here by our own code (one pass, no recursion, no
    // third-party parser); PDF, DOCX and ODT by their parsers, in a process apart.
    let contained = if format.read_apart() {
        read_apart(reading.reader, format, file.bytes, reading.limit).await
    } else {
        Contained::Read(super::read::read(format, file.bytes))
    };
    let (state, text, reason) = match contained {
        Contained::Read(Outcome::Text { text }) if text.trim().is_empty() => (
            TextState::Empty,
            None,
            Some(if format.is_image() {
                "an image: it has no text to search".to_owned()
            } else {
                "the file has no text layer".to_owned()
            }),
        ),
        Contained::Read(Outcome::Text { text }) => (TextState::Extracted, Some(text), None),
        Contained::Read(Outcome::Refused { code, reason }) => {
            let code = match code.as_str() {
                "file_encrypted" => "file_encrypted",
                _ => "file_broken",
            };
            return Err(refused(Refusal::new(code, reason)));
        }
        Contained::Fault(reason) => {
            tracing::warn!(name = file.name, %reason, "a document's text was not extracted");
            (TextState::Failed, None, Some(reason))
        }
    };
    Ok(Examined {
        digest: digest(file.bytes),
        format,
        state,
        text,
        reason,
    })
}

/// A file recognised and read.
pub struct Examined {
    pub digest: String,
    pub format: FileFormat,
    pub state: TextState,
    pub text: Option<String>,
    pub reason: Option<String>,
}

/// Uploads a file with its metadata: refused with the reason and nothing stored when the
/// file or the metadata is wrong; the file and its document (published, or proposed by an
/// editor) stored in one transaction otherwise. The same file again is the same document.
pub async fn upload(
    store: &Store,
    reading: &Reading<'_>,
    actor: &Actor,
    file: UploadedFile<'_>,
    mut input: DocumentInput,
    channel: Channel,
) -> Result<Uploaded, AppError> {
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    // Refused before the file is read: nobody who may not write for this organisation makes
    // the server parse a file (the record path authorises again when it writes).
    crate::records::may_change(
        semey_domain::record::RecordKind::Document,
        &actor.principal,
        Some(input.organisation_id),
    )?;
    let e = examine(&file, reading).await?;
    input.digest = e.digest.clone();
    if input.file_name.trim().is_empty() {
        input.file_name = file.name.to_owned();
    }
    let id = DocumentId::of_digest(&e.digest);
    match store.document(id).await {
        Ok(d) if may_read(actor, &d) => return Ok(Uploaded::Known(d)),
        Ok(_) => {
            return Err(AppError::Conflict(
                "this file is in the library already, as a document of another organisation",
            ))
        }
        Err(semey_store::StoreError::NotFound { .. }) => {}
        Err(other) => return Err(other.into()),
    }
    let mut tx = store.begin().await?;
    store
        .put_document_file(
            &mut tx,
            &e.digest,
            e.format,
            file.bytes,
            e.state,
            e.text.as_deref(),
            e.reason.as_deref(),
        )
        .await?;
    let written = write_in::<Document>(store, &mut tx, actor, None, input, channel).await?;
    tx.commit().await?;
    Ok(Uploaded::Written(written))
}

/// [`upload`] with the server's configuration: its reader, time limit and largest file.
pub async fn upload_configured(
    store: &Store,
    config: &crate::Config,
    actor: &Actor,
    file: UploadedFile<'_>,
    input: DocumentInput,
    channel: Channel,
) -> Result<Uploaded, AppError> {
    let reader = config.document_reader();
    upload(
        store,
        &Reading::of(config, &reader),
        actor,
        file,
        input,
        channel,
    )
    .await
}

/// May `actor` read this published document? Public ones everyone; private ones their
/// organisation's people and the coordinators.
pub fn may_read(actor: &Actor, d: &Document) -> bool {
    match d.visibility {
        Visibility::Public => true,
        Visibility::Private => match crate::coordination::audience(actor) {
            Audience::All => true,
            Audience::Organisation(o) => o == d.organisation_id,
            Audience::Public => false,
        },
    }
}

/// The document `actor` asked for, or `NotFound` when there is none they may read (a
/// private document is not there for others).
pub async fn readable(store: &Store, actor: &Actor, id: DocumentId) -> Result<Document, AppError> {
    let d = store.document(id).await?;
    if may_read(actor, &d) {
        Ok(d)
    } else {
        Err(semey_store::StoreError::NotFound {
            entity: "document",
            id: id.to_string(),
        }
        .into())
    }
}
