//! The harness's busy-or-stuck diagnosis holds on a loaded machine.
//!
//! Learners grade while an editor, a browser and a compiler run. This test
//! loads the machine with twice as many spinning threads as it has cores,
//! then runs the harness cases that hang — three that spin, two that wait —
//! ten rounds in a row, and requires the same diagnoses as on an idle
//! machine every time: `[busy-loop]` for `busy_loop`,
//! `read_loop_ignoring_eof` and `spin_in_a_spawned_thread`, `[stuck]` for
//! `double_lock` and `stopped_clock`. A spinning check on two loaded cores
//! gets well under half a core, so the old rule, CPU time alone, called it
//! stuck. Beside them run three gallery servers that hang inside a check's
//! own reply wait (one spinning, `[busy-loop]`; one waiting, its check's
//! `[lock-across-await]`) or block their runtime's thread
//! (`[blocking-in-async]`).
//!
//! It is a test binary of its own (`harness = false`, one trial) so that
//! its spinning threads never share a process with other tests: cargo runs
//! test binaries one after another, and the load ends with this one.

// See the note on this lint in the grader's lib.rs.
#![allow(clippy::result_large_err)]

#[path = "harness_cases.rs"]
mod harness_cases;
// Gallery entries whose server hangs inside a check's own reply wait, or
// blocks its runtime's thread.
// Only a few of its entries are used here.
#[allow(dead_code)]
#[path = "chapter3/mod.rs"]
mod chapter3;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use grader::harness;
use grader::results::Outcome;
use grader::suite::Check;
use libtest_mimic::{Arguments, Failed, Trial};

/// Rounds in a row that must all come out right.
const ROUNDS: usize = 10;
/// Each case's deadline: short, so ten rounds take seconds. The cases run
/// side by side, so a round lasts about one deadline.
const DEADLINE: Duration = Duration::from_secs(1);
/// The spinning threads stop by themselves after this, whatever happens
/// to the test.
const LOAD_LIMIT: Duration = Duration::from_secs(120);

/// The cases, and the mistake each must be diagnosed as.
const EXPECTED: [(&str, &str); 5] = [
    ("busy_loop", "busy-loop"),
    ("read_loop_ignoring_eof", "busy-loop"),
    ("spin_in_a_spawned_thread", "busy-loop"),
    ("double_lock", "stuck"),
    ("stopped_clock", "stuck"),
];

/// Gallery entries, the check each hangs (or blocks) in, and the mistake
/// it must be diagnosed as: a server that spins inside the check's 3 s
/// reply wait, one that waits there (a lock held for a whole connection),
/// and one that blocks its runtime's thread with `std::thread::sleep`.
fn entries() -> Vec<(String, Check, &'static str)> {
    use grader::chapters::chapter3::suite;
    let wanted = [
        (
            "spin_relock",
            suite::<chapter3::spin_relock::Entry>("loaded"),
            "a_set_on_one_connection_is_visible_on_another",
            "busy-loop",
        ),
        (
            "tokio_mutex_per_connection",
            suite::<chapter3::tokio_mutex_per_connection::Entry>("loaded"),
            "an_idle_client_does_not_block_others",
            "lock-across-await",
        ),
        (
            "sleeps_between_commands",
            suite::<chapter3::sleeps_between_commands::Entry>("loaded"),
            "no_request_blocks_the_runtime",
            "blocking-in-async",
        ),
    ];
    wanted
        .into_iter()
        .map(|(entry, suite, check, mistake)| {
            let found = suite
                .checks
                .iter()
                .find(|c| c.name == check && c.exercise.number == "3.1")
                .unwrap_or_else(|| panic!("loaded: no 3.1 check named {check}"));
            (
                format!("chapter3::{entry}::{}", found.full_name()),
                *found,
                mistake,
            )
        })
        .collect()
}

fn cases() -> Vec<(String, Check, &'static str)> {
    let checks = harness_cases::checks();
    let mut cases: Vec<(String, Check, &'static str)> = EXPECTED
        .iter()
        .map(|(name, mistake)| {
            let check = checks
                .iter()
                .find(|c| c.name == *name)
                .unwrap_or_else(|| panic!("loaded: no harness case named {name}"));
            (
                format!("harness::{name}"),
                check.deadline(DEADLINE),
                *mistake,
            )
        })
        .collect();
    cases.extend(entries());
    cases
}

/// Threads that spin until dropped (or until [`LOAD_LIMIT`]).
struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<Duration>>,
    started: Instant,
}

impl Load {
    fn start(count: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let threads = (0..count)
            .map(|i| {
                let stop = Arc::clone(&stop);
                std::thread::Builder::new()
                    .name(format!("load-{i}"))
                    .spawn(move || spin(&stop, started))
                    .expect("loaded: cannot start a spinning thread")
            })
            .collect();
        Load {
            stop,
            threads,
            started,
        }
    }

    /// Stops the threads; returns their CPU time as a share of the
    /// machine's, to show the load was real.
    fn stop(mut self, cores: usize) -> f64 {
        self.stop.store(true, Ordering::Relaxed);
        let cpu: Duration = self
            .threads
            .drain(..)
            .map(|t| t.join().unwrap_or_default())
            .sum();
        let wall = self.started.elapsed().as_secs_f64() * cores as f64;
        cpu.as_secs_f64() / wall
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Spins until told to stop or [`LOAD_LIMIT`] passes; returns the thread's
/// own CPU time.
fn spin(stop: &AtomicBool, started: Instant) -> Duration {
    while !stop.load(Ordering::Relaxed) && started.elapsed() < LOAD_LIMIT {
        for _ in 0..10_000 {
            std::hint::spin_loop();
        }
    }
    thread_cpu_time().unwrap_or_default()
}

/// The calling thread's CPU time (Linux), from its schedstat.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

fn mistake_of(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Failed {
            mistake: Some(id), ..
        } => format!("[{id}]"),
        Outcome::Failed { mistake: None, .. } => "failed, no mistake named".to_owned(),
        Outcome::Passed => "passed".to_owned(),
        Outcome::NotImplemented(_) => "not implemented".to_owned(),
        Outcome::Skipped(_) => "skipped".to_owned(),
    }
}

/// Ten rounds of the cases under load; every diagnosis as expected.
fn diagnoses_hold_on_a_loaded_machine(
    cases: &[(String, Check, &'static str)],
) -> Result<(), Failed> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let load = Load::start(2 * cores);
    let started = Instant::now();
    let mut wrong = Vec::new();
    for round in 1..=ROUNDS {
        let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
            let running: Vec<_> = cases
                .iter()
                .map(|(name, check, _)| scope.spawn(move || harness::run_in_child(name, check)))
                .collect();
            running
                .into_iter()
                .map(|r| r.join().expect("loaded: a case's thread panicked"))
                .collect()
        });
        let got: Vec<String> = outcomes.iter().map(mistake_of).collect();
        eprintln!("round {round:2}: {}", got.join(" "));
        for ((name, _, expected), (got, outcome)) in cases.iter().zip(got.iter().zip(&outcomes)) {
            // A server waiting inside the reply wait is said to be waiting.
            let waiting_said = *expected != "lock-across-await"
                || outcome
                    .message()
                    .is_some_and(|m| m.contains("Meanwhile your server was waiting, not working"));
            if *got != format!("[{expected}]") || !waiting_said {
                wrong.push(format!(
                    "round {round}: {name} came out {got}, expected [{expected}]:\n{}",
                    outcome.message().unwrap_or_default()
                ));
            }
        }
    }
    let elapsed = started.elapsed();
    let share = load.stop(cores);
    eprintln!(
        "{ROUNDS} rounds in {:.1} s, with {} spinning threads holding {:.0}% of {cores} cores",
        elapsed.as_secs_f64(),
        2 * cores,
        share * 100.0
    );
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {} diagnoses under load were wrong:\n{}",
            wrong.len(),
            ROUNDS * cases.len(),
            wrong.join("\n")
        )
        .into())
    }
}

fn main() {
    let cases = cases();
    let registry: Vec<(String, Check)> = cases
        .iter()
        .map(|(name, check, _)| (name.clone(), *check))
        .collect();
    harness::run_child_if_asked(&registry);

    let args = Arguments::from_args();
    // Busy or stuck is read from Linux's /proc; elsewhere a hang is only
    // "did not finish", and there is nothing to prove.
    let trials = vec![
        Trial::test("harness::diagnoses_hold_on_a_loaded_machine", move || {
            diagnoses_hold_on_a_loaded_machine(&cases)
        })
        .with_ignored_flag(!cfg!(target_os = "linux")),
    ];
    libtest_mimic::run(&args, trials).exit()
}
