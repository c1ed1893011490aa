//! What a run of checks produced: outcomes, typed statuses, progress per
//! exercise, the closing summary, and the JSON results file.
//!
//! Everything here is data about checks that already ran; the harness
//! produces it, and [`report`] and the `workbook` command read it. Nothing
//! here runs a check.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::suite::Check;

pub mod progress;
pub mod report;

pub use progress::{ExerciseState, Progress, exercise_states, summary};

/// How one check ended, as the parent saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The check passed.
    Passed,
    /// The exercise's `todo!()` is still in place.
    NotImplemented(String),
    /// The check did not run: what it needs is not installed. Never a
    /// pass; the exercise is graded by its other checks.
    Skipped(String),
    /// The check failed; the message is ready to print.
    Failed {
        /// The rendered message.
        message: String,
        /// The id of the mistake it names, if any.
        mistake: Option<String>,
    },
}

impl Outcome {
    /// The message a learner reads, if the check did not pass.
    pub fn message(&self) -> Option<&str> {
        match self {
            Outcome::Passed => None,
            Outcome::NotImplemented(message)
            | Outcome::Skipped(message)
            | Outcome::Failed { message, .. } => Some(message),
        }
    }

    /// The status a report records for it.
    pub fn status(&self) -> CheckStatus {
        match self {
            Outcome::Passed => CheckStatus::Pass,
            Outcome::NotImplemented(_) => CheckStatus::Todo,
            Outcome::Skipped(_) => CheckStatus::Skip,
            Outcome::Failed { .. } => CheckStatus::Fail,
        }
    }
}

/// A check's status in a report, written `pass`, `fail` or `todo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
    /// The stub's `todo!()` is still there.
    Todo,
    /// Not run: a program it needs is not installed.
    Skip,
}

/// An exercise's status in a report, written `done`, `in-progress`,
/// `not-started` or `not-run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExerciseStatus {
    /// Every check passed.
    Done,
    /// Some checks pass, or fail for reasons other than `todo!()`.
    InProgress,
    /// Every check hit the stub's `todo!()`.
    NotStarted,
    /// None of its checks ran (filtered out, or the chapter did not build).
    NotRun,
}

impl ExerciseStatus {
    /// The word a report uses, e.g. `in-progress`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExerciseStatus::Done => "done",
            ExerciseStatus::InProgress => "in-progress",
            ExerciseStatus::NotStarted => "not-started",
            ExerciseStatus::NotRun => "not-run",
        }
    }
}

impl CheckStatus {
    /// The word a report uses, e.g. `pass`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Todo => "todo",
            CheckStatus::Skip => "skip",
        }
    }
}

/// One check's outcome and how long it took.
#[derive(Debug, Clone)]
pub struct Graded {
    /// The check.
    pub check: Check,
    /// How it ended.
    pub outcome: Outcome,
    /// Wall-clock time, child start to finish.
    pub duration: Duration,
}

/// Guards count only with the work they guard: a guard that passed while
/// another check of its exercise did not is not counted. It becomes that
/// other check's kind of result — not implemented while the exercise still
/// stops at its `todo!()`, failed otherwise — with a message that says why.
/// Guards whose exercise's other checks did not run are left as they are.
pub fn settle_guards(results: &mut [Graded]) {
    let blocking: Vec<Option<(String, bool)>> = results
        .iter()
        .map(|g| {
            if !g.check.guard || g.outcome != Outcome::Passed {
                return None;
            }
            results
                .iter()
                .find(|other| {
                    !other.check.guard
                        && other.check.exercise.id == g.check.exercise.id
                        && other.outcome != Outcome::Passed
                })
                .map(|other| {
                    let todo = matches!(other.outcome, Outcome::NotImplemented(_));
                    (other.check.name.to_owned(), todo)
                })
        })
        .collect();
    for (graded, blocked) in results.iter_mut().zip(blocking) {
        let Some((first, todo)) = blocked else {
            continue;
        };
        let ex = graded.check.exercise;
        graded.outcome = if todo {
            Outcome::NotImplemented(format!(
                "not yet implemented: exercise {}'s other checks still stop at its `todo!()`.\n  \
                 This check guards against one mistake, and an empty function passes it: it \
                 counts once {first} passes.\n  read:      {}\n",
                ex.number,
                ex.book_ref()
            ))
        } else {
            Outcome::Failed {
                message: format!(
                    "Not counted yet: this check guards exercise {} against one mistake, and \
                     code that does none of the work passes it. It counts once the exercise's \
                     other checks pass; first to fix: {first}.\n  reread:    {}\n",
                    ex.number,
                    ex.book_ref()
                ),
                mistake: None,
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_written_as_the_results_format_says() {
        let json = serde_json::to_string(&[
            CheckStatus::Pass,
            CheckStatus::Fail,
            CheckStatus::Todo,
            CheckStatus::Skip,
        ])
        .unwrap_or_default();
        assert_eq!(json, r#"["pass","fail","todo","skip"]"#);
        let json = serde_json::to_string(&ExerciseStatus::InProgress).unwrap_or_default();
        assert_eq!(json, r#""in-progress""#);
    }
}
