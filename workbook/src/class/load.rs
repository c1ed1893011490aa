//! Reading a folder of reports, and keeping each learner's history in it.
//!
//! Every `*.json` file in the folder and its subfolders is read, however
//! the instructor collects them: one file per learner that is replaced by
//! each new report (`ada.json`), a new file per report (`ada-1012.json`),
//! or a folder per learner (`ada/1012.json`). Reports are grouped by their
//! `learner` field; a report without one belongs to its subfolder's name,
//! else to its file name.
//!
//! A replaced file takes its earlier report with it, and "stuck" needs
//! that history, so [`remember`] copies every report it has not kept yet
//! into [`HISTORY`]`/<learner>/<time>-<digest>.json` — new files only,
//! never one overwritten — and the next reading finds it there. The same
//! report read twice (a file and its copy) counts once: reports are told
//! apart by the SHA-256 of their bytes.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::classroom::ClassroomReport;

use super::time;

/// The folder, inside the reports folder, where `class` keeps a copy of
/// every report it has read.
pub const HISTORY: &str = ".class-history";

/// Reports bigger than this are not reports (the largest real one is a few
/// hundred kilobytes: one message per exercise).
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// How deep under the folder reports are looked for: `DIR/x.json`,
/// `DIR/ada/x.json` and `DIR/.class-history/ada/x.json`.
const MAX_DEPTH: usize = 3;

/// One report, with whose it is and when it was graded.
#[derive(Debug, Clone)]
pub struct Dated {
    /// The learner it belongs to.
    pub learner: String,
    /// When it was graded, in seconds since 1970: its `graded_at`, else the
    /// time in its history file's name, else the file's modification time.
    pub at: u64,
    /// Whether `at` came from the report's own `graded_at`.
    pub timed: bool,
    /// Where it was read, relative to the folder.
    pub path: PathBuf,
    /// SHA-256 of its bytes, hex.
    pub digest: String,
    /// The file's bytes, for its copy in the history.
    pub bytes: Vec<u8>,
    /// The report.
    pub report: ClassroomReport,
}

impl Dated {
    /// Whether it was read from the history folder.
    pub fn from_history(&self) -> bool {
        self.path.starts_with(HISTORY)
    }
}

/// A file that is not a report, and why, for a line in the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Where it is, relative to the folder.
    pub path: PathBuf,
    /// Why it was not read, in plain words.
    pub why: String,
}

/// What a folder holds.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Every distinct report, in no particular order.
    pub reports: Vec<Dated>,
    /// Files that are not reports.
    pub skipped: Vec<Skipped>,
}

/// Reads every report under `dir`. Only a folder that cannot be read at
/// all is an error; a file that is not a report becomes a [`Skipped`] line.
pub fn load(dir: &Path) -> Result<Loaded, String> {
    std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    json_files(dir, dir, 0, &mut files);
    // The learners' own files first, then the history: when both hold the
    // same report, the view names the learner's file.
    files.sort_by_key(|p| (p.starts_with(HISTORY), p.clone()));
    let mut loaded = Loaded::default();
    let mut seen = HashSet::new();
    for path in files {
        let full = dir.join(&path);
        let bytes = match read_capped(&full) {
            Ok(b) => b,
            Err(why) => {
                loaded.skipped.push(Skipped { path, why });
                continue;
            }
        };
        let report = match parse(&bytes) {
            Ok(r) => r,
            Err(why) => {
                loaded.skipped.push(Skipped { path, why });
                continue;
            }
        };
        let digest = hex(&Sha256::digest(&bytes));
        if !seen.insert(digest.clone()) {
            continue;
        }
        let graded_at = report.graded_at.as_deref().and_then(time::parse);
        let at = graded_at
            .or_else(|| history_time(&path))
            .or_else(|| {
                std::fs::metadata(&full)
                    .and_then(|m| m.modified())
                    .ok()
                    .map(time::unix)
            })
            .unwrap_or(0);
        loaded.reports.push(Dated {
            learner: learner_of(&report, &path),
            at,
            timed: graded_at.is_some(),
            path,
            digest,
            bytes,
            report,
        });
    }
    Ok(loaded)
}

/// Copies every report of `loaded` that the history does not hold yet into
/// it, as a new file. Returns how many it copied. Nothing is overwritten:
/// a name already taken is left as it is.
pub fn remember(dir: &Path, loaded: &Loaded) -> Result<usize, String> {
    let kept: HashSet<&str> = loaded
        .reports
        .iter()
        .filter(|r| r.from_history())
        .map(|r| r.digest.as_str())
        .collect();
    let mut copied = 0;
    for r in loaded
        .reports
        .iter()
        .filter(|r| !r.from_history() && !kept.contains(r.digest.as_str()))
    {
        let folder = dir.join(HISTORY).join(safe_name(&r.learner));
        std::fs::create_dir_all(&folder)
            .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
        let name = format!("{}-{}.json", stamp(r.at), &r.digest[..12]);
        let target = folder.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
        {
            Ok(mut file) => {
                use std::io::Write as _;
                file.write_all(&r.bytes)
                    .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
                copied += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("cannot write {}: {e}", target.display())),
        }
    }
    Ok(copied)
}

/// What changes when a report lands: every `*.json` file's path, size and
/// modification time, outside the history. Cheap enough to compute every
/// second.
pub fn signature(dir: &Path) -> Vec<(PathBuf, u64, u64)> {
    let mut files = Vec::new();
    json_files(dir, dir, 0, &mut files);
    let mut sig: Vec<(PathBuf, u64, u64)> = files
        .into_iter()
        .filter(|p| !p.starts_with(HISTORY))
        .map(|p| {
            let meta = std::fs::metadata(dir.join(&p)).ok();
            let len = meta.as_ref().map_or(0, std::fs::Metadata::len);
            let modified = meta.and_then(|m| m.modified().ok()).map_or(0, |t| {
                t.duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
            });
            (p, len, modified)
        })
        .collect();
    sig.sort();
    sig
}

/// Reads a report file's text into a report, or says in plain words what
/// the file is instead.
pub fn parse(bytes: &[u8]) -> Result<ClassroomReport, String> {
    const MAKE: &str = "a learner makes one with `cargo workbook report --json`";
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty file (still being written?)".to_owned());
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| format!("not text, so not a workbook report; {MAKE}"))?;
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("not JSON ({e}): corrupt, cut short, or not a report"))?;
    if let Some(format) = value.get("format").and_then(Value::as_str) {
        if format.starts_with("tokio-workbook-results") {
            return Err(format!(
                "one chapter's raw results (the WORKBOOK_RESULTS file), not a learner's \
                 report; {MAKE}"
            ));
        }
    }
    if !value.get("tests").is_some_and(Value::is_array) {
        return Err(format!(
            "JSON, but not a workbook report (it has no `tests` list); {MAKE}"
        ));
    }
    serde_json::from_value(value).map_err(|e| format!("not a workbook report: {e}; {MAKE}"))
}

/// Whose a report is: its `learner`, else the learner folder it is in,
/// else its file name.
fn learner_of(report: &ClassroomReport, path: &Path) -> String {
    if let Some(name) = report.learner.as_deref().map(str::trim) {
        if !name.is_empty() {
            return name.to_owned();
        }
    }
    let folders: Vec<String> = path
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let folder = if folders.first().is_some_and(|f| f == HISTORY) {
        folders.get(1)
    } else {
        folders.first()
    };
    folder.cloned().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    })
}

/// Every `*.json` file under `dir`, relative to `root`, not following
/// symbolic links to folders.
fn json_files(root: &Path, dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if depth + 1 < MAX_DEPTH {
                json_files(root, &path, depth + 1, out);
            }
        } else if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            if let Ok(relative) = path.strip_prefix(root) {
                out.push(relative.to_path_buf());
            }
        }
    }
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let len = std::fs::metadata(path)
        .map_err(|e| format!("cannot read it: {e}"))?
        .len();
    if len > MAX_BYTES {
        return Err(format!(
            "{len} bytes: far too large to be a workbook report"
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A learner's name as a folder name: letters, digits, `-`, `_` and `.`
/// kept, anything else `_`.
pub fn safe_name(learner: &str) -> String {
    let name: String = learner
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.chars().all(|c| c == '.') {
        format!("_{name}")
    } else {
        name
    }
}

/// `20261127-032640`, for history file names.
pub fn stamp(secs: u64) -> String {
    let t = time::format_unix(secs);
    // 2026-11-27T03:26:40Z → 20261127-032640
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    format!("{}-{}", &digits[..8], &digits[8..])
}

/// The time in a history file's name, for a report without `graded_at`.
fn history_time(path: &Path) -> Option<u64> {
    if !path.starts_with(HISTORY) {
        return None;
    }
    let name = path.file_name()?.to_str()?;
    let (date, rest) = name.split_once('-')?;
    let clock = rest.get(..6)?;
    if date.len() != 8 {
        return None;
    }
    time::parse(&format!(
        "{}-{}-{}T{}:{}:{}Z",
        &date[..4],
        &date[4..6],
        &date[6..],
        &clock[..2],
        &clock[2..4],
        &clock[4..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_names_carry_the_time() {
        let t = 1_795_750_000;
        let name = format!("{HISTORY}/ada/{}-0123456789ab.json", stamp(t));
        assert_eq!(history_time(Path::new(&name)), Some(t));
        assert_eq!(history_time(Path::new("ada/20261127-032640-x.json")), None);
        assert_eq!(safe_name("Ada Lovelace/.."), "Ada_Lovelace_..");
        assert_eq!(safe_name(".."), "_..");
    }

    #[test]
    fn foreign_files_are_named_for_what_they_are() {
        let why = |text: &str| parse(text.as_bytes()).err().unwrap_or_default();
        assert!(why("").starts_with("empty file"));
        assert!(why("{ not json").starts_with("not JSON"));
        assert!(
            why(r#"{"format":"tokio-workbook-results/1","checks":[]}"#)
                .starts_with("one chapter's raw results")
        );
        assert!(why(r#"{"name":"package.json"}"#).contains("has no `tests` list"));
        assert!(why(r#"{"tests":[{"name":3}]}"#).starts_with("not a workbook report"));
    }
}
