//! `workbook server`: starts a Redis server to compare yours with — the
//! reference solution of chapter 6, your own chapter-6 server, or stock
//! mini-redis 0.4 — in the foreground, until Ctrl-C.
//!
//! Each one is an example of a workspace crate, started through `cargo run
//! --release`, so this command links none of them: a chapter that does not
//! compile shows its compiler errors here and breaks nothing else.

use std::net::IpAddr;
use std::path::Path;
use std::process::{ExitCode, Stdio};
use std::time::Duration;

use tokio::process::{Child, Command};
use tokio::signal::unix::{SignalKind, signal};

/// A server `workbook server` and `workbook bench` can start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Impl {
    /// Chapter 6's reference solution (package solution-6).
    Reference,
    /// Your chapter-6 server (package chapter-6, exercise 6.5).
    #[value(name = "chapter-6")]
    Chapter6,
    /// Stock mini-redis 0.4, from the workspace's dependency.
    #[value(name = "mini-redis")]
    MiniRedis,
}

impl Impl {
    /// Every server, in the order tables list them.
    pub const ALL: [Impl; 3] = [Impl::Reference, Impl::Chapter6, Impl::MiniRedis];

    /// Its name on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Impl::Reference => "reference",
            Impl::Chapter6 => "chapter-6",
            Impl::MiniRedis => "mini-redis",
        }
    }

    /// The package whose example it is.
    pub fn package(self) -> &'static str {
        match self {
            Impl::Reference => "solution-6",
            Impl::Chapter6 => "chapter-6",
            // Chapter 1's reference crate depends on mini-redis already;
            // solution-6 deliberately does not.
            Impl::MiniRedis => "solution-1",
        }
    }

    /// The example that starts it.
    pub fn example(self) -> &'static str {
        match self {
            // Not `server`, the chapter's name: two examples of one name
            // overwrite each other in target/release/examples/.
            Impl::Reference => "reference-server",
            Impl::Chapter6 => "server",
            Impl::MiniRedis => "mini-redis-server",
        }
    }

    /// Whether its example takes `--bind`. The chapter's example is the
    /// learner's, and listens on 127.0.0.1 only.
    pub fn takes_bind(self) -> bool {
        self != Impl::Chapter6
    }

    /// The arguments after `--` that make it listen on `bind:port`.
    pub fn args(self, bind: IpAddr, port: u16) -> Vec<String> {
        let mut args = vec!["--port".to_owned(), port.to_string()];
        if self.takes_bind() {
            args.push("--bind".to_owned());
            args.push(bind.to_string());
        }
        args
    }
}

/// How long a server may take to stop after Ctrl-C before it is killed.
const GRACE: Duration = Duration::from_secs(5);

/// Builds and runs `which` on `bind:port` in the foreground, with the
/// workspace at `root`, until it stops or Ctrl-C stops it.
pub fn main(root: &Path, which: Impl, bind: IpAddr, port: u16) -> Result<ExitCode, String> {
    if !which.takes_bind() && bind != IpAddr::from([127, 0, 0, 1]) {
        return Err(format!(
            "the {} server listens on 127.0.0.1 only (its example is yours, in \
             chapters/06-framing/examples/server.rs); leave --bind out",
            which.name()
        ));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a Tokio runtime: {e}"))?;
    runtime.block_on(foreground(root, which, bind, port))
}

/// The `cargo run` line that starts `which`, for messages.
pub fn command_line(which: Impl, bind: IpAddr, port: u16) -> String {
    format!(
        "cargo run --release -q -p {} --example {} -- {}",
        which.package(),
        which.example(),
        which.args(bind, port).join(" ")
    )
}

async fn foreground(root: &Path, which: Impl, bind: IpAddr, port: u16) -> Result<ExitCode, String> {
    // Registered before the child starts, so that a Ctrl-C during the
    // build reaches this process's handler rather than ending it and
    // leaving the build (or the server) behind.
    let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
    let mut terminate = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut hangup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    eprintln!(
        "workbook: starting the {} server (release build; the first run compiles it): {}",
        which.name(),
        command_line(which, bind, port)
    );
    let mut child = Command::new(crate::grade::cargo())
        .current_dir(root)
        .args(["run", "--release", "-q", "-p", which.package()])
        .args(["--example", which.example(), "--"])
        .args(which.args(bind, port))
        .stdin(Stdio::null())
        // Should this process die without a word, the server dies with it.
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    // The server prints where it listens; its output is the terminal's.
    let signal = tokio::select! {
        status = child.wait() => {
            let status = status.map_err(|e| e.to_string())?;
            return Ok(if status.success() {
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "workbook: the {} server stopped ({status}); its messages are above.",
                    which.name()
                );
                ExitCode::FAILURE
            });
        }
        _ = interrupt.recv() => "INT",
        _ = terminate.recv() => "TERM",
        _ = hangup.recv() => "HUP",
    };
    stop(&mut child, signal).await;
    Ok(ExitCode::SUCCESS)
}

/// Passes `signal` on to the child, and waits for it to exit, killing it
/// if it has not after [`GRACE`].
///
/// Ctrl-C on a terminal reaches the whole foreground process group, the
/// server included; a signal sent to this process alone (by a script, by
/// `kill`) reaches only us. Passing it on covers both: a server that
/// already got it has installed its handler, and takes a second one in
/// its stride.
pub async fn stop(child: &mut Child, signal: &str) {
    if let Some(pid) = child.id() {
        // `kill(1)` rather than libc: no unsafe code in this workspace.
        let _ = std::process::Command::new("kill")
            .args([format!("-{signal}"), pid.to_string()])
            .stderr(Stdio::null())
            .status();
    }
    match tokio::time::timeout(GRACE, child.wait()).await {
        Ok(_) => {}
        Err(_) => {
            eprintln!(
                "workbook: the server did not stop within {} s of SIG{signal}; killing it.",
                GRACE.as_secs()
            );
            let _ = child.kill().await;
        }
    }
}
