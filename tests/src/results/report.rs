//! The results file: one chapter's grades as JSON, for tools.
//!
//! Set [`RESULTS_ENV`] to a path and `cargo test -p chapter-N` writes a
//! [`Report`] there after the run, alongside its usual output. The
//! `workbook` command builds its scoreboard and the instructor's class
//! reports on this shape; the book documents it (appendix "Results format").
//!
//! Stability: [`FORMAT`] names the version. Fields may be added within a
//! version; none is removed or changes meaning without a new one.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{CheckStatus, ExerciseStatus, Graded, Outcome, Progress, exercise_states};
use crate::suite::Suite;

/// Names the file to write the results to.
pub const RESULTS_ENV: &str = "WORKBOOK_RESULTS";
/// The value of [`Report::format`].
pub const FORMAT: &str = "tokio-workbook-results/1";

/// One chapter's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`FORMAT`].
    pub format: String,
    /// The chapter number.
    pub chapter: u32,
    /// The chapter title.
    pub title: String,
    /// The package that was graded, e.g. `chapter-1`.
    pub package: String,
    /// Every exercise of the chapter, in book order.
    pub exercises: Vec<ExerciseReport>,
    /// Every check that ran, in suite order.
    pub checks: Vec<CheckReport>,
}

/// One exercise's standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseReport {
    /// The stable exercise id (progress is keyed by it).
    pub id: String,
    /// The number shown to the learner, e.g. `1.2`.
    pub number: String,
    /// The title.
    pub title: String,
    /// `done`, `in-progress`, `not-started` or `not-run` (filtered out).
    pub status: ExerciseStatus,
    /// Checks that passed.
    pub passed: usize,
    /// Checks that ran.
    pub ran: usize,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The full test name, e.g. `1.1-hello-redis::get_returns_world`.
    pub id: String,
    /// The check's own name, e.g. `get_returns_world`.
    pub name: String,
    /// The stable id of the exercise it grades.
    pub exercise: String,
    /// `pass`, `fail`, or `todo` (the stub's `todo!()` is still there).
    pub status: CheckStatus,
    /// What the learner reads; empty when the check passed.
    pub message: String,
    /// The id of the mistake the message names, if any.
    pub mistake: Option<String>,
    /// Wall-clock milliseconds the check took.
    pub duration_ms: u64,
}

impl Report {
    /// Builds the report of a run.
    pub fn new(suite: &Suite, results: &[Graded]) -> Report {
        let exercises = exercise_states(suite, results)
            .into_iter()
            .map(|state| {
                let checks = suite.checks_of(state.exercise).count();
                let (status, passed, ran) = match state.progress {
                    Progress::NotRun => (ExerciseStatus::NotRun, 0, 0),
                    Progress::Done => (ExerciseStatus::Done, checks, checks),
                    Progress::NotStarted => (ExerciseStatus::NotStarted, 0, checks),
                    Progress::InProgress { passed, ran } => {
                        (ExerciseStatus::InProgress, passed, ran)
                    }
                };
                ExerciseReport {
                    id: state.exercise.id.clone(),
                    number: state.exercise.number.clone(),
                    title: state.exercise.title.clone(),
                    status,
                    passed,
                    ran,
                }
            })
            .collect();
        let mut checks: Vec<CheckReport> = results
            .iter()
            .map(|g| {
                let (message, mistake) = match &g.outcome {
                    Outcome::Passed => (String::new(), None),
                    Outcome::NotImplemented(m) | Outcome::Skipped(m) => (m.clone(), None),
                    Outcome::Failed { message, mistake } => (message.clone(), mistake.clone()),
                };
                CheckReport {
                    id: g.check.full_name(),
                    name: g.check.name.to_owned(),
                    exercise: g.check.exercise.id.clone(),
                    status: g.outcome.status(),
                    message,
                    mistake,
                    duration_ms: u64::try_from(g.duration.as_millis()).unwrap_or(u64::MAX),
                }
            })
            .collect();
        let order = |id: &str| suite.checks.iter().position(|c| c.full_name() == id);
        checks.sort_by_key(|c| order(&c.id));
        Report {
            format: FORMAT.to_owned(),
            chapter: suite.chapter,
            title: suite.title.to_owned(),
            package: suite.package.to_owned(),
            exercises,
            checks,
        }
    }

    /// Writes the report as pretty JSON, through a temporary file so a
    /// reader never sees half of it.
    pub fn write(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        let path = path.as_ref();
        let json = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, json + "\n")?;
        std::fs::rename(&tmp, path)
    }
}
