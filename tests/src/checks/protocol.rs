//! What the wire itself owes a client: one reply per request, framed so
//! that nothing the client sent can forge another.

use crate::failure::{Failure, describe_bytes};
use crate::fixtures::client::frame_len;
use crate::fixtures::{RunningServer, Serve, block_on, command_bytes};
use crate::harness::scaled;
use crate::mistakes::ECHOED_CRLF;

/// A command whose name carries CR, LF and what looks like a reply gets one
/// error frame, and nothing more: the next command's reply is its own.
/// Catches an error text that echoes the client's bytes as they are.
pub fn an_error_reply_is_one_frame<S: Serve>() -> Result<(), Failure> {
    let server = RunningServer::start::<S>();
    block_on(async {
        let mut s = server.session().await?;
        let request = command_bytes(&[b"NOPE\r\n+OK", b"\r\n:1"]);
        s.send_raw(&request)
            .what("A command named \"NOPE\\r\\n+OK\"")
            .expect_error()
            .await?;
        // A correct server has nothing more to say; a server that echoed
        // the name has already sent the rest of it.
        let client = s.client();
        let extra = client.unread(scaled(crate::checks::server::SETTLE)).await;
        if extra.is_empty() {
            return Ok(());
        }
        let shown = match frame_len(&extra) {
            Some(len) => describe_bytes(&extra[..len]),
            None => describe_bytes(&extra),
        };
        Err(s
            .failure("One request got more than one reply.")
            .expected("one error frame, whose text holds no CR or LF")
            .got(format!("an error frame, and then {shown}"))
            .mistake(ECHOED_CRLF))
    })
}
