//! What a file is, from its first bytes and its structure's outline, never from its name:
//! cheap checks that run in the request (no parser of the file's inner content runs here —
//! that happens in a process apart, see `read.rs`). Archives, executables, encrypted files
//! and files cut short are refused with the reason.

use semey_domain::document::FileFormat;
use std::io::Cursor;

/// Why a file is refused: a code (the message key's tail) and the reason in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub reason: String,
}

impl Refusal {
    pub fn new(code: &'static str, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }
}

const OPENDOCUMENT_TEXT: &[u8] = b"application/vnd.oasis.opendocument.text";

/// Recognises a file of at most `limit` bytes.
pub fn sniff(bytes: &[u8], limit: usize) -> Result<FileFormat, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::new("file_empty", "the file is empty"));
    }
    if bytes.len() > limit {
        return Err(Refusal::new(
            "file_too_large",
            format!(
                "the file has {} bytes; the most accepted is {limit}",
                bytes.len()
            ),
        ));
    }
    let starts = |m: &[u8]| bytes.starts_with(m);
    if starts(b"%PDF-") {
        return pdf(bytes);
    }
    if starts(b"PK\x03\x04") {
        return zipped(bytes);
    }
    if starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(Refusal::new(
            "file_legacy_office",
            "an old Office file (.doc) or a password-protected Office document: save it as DOCX, ODT or PDF without a password",
        ));
    }
    let archive = starts(b"\x1F\x8B")
        || starts(b"7z\xBC\xAF\x27\x1C")
        || starts(b"Rar!\x1A\x07")
        || starts(b"BZh")
        || starts(b"\xFD7zXZ\x00")
        || starts(b"PK\x05\x06")
        || bytes.get(257..262) == Some(b"ustar");
    if archive {
        return Err(Refusal::new(
            "file_archive",
            "archives are not accepted: upload each document on its own",
        ));
    }
    if starts(b"\x89PNG\r\n\x1A\n") {
        return Ok(FileFormat::Png);
    }
    if starts(b"\xFF\xD8\xFF") {
        return Ok(FileFormat::Jpeg);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Ok(FileFormat::Gif);
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(FileFormat::Webp);
    }
    text(bytes)
}

fn pdf(bytes: &[u8]) -> Result<FileFormat, Refusal> {
    // The trailer (or the cross-reference stream's dictionary, never compressed) names the
    // encryption dictionary.
    if memmem(bytes, b"/Encrypt").is_some() {
        return Err(Refusal::new(
            "file_encrypted",
            "the PDF is encrypted: save it without a password or restrictions",
        ));
    }
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    if memmem(tail, b"%%EOF").is_none() {
        return Err(Refusal::new(
            "file_broken",
            "the PDF is cut short (it has no end-of-file marker)",
        ));
    }
    Ok(FileFormat::Pdf)
}

fn zipped(bytes: &[u8]) -> Result<FileFormat, Refusal> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        Refusal::new(
            "file_broken",
            format!("the file looks like a ZIP package but cannot be opened: {e}"),
        )
    })?;
    let mut mimetype = Vec::new();
    if let Ok(mut m) = zip.by_name("mimetype") {
        use std::io::Read;
        let _ = (&mut m).take(200).read_to_end(&mut mimetype);
    }
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let encrypted = (0..zip.len()).any(|i| zip.by_index_raw(i).is_ok_and(|f| f.encrypted()));
    if encrypted {
        return Err(Refusal::new(
            "file_encrypted",
            "the package is protected by a password",
        ));
    }
    if mimetype.trim_ascii() == OPENDOCUMENT_TEXT && names.iter().any(|n| n == "content.xml") {
        return Ok(FileFormat::Odt);
    }
    if names.iter().any(|n| n == "word/document.xml")
        && names.iter().any(|n| n == "[Content_Types].xml")
    {
        return Ok(FileFormat::Docx);
    }
    Err(Refusal::new(
        "file_archive",
        "archives are not accepted (this ZIP file is not a DOCX or ODT document): upload each document on its own",
    ))
}

fn text(bytes: &[u8]) -> Result<FileFormat, Refusal> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(s) = std::str::from_utf8(body) else {
        return Err(Refusal::new(
            "file_unknown_type",
            "the file is not one of the kinds accepted (PDF, DOCX, ODT, plain text in UTF-8, HTML, PNG, JPEG, GIF, WebP)",
        ));
    };
    let controls = s
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0C'))
        .count();
    if controls > 0 {
        return Err(Refusal::new(
            "file_unknown_type",
            "the file holds control characters that plain text never has",
        ));
    }
    let head: String = s
        .trim_start()
        .chars()
        .take(1024)
        .collect::<String>()
        .to_lowercase();
    let html = head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || (head.starts_with('<') && (head.contains("<html") || head.contains("<body")));
    Ok(if html {
        FileFormat::Html
    } else {
        FileFormat::Text
    })
}

fn memmem(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in files {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn kinds_come_from_the_content() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
        assert_eq!(sniff(pdf, 1000), Ok(FileFormat::Pdf));
        let odt = zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<x/>"),
        ]);
        assert_eq!(sniff(&odt, 1 << 20), Ok(FileFormat::Odt));
        let docx = zip_of(&[
            ("[Content_Types].xml", b"<x/>"),
            ("word/document.xml", b"<x/>"),
        ]);
        assert_eq!(sniff(&docx, 1 << 20), Ok(FileFormat::Docx));
        assert_eq!(
            sniff("<!DOCTYPE html><p>Сәлем</p>".as_bytes(), 1000),
            Ok(FileFormat::Html)
        );
        assert_eq!(
            sniff("\u{feff}Памятка жителям".as_bytes(), 1000),
            Ok(FileFormat::Text)
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1A\n....", 1000), Ok(FileFormat::Png));
    }

    #[test]
    fn refusals_say_why() {
        let code = |b: &[u8]| sniff(b, 100).unwrap_err().code;
        assert_eq!(code(b""), "file_empty");
        assert_eq!(code(&[b'a'; 101]), "file_too_large");
        assert_eq!(
            code(b"%PDF-1.4\ntrailer\n<< /Encrypt 5 0 R >>\n%%EOF"),
            "file_encrypted"
        );
        assert_eq!(code(b"%PDF-1.4\n1 0 obj\n<<"), "file_broken");
        assert_eq!(code(b"\x1F\x8B\x08\x00"), "file_archive");
        assert_eq!(code(b"MZ\x90\x00\x03\x00\x00\x00"), "file_unknown_type");
        assert_eq!(
            code(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
            "file_legacy_office"
        );
        let plain_zip = zip_of(&[("notes.txt", b"hello")]);
        assert_eq!(sniff(&plain_zip, 1 << 20).unwrap_err().code, "file_archive");
        assert_eq!(
            sniff(b"PK\x03\x04garbage", 100).unwrap_err().code,
            "file_broken"
        );
    }
}
