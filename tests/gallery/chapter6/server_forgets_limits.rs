//! `limits-not-passed`: a server that makes every connection with the
//! default limits (`Connection::new`), whatever limits it was started
//! with.

use tokio::net::TcpListener;

pub async fn run_with_max_frame(listener: TcpListener, _: usize) -> Result<(), String> {
    super::run(listener).await
}

crate::entry_api6!(
    super::check,
    super::parse,
    super::write_frame,
    super::read_frame,
    super::run,
    run_with_max_frame
);
