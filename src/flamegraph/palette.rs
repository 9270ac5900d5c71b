//! Colours: by package per language exactly as Pyroscope picks them (ui-features.md §7.4),
//! the fixed greys and dimming of zoom and search, and the diff scale (§1.6, §7.5).
//!
//! A frame's colour depends only on its name and the profiler (`spyName`): the package part
//! of the name is extracted with the profiler's rule, hashed with MurmurHash3 (x86, 32-bit,
//! seed 0, over the string's UTF-16 code units truncated to bytes, as the JavaScript
//! original reads them) and taken modulo the 24-colour palette. Colours are computed once
//! per distinct name ([`NameColors`]), never per bar or per frame.

use std::sync::atomic::{AtomicU8, Ordering::Relaxed};

use cinder_profile::{NameId, Tree};

mod package;

pub use package::{package_name, Spy};

/// An opaque colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// A colour with alpha in 1/255 steps (hashable, so draws can be batched by colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgba {
    /// The colour.
    pub rgb: Rgb,
    /// Opacity, 255 = opaque.
    pub alpha: u8,
}

impl Rgb {
    /// Fully opaque.
    #[must_use]
    pub const fn opaque(self) -> Rgba {
        Rgba {
            rgb: self,
            alpha: 255,
        }
    }

    /// With opacity `alpha` in 0..=1.
    #[must_use]
    pub fn with_alpha(self, alpha: f64) -> Rgba {
        Rgba {
            rgb: self,
            alpha: (alpha.clamp(0.0, 1.0) * 255.0).round() as u8,
        }
    }
}

impl Rgba {
    /// The colour as a CSS string, `rgb(r,g,b)` or `rgba(r,g,b,a)`.
    #[must_use]
    pub fn css(&self) -> String {
        let Rgb(r, g, b) = self.rgb;
        if self.alpha == 255 {
            format!("rgb({r},{g},{b})")
        } else {
            let a = f64::from(self.alpha) / 255.0;
            format!("rgba({r},{g},{b},{a:.3})")
        }
    }
}

/// The 24 package colours shared by Pyroscope and Grafana: eight given in HSL (converted
/// here, see the test), then sixteen in RGB.
pub const PACKAGE_COLORS: [Rgb; 24] = [
    Rgb(223, 139, 83),  // hsl(24, 69%, 60%)
    Rgb(224, 173, 108), // hsl(34, 65%, 65%)
    Rgb(104, 183, 207), // hsl(194, 52%, 61%)
    Rgb(89, 192, 163),  // hsl(163, 45%, 55%)
    Rgb(104, 151, 202), // hsl(211, 48%, 60%)
    Rgb(137, 130, 201), // hsl(246, 40%, 65%)
    Rgb(235, 168, 230), // hsl(305, 63%, 79%)
    Rgb(255, 225, 117), // hsl(47, 100%, 73%)
    Rgb(183, 219, 171),
    Rgb(244, 213, 152),
    Rgb(78, 146, 249),
    Rgb(249, 186, 143),
    Rgb(242, 145, 145),
    Rgb(130, 181, 216),
    Rgb(229, 168, 226),
    Rgb(174, 162, 224),
    Rgb(154, 196, 138),
    Rgb(242, 201, 109),
    Rgb(101, 197, 219),
    Rgb(249, 147, 78),
    Rgb(234, 100, 96),
    Rgb(81, 149, 206),
    Rgb(214, 131, 206),
    Rgb(128, 110, 183),
];

/// Merged slivers and search misses (Pyroscope's grey at 66 %).
pub const GREY: Rgba = Rgba {
    rgb: Rgb(200, 200, 200),
    alpha: 168,
};
/// Opacity of the rows above a zoomed bar.
pub const DIM_ALPHA: f64 = 0.33;
/// Label text: always black on the pastel bars, in either theme.
pub const LABEL: Rgba = Rgb(0, 0, 0).opaque();

/// MurmurHash3 x86 32-bit of `bytes` with `seed`.
#[must_use]
pub fn murmur3_32(bytes: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mix = |k: u32| k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    let mut h = seed;
    let mut chunks = bytes.chunks_exact(4);
    for c in &mut chunks {
        let k = c
            .iter()
            .rev()
            .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        h = (h ^ mix(k))
            .rotate_left(13)
            .wrapping_mul(5)
            .wrapping_add(0xe654_6b64);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let k = tail
            .iter()
            .rev()
            .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        h ^= mix(k);
    }
    h ^= bytes.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// The palette index of a package string, hashing it the way the JavaScript original does
/// (`charCodeAt(i) & 0xff` per UTF-16 code unit).
#[must_use]
pub fn package_color_index(package: &str) -> u8 {
    let hash = if package.is_ascii() {
        // One UTF-16 unit per byte, equal to it: hash the bytes in place.
        murmur3_32(package.as_bytes(), 0)
    } else {
        let bytes: Vec<u8> = package.encode_utf16().map(|u| (u & 0xff) as u8).collect();
        murmur3_32(&bytes, 0)
    };
    (hash % PACKAGE_COLORS.len() as u32) as u8
}

/// The colour of frame `name` of a profile recorded by `spy`.
#[must_use]
pub fn package_color(spy: Spy, name: &str) -> Rgb {
    color_at(package_color_index(package_name(spy, name)))
}

fn color_at(index: u8) -> Rgb {
    PACKAGE_COLORS
        .get(usize::from(index))
        .copied()
        .unwrap_or(PACKAGE_COLORS[0])
}

/// The package colour of every name of one tree, each computed the first time it is drawn.
#[derive(Debug)]
pub struct NameColors {
    /// Palette index per name, [`UNSET`] until first drawn: a frame shows a few hundred
    /// of a profile's tens of thousands of names, so colouring them all up front would
    /// only delay the first paint. Atomic so the model can be shared; no ordering needed.
    index: Vec<AtomicU8>,
    spy: Spy,
}

/// Not yet computed (the palette has far fewer colours).
const UNSET: u8 = u8::MAX;

impl NameColors {
    /// Colours of the names of `tree` under `spy`'s package rule, computed on first use.
    /// The root is shown as `total` and coloured as such.
    #[must_use]
    pub fn new(tree: &Tree, spy: Spy) -> NameColors {
        let index = (0..tree.names().len())
            .map(|_| AtomicU8::new(UNSET))
            .collect();
        NameColors { index, spy }
    }

    /// The palette index of `name` in `tree` (the tree these colours were made for).
    #[must_use]
    pub fn index(&self, tree: &Tree, name: NameId) -> u8 {
        let Some(slot) = self.index.get(name.index()) else {
            return 0;
        };
        match slot.load(Relaxed) {
            UNSET => {
                let text = match tree.names().resolve(name) {
                    "" if name == NameId::EMPTY => "total",
                    n => n,
                };
                let index = package_color_index(package_name(self.spy, text));
                slot.store(index, Relaxed);
                index
            }
            index => index,
        }
    }

    /// The colour of `name` in `tree`.
    #[must_use]
    pub fn color(&self, tree: &Tree, name: NameId) -> Rgb {
        color_at(self.index(tree, name))
    }
}

/// The colour pair of a diff view (§1.6 step 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffPalette {
    /// Green (faster) → grey → red (slower).
    #[default]
    Default,
    /// Blue → grey → red, readable with red-green colour blindness.
    ColorBlind,
}

impl DiffPalette {
    /// Colours at −100 %, 0 % and +100 %.
    #[must_use]
    pub fn stops(self) -> (Rgb, Rgb, Rgb) {
        let neutral = Rgb(148, 142, 142);
        match self {
            DiffPalette::Default => (Rgb(0, 170, 0), neutral, Rgb(200, 0, 0)),
            DiffPalette::ColorBlind => (Rgb(26, 133, 255), neutral, Rgb(220, 50, 32)),
        }
    }

    /// The colour of a relative change in −100..=100 (clamped), linear in RGB between the
    /// stops, as d3's `scaleLinear` interpolates.
    #[must_use]
    pub fn color(self, change: f64) -> Rgb {
        let (good, neutral, bad) = self.stops();
        let change = if change.is_nan() {
            0.0
        } else {
            change.clamp(-100.0, 100.0)
        };
        let (from, to, t) = if change < 0.0 {
            (neutral, good, -change / 100.0)
        } else {
            (neutral, bad, change / 100.0)
        };
        let lerp = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb(lerp(from.0, to.0), lerp(from.1, to.1), lerp(from.2, to.2))
    }
}

/// A side's share in percent, rounded to 0.01 % (§1.6 step 2).
#[must_use]
pub fn side_percent(ticks: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    (10_000.0 * ticks as f64 / total as f64).round() / 100.0
}

/// Relative change from the left share to the right share, in percent, clamped to ±100:
/// 0 when equal, +100 when new (§1.6 step 3).
#[must_use]
pub fn diff_percent(left_percent: f64, right_percent: f64) -> f64 {
    if left_percent == right_percent {
        0.0
    } else if left_percent == 0.0 {
        100.0
    } else {
        ((right_percent - left_percent) / left_percent * 100.0).clamp(-100.0, 100.0)
    }
}

#[cfg(test)]
mod tests;
