//! The test runner behind every `tests/grade.rs`: each check in its own process.
//!
//! Learner code can hang, spin, deadlock, abort or overflow its stack. None of
//! that may freeze `cargo test` or take other checks down with it, so the test
//! binary plays two roles:
//!
//! * **Parent** (a normal `cargo test` run): for every check it re-executes
//!   itself with [`CHILD_ENV`] naming that check, captures the child's output,
//!   and kills it when its wall-clock deadline passes. It then turns what it
//!   saw — a result line, a `todo!()` panic, another panic, a timeout with the
//!   CPU busy or idle, a crash — into a message a learner can act on.
//! * **Child**: runs exactly one check and reports on its standard streams
//!   with lines that start with [`MARK`].
//!
//! The parent drives `libtest-mimic`, so filters, `--list`, `--exact` and
//! `--format json` behave as they do for ordinary Rust tests.

use std::io::{Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, FormatSetting, Trial};
use serde::{Deserialize, Serialize};

use crate::failure::{Failure, Mistake};
pub use crate::manifest::Exercise;
use crate::mistakes;

/// Names the one check a child process runs.
pub const CHILD_ENV: &str = "WORKBOOK_GRADER_CHECK";
/// Multiplies every deadline, for slow machines (e.g. `2` or `1.5`).
pub const TIMEOUT_SCALE_ENV: &str = "WORKBOOK_TIMEOUT_SCALE";
/// Starts the lines a child writes for its parent.
pub const MARK: &str = "@@workbook-grader:";

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
}

impl Check {
    /// A check with the default deadline and hang diagnosis.
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
        }
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
    /// A chapter's suite, titled from the manifest.
    ///
    /// # Panics
    /// If the manifest does not list this chapter, or lists other checks
    /// for its exercises than `checks` holds: the grader and
    /// `exercises.toml` must be changed together.
    pub fn new(chapter: u32, package: &'static str, checks: Vec<Check>) -> Suite {
        let manifest = &*crate::manifest::MANIFEST;
        let title = manifest
            .chapter(chapter)
            .map(|c| c.title.as_str())
            .unwrap_or_else(|| panic!("grader: exercises.toml has no chapter {chapter}"));
        let exercises: Vec<&'static Exercise> = manifest.exercises_of(chapter).collect();
        for ex in &exercises {
            let ours: Vec<&str> = checks
                .iter()
                .filter(|c| c.exercise.id == ex.id)
                .map(|c| c.name)
                .collect();
            assert_eq!(
                ours, ex.checks,
                "grader: exercises.toml lists other checks for {} than the grader has",
                ex.id
            );
        }
        Suite {
            chapter,
            title,
            package,
            exercises,
            checks,
        }
    }
}

/// How one check ended, as the parent saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The check passed.
    Passed,
    /// The exercise's `todo!()` is still in place.
    NotImplemented(String),
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
            Outcome::NotImplemented(message) | Outcome::Failed { message, .. } => Some(message),
        }
    }
}

/// What a child reports on its standard output when its check returns.
#[derive(Debug, Serialize, Deserialize)]
struct ChildResult {
    passed: bool,
    message: String,
    mistake: Option<String>,
}

/// What a child's panic hook reports on its standard error.
#[derive(Debug, Serialize, Deserialize)]
struct ChildPanic {
    message: String,
    location: String,
    thread: String,
}

/// The `main` of a `tests/grade.rs`: runs the suite, prints the chapter
/// summary, and exits with libtest's exit code.
pub fn main(suite: Suite) -> ! {
    // The reference solutions record the transcripts learners are graded
    // against; everyone else compares with them.
    crate::reference::set_recording(suite.package.starts_with("solution-"));
    let named: Vec<(String, Check)> = suite.checks.iter().map(|c| (c.full_name(), *c)).collect();
    run_child_if_asked(&named);

    let mut args = Arguments::from_args();
    // Run the selected checks in parallel first, then let libtest-mimic
    // report them one by one in suite order, so the output reads grouped by
    // exercise instead of in whatever order the children finished.
    let selected: Vec<bool> = named
        .iter()
        .map(|(name, _)| {
            let probe = Trial::test(name.clone(), || Ok(()));
            !args.list && !args.is_filtered_out(&probe) && !args.is_ignored(&probe)
        })
        .collect();
    let outcomes = run_all(&named, &selected, args.test_threads);
    args.test_threads = Some(1);

    let results: Arc<Mutex<Vec<Graded>>> = Arc::default();
    let trials = named
        .into_iter()
        .zip(outcomes)
        .map(|((name, check), outcome)| {
            let results = Arc::clone(&results);
            Trial::test(name.clone(), move || {
                let graded = outcome.unwrap_or_else(|| run_timed(&name, &check));
                let verdict = match graded.outcome.message() {
                    None => Ok(()),
                    Some(message) => Err(Failed::from(message)),
                };
                lock(&results).push(graded);
                verdict
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if !args.list {
        let results = lock(&results);
        if args.format != Some(FormatSetting::Json) {
            print!("{}", summary(&suite, &results));
            let _ = std::io::stdout().flush();
        }
        if let Some(path) = std::env::var_os(crate::report::RESULTS_ENV) {
            if let Err(e) = crate::report::Report::new(&suite, &results).write(&path) {
                eprintln!("grader: cannot write the results file: {e}");
                std::process::exit(2);
            }
        }
    }
    conclusion.exit()
}

/// Runs the selected checks, `threads` children at a time (default: one per
/// core), and returns their outcomes in suite order (`None` where not selected).
fn run_all(
    checks: &[(String, Check)],
    selected: &[bool],
    threads: Option<usize>,
) -> Vec<Option<Graded>> {
    let threads = threads
        .or_else(|| std::thread::available_parallelism().ok().map(Into::into))
        .unwrap_or(1)
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Graded>>> = Mutex::new(vec![None; checks.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((name, check)) = checks.get(i) else {
                        break;
                    };
                    if selected[i] {
                        let graded = run_timed(name, check);
                        lock(&outcomes)[i] = Some(graded);
                    }
                }
            });
        }
    });
    outcomes.into_inner().unwrap_or_else(|p| p.into_inner())
}

/// In a child process, runs the check named by [`CHILD_ENV`] and exits;
/// otherwise returns at once. Every test binary built on this harness calls
/// it first thing in `main`.
pub fn run_child_if_asked(checks: &[(String, Check)]) {
    let Ok(wanted) = std::env::var(CHILD_ENV) else {
        return;
    };
    let Some((_, check)) = checks.iter().find(|(name, _)| *name == wanted) else {
        eprintln!("grader: no check named {wanted:?}");
        std::process::exit(2);
    };
    child_main(check)
}

fn child_main(check: &Check) -> ! {
    // Report every panic, on any thread, to the parent in one parseable line.
    // Panics inside spawned tasks matter too: a `todo!()` in a connection
    // task shows up to the check only as a closed connection.
    panic::set_hook(Box::new(|info| {
        let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "(a panic without a message)".to_owned()
        };
        let report = ChildPanic {
            message,
            location: info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default(),
            thread: std::thread::current().name().unwrap_or("?").to_owned(),
        };
        if let Ok(json) = serde_json::to_string(&report) {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "\n{MARK}panic {json}");
            let _ = err.flush();
        }
    }));

    // A watchdog of our own, in case the parent is gone (Ctrl-C, a killed
    // `cargo test`): a child never outlives its deadline by much.
    let limit = scaled(check.deadline) + Duration::from_secs(5);
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        std::process::exit(124);
    });

    let result = panic::catch_unwind(AssertUnwindSafe(check.run));
    let report = match result {
        Ok(Ok(())) => ChildResult {
            passed: true,
            message: String::new(),
            mistake: None,
        },
        Ok(Err(failure)) => ChildResult {
            passed: false,
            message: failure.render(Some(check.exercise.book_ref())),
            mistake: failure.mistake.map(|m| m.id.to_owned()),
        },
        // The hook has already reported the panic.
        Err(_) => std::process::exit(101),
    };
    if let Ok(json) = serde_json::to_string(&report) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "\n{MARK}result {json}");
        let _ = out.flush();
    }
    // Exit without running destructors: learner tasks may still be running
    // (or stuck), and dropping their runtime would wait for them.
    std::process::exit(if report.passed { 0 } else { 1 })
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

fn run_timed(name: &str, check: &Check) -> Graded {
    let started = Instant::now();
    let outcome = run_in_child(name, check);
    Graded {
        check: *check,
        outcome,
        duration: started.elapsed(),
    }
}

/// Runs one check in a child process and classifies how it ended.
pub fn run_in_child(name: &str, check: &Check) -> Outcome {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return internal(format!("cannot find the test binary: {e}")),
    };
    let mut child = match Command::new(exe)
        .env(CHILD_ENV, name)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => return internal(format!("cannot start the check's process: {e}")),
    };
    let stdout = collect(child.stdout.take());
    let stderr = collect(child.stderr.take());

    let started = Instant::now();
    let deadline = scaled(check.deadline);
    let mut cpu_at_deadline = None;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= deadline => {
                cpu_at_deadline = cpu_time(child.id());
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return internal(format!("cannot wait for the check's process: {e}")),
        }
    };
    let wall = started.elapsed();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    classify(&Seen {
        check,
        status,
        wall,
        cpu: cpu_at_deadline,
        stdout: &stdout,
        stderr: &stderr,
    })
}

/// Everything the parent saw of one child.
struct Seen<'a> {
    check: &'a Check,
    /// `None` when the child was killed at its deadline.
    status: Option<ExitStatus>,
    wall: Duration,
    cpu: Option<Duration>,
    stdout: &'a str,
    stderr: &'a str,
}

fn classify(seen: &Seen<'_>) -> Outcome {
    let panics: Vec<ChildPanic> = marked(seen.stderr, "panic");
    let result: Option<ChildResult> = marked(seen.stdout, "result").into_iter().next();
    let printed = learner_output(seen.stdout, seen.stderr);

    // A `todo!()` anywhere explains everything downstream of it.
    if let Some(todo) = panics
        .iter()
        .find(|p| p.message.starts_with("not yet implemented"))
    {
        let ex = seen.check.exercise;
        return Outcome::NotImplemented(format!(
            "{}\n  This is the stub's `todo!()`: exercise {} is not done yet.\n  \
             read:      {}\n  then replace the `todo!()` in {} and run this again.\n",
            todo.message,
            ex.number,
            ex.book_ref(),
            short_location(&todo.location),
        ));
    }

    let mut mistake = None;
    let mut message = match (&result, seen.status) {
        (Some(r), _) if r.passed => {
            return Outcome::Passed;
        }
        (Some(r), _) => {
            mistake = r.mistake.clone();
            r.message.clone()
        }
        (None, None) => {
            let timeout = scaled(seen.check.deadline).as_secs_f64();
            let busy = seen
                .cpu
                .map(|cpu| cpu.as_secs_f64() >= 0.5 * seen.wall.as_secs_f64());
            let (what, m) = match busy {
                Some(true) => (
                    format!(
                        "Did not finish within {timeout:.0} s, and kept a CPU core busy all that time."
                    ),
                    mistakes::BUSY_LOOP,
                ),
                Some(false) => (
                    format!(
                        "Did not finish within {timeout:.0} s, and your code was waiting, not working, all that time."
                    ),
                    seen.check.on_stuck,
                ),
                None => (
                    format!("Did not finish within {timeout:.0} s."),
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
            } else {
                format!(
                    "The check's process died ({}) before it could report.\n{}",
                    describe_status(status),
                    crash_hint(seen.stderr)
                )
            }
        }
    };
    // A check may fail by its own test while a learner task panicked
    // elsewhere; the panic is usually the real story.
    if result.is_some() {
        for p in &panics {
            let (text, m) = describe_panic(p);
            message.push_str("  meanwhile, in a task of yours:\n");
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
                9 => ", SIGKILL: from outside, perhaps for lack of memory",
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

fn crash_hint(stderr: &str) -> String {
    if stderr.contains("has overflowed its stack") {
        "  A thread overflowed its stack: look for recursion that never ends, \
         or a very large value (a big array, a huge future) kept on the stack.\n"
            .to_owned()
    } else {
        let tail: Vec<&str> = stderr.lines().rev().take(10).collect();
        let mut out = String::new();
        for line in tail.into_iter().rev() {
            out.push_str("    | ");
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// The learner's own prints: everything except the harness's lines and the
/// blank lines around them.
fn learner_output(stdout: &str, stderr: &str) -> String {
    let mut out = String::new();
    for line in stdout.lines().chain(stderr.lines()) {
        if line.starts_with(MARK) || line.trim().is_empty() {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Parses every `MARK kind {json}` line of a stream.
fn marked<T: for<'de> Deserialize<'de>>(stream: &str, kind: &str) -> Vec<T> {
    let prefix = format!("{MARK}{kind} ");
    stream
        .lines()
        .filter_map(|line| line.strip_prefix(&prefix))
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect()
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

fn collect<R: Read + Send + 'static>(stream: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut stream) = stream {
            let _ = stream.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// CPU time a process has used so far (Linux only).
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may
    // contain spaces: state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // The kernel reports these in USER_HZ, which is 100 on Linux.
    Some(Duration::from_millis((utime + stime) * 10))
}

fn scaled(deadline: Duration) -> Duration {
    let scale = std::env::var(TIMEOUT_SCALE_ENV)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(1.0);
    deadline.mul_f64(scale)
}

fn internal(what: String) -> Outcome {
    Outcome::Failed {
        message: format!("The grader itself failed: {what}\n"),
        mistake: None,
    }
}

/// Locks a mutex even if a panicking trial poisoned it: the data (a list
/// of results) stays valid.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

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
            let mine: Vec<&Graded> = results
                .iter()
                .filter(|g| g.check.exercise.id == exercise.id)
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
