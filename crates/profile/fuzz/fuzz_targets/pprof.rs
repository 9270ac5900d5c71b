//! pprof and push bodies: decoding never panics; decoded trees map and encode.
#![no_main]

use cinder_profile::pprof::{self, DecodeOptions, SampleTypeConfigs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = DecodeOptions { max_decompressed: 1 << 24, ..DecodeOptions::default() };
    if let Ok(profile) = pprof::decode(data, &options) {
        let series = profile.og_series(&SampleTypeConfigs::og_default(), Some(&profile));
        for s in series {
            let _ = pprof::encode(&s.tree, &pprof::EncodeOptions::default());
        }
    }
    let _ = pprof::decode_push(data, 1 << 24);
});
