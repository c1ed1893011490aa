//! `workbook class DIR`: the instructor's view of the room.
//!
//! It reads every learner report in a folder ([`load`]), keeps each
//! learner's history there, and builds one [`View`]: a grid of learners ×
//! exercises (done, failing with the mistake its checks name, not started,
//! does not compile), who is stuck, and the mistakes most learners are
//! making right now, each linked to the book section that explains it.
//! [`text`] prints it; [`page`] makes the self-contained HTML page;
//! [`serve`] serves that page on 127.0.0.1 and follows the folder.

use std::path::Path;

use crate::classroom::Expected;

pub mod load;
pub mod page;
pub mod serve;
pub mod text;
pub mod time;
pub mod view;

pub use view::{Rules, View};

/// The view of a folder, and what keeping its history did: how many
/// reports were copied into it, or why none could be (the view does not
/// need the copies, so that is a warning, not an error).
pub fn read(
    dir: &Path,
    expected: Option<Expected>,
    rules: Rules,
) -> Result<(View, Result<usize, String>), String> {
    let loaded = load::load(dir)?;
    let kept = load::remember(dir, &loaded);
    Ok((View::build(&loaded, expected, rules), kept))
}

/// Writes the page through a temporary file, so a browser (or a projector
/// left on it) never reads half of one.
pub fn write_page(path: &Path, html: &str) -> Result<(), String> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, html).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
