//! Authentication and authorization, end to end through `app()`:
//! - `fixture`: a server with one user and key per role, bad keys and a disabled user;
//! - `matrix`: every endpoint × identity × switch combination, exact statuses, refused
//!   writes change nothing;
//! - `login`: login, logout, signup, cookies, throttling, CSRF;
//! - `accounts`: the users and keys APIs, their rules, and session invalidation;
//! - `persistence`: users, keys and sessions across restarts, and the `cinder` binary's
//!   auth flags.

mod accounts;
mod fixture;
mod login;
mod matrix;
