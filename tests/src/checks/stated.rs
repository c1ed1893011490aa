//! Which shared check proves which stated requirement.
//!
//! A requirement written in a stub (from `exercises.toml`) is a promise
//! that the grader checks it. When a later exercise states a requirement
//! again ("answer anything else with an error frame, as in 3.1"), the same
//! shared check must run for it too, or a learner who drops it there passes.
//! [`STATED`] pairs words of the requirements with the shared checks that
//! prove them, and the test below holds every chapter's suites to it.

/// `(words in a requirement, the shared check every exercise stating them
/// must register)`.
pub const STATED: &[(&str, &str)] = &[
    ("in a loop", "serves_the_next_client_after_one_leaves"),
    (
        "until the client hangs up",
        "answers_every_command_on_a_connection",
    ),
    (
        "until the client hangs up",
        "the_server_closes_after_the_client_hangs_up",
    ),
    ("tokio::spawn", "an_idle_client_does_not_block_others"),
    (
        "task per connection",
        "an_idle_client_does_not_block_others",
    ),
    ("connection's task", "an_idle_client_does_not_block_others"),
    ("error frame", "an_error_reply_is_one_frame"),
    (
        "anything else with an error frame",
        "an_unknown_command_gets_an_error_and_the_connection_lives",
    ),
    (
        "never the whole server",
        "a_client_leaving_mid_command_does_not_stop_the_server",
    ),
    (
        "never the server",
        "a_client_leaving_mid_command_does_not_stop_the_server",
    ),
    (
        "never the whole server",
        "a_malformed_frame_gets_an_error_or_a_close",
    ),
    (
        "never the server",
        "a_malformed_frame_gets_an_error_or_a_close",
    ),
];

#[cfg(test)]
mod tests {
    use super::STATED;
    use crate::chapters::{chapter1, chapter2, chapter3, chapter4, chapter6};
    use crate::suite::Suite;

    struct Nothing;
    impl chapter1::Api for Nothing {}
    impl chapter2::Api for Nothing {}
    impl chapter3::Api for Nothing {
        type Db = ();
        type ShardedDb = ();
        type VisitCounter = ();
    }
    impl chapter4::Api for Nothing {
        type Command = ();
    }
    impl chapter6::Api for Nothing {
        type Frame = ();
        type Connection<S: chapter6::Stream> = ();
    }

    fn suites() -> Vec<Suite> {
        vec![
            chapter1::suite::<Nothing>("test"),
            chapter2::suite::<Nothing>("test"),
            chapter3::suite::<Nothing>("test"),
            chapter4::suite::<Nothing>("test"),
            chapter6::suite::<Nothing>("test"),
        ]
    }

    /// Every exercise whose requirements state something a shared check
    /// proves registers that check.
    #[test]
    fn every_stated_requirement_is_checked_where_it_is_stated() {
        let mut missing = Vec::new();
        for suite in suites() {
            for ex in &suite.exercises {
                let text = ex.requirements.join(" ");
                for (words, check) in STATED {
                    let has = suite.checks_of(ex).any(|c| c.name == *check);
                    if text.contains(words) && !has {
                        missing.push(format!(
                            "{} states \"{words}\" but does not run {check}",
                            ex.number
                        ));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }
}
