//! `eof-ignored`: the connection's loop echoes `n > 0` and otherwise reads
//! again, so after a client's shutdown it spins on `Ok(0)` for ever.
//! Rejected by `5.3 fifty_interleaved_clients_each_get_their_own_bytes`.

use tokio::io::{self, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (mut socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 4096];
            loop {
                match socket.read(&mut buffer).await {
                    Ok(n) if n > 0 => {
                        if socket.write_all(&buffer[..n]).await.is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        });
    }
}

super::entry_api!(serve = serve);
