//! Authentication and authorization, end to end:
//! - `fixture`: a server with one user and key per role, bad keys and a disabled user;
//! - `matrix`: every endpoint × identity × switch combination, exact statuses, refused
//!   requests change nothing;
//! - `login`: login, logout, signup, cookies, throttling, CSRF;
//! - `accounts`: the users and keys APIs, their rules, and session invalidation;
//! - `persistence`: users, keys and sessions across restarts, in process and with the
//!   `cinder` binary and its auth flags;
//! - `hygiene`: no secret in the logs.

mod accounts;
mod fixture;
mod hygiene;
mod login;
mod matrix;
mod persistence;
