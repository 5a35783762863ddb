//! Reading a file's text for search — for PDF, DOCX and ODT in a process apart (plain text,
//! HTML and images are read by [`read`] in the server: our own one-pass code). Those parsers
//! meet hostile files: one that panics, recurses until its stack overflows or loops must not
//! take the server with it. So the server runs `semey documents read FORMAT` (this same
//! program) with the bytes on its standard input and a time limit, and reads back one JSON
//! line; a crash, a signal or the time limit mark the file "text not extracted" with the
//! reason. [`read`] is what that process runs.

use semey_domain::document::FileFormat;
use serde::{Deserialize, Serialize};
use std::io::{Cursor, Read};
use std::path::Path;
use std::time::Duration;

/// The most text kept of one file (characters beyond are not searched).
pub const TEXT_MAX_BYTES: usize = 4 << 20;
/// The most a compressed part of a file may inflate to.
const INFLATE_MAX: u64 = 256 << 20;

/// What reading a file found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Its text (empty for an image or a PDF without a text layer).
    Text { text: String },
    /// The file is not what it claims to be, or is encrypted: refused at upload.
    Refused { code: String, reason: String },
}

fn refused(code: &str, reason: impl Into<String>) -> Outcome {
    Outcome::Refused {
        code: code.to_owned(),
        reason: reason.into(),
    }
}

/// Reads the text of a file of a recognised format, in this process (run it apart).
pub fn read(format: FileFormat, bytes: &[u8]) -> Outcome {
    let text = match format {
        FileFormat::Pdf => return pdf(bytes),
        FileFormat::Docx => xml_in_zip(bytes, "word/document.xml", Xml::Docx),
        FileFormat::Odt => xml_in_zip(bytes, "content.xml", Xml::Odt),
        FileFormat::Html => Ok(html_text(&String::from_utf8_lossy(bytes))),
        FileFormat::Text => Ok(String::from_utf8_lossy(
            bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes),
        )
        .into_owned()),
        FileFormat::Png | FileFormat::Jpeg | FileFormat::Gif | FileFormat::Webp => {
            Ok(String::new())
        }
    };
    match text {
        Ok(t) => Outcome::Text { text: cap(t) },
        Err(e) => e,
    }
}

fn cap(mut t: String) -> String {
    if t.len() > TEXT_MAX_BYTES {
        let mut end = TEXT_MAX_BYTES;
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        t.truncate(end);
    }
    t
}

fn pdf(bytes: &[u8]) -> Outcome {
    let doc = match lopdf::Document::load_mem(bytes) {
        Ok(d) => d,
        Err(lopdf::Error::Decryption(_)) | Err(lopdf::Error::InvalidPassword) => {
            return refused("file_encrypted", "the PDF is encrypted")
        }
        Err(e) => return refused("file_broken", format!("the PDF cannot be read: {e}")),
    };
    if doc.was_encrypted() || doc.is_encrypted() {
        return refused("file_encrypted", "the PDF is encrypted");
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return refused("file_broken", "the PDF has no pages");
    }
    let mut text = String::new();
    // A page whose text cannot be read leaves the rest readable.
    for t in doc
        .extract_text_chunks_with_limit(&pages, INFLATE_MAX as usize)
        .into_iter()
        .flatten()
    {
        text.push_str(&t);
        if text.len() > TEXT_MAX_BYTES {
            break;
        }
    }
    Outcome::Text { text: cap(text) }
}

#[derive(Clone, Copy)]
enum Xml {
    Docx,
    Odt,
}

fn xml_in_zip(bytes: &[u8], part: &str, kind: Xml) -> Result<String, Outcome> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| refused("file_broken", format!("the package cannot be opened: {e}")))?;
    let mut xml = Vec::new();
    zip.by_name(part)
        .map_err(|e| refused("file_broken", format!("{part} cannot be read: {e}")))?
        .take(INFLATE_MAX)
        .read_to_end(&mut xml)
        .map_err(|e| refused("file_broken", format!("{part} cannot be read: {e}")))?;
    xml_text(&xml, kind).map_err(|e| refused("file_broken", format!("{part} is not XML: {e}")))
}

/// The text of a word processor's XML: runs of text, paragraphs on lines of their own.
fn xml_text(xml: &[u8], kind: Xml) -> Result<String, quick_xml::Error> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut out = String::new();
    let mut inside_text = 0usize;
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf)? {
            Event::Start(e) => {
                let name = e.name();
                match (kind, name.as_ref()) {
                    (Xml::Docx, b"w:t") | (Xml::Odt, b"text:p") | (Xml::Odt, b"text:h") => {
                        inside_text += 1
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => match (kind, e.name().as_ref()) {
                (Xml::Docx, b"w:tab") | (Xml::Odt, b"text:tab") => out.push('\t'),
                (Xml::Docx, b"w:br") | (Xml::Odt, b"text:line-break") => out.push('\n'),
                (Xml::Odt, b"text:s") => out.push(' '),
                _ => {}
            },
            Event::End(e) => match (kind, e.name().as_ref()) {
                (Xml::Docx, b"w:t") => inside_text = inside_text.saturating_sub(1),
                (Xml::Docx, b"w:p") => out.push('\n'),
                (Xml::Odt, b"text:p") | (Xml::Odt, b"text:h") => {
                    inside_text = inside_text.saturating_sub(1);
                    out.push('\n');
                }
                _ => {}
            },
            Event::Text(t) if inside_text > 0 => {
                out.push_str(&t.xml_content().map_err(quick_xml::Error::from)?);
            }
            Event::GeneralRef(e) if inside_text > 0 => {
                if let Ok(Some(c)) = e.resolve_char_ref() {
                    out.push(c);
                } else {
                    let name: &[u8] = &e;
                    match name {
                        b"amp" => out.push('&'),
                        b"lt" => out.push('<'),
                        b"gt" => out.push('>'),
                        b"quot" => out.push('"'),
                        b"apos" => out.push('\''),
                        _ => {}
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if out.len() > TEXT_MAX_BYTES {
            break;
        }
        buf.clear();
    }
    Ok(out)
}

/// The text of an HTML page: no markup, no scripts or styles, the common entities decoded,
/// blocks on lines of their own.
pub fn html_text(html: &str) -> String {
    let mut out = String::new();
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let tag = lower[i + 1..i + end.saturating_sub(1).max(1)]
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .next()
                .unwrap_or("")
                .to_owned();
            i += end;
            if (tag == "script" || tag == "style") && !rest.starts_with("</") {
                let close = format!("</{tag}");
                i = lower[i..].find(&close).map_or(html.len(), |e| i + e);
                continue;
            }
            if matches!(
                tag.as_str(),
                "p" | "br"
                    | "div"
                    | "li"
                    | "tr"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "section"
                    | "article"
                    | "title"
                    | "td"
                    | "th"
            ) && !out.ends_with('\n')
            {
                out.push('\n');
            }
            continue;
        }
        if rest.starts_with('&') {
            if let Some(semi) = rest[..rest.len().min(12)].find(';') {
                let name = &rest[1..semi];
                let ch = match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" | "#39" => Some('\''),
                    "nbsp" => Some(' '),
                    _ => name
                        .strip_prefix("#x")
                        .or_else(|| name.strip_prefix("#X"))
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                if let Some(c) = ch {
                    out.push(c);
                    i += semi + 1;
                    continue;
                }
            }
        }
        let c = rest.chars().next().expect("not at the end");
        out.push(c);
        i += c.len_utf8();
    }
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// What running the reader apart gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contained {
    Read(Outcome),
    /// The reader crashed, was stopped or gave up: why, for people.
    Fault(String),
}

/// Runs `reader documents read FORMAT` with the bytes on its standard input, for at most
/// `limit`; the child is killed when the time is up (or when this future is dropped).
pub async fn read_apart(
    reader: &Path,
    format: FileFormat,
    bytes: &[u8],
    limit: Duration,
) -> Contained {
    use tokio::io::AsyncWriteExt;
    let child = tokio::process::Command::new(reader)
        .args(["documents", "read", format.as_str()])
        .env("RUST_BACKTRACE", "0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return Contained::Fault(format!("the reader could not be started: {e}")),
    };
    let mut stdin = child.stdin.take().expect("piped");
    let input = bytes.to_vec();
    let writer = tokio::spawn(async move {
        // A reader that dies early closes its end: that is its exit status's story.
        let _ = stdin.write_all(&input).await;
    });
    let waited = tokio::time::timeout(limit, child.wait_with_output()).await;
    writer.abort();
    let out = match waited {
        Err(_) => {
            return Contained::Fault(format!(
                "reading took longer than {} s and was stopped",
                limit.as_secs()
            ))
        }
        Ok(Err(e)) => return Contained::Fault(format!("the reader failed: {e}")),
        Ok(Ok(out)) => out,
    };
    if !out.status.success() {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if let Some(sig) = out.status.signal() {
                return Contained::Fault(format!(
                    "the reader stopped on this file with a fault (signal {sig})"
                ));
            }
        }
        let said = String::from_utf8_lossy(&out.stderr);
        let said = said
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Contained::Fault(format!(
            "the reader stopped on this file ({}){}",
            out.status,
            if said.is_empty() {
                String::new()
            } else {
                format!(": {}", said.chars().take(300).collect::<String>())
            }
        ));
    }
    match serde_json::from_slice::<Outcome>(&out.stdout) {
        Ok(o) => Contained::Read(o),
        Err(e) => Contained::Fault(format!("the reader answered something unreadable: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_loses_its_markup_scripts_and_entities() {
        let t = html_text(
            "<html><head><title>Памятка</title><script>alert('x<y')</script><style>p{}</style></head>\
             <body><p>Радон &amp; дом</p><!-- note --><p>Сәлем&#33; &#x4F60;&#x597D;</p></body></html>",
        );
        assert_eq!(t, "Памятка\nРадон & дом\nСәлем! 你好");
    }

    #[test]
    fn word_processors_xml_gives_paragraphs() {
        let docx = br#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Radiation</w:t></w:r><w:r><w:t xml:space="preserve"> safety &amp; health</w:t></w:r></w:p><w:p><w:r><w:t>Second</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(
            xml_text(docx, Xml::Docx).unwrap(),
            "Radiation safety & health\nSecond\n"
        );
        let odt = br#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text><text:h>Title</text:h><text:p>One<text:s/>two</text:p></office:text></office:body></office:document-content>"#;
        assert_eq!(xml_text(odt, Xml::Odt).unwrap(), "Title\nOne two\n");
    }

    #[test]
    fn texts_are_capped_at_a_character_boundary() {
        let t = cap("ә".repeat(TEXT_MAX_BYTES));
        assert!(t.len() <= TEXT_MAX_BYTES && t.chars().all(|c| c == 'ә'));
    }
}
