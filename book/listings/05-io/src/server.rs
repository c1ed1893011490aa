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
    // Exercise 5.3 — requirements:
    //  1. Accept connections from `listener` in a loop, in this function: never
    //     bind a listener of your own, never move the loop into a spawned task.
    //  2. Hand each socket to `tokio::spawn(async move { … })` and go straight
    //     back to `accept`.
    //  3. In the task, echo the socket until the client shuts down its side:
    //     `socket.split()` and `io::copy` (or your `echo` from 5.1). An error ends
    //     that task only.
    //  4. No blocking calls in a task: no `std::thread::sleep`, no `std::io`.
    // Check your work: cargo test -p chapter-5 -- 5.3
    todo!("5.3: accept connections on `listener` and echo each one in a \
        task of its own")
}
// ANCHOR_END: serve
