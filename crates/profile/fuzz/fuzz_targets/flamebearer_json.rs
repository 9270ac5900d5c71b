//! Flamebearer JSON: decoding never panics, decoded profiles re-encode and decode, and the
//! app's streaming decoder agrees with the two-step one (same tree, or both refuse).
#![no_main]

use cinder_profile::flamebearer::{Flamebearer, FlamebearerProfile};
use cinder_profile::MaxNodes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let streamed = FlamebearerProfile::single_from_json(data).map(|(_, tree)| tree);
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(streamed.is_err(), "invalid UTF-8 accepted");
        return;
    };
    let two_step = FlamebearerProfile::from_json(text).and_then(|p| p.tree());
    assert_eq!(streamed.is_ok(), two_step.is_ok(), "{streamed:?} vs {two_step:?}");
    if let (Ok(a), Ok(b)) = (&streamed, &two_step) {
        assert_eq!(a, b);
    }
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
