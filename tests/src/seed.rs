//! Randomised data with a seed a learner can replay.
//!
//! A run picks one seed (or takes [`SEED_ENV`] when set) and hands it to
//! every check's process. A check draws its data from [`rng`], a generator
//! seeded from the run's seed and the check's name, so the same seed gives
//! the same data to the same check, whatever else ran. A failure of a check
//! that drew anything shows the seed and the command that replays it.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// Replays a run's data: `WORKBOOK_SEED=1234 cargo test -p chapter-2`.
pub const SEED_ENV: &str = "WORKBOOK_SEED";

static SEED: OnceLock<u64> = OnceLock::new();
static CHECK: OnceLock<String> = OnceLock::new();
static USED: AtomicBool = AtomicBool::new(false);

/// The run's seed: [`SEED_ENV`] if set to a number, else fresh.
pub fn run_seed() -> u64 {
    *SEED.get_or_init(|| from_env().unwrap_or_else(fresh))
}

/// Fixes the run's seed, unless [`SEED_ENV`] already did: the gallery does,
/// so that its messages (kept as snapshots) are the same every run.
pub fn default_run_seed(seed: u64) {
    let _ = SEED.get_or_init(|| from_env().unwrap_or(seed));
}

/// Called by the harness in a check's process: which check draws.
pub(crate) fn enter_check(name: &str) {
    let _ = CHECK.set(name.to_owned());
}

/// Whether this process drew random data (so its failure shows the seed).
pub fn used() -> bool {
    USED.load(Ordering::Relaxed)
}

/// A generator for this check: the same seed and check give the same data.
pub fn rng() -> Rng {
    USED.store(true, Ordering::Relaxed);
    let name = CHECK.get().map_or("", String::as_str);
    // FNV-1a over the check's name, mixed with the run's seed.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    Rng::new(run_seed() ^ h)
}

/// The seed [`SEED_ENV`] names, if it is set to a number.
fn from_env() -> Option<u64> {
    std::env::var(SEED_ENV).ok()?.trim().parse().ok()
}

fn fresh() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    // Short enough to type.
    hasher.finish() % 1_000_000
}

/// A small, fast, deterministic generator (SplitMix64): enough for test
/// data, and no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `range` (which must not be empty).
    pub fn range(&mut self, range: std::ops::Range<usize>) -> usize {
        let span = (range.end - range.start).max(1) as u64;
        range.start + (self.next_u64() % span) as usize
    }

    /// True with probability `1 / n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.range(0..n.max(1)) == 0
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0..items.len())]
    }

    /// Shuffles `items` in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.range(0..i + 1);
            items.swap(i, j);
        }
    }

    /// A key a careless store mixes up: mixed case, a shared prefix, and
    /// now and then a byte outside ASCII. Always valid UTF-8 (mini-redis's
    /// commands take keys as strings).
    pub fn key(&mut self) -> String {
        const PARTS: [&str; 8] = [
            "user", "User", "session", "é", "cart", "CART", "visits", "ключ",
        ];
        let mut key = format!("{}:{}", self.pick(&PARTS), self.range(0..100_000));
        if self.one_in(3) {
            key.push(':');
            let part = *self.pick(&PARTS);
            key.push_str(part);
        }
        key
    }

    /// A value that exposes text-handling mistakes: binary bytes, CR, LF,
    /// NUL, non-UTF-8, and sizes from empty to `max`.
    pub fn value(&mut self, max: usize) -> Vec<u8> {
        let len = match self.range(0..4) {
            0 => self.range(0..4),
            1 => self.range(0..64),
            _ => self.range(0..max.max(1) + 1),
        }
        .min(max);
        let mut out = Vec::with_capacity(len);
        for _ in 0..len {
            out.push(match self.range(0..6) {
                0 => *self.pick(b"\r\n\0\xff$*-+:"),
                _ => self.range(0x20..0x7f) as u8,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_data() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.key(), b.key());
        assert_eq!(a.value(100), b.value(100));
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }

    #[test]
    fn ranges_stay_in_bounds() {
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            assert!((3..9).contains(&rng.range(3..9)));
            assert!(rng.value(50).len() <= 50);
        }
    }
}
