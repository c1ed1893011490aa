//! The gallery: known-wrong code that the graded checks must reject.
//!
//! Every entry is run through its designated check, in a child process,
//! exactly as a learner's crate would be. The check must fail, and its
//! result must name the entry's mistake by id (both in the structured
//! result and as `[id]` in the text). A check that passed a gallery entry
//! could not catch the mistake it was written for.
//!
//! The harness's own behaviour (hangs, spins, crashes, `todo!()`s) is
//! proven the same way, in `harness_cases`. The messages are kept as insta
//! snapshots so a reviewer sees exactly what a learner will read.

// See the note on this lint in the grader's lib.rs.
#![allow(clippy::result_large_err)]

mod chapter1;
mod chapter2;
mod chapter3;
mod chapter4;
mod chapter5;
mod chapter6;
mod harness_cases;

use grader::harness;
use grader::results::Outcome;
use grader::suite::Check;
use libtest_mimic::{Arguments, Failed, Trial};

/// One gallery entry: the chapter, the module, the check designated for
/// its mistake, and the mistake's id. The module's `Entry` type implements
/// the chapter's `Api` with the entry's code.
macro_rules! entry {
    ($chapter:ident, $module:ident, $check:literal, $mistake:literal) => {
        entry(
            concat!(stringify!($chapter), "::", stringify!($module)),
            grader::chapters::$chapter::suite::<crate::$chapter::$module::Entry>("gallery"),
            $check,
            $mistake,
        )
    };
}

/// What a case must end in.
enum Expect {
    /// Failed, naming this mistake id.
    Mistake(&'static str),
    /// Reported as the stub's `todo!()`.
    NotImplemented,
    /// Failed, with this text in the message.
    Mentions(&'static str),
    /// Passed: code written differently from the reference, or worse than
    /// it in a way no check is about (slow, say), but right. Proves the
    /// check does not fail a careful learner's own way of doing it.
    Accepted,
}

/// An extra guarantee, checked after the outcome matched.
type After = fn(&Outcome) -> Result<(), String>;

struct Case {
    /// The trial's name.
    name: String,
    /// The check's registered (child) name.
    check_name: String,
    check: Check,
    expect: Expect,
    /// Run after the outcome matched, for extra guarantees.
    after: Option<After>,
    /// For a guard: the other checks of its exercise, by child name. The
    /// case runs them all and settles the guard as a learner's run does.
    siblings: Vec<(String, Check)>,
}

/// One gallery entry, run through the check designated for its mistake.
fn entry(entry: &str, suite: grader::suite::Suite, check: &str, mistake: &'static str) -> Case {
    let found = suite
        .checks
        .iter()
        .find(|c| c.name == check || c.full_name() == check)
        .unwrap_or_else(|| panic!("gallery: no check named {check}"));
    Case {
        name: format!("{entry}::is_rejected_by::{}", found.full_name()),
        check_name: format!("{entry}::{}", found.full_name()),
        check: *found,
        expect: Expect::Mistake(mistake),
        after: None,
        siblings: Vec::new(),
    }
}

/// One gallery entry that is right: the check named, and every other
/// check of its exercise, must pass it.
macro_rules! accepted_entry {
    ($chapter:ident, $module:ident, $check:literal) => {
        accepted_entry(
            concat!(stringify!($chapter), "::", stringify!($module)),
            grader::chapters::$chapter::suite::<crate::$chapter::$module::Entry>("gallery"),
            $check,
        )
    };
}

/// The other checks of `check`'s exercise in `suite`, named for `entry`.
fn siblings(entry: &str, suite: &grader::suite::Suite, check: &Check) -> Vec<(String, Check)> {
    suite
        .checks
        .iter()
        .filter(|c| c.exercise.id == check.exercise.id && c.name != check.name)
        .map(|c| (format!("{entry}::{}", c.full_name()), *c))
        .collect()
}

fn accepted_entry(entry: &str, suite: grader::suite::Suite, check: &str) -> Case {
    let mut case = self::entry(entry, suite.clone(), check, "");
    case.expect = Expect::Accepted;
    case.siblings = siblings(entry, &suite, &case.check);
    case.name = format!("{entry}::is_accepted_by::{}", case.check.full_name());
    case
}

/// One gallery entry that does none of an exercise's work: its designated
/// check is a guard, which it passes alone, and which must not count once
/// the exercise's other checks have run.
macro_rules! idle_entry {
    ($chapter:ident, $module:ident, $check:literal, $expect:expr) => {
        idle_entry(
            concat!(stringify!($chapter), "::", stringify!($module)),
            grader::chapters::$chapter::suite::<crate::$chapter::$module::Entry>("gallery"),
            $check,
            $expect,
        )
    };
}

fn idle_entry(entry: &str, suite: grader::suite::Suite, check: &str, expect: Expect) -> Case {
    let mut case = self::entry(entry, suite.clone(), check, "");
    assert!(case.check.guard, "gallery: {check} is not a guard");
    case.expect = expect;
    case.siblings = siblings(entry, &suite, &case.check);
    case.name = format!("{entry}::is_not_counted_by::{}", case.check.full_name());
    case
}

/// Runs a case: its check alone, or, for a guard, its whole exercise; for
/// an accepted entry, every check of its exercise, and the first that does
/// not pass (or `Passed`).
fn run_case(case: &Case) -> Outcome {
    let own = harness::run_in_child(&case.check_name, &case.check);
    if matches!(case.expect, Expect::Accepted) {
        return std::iter::once(own)
            .chain(
                case.siblings
                    .iter()
                    .map(|(name, check)| harness::run_in_child(name, check)),
            )
            .find(|outcome| !matches!(outcome, Outcome::Passed))
            .unwrap_or(Outcome::Passed);
    }
    if case.siblings.is_empty() {
        return own;
    }
    let graded = |check: Check, outcome: Outcome| grader::results::Graded {
        check,
        outcome,
        duration: std::time::Duration::ZERO,
    };
    let mut all = vec![graded(case.check, own)];
    for (name, check) in &case.siblings {
        all.push(graded(*check, harness::run_in_child(name, check)));
    }
    grader::results::settle_guards(&mut all);
    all.swap_remove(0).outcome
}

fn cases() -> Vec<Case> {
    let mut cases = vec![
        entry!(
            chapter1,
            hard_coded_port,
            "connects_to_the_address_it_is_given",
            "hard-coded-port"
        ),
        entry!(
            chapter1,
            forgotten_await,
            "the_set_reaches_the_server",
            "forgotten-await"
        ),
        entry!(
            chapter1,
            get_before_set,
            "get_returns_world",
            "get-before-set"
        ),
        entry!(
            chapter1,
            runtime_without_drivers,
            "the_runtime_can_do_network_io",
            "runtime-without-drivers"
        ),
        entry!(
            chapter1,
            visit_never_awaited,
            "the_visitor_reaches_the_server",
            "forgotten-await"
        ),
        entry!(
            chapter1,
            half_fixed_visit,
            "the_greeting_reaches_the_server",
            "forgotten-await"
        ),
        entry!(
            chapter1,
            io_driver_only,
            "the_runtime_has_timers",
            "runtime-without-drivers"
        ),
        entry!(
            chapter1,
            not_on_tokio,
            "a_plain_function_drives_a_future",
            "no-runtime"
        ),
        entry!(
            chapter1,
            current_thread_runtime,
            "a_plain_function_drives_a_future",
            "current-thread-runtime"
        ),
        entry!(
            chapter1,
            constant_world,
            "get_returns_world",
            "answer-without-asking"
        ),
        entry!(
            chapter1,
            spawns_the_visit,
            "record_visit_is_done_when_it_returns",
            "returns-before-done"
        ),
        entry!(
            chapter1,
            nested_runtime,
            "a_plain_function_drives_a_future",
            "runtime-inside-runtime"
        ),
        entry!(
            chapter2,
            hard_coded_port,
            "answers_a_command_with_an_error_frame",
            "own-listener"
        ),
        entry!(
            chapter2,
            echoes_the_frame,
            "2.1-accept-loop::an_error_reply_is_one_frame",
            "echoed-crlf"
        ),
        entry!(
            chapter2,
            waits_after_goodbye,
            "2.1-accept-loop::the_server_closes_after_the_client_hangs_up",
            "keeps-closed-connection"
        ),
        entry!(
            chapter2,
            if_let_not_loop,
            "answers_every_command_on_a_connection",
            "if-let-not-loop"
        ),
        entry!(
            chapter2,
            accepts_once,
            "serves_the_next_client_after_one_leaves",
            "accepts-once"
        ),
        entry!(
            chapter2,
            sequential_server,
            "2.2-spawn-per-connection::an_idle_client_does_not_block_others",
            "sequential-server"
        ),
        entry!(
            chapter2,
            spawned_if_let,
            "2.2-spawn-per-connection::answers_every_command_on_a_connection",
            "if-let-not-loop"
        ),
        entry!(
            chapter2,
            empty_string_for_missing_key,
            "set_and_get_match_the_reference_transcript",
            "missing-key-not-null"
        ),
        entry!(
            chapter2,
            panic_on_unknown,
            "an_unknown_command_gets_an_error_and_the_connection_lives",
            "panic-on-unknown"
        ),
        entry!(
            chapter2,
            sequential_get_set,
            "2.3-get-and-set::an_idle_client_does_not_block_others",
            "sequential-server"
        ),
        entry!(
            chapter2,
            retries_bad_frame,
            "a_malformed_frame_gets_an_error_or_a_close",
            "retries-bad-frame"
        ),
        entry!(
            chapter2,
            error_stops_server,
            "a_client_leaving_mid_command_does_not_stop_the_server",
            "server-stopped"
        ),
        entry!(
            chapter2,
            one_value_for_all_keys,
            "fifty_interleaved_clients_get_their_own_values",
            "ignores-key"
        ),
        entry!(
            chapter2,
            awaits_each_task,
            "runs_the_tasks_at_the_same_time",
            "sequential-tasks"
        ),
        entry!(
            chapter2,
            hard_coded_values,
            "runs_the_tasks_at_the_same_time",
            "answer-without-asking"
        ),
        entry!(
            chapter2,
            joinset_completion_order,
            "returns_values_in_the_order_of_the_keys",
            "completion-order"
        ),
        entry!(
            chapter2,
            rc_across_await,
            "the_greeting_task_is_send",
            "not-send"
        ),
        entry!(
            chapter2,
            greeting_never_sent,
            "the_greeting_reaches_the_server",
            "forgotten-await"
        ),
        entry!(
            chapter3,
            store_per_connection,
            "3.1-shared-store::a_set_on_one_connection_is_visible_on_another",
            "store-per-connection"
        ),
        entry!(
            chapter3,
            arc_new_in_loop,
            "3.1-shared-store::a_set_on_one_connection_is_visible_on_another",
            "store-per-connection"
        ),
        entry!(
            chapter3,
            nil_as_empty,
            "set_and_get_match_the_reference_transcript",
            "missing-key-not-null"
        ),
        entry!(
            chapter3,
            panics_holding_the_lock,
            "an_unknown_command_gets_an_error_and_the_connection_lives",
            "panic-on-unknown"
        ),
        entry!(
            chapter3,
            copies_the_map,
            "3.1-shared-store::fifty_concurrent_clients_lose_no_write",
            "lost-write"
        ),
        entry!(
            chapter3,
            tokio_mutex_per_connection,
            "an_idle_client_does_not_block_others",
            "lock-across-await"
        ),
        entry!(
            chapter3,
            tokio_mutex_across_write,
            "a_slow_reader_does_not_freeze_the_store",
            "lock-across-await"
        ),
        entry!(
            chapter3,
            set_on_a_copy,
            "set_returns_the_value_it_replaces",
            "lost-write"
        ),
        entry!(
            chapter3,
            double_lock,
            "set_does_not_lock_twice",
            "double-lock"
        ),
        entry!(
            chapter3,
            get_removes,
            "get_returns_what_set_stored",
            "get-removes"
        ),
        entry!(
            chapter3,
            get_puts_back,
            "reads_from_many_threads_never_find_a_gap",
            "get-removes"
        ),
        entry!(
            chapter3,
            set_on_a_copy,
            "writes_from_many_threads_all_land",
            "lost-write"
        ),
        entry!(
            chapter3,
            shard_by_byte_sum,
            "key_families_spread_evenly",
            "uneven-shards"
        ),
        entry!(
            chapter3,
            random_state_shard,
            "a_key_maps_to_the_same_shard_every_time",
            "unstable-shard"
        ),
        entry!(
            chapter3,
            shard_by_length,
            "ten_thousand_keys_spread_evenly",
            "uneven-shards"
        ),
        entry!(
            chapter3,
            sharded_db_per_connection,
            "3.5-sharded-server::a_set_on_one_connection_is_visible_on_another",
            "store-per-connection"
        ),
        entry!(
            chapter3,
            unstable_shard_server,
            "3.5-sharded-server::fifty_concurrent_clients_lose_no_write",
            "unstable-shard"
        ),
        entry!(
            chapter3,
            std_guard_across_await,
            "record_visit_runs_as_a_spawned_task",
            "guard-across-await"
        ),
        entry!(
            chapter3,
            lock_per_command,
            "fifty_concurrent_visits_are_all_counted",
            "lost-update"
        ),
        idle_entry!(
            chapter2,
            send_stub_without_rc,
            "the_greeting_task_is_send",
            Expect::NotImplemented
        ),
        idle_entry!(
            chapter3,
            set_does_nothing,
            "set_does_not_lock_twice",
            Expect::Mentions("Not counted yet")
        ),
        idle_entry!(
            chapter3,
            shard_always_zero,
            "a_key_maps_to_the_same_shard_every_time",
            Expect::Mentions("Not counted yet")
        ),
        entry!(
            chapter2,
            one_error_per_read,
            "2.1-accept-loop::random_sessions_match_the_model",
            "reads-not-frames"
        ),
        entry!(
            chapter2,
            skips_what_is_not_an_array,
            "2.2-spawn-per-connection::random_sessions_match_the_model",
            "unanswered-request"
        ),
        entry!(
            chapter2,
            case_insensitive_keys,
            "2.3-get-and-set::random_sessions_match_the_model",
            "keys-case-folded"
        ),
        entry!(
            chapter2,
            question_mark_on_command,
            "2.3-get-and-set::random_sessions_match_the_model",
            "closes-on-bad-command"
        ),
        entry!(
            chapter2,
            null_for_unknown,
            "2.3-get-and-set::random_sessions_match_the_model",
            "not-an-error"
        ),
        entry!(
            chapter3,
            string_values,
            "3.1-shared-store::random_sessions_match_the_model",
            "value-changed"
        ),
        entry!(
            chapter3,
            replies_popped,
            "3.1-shared-store::random_sessions_match_the_model",
            "replies-out-of-order"
        ),
        entry!(
            chapter3,
            sleeps_between_commands,
            "3.1-shared-store::no_request_blocks_the_runtime",
            "blocking-in-async"
        ),
        entry!(
            chapter2,
            block_in_place_per_command,
            "2.3-get-and-set::no_request_blocks_the_runtime",
            "blocking-in-async"
        ),
        entry!(
            chapter2,
            accept_loop_in_a_task,
            "2.2-spawn-per-connection::the_listener_closes_when_serve_is_dropped",
            "listener-outlives-serve"
        ),
        entry!(
            chapter3,
            static_store,
            "3.1-shared-store::two_servers_keep_their_own_stores",
            "global-store"
        ),
        entry!(
            chapter3,
            spin_relock,
            "3.1-shared-store::a_set_on_one_connection_is_visible_on_another",
            "busy-loop"
        ),
        entry!(
            chapter3,
            answers_set_twice,
            "3.5-sharded-server::random_sessions_match_the_model",
            "extra-reply"
        ),
        // Store model, cost and shard families (helper `store-model`).
        entry!(
            chapter3,
            set_clones_and_writes_back,
            "3.2-db-set::random_operations_match_a_hashmap_model",
            "lost-write"
        ),
        entry!(
            chapter3,
            set_forgets_old_value,
            "3.2-db-set::random_operations_match_a_hashmap_model",
            "lost-write"
        ),
        entry!(
            chapter3,
            set_forgets_old_value,
            "3.3-db-get::random_operations_match_a_hashmap_model",
            "old-value-not-returned"
        ),
        entry!(
            chapter3,
            get_removes,
            "3.3-db-get::random_operations_match_a_hashmap_model",
            "get-removes"
        ),
        entry!(
            chapter3,
            get_puts_back,
            "3.3-db-get::random_operations_match_a_hashmap_model",
            "get-removes"
        ),
        entry!(
            chapter3,
            get_rewrites,
            "3.3-db-get::random_operations_match_a_hashmap_model",
            "get-writes-back"
        ),
        entry!(
            chapter3,
            set_clones_and_writes_back,
            "3.2-db-set::calls_cost_the_same_in_a_big_store",
            "linear-lookup"
        ),
        entry!(
            chapter3,
            clones_the_map_per_get,
            "3.1-shared-store::requests_cost_the_same_in_a_big_store",
            "linear-lookup"
        ),
        entry!(
            chapter2,
            finds_by_iterating,
            "2.3-get-and-set::requests_cost_the_same_in_a_big_store",
            "linear-lookup"
        ),
        entry!(
            chapter3,
            get_via_iter_find,
            "3.3-db-get::calls_cost_the_same_in_a_big_store",
            "linear-lookup"
        ),
        entry!(
            chapter3,
            get_clones_the_map,
            "3.3-db-get::calls_cost_the_same_in_a_big_store",
            "linear-lookup"
        ),
        entry!(
            chapter3,
            shard_from_sixteen,
            "generated_keys_spread_over_any_shard_count",
            "uneven-shards"
        ),
        entry!(
            chapter4,
            connection_per_request,
            "a_hundred_tasks_share_one_connection",
            "connection-per-request"
        ),
        entry!(
            chapter4,
            manager_keeps_a_sender,
            "the_manager_ends_when_every_sender_is_dropped",
            "manager-keeps-a-sender"
        ),
        entry!(
            chapter4,
            reply_send_unwrapped,
            "a_dropped_reply_receiver_does_not_stop_the_manager",
            "reply-send-unwrapped"
        ),
        entry!(
            chapter4,
            huge_capacity,
            "the_channel_is_bounded_and_fills_while_the_server_stalls",
            "unbounded-queue"
        ),
        entry!(
            chapter4,
            huge_capacity,
            "a_send_into_the_full_channel_waits_for_the_manager",
            "unbounded-queue"
        ),
        entry!(
            chapter4,
            unwrap_in_manager,
            "every_waiting_caller_gets_an_error_when_the_server_dies",
            "manager-dies-with-server"
        ),
        entry!(
            chapter4,
            blocking_send_get,
            "a_hundred_concurrent_gets_each_get_their_own_answer",
            "blocking-send-in-async"
        ),
        entry!(
            chapter4,
            get_without_asking,
            "a_get_is_pending_until_the_manager_answers",
            "reply-without-asking"
        ),
        entry!(
            chapter4,
            try_send_get,
            "a_get_waits_for_room_in_a_full_channel",
            "try-send-when-full"
        ),
        entry!(
            chapter4,
            rx_await_unwrap,
            "a_get_errs_when_the_manager_is_gone",
            "panic-when-manager-gone"
        ),
        entry!(
            chapter4,
            blocking_send_set,
            "a_hundred_concurrent_sets_each_carry_their_key_and_value",
            "blocking-send-in-async"
        ),
        entry!(
            chapter4,
            set_without_waiting,
            "a_set_is_pending_until_the_manager_answers",
            "reply-not-awaited"
        ),
        entry!(
            chapter4,
            set_unwraps,
            "a_set_errs_when_the_manager_is_gone",
            "panic-when-manager-gone"
        ),
        entry!(
            chapter4,
            try_recv_follower,
            "every_follower_sees_every_change_in_order",
            "stops-when-empty"
        ),
        entry!(
            chapter4,
            follow_does_nothing,
            "every_follower_sees_every_change_in_order",
            "stops-when-empty"
        ),
        entry!(
            chapter4,
            get_without_waiting,
            "a_get_is_pending_until_the_manager_answers",
            "reply-not-awaited"
        ),
        entry!(
            chapter4,
            task_per_command,
            "the_channel_is_bounded_and_fills_while_the_server_stalls",
            "unbounded-queue"
        ),
        entry!(
            chapter4,
            stops_on_lagged,
            "a_lagging_follower_counts_what_it_missed_and_continues",
            "stops-on-lagged"
        ),
        entry!(
            chapter4,
            try_recv_and_yield,
            "a_follower_waits_for_each_value_until_the_feed_closes",
            "channel-polled-in-a-loop"
        ),
        entry!(
            chapter4,
            stops_on_error,
            "a_server_error_reaches_only_its_own_caller",
            "manager-stops-on-error"
        ),
        entry!(
            chapter4,
            errors_swallowed,
            "a_server_error_reaches_only_its_own_caller",
            "server-error-swallowed"
        ),
        entry!(
            chapter4,
            batch_fails_together,
            "a_server_error_reaches_only_its_own_caller",
            "error-to-wrong-caller"
        ),
        entry!(
            chapter4,
            skips_initial_limit,
            "an_observer_applies_the_limit_then_waits_for_a_change",
            "initial-value-skipped"
        ),
        entry!(
            chapter4,
            polls_the_setting,
            "an_observer_applies_the_limit_then_waits_for_a_change",
            "channel-polled-in-a-loop"
        ),
        entry!(
            chapter4,
            observe_ignores_closed,
            "an_observer_applies_the_limit_then_waits_for_a_change",
            "observer-outlives-publisher"
        ),
        entry!(
            chapter4,
            borrow_across_send,
            "publishing_never_waits_for_an_observer",
            "borrow-held-across-await"
        ),
        entry!(
            chapter4,
            observe_once,
            "every_observer_ends_with_the_latest_limit",
            "observer-stops-early"
        ),
        entry!(
            chapter5,
            echo_with_write,
            "5.1-echo-by-hand::payloads_around_the_buffer_size_come_back_exactly",
            "write-not-write-all"
        ),
        entry!(
            chapter5,
            echo_with_write,
            "5.1-echo-by-hand::four_mebibytes_of_binary_come_back_exactly",
            "write-not-write-all"
        ),
        accepted_entry!(
            chapter6,
            written_differently,
            "check_finds_a_whole_frame_and_its_length"
        ),
        accepted_entry!(
            chapter6,
            written_differently,
            "parse_returns_the_frame_the_bytes_spell"
        ),
        accepted_entry!(
            chapter6,
            written_differently,
            "every_frame_type_is_written_exactly"
        ),
        accepted_entry!(
            chapter6,
            written_differently,
            "frames_that_arrive_in_one_read_all_come_out_in_order"
        ),
        accepted_entry!(
            chapter3,
            store_behind_an_rwlock,
            "set_returns_the_value_it_replaces"
        ),
        accepted_entry!(
            chapter3,
            store_behind_an_rwlock,
            "get_returns_what_set_stored"
        ),
        accepted_entry!(chapter3, shard_by_fnv, "key_families_spread_evenly"),
        accepted_entry!(
            chapter5,
            echo_one_byte_at_a_time,
            "5.1-echo-by-hand::four_mebibytes_of_binary_come_back_exactly"
        ),
        entry!(
            chapter5,
            echo_one_fixed_read,
            "5.1-echo-by-hand::payloads_around_the_buffer_size_come_back_exactly",
            "stops-before-eof"
        ),
        entry!(
            chapter5,
            echo_whole_buffer,
            "5.1-echo-by-hand::payloads_around_the_buffer_size_come_back_exactly",
            "echo-not-exact"
        ),
        entry!(
            chapter5,
            echo_a_constant,
            "5.1-echo-by-hand::four_mebibytes_of_binary_come_back_exactly",
            "echo-not-exact"
        ),
        entry!(
            chapter5,
            echo_ignores_eof,
            "5.1-echo-by-hand::after_the_client_shuts_down_everything_comes_back_then_the_end",
            "eof-ignored"
        ),
        entry!(
            chapter5,
            echo_reads_to_end_first,
            "5.1-echo-by-hand::bytes_come_back_while_the_client_is_still_sending",
            "reads-to-end-first"
        ),
        entry!(
            chapter5,
            echo_does_nothing,
            "5.1-echo-by-hand::bytes_come_back_while_the_client_is_still_sending",
            "stops-before-eof"
        ),
        entry!(
            chapter5,
            copy_to_a_sink,
            "5.2-echo-with-copy::payloads_around_the_buffer_size_come_back_exactly",
            "stops-before-eof"
        ),
        entry!(
            chapter5,
            copy_into_a_vec_first,
            "5.2-echo-with-copy::bytes_come_back_while_the_client_is_still_sending",
            "reads-to-end-first"
        ),
        entry!(
            chapter5,
            server_one_client_at_a_time,
            "5.3-echo-server::fifty_interleaved_clients_each_get_their_own_bytes",
            "sequential-server"
        ),
        entry!(
            chapter5,
            server_ignores_eof,
            "5.3-echo-server::fifty_interleaved_clients_each_get_their_own_bytes",
            "eof-ignored"
        ),
        entry!(
            chapter5,
            server_accepts_once,
            "5.3-echo-server::serves_the_next_client_after_one_leaves",
            "accepts-once"
        ),
        entry!(
            chapter5,
            server_accept_loop_in_a_task,
            "5.3-echo-server::the_listener_closes_when_serve_is_dropped",
            "listener-outlives-serve"
        ),
        entry!(
            chapter5,
            server_sleeps_per_read,
            "5.3-echo-server::no_echo_blocks_the_runtime",
            "blocking-in-async"
        ),
        entry!(
            chapter5,
            request_with_write,
            "5.4-request::the_whole_request_goes_out_and_the_whole_reply_comes_back",
            "write-not-write-all"
        ),
        entry!(
            chapter5,
            request_reads_once,
            "5.4-request::the_whole_request_goes_out_and_the_whole_reply_comes_back",
            "reply-read-once"
        ),
        entry!(
            chapter5,
            request_echoes_itself,
            "5.4-request::the_whole_request_goes_out_and_the_whole_reply_comes_back",
            "answer-without-asking"
        ),
        entry!(
            chapter5,
            request_without_shutdown,
            "5.4-request::the_write_side_is_shut_down_before_the_reply_is_awaited",
            "no-shutdown"
        ),
        entry!(
            chapter6,
            check_always_ok,
            "check_finds_a_whole_frame_and_its_length",
            "wrong-frame"
        ),
        entry!(
            chapter6,
            check_always_ok,
            "check_says_incomplete_for_every_cut",
            "incomplete-is-not-an-error"
        ),
        entry!(
            chapter6,
            check_always_ok,
            "check_refuses_what_is_not_resp",
            "wrong-frame"
        ),
        entry!(
            chapter6,
            check_panics_on_overflow,
            "check_refuses_what_is_not_resp",
            "parser-panics"
        ),
        entry!(
            chapter6,
            check_skips_bulk_crlf,
            "check_agrees_with_the_reference_on_random_bytes",
            "wrong-frame"
        ),
        entry!(
            chapter6,
            parse_constant,
            "parse_returns_the_frame_the_bytes_spell",
            "wrong-frame"
        ),
        entry!(
            chapter6,
            parse_constant,
            "random_frames_parse_to_themselves",
            "wrong-frame"
        ),
        entry!(
            chapter6,
            parse_constant,
            "parse_refuses_what_is_not_resp",
            "wrong-frame"
        ),
        entry!(
            chapter6,
            parse_panics_on_overflow,
            "parse_refuses_what_is_not_resp",
            "parser-panics"
        ),
        entry!(
            chapter6,
            integer_buffer_too_small,
            "every_frame_type_is_written_exactly",
            "integer-buffer-too-small"
        ),
        entry!(
            chapter6,
            write_nothing,
            "every_frame_type_is_written_exactly",
            "wrong-encoding"
        ),
        entry!(
            chapter6,
            write_nothing,
            "random_frames_are_written_as_the_reference_writes_them",
            "wrong-encoding"
        ),
        entry!(
            chapter6,
            write_not_write_all,
            "a_one_mebibyte_bulk_is_written_whole",
            "write-not-write-all"
        ),
        entry!(
            chapter6,
            flush_per_frame,
            "6.3-write-frame::sixteen_pipelined_requests_get_their_replies_in_one_write",
            "flush-per-frame"
        ),
        entry!(
            chapter6,
            flush_per_frame,
            "6.4-read-frame::sixteen_pipelined_requests_get_their_replies_in_one_write",
            "flush-per-frame"
        ),
        entry!(
            chapter6,
            no_flush,
            "a_lone_request_is_answered_before_the_deadline",
            "missing-flush"
        ),
        entry!(
            chapter6,
            clear_instead_of_advance,
            "frames_that_arrive_in_one_read_all_come_out_in_order",
            "clear-instead-of-advance"
        ),
        entry!(
            chapter6,
            fixed_buffer,
            "a_one_mebibyte_bulk_is_read_whole",
            "buffer-never-grows"
        ),
        entry!(
            chapter6,
            unbounded_buffer,
            "a_frame_that_never_ends_is_an_error_not_a_growing_buffer",
            "buffer-grows-for-ever"
        ),
        entry!(
            chapter6,
            every_eof_clean,
            "end_of_stream_is_none_between_frames_and_an_error_inside_one",
            "every-eof-clean"
        ),
        entry!(
            chapter6,
            one_read,
            "a_frame_split_at_every_byte_reads_the_same",
            "one-read-per-frame"
        ),
        entry!(
            chapter6,
            errors_as_incomplete,
            "bytes_that_are_not_resp_are_an_error_at_once",
            "waits-on-bad-frame"
        ),
        entry!(
            chapter6,
            mini_redis_errors,
            "replies_match_redis_server_byte_for_byte",
            "not-redis-error-text"
        ),
        entry!(
            chapter6,
            closes_after_error,
            "replies_match_redis_server_byte_for_byte",
            "closes-after-error"
        ),
        entry!(
            chapter6,
            server_without_flush,
            "redis_cli_talks_to_the_server",
            "missing-flush"
        ),
        entry!(
            chapter6,
            server_forgets_limits,
            "a_request_that_never_ends_is_cut_off",
            "limits-not-passed"
        ),
        entry!(
            chapter6,
            no_nodelay,
            "accepted_sockets_set_nodelay",
            "no-nodelay"
        ),
    ];
    for check in harness_cases::checks() {
        let (expect, after): (Expect, Option<After>) = match check.name {
            "todo_in_check" | "todo_in_spawned_task" => (Expect::NotImplemented, None),
            "plain_panic" => (Expect::Mentions("index out of bounds"), None),
            "runtime_without_io" => (Expect::Mistake("runtime-without-drivers"), None),
            "double_lock" | "stopped_clock" => (Expect::Mistake("stuck"), None),
            "busy_loop" | "read_loop_ignoring_eof" | "spin_in_a_spawned_thread" => {
                (Expect::Mistake("busy-loop"), None)
            }
            "abort" => (Expect::Mentions("SIGABRT"), None),
            "hang_holding_a_port" => (Expect::Mistake("stuck"), Some(port_was_released)),
            "forged_verdict_on_stdout" => (
                Expect::Mentions("imitates the grader's report"),
                Some(stuck_not_passed),
            ),
            "forged_verdict_on_stderr_then_exit" | "exit_zero_early" => {
                (Expect::Mentions("exited before it finished"), None)
            }
            "kills_its_process_group" => (Expect::Mentions("signal 9"), None),
            other => panic!("gallery: no expectation for harness case {other}"),
        };
        cases.push(Case {
            name: format!("harness::{}", check.name),
            check_name: format!("harness::{}", check.name),
            check,
            expect,
            after,
            siblings: Vec::new(),
        });
    }
    cases
}

/// A forged pass followed by a hang is a hang.
fn stuck_not_passed(outcome: &Outcome) -> Result<(), String> {
    match outcome {
        Outcome::Failed {
            mistake: Some(id), ..
        } if id == "stuck" => Ok(()),
        other => Err(format!("expected a [stuck] failure, got {other:?}")),
    }
}

/// The killed child's listening port must be free again.
fn port_was_released(outcome: &Outcome) -> Result<(), String> {
    let message = outcome.message().unwrap_or_default();
    let port: u16 = message
        .split("holding port ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("the child's output did not show its port:\n{message}"))?;
    std::net::TcpListener::bind(("127.0.0.1", port))
        .map(drop)
        .map_err(|e| format!("port {port} is still taken after the child was killed: {e}"))
}

fn verify(case: &Case, outcome: &Outcome) -> Result<(), String> {
    match (&case.expect, outcome) {
        (Expect::Accepted, Outcome::Passed) => {}
        (Expect::Accepted, other) => {
            return Err(format!(
                "the check FAILED this right (if unusual) code: it would fail a learner \
                 who did nothing wrong: {other:?}"
            ));
        }
        (_, Outcome::Passed) => {
            return Err(
                "the check PASSED this known-wrong code: it cannot catch the mistake".into(),
            );
        }
        (Expect::NotImplemented, Outcome::NotImplemented(_)) => {}
        (Expect::Mistake(id), Outcome::Failed { message, mistake }) => {
            if mistake.as_deref() != Some(*id) {
                return Err(format!(
                    "expected mistake [{id}], got {mistake:?}:\n{message}"
                ));
            }
            if !message.contains(&format!("[{id}]")) {
                return Err(format!("the message does not name [{id}]:\n{message}"));
            }
        }
        (Expect::Mentions(text), Outcome::Failed { message, .. }) if message.contains(text) => {}
        (_, other) => return Err(format!("unexpected outcome: {other:?}")),
    }
    if let Some(after) = case.after {
        after(outcome)?;
    }
    Ok(())
}

/// Makes a message stable across runs and machines for its snapshot.
fn normalise(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("127.0.0.1:") {
        out.push_str(&rest[..i + "127.0.0.1:".len()]);
        rest = &rest[i + "127.0.0.1:".len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        out.push_str(if digits > 0 { "PORT" } else { "" });
        rest = &rest[digits..];
    }
    out.push_str(rest);
    let out = replace_number_after(&out, "holding port ");
    let out = replace_number_after(&out, "os error ");
    // Lost updates: how many is down to scheduling.
    let out = replace_number_after(&out, "visits:home = \"");
    let out = replace_number_after(&out, "totals returned: ");
    let out = replace_number_after(&out, "different, the highest ");
    // Reads that missed, writes that were lost: down to scheduling too.
    let out = replace_number_after(&out, "at once; ");
    let out = replace_number_after(&out, "times each or more; ");
    let out = replace_number_after(&out, "; afterwards ");
    // Which requests a manager that stops, or that misroutes errors,
    // leaves unanswered or answers wrongly: down to scheduling (chapter 4).
    let out = replace_number_after(&out, "unanswered for ");
    let out = replace_number_after(&out, "wrongly to ");
    // Time blocked, and how late a ticker was: down to the machine.
    let out = replace_number_after(&out, "outside Tokio for ");
    let out = replace_number_after(&out, "in all: ");
    let out = replace_number_after(&out, "woke up to ");
    // Measured times and sizes (the cost checks write them after "≈").
    let out = replace_number_after(&out, "≈");
    // How far shrinking got is down to the machine: it stops at a time
    // limit, and on a loaded machine it tries fewer candidates. Keep what
    // was found and its mistake; drop the shrunk shape and its bytes.
    let out = without_shrunk_shape(&out);
    // Source locations move with every edit; keep the file, drop the line.
    replace_number_after(&replace_number_after(&out, ".rs:"), ".rs:N:")
}

/// A message of a model check with its shortest form, transcript and
/// bytes replaced by "…", up to its mistake, book link or seed.
fn without_shrunk_shape(message: &str) -> String {
    let Some(start) = message.find(" Its shortest form") else {
        return message.to_owned();
    };
    let end = ["\n  likely mistake", "\n  reread", "\n  seed"]
        .iter()
        .filter_map(|marker| message[start..].find(marker))
        .min()
        .map_or(message.len(), |at| start + at);
    format!(
        "{} Its shortest form: … (how far shrinking gets depends on the machine){}",
        &message[..start],
        &message[end..]
    )
}

fn replace_number_after(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        out.push_str(&rest[..i + marker.len()]);
        rest = &rest[i + marker.len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        out.push('N');
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// Every chapter's checks, by full name (any `Api` type lists the same).
fn every_check() -> Vec<String> {
    use grader::chapters as grader_chapters;
    let suites = [
        grader_chapters::chapter1::suite::<chapter1::hard_coded_port::Entry>("gallery"),
        grader_chapters::chapter2::suite::<chapter2::accepts_once::Entry>("gallery"),
        grader_chapters::chapter3::suite::<chapter3::double_lock::Entry>("gallery"),
        grader_chapters::chapter4::suite::<chapter4::huge_capacity::Entry>("gallery"),
        grader_chapters::chapter5::suite::<chapter5::echo_with_write::Entry>("gallery"),
        grader_chapters::chapter6::suite::<chapter6::no_flush::Entry>("gallery"),
    ];
    suites
        .iter()
        .flat_map(|s| s.checks.iter().map(|c| c.full_name()))
        .collect()
}

/// Every mistake in the catalogue is what some entry is rejected for: an
/// id nothing demonstrates is either dead or untested.
fn every_mistake_is_demonstrated(cases: &[(String, Option<&'static str>)]) -> Result<(), Failed> {
    let missing: Vec<&str> = grader::mistakes::ALL
        .iter()
        .map(|m| m.id)
        .filter(|id| cases.iter().all(|(_, m)| *m != Some(*id)))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "no gallery entry demonstrates these mistakes of book/mistakes.toml: {missing:?}"
        )
        .into())
    }
}

/// Every graded check rejects at least one entry: a check no known-wrong
/// code fails has never been shown able to fail. A shared check that
/// several exercises run (the same function, another server) counts once
/// it has rejected an entry in any of them.
fn every_check_rejects_an_entry(cases: &[(String, Option<&'static str>)]) -> Result<(), Failed> {
    let name_of = |full: &str| full.rsplit("::").next().unwrap_or(full).to_owned();
    let lonely: Vec<String> = every_check()
        .into_iter()
        .filter(|check| {
            let own = format!("::is_rejected_by::{check}");
            let shared = format!("::{}", name_of(check));
            cases
                .iter()
                .all(|(name, _)| !name.ends_with(&own) && !name.ends_with(&shared))
        })
        .collect();
    if lonely.is_empty() {
        Ok(())
    } else {
        Err(format!("these checks reject no gallery entry: {lonely:?}").into())
    }
}

fn main() {
    // One seed for every run of the gallery: its messages are snapshots.
    grader::seed::default_run_seed(20261129);
    let cases = cases();
    let registry: Vec<(String, Check)> = cases
        .iter()
        .flat_map(|c| std::iter::once((c.check_name.clone(), c.check)).chain(c.siblings.clone()))
        .collect();
    harness::run_child_if_asked(&registry);

    let args = Arguments::from_args();
    let shown: Vec<(String, Option<&'static str>)> = cases
        .iter()
        .map(|c| {
            let mistake = match c.expect {
                Expect::Mistake(id) => Some(id),
                _ => None,
            };
            (c.name.clone(), mistake)
        })
        .collect();
    // Only entries a check must reject show that it can fail.
    let coverage: Vec<_> = cases
        .iter()
        .filter(|c| !matches!(c.expect, Expect::Accepted))
        .map(|c| (c.name.clone(), None))
        .collect();
    let mut trials: Vec<Trial> = vec![
        Trial::test("catalogue::every_mistake_is_demonstrated", move || {
            every_mistake_is_demonstrated(&shown)
        }),
        Trial::test("catalogue::every_check_rejects_an_entry", move || {
            every_check_rejects_an_entry(&coverage)
        }),
    ];
    trials.extend(cases.into_iter().map(|case| {
        Trial::test(case.name.clone(), move || {
            let outcome = run_case(&case);
            verify(&case, &outcome).map_err(Failed::from)?;
            if matches!(case.expect, Expect::Accepted) {
                return Ok(());
            }
            let snapshot = normalise(outcome.message().unwrap_or_default());
            let name = case.name.replace("::", "__");
            insta::with_settings!({ prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(name, snapshot);
            });
            Ok(())
        })
    }));
    libtest_mimic::run(&args, trials).exit()
}
