//! Chapter 1, Hello Tokio: the learner's first client.
//!
//! The learner writes a client, not a server, so the reference here is a
//! real `mini_redis` server ([`RedisFixture`]) rather than a transcript. Each
//! check grades by effect — what the server holds afterwards — and uses the
//! proxy's recording to say what the client actually sent.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;

use crate::failure::{Failure, describe_bytes};
use crate::fixtures::{RedisFixture, block_on};
use crate::manifest::exercise;
use crate::mistakes::{
    self, ANSWER_WITHOUT_ASKING, CURRENT_THREAD_RUNTIME, FORGOTTEN_AWAIT, GET_BEFORE_SET,
    HARD_CODED_PORT, RETURNS_BEFORE_DONE,
};
use crate::suite::Suite;

/// The public API of a chapter-1 crate, as the grader calls it.
///
/// A crate's `tests/grade.rs` implements it in plain Rust, one line per
/// function (`cargo workbook dev gen` writes the chapter's from the
/// solution's). Every method has a default that is not part of the
/// exercise, so a gallery entry writes only the function its mistake is in.
pub trait Api {
    /// Exercise 1.1: connect to `addr`, SET `hello` to `world`, GET it back.
    fn hello_redis(addr: SocketAddr) -> impl Future<Output = mini_redis::Result<Option<Bytes>>> {
        let _ = addr;
        async { unimplemented!("not part of this gallery entry") }
    }
    /// Exercise 1.2: drive any future to completion from a plain function.
    fn run<F: Future>(future: F) -> F::Output {
        drop(future);
        unimplemented!("not part of this gallery entry")
    }
    /// Exercise 1.3: remember a visit on the server.
    fn record_visit(addr: SocketAddr, name: &str) -> impl Future<Output = mini_redis::Result<()>> {
        let _ = (addr, name);
        async { unimplemented!("not part of this gallery entry") }
    }
}

/// How long the learner's client may take before a check gives up on it
/// (well inside the harness's deadline, so the check can still explain).
fn client_timeout() -> Duration {
    crate::harness::scaled(Duration::from_secs(5))
}

/// The chapter's suite for the API `A`, reported as package `package`.
pub fn suite<A: Api>(package: &'static str) -> Suite {
    use crate::check;
    let hello = exercise("hello-redis");
    let runtime = exercise("runtime-by-hand");
    let lazy = exercise("lazy-futures");
    Suite::new(
        1,
        package,
        vec![
            check!(hello, connects_to_the_address_it_is_given::<A>),
            check!(hello, the_set_reaches_the_server::<A>),
            check!(hello, get_returns_world::<A>),
            check!(runtime, a_plain_function_drives_a_future::<A>),
            check!(runtime, the_runtime_can_do_network_io::<A>),
            check!(runtime, the_runtime_has_timers::<A>),
            check!(lazy, the_visitor_reaches_the_server::<A>),
            check!(lazy, the_greeting_reaches_the_server::<A>),
            check!(lazy, record_visit_is_done_when_it_returns::<A>),
        ],
    )
}

/// The whole `main` of a chapter-1 crate's `tests/grade.rs`.
pub fn main<A: Api>(package: &'static str) -> ! {
    crate::harness::main(suite::<A>(package))
}

// ---------------------------------------------------------------------------
// 1.1 Say hello to Redis

/// Runs the learner's `hello_redis` against a fresh server.
fn run_hello<A: Api>(redis: &RedisFixture) -> Result<Option<Bytes>, String> {
    let addr = redis.addr();
    block_on(async move {
        match tokio::time::timeout(client_timeout(), A::hello_redis(addr)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(format!("Err({e})")),
            Err(_) => Err(format!(
                "nothing: hello_redis did not return within {}",
                crate::harness::runner::seconds(client_timeout())
            )),
        }
    })
}

fn show(result: &Result<Option<Bytes>, String>) -> String {
    match result {
        Ok(Some(value)) => format!("Ok(Some({}))", describe_bytes(value)),
        Ok(None) => "Ok(None)".to_owned(),
        Err(e) => e.clone(),
    }
}

/// Explains an unsatisfying `hello_redis` run from what the proxy saw.
fn diagnose_hello(
    redis: &RedisFixture,
    what: &str,
    result: &Result<Option<Bytes>, String>,
) -> Failure {
    let failure = Failure::new(what)
        .sent(redis.sent())
        .received(redis.received())
        .got(format!("hello_redis returned {}", show(result)));
    if redis.wires().is_empty() {
        return failure
            .expected(format!("a connection to {}", redis.addr()))
            .mistake(HARD_CODED_PORT);
    }
    let commands = redis.commands();
    let set = commands
        .iter()
        .position(|c| c.first().is_some_and(|n| n == "set"));
    let get = commands
        .iter()
        .position(|c| c.first().is_some_and(|n| n == "get"));
    let expected = "SET hello world, answered +OK, then GET hello, answered $5 world";
    match (set, get) {
        (None, _) => failure.expected(expected).mistake(FORGOTTEN_AWAIT),
        (Some(s), Some(g)) if g < s => failure.expected(expected).mistake(GET_BEFORE_SET),
        _ => failure.expected(expected),
    }
}

/// Proves the client connects to the address it is handed. Catches a
/// hard-coded `127.0.0.1:6379`.
fn connects_to_the_address_it_is_given<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let result = run_hello::<A>(&redis);
    if redis.wires().is_empty() {
        return Err(diagnose_hello(
            &redis,
            "hello_redis never connected to the address it was given.",
            &result,
        ));
    }
    Ok(())
}

/// Proves the SET really reached the server, by reading the key behind the
/// client's back. Catches a SET future that was never awaited.
fn the_set_reaches_the_server<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let result = run_hello::<A>(&redis);
    match redis.get("hello") {
        Ok(Some(value)) if value == "world" => Ok(()),
        Ok(value) => Err(diagnose_hello(
            &redis,
            &format!(
                "After hello_redis returned, the server holds hello = {}, not \"world\".",
                value.map_or("(nothing)".to_owned(), |v| describe_bytes(&v))
            ),
            &result,
        )),
        Err(e) => Err(Failure::new(format!(
            "The grader could not check the server: {e}"
        ))),
    }
}

/// Proves the function returns the value it read back with a GET. Catches
/// a GET sent before the SET, a function that returns something else, and
/// one that returns "world" without asking.
fn get_returns_world<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let result = run_hello::<A>(&redis);
    let asked = redis
        .commands()
        .iter()
        .any(|c| c.first().is_some_and(|n| n == "get") && c.get(1).is_some_and(|k| k == "hello"));
    match &result {
        Ok(Some(value)) if value == "world" && !asked => Err(Failure::new(
            "hello_redis returned \"world\", but no GET hello reached the server.",
        )
        .sent(redis.sent())
        .received(redis.received())
        .expected("the value from the server's reply to GET hello")
        .mistake(ANSWER_WITHOUT_ASKING)),
        Ok(Some(value)) if value == "world" => Ok(()),
        _ => Err(diagnose_hello(
            &redis,
            "hello_redis should return Ok(Some(\"world\")), the value GET read back.",
            &result,
        )),
    }
}

// ---------------------------------------------------------------------------
// 1.2 Build the runtime by hand

/// Proves `run` drives a future to completion from a plain function, on a
/// multi-thread Tokio runtime, and returns the future's output. Catches a
/// stub, a hand-rolled executor, and a current-thread runtime.
fn a_plain_function_drives_a_future<A: Api>() -> Result<(), Failure> {
    use tokio::runtime::{Handle, RuntimeFlavor};
    // This check runs on a plain thread: no runtime exists until `run`
    // builds one.
    let flavor = A::run(async { Handle::try_current().ok().map(|h| h.runtime_flavor()) });
    match flavor {
        Some(RuntimeFlavor::MultiThread) => Ok(()),
        None => Err(
            Failure::new("run drove the future, but not on a Tokio runtime.")
                .expected("Handle::try_current() to succeed inside the future")
                .mistake(mistakes::NO_RUNTIME),
        ),
        Some(other) => Err(Failure::new(format!(
            "run drove the future on a Tokio runtime of flavour {other:?}."
        ))
        .expected("a multi-thread runtime, as `Builder::new_multi_thread()` builds")
        .mistake(CURRENT_THREAD_RUNTIME)),
    }
}

/// Proves the runtime `run` builds can do network I/O. Catches a runtime
/// built without `enable_io`/`enable_all` (Tokio panics: "IO is disabled").
fn the_runtime_can_do_network_io<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let addr = redis.addr();
    let result = A::run(async move {
        let mut client = mini_redis::client::connect(addr).await?;
        client.set("hello", Bytes::from_static(b"world")).await?;
        client.get("hello").await
    });
    match result {
        Ok(Some(value)) if value == "world" => Ok(()),
        other => Err(Failure::new(
            "The grader's own client, driven by your run, could not SET and GET.",
        )
        .sent(redis.sent())
        .received(redis.received())
        .got(format!("{other:?}"))
        .expected("Ok(Some(b\"world\"))")),
    }
}

/// Proves the runtime `run` builds has timers. Catches a runtime built with
/// `enable_io` alone: Tokio panics ("timers are disabled") at the sleep,
/// and the harness names the mistake from that panic.
fn the_runtime_has_timers<A: Api>() -> Result<(), Failure> {
    // The sleep is made inside the future: outside a runtime, making it
    // would panic before `run` could build one.
    A::run(async { tokio::time::sleep(Duration::from_millis(1)).await });
    Ok(())
}

// ---------------------------------------------------------------------------
// 1.3 The visit that never happened

const VISITOR: &str = "ferris";

fn run_visit<A: Api>(redis: &RedisFixture) -> String {
    let addr = redis.addr();
    block_on(async move {
        match tokio::time::timeout(client_timeout(), A::record_visit(addr, VISITOR)).await {
            Ok(Ok(())) => "Ok(())".to_owned(),
            Ok(Err(e)) => format!("Err({e})"),
            Err(_) => format!(
                "nothing: record_visit did not return within {}",
                crate::harness::runner::seconds(client_timeout())
            ),
        }
    })
}

/// Grades one key that `record_visit` must have written.
fn visit_wrote<A: Api>(key: &str, value: &str) -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let returned = run_visit::<A>(&redis);
    redis.expect_written(
        key,
        value,
        &format!("record_visit(addr, {VISITOR:?})"),
        &returned,
    )
}

/// Proves `last-visitor` was written before `record_visit` returned.
/// Catches the SET future that is created and dropped.
fn the_visitor_reaches_the_server<A: Api>() -> Result<(), Failure> {
    visit_wrote::<A>("last-visitor", VISITOR)
}

/// Proves the greeting was written too. Catches fixing only the first of
/// the two forgotten futures.
fn the_greeting_reaches_the_server<A: Api>() -> Result<(), Failure> {
    visit_wrote::<A>("greeting:ferris", "hello, ferris!")
}

/// Polls `record_visit`'s future by hand, with tokio-test's task harness:
/// each time it is pending, the grader waits for the wake-up the future
/// arranged, and once it is ready, both keys must be on the server.
/// Catches a visit handed to `tokio::spawn` and left to finish after the
/// function returned: that future is ready at its first poll, before any
/// connection was made — deterministically, not by luck of timing.
fn record_visit_is_done_when_it_returns<A: Api>() -> Result<(), Failure> {
    use std::task::Poll;
    let redis = RedisFixture::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("The grader could not start a runtime: {e}")))?;
    // Polled here, on this thread, inside the runtime's context; the
    // runtime's workers drive the I/O and deliver the wake-ups.
    let _context = runtime.enter();
    let mut visit = tokio_test::task::spawn(A::record_visit(redis.addr(), VISITOR));
    let deadline = std::time::Instant::now() + client_timeout();
    let mut polls = 0;
    let returned = loop {
        polls += 1;
        if let Poll::Ready(result) = visit.poll() {
            break result;
        }
        while !visit.is_woken() {
            if std::time::Instant::now() > deadline {
                return Err(Failure::new(format!(
                    "record_visit's future was pending after {polls} polls and nobody woke it \
                     within {}.",
                    crate::harness::runner::seconds(client_timeout())
                ))
                .sent(redis.sent())
                .received(redis.received()));
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    };
    let returned = match returned {
        Ok(()) => "Ok(())".to_owned(),
        Err(e) => format!("Err({e})"),
    };
    // A future that talks to a server cannot be ready at its first poll:
    // connecting alone waits for the I/O driver at least once.
    if polls == 1 {
        return Err(Failure::new(format!(
            "record_visit's future was ready at its first poll: it returned {returned} without \
             waiting for the server at all."
        ))
        .expected("pending until the server has answered both SETs")
        .mistake(RETURNS_BEFORE_DONE));
    }
    let call = format!("record_visit(addr, {VISITOR:?})");
    redis.expect_written("last-visitor", VISITOR, &call, &returned)?;
    redis.expect_written("greeting:ferris", "hello, ferris!", &call, &returned)
}
