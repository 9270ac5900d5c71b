//! The server's integration tests, one binary:
//! - `http`: request in, response out through `app()` without a socket;
//! - `binary`: the real `cinder` executable (flags, listening, graceful shutdown);
//! - `store`: the embedded store through its public API.

mod binary;
mod http;
mod store;
