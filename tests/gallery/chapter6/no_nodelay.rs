//! `no-nodelay`: the whole server, flushing when it should, but on sockets
//! that keep Nagle's algorithm on.

use tokio::net::TcpListener;

pub async fn run(listener: TcpListener) -> Result<(), String> {
    super::serve_flushing(listener, super::reply, true).await
}

crate::entry_api6!(
    super::check,
    super::parse,
    super::write_frame,
    super::read_frame,
    run
);
