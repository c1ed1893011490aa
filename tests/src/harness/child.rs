//! The child's side: run one check, report how it ended.
//!
//! The parent starts the child with [`CHILD_ENV`] naming the check and
//! writes a fresh secret on the child's standard input. The child reads it
//! before any learner code runs and signs every line it reports with it
//! ([`Signed`]). The learner's code shares the child's standard streams but
//! never saw the secret, so a line it prints that imitates a verdict is
//! just a printed line.

use std::io::{BufRead, Write};
use std::panic::{self, AssertUnwindSafe};
use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Check;

/// Names the one check a child process runs.
pub const CHILD_ENV: &str = "WORKBOOK_GRADER_CHECK";
/// Starts the lines a child writes for its parent: `MARK{secret}:{kind} {json}`.
pub const MARK: &str = "@@workbook-grader:";
/// The kind of the line a child writes, on its standard output, just
/// before it runs its check.
pub(crate) const STARTED: &str = "started";

/// What a child reports when its check returns.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ChildResult {
    /// The full name of the check that ran, so a verdict for another
    /// check never counts for this one.
    pub check: String,
    pub passed: bool,
    pub message: String,
    pub mistake: Option<String>,
}

/// What a child's panic hook reports.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ChildPanic {
    pub message: String,
    pub location: String,
    pub thread: String,
}

static SECRET: OnceLock<String> = OnceLock::new();

/// In a child process, runs the check named by [`CHILD_ENV`] and exits;
/// otherwise returns at once. Every test binary built on this harness calls
/// it first thing in `main`.
pub fn run_child_if_asked(checks: &[(String, Check)]) {
    let Ok(wanted) = std::env::var(CHILD_ENV) else {
        return;
    };
    let Some((name, check)) = checks.iter().find(|(name, _)| *name == wanted) else {
        eprintln!("grader: no check named {wanted:?}");
        std::process::exit(2);
    };
    // The secret comes first, before any learner code can run.
    let mut secret = String::new();
    if std::io::stdin().lock().read_line(&mut secret).is_err() || secret.trim().is_empty() {
        eprintln!("grader: this process is started by the grader; run `cargo test` instead");
        std::process::exit(2);
    }
    let _ = SECRET.set(secret.trim().to_owned());
    child_main(name, check)
}

/// Writes one signed line to `out`.
fn report(out: &mut dyn Write, kind: &str, json: &str) {
    let secret = SECRET.get().map_or("", String::as_str);
    let _ = writeln!(out, "\n{MARK}{secret}:{kind} {json}");
    let _ = out.flush();
}

/// A panic's message, whatever its payload.
pub fn panic_message(info: &panic::PanicHookInfo<'_>) -> String {
    if let Some(s) = info.payload().downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = info.payload().downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

fn child_main(name: &str, check: &Check) -> ! {
    // Report every panic, on any thread, to the parent in one parseable line.
    // Panics inside spawned tasks matter too: a `todo!()` in a connection
    // task shows up to the check only as a closed connection.
    panic::set_hook(Box::new(|info| {
        let panic = ChildPanic {
            message: panic_message(info),
            location: info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default(),
            thread: std::thread::current().name().unwrap_or("?").to_owned(),
        };
        if let Ok(json) = serde_json::to_string(&panic) {
            report(&mut std::io::stderr().lock(), "panic", &json);
        }
    }));

    // A watchdog of our own, in case the parent is gone (Ctrl-C, a killed
    // `cargo test`): a child never outlives its deadline by much.
    let limit = super::scaled(check.deadline) + Duration::from_secs(5);
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        std::process::exit(124);
    });

    crate::seed::enter_check(name);
    // The check's deadline runs from here: on a very busy machine, loading
    // this process can take a while, and that time is not the check's.
    report(&mut std::io::stdout().lock(), STARTED, "{}");
    let result = panic::catch_unwind(AssertUnwindSafe(check.run));
    let verdict = match result {
        Ok(Ok(())) => ChildResult {
            check: name.to_owned(),
            passed: true,
            message: String::new(),
            mistake: None,
        },
        Ok(Err(failure)) => {
            let mut message = failure.render(Some(check.exercise.book_ref()));
            if crate::seed::used() {
                message.push_str(&replay_line(name));
            }
            ChildResult {
                check: name.to_owned(),
                passed: false,
                message,
                mistake: failure.mistake.map(|m| m.id.to_owned()),
            }
        }
        // The hook has already reported the panic.
        Err(_) => std::process::exit(101),
    };
    if let Ok(json) = serde_json::to_string(&verdict) {
        report(&mut std::io::stdout().lock(), "result", &json);
    }
    // Exit without running destructors: learner tasks may still be running
    // (or stuck), and dropping their runtime would wait for them.
    std::process::exit(if verdict.passed { 0 } else { 1 })
}

/// The package under test, for the replay command (set by the harness).
pub(crate) static PACKAGE: OnceLock<String> = OnceLock::new();

/// How to run a failed check again with the same data.
fn replay_line(name: &str) -> String {
    let seed = crate::seed::run_seed();
    let package = PACKAGE.get().map_or("chapter-N", String::as_str);
    format!(
        "  seed:      {seed} (the same data again: {env}={seed} cargo test -p {package} -- --exact {name})\n",
        env = crate::seed::SEED_ENV
    )
}

/// The lines of a stream signed with `secret`, parsed, for one `kind`.
pub(crate) fn signed<T: for<'de> Deserialize<'de>>(
    stream: &str,
    secret: &str,
    kind: &str,
) -> Vec<T> {
    let prefix = format!("{MARK}{secret}:{kind} ");
    stream
        .lines()
        .filter_map(|line| line.strip_prefix(&prefix))
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect()
}

/// Whether a stream holds a line that looks like the grader's but is not
/// signed with `secret`: the learner's code imitating a verdict.
pub(crate) fn has_forged_line(stream: &str, secret: &str) -> bool {
    let ours = format!("{MARK}{secret}:");
    stream
        .lines()
        .any(|line| line.contains(MARK) && !line.starts_with(&ours))
}

/// A fresh secret for one child: 128 bits from the standard library's
/// per-process random hash keys, the clock and a counter.
pub(crate) fn new_secret() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut words = [0u64; 2];
    for word in &mut words {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        hasher.write_u128(now.as_nanos());
        hasher.write_u32(std::process::id());
        *word = hasher.finish();
    }
    format!("{:016x}{:016x}", words[0], words[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lines_signed_with_the_secret_count() {
        let stream = format!(
            "{MARK}guess:result {{\"check\":\"x\",\"passed\":true,\"message\":\"\",\"mistake\":null}}\n\
             {MARK}s3cret:result {{\"check\":\"x\",\"passed\":false,\"message\":\"m\",\"mistake\":null}}\n"
        );
        let results: Vec<ChildResult> = signed(&stream, "s3cret", "result");
        assert_eq!(results.len(), 1);
        assert!(!results[0].passed);
        assert!(has_forged_line(&stream, "s3cret"));
    }

    #[test]
    fn secrets_differ() {
        assert_ne!(new_secret(), new_secret());
        assert_eq!(new_secret().len(), 32);
    }
}
