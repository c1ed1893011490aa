//! Known-wrong chapter-5 code, one module per mistake.
//!
//! Each entry writes out the function that carries its mistake and
//! implements the chapter's `Api` for a type `Entry` with just that: the
//! trait's defaults stand in for the rest, which its designated check
//! never calls.

pub mod copy_into_a_vec_first;
pub mod copy_to_a_sink;
pub mod echo_a_constant;
pub mod echo_does_nothing;
pub mod echo_ignores_eof;
pub mod echo_one_byte_at_a_time;
pub mod echo_one_fixed_read;
pub mod echo_reads_to_end_first;
pub mod echo_whole_buffer;
pub mod echo_with_write;
pub mod request_echoes_itself;
pub mod request_reads_once;
pub mod request_with_write;
pub mod request_without_shutdown;
pub mod server_accept_loop_in_a_task;
pub mod server_accepts_once;
pub mod server_ignores_eof;
pub mod server_one_client_at_a_time;
pub mod server_sleeps_per_read;

/// Implements the `Api` for `Entry` with the items listed: `echo`,
/// `echo_with_copy`, `serve` or `request`, each a path to the entry's own
/// function.
macro_rules! entry_api {
    ($($item:ident = $function:path),* $(,)?) => {
        /// This entry, as the grader sees it.
        pub struct Entry;

        impl grader::chapters::chapter5::Api for Entry {
            $(crate::chapter5::entry_api!(@item $item $function);)*
        }
    };
    (@item echo $function:path) => {
        fn echo<S: grader::chapters::chapter5::Stream>(
            stream: S,
        ) -> impl std::future::Future<Output = std::io::Result<u64>> {
            $function(stream)
        }
    };
    (@item echo_with_copy $function:path) => {
        fn echo_with_copy<S: grader::chapters::chapter5::Stream>(
            stream: S,
        ) -> impl std::future::Future<Output = std::io::Result<u64>> {
            $function(stream)
        }
    };
    (@item serve $function:path) => {
        fn serve(
            listener: tokio::net::TcpListener,
        ) -> impl std::future::Future<Output = std::io::Result<()>> {
            $function(listener)
        }
    };
    (@item request $function:path) => {
        fn request<S: grader::chapters::chapter5::Stream>(
            stream: S,
            request: &[u8],
        ) -> impl std::future::Future<Output = std::io::Result<Vec<u8>>> {
            $function(stream, request)
        }
    };
}
pub(crate) use entry_api;
