//! Your chapter-6 server — your own framing, the complete server —
//! running, so you can talk to it yourself.
//!
//! ```console
//! cargo run -p chapter-6 --example server -- --port 6380
//! cargo workbook cli --port 6380 set hello world     # in another terminal
//! redis-cli -p 6380 ping                             # if you have redis-cli
//! redis-benchmark -p 6380 -t set,get -P 16 -q        # if you have redis-tools
//! ```
//!
//! It listens on 127.0.0.1, on `--port` or else on a free port the system
//! picks, and prints the address and the commands to try. Any Redis client
//! can talk to it: `cargo workbook cli` needs nothing installed, and
//! `redis-cli -p PORT` works too if you have it. Ctrl-C stops it.

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;

use tokio::net::TcpListener;

/// The exercises of this chapter that are servers, with what each one does.
const SERVERS: &[(&str, &str)] = &[(
    "6.5",
    "PING, GET and SET on your own Connection and a sharded store",
)];

/// Starts the server of `exercise` on `listener`; `None` if it has none.
fn server(
    exercise: &str,
    listener: TcpListener,
) -> Option<Pin<Box<dyn Future<Output = chapter_6::Result<()>>>>> {
    // Boxed, as in the other chapters' examples, where each exercise's
    // future is a type of its own.
    Some(match exercise {
        "6.5" => Box::pin(chapter_6::run(listener)),
        _ => return None,
    })
}

const PACKAGE: &str = env!("CARGO_PKG_NAME");

#[tokio::main]
async fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(("127.0.0.1", options.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "cannot listen on 127.0.0.1:{}: {e}. Is another server using that port? \
                 Stop it, pass another --port, or leave --port out to get a free one.",
                options.port
            );
            return ExitCode::FAILURE;
        }
    };
    // With port 0 the system picks a free port: print the one we really got.
    let port = listener.local_addr().map_or(options.port, |a| a.port());
    let (number, what) = options.exercise;
    explain_panics(number);
    let Some(mut server) = server(number, listener) else {
        unreachable!("Options::parse accepts only the exercises in SERVERS");
    };
    // Say "listening" once the server is waiting for clients: a `todo!()`
    // panics on the first poll, and then there is nothing to talk to.
    let mut announced = false;
    let server = std::future::poll_fn(move |cx| {
        let poll = server.as_mut().poll(cx);
        if poll.is_pending() && !announced {
            announced = true;
            announce(number, what, port);
        }
        poll
    });
    // The learner's function takes no shutdown signal, so Ctrl-C wins a
    // race against it instead: the runtime then drops the server and every
    // connection task with it.
    tokio::select! {
        result = server => {
            match result {
                Ok(()) => eprintln!(
                    "exercise {number}'s server returned Ok(()): a server should go on \
                     accepting clients until it is stopped. Does your accept loop end?"
                ),
                Err(e) => eprintln!(
                    "exercise {number}'s server stopped with an error: {e}\n\
                     One client's failure should end only that client's connection: \
                     `cargo test -p {PACKAGE} -- {number}` shows which."
                ),
            }
            ExitCode::FAILURE
        }
        signal = tokio::signal::ctrl_c() => match signal {
            Ok(()) => {
                println!("\nstopped.");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cannot listen for Ctrl-C ({e}); stopping.");
                ExitCode::FAILURE
            }
        },
    }
}

fn announce(number: &str, what: &str, port: u16) {
    println!("exercise {number} ({what}) is listening on 127.0.0.1:{port}; Ctrl-C stops it.");
    println!("Talk to it from another terminal:");
    println!("    cargo workbook cli --port {port} set hello world");
    println!("    cargo workbook cli --port {port} get hello");
    println!("    cargo workbook cli --port {port}      (stays connected: one command a line)");
    println!("or, if you have redis-cli:  redis-cli -p {port}");
}

/// What the command line asked for.
struct Options {
    exercise: (&'static str, &'static str),
    port: u16,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
        let choices: Vec<String> = SERVERS
            .iter()
            .map(|(number, what)| format!("  {number}  {what}"))
            .collect();
        let usage = format!(
            "usage: cargo run -p {PACKAGE} --example server -- [--exercise 6.5] [--port PORT]\n\
             The exercises of this chapter that are servers:\n{}",
            choices.join("\n")
        );
        let mut exercise = None;
        let mut port = 0;
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
                None => (arg.clone(), None),
            };
            let mut value = |name: &str| {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or(format!("{name} needs a value\n{usage}"))
            };
            match flag.as_str() {
                "-h" | "--help" => return Err(usage),
                "-e" | "--exercise" => exercise = Some(value("--exercise")?),
                "-p" | "--port" => {
                    let text = value("--port")?;
                    port = text.parse().map_err(|_| {
                        format!("--port takes a number from 0 to 65535, not {text:?} (0 picks a free port)")
                    })?;
                }
                _ => return Err(format!("unexpected argument {arg:?}\n{usage}")),
            }
        }
        // This chapter has one server: --exercise may be left out.
        let exercise = exercise.unwrap_or_else(|| SERVERS[0].0.to_owned());
        let exercise = SERVERS
            .iter()
            .find(|(number, _)| *number == exercise)
            .copied()
            .ok_or_else(|| {
                format!(
                    "exercise {exercise:?} is not one of this chapter's servers (the others \
                     are graded with `cargo test -p {PACKAGE} -- N.M`).\n{usage}"
                )
            })?;
        Ok(Options { exercise, port })
    }
}

/// Replaces Rust's panic report with one that says what to do. A panic
/// on the main thread is the server's own loop (the process ends); one on
/// a runtime worker is a connection's task (Tokio ends that task only).
fn explain_panics(exercise: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = (payload.downcast_ref::<&str>().copied())
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic without a message");
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let in_a_task = std::thread::current().name() != Some("main");
        let aftermath = if in_a_task {
            "Tokio ended that connection's task, so its client lost its connection; \
             the server goes on (Ctrl-C stops it)."
        } else {
            "The server has stopped."
        };
        if let Some(todo) = message.strip_prefix("not yet implemented") {
            let todo = todo.trim_start_matches(": ");
            // The stubs' `todo!` messages start with their exercise's number.
            let number = todo
                .split_once(':')
                .map(|(n, _)| n)
                .filter(|n| n.contains('.') && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
                .unwrap_or(exercise);
            eprintln!(
                "\nexercise {number} is not written yet: its code is still a `todo!()`{place}.\n\
                 {aftermath}\n\
                 Write it (`cargo test -p {PACKAGE} -- {number}` says what it must do), \
                 then start this server again."
            );
        } else {
            eprintln!(
                "\nyour code panicked{place}: {message}\n{aftermath}\n\
                 A server answers bad input with an error frame rather than a panic. \
                 `cargo test -p {PACKAGE} -- {exercise}` shows which input does this."
            );
        }
    }));
}
