//! From what the parent saw of a child to an [`Outcome`] and its message.
//!
//! A check passes only when its child reported a pass for that very check,
//! signed with the child's secret, and then exited with status 0. Anything
//! else is explained from the evidence: a `todo!()` anywhere, a panic, a
//! deadline passed with the process's threads runnable or asleep (busy or
//! stuck), a signal, or a process that ended before its check did.

use std::process::ExitStatus;

use super::Check;
use super::child::{ChildPanic, ChildResult, MARK, has_forged_line, signed};
use crate::failure::{Failure, Mistake};
use crate::mistakes;
use crate::results::Outcome;

/// Everything the parent saw of one child.
pub(crate) struct Seen<'a> {
    pub check: &'a Check,
    /// The full name the child was started with.
    pub name: &'a str,
    /// The secret the child signs its lines with.
    pub secret: &'a str,
    /// `None` when the child was killed at its deadline.
    pub status: Option<ExitStatus>,
    /// Whether the child reported that its check had begun.
    pub began: bool,
    /// What the child did over the end of its deadline, when it was killed
    /// there and the system could tell.
    pub activity: Option<Activity>,
    pub stdout: &'a str,
    pub stderr: &'a str,
}

/// What a child that ran out of time did over the end of its deadline:
/// its threads were looked at `looks` times over the second half of the
/// check's time, and `runnable` threads were found runnable (on a CPU or
/// queued for one), summed over the looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Activity {
    pub runnable: u32,
    pub looks: u32,
}

impl Activity {
    /// Whether the process kept working rather than waiting.
    ///
    /// A thread that spins is runnable all the time, whatever share of a
    /// core the machine can give it; a thread that waits is not, and a
    /// stuck process is runnable only for the odd wake-up. So: busy when,
    /// on average, at least half a thread was found runnable. Measured on
    /// 2 cores with the harness cases of `tests/gallery/loaded.rs`, 10
    /// rounds each: beside 4 spinning threads the spinning checks were
    /// found runnable in every look while on a CPU for only 0.14–0.52 of
    /// the time; beside 28, still in every look, on a CPU for 0.02–0.05;
    /// beside 64, in every look of as few as 7; the stuck checks in none.
    /// CPU time, the old measure (busy at half a core), cannot tell them
    /// apart under such a load.
    pub(crate) fn busy(self) -> bool {
        self.looks > 0 && f64::from(self.runnable) >= 0.5 * f64::from(self.looks)
    }
}

pub(crate) fn classify(seen: &Seen<'_>) -> Outcome {
    let panics: Vec<ChildPanic> = signed(seen.stderr, seen.secret, "panic");
    // The last verdict for this check wins.
    let result: Option<ChildResult> = signed::<ChildResult>(seen.stdout, seen.secret, "result")
        .into_iter()
        .rfind(|r| r.check == seen.name);
    let printed = learner_output(seen.stdout, seen.stderr, seen.secret);

    // A `todo!()` anywhere explains everything downstream of it.
    if let Some(todo) = panics
        .iter()
        .find(|p| p.message.starts_with("not yet implemented"))
    {
        let ex = seen.check.exercise;
        let mut message = format!(
            "{}\n  This is the stub's `todo!()`: exercise {} is not done yet.\n  \
             read:      {}\n  then replace the `todo!()` in {} and run this again.\n",
            todo.message,
            ex.number,
            ex.book_ref(),
            short_location(&todo.location),
        );
        if let Some(found) = result
            .as_ref()
            .filter(|r| seen.check.before_todo && !r.passed)
        {
            message.push_str("\n  Before that, this check found what to fix first:\n");
            for line in found.message.lines() {
                message.push_str("  ");
                message.push_str(line);
                message.push('\n');
            }
        }
        return Outcome::NotImplemented(message);
    }

    let mut mistake = None;
    let mut message = match (&result, seen.status) {
        (Some(r), Some(status)) if r.passed && status.success() => {
            return Outcome::Passed;
        }
        (Some(r), status) if r.passed => format!(
            "The check itself passed, but its process then {} instead of exiting \
             normally: something in your code ended it.\n",
            status.map_or_else(
                || "did not end".to_owned(),
                |s| format!("ended ({})", describe_status(s))
            )
        ),
        (Some(r), _) => {
            mistake = r.mistake.clone();
            r.message.clone()
        }
        (None, None) if !seen.began => format!(
            "Did not start within {}: the check's process was still starting when its time \
             ran out, so your machine is very busy. Run the check again when it is quieter, \
             or give every check more time with {}=2.\n",
            super::runner::seconds(super::scaled(seen.check.deadline)),
            super::runner::TIMEOUT_SCALE_ENV,
        ),
        (None, None) => {
            let timeout = super::runner::seconds(super::scaled(seen.check.deadline));
            let (what, m) = match seen.activity.map(Activity::busy) {
                Some(true) => (
                    format!(
                        "Did not finish within {timeout}, and kept a CPU core busy all that time."
                    ),
                    mistakes::BUSY_LOOP,
                ),
                Some(false) => (
                    format!(
                        "Did not finish within {timeout}, and your code was waiting, not working, all that time."
                    ),
                    seen.check.on_stuck,
                ),
                None => (
                    format!("Did not finish within {timeout}."),
                    seen.check.on_stuck,
                ),
            };
            mistake = Some(m.id.to_owned());
            Failure::new(what)
                .mistake(m)
                .render(Some(seen.check.exercise.book_ref()))
        }
        (None, Some(status)) => {
            if let Some(p) = panics.first() {
                let (text, m) = describe_panic(p);
                mistake = m.map(|m| m.id.to_owned());
                text
            } else if status.success() {
                "The check exited before it finished: its process ended with exit code 0 \
                 while the check was still running. Something in your code ended the \
                 process (`std::process::exit`, for one); a check passes only when it \
                 runs to its end.\n"
                    .to_owned()
            } else {
                format!(
                    "The check's process died ({}) before it could report.\n{}",
                    describe_status(status),
                    crash_hint(seen.stderr, seen.secret)
                )
            }
        }
    };
    // Every failure points at a section to reread: an early exit, a crash
    // or an unrecognised panic at the exercise's own.
    if !message.contains("\n  reread:") {
        message.push_str(&format!(
            "  reread:    {}\n",
            seen.check.exercise.book_ref()
        ));
    }
    // A check may fail by its own test while a learner task panicked
    // elsewhere; the panic is usually the real story.
    if result.is_some() {
        // The same panic in every connection's task is one story, told once.
        let mut told: Vec<(&str, &str)> = Vec::new();
        for p in &panics {
            if told.contains(&(p.message.as_str(), p.location.as_str())) {
                continue;
            }
            told.push((&p.message, &p.location));
            let again = panics
                .iter()
                .filter(|q| q.message == p.message && q.location == p.location)
                .count()
                > 1;
            let (text, m) = describe_panic(p);
            message.push_str(if again {
                "  meanwhile, in tasks of yours (the same panic, more than once):\n"
            } else {
                "  meanwhile, in a task of yours:\n"
            });
            for line in text.lines() {
                message.push_str("    ");
                message.push_str(line);
                message.push('\n');
            }
            if mistake.is_none() {
                mistake = m.map(|m| m.id.to_owned());
            }
        }
    }
    if has_forged_line(seen.stdout, seen.secret) || has_forged_line(seen.stderr, seen.secret) {
        message.push_str(
            "  Your code printed a line that imitates the grader's report; the grader \
             does not read it.\n",
        );
    }
    if !printed.is_empty() {
        message.push_str("  your code printed:\n");
        for line in printed.lines().take(20) {
            message.push_str("    | ");
            message.push_str(line);
            message.push('\n');
        }
    }
    Outcome::Failed { message, mistake }
}

/// A panic in the learner's words, plus the mistake it usually means.
fn describe_panic(p: &ChildPanic) -> (String, Option<Mistake>) {
    let known = mistakes::from_panic(&p.message);
    let location = short_location(&p.location);
    // Tokio's panics carry the caller's location; when that caller is the
    // grader's own future, say so instead of blaming the line.
    let whose = if location.starts_with("tests/src/") {
        " (the grader's code, running on what yours set up)"
    } else {
        ""
    };
    let mut failure = Failure::new(format!(
        "Your code panicked on thread '{}' at {location}{whose}:\n    {}",
        p.thread, p.message
    ));
    if let Some(m) = known {
        failure = failure.mistake(m);
    }
    (failure.render(None), known)
}

fn describe_status(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                4 => ", SIGILL",
                6 => ", SIGABRT: an abort, or a panic while panicking",
                9 => {
                    ", SIGKILL: sent by your code (`kill`, or a signal to its process \
                     group) or by the system, perhaps for lack of memory"
                }
                11 => ", SIGSEGV: usually a stack overflow",
                _ => "",
            };
            return format!("killed by signal {signal}{name}");
        }
    }
    match status.code() {
        Some(124) => "its own watchdog stopped it".to_owned(),
        Some(code) => format!("exit code {code}"),
        None => "no exit code".to_owned(),
    }
}

fn crash_hint(stderr: &str, secret: &str) -> String {
    if stderr.contains("has overflowed its stack") {
        "  A thread overflowed its stack: look for recursion that never ends, \
         or a very large value (a big array, a huge future) kept on the stack.\n"
            .to_owned()
    } else {
        let ours = format!("{MARK}{secret}:");
        let tail: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.starts_with(&ours))
            .rev()
            .take(10)
            .collect();
        let mut out = String::new();
        for line in tail.into_iter().rev() {
            out.push_str("    | ");
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// The learner's own prints: everything except the harness's signed lines
/// and blank lines.
fn learner_output(stdout: &str, stderr: &str, secret: &str) -> String {
    let ours = format!("{MARK}{secret}:");
    let mut out = String::new();
    for line in stdout.lines().chain(stderr.lines()) {
        if line.starts_with(&ours) || line.trim().is_empty() {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `src/lib.rs:12:5` rather than an absolute path; a location inside a
/// dependency (Tokio's `#[track_caller]` panics point there) names the crate.
fn short_location(location: &str) -> String {
    if let Some((_, inside)) = location.split_once("/registry/src/") {
        // `index.crates.io-…/tokio-1.54.1/src/…`: keep the crate's name.
        let krate = inside.split('/').nth(1).unwrap_or(inside);
        let name = krate
            .rsplit_once('-')
            .map_or(krate, |(name, _version)| name);
        return format!("a call into the `{name}` crate");
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = cwd.to_string_lossy();
    location
        .strip_prefix(&*cwd)
        .map(|rest| rest.trim_start_matches('/').to_owned())
        .unwrap_or_else(|| location.to_owned())
}

pub(crate) fn internal(what: String) -> Outcome {
    Outcome::Failed {
        message: format!("The grader itself failed: {what}\n"),
        mistake: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runnable_in_half_the_looks_or_more_is_busy() {
        let looked = |runnable, looks| Activity { runnable, looks };
        assert!(looked(50, 50).busy(), "one thread spinning");
        assert!(looked(26, 50).busy(), "two threads, each half the time");
        assert!(!looked(2, 50).busy(), "the odd wake-up");
        assert!(!looked(0, 0).busy(), "never looked");
    }
}
