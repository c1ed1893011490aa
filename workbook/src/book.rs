//! `workbook dev book-check`: the book builds cleanly and every link lands.
//!
//! mdBook silently includes nothing when an `{{#include file:anchor}}` names
//! an anchor that does not exist, and renders a link to a missing heading
//! without complaint. These checks catch both, plus every book link the
//! grader prints and the manifest names:
//!
//! 1. `mdbook build` prints no warning or error;
//! 2. every `{{#include …}}` / `{{#rustdoc_include …}}` names a file that
//!    exists and, when it names an anchor, an anchor that file defines —
//!    and never a learner's file under `chapters/` (the book shows the
//!    generated listings of `book/listings/`);
//! 3. every relative link in the built pages reaches a page, and every
//!    `#fragment` an element with that id;
//! 4. every [`BookRef`] (manifest exercises, grader mistakes) reaches a page
//!    and a heading id.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use grader::failure::BookRef;

/// One thing wrong with the book, said so a maintainer can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The one line that installs what the book needs, at the versions CI uses
/// (`.ci/run`): mdBook itself and the mdbook-quiz preprocessor that renders
/// each chapter's self-check.
pub const INSTALL_BOOK_TOOLS: &str = "cargo install mdbook@0.5.4 mdbook-quiz@0.5.0 --locked";

/// Builds the book with `mdbook` and reports every warning or error line.
pub fn build(book: &Path) -> Result<Vec<Problem>, Problem> {
    let output = Command::new("mdbook")
        .arg("build")
        .arg(book)
        .output()
        .map_err(|e| {
            Problem(format!(
                "cannot run mdbook ({e}); install it with `{INSTALL_BOOK_TOOLS}`"
            ))
        })?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(build_problems(&text, output.status.success()))
}

/// The problems in what `mdbook build` printed: every warning or error line,
/// and, when a preprocessor the book uses is not installed, how to install it
/// (mdBook's own message suggests making it optional, which would leave the
/// quizzes unrendered).
fn build_problems(text: &str, success: bool) -> Vec<Problem> {
    let mut problems: Vec<Problem> = text
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .map(|l| Problem(format!("mdbook: {}", l.trim())))
        .collect();
    if text.contains("`mdbook-quiz` wasn't found") {
        problems.push(Problem(format!(
            "mdbook-quiz is not installed: the book's self-check quizzes need it; \
             install it with `{INSTALL_BOOK_TOOLS}`"
        )));
    }
    if !success && problems.is_empty() {
        problems.push(Problem(format!("mdbook build failed:\n{text}")));
    }
    problems
}

/// Checks every include directive in the Markdown under `src`.
pub fn check_includes(src: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut pages = Vec::new();
    collect(src, "md", &mut pages);
    for page in pages {
        let Ok(text) = std::fs::read_to_string(&page) else {
            problems.push(Problem(format!("cannot read {}", page.display())));
            continue;
        };
        let dir = page.parent().unwrap_or(src);
        for (line_no, line) in text.lines().enumerate() {
            for spec in includes_in(line) {
                if let Some(problem) = check_include(dir, &spec) {
                    problems.push(Problem(format!(
                        "{}:{}: {{{{#include {spec}}}}}: {problem}",
                        page.display(),
                        line_no + 1
                    )));
                }
            }
        }
    }
    problems
}

/// The arguments of the include directives on one line.
fn includes_in(line: &str) -> Vec<String> {
    let mut specs = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("{{#") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        let directive = &after[..end];
        let mut words = directive.split_whitespace();
        if let (Some("include" | "rustdoc_include"), Some(spec)) = (words.next(), words.next()) {
            specs.push(spec.to_owned());
        }
        rest = &after[end + 2..];
    }
    specs
}

fn check_include(dir: &Path, spec: &str) -> Option<String> {
    let mut parts = spec.split(':');
    let file = parts.next().unwrap_or_default();
    // A learner's chapter changes as they work: the book shows the stub as
    // generated, from `book/listings/`, so their edits never reach it.
    if Path::new(file)
        .components()
        .any(|c| c.as_os_str() == "chapters")
    {
        return Some(
            "includes a learner's chapter file, which changes as they work; include the \
             pristine listing under book/listings/ instead (`cargo workbook dev gen` writes it)"
                .to_owned(),
        );
    }
    let path = dir.join(file);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Some(format!("{} does not exist", path.display()));
    };
    let selector = parts.next().unwrap_or_default();
    // `file:10`, `file:2:10` and `file::10` select lines; anything else is
    // an anchor name.
    if selector.is_empty() || selector.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !defines_anchor(&text, "ANCHOR:", selector) {
        return Some(format!(
            "{} has no `ANCHOR: {selector}` (mdBook would include nothing)",
            path.display()
        ));
    }
    if !defines_anchor(&text, "ANCHOR_END:", selector) {
        return Some(format!(
            "{} has no `ANCHOR_END: {selector}`",
            path.display()
        ));
    }
    None
}

/// The built pages and the element ids each one holds.
pub struct Site {
    root: PathBuf,
    ids: HashMap<PathBuf, Vec<String>>,
}

impl Site {
    /// Reads every HTML page under `root` (the build output).
    pub fn read(root: &Path) -> Site {
        let mut pages = Vec::new();
        collect(root, "html", &mut pages);
        let ids = pages
            .into_iter()
            .filter_map(|p| {
                let text = std::fs::read_to_string(&p).ok()?;
                let rel = p.strip_prefix(root).ok()?.to_path_buf();
                Some((rel, attribute_values(&text, "id")))
            })
            .collect();
        Site {
            root: root.to_path_buf(),
            ids,
        }
    }

    fn has(&self, page: &Path, fragment: Option<&str>) -> Result<(), String> {
        let Some(ids) = self.ids.get(page) else {
            return Err(format!("no page {}", page.display()));
        };
        match fragment {
            Some(f) if !f.is_empty() && !ids.iter().any(|id| id == f) => {
                Err(format!("{} has no element with id \"{f}\"", page.display()))
            }
            _ => Ok(()),
        }
    }

    /// Every relative link in the pages' content reaches a page and, if it
    /// has one, a fragment.
    pub fn check_links(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut pages: Vec<&PathBuf> = self.ids.keys().collect();
        pages.sort();
        for page in pages {
            let name = page.to_string_lossy();
            // The print page and the 404 page repeat or redirect links that
            // are checked on their own pages.
            if name == "print.html" || name == "404.html" || name == "toc.html" {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(self.root.join(page)) else {
                continue;
            };
            let content = main_content(&text);
            for href in attribute_values(content, "href") {
                if href.contains("://")
                    || href.starts_with("mailto:")
                    || href.starts_with("javascript:")
                {
                    continue;
                }
                let href = href.replace("&amp;", "&");
                let (path, fragment) = match href.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (href.as_str(), None),
                };
                let target = if path.is_empty() {
                    page.clone()
                } else {
                    normalise(&page.parent().unwrap_or(Path::new("")).join(path))
                };
                if target.extension().is_none_or(|e| e != "html") {
                    // Links to assets (images, source files) only need to exist.
                    if !self.root.join(&target).exists() {
                        problems.push(Problem(format!(
                            "{name}: link to missing {}",
                            target.display()
                        )));
                    }
                    continue;
                }
                if let Err(e) = self.has(&target, fragment) {
                    problems.push(Problem(format!("{name}: link \"{href}\": {e}")));
                }
            }
        }
        problems
    }

    /// Every book reference the grader or the manifest prints resolves.
    pub fn check_refs(&self, refs: impl IntoIterator<Item = (String, BookRef)>) -> Vec<Problem> {
        refs.into_iter()
            .filter_map(|(owner, book)| {
                let page = PathBuf::from(format!("{}.html", book.page));
                self.has(&page, Some(book.anchor))
                    .err()
                    .map(|e| Problem(format!("{owner} links {}: {e}", book.url())))
            })
            .collect()
    }
}

/// The part of a page between `<main>` and `</main>`, or all of it.
fn main_content(html: &str) -> &str {
    match (html.find("<main"), html.rfind("</main>")) {
        (Some(start), Some(end)) if start < end => &html[start..end],
        _ => html,
    }
}

/// Every value of `name="…"` in an HTML text.
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        let after = &rest[i + needle.len()..];
        let Some(end) = after.find('"') else { break };
        values.push(after[..end].to_owned());
        rest = &after[end..];
    }
    values
}

/// Resolves `.` and `..` without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether `text` has a line with `marker` (`ANCHOR:` or `ANCHOR_END:`)
/// followed by `name`, as a Rust comment or an HTML comment.
fn defines_anchor(text: &str, marker: &str, name: &str) -> bool {
    text.lines().any(|l| {
        l.split_once(marker)
            .is_some_and(|(_, found)| found.trim().trim_end_matches("-->").trim() == name)
    })
}

/// Every file under `dir` whose name ends in `.{extension}`.
pub fn collect(dir: &Path, extension: &str, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, extension, into);
        } else if path.extension().is_some_and(|e| e == extension) {
            into.push(path);
        }
    }
}

/// The hint tiers every exercise has: a nudge, an approach, nearly the answer.
pub const HINT_TIERS: u32 = 3;

/// Every exercise of the manifest has its hint tiers, as anchors
/// `{id}-1` … `{id}-3`, in `book/hints/{page}.md` of its chapter.
pub fn check_hints(hints: &Path, manifest: &grader::manifest::Manifest) -> Vec<Problem> {
    let mut problems = Vec::new();
    for chapter in &manifest.chapters {
        let path = hints.join(format!("{}.md", chapter.page));
        let Ok(text) = std::fs::read_to_string(&path) else {
            problems.push(Problem(format!(
                "{} is missing: chapter {} needs its hints file",
                path.display(),
                chapter.number
            )));
            continue;
        };
        for ex in manifest.exercises_of(chapter.number) {
            for tier in 1..=HINT_TIERS {
                let anchor = format!("{}-{tier}", ex.id);
                if !defines_anchor(&text, "ANCHOR:", &anchor)
                    || !defines_anchor(&text, "ANCHOR_END:", &anchor)
                {
                    problems.push(Problem(format!(
                        "{}: exercise {} has no hint tier {tier} (`ANCHOR: {anchor}` … `ANCHOR_END: {anchor}`)",
                        path.display(),
                        ex.number
                    )));
                }
            }
        }
    }
    problems
}

/// Every book link the grader can print, with who prints it.
pub fn grader_refs() -> Vec<(String, BookRef)> {
    let manifest = &*grader::manifest::MANIFEST;
    let mut refs: Vec<(String, BookRef)> = manifest
        .exercises
        .iter()
        .map(|ex| (format!("exercises.toml ({})", ex.id), ex.book_ref()))
        .collect();
    refs.extend(
        grader::mistakes::ALL
            .iter()
            .map(|m| (format!("the grader's mistake [{}]", m.id), m.book)),
    );
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Proves a missing mdbook-quiz is reported with the command that
    /// installs it, next to mdBook's own lines (what mdBook 0.5.4 prints).
    #[test]
    fn a_missing_quiz_preprocessor_says_how_to_install_it() {
        let output = " INFO Book building has started\n\
            ERROR The command `mdbook-quiz` wasn't found, is the `quiz` preprocessor installed? \
            If you want to ignore this error when the `quiz` preprocessor is not installed, \
            set `optional = true` in the `[preprocessor.quiz]` section of the book.toml configuration file.\n\
            ERROR Unable to run the preprocessor `quiz`\n";
        let problems: Vec<String> = build_problems(output, false)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[2].contains("cargo install mdbook@0.5.4 mdbook-quiz@0.5.0 --locked"),
            "{problems:#?}"
        );
    }

    /// Proves a clean build has no problems.
    #[test]
    fn a_clean_build_has_no_problems() {
        let output = " INFO Book building has started\n INFO Running the html backend\n";
        assert!(build_problems(output, true).is_empty());
    }
}
