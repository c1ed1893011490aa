//! Where a learner stands: progress per exercise, and the closing summary
//! printed after a chapter's checks.

use std::path::{Path, PathBuf};

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
    if run.is_empty() {
        // A filter that matched no check (a mistyped name, say): saying
        // "every exercise run here passes" would read as a success.
        return format!(
            "\nChapter {} · {}: no check matched what you asked for, so nothing was \
             graded.\n  list them: cargo test -p {} -- --list\n",
            suite.chapter, suite.title, suite.package
        );
    }
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
            if let Some(file) = run_root().and_then(|root| exercise_file(&root, ex)) {
                out.push_str(&format!("  edit: {}\n", file.display()));
            }
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

/// The workspace this run is in, found from the package folder cargo runs
/// tests in.
fn run_root() -> Option<PathBuf> {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())?;
    super::report::workspace_root(&start)
}

/// The marker line that opens an exercise's region in a source file.
const REGION: &str = "// exercise: ";

/// The file a learner edits for `exercise`, relative to the workspace at
/// `root`, e.g. `chapters/06-framing/src/frame.rs`: the file of the
/// chapter's `src/` that holds the exercise's region (`// exercise: ID`);
/// when the learner's copy lost its markers, the chapter's file at the
/// place of the reference solution's that holds it. `None` when neither
/// says.
pub fn exercise_file(root: &Path, exercise: &Exercise) -> Option<PathBuf> {
    let chapter = crate::manifest::MANIFEST.chapter(exercise.chapter)?;
    let marker = format!("{REGION}{}", exercise.id);
    let holds = |file: &Path| {
        std::fs::read_to_string(file).is_ok_and(|text| text.lines().any(|l| l.trim() == marker))
    };
    let chapter_dir = Path::new("chapters").join(&chapter.slug);
    if let Some(file) = rust_files(&root.join(&chapter_dir).join("src"))
        .into_iter()
        .find(|f| holds(f))
    {
        return file.strip_prefix(root).ok().map(Path::to_path_buf);
    }
    let solution_dir = root.join("solutions").join(&chapter.slug);
    let file = rust_files(&solution_dir.join("src"))
        .into_iter()
        .find(|f| holds(f))?;
    let rel = chapter_dir.join(file.strip_prefix(&solution_dir).ok()?);
    root.join(&rel).is_file().then_some(rel)
}

/// The Rust files below `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::MANIFEST;

    fn workspace() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("tests/ sits in the workspace")
            .to_path_buf()
    }

    /// Proves every exercise of the manifest names the file of its chapter
    /// that holds its region, so "Next" and `hint` can say where to work.
    #[test]
    fn every_exercise_names_the_file_the_learner_edits() {
        let root = workspace();
        for ex in &MANIFEST.exercises {
            let chapter = MANIFEST.chapter(ex.chapter).expect("its chapter");
            let file = exercise_file(&root, ex)
                .unwrap_or_else(|| panic!("no file holds exercise {}", ex.number));
            assert!(
                file.starts_with(Path::new("chapters").join(&chapter.slug).join("src")),
                "{}: {}",
                ex.number,
                file.display()
            );
            let solution = root.join("solutions").join(&chapter.slug).join(
                file.strip_prefix(Path::new("chapters").join(&chapter.slug))
                    .expect("in it"),
            );
            let text = std::fs::read_to_string(&solution).expect("the solution's file");
            assert!(
                text.lines()
                    .any(|l| l.trim() == format!("{REGION}{}", ex.id)),
                "{}: the solution's {} holds the region too",
                ex.number,
                solution.display()
            );
        }
    }

    /// Proves a learner's file without its markers is still found, at the
    /// solution's place.
    #[test]
    fn a_file_that_lost_its_markers_is_found_from_the_solution() {
        let ex = MANIFEST.exercises.first().expect("an exercise");
        let chapter = MANIFEST.chapter(ex.chapter).expect("its chapter");
        let root = std::env::temp_dir().join(format!("grader-edit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let solution = root.join("solutions").join(&chapter.slug).join("src");
        let learner = root.join("chapters").join(&chapter.slug).join("src");
        std::fs::create_dir_all(&solution).expect("create");
        std::fs::create_dir_all(&learner).expect("create");
        std::fs::write(
            solution.join("work.rs"),
            format!("fn f() {{\n    {REGION}{}\n}}\n", ex.id),
        )
        .expect("write");
        std::fs::write(learner.join("work.rs"), "fn f() { done() }\n").expect("write");
        std::fs::write(learner.join("lib.rs"), "mod work;\n").expect("write");
        assert_eq!(
            exercise_file(&root, ex),
            Some(
                Path::new("chapters")
                    .join(&chapter.slug)
                    .join("src")
                    .join("work.rs")
            )
        );
        std::fs::remove_file(learner.join("work.rs")).expect("remove");
        assert_eq!(exercise_file(&root, ex), None, "no such file to edit");
        let _ = std::fs::remove_dir_all(&root);
    }
}
