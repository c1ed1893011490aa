//! Model-based random operations on a store handle: the little sibling of
//! [`checks::model`](super::model), for stores called directly.
//!
//! A `HashMap<String, Bytes>` is the model: what a correct store's `set`
//! and `get` return is what the map's `insert` and `get` return. The check
//! draws, from the run's seed, sequences of calls over key families that a
//! careless store mixes up (keys that differ only in case, non-ASCII keys,
//! long shared prefixes, permutations of one word, sequential ids, the
//! empty key) and values with CR, LF, NUL and non-UTF-8 bytes, empty or up
//! to a few hundred bytes, into a store that already holds keys the
//! learner's code did not create. Every return is compared with the
//! model's.
//!
//! First one thread, then several at once: each thread on keys of its own,
//! checked against a model of its own, while the others read a few "hot"
//! keys that one thread writes. A thread's own keys can change only by its
//! own calls, and a hot key always holds a value, so any difference is the
//! store's.
//!
//! On a difference, the calls are shrunk (greedily, by hand, like
//! [`model::shrink`](super::model::shrink)) to the shortest sequence that
//! still differs on a new store, and shown as a transcript. A difference
//! that shows only with other threads at work cannot be replayed on one
//! thread; it is described by its kind, which also names the mistake.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::failure::{Failure, Mistake, describe_bytes};
use crate::fixtures::interleave::{self, Interleaver, Workers};
use crate::mistakes::{GET_REMOVES, GET_WRITES_BACK, LOST_WRITE, OLD_VALUE_NOT_RETURNED};
use crate::seed::{self, Rng};

/// A store handle as the check calls it.
pub trait Store: 'static {
    /// The handle: cheap to clone, every clone on the same map.
    type Handle: Clone + Send + 'static;
    /// Whether `get` is graded here. Where it is not (exercise 3.2, whose
    /// `get` is still the next exercise's `todo!()`), the check calls only
    /// `new` and `set`, and learns what the store holds from what `set`
    /// returns.
    const READS: bool;
    /// A new, empty store.
    fn new() -> Self::Handle;
    /// `set`: stores `value` under `key`, returns the value it replaced.
    fn set(handle: &Self::Handle, key: String, value: Bytes) -> Option<Bytes>;
    /// `get`: the value under `key`. Called only when [`Self::READS`].
    fn get(handle: &Self::Handle, key: &str) -> Option<Bytes>;
}

/// One call on the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `db.set(key, value)`.
    Set(String, Bytes),
    /// `db.get(key)`.
    Get(String),
}

impl Op {
    fn key(&self) -> &str {
        match self {
            Op::Set(key, _) | Op::Get(key) => key,
        }
    }

    /// What a correct store returns, updating the model as it would.
    fn on_model(&self, model: &mut HashMap<String, Bytes>) -> Option<Bytes> {
        match self {
            Op::Set(key, value) => model.insert(key.clone(), value.clone()),
            Op::Get(key) => model.get(key).cloned(),
        }
    }

    /// What the learner's store returns.
    fn on_store<S: Store>(&self, db: &S::Handle) -> Option<Bytes> {
        match self {
            Op::Set(key, value) => S::set(db, key.clone(), value.clone()),
            Op::Get(key) => S::get(db, key),
        }
    }

    /// As the learner would write the call.
    fn show(&self) -> String {
        match self {
            Op::Set(key, value) => format!("db.set({}, {})", short(key.as_bytes()), short(value)),
            Op::Get(key) => format!("db.get({})", short(key.as_bytes())),
        }
    }
}

/// Bytes in a transcript: escaped, long ones cut.
fn short(bytes: &[u8]) -> String {
    if bytes.len() <= 40 {
        describe_bytes(bytes).replace("nothing", "\"\"")
    } else {
        format!(
            "{}…({} bytes)",
            describe_bytes(&bytes[..32]).trim_end_matches('"'),
            bytes.len()
        )
    }
}

/// A return value in a transcript.
fn show(value: Option<&Bytes>) -> String {
    value.map_or("None".to_owned(), |v| format!("Some({})", short(v)))
}

/// The first call of `ops`, run on a new store, whose return differs from
/// the model's: its index, what the store returned, what the model did.
type Divergence = (usize, Option<Bytes>, Option<Bytes>);

fn first_divergence<S: Store>(ops: &[Op]) -> Option<Divergence> {
    first_divergence_until::<S>(ops, None)
}

/// [`first_divergence`], giving up (as if none) once `until` has passed.
fn first_divergence_until<S: Store>(ops: &[Op], until: Option<Instant>) -> Option<Divergence> {
    let db = S::new();
    let mut model = HashMap::new();
    for (i, op) in ops.iter().enumerate() {
        let want = op.on_model(&mut model);
        let got = op.on_store::<S>(&db);
        if got != want {
            return Some((i, got, want));
        }
        if i % 256 == 0 && until.is_some_and(|until| Instant::now() > until) {
            return None;
        }
    }
    None
}

/// [`first_divergence`], with a panic during a candidate run counted as no
/// divergence: shrinking must not turn a wrong value into a crash report.
fn diverges<S: Store>(ops: &[Op]) -> Option<Divergence> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| first_divergence::<S>(ops)))
        .ok()
        .flatten()
}

// ---------------------------------------------------------------------------
// Generating calls

/// Keys a careless store mixes up, from the families named above.
fn key_pool(rng: &mut Rng) -> Vec<String> {
    let mut keys = Vec::new();
    for _ in 0..6 {
        keys.push(rng.key());
    }
    // Keys that differ only in case.
    let word = format!("user:{}", rng.range(0..1000));
    keys.extend([
        word.clone(),
        word.to_uppercase(),
        format!("U{}", &word[1..]),
    ]);
    // A long shared prefix, different at the very end.
    let prefix = format!("session:{}:", "x".repeat(rng.range(100..300)));
    keys.extend((0..3).map(|i| format!("{prefix}{i}")));
    // Permutations of one word.
    let mut letters = b"tokio-rs".to_vec();
    for _ in 0..3 {
        rng.shuffle(&mut letters);
        keys.push(String::from_utf8_lossy(&letters).into_owned());
    }
    // Sequential ids, non-ASCII keys, the empty key.
    let start = rng.range(0..100_000);
    keys.extend((start..start + 3).map(|i| format!("order:{i}")));
    keys.extend(["ключ".to_owned(), "clé".to_owned(), "CLÉ".to_owned()]);
    keys.push(String::new());
    keys
}

/// A value: mostly [`Rng::value`]'s binary-ish bytes, now and then empty.
fn value(rng: &mut Rng, max: usize) -> Bytes {
    if rng.one_in(10) {
        Bytes::new()
    } else {
        Bytes::from(rng.value(max))
    }
}

/// A random call on `keys` (now and then a fresh key, after `namespace`):
/// a `get` one time in three when `reads`.
fn op(rng: &mut Rng, namespace: &str, keys: &[String], reads: bool, max: usize) -> Op {
    let key = if rng.one_in(8) {
        format!("{namespace}{}", rng.key())
    } else {
        rng.pick(keys).clone()
    };
    if reads && rng.one_in(3) {
        Op::Get(key)
    } else {
        Op::Set(key, value(rng, max))
    }
}

/// Calls on keys of their own, before the random ones: state the
/// learner's code did not create.
const PRELOADED: usize = 40;
/// Random calls on one thread.
const SINGLE_OPS: usize = 400;

fn single_thread_ops(rng: &mut Rng, reads: bool) -> Vec<Op> {
    let keys = key_pool(rng);
    let mut ops: Vec<Op> = (0..PRELOADED)
        .map(|i| Op::Set(format!("already:{i}:{}", rng.key()), value(rng, 64)))
        .collect();
    // Some of the pool is there before too.
    for key in keys.iter().step_by(3) {
        ops.push(Op::Set(key.clone(), value(rng, 64)));
    }
    ops.extend((0..SINGLE_OPS).map(|_| op(rng, "", &keys, reads, 300)));
    ops
}

// ---------------------------------------------------------------------------
// Shrinking

/// At most this many candidate runs, and this much time.
const SHRINK_RUNS: usize = 3_000;
const SHRINK_TIME: Duration = Duration::from_millis(400);

/// Smaller sequences than `ops`, the biggest cuts first.
fn candidates(ops: &[Op]) -> Vec<Vec<Op>> {
    let mut out = Vec::new();
    let mut size = ops.len() / 2;
    while size >= 1 {
        let mut start = 0;
        while start < ops.len() {
            let mut fewer = ops.to_vec();
            fewer.drain(start..(start + size).min(ops.len()));
            if !fewer.is_empty() {
                out.push(fewer);
            }
            start += size;
        }
        size /= 2;
    }
    // Shorter values, then shorter keys (renamed everywhere at once, so
    // calls on one key stay on one key).
    // A value of one letter, a different letter for each call (so the
    // transcript tells the values apart); the empty value only if a letter
    // would not do.
    for (i, op) in ops.iter().enumerate() {
        if let Op::Set(key, value) = op {
            let letter = Bytes::from(vec![b'a' + (i % 26) as u8]);
            for shorter in [letter, Bytes::new()] {
                if value.len() > shorter.len() {
                    let mut new = ops.to_vec();
                    new[i] = Op::Set(key.clone(), shorter);
                    out.push(new);
                }
            }
        }
    }
    let mut renamed: Vec<&str> = Vec::new();
    for op in ops {
        let key = op.key();
        if key.chars().count() > 1 && !renamed.contains(&key) {
            renamed.push(key);
            for short in ["k", "j"] {
                let rename = |k: &str| {
                    if k == key {
                        short.to_owned()
                    } else {
                        k.to_owned()
                    }
                };
                out.push(
                    ops.iter()
                        .map(|op| match op {
                            Op::Set(k, v) => Op::Set(rename(k), v.clone()),
                            Op::Get(k) => Op::Get(rename(k)),
                        })
                        .collect(),
                );
            }
        }
    }
    out
}

/// The size a candidate must shrink: calls first, then bytes (a value of
/// one byte counts as none: a letter reads better than an empty value).
fn size(ops: &[Op]) -> (usize, usize) {
    let bytes = ops
        .iter()
        .map(|op| match op {
            Op::Set(k, v) => k.len() + if v.len() > 1 { v.len() } else { 0 },
            Op::Get(k) => k.len(),
        })
        .sum();
    (ops.len(), bytes)
}

/// The shortest sequence, greedily, that still diverges on a new store;
/// and how many candidates were tried.
fn shrink<S: Store>(ops: &[Op], divergence: Divergence) -> (Vec<Op>, Divergence, usize) {
    let started = Instant::now();
    let mut best = ops[..=divergence.0].to_vec();
    let mut found = divergence;
    let mut tried = 0;
    'outer: loop {
        for candidate in candidates(&best) {
            if tried >= SHRINK_RUNS || started.elapsed() > SHRINK_TIME {
                break 'outer;
            }
            if size(&candidate) >= size(&best) {
                continue;
            }
            tried += 1;
            if let Some(d) = diverges::<S>(&candidate) {
                best = candidate[..=d.0].to_vec();
                found = d;
                continue 'outer;
            }
        }
        break;
    }
    (best, found, tried)
}

// ---------------------------------------------------------------------------
// What the learner reads

/// The mistake a difference on one thread points to, if any.
fn diagnose<S: Store>(ops: &[Op], (at, got, want): &Divergence) -> Option<Mistake> {
    let op = &ops[*at];
    match (op, got, want) {
        // `set` returned nothing where a value was: if `get` then finds the
        // new value, the store kept it and only the return is wrong.
        (Op::Set(key, value), None, Some(_)) => {
            if S::READS {
                let db = S::new();
                for op in &ops[..=*at] {
                    op.on_store::<S>(&db);
                }
                if S::get(&db, key).as_ref() == Some(value) {
                    return Some(OLD_VALUE_NOT_RETURNED);
                }
            }
            Some(LOST_WRITE)
        }
        // `get` found nothing where a value was: taken by an earlier `get`
        // of the key (after its last `set`), or never written.
        (Op::Get(key), None, Some(_)) => {
            let read_before = ops[..*at]
                .iter()
                .rev()
                .take_while(|o| !matches!(o, Op::Set(k, _) if k == key))
                .any(|o| matches!(o, Op::Get(k) if k == key));
            Some(if read_before { GET_REMOVES } else { LOST_WRITE })
        }
        _ => None,
    }
}

/// The failure for a difference on one thread: the shrunk transcript.
fn single_failure<S: Store>(ops: &[Op], divergence: Divergence, where_: &str) -> Failure {
    let (shrunk, found, tried) = shrink::<S>(ops, divergence);
    let (at, got, want) = &found;
    let what = match &shrunk[*at] {
        Op::Set(..) => "set",
        Op::Get(..) => "get",
    };
    let mut transcript = String::new();
    let mut model = HashMap::new();
    for (i, op) in shrunk.iter().enumerate() {
        // Every earlier call returned what the model did.
        let modelled = op.on_model(&mut model);
        let returned = show(if i == *at { got } else { &modelled }.as_ref());
        let _ = writeln!(transcript, "    {} -> {returned}", op.show());
    }
    let _ = writeln!(
        transcript,
        "      ^ a correct store returns {}",
        show(want.as_ref())
    );
    let calls = if *at == 0 {
        "on a new Db".to_owned()
    } else {
        format!("after {} on a new Db", plural(*at, "call"))
    };
    let mut failure = Failure::new(format!(
        "A random sequence of calls {where_} found a difference from a HashMap. Its shortest \
         form (found by trying {tried} smaller sequences): {calls}, your {what} returned {}; a \
         correct store returns {}.\n{transcript}",
        show(got.as_ref()),
        show(want.as_ref()),
    ))
    .expected(show(want.as_ref()))
    .got(show(got.as_ref()));
    if let Some(mistake) = diagnose::<S>(&shrunk, &found) {
        failure = failure.mistake(mistake);
    }
    failure
}

/// The model after `ops`.
fn replayed(ops: &[Op]) -> HashMap<String, Bytes> {
    let mut model = HashMap::new();
    for op in ops {
        op.on_model(&mut model);
    }
    model
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

// ---------------------------------------------------------------------------
// Several threads

/// Threads at once.
const THREADS: usize = 4;
/// Calls per thread.
const THREAD_OPS: usize = 4_000;
/// Keys that always hold a value, each written by one thread and read by
/// the others.
const HOT: usize = THREADS;

/// What one thread does: calls on its own keys (and, for the writer of a
/// hot key, on that key), and reads of the others' hot keys.
#[derive(Debug, Clone)]
enum Work {
    Own(Op),
    ReadHot(usize),
}

/// What one thread saw.
struct Seen {
    /// The thread's own calls, up to and with the first that differed.
    own: Vec<Op>,
    /// That call's index in `own`, with what it returned and what its
    /// model did.
    divergence: Option<Divergence>,
    /// What reads of other threads' hot keys found: which key, and what
    /// came back (each distinct answer once).
    hot_reads: HashSet<(usize, Option<Bytes>)>,
}

/// A hot key.
fn hot_key(i: usize) -> String {
    format!("hot:{i}:{}", "visits:home/".repeat(HOT_KEY_LEN / 12))
}

/// About how long a hot key is, in bytes.
const HOT_KEY_LEN: usize = 24;

fn thread_work(rng: &mut Rng, thread: usize, reads: bool, hot: &[String]) -> Vec<Work> {
    // A namespace no other thread writes or reads.
    let namespace = format!("t{thread}/");
    let keys: Vec<String> = key_pool(rng)
        .into_iter()
        .map(|k| format!("{namespace}{k}"))
        .collect();
    (0..THREAD_OPS)
        .map(|_| {
            // Each thread writes a hot key of its own and reads the
            // others' often, so that their calls interleave as often as
            // they can.
            let roll = rng.range(0..10);
            if reads && roll < 4 {
                let key = hot[thread].clone();
                if rng.one_in(2) {
                    Work::Own(Op::Get(key))
                } else {
                    Work::Own(Op::Set(key, value(rng, 16)))
                }
            } else if reads && roll < 8 {
                let others: Vec<usize> = (0..HOT).filter(|&h| h != thread).collect();
                Work::ReadHot(*rng.pick(&others))
            } else {
                Work::Own(op(rng, &namespace, &keys, reads, 32))
            }
        })
        .collect()
}

/// The hot keys' first values, written before the threads start.
fn hot_preload(reads: bool, hot: &[String]) -> Vec<Op> {
    if !reads {
        return Vec::new();
    }
    hot.iter()
        .enumerate()
        .map(|(i, key)| Op::Set(key.clone(), Bytes::from(format!("first value of {i}"))))
        .collect()
}

/// How much the threads must work together: they go round their calls
/// (at least once) until this many calls, counted over all threads, began
/// while another thread was inside one, and the [`Interleaver`] froze a
/// thread often enough while the others went on
/// ([`interleave::enough_freezes`]) — on a busy machine with few cores,
/// threads take turns for a long while before they overlap, and a freeze
/// is what lands one in another's race window — or until the time is up
/// ([`interleave::time_is_up`]).
const OVERLAPS: usize = 200_000;

/// How long replaying one thread's calls alone may take.
const REPLAY_FOR: Duration = Duration::from_millis(150);

/// What the threads share to know when they have worked together enough.
struct Together {
    /// Threads inside a call on the store right now.
    busy: AtomicUsize,
    /// Calls that began while another thread was inside one.
    overlapped: AtomicUsize,
    /// A thread saw a difference: one is enough, every thread stops.
    found: AtomicBool,
}

fn run_thread<S: Store>(
    db: S::Handle,
    work: Vec<Work>,
    preload: Vec<Op>,
    go: Arc<Barrier>,
    together: Arc<Together>,
    hot: Arc<Vec<String>>,
    workers: Workers,
) -> Seen {
    // The hot keys' first values are in every thread's model: a writer of
    // one finds it there.
    let mut model = replayed(&preload);
    let mut done: Vec<usize> = Vec::new();
    let mut seen = Seen {
        own: Vec::new(),
        divergence: None,
        hot_reads: HashSet::new(),
    };
    let _worker = workers.enter();
    go.wait();
    let began = Instant::now();
    let once = work.len();
    for (n, (i, call)) in work.iter().enumerate().cycle().enumerate() {
        if n >= once
            && n % 16 == 0
            && ((together.overlapped.load(Relaxed) >= OVERLAPS && interleave::enough_freezes())
                || together.found.load(Relaxed)
                || interleave::time_is_up(began))
        {
            break;
        }
        let others = together.busy.fetch_add(1, Relaxed);
        // A moment off the store between calls: with the lock always
        // wanted by someone, a thread would mostly wait for it and wake
        // too late to land between another's two lockings.
        for i in 0..(n % 7) * 16 {
            std::hint::black_box(i);
        }
        match call {
            Work::ReadHot(h) => {
                seen.hot_reads.insert((*h, S::get(&db, &hot[*h])));
            }
            Work::Own(op) => {
                let want = op.on_model(&mut model);
                let got = op.on_store::<S>(&db);
                done.push(i);
                if got != want {
                    seen.divergence = Some((done.len() - 1, got, want));
                    together.busy.fetch_sub(1, Relaxed);
                    together.found.store(true, Relaxed);
                    break;
                }
            }
        }
        together.busy.fetch_sub(1, Relaxed);
        interleave::step();
        if others > 0 {
            together.overlapped.fetch_add(1, Relaxed);
        }
    }
    seen.own = done
        .into_iter()
        .filter_map(|i| match &work[i] {
            Work::Own(op) => Some(op.clone()),
            Work::ReadHot(_) => None,
        })
        .collect();
    seen
}

/// What several threads at once, each on keys of its own, must not see.
fn concurrent<S: Store>(rng: &mut Rng) -> Result<(), Failure> {
    let db = S::new();
    let hot: Arc<Vec<String>> = Arc::new((0..HOT).map(hot_key).collect());
    let preload = hot_preload(S::READS, &hot);
    for op in &preload {
        op.on_store::<S>(&db);
    }
    let go = Arc::new(Barrier::new(THREADS));
    let interleaver = Interleaver::start();
    let together = Arc::new(Together {
        busy: AtomicUsize::new(0),
        overlapped: AtomicUsize::new(0),
        found: AtomicBool::new(false),
    });
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let work = thread_work(rng, t, S::READS, &hot);
            let (db, preload, go) = (db.clone(), preload.clone(), Arc::clone(&go));
            let (together, hot) = (Arc::clone(&together), Arc::clone(&hot));
            let workers = interleaver.workers();
            std::thread::spawn(move || {
                run_thread::<S>(db, work, preload, go, together, hot, workers)
            })
        })
        .collect();
    let mut seen = Vec::with_capacity(THREADS);
    for handle in handles {
        seen.push(
            handle
                .join()
                .map_err(|_| Failure::new("Your store panicked on one of the threads."))?,
        );
    }
    interleaver.finish();
    let scene = format!(
        "{THREADS} threads called one Db at once, each on keys of its own{}.",
        if S::READS {
            ", and each also writing a key that the others read (a key that always holds \
             a value)"
        } else {
            ""
        }
    );
    // A thread's own calls that differ: on one thread too, or only beside
    // the others?
    let mut own_key_changed = false;
    let mut hot_key_changed = false;
    // A hot key found empty, by a reader or by its writer: a read took
    // the value away for a moment. (Its writer finds it empty before it
    // can find an older value put back.)
    let mut hot_key_empty = seen
        .iter()
        .any(|s| s.hot_reads.iter().any(|(_, v)| v.is_none()));
    for s in &seen {
        let Some((at, got, _)) = &s.divergence else {
            continue;
        };
        let mut alone = preload.clone();
        alone.extend(s.own.iter().cloned());
        // Bounded: a store whose calls grow slow could take long to replay
        // a long run; then it counts as a difference beside the others.
        let until = Instant::now() + REPLAY_FOR;
        let replayed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            first_divergence_until::<S>(&alone, Some(until))
        }));
        if let Ok(Some(d)) = replayed {
            return Err(single_failure::<S>(&alone, d, "on one thread"));
        }
        match (hot.iter().any(|k| k == s.own[*at].key()), got) {
            (true, None) => hot_key_empty = true,
            (true, Some(_)) => hot_key_changed = true,
            (false, _) => own_key_changed = true,
        }
    }
    if hot_key_empty {
        return Err(Failure::new(format!(
            "{scene} A key that held a value all along was found empty, by another thread's \
             read or by its own writer. Alone on a new Db, the same calls return what a \
             HashMap does."
        ))
        .expected("Some(…) on every read of a key that holds a value")
        .got("None, now and then")
        .mistake(GET_REMOVES));
    }
    if own_key_changed {
        return Err(Failure::new(format!(
            "{scene} A thread's own key, which no other thread writes or reads, lost its \
             value or went back to an older one. Alone on a new Db, the same calls return \
             what a HashMap does: the other threads' calls changed keys they never named."
        ))
        .expected("each thread's calls return what a HashMap of its own returns")
        .got("an older value, or None, on a key only that thread uses")
        .mistake(LOST_WRITE));
    }
    if hot_key_changed {
        return Err(Failure::new(format!(
            "{scene} After a thread stored a value under its key, the key held an older \
             one, though the other threads only read it. Alone on a new Db, the same calls \
             return what a HashMap does."
        ))
        .expected("the writer of a key finds what it last stored")
        .got("an older value of the key")
        .mistake(GET_WRITES_BACK));
    }
    // Every read of a hot key found a value its writer stored.
    let mut written: Vec<Vec<Bytes>> = preload
        .iter()
        .map(|op| match op {
            Op::Set(_, v) => vec![v.clone()],
            Op::Get(_) => Vec::new(),
        })
        .collect();
    for (h, s) in seen.iter().enumerate().take(HOT.min(seen.len())) {
        for op in &s.own {
            if let Op::Set(k, v) = op
                && Some(k) == hot.get(h)
                && let Some(values) = written.get_mut(h)
            {
                values.push(v.clone());
            }
        }
    }
    for s in &seen {
        for (h, value) in &s.hot_reads {
            if let (Some(v), Some(values)) = (value, written.get(*h))
                && !values.contains(v)
            {
                return Err(Failure::new(format!(
                    "{scene} A read of another thread's key returned {}, which nobody stored there.",
                    show(Some(v))
                ))
                .expected("one of the values its writer stored"));
            }
        }
    }
    Ok(())
}

/// Random `set` (and, where graded, `get`) calls, first on one thread and
/// then on several at once, return what a `HashMap` model returns. Proves
/// the store keeps every key's latest value, returns the replaced one, and
/// that a call changes only the key it names. Catches a `set` that writes
/// into a copy of the map (`lost-write`) or drops `insert`'s return
/// (`old-value-not-returned`), a `get` that takes the value out
/// (`get-removes`) or writes it back (`get-writes-back`) — each shrunk to
/// the shortest sequence of calls that shows it, when one thread can.
pub fn random_operations_match_a_hashmap_model<S: Store>() -> Result<(), Failure> {
    let mut rng = seed::rng();
    let ops = single_thread_ops(&mut rng, S::READS);
    if let Some(d) = first_divergence::<S>(&ops) {
        return Err(single_failure::<S>(&ops, d, "on one thread"));
    }
    concurrent::<S>(&mut rng)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Clone, Default)]
    struct Right(Arc<Mutex<HashMap<String, Bytes>>>);

    impl Store for Right {
        type Handle = Right;
        const READS: bool = true;
        fn new() -> Right {
            Right::default()
        }
        fn set(h: &Right, key: String, value: Bytes) -> Option<Bytes> {
            h.0.lock().unwrap().insert(key, value)
        }
        fn get(h: &Right, key: &str) -> Option<Bytes> {
            h.0.lock().unwrap().get(key).cloned()
        }
    }

    /// `set` returns nothing.
    struct Forgets;

    impl Store for Forgets {
        type Handle = Right;
        const READS: bool = true;
        fn new() -> Right {
            Right::default()
        }
        fn set(h: &Right, key: String, value: Bytes) -> Option<Bytes> {
            h.0.lock().unwrap().insert(key, value);
            None
        }
        fn get(h: &Right, key: &str) -> Option<Bytes> {
            Right::get(h, key)
        }
    }

    #[test]
    fn a_right_store_passes() {
        random_operations_match_a_hashmap_model::<Right>().unwrap();
    }

    #[test]
    fn a_wrong_store_shrinks_to_two_calls() {
        let failure = random_operations_match_a_hashmap_model::<Forgets>().unwrap_err();
        assert_eq!(failure.mistake, Some(OLD_VALUE_NOT_RETURNED));
        assert!(
            failure.what.contains("after 1 call on a new Db"),
            "{}",
            failure.what
        );
    }
}
