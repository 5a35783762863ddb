//! The one escaper for text placed in HTML, SVG or XML, and the one encoder for text placed in
//! a URL's query.

/// Text made safe inside an element or a quoted attribute of HTML, SVG or XML.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text made safe as one component of a URL (RFC 3986 unreserved characters kept).
pub fn url(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_and_urls_are_neutralised() {
        assert_eq!(
            super::html(r#"<a href="x">'Tom' & Jerry</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;Tom&#39; &amp; Jerry&lt;/a&gt;"
        );
        assert_eq!(
            super::url("Семей & co/1"),
            "%D0%A1%D0%B5%D0%BC%D0%B5%D0%B9%20%26%20co%2F1"
        );
    }
}
