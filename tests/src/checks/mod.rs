//! Checks every server chapter shares, written once against [`Serve`].
//!
//! A chapter registers the ones whose requirements its exercises state
//! (`check!(exercise, checks::server::answers_every_command_on_a_connection::<S>)`),
//! so a requirement stated again in a later exercise is checked again there
//! with the same evidence and the same words. [`server`] holds what any
//! RESP server owes its clients; [`store`] what a server with one shared
//! store owes them.
//!
//! [`Serve`]: crate::fixtures::Serve

pub mod blocking;
pub mod cost;
pub mod hygiene;
pub mod model;
pub mod protocol;
pub mod server;
pub mod stated;
pub mod store;
pub mod store_model;
