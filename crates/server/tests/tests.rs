//! The server's integration tests, one binary:
//! - `http`: request in, response out through `app()` without a socket;
//! - `binary`: the real `cinder` executable (flags, listening, graceful shutdown).

mod binary;
mod http;
