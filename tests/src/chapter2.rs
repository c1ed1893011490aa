//! Chapter 2, Spawning: the learner's first server.
//!
//! Exercises 2.1–2.3 are servers, graded over real TCP on port 0 by the
//! generic checks in this module (written against [`Serve`], so later server
//! chapters reuse them) and by transcripts recorded from the reference
//! solution. 2.4 and 2.5 are client-side tasks: a [`GetGate`] server proves
//! that `fetch_all`'s tasks run at once, and a [`RedisFixture`] grades the
//! `Send` exercise by effect.

use std::future::Future;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpListener;

use crate::failure::{BookRef, Failure, Mistake, describe_bytes};
use crate::harness::{Check, Suite};
use crate::manifest::exercise;
use crate::probe::MaybeSend;
use crate::redis::{RedisFixture, block_on};
use crate::server::{Client, NoReply, RunningServer, Serve, Transcript, command, reply_matches};

/// The public API of a chapter-2 crate, as the grader calls it. The
/// [`chapter2!`](crate::chapter2) macro implements it for a crate.
pub trait Api: 'static {
    /// Exercise 2.1.
    fn reply_with_errors(listener: TcpListener) -> impl Future<Output = Result<(), String>>;
    /// Exercise 2.2.
    fn serve_concurrently(listener: TcpListener) -> impl Future<Output = Result<(), String>>;
    /// Exercise 2.3.
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>>;
    /// Exercise 2.4.
    fn fetch_all(
        addr: SocketAddr,
        keys: Vec<String>,
    ) -> impl Future<Output = mini_redis::Result<Vec<Option<Bytes>>>>;
    /// Exercise 2.5, sorted by whether its future is `Send`.
    fn save_greeting(addr: SocketAddr, name: String) -> MaybeSend<mini_redis::Result<()>>;
}

/// Exercise 2.1's server.
pub struct ReplyWithErrors<A>(PhantomData<A>);
/// Exercise 2.2's server.
pub struct ServeConcurrently<A>(PhantomData<A>);
/// Exercise 2.3's server.
pub struct ServeGetSet<A>(PhantomData<A>);

impl<A: Api> Serve for ReplyWithErrors<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        A::reply_with_errors(listener)
    }
}

impl<A: Api> Serve for ServeConcurrently<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        A::serve_concurrently(listener)
    }
}

impl<A: Api> Serve for ServeGetSet<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        A::serve(listener)
    }
}

const PAGE: &str = "ch02-spawning";

const fn common(anchor: &'static str, title: &'static str) -> BookRef {
    BookRef {
        page: PAGE,
        anchor,
        title,
    }
}

/// The server never answered the listener it was given.
pub const HARD_CODED_PORT: Mistake = Mistake {
    id: "hard-coded-port",
    explanation: "Your server never answered on the listener it was given. Accept on \
        the `listener` parameter; do not bind a listener of your own to a fixed \
        port such as 6379: the caller chose the address.",
    book: common(
        "mistake-hard-coded-port",
        "Common mistakes: a listener of your own",
    ),
};

/// Only the first frame of a connection is read.
pub const IF_LET_NOT_LOOP: Mistake = Mistake {
    id: "if-let-not-loop",
    explanation: "Your server answered the first command of a connection and then \
        stopped listening to it. A client sends many commands over one \
        connection: read frames in a `while let Some(frame) = …` loop, not \
        with a single `if let`.",
    book: common(
        "mistake-if-let",
        "Common mistakes: `if let` where a loop is needed",
    ),
};

/// The accept loop is not a loop.
pub const ACCEPTS_ONCE: Mistake = Mistake {
    id: "accepts-once",
    explanation: "Your server served one client and then no other. `accept` returns \
        one connection; call it again, in a `loop`, for every client to come.",
    book: common("mistake-accepts-once", "Common mistakes: accepting once"),
};

/// One client at a time.
pub const SEQUENTIAL_SERVER: Mistake = Mistake {
    id: "sequential-server",
    explanation: "While one client stayed connected and silent, your server did not \
        answer another: it serves one connection at a time. Hand each accepted \
        socket to `tokio::spawn(async move { … })` and go straight back to \
        `accept`.",
    book: common(
        "mistake-sequential-server",
        "Common mistakes: one client at a time",
    ),
};

/// A panic on a command the server does not know.
pub const PANIC_ON_UNKNOWN: Mistake = Mistake {
    id: "panic-on-unknown",
    explanation: "After a command your server does not know, the connection closed: \
        the task most likely panicked (`unimplemented!()`, `panic!`, an \
        `unwrap`). Answer with an error frame — `Frame::Error(\"ERR unknown \
        command …\")` — and keep reading.",
    book: common(
        "mistake-panic-on-unknown",
        "Common mistakes: a panic on an unknown command",
    ),
};

/// A missing key answered with an empty string instead of nil.
pub const MISSING_KEY_NOT_NULL: Mistake = Mistake {
    id: "missing-key-not-null",
    explanation: "For a key that is not there, Redis answers a null bulk string, \
        `$-1\\r\\n` — `Frame::Null` — which clients read as \"no value\". An empty \
        bulk string, `$0\\r\\n\\r\\n`, means \"the value is empty\": a different \
        answer.",
    book: common(
        "mistake-missing-key",
        "Common mistakes: nothing is not empty",
    ),
};

/// A bad frame makes the connection task spin.
pub const RETRIES_BAD_FRAME: Mistake = Mistake {
    id: "retries-bad-frame",
    explanation: "After a malformed frame, your server neither answered nor closed \
        the connection. A read error does not go away by reading again: the \
        bad bytes are still in the buffer, so `continue` spins. End the \
        connection (or answer once and end it) on `Err`.",
    book: common("mistake-bad-frame", "Common mistakes: retrying a bad frame"),
};

/// The whole server stops because one connection failed.
pub const SERVER_STOPPED: Mistake = Mistake {
    id: "server-stopped",
    explanation: "One client's trouble stopped the whole server: an error from a \
        single connection reached the accept loop (often through `?`) and \
        ended it. Errors of one connection belong to its task; the accept \
        loop only stops when accepting itself fails.",
    book: common(
        "mistake-server-stopped",
        "Common mistakes: one client stops them all",
    ),
};

/// GET answers from one slot, whatever the key.
pub const IGNORES_KEY: Mistake = Mistake {
    id: "ignores-key",
    explanation: "Clients got each other's values back: your store does not keep \
        values apart by key. Use a `HashMap<String, Bytes>` and look the key up.",
    book: common(
        "mistake-ignores-key",
        "Common mistakes: one value for every key",
    ),
};

/// Each task awaited before the next is spawned.
pub const SEQUENTIAL_TASKS: Mistake = Mistake {
    id: "sequential-tasks",
    explanation: "Your GETs arrived one after another, never together: each task was \
        awaited before the next was spawned. Spawn them all first, keep the \
        `JoinHandle`s in a `Vec`, then await them.",
    book: common(
        "mistake-sequential-tasks",
        "Common mistakes: spawn, await, spawn, await",
    ),
};

/// Results collected in completion order.
pub const COMPLETION_ORDER: Mistake = Mistake {
    id: "completion-order",
    explanation: "The values are right but in the wrong order: they came back in the \
        order the tasks finished (as with a `JoinSet`, or a channel). Await the \
        `JoinHandle`s in the order you spawned them.",
    book: common(
        "mistake-completion-order",
        "Common mistakes: finishing order",
    ),
};

/// A non-`Send` value held across an `.await`.
pub const NOT_SEND: Mistake = Mistake {
    id: "not-send",
    explanation: "This future is not `Send`, so `tokio::spawn` would refuse it (\"future \
        cannot be sent between threads safely\"). Something that is not `Send` — \
        an `Rc`, a `RefCell` borrow, a std `MutexGuard` — is still in scope at \
        an `.await`. Use a `Send` type (`Arc`, an owned `String`), or close \
        its scope with a block `{ … }` before the `.await` (`drop` is not \
        enough: the compiler goes by scope).",
    book: common(
        "mistake-not-send",
        "Common mistakes: a value that cannot change threads",
    ),
};

/// Every mistake this chapter's checks can name.
pub const MISTAKES: [Mistake; 12] = [
    HARD_CODED_PORT,
    IF_LET_NOT_LOOP,
    ACCEPTS_ONCE,
    SEQUENTIAL_SERVER,
    PANIC_ON_UNKNOWN,
    MISSING_KEY_NOT_NULL,
    RETRIES_BAD_FRAME,
    SERVER_STOPPED,
    IGNORES_KEY,
    SEQUENTIAL_TASKS,
    COMPLETION_ORDER,
    NOT_SEND,
];

/// The chapter's suite for the API `A`, reported as package `package`.
pub fn suite<A: Api>(package: &'static str) -> Suite {
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
            Check::new(
                accept,
                "answers_a_command_with_an_error_frame",
                answers_a_command_with_an_error_frame::<E<A>>,
            ),
            Check::new(
                accept,
                "answers_every_command_on_a_connection",
                answers_every_command_on_a_connection::<E<A>>,
            ),
            Check::new(
                accept,
                "serves_the_next_client_after_one_leaves",
                serves_the_next_client_after_one_leaves::<E<A>>,
            ),
            Check::new(
                spawn,
                "an_idle_client_does_not_block_others",
                an_idle_client_does_not_block_others::<C<A>>,
            ),
            Check::new(
                spawn,
                "answers_every_command_on_a_connection",
                answers_every_command_on_a_connection::<C<A>>,
            ),
            Check::new(
                getset,
                "set_and_get_match_the_reference_transcript",
                set_and_get_match_the_reference_transcript::<G<A>>,
            ),
            Check::new(
                getset,
                "an_unknown_command_gets_an_error_and_the_connection_lives",
                an_unknown_command_gets_an_error_and_the_connection_lives::<G<A>>,
            ),
            Check::new(
                getset,
                "an_idle_client_does_not_block_others",
                an_idle_client_does_not_block_others::<G<A>>,
            ),
            Check::new(
                getset,
                "a_malformed_frame_gets_an_error_or_a_close",
                a_malformed_frame_gets_an_error_or_a_close::<G<A>>,
            ),
            Check::new(
                getset,
                "a_client_leaving_mid_command_does_not_stop_the_server",
                a_client_leaving_mid_command_does_not_stop_the_server::<G<A>>,
            ),
            Check::new(
                getset,
                "fifty_interleaved_clients_get_their_own_values",
                fifty_interleaved_clients_get_their_own_values::<G<A>>,
            ),
            Check::new(
                fetch,
                "returns_values_in_the_order_of_the_keys",
                returns_values_in_the_order_of_the_keys::<A>,
            ),
            Check::new(
                fetch,
                "runs_the_tasks_at_the_same_time",
                runs_the_tasks_at_the_same_time::<A>,
            ),
            Check::new(
                send,
                "the_greeting_task_is_send",
                the_greeting_task_is_send::<A>,
            ),
            Check::new(
                send,
                "the_greeting_reaches_the_server",
                the_greeting_reaches_the_server::<A>,
            ),
        ],
    )
}

// ---------------------------------------------------------------------------
// Server checks, generic over how the server starts (reused by later
// chapters).

/// Whether something other than us holds 127.0.0.1:6379 right now.
fn port_6379_taken() -> bool {
    std::net::TcpListener::bind("127.0.0.1:6379").is_err()
}

/// Explains a server that did not reply: stopped, bound its own port, or
/// simply silent.
pub(crate) fn no_reply(
    server: &RunningServer,
    what: &str,
    client: &Client,
    why: &NoReply,
    taken_before: bool,
) -> Failure {
    let mut failure = Failure::new(format!("{what}: {}.", why.describe()))
        .sent(client.sent.clone())
        .received(client.received.clone());
    if let Some(fate) = server.fate() {
        failure = failure.got(fate.clone());
        if fate.contains("in use") || fate.contains("6379") {
            return failure.mistake(HARD_CODED_PORT);
        }
    }
    if !taken_before && port_6379_taken() {
        return failure
            .got("a listener of your server's own on 127.0.0.1:6379")
            .mistake(HARD_CODED_PORT);
    }
    failure
}

/// One client, one GET: the reply must be an error frame. Catches a stub,
/// and a server that listens somewhere else.
pub fn answers_a_command_with_an_error_frame<S: Serve>() -> Result<(), Failure> {
    let taken_before = port_6379_taken();
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut client = Client::connect(server.addr()).await?;
        match client.call(&command(&["GET", "hello"])).await {
            Ok(reply) if reply.first() == Some(&b'-') => Ok(()),
            Ok(reply) => Err(Failure::new("The reply to GET was not an error frame.")
                .sent(client.sent.clone())
                .received(reply)
                .expected("an error frame: \"-ERR …\\r\\n\"")),
            Err(why) => Err(no_reply(
                &server,
                "GET hello got no answer",
                &client,
                &why,
                taken_before,
            )),
        }
    })
}

/// Three commands on one connection, each answered. Catches `if let`
/// where `while let` is needed.
pub fn answers_every_command_on_a_connection<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut client = Client::connect(server.addr()).await?;
        for (i, key) in ["one", "two", "three"].iter().enumerate() {
            if let Err(why) = client.call(&command(&["GET", key])).await {
                let failure = no_reply(
                    &server,
                    &format!("Command {} of 3 on one connection", i + 1),
                    &client,
                    &why,
                    true,
                )
                .expected("one reply per command, for as long as the client stays");
                return Err(if i > 0 {
                    failure.mistake(IF_LET_NOT_LOOP)
                } else {
                    failure
                });
            }
        }
        Ok(())
    })
}

/// A client comes and goes; the next one is served. Catches an accept
/// that is not in a loop.
pub fn serves_the_next_client_after_one_leaves<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut first = Client::connect(server.addr()).await?;
        if let Err(why) = first.call(&command(&["GET", "hello"])).await {
            return Err(no_reply(
                &server,
                "The first client's GET",
                &first,
                &why,
                true,
            ));
        }
        first.close().await;
        if server.wait_ended(SETTLE).await.is_some() {
            return Err(
                Failure::new("After the first client left, your server stopped.")
                    .got(server.fate().unwrap_or_default())
                    .expected("the accept loop goes on to the next client")
                    .mistake(ACCEPTS_ONCE),
            );
        }
        let mut second = match Client::connect(server.addr()).await {
            Ok(client) => client,
            // The listener closes when the serve function returns.
            Err(failure) => {
                return Err(failure
                    .got(server.fate().unwrap_or_default())
                    .expected("the accept loop goes on to the next client")
                    .mistake(ACCEPTS_ONCE));
            }
        };
        match second.call(&command(&["GET", "hello"])).await {
            Ok(_) => Ok(()),
            Err(why) => Err(no_reply(
                &server,
                "After the first client left, the second client's GET",
                &second,
                &why,
                true,
            )
            .expected("a reply: the accept loop goes on to the next client")
            .mistake(ACCEPTS_ONCE)),
        }
    })
}

/// A silent client stays connected while another is served. Catches a
/// server that handles connections one at a time.
pub fn an_idle_client_does_not_block_others<S: Serve>() -> Result<(), Failure> {
    idle_client_check::<S>(false, SEQUENTIAL_SERVER)
}

/// The idle-client check. With `speaks_first`, the idle client sends one
/// GET and reads its reply before it falls silent, so its connection is
/// surely being served (and anything its task locks for the whole
/// connection, locked). A failure names `mistake`.
pub(crate) fn idle_client_check<S: Serve>(
    speaks_first: bool,
    mistake: Mistake,
) -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        // Connected first, so the server accepts it first; then silent.
        let mut idle = Client::connect(server.addr()).await?;
        if speaks_first {
            if let Err(why) = idle.call(&command(&["GET", "hello"])).await {
                return Err(no_reply(
                    &server,
                    "The first client's GET",
                    &idle,
                    &why,
                    true,
                ));
            }
        }
        let mut busy = Client::connect(server.addr()).await?;
        let result = busy.call(&command(&["GET", "hello"])).await;
        drop(idle);
        let what = if speaks_first {
            "With one client connected and silent after its first command, another client's GET"
        } else {
            "With one silent client connected, another client's GET"
        };
        match result {
            Ok(_) => Ok(()),
            Err(why) => Err(no_reply(&server, what, &busy, &why, true)
                .expected("a reply to the second client while the first stays silent")
                .mistake(mistake)),
        }
    })
}

/// The reference session, as committed in `tests/transcripts/`.
const SET_GET: &str = include_str!("../transcripts/ch02-set-get.snap");
const UNKNOWN: &str = include_str!("../transcripts/ch02-unknown-command.snap");

fn set_get_script() -> Vec<Vec<u8>> {
    vec![
        command(&["SET", "hello", "world"]),
        command(&["GET", "hello"]),
        command(&["GET", "missing"]),
        command(&["SET", "hello", "again"]),
        command(&["GET", "hello"]),
    ]
}

/// PING, then SET and GET on the same connection.
pub(crate) fn unknown_script() -> Vec<Vec<u8>> {
    vec![
        command(&["PING"]),
        command(&["SET", "after", "ping"]),
        command(&["GET", "after"]),
    ]
}

/// Replays `script` on one connection and compares every reply with the
/// reference transcript `name` (`chNN-…`, recorded by `solution-N`).
/// `on_close` names the mistake when the connection closes before the end.
pub(crate) fn replay<S: Serve>(
    name: &str,
    committed: &str,
    script: &[Vec<u8>],
    on_close: Option<Mistake>,
) -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    let (client, replies) = block_on(async {
        let mut client = Client::connect(server.addr()).await?;
        let mut replies = Vec::new();
        for request in script {
            let reply = client.call(request).await;
            let stop = reply.is_err();
            replies.push(reply);
            if stop {
                break;
            }
        }
        Ok::<_, Failure>((client, replies))
    })?;

    if crate::reference::recording() {
        let mut exchanges = Vec::new();
        for (request, reply) in script.iter().zip(&replies) {
            match reply {
                Ok(reply) => exchanges.push((request.clone(), reply.clone())),
                Err(why) => {
                    return Err(Failure::new(format!(
                        "The reference server failed: {}",
                        why.describe()
                    )));
                }
            }
        }
        crate::reference::record(name, &Transcript { exchanges }.render());
        return Ok(());
    }

    let transcript = Transcript::parse(committed)
        .map_err(|e| Failure::new(format!("The grader's transcript {name} is unreadable: {e}")))?;
    if transcript.requests() != script {
        // `ch02-set-get` is recorded by `solution-2`.
        let chapter: u32 = name.get(2..4).and_then(|n| n.parse().ok()).unwrap_or(0);
        return Err(Failure::new(format!(
            "The grader's transcript {name} is out of date (maintainers: re-record it with \
             `cargo test -p solution-{chapter}`, then review it)."
        )));
    }
    for (i, ((request, expected), got)) in transcript.exchanges.iter().zip(&replies).enumerate() {
        let step = format!("Step {} of {}", i + 1, transcript.exchanges.len());
        match got {
            Ok(reply) if reply_matches(expected, reply) => {}
            Ok(reply) => {
                let mut failure = Failure::new(format!(
                    "{step}: the reply to {} differs from the reference server's.",
                    describe_bytes(request)
                ))
                .sent(client.sent.clone())
                .received(client.received.clone())
                .expected(describe_bytes(expected))
                .got(describe_bytes(reply));
                if expected.as_slice() == b"$-1\r\n" {
                    failure = failure.mistake(MISSING_KEY_NOT_NULL);
                }
                return Err(failure);
            }
            Err(why) => {
                let mut failure = no_reply(
                    &server,
                    &format!("{step}: {}", describe_bytes(request)),
                    &client,
                    why,
                    true,
                )
                .expected(describe_bytes(expected));
                if let (Some(m), NoReply::Closed(_)) = (on_close, why) {
                    failure = failure.mistake(m);
                }
                return Err(failure);
            }
        }
    }
    Ok(())
}

/// SET, GET, GET of a missing key, SET again, GET: the exact bytes of the
/// reference server. Catches wrong encodings, such as an empty string for
/// a missing key.
pub fn set_and_get_match_the_reference_transcript<S: Serve>() -> Result<(), Failure> {
    replay::<S>(
        "ch02-set-get",
        SET_GET,
        &set_get_script(),
        Some(IF_LET_NOT_LOOP),
    )
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

/// How long a check gives a server to react to a client's exit before it
/// looks whether the server is still there.
pub(crate) const SETTLE: Duration = Duration::from_millis(150);

/// SET then GET on a fresh connection must work; used after a misbehaving
/// client to show the server still serves everyone else.
async fn still_serves(server: &RunningServer, after: &str) -> Result<(), Failure> {
    if server.wait_ended(SETTLE).await.is_some() {
        return Err(Failure::new(format!("{after}, your server stopped."))
            .got(server.fate().unwrap_or_default())
            .expected("the server keeps serving other clients")
            .mistake(SERVER_STOPPED));
    }
    let mut client = Client::connect(server.addr()).await.map_err(|f| {
        Failure::new(format!(
            "{after}, a new client could not connect to your server."
        ))
        .got(server.fate().unwrap_or(f.what))
        .mistake(SERVER_STOPPED)
    })?;
    for (request, expected) in [
        (command(&["SET", "still", "here"]), b"+OK\r\n".to_vec()),
        (command(&["GET", "still"]), b"$4\r\nhere\r\n".to_vec()),
    ] {
        match client.call(&request).await {
            Ok(reply) if reply == expected => {}
            Ok(reply) => {
                return Err(Failure::new(format!(
                    "{after}, a new client's command was answered wrongly."
                ))
                .sent(client.sent.clone())
                .received(reply)
                .expected(describe_bytes(&expected)));
            }
            Err(why) => {
                let mut failure = no_reply(
                    server,
                    &format!("{after}, a new client's command"),
                    &client,
                    &why,
                    true,
                );
                if server.ended().is_some() {
                    failure = failure.mistake(SERVER_STOPPED);
                }
                return Err(failure);
            }
        }
    }
    Ok(())
}

/// Garbage on one connection gets an error reply or a close — not silence
/// — and other clients are still served. Catches a read loop that retries
/// a frame it cannot parse.
pub fn a_malformed_frame_gets_an_error_or_a_close<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut bad = Client::connect(server.addr()).await?;
        // `%` starts no RESP type this server knows.
        let garbage = b"%not a frame\r\n";
        if let Err(why) = bad.send(garbage).await {
            return Err(Failure::new(format!(
                "Sending a malformed frame failed: {}",
                why.describe()
            )));
        }
        match bad.reply().await {
            Ok(reply) if reply.first() == Some(&b'-') => {}
            Err(NoReply::Closed(_) | NoReply::Broken(_)) => {}
            Ok(reply) => {
                return Err(
                    Failure::new("A malformed frame got a reply that is not an error.")
                        .sent(bad.sent.clone())
                        .received(reply)
                        .expected("an error frame, or the connection closed"),
                );
            }
            Err(why @ NoReply::Silent(_)) => {
                return Err(
                    Failure::new(format!("After a malformed frame: {}.", why.describe()))
                        .sent(bad.sent.clone())
                        .received(bad.received.clone())
                        .expected("an error frame, or the connection closed")
                        .mistake(RETRIES_BAD_FRAME),
                );
            }
        }
        still_serves(&server, "After another client sent a malformed frame").await
    })
}

/// A client that hangs up halfway through a frame costs only its own
/// connection. Catches one connection's error ending the accept loop.
pub fn a_client_leaving_mid_command_does_not_stop_the_server<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut quitter = Client::connect(server.addr()).await?;
        let whole = command(&["SET", "hello", "world"]);
        let _ = quitter.send(&whole[..whole.len() / 2]).await;
        quitter.close().await;
        still_serves(&server, "After a client hung up in the middle of a command").await
    })
}

/// Fifty clients connect at once and take turns: each SETs its own key,
/// then each GETs it back. Catches a store that ignores the key.
pub fn fifty_interleaved_clients_get_their_own_values<S: Serve>() -> Result<(), Failure> {
    const CLIENTS: usize = 50;
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut clients = Vec::with_capacity(CLIENTS);
        for _ in 0..CLIENTS {
            clients.push(Client::connect(server.addr()).await?);
        }
        // Round one: every client SETs; round two: every client GETs.
        for (i, client) in clients.iter_mut().enumerate() {
            let request = command(&["SET", &format!("key:{i}"), &format!("value {i}")]);
            match client.call(&request).await {
                Ok(reply) if reply == b"+OK\r\n" => {}
                Ok(reply) => {
                    return Err(
                        Failure::new(format!("Client {i}'s SET was not answered +OK."))
                            .sent(client.sent.clone())
                            .received(reply)
                            .expected("\"+OK\\r\\n\""),
                    );
                }
                Err(why) => {
                    return Err(no_reply(
                        &server,
                        &format!("Client {i} of {CLIENTS}'s SET"),
                        client,
                        &why,
                        true,
                    ));
                }
            }
        }
        for (i, client) in clients.iter_mut().enumerate() {
            let value = format!("value {i}");
            let expected = format!("${}\r\n{value}\r\n", value.len()).into_bytes();
            match client.call(&command(&["GET", &format!("key:{i}")])).await {
                Ok(reply) if reply == expected => {}
                Ok(reply) => {
                    let other = (0..CLIENTS).any(|j| {
                        let v = format!("value {j}");
                        j != i && reply == format!("${}\r\n{v}\r\n", v.len()).into_bytes()
                    });
                    let failure =
                        Failure::new(format!("Client {i} read back the wrong value for key:{i}."))
                            .sent(client.sent.clone())
                            .received(client.received.clone())
                            .expected(describe_bytes(&expected))
                            .got(describe_bytes(&reply));
                    return Err(if other {
                        failure.mistake(IGNORES_KEY)
                    } else {
                        failure
                    });
                }
                Err(why) => {
                    return Err(no_reply(
                        &server,
                        &format!("Client {i} of {CLIENTS}'s GET"),
                        client,
                        &why,
                        true,
                    ));
                }
            }
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// 2.4 Tasks that return something

/// A GET-only server that holds every reply until all the expected GETs
/// have arrived (or a short wait runs out), then answers them in reverse
/// order of the keys. Concurrent tasks pass the gate at once; sequential
/// ones each wait it out, and that is how the check tells them apart.
pub struct GetGate {
    runtime: Option<tokio::runtime::Runtime>,
    addr: SocketAddr,
    state: Arc<Mutex<GateState>>,
}

#[derive(Debug, Default)]
struct GateState {
    arrived: usize,
    timed_out: bool,
}

/// How long a GET waits at the gate for the others.
const GATE_WAIT: Duration = Duration::from_millis(500);

impl GetGate {
    /// Starts the gate for `keys`; a key named `missing` has no value.
    pub fn start(keys: &[&str]) -> GetGate {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("grader: cannot start the gate's runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("grader: cannot bind a port on 127.0.0.1");
        let addr = listener
            .local_addr()
            .expect("bound listener has an address");
        let state: Arc<Mutex<GateState>> = Arc::default();
        let all_in = Arc::new(tokio::sync::Notify::new());
        let keys: Arc<Vec<String>> = Arc::new(keys.iter().map(|k| (*k).to_owned()).collect());
        let shared = Arc::clone(&state);
        runtime.spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (state, all_in, keys) =
                    (Arc::clone(&shared), Arc::clone(&all_in), Arc::clone(&keys));
                tokio::spawn(async move {
                    let mut connection = mini_redis::Connection::new(socket);
                    while let Ok(Some(frame)) = connection.read_frame().await {
                        let key = match mini_redis::Command::from_frame(frame) {
                            Ok(mini_redis::Command::Get(get)) => get.key().to_owned(),
                            _ => {
                                let error = mini_redis::Frame::Error(
                                    "ERR this server only knows GET".into(),
                                );
                                let _ = connection.write_frame(&error).await;
                                continue;
                            }
                        };
                        let everyone = {
                            let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
                            s.arrived += 1;
                            s.arrived >= keys.len()
                        };
                        if everyone {
                            all_in.notify_waiters();
                        } else {
                            let waiting = all_in.notified();
                            if tokio::time::timeout(GATE_WAIT, waiting).await.is_err() {
                                state.lock().unwrap_or_else(|p| p.into_inner()).timed_out = true;
                            }
                        }
                        // Later keys answer first, so finishing order is the
                        // reverse of the key order.
                        let rank = keys.iter().position(|k| *k == key).unwrap_or(0);
                        let delay = 40 * u64::try_from(keys.len() - rank).unwrap_or(0);
                        tokio::time::sleep(Duration::from_millis(delay)).await;
                        let reply = if key == "missing" {
                            mini_redis::Frame::Null
                        } else {
                            mini_redis::Frame::Bulk(Bytes::from(format!("value of {key}")))
                        };
                        if connection.write_frame(&reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        GetGate {
            runtime: Some(runtime),
            addr,
            state,
        }
    }

    fn timed_out(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .timed_out
    }
}

impl Drop for GetGate {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

const FETCH_KEYS: [&str; 4] = ["alpha", "beta", "missing", "delta"];

fn expected_values() -> Vec<Option<Bytes>> {
    FETCH_KEYS
        .iter()
        .map(|k| (*k != "missing").then(|| Bytes::from(format!("value of {k}"))))
        .collect()
}

fn run_fetch<A: Api>(gate: &GetGate) -> Result<Vec<Option<Bytes>>, Failure> {
    let keys: Vec<String> = FETCH_KEYS.iter().map(|k| (*k).to_owned()).collect();
    let addr = gate.addr;
    block_on(async move {
        match tokio::time::timeout(Duration::from_secs(8), A::fetch_all(addr, keys)).await {
            Ok(Ok(values)) => Ok(values),
            Ok(Err(e)) => Err(Failure::new(format!("fetch_all returned Err({e})."))),
            Err(_) => Err(Failure::new("fetch_all did not return within 8 s.")),
        }
    })
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

/// `fetch_all(["alpha", "beta", "missing", "delta"])` returns each key's
/// value in key order (`None` for the missing one), although the server
/// answers the last key first. Catches results gathered in finishing order.
pub fn returns_values_in_the_order_of_the_keys<A: Api>() -> Result<(), Failure> {
    let gate = GetGate::start(&FETCH_KEYS);
    let values = run_fetch::<A>(&gate)?;
    let expected = expected_values();
    if values == expected {
        return Ok(());
    }
    let failure = Failure::new("fetch_all returned the wrong values.")
        .expected(show_values(&expected))
        .got(show_values(&values));
    let mut sorted_got = values.clone();
    let mut sorted_expected = expected;
    sorted_got.sort();
    sorted_expected.sort();
    Err(if sorted_got == sorted_expected {
        failure.mistake(COMPLETION_ORDER)
    } else {
        failure
    })
}

/// The GETs arrive together: every task is running before any is awaited.
/// Catches spawning a task and awaiting it before spawning the next.
pub fn runs_the_tasks_at_the_same_time<A: Api>() -> Result<(), Failure> {
    let gate = GetGate::start(&FETCH_KEYS);
    run_fetch::<A>(&gate)?;
    if gate.timed_out() {
        return Err(Failure::new(format!(
            "The server held each GET for up to {} ms waiting for the other {}, and they did \
             not come: your tasks ran one after another.",
            GATE_WAIT.as_millis(),
            FETCH_KEYS.len() - 1
        ))
        .expected(format!(
            "{} GETs in flight at once, one per task",
            FETCH_KEYS.len()
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
            // Run it here first: if it is the stub, its `todo!()` speaks.
            let _ =
                block_on(async move { tokio::time::timeout(Duration::from_secs(5), future).await });
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
    let limit = Duration::from_secs(5);
    let outcome = block_on(async move {
        match future {
            MaybeSend::Send(f) => match tokio::time::timeout(limit, tokio::spawn(f)).await {
                Ok(Ok(result)) => Ok(result),
                Ok(Err(e)) => Err(format!("the task failed: {e}")),
                Err(_) => Err("the task did not finish within 5 s".to_owned()),
            },
            MaybeSend::NotSend(f) => tokio::time::timeout(limit, f)
                .await
                .map_err(|_| "the future did not finish within 5 s".to_owned()),
        }
    });
    let returned = match outcome {
        Ok(Ok(())) => "Ok(())".to_owned(),
        Ok(Err(e)) => format!("Err({e})"),
        Err(e) => e,
    };
    let held = redis
        .get("greeting:ferris")
        .map_err(|e| Failure::new(format!("The grader could not check the server: {e}")))?;
    if held.as_deref() == Some(b"hello, ferris!".as_slice()) {
        return Ok(());
    }
    Err(Failure::new(format!(
        "After save_greeting(addr, \"ferris\"), the server holds greeting:ferris = {}.",
        held.map_or("(nothing)".to_owned(), |v| describe_bytes(&v))
    ))
    .sent(redis.sent())
    .received(redis.received())
    .got(format!("save_greeting returned {returned}"))
    .expected("greeting:ferris = \"hello, ferris!\""))
}

/// Implements [`Api`] for a crate (or module) as a type named `$name`.
#[macro_export]
macro_rules! chapter2_adapter {
    ($name:ident, $($krate:tt)+) => {
        /// The crate under test, as the grader sees it.
        pub struct $name;

        impl $crate::chapter2::Api for $name {
            fn reply_with_errors(
                listener: $crate::tokio::net::TcpListener,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<(), ::std::string::String>> {
                async move { $($krate)+::reply_with_errors(listener).await.map_err(|e| e.to_string()) }
            }

            fn serve_concurrently(
                listener: $crate::tokio::net::TcpListener,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<(), ::std::string::String>> {
                async move { $($krate)+::serve_concurrently(listener).await.map_err(|e| e.to_string()) }
            }

            fn serve(
                listener: $crate::tokio::net::TcpListener,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<(), ::std::string::String>> {
                async move { $($krate)+::serve(listener).await.map_err(|e| e.to_string()) }
            }

            fn fetch_all(
                addr: ::std::net::SocketAddr,
                keys: ::std::vec::Vec<::std::string::String>,
            ) -> impl ::std::future::Future<
                Output = $crate::mini_redis::Result<::std::vec::Vec<::std::option::Option<$crate::bytes::Bytes>>>,
            > {
                $($krate)+::fetch_all(addr, keys)
            }

            fn save_greeting(
                addr: ::std::net::SocketAddr,
                name: ::std::string::String,
            ) -> $crate::probe::MaybeSend<$crate::mini_redis::Result<()>> {
                #[allow(unused_imports)]
                use $crate::probe::{ViaLocal as _, ViaSend as _};
                // Autoref specialisation: see `grader::probe`.
                (&$crate::probe::Probe::new($($krate)+::save_greeting(addr, name))).boxed()
            }
        }
    };
}

/// The whole `tests/grade.rs` of a chapter-2 crate: `grader::chapter2!(chapter_2);`
#[macro_export]
macro_rules! chapter2 {
    ($($krate:tt)+) => {
        $crate::chapter2_adapter!(Subject, $($krate)+);

        fn main() {
            $crate::harness::main($crate::chapter2::suite::<Subject>(env!("CARGO_PKG_NAME")))
        }
    };
}
