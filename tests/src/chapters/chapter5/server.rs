//! Exercise 5.3: the echo server, over real TCP on port 0.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{binary, patience, patience_text};
use crate::checks::{blocking, hygiene};
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::activity;
use crate::fixtures::{RunningServer, Serve, block_on};
use crate::mistakes::{ACCEPTS_ONCE, BUSY_LOOP, ECHO_NOT_EXACT, EOF_IGNORED, SEQUENTIAL_SERVER};

/// How many clients talk to the server at once.
const CLIENTS: usize = 50;
/// How many chunks each of them sends, each echoed before the next.
const ROUNDS: usize = 3;

/// Connects to the server, or says why not.
async fn connect(addr: SocketAddr) -> Result<TcpStream, Failure> {
    match tokio::time::timeout(patience(), TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => Err(Failure::new(format!(
            "Could not connect to your server at {addr}: {e}."
        ))),
        Err(_) => Err(Failure::new(format!(
            "Could not connect to your server at {addr} within {}.",
            patience_text()
        ))),
    }
}

/// Writes `sent` and reads until as many bytes have come back, or the
/// server closes, or an error: what came back, and whether it closed.
async fn round_trip(stream: &mut TcpStream, sent: &[u8], got: &mut Vec<u8>) -> bool {
    if stream.write_all(sent).await.is_err() {
        return true;
    }
    let mut buffer = vec![0u8; 4096];
    while got.len() < sent.len() {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return true,
            Ok(n) => got.extend_from_slice(&buffer[..n]),
        }
    }
    false
}

/// What one of the fifty clients saw.
#[derive(Debug, Default, Clone)]
struct Progress {
    /// Rounds whose chunk came back exactly.
    rounds: usize,
    /// A round that came back wrong: what was sent, what came back.
    wrong: Option<(Vec<u8>, Vec<u8>)>,
    /// The server closed the connection before the client was done.
    closed_early: bool,
    /// After its shutdown, the client read the end of the stream.
    ended: bool,
    /// It shut down its write side.
    shut_down: bool,
}

/// Fifty clients connect at once. In each of three rounds, every client
/// sends a chunk of random binary (up to 3 KB), all clients wait until
/// everyone has sent, then each reads its chunk back; at the end each
/// shuts down its write side and must read the end of the stream. Every
/// client must get exactly its own bytes. Catches a server that serves
/// one connection at a time (only one client gets an echo), one that
/// ignores `Ok(0)` (the connections never close), and mixed-up bytes.
pub fn fifty_interleaved_clients_each_get_their_own_bytes<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    let addr = server.addr();
    let mut rng = crate::seed::rng();
    let chunks: Vec<Vec<Vec<u8>>> = (0..CLIENTS)
        .map(|_| {
            (0..ROUNDS)
                .map(|_| {
                    let len = rng.range(1..3000);
                    binary(&mut rng, len)
                })
                .collect()
        })
        .collect();
    let progress: Arc<Mutex<Vec<Progress>>> =
        Arc::new(Mutex::new(vec![Progress::default(); CLIENTS]));
    let finished = block_on(async {
        let mut streams = Vec::with_capacity(CLIENTS);
        for _ in 0..CLIENTS {
            streams.push(connect(addr).await?);
        }
        let barrier = Arc::new(tokio::sync::Barrier::new(CLIENTS));
        let mut clients = tokio::task::JoinSet::new();
        for (i, (mut stream, chunks)) in streams.into_iter().zip(chunks).enumerate() {
            let barrier = Arc::clone(&barrier);
            let progress = Arc::clone(&progress);
            let note = move |f: &dyn Fn(&mut Progress)| {
                f(&mut progress.lock().unwrap_or_else(|p| p.into_inner())[i]);
            };
            clients.spawn(async move {
                for sent in &chunks {
                    let mut got = Vec::new();
                    let closed = round_trip(&mut stream, sent, &mut got).await;
                    if got == *sent {
                        note(&|p| p.rounds += 1);
                    } else if closed && sent.starts_with(&got) {
                        note(&|p| p.closed_early = true);
                        return;
                    } else {
                        let wrong = (sent.clone(), got.clone());
                        note(&|p| p.wrong = Some(wrong.clone()));
                        return;
                    }
                    // Everyone has had this round's echo before anyone
                    // sends the next: the connections are all open at once.
                    barrier.wait().await;
                }
                if stream.shutdown().await.is_ok() {
                    note(&|p| p.shut_down = true);
                }
                let mut rest = Vec::new();
                if stream.read_to_end(&mut rest).await.is_ok() && rest.is_empty() {
                    note(&|p| p.ended = true);
                }
            });
        }
        let all = async { while clients.join_next().await.is_some() {} };
        let finished = activity::within(patience(), all).await.is_some();
        // What the clients saw by now, before anything else can happen:
        // dropping the clients closes their connections, and a server that
        // serves one at a time would then go on to the next ones.
        let seen = progress.lock().unwrap_or_else(|p| p.into_inner()).clone();
        Ok::<(bool, Vec<Progress>), Failure>((finished, seen))
    })?;
    let (finished, progress) = finished;
    let served = progress.iter().filter(|p| p.rounds > 0).count();
    if let Some((sent, got)) = progress.iter().find_map(|p| p.wrong.clone()) {
        return Err(Failure::new(format!(
            "{CLIENTS} clients sent chunks of random binary at the same time; one of them got \
             back other bytes than its own."
        ))
        .sent(sent.clone())
        .received(got)
        .expected(format!("its own bytes: {}", describe_bytes(&sent)))
        .mistake(ECHO_NOT_EXACT));
    }
    if progress.iter().any(|p| p.closed_early) {
        return Err(Failure::new(format!(
            "{CLIENTS} clients sent chunks at the same time; your server closed a connection \
             before echoing all of a chunk."
        ))
        .expected("every chunk echoed whole, on a connection that stays open")
        .got(server.fate().unwrap_or_default()));
    }
    let busy = activity::last_silence().is_some_and(|a| a.busy());
    if finished && progress.iter().all(|p| p.ended && p.rounds == ROUNDS) {
        return Ok(());
    }
    if progress.iter().all(|p| p.rounds == ROUNDS) {
        let ended = progress.iter().filter(|p| p.ended).count();
        let failure = Failure::new(format!(
            "Every client got all its bytes back and shut down its write side; after {}, your \
             server had closed {ended} of the {CLIENTS} connections.",
            patience_text()
        ))
        .expected("each connection closed by the server once its client has shut down");
        return Err(if busy {
            failure.mistake(EOF_IGNORED)
        } else {
            failure
        });
    }
    let failure = Failure::new(format!(
        "{CLIENTS} clients connected and each sent a chunk; after {}, {served} of them had \
         their first chunk back.",
        patience_text()
    ))
    .expected(format!(
        "every client's chunk back at once: {CLIENTS} connections served side by side"
    ));
    // One client served and the others not is one connection at a time;
    // none served says nothing of the kind (a server elsewhere, an echo
    // that never writes).
    Err(if busy {
        failure.mistake(BUSY_LOOP)
    } else if served == 1 {
        failure.mistake(SEQUENTIAL_SERVER)
    } else {
        failure
    })
}

/// A client connects, has 100 random bytes echoed, shuts down and
/// leaves; then a second client must have its bytes echoed too. Catches
/// an accept that is not in a loop.
pub fn serves_the_next_client_after_one_leaves<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    let mut rng = crate::seed::rng();
    let first = binary(&mut rng, 100);
    let second = binary(&mut rng, 100);
    block_on(async {
        let mut stream = connect(server.addr()).await?;
        let mut got = Vec::new();
        let echoed = tokio::time::timeout(patience(), round_trip(&mut stream, &first, &mut got))
            .await
            .is_ok();
        if !echoed || got != first {
            return Err(Failure::new(format!(
                "The first client sent 100 bytes; after {}, {} bytes had come back.",
                patience_text(),
                got.len()
            ))
            .sent(first.clone())
            .received(got)
            .expected("the same 100 bytes"));
        }
        let _ = stream.shutdown().await;
        let mut rest = Vec::new();
        let _ = tokio::time::timeout(patience(), stream.read_to_end(&mut rest)).await;
        drop(stream);
        if let Some(_ended) = server.wait_ended(crate::checks::server::settle()).await {
            return Err(
                Failure::new("After the first client left, your server stopped.")
                    .got(server.fate().unwrap_or_default())
                    .expected("the accept loop goes on to the next client")
                    .mistake(ACCEPTS_ONCE),
            );
        }
        let mut stream = connect(server.addr()).await?;
        let mut got = Vec::new();
        let echoed = tokio::time::timeout(patience(), round_trip(&mut stream, &second, &mut got))
            .await
            .is_ok();
        if echoed && got == second {
            return Ok(());
        }
        Err(Failure::new(format!(
            "After the first client left, a second client sent 100 bytes; after {}, {} bytes \
             had come back.",
            patience_text(),
            got.len()
        ))
        .sent(second.clone())
        .received(got)
        .expected("the same 100 bytes: the accept loop goes on to the next client")
        .mistake(ACCEPTS_ONCE))
    })
}

/// After one echo, the grader drops the learner's serve future (the
/// runtime still running): the port must refuse connections. Catches an
/// accept loop moved into a spawned task, which keeps the listener alive
/// after the server is gone. (The same check as the RESP servers', with
/// an echo to prove the server started.)
pub fn the_listener_closes_when_serve_is_dropped<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    let mut rng = crate::seed::rng();
    let sent = binary(&mut rng, 64);
    block_on(async {
        let mut stream = connect(server.addr()).await?;
        let mut got = Vec::new();
        let _ = tokio::time::timeout(patience(), round_trip(&mut stream, &sent, &mut got)).await;
        if got != sent {
            return Err(Failure::new(
                "Before dropping your server, the grader sent 64 bytes; they did not come back.",
            )
            .sent(sent.clone())
            .received(got)
            .expected("the same 64 bytes"));
        }
        drop(stream);
        hygiene::refuses_connections_once_dropped(&server).await
    })
}

/// Four clients at once, thirty echoes each of up to 2 KB, against the
/// server on a runtime of one thread: that thread must never be found
/// blocked outside Tokio. Catches `std::thread::sleep` and other blocking
/// calls in a connection's task, which every other check sees only as
/// slowness. (Thirty each: on a loaded machine the watch looks less
/// often, and a sleep of 2 ms per read must still add up to more than
/// the limit.)
pub fn no_echo_blocks_the_runtime<S: Serve>() -> Result<(), Failure> {
    const TALKERS: usize = 4;
    const ECHOES: usize = 30;
    let mut rng = crate::seed::rng();
    let chunks: Vec<Vec<Vec<u8>>> = (0..TALKERS)
        .map(|_| {
            (0..ECHOES)
                .map(|_| {
                    let len = rng.range(1..2048);
                    binary(&mut rng, len)
                })
                .collect()
        })
        .collect();
    blocking::blocked_while::<S>(TALKERS * ECHOES, |server| {
        let addr = server.addr();
        block_on(async {
            let mut talkers = tokio::task::JoinSet::new();
            for chunks in chunks {
                talkers.spawn(async move {
                    let mut answered = 0;
                    let Ok(Ok(mut stream)) =
                        tokio::time::timeout(patience(), TcpStream::connect(addr)).await
                    else {
                        return 0;
                    };
                    for sent in &chunks {
                        let mut got = Vec::new();
                        let trip = round_trip(&mut stream, sent, &mut got);
                        match tokio::time::timeout(patience(), trip).await {
                            Ok(false) if got == *sent => answered += 1,
                            _ => break,
                        }
                    }
                    answered
                });
            }
            let mut answered = 0;
            while let Some(done) = talkers.join_next().await {
                answered += done.unwrap_or(0);
            }
            answered
        })
    })
}
