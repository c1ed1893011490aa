//! Misbehaving code the harness itself must survive and explain: a
//! `todo!()` (also inside a spawned task), a panic, a crash, a deadlock, a
//! busy loop (also on a thread the check waits for), a read loop that
//! ignores end of stream, a stopped clock.

use std::time::Duration;

use std::sync::LazyLock;

use grader::failure::Failure;
use grader::fixtures::block_on;
use grader::suite::{Check, Exercise};
use tokio::io::AsyncReadExt;

/// The pretend exercise these checks belong to.
static HARNESS: LazyLock<Exercise> = LazyLock::new(|| Exercise {
    id: "harness".into(),
    chapter: 0,
    number: "0.0".into(),
    title: "The harness itself".into(),
    book: "grading#reading-a-failure".into(),
    todo: String::new(),
    requirements: Vec::new(),
    given: None,
    allow: Vec::new(),
    heading: "Reading a failure".into(),
});

/// Deadline for the hanging cases: short, so the gallery stays fast.
const SHORT: Duration = Duration::from_secs(2);

fn todo_in_check() -> Result<(), Failure> {
    todo!("0.0: the stub's own todo")
}

fn todo_in_spawned_task() -> Result<(), Failure> {
    block_on(async {
        let task = tokio::spawn(async { todo!("0.0: a todo inside a connection task") });
        match task.await {
            // What a check sees: the connection just closed.
            Ok(()) => Ok(()),
            Err(_) => Err(Failure::new("the connection closed before any reply")),
        }
    })
}

fn plain_panic() -> Result<(), Failure> {
    let replies: Vec<&str> = Vec::new();
    let index = replies.len() + 3;
    panic!("index out of bounds: the len is 0 but the index is {index}")
}

fn runtime_without_io() -> Result<(), Failure> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Failure::new(e.to_string()))?
        .block_on(async {
            let _listener = tokio::net::TcpListener::bind("127.0.0.1:0").await;
        });
    Ok(())
}

fn double_lock() -> Result<(), Failure> {
    let store = std::sync::Mutex::new(0u32);
    let first = store.lock();
    // Locking again on the same thread while `first` lives never returns.
    let second = store.lock();
    drop((first, second));
    Ok(())
}

fn busy_loop() -> Result<(), Failure> {
    let stop = std::sync::atomic::AtomicBool::new(false);
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        std::hint::spin_loop();
    }
    Ok(())
}

fn spin_in_a_spawned_thread() -> Result<(), Failure> {
    // The check's own thread only waits; the thread it waits for spins.
    // Busy or waiting is a matter of the whole process, every thread.
    let spinner = std::thread::spawn(busy_loop);
    spinner
        .join()
        .unwrap_or_else(|_| Err(Failure::new("the spinning thread panicked")))
}

fn read_loop_ignoring_eof() -> Result<(), Failure> {
    block_on(async {
        // A peer that has already hung up: every read returns Ok(0) at once.
        let mut socket = tokio::io::empty();
        let mut buf = [0u8; 1024];
        let mut total = 0;
        loop {
            match socket.read(&mut buf).await {
                // The bug: Ok(0) means end of stream, and should end the loop.
                Ok(n) => total += n,
                Err(e) => return Err(Failure::new(e.to_string())),
            }
            if total > usize::MAX / 2 {
                return Ok(());
            }
        }
    })
}

fn stopped_clock() -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .map_err(|e| Failure::new(e.to_string()))?;
    runtime.block_on(async {
        let (_keep, never) = std::sync::mpsc::channel::<()>();
        // The timeout cannot fire: the only thread that could advance the
        // paused clock is blocked in a synchronous receive.
        let waited = tokio::time::timeout(Duration::from_millis(10), async {
            let _ = never.recv();
        })
        .await;
        waited.map_err(|_| Failure::new("timed out"))
    })
}

fn abort() -> Result<(), Failure> {
    std::process::abort()
}

fn hang_holding_a_port() -> Result<(), Failure> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| Failure::new(e.to_string()))?;
    let port = listener
        .local_addr()
        .map_err(|e| Failure::new(e.to_string()))?
        .port();
    println!("holding port {port}");
    std::thread::sleep(Duration::from_secs(3600));
    drop(listener);
    Ok(())
}

/// What a cheat prints: the old, unsigned verdict line, and one signed
/// with a guessed secret.
fn forge(check: &str) -> [String; 2] {
    let json = format!(r#"{{"check":"{check}","passed":true,"message":"","mistake":null}}"#);
    [
        format!("@@workbook-grader:result {json}"),
        format!("@@workbook-grader:00000000000000000000000000000000:result {json}"),
    ]
}

fn forged_verdict_on_stdout() -> Result<(), Failure> {
    for line in forge("harness::forged_verdict_on_stdout") {
        println!("{line}");
    }
    // Then hang, as a stub would: a pass may only come from the check.
    std::thread::sleep(Duration::from_secs(3600));
    Ok(())
}

fn forged_verdict_on_stderr_then_exit() -> Result<(), Failure> {
    for line in forge("harness::forged_verdict_on_stderr_then_exit") {
        eprintln!("{line}");
    }
    std::process::exit(0)
}

fn exit_zero_early() -> Result<(), Failure> {
    // What `std::process::exit(0)` inside a learner's function does to a
    // check: it never reaches its end.
    std::process::exit(0)
}

fn kills_its_process_group() -> Result<(), Failure> {
    // `kill -9 0`: every process of the caller's group. The child has a
    // group of its own, so this ends the child and nothing else.
    let _ = std::process::Command::new("kill")
        .args(["-9", "0"])
        .status();
    std::thread::sleep(Duration::from_secs(3600));
    Ok(())
}

/// The checks, with the deadline each needs.
pub fn checks() -> Vec<Check> {
    let harness: &'static Exercise = &HARNESS;
    vec![
        Check::new(harness, "todo_in_check", todo_in_check),
        Check::new(harness, "todo_in_spawned_task", todo_in_spawned_task),
        Check::new(harness, "plain_panic", plain_panic),
        Check::new(harness, "runtime_without_io", runtime_without_io),
        Check::new(harness, "double_lock", double_lock).deadline(SHORT),
        Check::new(harness, "busy_loop", busy_loop).deadline(SHORT),
        Check::new(
            harness,
            "spin_in_a_spawned_thread",
            spin_in_a_spawned_thread,
        )
        .deadline(SHORT),
        Check::new(harness, "read_loop_ignoring_eof", read_loop_ignoring_eof).deadline(SHORT),
        Check::new(harness, "stopped_clock", stopped_clock).deadline(SHORT),
        Check::new(harness, "abort", abort),
        Check::new(harness, "hang_holding_a_port", hang_holding_a_port).deadline(SHORT),
        Check::new(
            harness,
            "forged_verdict_on_stdout",
            forged_verdict_on_stdout,
        )
        .deadline(SHORT),
        Check::new(
            harness,
            "forged_verdict_on_stderr_then_exit",
            forged_verdict_on_stderr_then_exit,
        ),
        Check::new(harness, "exit_zero_early", exit_zero_early),
        Check::new(harness, "kills_its_process_group", kills_its_process_group).deadline(SHORT),
    ]
}
