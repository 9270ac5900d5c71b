//! What this binary is: version, commit and build time, captured by `build.rs` and served
//! at `GET /build` (and shown in the web app's footer).

use cinder_profile::api::BuildInfo;

/// The build information of the running binary.
#[must_use]
pub fn current() -> BuildInfo {
    BuildInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        git_sha: env!("CINDER_GIT_SHA").to_string(),
        git_dirty: env!("CINDER_GIT_DIRTY") == "true",
        time: env!("CINDER_BUILD_TIME").to_string(),
    }
}
