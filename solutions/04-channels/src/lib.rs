//! Chapter 4, Channels: one connection, many tasks, no lock.
//!
//! Chapter 3 shared one Redis connection between tasks by locking it. Here
//! one task, the *manager*, owns the connection outright, and every other
//! task talks to it through channels: an `mpsc` queue of [`Command`]s in,
//! a `oneshot` reply out for each of them. A fourth exercise follows a
//! feed of changes on a `broadcast` channel, and a fifth observes a
//! setting on a `watch` channel.
//!
//! One file per exercise, in the order the book takes them:
//!
//! - `command.rs` — given: the [`Command`] a task sends to the manager.
//! 1. `manager.rs`, [`start`] — connect once, then serve commands from a
//!    bounded queue in a task that owns the connection.
//! 2. `get.rs`, [`get`] — send a GET to the manager and await its reply.
//! 3. `set.rs`, [`set`] — the same for SET.
//! 4. `follow.rs`, [`follow`] — read a `broadcast` feed to its end,
//!    counting what a slow reader missed.
//! 5. `observe.rs`, [`observe`] — apply a setting published on a `watch`
//!    channel, the current value first, then each change.

mod command;
mod follow;
mod get;
mod manager;
mod observe;
mod set;

pub use command::{Command, MANAGER_GONE, Responder};
pub use follow::{Followed, follow};
pub use get::get;
pub use manager::{CAPACITY, start};
pub use observe::observe;
pub use set::set;
