//! Exercises 6.1 and 6.2: the learner's `Frame::check` and `Frame::parse`,
//! called directly on byte slices and compared with the grader's
//! reference parser ([`model`]).

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::model::{self, BAD_HEADERS, encode};
use super::{Api, ParseError, Resp};
use crate::failure::{Failure, describe_bytes};
use crate::mistakes::{INCOMPLETE_IS_NOT_AN_ERROR, PARSER_PANICS, WAITS_ON_BAD_FRAME, WRONG_FRAME};

/// How many random frames and streams a property check tries.
const RANDOM: usize = 500;

/// A panic's message, from `catch_unwind`.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".to_owned())
}

/// What a learner's `check` made of some bytes: where it left the cursor,
/// or its error, or its panic.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Checked {
    Whole(usize),
    Incomplete,
    Protocol,
    Panicked(String),
}

impl Checked {
    fn show(&self) -> String {
        match self {
            Checked::Whole(n) => format!("Ok(()), the cursor at byte {n}"),
            Checked::Incomplete => "Err(Incomplete)".to_owned(),
            Checked::Protocol => "Err(Protocol(…))".to_owned(),
            Checked::Panicked(why) => format!("a panic: {why}"),
        }
    }
}

pub(crate) fn run_check<A: Api>(bytes: &[u8]) -> Checked {
    let mut cursor = Cursor::new(bytes);
    match catch_unwind(AssertUnwindSafe(|| A::check(&mut cursor))) {
        Ok(Ok(())) => Checked::Whole(cursor.position() as usize),
        Ok(Err(ParseError::Incomplete)) => Checked::Incomplete,
        Ok(Err(ParseError::Protocol(_))) => Checked::Protocol,
        Err(payload) => Checked::Panicked(panic_text(&*payload)),
    }
}

/// What the reference says `check` must answer.
fn reference_check(bytes: &[u8]) -> Checked {
    match model::classify(bytes) {
        Ok((_, len)) => Checked::Whole(len),
        Err(ParseError::Incomplete) => Checked::Incomplete,
        Err(ParseError::Protocol(_)) => Checked::Protocol,
    }
}

/// The frames every parser check starts with: each type, the edges the
/// chapter names, binary data.
pub(crate) fn fixed_frames() -> Vec<Resp> {
    let bulk = |b: &[u8]| Resp::Bulk(bytes::Bytes::copy_from_slice(b));
    vec![
        Resp::Simple("OK".into()),
        Resp::Error("ERR unknown command 'héllo'".into()),
        Resp::Integer(-1),
        Resp::Integer(i64::MAX),
        Resp::Integer(i64::MIN),
        Resp::Integer(0),
        Resp::Null,
        bulk(b""),
        bulk("héllo".as_bytes()),
        bulk(b"a\r\nb\0\xff\r\n"),
        Resp::Array(vec![]),
        Resp::Array(vec![bulk(b"SET"), bulk(b"key"), bulk(b"\r\n$3\r\n")]),
        Resp::Array(vec![
            Resp::Integer(1),
            Resp::Array(vec![Resp::Simple("nested".into()), Resp::Null]),
            Resp::Array(vec![]),
        ]),
    ]
}

fn the_frame(frame: &Resp) -> String {
    format!("the frame {}", describe_bytes(&encode(frame)))
}

/// Every frame of each type (and seeded random ones), alone and with the
/// start of a second frame behind it: `check` returns `Ok(())` and leaves
/// the cursor just past the first frame, whose length read_frame needs.
/// Catches a `check` that does nothing, stops early, or reads on into the
/// next frame.
pub fn check_finds_a_whole_frame_and_its_length<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let mut frames = fixed_frames();
    frames.extend((0..50).map(|_| model::frame(&mut rng, 3)));
    for frame in &frames {
        let bytes = encode(frame);
        for tail in [&b""[..], b"*1\r\n$4\r\nPI", b"+OK\r\n"] {
            let mut input = bytes.clone();
            input.extend_from_slice(tail);
            let got = run_check::<A>(&input);
            if got != Checked::Whole(bytes.len()) {
                let failure = Failure::new(format!(
                    "Frame::check on {} returned {}.",
                    describe_bytes(&input),
                    got.show()
                ))
                .expected(format!(
                    "Ok(()), the cursor at byte {}: just past {}",
                    bytes.len(),
                    the_frame(frame)
                ));
                return Err(match got {
                    Checked::Panicked(_) => failure.mistake(PARSER_PANICS),
                    _ => failure.mistake(WRONG_FRAME),
                });
            }
        }
    }
    Ok(())
}

/// Each frame cut at every byte (the empty buffer too): `check` says
/// `Incomplete` every time, never `Ok`, a protocol error or a panic.
/// Catches a parser that reads past the end of the bytes it has, or calls
/// a frame that is only half there an error.
pub fn check_says_incomplete_for_every_cut<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    let mut frames = fixed_frames();
    frames.extend((0..20).map(|_| model::frame(&mut rng, 3)));
    for frame in &frames {
        let bytes = encode(frame);
        for cut in 0..bytes.len() {
            let got = run_check::<A>(&bytes[..cut]);
            if got != Checked::Incomplete {
                let failure = Failure::new(format!(
                    "Frame::check on the first {cut} bytes of {}, that is on {}, returned {}.",
                    the_frame(frame),
                    describe_bytes(&bytes[..cut]),
                    got.show()
                ))
                .expected("Err(Incomplete): the rest of the frame has not arrived yet");
                return Err(match got {
                    Checked::Panicked(_) => failure.mistake(PARSER_PANICS),
                    _ => failure.mistake(INCOMPLETE_IS_NOT_AN_ERROR),
                });
            }
        }
    }
    Ok(())
}

/// Bytes that can never become a frame, however many more arrive.
pub(crate) fn not_resp() -> Vec<Vec<u8>> {
    let mut cases: Vec<Vec<u8>> = Vec::new();
    for bad in BAD_HEADERS {
        let mut case = bad.to_vec();
        case.extend_from_slice(b"$1\r\nx\r\n:1\r\n");
        cases.push(case);
    }
    cases.extend([
        b"%3\r\n".to_vec(),
        b"hello\r\n".to_vec(),
        b"*2\r\n:1\r\n!oops\r\n".to_vec(),
        b"$3\r\nabcXY".to_vec(),
        b"$0\r\nab\r\n".to_vec(),
    ]);
    let mut deep = b"*1\r\n".repeat(model::MAX_DEPTH + 1);
    deep.extend_from_slice(b":1\r\n");
    cases.push(deep);
    cases
}

/// The answer a learner gave to bytes that are not RESP, as a failure.
fn refused(what: &str, input: &[u8], got: String, incomplete: bool, panicked: bool) -> Failure {
    let failure = Failure::new(format!(
        "{what} on {} returned {got}.",
        describe_bytes(input)
    ))
    .expected(
        "Err(Protocol(…)): a wrong type byte, a number that is not a 64-bit number, a length \
         below -1 or above 512 MiB, bulk data not followed by \\r\\n, or arrays nested deeper \
         than 32 make these bytes no RESP, whatever comes next",
    );
    if panicked {
        failure.mistake(PARSER_PANICS)
    } else if incomplete {
        failure.mistake(WAITS_ON_BAD_FRAME)
    } else {
        failure.mistake(WRONG_FRAME)
    }
}

/// A bad type byte, numbers that overflow 64 bits
/// (`$18446744073709551615`, `:9223372036854775808`), lengths below -1 or
/// above 512 MiB, bulk data without its CRLF, arrays 33 deep: `check`
/// returns a protocol error. Catches a panic on overflow (mini-redis 0.4's
/// parser panics on the first), and a length that can never arrive taken
/// for a frame still coming.
pub fn check_refuses_what_is_not_resp<A: Api>() -> Result<(), Failure> {
    for input in not_resp() {
        let got = run_check::<A>(&input);
        if got != Checked::Protocol {
            return Err(refused(
                "Frame::check",
                &input,
                got.show(),
                got == Checked::Incomplete,
                matches!(got, Checked::Panicked(_)),
            ));
        }
    }
    Ok(())
}

/// Seeded random byte streams — whole frames, frames cut short, frames
/// with a bad byte, bad numbers or a missing CRLF — checked by the
/// learner's `check` and by the grader's reference: the same answer, and
/// the same length, for every one. Catches what no list thought of.
pub fn check_agrees_with_the_reference_on_random_bytes<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    for _ in 0..RANDOM {
        let input = model::stream(&mut rng);
        let want = reference_check(&input);
        let got = run_check::<A>(&input);
        if got != want {
            let failure = Failure::new(format!(
                "Frame::check on {} returned {}.",
                describe_bytes(&input),
                got.show()
            ))
            .expected(want.show());
            return Err(match (&got, &want) {
                (Checked::Panicked(_), _) => failure.mistake(PARSER_PANICS),
                (_, Checked::Incomplete) => failure.mistake(INCOMPLETE_IS_NOT_AN_ERROR),
                (Checked::Incomplete, Checked::Protocol) => failure.mistake(WAITS_ON_BAD_FRAME),
                _ => failure.mistake(WRONG_FRAME),
            });
        }
    }
    Ok(())
}

/// What a learner's `parse` made of some bytes.
fn run_parse<A: Api>(bytes: &[u8]) -> Result<(Result<Resp, ParseError>, usize), String> {
    let mut cursor = Cursor::new(bytes);
    match catch_unwind(AssertUnwindSafe(|| A::parse(&mut cursor).map(A::resp))) {
        Ok(result) => Ok((result, cursor.position() as usize)),
        Err(payload) => Err(panic_text(&*payload)),
    }
}

fn show_parsed(parsed: &Result<(Result<Resp, ParseError>, usize), String>) -> String {
    match parsed {
        Ok((Ok(frame), at)) => format!("Ok({frame:?}), the cursor at byte {at}"),
        Ok((Err(e), _)) => format!("Err({e:?})"),
        Err(why) => format!("a panic: {why}"),
    }
}

/// Frames of every type, with the edges the book names (`$-1`, `$0`,
/// `héllo`, `:-1`, both ends of 64 bits, binary data with CRLF inside,
/// nested arrays), each followed by the start of another frame: `parse`
/// returns exactly that frame and leaves the cursor past it.
pub fn parse_returns_the_frame_the_bytes_spell<A: Api>() -> Result<(), Failure> {
    for frame in fixed_frames() {
        let bytes = encode(&frame);
        let mut input = bytes.clone();
        input.extend_from_slice(b"*1\r\n$4\r\nPI");
        let got = run_parse::<A>(&input);
        if !matches!(&got, Ok((Ok(f), at)) if *f == frame && *at == bytes.len()) {
            let failure = Failure::new(format!(
                "Frame::parse on {} returned {}.",
                describe_bytes(&input),
                show_parsed(&got)
            ))
            .expected(format!("Ok({frame:?}), the cursor at byte {}", bytes.len()));
            return Err(if got.is_err() {
                failure.mistake(PARSER_PANICS)
            } else {
                failure.mistake(WRONG_FRAME)
            });
        }
    }
    Ok(())
}

/// The bytes of `check_refuses_what_is_not_resp`, given to `parse`: a
/// protocol error for each, never a panic. (`parse` runs after `check`,
/// but it reads the peer's bytes too, and must not trust them.)
pub fn parse_refuses_what_is_not_resp<A: Api>() -> Result<(), Failure> {
    for input in not_resp() {
        let got = run_parse::<A>(&input);
        if !matches!(got, Ok((Err(ParseError::Protocol(_)), _))) {
            return Err(refused(
                "Frame::parse",
                &input,
                show_parsed(&got),
                matches!(got, Ok((Err(ParseError::Incomplete), _))),
                got.is_err(),
            ));
        }
    }
    Ok(())
}

/// Seeded random frames (every type, nested, binary, integers at the ends
/// of 64 bits), encoded by the grader: `parse` gives each frame back, and
/// on random streams that the reference finds whole, its frame too.
pub fn random_frames_parse_to_themselves<A: Api>() -> Result<(), Failure> {
    let mut rng = crate::seed::rng();
    for _ in 0..RANDOM {
        let (input, want) = if rng.one_in(2) {
            let frame = model::frame(&mut rng, 3);
            let bytes = encode(&frame);
            let len = bytes.len();
            (bytes, (frame, len))
        } else {
            let input = model::stream(&mut rng);
            match model::classify(&input) {
                Ok(want) => (input, want),
                Err(_) => continue,
            }
        };
        let got = run_parse::<A>(&input);
        if !matches!(&got, Ok((Ok(f), at)) if *f == want.0 && *at == want.1) {
            let failure = Failure::new(format!(
                "Frame::parse on {} returned {}.",
                describe_bytes(&input),
                show_parsed(&got)
            ))
            .expected(format!("Ok({:?}), the cursor at byte {}", want.0, want.1));
            return Err(if got.is_err() {
                failure.mistake(PARSER_PANICS)
            } else {
                failure.mistake(WRONG_FRAME)
            });
        }
    }
    Ok(())
}
