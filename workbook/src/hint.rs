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

/// What each tier is, for the heading.
pub fn tier_name(tier: u32) -> &'static str {
    match tier {
        1 => "a nudge",
        2 => "the approach",
        _ => "nearly the answer",
    }
}
