//! Resource hygiene: what a server owns ends with it, and what it owns is
//! its own.
//!
//! A server function that is dropped (its caller is done with it) must
//! take its listener with it: a listener moved into a spawned task keeps
//! the port open, accepting connections nobody will serve, after the
//! server is "gone" — and a second server cannot bind the port. And two
//! servers started in one process keep two stores: a store in a `static`
//! is shared by every server the process runs (every test, every
//! benchmark), which no caller of `serve(listener)` expects.

use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use crate::failure::Failure;
use crate::fixtures::{RunningServer, Serve, block_on};
use crate::harness::runner::seconds;
use crate::mistakes::{GLOBAL_STORE, LISTENER_OUTLIVES_SERVE};

/// After the grader drops the learner's serve future (the runtime still
/// running), the port refuses connections: the listener was dropped with
/// the future. Catches an accept loop moved into a spawned task (its
/// `JoinHandle` awaited), which keeps the listener — and the port — alive
/// after the server is gone.
pub fn the_listener_closes_when_serve_is_dropped<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        // Served once first, so the server has surely started.
        let mut s = server.session().await?;
        s.send(&["GET", "hello"])
            .what("GET hello, before the server was dropped")
            .reply()
            .await?;
        s.close().await;
        refuses_connections_once_dropped(&server).await
    })
}

/// Two servers in one process: a SET on the first is not seen by a GET
/// on the second, and the other way round. Catches a store in a `static`
/// (or any global), shared by every server the process starts.
pub fn two_servers_keep_their_own_stores<S: Serve>() -> Result<(), Failure> {
    let first = RunningServer::start::<S>();
    let second = RunningServer::start::<S>();
    let mut rng = crate::seed::rng();
    let key = format!("own:{}", rng.key());
    let value = rng.value(256);
    block_on(async {
        let mut a = first.session().await?;
        a.send_bytes(&[b"SET", key.as_bytes(), &value])
            .what(format!("SET {key} on the first server"))
            .expect_ok()
            .await?;
        let mut b = second.session().await?;
        b.send_bytes(&[b"GET", key.as_bytes()])
            .what(format!(
                "GET {key} on a second server started in the same process"
            ))
            .because("each server its own store: nothing was SET on the second")
            .wrong(format!(
                "GET {key} on a second server found a value: the one SET on the first."
            ))
            .wrong_means_if(|_| true, GLOBAL_STORE)
            .expect_null()
            .await?;
        let other = format!("{key}:second");
        b.send_bytes(&[b"SET", other.as_bytes(), &value])
            .what(format!("SET {other} on the second server"))
            .expect_ok()
            .await?;
        a.send_bytes(&[b"GET", other.as_bytes()])
            .what(format!("GET {other} on the first server"))
            .because("each server its own store: it was SET on the second only")
            .wrong(format!(
                "GET {other} on the first server found a value: the one SET on the second."
            ))
            .wrong_means_if(|_| true, GLOBAL_STORE)
            .expect_null()
            .await
    })
}

/// Drops `server`'s serve future (its runtime still running) and waits,
/// a few settle times at most, for its port to refuse connections: the
/// listener must go with the future. Shared by every server exercise, RESP
/// or not; the caller has served one client first, so the server surely
/// started.
pub(crate) async fn refuses_connections_once_dropped(
    server: &RunningServer,
) -> Result<(), Failure> {
    let addr = server.addr();
    server.stop_serving();
    let wait = crate::checks::server::settle() * 4;
    let until = Instant::now() + wait;
    loop {
        match TcpStream::connect(addr).await {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => return Ok(()),
            // Accepted into the backlog of a listener that was closing
            // meanwhile: look again.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
                ) && Instant::now() < until =>
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => {
                return Err(Failure::new(format!(
                    "After the grader dropped your serve function's future, connecting \
                     to {addr} failed in an unexpected way: {e}."
                )));
            }
            Ok(_) if Instant::now() < until => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok(_) => {
                return Err(Failure::new(format!(
                    "After the grader dropped your serve function's future, {addr} still \
                     accepted connections {} later: the listener outlived the function \
                     that owned it.",
                    seconds(wait)
                ))
                .expected("connection refused: the listener dropped with the future")
                .mistake(LISTENER_OUTLIVES_SERVE));
            }
        }
    }
}
