//! `workbook grade`: every chapter graded in a cargo process of its own.
//!
//! The command never links learner code. It runs
//! `cargo test -p chapter-N --test grade` with `WORKBOOK_RESULTS` pointing
//! at `.workbook/results/chapter-N.json` (where a plain `cargo test` leaves
//! its results too), and reads that file back. A
//! chapter that does not compile writes no results file: its cargo output
//! becomes the chapter's line on the scoreboard, and the other chapters are
//! graded as usual.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use grader::manifest::{Chapter, Manifest};
use grader::results::report::{CheckReport, ExerciseReport, RESULTS_ENV, Report};
use grader::results::{CheckStatus, ExerciseStatus};
use indicatif::{ProgressBar, ProgressStyle};

/// How one chapter's grading went.
#[derive(Debug, Clone)]
pub enum Graded {
    /// The suite ran; here are its results.
    Ran(Report),
    /// The chapter did not build; the compiler's first error, trimmed.
    DidNotCompile(String),
    /// Cargo or the grader failed in another way.
    Broken(String),
}

/// One chapter on the scoreboard.
#[derive(Debug, Clone)]
pub struct ChapterGrade {
    /// The chapter.
    pub chapter: Chapter,
    /// What happened.
    pub graded: Graded,
    /// When it did not compile: the compiler's diagnostics for the
    /// learner's files, in full.
    pub compiler: String,
}

impl ChapterGrade {
    /// Whether the chapter is done: it ran, and every one of its exercises
    /// is done (every check of each passed).
    pub fn passed(&self) -> bool {
        match &self.graded {
            Graded::Ran(report) => {
                !report.exercises.is_empty()
                    && report
                        .exercises
                        .iter()
                        .all(|e| e.status == ExerciseStatus::Done)
            }
            _ => false,
        }
    }

    /// Exercises done (every check passed), of all the chapter's exercises,
    /// and whether the chapter ran at all.
    pub fn done(&self) -> (usize, usize, bool) {
        match &self.graded {
            Graded::Ran(report) => (
                report
                    .exercises
                    .iter()
                    .filter(|e| e.status == ExerciseStatus::Done)
                    .count(),
                report.exercises.len(),
                true,
            ),
            _ => (0, 0, false),
        }
    }

    /// The first check that did not pass, in suite order.
    pub fn first_failing(&self) -> Option<&CheckReport> {
        match &self.graded {
            Graded::Ran(report) => first_failing_of(report, None),
            _ => None,
        }
    }

    /// The standing of one exercise, if the chapter ran.
    pub fn exercise(&self, id: &str) -> Option<&ExerciseReport> {
        match &self.graded {
            Graded::Ran(report) => report.exercises.iter().find(|e| e.id == id),
            _ => None,
        }
    }
}

/// The first check of `report` that did not pass, in suite order; only
/// among the checks of `exercise` when one is given.
pub fn first_failing_of<'a>(report: &'a Report, exercise: Option<&str>) -> Option<&'a CheckReport> {
    report
        .checks
        .iter()
        .filter(|c| exercise.is_none_or(|id| c.exercise == id))
        // A skipped check did not run: it is nothing to fix.
        .find(|c| !matches!(c.status, CheckStatus::Pass | CheckStatus::Skip))
}

/// Where a chapter's results file lives: where a plain `cargo test -p
/// chapter-N` leaves it too (the grader decides; see its `report` module).
pub fn results_path(root: &Path, chapter: &Chapter) -> PathBuf {
    grader::results::report::workspace_file(root, &chapter.package())
}

/// The last results saved for a chapter, if it was ever graded.
pub fn last_results(root: &Path, chapter: &Chapter) -> Option<Report> {
    let text = std::fs::read_to_string(results_path(root, chapter)).ok()?;
    serde_json::from_str(&text).ok()
}

/// The cargo to run: the one that runs us, if any.
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Grades one chapter, showing progress on `bar`.
pub fn grade_chapter(root: &Path, chapter: &Chapter, bar: &ProgressBar) -> ChapterGrade {
    let (graded, compiler) = run(root, chapter, bar, false);
    ChapterGrade {
        chapter: chapter.clone(),
        graded,
        compiler,
    }
}

/// Grades one chapter with exactly the dependencies `Cargo.lock` names
/// (`cargo test --locked`), as `report` does: a grade that counts must not
/// depend on whatever versions cargo would pick today, and a workspace
/// member that asks for others cannot change them — the chapter is then
/// not graded.
pub fn grade_chapter_locked(root: &Path, chapter: &Chapter, bar: &ProgressBar) -> ChapterGrade {
    let (graded, compiler) = run(root, chapter, bar, true);
    ChapterGrade {
        chapter: chapter.clone(),
        graded,
        compiler,
    }
}

/// Runs the chapter's grader; when it does not compile, the compiler's
/// diagnostics come along.
fn run(root: &Path, chapter: &Chapter, bar: &ProgressBar, locked: bool) -> (Graded, String) {
    let mut compiler = String::new();
    let graded = run_grader(root, chapter, bar, locked, &mut compiler);
    (graded, compiler)
}

fn run_grader(
    root: &Path,
    chapter: &Chapter,
    bar: &ProgressBar,
    locked: bool,
    compiler: &mut String,
) -> Graded {
    let results = results_path(root, chapter);
    if let Some(dir) = results.parent() {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return Graded::Broken(format!("cannot create {}: {e}", dir.display()));
        }
    }
    // A stale file must never pass for this run's results.
    let _ = std::fs::remove_file(&results);
    let package = chapter.package();
    bar.set_message(format!("{package}: building"));
    let mut command = Command::new(cargo());
    command.args([
        "test", "-p", &package, "--test", "grade", "--color", "never",
    ]);
    if locked {
        command.arg("--locked");
    }
    let child = command
        .env(RESULTS_ENV, &results)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => return Graded::Broken(format!("cannot run cargo: {e}")),
    };
    let mut stderr = Vec::new();
    if let Some(pipe) = child.stderr.take() {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed.strip_prefix("Compiling ") {
                bar.set_message(format!("{package}: compiling {rest}"));
            } else if trimmed.starts_with("Running ") {
                bar.set_message(format!("{package}: running the checks"));
            }
            stderr.push(line);
        }
    }
    let status = child.wait();
    match std::fs::read_to_string(&results) {
        Ok(text) => match serde_json::from_str::<Report>(&text) {
            Ok(report) => Graded::Ran(report),
            Err(e) => Graded::Broken(format!(
                "unreadable results file {}: {e}",
                results.display()
            )),
        },
        Err(_) => {
            if stderr.iter().any(|l| l.starts_with("error"))
                && !stderr
                    .iter()
                    .any(|l| l.trim_start().starts_with("Running "))
            {
                *compiler = diagnostics(&stderr);
                Graded::DidNotCompile(first_error(&stderr))
            } else {
                Graded::Broken(format!(
                    "the grader wrote no results ({}):\n{}",
                    status.map_or_else(|e| e.to_string(), |s| s.to_string()),
                    tail(&stderr, 15)
                ))
            }
        }
    }
}

/// The first compiler error with its location line, e.g.
/// `error[E0308]: mismatched types (chapters/01-hello-tokio/src/lib.rs:3:5)`.
fn first_error(stderr: &[String]) -> String {
    let Some(start) = stderr.iter().position(|l| l.starts_with("error")) else {
        return tail(stderr, 10);
    };
    let message = stderr[start].clone();
    let location = stderr[start + 1..]
        .iter()
        .take(3)
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .map(str::to_owned);
    match location {
        Some(at) => format!("{message} ({at})"),
        None => message,
    }
}

/// The compiler's messages from cargo's output, whole: every error, and
/// the warnings about the learner's files (`chapters/…`), without cargo's
/// own `Compiling …` lines and summaries.
pub fn diagnostics(stderr: &[String]) -> String {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for line in stderr {
        let starts = line.starts_with("error") || line.starts_with("warning");
        if starts {
            blocks.push(vec![line]);
        } else if let Some(block) = blocks.last_mut() {
            if !is_cargo_status(line) {
                block.push(line);
            }
        }
    }
    let mut out = String::new();
    for block in blocks {
        let head = block[0];
        let summary = head.starts_with("error: could not compile")
            || (head.starts_with("warning: `") && head.contains("generated"));
        let learners = block.iter().any(|l| l.contains("chapters/"));
        if summary || (head.starts_with("warning") && !learners) {
            continue;
        }
        for line in block {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Whether a line is cargo's own (`   Compiling chapter-2 …`), not the
/// compiler's.
fn is_cargo_status(line: &str) -> bool {
    const VERBS: [&str; 9] = [
        "Compiling",
        "Checking",
        "Finished",
        "Running",
        "Blocking",
        "Building",
        "Downloaded",
        "Downloading",
        "Locking",
    ];
    let trimmed = line.trim_start();
    line.len() > trimmed.len() && VERBS.iter().any(|v| trimmed.starts_with(v))
}

fn tail(lines: &[String], n: usize) -> String {
    let start = lines.len().saturating_sub(n);
    lines[start..].join("\n")
}

/// A spinner on standard error; invisible when that is not a terminal.
pub fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// The chapters to grade: those asked for, or all of them.
pub fn chapters_to_grade(manifest: &Manifest, only: &[u32]) -> Result<Vec<Chapter>, String> {
    if only.is_empty() {
        return Ok(manifest.chapters.clone());
    }
    only.iter()
        .map(|&n| {
            manifest.chapter(n).cloned().ok_or_else(|| {
                format!(
                    "there is no chapter {n}; chapters are {}",
                    numbers(manifest)
                )
            })
        })
        .collect()
}

fn numbers(manifest: &Manifest) -> String {
    let n: Vec<String> = manifest
        .chapters
        .iter()
        .map(|c| c.number.to_string())
        .collect();
    n.join(", ")
}

/// The first line of a check's message, with its mistake id.
pub fn one_line(check: &CheckReport) -> String {
    let first = check.message.lines().next().unwrap_or_default().trim();
    match &check.mistake {
        Some(id) => format!("{first} [{id}]"),
        None => first.to_owned(),
    }
}

/// The scoreboard, as printed by `grade`.
pub fn scoreboard(manifest: &Manifest, grades: &[ChapterGrade]) -> String {
    let mut out = String::new();
    out.push_str("chapter                 exercises  status\n");
    for g in grades {
        let name = format!("{} {}", g.chapter.number, g.chapter.title);
        let (done, total, ran) = g.done();
        let count = if ran {
            format!("{done}/{total}")
        } else {
            "—".to_owned()
        };
        let status = match &g.graded {
            Graded::Ran(_) if g.passed() => "done".to_owned(),
            Graded::Ran(_) => match g.first_failing() {
                Some(check)
                    if g.exercise(&check.exercise)
                        .is_some_and(|e| e.status == ExerciseStatus::NotStarted) =>
                {
                    format!("{}: not started", exercise_label(manifest, &check.exercise))
                }
                Some(check) => format!(
                    "{}{} › {}: {}",
                    exercise_label(manifest, &check.exercise),
                    g.exercise(&check.exercise)
                        .map(checks_passing)
                        .unwrap_or_default(),
                    check.name,
                    one_line(check)
                ),
                None => "no checks ran".to_owned(),
            },
            Graded::DidNotCompile(error) => format!("does not compile: {error}"),
            Graded::Broken(why) => format!(
                "could not grade: {}",
                why.lines().next().unwrap_or_default()
            ),
        };
        out.push_str(&format!("{name:<23} {count:<10} {status}\n"));
    }
    out.push_str(&next_step(manifest, grades));
    out
}

/// An exercise's check count, e.g. ` (2 of 3 checks pass)`; empty when
/// none of its checks ran.
fn checks_passing(exercise: &ExerciseReport) -> String {
    if exercise.ran == 0 {
        String::new()
    } else {
        format!(" ({} of {} checks pass)", exercise.passed, exercise.ran)
    }
}

/// An exercise as learners see it, e.g. `1.1 Say hello to Redis`.
pub fn exercise_label(manifest: &Manifest, id: &str) -> String {
    manifest
        .exercise(id)
        .map_or_else(|| id.to_owned(), |e| format!("{} {}", e.number, e.title))
}

/// `  edit: chapters/01-hello-tokio/src/runtime_by_hand.rs`, the file that
/// holds the exercise, in the workspace the command runs in; empty when
/// it cannot be told.
pub fn edit_line(exercise: &grader::manifest::Exercise) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| crate::workspace::find_root(&cwd))
        .and_then(|root| grader::results::progress::exercise_file(&root, exercise))
        .map(|file| format!("  edit: {}\n", file.display()))
        .unwrap_or_default()
}

/// What to do next, in two or three lines.
pub fn next_step(manifest: &Manifest, grades: &[ChapterGrade]) -> String {
    for g in grades {
        match &g.graded {
            Graded::DidNotCompile(_) => {
                return format!(
                    "Next: make chapter {} compile again — run `cargo build -p {}` to see every error.\n",
                    g.chapter.number,
                    g.chapter.package()
                );
            }
            Graded::Broken(why) => {
                return format!(
                    "Next: chapter {} could not be graded:\n{why}\n",
                    g.chapter.number
                );
            }
            Graded::Ran(_) if g.passed() => continue,
            Graded::Ran(_) => {
                let Some(check) = g.first_failing() else {
                    continue;
                };
                let Some(ex) = manifest.exercise(&check.exercise) else {
                    continue;
                };
                let (page, anchor) = ex.book.split_once('#').unwrap_or((&ex.book, ""));
                return format!(
                    "Next: exercise {} \"{}\" — cargo test -p {} -- {}\n{}  read: {}/{page}.html#{anchor}   hints: cargo workbook hint {}\n",
                    ex.number,
                    ex.title,
                    g.chapter.package(),
                    ex.number,
                    edit_line(ex),
                    grader::failure::BOOK_URL,
                    ex.number
                );
            }
        }
    }
    "Everything graded here passes.\n".to_owned()
}

#[cfg(test)]
mod diagnostics_tests {
    use super::diagnostics;

    #[test]
    fn the_learners_diagnostics_are_kept_whole_and_cargos_lines_dropped() {
        let stderr: Vec<String> = [
            "   Compiling chapter-2 v0.1.0 (/w/chapters/02-spawning)",
            "warning: unused import: `std::fmt`",
            " --> /home/x/.cargo/registry/src/some-dep/lib.rs:1:5",
            "",
            "error[E0382]: use of moved value: `db`",
            "  --> chapters/02-spawning/src/get_and_set.rs:20:9",
            "   |",
            "19 |     let db = db;",
            "   Compiling grader v0.1.0 (/w/tests)",
            "   = note: move occurs because `db` has type `HashMap`",
            "",
            "warning: unused variable: `x`",
            "  --> chapters/02-spawning/src/lib.rs:3:9",
            "",
            "warning: `chapter-2` (lib) generated 1 warning",
            "error: could not compile `chapter-2` (lib) due to 1 previous error; 1 warning emitted",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let shown = diagnostics(&stderr);
        assert!(
            shown.starts_with("error[E0382]: use of moved value: `db`\n"),
            "{shown}"
        );
        assert!(shown.contains("= note: move occurs"), "{shown}");
        assert!(shown.contains("warning: unused variable: `x`"), "{shown}");
        assert!(!shown.contains("some-dep"), "{shown}");
        assert!(!shown.contains("Compiling"), "{shown}");
        assert!(!shown.contains("could not compile"), "{shown}");
    }
}

#[cfg(test)]
mod next_step_tests {
    use super::*;
    use grader::manifest::MANIFEST;

    /// Proves the closing "Next" names the file the learner edits for the
    /// first exercise that does not pass (tests run in the workbook's own
    /// checkout, whose chapter 1 has its stubs' regions).
    #[test]
    fn next_names_the_file_to_edit() {
        let chapter = MANIFEST.chapter(1).expect("chapter 1").clone();
        let second = MANIFEST.exercises_of(1).nth(1).expect("exercise 1.2");
        let report = Report {
            format: grader::results::report::FORMAT.to_owned(),
            chapter: 1,
            title: chapter.title.clone(),
            package: chapter.package(),
            exercises: MANIFEST
                .exercises_of(1)
                .map(|e| ExerciseReport {
                    id: e.id.clone(),
                    number: e.number.clone(),
                    title: e.title.clone(),
                    status: if e.id == second.id {
                        ExerciseStatus::InProgress
                    } else {
                        ExerciseStatus::Done
                    },
                    passed: 0,
                    ran: 1,
                })
                .collect(),
            checks: vec![CheckReport {
                id: format!("{}-{}::x", second.number, second.id),
                name: "x".to_owned(),
                exercise: second.id.clone(),
                status: CheckStatus::Fail,
                message: "wrong".to_owned(),
                mistake: None,
                duration_ms: 1,
            }],
        };
        let grades = [ChapterGrade {
            chapter,
            graded: Graded::Ran(report),
            compiler: String::new(),
        }];
        let next = next_step(&MANIFEST, &grades);
        assert!(
            next.starts_with(&format!("Next: exercise {} ", second.number)),
            "{next}"
        );
        assert!(
            next.contains("\n  edit: chapters/01-hello-tokio/src/runtime_by_hand.rs\n"),
            "{next}"
        );
    }
}
