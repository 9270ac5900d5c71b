//! The server's integration tests, one binary:
//! - `agents`: every captured request of a real agent, replayed and read back;
//! - `averages`: averaged series do not depend on how uploads fall on the 10 s grid;
//! - `api`: the data API over HTTP (ingest formats and errors, render shapes);
//! - `auth`: users, sessions, API keys and roles (the access matrix and its rules);
//! - `config`: the configuration layers (flags, env vars, server.yml) and their errors;
//! - `deploy`: the Dockerfile, compose file and systemd unit, parsed and checked;
//! - `http`: request in, response out through `app()` without a socket;
//! - `layers`: base/ and store/ import nothing above them; no import cycles;
//! - `binary`: the real `cinder` executable (flags, listening, graceful shutdown);
//! - `binary_config`: the executable's configuration surface (help, config print, bad files,
//!   JSON logs, healthcheck);
//! - `binary_memory`: the real executable's memory: idle with self-profiling, and its peak
//!   under concurrent gzip bombs;
//! - `scrape`: pull mode against loopback targets (a local server with good and broken
//!   endpoints, and a Node.js program with `@pyroscope/nodejs`'s Express middleware);
//! - `limits`: upload size limits and the upload memory budget (gzip bombs everywhere);
//! - `observe`: `GET /metrics` parses as Prometheus text and its counters follow requests;
//! - `retention`: per-level and size retention, passes during ingestion, too-old uploads;
//! - `store`: the embedded store through its public API;
//! - `store_v1`: the frozen store of format version 1 opens and reads back exactly;
//! - `support`: the in-process server state the other modules send requests to.

mod agents;
mod api;
mod auth;
mod averages;
mod binary;
mod binary_config;
mod binary_memory;
mod coarse;
mod config;
mod deploy;
mod http;
mod layers;
mod limits;
mod observe;
mod retention;
mod scrape;
mod store;
mod store_v1;
mod support;
