//! The results file: one chapter's grades as JSON, for tools.
//!
//! After every run, `cargo test -p chapter-N` leaves a [`Report`] in its
//! workspace, at `.workbook/results/chapter-N.json` ([`workspace_file`]),
//! alongside its usual output; set [`RESULTS_ENV`] to a path to have it
//! written there instead. The `workbook` command builds its scoreboard and
//! the instructor's class reports on this shape, and a learner who joined
//! a live class has the next `grade` or `watch` send what a plain
//! `cargo test` left: the grader itself has no network code. The book
//! documents it (appendix "Results format").
//!
//! Only the parent process of a run writes it, after every check's child
//! has ended, from verdicts the children signed (see [`crate::harness`]):
//! nothing a check's code prints becomes a result, and what a filtered run
//! keeps of the file was read before any check ran ([`Before`]). It is written whole
//! under a temporary name, then renamed into place, so a reader (the
//! `workbook` command, perhaps sending it) never sees half of it.
//!
//! Stability: [`FORMAT`] names the version. Fields may be added within a
//! version; none is removed or changes meaning without a new one.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{CheckStatus, ExerciseStatus, Graded, Outcome, Progress, exercise_states};
use crate::suite::Suite;

/// Names the file to write the results to.
pub const RESULTS_ENV: &str = "WORKBOOK_RESULTS";
/// The value of [`Report::format`].
pub const FORMAT: &str = "tokio-workbook-results/1";
/// The folder of the workspace where runs leave their results, one file
/// per chapter package: `.workbook/results/chapter-N.json`.
pub const RESULTS_DIR: &str = ".workbook/results";
/// The file every workspace has at its root, by which the grader finds it.
const WORKSPACE_MARK: &str = "exercises.toml";

/// A chapter package's results file in the workspace at `root`.
pub fn workspace_file(root: &Path, package: &str) -> PathBuf {
    root.join(RESULTS_DIR).join(format!("{package}.json"))
}

/// The workspace `start` is in: the nearest folder, from `start` up, that
/// holds `exercises.toml`.
pub fn workspace_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(WORKSPACE_MARK).is_file())
        .map(Path::to_path_buf)
}

/// Where a run's results go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The path [`RESULTS_ENV`] names: this run's results exactly.
    Asked(PathBuf),
    /// The workspace's file for the package: exercises this run did not
    /// run keep the standing the file gave them (see
    /// [`Report::keep_unrun`]).
    Workspace(PathBuf),
}

/// Where this run's results go: the path [`RESULTS_ENV`] names, else, for
/// a learner's `chapter-N` package, its file in the workspace the run is
/// in (found from the package folder cargo runs tests in); `None` for any
/// other package (a reference solution) or outside a workspace.
pub fn destination(package: &str) -> Option<Destination> {
    if let Some(path) = std::env::var_os(RESULTS_ENV).filter(|p| !p.is_empty()) {
        return Some(Destination::Asked(PathBuf::from(path)));
    }
    if !package.starts_with("chapter-") {
        return None;
    }
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())?;
    let root = workspace_root(&start)?;
    Some(Destination::Workspace(workspace_file(&root, package)))
}

/// Where a run's results go, and what the workspace's file said before
/// the run: read by the parent process before any check starts, so that
/// nothing a check's code writes there during the run can count.
#[derive(Debug, Clone)]
pub struct Before {
    destination: Option<Destination>,
    previous: Option<Report>,
}

impl Before {
    /// Reads it, for `package`'s run that is about to start.
    pub fn run(package: &str) -> Before {
        let destination = destination(package);
        let previous = match &destination {
            Some(Destination::Workspace(path)) => Report::read(path),
            _ => None,
        };
        Before {
            destination,
            previous,
        }
    }
}

/// Writes a run's results where [`destination`] said before the run. An
/// error is returned only when [`RESULTS_ENV`] asked for the file (whoever
/// asked relies on it); a workspace file that cannot be written is said on
/// standard error and the run goes on, graded as before.
pub fn save(suite: &Suite, results: &[Graded], before: Before) -> std::io::Result<()> {
    let report = Report::new(suite, results);
    match before.destination {
        None => Ok(()),
        Some(Destination::Asked(path)) => report.write(&path),
        Some(Destination::Workspace(path)) => {
            let mut report = report;
            if let Some(previous) = &before.previous {
                report.keep_unrun(previous);
            }
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| report.write(&path));
            if let Err(e) = written {
                eprintln!(
                    "grader: note: cannot leave the results in {} ({e}); `cargo workbook grade` \
                     still grades",
                    path.display()
                );
            }
            Ok(())
        }
    }
}

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

    /// Writes the report as pretty JSON, through a temporary file of this
    /// process's own beside it, renamed into place: a reader never sees
    /// half of it, and two runs at once never write into each other's.
    pub fn write(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        let path = path.as_ref();
        let json = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let written = std::fs::write(&tmp, json + "\n").and_then(|()| std::fs::rename(&tmp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    /// A results file as written; `None` when it is missing or not in this
    /// format.
    pub fn read(path: impl AsRef<Path>) -> Option<Report> {
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str::<Report>(&text)
            .ok()
            .filter(|r| r.format == FORMAT)
    }

    /// Gives the exercises this run did not run (filtered out:
    /// `cargo test -p chapter-3 -- 3.2`) the standing, and the checks,
    /// that `previous` — the same package's results from an earlier run —
    /// gave them, so that the workspace's file says where the learner
    /// stands on every exercise, not only on the last one tried. Nothing
    /// is taken from another package's results.
    pub fn keep_unrun(&mut self, previous: &Report) {
        if previous.package != self.package || previous.chapter != self.chapter {
            return;
        }
        let mut taken = Vec::new();
        for exercise in &mut self.exercises {
            if exercise.status != ExerciseStatus::NotRun {
                continue;
            }
            let Some(before) = previous
                .exercises
                .iter()
                .find(|e| e.id == exercise.id && e.status != ExerciseStatus::NotRun)
            else {
                continue;
            };
            *exercise = before.clone();
            taken.push(exercise.id.clone());
        }
        if taken.is_empty() {
            return;
        }
        let lent: Vec<CheckReport> = previous
            .checks
            .iter()
            .filter(|c| taken.contains(&c.exercise))
            .filter(|c| !self.checks.iter().any(|mine| mine.id == c.id))
            .cloned()
            .collect();
        self.checks.extend(lent);
        // Exercise by exercise, in book order; within one, every check
        // comes from one run, in that run's (suite) order.
        let position = |id: &str| self.exercises.iter().position(|e| e.id == id);
        let order: Vec<Option<usize>> = self.checks.iter().map(|c| position(&c.exercise)).collect();
        let mut keyed: Vec<(Option<usize>, CheckReport)> =
            order.into_iter().zip(self.checks.drain(..)).collect();
        keyed.sort_by_key(|(at, _)| *at);
        self.checks = keyed.into_iter().map(|(_, c)| c).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(id: &str, status: ExerciseStatus) -> ExerciseReport {
        ExerciseReport {
            id: id.to_owned(),
            number: format!("3.{}", id.len()),
            title: id.to_owned(),
            status,
            passed: usize::from(status == ExerciseStatus::Done),
            ran: usize::from(status != ExerciseStatus::NotRun),
        }
    }

    fn check(exercise: &str, name: &str, status: CheckStatus) -> CheckReport {
        CheckReport {
            id: format!("{exercise}::{name}"),
            name: name.to_owned(),
            exercise: exercise.to_owned(),
            status,
            message: String::new(),
            mistake: None,
            duration_ms: 1,
        }
    }

    fn report(exercises: Vec<ExerciseReport>, checks: Vec<CheckReport>) -> Report {
        Report {
            format: FORMAT.to_owned(),
            chapter: 3,
            title: "Shared state".to_owned(),
            package: "chapter-3".to_owned(),
            exercises,
            checks,
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("grader-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        dir
    }

    /// Proves a filtered run (`cargo test -p chapter-3 -- b`) keeps what
    /// the workspace's file said of the exercises it did not run, with
    /// their checks in book order, and replaces what it did run.
    #[test]
    fn a_filtered_run_keeps_the_standing_of_the_exercises_it_did_not_run() {
        use CheckStatus::{Fail, Pass, Todo};
        use ExerciseStatus::{Done, InProgress, NotRun, NotStarted};
        let before = report(
            vec![
                exercise("a", Done),
                exercise("b", InProgress),
                exercise("c", NotStarted),
            ],
            vec![
                check("a", "one", Pass),
                check("b", "two", Fail),
                check("c", "three", Todo),
            ],
        );
        let mut now = report(
            vec![
                exercise("a", NotRun),
                exercise("b", Done),
                exercise("c", NotRun),
            ],
            vec![check("b", "two", Pass)],
        );
        now.keep_unrun(&before);
        let statuses: Vec<ExerciseStatus> = now.exercises.iter().map(|e| e.status).collect();
        assert_eq!(statuses, [Done, Done, NotStarted]);
        let checks: Vec<(&str, CheckStatus)> = now
            .checks
            .iter()
            .map(|c| (c.id.as_str(), c.status))
            .collect();
        assert_eq!(
            checks,
            [("a::one", Pass), ("b::two", Pass), ("c::three", Todo)]
        );

        // Another package's results lend nothing.
        let mut other = report(vec![exercise("a", NotRun)], Vec::new());
        other.package = "chapter-4".to_owned();
        let mut kept = other.clone();
        kept.keep_unrun(&before);
        assert_eq!(kept, other);
    }

    /// Proves the file is replaced whole (no temporary file left beside
    /// it) and reads back as written; a file of another format is not read.
    #[test]
    fn the_results_file_is_replaced_whole_and_reads_back() {
        let dir = scratch("write");
        let path = dir.join("chapter-3.json");
        let first = report(vec![exercise("a", ExerciseStatus::Done)], Vec::new());
        first.write(&path).expect("written");
        let second = report(vec![exercise("a", ExerciseStatus::InProgress)], Vec::new());
        second.write(&path).expect("written again");
        assert_eq!(Report::read(&path), Some(second));
        let names: Vec<String> = std::fs::read_dir(&dir)
            .expect("listed")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["chapter-3.json"]);
        std::fs::write(&path, r#"{"format": "something-else/9"}"#).expect("written");
        assert_eq!(Report::read(&path), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Proves a run finds its workspace from the package folder cargo
    /// runs it in, and puts the file under `.workbook/results/`.
    #[test]
    fn a_run_finds_its_workspace_from_the_package_folder() {
        let root = scratch("root");
        let package = root.join("chapters").join("03-shared-state");
        std::fs::create_dir_all(&package).expect("a package folder");
        std::fs::write(root.join("exercises.toml"), "").expect("the mark");
        assert_eq!(workspace_root(&package), Some(root.clone()));
        assert_eq!(
            workspace_file(&root, "chapter-3"),
            root.join(".workbook")
                .join("results")
                .join("chapter-3.json")
        );
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(workspace_root(&package), None);
    }
}
