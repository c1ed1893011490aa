//! `not-redis-error-text`: error replies in words of its own
//! (mini-redis's), not redis-server's.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;
use grader::chapters::chapter6::Resp;
use tokio::net::TcpListener;

fn reply(words: &[Bytes], db: &Mutex<HashMap<Bytes, Bytes>>) -> (Resp, bool) {
    match super::reply(words, db) {
        (Resp::Error(_), close) => (
            Resp::Error(format!(
                "ERR unknown command '{}'",
                String::from_utf8_lossy(&words[0])
            )),
            close,
        ),
        other => other,
    }
}

pub async fn run(listener: TcpListener) -> Result<(), String> {
    super::serve_with(listener, reply).await
}

crate::entry_api6!(
    super::check,
    super::parse,
    super::write_frame,
    super::read_frame,
    run
);
