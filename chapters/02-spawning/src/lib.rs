//! Chapter 2, Spawning: the first server, one task per connection.
//!
//! Five exercises, one module each, in the order the book takes them:
//!
//! 1. [`reply_with_errors`] — an accept loop that answers every command,
//!    one client at a time.
//! 2. [`serve_concurrently`] — the same loop with one task per connection.
//! 3. [`serve`] — GET and SET, from a store each connection keeps.
//! 4. [`fetch_all`] — spawn several client tasks, collect their results.
//! 5. [`save_greeting`] — a task that can move between threads (`Send`).

mod accept_loop;
mod fetch_all;
mod get_and_set;
mod send_bound;
mod spawn_per_connection;

pub use accept_loop::reply_with_errors;
pub use fetch_all::fetch_all;
pub use get_and_set::serve;
pub use send_bound::save_greeting;
pub use spawn_per_connection::serve_concurrently;
