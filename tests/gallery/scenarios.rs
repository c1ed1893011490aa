//! Whole-exercise scenarios: a learner's server that goes wrong in one of
//! the ways real ones do, graded by every check of exercise 2.3 at once, as
//! `cargo test -p chapter-2` would.
//!
//! Each scenario proves, for every check: it fails (a guard may pass alone,
//! and is then settled as a learner's run settles it); its message is
//! specific (it names a mistake, or says what the server did); it ends
//! within its deadline; and afterwards no check's process is left running
//! (so neither is the learner's server, nor its port). Every message is
//! pinned in an insta snapshot per scenario, so that none can silently
//! degrade to a vaguer one.

// See the note on this lint in the grader's lib.rs.
#![allow(clippy::result_large_err)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use grader::harness;
use grader::results::{Graded, Outcome};
use grader::suite::Check;
use libtest_mimic::{Arguments, Failed, Trial};
use mini_redis::{Command, Connection, Frame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The ways a server goes wrong, each as the function a learner wrote.
mod servers {
    use super::*;

    /// Panics on its first connection.
    pub async fn panics(listener: TcpListener) -> mini_redis::Result<()> {
        let (_socket, _) = listener.accept().await?;
        panic!("the server fell over")
    }

    /// Never listens: drops its listener and waits for ever.
    pub async fn never_binds(listener: TcpListener) -> mini_redis::Result<()> {
        drop(listener);
        std::future::pending().await
    }

    /// Accepts every connection, reads everything, answers nothing.
    pub async fn never_answers(listener: TcpListener) -> mini_redis::Result<()> {
        loop {
            let (mut socket, _) = listener.accept().await?;
            tokio::spawn(async move {
                let mut buffer = [0u8; 1024];
                while let Ok(n) = socket.read(&mut buffer).await {
                    if n == 0 {
                        break;
                    }
                }
            });
        }
    }

    /// Answers every read with a line that is not RESP.
    pub async fn answers_garbage(listener: TcpListener) -> mini_redis::Result<()> {
        loop {
            let (mut socket, _) = listener.accept().await?;
            tokio::spawn(async move {
                let mut buffer = [0u8; 1024];
                while let Ok(n) = socket.read(&mut buffer).await {
                    if n == 0 || socket.write_all(b"garbage\r\n").await.is_err() {
                        break;
                    }
                }
            });
        }
    }

    /// Accepts and closes at once.
    pub async fn closes_immediately(listener: TcpListener) -> mini_redis::Result<()> {
        loop {
            let (socket, _) = listener.accept().await?;
            drop(socket);
        }
    }

    /// Spins on a core once a client connects.
    pub async fn spins(listener: TcpListener) -> mini_redis::Result<()> {
        let (_socket, _) = listener.accept().await?;
        let mut n = 0u64;
        loop {
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }

    /// Serves GET and SET right, but a connection's task never ends: after
    /// the client leaves it holds the socket for ever.
    pub async fn leaks_tasks(listener: TcpListener) -> mini_redis::Result<()> {
        let store: Arc<Mutex<std::collections::HashMap<String, Bytes>>> = Arc::default();
        loop {
            let (socket, _) = listener.accept().await?;
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut connection = Connection::new(socket);
                while let Ok(Some(frame)) = connection.read_frame().await {
                    let reply = match Command::from_frame(frame) {
                        Ok(Command::Set(cmd)) => {
                            let mut map = store.lock().unwrap_or_else(|p| p.into_inner());
                            map.insert(cmd.key().to_owned(), cmd.value().clone());
                            Frame::Simple("OK".into())
                        }
                        Ok(Command::Get(cmd)) => {
                            let map = store.lock().unwrap_or_else(|p| p.into_inner());
                            map.get(cmd.key())
                                .map_or(Frame::Null, |v| Frame::Bulk(v.clone()))
                        }
                        _ => Frame::Error("ERR unknown command".into()),
                    };
                    if connection.write_frame(&reply).await.is_err() {
                        break;
                    }
                }
                // "Keep the connection around, in case the client comes back."
                let _kept = connection;
                std::future::pending::<()>().await;
            });
        }
    }
}

/// A scenario as the grader's chapter-2 `Api`: only exercise 2.3's server.
macro_rules! scenario {
    ($name:ident) => {
        mod $name {
            pub struct Entry;
            impl grader::chapters::chapter2::Api for Entry {
                fn serve(
                    listener: tokio::net::TcpListener,
                ) -> impl std::future::Future<Output = mini_redis::Result<()>> {
                    super::servers::$name(listener)
                }
            }
        }
    };
}

scenario!(panics);
scenario!(never_binds);
scenario!(never_answers);
scenario!(answers_garbage);
scenario!(closes_immediately);
scenario!(spins);
scenario!(leaks_tasks);

/// A scenario: its name, exercise 2.3's checks for its server, and the
/// mistake that must be named when the server is right but for one thing
/// (then the other checks may pass); `None` when it is wrong throughout and
/// every check must fail.
struct Scenario {
    name: &'static str,
    checks: Vec<(String, Check)>,
    names: Option<&'static str>,
    /// Whether its messages are pinned word for word. A server that dies,
    /// drops its listener or closes every connection is met as a refused
    /// connect, a reset or a closed connection, depending on timing; its
    /// messages are checked for saying so instead.
    pinned: bool,
}

fn scenario<A: grader::chapters::chapter2::Api>(name: &'static str) -> Scenario {
    let suite = grader::chapters::chapter2::suite::<A>("scenario");
    let checks = suite
        .checks
        .iter()
        .filter(|c| c.exercise.id == "get-and-set")
        .map(|c| (format!("scenario::{name}::{}", c.full_name()), *c))
        .collect();
    Scenario {
        name,
        checks,
        names: None,
        pinned: true,
    }
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            pinned: false,
            ..scenario::<panics::Entry>("panics")
        },
        Scenario {
            pinned: false,
            ..scenario::<never_binds::Entry>("never_binds")
        },
        scenario::<never_answers::Entry>("never_answers"),
        scenario::<answers_garbage::Entry>("answers_garbage"),
        Scenario {
            pinned: false,
            ..scenario::<closes_immediately::Entry>("closes_immediately")
        },
        scenario::<spins::Entry>("spins"),
        Scenario {
            names: Some("keeps-closed-connection"),
            ..scenario::<leaks_tasks::Entry>("leaks_tasks")
        },
    ]
}

/// How many checks run at once: as many as a learner's run allows on two
/// cores.
const AT_ONCE: usize = 4;
/// Time a check may take past its deadline: the harness's own kill and
/// diagnosis.
const SLACK: Duration = Duration::from_secs(5);

/// Runs every check of a scenario, [`AT_ONCE`] at a time.
fn grade(scenario: &Scenario) -> Vec<Graded> {
    let queue = Arc::new(Mutex::new(scenario.checks.clone().into_iter().enumerate()));
    let done = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..AT_ONCE)
        .map(|_| {
            let (queue, done) = (Arc::clone(&queue), Arc::clone(&done));
            std::thread::spawn(move || {
                loop {
                    let next = queue.lock().unwrap_or_else(|p| p.into_inner()).next();
                    let Some((i, (name, check))) = next else {
                        break;
                    };
                    let started = Instant::now();
                    let outcome = harness::run_in_child(&name, &check);
                    let graded = Graded {
                        check,
                        outcome,
                        duration: started.elapsed(),
                    };
                    done.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((i, graded));
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.join();
    }
    let mut done = std::mem::take(&mut *done.lock().unwrap_or_else(|p| p.into_inner()));
    done.sort_by_key(|(i, _)| *i);
    let mut graded: Vec<Graded> = done.into_iter().map(|(_, g)| g).collect();
    grader::results::settle_guards(&mut graded);
    graded
}

/// Check processes of `scenario` still running: each has its check's name
/// in its environment.
fn leftovers(scenario: &str) -> Vec<String> {
    let marker = format!("{}=scenario::{scenario}::", harness::child::CHILD_ENV);
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| {
            let environ = std::fs::read(e.path().join("environ")).ok()?;
            environ
                .split(|&b| b == 0)
                .any(|var| var.starts_with(marker.as_bytes()))
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect()
}

/// The first line of a message, with measured figures taken out, and
/// without a shrunk session's shape (how far shrinking gets depends on the
/// machine's load).
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    let line = line
        .find(" Its shortest form")
        .map_or(line, |at| &line[..at])
        // Which of the two a dropped listener gives depends on timing.
        .replace("Connection reset by peer", "Connection refused");
    let mut out = String::new();
    let mut in_number = false;
    for c in line.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else if in_number && c == '.' {
            // 3.5 s, 127.0.0.1: part of the number.
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

fn run(scenario: &Scenario) -> Result<String, String> {
    let graded = grade(scenario);
    let mut problems = Vec::new();
    let mut transcript = String::new();
    for g in &graded {
        let name = g.check.full_name();
        let limit = harness::scaled(g.check.deadline) + SLACK;
        if g.duration > limit {
            problems.push(format!(
                "{name}: took {:.1} s, past its deadline of {:.1} s",
                g.duration.as_secs_f64(),
                g.check.deadline.as_secs_f64()
            ));
        }
        match &g.outcome {
            Outcome::Passed if scenario.names.is_some() => {}
            Outcome::Passed => problems.push(format!("{name}: passed")),
            Outcome::NotImplemented(message) => {
                problems.push(format!("{name}: reported as not implemented: {message}"));
            }
            // Skipped only where a tool is missing; none of 2.3's checks
            // needs one.
            Outcome::Skipped(why) => problems.push(format!("{name}: skipped: {why}")),
            Outcome::Failed { message, mistake } => {
                let line = first_line(message);
                if mistake.is_none() && line.trim().len() < 20 {
                    problems.push(format!("{name}: a vague message: {message:?}"));
                }
                const SAYS_WHAT_HAPPENED: [&str; 6] = [
                    "connect",
                    "closed",
                    "refused",
                    "no reply",
                    "answered none",
                    "panicked",
                ];
                if !scenario.pinned && !SAYS_WHAT_HAPPENED.iter().any(|w| message.contains(w)) {
                    problems.push(format!("{name}: does not say what the server did: {line}"));
                }
                transcript.push_str(&format!(
                    "{name}\n    [{}] {line}\n",
                    mistake.as_deref().unwrap_or("-")
                ));
            }
        }
    }
    if let Some(wanted) = scenario.names {
        let named = graded
            .iter()
            .any(|g| matches!(&g.outcome, Outcome::Failed { mistake: Some(m), .. } if m == wanted));
        if !named {
            problems.push(format!("no check named [{wanted}]"));
        }
    }
    // Give the kernel a moment to reap what the harness killed.
    std::thread::sleep(Duration::from_millis(200));
    let left = leftovers(scenario.name);
    if !left.is_empty() {
        problems.push(format!("check processes still running: {left:?}"));
    }
    if problems.is_empty() {
        Ok(transcript)
    } else {
        Err(problems.join("\n"))
    }
}

fn main() {
    grader::seed::default_run_seed(20261129);
    let scenarios = scenarios();
    let registry: Vec<(String, Check)> = scenarios
        .iter()
        .flat_map(|s| s.checks.iter().cloned())
        .collect();
    harness::run_child_if_asked(&registry);

    let args = Arguments::from_args();
    let trials = scenarios
        .into_iter()
        .map(|scenario| {
            Trial::test(format!("scenario::{}", scenario.name), move || {
                let transcript = run(&scenario).map_err(Failed::from)?;
                if !scenario.pinned {
                    return Ok(());
                }
                insta::with_settings!({ prepend_module_to_snapshot => false }, {
                    insta::assert_snapshot!(format!("scenario__{}", scenario.name), transcript);
                });
                Ok(())
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit()
}
