//! `sequential-server`: each connection is echoed in the accept loop
//! itself, so the next client waits until this one leaves.
//! Rejected by `5.3 fifty_interleaved_clients_each_get_their_own_bytes`.

use tokio::io;
use tokio::net::TcpListener;

pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (mut socket, _) = listener.accept().await?;
        let (mut reader, mut writer) = socket.split();
        let _ = io::copy(&mut reader, &mut writer).await;
    }
}

super::entry_api!(serve = serve);
