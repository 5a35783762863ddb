//! The document library (C9): studies, laws, programme documents, minutes, reports, leaflets,
//! maps and dataset descriptions, each a file kept by its SHA-256 digest with its metadata in
//! four languages and its links to the records it concerns. The same file is one document:
//! its id is derived from the digest.
//!
//! What a file *is* comes from its content, never from its name; the feature's `sniff`
//! reads the bytes, and [`FileFormat`] says what each kind of file is called, served as and
//! named with.

use crate::error::{parse_day, Checker, FieldError};
use crate::ids::{
    DecisionId, DocumentId, MandateId, MeetingId, OrganisationId, PlaceId, ProgrammeId,
};
use crate::{Invalid, Lang, LocalText};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

string_enum!(
    /// What kind of document.
    DocumentType, "doc_type" {
        Study = "study",
        Law = "law",
        ProgrammeDocument = "programme_document",
        Minutes = "minutes",
        Report = "report",
        Leaflet = "leaflet",
        Map = "map",
        DatasetDescription = "dataset_description",
    }
);

string_enum!(
    /// Who may read a published document: everyone, or only its organisation's people and
    /// the coordinators.
    Visibility, "visibility" {
        Public = "public",
        Private = "private",
    }
);

string_enum!(
    /// The kinds of file the library accepts, as recognised from their content.
    FileFormat, "format" {
        Pdf = "pdf",
        Docx = "docx",
        Odt = "odt",
        Text = "text",
        Html = "html",
        Png = "png",
        Jpeg = "jpeg",
        Gif = "gif",
        Webp = "webp",
    }
);

impl FileFormat {
    /// The media type a download is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            FileFormat::Pdf => "application/pdf",
            FileFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileFormat::Odt => "application/vnd.oasis.opendocument.text",
            FileFormat::Text => "text/plain; charset=utf-8",
            FileFormat::Html => "text/html; charset=utf-8",
            FileFormat::Png => "image/png",
            FileFormat::Jpeg => "image/jpeg",
            FileFormat::Gif => "image/gif",
            FileFormat::Webp => "image/webp",
        }
    }

    /// The names files of this kind end with; the first is the one a download gets.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileFormat::Pdf => &["pdf"],
            FileFormat::Docx => &["docx"],
            FileFormat::Odt => &["odt"],
            FileFormat::Text => &["txt", "text", "md", "csv"],
            FileFormat::Html => &["html", "htm"],
            FileFormat::Png => &["png"],
            FileFormat::Jpeg => &["jpg", "jpeg"],
            FileFormat::Gif => &["gif"],
            FileFormat::Webp => &["webp"],
        }
    }

    /// Whether reading its text needs a third-party parser of a complex format (PDF, DOCX,
    /// ODT), which the platform runs in a process apart.
    pub fn read_apart(self) -> bool {
        matches!(self, FileFormat::Pdf | FileFormat::Docx | FileFormat::Odt)
    }

    pub fn is_image(self) -> bool {
        matches!(
            self,
            FileFormat::Png | FileFormat::Jpeg | FileFormat::Gif | FileFormat::Webp
        )
    }

    /// Does a file named `name` (and sent as `claimed`, a media type, when the sender said
    /// one) claim to be of this kind? A name without an extension and a generic media type
    /// claim nothing; any other claim must agree with the content.
    pub fn agrees_with(self, name: &str, claimed: Option<&str>) -> Result<(), String> {
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .filter(|e| !e.is_empty() && e.len() <= 5 && !e.contains(['/', '\\']));
        if let Some(ext) = &ext {
            let known = FileFormat::ALL
                .iter()
                .any(|f| f.extensions().contains(&ext.as_str()));
            if known && !self.extensions().contains(&ext.as_str()) {
                return Err(format!(
                    "{name:?} is named as .{ext} but its content is {}",
                    self.as_str()
                ));
            }
        }
        if let Some(claimed) = claimed.map(|c| c.split(';').next().unwrap_or("").trim()) {
            let generic = claimed.is_empty()
                || claimed == "application/octet-stream"
                || claimed == "binary/octet-stream";
            let own = self.media_type().split(';').next().unwrap_or("");
            if !generic && !claimed.eq_ignore_ascii_case(own) {
                return Err(format!(
                    "{name:?} was sent as {claimed} but its content is {}",
                    self.as_str()
                ));
            }
        }
        Ok(())
    }
}

/// A SHA-256 digest, 64 lower-case hex digits.
pub fn check_digest(s: &str) -> Result<String, Invalid> {
    let t = s.trim().to_ascii_lowercase();
    if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(t)
    } else {
        Err(Invalid::one(
            "digest",
            "invalid_digest",
            format!("{s:?} is not a SHA-256 digest (64 hex digits)"),
        ))
    }
}

const DOCUMENT_NAMESPACE: Uuid = Uuid::from_u128(0x5e3e_7a00_d0c5_4c1b_9a7d_0000_0075_0210);

impl DocumentId {
    /// The document of a file: one per digest.
    pub fn of_digest(digest: &str) -> Self {
        DocumentId(Uuid::new_v5(&DOCUMENT_NAMESPACE, digest.as_bytes()))
    }
}

/// A document of the library as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Document {
    pub id: DocumentId,
    /// The SHA-256 digest of its file.
    pub digest: String,
    /// The file's name as uploaded (downloads are named after it).
    pub file_name: String,
    pub title: LocalText,
    /// What it is about, in short.
    pub summary: LocalText,
    /// The languages the document itself is written in.
    pub languages: Vec<Lang>,
    pub doc_type: DocumentType,
    /// When it was issued.
    #[schema(value_type = Option<String>, format = Date, example = "2020-12-21")]
    #[serde(default, with = "crate::day::option")]
    pub date: Option<Date>,
    /// The organisation that published it (and whose people see it when private).
    pub organisation_id: OrganisationId,
    /// The licence it may be reused under (`CC-BY-4.0`, `public domain`, `all rights reserved`).
    pub licence: String,
    pub visibility: Visibility,
    pub programme_ids: Vec<ProgrammeId>,
    pub place_ids: Vec<PlaceId>,
    pub mandate_ids: Vec<MandateId>,
    pub meeting_ids: Vec<MeetingId>,
    pub decision_ids: Vec<DecisionId>,
}

/// A document's metadata as people send it; the file itself is uploaded beside it and named
/// by its digest.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DocumentInput {
    /// The SHA-256 digest of an uploaded file.
    pub digest: String,
    pub file_name: String,
    pub title: LocalText,
    #[serde(default)]
    pub summary: LocalText,
    /// Codes of the languages it is written in (`kk`, `ru`, `en`, `zh`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// `study`, `law`, `programme_document`, `minutes`, `report`, `leaflet`, `map` or
    /// `dataset_description`.
    pub doc_type: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub date: Option<String>,
    pub organisation_id: OrganisationId,
    #[serde(default)]
    pub licence: String,
    /// `public` (after approval) or `private` (its organisation and the coordinators).
    #[serde(default = "public")]
    pub visibility: String,
    #[serde(default)]
    pub programme_ids: Vec<ProgrammeId>,
    #[serde(default)]
    pub place_ids: Vec<PlaceId>,
    #[serde(default)]
    pub mandate_ids: Vec<MandateId>,
    #[serde(default)]
    pub meeting_ids: Vec<MeetingId>,
    #[serde(default)]
    pub decision_ids: Vec<DecisionId>,
}

fn public() -> String {
    "public".into()
}

/// The longest title and licence accepted, in characters.
const TITLE_MAX: usize = 500;
const SUMMARY_MAX: usize = 5000;

impl DocumentInput {
    /// Checks the metadata. The id is the file's (one document per file); a correction may
    /// not put another file under an existing document's id.
    pub fn check(self, id: Option<DocumentId>) -> Result<Document, Invalid> {
        let mut c = Checker::new();
        let digest = c.take("", check_digest(&self.digest));
        if let (Some(id), Some(d)) = (id, &digest) {
            if DocumentId::of_digest(d) != id {
                c.push(FieldError::new(
                    "digest",
                    "digest_changed",
                    "a document keeps its file: upload the new file as a new document",
                ));
            }
        }
        let file_name = self
            .file_name
            .trim()
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .chars()
            .filter(|ch| !ch.is_control() && *ch != '"')
            .collect::<String>();
        if file_name.is_empty() || file_name.chars().count() > 255 {
            c.push(FieldError::new(
                "file_name",
                "invalid_file_name",
                "a file needs a name of 1 to 255 characters",
            ));
        }
        let title = self.title.normalized();
        if title.is_empty() {
            c.push(FieldError::new(
                "title",
                "title_missing",
                "a document needs a title in at least one language",
            ));
        }
        for l in Lang::ALL {
            if title.get(l).is_some_and(|t| t.chars().count() > TITLE_MAX) {
                c.push(FieldError::new(
                    format!("title.{l}"),
                    "too_long",
                    format!("a title has at most {TITLE_MAX} characters"),
                ));
            }
        }
        let summary = self.summary.normalized();
        for l in Lang::ALL {
            if summary
                .get(l)
                .is_some_and(|t| t.chars().count() > SUMMARY_MAX)
            {
                c.push(FieldError::new(
                    format!("summary.{l}"),
                    "too_long",
                    format!("a summary has at most {SUMMARY_MAX} characters"),
                ));
            }
        }
        let mut languages = Vec::new();
        for (i, l) in self.languages.iter().enumerate() {
            match l.parse::<Lang>() {
                Ok(l) if !languages.contains(&l) => languages.push(l),
                Ok(_) => {}
                Err(e) => c.push(FieldError::new(
                    format!("languages[{i}]"),
                    "unknown_language",
                    e,
                )),
            }
        }
        let doc_type = c.take("", DocumentType::parse(&self.doc_type));
        let visibility = c.take("", Visibility::parse(&self.visibility));
        let date = match self.date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => match parse_day("date", d) {
                Ok(d) => Some(d),
                Err(e) => {
                    c.push(e);
                    None
                }
            },
        };
        let licence = self.licence.trim().to_owned();
        if licence.chars().count() > 200 {
            c.push(FieldError::new(
                "licence",
                "too_long",
                "a licence has at most 200 characters",
            ));
        }
        repeated(&mut c, "programme_ids", &self.programme_ids);
        repeated(&mut c, "place_ids", &self.place_ids);
        repeated(&mut c, "mandate_ids", &self.mandate_ids);
        repeated(&mut c, "meeting_ids", &self.meeting_ids);
        repeated(&mut c, "decision_ids", &self.decision_ids);
        c.finish(|| {
            let digest = digest.expect("checked");
            Document {
                id: DocumentId::of_digest(&digest),
                digest,
                file_name,
                title,
                summary,
                languages,
                doc_type: doc_type.expect("checked"),
                date,
                organisation_id: self.organisation_id,
                licence,
                visibility: visibility.expect("checked"),
                programme_ids: self.programme_ids,
                place_ids: self.place_ids,
                mandate_ids: self.mandate_ids,
                meeting_ids: self.meeting_ids,
                decision_ids: self.decision_ids,
            }
        })
    }
}

fn repeated<T: PartialEq + std::fmt::Display>(c: &mut Checker, field: &str, ids: &[T]) {
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            c.push(FieldError::new(
                format!("{field}[{i}]"),
                "repeated",
                format!("{id} is listed twice"),
            ));
        }
    }
}

impl Document {
    /// Back to what people send: a correction starts from it.
    pub fn to_input(&self) -> DocumentInput {
        DocumentInput {
            digest: self.digest.clone(),
            file_name: self.file_name.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            languages: self.languages.iter().map(|l| l.code().to_owned()).collect(),
            doc_type: self.doc_type.as_str().to_owned(),
            date: self.date.map(|d| d.to_string()),
            organisation_id: self.organisation_id,
            licence: self.licence.clone(),
            visibility: self.visibility.as_str().to_owned(),
            programme_ids: self.programme_ids.clone(),
            place_ids: self.place_ids.clone(),
            mandate_ids: self.mandate_ids.clone(),
            meeting_ids: self.meeting_ids.clone(),
            decision_ids: self.decision_ids.clone(),
        }
    }

    /// The name a download gets: the uploaded name, its extension made the content's own.
    pub fn download_name(&self, format: FileFormat) -> String {
        let stem = match self.file_name.rsplit_once('.') {
            Some((_, ext))
                if format
                    .extensions()
                    .contains(&ext.to_ascii_lowercase().as_str()) =>
            {
                return self.file_name.clone()
            }
            Some((stem, _)) if !stem.is_empty() => stem,
            _ => self.file_name.as_str(),
        };
        format!("{stem}.{}", format.extensions()[0])
    }
}

/// Why a document's text could not be read for search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextState {
    Extracted,
    /// Read, but nothing there (an image, a scanned PDF without a text layer).
    Empty,
    /// The reader failed, gave up or took too long; the reason is kept.
    Failed,
}

impl TextState {
    pub fn as_str(self) -> &'static str {
        match self {
            TextState::Extracted => "extracted",
            TextState::Empty => "empty",
            TextState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [TextState::Extracted, TextState::Empty, TextState::Failed]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> DocumentInput {
        DocumentInput {
            digest: "a".repeat(64),
            file_name: "C:\\Users\\x\\leaflet.pdf".into(),
            title: LocalText::new().with(Lang::Ru, " Памятка "),
            summary: LocalText::new(),
            languages: vec!["ru".into(), "kk".into(), "ru".into()],
            doc_type: "leaflet".into(),
            date: Some("2024-05-01".into()),
            organisation_id: OrganisationId::new(),
            licence: "CC-BY-4.0".into(),
            visibility: "public".into(),
            programme_ids: vec![],
            place_ids: vec![],
            mandate_ids: vec![],
            meeting_ids: vec![],
            decision_ids: vec![],
        }
    }

    #[test]
    fn one_document_per_file_and_names_without_folders() {
        let d = input().check(None).unwrap();
        assert_eq!(d.id, DocumentId::of_digest(&"a".repeat(64)));
        assert_eq!(d.file_name, "leaflet.pdf");
        assert_eq!(d.languages, [Lang::Ru, Lang::Kk]);
        let other = DocumentInput {
            digest: "b".repeat(64),
            ..input()
        };
        let e = other.check(Some(d.id)).unwrap_err();
        assert_eq!(e.errors[0].field, "digest");
    }

    #[test]
    fn every_broken_field_is_named() {
        let bad = DocumentInput {
            digest: "xyz".into(),
            title: LocalText::new(),
            languages: vec!["fr".into()],
            doc_type: "poem".into(),
            date: Some("2024-13-01".into()),
            visibility: "secret".into(),
            programme_ids: vec![ProgrammeId(Uuid::nil()), ProgrammeId(Uuid::nil())],
            ..input()
        };
        let fields: Vec<_> = bad
            .check(None)
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| e.field)
            .collect();
        for f in [
            "digest",
            "title",
            "languages[0]",
            "doc_type",
            "date",
            "visibility",
            "programme_ids[1]",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn names_and_media_types_must_agree_with_the_content() {
        assert!(FileFormat::Pdf
            .agrees_with("report.PDF", Some("application/pdf"))
            .is_ok());
        assert!(FileFormat::Pdf.agrees_with("report", None).is_ok());
        assert!(FileFormat::Pdf
            .agrees_with("report.pdf", Some("application/octet-stream"))
            .is_ok());
        assert!(FileFormat::Pdf.agrees_with("report.docx", None).is_err());
        assert!(FileFormat::Png
            .agrees_with("map.png", Some("application/pdf"))
            .is_err());
        // Names the library does not know (a version number) claim nothing.
        assert!(FileFormat::Text.agrees_with("notes.v2", None).is_ok());
    }

    #[test]
    fn downloads_carry_the_contents_extension() {
        let d = input().check(None).unwrap();
        assert_eq!(d.download_name(FileFormat::Pdf), "leaflet.pdf");
        assert_eq!(d.download_name(FileFormat::Html), "leaflet.html");
    }
}
