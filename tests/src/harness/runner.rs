//! The parent's side: start a child per check, hand it its secret, watch
//! its deadline, and collect what it left behind for [`super::verdict`].

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Check;
use super::child::{CHILD_ENV, new_secret};
use super::verdict::{Seen, classify, internal};
use crate::results::{Graded, Outcome};

/// Multiplies every deadline, for slow machines (e.g. `2` or `1.5`).
pub const TIMEOUT_SCALE_ENV: &str = "WORKBOOK_TIMEOUT_SCALE";

/// Runs the selected checks, `threads` children at a time (default: one per
/// core), and returns their outcomes in suite order (`None` where not selected).
pub(crate) fn run_all(
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

/// Runs one check in a child and times it.
pub(crate) fn run_timed(name: &str, check: &Check) -> Graded {
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
    let mut command = Command::new(exe);
    command
        .env(CHILD_ENV, name)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // A process group of its own: whatever the learner's code signals
    // "to its group" reaches the child, never this process or cargo.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return internal(format!("cannot start the check's process: {e}")),
    };
    let secret = new_secret();
    if let Some(mut stdin) = child.stdin.take() {
        // The child reads this line before anything else; a child that
        // died first makes the write fail, and its status says why.
        let _ = writeln!(stdin, "{secret}");
    }
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
        name,
        secret: &secret,
        status,
        wall,
        cpu: cpu_at_deadline,
        stdout: &stdout,
        stderr: &stderr,
    })
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

/// A deadline multiplied by [`TIMEOUT_SCALE_ENV`], if set.
pub fn scaled(deadline: Duration) -> Duration {
    let scale = std::env::var(TIMEOUT_SCALE_ENV)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(1.0);
    deadline.mul_f64(scale)
}

/// Locks a mutex even if a panicking trial poisoned it: the data (a list
/// of results) stays valid.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
