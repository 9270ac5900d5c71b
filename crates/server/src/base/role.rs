//! Roles (spec §5.2): `ReadOnly`, `Agent`, `Admin`. The type is the shared wire type of
//! `cinder_profile::api`, so the app and the server name roles the same way.

pub use cinder_profile::api::Role;
