//! `workbook reset N[.M]`: back to the stub, without losing anything.
//!
//! A chapter reset rewrites the chapter's generated files from its solution
//! (as `gen` does); an exercise reset replaces only the region between that
//! exercise's markers. Either way, every file about to change is first
//! copied to `.workbook/backups/<timestamp>/`, and the command prints where.

use std::path::{Path, PathBuf};

use grader::manifest::{Chapter, Exercise, Manifest};

use crate::generate::{self, Written};

/// Resets a whole chapter; returns what it wrote.
pub fn chapter(
    root: &Path,
    manifest: &Manifest,
    chapter: &Chapter,
    backups: &Path,
) -> Result<Vec<Written>, String> {
    generate::write(root, manifest, Some(chapter.number), backups).map_err(|e| e.to_string())
}

/// Resets one exercise's region; returns the file and its backup, or
/// `None` when the region already equals the stub.
pub fn exercise(
    root: &Path,
    manifest: &Manifest,
    chapter: &Chapter,
    exercise: &Exercise,
    backups: &Path,
) -> Result<Option<(PathBuf, PathBuf)>, String> {
    let start = format!("// exercise: {}", exercise.id);
    let end = format!("// end exercise: {}", exercise.id);
    let files = generate::chapter_files(root, manifest, chapter).map_err(|e| e.to_string())?;
    let generated = files
        .iter()
        .find(|f| f.contents.lines().any(|l| l.trim() == start))
        .ok_or_else(|| format!("no stub file holds exercise {}", exercise.number))?;
    let path = root.join(&generated.path);
    let mine = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let fresh = region(&generated.contents, &exercise.id).ok_or_else(|| {
        format!(
            "the generated stub lost its markers for {}",
            exercise.number
        )
    })?;
    let Some(current) = region(&mine, &exercise.id) else {
        return Err(format!(
            "{} no longer has the lines `{start}` and `{end}` around exercise {}, so it cannot \
             be reset alone. `cargo workbook reset {}` resets the whole chapter (your files are \
             backed up first).",
            generated.path.display(),
            exercise.number,
            chapter.number
        ));
    };
    if current == fresh {
        return Ok(None);
    }
    let lines: Vec<&str> = mine.lines().collect();
    let (from, to) = generate::region_bounds(&lines, &exercise.id).ok_or("markers vanished")?;
    let mut out: Vec<String> = lines[..from].iter().map(|l| (*l).to_owned()).collect();
    out.extend(fresh.lines().map(str::to_owned));
    out.extend(lines[to + 1..].iter().map(|l| (*l).to_owned()));
    let mut text = out.join("\n");
    if mine.ends_with('\n') {
        text.push('\n');
    }
    let backup = backups.join(&generated.path);
    if let Some(dir) = backup.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::copy(&path, &backup).map_err(|e| format!("cannot back up {}: {e}", path.display()))?;
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Some((generated.path.clone(), backup)))
}

/// Exercise `id`'s region, markers included.
fn region(text: &str, id: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let (from, to) = generate::region_bounds(&lines, id)?;
    Some(lines[from..=to].join("\n"))
}
