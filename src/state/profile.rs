//! A profile loaded into the app, whatever its source: a `/render` answer, a flamebearer
//! JSON or folded file from `?profile=URL`, or a JSON, folded or pprof file opened from
//! disk. Also its exports (flamebearer JSON, collapsed text, pprof).

use cinder_profile::api::ProfileFormat;
use cinder_profile::flamebearer::{Format, Metadata};
use cinder_profile::pprof::{self, EncodeOptions};
use cinder_profile::{FlamebearerProfile, MaxNodes, Tree};

use super::timeline::TimelineModel;

/// A profile ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedProfile {
    /// The call tree.
    pub tree: Tree,
    /// Units, sample rate, spy name, display name.
    pub meta: Metadata,
    /// Samples over time, for profiles from the server.
    pub timeline: Option<TimelineModel>,
}

impl LoadedProfile {
    /// Decodes a `/render` (or exported) flamebearer JSON, streaming its levels into the
    /// tree (the text is the largest thing the app ever holds; see `single_from_json`).
    pub fn from_flamebearer_json(bytes: &[u8]) -> Result<LoadedProfile, String> {
        let (fb, tree) = FlamebearerProfile::single_from_json(bytes).map_err(|e| e.to_string())?;
        Ok(LoadedProfile {
            tree,
            timeline: fb.timeline.as_ref().map(TimelineModel::new),
            meta: fb.metadata,
        })
    }

    /// Reads a file of any supported kind: flamebearer JSON (`{`), pprof (gzip or
    /// protobuf), else folded text. `name` becomes the display name.
    pub fn from_file(name: &str, bytes: &[u8]) -> Result<LoadedProfile, String> {
        let trimmed = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .and_then(|i| bytes.get(i..))
            .unwrap_or(&[]);
        if trimmed.first() == Some(&b'{') {
            let mut p = Self::from_flamebearer_json(bytes)?;
            if p.meta.name.is_empty() {
                p.meta.name = name.to_string();
            }
            return Ok(p);
        }
        if bytes.starts_with(&[0x1f, 0x8b]) || looks_binary(bytes) {
            return Self::from_pprof(name, bytes);
        }
        let (tree, _warnings) = Tree::from_folded_bytes(bytes);
        if tree.total_ticks().0 == 0 {
            return Err(format!(
                "{name}: no stacks found (expected flamebearer JSON, folded text or pprof)"
            ));
        }
        Ok(LoadedProfile {
            tree,
            meta: meta(name, "samples", 100),
            timeline: None,
        })
    }

    fn from_pprof(name: &str, bytes: &[u8]) -> Result<LoadedProfile, String> {
        let p = pprof::decode(bytes, &Default::default()).map_err(|e| format!("{name}: {e}"))?;
        let first = p
            .sample_types
            .first()
            .ok_or_else(|| format!("{name}: pprof has no sample types"))?;
        let units = match first.unit.as_str() {
            "count" => "samples",
            u => u,
        }
        .to_string();
        Ok(LoadedProfile {
            tree: p.merged(0),
            meta: meta(name, &units, p.sample_rate()),
            timeline: None,
        })
    }
}

/// A profile as a file in `format`: flamebearer JSON (what `/render` sends, untruncated),
/// collapsed text, or an uncompressed pprof.
#[must_use]
pub fn export(format: ProfileFormat, tree: &Tree, meta: &Metadata) -> Vec<u8> {
    match format {
        ProfileFormat::Json => FlamebearerProfile::single(tree, MaxNodes::Unlimited, meta.clone())
            .to_json()
            .into_bytes(),
        ProfileFormat::Collapsed => tree.to_folded().into_bytes(),
        ProfileFormat::Pprof => pprof::encode(
            tree,
            &EncodeOptions::export(&meta.units, meta.start_time.unwrap_or(0)),
        ),
    }
}

/// The media type of an exported file.
#[must_use]
pub fn export_mime(format: ProfileFormat) -> &'static str {
    match format {
        ProfileFormat::Json => "application/json",
        ProfileFormat::Collapsed => "text/plain",
        ProfileFormat::Pprof => "application/octet-stream",
    }
}

fn meta(name: &str, units: &str, sample_rate: u32) -> Metadata {
    Metadata {
        format: Format::Single,
        spy_name: String::new(),
        sample_rate,
        units: units.into(),
        name: name.into(),
        ..Default::default()
    }
}

/// Text files are mostly printable; pprof protobufs are not.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(512)).unwrap_or(&[]);
    head.iter()
        .filter(|b| !(b.is_ascii_graphic() || b.is_ascii_whitespace() || **b >= 0x80))
        .count()
        > head.len() / 20
}

/// A file name for exports: `<app>_<from>-to-<until>` with unsafe characters replaced.
#[must_use]
pub fn export_name(app: &str, from: &str, until: &str) -> String {
    format!("{app}_{from}-to-{until}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOLDED: &str = "main;work 3\nmain;idle 1\n";

    #[test]
    fn folded_files_load_and_export_in_every_format() {
        let p = LoadedProfile::from_file("x.txt", FOLDED.as_bytes()).unwrap();
        assert_eq!(p.tree.total_ticks().0, 4);
        let collapsed = export(ProfileFormat::Collapsed, &p.tree, &p.meta);
        assert_eq!(collapsed, b"main;idle 1\nmain;work 3\n");
        for format in ProfileFormat::ALL {
            let file = format!("x.{}", format.extension());
            let back = LoadedProfile::from_file(&file, &export(format, &p.tree, &p.meta)).unwrap();
            assert_eq!(back.tree.to_folded(), p.tree.to_folded(), "{format:?}");
        }
    }

    #[test]
    fn render_json_with_timeline_loads() {
        let json = r#"{"version":1,"flamebearer":{"names":["total","a"],"levels":[[0,5,0,0],[0,5,5,1]],"numTicks":5,"maxSelf":5},
            "timeline":{"startTime":100,"samples":[0,6],"durationDelta":10,"watermarks":{}},
            "metadata":{"format":"single","spyName":"pyspy","sampleRate":100,"units":"samples","name":"a.cpu"}}"#;
        let p = LoadedProfile::from_flamebearer_json(json.as_bytes()).unwrap();
        assert_eq!(p.tree.total_ticks().0, 5);
        assert_eq!(p.timeline.unwrap().max_value(), 5);
        assert_eq!(p.meta.spy_name, "pyspy");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(LoadedProfile::from_file("e", b"").is_err());
        assert!(LoadedProfile::from_file("j", b"{ nope").is_err());
        assert!(LoadedProfile::from_file("b", &[0u8, 1, 2, 3, 0xff, 0x10, 0, 0]).is_err());
    }

    #[test]
    fn export_names_are_safe_file_names() {
        assert_eq!(
            export_name("app.cpu{env=\"x\"}", "now-1h", "now"),
            "app.cpu_env__x___now-1h-to-now"
        );
    }
}
