//! The server's integration tests, one binary:
//! - `agents`: every captured request of a real agent, replayed and read back;
//! - `averages`: averaged series do not depend on how uploads fall on the 10 s grid;
//! - `api`: the data API over HTTP (ingest formats and errors, render shapes);
//! - `auth`: users, sessions, API keys and roles (the access matrix and its rules);
//! - `http`: request in, response out through `app()` without a socket;
//! - `binary`: the real `cinder` executable (flags, listening, graceful shutdown);
//! - `binary_memory`: the real executable's memory: idle with self-profiling, and its peak
//!   under concurrent gzip bombs;
//! - `limits`: upload size limits and the upload memory budget (gzip bombs everywhere);
//! - `retention`: per-level and size retention, passes during ingestion, too-old uploads;
//! - `store`: the embedded store through its public API;
//! - `store_v1`: the frozen store of format version 1 opens and reads back exactly.

mod agents;
mod api;
mod auth;
mod averages;
mod binary;
mod binary_memory;
mod coarse;
mod http;
mod limits;
mod retention;
mod store;
mod store_v1;
