//! The grading files: everything in a checkout, besides the learner's own
//! code, that decides a grade — and their hash, and the overlay that makes
//! a learner's checkout grade with the course's.
//!
//! A learner owns their whole repository. Without care, editing the grader
//! (`tests/`), the manifest (`exercises.toml`), the mistake catalogue (which
//! `tests/build.rs` compiles into the grader), a chapter's `tests/grade.rs`
//! (it hands the learner's functions to the grader and could write a results
//! file of its own), a chapter's `Cargo.toml`, the workspace's `Cargo.toml`,
//! `Cargo.lock` or `.cargo/config.toml`, or this command itself, changes a
//! grade. [`GRADING_FILES`] names all of them once; two things use the list:
//!
//! - [`overlay`] (`cargo workbook overlay`, run by
//!   `instructor/classroom.yml`) replaces a learner's grading files with the
//!   course's, so the graded checkout is the course plus the learner's code
//!   ([`LEARNER_CODE`]) and nothing else of theirs;
//! - [`GradingFiles::hash`] (`cargo workbook report`) is a SHA-256 over their
//!   paths and contents, recorded in every report, so that `cargo workbook
//!   class` can flag a report that was graded with other grading files than
//!   the instructor's.
//!
//! The hash covers bytes as they are on disk, in a fixed order: each file's
//! path (relative, `/`-separated) and contents, sorted by path. A symbolic
//! link is hashed as a link (its target), never followed, so a link where
//! the course has a file changes the hash. Leftovers of editors and tools
//! that no build reads ([`is_leftover`]) are left out, so a learner's
//! `.DS_Store` does not flag their report.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

// ANCHOR: grading-files
/// Everything that decides a grade besides the learner's code: paths from
/// the workspace root; a folder stands for everything in it, and `*` for
/// any one name. `report` hashes these files; `overlay` replaces a
/// learner's with the course's (and removes those the course does not
/// have), so a graded checkout is the course plus the learner's code.
pub const GRADING_FILES: &[&str] = &[
    "Cargo.toml",          // the workspace: members, dependencies, lints
    "Cargo.lock",          // the exact version of every dependency
    ".cargo",              // cargo's settings, and the `cargo workbook` alias
    "rust-toolchain",      // a toolchain pin: the course has none,
    "rust-toolchain.toml", //   so a graded checkout has none either
    "exercises.toml",      // the manifest, compiled into the grader
    "book/mistakes.toml",  // the mistake catalogue, compiled into the grader
    "tests",               // the grader: harness, checks, transcripts
    "workbook",            // this command, which grades and writes the report
    "chapters/*",          // each chapter's Cargo.toml and tests/grade.rs:
                           //   all of it but the learner's code below
];

/// The learner's code: inside the chapters above, but theirs. Never hashed,
/// never overwritten; the overlay keeps it in the chapters the course has.
pub const LEARNER_CODE: &[&str] = &["chapters/*/src", "chapters/*/examples"];
// ANCHOR_END: grading-files

/// Whether a file name is an editor's or a tool's leftover that no build or
/// check reads (macOS and Windows folder metadata, editor swap and backup
/// files, insta's unreviewed snapshots), and so is not a grading file.
pub fn is_leftover(name: &str) -> bool {
    matches!(name, ".DS_Store" | "Thumbs.db")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".snap.new")
        || name.ends_with(".pending-snap")
}

/// One grading file as found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A regular file, with its contents.
    File(Vec<u8>),
    /// A symbolic link, with its target (never followed).
    Link(PathBuf),
}

impl Found {
    fn kind(&self) -> u8 {
        match self {
            Found::File(_) => b'f',
            Found::Link(_) => b'l',
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Found::File(contents) => contents,
            Found::Link(target) => target.as_os_str().as_encoded_bytes(),
        }
    }
}

/// The grading files of one checkout, by relative `/`-separated path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GradingFiles {
    files: BTreeMap<String, Found>,
}

/// Splits a `/`-separated pattern or path into its names.
fn names(path: &str) -> Vec<&str> {
    path.split('/').filter(|n| !n.is_empty()).collect()
}

/// Whether `path` is the learner's code (or inside it).
pub fn is_learner_code(path: &str) -> bool {
    let n = names(path);
    LEARNER_CODE.iter().any(|pattern| {
        let p = names(pattern);
        n.len() >= p.len() && p.iter().zip(&n).all(|(p, n)| *p == "*" || p == n)
    })
}

/// Whether `path` is a folder that holds learner code further down.
fn holds_learner_code(path: &str) -> bool {
    let n = names(path);
    LEARNER_CODE.iter().any(|pattern| {
        let p = names(pattern);
        n.len() < p.len() && p.iter().zip(&n).all(|(p, n)| *p == "*" || p == n)
    })
}

fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_owned()
    } else {
        format!("{rel}/{name}")
    }
}

fn io_error(path: &Path, e: std::io::Error) -> String {
    format!("cannot read {}: {e}", path.display())
}

/// The children of a folder, by name, sorted; names that are not UTF-8
/// are kept lossily (no course file has one, so such a name changes the
/// hash anyway).
fn children(dir: &Path) -> Result<Vec<String>, String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| io_error(dir, e))?
        .map(|entry| {
            entry
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .map_err(|e| io_error(dir, e))
        })
        .collect::<Result<_, _>>()?;
    names.sort();
    Ok(names)
}

/// What a path is, without following a symbolic link; `None` when absent.
fn kind_of(path: &Path) -> Option<std::fs::FileType> {
    std::fs::symlink_metadata(path).ok().map(|m| m.file_type())
}

/// The paths under `root` that a grading pattern names, sorted. A folder on
/// the way that is a symbolic link (or not a folder) is returned itself, so
/// that it is hashed as what it is, and replaced by the overlay.
fn expand(root: &Path, pattern: &str) -> Result<Vec<String>, String> {
    let mut current = vec![String::new()];
    let pattern = names(pattern);
    for (i, name) in pattern.iter().enumerate() {
        let last = i + 1 == pattern.len();
        let mut next = Vec::new();
        for rel in current {
            if !rel.is_empty() {
                match kind_of(&root.join(&rel)) {
                    Some(kind) if kind.is_dir() => {}
                    // A link or a file where a folder is expected: the
                    // pattern ends here.
                    Some(_) => {
                        next.push(rel);
                        continue;
                    }
                    None => continue,
                }
            }
            if *name == "*" {
                for child in children(&root.join(&rel))? {
                    if !is_leftover(&child) {
                        next.push(join(&rel, &child));
                    }
                }
            } else {
                let path = join(&rel, name);
                if kind_of(&root.join(&path)).is_some() || !last {
                    next.push(path);
                }
            }
        }
        current = next;
    }
    current.retain(|rel| kind_of(&root.join(rel)).is_some());
    current.sort();
    current.dedup();
    Ok(current)
}

impl GradingFiles {
    /// Reads the grading files of the checkout at `root`. A file that
    /// exists but cannot be read is an error: the hash must never leave a
    /// file out silently.
    pub fn read(root: &Path) -> Result<GradingFiles, String> {
        let mut files = BTreeMap::new();
        for pattern in GRADING_FILES {
            for rel in expand(root, pattern)? {
                collect(root, &rel, &mut files)?;
            }
        }
        Ok(GradingFiles { files })
    }

    /// The grader hash: SHA-256 over every grading file's kind, path and
    /// contents, in path order, each length-prefixed so that no two
    /// different sets of files hash alike; 64 lowercase hex digits.
    pub fn hash(&self) -> String {
        let mut sha = Sha256::new();
        sha.update(b"tokio-workbook grading files v1\n");
        for (path, found) in &self.files {
            sha.update([found.kind()]);
            sha.update((path.len() as u64).to_be_bytes());
            sha.update(path.as_bytes());
            sha.update((found.bytes().len() as u64).to_be_bytes());
            sha.update(found.bytes());
        }
        hex(&sha.finalize())
    }

    /// How many grading files there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are none (not a workbook checkout).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// One line per file, `SHA-256  path` as `sha256sum` prints it (a link
    /// as `-> target`), in path order: two checkouts' listings `diff` to
    /// the files that make their grader hashes differ.
    pub fn listing(&self) -> String {
        let mut out = String::new();
        for (path, found) in &self.files {
            let digest = hex(&Sha256::digest(found.bytes()));
            match found {
                Found::File(_) => {
                    let _ = writeln!(out, "{digest}  {path}");
                }
                Found::Link(target) => {
                    let _ = writeln!(out, "{digest}  {path} -> {}", target.display());
                }
            }
        }
        out
    }

    /// The paths whose file differs between `self` and `other`, present in
    /// only one, or differing in contents, in path order.
    pub fn differences(&self, other: &GradingFiles) -> Vec<Difference> {
        let mut out = Vec::new();
        let mut mine = self.files.iter().peekable();
        let mut theirs = other.files.iter().peekable();
        loop {
            match (mine.peek(), theirs.peek()) {
                (None, None) => break,
                (Some((p, _)), None) => {
                    out.push(Difference::OnlyHere((*p).clone()));
                    mine.next();
                }
                (None, Some((p, _))) => {
                    out.push(Difference::OnlyThere((*p).clone()));
                    theirs.next();
                }
                (Some((a, fa)), Some((b, fb))) => match a.cmp(b) {
                    std::cmp::Ordering::Less => {
                        out.push(Difference::OnlyHere((*a).clone()));
                        mine.next();
                    }
                    std::cmp::Ordering::Greater => {
                        out.push(Difference::OnlyThere((*b).clone()));
                        theirs.next();
                    }
                    std::cmp::Ordering::Equal => {
                        if fa != fb {
                            out.push(Difference::Changed((*a).clone()));
                        }
                        mine.next();
                        theirs.next();
                    }
                },
            }
        }
        out
    }
}

/// How one grading file differs between two checkouts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// Both have it, with different contents (or one has a link).
    Changed(String),
    /// Only the first checkout has it.
    OnlyHere(String),
    /// Only the second checkout has it.
    OnlyThere(String),
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Adds `rel` (a file, a link, or a folder and everything in it) to
/// `files`, leaving out the learner's code and tools' leftovers.
fn collect(root: &Path, rel: &str, files: &mut BTreeMap<String, Found>) -> Result<(), String> {
    if is_learner_code(rel) {
        return Ok(());
    }
    let path = root.join(rel);
    let Some(kind) = kind_of(&path) else {
        return Ok(());
    };
    if kind.is_symlink() {
        let target = std::fs::read_link(&path).map_err(|e| io_error(&path, e))?;
        files.insert(rel.to_owned(), Found::Link(target));
    } else if kind.is_dir() {
        for child in children(&path)? {
            if !is_leftover(&child) {
                collect(root, &join(rel, &child), files)?;
            }
        }
    } else {
        let contents = std::fs::read(&path).map_err(|e| io_error(&path, e))?;
        files.insert(rel.to_owned(), Found::File(contents));
    }
    Ok(())
}

/// Whether `hash` looks like a grader hash: 64 hex digits.
pub fn is_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The short form shown in tables: the first 12 hex digits.
pub fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// What [`overlay`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlaid {
    /// The grader hash the learner's checkout now has: the course's.
    pub hash: String,
    /// How many grading files the course has.
    pub files: usize,
    /// The learner's grading files that were not the course's, and what
    /// happened to each: `Changed` replaced, `OnlyHere` removed (the
    /// course does not have it), `OnlyThere` restored (the learner had
    /// removed it).
    pub replaced: Vec<Difference>,
}

/// Lays the course's grading files over a learner's checkout: every path
/// [`GRADING_FILES`] names is removed from `learner` and copied from
/// `course`, except the learner's code ([`LEARNER_CODE`]), which is kept
/// in every chapter the course has (a chapter the course does not have is
/// removed whole). Afterwards the learner's checkout has the course's
/// grader hash, or this returns an error.
pub fn overlay(course: &Path, learner: &Path) -> Result<Overlaid, String> {
    if !course.join("exercises.toml").is_file() || !course.join("Cargo.toml").is_file() {
        return Err(format!(
            "{} is not a workbook checkout (no Cargo.toml and exercises.toml)",
            course.display()
        ));
    }
    if !learner.is_dir() {
        return Err(format!("{} is not a folder", learner.display()));
    }
    if same_folder(course, learner) {
        return Err("the course and the learner's checkout are the same folder".to_owned());
    }
    if inside_grading_files(course, learner) || inside_grading_files(learner, course) {
        return Err(format!(
            "one of {} and {} lies inside the other's grading files; put them side by side",
            course.display(),
            learner.display()
        ));
    }
    let theirs = GradingFiles::read(course)?;
    let before = GradingFiles::read(learner)?;
    for pattern in GRADING_FILES {
        straighten(learner, pattern)?;
        let in_course = expand(course, pattern)?;
        for rel in expand(learner, pattern)? {
            if in_course.contains(&rel) {
                clear(learner, &rel)?;
            } else {
                remove(&learner.join(&rel))?;
            }
        }
        for rel in &in_course {
            copy(course, learner, rel)?;
        }
    }
    let after = GradingFiles::read(learner)?;
    if after.hash() != theirs.hash() {
        let left: Vec<String> = after
            .differences(&theirs)
            .iter()
            .map(|d| format!("{d:?}"))
            .collect();
        return Err(format!(
            "the overlay did not take: the learner's grading files still differ from the course's: {}",
            left.join(", ")
        ));
    }
    Ok(Overlaid {
        hash: theirs.hash(),
        files: theirs.len(),
        replaced: before.differences(&theirs),
    })
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Whether `inner` lies under one of `outer`'s grading paths (where the
/// overlay would copy a checkout into itself, or delete the other).
fn inside_grading_files(outer: &Path, inner: &Path) -> bool {
    let (Ok(outer), Ok(inner)) = (outer.canonicalize(), inner.canonicalize()) else {
        return false;
    };
    let Ok(rel) = inner.strip_prefix(&outer) else {
        return false;
    };
    let Some(first) = rel.components().next() else {
        return false;
    };
    let first = first.as_os_str().to_string_lossy();
    GRADING_FILES.iter().any(|pattern| {
        names(pattern)
            .first()
            .is_some_and(|p| *p == "*" || *p == first)
    })
}

fn write_error(path: &Path, e: std::io::Error) -> String {
    format!("cannot change {}: {e}", path.display())
}

/// Removes a file, a link (not what it points to) or a folder.
fn remove(path: &Path) -> Result<(), String> {
    match kind_of(path) {
        None => Ok(()),
        Some(kind) if kind.is_dir() => {
            std::fs::remove_dir_all(path).map_err(|e| write_error(path, e))
        }
        Some(_) => std::fs::remove_file(path).map_err(|e| write_error(path, e)),
    }
}

/// Makes the folders a pattern goes through (`book` for
/// `book/mistakes.toml`, `chapters` for `chapters/*`) real folders of the
/// learner's checkout: a link there would send the course's files
/// elsewhere, and a file there would stop them.
fn straighten(learner: &Path, pattern: &str) -> Result<(), String> {
    let mut rel = String::new();
    let pattern = names(pattern);
    for name in &pattern[..pattern.len().saturating_sub(1)] {
        if *name == "*" {
            break;
        }
        rel = join(&rel, name);
        let path = learner.join(&rel);
        match kind_of(&path) {
            Some(kind) if kind.is_dir() => {}
            Some(_) => remove(&path)?,
            None => {}
        }
    }
    Ok(())
}

/// Empties `rel` of everything but the learner's code in it.
fn clear(learner: &Path, rel: &str) -> Result<(), String> {
    let path = learner.join(rel);
    let is_dir = kind_of(&path).is_some_and(|k| k.is_dir());
    if !is_dir || !holds_learner_code(rel) {
        return remove(&path);
    }
    for child in children(&path)? {
        let child_rel = join(rel, &child);
        if is_learner_code(&child_rel) {
            continue;
        }
        clear(learner, &child_rel)?;
    }
    Ok(())
}

/// Copies `rel` from the course into the learner's checkout, leaving out
/// the course's copy of learner code (the stubs): the learner's stays.
fn copy(course: &Path, learner: &Path, rel: &str) -> Result<(), String> {
    if is_learner_code(rel) {
        return Ok(());
    }
    let from = course.join(rel);
    let to = learner.join(rel);
    let Some(kind) = kind_of(&from) else {
        return Ok(());
    };
    if kind.is_dir() {
        if !kind_of(&to).is_some_and(|k| k.is_dir()) {
            remove(&to)?;
            std::fs::create_dir_all(&to).map_err(|e| write_error(&to, e))?;
        }
        for child in children(&from)? {
            copy(course, learner, &join(rel, &child))?;
        }
        return Ok(());
    }
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| write_error(parent, e))?;
    }
    remove(&to)?;
    if kind.is_symlink() {
        let target = std::fs::read_link(&from).map_err(|e| io_error(&from, e))?;
        link(&target, &to)
    } else {
        std::fs::copy(&from, &to)
            .map(|_| ())
            .map_err(|e| write_error(&to, e))
    }
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(target, at).map_err(|e| write_error(at, e))
}

#[cfg(not(unix))]
fn link(_target: &Path, at: &Path) -> Result<(), String> {
    Err(format!(
        "the course has a symbolic link at {}; the overlay copies links only on Unix",
        at.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learner_code_is_what_lies_in_a_chapters_src_or_examples() {
        assert!(is_learner_code("chapters/01-hello-tokio/src"));
        assert!(is_learner_code("chapters/01-hello-tokio/src/lib.rs"));
        assert!(is_learner_code("chapters/02-spawning/examples/server.rs"));
        assert!(!is_learner_code("chapters/01-hello-tokio/tests/grade.rs"));
        assert!(!is_learner_code("chapters/01-hello-tokio/Cargo.toml"));
        assert!(!is_learner_code("solutions/01-hello-tokio/src/lib.rs"));
        assert!(holds_learner_code("chapters"));
        assert!(holds_learner_code("chapters/01-hello-tokio"));
        assert!(!holds_learner_code("chapters/01-hello-tokio/src"));
        assert!(!holds_learner_code("tests"));
    }

    #[test]
    fn leftovers_are_named_by_their_tools() {
        for name in [
            ".DS_Store",
            "lib.rs~",
            ".lib.rs.swp",
            "x.snap.new",
            "x.pending-snap",
        ] {
            assert!(is_leftover(name), "{name}");
        }
        for name in ["lib.rs", "grade.rs", "ch02-set-get.snap", "Cargo.toml"] {
            assert!(!is_leftover(name), "{name}");
        }
    }

    #[test]
    fn a_hash_is_64_hex_digits_and_shortens_to_12() {
        let h = GradingFiles::default().hash();
        assert!(is_hash(&h), "{h}");
        assert_eq!(short(&h).len(), 12);
        assert!(!is_hash("abc"));
    }
}
