//! `extra-reply`: the SET arm writes its `+OK`, and so does the
//! `write_frame` after the `match`: two replies to every SET. Rejected by
//! `3.5 random_sessions_match_the_model`; of the hand-written 3.5 checks,
//! only the fifty-client one reads past a SET, and it cannot say why the
//! reply is wrong.

use mini_redis::{Command, Connection, Frame};
use tokio::net::TcpListener;

use super::{Shards, stable_hash};

pub async fn serve_sharded(listener: TcpListener) -> mini_redis::Result<()> {
    let shards = Shards::new(16, stable_hash);
    loop {
        let (socket, _) = listener.accept().await?;
        let shards = shards.clone();
        tokio::spawn(async move {
            let mut connection = Connection::new(socket);
            while let Ok(Some(frame)) = connection.read_frame().await {
                let is_set = matches!(Command::from_frame(frame.clone()), Ok(Command::Set(_)));
                let reply = shards.apply(frame);
                if is_set {
                    // "Acknowledge the write at once" — and again below.
                    let _ = connection.write_frame(&Frame::Simple("OK".into())).await;
                }
                if connection.write_frame(&reply).await.is_err() {
                    break;
                }
            }
        });
    }
}

/// This entry, as the grader sees it: the functions above, nothing else.
pub struct Entry;

impl grader::chapters::chapter3::Api for Entry {
    type Db = ();
    type ShardedDb = ();
    type VisitCounter = ();
    fn serve_sharded(
        listener: tokio::net::TcpListener,
    ) -> impl std::future::Future<Output = mini_redis::Result<()>> {
        serve_sharded(listener)
    }
}
