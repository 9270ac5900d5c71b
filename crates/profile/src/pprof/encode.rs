//! Tree → pprof, as the original's `/render?format=pprof`: one sample type, one sample
//! per stack with self ticks, one function and one location per distinct frame name.

use prost::Message;

use super::proto::{Function, Line, Location, Profile, Sample, ValueType};
use crate::render_text::walk_sorted;
use crate::tree::Tree;
use crate::units::Ticks;

/// What to write besides the stacks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EncodeOptions {
    /// Sample type name (the original writes the empty string).
    pub sample_type: String,
    /// Sample unit, e.g. `samples` or `bytes`.
    pub unit: String,
    /// Start of the profile, unix nanoseconds.
    pub time_nanos: i64,
    /// Length in nanoseconds (0 to omit).
    pub duration_nanos: i64,
    /// Period type and unit, with `period` (omitted when `period` is 0).
    pub period_type: (String, String),
    /// Sampling period.
    pub period: i64,
}

impl EncodeOptions {
    /// What a pprof export of a stored or loaded profile carries, as the original's
    /// `/render?format=pprof` writes it: the ticks' unit and the profile's start, no sample
    /// type name, duration or period. The server's render and the app's export both use it.
    #[must_use]
    pub fn export(unit: &str, start_unix_secs: i64) -> EncodeOptions {
        EncodeOptions {
            unit: unit.to_string(),
            time_nanos: start_unix_secs.saturating_mul(1_000_000_000),
            ..EncodeOptions::default()
        }
    }
}

/// Strings interned into a pprof string table (index 0 is the empty string).
struct Strings {
    table: Vec<Vec<u8>>,
    index: std::collections::HashMap<String, i64>,
}

impl Strings {
    fn id(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.table.len() as i64;
        self.table.push(s.as_bytes().to_vec());
        self.index.insert(s.to_owned(), i);
        i
    }
}

/// The tree as an uncompressed pprof `Profile`.
#[must_use]
pub fn encode(tree: &Tree, options: &EncodeOptions) -> Vec<u8> {
    let mut strings = Strings {
        table: vec![Vec::new()],
        index: [(String::new(), 0)].into(),
    };
    let sample_type = ValueType {
        r#type: strings.id(&options.sample_type),
        unit: strings.id(&options.unit),
    };
    // Function/location id per name id (0 = not yet assigned); ids are 1-based.
    let mut ids = vec![0u64; tree.names().len()];
    let mut functions = Vec::new();
    let mut samples = Vec::new();
    walk_sorted(tree, |node, _| {
        let Some(n) = tree.node(node) else { return };
        if n.self_ticks() == Ticks::ZERO {
            return;
        }
        let mut location_id = Vec::with_capacity(n.depth());
        let mut cursor = Some(n);
        while let Some(c) = cursor.filter(|c| !c.is_root()) {
            let slot = ids.get_mut(c.name_id().index());
            let id = match slot {
                Some(id) if *id != 0 => *id,
                Some(id) => {
                    functions.push(strings.id(c.name()));
                    *id = functions.len() as u64;
                    *id
                }
                None => 0,
            };
            location_id.push(id);
            cursor = c.parent();
        }
        let value = vec![i64::try_from(n.self_ticks().0).unwrap_or(i64::MAX)];
        samples.push(Sample {
            location_id,
            value,
            label: Vec::new(),
        });
    });
    let function: Vec<Function> = functions
        .iter()
        .enumerate()
        .map(|(i, &name)| Function {
            id: i as u64 + 1,
            name,
            system_name: name,
            filename: 0,
            start_line: 0,
        })
        .collect();
    let location = (1..=function.len() as u64)
        .map(|id| Location {
            id,
            mapping_id: 0,
            address: 0,
            line: vec![Line {
                function_id: id,
                line: 0,
                column: 0,
            }],
            is_folded: false,
        })
        .collect();
    let period_type = (options.period != 0).then(|| ValueType {
        r#type: strings.id(&options.period_type.0),
        unit: strings.id(&options.period_type.1),
    });
    let profile = Profile {
        sample_type: vec![sample_type],
        sample: samples,
        location,
        function,
        string_table: strings.table,
        time_nanos: options.time_nanos,
        duration_nanos: options.duration_nanos,
        period_type,
        period: options.period,
        ..Profile::default()
    };
    profile.encode_to_vec()
}
