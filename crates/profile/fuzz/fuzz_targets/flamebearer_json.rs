//! Flamebearer JSON: decoding never panics, and decoded profiles re-encode and decode.
#![no_main]

use cinder_profile::flamebearer::{Flamebearer, FlamebearerProfile};
use cinder_profile::MaxNodes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(profile) = FlamebearerProfile::from_json(text) else { return };
    if let Ok(tree) = profile.flamebearer.to_tree() {
        let fb = Flamebearer::single(&tree, MaxNodes::Unlimited);
        assert_eq!(fb.to_tree().map(|t| t.total_ticks()), Ok(tree.total_ticks()));
        let _ = profile.to_json();
    }
    if let Ok(diff) = profile.flamebearer.to_diff() {
        let fb = Flamebearer::double(&diff, MaxNodes::Limit(16));
        assert!(fb.to_diff().is_ok());
        let _ = diff.table();
    }
});
