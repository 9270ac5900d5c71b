//! Single profiles decoded straight from JSON bytes into a [`Tree`], level by level.
//!
//! [`FlamebearerProfile::from_json`] followed by [`FlamebearerProfile::tree`] holds the
//! text, every `levels` integer as a `u64` and the tree at once: on a 500k-node profile
//! that is most of the browser's memory, and every integer is written and read back for
//! nothing. Here the `flamebearer` object is read by hand: names are interned as they are
//! scanned (no string is allocated unless it has escapes), and each level is parsed into
//! one reused buffer and handed to the [`Decoder`]. Everything else (metadata, timeline,
//! unknown keys) is a small value whose extent is found here and which serde then reads.
//!
//! The result is the same tree as the two-step path, with the same errors, in the same
//! precedence: invalid JSON, then `version`, then `format`, then the levels (a level error
//! is kept while the rest of the text is still checked). `levels` normally follows `names`
//! (the original writes them in that order); if it comes first, its levels are kept until
//! the names arrive. The format is only known at `metadata`, after the levels, so levels are
//! read as `single`; a `double` profile is then refused with the usual format error.

use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, IgnoredAny};

use super::decode::Decoder;
use super::json_scan::{JsonResult, Scanner};
use super::wire::{Annotation, Flamebearer, FlamebearerProfile, Format, Metadata, Timeline};
use crate::error::DecodeError;
use crate::tree::Tree;

impl FlamebearerProfile {
    /// Decodes a `single` profile's JSON: the tree, and the envelope with empty `names`
    /// and `levels` (everything else as [`FlamebearerProfile::from_json`] reads it).
    pub fn single_from_json(bytes: &[u8]) -> Result<(FlamebearerProfile, Tree), DecodeError> {
        let (profile, tree) = read_profile(&mut Scanner::new(bytes)).map_err(DecodeError::Json)?;
        if profile.version != 1 {
            return Err(DecodeError::Version(u64::from(profile.version)));
        }
        if profile.metadata.format != Format::Single {
            return Err(DecodeError::Format {
                expected: Format::Single.as_str(),
                found: profile.metadata.format.as_str().to_owned(),
            });
        }
        Ok((profile, tree?))
    }
}

/// Nodes to reserve: a single node is four integers, so a comma count over four bounds it
/// from above (names add a few commas). Reserving once avoids growing the arena by copying.
fn node_estimate(bytes: &[u8]) -> usize {
    count_commas(bytes) / 4 + 1
}

/// Commas in `bytes`, eight bytes at a time (wasm has no vector unit to do it for us).
fn count_commas(bytes: &[u8]) -> usize {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder().iter().filter(|&&b| b == b',').count();
    chunks.fold(tail, |n, chunk| {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) ^ (u64::from(b',') * LOW);
        // 0x80 in each byte that was a comma (exact, no borrow between bytes).
        let zero = !(((word & HIGH7).wrapping_add(HIGH7)) | word | HIGH7);
        n + zero.count_ones() as usize
    })
}

fn read_profile(
    s: &mut Scanner<'_>,
) -> JsonResult<(FlamebearerProfile, Result<Tree, DecodeError>)> {
    let nodes = node_estimate(s.rest());
    let mut profile = FlamebearerProfile::new(empty_flamebearer(), Metadata::default());
    let (mut tree, mut metadata) = (None, None);
    let mut seen = Vec::new();
    s.object(|s, key| {
        first_time(&mut seen, PROFILE_KEYS, key)?;
        match key {
            "version" => profile.version = typed(s)?,
            "flamebearer" => {
                let (fb, t) = read_flamebearer(s, nodes)?;
                profile.flamebearer = fb;
                tree = Some(t);
            }
            "timeline" => profile.timeline = typed::<Option<Timeline>>(s)?,
            "groups" => profile.groups = typed::<Option<BTreeMap<String, Timeline>>>(s)?,
            "heatmap" => profile.heatmap = typed(s)?,
            "leftTicks" => profile.left_ticks = typed(s)?,
            "rightTicks" => profile.right_ticks = typed(s)?,
            "metadata" => metadata = Some(typed::<Metadata>(s)?),
            "annotations" => profile.annotations = typed::<Option<Vec<Annotation>>>(s)?,
            _ => {
                typed::<IgnoredAny>(s)?;
            }
        }
        Ok(())
    })?;
    s.end()?;
    profile.metadata = metadata.ok_or("missing field `metadata`")?;
    let tree = tree.ok_or("missing field `flamebearer`")?;
    Ok((profile, tree))
}

/// The fields of the envelope and of the `flamebearer` object.
const PROFILE_KEYS: &[&str] = &[
    "version",
    "flamebearer",
    "timeline",
    "groups",
    "heatmap",
    "leftTicks",
    "rightTicks",
    "metadata",
    "annotations",
];
const FLAMEBEARER_KEYS: &[&str] = &["names", "levels", "numTicks", "maxSelf"];

/// Refuses a field of `known` met twice in one object, as serde's derive does; unknown
/// keys may repeat (they are ignored).
fn first_time(seen: &mut Vec<&'static str>, known: &[&'static str], key: &str) -> JsonResult<()> {
    let Some(&field) = known.iter().find(|k| **k == key) else {
        return Ok(());
    };
    if seen.contains(&field) {
        return Err(format!("duplicate field `{field}`"));
    }
    seen.push(field);
    Ok(())
}

/// The next value, read by serde (small values only: metadata, timelines, unknown keys).
fn typed<T: DeserializeOwned>(s: &mut Scanner<'_>) -> JsonResult<T> {
    let raw = s.skip_value()?;
    // serde skips ignored strings without checking their UTF-8; the text as a whole must be
    // valid, as it is for `from_json`, which takes a `&str`.
    let raw = std::str::from_utf8(raw).map_err(|e| format!("invalid UTF-8: {e}"))?;
    serde_json::from_str(raw).map_err(|e| e.to_string())
}

fn empty_flamebearer() -> Flamebearer {
    Flamebearer {
        names: Vec::new(),
        levels: Vec::new(),
        num_ticks: 0,
        max_self: 0,
    }
}

/// Decoding state of one `flamebearer` object.
struct Levels {
    decoder: Decoder<1>,
    /// The first level error; later levels are parsed (for JSON errors) but not decoded.
    error: Option<DecodeError>,
    /// Levels read before `names` (unusual key order), decoded once names arrive.
    early: Option<Vec<Vec<u64>>>,
}

impl Levels {
    fn push(&mut self, level: &[u64]) {
        if self.error.is_none() {
            if let Err(e) = self.decoder.push_level(level) {
                self.error = Some(e);
            }
        }
    }
}

fn read_flamebearer(
    s: &mut Scanner<'_>,
    nodes: usize,
) -> JsonResult<(Flamebearer, Result<Tree, DecodeError>)> {
    let mut state = Levels {
        decoder: Decoder::new(nodes),
        error: None,
        early: None,
    };
    let mut fb = empty_flamebearer();
    let (mut names, mut levels) = (false, false);
    let mut seen = Vec::new();
    let mut buf: Vec<u64> = Vec::new();
    s.object(|s, key| {
        first_time(&mut seen, FLAMEBEARER_KEYS, key)?;
        match key {
            "names" => {
                s.array(|s| s.string(|name| state.decoder.push_name(name)))?;
                names = true;
                if let Some(early) = state.early.take() {
                    for level in &early {
                        state.push(level);
                    }
                }
            }
            "levels" => {
                s.array(|s| {
                    buf.clear();
                    s.array(|s| s.u64().map(|v| buf.push(v)))?;
                    if names {
                        state.push(&buf);
                    } else {
                        state.early.get_or_insert_with(Vec::new).push(buf.clone());
                    }
                    Ok(())
                })?;
                levels = true;
            }
            "numTicks" => fb.num_ticks = s.u64()?,
            "maxSelf" => fb.max_self = s.u64()?,
            _ => {
                typed::<IgnoredAny>(s)?;
            }
        }
        Ok(())
    })?;
    if !names {
        return Err("missing field `names`".into());
    }
    if !levels {
        return Err("missing field `levels`".into());
    }
    let tree = match state.error {
        Some(e) => Err(e),
        None => Ok(state.decoder.finish().0),
    };
    Ok((fb, tree))
}

#[cfg(test)]
mod tests {
    use super::count_commas;

    #[test]
    fn commas_are_counted_exactly_in_words_and_tail() {
        for text in [
            "",
            ",",
            "a,b,,c",
            ",,,,,,,,,",
            "[[0,1,0,0],[0,1,1,1]] ,\u{2c}x",
            "\u{ac},\u{12c}",
        ] {
            let expected = text.bytes().filter(|&b| b == b',').count();
            assert_eq!(count_commas(text.as_bytes()), expected, "{text:?}");
        }
    }
}
