//! The ground floor: the types every layer shares and that depend on nothing else in the
//! crate. Time (unix seconds, time expressions, the wall clock, configured durations,
//! [`Window`]) and [`Role`]
//! live here so that `store/` can name them without importing `query/` or `auth/`, which
//! sit above it. Nothing in this module may import another module of the crate.

pub mod clock;
pub mod duration;
pub mod role;
pub mod time;

pub use cinder_profile::timegrid::{Window, BASE_RESOLUTION};
pub use duration::HumanDuration;
pub use role::Role;
pub use time::{parse_time, UnixSecs};
