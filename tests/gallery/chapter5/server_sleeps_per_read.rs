//! `blocking-in-async`: a `std::thread::sleep` before each read, "to let
//! the rest of the message arrive": it blocks the runtime's thread.
//! Rejected by `5.3 no_echo_blocks_the_runtime`.

use std::time::Duration;

use tokio::io::{self, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (mut socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 4096];
            loop {
                std::thread::sleep(Duration::from_millis(2));
                match socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => {
                        if socket.write_all(&buffer[..n]).await.is_err() {
                            return;
                        }
                    }
                }
            }
        });
    }
}

super::entry_api!(serve = serve);
