//! `/api/v1/documents`: the document library. Uploads are `multipart/form-data` with the file
//! (`file`) and its metadata (`metadata`, JSON); downloads come with their own media type, as
//! attachments, never shown inline.

use super::common::{page, parse_path_id, List};
use super::extract::{from_str, param, ApiJson, ApiQuery};
use crate::accounts::Actor;
use crate::documents::{self as feature, Uploaded, UploadedFile};
use crate::{AppError, AppState};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use semey_domain::document::{Document, DocumentInput, DocumentType, FileFormat, TextState};
use semey_domain::ids::{
    DecisionId, DocumentId, MandateId, MeetingId, OrganisationId, PlaceId, ProgrammeId,
};
use semey_domain::Invalid;
use semey_store::DocumentFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The most a request may carry; the configured `max_document_bytes` is checked as the file
/// arrives, so a larger file is refused before it is all read.
const UPLOAD_CEILING: usize = 1 << 30;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_documents, upload_document))
        .routes(routes!(get_document, update_document))
        .routes(routes!(download_document))
        .routes(routes!(document_text))
        .layer(DefaultBodyLimit::max(UPLOAD_CEILING))
}

/// A file and the other fields of a `multipart/form-data` upload.
pub(crate) struct Posted {
    pub file: Option<PostedFile>,
    pub fields: Vec<(String, String)>,
}

/// The file of an upload: its name, the media type its sender claimed, its bytes.
pub(crate) struct PostedFile {
    pub name: String,
    pub claimed: Option<String>,
    pub bytes: Vec<u8>,
}

impl PostedFile {
    pub(crate) fn as_upload(&self) -> UploadedFile<'_> {
        UploadedFile {
            bytes: &self.bytes,
            name: &self.name,
            claimed: self.claimed.as_deref(),
        }
    }
}

/// Reads an upload, refusing a file over `max` bytes as soon as it is (nothing is stored).
pub(crate) async fn read_upload(mut m: Multipart, max: usize) -> Result<Posted, AppError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        AppError::bad_parameter("file", format!("the upload could not be read: {e}"))
    };
    let mut posted = Posted {
        file: None,
        fields: Vec::new(),
    };
    while let Some(mut field) = m.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("upload").to_owned();
            let claimed = field.content_type().map(str::to_owned);
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                if bytes.len() + chunk.len() > max {
                    return Err(AppError::Invalid(Invalid::one(
                        "file",
                        "file_too_large",
                        format!("the file is larger than the {max} bytes accepted"),
                    )));
                }
                bytes.extend_from_slice(&chunk);
            }
            posted.file = Some(PostedFile {
                name: file_name,
                claimed,
                bytes,
            });
        } else {
            let text = field.text().await.map_err(broken)?;
            posted.fields.push((name, text));
        }
    }
    Ok(posted)
}

/// What a stored file is and whether its text could be read.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileView {
    /// `pdf`, `docx`, `odt`, `text`, `html`, `png`, `jpeg`, `gif` or `webp`, from the content.
    pub format: FileFormat,
    pub media_type: &'static str,
    pub size: i64,
    /// `extracted`, `empty` (no text in it) or `failed` ("text not extracted").
    pub text_state: TextState,
    /// Why the text is not there.
    pub text_reason: Option<String>,
    /// Where to download it.
    pub download: String,
}

/// A document with its file.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    #[serde(flatten)]
    pub document: Document,
    pub file: Option<FileView>,
}

async fn view(s: &AppState, d: Document) -> Result<DocumentView, AppError> {
    let file = s.store.document_file(&d.digest).await?.map(|f| FileView {
        format: f.format,
        media_type: f.format.media_type(),
        size: f.size,
        text_state: f.text_state,
        text_reason: f.text_reason,
        download: format!("/api/v1/documents/{}/file", d.id),
    });
    Ok(DocumentView { document: d, file })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DocumentQuery {
    /// `study`, `law`, `programme_document`, `minutes`, `report`, `leaflet`, `map` or
    /// `dataset_description`.
    #[serde(rename = "type")]
    doc_type: Option<String>,
    organisation_id: Option<String>,
    programme_id: Option<String>,
    /// Documents about this place or a place inside it.
    place_id: Option<String>,
    mandate_id: Option<String>,
    meeting_id: Option<String>,
    decision_id: Option<String>,
    /// Words of the title or the file's name, in any language.
    q: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

impl DocumentQuery {
    pub(crate) fn filter(&self, actor: &Actor) -> Result<DocumentFilter, AppError> {
        let mut f = DocumentFilter::seen_by(crate::coordination::audience(actor));
        f.doc_type = param("type", &self.doc_type, |v| {
            DocumentType::parse(v).map_err(|e| e.to_string())
        })?;
        f.organisation = param(
            "organisation_id",
            &self.organisation_id,
            from_str::<OrganisationId>("an organisation id"),
        )?;
        f.programme = param(
            "programme_id",
            &self.programme_id,
            from_str::<ProgrammeId>("a programme id"),
        )?;
        f.place = param(
            "place_id",
            &self.place_id,
            from_str::<PlaceId>("a place id"),
        )?;
        f.mandate = param(
            "mandate_id",
            &self.mandate_id,
            from_str::<MandateId>("a mandate id"),
        )?;
        f.meeting = param(
            "meeting_id",
            &self.meeting_id,
            from_str::<MeetingId>("a meeting id"),
        )?;
        f.decision = param(
            "decision_id",
            &self.decision_id,
            from_str::<DecisionId>("a decision id"),
        )?;
        f.q = self.q.clone();
        Ok(f)
    }
}

/// Lists the documents the reader may read, newest first (private ones only for their
/// organisation's people and the coordinators).
#[utoipa::path(get, path = "/documents", tag = "documents", params(DocumentQuery),
    responses((status = 200, body = List<DocumentView>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_documents(
    State(s): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<DocumentQuery>,
) -> Result<Json<List<DocumentView>>, AppError> {
    let page = page(&q.limit, &q.offset)?;
    let (items, total) = s.store.list_documents(&q.filter(&actor)?, page).await?;
    let mut views = Vec::with_capacity(items.len());
    for d in items {
        views.push(view(&s, d).await?);
    }
    Ok(Json(List {
        items: views,
        total,
        limit: page.limit,
        offset: page.offset,
        downloads: None,
    }))
}

/// The upload's form: the file and its metadata.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(super) struct DocumentUpload {
    /// The file: PDF, DOCX, ODT, plain text (UTF-8), HTML, PNG, JPEG, GIF or WebP, recognised
    /// from its content; at most `max_document_bytes` (50 MB unless configured).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The metadata as JSON (`DocumentInput`; `digest` and `file_name` may be left out: they
    /// come from the file).
    #[schema(value_type = String)]
    metadata: String,
}

/// Uploads a document: the file is recognised from its content and its text read for search;
/// a file that is empty, too large, encrypted, broken, an archive or not what its name or
/// media type says is refused with the reason, and nothing is stored. The same file again is
/// the same document (200 with it). A coordinator's upload is published (201); an editor's is
/// proposed for approval (202).
#[utoipa::path(post, path = "/documents", tag = "documents",
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = DocumentView), (status = 200, body = DocumentView, description = "The library has this file already"),
        (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn upload_document(
    State(s): State<AppState>,
    actor: Actor,
    super::extract::ApiMultipart(multipart): super::extract::ApiMultipart,
) -> Result<Response, AppError> {
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    let posted = read_upload(multipart, s.config.max_document_bytes).await?;
    let Some(file) = posted.file else {
        return Err(AppError::Invalid(Invalid::one(
            "file",
            "file_missing",
            "the upload has no part named \"file\"",
        )));
    };
    let metadata = posted
        .fields
        .iter()
        .find(|(k, _)| k == "metadata")
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| {
            AppError::Invalid(Invalid::one(
                "metadata",
                "metadata_missing",
                "the upload has no part named \"metadata\" (the document's metadata as JSON)",
            ))
        })?;
    let mut value: serde_json::Value = serde_json::from_str(metadata)
        .map_err(|e| AppError::bad_parameter("metadata", format!("not JSON: {e}")))?;
    if let Some(o) = value.as_object_mut() {
        o.entry("digest").or_insert_with(|| "".into());
        o.entry("file_name").or_insert_with(|| "".into());
    }
    let input: DocumentInput = serde_path_to_error::deserialize(value).map_err(|e| {
        AppError::Invalid(Invalid::one(
            format!("metadata.{}", e.path()),
            "invalid_value",
            e.inner().to_string(),
        ))
    })?;
    let uploaded = feature::upload_configured(
        &s.store,
        &s.config,
        &actor,
        file.as_upload(),
        input,
        crate::records::Channel::Api,
    )
    .await?;
    Ok(match uploaded {
        Uploaded::Known(d) => (StatusCode::OK, Json(view(&s, d).await?)).into_response(),
        Uploaded::Written(crate::records::Written::Published { record, created }) => {
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, Json(view(&s, record).await?)).into_response()
        }
        Uploaded::Written(proposed) => proposed.respond(),
    })
}

/// One document (a private one only for its organisation's people and the coordinators).
#[utoipa::path(get, path = "/documents/{id}", tag = "documents", params(("id" = String, Path, description = "Document id")),
    responses((status = 200, body = DocumentView), (status = 404, body = crate::error::ErrorBody)))]
async fn get_document(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<DocumentView>, AppError> {
    let id = parse_path_id::<DocumentId>("document", &id)?;
    let d = feature::readable(&s.store, &actor, id).await?;
    Ok(Json(view(&s, d).await?))
}

/// Corrects a document's metadata (its file stays; an editor's change is proposed).
#[utoipa::path(put, path = "/documents/{id}", tag = "documents", request_body = DocumentInput, params(("id" = String, Path, description = "Document id")),
    responses((status = 200, body = Document), (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_document(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DocumentInput>,
) -> Result<Response, AppError> {
    let id = parse_path_id::<DocumentId>("document", &id)?;
    feature::readable(&s.store, &actor, id).await?;
    Ok(crate::records::write::<Document>(
        &s.store,
        &actor,
        Some(id),
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

/// The headers of a file handed out: its own media type, as an attachment named after the
/// document, never sniffed or run by the browser.
pub(crate) fn attachment(
    d: &Document,
    format: FileFormat,
    bytes: Vec<u8>,
    inline: bool,
) -> Response {
    let name = d.download_name(format);
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        if inline && format.is_image() {
            "inline"
        } else {
            "attachment"
        },
        crate::presentation::escape::url(&name)
    );
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    r
}

/// Downloads a document's file.
#[utoipa::path(get, path = "/documents/{id}/file", tag = "documents", params(("id" = String, Path, description = "Document id")),
    responses((status = 200, description = "The file, as an attachment, in its own media type (PDF, DOCX, ODT, text, HTML, PNG, JPEG, GIF or WebP)", content_type = "*/*"), (status = 404, body = crate::error::ErrorBody)))]
async fn download_document(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_path_id::<DocumentId>("document", &id)?;
    let d = feature::readable(&s.store, &actor, id).await?;
    let file = s.store.document_file(&d.digest).await?.ok_or_else(|| {
        semey_store::StoreError::NotFound {
            entity: "file",
            id: d.digest.clone(),
        }
    })?;
    let bytes = s.store.document_file_bytes(&d.digest).await?;
    Ok(attachment(&d, file.format, bytes, false))
}

/// The text read from a document's file for search (404 when none could be read).
#[utoipa::path(get, path = "/documents/{id}/text", tag = "documents", params(("id" = String, Path, description = "Document id")),
    responses((status = 200, body = String, content_type = "text/plain"), (status = 404, body = crate::error::ErrorBody)))]
async fn document_text(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_path_id::<DocumentId>("document", &id)?;
    let d = feature::readable(&s.store, &actor, id).await?;
    let text = s.store.document_text(&d.digest).await?.ok_or_else(|| {
        semey_store::StoreError::NotFound {
            entity: "document text",
            id: id.to_string(),
        }
    })?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}
