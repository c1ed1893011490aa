//! What a server with one shared store owes its clients: a value written
//! on one connection is there for every other, no write is lost when many
//! clients write at once, and a client that reads slowly holds up nobody.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};

use crate::failure::{Failure, Mistake, describe_bytes};
use crate::fixtures::client::reply_timeout;
use crate::fixtures::{NULL, RunningServer, Serve, Session, block_on, bulk, command};
use crate::harness::runner::seconds;
use crate::mistakes::{IGNORES_KEY, LOCK_ACROSS_AWAIT, LOST_WRITE, STORE_PER_CONNECTION};

const SHARED_VALUE: &str = "from the first client";

/// GET `shared` on `session` must find [`SHARED_VALUE`]; nothing there
/// means the store is not shared.
async fn finds_the_shared_value(session: &mut Session<'_>, who: &str) -> Result<(), Failure> {
    session
        .send(&["GET", "shared"])
        .what(format!("GET shared on {who}"))
        .wrong_means_if(|reply| reply == NULL, STORE_PER_CONNECTION)
        .expect_bulk(SHARED_VALUE.as_bytes())
        .await
        .map_err(|f| match f.mistake {
            // Nothing there: say what the first client did.
            Some(STORE_PER_CONNECTION) => Failure {
                what: format!(
                    "The first client SET shared = \"{SHARED_VALUE}\", and GET shared on {who} \
                     did not find it."
                ),
                ..f
            },
            _ => f,
        })
}

/// A value SET on one connection is found by a GET on a second one,
/// connected before the SET, and on a third, connected after it. Catches
/// a store per connection, and an `Arc::new` inside the accept loop.
pub fn a_set_on_one_connection_is_visible_on_another<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        // Both connect before anything is written, so a store copied when a
        // connection starts is caught as well.
        let mut first = server.session().await?;
        let mut second = server.session().await?;
        first
            .send(&["SET", "shared", SHARED_VALUE])
            .what("The first client's SET")
            .expect_ok()
            .await?;
        finds_the_shared_value(&mut second, "a second client").await?;
        let mut third = server.session().await?;
        finds_the_shared_value(&mut third, "a third client, connected after the SET").await
    })
}

const CLIENTS: usize = 50;

fn key_of(client: usize) -> String {
    format!("client:{client}")
}

fn value_of(client: usize) -> String {
    format!("value of client {client}")
}

/// Fifty clients connect (each GETs its key, still missing, to be sure it
/// is served), then all at once each SETs a key of its own and GETs it
/// back; a fresh connection then GETs all fifty. Catches writes into a copy
/// of the map (lost), and a store that ignores the key. `vanished` is the
/// mistake to name when a client's own GET, right after its SET, finds
/// nothing (for a sharded store: a shard chosen at random).
pub fn fifty_concurrent_clients_lose_no_write<S: Serve>(
    vanished: Option<Mistake>,
) -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        // Every connection is served — one GET each, of a key nobody has
        // written yet — before anyone writes.
        let mut clients = Vec::with_capacity(CLIENTS);
        for i in 0..CLIENTS {
            let mut s = server.session().await?;
            s.send(&["GET", &key_of(i)])
                .what(format!("Client {i}'s GET of a key nobody has written yet"))
                .expect_null()
                .await?;
            clients.push(s.into_client());
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
        let mut exchanges = Vec::with_capacity(CLIENTS);
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
            .any(|(_, _, get)| matches!(get, Some(Ok(reply)) if reply.as_slice() == NULL));
        if let (Some(mistake), true) = (vanished, lost_at_once) {
            return Err(Failure::new(format!(
                "{CLIENTS} clients each SET a key of their own, at the same time, and read it \
                 back on the same connection: some of them found nothing."
            ))
            .expected(format!(
                "each client's own value, such as {} for {}",
                describe_bytes(&bulk(value_of(0).as_bytes())),
                key_of(0)
            ))
            .got("\"$-1\\r\\n\" (nothing) for some of the keys, right after their SET")
            .mistake(mistake));
        }
        for (i, (client, set, get)) in exchanges.iter().enumerate() {
            let what = format!("Client {i} of {CLIENTS}");
            let shown = |f: Failure| {
                f.sent(client.sent.clone())
                    .received(client.received.clone())
            };
            match set {
                Ok(reply) if reply == b"+OK\r\n" => {}
                Ok(reply) => {
                    return Err(
                        shown(Failure::new(format!("{what}'s SET was not answered +OK.")))
                            .expected("\"+OK\\r\\n\"")
                            .got(describe_bytes(reply)),
                    );
                }
                Err(why) => return Err(server.no_reply(&format!("{what}'s SET"), client, why)),
            }
            let expected = bulk(value_of(i).as_bytes());
            match get {
                Some(Ok(reply)) if *reply == expected => {}
                Some(Ok(reply)) => {
                    let failure = shown(Failure::new(format!(
                        "{what} read back the wrong value for its own key, right after its SET."
                    )))
                    .expected(describe_bytes(&expected))
                    .got(describe_bytes(reply));
                    let other =
                        (0..CLIENTS).any(|j| j != i && *reply == bulk(value_of(j).as_bytes()));
                    return Err(if other {
                        failure.mistake(IGNORES_KEY)
                    } else {
                        failure
                    });
                }
                Some(Err(why)) => {
                    return Err(server.no_reply(&format!("{what}'s GET"), client, why));
                }
                None => unreachable!("a GET is sent after every answered SET"),
            }
        }
        // Every write must still be there, for a connection that made none.
        let mut reader = server.session().await?;
        let mut missing = Vec::new();
        for i in 0..CLIENTS {
            let reply = reader
                .send(&["GET", &key_of(i)])
                .what(format!("A new connection's GET {}", key_of(i)))
                .reply()
                .await?;
            if reply == NULL {
                missing.push(key_of(i));
            } else if reply != bulk(value_of(i).as_bytes()) {
                return Err(Failure::new(format!(
                    "A new connection read the wrong value for {}.",
                    key_of(i)
                ))
                .expected(describe_bytes(&bulk(value_of(i).as_bytes())))
                .got(describe_bytes(&reply)));
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
        let mut writer = server.session().await?;
        writer
            .send(&["SET", "big", &"x".repeat(BIG_VALUE)])
            .what("SET big (a 1 MiB value)")
            .expect_ok()
            .await?;

        let mut slow = slow_reader(server.addr()).await?;
        let pipeline = command(&["GET", "big"]).repeat(SLOW_GETS);
        slow.write_all(&pipeline)
            .await
            .map_err(|e| Failure::new(format!("The slow reader could not send its GETs: {e}")))?;
        stalled(&slow).await?;

        // The slow reader's replies are stuck; another client comes.
        let mut other = server.session().await?;
        let waits = "the slow reader's task waits to write, and nobody waits for it";
        let what = |step: &str| {
            format!(
                "While a client was slow to read {SLOW_GETS} replies of 1 MiB, another client's {step}"
            )
        };
        other
            .send(&["SET", "other", "still served"])
            .what(what("SET other"))
            .because(format!("\"+OK\\r\\n\": {waits}"))
            .no_reply_means(LOCK_ACROSS_AWAIT)
            .expect_ok()
            .await?;
        other
            .send(&["GET", "other"])
            .what(what("GET other"))
            .because(format!(
                "{}: {waits}",
                describe_bytes(&bulk(b"still served"))
            ))
            .no_reply_means(LOCK_ACROSS_AWAIT)
            .expect_bulk(b"still served")
            .await?;
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
    match tokio::time::timeout(reply_timeout(), socket.connect(addr)).await {
        Ok(stream) => stream.map_err(cannot),
        Err(_) => Err(Failure::new(format!(
            "Connecting to your server at {addr} timed out (after {}).",
            seconds(reply_timeout())
        ))),
    }
}

/// Waits until the slow reader's receive buffer stops filling: the server
/// then cannot send it more, and its writer for that connection waits.
async fn stalled(slow: &TcpStream) -> Result<(), Failure> {
    const STEADY_POLLS: u32 = 3;
    // How long the buffer must stay the same to count as stalled:
    // `STEADY_POLLS` polls this far apart (scaled: a starved server may
    // pause that long without being stalled).
    let steady_gap = crate::harness::scaled(Duration::from_millis(20));
    let header = format!("${BIG_VALUE}\r\n");
    // Larger than any receive buffer, so a peek sees all that waits.
    let mut buffer = vec![0u8; 1 << 20];
    let deadline = tokio::time::Instant::now() + reply_timeout();
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
                    "A client sent GET big {SLOW_GETS} times; within {} your server sent \
                     back {last} bytes and then nothing more.",
                    seconds(reply_timeout())
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
        tokio::time::sleep(steady_gap).await;
    }
}
