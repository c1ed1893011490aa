//! `missing-flush`: the whole server on a connection that never flushes:
//! replies wait in the `BufWriter` while the server waits for the next
//! request.

use tokio::net::TcpListener;

pub async fn run(listener: TcpListener) -> Result<(), String> {
    super::serve_flushing(listener, super::reply, false).await
}

crate::entry_api6!(
    super::check,
    super::parse,
    super::write_frame,
    super::read_frame,
    run
);
