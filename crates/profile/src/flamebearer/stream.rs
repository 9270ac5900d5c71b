//! Single profiles decoded straight from JSON bytes into a [`Tree`], level by level.
//!
//! [`FlamebearerProfile::from_json`] followed by [`FlamebearerProfile::tree`] holds the
//! text, every `levels` integer as a `u64` and the tree at once: on a 500k-node profile
//! that is most of the browser's memory, and the integers are written and read back once
//! for nothing. Here serde hands each level to the [`Decoder`] as it is parsed, into one
//! reused buffer, and names are interned as they are read (borrowed from the input when
//! they have no escapes).
//!
//! The result is the same tree as the two-step path, with the same errors, in the same
//! precedence: JSON syntax, then `version`, then `format`, then the levels. `levels`
//! normally follows `names` (the original writes them in that order); if it comes first,
//! its levels are kept until the names arrive. The format is only known at `metadata`, after
//! the levels, so levels are read as `single`; a `double` profile is then refused with the
//! same format error as before.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserializer as _;

use super::decode::Decoder;
use super::wire::{Annotation, Flamebearer, FlamebearerProfile, Format, Metadata, Timeline};
use crate::error::DecodeError;
use crate::tree::Tree;

impl FlamebearerProfile {
    /// Decodes a `single` profile's JSON: the tree, and the envelope with empty `names`
    /// and `levels` (everything else as [`FlamebearerProfile::from_json`] reads it).
    pub fn single_from_json(bytes: &[u8]) -> Result<(FlamebearerProfile, Tree), DecodeError> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let parsed = (&mut de)
            .deserialize_map(ProfileVisitor {
                nodes: node_estimate(bytes),
            })
            .and_then(|p| de.end().map(|()| p));
        let (profile, tree) = parsed.map_err(|e| DecodeError::Json(e.to_string()))?;
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
    bytes.iter().filter(|&&b| b == b',').count() / 4 + 1
}

/// The profile, and the tree or the first level error (reported after JSON errors).
type Parsed = (FlamebearerProfile, Result<Tree, DecodeError>);

struct ProfileVisitor {
    nodes: usize,
}

impl<'de> Visitor<'de> for ProfileVisitor {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a flamebearer profile object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed, A::Error> {
        let mut profile = FlamebearerProfile::new(empty_flamebearer(), Metadata::default());
        let (mut tree, mut metadata) = (None, None);
        while let Some(key) = map.next_key::<Key>()? {
            match key.0.as_str() {
                "version" => profile.version = map.next_value()?,
                "flamebearer" if tree.is_some() => {
                    return Err(de::Error::duplicate_field("flamebearer"))
                }
                "metadata" if metadata.is_some() => {
                    return Err(de::Error::duplicate_field("metadata"))
                }
                "flamebearer" => {
                    let (fb, t) = map.next_value_seed(FlamebearerSeed { nodes: self.nodes })?;
                    profile.flamebearer = fb;
                    tree = Some(t);
                }
                "timeline" => profile.timeline = map.next_value::<Option<Timeline>>()?,
                "groups" => {
                    profile.groups = map.next_value::<Option<BTreeMap<String, Timeline>>>()?;
                }
                "heatmap" => profile.heatmap = map.next_value()?,
                "leftTicks" => profile.left_ticks = map.next_value()?,
                "rightTicks" => profile.right_ticks = map.next_value()?,
                "metadata" => metadata = Some(map.next_value::<Metadata>()?),
                "annotations" => {
                    profile.annotations = map.next_value::<Option<Vec<Annotation>>>()?
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        profile.metadata = metadata.ok_or_else(|| de::Error::missing_field("metadata"))?;
        let tree = tree.ok_or_else(|| de::Error::missing_field("flamebearer"))?;
        Ok((profile, tree))
    }
}

fn empty_flamebearer() -> Flamebearer {
    Flamebearer {
        names: Vec::new(),
        levels: Vec::new(),
        num_ticks: 0,
        max_self: 0,
    }
}

/// An object key, borrowed when possible.
struct Key(String);

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        d.deserialize_str(StrVisitor).map(Key)
    }
}

struct StrVisitor;

impl Visitor<'_> for StrVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
}

/// The `flamebearer` object: names and levels go to the decoder, the rest is kept.
struct FlamebearerSeed {
    nodes: usize,
}

impl<'de> DeserializeSeed<'de> for FlamebearerSeed {
    type Value = (Flamebearer, Result<Tree, DecodeError>);

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FlamebearerSeed {
    type Value = (Flamebearer, Result<Tree, DecodeError>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a flamebearer object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut state = Levels {
            decoder: Decoder::new(self.nodes),
            error: None,
            early: None,
            buf: Vec::new(),
        };
        let mut fb = empty_flamebearer();
        let (mut names, mut levels) = (false, false);
        while let Some(key) = map.next_key::<Key>()? {
            match key.0.as_str() {
                "names" if names => return Err(de::Error::duplicate_field("names")),
                "levels" if levels => return Err(de::Error::duplicate_field("levels")),
                "names" => {
                    map.next_value_seed(NamesSeed(&mut state.decoder))?;
                    names = true;
                    state.replay_early();
                }
                "levels" => {
                    map.next_value_seed(LevelsSeed {
                        state: &mut state,
                        names_known: names,
                    })?;
                    levels = true;
                }
                "numTicks" => fb.num_ticks = map.next_value()?,
                "maxSelf" => fb.max_self = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !names {
            return Err(de::Error::missing_field("names"));
        }
        if !levels {
            return Err(de::Error::missing_field("levels"));
        }
        let tree = match state.error {
            Some(e) => Err(e),
            None => Ok(state.decoder.finish().0),
        };
        Ok((fb, tree))
    }
}

/// Decoding state shared by the `names` and `levels` readers.
struct Levels {
    decoder: Decoder<1>,
    /// The first level error; later levels are parsed (for JSON errors) but not decoded.
    error: Option<DecodeError>,
    /// Levels read before `names` (unusual key order), decoded once names arrive.
    early: Option<Vec<Vec<u64>>>,
    /// The level being parsed, reused.
    buf: Vec<u64>,
}

impl Levels {
    fn push(&mut self, level: &[u64]) {
        if self.error.is_none() {
            if let Err(e) = self.decoder.push_level(level) {
                self.error = Some(e);
            }
        }
    }

    fn replay_early(&mut self) {
        if let Some(early) = self.early.take() {
            for level in &early {
                self.push(level);
            }
        }
    }
}

struct NamesSeed<'a>(&'a mut Decoder<1>);

impl<'de> DeserializeSeed<'de> for NamesSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for NamesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of names")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(NameSeed(self.0))?.is_some() {}
        Ok(())
    }
}

/// One name, interned without an owned copy.
struct NameSeed<'a>(&'a mut Decoder<1>);

impl<'de> DeserializeSeed<'de> for NameSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for NameSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.push_name(v);
        Ok(())
    }
}

struct LevelsSeed<'a> {
    state: &'a mut Levels,
    names_known: bool,
}

impl<'de> DeserializeSeed<'de> for LevelsSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for LevelsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of levels")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.state;
        let mut buf = std::mem::take(&mut state.buf);
        while seq.next_element_seed(LevelSeed(&mut buf))?.is_some() {
            if self.names_known {
                state.push(&buf);
            } else {
                state.early.get_or_insert_with(Vec::new).push(buf.clone());
            }
        }
        state.buf = buf;
        Ok(())
    }
}

/// One level's integers, into a reused buffer.
struct LevelSeed<'a>(&'a mut Vec<u64>);

impl<'de> DeserializeSeed<'de> for LevelSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for LevelSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of integers")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.clear();
        while let Some(v) = seq.next_element::<u64>()? {
            self.0.push(v);
        }
        Ok(())
    }
}
