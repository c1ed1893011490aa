//! Exercise 5.3: an echo server.
//!
//! The accept loop of chapter 2, with the echo of 5.2 in each connection's
//! task. A `TcpStream` splits without `io::split`'s lock:
//! `TcpStream::split` borrows the socket and gives two halves that live
//! inside the task, and `TcpStream::into_split` gives owned halves that
//! can go to different tasks.

use tokio::io;
use tokio::net::TcpListener;

// ANCHOR: serve
/// Echoes every connection accepted on `listener`, each in a task of its
/// own, until the future is dropped.
///
/// # Errors
/// If accepting a connection fails.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    // exercise: echo-server
    loop {
        let (mut socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let (mut reader, mut writer) = socket.split();
            // A client that leaves mid-copy (a reset) ends its own task
            // with an error; there is nobody to tell, and no one else is
            // affected.
            let _ = io::copy(&mut reader, &mut writer).await;
        });
    }
    // end exercise: echo-server
}
// ANCHOR_END: serve
