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
    let start = format!("// exercise: {}", exercise.id);
    let end = format!("// end exercise: {}", exercise.id);
    let dir = root.join("solutions").join(&chapter.slug).join("src");
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        let Some(from) = lines.iter().position(|l| l.trim() == start) else {
            continue;
        };
        let Some(to) = lines
            .iter()
            .skip(from)
            .position(|l| l.trim() == end)
            .map(|k| k + from)
        else {
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

fn collect(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}
