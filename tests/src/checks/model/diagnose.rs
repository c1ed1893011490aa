//! From a divergence to what the learner reads: the shrunk session as a
//! transcript, and the mistake its kind points to.
//!
//! The kinds, and what names them:
//! - a reply that is right but in another place: the replies of one write
//!   in another order (`replies-out-of-order`), a reply too many before
//!   the right one (`extra-reply`, or `echoed-crlf` after an error to a
//!   request with CR or LF in it);
//! - a wrong reply: what it holds against the model's history — another
//!   key's value (`ignores-key`), a value SET under a key that differs
//!   only in case (`keys-case-folded`), nothing where a value is
//!   (`store-per-connection` when another connection wrote it,
//!   `get-removes` when an earlier GET found it, `lost-write`), something
//!   where nothing is (`missing-key-not-null`), changed bytes
//!   (`value-changed`), anything but an error where one belongs
//!   (`not-an-error`);
//! - no reply: silence after a malformed frame (`retries-bad-frame`), a
//!   second client unserved while the first waits (`sequential-server`),
//!   the second request of a connection (`if-let-not-loop`), a close after
//!   an unknown command (`panic-on-unknown`) or a broken one
//!   (`closes-on-bad-command`), else `unanswered-request`;
//! - whatever it is, if the same requests one per write agree with the
//!   model, the byte stream is the trouble (`reads-not-frames`); and a
//!   serve function that returned is `server-stopped`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::explain::describe;
use super::run::{Divergence, Got, Outcome, Timing, Trouble, run};
use super::session::{Command, Request, Send, Session, Step, short};
use super::{Expected, Model, panics, shrink};
use crate::failure::{Failure, Mistake};
use crate::fixtures::{NULL, RunningServer, Serve, bulk, is_error};
use crate::mistakes;

/// How long the whole check may take before shrinking stops, at
/// `WORKBOOK_TIMEOUT_SCALE=1` (its deadline is 10 s; the confirming runs
/// come after).
const SHRINK_UNTIL: Duration = Duration::from_millis(6000);

/// Shrinks the session that diverged, runs the shortest form once more
/// (patiently), and builds the failure.
pub async fn report<S: Serve, M: Model>(
    session: &Session,
    found: Outcome,
    started: Instant,
) -> Failure {
    let divergence = found
        .divergence
        .clone()
        .expect("report is called on a divergence");
    // A server nobody can reach has nothing to shrink.
    if let Some(Trouble::NoConnection(e)) = &divergence.trouble {
        let first = session.steps[..divergence.step]
            .iter()
            .all(|s| matches!(s, Step::Close(_)));
        if first {
            return Failure::new(format!(
                "The check could not connect to your server at all: {e}."
            ))
            .expected("a server that accepts connections on the listener it was given");
        }
    }
    panics::quiet(true);
    let budget = crate::harness::scaled(SHRINK_UNTIL);
    let deadline = started + budget;
    let shrunk = if Instant::now() < deadline {
        shrink::shrink::<S, M>(session, divergence.step, deadline).await
    } else {
        shrink::Shrunk {
            session: shrink::truncated(session, divergence.step),
            runs: 0,
        }
    };
    // The shortest form again, patiently: a candidate may have looked
    // silent only because the machine was busy.
    panics::take();
    let server = RunningServer::start::<S>();
    let confirmed = run::<M>(&server, &shrunk.session, Timing::confirm()).await;
    let panicked = panics::take();
    let steady = confirmed.divergence.is_some();
    let (shown, outcome, runs) = if steady {
        (shrunk.session, confirmed, shrunk.runs)
    } else {
        (session.clone(), found, 0)
    };
    let mut failure = describe::<S, M>(&shown, &outcome, &server, &panicked, runs).await;
    if !steady {
        failure.what.push_str(
            "  (Run again, the shortest form of this session passed: the difference comes \
             and goes, as a race between tasks does.)\n",
        );
    }
    drop(server);
    panics::quiet(false);
    failure
}

/// The run's view of one request, as the transcript and the diagnosis
/// walk the session.
struct Seen<'a> {
    conn: usize,
    request: &'a Request,
    got: Option<&'a Got>,
}

/// Every request of the session up to the divergence, in the order the
/// model took them, with what came back.
fn walk<'a>(session: &'a Session, outcome: &'a Outcome, d: &Divergence) -> Vec<Seen<'a>> {
    let mut seen = Vec::new();
    for (s, step) in session.steps.iter().enumerate().take(d.step + 1) {
        if let Step::Send(sends) = step {
            for (k, send) in sends.iter().enumerate() {
                for (j, request) in send.requests.iter().enumerate() {
                    if s == d.step && k == d.send && j > d.request {
                        break;
                    }
                    let got = outcome
                        .replies
                        .get(s)
                        .and_then(|r| r.get(k))
                        .and_then(|r| r.get(j));
                    seen.push(Seen {
                        conn: send.conn,
                        request,
                        got,
                    });
                }
            }
        }
    }
    seen
}

/// What a correct server answers to every request of the session's sends
/// up to and including step `upto`.
pub(super) fn expectations<M: Model>(session: &Session, upto: usize) -> Vec<Vec<Vec<Expected>>> {
    let mut model = M::default();
    session
        .steps
        .iter()
        .take(upto + 1)
        .map(|step| match step {
            Step::Send(sends) => sends
                .iter()
                .map(|send| {
                    send.requests
                        .iter()
                        .map(|r| model.reply_to(send.conn, r))
                        .collect()
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Whether `replies` are the expected ones in another order.
fn reordered(replies: &[Got], expected: &[Expected]) -> bool {
    if replies.len() != expected.len() || replies.len() < 2 {
        return false;
    }
    let in_order = replies.iter().zip(expected).all(|(g, e)| g.agrees(e));
    if in_order {
        return false;
    }
    // A matching of replies to expectations (small: a few requests).
    fn matches(replies: &[Got], expected: &[Expected], used: &mut Vec<bool>) -> bool {
        let Some((first, rest)) = replies.split_first() else {
            return true;
        };
        for i in 0..expected.len() {
            if !used[i] && first.agrees(&expected[i]) {
                used[i] = true;
                if matches(rest, expected, used) {
                    return true;
                }
                used[i] = false;
            }
        }
        false
    }
    matches(replies, expected, &mut vec![false; expected.len()])
}

fn has_crlf(request: &Request) -> bool {
    request
        .words
        .iter()
        .any(|w| w.contains(&b'\r') || w.contains(&b'\n'))
}

/// A mistake, and what it adds to the "got" line.
type Named = (Option<Mistake>, Option<String>);

/// The mistake the evidence points to.
pub(super) async fn classify<S: Serve, M: Model>(
    session: &Session,
    outcome: &Outcome,
    d: &Divergence,
    server: &RunningServer,
) -> Named {
    // A serve function that returned: `Ok` after serving a client is an
    // accept that is not in a loop; an `Err` is one client's error
    // carried out of the accept loop. (A client may see the listener gone
    // a moment before the function's result is known.)
    if d.trouble.is_some() || !matches!(d.got, Got::Reply(_)) {
        server.wait_ended(crate::checks::server::settle()).await;
    }
    let stopped = match server.ended() {
        Some(Ok(())) => Some(mistakes::ACCEPTS_ONCE),
        Some(Err(_)) => Some(mistakes::SERVER_STOPPED),
        None => None,
    };
    if stopped.is_some() {
        return (stopped, server.fate());
    }
    match &d.trouble {
        Some(Trouble::Stopped) => return (Some(mistakes::SERVER_STOPPED), server.fate()),
        Some(Trouble::NoConnection(_)) => return (None, None),
        None => {}
    }
    let Step::Send(sends) = &session.steps[d.step] else {
        return (None, None);
    };
    let send = &sends[d.send];
    let request = &send.requests[d.request];
    let seen = walk(session, outcome, d);
    let mine: Vec<&Seen<'_>> = seen.iter().filter(|s| s.conn == send.conn).collect();
    let before_on_conn = mine.len().saturating_sub(1);

    // Right replies in the wrong places.
    let all_expected = expectations::<M>(session, d.step);
    let replies = &outcome.replies[d.step][d.send];
    if reordered(replies, &all_expected[d.step][d.send]) {
        return (
            Some(mistakes::REPLIES_OUT_OF_ORDER),
            Some("the right replies, in another order than the requests".to_owned()),
        );
    }
    if let (Got::Reply(_), Some(next)) = (&d.got, &d.next) {
        if next.agrees(&d.expected) && before_on_conn > 0 {
            let previous = &mine[before_on_conn - 1];
            let echoed = has_crlf(previous.request)
                && matches!(previous.got, Some(Got::Reply(r)) if is_error(r));
            let mistake = if echoed {
                mistakes::ECHOED_CRLF
            } else {
                mistakes::EXTRA_REPLY
            };
            return (
                Some(mistake),
                Some(format!(
                    "a reply too many to the request before ({}), then the right one",
                    previous.request.show()
                )),
            );
        }
    }
    if let Got::Garbled(_) = &d.got {
        let echoed = mine[..before_on_conn]
            .iter()
            .any(|s| has_crlf(s.request) && matches!(s.got, Some(Got::Reply(r)) if is_error(r)));
        if echoed {
            return (Some(mistakes::ECHOED_CRLF), None);
        }
    }

    // The byte stream: the same requests one per write agree.
    let streams = session.steps[..=d.step].iter().any(|step| match step {
        Step::Send(sends) => sends.iter().any(|s| s.conn == send.conn && s.streams()),
        _ => false,
    });
    if streams {
        let flat = session.one_request_per_write();
        let fresh = RunningServer::start::<S>();
        let again = run::<M>(&fresh, &flat, Timing::confirm()).await;
        drop(fresh);
        if again.divergence.is_none() {
            return (
                Some(mistakes::READS_NOT_FRAMES),
                Some(
                    "the same requests, each in a write of its own, get the right replies"
                        .to_owned(),
                ),
            );
        }
    }

    match &d.got {
        Got::Reply(reply) => {
            // Nothing where another client's value is: a store per
            // connection, unless one client alone loses it too.
            let one_client_diverges =
                if reply.as_slice() == NULL && M::SHAPE.shared_keys && session.connections() > 1 {
                    let alone = session.one_client(send.conn, d.step);
                    let fresh = RunningServer::start::<S>();
                    let again = run::<M>(&fresh, &alone, Timing::confirm()).await;
                    drop(fresh);
                    again.divergence.is_some()
                } else {
                    false
                };
            wrong_reply(
                M::VANISHED,
                one_client_diverges,
                &seen,
                send.conn,
                request,
                &d.expected,
                reply,
            )
        }
        Got::Garbled(_) => (None, None),
        Got::Silent(_) | Got::Closed(_) => {
            let silent = matches!(d.got, Got::Silent(_));
            // The shown run ended in this silence: what the server did
            // meanwhile is the strongest evidence there is.
            if silent && crate::fixtures::activity::last_silence().is_some_and(|a| a.busy()) {
                return (
                    Some(mistakes::BUSY_LOOP),
                    Some(
                        "while it was silent, your server kept a CPU core busy: working, not waiting"
                            .to_owned(),
                    ),
                );
            }
            if silent && request.command == Command::Malformed {
                return (Some(mistakes::RETRIES_BAD_FRAME), None);
            }
            if silent
                && M::SHAPE.concurrent
                && before_on_conn == 0
                && others_open(session, d.step, send.conn)
            {
                // The same client alone is answered: it was waiting its turn.
                let alone = session.only(send.conn);
                let fresh = RunningServer::start::<S>();
                let again = run::<M>(&fresh, &alone, Timing::confirm()).await;
                drop(fresh);
                if again.divergence.is_none() {
                    return (
                        Some(M::WAITING_ITS_TURN),
                        Some(
                            "another client was connected and waiting; alone, this one is answered"
                                .to_owned(),
                        ),
                    );
                }
            }
            if before_on_conn == 1 && matches!(mine[0].got, Some(Got::Reply(_))) {
                // The first request again, then a plain GET: unanswered too,
                // whatever it asks, the connection is read only once.
                let probe = Session {
                    steps: vec![
                        Step::Send(vec![Send {
                            conn: 0,
                            requests: vec![mine[0].request.clone()],
                            cuts: Vec::new(),
                        }]),
                        Step::Send(vec![Send {
                            conn: 0,
                            requests: vec![Request::get("GET", "if-let:probe")],
                            cuts: Vec::new(),
                        }]),
                    ],
                };
                let fresh = RunningServer::start::<S>();
                let again = run::<M>(&fresh, &probe, Timing::confirm()).await;
                drop(fresh);
                let second_unanswered = again.divergence.is_some_and(|p| {
                    p.step == 1 && matches!(p.got, Got::Silent(_) | Got::Closed(_))
                });
                if second_unanswered {
                    return (Some(mistakes::IF_LET_NOT_LOOP), None);
                }
            }
            if !silent {
                match request.command {
                    Command::Unknown => return (Some(mistakes::PANIC_ON_UNKNOWN), None),
                    Command::BadCommand => return (Some(mistakes::CLOSES_ON_BAD_COMMAND), None),
                    _ => {}
                }
            }
            (Some(mistakes::UNANSWERED_REQUEST), None)
        }
    }
}

/// Whether, at step `step`, a connection other than `conn` is open.
fn others_open(session: &Session, step: usize, conn: usize) -> bool {
    let mut open: Vec<usize> = Vec::new();
    for s in &session.steps[..step] {
        match s {
            Step::Send(sends) => {
                for send in sends {
                    let ends = send.requests.iter().any(|r| r.command.ends_connection());
                    if ends {
                        open.retain(|&c| c != send.conn);
                    } else if !open.contains(&send.conn) {
                        open.push(send.conn);
                    }
                }
            }
            Step::Close(c) | Step::HangUp { conn: c, .. } => open.retain(|x| x != c),
        }
    }
    open.iter().any(|&c| c != conn)
}

/// What a wrong reply holds, against what was SET before it.
fn wrong_reply(
    vanished: Mistake,
    one_client_diverges: bool,
    seen: &[Seen<'_>],
    conn: usize,
    request: &Request,
    expected: &Expected,
    reply: &[u8],
) -> Named {
    // Every value SET under each key before this request, in order, with
    // the connection that wrote it; GETs of each key since its last SET.
    let mut sets: HashMap<&str, Vec<(usize, &[u8])>> = HashMap::new();
    let mut found_since_set: HashMap<&str, bool> = HashMap::new();
    let (last, before) = seen.split_last().expect("the divergent request is seen");
    for s in before {
        match &s.request.command {
            Command::Set { key, value } => {
                sets.entry(key).or_default().push((s.conn, value));
                found_since_set.insert(key, false);
            }
            Command::Get { key } => {
                let latest = sets.get(key.as_str()).and_then(|v| v.last());
                if let (Some((_, value)), Some(Got::Reply(r))) = (latest, s.got) {
                    if *r == bulk(value) {
                        found_since_set.insert(key, true);
                    }
                }
            }
            _ => {}
        }
    }
    debug_assert_eq!(last.request, request);
    let key = request.command.key().unwrap_or_default();
    let value_of = |r: &[u8]| -> Option<Vec<u8>> {
        let mut cursor = std::io::Cursor::new(r);
        match mini_redis::Frame::parse(&mut cursor) {
            Ok(mini_redis::Frame::Bulk(b)) => Some(b.to_vec()),
            _ => None,
        }
    };
    let under = |pred: &dyn Fn(&str) -> bool, v: &[u8]| -> Option<String> {
        sets.iter()
            .filter(|(k, _)| pred(k))
            .find(|(_, values)| values.iter().any(|(_, x)| *x == v))
            .map(|(k, _)| (*k).to_owned())
    };
    let twin = |k: &str| k != key && k.to_lowercase() == key.to_lowercase();
    let other = |k: &str| k != key;
    let got_value = value_of(reply);

    match expected {
        Expected::Error | Expected::ErrorOrClose => (Some(mistakes::NOT_AN_ERROR), None),
        Expected::Null | Expected::Bulk(_) if got_value.is_some() => {
            let v = got_value.unwrap_or_default();
            if let Some(k) = under(&twin, &v) {
                return (
                    Some(mistakes::KEYS_CASE_FOLDED),
                    Some(format!(
                        "the value SET under {}, a key that differs only in letter case",
                        short(k.as_bytes())
                    )),
                );
            }
            if let Some(k) = under(&other, &v) {
                return (
                    Some(mistakes::IGNORES_KEY),
                    Some(format!(
                        "the value SET under another key, {}",
                        short(k.as_bytes())
                    )),
                );
            }
            match expected {
                Expected::Null => (Some(mistakes::MISSING_KEY_NOT_NULL), None),
                _ => {
                    let older = sets.get(key).is_some_and(|values| {
                        values[..values.len().saturating_sub(1)]
                            .iter()
                            .any(|(_, x)| *x == v)
                    });
                    if older {
                        (
                            Some(mistakes::LOST_WRITE),
                            Some("an older value of this key: a later SET was lost".to_owned()),
                        )
                    } else {
                        (Some(mistakes::VALUE_CHANGED), None)
                    }
                }
            }
        }
        Expected::Null => (Some(mistakes::MISSING_KEY_NOT_NULL), None),
        Expected::Bulk(v) if reply == NULL => {
            if found_since_set.get(key).copied().unwrap_or(false) {
                return (
                    Some(mistakes::GET_REMOVES),
                    Some("nothing, although an earlier GET of this key found its value".to_owned()),
                );
            }
            let writer = sets
                .get(key)
                .and_then(|values| values.last())
                .map(|(c, _)| *c);
            if writer.is_some_and(|c| c != conn) && !one_client_diverges {
                return (
                    Some(mistakes::STORE_PER_CONNECTION),
                    Some(
                        "nothing: the value was SET on another connection (one client alone \
                         finds it)"
                            .to_owned(),
                    ),
                );
            }
            if v.is_empty() {
                return (
                    Some(mistakes::MISSING_KEY_NOT_NULL),
                    Some("nothing, for a key whose value is empty".to_owned()),
                );
            }
            (Some(vanished), None)
        }
        Expected::Bulk(_) => (Some(mistakes::VALUE_CHANGED), None),
        Expected::Ok => match &request.command {
            Command::Set { value, .. }
                if std::str::from_utf8(value).is_err()
                    || value.iter().any(|b| b"\r\n\0".contains(b)) =>
            {
                (Some(mistakes::VALUE_CHANGED), None)
            }
            _ => (None, None),
        },
    }
}
