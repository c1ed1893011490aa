//! `accepts-once`: one `accept`, no loop: the first client is echoed,
//! then the function returns.
//! Rejected by `5.3 serves_the_next_client_after_one_leaves`.

use tokio::io;
use tokio::net::TcpListener;

pub async fn serve(listener: TcpListener) -> io::Result<()> {
    let (mut socket, _) = listener.accept().await?;
    let (mut reader, mut writer) = socket.split();
    io::copy(&mut reader, &mut writer).await?;
    Ok(())
}

super::entry_api!(serve = serve);
