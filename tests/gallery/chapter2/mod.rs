//! Known-wrong chapter-2 code, one module per mistake.
//!
//! Each entry writes out the function (or type) that carries its mistake
//! and implements the chapter's `Api` for a type `Entry` with just that:
//! the trait's defaults stand in for the rest, which its designated check
//! never calls.

pub mod accept_loop_in_a_task;
pub mod accepts_once;
pub mod awaits_each_task;
pub mod block_in_place_per_command;
pub mod case_insensitive_keys;
pub mod echoes_the_frame;
pub mod empty_string_for_missing_key;
pub mod error_stops_server;
pub mod greeting_never_sent;
pub mod hard_coded_port;
pub mod hard_coded_values;
pub mod if_let_not_loop;
pub mod joinset_completion_order;
pub mod null_for_unknown;
pub mod one_error_per_read;
pub mod one_value_for_all_keys;
pub mod panic_on_unknown;
pub mod question_mark_on_command;
pub mod rc_across_await;
pub mod retries_bad_frame;
pub mod send_stub_without_rc;
pub mod sequential_get_set;
pub mod sequential_server;
pub mod skips_what_is_not_an_array;
pub mod spawned_if_let;
pub mod waits_after_goodbye;

/// A GET/SET answer shared by the server entries: `None` for anything
/// that is not a well-formed GET or SET.
pub fn get_or_set(
    store: &mut std::collections::HashMap<String, bytes::Bytes>,
    frame: mini_redis::Frame,
) -> Option<mini_redis::Frame> {
    use mini_redis::{Command, Frame};
    match Command::from_frame(frame) {
        Ok(Command::Set(cmd)) => {
            store.insert(cmd.key().to_owned(), cmd.value().clone());
            Some(Frame::Simple("OK".into()))
        }
        Ok(Command::Get(cmd)) => Some(
            store
                .get(cmd.key())
                .map_or(Frame::Null, |v| Frame::Bulk(v.clone())),
        ),
        _ => None,
    }
}
pub mod finds_by_iterating;
