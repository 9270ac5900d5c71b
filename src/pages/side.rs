//! Loading one profile from its [`Source`]: the single view's profile and each side of a
//! comparison go through here. Decoding happens in the profile crate.

use crate::api;
use crate::state::profile::LoadedProfile;
use crate::state::source::Source;

/// Node budget requested from the server, as the original UI's default.
pub const MAX_NODES: u32 = 1024;

/// Fetches and decodes `source`; errors are ready to show.
pub async fn load(source: Source) -> Result<LoadedProfile, String> {
    match source {
        Source::Url(url) => match api::http::fetch_bytes(&url).await {
            Ok(bytes) => LoadedProfile::from_file(&url, &bytes),
            Err(e) => Err(format!("cannot load {url}: {e}")),
        },
        Source::Query { query, from, until } => {
            match api::http::render(&query, from, until, MAX_NODES).await {
                Ok(bytes) => LoadedProfile::from_flamebearer_json(&bytes),
                Err(e) => Err(e.to_string()),
            }
        }
    }
}
