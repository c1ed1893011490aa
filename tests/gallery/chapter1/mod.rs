//! Known-wrong chapter-1 code, one module per mistake.
//!
//! Each entry writes out the function (or type) that carries its mistake
//! and implements the chapter's `Api` for a type `Entry` with just that:
//! the trait's defaults stand in for the rest, which its designated check
//! never calls.

pub mod constant_world;
pub mod current_thread_runtime;
pub mod forgotten_await;
pub mod get_before_set;
pub mod half_fixed_visit;
pub mod hard_coded_port;
pub mod io_driver_only;
pub mod nested_runtime;
pub mod not_on_tokio;
pub mod runtime_without_drivers;
pub mod spawns_the_visit;
pub mod visit_never_awaited;
