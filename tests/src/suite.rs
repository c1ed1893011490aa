//! What a chapter's grading is made of: [`Check`]s, each grading one
//! exercise, gathered in a chapter's [`Suite`].
//!
//! Chapters build their suites from here; the [`harness`](crate::harness)
//! runs them and [`results`](crate::results) reads what came of them.

use std::time::Duration;

use crate::failure::{Failure, Mistake};
pub use crate::manifest::Exercise;
use crate::mistakes;

/// The deadline of a check that does not set its own.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);

/// One graded check: a function that runs in a child process.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// The exercise the check grades.
    pub exercise: &'static Exercise,
    /// A name that reads as a specification, e.g. `the_set_reaches_the_server`.
    pub name: &'static str,
    /// The check itself. It runs alone in its process; it may panic.
    pub run: fn() -> Result<(), Failure>,
    /// Wall-clock time after which the child is killed.
    pub deadline: Duration,
    /// What a hang with an idle CPU most likely means for this check.
    pub on_stuck: Mistake,
    /// A guard checks for one mistake (a second lock, a future that is not
    /// `Send`, an unstable shard), not for the exercise's work: an empty
    /// function passes it. It counts only once the exercise's other checks
    /// pass ([`crate::results::settle_guards`]).
    pub guard: bool,
    /// The check's finding comes before the exercise's `todo!()`: the stub
    /// asks the learner to read it first (2.5's future that is not `Send`).
    /// When the `todo!()` decides the verdict, this check's own failure is
    /// shown under its message.
    pub before_todo: bool,
    /// A program the check runs (`redis-cli`): where it is not installed,
    /// the check is skipped — reported as skipped, never as passed.
    pub requires: Option<&'static str>,
}

impl Check {
    /// A check with the default deadline and hang diagnosis. Register
    /// checks with [`check!`](crate::check), which takes the name from the
    /// function, rather than calling this.
    pub const fn new(
        exercise: &'static Exercise,
        name: &'static str,
        run: fn() -> Result<(), Failure>,
    ) -> Self {
        Check {
            exercise,
            name,
            run,
            deadline: DEFAULT_DEADLINE,
            on_stuck: mistakes::STUCK,
            guard: false,
            before_todo: false,
            requires: None,
        }
    }

    /// Skips the check (reported as skipped) where `program` is not on
    /// the `PATH`.
    pub const fn requires(mut self, program: &'static str) -> Self {
        self.requires = Some(program);
        self
    }

    /// The program this check needs and cannot find, if any.
    pub fn missing_program(&self) -> Option<&'static str> {
        let program = self.requires?;
        let found = std::env::var_os("PATH").is_some_and(|path| {
            std::env::split_paths(&path).any(|dir| dir.join(program).is_file())
        });
        (!found).then_some(program)
    }

    /// Shows the check's failure even while the exercise is a `todo!()`
    /// (see [`Check::before_todo`](Check#structfield.before_todo)).
    pub const fn before_todo(mut self) -> Self {
        self.before_todo = true;
        self
    }

    /// Marks the check as a guard: it counts only when the exercise's
    /// other checks pass.
    pub const fn guard(mut self) -> Self {
        self.guard = true;
        self
    }

    /// Sets the deadline.
    pub const fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets what an idle hang means for this check.
    pub const fn on_stuck(mut self, mistake: Mistake) -> Self {
        self.on_stuck = mistake;
        self
    }

    /// The test name: exercise number and id, then the check, e.g.
    /// `1.1-hello-redis::the_set_reaches_the_server`. A filter such as
    /// `cargo test -p chapter-1 -- 1.1` runs one exercise.
    pub fn full_name(&self) -> String {
        format!(
            "{}-{}::{}",
            self.exercise.number, self.exercise.id, self.name
        )
    }
}

/// Registers a check under its function's name, so the name is written
/// once: `check!(exercise, module::answers_every_command::<S>)` is the
/// check `answers_every_command` of `exercise`.
#[macro_export]
macro_rules! check {
    ($exercise:expr, $($function:tt)+) => {
        $crate::suite::Check::new(
            $exercise,
            $crate::suite::function_name(stringify!($($function)+)),
            $($function)+,
        )
    };
}

/// The last path segment of a stringified function path, without its
/// generic arguments: `checks :: answers :: < S < A > >` → `answers`.
pub fn function_name(path: &'static str) -> &'static str {
    let path = path.split('<').next().unwrap_or(path);
    let path = path.trim_end_matches(|c: char| c == ':' || c.is_whitespace());
    path.rsplit("::").next().unwrap_or(path).trim()
}

/// A chapter's checks and how to talk about them.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The chapter number.
    pub chapter: u32,
    /// The chapter title.
    pub title: &'static str,
    /// The package whose tests these are (for the "run this next" hint).
    pub package: &'static str,
    /// The chapter's exercises, in book order.
    pub exercises: Vec<&'static Exercise>,
    /// Every check, grouped by exercise.
    pub checks: Vec<Check>,
}

impl Suite {
    /// A chapter's suite, titled from the manifest, with its checks put in
    /// the manifest's exercise order (each exercise's checks in the order
    /// given).
    ///
    /// # Panics
    /// If the manifest does not list this chapter, if a check grades an
    /// exercise of another chapter, if an exercise has no check, or if one
    /// exercise has two checks of the same name: grader bugs, caught by the
    /// maintainers' tests before a learner meets them.
    pub fn new(chapter: u32, package: &'static str, checks: Vec<Check>) -> Suite {
        let manifest = &*crate::manifest::MANIFEST;
        let title = manifest
            .chapter(chapter)
            .map(|c| c.title.as_str())
            .unwrap_or_else(|| panic!("grader: exercises.toml has no chapter {chapter}"));
        let exercises: Vec<&'static Exercise> = manifest.exercises_of(chapter).collect();
        if let Some(stray) = checks.iter().find(|c| c.exercise.chapter != chapter) {
            panic!(
                "grader: check {} grades {}, not an exercise of chapter {chapter}",
                stray.name, stray.exercise.id
            );
        }
        let mut ordered = Vec::with_capacity(checks.len());
        for ex in &exercises {
            let mine: Vec<Check> = checks
                .iter()
                .filter(|c| c.exercise.id == ex.id)
                .copied()
                .collect();
            assert!(!mine.is_empty(), "grader: exercise {} has no check", ex.id);
            for (i, c) in mine.iter().enumerate() {
                assert!(
                    mine[..i].iter().all(|other| other.name != c.name),
                    "grader: exercise {} has two checks named {}",
                    ex.id,
                    c.name
                );
            }
            ordered.extend(mine);
        }
        Suite {
            chapter,
            title,
            package,
            exercises,
            checks: ordered,
        }
    }

    /// The checks of one exercise, in suite order.
    pub fn checks_of<'a>(&'a self, exercise: &'a Exercise) -> impl Iterator<Item = &'a Check> {
        self.checks
            .iter()
            .filter(move |c| c.exercise.id == exercise.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_is_named_after_its_function() {
        assert_eq!(function_name("get_returns_world::<A>"), "get_returns_world");
        assert_eq!(
            function_name("checks :: server :: answers :: < Ex < A, 1 > >"),
            "answers"
        );
        assert_eq!(function_name("plain"), "plain");
    }
}
