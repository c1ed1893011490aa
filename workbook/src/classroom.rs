//! Reports for instructors: `workbook report --json` and `workbook class`.
//!
//! `report --json` prints one learner's results in the shape GitHub
//! Classroom's autograding reporter reads (`classroom-resources/
//! autograding-grading-reporter`): an object with `tests`, each with `name`,
//! `status` (`pass`, `fail` or `error`), `score` and `message`, plus the
//! totals `max_score` and `score`. The reporter takes it base64-encoded from
//! a step output (`report --base64`); see `instructor/classroom.yml`. Extra
//! fields (`learner`, `grader_hash`, and per test `exercise`, `check`,
//! `mistake`, `passed`, `ran`, `duration_ms`) are ignored by the reporter
//! (it reads `tests`, their `name`, `status`, `score` and `message`, and the
//! report's `status` and `max_score`) and used by `class`.
//!
//! Scores are per exercise: one test, worth one point, for each exercise of
//! each chapter graded, earned only when every check of the exercise
//! passed. A failing exercise's message names its first failing check and
//! says why; a chapter that did not compile gives each of its exercises an
//! `error`, so totals stay comparable between learners.
//!
//! `class DIR` reads a folder of such reports, one per learner, and shows
//! who is where and which check holds most of the room up — as a table, and
//! as a self-contained HTML page. It also compares each report's grader
//! hash (the SHA-256 of the grading files it was graded with, see
//! [`crate::grading_files`]) with the instructor's, and flags every report
//! graded with other grading files, or with no hash at all.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use grader::manifest::{Exercise, Manifest};
use grader::results::ExerciseStatus;
use grader::results::report::Report;
use serde::{Deserialize, Serialize};

use crate::grade::{self, ChapterGrade, Graded};

/// A test's status, as the reporter reads it: every check of the exercise
/// passed.
pub const PASS: &str = "pass";
/// A test's status: the exercise ran and some check did not pass.
pub const FAIL: &str = "fail";
/// A test's status: the exercise could not be graded (its chapter did not
/// build, or none of its checks ran).
pub const ERROR: &str = "error";

/// One learner's results, GitHub Classroom style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassroomReport {
    /// Format version (the reporter's runners write 1).
    pub version: u32,
    /// `pass` when every test passed, `fail` when any failed, else `error`.
    pub status: String,
    /// Points available: one per exercise.
    pub max_score: u32,
    /// Points earned: the exercises done.
    pub score: u32,
    /// Who this is, when known.
    #[serde(default)]
    pub learner: Option<String>,
    /// The grader hash: SHA-256 of the grading files this report was graded
    /// with (`crate::grading_files`), 64 hex digits. `None` in reports
    /// written before the field existed.
    #[serde(default)]
    pub grader_hash: Option<String>,
    /// One entry per exercise, in book order.
    pub tests: Vec<ClassroomTest>,
}

/// One exercise, GitHub Classroom style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassroomTest {
    /// The exercise as learners see it: `1.1 Say hello to Redis`.
    pub name: String,
    /// `pass` (every check passed), `fail`, or `error` (not graded: the
    /// chapter did not build).
    pub status: String,
    /// 1 when every check of the exercise passed, else 0.
    pub score: u32,
    /// Always 1.
    pub max_score: u32,
    /// `null` on a pass; else the first failing check, its mistake, and
    /// the message the learner read for it (or why nothing was graded).
    pub message: Option<String>,
    /// The exercise's stable id.
    #[serde(default)]
    pub exercise: String,
    /// The first check of the exercise that did not pass; empty on a pass
    /// or when nothing was graded.
    #[serde(default)]
    pub check: String,
    /// The mistake that check's message names, if any.
    #[serde(default)]
    pub mistake: Option<String>,
    /// Checks of the exercise that passed.
    #[serde(default)]
    pub passed: usize,
    /// Checks of the exercise that ran.
    #[serde(default)]
    pub ran: usize,
    /// How long the exercise's checks took, added up.
    #[serde(default)]
    pub duration_ms: u64,
}

/// Builds a learner's report from a grading run: one test per exercise.
/// Its `grader_hash` is left for the caller, who knows what was graded with.
pub fn report(
    manifest: &Manifest,
    grades: &[ChapterGrade],
    learner: Option<String>,
) -> ClassroomReport {
    let mut tests = Vec::new();
    for g in grades {
        for ex in manifest.exercises_of(g.chapter.number) {
            tests.push(match &g.graded {
                Graded::Ran(report) => graded_test(ex, report),
                // Every exercise of the chapter, as an error: the totals
                // stay comparable across learners.
                Graded::DidNotCompile(why) | Graded::Broken(why) => not_graded(
                    ex,
                    format!("chapter {} was not graded: {why}", g.chapter.number),
                ),
            });
        }
    }
    let status = if tests.iter().any(|t| t.status == FAIL) {
        FAIL
    } else if tests.iter().any(|t| t.status == ERROR) {
        ERROR
    } else {
        PASS
    };
    ClassroomReport {
        version: 1,
        status: status.to_owned(),
        max_score: u32::try_from(tests.len()).unwrap_or(u32::MAX),
        score: tests.iter().map(|t| t.score).sum(),
        learner,
        grader_hash: None,
        tests,
    }
}

fn label(ex: &Exercise) -> String {
    format!("{} {}", ex.number, ex.title)
}

/// An exercise of a chapter whose suite ran.
fn graded_test(ex: &Exercise, report: &Report) -> ClassroomTest {
    let Some(standing) = report.exercises.iter().find(|e| e.id == ex.id) else {
        return not_graded(
            ex,
            format!(
                "the results of {} do not list exercise {}",
                report.package, ex.number
            ),
        );
    };
    if standing.status == ExerciseStatus::NotRun {
        return not_graded(ex, format!("no check of exercise {} ran", ex.number));
    }
    let duration_ms = report
        .checks
        .iter()
        .filter(|c| c.exercise == ex.id)
        .map(|c| c.duration_ms)
        .sum();
    let first = grade::first_failing_of(report, Some(&ex.id));
    // Done means every check passed; a failing check left behind is a
    // contradiction, and counts against the exercise.
    let done = standing.status == ExerciseStatus::Done && first.is_none();
    let message = first.map(|check| {
        let mistake = check
            .mistake
            .as_deref()
            .map(|m| format!(" [{m}]"))
            .unwrap_or_default();
        format!(
            "first failing check: {}{mistake} ({} of {} checks pass)\n{}",
            check.name,
            standing.passed,
            standing.ran,
            check.message.trim_end()
        )
    });
    ClassroomTest {
        name: label(ex),
        status: if done { PASS } else { FAIL }.to_owned(),
        score: u32::from(done),
        max_score: 1,
        message: if done {
            None
        } else {
            Some(message.unwrap_or_else(|| format!("exercise {} is not done", ex.number)))
        },
        exercise: ex.id.clone(),
        check: first.map(|c| c.name.clone()).unwrap_or_default(),
        mistake: first.and_then(|c| c.mistake.clone()),
        passed: standing.passed,
        ran: standing.ran,
        duration_ms,
    }
}

/// An exercise that could not be graded, and why.
fn not_graded(ex: &Exercise, why: String) -> ClassroomTest {
    ClassroomTest {
        name: label(ex),
        status: ERROR.to_owned(),
        score: 0,
        max_score: 1,
        message: Some(why),
        exercise: ex.id.clone(),
        check: String::new(),
        mistake: None,
        passed: 0,
        ran: 0,
        duration_ms: 0,
    }
}

/// One learner's line in the class view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The learner.
    pub learner: String,
    /// Exercises done.
    pub score: u32,
    /// Exercises graded.
    pub max_score: u32,
    /// The exercise they are on (their first unfinished one) with how many
    /// of its checks pass, or `done`.
    pub at: String,
    /// The check they are stuck on (the first failing check of that
    /// exercise), with its mistake id if any.
    pub stuck_on: Option<String>,
    /// Whether the report was graded with the instructor's grading files.
    pub grader: Grader,
}

/// A report's grader hash, against the instructor's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grader {
    /// The same as the instructor's: graded by the course's grader.
    Same,
    /// A different hash: graded with other grading files than the
    /// instructor's (the hash it has).
    Different(String),
    /// The report has no hash: it cannot be checked.
    Missing,
    /// No expected hash was given, so nothing was compared (the report's
    /// hash, if any).
    Unchecked(Option<String>),
}

impl Grader {
    /// Whether the report is flagged: graded with other grading files, or
    /// not checkable.
    pub fn flagged(&self) -> bool {
        matches!(self, Grader::Different(_) | Grader::Missing)
    }

    /// The word in the table's `grader` column.
    pub fn word(&self) -> String {
        match self {
            Grader::Same => "same".to_owned(),
            Grader::Different(_) => "DIFFERENT".to_owned(),
            Grader::Missing => "MISSING".to_owned(),
            Grader::Unchecked(Some(hash)) => short(hash).to_owned(),
            Grader::Unchecked(None) => "none".to_owned(),
        }
    }
}

/// The grader hash the reports should have, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// 64 hex digits, lowercase.
    pub hash: String,
    /// Where it came from, for the reader: `--grader-hash`, or the
    /// instructor's checkout.
    pub from: String,
}

/// The class: every learner, and the check that holds up the most of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// One line per learner, by name.
    pub standings: Vec<Standing>,
    /// The most common first failing check, and how many learners are on it.
    pub hardest: Option<(String, usize)>,
    /// Files that could not be read, with why.
    pub unreadable: Vec<String>,
    /// The grader hash every report was compared with, if any.
    pub expected: Option<Expected>,
}

/// Reads every `*.json` report in `dir`, comparing each report's grader
/// hash with `expected` when given.
pub fn class(dir: &Path, expected: Option<Expected>) -> Result<Class, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut standings = Vec::new();
    let mut unreadable = Vec::new();
    for path in paths {
        let report: ClassroomReport = match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(r) => r,
            Err(e) => {
                unreadable.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let first = report.tests.iter().find(|t| t.status != PASS);
        let hash = report
            .grader_hash
            .as_deref()
            .map(str::to_ascii_lowercase)
            .filter(|h| !h.is_empty());
        let grader = match (&expected, hash) {
            (None, hash) => Grader::Unchecked(hash),
            (Some(_), None) => Grader::Missing,
            (Some(e), Some(hash)) if hash == e.hash => Grader::Same,
            (Some(_), Some(hash)) => Grader::Different(hash),
        };
        standings.push(Standing {
            learner: report.learner.clone().unwrap_or(stem),
            score: report.score,
            max_score: report.max_score,
            at: first.map_or_else(|| "done".to_owned(), on),
            stuck_on: first.map(stuck_on),
            grader,
        });
    }
    standings.sort_by(|a, b| a.learner.cmp(&b.learner));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &standings {
        if let Some(stuck) = &s.stuck_on {
            *counts.entry(stuck.as_str()).or_default() += 1;
        }
    }
    let hardest = counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(check, n)| (check.to_owned(), n));
    Ok(Class {
        standings,
        hardest,
        unreadable,
        expected,
    })
}

/// What the grader hashes say, in plain words: one paragraph per kind of
/// flag, and where the expected hash came from. Empty when every report
/// was graded with the instructor's grading files.
pub fn grader_notes(class: &Class) -> Vec<String> {
    let mut notes = Vec::new();
    let Some(expected) = &class.expected else {
        if !class.standings.is_empty() {
            notes.push(
                "Grader hashes not checked: run `cargo workbook class` inside a checkout of \
                 the course at the commit you grade with, or pass --grader-hash HASH \
                 (`cargo workbook report --grader-hash` prints it)."
                    .to_owned(),
            );
        }
        return notes;
    };
    let names = |flag: fn(&Grader) -> bool| -> Vec<&str> {
        class
            .standings
            .iter()
            .filter(|s| flag(&s.grader))
            .map(|s| s.learner.as_str())
            .collect()
    };
    let different = names(|g| matches!(g, Grader::Different(_)));
    let missing = names(|g| matches!(g, Grader::Missing));
    if !different.is_empty() {
        notes.push(format!(
            "DIFFERENT grader ({}): these reports were graded with grading files that are \
             not yours (the grader in tests/, the workbook, exercises.toml, a chapter's \
             tests/ or Cargo.toml, or another file `cargo workbook report --grader-files` \
             lists). Their scores were not given by your grader: edited in, or from an \
             out-of-date copy. Grade that learner's code with your grader (`cargo workbook \
             overlay`, then `report`) before counting it.",
            different.join(", ")
        ));
    }
    if !missing.is_empty() {
        notes.push(format!(
            "MISSING grader hash ({}): these reports say nothing about what graded them \
             (written by an older workbook, or edited by hand), so they cannot be checked.",
            missing.join(", ")
        ));
    }
    let checked: Vec<&Grader> = class
        .standings
        .iter()
        .map(|s| &s.grader)
        .filter(|g| !matches!(g, Grader::Missing))
        .collect();
    if let Some(Grader::Different(first)) = checked.first() {
        if checked.len() > 1
            && checked
                .iter()
                .all(|g| matches!(g, Grader::Different(h) if h == first))
        {
            notes.push(format!(
                "Every report agrees on grader {} and none on yours: is your checkout at \
                 the commit the reports were graded with (the workflow's COURSE_REF)?",
                short(first)
            ));
        }
    }
    notes.push(format!(
        "Expected grader hash {} ({}).",
        expected.hash, expected.from
    ));
    notes
}

/// Where a learner is: the exercise, and how many of its checks pass.
fn on(test: &ClassroomTest) -> String {
    if test.ran == 0 {
        test.name.clone()
    } else {
        format!("{} ({}/{} checks)", test.name, test.passed, test.ran)
    }
}

/// What holds a learner up: the exercise's first failing check and its
/// mistake, or that the exercise was not graded.
fn stuck_on(test: &ClassroomTest) -> String {
    if test.status == ERROR {
        return format!("{} (not graded)", test.name);
    }
    match (test.check.as_str(), &test.mistake) {
        ("", _) => test.name.clone(),
        (check, Some(m)) => format!("{} › {check} [{m}]", test.name),
        (check, None) => format!("{} › {check}", test.name),
    }
}

/// The width of the table's `on` column.
const ON: usize = 40;
/// The width of the table's `grader` column: a word, or a short hash.
const GRADER: usize = 12;

/// The short form of a grader hash, as the table shows it.
fn short(hash: &str) -> &str {
    crate::grading_files::short(hash)
}

/// The class as a table for the terminal.
pub fn table(class: &Class) -> String {
    let mut out = String::new();
    let width = class
        .standings
        .iter()
        .map(|s| s.learner.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(
        out,
        "{:<width$}  exercises  {:<GRADER$}  {:<ON$}  stuck on",
        "learner", "grader", "on"
    );
    for s in &class.standings {
        let _ = writeln!(
            out,
            "{:<width$}  {:>4}/{:<4}  {:<GRADER$}  {:<ON$}  {}",
            s.learner,
            s.score,
            s.max_score,
            s.grader.word(),
            s.at,
            s.stuck_on.as_deref().unwrap_or("—")
        );
    }
    match &class.hardest {
        Some((check, n)) => {
            let _ = writeln!(
                out,
                "\nMost of the room is stuck on: {check} ({n} of {} learners)",
                class.standings.len()
            );
        }
        None if !class.standings.is_empty() => out.push_str("\nEveryone is done.\n"),
        None => out.push_str("\nNo reports found.\n"),
    }
    for u in &class.unreadable {
        let _ = writeln!(out, "skipped {u}");
    }
    for note in grader_notes(class) {
        let _ = writeln!(out, "\n{note}");
    }
    out
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The class as one self-contained HTML page (no scripts, no external files).
pub fn html(class: &Class) -> String {
    let mut rows = String::new();
    for s in &class.standings {
        let flag = if s.grader.flagged() {
            " class=\"flag\""
        } else {
            ""
        };
        let _ = writeln!(
            rows,
            "<tr{flag}><td>{}</td><td><meter min=\"0\" max=\"{}\" value=\"{}\"></meter> {}/{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            html_escape(&s.learner),
            s.max_score,
            s.score,
            s.score,
            s.max_score,
            html_escape(&s.grader.word()),
            html_escape(&s.at),
            html_escape(s.stuck_on.as_deref().unwrap_or("—")),
        );
    }
    let mut notes = String::new();
    for note in grader_notes(class) {
        let _ = writeln!(notes, "<p class=\"note\">{}</p>", html_escape(&note));
    }
    let headline = match &class.hardest {
        Some((check, n)) => format!(
            "Most of the room is stuck on <strong>{}</strong> ({n} of {} learners).",
            html_escape(check),
            class.standings.len()
        ),
        None => "Nobody is stuck.".to_owned(),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Tokio Workbook — class</title><style>\
         body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}\
         table{{border-collapse:collapse;width:100%}}\
         th,td{{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}}\
         th{{background:#f4f4f4}} .headline{{font-size:1.1rem;margin:1rem 0}}\
         tr.flag td{{background:#fde8e8}} tr.flag td:nth-child(3){{color:#a00;font-weight:bold}}\
         .note{{max-width:60rem}}\
         </style></head><body>\n<h1>Tokio Workbook — class</h1>\n\
         <p class=\"headline\">{headline}</p>\n\
         <table><thead><tr><th>learner</th><th>exercises done</th><th>grader</th><th>on</th><th>stuck on</th></tr></thead>\n\
         <tbody>\n{rows}</tbody></table>\n{notes}</body></html>\n"
    )
}
