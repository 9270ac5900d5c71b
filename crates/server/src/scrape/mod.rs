//! Pull mode: profiles fetched from targets' `/debug/pprof` endpoints on a schedule, as the
//! original's `scrape-configs` describe, and stored like uploads. It sits beside `ingest/`
//! and reaches the store through ingest's typed entry point.

pub mod config;
