//! Chapter 2, Spawning: the learner's first server.
//!
//! Exercises 2.1–2.3 are servers, graded over real TCP on port 0 by the
//! shared [`checks::server`] and by transcripts recorded from the reference
//! solution. 2.4 and 2.5 are client-side tasks: a [`GetGate`] server proves
//! that `fetch_all`'s tasks run at once, and a [`RedisFixture`] grades the
//! `Send` exercise by effect.

use std::future::Future;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpListener;

use crate::checks::{self, server::replay};
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::gate::{GATE_WAIT, GetGate, block_on_paused};
use crate::fixtures::{RedisFixture, Serve, block_on, command, serving};
use crate::harness::scaled;
use crate::manifest::exercise;
use crate::mistakes::{
    ANSWER_WITHOUT_ASKING, COMPLETION_ORDER, IF_LET_NOT_LOOP, NOT_SEND, PANIC_ON_UNKNOWN,
    SEQUENTIAL_SERVER, SEQUENTIAL_TASKS,
};
use crate::probe::MaybeSend;
use crate::suite::Suite;

/// The public API of a chapter-2 crate, as the grader calls it.
///
/// A crate's `tests/grade.rs` implements it in plain Rust, one line per
/// function (`cargo workbook dev gen` writes the chapter's from the
/// solution's). Every method has a default that is not part of the
/// exercise, so a gallery entry writes only the function its mistake is in.
pub trait Api: 'static {
    /// Exercise 2.1.
    fn reply_with_errors(listener: TcpListener) -> impl Future<Output = mini_redis::Result<()>> {
        let _ = listener;
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 2.2.
    fn serve_concurrently(listener: TcpListener) -> impl Future<Output = mini_redis::Result<()>> {
        let _ = listener;
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 2.3.
    fn serve(listener: TcpListener) -> impl Future<Output = mini_redis::Result<()>> {
        let _ = listener;
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 2.4.
    fn fetch_all(
        addr: SocketAddr,
        keys: Vec<String>,
    ) -> impl Future<Output = mini_redis::Result<Vec<Option<Bytes>>>> {
        let _ = (addr, keys);
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 2.5, sorted by whether its future is `Send`
    /// (`grader::probe!(…)`).
    fn save_greeting(addr: SocketAddr, name: String) -> MaybeSend<mini_redis::Result<()>> {
        let _ = (addr, name);
        unimplemented!("not part of this gallery entry")
    }
}

/// Exercise 2.1's server.
pub struct ReplyWithErrors<A>(PhantomData<A>);
/// Exercise 2.2's server.
pub struct ServeConcurrently<A>(PhantomData<A>);
/// Exercise 2.3's server.
pub struct ServeGetSet<A>(PhantomData<A>);

impl<A: Api> Serve for ReplyWithErrors<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(A::reply_with_errors(listener))
    }
}

impl<A: Api> Serve for ServeConcurrently<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(A::serve_concurrently(listener))
    }
}

impl<A: Api> Serve for ServeGetSet<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        serving(A::serve(listener))
    }
}

/// The chapter's suite for the API `A`, reported as package `package`.
pub fn suite<A: Api>(package: &'static str) -> Suite {
    use crate::check;
    use checks::server::*;
    let accept = exercise("accept-loop");
    let spawn = exercise("spawn-per-connection");
    let getset = exercise("get-and-set");
    let fetch = exercise("fetch-all");
    let send = exercise("send-bound");
    type E<A> = ReplyWithErrors<A>;
    type C<A> = ServeConcurrently<A>;
    type G<A> = ServeGetSet<A>;
    Suite::new(
        2,
        package,
        vec![
            check!(accept, answers_a_command_with_an_error_frame::<E<A>>),
            check!(accept, answers_every_command_on_a_connection::<E<A>>),
            check!(accept, serves_the_next_client_after_one_leaves::<E<A>>),
            check!(
                accept,
                checks::model::random_sessions_match_the_model::<
                    E<A>,
                    checks::model::ErrorsOneClientAtATime,
                >
            ),
            check!(
                accept,
                checks::blocking::no_request_blocks_the_runtime::<
                    E<A>,
                    checks::model::ErrorsOneClientAtATime,
                >
            ),
            check!(
                accept,
                checks::protocol::an_error_reply_is_one_frame::<E<A>>
            ),
            check!(accept, the_server_closes_after_the_client_hangs_up::<E<A>>),
            check!(
                accept,
                checks::hygiene::the_listener_closes_when_serve_is_dropped::<E<A>>
            ),
            check!(spawn, an_idle_client_does_not_block_others::<C<A>>),
            check!(spawn, answers_every_command_on_a_connection::<C<A>>),
            check!(spawn, serves_the_next_client_after_one_leaves::<C<A>>),
            check!(
                spawn,
                checks::model::random_sessions_match_the_model::<
                    C<A>,
                    checks::model::ErrorsToEveryClient,
                >
            ),
            check!(
                spawn,
                checks::blocking::no_request_blocks_the_runtime::<
                    C<A>,
                    checks::model::ErrorsToEveryClient,
                >
            ),
            check!(spawn, checks::protocol::an_error_reply_is_one_frame::<C<A>>),
            check!(spawn, the_server_closes_after_the_client_hangs_up::<C<A>>),
            check!(
                spawn,
                checks::hygiene::the_listener_closes_when_serve_is_dropped::<C<A>>
            ),
            check!(getset, set_and_get_match_the_reference_transcript::<G<A>>),
            check!(
                getset,
                an_unknown_command_gets_an_error_and_the_connection_lives::<G<A>>
            ),
            check!(getset, an_idle_client_does_not_block_others::<G<A>>).guard(),
            check!(
                getset,
                checks::protocol::an_error_reply_is_one_frame::<G<A>>
            ),
            check!(getset, the_server_closes_after_the_client_hangs_up::<G<A>>),
            check!(
                getset,
                checks::hygiene::the_listener_closes_when_serve_is_dropped::<G<A>>
            ),
            check!(
                getset,
                checks::hygiene::two_servers_keep_their_own_stores::<G<A>>
            ),
            check!(getset, a_malformed_frame_gets_an_error_or_a_close::<G<A>>),
            check!(
                getset,
                a_client_leaving_mid_command_does_not_stop_the_server::<G<A>>
            ),
            check!(
                getset,
                fifty_interleaved_clients_get_their_own_values::<G<A>>
            ),
            check!(
                getset,
                checks::model::random_sessions_match_the_model::<
                    G<A>,
                    checks::model::StorePerConnection,
                >
            ),
            check!(
                getset,
                checks::blocking::no_request_blocks_the_runtime::<
                    G<A>,
                    checks::model::StorePerConnection,
                >
            ),
            check!(
                getset,
                checks::cost::requests_cost_the_same_in_a_big_store::<G<A>>
            )
            .deadline(checks::cost::SERVER_DEADLINE),
            check!(fetch, returns_values_in_the_order_of_the_keys::<A>),
            check!(fetch, runs_the_tasks_at_the_same_time::<A>),
            check!(send, the_greeting_task_is_send::<A>)
                .guard()
                .before_todo(),
            check!(send, the_greeting_reaches_the_server::<A>),
        ],
    )
}

/// The whole `main` of a chapter-2 crate's `tests/grade.rs`.
pub fn main<A: Api>(package: &'static str) -> ! {
    crate::harness::main(suite::<A>(package))
}

// ---------------------------------------------------------------------------
// 2.1–2.3: servers

/// A silent client stays connected while another is served. Catches a
/// server that handles connections one at a time.
pub fn an_idle_client_does_not_block_others<S: Serve>() -> Result<(), Failure> {
    checks::server::idle_client_does_not_block_others::<S>(false, SEQUENTIAL_SERVER)
}

/// The reference sessions, as committed in `tests/transcripts/`.
const SET_GET: &str = include_str!("../../transcripts/ch02-set-get.snap");
const UNKNOWN: &str = include_str!("../../transcripts/ch02-unknown-command.snap");

/// SET, GET, GET of a missing key, SET again, GET: the exact bytes of the
/// reference server. Catches wrong encodings, such as an empty string for
/// a missing key.
pub fn set_and_get_match_the_reference_transcript<S: Serve>() -> Result<(), Failure> {
    let script = [
        command(&["SET", "hello", "world"]),
        command(&["GET", "hello"]),
        command(&["GET", "missing"]),
        command(&["SET", "hello", "again"]),
        command(&["GET", "hello"]),
    ];
    replay::<S>("ch02-set-get", SET_GET, &script, Some(IF_LET_NOT_LOOP))
}

/// PING (unknown to this server) gets an error reply, and the same
/// connection then serves SET and GET. Catches a panic on unknown commands.
pub fn an_unknown_command_gets_an_error_and_the_connection_lives<S: Serve>() -> Result<(), Failure>
{
    replay::<S>(
        "ch02-unknown-command",
        UNKNOWN,
        &unknown_script(),
        Some(PANIC_ON_UNKNOWN),
    )
}

/// PING, then SET and GET on the same connection.
fn unknown_script() -> [Vec<u8>; 3] {
    [
        command(&["PING"]),
        command(&["SET", "after", "ping"]),
        command(&["GET", "after"]),
    ]
}

// ---------------------------------------------------------------------------
// 2.4 Tasks that return something

/// Keys for one run: four to six of them, drawn from the run's seed, one
/// (at a random place) with no value. A function that returns what it
/// expects instead of what it fetched cannot know them.
fn fetch_keys() -> Vec<String> {
    let mut rng = crate::seed::rng();
    let count = rng.range(4..7);
    let missing = rng.range(0..count);
    (0..count)
        .map(|i| {
            let key = rng.key();
            if i == missing {
                format!("missing:{key}")
            } else {
                key
            }
        })
        .collect()
}

fn expected_values(keys: &[String]) -> Vec<Option<Bytes>> {
    keys.iter()
        .map(|k| (!k.starts_with("missing:")).then(|| Bytes::from(format!("value of {k}"))))
        .collect()
}

/// A `fetch_all` run: the gate it ran against, the keys, the values.
type Fetched = (GetGate, Vec<String>, Vec<Option<Bytes>>);

/// Starts a gate for the run's keys and runs the learner's `fetch_all`
/// through it, both on one runtime on a paused clock: the gate's wait is
/// exact and takes no real time.
fn run_fetch<A: Api>() -> Result<Fetched, Failure> {
    let keys = fetch_keys();
    let asked = keys.clone();
    // Virtual time: only a client that waits for something that never
    // comes reaches it, and then at once.
    let limit = Duration::from_secs(8);
    let (gate, values) = block_on_paused(async move {
        let borrowed: Vec<&str> = asked.iter().map(String::as_str).collect();
        let gate = GetGate::start(&borrowed).await;
        let values = match tokio::time::timeout(limit, A::fetch_all(gate.addr, asked.clone())).await
        {
            Ok(Ok(values)) => Ok(values),
            Ok(Err(e)) => Err(Failure::new(format!("fetch_all returned Err({e})."))),
            Err(_) => Err(Failure::new(format!(
                "fetch_all did not return, although the grader's server had nothing left \
                 to do ({} on the test's paused clock).",
                crate::harness::runner::seconds(limit)
            ))),
        };
        (gate, values)
    });
    Ok((gate, keys, values?))
}

fn show_values(values: &[Option<Bytes>]) -> String {
    let shown: Vec<String> = values
        .iter()
        .map(|v| {
            v.as_ref().map_or("None".to_owned(), |b| {
                format!("Some({})", describe_bytes(b))
            })
        })
        .collect();
    format!("[{}]", shown.join(", "))
}

/// `fetch_all(keys)` returns each key's value in key order (`None` for the
/// missing one), although the server answers the last key first. The keys
/// change with every run. Catches results gathered in finishing order, and
/// values that did not come from the server.
pub fn returns_values_in_the_order_of_the_keys<A: Api>() -> Result<(), Failure> {
    let (gate, keys, values) = run_fetch::<A>()?;
    let expected = expected_values(&keys);
    if values == expected {
        return Ok(());
    }
    let failure = Failure::new(format!("fetch_all({keys:?}) returned the wrong values."))
        .expected(show_values(&expected))
        .got(show_values(&values));
    let mut sorted_got = values.clone();
    let mut sorted_expected = expected;
    sorted_got.sort();
    sorted_expected.sort();
    Err(if sorted_got == sorted_expected {
        failure.mistake(COMPLETION_ORDER)
    } else if gate.arrived() < keys.len() {
        failure.mistake(ANSWER_WITHOUT_ASKING)
    } else {
        failure
    })
}

/// The GETs arrive together: every task is running before any is awaited,
/// and every key's GET reaches the server. Catches spawning a task and
/// awaiting it before spawning the next, and values returned without a GET.
pub fn runs_the_tasks_at_the_same_time<A: Api>() -> Result<(), Failure> {
    let (gate, keys, _) = run_fetch::<A>()?;
    let arrived = gate.arrived();
    if arrived < keys.len() {
        return Err(Failure::new(format!(
            "fetch_all returned after {arrived} of its {} GETs reached the server.",
            keys.len()
        ))
        .expected(format!("{} GETs, one per key, one per task", keys.len()))
        .mistake(ANSWER_WITHOUT_ASKING));
    }
    if gate.timed_out() {
        return Err(Failure::new(format!(
            "The server held each GET for up to {} ms waiting for the other {}, and they did \
             not come: your tasks ran one after another.",
            GATE_WAIT.as_millis(),
            keys.len() - 1
        ))
        .expected(format!(
            "{} GETs in flight at once, one per task",
            keys.len()
        ))
        .mistake(SEQUENTIAL_TASKS));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 2.5 A task that can change threads

/// `save_greeting`'s future is `Send`, so `tokio::spawn` accepts it.
/// Catches an `Rc` (or another non-`Send` value) alive across an `.await`.
pub fn the_greeting_task_is_send<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    match A::save_greeting(redis.addr(), "ferris".to_owned()) {
        MaybeSend::Send(_) => Ok(()),
        MaybeSend::NotSend(future) => {
            // Run it here too: if it is the stub, its `todo!()` speaks, and
            // the verdict stays "not yet implemented" with this failure
            // under it (the check is `before_todo`) — the stub's first step
            // is to read why the future cannot be spawned. The panic is
            // caught so that this check still reports what it found.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                block_on(async move {
                    tokio::time::timeout(scaled(Duration::from_secs(5)), future).await
                })
            }));
            Err(
                Failure::new("save_greeting's future is not Send: `tokio::spawn` would refuse it.")
                    .expected("a future that is Send, so it may move between worker threads")
                    .mistake(NOT_SEND),
            )
        }
    }
}

/// Spawned (or, if not `Send`, run in place), the task stores the greeting.
pub fn the_greeting_reaches_the_server<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let future = A::save_greeting(redis.addr(), "ferris".to_owned());
    let limit = scaled(Duration::from_secs(5));
    let within = crate::harness::runner::seconds(limit);
    let outcome = block_on(async move {
        match future {
            MaybeSend::Send(f) => match tokio::time::timeout(limit, tokio::spawn(f)).await {
                Ok(Ok(result)) => Ok(result),
                Ok(Err(e)) => Err(format!("the task failed: {e}")),
                Err(_) => Err(format!("the task did not finish within {within}")),
            },
            MaybeSend::NotSend(f) => tokio::time::timeout(limit, f)
                .await
                .map_err(|_| format!("the future did not finish within {within}")),
        }
    });
    let returned = match outcome {
        Ok(Ok(())) => "Ok(())".to_owned(),
        Ok(Err(e)) => format!("Err({e})"),
        Err(e) => e,
    };
    redis.expect_written(
        "greeting:ferris",
        "hello, ferris!",
        "save_greeting(addr, \"ferris\")",
        &returned,
    )
}
