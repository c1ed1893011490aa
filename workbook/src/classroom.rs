//! Reports for instructors: `workbook report --json` and `workbook class`.
//!
//! `report --json` prints one learner's results in the shape GitHub
//! Classroom's autograding reporter reads (`classroom-resources/
//! autograding-grading-reporter`): an object with `tests`, each with `name`,
//! `status` (`pass`, `fail` or `error`), `score` and `message`, plus the
//! totals `max_score` and `score`. The reporter takes it base64-encoded from
//! a step output (`report --base64`); see `instructor/classroom.yml`. Extra
//! fields (`learner`, `grader_hash`, `graded_at`, and per test `exercise`,
//! `check`, `mistake`, `mistakes`, `state`, `passed`, `ran`, `duration_ms`)
//! are ignored by the reporter (it reads `tests`, their `name`, `status`,
//! `score` and `message`, and the report's `status` and `max_score`) and
//! used by `class`. Every field added since the first version is optional
//! when read, so older reports stay readable.
//!
//! Scores are per exercise: one test, worth one point, for each exercise of
//! each chapter graded, earned only when every check of the exercise
//! passed. A failing exercise's message names its first failing check and
//! says why; a chapter that did not compile gives each of its exercises an
//! `error`, so totals stay comparable between learners.
//!
//! `class DIR` reads a folder of such reports (see [`crate::class`]). This
//! module also says how a report's grader hash (the SHA-256 of the grading
//! files it was graded with, see [`crate::grading_files`]) compares with
//! the instructor's: [`Grader`].

use grader::manifest::{Exercise, Manifest};
use grader::results::report::Report;
use grader::results::{CheckStatus, ExerciseStatus};
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
    /// When it was graded: UTC, RFC 3339 to the second
    /// (`2026-11-27T03:26:40Z`). `None` in reports written before the
    /// field existed; `class` then goes by the file's modification time.
    #[serde(default)]
    pub graded_at: Option<String>,
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
    /// Where the learner is on it, in one word: `done`, `failing`,
    /// `not-started` (every check still stops at the stub's `todo!()`),
    /// `does-not-compile` (its chapter did not build) or `not-graded`
    /// (no check ran for another reason). `None` in reports written before
    /// the field existed; [`ClassroomTest::state`] then infers it.
    #[serde(default)]
    pub state: Option<String>,
    /// Every mistake named by a check of the exercise that did not pass,
    /// each once, in suite order (`mistake` is only the first failing
    /// check's).
    #[serde(default)]
    pub mistakes: Vec<String>,
}

/// Where a learner is on one exercise, as the class view shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// Every check passed.
    Done,
    /// Some check fails for a reason other than the stub's `todo!()`.
    Failing,
    /// Every check still stops at the stub's `todo!()`: not begun, so not
    /// stuck either.
    NotStarted,
    /// The chapter did not build, so nothing of it was graded.
    DoesNotCompile,
    /// Nothing was graded for another reason (cargo failed, filtered out).
    NotGraded,
}

impl State {
    /// The word a report writes, e.g. `does-not-compile`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Done => "done",
            State::Failing => "failing",
            State::NotStarted => "not-started",
            State::DoesNotCompile => "does-not-compile",
            State::NotGraded => "not-graded",
        }
    }

    /// The state a report's word names.
    pub fn parse(word: &str) -> Option<State> {
        [
            State::Done,
            State::Failing,
            State::NotStarted,
            State::DoesNotCompile,
            State::NotGraded,
        ]
        .into_iter()
        .find(|s| s.as_str() == word)
    }
}

impl ClassroomTest {
    /// Where the learner is on this exercise: the report's `state`, or, in
    /// a report written before that field, what its other fields say (a
    /// failure whose only message is the stub's "not yet implemented" is
    /// not started; an error is not graded).
    pub fn state(&self) -> State {
        if let Some(state) = self.state.as_deref().and_then(State::parse) {
            return state;
        }
        match self.status.as_str() {
            PASS => State::Done,
            ERROR => State::NotGraded,
            _ if self.passed == 0
                && self.mistake.is_none()
                && self
                    .message
                    .as_deref()
                    .is_some_and(|m| m.contains("not yet implemented")) =>
            {
                State::NotStarted
            }
            _ => State::Failing,
        }
    }

    /// The mistakes its failing checks name: `mistakes`, or in an older
    /// report the first failing check's `mistake`.
    pub fn mistake_ids(&self) -> Vec<String> {
        if self.mistakes.is_empty() {
            self.mistake.iter().cloned().collect()
        } else {
            self.mistakes.clone()
        }
    }

    /// The exercise's number, e.g. `3.1`: the first word of its name.
    pub fn number(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or("")
    }
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
                Graded::DidNotCompile(why) => not_graded(
                    ex,
                    State::DoesNotCompile,
                    format!("chapter {} was not graded: {why}", g.chapter.number),
                ),
                Graded::Broken(why) => not_graded(
                    ex,
                    State::NotGraded,
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
        graded_at: Some(crate::class::time::rfc3339(std::time::SystemTime::now())),
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
            State::NotGraded,
            format!(
                "the results of {} do not list exercise {}",
                report.package, ex.number
            ),
        );
    };
    if standing.status == ExerciseStatus::NotRun {
        return not_graded(
            ex,
            State::NotGraded,
            format!("no check of exercise {} ran", ex.number),
        );
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
    let state = if done {
        State::Done
    } else if standing.status == ExerciseStatus::NotStarted {
        State::NotStarted
    } else {
        State::Failing
    };
    let mut mistakes: Vec<String> = Vec::new();
    for check in report.checks.iter().filter(|c| c.exercise == ex.id) {
        if let Some(m) = check
            .mistake
            .as_ref()
            .filter(|_| check.status != CheckStatus::Pass)
        {
            if !mistakes.contains(m) {
                mistakes.push(m.clone());
            }
        }
    }
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
        state: Some(state.as_str().to_owned()),
        mistakes,
    }
}

/// An exercise that could not be graded, and why.
fn not_graded(ex: &Exercise, state: State, why: String) -> ClassroomTest {
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
        state: Some(state.as_str().to_owned()),
        mistakes: Vec::new(),
    }
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
    /// How a report's hash compares with the expected one, if any.
    pub fn of(report: &ClassroomReport, expected: Option<&Expected>) -> Grader {
        let hash = report
            .grader_hash
            .as_deref()
            .map(str::to_ascii_lowercase)
            .filter(|h| !h.is_empty());
        match (expected, hash) {
            (None, hash) => Grader::Unchecked(hash),
            (Some(_), None) => Grader::Missing,
            (Some(e), Some(hash)) if hash == e.hash => Grader::Same,
            (Some(_), Some(hash)) => Grader::Different(hash),
        }
    }

    /// Whether the report is flagged: graded with other grading files, or
    /// not checkable.
    pub fn flagged(&self) -> bool {
        matches!(self, Grader::Different(_) | Grader::Missing)
    }

    /// The word in the view's `grader` column.
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

/// What the grader hashes of the learners' latest reports say, in plain
/// words: one paragraph per kind of flag, and where the expected hash came
/// from. Empty when there is no learner.
pub fn grader_notes(expected: Option<&Expected>, learners: &[(&str, &Grader)]) -> Vec<String> {
    let mut notes = Vec::new();
    let Some(expected) = expected else {
        if !learners.is_empty() {
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
        learners
            .iter()
            .filter(|(_, g)| flag(g))
            .map(|(name, _)| *name)
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
    let checked: Vec<&Grader> = learners
        .iter()
        .map(|(_, g)| *g)
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

/// The short form of a grader hash, as the view shows it.
fn short(hash: &str) -> &str {
    crate::grading_files::short(hash)
}
