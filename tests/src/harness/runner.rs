//! The parent's side: start a child per check, hand it its secret, watch
//! its deadline, and collect what it left behind for [`super::verdict`].

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::Check;
use super::child::{CHILD_ENV, MARK, STARTED, new_secret};
use super::verdict::{Activity, Seen, classify, internal};
use crate::results::{Graded, Outcome};

/// Multiplies every wait of the grader, for slow machines (e.g. `2` or
/// `1.5`): see [`scaled`].
pub const TIMEOUT_SCALE_ENV: &str = "WORKBOOK_TIMEOUT_SCALE";

/// How many checks run at once, per core, unless `--test-threads` says.
///
/// Checks mostly wait — on sockets, on a server's settle time, on a gate —
/// rather than compute: `solution-2`'s 21 checks take 3.2 s one at a time
/// for 0.6 s of CPU. Measured on the 2-core reference machine
/// (`WORKBOOK_SEED=1`; median wall time of the check binary over 5 runs,
/// then over 3–4 runs beside 2 and 4 spinning threads, standing in for a
/// learner's compiler and browser):
///
/// | at once | solution-2 | solution-3 | solution-2, 2 / 4 spinners |
/// |---------|------------|------------|----------------------------|
/// | 1       | 3.16 s     | 0.75 s     |                            |
/// | 2       | 1.64 s     | 0.42 s     | 1.91 / 1.97 s              |
/// | 4       | 1.12 s     | 0.30 s     | 1.40 s (2 spinners)        |
/// | 6       | 0.84 s     | 0.29 s     | 0.95 / 1.04 s              |
/// | 8       | 0.80 s     | 0.25 s     | 0.99 / 0.96 s              |
/// | 16      | 0.74 s     | 0.24 s     | 0.87 / 0.91 s              |
///
/// Four per core (8 here) halves a chapter's run against one per core and
/// is within 10 % of no bound, while beside 4 spinners the slowest single
/// check (median) stretches only from 0.66 s, 2 at once, to 0.71 s (0.86 s
/// with 16 at once): the children do not starve each other, and every
/// solution check passed in every run. A chapter's stubs (every check a
/// `todo!()`) take 0.05–0.1 s at any bound, so the learner's edit→result
/// loop is unchanged; a chapter whose checks all hang takes an eighth of
/// the deadlines one after another instead of a half.
pub const CHECKS_PER_CORE: usize = 4;

/// Runs the selected checks, `threads` children at a time (`--test-threads`;
/// by default [`CHECKS_PER_CORE`] per core), and returns their outcomes in
/// suite order (`None` where not selected).
pub(crate) fn run_all(
    checks: &[(String, Check)],
    selected: &[bool],
    threads: Option<usize>,
) -> Vec<Option<Graded>> {
    let threads = threads
        .unwrap_or_else(|| {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            CHECKS_PER_CORE * cores
        })
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
        // One seed for the whole run, so a failure's seed replays it.
        .env(crate::seed::SEED_ENV, crate::seed::run_seed().to_string())
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
    // The child says on its standard output when its check begins.
    let began: Arc<OnceLock<Instant>> = Arc::default();
    let needle = format!("{MARK}{secret}:{STARTED} ");
    let stdout = collect(child.stdout.take(), Some((needle, Arc::clone(&began))));
    let stderr = collect(child.stderr.take(), None);

    let spawned = Instant::now();
    let deadline = scaled(check.deadline);
    // The deadline runs from the check's start: on a very busy machine,
    // loading the process can take a good part of a short deadline. What
    // the child did is judged over the second half of the check's time:
    // its start (building runtimes, connecting) is over by then, and what
    // it does last is what it would go on doing. Only a child still
    // running then is looked at, so checks that finish cost nothing.
    let watch = Watch::new(deadline);
    let mut states = ThreadStates::default();
    let mut next_look = None;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {
                let now = Instant::now();
                let start = began.get().copied();
                if now >= start.unwrap_or(spawned) + deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
                if let Some(start) = start {
                    let due = *next_look.get_or_insert(start + watch.from);
                    if now >= due {
                        states.look(child.id());
                        next_look = Some(now + watch.every);
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return internal(format!("cannot wait for the check's process: {e}")),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    classify(&Seen {
        check,
        name,
        secret: &secret,
        status,
        began: began.get().is_some(),
        activity: states.activity(),
        stdout: &stdout,
        stderr: &stderr,
    })
}

/// Reads a child's stream to its end on a thread of its own; with a
/// `watch`, notes the moment the stream first holds its needle.
fn collect<R: Read + Send + 'static>(
    stream: Option<R>,
    watch: Option<(String, Arc<OnceLock<Instant>>)>,
) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let Some(mut stream) = stream else {
            return String::new();
        };
        let mut chunk = [0u8; 8192];
        let mut searched = 0;
        loop {
            match stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => bytes.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
            if let Some((needle, seen)) = &watch {
                if seen.get().is_none() {
                    let needle = needle.as_bytes();
                    if bytes[searched..].windows(needle.len()).any(|w| w == needle) {
                        let _ = seen.set(Instant::now());
                    }
                    // A needle cut in two by the read is found next time.
                    searched = bytes.len().saturating_sub(needle.len());
                }
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// When to look at a child's threads: from half its check's deadline on,
/// about [`Watch::LOOKS`] times, 5 to 100 ms apart.
struct Watch {
    from: Duration,
    every: Duration,
}

impl Watch {
    const LOOKS: u32 = 50;

    fn new(deadline: Duration) -> Watch {
        let from = deadline / 2;
        let every = ((deadline - from) / Self::LOOKS)
            .clamp(Duration::from_millis(5), Duration::from_millis(100));
        Watch { from, every }
    }
}

/// How often a child's threads were found runnable, from `/proc` (Linux).
///
/// Busy or waiting is decided from whether the threads were *runnable* —
/// state `R`, on a CPU or queued for one — not from CPU time: on a loaded
/// machine (two cores, an editor, a browser and a compiler) a thread that
/// spins gets a fraction of a core and spends the rest queued, but it is
/// runnable all the time; a thread blocked on a lock, a channel or a socket
/// is asleep (`S`). A thread throttled by a container's CPU quota stays
/// `R` too.
///
/// Why states sampled, rather than the per-thread counters of
/// `/proc/PID/task/TID/schedstat` (time on a CPU plus time queued): the
/// kernel adds a queued stretch to those counters only when the thread
/// next runs, so over a short window they lag by a whole stretch. Measured
/// on 2 cores beside 28 spinning threads, a spinning check's counters
/// covered from 0.28 to 1.9 times the half-second window, and 1 round in
/// 10 came out `[stuck]`; its sampled state was `R` in every look.
#[derive(Debug, Default)]
pub(crate) struct ThreadStates {
    /// Looks taken.
    looks: u32,
    /// Threads found runnable, summed over the looks.
    runnable: u32,
}

impl ThreadStates {
    /// Looks at process `pid`'s threads once, if `/proc` lets us.
    pub(crate) fn look(&mut self, pid: u32) {
        if let Some(runnable) = runnable_threads(pid) {
            self.looks += 1;
            self.runnable += runnable;
        }
    }

    /// Looks once at this process's threads named `prefix…`.
    pub(crate) fn look_own(&mut self, prefix: &str) {
        if let Some(runnable) = runnable_own_threads(prefix) {
            self.looks += 1;
            self.runnable += runnable;
        }
    }

    /// What the looks add up to; `None` without any.
    pub(crate) fn activity(&self) -> Option<Activity> {
        (self.looks > 0).then_some(Activity {
            runnable: self.runnable,
            looks: self.looks,
        })
    }
}

/// How many threads of process `pid` are runnable right now (Linux).
fn runnable_threads(pid: u32) -> Option<u32> {
    runnable_threads_in(&format!("/proc/{pid}/task"), None)
}

/// How many threads of this process whose name starts with `prefix` are
/// runnable right now (Linux): the learner's server, seen from inside the
/// check's own process (see `fixtures::activity`).
pub(crate) fn runnable_own_threads(prefix: &str) -> Option<u32> {
    runnable_threads_in("/proc/self/task", Some(prefix))
}

/// Runnable threads in a `/proc/…/task` folder, only those named
/// `prefix…` when given.
fn runnable_threads_in(folder: &str, prefix: Option<&str>) -> Option<u32> {
    let tasks = std::fs::read_dir(folder).ok()?;
    let mut runnable = 0;
    for task in tasks.flatten() {
        if let Some(prefix) = prefix {
            let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            if !name.starts_with(prefix) {
                continue;
            }
        }
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue; // the thread just ended
        };
        if thread_state(&stat) == Some('R') {
            runnable += 1;
        }
    }
    Some(runnable)
}

/// A thread's state letter (`R`, `S`, `D`…) from its `/proc/…/stat`:
/// `TID (name) S …`, where the name is in parentheses and may contain
/// spaces and parentheses itself.
pub(crate) fn thread_state(stat: &str) -> Option<char> {
    stat.rfind(')')
        .and_then(|end| stat[end + 1..].trim_start().chars().next())
}

/// A wait multiplied by [`TIMEOUT_SCALE_ENV`], if set: every wait of the
/// grader goes through here — check deadlines, reply timeouts, connection
/// timeouts, gates, settle times — so one variable gives a slow machine
/// more time everywhere. A message that names a wait names the scaled one
/// (see [`seconds`]).
pub fn scaled(wait: Duration) -> Duration {
    wait.mul_f64(scale(std::env::var(TIMEOUT_SCALE_ENV).ok().as_deref()))
}

/// The factor a [`TIMEOUT_SCALE_ENV`] value asks for; 1 when unset or not
/// a positive number.
fn scale(value: Option<&str>) -> f64 {
    value
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(1.0)
}

/// A wait in seconds for a message: `3 s`, `4.5 s`, `0.5 s`.
pub fn seconds(wait: Duration) -> String {
    let tenths = (wait.as_secs_f64() * 10.0).round();
    if tenths % 10.0 == 0.0 {
        format!("{:.0} s", tenths / 10.0)
    } else {
        format!("{:.1} s", tenths / 10.0)
    }
}

/// Locks a mutex even if a panicking trial poisoned it: the data (a list
/// of results) stays valid.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_is_a_positive_number_or_one() {
        assert_eq!(scale(None), 1.0);
        assert_eq!(scale(Some("2")), 2.0);
        assert_eq!(scale(Some(" 1.5 ")), 1.5);
        assert_eq!(scale(Some("0")), 1.0);
        assert_eq!(scale(Some("-3")), 1.0);
        assert_eq!(scale(Some("slow")), 1.0);
        assert_eq!(scale(Some("inf")), 1.0);
    }

    #[test]
    fn waits_read_in_seconds() {
        assert_eq!(seconds(Duration::from_secs(3)), "3 s");
        assert_eq!(seconds(Duration::from_millis(4500)), "4.5 s");
        assert_eq!(seconds(Duration::from_millis(500)), "0.5 s");
        assert_eq!(seconds(Duration::from_millis(1999)), "2 s");
    }

    /// What `/proc` says of a process over a few looks: spinning, or waiting.
    #[cfg(target_os = "linux")]
    fn activity_of(script: &str) -> Option<Activity> {
        let mut child = Command::new("sh")
            .args(["-c", script])
            .spawn()
            .expect("sh runs");
        // Let it start (or fall asleep) first, as the runner does.
        std::thread::sleep(Duration::from_millis(100));
        let mut states = ThreadStates::default();
        for _ in 0..20 {
            states.look(child.id());
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
        states.activity()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_spinning_process_is_busy_and_a_sleeping_one_is_not() {
        let spinning = activity_of("while :; do :; done").expect("Linux has /proc");
        assert!(spinning.busy(), "{spinning:?}");
        let sleeping = activity_of("sleep 5").expect("Linux has /proc");
        assert!(!sleeping.busy(), "{sleeping:?}");
    }

    #[test]
    fn looks_start_at_half_the_deadline_about_fifty_times() {
        let watch = Watch::new(Duration::from_secs(10));
        assert_eq!(watch.from, Duration::from_secs(5));
        assert_eq!(watch.every, Duration::from_millis(100));
        let watch = Watch::new(Duration::from_secs(1));
        assert_eq!(watch.every, Duration::from_millis(10));
        let watch = Watch::new(Duration::from_millis(100));
        assert_eq!(watch.every, Duration::from_millis(5));
    }

    #[test]
    fn no_look_no_verdict() {
        assert_eq!(ThreadStates::default().activity(), None);
        assert_eq!(runnable_threads(u32::MAX), None);
    }
}
