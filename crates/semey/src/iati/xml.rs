//! Reading IATI activity files as a stream: the root is checked, then each `iati-activity` is
//! read into a small tree of its own and handed over, so memory holds one activity at a time
//! whatever the file's size.
//!
//! Safe by construction: a document type declaration (and with it any entity declaration, an
//! external entity or an expanding one) is refused before anything else is read, and the only
//! references resolved are XML's five predefined entities and character references. Nothing
//! outside the file is ever opened. Text must be UTF-8, or UTF-16 with its byte order mark.

use quick_xml::events::Event;
use semey_domain::FieldError;
use std::io::{BufRead, BufReader, Read};

/// An element of one activity: its name, attributes, text, children and the line it starts on.
#[derive(Debug, Clone, Default)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
    pub line: u64,
}

impl Node {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text, `None` when empty.
    pub fn value(&self) -> Option<&str> {
        Some(self.text.trim()).filter(|t| !t.is_empty())
    }
}

/// Problems of reading, each with its line and an XPath-like location.
pub fn problem(line: u64, path: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(format!("line {line}: {path}"), code, message).with_arg("line", line)
}

/// An attribute of `n` whose value is not on its IATI codelist (`list`), at `{at}/@{attr}`,
/// the value named for the translated message.
pub fn unknown_code(n: &Node, at: &str, attr: &str, list: &str) -> FieldError {
    let value = n.attr(attr).unwrap_or("");
    problem(
        n.line,
        &format!("{at}/@{attr}"),
        "unknown_code",
        format!("{value:?} is not an IATI {list}"),
    )
    .with_arg("code", value)
}

/// The activities of one file, read one after the other.
pub struct Activities<R: BufRead> {
    reader: quick_xml::Reader<R>,
    buf: Vec<u8>,
    line: u64,
    /// The file's `version` (2.01, 2.02 or 2.03).
    pub version: String,
    /// The file's default language (`xml:lang` on the root), if any.
    pub lang: Option<String>,
    /// Activities read so far (for locations: `iati-activity[n]`).
    pub count: u64,
}

/// Turns a byte stream into UTF-8: UTF-8 passes (its BOM dropped); UTF-16 with a BOM is
/// transcoded as it is read.
pub fn utf8_stream<'a>(
    mut r: impl BufRead + Send + 'a,
) -> std::io::Result<Box<dyn BufRead + Send + 'a>> {
    let head = r.fill_buf()?;
    match head {
        [0xEF, 0xBB, 0xBF, ..] => {
            r.consume(3);
            Ok(Box::new(r))
        }
        [0xFF, 0xFE, ..] => {
            r.consume(2);
            Ok(Box::new(BufReader::new(Utf16 {
                inner: r,
                little: true,
                out: Vec::new(),
                at: 0,
            })))
        }
        [0xFE, 0xFF, ..] => {
            r.consume(2);
            Ok(Box::new(BufReader::new(Utf16 {
                inner: r,
                little: false,
                out: Vec::new(),
                at: 0,
            })))
        }
        _ => Ok(Box::new(r)),
    }
}

/// UTF-16 to UTF-8, a chunk at a time.
struct Utf16<R> {
    inner: R,
    little: bool,
    out: Vec<u8>,
    at: usize,
}

impl<R: BufRead> Read for Utf16<R> {
    fn read(&mut self, dst: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.out.len() {
            self.out.clear();
            self.at = 0;
            let mut units = Vec::new();
            let mut two = [0u8; 2];
            // About 8 KiB of input per refill; a surrogate pair is never split.
            while units.len() < 4096 || units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
                match self.inner.read_exact(&mut two) {
                    Ok(()) => units.push(if self.little {
                        u16::from_le_bytes(two)
                    } else {
                        u16::from_be_bytes(two)
                    }),
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                    Err(e) => return Err(e),
                }
            }
            for c in char::decode_utf16(units) {
                let c = c.map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "the file is not valid UTF-16",
                    )
                })?;
                let mut b = [0u8; 4];
                self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
        let n = dst.len().min(self.out.len() - self.at);
        dst[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn text_of(bytes: &[u8], line: u64, path: impl FnOnce() -> String) -> Result<String, FieldError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        problem(
            line,
            &path(),
            "not_utf8",
            "the text is not UTF-8 (the file must be UTF-8, or UTF-16 with a byte order mark, as its declaration says)",
        )
    })
}

impl<R: BufRead> Activities<R> {
    /// Reads up to the root element and checks it: an `iati-activities` of version 2.01–2.03.
    pub fn open(reader: R) -> Result<Self, FieldError> {
        let mut me = Self {
            reader: quick_xml::Reader::from_reader(reader),
            buf: Vec::new(),
            line: 1,
            version: String::new(),
            lang: None,
            count: 0,
        };
        me.reader.config_mut().check_end_names = true;
        loop {
            me.buf.clear();
            let line = me.line;
            let event = me.reader.read_event_into(&mut me.buf).map_err(|e| {
                problem(
                    line,
                    "/",
                    "malformed_xml",
                    format!("the XML is malformed: {e}"),
                )
            })?;
            let newlines = bytecount(&event);
            match event {
                Event::Decl(d) => {
                    if let Some(Ok(enc)) = d.encoding() {
                        let enc = String::from_utf8_lossy(&enc).to_lowercase();
                        if !matches!(enc.as_str(), "utf-8" | "utf8" | "utf-16" | "utf16") {
                            return Err(problem(
                                line,
                                "/",
                                "unsupported_encoding",
                                format!("the file declares the encoding {enc}: only UTF-8 and UTF-16 are read"),
                            ));
                        }
                    }
                }
                Event::DocType(_) => {
                    return Err(problem(
                        line,
                        "/",
                        "doctype_refused",
                        "the file has a document type declaration (DTD): DTDs and entity declarations are refused, and nothing outside the file is read",
                    ))
                }
                Event::Start(e) => {
                    let name = text_of(e.name().as_ref(), line, || "/".into())?;
                    if name != "iati-activities" {
                        return Err(problem(
                            line,
                            &format!("/{name}"),
                            "not_iati_activities",
                            format!("the root element is <{name}>, not <iati-activities>: this is not an IATI activity file"),
                        ));
                    }
                    for a in e.attributes() {
                        let a = a.map_err(|e| problem(line, "/iati-activities", "malformed_xml", e.to_string()))?;
                        let key = text_of(a.key.as_ref(), line, || "/iati-activities".into())?;
                        let value = a
                            .unescape_value()
                            .map_err(|e| problem(line, "/iati-activities", "entity_refused", e.to_string()))?
                            .into_owned();
                        match key.as_str() {
                            "version" => me.version = value.trim().to_owned(),
                            "xml:lang" => me.lang = Some(value.trim().to_owned()),
                            _ => {}
                        }
                    }
                    me.line += newlines;
                    return match me.version.as_str() {
                        "2.01" | "2.02" | "2.03" => Ok(me),
                        v if v.starts_with("1.") => Err(problem(
                            line,
                            "/iati-activities/@version",
                            "iati_version_1",
                            format!("this is an IATI {v} file: version 1 of the standard is not read; ask the publisher for version 2.01 or later"),
                        )),
                        "" => Err(problem(line, "/iati-activities/@version", "required", "the file does not say its IATI version")),
                        v => Err(problem(
                            line,
                            "/iati-activities/@version",
                            "iati_version_unknown",
                            format!("IATI version {v:?} is not 2.01, 2.02 or 2.03"),
                        )),
                    };
                }
                Event::Empty(e) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    return Err(problem(
                        line,
                        &format!("/{name}"),
                        if name == "iati-activities" { "no_activities" } else { "not_iati_activities" },
                        format!("<{name}/> holds no activity"),
                    ));
                }
                Event::Eof => return Err(problem(line, "/", "malformed_xml", "the file holds no XML element")),
                Event::Text(t) if !t.iter().all(u8::is_ascii_whitespace) => {
                    return Err(problem(line, "/", "malformed_xml", "text before the root element"))
                }
                _ => {}
            }
            me.line += newlines;
        }
    }

    /// The next activity, `None` after the last one.
    pub fn next_activity(&mut self) -> Result<Option<Node>, FieldError> {
        // Elements open around the reader, innermost last.
        let mut stack: Vec<Node> = Vec::new();
        loop {
            self.buf.clear();
            let line = self.line;
            // Where the reader is, for a problem (worked out only then).
            let here = |stack: &[Node], count: u64| path_of(stack, count);
            let event = self.reader.read_event_into(&mut self.buf).map_err(|e| {
                problem(
                    line,
                    &here(&stack, self.count),
                    "malformed_xml",
                    format!("the XML is malformed: {e}"),
                )
            })?;
            let newlines = bytecount(&event);
            let event_kind = match &event {
                Event::Empty(_) => Kind::Empty,
                _ => Kind::Other,
            };
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let empty = matches!(event_kind, Kind::Empty);
                    let node = start_node(&e, line, &|| here(&stack, self.count))?;
                    if stack.is_empty() && node.name != "iati-activity" {
                        return Err(problem(
                            line,
                            &format!("/iati-activities/{}", node.name),
                            "unexpected_element",
                            format!("<{}> where an <iati-activity> should be", node.name),
                        ));
                    }
                    if stack.is_empty() {
                        self.count += 1;
                    }
                    self.line += newlines;
                    stack.push(node);
                    if empty {
                        if let Some(done) = close(&mut stack) {
                            return Ok(Some(done));
                        }
                    }
                    continue;
                }
                Event::End(_) => {
                    self.line += newlines;
                    if stack.is_empty() {
                        // The root closes: nothing follows but the end of the file.
                        return Ok(None);
                    }
                    if let Some(done) = close(&mut stack) {
                        return Ok(Some(done));
                    }
                    continue;
                }
                Event::Text(t) => {
                    let text = text_of(&t, line, || path_of(&stack, self.count))?;
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&text);
                    }
                }
                Event::CData(t) => {
                    let text = text_of(&t, line, || path_of(&stack, self.count))?;
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&text);
                    }
                }
                Event::GeneralRef(r) => {
                    let at = || path_of(&stack, self.count);
                    let ch = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match &*r {
                            b"amp" => "&".into(),
                            b"lt" => "<".into(),
                            b"gt" => ">".into(),
                            b"quot" => "\"".into(),
                            b"apos" => "'".into(),
                            other => {
                                return Err(problem(
                                    line,
                                    &at(),
                                    "entity_refused",
                                    format!(
                                        "the entity &{}; is not XML's own: entities are refused",
                                        String::from_utf8_lossy(other)
                                    ),
                                ))
                            }
                        },
                        Err(e) => return Err(problem(line, &at(), "malformed_xml", e.to_string())),
                    };
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&ch);
                    }
                }
                Event::DocType(_) => {
                    return Err(problem(
                        line,
                        "/",
                        "doctype_refused",
                        "a document type declaration (DTD) is refused",
                    ))
                }
                Event::Eof => {
                    return Err(problem(
                        line,
                        &path_of(&stack, self.count),
                        "malformed_xml",
                        "the file ends before </iati-activities>",
                    ))
                }
                _ => {}
            }
            self.line += newlines;
        }
    }
}

enum Kind {
    Empty,
    Other,
}

/// An element as it opens: its name and attributes (references in values resolved; any other
/// entity refused).
fn start_node(
    e: &quick_xml::events::BytesStart<'_>,
    line: u64,
    at: &dyn Fn() -> String,
) -> Result<Node, FieldError> {
    let mut node = Node {
        name: text_of(e.name().as_ref(), line, at)?,
        line,
        ..Default::default()
    };
    for a in e.attributes() {
        let a = a.map_err(|e| problem(line, &at(), "malformed_xml", e.to_string()))?;
        let key = text_of(a.key.as_ref(), line, at)?;
        let value = a
            .unescape_value()
            .map_err(|e| {
                problem(
                    line,
                    &at(),
                    "entity_refused",
                    format!("{e}: only XML's own entities and character references are read"),
                )
            })?
            .into_owned();
        node.attrs.push((key, value));
    }
    Ok(node)
}

/// Closes the innermost open element: into its parent, or, for an activity, handed back.
fn close(stack: &mut Vec<Node>) -> Option<Node> {
    let done = stack.pop()?;
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push(done);
            None
        }
        None => Some(done),
    }
}

fn bytecount(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c == b'\n').count() as u64
}

/// `/iati-activities/iati-activity[n]/…/name` for the elements open.
pub fn path_of(stack: &[Node], activity: u64) -> String {
    let mut p = String::from("/iati-activities");
    for (i, n) in stack.iter().enumerate() {
        p.push('/');
        p.push_str(&n.name);
        if i == 0 {
            p.push_str(&format!("[{activity}]"));
        }
    }
    p
}
