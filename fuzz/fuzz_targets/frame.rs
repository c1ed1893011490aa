//! `Frame::check` and `Frame::parse` on any bytes: neither panics, and
//! they agree — `check` finds a whole frame exactly when `parse` builds
//! one, of the same length; `Incomplete` and protocol errors alike. (One
//! difference is by design: only `parse` requires simple strings and
//! errors to be UTF-8, since only it makes `String`s of them.)

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use solution_6::{Frame, ParseError};

fuzz_target!(|data: &[u8]| {
    let mut checked = Cursor::new(data);
    let check = Frame::check(&mut checked);
    let mut parsed = Cursor::new(data);
    let parse = Frame::parse(&mut parsed);
    match (&check, &parse) {
        (Ok(()), Ok(_)) => assert_eq!(checked.position(), parsed.position()),
        (Err(ParseError::Incomplete), Err(ParseError::Incomplete)) => {}
        (Err(ParseError::Protocol(_)), Err(ParseError::Protocol(_))) => {}
        // `parse` may stop at such a string before `check` has seen the
        // whole frame, or any error after it.
        (_, Err(ParseError::Protocol(why))) if why.contains("UTF-8") => {}
        _ => panic!("check said {check:?}, parse said {parse:?}"),
    }
    if check.is_ok() {
        // A whole frame stays whole with anything behind it, and any cut
        // of it is `Incomplete`.
        let len = checked.position() as usize;
        assert!(len <= data.len());
        let cut = data.len() % len.max(1);
        assert_eq!(
            Frame::check(&mut Cursor::new(&data[..cut])),
            Err(ParseError::Incomplete)
        );
    }
});
