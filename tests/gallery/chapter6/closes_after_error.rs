//! `closes-after-error`: the right error reply, then the connection
//! closed.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;
use grader::chapters::chapter6::Resp;
use tokio::net::TcpListener;

fn reply(words: &[Bytes], db: &Mutex<HashMap<Bytes, Bytes>>) -> (Resp, bool) {
    let (frame, _) = super::reply(words, db);
    let close = matches!(frame, Resp::Error(_));
    (frame, close)
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
