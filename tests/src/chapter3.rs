//! Chapter 3, Shared state: one store for every connection.
//!
//! Exercises 3.1 and 3.5 are servers, graded over real TCP on port 0 with
//! several clients at once, by checks written against [`Serve`] (some of
//! them chapter 2's) and by transcripts recorded from the reference. 3.2 to
//! 3.4 are synchronous store methods, called directly; in 3.2 and 3.3 a
//! hang can only be a thread waiting for a lock it already holds, and the
//! harness reports it as that deadlock. 3.6 is a client-side counter shared by
//! many spawned tasks, graded by effect on a [`RedisFixture`], with the
//! `Send` probe of chapter 2 so that a future that cannot be spawned is a
//! failing check, never a compile error.

use std::future::Future;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpSocket, TcpStream};

use crate::chapter2::{
    IF_LET_NOT_LOOP, IGNORES_KEY, PANIC_ON_UNKNOWN, idle_client_check, no_reply, replay,
    unknown_script,
};
use crate::failure::{BookRef, Failure, Mistake, describe_bytes};
use crate::harness::{Check, Suite};
use crate::manifest::exercise;
use crate::probe::MaybeSend;
use crate::redis::{RedisFixture, block_on};
use crate::server::{Client, REPLY_TIMEOUT, RunningServer, Serve, command};

/// The public API of a chapter-3 crate, as the grader calls it. The
/// [`chapter3!`](crate::chapter3) macro implements it for a crate.
pub trait Api: 'static {
    /// The store handle of exercises 3.2 and 3.3.
    type Db: Clone + 'static;
    /// The sharded store of exercise 3.4.
    type ShardedDb: 'static;
    /// The visit counter of exercise 3.6.
    type VisitCounter: 'static;

    /// Exercise 3.1.
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>>;
    /// `Db::new`, given.
    fn db_new() -> Self::Db;
    /// Exercise 3.2: `Db::set`.
    fn db_set(db: &Self::Db, key: String, value: Bytes) -> Option<Bytes>;
    /// Exercise 3.3: `Db::get`.
    fn db_get(db: &Self::Db, key: &str) -> Option<Bytes>;
    /// `ShardedDb::new`, given.
    fn sharded_new(shards: usize) -> Self::ShardedDb;
    /// Exercise 3.4: `ShardedDb::shard_of`.
    fn shard_of(db: &Self::ShardedDb, key: &str) -> usize;
    /// Exercise 3.5.
    fn serve_sharded(listener: TcpListener) -> impl Future<Output = Result<(), String>>;
    /// `VisitCounter::new`, given.
    fn visit_counter(redis: mini_redis::client::Client) -> Self::VisitCounter;
    /// `VisitCounter::seen`, given.
    fn seen(counter: &Self::VisitCounter, page: &str) -> u64;
    /// Exercise 3.6, sorted by whether its future is `Send`.
    fn record_visit(
        counter: Arc<Self::VisitCounter>,
        page: String,
    ) -> MaybeSend<mini_redis::Result<u64>>;
}

/// Exercise 3.1's server.
pub struct SharedStore<A>(PhantomData<A>);
/// Exercise 3.5's server.
pub struct ShardedServer<A>(PhantomData<A>);

impl<A: Api> Serve for SharedStore<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        A::serve(listener)
    }
}

impl<A: Api> Serve for ShardedServer<A> {
    fn serve(listener: TcpListener) -> impl Future<Output = Result<(), String>> {
        A::serve_sharded(listener)
    }
}

const PAGE: &str = "ch03-shared-state";

const fn common(anchor: &'static str, title: &'static str) -> BookRef {
    BookRef {
        page: PAGE,
        anchor,
        title,
    }
}

/// Each connection has a store of its own.
pub const STORE_PER_CONNECTION: Mistake = Mistake {
    id: "store-per-connection",
    explanation: "A value SET on one connection was not there for a GET on another: \
        each connection has a store of its own. Make the store once, before the \
        accept loop, and move a clone of its `Arc` (`Arc::clone(&store)`) into each \
        task. A `HashMap::new()` — or an `Arc::new(…)` — inside the loop or the \
        task makes a new, empty store for every client.",
    book: common(
        "mistake-store-per-connection",
        "Common mistakes: a store per connection",
    ),
};

/// Writes went into a copy of the map.
pub const LOST_WRITE: Mistake = Mistake {
    id: "lost-write",
    explanation: "Values that were written were gone later: they went into a copy of \
        the map, not the shared one. `….lock().unwrap().clone()`, or cloning the \
        `HashMap` any other way, makes a private map that nobody else sees, and \
        writing it back later overwrites everyone else's writes. Insert through \
        the guard itself, and clone only the `Arc`. (In `Db::set`, also return \
        what `insert` returns: the value it replaced.)",
    book: common("mistake-lost-write", "Common mistakes: writing to a copy"),
};

/// A lock held while a connection waits.
pub const LOCK_ACROSS_AWAIT: Mistake = Mistake {
    id: "lock-across-await",
    explanation: "While one connection waited — for a slow client to take its reply, \
        or for its next command — the other clients got no answer: its task held \
        the store's lock across an `.await`. A `tokio::sync::Mutex` allows that, \
        and every other task then queues behind it. Lock, do one map operation, \
        and let the guard go before you `.await` anything; with a \
        `std::sync::Mutex` (or the `Db` handle) the compiler holds you to it.",
    book: common(
        "mistake-lock-across-await",
        "Common mistakes: a lock held across .await",
    ),
};

/// A thread locks a mutex it already holds.
pub const DOUBLE_LOCK: Mistake = Mistake {
    id: "double-lock",
    explanation: "Deadlock: you lock twice. A thread that holds a `std::sync::Mutex` \
        and locks it again waits for itself, forever. Look for a call to another \
        method that locks — such as `self.get(…)` inside `set` — while your guard \
        is alive, and for a guard kept alive by a `match` on \
        `….lock().unwrap().get(…)`. Do all the work through the one guard, or \
        let it go before you lock again.",
    book: common("mistake-double-lock", "Common mistakes: locking twice"),
};

/// `remove` where `get` was meant.
pub const GET_REMOVES: Mistake = Mistake {
    id: "get-removes",
    explanation: "Reading a key emptied it: the second read found nothing. \
        `HashMap::remove` hands you the value by taking it out of the map. Clone \
        it out instead, with `.get(key).cloned()`: cloning a `Bytes` copies a \
        pointer and bumps a count, not the data.",
    book: common(
        "mistake-get-removes",
        "Common mistakes: a read that takes the value away",
    ),
};

/// The shard is chosen with a randomly seeded hasher.
pub const UNSTABLE_SHARD: Mistake = Mistake {
    id: "unstable-shard",
    explanation: "The same key was sent to different shards, so a SET and a later \
        GET looked in different maps: your hasher is seeded at random. \
        `RandomState::new()` — a `HashMap`'s default hasher — picks fresh random \
        keys each time; that protects a map, but a shard must be the same for a \
        key every time. Hash with fixed keys: `std::hash::DefaultHasher::new()`, \
        or a hash such as FNV.",
    book: common(
        "mistake-unstable-shard",
        "Common mistakes: a shard chosen at random",
    ),
};

/// Most keys land in a few shards.
pub const UNEVEN_SHARDS: Mistake = Mistake {
    id: "uneven-shards",
    explanation: "Most keys landed in a few shards, whose locks are then as busy as \
        one big lock. Choose the shard from a hash of the whole key (hash it, then \
        take the remainder by `shard_count()`), not from its length, its first \
        byte, or anything else that many keys share.",
    book: common("mistake-uneven-shards", "Common mistakes: lopsided shards"),
};

/// A std guard alive across an `.await`.
pub const GUARD_ACROSS_AWAIT: Mistake = Mistake {
    id: "guard-across-await",
    explanation: "This future is not `Send`, so `tokio::spawn` would refuse it: a \
        `std::sync::MutexGuard` is still alive at an `.await`. (The compiler says \
        \"future cannot be sent between threads safely\" and points at the guard \
        and the `.await`.) End the guard's scope first: do the std-mutex work in a \
        block `{ … }` of its own that closes before the first `.await`. \
        (`drop(guard)` is not enough: the compiler judges by scope.) A lock that \
        must be held across an `.await` is a job for `tokio::sync::Mutex`.",
    book: common(
        "mistake-guard-across-await",
        "Common mistakes: a std guard across .await",
    ),
};

/// The lock is released between the read and the write.
pub const LOST_UPDATE: Mistake = Mistake {
    id: "lost-update",
    explanation: "Visits were lost: two tasks read the same count, each added one, and \
        both wrote back the same total. Between your GET and your SET the \
        connection's lock was free, and another task's GET came in between. Hold \
        one `tokio::sync::Mutex` guard from before the GET until after the SET: \
        that is why this lock is a Tokio one.",
    book: common(
        "mistake-lost-update",
        "Common mistakes: a gap between read and write",
    ),
};

/// Every mistake this chapter's checks can name (chapter 2's, which these
/// checks also name, are listed there).
pub const MISTAKES: [Mistake; 9] = [
    STORE_PER_CONNECTION,
    LOST_WRITE,
    LOCK_ACROSS_AWAIT,
    DOUBLE_LOCK,
    GET_REMOVES,
    UNSTABLE_SHARD,
    UNEVEN_SHARDS,
    GUARD_ACROSS_AWAIT,
    LOST_UPDATE,
];

/// The deadline of the store checks (3.2–3.4). They take microseconds, so
/// anything longer is a hang; a short one reports a deadlock quickly.
const STORE_DEADLINE: Duration = Duration::from_secs(3);

/// The chapter's suite for the API `A`, reported as package `package`.
pub fn suite<A: Api>(package: &'static str) -> Suite {
    let shared = exercise("shared-store");
    let set = exercise("db-set");
    let get = exercise("db-get");
    let shard = exercise("shard-of");
    let sharded = exercise("sharded-server");
    let visits = exercise("visit-counter");
    type S<A> = SharedStore<A>;
    type D<A> = ShardedServer<A>;
    Suite::new(
        3,
        package,
        vec![
            Check::new(
                shared,
                "a_set_on_one_connection_is_visible_on_another",
                a_set_on_one_connection_is_visible_on_another::<S<A>>,
            ),
            Check::new(
                shared,
                "set_and_get_match_the_reference_transcript",
                set_and_get_match_the_reference_transcript::<S<A>>,
            ),
            Check::new(
                shared,
                "an_unknown_command_gets_an_error_and_the_connection_lives",
                an_unknown_command_gets_an_error_and_the_connection_lives::<S<A>>,
            ),
            Check::new(
                shared,
                "fifty_concurrent_clients_lose_no_write",
                fifty_concurrent_clients_lose_no_write::<S<A>>,
            ),
            Check::new(
                shared,
                "an_idle_client_does_not_block_others",
                an_idle_client_does_not_block_others::<S<A>>,
            ),
            Check::new(
                shared,
                "a_slow_reader_does_not_freeze_the_store",
                a_slow_reader_does_not_freeze_the_store::<S<A>>,
            ),
            Check::new(
                set,
                "set_returns_the_value_it_replaces",
                set_returns_the_value_it_replaces::<A>,
            )
            .deadline(STORE_DEADLINE)
            .on_stuck(DOUBLE_LOCK),
            Check::new(set, "set_does_not_lock_twice", set_does_not_lock_twice::<A>)
                .deadline(STORE_DEADLINE)
                .on_stuck(DOUBLE_LOCK),
            Check::new(
                get,
                "get_returns_what_set_stored",
                get_returns_what_set_stored::<A>,
            )
            .deadline(STORE_DEADLINE)
            .on_stuck(DOUBLE_LOCK),
            Check::new(
                shard,
                "a_key_maps_to_the_same_shard_every_time",
                a_key_maps_to_the_same_shard_every_time::<A>,
            )
            .deadline(STORE_DEADLINE),
            Check::new(
                shard,
                "ten_thousand_keys_spread_evenly",
                ten_thousand_keys_spread_evenly::<A>,
            )
            .deadline(STORE_DEADLINE),
            Check::new(
                sharded,
                "a_set_on_one_connection_is_visible_on_another",
                a_set_on_one_connection_is_visible_on_another::<D<A>>,
            ),
            Check::new(
                sharded,
                "fifty_concurrent_clients_lose_no_write",
                fifty_concurrent_clients_lose_no_write_across_shards::<D<A>>,
            ),
            Check::new(
                visits,
                "record_visit_runs_as_a_spawned_task",
                record_visit_runs_as_a_spawned_task::<A>,
            ),
            Check::new(
                visits,
                "fifty_concurrent_visits_are_all_counted",
                fifty_concurrent_visits_are_all_counted::<A>,
            ),
        ],
    )
}

// ---------------------------------------------------------------------------
// Servers (3.1 and 3.5), generic over how the server starts.

const OK: &[u8] = b"+OK\r\n";
const NULL: &[u8] = b"$-1\r\n";

/// A bulk string reply holding `text`.
fn bulk(text: &str) -> Vec<u8> {
    format!("${}\r\n{text}\r\n", text.len()).into_bytes()
}

/// Sends `request` and requires `expected` back; `what` names the step.
async fn expect_reply(
    server: &RunningServer,
    client: &mut Client,
    request: &[u8],
    expected: &[u8],
    what: &str,
) -> Result<(), Failure> {
    match client.call(request).await {
        Ok(reply) if reply == expected => Ok(()),
        Ok(reply) => Err(Failure::new(format!("{what} was answered wrongly."))
            .sent(client.sent.clone())
            .received(client.received.clone())
            .expected(describe_bytes(expected))
            .got(describe_bytes(&reply))),
        Err(why) => {
            Err(no_reply(server, what, client, &why, true).expected(describe_bytes(expected)))
        }
    }
}

const SHARED_VALUE: &str = "from the first client";

/// GET `shared` on `client` must find [`SHARED_VALUE`].
async fn finds_the_shared_value(
    server: &RunningServer,
    client: &mut Client,
    who: &str,
) -> Result<(), Failure> {
    let expected = bulk(SHARED_VALUE);
    match client.call(&command(&["GET", "shared"])).await {
        Ok(reply) if reply == expected => Ok(()),
        Ok(reply) => {
            let failure = Failure::new(format!(
                "The first client SET shared = \"{SHARED_VALUE}\", and GET shared on {who} \
                 did not find it."
            ))
            .sent(client.sent.clone())
            .received(client.received.clone())
            .expected(describe_bytes(&expected))
            .got(describe_bytes(&reply));
            Err(if reply == NULL {
                failure.mistake(STORE_PER_CONNECTION)
            } else {
                failure
            })
        }
        Err(why) => Err(no_reply(
            server,
            &format!("GET shared on {who}"),
            client,
            &why,
            true,
        )),
    }
}

/// A value SET on one connection is found by a GET on a second one,
/// connected before the SET, and on a third, connected after it. Catches
/// a store per connection, and an `Arc::new` inside the accept loop.
pub fn a_set_on_one_connection_is_visible_on_another<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        // Both connect before anything is written, so a store copied when a
        // connection starts is caught as well.
        let mut first = Client::connect(server.addr()).await?;
        let mut second = Client::connect(server.addr()).await?;
        expect_reply(
            &server,
            &mut first,
            &command(&["SET", "shared", SHARED_VALUE]),
            OK,
            "The first client's SET",
        )
        .await?;
        finds_the_shared_value(&server, &mut second, "a second client").await?;
        let mut third = Client::connect(server.addr()).await?;
        finds_the_shared_value(
            &server,
            &mut third,
            "a third client, connected after the SET",
        )
        .await
    })
}

/// The reference sessions, as committed in `tests/transcripts/`.
const SET_GET: &str = include_str!("../transcripts/ch03-set-get.snap");
const UNKNOWN: &str = include_str!("../transcripts/ch03-unknown-command.snap");

fn set_get_script() -> Vec<Vec<u8>> {
    vec![
        command(&["SET", "hello", "world"]),
        command(&["GET", "hello"]),
        command(&["GET", "missing"]),
        command(&["SET", "empty", ""]),
        command(&["GET", "empty"]),
        command(&["SET", "hello", "again"]),
        command(&["GET", "hello"]),
    ]
}

/// SET, GET, GET of a missing key, SET and GET of an empty value, SET
/// again, GET: the exact bytes of the reference server. Catches an empty
/// string for a missing key (or nil for an empty value).
pub fn set_and_get_match_the_reference_transcript<S: Serve>() -> Result<(), Failure> {
    replay::<S>(
        "ch03-set-get",
        SET_GET,
        &set_get_script(),
        Some(IF_LET_NOT_LOOP),
    )
}

/// PING (unknown to this server) gets an error reply, and the same
/// connection then serves SET and GET. Catches a panic on an unknown
/// command — which, with a shared store, may also poison its lock.
pub fn an_unknown_command_gets_an_error_and_the_connection_lives<S: Serve>() -> Result<(), Failure>
{
    replay::<S>(
        "ch03-unknown-command",
        UNKNOWN,
        &unknown_script(),
        Some(PANIC_ON_UNKNOWN),
    )
}

const CLIENTS: usize = 50;

/// What one of the fifty clients saw: its SET's reply, then its GET's.
type Exchange = (
    Client,
    Result<Vec<u8>, crate::server::NoReply>,
    Option<Result<Vec<u8>, crate::server::NoReply>>,
);

/// Fifty clients connect (each GETs its key, still missing, to be sure
/// it is served), then all at once each SETs a key of its own and GETs it
/// back; a fresh connection then GETs all fifty. Catches
/// writes into a copy of the map (lost), and a store that ignores the key.
pub fn fifty_concurrent_clients_lose_no_write<S: Serve>() -> Result<(), Failure> {
    fifty_concurrent_clients::<S>(None)
}

/// The same check, for the sharded server: a client that cannot read back
/// its own key right after writing it points at the choice of shard.
/// Catches a shard chosen by a randomly seeded hash.
pub fn fifty_concurrent_clients_lose_no_write_across_shards<S: Serve>() -> Result<(), Failure> {
    fifty_concurrent_clients::<S>(Some(UNSTABLE_SHARD))
}

/// The fifty-client check; `vanished` is the mistake to name when a
/// client's own GET, right after its SET, finds nothing.
fn fifty_concurrent_clients<S: Serve>(vanished: Option<Mistake>) -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        // Every connection is served — one GET each, of a key nobody has
        // written yet — before anyone writes.
        let mut clients = Vec::with_capacity(CLIENTS);
        for i in 0..CLIENTS {
            let mut client = Client::connect(server.addr()).await?;
            expect_reply(
                &server,
                &mut client,
                &command(&["GET", &key_of(i)]),
                NULL,
                &format!("Client {i}'s GET of a key nobody has written yet"),
            )
            .await?;
            clients.push(client);
        }
        // Then all at once: each client's SET and GET in a task of its own.
        let tasks: Vec<_> = clients
            .into_iter()
            .enumerate()
            .map(|(i, mut client)| {
                tokio::spawn(async move {
                    let set = client
                        .call(&command(&["SET", &key_of(i), &value_of(i)]))
                        .await;
                    let get = match set {
                        Ok(_) => Some(client.call(&command(&["GET", &key_of(i)])).await),
                        Err(_) => None,
                    };
                    (client, set, get)
                })
            })
            .collect();
        let mut exchanges: Vec<Exchange> = Vec::with_capacity(CLIENTS);
        for task in tasks {
            exchanges.push(
                task.await
                    .map_err(|e| Failure::new(format!("The grader's client task failed: {e}")))?,
            );
        }
        // Writes that vanish at once: which clients see it is down to
        // chance, so the message names none of them.
        let lost_at_once = exchanges
            .iter()
            .filter(|(_, _, get)| matches!(get, Some(Ok(reply)) if reply.as_slice() == NULL))
            .count();
        if let (Some(mistake), true) = (vanished, lost_at_once > 0) {
            return Err(Failure::new(format!(
                "{CLIENTS} clients each SET a key of their own, at the same time, and read it \
                 back on the same connection: some of them found nothing."
            ))
            .expected(format!(
                "each client's own value, such as {} for {}",
                describe_bytes(&bulk(&value_of(0))),
                key_of(0)
            ))
            .got("\"$-1\\r\\n\" (nothing) for some of the keys, right after their SET")
            .mistake(mistake));
        }
        for (i, (client, set, get)) in exchanges.iter().enumerate() {
            let what = format!("Client {i} of {CLIENTS}");
            match set {
                Ok(reply) if reply == OK => {}
                Ok(reply) => {
                    return Err(Failure::new(format!("{what}'s SET was not answered +OK."))
                        .sent(client.sent.clone())
                        .received(client.received.clone())
                        .expected("\"+OK\\r\\n\"")
                        .got(describe_bytes(reply)));
                }
                Err(why) => {
                    return Err(no_reply(
                        &server,
                        &format!("{what}'s SET"),
                        client,
                        why,
                        true,
                    ));
                }
            }
            let expected = bulk(&value_of(i));
            match get {
                Some(Ok(reply)) if *reply == expected => {}
                Some(Ok(reply)) => {
                    let failure = Failure::new(format!(
                        "{what} read back the wrong value for its own key, right after its SET."
                    ))
                    .sent(client.sent.clone())
                    .received(client.received.clone())
                    .expected(describe_bytes(&expected))
                    .got(describe_bytes(reply));
                    let other = (0..CLIENTS).any(|j| j != i && *reply == bulk(&value_of(j)));
                    return Err(if other {
                        failure.mistake(IGNORES_KEY)
                    } else {
                        failure
                    });
                }
                Some(Err(why)) => {
                    return Err(no_reply(
                        &server,
                        &format!("{what}'s GET"),
                        client,
                        why,
                        true,
                    ));
                }
                None => unreachable!("a GET is sent after every answered SET"),
            }
        }
        // Every write must still be there, for a connection that made none.
        let mut reader = Client::connect(server.addr()).await?;
        let mut missing = Vec::new();
        for i in 0..CLIENTS {
            let expected = bulk(&value_of(i));
            match reader.call(&command(&["GET", &key_of(i)])).await {
                Ok(reply) if reply == expected => {}
                Ok(reply) if reply == NULL => missing.push(key_of(i)),
                Ok(reply) => {
                    return Err(Failure::new(format!(
                        "A new connection read the wrong value for {}.",
                        key_of(i)
                    ))
                    .expected(describe_bytes(&expected))
                    .got(describe_bytes(&reply)));
                }
                Err(why) => {
                    return Err(no_reply(
                        &server,
                        &format!("A new connection's GET {}", key_of(i)),
                        &reader,
                        &why,
                        true,
                    ));
                }
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        Err(Failure::new(format!(
            "{CLIENTS} clients each SET a key of their own, at the same time, and each read \
             it back. Then a new connection found {} of the {CLIENTS} keys missing.",
            missing.len()
        ))
        .expected(format!(
            "all {CLIENTS} values, {} to {}",
            key_of(0),
            key_of(CLIENTS - 1)
        ))
        .got(format!(
            "\"$-1\\r\\n\" (nothing) for {} of them",
            missing.len()
        ))
        .mistake(LOST_WRITE))
    })
}

fn key_of(client: usize) -> String {
    format!("client:{client}")
}

fn value_of(client: usize) -> String {
    format!("value of client {client}")
}

/// A silent client (after one command) stays connected while another is
/// served. Catches a lock taken for a whole connection — a
/// `tokio::sync::Mutex` guard held while the task waits for the next
/// command.
pub fn an_idle_client_does_not_block_others<S: Serve>() -> Result<(), Failure> {
    idle_client_check::<S>(true, LOCK_ACROSS_AWAIT)
}

/// The size of the value the slow reader asks for: 1 MiB.
const BIG_VALUE: usize = 1 << 20;
/// How many GETs of it the slow reader sends without reading a reply:
/// 16 MiB of replies, far more than the sockets' buffers hold.
const SLOW_GETS: usize = 16;
/// The slow reader's receive buffer, set before it connects.
const SLOW_RECEIVE_BUFFER: u32 = 64 * 1024;

/// A slow reader does not freeze the store: one client pipelines GETs of a
/// 1 MiB value and reads none of the replies, so the server's writes to it
/// stall; meanwhile another client's SET and GET must be answered. Catches
/// a lock held while a reply is written.
pub fn a_slow_reader_does_not_freeze_the_store<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        let addr = server.addr();
        let mut writer = Client::connect(addr).await?;
        expect_reply(
            &server,
            &mut writer,
            &command(&["SET", "big", &"x".repeat(BIG_VALUE)]),
            OK,
            "SET big (a 1 MiB value)",
        )
        .await?;

        let mut slow = slow_reader(addr).await?;
        let pipeline = command(&["GET", "big"]).repeat(SLOW_GETS);
        slow.write_all(&pipeline)
            .await
            .map_err(|e| Failure::new(format!("The slow reader could not send its GETs: {e}")))?;
        stalled(&slow).await?;

        // The slow reader's replies are stuck; another client comes.
        let mut other = Client::connect(addr).await?;
        let steps = [
            (
                command(&["SET", "other", "still served"]),
                OK.to_vec(),
                "SET other",
            ),
            (
                command(&["GET", "other"]),
                bulk("still served"),
                "GET other",
            ),
        ];
        for (request, expected, what) in steps {
            match other.call(&request).await {
                Ok(reply) if reply == expected => {}
                Ok(reply) => {
                    return Err(Failure::new(format!(
                        "While a client was slow to read, another client's {what} was \
                         answered wrongly."
                    ))
                    .sent(other.sent.clone())
                    .received(other.received.clone())
                    .expected(describe_bytes(&expected))
                    .got(describe_bytes(&reply)));
                }
                Err(why) => {
                    return Err(no_reply(
                        &server,
                        &format!(
                            "While a client was slow to read {SLOW_GETS} replies of 1 MiB, \
                             another client's {what}"
                        ),
                        &other,
                        &why,
                        true,
                    )
                    .expected(format!(
                        "{}: the slow reader's task waits to write, and nobody waits for it",
                        describe_bytes(&expected)
                    ))
                    .mistake(LOCK_ACROSS_AWAIT));
                }
            }
        }
        drop(slow);
        Ok(())
    })
}

/// Connects a client with a small receive buffer, set before connecting so
/// the kernel cannot grow it.
async fn slow_reader(addr: SocketAddr) -> Result<TcpStream, Failure> {
    let cannot = |e: std::io::Error| Failure::new(format!("The grader's slow reader failed: {e}"));
    let socket = TcpSocket::new_v4().map_err(cannot)?;
    socket
        .set_recv_buffer_size(SLOW_RECEIVE_BUFFER)
        .map_err(cannot)?;
    match tokio::time::timeout(REPLY_TIMEOUT, socket.connect(addr)).await {
        Ok(stream) => stream.map_err(cannot),
        Err(_) => Err(Failure::new(format!(
            "Connecting to your server at {addr} timed out."
        ))),
    }
}

/// Waits until the slow reader's receive buffer stops filling: the server
/// then cannot send it more, and its writer for that connection waits.
async fn stalled(slow: &TcpStream) -> Result<(), Failure> {
    /// How long the buffer must stay the same to count as stalled.
    const STEADY: Duration = Duration::from_millis(20);
    const STEADY_POLLS: u32 = 3;
    let header = format!("${BIG_VALUE}\r\n");
    // Larger than any receive buffer, so a peek sees all that waits.
    let mut buffer = vec![0u8; 1 << 20];
    let deadline = tokio::time::Instant::now() + REPLY_TIMEOUT;
    let (mut last, mut steady) = (0, 0);
    loop {
        let peeked = tokio::time::timeout_at(deadline, slow.peek(&mut buffer)).await;
        let waiting = match peeked {
            Ok(Ok(0)) => {
                return Err(Failure::new(
                    "A client sent GET big several times without reading, and your server \
                     closed its connection.",
                )
                .expected("the replies, written as fast as the client reads them"));
            }
            Ok(Ok(n)) => n,
            Ok(Err(e)) => {
                return Err(Failure::new(format!(
                    "A client sent GET big several times without reading, and its connection \
                     failed: {e}"
                )));
            }
            Err(_) => {
                return Err(Failure::new(format!(
                    "A client sent GET big {SLOW_GETS} times; within {} s your server sent \
                     back {last} bytes and then nothing more.",
                    REPLY_TIMEOUT.as_secs()
                ))
                .expected("1 MiB replies, until the client's receive buffer is full"));
            }
        };
        let start = &buffer[..waiting.min(header.len())];
        if !header.as_bytes().starts_with(start) {
            return Err(
                Failure::new("The reply to GET big was not the 1 MiB value.")
                    .expected(format!("{} …", describe_bytes(header.as_bytes())))
                    .got(describe_bytes(&buffer[..waiting.min(64)])),
            );
        }
        if waiting == last {
            steady += 1;
            if steady == STEADY_POLLS {
                return Ok(());
            }
        } else {
            (last, steady) = (waiting, 0);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(Failure::new(
                "The replies to a client that does not read never stopped coming.",
            ));
        }
        tokio::time::sleep(STEADY).await;
    }
}

// ---------------------------------------------------------------------------
// 3.2 and 3.3: the store handle

fn show(value: Option<&Bytes>) -> String {
    value.map_or("None".to_owned(), |b| {
        format!("Some({})", describe_bytes(b))
    })
}

/// One call of `set`: the handle and its name, key, value, and the value
/// the call must return.
type SetStep<'a, D> = (
    &'a D,
    &'a str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// `set` returns the value it replaced — `None` for a new key — and a
/// clone of the handle writes into the same map. Catches a `set` that
/// writes into a copy of the map.
pub fn set_returns_the_value_it_replaces<A: Api>() -> Result<(), Failure> {
    let db = A::db_new();
    let clone = db.clone();
    let steps: [SetStep<'_, A::Db>; 4] = [
        (&db, "db", "hello", "one", None),
        (&db, "db", "hello", "two", Some("one")),
        (&db, "db", "other", "three", None),
        (&clone, "db.clone()", "hello", "four", Some("two")),
    ];
    let mut history: Vec<String> = Vec::new();
    for (handle, name, key, value, expected) in steps {
        let call = format!("{name}.set(\"{key}\", \"{value}\")");
        let got = A::db_set(handle, key.to_owned(), Bytes::from(value));
        let expected = expected.map(Bytes::from);
        if got != expected {
            let before = if history.is_empty() {
                "On a new Db".to_owned()
            } else {
                format!("After {}", history.join(", "))
            };
            let failure =
                Failure::new(format!("{before}, {call} returned {}.", show(got.as_ref())))
                    .expected(match &expected {
                        Some(old) => {
                            format!("Some({}): the value it replaced", describe_bytes(old))
                        }
                        None => "None: the key had no value yet".to_owned(),
                    });
            return Err(if expected.is_some() && got.is_none() {
                failure.mistake(LOST_WRITE)
            } else {
                failure
            });
        }
        history.push(call);
    }
    Ok(())
}

/// Setting a new key and then the same key again both return. A `set`
/// that locks while it already holds the lock (by calling `get`, say)
/// waits for itself forever; the harness names that deadlock.
pub fn set_does_not_lock_twice<A: Api>() -> Result<(), Failure> {
    let db = A::db_new();
    A::db_set(&db, "hello".to_owned(), Bytes::from_static(b"one"));
    A::db_set(&db, "hello".to_owned(), Bytes::from_static(b"two"));
    Ok(())
}

/// `get` finds nothing on a new store, then finds what `set` stored —
/// twice, and through a clone of the handle. Catches a `get` that takes
/// the value out of the map.
pub fn get_returns_what_set_stored<A: Api>() -> Result<(), Failure> {
    let db = A::db_new();
    if let Some(value) = A::db_get(&db, "hello") {
        return Err(Failure::new(format!(
            "On a new Db, db.get(\"hello\") returned {}.",
            show(Some(&value))
        ))
        .expected("None: nothing was stored yet"));
    }
    A::db_set(&db, "hello".to_owned(), Bytes::from_static(b"world"));
    let clone = db.clone();
    let reads = [(&db, "db"), (&db, "db"), (&clone, "db.clone()")];
    for (n, (handle, name)) in reads.into_iter().enumerate() {
        let got = A::db_get(handle, "hello");
        if got.as_deref() == Some(b"world".as_slice()) {
            continue;
        }
        let failure = Failure::new(format!(
            "After db.set(\"hello\", \"world\"), read {} of 3, {name}.get(\"hello\"), \
             returned {}.",
            n + 1,
            show(got.as_ref())
        ))
        .expected("Some(\"world\"), every time");
        return Err(if n > 0 && got.is_none() {
            failure.mistake(GET_REMOVES)
        } else {
            failure
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 3.4 Choosing a shard

const SHARD_KEYS: [&str; 5] = [
    "hello",
    "user:1000",
    "visits:home",
    "",
    "a longer key, with spaces, that spans a few words",
];

/// `shard_of` gives a key the same shard on every call, on a second store
/// with as many shards, and on a store made on another thread. Catches a
/// shard chosen by a randomly seeded hasher (`RandomState`).
pub fn a_key_maps_to_the_same_shard_every_time<A: Api>() -> Result<(), Failure> {
    const SHARDS: usize = 16;
    const CALLS: usize = 20;
    let first = A::sharded_new(SHARDS);
    let second = A::sharded_new(SHARDS);
    let unstable = |key: &str, what: String| {
        Failure::new(format!("shard_of(\"{key}\") {what}."))
            .expected("the same shard for a key every time, in every store of 16 shards")
            .mistake(UNSTABLE_SHARD)
    };
    let mut shards = Vec::with_capacity(SHARD_KEYS.len());
    for key in SHARD_KEYS {
        let once = A::shard_of(&first, key);
        // Many calls, so a hash seeded at random cannot agree by luck.
        if (1..CALLS).any(|_| A::shard_of(&first, key) != once) {
            return Err(unstable(
                key,
                format!("did not return the same shard on {CALLS} calls on one store"),
            ));
        }
        let other = A::shard_of(&second, key);
        if other != once {
            return Err(unstable(
                key,
                format!("returned {once} on one store and {other} on another of 16 shards"),
            ));
        }
        shards.push(once);
    }
    // A store made on another thread: per-thread random seeds show up here.
    let elsewhere = std::thread::spawn(|| {
        let db = A::sharded_new(SHARDS);
        SHARD_KEYS.map(|key| A::shard_of(&db, key))
    })
    .join()
    .map_err(|_| Failure::new("shard_of panicked on another thread."))?;
    for ((key, here), there) in SHARD_KEYS.iter().zip(shards).zip(elsewhere) {
        if here != there {
            return Err(unstable(
                key,
                format!("returned {here} here and {there} for a store made on another thread"),
            ));
        }
    }
    Ok(())
}

/// 10,000 keys (`key:0` … `key:9999`) spread over 16 shards, and over 7,
/// with no shard above 1.5 × the mean, and every index below the shard
/// count. Catches a shard chosen from the key's length (or first byte), and
/// a shard count written into `shard_of` instead of read from the store.
pub fn ten_thousand_keys_spread_evenly<A: Api>() -> Result<(), Failure> {
    const KEYS: usize = 10_000;
    for shards in [16, 7] {
        let db = A::sharded_new(shards);
        let mut counts = vec![0usize; shards];
        for i in 0..KEYS {
            let key = format!("key:{i}");
            let shard = A::shard_of(&db, &key);
            let Some(count) = counts.get_mut(shard) else {
                return Err(Failure::new(format!(
                    "On a store of {shards} shards (indices 0 to {}), shard_of(\"{key}\") \
                     returned {shard}.",
                    shards - 1
                ))
                .expected(format!(
                    "an index below {shards}: the hash modulo shard_count()"
                )));
            };
            *count += 1;
        }
        let mean = KEYS as f64 / shards as f64;
        let limit = 1.5 * mean;
        let (fullest, most) = counts
            .iter()
            .copied()
            .enumerate()
            .max_by_key(|&(_, count)| count)
            .unwrap_or_default();
        if most as f64 > limit {
            return Err(Failure::new(format!(
                "{KEYS} keys (key:0 to key:9999) over {shards} shards: shard {fullest} holds \
                 {most}, more than 1.5 × the mean of {mean:.0}."
            ))
            .expected(format!("at most {limit:.0} keys in any shard"))
            .got(format!("keys per shard: {counts:?}"))
            .mistake(UNEVEN_SHARDS));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 3.6 One connection, many tasks

/// How long the visits may take before a check gives up on them.
const VISIT_TIMEOUT: Duration = Duration::from_secs(5);
/// How many tasks record a visit at once.
const VISITS: u64 = 50;

/// Connects the counter's shared client to the fixture.
async fn counter_client(addr: SocketAddr) -> Result<mini_redis::client::Client, Failure> {
    mini_redis::client::connect(addr)
        .await
        .map_err(|e| Failure::new(format!("The grader could not connect to its server: {e}")))
}

fn not_send() -> Failure {
    Failure::new("record_visit's future is not Send: `tokio::spawn` would refuse it.")
        .expected("a future that is Send, so request tasks can run it on any worker thread")
        .mistake(GUARD_ACROSS_AWAIT)
}

/// What the server holds under `key`, as text for a message.
fn held(redis: &RedisFixture, key: &str) -> Result<Option<Bytes>, Failure> {
    redis
        .get(key)
        .map_err(|e| Failure::new(format!("The grader could not check the server: {e}")))
}

fn show_held(value: Option<&Bytes>) -> String {
    value.map_or("(nothing)".to_owned(), |v| describe_bytes(v))
}

/// `record_visit` runs in a spawned task — its future is `Send` — and one
/// visit counts once: it returns 1, `seen` says 1, and the server holds
/// `visits:home` = 1. Catches a std `MutexGuard` alive across an `.await`.
pub fn record_visit_runs_as_a_spawned_task<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let addr = redis.addr();
    let (returned, seen) = block_on(async move {
        let counter = Arc::new(A::visit_counter(counter_client(addr).await?));
        let returned = match A::record_visit(Arc::clone(&counter), "home".to_owned()) {
            MaybeSend::Send(visit) => {
                match tokio::time::timeout(VISIT_TIMEOUT, tokio::spawn(visit)).await {
                    Ok(Ok(Ok(total))) => format!("Ok({total})"),
                    Ok(Ok(Err(e))) => format!("Err({e})"),
                    Ok(Err(e)) => format!("nothing: the task failed ({e})"),
                    Err(_) => "nothing within 5 s".to_owned(),
                }
            }
            MaybeSend::NotSend(visit) => {
                // Run it here first: if it is the stub, its `todo!()` speaks.
                let _ = tokio::time::timeout(VISIT_TIMEOUT, visit).await;
                return Err(not_send());
            }
        };
        Ok::<_, Failure>((returned, A::seen(&counter, "home")))
    })?;
    let total = held(&redis, "visits:home")?;
    if returned == "Ok(1)" && seen == 1 && total.as_deref() == Some(b"1".as_slice()) {
        return Ok(());
    }
    Err(Failure::new("One visit of \"home\", recorded by a spawned task, was not counted once.")
        .sent(redis.sent())
        .received(redis.received())
        .expected("record_visit returns Ok(1); seen(\"home\") is 1; the server holds visits:home = \"1\"")
        .got(format!(
            "record_visit returned {returned}; seen(\"home\") is {seen}; the server holds \
             visits:home = {}",
            show_held(total.as_ref())
        )))
}

/// Fifty spawned tasks record a visit of the same page at once, through
/// one shared connection: the server's total is 50, the totals returned
/// are 1 to 50, and the tally in memory is 50. Catches a Tokio lock that
/// is let go between the GET and the SET.
pub fn fifty_concurrent_visits_are_all_counted<A: Api>() -> Result<(), Failure> {
    let redis = RedisFixture::start();
    let addr = redis.addr();
    let (mut totals, seen) = block_on(async move {
        let counter = Arc::new(A::visit_counter(counter_client(addr).await?));
        let mut tasks = Vec::new();
        for _ in 0..VISITS {
            match A::record_visit(Arc::clone(&counter), "home".to_owned()) {
                MaybeSend::Send(visit) => tasks.push(tokio::spawn(visit)),
                MaybeSend::NotSend(visit) => {
                    let _ = tokio::time::timeout(VISIT_TIMEOUT, visit).await;
                    return Err(not_send());
                }
            }
        }
        let mut totals = Vec::with_capacity(tasks.len());
        for task in tasks {
            match tokio::time::timeout(VISIT_TIMEOUT, task).await {
                Ok(Ok(Ok(total))) => totals.push(total),
                Ok(Ok(Err(e))) => {
                    return Err(Failure::new(format!(
                        "A visit's record_visit returned Err({e})."
                    )));
                }
                Ok(Err(e)) => return Err(Failure::new(format!("A visit's task failed: {e}"))),
                Err(_) => {
                    return Err(Failure::new(format!(
                        "{VISITS} visits at once did not finish within {} s.",
                        VISIT_TIMEOUT.as_secs()
                    )));
                }
            }
        }
        Ok::<_, Failure>((totals, A::seen(&counter, "home")))
    })?;
    let total = held(&redis, "visits:home")?;
    totals.sort_unstable();
    let expected: Vec<u64> = (1..=VISITS).collect();
    if total.as_deref() != Some(VISITS.to_string().as_bytes()) || totals != expected {
        totals.dedup();
        return Err(Failure::new(format!(
            "{VISITS} tasks each recorded one visit of \"home\" at the same time; the server \
             holds visits:home = {}.",
            show_held(total.as_ref())
        ))
        .expected(format!(
            "visits:home = \"{VISITS}\", and each task's record_visit returning a different \
             total, 1 to {VISITS}"
        ))
        .got(format!(
            "totals returned: {} different, the highest {}",
            totals.len(),
            totals.last().copied().unwrap_or(0)
        ))
        .mistake(LOST_UPDATE));
    }
    if seen != VISITS {
        return Err(Failure::new(format!(
            "{VISITS} tasks each recorded one visit of \"home\"; seen(\"home\") is {seen}."
        ))
        .expected(format!(
            "{VISITS}: every visit counted in this process's tally as well"
        )));
    }
    Ok(())
}

/// Implements [`Api`] for a crate (or module) as a type named `$name`.
#[macro_export]
macro_rules! chapter3_adapter {
    ($name:ident, $($krate:tt)+) => {
        /// The crate under test, as the grader sees it.
        pub struct $name;

        impl $crate::chapter3::Api for $name {
            type Db = $($krate)+::Db;
            type ShardedDb = $($krate)+::ShardedDb;
            type VisitCounter = $($krate)+::VisitCounter;

            fn serve(
                listener: $crate::tokio::net::TcpListener,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<(), ::std::string::String>> {
                async move { $($krate)+::serve(listener).await.map_err(|e| e.to_string()) }
            }

            fn db_new() -> Self::Db {
                $($krate)+::Db::new()
            }

            fn db_set(
                db: &Self::Db,
                key: ::std::string::String,
                value: $crate::bytes::Bytes,
            ) -> ::std::option::Option<$crate::bytes::Bytes> {
                db.set(key, value)
            }

            fn db_get(db: &Self::Db, key: &str) -> ::std::option::Option<$crate::bytes::Bytes> {
                db.get(key)
            }

            fn sharded_new(shards: usize) -> Self::ShardedDb {
                $($krate)+::ShardedDb::new(shards)
            }

            fn shard_of(db: &Self::ShardedDb, key: &str) -> usize {
                db.shard_of(key)
            }

            fn serve_sharded(
                listener: $crate::tokio::net::TcpListener,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<(), ::std::string::String>> {
                async move { $($krate)+::serve_sharded(listener).await.map_err(|e| e.to_string()) }
            }

            fn visit_counter(redis: $crate::mini_redis::client::Client) -> Self::VisitCounter {
                $($krate)+::VisitCounter::new(redis)
            }

            fn seen(counter: &Self::VisitCounter, page: &str) -> u64 {
                counter.seen(page)
            }

            fn record_visit(
                counter: ::std::sync::Arc<Self::VisitCounter>,
                page: ::std::string::String,
            ) -> $crate::probe::MaybeSend<$crate::mini_redis::Result<u64>> {
                #[allow(unused_imports)]
                use $crate::probe::{ViaLocal as _, ViaSend as _};
                // Autoref specialisation: see `grader::probe`.
                (&$crate::probe::Probe::new($($krate)+::record_visit(counter, page))).boxed()
            }
        }
    };
}

/// The whole `tests/grade.rs` of a chapter-3 crate: `grader::chapter3!(chapter_3);`
#[macro_export]
macro_rules! chapter3 {
    ($($krate:tt)+) => {
        $crate::chapter3_adapter!(Subject, $($krate)+);

        fn main() {
            $crate::harness::main($crate::chapter3::suite::<Subject>(env!("CARGO_PKG_NAME")))
        }
    };
}
