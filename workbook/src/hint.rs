//! `workbook hint N.M`: the next tier of an exercise's hints.
//!
//! Hints live in `book/hints/<page>.md` as anchors `<id>-1` … `<id>-3`
//! (a nudge, an approach, nearly the answer); the book shows the same text.

use std::path::Path;

use grader::manifest::{Chapter, Exercise};

/// The number of tiers every exercise has.
pub const TIERS: u32 = 3;

/// The text of one tier, read from the chapter's hints file.
pub fn tier_text(
    root: &Path,
    chapter: &Chapter,
    exercise: &Exercise,
    tier: u32,
) -> Result<String, String> {
    let path = root
        .join("book")
        .join("hints")
        .join(format!("{}.md", chapter.page));
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let anchor = format!("{}-{tier}", exercise.id);
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let marker = line
            .trim()
            .trim_start_matches("<!--")
            .trim_end_matches("-->")
            .trim();
        if marker.strip_prefix("ANCHOR:").map(str::trim) == Some(anchor.as_str()) {
            inside = true;
        } else if marker.strip_prefix("ANCHOR_END:").map(str::trim) == Some(anchor.as_str()) {
            return Ok(out.join("\n").trim().to_owned());
        } else if inside {
            out.push(line);
        }
    }
    Err(format!(
        "{} has no hint tier {tier} for exercise {}",
        path.display(),
        exercise.number
    ))
}

/// A hint's Markdown as a person reads it in a terminal: code blocks
/// without their fences, indented by four spaces; `**bold**` and
/// `_emphasis_` markers dropped; links as `text (address)`; headings
/// without their `#`s. Inline `code` keeps its backticks: they read as
/// quotes.
pub fn for_terminal(markdown: &str) -> String {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push(format!("    {line}"));
            continue;
        }
        let text = trimmed.trim_start_matches('#');
        let text = if text.len() < trimmed.len() && text.starts_with(' ') {
            text.trim_start()
        } else {
            line
        };
        out.push(inline(text));
    }
    out.join("\n")
}

/// Inline markup outside code spans: `**x**` and `__x__` become `x`, a
/// link `[text](url)` becomes `text (url)`.
fn inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
        } else if !in_code {
            if rest.starts_with("**") || rest.starts_with("__") {
                rest = &rest[2..];
                continue;
            }
            if c == '[' {
                if let Some((text, url, len)) = link(rest) {
                    out.push_str(&format!("{text} ({url})"));
                    rest = &rest[len..];
                    continue;
                }
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `[text](url)` at the start of `s`: its text, address and length.
fn link(s: &str) -> Option<(&str, &str, usize)> {
    let close = s.find("](")?;
    let end = s[close + 2..].find(')')? + close + 2;
    Some((&s[1..close], &s[close + 2..end], end + 1))
}

/// Where the learner writes the exercise, for the line under a hint:
/// `Your code for it: chapters/…/src/….rs`; empty when it cannot be told.
pub fn where_to_edit(root: &Path, exercise: &Exercise) -> String {
    grader::results::progress::exercise_file(root, exercise)
        .map(|file| format!("Your code for it: {}\n", file.display()))
        .unwrap_or_default()
}

/// What each tier is, for the heading.
pub fn tier_name(tier: u32) -> &'static str {
    match tier {
        1 => "a nudge",
        2 => "the approach",
        _ => "nearly the answer",
    }
}

#[cfg(test)]
mod tests {
    use super::{for_terminal, where_to_edit};

    /// Proves a hint names the file the learner edits.
    #[test]
    fn a_hint_says_which_file_to_edit() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace");
        let ex = grader::manifest::MANIFEST
            .exercises
            .iter()
            .find(|e| e.number == "1.1")
            .expect("exercise 1.1");
        assert_eq!(
            where_to_edit(root, ex),
            "Your code for it: chapters/01-hello-tokio/src/hello_redis.rs\n"
        );
    }

    #[test]
    fn hints_read_as_text_in_a_terminal() {
        let md = "Try **this**: see [the docs](https://docs.rs/tokio).\n\n```rust\nlet x = 1;\n```\n## Next\nKeep `**x**` as code.";
        assert_eq!(
            for_terminal(md),
            "Try this: see the docs (https://docs.rs/tokio).\n\n    let x = 1;\nNext\nKeep `**x**` as code."
        );
    }
}
