//! `workbook bench`: the servers side by side under `redis-benchmark`.
//!
//! One run measures every server — the reference solution of chapter 6,
//! the learner's chapter-6 server, stock mini-redis 0.4 and, when it is
//! installed, redis-server itself — with the same client on the same
//! machine, so the ratios to redis-server mean something even on a busy
//! laptop: whatever slows one server down in a round slows its neighbours
//! too. Rounds interleave the servers, and the table reports the median
//! of the rounds with their spread.
//!
//! The servers are release builds of workspace examples, started as
//! processes of their own: nothing here links learner code, and a chapter
//! that does not compile, or is not written yet, is reported as such.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::server::Impl;

/// Concurrent connections, as redis-benchmark's default.
pub const CLIENTS: u32 = 50;
/// The pipelined mode's depth.
pub const PIPELINE: u32 = 16;
/// How long a server may take to say where it listens.
const STARTUP: Duration = Duration::from_secs(20);

/// How the servers and the client run: the same for every server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setup {
    /// Worker threads for each Tokio server, through `TOKIO_WORKER_THREADS`
    /// (0: Tokio's default, one per core).
    pub threads: usize,
    /// The CPU the server runs on and the CPU redis-benchmark runs on, when
    /// they are pinned (`taskset -c`): then neither takes the other's core,
    /// and the rounds vary much less.
    pub pin: Option<(usize, usize)>,
}

impl Setup {
    /// `threads` worker threads; pinned when `pin` asks for it and this
    /// machine can: Linux's `taskset` on the PATH and two CPUs this
    /// process may use (the first two of them).
    pub fn new(threads: usize, pin: bool) -> Setup {
        let cpus = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                let list = status
                    .lines()
                    .find_map(|line| line.strip_prefix("Cpus_allowed_list:"))?;
                Some(cpu_list(list))
            })
            .unwrap_or_default();
        let pin = match cpus[..] {
            [server, client, ..] if pin && on_path("taskset") => Some((server, client)),
            _ => None,
        };
        Setup { threads, pin }
    }

    /// `program`, on the server's CPU when pinned.
    fn server(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        pinned(program, self.pin.map(|(server, _)| server))
    }

    /// `program`, on the client's CPU when pinned.
    fn client(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        pinned(program, self.pin.map(|(_, client)| client))
    }

    /// The lines above the table that say how the run was set up.
    fn describe(&self) -> String {
        let threads = match self.threads {
            0 => "Tokio's default number of worker threads (one per core)".to_owned(),
            1 => "one worker thread, as redis-server runs its commands on one \
                  (TOKIO_WORKER_THREADS=1)"
                .to_owned(),
            n => format!("{n} worker threads (TOKIO_WORKER_THREADS={n})"),
        };
        let pin = match self.pin {
            Some((server, client)) => format!(
                "Each server ran on CPU {server} and redis-benchmark on CPU {client} \
                 (taskset -c): neither takes the other's core."
            ),
            None => "Not pinned to CPUs (--no-pin, or no taskset or second CPU here): \
                     the client and the server share the cores."
                .to_owned(),
        };
        format!("The Tokio servers ran with {threads}.\n{pin}\n")
    }
}

/// `program` run through `taskset -c CPU` when `cpu` is given. `taskset`
/// replaces itself with the program, so the process is the program's.
fn pinned(program: impl AsRef<std::ffi::OsStr>, cpu: Option<usize>) -> Command {
    match cpu {
        Some(cpu) => {
            let mut command = Command::new("taskset");
            command.args(["-c", &cpu.to_string()]).arg(program);
            command
        }
        None => Command::new(program),
    }
}

/// The CPUs of a list such as `0-3,8,10-11`, in order; nothing when the
/// list does not parse.
pub fn cpu_list(list: &str) -> Vec<usize> {
    let mut cpus = Vec::new();
    for part in list.trim().split(',') {
        let range = match part.split_once('-') {
            Some((first, last)) => first.trim().parse().ok().zip(last.trim().parse().ok()),
            None => part.trim().parse::<usize>().ok().map(|cpu| (cpu, cpu)),
        };
        let Some((first, last)) = range else {
            return Vec::new();
        };
        cpus.extend(first..=last);
    }
    cpus
}

/// One way of sending requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    /// One request in flight per client.
    Single,
    /// [`PIPELINE`] requests in flight per client.
    Pipelined,
}

impl Mode {
    fn depth(self) -> u32 {
        match self {
            Mode::Single => 1,
            Mode::Pipelined => PIPELINE,
        }
    }

    fn label(self) -> String {
        match self {
            Mode::Single => "no pipelining".to_owned(),
            Mode::Pipelined => format!("-P {PIPELINE}"),
        }
    }

    /// Requests of the short first run that sizes the real ones: enough
    /// to warm up, few enough for mini-redis's pipelined collapse.
    fn pilot_requests(self) -> u64 {
        match self {
            Mode::Single => 5_000,
            Mode::Pipelined => 40_000,
        }
    }
}

/// A server under test.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// One of the workspace's servers.
    Workspace(Impl),
    /// redis-server, the yardstick.
    Redis,
}

impl Subject {
    fn name(&self) -> &'static str {
        match self {
            Subject::Workspace(which) => which.name(),
            Subject::Redis => "redis-server",
        }
    }
}

/// One redis-benchmark figure.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// Requests per second.
    pub rps: f64,
    /// Median latency, in milliseconds.
    pub p50: f64,
}

/// A running server, killed when dropped.
struct Running {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the whole benchmark and prints the table.
pub fn main(
    root: &Path,
    rounds: u32,
    seconds: f64,
    only: &[Impl],
    setup: Setup,
) -> Result<ExitCode, String> {
    if !(seconds > 0.0 && seconds <= 600.0) {
        return Err("--seconds takes a number of seconds above 0 (and at most 600)".to_owned());
    }
    if !on_path("redis-benchmark") {
        return Err(
            "redis-benchmark is not installed. It comes with Redis's command-line tools: \
             `sudo apt-get install redis-tools` on Debian and Ubuntu, `brew install redis` \
             on macOS. Install redis-server too (`sudo apt-get install redis-server`) for \
             the ratio to real Redis."
                .to_owned(),
        );
    }
    let wanted: Vec<Impl> = if only.is_empty() {
        Impl::ALL.to_vec()
    } else {
        Impl::ALL.into_iter().filter(|i| only.contains(i)).collect()
    };
    let mut servers: Vec<(Subject, Running)> = Vec::new();
    let mut absent: Vec<(String, String)> = Vec::new();
    for which in wanted {
        eprintln!(
            "bench: building {} (cargo build --release -p {} --example {})…",
            which.name(),
            which.package(),
            which.example()
        );
        match start_workspace(root, which, &setup) {
            Ok(running) => servers.push((Subject::Workspace(which), running)),
            Err(why) => absent.push((which.name().to_owned(), why)),
        }
    }
    if on_path("redis-server") {
        match start_redis(&setup) {
            Ok(running) => servers.push((Subject::Redis, running)),
            Err(why) => absent.push(("redis-server".to_owned(), why)),
        }
    } else {
        absent.push((
            "redis-server".to_owned(),
            "not installed (`sudo apt-get install redis-server`): no ratios".to_owned(),
        ));
    }
    for (name, why) in &absent {
        eprintln!("bench: {name}: {why}");
    }
    // A server that does not answer SET and GET is not measured: a
    // chapter-6 stub still has `todo!()`s, and a broken one may hang up.
    servers.retain(|(subject, running)| match probe(running.addr) {
        Ok(()) => true,
        Err(why) => {
            eprintln!("bench: {}: {why}", subject.name());
            absent.push((subject.name().to_owned(), why));
            false
        }
    });
    if servers.is_empty() {
        return Err("no server answered, so nothing was measured".to_owned());
    }

    let modes = [Mode::Single, Mode::Pipelined];
    // A server that fails under load (a learner's may panic at the first
    // pipeline) leaves the run, with its reason; the others go on.
    let mut failed: BTreeMap<Subject, String> = BTreeMap::new();
    let mut fail = |subject: &Subject, why: String| {
        eprintln!("bench: {}: {why}", subject.name());
        failed.entry(subject.clone()).or_insert(why);
    };
    // Request counts, from a short first run of each server in each mode.
    let mut counts = BTreeMap::new();
    for mode in modes {
        for (subject, running) in &servers {
            match benchmark(&setup, running.addr, mode, mode.pilot_requests(), 60.0) {
                Ok(pilot) => {
                    let rps = pilot.values().map(|s| s.rps).fold(f64::INFINITY, f64::min);
                    let n = (rps * seconds).clamp(1_000.0, 100_000_000.0) as u64;
                    counts.insert((subject.clone(), mode), n);
                }
                Err(why) => fail(subject, why),
            }
        }
    }
    let mut samples: BTreeMap<(Subject, Mode, String), Vec<Sample>> = BTreeMap::new();
    for round in 1..=rounds {
        eprintln!("bench: round {round} of {rounds}");
        for mode in modes {
            // Each round starts with another server, so that none is
            // always the one measured first (or right after mini-redis).
            let first = (round as usize - 1) % servers.len();
            let order = servers[first..].iter().chain(&servers[..first]);
            for (subject, running) in order {
                let Some(&n) = counts.get(&(subject.clone(), mode)) else {
                    continue;
                };
                // Ten times the planned time, and half a minute to spare.
                let deadline = 30.0 + 10.0 * seconds;
                match benchmark(&setup, running.addr, mode, n, deadline) {
                    Ok(tests) => {
                        for (test, sample) in tests {
                            samples
                                .entry((subject.clone(), mode, test))
                                .or_default()
                                .push(sample);
                        }
                    }
                    Err(why) => {
                        fail(subject, format!("failed in round {round}: {why}"));
                        counts.retain(|(s, _), _| s != subject);
                    }
                }
            }
        }
    }
    // Only complete series: the ratios pair rounds one to one.
    samples.retain(|(subject, _, _), _| !failed.contains_key(subject));
    for (subject, why) in failed {
        absent.push((subject.name().to_owned(), why));
    }
    drop(servers);

    println!(
        "{}",
        table(&samples, &counts, rounds, seconds, &setup, &absent).trim_end()
    );
    Ok(ExitCode::SUCCESS)
}

/// The Markdown table of a run: medians, spreads, ratios.
pub fn table(
    samples: &BTreeMap<(Subject, Mode, String), Vec<Sample>>,
    counts: &BTreeMap<(Subject, Mode), u64>,
    rounds: u32,
    seconds: f64,
    setup: &Setup,
    absent: &[(String, String)],
) -> String {
    let setup = setup.describe();
    let mut out = format!(
        "redis-benchmark -c {CLIENTS} -t set,get, {rounds} interleaved round(s) of about {seconds} s \
         per test; medians, spread = (max - min) / median.\n\
         {setup}\
         Ratio: the server's requests/s over redis-server's in the same round (median, min-max).\n\n\
         | server | mode | test | requests | req/s | spread | p50 ms | x redis-server |\n\
         |---|---|---|---:|---:|---:|---:|---|\n"
    );
    // By mode, then SET before GET (the order redis-benchmark runs them),
    // then server.
    let mut rows: Vec<_> = samples.iter().collect();
    rows.sort_by_key(|((subject, mode, test), _)| (*mode, test != "SET", subject.clone()));
    for ((subject, mode, test), runs) in rows {
        let rps: Vec<f64> = runs.iter().map(|s| s.rps).collect();
        let p50: Vec<f64> = runs.iter().map(|s| s.p50).collect();
        let mid = median(&rps);
        let (lo, hi) = range(&rps);
        let ratio = match samples.get(&(Subject::Redis, *mode, test.clone())) {
            Some(redis) if *subject != Subject::Redis => {
                let ratios: Vec<f64> = runs
                    .iter()
                    .zip(redis)
                    .map(|(ours, theirs)| ours.rps / theirs.rps)
                    .collect();
                let (lo, hi) = range(&ratios);
                format!("{:.2} ({lo:.2}-{hi:.2})", median(&ratios))
            }
            Some(_) => "1".to_owned(),
            None => "-".to_owned(),
        };
        out.push_str(&format!(
            "| {} | {} | {test} | {} | {:.0} | {:.0}% | {:.3} | {ratio} |\n",
            subject.name(),
            mode.label(),
            counts.get(&(subject.clone(), *mode)).copied().unwrap_or(0),
            mid,
            100.0 * (hi - lo) / mid,
            median(&p50),
        ));
    }
    for (name, why) in absent {
        // The first line: the details were printed as they happened.
        let why = why.lines().next().unwrap_or_default();
        out.push_str(&format!("\n{name}: not measured: {why}"));
    }
    out.push('\n');
    out
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn range(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

/// Whether `program` is on the PATH.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Runs redis-benchmark against `addr`: SET then GET, `n` requests each.
/// Returns each test's figures, by name. Gives up after `deadline` seconds.
fn benchmark(
    setup: &Setup,
    addr: SocketAddr,
    mode: Mode,
    n: u64,
    deadline: f64,
) -> Result<BTreeMap<String, Sample>, String> {
    let mut command = setup.client("redis-benchmark");
    command
        .args(["-h", &addr.ip().to_string(), "-p", &addr.port().to_string()])
        .args(["-c", &CLIENTS.to_string(), "-n", &n.to_string()])
        .args(["-P", &mode.depth().to_string()])
        .args(["-t", "set,get", "--csv"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run redis-benchmark: {e}"))?;
    // A server that stops answering would leave redis-benchmark waiting
    // for ever: a generous deadline, then it is stopped.
    let deadline = Duration::from_secs_f64(deadline);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "redis-benchmark against {addr} ({}) did not finish within {} s",
                mode.label(),
                deadline.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    let samples = parse_csv(&stdout);
    if !status.success() || samples.len() != 2 {
        let mut stderr = String::new();
        if let Some(mut err) = child.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        return Err(format!(
            "redis-benchmark against {addr} ({}) failed ({status}):\n{stdout}{stderr}",
            mode.label()
        ));
    }
    Ok(samples)
}

/// The figures in redis-benchmark's `--csv` output: a header line naming
/// the columns, then one line per test. Progress lines (`\r`-separated)
/// are skipped.
pub fn parse_csv(output: &str) -> BTreeMap<String, Sample> {
    let rows: Vec<Vec<String>> = output
        .split(['\n', '\r'])
        .filter(|line| line.starts_with('"'))
        .map(|line| {
            line.split(',')
                .map(|cell| cell.trim().trim_matches('"').to_owned())
                .collect()
        })
        .collect();
    let Some(header) = rows
        .iter()
        .find(|row| row.first().is_some_and(|c| c == "test"))
    else {
        return BTreeMap::new();
    };
    let column = |name: &str| header.iter().position(|c| c == name);
    let (Some(rps), Some(p50)) = (column("rps"), column("p50_latency_ms")) else {
        return BTreeMap::new();
    };
    rows.iter()
        .filter(|row| row.first().is_some_and(|c| c != "test"))
        .filter_map(|row| {
            let sample = Sample {
                rps: row.get(rps)?.parse().ok()?,
                p50: row.get(p50)?.parse().ok()?,
            };
            Some((row[0].clone(), sample))
        })
        .collect()
}

/// Builds `which` in release mode and starts it on a free port.
/// Worker threads are set through `TOKIO_WORKER_THREADS`, which
/// `#[tokio::main]` reads, so every server gets the same without a flag of
/// its own.
fn start_workspace(root: &Path, which: Impl, setup: &Setup) -> Result<Running, String> {
    let binary = build(root, which)?;
    let mut command = setup.server(&binary);
    command.env_remove("TOKIO_WORKER_THREADS");
    if setup.threads > 0 {
        command.env("TOKIO_WORKER_THREADS", setup.threads.to_string());
    }
    let mut child = command
        .args(["--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    // Lines from both streams, read by threads that keep draining them
    // (a full pipe would stall the server).
    let (tx, rx) = mpsc::channel();
    for stream in [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    drop(tx);
    let started = Instant::now();
    let mut said = Vec::new();
    while let Some(left) = STARTUP.checked_sub(started.elapsed()) {
        let Ok(line) = rx.recv_timeout(left) else {
            break;
        };
        if let Some(addr) = listening_address(&line) {
            return Ok(Running { child, addr });
        }
        said.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    let said = said.join("\n");
    if which == Impl::Chapter6 && said.contains("not written yet") {
        return Err(format!(
            "not done yet: exercise 6.5 is still a todo!() (`cargo test -p chapter-6` \
             shows what is left)\n{said}"
        ));
    }
    Err(format!(
        "it did not say where it listens within {} s; it said:\n{said}",
        STARTUP.as_secs()
    ))
}

/// The address in a server's "… listening on 127.0.0.1:PORT; …" line.
pub fn listening_address(line: &str) -> Option<SocketAddr> {
    let (_, rest) = line.split_once("listening on ")?;
    let addr = rest.split([';', ' ', ',']).next()?;
    addr.parse().ok()
}

/// `cargo build --release` of `which`'s example; the path of its binary.
fn build(root: &Path, which: Impl) -> Result<PathBuf, String> {
    let output = Command::new(crate::grade::cargo())
        .current_dir(root)
        .args(["build", "--release", "-q", "-p", which.package()])
        .args(["--example", which.example()])
        .args(["--message-format", "json-render-diagnostics"])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "does not compile (`cargo build --release -p {}` shows why; the errors are above)",
            which.package()
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter(|message| message["target"]["name"] == which.example())
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| format!("cargo built no {} example", which.example()))
}

/// Starts redis-server on a free port, saving nothing to disk.
fn start_redis(setup: &Setup) -> Result<Running, String> {
    // redis-server cannot be told to pick a port itself: take a free one
    // from the system, and hand it over.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let child = setup
        .server("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start redis-server: {e}"))?;
    let running = Running {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    };
    let started = Instant::now();
    while started.elapsed() < STARTUP {
        if TcpStream::connect(running.addr).is_ok() {
            return Ok(running);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!(
        "it did not listen on {} within {} s",
        running.addr,
        STARTUP.as_secs()
    ))
}

/// Checks the server at `addr` answers SET and GET as Redis does.
pub fn probe(addr: SocketAddr) -> Result<(), String> {
    const REQUEST: &[u8] = b"*3\r\n$3\r\nSET\r\n$11\r\nbench:probe\r\n$2\r\nok\r\n\
                             *2\r\n$3\r\nGET\r\n$11\r\nbench:probe\r\n";
    const REPLY: &[u8] = b"+OK\r\n$2\r\nok\r\n";
    let broken = |what: String| format!("does not answer SET and GET yet, so not measured: {what}");
    let mut socket = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
        .map_err(|e| broken(format!("cannot connect to {addr}: {e}")))?;
    socket
        .set_read_timeout(Some(Duration::from_secs(2)))
        .map_err(|e| broken(e.to_string()))?;
    socket
        .write_all(REQUEST)
        .map_err(|e| broken(format!("sending SET and GET: {e}")))?;
    let mut got = Vec::new();
    let mut chunk = [0; 256];
    while got.len() < REPLY.len() {
        match socket.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&chunk[..n]),
            Err(_) => break,
        }
    }
    if got == REPLY {
        Ok(())
    } else if got.is_empty() {
        Err(broken(
            "no reply within 2 s (or the connection closed)".to_owned(),
        ))
    } else {
        Err(broken(format!(
            "replied {:?}, expected {:?}",
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(REPLY)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_redis_benchmark_csv_between_progress_lines() {
        let output = "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\"\n\
                      SET: rps=1.0\r\"SET\",\"60132.29\",\"0.476\",\"0.080\",\"0.279\"\n\
                      \"GET\",\"53734.55\",\"0.547\",\"0.056\",\"0.287\"\n";
        let samples = parse_csv(output);
        assert_eq!(samples.len(), 2);
        assert_eq!(samples["SET"].rps, 60132.29);
        assert_eq!(samples["GET"].p50, 0.287);
    }

    #[test]
    fn finds_the_address_in_every_servers_listening_line() {
        for line in [
            "reference server (solution-6) listening on 127.0.0.1:7001; Ctrl-C stops it.",
            "exercise 6.5 (PING, GET and SET) is listening on 127.0.0.1:7001; Ctrl-C stops it.",
            "mini-redis 0.4 listening on 127.0.0.1:7001; Ctrl-C stops it.",
        ] {
            assert_eq!(
                listening_address(line),
                Some(SocketAddr::from(([127, 0, 0, 1], 7001)))
            );
        }
    }

    #[test]
    fn reads_the_cpu_lists_linux_writes() {
        assert_eq!(cpu_list("0-1\n"), [0, 1]);
        assert_eq!(cpu_list("3"), [3]);
        assert_eq!(cpu_list("0-2,8,10-11"), [0, 1, 2, 8, 10, 11]);
        assert_eq!(cpu_list("0-1,x"), Vec::<usize>::new());
        assert_eq!(cpu_list(""), Vec::<usize>::new());
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
