//! What any RESP server owes its clients: an answer to every command on a
//! connection, the next client after one leaves, other clients while one is
//! idle, an error frame for what it does not know, and a server that
//! outlives any one client's trouble.

use std::time::Duration;

use crate::failure::{Failure, Mistake, describe_bytes};
use crate::fixtures::transcript::{self, Transcript, reply_matches};
use crate::fixtures::{Client, NoReply, RunningServer, Serve, block_on, bulk};
use crate::mistakes::{
    ACCEPTS_ONCE, IF_LET_NOT_LOOP, IGNORES_KEY, KEEPS_CLOSED_CONNECTION, MISSING_KEY_NOT_NULL,
    RETRIES_BAD_FRAME, SERVER_STOPPED,
};

/// How long a check gives a server to react to a client's exit before it
/// looks whether the server is still there, at `WORKBOOK_TIMEOUT_SCALE=1`;
/// checks wait [`settle`].
pub const SETTLE: Duration = Duration::from_millis(150);

/// [`SETTLE`] multiplied by `WORKBOOK_TIMEOUT_SCALE`.
pub fn settle() -> Duration {
    crate::harness::scaled(SETTLE)
}

/// One client, one GET: the reply must be an error frame. Catches a stub,
/// and a server that listens somewhere else.
pub fn answers_a_command_with_an_error_frame<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::watching_port_6379::<S>();
    block_on(async {
        let mut s = server.session().await?;
        s.send(&["GET", "hello"]).expect_error().await
    })
}

/// Three commands on one connection, each answered. Catches `if let`
/// where `while let` is needed.
pub fn answers_every_command_on_a_connection<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut s = server.session().await?;
        for (i, key) in ["one", "two", "three"].iter().enumerate() {
            let request = s
                .send(&["GET", key])
                .what(format!("Command {} of 3 on one connection", i + 1))
                .because("one reply per command, for as long as the client stays");
            if i == 0 {
                request.reply().await?;
            } else {
                request.no_reply_means(IF_LET_NOT_LOOP).reply().await?;
            }
        }
        Ok(())
    })
}

/// A client comes and goes; the next one is served. Catches an accept
/// that is not in a loop.
pub fn serves_the_next_client_after_one_leaves<S: Serve>() -> Result<(), Failure> {
    const NEXT: &str = "the accept loop goes on to the next client";
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut first = server.session().await?;
        first
            .send(&["GET", "hello"])
            .what("The first client's GET")
            .reply()
            .await?;
        first.close().await;
        if server.wait_ended(settle()).await.is_some() {
            return Err(
                Failure::new("After the first client left, your server stopped.")
                    .got(server.fate().unwrap_or_default())
                    .expected(NEXT)
                    .mistake(ACCEPTS_ONCE),
            );
        }
        // The listener closes when the serve function returns.
        let mut second = server.session().await.map_err(|f| {
            f.got(server.fate().unwrap_or_default())
                .expected(NEXT)
                .mistake(ACCEPTS_ONCE)
        })?;
        second
            .send(&["GET", "hello"])
            .what("After the first client left, the second client's GET")
            .because(format!("a reply: {NEXT}"))
            .no_reply_means(ACCEPTS_ONCE)
            .reply()
            .await?;
        Ok(())
    })
}

/// A silent client stays connected while another is served. With
/// `speaks_first`, the silent client sends one GET and reads its reply
/// first, so its connection is surely being served (and anything its task
/// locks for the whole connection, locked). No reply names `mistake`.
pub fn idle_client_does_not_block_others<S: Serve>(
    speaks_first: bool,
    mistake: Mistake,
) -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        // Connected first, so the server accepts it first; then silent.
        let mut idle = server.session().await?;
        if speaks_first {
            idle.send(&["GET", "hello"])
                .what("The first client's GET")
                .reply()
                .await?;
        }
        let mut busy = server.session().await?;
        let what = if speaks_first {
            "With one client connected and silent after its first command, another client's GET"
        } else {
            "With one silent client connected, another client's GET"
        };
        busy.send(&["GET", "hello"])
            .what(what)
            .because("a reply to the second client while the first stays silent")
            .no_reply_means(mistake)
            .reply()
            .await?;
        drop(idle);
        Ok(())
    })
}

/// Replays `script` on one connection and compares every reply with the
/// reference transcript `name` (`chNN-…`, recorded by `solution-N`).
/// `on_close` names the mistake when the connection closes before the end.
pub fn replay<S: Serve>(
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

    if transcript::recording() {
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
        transcript::record(name, &Transcript { exchanges }.render());
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
                let failure = Failure::new(format!(
                    "{step}: the reply to {} differs from the reference server's.",
                    describe_bytes(request)
                ))
                .sent(client.sent.clone())
                .received(client.received.clone())
                .expected(describe_bytes(expected))
                .got(describe_bytes(reply));
                return Err(if expected.as_slice() == b"$-1\r\n" {
                    failure.mistake(MISSING_KEY_NOT_NULL)
                } else {
                    failure
                });
            }
            Err(why) => {
                let what = format!("{step}: {}", describe_bytes(request));
                let failure = server
                    .no_reply(&what, &client, why)
                    .expected(describe_bytes(expected));
                return Err(match (on_close, why) {
                    (Some(m), NoReply::Closed(_)) => failure.mistake(m),
                    _ => failure,
                });
            }
        }
    }
    Ok(())
}

/// SET then GET on a fresh connection must work; used after a misbehaving
/// client to show the server still serves everyone else.
pub async fn still_serves(server: &RunningServer, after: &str) -> Result<(), Failure> {
    if server.wait_ended(settle()).await.is_some() {
        return Err(Failure::new(format!("{after}, your server stopped."))
            .got(server.fate().unwrap_or_default())
            .expected("the server keeps serving other clients")
            .mistake(SERVER_STOPPED));
    }
    let mut s = server.session().await.map_err(|f| {
        Failure::new(format!(
            "{after}, a new client could not connect to your server."
        ))
        .got(server.fate().unwrap_or(f.what))
        .mistake(SERVER_STOPPED)
    })?;
    let what = format!("{after}, a new client's command");
    let stopped = |f: Failure| match (f.mistake, server.ended()) {
        (None, Some(_)) => f.mistake(SERVER_STOPPED),
        _ => f,
    };
    s.send(&["SET", "still", "here"])
        .what(what.clone())
        .expect_ok()
        .await
        .map_err(stopped)?;
    s.send(&["GET", "still"])
        .what(what)
        .expect_bulk(b"here")
        .await
        .map_err(stopped)
}

/// Garbage on one connection gets an error reply or a close — not silence
/// — and other clients are still served. Catches a read loop that retries
/// a frame it cannot parse.
pub fn a_malformed_frame_gets_an_error_or_a_close<S: Serve>() -> Result<(), Failure> {
    const ERROR_OR_CLOSE: &str = "an error frame, or the connection closed";
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut bad = server.session().await?;
        // `%` starts no RESP type this server knows.
        let client = bad.client();
        if let Err(why) = client.send(b"%not a frame\r\n").await {
            return Err(Failure::new(format!(
                "Sending a malformed frame failed: {}",
                why.describe()
            )));
        }
        match client.reply().await {
            Ok(reply) if reply.first() == Some(&b'-') => {}
            Err(NoReply::Closed(_) | NoReply::Broken(_)) => {}
            Ok(reply) => {
                return Err(
                    Failure::new("A malformed frame got a reply that is not an error.")
                        .sent(client.sent.clone())
                        .received(reply)
                        .expected(ERROR_OR_CLOSE),
                );
            }
            Err(why @ NoReply::Silent(_)) => {
                return Err(bad
                    .failure(format!("After a malformed frame: {}.", why.describe()))
                    .expected(ERROR_OR_CLOSE)
                    .mistake(RETRIES_BAD_FRAME));
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
        let mut quitter = server.session().await?;
        let whole = crate::fixtures::command(&["SET", "hello", "world"]);
        let _ = quitter.client().send(&whole[..whole.len() / 2]).await;
        quitter.close().await;
        still_serves(&server, "After a client hung up in the middle of a command").await
    })
}

/// Fifty clients connect at once and take turns: each SETs its own key,
/// then each GETs it back. Catches a store that ignores the key.
pub fn fifty_interleaved_clients_get_their_own_values<S: Serve>() -> Result<(), Failure> {
    const CLIENTS: usize = 50;
    let value_of = |i: usize| format!("value {i}");
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut sessions = Vec::with_capacity(CLIENTS);
        for _ in 0..CLIENTS {
            sessions.push(server.session().await?);
        }
        // Round one: every client SETs; round two: every client GETs.
        for (i, s) in sessions.iter_mut().enumerate() {
            s.send(&["SET", &format!("key:{i}"), &value_of(i)])
                .what(format!("Client {i} of {CLIENTS}'s SET"))
                .expect_ok()
                .await?;
        }
        for (i, s) in sessions.iter_mut().enumerate() {
            let others: Vec<Vec<u8>> = (0..CLIENTS)
                .filter(|&j| j != i)
                .map(|j| bulk(value_of(j).as_bytes()))
                .collect();
            s.send(&["GET", &format!("key:{i}")])
                .what(format!("Client {i} of {CLIENTS}'s GET"))
                .wrong(format!("Client {i} read back the wrong value for key:{i}."))
                // Another client's value: the store ignores the key.
                .wrong_means_if(|reply| others.iter().any(|o| o == reply), IGNORES_KEY)
                .expect_bulk(value_of(i).as_bytes())
                .await?;
        }
        Ok(())
    })
}

/// After one command and its reply, the client closes its side of the
/// connection; the server, reading end of stream, closes its side too.
/// Catches a connection kept open after its client left: a task that waits
/// for something else once `read_frame` returns `Ok(None)`, or one that
/// ignores that `None` and reads on.
pub fn the_server_closes_after_the_client_hangs_up<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut s = server.session().await?;
        s.send(&["GET", "hello"])
            .what("The client's GET")
            .reply()
            .await?;
        let wait = crate::fixtures::client::reply_timeout();
        if s.client().hang_up_and_wait_for_close(wait).await {
            return Ok(());
        }
        Err(s
            .failure(format!(
                "The client read its reply and closed its side of the connection; {} later, \
                 your server still kept the connection open.",
                crate::harness::runner::seconds(wait)
            ))
            .expected("the connection closed by the server once `read_frame` returns `Ok(None)`")
            .mistake(KEEPS_CLOSED_CONNECTION))
    })
}
