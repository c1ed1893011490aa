//! Cutting a divergent session down to the shortest one that still
//! diverges.
//!
//! Greedy, by hand (the idea of proptest's shrinking, without the crate):
//! from the steps up to the divergence, try smaller sessions — fewer
//! steps, fewer requests, one client at a time instead of several, no
//! pipelining, no splitting, shorter values — each against a fresh server,
//! and keep the first that still diverges; again, until no candidate does
//! or the budget (runs and time) is spent. Each kept candidate is smaller
//! by requests, bytes, steps or writes, so the loop ends.

use std::time::Instant;

use super::Model;
use super::run::{Timing, run};
use super::session::{Request, Send, Session, Step};
use crate::fixtures::{RunningServer, Serve};

/// At most this many candidate runs.
pub const MAX_RUNS: usize = 150;
/// At most this many candidates that diverge by silence (each costs a
/// whole reply wait).
const MAX_SILENT: usize = 6;

/// The steps of `session` up to `step`.
pub fn truncated(session: &Session, step: usize) -> Session {
    Session {
        steps: session.steps[..=step.min(session.steps.len() - 1)].to_vec(),
    }
}

/// Smaller sessions than `session`, the biggest cuts first.
pub fn candidates(session: &Session) -> Vec<Session> {
    let steps = &session.steps;
    let mut out = Vec::new();
    let with_steps = |steps: Vec<Step>| Session { steps };

    // Whole steps, in chunks of halving size.
    let mut size = steps.len() / 2;
    while size >= 1 {
        let mut start = 0;
        while start < steps.len() {
            let mut fewer = steps.clone();
            fewer.drain(start..(start + size).min(steps.len()));
            if !fewer.is_empty() {
                out.push(with_steps(fewer));
            }
            start += size;
        }
        size /= 2;
    }

    for (s, step) in steps.iter().enumerate() {
        let replace = |with: Vec<Step>| {
            let mut new = steps.clone();
            new.splice(s..=s, with);
            with_steps(new)
        };
        match step {
            Step::Send(sends) => {
                if sends.len() > 1 {
                    // One client less, then one client at a time.
                    for k in 0..sends.len() {
                        let mut fewer = sends.clone();
                        fewer.remove(k);
                        out.push(replace(vec![Step::Send(fewer)]));
                    }
                    out.push(replace(
                        sends.iter().map(|s| Step::Send(vec![s.clone()])).collect(),
                    ));
                }
                for (k, send) in sends.iter().enumerate() {
                    let with_send = |new: Send| {
                        let mut sends = sends.clone();
                        sends[k] = new;
                        replace(vec![Step::Send(sends)])
                    };
                    if send.requests.len() > 1 {
                        for j in 0..send.requests.len() {
                            let mut requests = send.requests.clone();
                            requests.remove(j);
                            out.push(with_send(Send {
                                requests,
                                cuts: Vec::new(),
                                ..send.clone()
                            }));
                        }
                    }
                    if !send.cuts.is_empty() {
                        out.push(with_send(Send {
                            cuts: Vec::new(),
                            ..send.clone()
                        }));
                    }
                    if send.requests.len() > 1 && sends.len() == 1 {
                        let apart = send
                            .requests
                            .iter()
                            .map(|r| {
                                Step::Send(vec![Send {
                                    conn: send.conn,
                                    requests: vec![r.clone()],
                                    cuts: Vec::new(),
                                }])
                            })
                            .collect();
                        out.push(replace(apart));
                    }
                    for (j, request) in send.requests.iter().enumerate() {
                        let super::Command::Set { value, .. } = &request.command else {
                            continue;
                        };
                        for v in shorter_values(value) {
                            if let Some(new) = request.with_value(&v) {
                                let mut requests = send.requests.clone();
                                requests[j] = new;
                                out.push(with_send(Send {
                                    requests,
                                    cuts: Vec::new(),
                                    ..send.clone()
                                }));
                            }
                        }
                    }
                }
            }
            Step::HangUp {
                conn,
                requests,
                partial,
            } => {
                if !requests.is_empty() {
                    out.push(replace(vec![Step::HangUp {
                        conn: *conn,
                        requests: Vec::new(),
                        partial: partial.clone(),
                    }]));
                }
                if !partial.is_empty() {
                    out.push(replace(vec![Step::HangUp {
                        conn: *conn,
                        requests: requests.clone(),
                        partial: Vec::new(),
                    }]));
                }
            }
            Step::Close(_) => {}
        }
    }

    // One client fewer: a later connection's steps on an earlier one.
    let mut conns: Vec<usize> = steps.iter().flat_map(Step::conns).collect();
    conns.sort_unstable();
    conns.dedup();
    for (i, &from) in conns.iter().enumerate().rev() {
        for &to in &conns[..i] {
            out.push(session.moved(from, to));
        }
    }

    // Shorter keys, where no other key is in the way; keys that differ
    // only in case are cut together, so that they stay twins.
    let keys = session.keys();
    let mut families: Vec<Vec<&String>> = Vec::new();
    for key in &keys {
        match families
            .iter_mut()
            .find(|f| f[0].to_lowercase() == key.to_lowercase())
        {
            Some(family) => family.push(key),
            None => families.push(vec![key]),
        }
    }
    for family in families.iter().filter(|f| f.len() > 1) {
        let keep = family[0].chars().count() / 2;
        let cut: Vec<(String, String)> = family
            .iter()
            .map(|k| ((*k).clone(), k.chars().take(keep).collect()))
            .collect();
        let clash = cut
            .iter()
            .any(|(_, new)| new.is_empty() || keys.contains(new));
        let distinct = cut
            .iter()
            .enumerate()
            .all(|(i, (_, a))| cut[i + 1..].iter().all(|(_, b)| a != b));
        if clash || !distinct {
            continue;
        }
        out.push(session.map_requests(&|r: &Request| {
            let renamed = cut
                .iter()
                .find(|(old, _)| r.command.key() == Some(old.as_str()));
            match renamed {
                Some((_, new)) => r.with_key(new).unwrap_or_else(|| r.clone()),
                None => r.clone(),
            }
        }));
    }
    for (i, key) in keys.iter().enumerate() {
        let mut shorter = vec![format!("k{i}")];
        let half: String = key.chars().take(key.chars().count() / 2).collect();
        shorter.push(half);
        for new in shorter {
            if new.is_empty() || new.len() >= key.len() || keys.contains(&new) {
                continue;
            }
            out.push(session.map_requests(&|r: &Request| {
                if r.command.key() == Some(key.as_str()) {
                    r.with_key(&new).unwrap_or_else(|| r.clone())
                } else {
                    r.clone()
                }
            }));
        }
    }
    out
}

/// Shorter forms of a value: one byte `v`, then the value with a part of
/// it cut out, halves first, down to single bytes (at most 24 forms).
fn shorter_values(value: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if value.len() > 1 || (value.len() == 1 && value[0] != b'v') {
        out.push(b"v".to_vec());
    }
    let mut size = value.len() / 2;
    while size >= 1 && out.len() < 24 {
        let mut start = 0;
        while start < value.len() && out.len() < 24 {
            let mut cut = value.to_vec();
            cut.drain(start..(start + size).min(value.len()));
            out.push(cut);
            start += size;
        }
        size /= 2;
    }
    out
}

/// What shrinking found.
pub struct Shrunk {
    /// The shortest divergent session found.
    pub session: Session,
    /// How many candidates ran.
    pub runs: usize,
}

/// Shrinks `session`, which diverged at step `step`, until `deadline`.
pub async fn shrink<S: Serve, M: Model>(
    session: &Session,
    step: usize,
    deadline: Instant,
) -> Shrunk {
    let mut best = truncated(session, step);
    let (mut runs, mut silent) = (0, 0);
    'outer: loop {
        for candidate in candidates(&best) {
            if runs >= MAX_RUNS || silent >= MAX_SILENT || Instant::now() >= deadline {
                break 'outer;
            }
            if !candidate.valid(M::SHAPE) {
                continue;
            }
            runs += 1;
            let server = RunningServer::start::<S>();
            let outcome = run::<M>(&server, &candidate, Timing::shrink()).await;
            drop(server);
            if let Some(d) = outcome.divergence {
                if matches!(d.got, super::run::Got::Silent(_)) && d.trouble.is_none() {
                    silent += 1;
                }
                best = truncated(&candidate, d.step);
                continue 'outer;
            }
        }
        break;
    }
    Shrunk {
        session: best.renumbered(),
        runs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_smaller() {
        let send = Send {
            conn: 0,
            requests: vec![Request::set("SET", "k", b"value"), Request::get("GET", "k")],
            cuts: vec![4],
        };
        let session = Session {
            steps: vec![Step::Send(vec![send]), Step::Close(0)],
        };
        let all = candidates(&session);
        assert!(all.iter().all(|c| c != &session));
        assert!(all.iter().any(|c| c.steps.len() == 1));
        assert!(all.iter().any(|c| c.requests() == 1));
        assert!(all.iter().any(|c| c.bytes() < session.bytes()));
    }
}
