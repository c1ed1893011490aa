//! The differential set's transcript is redis-server's own: when
//! `redis-server` is installed, this test starts one on a free port,
//! replays the set, and compares with the committed
//! `tests/transcripts/ch06-redis-server.snap` (with
//! `WORKBOOK_RECORD_REDIS=1`, it writes the file instead). Without
//! `redis-server` it says so and checks nothing; `.ci/run` installs it.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use grader::chapters::chapter6::server::{FROM_REDIS, exchange};
use grader::fixtures::block_on;

/// A redis-server process, killed when dropped.
struct Redis(Child);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_committed_transcript_is_what_redis_server_answers() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let started = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(child) = started else {
        eprintln!("redis-server is not installed: the transcript was not re-checked (SKIPPED)");
        return;
    };
    let _redis = Redis(child);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    for _ in 0..100 {
        if std::net::TcpStream::connect(addr).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let (transcript, stopped) =
        block_on(exchange(addr)).unwrap_or_else(|f| panic!("{}", f.render(None)));
    assert!(
        stopped.is_none(),
        "redis-server stopped answering: {stopped:?}"
    );
    let text = transcript.render();
    if std::env::var_os("WORKBOOK_RECORD_REDIS").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/transcripts/ch06-redis-server.snap"
        );
        std::fs::write(path, &text).expect("write the transcript");
        return;
    }
    assert_eq!(
        FROM_REDIS, text,
        "redis-server no longer answers as the committed transcript says"
    );
}
