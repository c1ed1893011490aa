//! `workbook solution N.M`: the reference code for one exercise.

use std::path::{Path, PathBuf};

use grader::manifest::{Chapter, Exercise};

/// The reference code of an exercise (its region, markers left out) and
/// the file it comes from.
pub fn reference(
    root: &Path,
    chapter: &Chapter,
    exercise: &Exercise,
) -> Result<(PathBuf, String), String> {
    let dir = root.join("solutions").join(&chapter.slug).join("src");
    let mut files = Vec::new();
    crate::book::collect(&dir, "rs", &mut files);
    files.sort();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        let Some((from, to)) = crate::generate::region_bounds(&lines, &exercise.id) else {
            continue;
        };
        let body = &lines[from + 1..to];
        let indent = body
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let code: Vec<&str> = body
            .iter()
            .map(|l| {
                if l.len() >= indent {
                    &l[indent..]
                } else {
                    l.trim()
                }
            })
            .collect();
        let rel = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
        return Ok((rel, code.join("\n")));
    }
    Err(format!(
        "no solution file holds exercise {}",
        exercise.number
    ))
}
