//! The failure a learner reads for a confirmed divergence: the shrunk
//! session as a transcript, the mistake [`super::diagnose`] named, and the
//! seed to replay it.

use super::Model;
use super::diagnose::{classify, expectations};
use super::run::{Divergence, Got, Outcome, Timing, Trouble};
use super::session::{Request, Session, Step, short};
use crate::failure::{Failure, describe_bytes};
use crate::fixtures::{RunningServer, Serve};
use crate::harness::runner::seconds;
use std::time::Duration;

/// How one reply reads in a transcript.
fn show_got(got: &Got, wait: Duration) -> String {
    match got {
        Got::Reply(r) => short(r),
        Got::Silent(p) if p.is_empty() => format!("nothing within {}", seconds(wait)),
        Got::Silent(p) => format!("only {} within {}", short(p), seconds(wait)),
        Got::Closed(p) if p.is_empty() => "the connection closed".to_owned(),
        Got::Closed(p) => format!("{}, and the connection closed", short(p)),
        Got::Garbled(b) => format!("{}, which is not RESP", short(b)),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The session up to the divergence, as the learner reads it.
fn transcript<M: Model>(session: &Session, outcome: &Outcome, d: &Divergence) -> String {
    let wait = Timing::confirm().reply;
    let expected = expectations::<M>(session, d.step);
    let client = |c: usize| format!("client {}", c + 1);
    let mut out = String::new();
    // Consecutive plain steps of one client go under one heading.
    let mut heading = String::new();
    for (s, step) in session.steps.iter().enumerate().take(d.step + 1) {
        match step {
            Step::Send(sends) => {
                let together = sends.len() > 1;
                if together {
                    let who: Vec<String> = sends.iter().map(|x| client(x.conn)).collect();
                    out.push_str(&format!("  {}, at the same time:\n", who.join(" and ")));
                    heading.clear();
                }
                let indent = if together { "    " } else { "  " };
                for (k, send) in sends.iter().enumerate() {
                    let mut how = Vec::new();
                    if send.requests.len() > 1 {
                        how.push(format!("{} requests in one write", send.requests.len()));
                    }
                    let pieces = send.pieces().len();
                    if pieces > 1 {
                        how.push(format!("split into {pieces} writes"));
                    }
                    let how = if how.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", how.join(", "))
                    };
                    let head = format!("{indent}{}{how}:\n", client(send.conn));
                    if together || !how.is_empty() || head != heading {
                        out.push_str(&head);
                    }
                    heading = if together || !how.is_empty() {
                        String::new()
                    } else {
                        head
                    };
                    let replies = outcome.replies.get(s).and_then(|r| r.get(k));
                    for (j, request) in send.requests.iter().enumerate() {
                        out.push_str(&format!("{indent}  > {}\n", request.show()));
                        let here = s == d.step && k == d.send;
                        match (replies.and_then(|r| r.get(j)), &d.trouble) {
                            (Some(got), _) => {
                                out.push_str(&format!("{indent}  < {}\n", show_got(got, wait)));
                            }
                            (None, Some(Trouble::NoConnection(e))) if here && j == 0 => {
                                out.push_str(&format!(
                                    "{indent}  (the client could not connect: {e})\n"
                                ));
                            }
                            (None, None) if here && j == d.request => {
                                out.push_str(&format!("{indent}  < {}\n", show_got(&d.got, wait)));
                            }
                            (None, _) => {}
                        }
                        if here && j == d.request && d.trouble.is_none() {
                            let want = expected
                                .get(s)
                                .and_then(|e| e.get(k))
                                .and_then(|e| e.get(j))
                                .unwrap_or(&d.expected);
                            out.push_str(&format!(
                                "{indent}    ^ a correct server answers {}\n",
                                want.show()
                            ));
                        }
                    }
                }
            }
            Step::Close(c) => {
                out.push_str(&format!("  {} closes its connection\n", client(*c)));
                heading.clear();
            }
            Step::HangUp {
                conn,
                requests,
                partial,
            } => {
                let mut what = Vec::new();
                if !requests.is_empty() {
                    let shown: Vec<String> = requests.iter().map(Request::show).collect();
                    what.push(shown.join(", "));
                }
                if !partial.is_empty() {
                    what.push(format!(
                        "the first {} of a SET",
                        plural(partial.len(), "byte", "bytes")
                    ));
                }
                let line = if what.is_empty() {
                    format!("  {} connects, then hangs up\n", client(*conn))
                } else {
                    format!(
                        "  {} sends {} and hangs up without reading a reply\n",
                        client(*conn),
                        what.join(" and ")
                    )
                };
                out.push_str(&line);
                heading.clear();
            }
        }
    }
    out
}

/// The failure for a confirmed divergence.
pub(super) async fn describe<S: Serve, M: Model>(
    session: &Session,
    outcome: &Outcome,
    server: &RunningServer,
    panicked: &[String],
    runs: usize,
) -> Failure {
    let d = outcome
        .divergence
        .as_ref()
        .expect("describe is called on a divergence");
    let (mistake, evidence) = classify::<S, M>(session, outcome, d, server).await;
    let requests: usize = session.steps[..=d.step]
        .iter()
        .map(|step| match step {
            Step::Send(sends) => sends.iter().map(|s| s.requests.len()).sum(),
            _ => 0,
        })
        .sum();
    let connections = {
        let mut used: Vec<usize> = session.steps[..=d.step]
            .iter()
            .flat_map(Step::conns)
            .collect();
        used.sort_unstable();
        used.dedup();
        used.len()
    };
    let on = format!(
        "after {} on {}",
        plural(requests, "request", "requests"),
        plural(connections, "connection", "connections")
    );
    let wait = Timing::confirm().reply;
    // The connection that diverged: its wire goes in the failure.
    let conn = match &session.steps[d.step] {
        Step::Send(sends) if d.trouble.is_none() => Some(sends[d.send].conn),
        _ => None,
    };
    let shrunk = if runs > 0 {
        format!(" (found by trying {runs} smaller variations)")
    } else {
        String::new()
    };
    let mut failure = match &d.trouble {
        Some(Trouble::Stopped) => Failure::new(format!(
            "In a random session, {on}, your server stopped{shrunk}:\n{}",
            transcript::<M>(session, outcome, d)
        ))
        .expected("the server keeps serving, whatever one client does"),
        Some(Trouble::NoConnection(e)) => Failure::new(format!(
            "In a random session, {on}, a new client could not connect ({e}){shrunk}:\n{}",
            transcript::<M>(session, outcome, d)
        ))
        .expected("the server keeps accepting clients"),
        None => {
            let answered = match &d.got {
                Got::Reply(r) => format!("your server answered {}", short(r)),
                Got::Silent(p) if p.is_empty() => {
                    format!("your server sent nothing within {}", seconds(wait))
                }
                Got::Silent(p) => format!(
                    "your server sent only {} within {}",
                    short(p),
                    seconds(wait)
                ),
                Got::Closed(p) if p.is_empty() => "your server closed the connection".to_owned(),
                Got::Closed(p) => {
                    format!("your server sent {} and closed the connection", short(p))
                }
                Got::Garbled(b) => format!("your server sent {}, which is not RESP", short(b)),
            };
            let whose = match conn {
                Some(c) if connections > 1 => {
                    format!("  (sent, came back: the bytes of client {})\n", c + 1)
                }
                _ => String::new(),
            };
            Failure::new(format!(
                "A random session found a difference from {}. Its shortest form{shrunk}: \
                 {on}, {answered}; a correct server answers {}.\n{}{whose}",
                M::SERVER,
                d.expected.show(),
                transcript::<M>(session, outcome, d)
            ))
            .expected(d.expected.show())
        }
    };
    if let Some((sent, received)) = conn.and_then(|c| outcome.wires.get(c)) {
        failure = failure.sent(sent.clone()).received(received.clone());
    }
    let mut got = match (&d.trouble, &d.got) {
        (Some(_), _) => server.fate(),
        (None, Got::Reply(r)) => Some(describe_bytes(r)),
        (None, other) => Some(show_got(other, wait)),
    };
    if let Some(evidence) = evidence {
        got = Some(match got {
            Some(g) if g == evidence => g,
            Some(g) => format!("{g}: {evidence}"),
            None => evidence,
        });
    }
    // The panics of this run, each once: the last is often the one that
    // closed the connection (a poisoned lock after the first).
    let mut distinct: Vec<&String> = Vec::new();
    for p in panicked {
        if !distinct.contains(&p) {
            distinct.push(p);
        }
    }
    for p in distinct.iter().take(3) {
        let panic = format!("your server panicked: {p}");
        got = Some(match got {
            Some(g) => format!("{g}\n             ({panic})"),
            None => panic,
        });
    }
    if let Some(got) = got {
        failure = failure.got(got);
    }
    match mistake {
        Some(m) => failure.mistake(m),
        None => failure,
    }
}
