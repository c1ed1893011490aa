//! Your exercises 4.1 to 4.3 at work: several tasks, one connection.
//!
//!     cargo run -p chapter-4 --example shared-connection
//!
//! starts a mini-redis server of its own on a free port, starts your
//! manager (`start`), and has a few tasks SET and GET keys of their own
//! through it (`set`, `get`), printing what each got back. Pass an address
//! (`-- 127.0.0.1:6379`) to use a server you started yourself instead.

use std::net::SocketAddr;

use bytes::Bytes;
use tokio::net::TcpListener;

/// How many tasks share the manager.
const TASKS: usize = 5;

#[tokio::main]
async fn main() -> mini_redis::Result<()> {
    explain_todo();
    let addr = match std::env::args().nth(1) {
        Some(addr) => addr.parse::<SocketAddr>()?,
        None => {
            // The bundled server: mini-redis, on a port the system picks.
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            tokio::spawn(mini_redis::server::run(
                listener,
                std::future::pending::<()>(),
            ));
            println!("a mini-redis server is listening on {addr}");
            addr
        }
    };

    let (sender, manager) = chapter_4::start(addr).await?;
    println!("the manager is connected to {addr}; {TASKS} tasks share it");

    let mut tasks = Vec::new();
    for i in 1..=TASKS {
        // Each task gets a sender of its own: a clone of the one `start`
        // returned. The connection itself stays with the manager.
        let sender = sender.clone();
        tasks.push(tokio::spawn(async move {
            let key = format!("task:{i}");
            let value = Bytes::from(format!("value from task {i}"));
            let set = match chapter_4::set(&sender, &key, value).await {
                Ok(()) => "OK".to_owned(),
                Err(e) => format!("error: {e}"),
            };
            let get = match chapter_4::get(&sender, &key).await {
                Ok(Some(value)) => format!("{:?}", String::from_utf8_lossy(&value)),
                Ok(None) => "(nil)".to_owned(),
                Err(e) => format!("error: {e}"),
            };
            println!("task {i}: SET {key} → {set}, GET {key} → {get}");
        }));
    }
    for task in tasks {
        task.await?;
    }

    // The last sender goes, so the manager's loop ends and its task
    // finishes: that is how the manager is shut down.
    drop(sender);
    manager.await?;
    println!("every sender is gone and the manager has finished");
    Ok(())
}

/// Replaces Rust's panic report for an exercise that is still a `todo!()`
/// with one that says what to do.
fn explain_todo() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if let Some(rest) = message.strip_prefix("not yet implemented: ") {
            let number = rest.split(':').next().unwrap_or("?");
            // Where the `todo!()` is: the file to edit.
            let file = info
                .location()
                .map_or_else(String::new, |l| format!(", in {},", l.file()));
            eprintln!(
                "\nexercise {number} is not written yet: its code{file} is still a `todo!()`.\n\
                 This example needs 4.1, 4.2 and 4.3. Write {number}, check it with \
                 `cargo test -p chapter-4 -- {number}`, and run this example again."
            );
            std::process::exit(1);
        }
        default(info);
    }));
}
