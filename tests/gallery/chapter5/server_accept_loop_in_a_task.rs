//! `listener-outlives-serve`: the accept loop runs in a spawned task,
//! which lives on (listener and all) when the serve future is dropped.
//! Rejected by `5.3 the_listener_closes_when_serve_is_dropped`.

use tokio::io;
use tokio::net::TcpListener;

pub async fn serve(listener: TcpListener) -> io::Result<()> {
    let accepting = tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let (mut reader, mut writer) = io::split(socket);
                let _ = io::copy(&mut reader, &mut writer).await;
            });
        }
    });
    accepting.await.map_err(io::Error::other)
}

super::entry_api!(serve = serve);
