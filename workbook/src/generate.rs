//! `workbook dev gen`: writes each chapter crate from its reference solution.
//!
//! Solutions are the single source. In a solution's sources, an exercise is
//! a region of a function body between two marker lines:
//!
//! ```text
//! // exercise: hello-redis
//! …the reference code…
//! // end exercise: hello-redis
//! ```
//!
//! In the chapter's stub the region keeps its markers (so one exercise can
//! later be reset alone) and its code becomes the exercise's numbered
//! requirements, any `given` code, and a `todo!()` with the manifest's
//! message. The function gets `#[allow(unused_variables)]` when its
//! parameters would go unused, plus any lints the manifest allows. A `use`
//! line ending in `// exercise: ID` is an import only that exercise needs:
//! the stub keeps it, allowed to be unused, as a hint.
//!
//! A function returning `impl Future` whose whole body is the region gets
//! `async move { todo!(…) }`, since `todo!()` alone is not a future.
//!
//! Generated files: `Cargo.toml`, everything under `src/`, and
//! `tests/grade.rs`; and for the book, under `book/listings/<chapter>/`,
//! each stub source that has `ANCHOR`s as the book shows it ([`listing`]). Anything else in a chapter (its `examples/`) belongs to
//! the chapter and is left alone. Output goes through `rustfmt`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use grader::manifest::{Chapter, Exercise, Manifest};

/// What went wrong, with the file it went wrong in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenError(pub String);

impl std::fmt::Display for GenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GenError {}

/// One generated file: where it goes (relative to the workspace root) and
/// what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// The full contents.
    pub contents: String,
}

/// A difference between the committed chapters and the generator's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The file differs from what `gen` would write.
    Differs(PathBuf),
    /// The file is missing.
    Missing(PathBuf),
    /// The file is in a generated folder but has no source in the solution.
    Extra(PathBuf),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Differs(p) => write!(f, "{} differs from its solution", p.display()),
            Stale::Missing(p) => write!(f, "{} is missing", p.display()),
            Stale::Extra(p) => write!(f, "{} has no counterpart in the solution", p.display()),
        }
    }
}

const START: &str = "// exercise: ";
/// The grader feature only solution crates enable.
const REFERENCE_FEATURE: &str = "features = [\"reference\"]";
const END: &str = "// end exercise: ";

/// The line numbers of exercise `id`'s start and end markers in `lines`.
pub fn region_bounds(lines: &[&str], id: &str) -> Option<(usize, usize)> {
    let start = format!("{START}{id}");
    let end = format!("{END}{id}");
    let from = lines.iter().position(|l| l.trim() == start)?;
    let to = lines.iter().skip(from).position(|l| l.trim() == end)? + from;
    Some((from, to))
}

/// Turns one solution source file into its stub.
pub fn stub_source(
    source: &str,
    manifest: &Manifest,
    chapter: &Chapter,
) -> Result<String, GenError> {
    let lines: Vec<&str> = source.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if let Some(id) = trimmed.strip_prefix(START) {
            let id = id.trim();
            let ex = exercise(manifest, chapter, id, i)?;
            let end = find_end(&lines, i, id)?;
            emit_region(&mut out, line, ex, chapter, i)?;
            out.push(lines[end].to_owned());
            i = end + 1;
            continue;
        }
        if trimmed.starts_with(END) {
            return Err(GenError(format!(
                "line {}: `{trimmed}` without a matching `{START}…` above it",
                i + 1
            )));
        }
        if let Some((code, id)) = line.split_once(START) {
            // A trailing marker: an import only this exercise uses.
            let ex = exercise(manifest, chapter, id.trim(), i)?;
            if !code.trim_start().starts_with("use ") {
                return Err(GenError(format!(
                    "line {}: a trailing `{START}{}` marker only goes on a `use` line",
                    i + 1,
                    ex.id
                )));
            }
            let indent = indentation(line);
            out.push(format!(
                "{indent}#[allow(unused_imports, reason = \"exercise {} uses it\")]",
                ex.number
            ));
        }
        out.push(line.to_owned());
        i += 1;
    }
    let mut text = out.join("\n");
    text.push('\n');
    Ok(text)
}

fn exercise<'m>(
    manifest: &'m Manifest,
    chapter: &Chapter,
    id: &str,
    line: usize,
) -> Result<&'m Exercise, GenError> {
    let ex = manifest.exercise(id).ok_or_else(|| {
        GenError(format!(
            "line {}: exercise {id:?} is not in exercises.toml",
            line + 1
        ))
    })?;
    if ex.chapter != chapter.number {
        return Err(GenError(format!(
            "line {}: exercise {id:?} belongs to chapter {}, not {}",
            line + 1,
            ex.chapter,
            chapter.number
        )));
    }
    Ok(ex)
}

fn find_end(lines: &[&str], start: usize, id: &str) -> Result<usize, GenError> {
    let end_marker = format!("{END}{id}");
    for (j, line) in lines.iter().enumerate().skip(start + 1) {
        let t = line.trim();
        if t == end_marker {
            return Ok(j);
        }
        if t.starts_with(START) || t.starts_with(END) {
            return Err(GenError(format!(
                "line {}: exercise {id:?} (from line {}) must end before another marker",
                j + 1,
                start + 1
            )));
        }
    }
    Err(GenError(format!(
        "line {}: exercise {id:?} has no `{end_marker}` line",
        start + 1
    )))
}

fn indentation(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

/// Writes the stub of one region (start marker included) into `out`, and
/// the attributes its function needs above the function.
fn emit_region(
    out: &mut Vec<String>,
    start_line: &str,
    ex: &Exercise,
    chapter: &Chapter,
    line_no: usize,
) -> Result<(), GenError> {
    let indent = indentation(start_line).to_owned();
    let header = find_fn_header(out, &indent).ok_or_else(|| {
        GenError(format!(
            "line {}: exercise {:?} is not inside a function body; regions replace \
             function bodies, and the types the grader compiles against stay given code",
            line_no + 1,
            ex.id
        ))
    })?;
    let signature = out[header..].join("\n");
    let whole_body = out.last().is_some_and(|l| l.trim_end().ends_with('{'))
        && !signature_body_started(&signature);
    let returns_future = returns_impl_future(&signature);

    let fn_indent = indentation(&out[header]).to_owned();
    let mut attrs = Vec::new();
    if ex.given.is_none() && has_parameters(&signature) {
        attrs.push(format!(
            "{fn_indent}#[allow(unused_variables, reason = \"exercise {}: the parameters are yours to use\")]",
            ex.number
        ));
    }
    for allow in &ex.allow {
        attrs.push(format!(
            "{fn_indent}#[allow({}, reason = {:?})]",
            allow.lint, allow.reason
        ));
    }
    out.splice(header..header, attrs);

    out.push(start_line.to_owned());
    out.push(format!("{indent}// Exercise {} — requirements:", ex.number));
    for (k, requirement) in ex.requirements.iter().enumerate() {
        let mut first = true;
        for chunk in wrap(requirement, 72) {
            if first {
                out.push(format!("{indent}//  {}. {chunk}", k + 1));
                first = false;
            } else {
                out.push(format!("{indent}//     {chunk}"));
            }
        }
    }
    out.push(format!(
        "{indent}// Check your work: cargo test -p {} -- {}",
        chapter.package(),
        ex.number
    ));
    if let Some(given) = &ex.given {
        for line in given.trim_matches('\n').lines() {
            if line.trim().is_empty() {
                out.push(String::new());
            } else {
                out.push(format!("{indent}{line}"));
            }
        }
    }
    let todo = format!("todo!({:?})", ex.todo);
    if returns_future && whole_body {
        out.push(format!("{indent}async move {{ {todo} }}"));
    } else {
        out.push(format!("{indent}{todo}"));
    }
    Ok(())
}

/// The index in `out` of the `fn` line whose body the region opens, if the
/// region sits directly in a function (not in a nested block or item).
fn find_fn_header(out: &[String], region_indent: &str) -> Option<usize> {
    for (k, line) in out.iter().enumerate().rev() {
        let indent = indentation(line);
        if line.trim().is_empty() || indent.len() >= region_indent.len() {
            // Parameters of a multi-line signature sit deeper than the `fn`.
            if is_fn_line(line) && indent.len() < region_indent.len() {
                return Some(k);
            }
            continue;
        }
        if is_fn_line(line) {
            return Some(k);
        }
        // A closing paren of a multi-line signature, `) -> T {`.
        if line.trim_start().starts_with(')') || line.trim_start().starts_with("where") {
            continue;
        }
        return None;
    }
    None
}

fn is_fn_line(line: &str) -> bool {
    let mut words = line.split_whitespace().peekable();
    while let Some(word) = words.next() {
        match word {
            "pub" | "async" | "const" | "unsafe" | "extern" => continue,
            w if w.starts_with("pub(") => continue,
            "fn" => return words.peek().is_some(),
            _ => return false,
        }
    }
    false
}

/// True when the signature text already holds code after its opening brace
/// (the region is not the whole body).
fn signature_body_started(signature: &str) -> bool {
    signature
        .find('{')
        .is_some_and(|brace| !signature[brace + 1..].trim().is_empty())
}

fn returns_impl_future(signature: &str) -> bool {
    signature.split_once("->").is_some_and(|(_, ret)| {
        ret.contains("impl Future")
            || ret.contains("impl std::future::Future")
            || ret.contains("impl ::std::future::Future")
    })
}

/// Whether the function takes any parameter other than `self`.
fn has_parameters(signature: &str) -> bool {
    let Some(after_fn) = signature.split_once("fn ").map(|(_, rest)| rest) else {
        return false;
    };
    // Skip the name and any generics: the first `(` at generic depth 0.
    let mut depth = 0i32;
    let mut prev = ' ';
    let mut open = None;
    for (i, c) in after_fn.char_indices() {
        match c {
            '<' => depth += 1,
            '>' if prev != '-' => depth -= 1,
            '(' if depth == 0 => {
                open = Some(i);
                break;
            }
            _ => {}
        }
        prev = c;
    }
    let Some(open) = open else {
        return false;
    };
    let mut depth = 0i32;
    let mut params = String::new();
    for c in after_fn[open..].chars() {
        match c {
            '(' => {
                depth += 1;
                if depth == 1 {
                    continue;
                }
            }
            ')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        params.push(c);
    }
    params
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .any(|p| !matches!(p, "self" | "&self" | "&mut self" | "mut self"))
}

/// Greedy word wrap that never breaks inside a `code span`.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut open_span = false;
    for word in text.split_whitespace() {
        match words.last_mut() {
            Some(last) if open_span => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
        if word.matches('`').count() % 2 == 1 {
            open_span = !open_span;
        }
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in words {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Formats Rust source with the workspace's edition.
pub fn rustfmt(source: &str) -> Result<String, GenError> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            GenError(format!(
                "cannot run rustfmt ({e}); install it with `rustup component add rustfmt`"
            ))
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(source.as_bytes())
            .map_err(|e| GenError(format!("rustfmt: {e}")))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| GenError(format!("rustfmt: {e}")))?;
    if !output.status.success() {
        return Err(GenError(format!(
            "rustfmt could not format the generated stub:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    String::from_utf8(output.stdout).map_err(|e| GenError(format!("rustfmt: {e}")))
}

/// Everything `gen` writes for one chapter, computed from its solution.
pub fn chapter_files(
    root: &Path,
    manifest: &Manifest,
    chapter: &Chapter,
) -> Result<Vec<Generated>, GenError> {
    let solution = root.join("solutions").join(&chapter.slug);
    let target = PathBuf::from("chapters").join(&chapter.slug);
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .map_err(|e| GenError(format!("cannot read {}: {e}", path.display())))
    };
    let mut files = Vec::new();

    let cargo = read(&solution.join("Cargo.toml"))?;
    files.push(Generated {
        path: target.join("Cargo.toml"),
        contents: cargo_toml(&cargo, chapter)?,
    });

    let mut sources = Vec::new();
    collect_files(&solution.join("src"), &mut sources).map_err(|e| {
        GenError(format!(
            "cannot list {}: {e}",
            solution.join("src").display()
        ))
    })?;
    sources.sort();
    for source in sources {
        let rel = source
            .strip_prefix(&solution)
            .map_err(|e| GenError(e.to_string()))?
            .to_path_buf();
        let text = read(&source)?;
        let contents = if rel.extension().is_some_and(|e| e == "rs") {
            let stub = stub_source(&text, manifest, chapter)
                .map_err(|e| GenError(format!("{}: {e}", source.display())))?;
            rustfmt(&stub).map_err(|e| GenError(format!("{}: {e}", source.display())))?
        } else {
            text
        };
        if rel.extension().is_some_and(|e| e == "rs") && contents.contains("// ANCHOR:") {
            files.push(Generated {
                path: PathBuf::from(LISTINGS).join(&chapter.slug).join(&rel),
                contents: listing(&contents, manifest, chapter),
            });
        }
        files.push(Generated {
            path: target.join(rel),
            contents,
        });
    }

    // The grader's adapter, with the crate renamed; formatted again, since
    // the new name sorts elsewhere among the imports.
    let grade_rs = solution.join("tests").join("grade.rs");
    let grade = read(&grade_rs)?.replace(
        &format!("solution_{}", chapter.number),
        &format!("chapter_{}", chapter.number),
    );
    files.push(Generated {
        path: target.join("tests").join("grade.rs"),
        contents: rustfmt(&grade).map_err(|e| GenError(format!("{}: {e}", grade_rs.display())))?,
    });
    Ok(files)
}

/// Where the book's listings of the stubs live, relative to the root.
pub const LISTINGS: &str = "book/listings";

/// A stub as the book shows it: what the learner finds in the file before
/// they touch it, minus what only the tools need — the exercise markers
/// (`// exercise: ID` lines and line ends), `#[allow(…, reason = …)]`
/// attributes — with long `todo!` messages wrapped. Its `ANCHOR` lines stay,
/// for the book's `{{#include …:name}}`; mdBook drops them from what it
/// shows. The book includes these files, never the chapters' own, so a
/// learner's edits never change the book.
pub fn listing(stub: &str, manifest: &Manifest, chapter: &Chapter) -> String {
    // Lints an exercise allows on purpose are part of it (1.3 asks the
    // learner to delete its attribute): those stay.
    let deliberate: Vec<&str> = manifest
        .exercises_of(chapter.number)
        .flat_map(|e| e.allow.iter().map(|a| a.reason.as_str()))
        .collect();
    let mut out = String::new();
    let lines: Vec<&str> = stub.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[allow(") || trimmed.starts_with("#![allow(") {
            let end = (i..lines.len())
                .find(|&j| lines[j].trim_end().ends_with(")]"))
                .unwrap_or(i);
            let attribute = lines[i..=end].join("\n");
            if deliberate.iter().any(|r| attribute.contains(r)) {
                for kept in &lines[i..=end] {
                    out.push_str(kept);
                    out.push('\n');
                }
            }
            i = end + 1;
            continue;
        }
        i += 1;
        if trimmed.starts_with(START) || trimmed.starts_with(END) {
            continue;
        }
        let line = match line.find(&format!(" {START}")) {
            Some(at) if !trimmed.starts_with("//") => line[..at].trim_end(),
            _ => line,
        };
        for piece in wrap_todo(line) {
            out.push_str(&piece);
            out.push('\n');
        }
    }
    out
}

/// A `todo!("…")` line longer than the book's code width, its message
/// continued on the next line with a `\` (the string is unchanged).
fn wrap_todo(line: &str) -> Vec<String> {
    const WIDTH: usize = 76;
    let Some(open) = line.find("todo!(\"") else {
        return vec![line.to_owned()];
    };
    if line.chars().count() <= WIDTH {
        return vec![line.to_owned()];
    }
    let indent = &line[..line.len() - line.trim_start().len()];
    let head = &line[..open + "todo!(\"".len()];
    let message = &line[head.len()..];
    let mut pieces = Vec::new();
    let mut current = head.to_owned();
    for word in message.split_inclusive(' ') {
        if current.chars().count() + word.chars().count() > WIDTH && !current.trim().is_empty() {
            pieces.push(format!("{current}\\"));
            current = format!("{indent}    ");
        }
        current.push_str(word);
    }
    pieces.push(current);
    pieces
}

/// Ends a line of a solution's `Cargo.toml` that its chapter leaves out:
/// a dev-dependency of the solution's own tests, which are not copied.
const SOLUTION_ONLY: &str = "# solution only";

/// The chapter's `Cargo.toml`: the solution's, renamed, with a note, and
/// without the lines marked [`SOLUTION_ONLY`].
fn cargo_toml(solution: &str, chapter: &Chapter) -> Result<String, GenError> {
    let from = format!("name = \"{}\"", chapter.solution_package());
    if !solution.lines().any(|l| l.trim() == from) {
        return Err(GenError(format!(
            "solutions/{}/Cargo.toml must declare `{from}`",
            chapter.slug
        )));
    }
    let mut out = format!(
        "# Generated by `cargo workbook dev gen` from solutions/{}/Cargo.toml;\n\
         # change that file and regenerate, rather than this one.\n",
        chapter.slug
    );
    let mut lines: Vec<String> = Vec::new();
    for line in solution.lines() {
        if line.trim() == from {
            lines.push(format!("name = \"{}\"", chapter.package()));
        } else if line.trim_end().ends_with(SOLUTION_ONLY) {
            // A dependency of the solution's own tests (not copied to the
            // chapter): the learner's first build should not pay for it.
            // Its comment goes with it.
            while lines
                .last()
                .is_some_and(|l| l.trim_start().starts_with('#'))
            {
                lines.pop();
            }
        } else if line.trim_start().starts_with("grader") && line.contains(REFERENCE_FEATURE) {
            // Only solutions record transcripts; learners get the plain
            // grader (and no insta). The comment above the line goes too.
            while lines
                .last()
                .is_some_and(|l| l.trim_start().starts_with('#'))
            {
                lines.pop();
            }
            lines.push("grader.workspace = true".to_owned());
        } else {
            lines.push(line.to_owned());
        }
    }
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    Ok(out)
}

fn collect_files(dir: &Path, into: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, into)?;
        } else {
            into.push(path);
        }
    }
    Ok(())
}

/// The chapters to work on: all of them, or the one numbered `only`.
pub fn chapters(manifest: &Manifest, only: Option<u32>) -> Result<Vec<&Chapter>, GenError> {
    match only {
        None => Ok(manifest.chapters.iter().collect()),
        Some(n) => manifest
            .chapter(n)
            .map(|c| vec![c])
            .ok_or_else(|| GenError(format!("exercises.toml has no chapter {n}"))),
    }
}

/// Compares the committed chapters with what `gen` would write.
pub fn check(root: &Path, manifest: &Manifest, only: Option<u32>) -> Result<Vec<Stale>, GenError> {
    let mut stale = Vec::new();
    for chapter in chapters(manifest, only)? {
        let files = chapter_files(root, manifest, chapter)?;
        for file in &files {
            match std::fs::read_to_string(root.join(&file.path)) {
                Ok(text) if text == file.contents => {}
                Ok(_) => stale.push(Stale::Differs(file.path.clone())),
                Err(_) => stale.push(Stale::Missing(file.path.clone())),
            }
        }
        let chapter_dir = root.join("chapters").join(&chapter.slug);
        let listings = root.join(LISTINGS).join(&chapter.slug);
        let mut present = Vec::new();
        for dir in [chapter_dir.join("src"), chapter_dir.join("tests"), listings] {
            if dir.is_dir() {
                collect_files(&dir, &mut present)
                    .map_err(|e| GenError(format!("cannot list {}: {e}", dir.display())))?;
            }
        }
        present.sort();
        for path in present {
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            if !files.iter().any(|f| f.path == rel) {
                stale.push(Stale::Extra(rel));
            }
        }
    }
    Ok(stale)
}

/// What `write` did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// Created a file that did not exist.
    Created(PathBuf),
    /// Replaced a file, after copying the old one to `backup`.
    Replaced {
        /// The file.
        path: PathBuf,
        /// Where its previous contents are kept.
        backup: PathBuf,
    },
}

/// Writes every generated file that differs from what is on disk. A file
/// it replaces is first copied under `backup_dir` (relative paths kept), so
/// no one's edits are ever lost to a regeneration.
pub fn write(
    root: &Path,
    manifest: &Manifest,
    only: Option<u32>,
    backup_dir: &Path,
) -> Result<Vec<Written>, GenError> {
    let mut written = Vec::new();
    for chapter in chapters(manifest, only)? {
        for file in chapter_files(root, manifest, chapter)? {
            let path = root.join(&file.path);
            let io = |e: std::io::Error| GenError(format!("{}: {e}", path.display()));
            match std::fs::read_to_string(&path) {
                Ok(text) if text == file.contents => continue,
                Ok(_) => {
                    let backup = backup_dir.join(&file.path);
                    if let Some(parent) = backup.parent() {
                        std::fs::create_dir_all(parent).map_err(io)?;
                    }
                    std::fs::copy(&path, &backup).map_err(io)?;
                    std::fs::write(&path, &file.contents).map_err(io)?;
                    written.push(Written::Replaced {
                        path: file.path,
                        backup,
                    });
                }
                Err(_) => {
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent).map_err(io)?;
                    }
                    std::fs::write(&path, &file.contents).map_err(io)?;
                    written.push(Written::Created(file.path));
                }
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod listing_tests {
    use super::*;

    #[test]
    fn a_listing_drops_markers_and_tool_allows_and_keeps_deliberate_ones() {
        let manifest: &Manifest = &grader::manifest::MANIFEST;
        let chapter = manifest.chapter(1).expect("chapter 1").clone();
        let stub = "use std::fmt; // exercise: hello-redis\n\
                    // ANCHOR: f\n\
                    #[allow(\n    unused_variables,\n    reason = \"exercise 1.1: yours\"\n)]\n\
                    #[allow(\n    unused_must_use,\n    reason = \"exercise 1.3: delete this attribute first, then build and read the warnings\"\n)]\n\
                    pub fn f() {\n\
                    \x20   // exercise: hello-redis\n\
                    \x20   todo!(\"1.1: a message long enough that the book would have to scroll sideways to read it\")\n\
                    \x20   // end exercise: hello-redis\n\
                    }\n\
                    // ANCHOR_END: f\n";
        let shown = listing(stub, manifest, &chapter);
        assert!(
            shown.starts_with("use std::fmt;\n// ANCHOR: f\n"),
            "{shown}"
        );
        assert!(!shown.contains("unused_variables"), "{shown}");
        assert!(shown.contains("unused_must_use"), "{shown}");
        assert!(!shown.contains("// exercise:"), "{shown}");
        assert!(!shown.contains("// end exercise:"), "{shown}");
        assert!(
            shown
                .lines()
                .filter(|l| !l.contains("reason"))
                .all(|l| l.chars().count() <= 80),
            "{shown}"
        );
        assert!(
            shown.contains("\\\n"),
            "the todo! message is continued: {shown}"
        );
    }
}

#[cfg(test)]
mod cargo_toml_tests {
    use super::*;

    #[test]
    fn solution_only_lines_and_their_comments_stay_out_of_the_chapter() {
        let chapter = grader::manifest::MANIFEST
            .chapter(6)
            .expect("chapter 6")
            .clone();
        let solution = format!(
            "[package]\nname = \"{}\"\n\n[dev-dependencies]\n\
             # recorded transcripts\n\
             grader = {{ workspace = true, {REFERENCE_FEATURE} }}\n\
             # for the load test\n\
             libc = \"0.2\" {SOLUTION_ONLY}\n\
             tokio-stream = \"0.1\"\n",
            chapter.solution_package()
        );
        let out = cargo_toml(&solution, &chapter).expect("a chapter Cargo.toml");
        assert!(!out.contains("libc"), "{out}");
        assert!(!out.contains("load test"), "{out}");
        assert!(out.contains("grader.workspace = true"), "{out}");
        assert!(out.contains("tokio-stream"), "{out}");
        assert!(
            out.contains(&format!("name = \"{}\"", chapter.package())),
            "{out}"
        );
    }
}
