//! `workbook class DIR --serve`: the class page on 127.0.0.1, following the
//! folder as reports land.
//!
//! One task looks at the folder every second (each report file's name,
//! size and modification time); when that changes it reads the reports
//! again, rewrites `DIR/class.html` and gives the page a new version. The
//! page asks for `/version` every two seconds and fetches `/` when it
//! changed. Plain HTTP/1.1, one request per connection: the page is the
//! only client, so no web framework is needed. Ctrl-C stops it.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::classroom::Expected;

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
    /// The port on 127.0.0.1; 0 lets the system choose one.
    pub port: u16,
}

/// How often the folder is looked at.
const SCAN: Duration = Duration::from_secs(1);
/// How long a client has to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// A request's head larger than this is refused.
const MAX_HEAD: usize = 8 * 1024;

/// The page being served, and its version.
#[derive(Debug, Default)]
struct Current {
    html: String,
    version: String,
}

/// Serves until Ctrl-C.
pub fn serve(options: Options) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
    runtime.block_on(run(options))
}

async fn run(options: Options) -> Result<(), String> {
    let listener = TcpListener::bind(("127.0.0.1", options.port))
        .await
        .map_err(|e| {
            format!(
                "cannot listen on 127.0.0.1:{}: {e}{}",
                options.port,
                if options.port == 0 {
                    ""
                } else {
                    " (choose another with --port, or --port 0 for any free one)"
                }
            )
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the server's address: {e}"))?;
    let current = Arc::new(Mutex::new(Current::default()));
    // The first view before the address is printed: whoever opens the
    // page first sees the class, not an empty page.
    let started = time::unix(SystemTime::now());
    let mut seen = load::signature(&options.dir);
    refresh(&options, &current, &format!("{started}-1"))?;
    println!(
        "Serving the class view on http://{addr}/ — it follows new reports in {}. Ctrl-C stops.",
        options.dir.display()
    );

    let watcher = {
        let options = options.clone();
        let current = Arc::clone(&current);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SCAN);
            let mut version = 1u64;
            loop {
                tick.tick().await;
                let dir = options.dir.clone();
                let Ok(now) = tokio::task::spawn_blocking(move || load::signature(&dir)).await
                else {
                    continue;
                };
                if now == seen {
                    continue;
                }
                seen = now;
                version += 1;
                let options = options.clone();
                let current = Arc::clone(&current);
                let label = format!("{started}-{version}");
                let done =
                    tokio::task::spawn_blocking(move || refresh(&options, &current, &label)).await;
                if let Ok(Err(e)) = done {
                    eprintln!("workbook: {e}");
                }
            }
        })
    };

    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let current = Arc::clone(&current);
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(REQUEST_TIMEOUT, answer(stream, current)).await;
                });
            }
        }
    }
    watcher.abort();
    println!(
        "\nStopped. The last view stays in {}.",
        options.html.display()
    );
    Ok(())
}

/// Reads the folder again, writes the static page, and swaps in the new
/// view with `version`; prints one line saying what changed.
fn refresh(options: &Options, current: &Mutex<Current>, version: &str) -> Result<(), String> {
    let (view, kept) = super::read(&options.dir, options.expected.clone(), options.rules)?;
    if let Err(e) = kept {
        eprintln!("workbook: cannot keep the reports' history: {e}");
    }
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
    let mut guard = current
        .lock()
        .map_err(|_| "the class view's state was poisoned".to_owned())?;
    guard.html = html;
    guard.version = version.to_owned();
    Ok(())
}

/// Answers one request.
async fn answer(mut stream: TcpStream, current: Arc<Mutex<Current>>) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_HEAD {
            break;
        }
    }
    let (status, kind, body, head_only) = respond(&head, &current);
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if !head_only {
        response.extend_from_slice(body.as_bytes());
    }
    stream.write_all(&response).await?;
    stream.shutdown().await
}

/// The status line, content type and body for a request's head, and
/// whether only the head is wanted.
fn respond(head: &[u8], current: &Mutex<Current>) -> (&'static str, &'static str, String, bool) {
    const TEXT: &str = "text/plain; charset=utf-8";
    let line = head
        .split(|b| *b == b'\n')
        .next()
        .map(|l| String::from_utf8_lossy(l).trim_end().to_owned())
        .unwrap_or_default();
    let mut words = line.split(' ');
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return (
            "405 Method Not Allowed",
            TEXT,
            "GET only\n".to_owned(),
            false,
        );
    }
    let path = target.split('?').next().unwrap_or("");
    let Ok(current) = current.lock() else {
        return (
            "500 Internal Server Error",
            TEXT,
            "poisoned\n".to_owned(),
            head_only,
        );
    };
    match path {
        "/" | "/class.html" | "/index.html" => (
            "200 OK",
            "text/html; charset=utf-8",
            current.html.clone(),
            head_only,
        ),
        "/version" => ("200 OK", TEXT, format!("{}\n", current.version), head_only),
        _ => ("404 Not Found", TEXT, "not found\n".to_owned(), head_only),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_answers_the_page_its_version_and_nothing_else() {
        let current = Mutex::new(Current {
            html: "<html>class</html>".to_owned(),
            version: "7-2".to_owned(),
        });
        let get = |head: &str| respond(head.as_bytes(), &current);
        let (status, kind, body, _) = get("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!((status, body.as_str()), ("200 OK", "<html>class</html>"));
        assert!(kind.starts_with("text/html"));
        assert_eq!(get("GET /version?t=1 HTTP/1.1\r\n\r\n").2, "7-2\n");
        assert_eq!(
            get("GET /../etc/passwd HTTP/1.1\r\n\r\n").0,
            "404 Not Found"
        );
        assert_eq!(get("POST / HTTP/1.1\r\n\r\n").0, "405 Method Not Allowed");
        assert!(get("HEAD / HTTP/1.1\r\n\r\n").3);
        assert_eq!(get("").0, "405 Method Not Allowed");
    }
}
