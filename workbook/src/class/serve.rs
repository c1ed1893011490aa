//! `workbook class DIR --serve`: the live classroom.
//!
//! An HTTP server on 127.0.0.1 (or the address `--listen` names) that
//! serves the class page and takes learners' reports as they grade:
//!
//! - `GET /` is the page, `GET /version` its version (the page polls it
//!   every second and fetches `/` when it changed);
//! - `POST /submit` takes one report (`report --json`'s format), with the
//!   class token as `Authorization: Bearer TOKEN`.
//!
//! Every accepted report is written at once into the folder's history
//! (`DIR/.class-history/<learner>/<time>-<digest>.json`, the files `class`
//! reads anyway), so a restarted server, or `class DIR` without a server,
//! shows the same room. A report is refused, with a 4xx saying why and
//! nothing written, when the token is missing or wrong (401), the body is
//! too large (413), not JSON (400), has a field the format does not know,
//! an exercise the course does not know, or a learner name with a path
//! separator or a control character (422), or when its learner sends
//! faster than the rate limit (429).
//!
//! Built on hyper (HTTP/1.1, with a deadline for a request's head) under
//! axum, with tower middleware for the body limit, the time a request may
//! take and the number of requests in flight; each connection also has a
//! lifetime cap, so slow or idle clients cannot hold the server.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};

use crate::classroom::{ClassroomReport, Expected};

use super::{Rules, load, page, time};

/// What `--serve` needs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder of reports.
    pub dir: PathBuf,
    /// Where the static page goes.
    pub html: PathBuf,
    /// The grader hash reports should have, if known.
    pub expected: Option<Expected>,
    /// When a learner counts as stuck.
    pub rules: Rules,
    /// Where to listen: 127.0.0.1 unless the instructor asked otherwise.
    pub listen: SocketAddr,
    /// The class token learners must send.
    pub token: String,
    /// The exercise ids the course knows; `None` outside a workbook
    /// checkout (then any id is taken).
    pub exercises: Option<HashSet<String>>,
}

/// The largest report taken. A real one is a few kilobytes.
pub const MAX_BODY: usize = 256 * 1024;
/// How often the folder is looked at for reports dropped in by hand.
const SCAN: Duration = Duration::from_secs(1);
/// After a report lands, how long to wait for others before rebuilding
/// the page (a room grading at once gives one rebuild, not thirty).
const SETTLE: Duration = Duration::from_millis(150);
/// How long a client has to send a request's head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole request may take, body included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may stay open, busy or idle.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(30);
/// Connections open at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 512;
/// Requests handled at once.
const MAX_IN_FLIGHT: usize = 128;
/// Per learner: this many reports at once…
const BURST: f64 = 10.0;
/// …then this many a second.
const PER_SECOND: f64 = 4.0;
/// The longest learner name taken.
const MAX_NAME: usize = 64;

/// The top-level fields of a report (see [`ClassroomReport`]).
const REPORT_FIELDS: &[&str] = &[
    "version",
    "status",
    "max_score",
    "score",
    "learner",
    "grader_hash",
    "graded_at",
    "tests",
];
/// The fields of one of its tests (see [`crate::classroom::ClassroomTest`]).
const TEST_FIELDS: &[&str] = &[
    "name",
    "status",
    "score",
    "max_score",
    "message",
    "exercise",
    "check",
    "mistake",
    "passed",
    "ran",
    "duration_ms",
    "state",
    "mistakes",
];

/// The page being served, and its version.
#[derive(Debug, Default)]
struct Current {
    html: String,
    version: String,
}

/// A learner's rate: tokens left, and when they were counted.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

struct Shared {
    options: Options,
    token: [u8; 32],
    current: Mutex<Current>,
    /// Every report read or taken so far: a report taken is added here,
    /// so the page is rebuilt without reading the folder again.
    loaded: Mutex<load::Loaded>,
    changed: Notify,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// Serves until Ctrl-C.
pub fn serve(options: Options) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
    runtime.block_on(run(options))
}

async fn run(options: Options) -> Result<(), String> {
    let listener = TcpListener::bind(options.listen).await.map_err(|e| {
        format!(
            "cannot listen on {}: {e} (choose another with --listen ADDR:PORT, \
             or port 0 for any free one)",
            options.listen
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the server's address: {e}"))?;
    let shared = Arc::new(Shared {
        token: Sha256::digest(options.token.as_bytes()).into(),
        options,
        current: Mutex::new(Current::default()),
        loaded: Mutex::new(load::Loaded::default()),
        changed: Notify::new(),
        buckets: Mutex::new(HashMap::new()),
    });
    let started = time::unix(SystemTime::now());
    refresh(&shared, &format!("{started}-1"), true)?;
    let o = &shared.options;
    if o.exercises.is_none() {
        println!(
            "Not in a workbook checkout: reports are taken for any exercise id \
             (run this inside the course's checkout to check them)."
        );
    }
    let lan = if addr.ip().is_unspecified() {
        lan_addresses(addr.is_ipv6())
    } else {
        Vec::new()
    };
    print!("{}", join_lines(addr, &o.token, &lan));
    let url = format!("http://{}/", own_view(addr));
    println!(
        "Serving the class view on {url} — it follows new reports in {}. Ctrl-C stops.",
        o.dir.display()
    );

    let refresher = tokio::spawn(follow(Arc::clone(&shared), started));
    let app = router(Arc::clone(&shared));
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = Arc::clone(&slots).acquire_owned().await else {
            break;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let app = app.clone();
                tokio::spawn(async move {
                    connection(stream, app).await;
                    drop(permit);
                });
            }
        }
    }
    refresher.abort();
    println!(
        "\nStopped. The last view stays in {}; the reports stay in {}.",
        shared.options.html.display(),
        shared.options.dir.display()
    );
    Ok(())
}

/// A placeholder for the address learners reach this machine on, when
/// none was found.
const ADDRESS_PLACEHOLDER: &str = "THIS-MACHINE";

/// The lines the server starts with: the class token, and the command
/// learners type to join, naming an address they can reach. Listening on
/// every interface (`0.0.0.0`, `::`), that is this machine's address on a
/// network (`lan`, best first), never the unspecified address, which no
/// other machine can connect to; when none was found, the lines say so
/// and how to find it.
pub fn join_lines(addr: SocketAddr, token: &str, lan: &[std::net::IpAddr]) -> String {
    let join = |host: &str| {
        format!(
            "Learners join with:  cargo workbook join http://{host}/ {token} --name THEIR-NAME\n"
        )
    };
    let mut out = format!("Class token: {token}\n");
    let ip = addr.ip();
    let port = addr.port();
    if !ip.is_unspecified() {
        out.push_str(&join(&addr.to_string()));
        if ip.is_loopback() {
            out.push_str(&format!(
                "(127.0.0.1: only this machine can reach it; for a room, add \
                 --listen 0.0.0.0:{port} or this machine's LAN address)\n"
            ));
        }
        return out;
    }
    match lan {
        [] => {
            out.push_str(&join(&format!("{ADDRESS_PLACEHOLDER}:{port}")));
            out.push_str(&format!(
                "(listening on every interface, but no address of this machine on a network \
                 was found: put its address on the room's network in place of \
                 {ADDRESS_PLACEHOLDER} — `hostname -I` on Linux, `ipconfig getifaddr en0` on \
                 macOS — or connect to the room's network and start again)\n"
            ));
        }
        [best, others @ ..] => {
            out.push_str(&join(&SocketAddr::new(*best, port).to_string()));
            if !others.is_empty() {
                let urls: Vec<String> = others
                    .iter()
                    .map(|ip| format!("http://{}/", SocketAddr::new(*ip, port)))
                    .collect();
                out.push_str(&format!(
                    "(this machine is on other networks too: {}; give learners the address \
                     on the room's network)\n",
                    urls.join(", ")
                ));
            }
        }
    }
    out
}

/// Where the instructor's own browser finds the page: the address listened
/// on, or this machine itself when listening on every interface.
fn own_view(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        }
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}

/// This machine's addresses on its networks, the one its default route
/// leaves from first: for each of a few addresses on other networks (the
/// documentation range, which routes by the default route, and the
/// private ranges), the address the system would send from. Connecting a
/// UDP socket sends nothing; it only asks the routing table. Loopback,
/// link-local and unspecified addresses are left out: no learner reaches
/// those. IPv6 addresses only when `v6`.
pub fn lan_addresses(v6: bool) -> Vec<std::net::IpAddr> {
    use std::net::{IpAddr, UdpSocket};
    const V4: [&str; 4] = [
        "192.0.2.1:9",
        "10.255.255.254:9",
        "172.31.255.254:9",
        "192.168.255.254:9",
    ];
    const V6: [&str; 2] = ["[2001:db8::1]:9", "[fd00::1]:9"];
    let ask = |bind: &str, to: &str| -> Option<IpAddr> {
        let socket = UdpSocket::bind(bind).ok()?;
        socket.connect(to).ok()?;
        Some(socket.local_addr().ok()?.ip())
    };
    let mut found: Vec<IpAddr> = Vec::new();
    let probes = V4
        .iter()
        .map(|to| ("0.0.0.0:0", *to))
        .chain(V6.iter().filter(|_| v6).map(|to| ("[::]:0", *to)));
    for (bind, to) in probes {
        if let Some(ip) = ask(bind, to).filter(|ip| reachable(*ip)) {
            if !found.contains(&ip) {
                found.push(ip);
            }
        }
    }
    found
}

/// Whether another machine could reach this address: not loopback, not
/// unspecified, not link-local.
fn reachable(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => {
            !(v4.is_loopback() || v4.is_unspecified() || v4.is_link_local())
        }
        std::net::IpAddr::V6(v6) => {
            !(v6.is_loopback() || v6.is_unspecified() || (v6.segments()[0] & 0xffc0) == 0xfe80)
        }
    }
}

/// Serves one connection: HTTP/1.1, keep-alive, with a deadline for each
/// request's head and one for the whole connection.
async fn connection(stream: tokio::net::TcpStream, app: Router) {
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
    let _ = tokio::time::timeout(CONNECTION_LIFETIME, connection).await;
}

/// The routes, with their middleware.
fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(page_html))
        .route("/class.html", get(page_html))
        .route("/index.html", get(page_html))
        .route("/version", get(version))
        .route("/submit", post(submit))
        .with_state(shared)
        .layer(
            tower::ServiceBuilder::new()
                .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    REQUEST_TIMEOUT,
                ))
                .layer(tower::limit::ConcurrencyLimitLayer::new(MAX_IN_FLIGHT))
                .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY)),
        )
}

/// Rebuilds the page when a report is accepted, or when the folder changes
/// by other means (reports copied in by hand), looked at every second.
async fn follow(shared: Arc<Shared>, started: u64) {
    let mut version = 1u64;
    let dir = shared.options.dir.clone();
    let mut seen = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || load::signature(&dir))
            .await
            .unwrap_or_default()
    };
    loop {
        let reread = tokio::select! {
            () = shared.changed.notified() => {
                tokio::time::sleep(SETTLE).await;
                false
            }
            () = tokio::time::sleep(SCAN) => {
                let dir = dir.clone();
                let Ok(now) = tokio::task::spawn_blocking(move || load::signature(&dir)).await
                else {
                    continue;
                };
                if now == seen {
                    continue;
                }
                seen = now;
                true
            }
        };
        version += 1;
        let label = format!("{started}-{version}");
        let shared = Arc::clone(&shared);
        let done = tokio::task::spawn_blocking(move || refresh(&shared, &label, reread)).await;
        if let Ok(Err(e)) = done {
            eprintln!("workbook: {e}");
        }
    }
}

/// Builds the view again (from the folder when `reread`, else from the
/// reports read and taken so far), writes the static page, and swaps in
/// the new view with `version`; prints one line saying what changed.
fn refresh(shared: &Shared, version: &str, reread: bool) -> Result<(), String> {
    let options = &shared.options;
    let poisoned = || "the class view's state was poisoned".to_owned();
    let view = {
        let mut loaded = shared.loaded.lock().map_err(|_| poisoned())?;
        if reread {
            *loaded = load::load(&options.dir)?;
            if let Err(e) = load::remember(&options.dir, &loaded) {
                eprintln!("workbook: cannot keep the reports' history: {e}");
            }
            // The bytes were for the history's copies, made now: a long
            // workshop's reports are kept parsed, not twice.
            for r in &mut loaded.reports {
                r.bytes = Vec::new();
            }
        }
        super::View::build(&loaded, options.expected.clone(), options.rules)
    };
    let now = time::unix(SystemTime::now());
    let html = page::html(&view, version, now);
    super::write_page(&options.html, &html)?;
    println!(
        "{} UTC  {} learners, {} reports, {} stuck{}",
        time::clock(now),
        view.rows.len(),
        view.reports,
        view.stuck().len(),
        match view.skipped.len() {
            0 => String::new(),
            n => format!(", {n} file(s) not read"),
        }
    );
    let mut guard = shared.current.lock().map_err(|_| poisoned())?;
    guard.html = html;
    guard.version = version.to_owned();
    Ok(())
}

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    let mut body = body.into();
    body.push('\n');
    let mut response = (status, body).into_response();
    no_store(response.headers_mut());
    response
}

fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

async fn page_html(State(shared): State<Arc<Shared>>) -> Response {
    let Ok(current) = shared.current.lock() else {
        return text(StatusCode::INTERNAL_SERVER_ERROR, "poisoned");
    };
    let mut response = (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        current.html.clone(),
    )
        .into_response();
    no_store(response.headers_mut());
    response
}

async fn version(State(shared): State<Arc<Shared>>) -> Response {
    match shared.current.lock() {
        Ok(current) => text(StatusCode::OK, current.version.clone()),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "poisoned"),
    }
}

/// `POST /submit`: one learner's report.
async fn submit(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_token(&shared.token, given) {
        return text(
            StatusCode::UNAUTHORIZED,
            "the class token is missing or wrong; join with the one your instructor \
             gave: cargo workbook join URL TOKEN --name NAME",
        );
    }
    let report = match check(&body, shared.options.exercises.as_ref()) {
        Ok(r) => r,
        Err((status, why)) => return text(status, why),
    };
    let learner = report.learner.clone().unwrap_or_default();
    if let Err(wait) = take(&shared.buckets, &safe_name(&learner), Instant::now()) {
        let mut response = text(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many reports from {learner}; try again in {wait} s"),
        );
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return response;
    }
    let dir = shared.options.dir.clone();
    let written = tokio::task::spawn_blocking(move || keep(&dir, learner, body, report)).await;
    match written {
        Ok(Ok(Some(dated))) => {
            if let Ok(mut loaded) = shared.loaded.lock() {
                loaded.reports.push(dated);
            }
            shared.changed.notify_one();
            text(StatusCode::CREATED, "report kept")
        }
        Ok(Ok(None)) => text(StatusCode::OK, "report already kept"),
        Ok(Err(e)) => {
            eprintln!("workbook: {e}");
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the instructor's machine could not keep the report",
            )
        }
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "the report was lost"),
    }
}

/// Compares a token with the class token's SHA-256 in constant time: the
/// time taken does not depend on where they differ, nor on the length of
/// either.
fn same_token(expected: &[u8; 32], given: &str) -> bool {
    let given: [u8; 32] = Sha256::digest(given.as_bytes()).into();
    expected
        .iter()
        .zip(given.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// A body as a report, or the status and the words refusing it.
pub fn check(
    body: &[u8],
    exercises: Option<&HashSet<String>>,
) -> Result<ClassroomReport, (StatusCode, String)> {
    let unprocessable = |why: String| (StatusCode::UNPROCESSABLE_ENTITY, why);
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        (
            StatusCode::BAD_REQUEST,
            format!("not JSON ({e}); send what `cargo workbook report --json` prints"),
        )
    })?;
    let Some(fields) = value.as_object() else {
        return Err(unprocessable("a report is a JSON object".to_owned()));
    };
    if let Some(unknown) = fields.keys().find(|k| !REPORT_FIELDS.contains(&k.as_str())) {
        return Err(unprocessable(format!(
            "unknown field `{}` in the report",
            printable(unknown)
        )));
    }
    for test in fields
        .get("tests")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(test) = test.as_object() else {
            return Err(unprocessable("each of `tests` is an object".to_owned()));
        };
        if let Some(unknown) = test.keys().find(|k| !TEST_FIELDS.contains(&k.as_str())) {
            return Err(unprocessable(format!(
                "unknown field `{}` in a test",
                printable(unknown)
            )));
        }
    }
    let report: ClassroomReport = serde_json::from_value(value)
        .map_err(|e| unprocessable(format!("not a workbook report: {e}")))?;
    let name = report.learner.as_deref().unwrap_or("");
    check_name(name).map_err(unprocessable)?;
    if let Some(known) = exercises {
        if let Some(t) = report.tests.iter().find(|t| !known.contains(&t.exercise)) {
            return Err(unprocessable(format!(
                "exercise `{}` is not one of this course's",
                printable(&t.exercise)
            )));
        }
    }
    Ok(report)
}

/// Whether a learner's name can be taken: 1 to 64 characters, no path
/// separator, no control character, not only dots.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the report has no learner name; join with --name NAME".to_owned());
    }
    if name.chars().count() > MAX_NAME {
        return Err(format!("a learner name is at most {MAX_NAME} characters"));
    }
    if name.contains(['/', '\\']) {
        return Err(format!(
            "learner name `{}` has a path separator (/ or \\)",
            printable(name)
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(format!(
            "learner name `{}` has a control character",
            printable(name)
        ));
    }
    if name.chars().all(|c| c == '.') {
        return Err("a learner name is more than dots".to_owned());
    }
    Ok(())
}

/// Text from a peer, safe to print in one line: control characters
/// escaped, at most 64 characters.
fn printable(text: &str) -> String {
    text.chars()
        .take(MAX_NAME)
        .flat_map(char::escape_debug)
        .collect()
}

/// A learner's name as a folder name: letters, digits, `-`, `_` and `.`
/// kept, anything else `_`.
pub fn safe_name(learner: &str) -> String {
    load::safe_name(learner)
}

/// Takes one report from the learner's bucket, or says in how many seconds
/// the next is welcome.
fn take(buckets: &Mutex<HashMap<String, Bucket>>, who: &str, now: Instant) -> Result<(), u64> {
    let Ok(mut buckets) = buckets.lock() else {
        return Ok(());
    };
    if buckets.len() > 10_000 {
        // Names nobody uses any more; the full ones refill within seconds.
        buckets.retain(|_, b| now.duration_since(b.at) < Duration::from_secs(60));
    }
    let bucket = buckets.entry(who.to_owned()).or_insert(Bucket {
        tokens: BURST,
        at: now,
    });
    let elapsed = now.duration_since(bucket.at).as_secs_f64();
    bucket.tokens = (bucket.tokens + elapsed * PER_SECOND).min(BURST);
    bucket.at = now;
    if bucket.tokens >= 1.0 {
        bucket.tokens -= 1.0;
        Ok(())
    } else {
        // At least a second, as Retry-After counts in whole seconds.
        Err(((1.0 - bucket.tokens) / PER_SECOND).ceil().max(1.0) as u64)
    }
}

/// Writes an accepted report into the folder's history, as a new file,
/// and returns it as read from there; `None` when the same report is kept
/// already.
fn keep(
    dir: &Path,
    learner: String,
    bytes: Bytes,
    report: ClassroomReport,
) -> Result<Option<load::Dated>, String> {
    let relative = Path::new(load::HISTORY).join(safe_name(&learner));
    let folder = dir.join(&relative);
    std::fs::create_dir_all(&folder)
        .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let now = time::unix(SystemTime::now());
    let name = format!("{}-{}.json", load::stamp(now), &digest[..12]);
    // Written whole under a temporary name, then linked into place: a
    // reader never sees half a report, and nothing is overwritten.
    let tmp = folder.join(format!(".{name}.part"));
    std::fs::write(&tmp, &bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    let target = folder.join(&name);
    let linked = std::fs::hard_link(&tmp, &target);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(None),
        Err(e) => return Err(format!("cannot write {}: {e}", target.display())),
    }
    // As `load` would read it back: timed by its own `graded_at`, else by
    // the time in its file name.
    let graded_at = report.graded_at.as_deref().and_then(time::parse);
    Ok(Some(load::Dated {
        learner,
        at: graded_at.unwrap_or(now),
        timed: graded_at.is_some(),
        path: relative.join(name),
        digest,
        // In the history already: `remember` has nothing to copy.
        bytes: Vec::new(),
        report,
    }))
}

/// A class token: 128 random bits from the system, as hex.
pub fn new_token() -> Result<String, String> {
    use std::io::Read as _;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("cannot make a class token ({e}); give one with --token"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The class token for a folder: the one given, else the one kept in
/// `DIR/.class-token` from an earlier run (learners who joined keep
/// working after a restart), else a new one, kept there.
pub fn token_for(dir: &Path, given: Option<&str>) -> Result<String, String> {
    let path = dir.join(".class-token");
    if let Some(t) = given {
        if t.len() < 8 || !t.chars().all(|c| c.is_ascii_graphic()) {
            return Err(
                "--token: at least 8 printable ASCII characters, no spaces (or leave it out \
                 and one is made for you)"
                    .to_owned(),
            );
        }
        return Ok(t.to_owned());
    }
    if let Ok(kept) = std::fs::read_to_string(&path) {
        let kept = kept.trim();
        if kept.len() >= 8 {
            return Ok(kept.to_owned());
        }
    }
    let token = new_token()?;
    std::fs::write(&path, format!("{token}\n"))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(learner: &str, exercise: &str) -> String {
        serde_json::json!({
            "version": 1, "status": "fail", "max_score": 1, "score": 0,
            "learner": learner, "grader_hash": null, "graded_at": "2026-11-29T10:00:00Z",
            "tests": [{"name": "1.1 x", "status": "fail", "score": 0, "max_score": 1,
                       "message": "m", "exercise": exercise}],
        })
        .to_string()
    }

    #[test]
    fn bad_reports_are_refused_with_the_reason() {
        let known: HashSet<String> = ["hello-redis".to_owned()].into();
        let status = |body: &str| check(body.as_bytes(), Some(&known)).err().map(|e| e.0);
        assert!(check(report("ada", "hello-redis").as_bytes(), Some(&known)).is_ok());
        assert_eq!(status("{ not json"), Some(StatusCode::BAD_REQUEST));
        assert_eq!(status("[]"), Some(StatusCode::UNPROCESSABLE_ENTITY));
        let extra = report("ada", "hello-redis").replacen('{', "{\"admin\":true,", 1);
        assert_eq!(status(&extra), Some(StatusCode::UNPROCESSABLE_ENTITY));
        let extra_test = report("ada", "hello-redis").replace("\"m\"", "\"m\",\"x\":1");
        assert_eq!(status(&extra_test), Some(StatusCode::UNPROCESSABLE_ENTITY));
        for name in [
            "",
            "../ada",
            "a\\b",
            "a\nb",
            "a\u{7}",
            "..",
            &"x".repeat(65),
        ] {
            assert_eq!(
                status(&report(name, "hello-redis")),
                Some(StatusCode::UNPROCESSABLE_ENTITY),
                "{name:?}"
            );
        }
        assert_eq!(
            status(&report("ada", "rm-rf")),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
        // A name is sanitised for the file system, shown as it is.
        assert!(check(report("<script>", "hello-redis").as_bytes(), Some(&known)).is_ok());
        assert_eq!(safe_name("<script>"), "_script_");
    }

    /// Proves, over loopback, that a good report becomes a file and the
    /// page shows it, and that bad ones get their 4xx and write nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn over_loopback_only_good_reports_are_kept() {
        let dir = std::env::temp_dir().join(format!("workbook-serve-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        let shared = Arc::new(Shared {
            options: Options {
                dir: dir.clone(),
                html: dir.join("class.html"),
                expected: None,
                rules: Rules::default(),
                listen: SocketAddr::from(([127, 0, 0, 1], 0)),
                token: "s3cret-token".to_owned(),
                exercises: Some(["hello-redis".to_owned()].into()),
            },
            token: Sha256::digest(b"s3cret-token").into(),
            current: Mutex::new(Current::default()),
            loaded: Mutex::new(load::Loaded::default()),
            changed: Notify::new(),
            buckets: Mutex::new(HashMap::new()),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("its address");
        let app = router(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(connection(stream, app.clone()));
            }
        });
        let send = |token: &str, body: String| {
            let joined = crate::live::Joined {
                url: format!("http://{addr}/"),
                token: token.to_owned(),
                name: "ada".to_owned(),
            };
            tokio::task::spawn_blocking(move || crate::live::post(&joined, body.as_bytes()))
        };
        let files = || {
            let mut n = 0;
            for learner in std::fs::read_dir(dir.join(load::HISTORY))
                .into_iter()
                .flatten()
            {
                let path = learner.map(|l| l.path()).unwrap_or_default();
                n += std::fs::read_dir(path).map_or(0, Iterator::count);
            }
            n
        };
        let good = report("<b>ada", "hello-redis");
        assert_eq!(
            send("s3cret-token", good.clone()).await.ok(),
            Some(Ok("report kept".to_owned()))
        );
        assert_eq!(files(), 1);
        let refusals = [
            ("wrong-token", good.clone(), "(401)"),
            ("", good.clone(), "(401)"),
            ("s3cret-token", "x".repeat(MAX_BODY + 1), "(413)"),
            ("s3cret-token", "{ nope".to_owned(), "(400)"),
            ("s3cret-token", report("../ada", "hello-redis"), "(422)"),
            ("s3cret-token", report("ada", "not-an-exercise"), "(422)"),
        ];
        for (token, body, status) in refusals {
            let got = send(token, body).await.expect("the client thread");
            assert!(
                got.as_ref().is_err_and(|e| e.contains(status)),
                "{status}: {got:?}"
            );
        }
        assert_eq!(files(), 1, "a refused report wrote nothing");
        refresh(&shared, "v2", false).expect("the page");
        let html = shared
            .current
            .lock()
            .map(|c| c.html.clone())
            .unwrap_or_default();
        assert!(html.contains("&lt;b&gt;ada") && !html.contains("<b>ada"));
        server.abort();
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Proves the join line names an address learners can reach: listening
    /// on every interface, this machine's first LAN address (the others
    /// listed), never 0.0.0.0; with none found, a placeholder and how to
    /// find it; on 127.0.0.1 or one address, that address.
    #[test]
    fn the_join_line_names_an_address_learners_can_reach() {
        let token = "t0k";
        let every = SocketAddr::from(([0, 0, 0, 0], 7878));
        let lan: Vec<std::net::IpAddr> = vec![
            [192, 168, 1, 20].into(),
            [10, 0, 0, 5].into(),
            "2001:db8::5".parse().expect("an IPv6 address"),
        ];
        assert_eq!(
            join_lines(every, token, &lan),
            "Class token: t0k\n\
             Learners join with:  cargo workbook join http://192.168.1.20:7878/ t0k --name THEIR-NAME\n\
             (this machine is on other networks too: http://10.0.0.5:7878/, \
             http://[2001:db8::5]:7878/; give learners the address on the room's network)\n"
        );
        let one = join_lines(every, token, &lan[..1]);
        assert!(
            !one.contains("0.0.0.0") && !one.contains("other networks"),
            "{one}"
        );

        let none = join_lines(every, token, &[]);
        assert!(
            none.contains("cargo workbook join http://THIS-MACHINE:7878/ t0k --name THEIR-NAME\n"),
            "{none}"
        );
        assert!(
            none.contains("no address of this machine on a network was found"),
            "{none}"
        );
        assert!(!none.contains("0.0.0.0"), "{none}");
        let v6 = join_lines(
            SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, 80)),
            token,
            &[],
        );
        assert!(
            !v6.contains("[::]") && v6.contains("THIS-MACHINE:80/"),
            "{v6}"
        );

        let loopback = join_lines(SocketAddr::from(([127, 0, 0, 1], 4000)), token, &lan);
        assert!(
            loopback.contains("join http://127.0.0.1:4000/ t0k --name")
                && loopback.contains("only this machine can reach it"),
            "{loopback}"
        );
        let chosen = join_lines(SocketAddr::from(([192, 168, 1, 20], 7878)), token, &[]);
        assert_eq!(
            chosen,
            "Class token: t0k\n\
             Learners join with:  cargo workbook join http://192.168.1.20:7878/ t0k --name THEIR-NAME\n"
        );
        assert_eq!(own_view(every), SocketAddr::from(([127, 0, 0, 1], 7878)));
    }

    /// Proves the addresses found (whatever this machine's networks are)
    /// are ones another machine could connect to.
    #[test]
    fn lan_addresses_leave_out_what_no_learner_reaches() {
        for ip in lan_addresses(true) {
            assert!(reachable(ip), "{ip}");
        }
        assert!(!reachable([127, 0, 0, 1].into()));
        assert!(!reachable([0, 0, 0, 0].into()));
        assert!(!reachable([169, 254, 3, 4].into()));
        assert!(!reachable("fe80::1".parse().expect("an address")));
        assert!(!reachable(std::net::Ipv6Addr::LOCALHOST.into()));
        assert!(reachable([192, 168, 1, 20].into()));
    }

    #[test]
    fn tokens_compare_whole() {
        let t: [u8; 32] = Sha256::digest(b"s3cret-token").into();
        assert!(same_token(&t, "s3cret-token"));
        assert!(!same_token(&t, "s3cret-toke"));
        assert!(!same_token(&t, "s3cret-token2"));
        assert!(!same_token(&t, ""));
    }

    #[test]
    fn the_rate_limit_allows_a_burst_then_a_steady_rate() {
        let buckets = Mutex::new(HashMap::new());
        let start = Instant::now();
        for _ in 0..10 {
            assert!(take(&buckets, "ada", start).is_ok());
        }
        assert!(take(&buckets, "ada", start).is_err());
        assert!(
            take(&buckets, "bob", start).is_ok(),
            "one learner's limit only"
        );
        assert!(take(&buckets, "ada", start + Duration::from_millis(300)).is_ok());
    }
}
