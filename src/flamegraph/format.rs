//! Values with units, formatted as Pyroscope does (`format/format.ts`): one formatter per
//! graph, its scale chosen from the graph's total, so every label of a graph speaks the
//! same unit ("1.50 minutes", "340.00 MB", "12.00 K").
//!
//! - CPU `samples`: time, samples ÷ sample rate, in seconds … years.
//! - `trace_samples`: time from μs up.
//! - `lock_nanoseconds`: time from seconds up.
//! - `bytes`: bytes … PB in steps of 1024.
//! - `objects`, `goroutines`, `lock_samples`, `exceptions`: counts, K … P in steps of 1000.
//!
//! Always two decimals, "< 0.01" for tiny non-zero values, plural "s" on time units.

use std::fmt::Write;

use cinder_profile::Ticks;

/// What one tick of a profile is (`metadata.units`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    /// CPU samples, converted to time with the sample rate.
    #[default]
    Samples,
    /// Allocated or live objects.
    Objects,
    /// Goroutines.
    Goroutines,
    /// Allocated or live bytes.
    Bytes,
    /// Lock contention, in nanoseconds.
    LockNanoseconds,
    /// Lock contention events.
    LockSamples,
    /// Tracing samples (time spent in spans).
    TraceSamples,
    /// Exceptions thrown.
    Exceptions,
    /// Anything else: the number alone.
    Other,
}

/// The three tooltip row titles of a unit: share, formatted value, raw ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Titles {
    /// Title of the percentage row.
    pub share: &'static str,
    /// Title of the formatted value row.
    pub value: &'static str,
    /// Title of the raw tick count row.
    pub ticks: &'static str,
}

impl Unit {
    /// The unit of `metadata.units`; unknown strings give [`Unit::Other`].
    #[must_use]
    pub fn parse(units: &str) -> Unit {
        match units {
            "samples" | "" => Unit::Samples,
            "objects" => Unit::Objects,
            "goroutines" => Unit::Goroutines,
            "bytes" => Unit::Bytes,
            "lock_nanoseconds" => Unit::LockNanoseconds,
            "lock_samples" => Unit::LockSamples,
            "trace_samples" => Unit::TraceSamples,
            "exceptions" => Unit::Exceptions,
            _ => Unit::Other,
        }
    }

    /// The tooltip titles (Pyroscope's wording per unit).
    #[must_use]
    pub fn titles(self) -> Titles {
        let t = |share, value, ticks| Titles {
            share,
            value,
            ticks,
        };
        match self {
            Unit::Samples => t("Share of CPU", "CPU Time", "Samples"),
            Unit::Objects => t("Share of objects", "Objects", "Total objects"),
            Unit::Goroutines => t("Share of goroutines", "Goroutines", "Total goroutines"),
            Unit::Bytes => t("Share of RAM", "RAM", "Total bytes"),
            Unit::LockNanoseconds => t("Share of lock time", "Lock time", "Total nanoseconds"),
            Unit::LockSamples => t(
                "Share of lock samples",
                "Lock samples",
                "Total lock samples",
            ),
            Unit::TraceSamples => t("Share of trace spans", "Time", "Samples"),
            Unit::Exceptions => t("Share of exceptions", "Exceptions", "Total exceptions"),
            Unit::Other => t("Share", "Value", "Ticks"),
        }
    }
}

const TIME: &[(f64, &str)] = &[
    (60.0, "minute"),
    (60.0, "hour"),
    (24.0, "day"),
    (30.0, "month"),
    (12.0, "year"),
];
const SUBSECOND: &[(f64, &str)] = &[(1000.0, "ms"), (1000.0, "second")];
const BYTES: &[(f64, &str)] = &[
    (1024.0, "KB"),
    (1024.0, "MB"),
    (1024.0, "GB"),
    (1024.0, "TB"),
    (1024.0, "PB"),
];
const COUNTS: &[(f64, &str)] = &[
    (1000.0, "K"),
    (1000.0, "M"),
    (1000.0, "G"),
    (1000.0, "T"),
    (1000.0, "P"),
];

/// Formats tick counts of one graph. Build it once per profile with [`ValueFormatter::new`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueFormatter {
    unit: Unit,
    /// Ticks per base unit (seconds for time, 1 otherwise).
    ticks_per_base: f64,
    divider: f64,
    suffix: &'static str,
    /// Time suffixes get a plural "s" (except two-letter ones such as "ms").
    plural: bool,
}

impl ValueFormatter {
    /// The formatter for a graph of `unit` whose total is `max` ticks, sampled at
    /// `sample_rate` Hz (0 means unknown and is read as Pyroscope's default, 100).
    #[must_use]
    pub fn new(unit: Unit, max: Ticks, sample_rate: u32) -> ValueFormatter {
        let rate = if sample_rate == 0 {
            100.0
        } else {
            f64::from(sample_rate)
        };
        let (ticks_per_base, start, steps, plural): (f64, &'static str, Vec<(f64, &str)>, bool) =
            match unit {
                Unit::Samples => (rate, "second", TIME.to_vec(), true),
                Unit::TraceSamples => (rate / 1e6, "μs", [SUBSECOND, TIME].concat(), true),
                Unit::LockNanoseconds => (1e9, "second", TIME.to_vec(), true),
                Unit::Bytes => (1.0, "bytes", BYTES.to_vec(), false),
                Unit::Objects
                | Unit::Goroutines
                | Unit::LockSamples
                | Unit::Exceptions
                | Unit::Other => (1.0, "", COUNTS.to_vec(), false),
            };
        let mut rest = max.0 as f64 / ticks_per_base;
        let (mut divider, mut suffix) = (1.0, start);
        for (step, name) in steps {
            if rest < step {
                break;
            }
            divider *= step;
            rest /= step;
            suffix = name;
        }
        ValueFormatter {
            unit,
            ticks_per_base,
            divider,
            suffix,
            plural,
        }
    }

    /// The unit it formats.
    #[must_use]
    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// `ticks` in the graph's unit, e.g. "1.50 minutes".
    #[must_use]
    pub fn format(&self, ticks: Ticks) -> String {
        let mut out = String::new();
        self.write(ticks, &mut out);
        out
    }

    /// [`ValueFormatter::format`] appended to `out` (no allocation when it has room).
    pub fn write(&self, ticks: Ticks, out: &mut String) {
        let n = ticks.0 as f64 / self.ticks_per_base / self.divider;
        if n == 0.0 {
            out.push_str("0.00");
        } else if n < 0.01 {
            out.push_str("< 0.01");
        } else {
            let _ = write!(out, "{n:.2}");
        }
        if self.unit == Unit::Other {
            return;
        }
        out.push(' ');
        out.push_str(self.suffix);
        let short = self.suffix.chars().count() == 2;
        if self.plural && n != 1.0 && !short {
            out.push('s');
        }
    }
}

/// A share in percent as Pyroscope prints it: rounded to 0.01 and written without trailing
/// zeros, e.g. "12.5%", "100%".
pub fn write_percent(ratio: f64, out: &mut String) {
    let percent = (10_000.0 * ratio).round() / 100.0;
    let _ = write!(out, "{percent}%");
}

/// `ratio` as a percentage string (see [`write_percent`]).
#[must_use]
pub fn percent(ratio: f64) -> String {
    let mut out = String::new();
    write_percent(ratio, &mut out);
    out
}

/// An integer with thousands separators: "1,234,567".
#[must_use]
pub fn with_commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(unit: &str, max: u64, rate: u32, v: u64) -> String {
        ValueFormatter::new(Unit::parse(unit), Ticks(max), rate).format(Ticks(v))
    }

    #[test]
    fn cpu_samples_become_time_scaled_by_the_total() {
        assert_eq!(fmt("samples", 100, 100, 100), "1.00 second");
        assert_eq!(fmt("samples", 100, 100, 50), "0.50 seconds");
        assert_eq!(fmt("samples", 3_166_136, 100, 3_166_136), "8.79 hours");
        assert_eq!(fmt("samples", 12_000, 100, 6_000), "1.00 minute");
        assert_eq!(fmt("samples", 12_000, 100, 0), "0.00 minutes");
        assert_eq!(fmt("samples", 10_000_000, 100, 1), "< 0.01 days");
        assert_eq!(fmt("samples", 100, 0, 100), "1.00 second");
    }

    #[test]
    fn memory_counts_and_lock_units() {
        assert_eq!(fmt("bytes", 500, 0, 500), "500.00 bytes");
        assert_eq!(fmt("bytes", 3 << 20, 0, 3 << 19), "1.50 MB");
        assert_eq!(fmt("objects", 12_345, 0, 12_345), "12.35 K");
        assert_eq!(fmt("goroutines", 999, 0, 12), "12.00 ");
        assert_eq!(fmt("lock_samples", 2_000_000, 0, 1_000_000), "1.00 M");
        assert_eq!(
            fmt("lock_nanoseconds", 120_000_000_000, 0, 60_000_000_000),
            "1.00 minute"
        );
        assert_eq!(fmt("trace_samples", 5, 100, 5), "50.00 ms");
        assert_eq!(fmt("weird", 5, 100, 5), "5.00");
    }

    #[test]
    fn percentages_and_separators() {
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(1.0 / 3.0), "33.33%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(with_commas(0), "0");
        assert_eq!(with_commas(1234), "1,234");
        assert_eq!(with_commas(3_166_136), "3,166,136");
        assert_eq!(Unit::parse("bytes").titles().value, "RAM");
    }
}
