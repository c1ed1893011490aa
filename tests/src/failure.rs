//! What a learner reads when a check fails.
//!
//! A [`Failure`] is built by a check and rendered by the harness. It is
//! structured on purpose: every failure can say what went over the wire, what
//! was expected instead, which mistake this most likely is (by a stable id
//! that the gallery tests search for), and which book section to reread.

use std::fmt::{self, Write as _};

/// The address `mdbook serve book` uses by default.
pub const BOOK_URL: &str = "http://localhost:3000";

/// A section of the book, by page and heading id (`{#id}` in the Markdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookRef {
    /// The page's file name without `.md`, e.g. `ch01-hello-tokio`.
    pub page: &'static str,
    /// The heading id on that page.
    pub anchor: &'static str,
    /// The heading as the learner sees it.
    pub title: &'static str,
}

impl BookRef {
    /// The link as it works while `mdbook serve book` runs.
    pub fn url(&self) -> String {
        format!("{BOOK_URL}/{}.html#{}", self.page, self.anchor)
    }

    /// The Markdown source, for reading without a browser.
    pub fn source(&self) -> String {
        format!("book/src/{}.md#{}", self.page, self.anchor)
    }
}

impl fmt::Display for BookRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" — {} ({})", self.title, self.url(), self.source())
    }
}

/// A mistake learners make often enough to have a name.
///
/// The `id` is stable: gallery tests look for `[id]` in a failure message to
/// prove that a check recognises the mistake it was written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mistake {
    /// Stable kebab-case id, e.g. `forgotten-await`.
    pub id: &'static str,
    /// What the mistake is and how to fix it, in plain words.
    pub explanation: &'static str,
    /// Where the book explains it.
    pub book: BookRef,
}

/// Why a check failed, in the learner's terms.
#[derive(Debug, Clone, Default)]
pub struct Failure {
    /// One sentence: what went wrong.
    pub what: String,
    /// Bytes the learner's code sent, if any were seen.
    pub sent: Option<Vec<u8>>,
    /// Bytes that came back to the learner's code, if any were seen.
    pub received: Option<Vec<u8>>,
    /// What the check expected, in words or escaped bytes.
    pub expected: Option<String>,
    /// What the learner's code actually produced (a return value, an error).
    pub got: Option<String>,
    /// The mistake this most likely is.
    pub mistake: Option<Mistake>,
    /// The section to reread when no mistake is recognised.
    pub reread: Option<BookRef>,
}

impl Failure {
    /// A failure with only a description; add details with the builder methods.
    pub fn new(what: impl Into<String>) -> Self {
        Failure {
            what: what.into(),
            ..Failure::default()
        }
    }

    /// Records the bytes the learner's code sent.
    pub fn sent(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.sent = Some(bytes.into());
        self
    }

    /// Records the bytes that came back to the learner's code.
    pub fn received(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.received = Some(bytes.into());
        self
    }

    /// Says what was expected.
    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Says what the learner's code produced.
    pub fn got(mut self, got: impl Into<String>) -> Self {
        self.got = Some(got.into());
        self
    }

    /// Names the mistake this most likely is.
    pub fn mistake(mut self, mistake: Mistake) -> Self {
        self.mistake = Some(mistake);
        self
    }

    /// Points at a book section (used when no mistake is named).
    pub fn reread(mut self, book: BookRef) -> Self {
        self.reread = Some(book);
        self
    }

    /// The text the learner reads, without the check's name (the harness
    /// prints that). `fallback` is the exercise's own section, used when the
    /// failure names neither a mistake nor a section.
    pub fn render(&self, fallback: Option<BookRef>) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{}", self.what);
        if let Some(sent) = &self.sent {
            let _ = writeln!(out, "  sent:      {}", describe_bytes(sent));
        }
        if let Some(received) = &self.received {
            let _ = writeln!(out, "  came back: {}", describe_bytes(received));
        }
        if let Some(expected) = &self.expected {
            let _ = writeln!(out, "  expected:  {expected}");
        }
        if let Some(got) = &self.got {
            let _ = writeln!(out, "  got:       {got}");
        }
        if let Some(mistake) = &self.mistake {
            let _ = writeln!(out, "  likely mistake [{}]:", mistake.id);
            for line in wrap(mistake.explanation, 72) {
                let _ = writeln!(out, "    {line}");
            }
        }
        let book = self.mistake.map(|m| m.book).or(self.reread).or(fallback);
        if let Some(book) = book {
            let _ = writeln!(out, "  reread:    {book}");
        }
        out
    }
}

impl From<String> for Failure {
    fn from(what: String) -> Self {
        Failure::new(what)
    }
}

impl From<&str> for Failure {
    fn from(what: &str) -> Self {
        Failure::new(what)
    }
}

/// Bytes as a learner can read them: an escaped string, or a note that
/// nothing was seen.
pub fn describe_bytes(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        "nothing".to_owned()
    } else if bytes.len() > 600 {
        format!("{} … ({} bytes in all)", escape(&bytes[..600]), bytes.len())
    } else {
        escape(bytes)
    }
}

/// Escapes bytes the way Rust writes a string: `"+OK\r\n"`. Text that is
/// valid UTF-8 stays readable (`"ключ"`); any other byte is `\xNN`.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        let _ = write!(out, "\\x{b:02x}");
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push('"');
    out
}

/// Greedy word wrap, so explanations read well in a terminal.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_writes_resp_as_a_byte_string() {
        assert_eq!(escape(b"+OK\r\n"), r#""+OK\r\n""#);
        assert_eq!(escape(&[0, 255, b'"']), r#""\x00\xff\"""#);
        assert_eq!(escape("ключ\u{7f}".as_bytes()), r#""ключ\x7f""#);
    }

    #[test]
    fn describe_bytes_names_silence() {
        assert_eq!(describe_bytes(b""), "nothing");
    }

    #[test]
    fn wrap_keeps_words_whole() {
        let lines = wrap("one two three four", 9);
        assert_eq!(lines, ["one two", "three", "four"]);
    }
}
