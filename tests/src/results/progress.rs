//! Where a learner stands: progress per exercise, and the closing summary
//! printed after a chapter's checks.

use super::{Graded, Outcome};
use crate::manifest::Exercise;
use crate::suite::{Check, Suite};

/// Where a learner stands on one exercise, from the checks that ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// None of its checks ran (filtered out).
    NotRun,
    /// Every check that ran passed.
    Done,
    /// Every check that ran hit the stub's `todo!()`.
    NotStarted,
    /// Some checks pass: `passed` of `ran`.
    InProgress {
        /// Checks that passed.
        passed: usize,
        /// Checks that ran.
        ran: usize,
    },
}

/// One exercise's progress and its first failing check, if any.
#[derive(Debug, Clone)]
pub struct ExerciseState {
    /// The exercise.
    pub exercise: &'static Exercise,
    /// How far along it is.
    pub progress: Progress,
    /// The first check, in suite order, that did not pass.
    pub first_failing: Option<String>,
}

/// Every exercise of the suite, with its progress.
pub fn exercise_states(suite: &Suite, results: &[Graded]) -> Vec<ExerciseState> {
    suite
        .exercises
        .iter()
        .map(|&exercise| {
            // A skipped check did not run: the exercise stands by the others.
            let mine: Vec<&Graded> = results
                .iter()
                .filter(|g| g.check.exercise.id == exercise.id)
                .filter(|g| !matches!(g.outcome, Outcome::Skipped(_)))
                .collect();
            let passed = mine.iter().filter(|g| g.outcome == Outcome::Passed).count();
            let todo = mine
                .iter()
                .filter(|g| matches!(g.outcome, Outcome::NotImplemented(_)))
                .count();
            // Suite order, not the order the children finished in.
            let first_failing = suite
                .checks
                .iter()
                .filter(|c| c.exercise.id == exercise.id)
                .find(|c| {
                    mine.iter()
                        .any(|g| g.check.name == c.name && g.outcome != Outcome::Passed)
                })
                .map(Check::full_name);
            let progress = if mine.is_empty() {
                Progress::NotRun
            } else if passed == mine.len() {
                Progress::Done
            } else if todo == mine.len() {
                Progress::NotStarted
            } else {
                Progress::InProgress {
                    passed,
                    ran: mine.len(),
                }
            };
            ExerciseState {
                exercise,
                progress,
                first_failing,
            }
        })
        .collect()
}

/// The closing summary: exercises done, and what to do next.
pub fn summary(suite: &Suite, results: &[Graded]) -> String {
    let states = exercise_states(suite, results);
    let run: Vec<&ExerciseState> = states
        .iter()
        .filter(|s| s.progress != Progress::NotRun)
        .collect();
    let done = run.iter().filter(|s| s.progress == Progress::Done).count();
    let mut out = format!(
        "\nChapter {} · {}: {} of {} exercise{} done\n",
        suite.chapter,
        suite.title,
        done,
        run.len(),
        if run.len() == 1 { "" } else { "s" }
    );
    for state in &run {
        let status = match state.progress {
            Progress::Done => "done".to_owned(),
            Progress::NotStarted => "not started".to_owned(),
            Progress::InProgress { passed, ran } => format!("{passed} of {ran} checks pass"),
            Progress::NotRun => unreachable!("filtered out above"),
        };
        let ex = state.exercise;
        out.push_str(&format!("  {status:<22} {} {}\n", ex.number, ex.title));
    }
    let skipped: Vec<String> = results
        .iter()
        .filter(|g| matches!(g.outcome, Outcome::Skipped(_)))
        .map(|g| g.check.full_name())
        .collect();
    if !skipped.is_empty() {
        out.push_str(&format!(
            "  skipped (a program they run is not installed; not counted): {}\n",
            skipped.join(", ")
        ));
    }
    match run.iter().find(|s| s.progress != Progress::Done) {
        Some(state) => {
            let ex = state.exercise;
            out.push_str(&format!(
                "Next: exercise {} \"{}\".\n  read: {}\n  run:  cargo test -p {} -- {}\n",
                ex.number,
                ex.title,
                ex.book_ref().url(),
                suite.package,
                ex.number
            ));
            if let Some(first) = &state.first_failing {
                out.push_str(&format!("  first failing check: {first}\n"));
            }
        }
        None if run.len() == suite.exercises.len() => {
            out.push_str(&format!("Chapter {} is complete.", suite.chapter));
            match crate::manifest::MANIFEST.chapter(suite.chapter + 1) {
                Some(next) => out.push_str(&format!(
                    " On to chapter {}, {}: cargo test -p {}\n",
                    next.number,
                    next.title,
                    next.package()
                )),
                None => out.push('\n'),
            }
        }
        None => out.push_str("Every exercise run here passes.\n"),
    }
    out
}
