//! The document library: files by digest (their bytes, and the text extraction read from
//! them), documents kept whole as JSON with the columns lists filter on, and their links to
//! the records they concern. Migration 0025 says why files live in the database.

use crate::coordination::Audience;
use crate::db::{on_db, on_pool, on_tx, Arg, Db, Page, Sql, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::document::{Document, DocumentType, FileFormat, TextState};
use semey_domain::ids::{
    DecisionId, DocumentId, MandateId, MeetingId, OrganisationId, PlaceId, ProgrammeId,
};
use semey_domain::{FieldError, Invalid};

/// A stored file, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFile {
    pub digest: String,
    pub format: FileFormat,
    pub size: i64,
    pub text_state: TextState,
    /// Why the text could not be read.
    pub text_reason: Option<String>,
}

/// Filters for listing documents; `audience` says whose private documents show.
#[derive(Debug, Clone)]
pub struct DocumentFilter {
    pub audience: Audience,
    pub doc_type: Option<DocumentType>,
    pub organisation: Option<OrganisationId>,
    pub programme: Option<ProgrammeId>,
    /// Documents about this place or any place inside it.
    pub place: Option<PlaceId>,
    pub mandate: Option<MandateId>,
    pub meeting: Option<MeetingId>,
    pub decision: Option<DecisionId>,
    /// Words of the title, in any language.
    pub q: Option<String>,
}

impl DocumentFilter {
    pub fn seen_by(audience: Audience) -> Self {
        Self {
            audience,
            doc_type: None,
            organisation: None,
            programme: None,
            place: None,
            mandate: None,
            meeting: None,
            decision: None,
            q: None,
        }
    }
}

#[derive(sqlx::FromRow)]
struct FileRow {
    digest: String,
    format: String,
    size: i64,
    text_state: String,
    text_reason: Option<String>,
}

impl FileRow {
    fn decode(self) -> Result<DocumentFile> {
        Ok(DocumentFile {
            format: FileFormat::parse(&self.format)
                .map_err(|_| StoreError::Corrupt(format!("file format {:?}", self.format)))?,
            text_state: TextState::parse(&self.text_state)
                .ok_or_else(|| StoreError::Corrupt(format!("text state {:?}", self.text_state)))?,
            digest: self.digest,
            size: self.size,
            text_reason: self.text_reason,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ContentRow {
    content: String,
}

fn decode(content: &str) -> Result<Document> {
    serde_json::from_str(content).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// `AND` clause limiting documents (aliased `d`) to what `audience` may read.
fn seen(sql: &mut Sql, audience: Audience) {
    match audience {
        Audience::Public => {
            sql.push(" AND d.public = ").arg(Arg::Bool(true));
        }
        Audience::Organisation(o) => {
            sql.push(" AND (d.public = ")
                .arg(Arg::Bool(true))
                .push(" OR d.organisation_id = ")
                .arg(Arg::Text(o.to_string()))
                .push(")");
        }
        Audience::All => {}
    }
}

impl Store {
    /// Keeps a file's bytes under its digest with what reading it found; `false` when the
    /// library had it already.
    #[allow(clippy::too_many_arguments)]
    pub async fn put_document_file(
        &self,
        tx: &mut Tx,
        digest: &str,
        format: FileFormat,
        bytes: &[u8],
        state: TextState,
        text: Option<&str>,
        reason: Option<&str>,
    ) -> Result<bool> {
        let n = on_tx!(tx, c => sqlx::query("INSERT INTO document_files (digest, format, size, bytes, text_state, text, text_reason) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (digest) DO NOTHING")
            .bind(digest).bind(format.as_str()).bind(bytes.len() as i64).bind(bytes)
            .bind(state.as_str()).bind(text).bind(reason)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// A stored file's description, if the library holds it.
    pub async fn document_file(&self, digest: &str) -> Result<Option<DocumentFile>> {
        let row = on_pool!(self, p => sqlx::query_as::<_, FileRow>("SELECT digest, format, size, text_state, text_reason FROM document_files WHERE digest = $1").bind(digest).fetch_optional(p).await)?;
        row.map(FileRow::decode).transpose()
    }

    /// A stored file's bytes.
    pub async fn document_file_bytes(&self, digest: &str) -> Result<Vec<u8>> {
        let bytes: Option<Vec<u8>> = on_pool!(self, p => sqlx::query_scalar("SELECT bytes FROM document_files WHERE digest = $1").bind(digest).fetch_optional(p).await)?;
        bytes.ok_or_else(|| StoreError::not_found("file", digest))
    }

    /// The text read from a file (none when it could not be read).
    pub async fn document_text(&self, digest: &str) -> Result<Option<String>> {
        let text: Option<Option<String>> = on_pool!(self, p => sqlx::query_scalar("SELECT text FROM document_files WHERE digest = $1").bind(digest).fetch_optional(p).await)?;
        Ok(text.flatten())
    }

    /// Every reference a document makes exists: its file, organisation, programmes, places,
    /// mandates, meetings and decisions; every missing one is named by its field.
    pub async fn check_document_links(&self, tx: &mut Tx, d: &Document) -> Result<()> {
        let mut errors = Vec::new();
        let file = self
            .present(
                tx,
                "document_files",
                "digest",
                std::slice::from_ref(&d.digest),
            )
            .await?;
        if file.is_empty() {
            errors.push(FieldError::new(
                "digest",
                "unknown_file",
                format!("no uploaded file has the digest {}", d.digest),
            ));
        }
        let org = self
            .present(tx, "organisations", "id", &[d.organisation_id.to_string()])
            .await?;
        if org.is_empty() {
            errors.push(FieldError::new(
                "organisation_id",
                "unknown_organisation",
                format!("no organisation with id {}", d.organisation_id),
            ));
        }
        let lists: [(&str, &str, &str, Vec<String>); 5] = [
            (
                "programme_ids",
                "programmes",
                "unknown_programme",
                ids(&d.programme_ids),
            ),
            ("place_ids", "places", "unknown_place", ids(&d.place_ids)),
            (
                "mandate_ids",
                "mandates",
                "unknown_mandate",
                ids(&d.mandate_ids),
            ),
            (
                "meeting_ids",
                "meetings",
                "unknown_meeting",
                ids(&d.meeting_ids),
            ),
            (
                "decision_ids",
                "decisions",
                "unknown_decision",
                ids(&d.decision_ids),
            ),
        ];
        for (field, table, code, values) in lists {
            let found = self.present(tx, table, "id", &values).await?;
            for (i, v) in values.iter().enumerate() {
                if !found.contains(v) {
                    errors.push(FieldError::new(
                        format!("{field}[{i}]"),
                        code,
                        format!("there is no {} {v}", &table[..table.len() - 1]),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid { errors }.into())
        }
    }

    /// Creates the document or replaces the one with its id, with its links.
    pub async fn save_document(&self, tx: &mut Tx, d: &Document) -> Result<()> {
        self.check_document_links(tx, d).await?;
        let content = serde_json::to_string(d).expect("a document serialises");
        let search = format!("{} {}", d.title.search_key(), d.file_name.to_lowercase());
        on_tx!(tx, c => sqlx::query("INSERT INTO documents (id, digest, organisation_id, public, doc_type, doc_date, search, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
            ON CONFLICT (id) DO UPDATE SET organisation_id = excluded.organisation_id, public = excluded.public, doc_type = excluded.doc_type, \
            doc_date = excluded.doc_date, search = excluded.search, content = excluded.content")
            .bind(d.id.to_string()).bind(&d.digest).bind(d.organisation_id.to_string())
            .bind(d.visibility == semey_domain::document::Visibility::Public)
            .bind(d.doc_type.as_str()).bind(d.date.map(|x| x.to_string())).bind(search).bind(content)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let id = d.id.to_string();
        on_tx!(tx, c => sqlx::query("DELETE FROM document_links WHERE document_id = $1").bind(&id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let links = [
            ("programme", ids(&d.programme_ids)),
            ("place", ids(&d.place_ids)),
            ("mandate", ids(&d.mandate_ids)),
            ("meeting", ids(&d.meeting_ids)),
            ("decision", ids(&d.decision_ids)),
        ];
        for (kind, targets) in links {
            for t in targets {
                on_tx!(tx, c => sqlx::query("INSERT INTO document_links (document_id, kind, target_id) VALUES ($1, $2, $3)").bind(&id).bind(kind).bind(t).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        Ok(())
    }

    pub async fn document(&self, id: DocumentId) -> Result<Document> {
        self.document_on(Db::Pool(self), id).await
    }

    pub async fn document_in(&self, tx: &mut Tx, id: DocumentId) -> Result<Document> {
        self.document_on(Db::Tx(tx), id).await
    }

    async fn document_on(&self, db: Db<'_>, id: DocumentId) -> Result<Document> {
        let row = on_db!(db, c => sqlx::query_as::<_, ContentRow>("SELECT content FROM documents WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *c).await)?;
        decode(
            &row.ok_or_else(|| StoreError::not_found("document", id))?
                .content,
        )
    }

    /// Documents `f.audience` may read, newest first.
    pub async fn list_documents(
        &self,
        f: &DocumentFilter,
        page: Page,
    ) -> Result<(Vec<Document>, i64)> {
        let mut sql = Sql::new(" FROM documents d WHERE 1 = 1");
        seen(&mut sql, f.audience);
        if let Some(t) = f.doc_type {
            sql.push(" AND d.doc_type = ")
                .arg(Arg::Text(t.as_str().to_owned()));
        }
        if let Some(o) = f.organisation {
            sql.push(" AND d.organisation_id = ")
                .arg(Arg::Text(o.to_string()));
        }
        let linked = [
            ("programme", f.programme.map(|x| x.to_string())),
            ("mandate", f.mandate.map(|x| x.to_string())),
            ("meeting", f.meeting.map(|x| x.to_string())),
            ("decision", f.decision.map(|x| x.to_string())),
        ];
        for (kind, target) in linked {
            if let Some(t) = target {
                sql.push(" AND EXISTS (SELECT 1 FROM document_links l WHERE l.document_id = d.id AND l.kind = ")
                    .arg(Arg::Text(kind.to_owned()))
                    .push(" AND l.target_id = ")
                    .arg(Arg::Text(t))
                    .push(")");
            }
        }
        if let Some(p) = f.place {
            sql.push(" AND EXISTS (SELECT 1 FROM document_links l JOIN places pl ON pl.id = l.target_id WHERE l.document_id = d.id AND l.kind = 'place' AND (pl.id = ")
                .arg(Arg::Text(p.to_string()))
                .push(" OR pl.path LIKE (SELECT path FROM places WHERE id = ")
                .arg(Arg::Text(p.to_string()))
                .push(") || '/%'))");
        }
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            for word in q.to_lowercase().split_whitespace() {
                sql.push(" AND d.search LIKE ")
                    .arg(Arg::Text(format!("%{word}%")));
            }
        }
        let (rows, total) = self
            .page_of::<ContentRow>("d.content", sql, "", "d.doc_date DESC, d.id", page)
            .await?;
        let items = rows
            .iter()
            .map(|r| decode(&r.content))
            .collect::<Result<_>>()?;
        Ok((items, total))
    }
}

fn ids<T: ToString>(v: &[T]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}
