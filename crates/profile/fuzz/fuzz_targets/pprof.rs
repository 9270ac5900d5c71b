//! pprof and push bodies: decoding never panics; decoded trees map and encode.
#![no_main]

use cinder_profile::pprof::{self, DecodeOptions, SampleTypeConfigs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = DecodeOptions { max_decompressed: 1 << 24, ..DecodeOptions::default() };
    if let Ok(profile) = pprof::decode(data, &options) {
        let mut series = profile.og_series(&SampleTypeConfigs::og_default(), Some(&profile));
        // Cinder's own mapping keeps every type; names are distinct when it succeeds.
        if let Ok(configs) = profile.resolve_configs(None) {
            let mut names: Vec<&str> = configs.iter().map(|c| c.display_name.as_str()).collect();
            names.sort_unstable();
            assert!(names.windows(2).all(|w| w[0] != w[1]), "duplicate series names");
            let configs: Vec<_> = configs.iter().cloned().map(Some).collect();
            series.extend(profile.series_with(&configs, Some(&profile)));
        }
        for s in series {
            let _ = pprof::encode(&s.tree, &pprof::EncodeOptions::default());
        }
    }
    let _ = pprof::decode_push(data, 1 << 24);
});
