//! The value types of the configuration and their one parser each. A value is written as
//! text in a flag or an env var and as text or a native YAML scalar in the file; both go
//! through [`Scalar::parse`], so `--retention 7d`, `PYROSCOPE_RETENTION=7d` and
//! `retention: 7d` are read by the same code and fail with the same message.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::auth::{SameSite, Secret};
use crate::base::{HumanDuration, Role};

/// A configuration value with one text form.
pub trait Scalar: Sized {
    /// What a valid value looks like (shown in type errors).
    const EXPECTING: &'static str;
    /// The one parser of this value, for flags, env vars and the file.
    fn parse(s: &str) -> Result<Self, String>;
    /// How `cinder config print` and `GET /config` show the value (secrets redacted).
    fn show(&self) -> Shown;
}

/// A value as shown to a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// A YAML boolean.
    Bool(bool),
    /// A YAML integer.
    Int(i64),
    /// A YAML string.
    Text(String),
}

/// A value parsed from any layer (flag, env var, file); see [`Scalar`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Val<T>(pub T);

/// Parsing a flag's or env var's text into a field's type.
pub trait FromLayer: Sized {
    /// Parses `s` with the type's one parser.
    fn from_layer(s: &str) -> Result<Self, String>;
}

impl<T: Scalar> FromLayer for Val<T> {
    fn from_layer(s: &str) -> Result<Self, String> {
        T::parse(s).map(Val)
    }
}

impl<'de, T: Scalar> Deserialize<'de> for Val<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<T: Scalar> Visitor<'_> for V<T> {
            type Value = Val<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::EXPECTING)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Val<T>, E> {
                T::parse(v).map(Val).map_err(E::custom)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Val<T>, E> {
                self.visit_str(if v { "true" } else { "false" })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Val<T>, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Val<T>, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Val<T>, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<T: Scalar> Serialize for Val<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.show() {
            Shown::Bool(b) => s.serialize_bool(b),
            Shown::Int(i) => s.serialize_i64(i),
            Shown::Text(t) => s.serialize_str(&t),
        }
    }
}

impl Scalar for bool {
    const EXPECTING: &'static str = "true or false";
    /// Go's `strconv.ParseBool` forms, plus `yes`/`no` and `on`/`off`.
    fn parse(s: &str) -> Result<bool, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "1" | "yes" | "y" | "on" => Ok(true),
            "false" | "f" | "0" | "no" | "n" | "off" => Ok(false),
            _ => Err(format!("{s:?} is not a boolean: write true or false")),
        }
    }
    fn show(&self) -> Shown {
        Shown::Bool(*self)
    }
}

impl Scalar for i64 {
    const EXPECTING: &'static str = "an integer";
    fn parse(s: &str) -> Result<i64, String> {
        s.trim()
            .parse()
            .map_err(|_| format!("{s:?} is not an integer"))
    }
    fn show(&self) -> Shown {
        Shown::Int(*self)
    }
}

impl Scalar for u32 {
    const EXPECTING: &'static str = "a whole number";
    fn parse(s: &str) -> Result<u32, String> {
        s.trim()
            .parse()
            .map_err(|_| format!("{s:?} is not a whole number (0 to {})", u32::MAX))
    }
    fn show(&self) -> Shown {
        Shown::Int(i64::from(*self))
    }
}

impl Scalar for String {
    const EXPECTING: &'static str = "a string";
    fn parse(s: &str) -> Result<String, String> {
        Ok(s.to_string())
    }
    fn show(&self) -> Shown {
        Shown::Text(self.clone())
    }
}

impl Scalar for PathBuf {
    const EXPECTING: &'static str = "a path";
    fn parse(s: &str) -> Result<PathBuf, String> {
        if s.is_empty() {
            return Err("the path is empty".into());
        }
        Ok(PathBuf::from(s))
    }
    fn show(&self) -> Shown {
        Shown::Text(self.display().to_string())
    }
}

impl Scalar for Secret {
    const EXPECTING: &'static str = "a string";
    fn parse(s: &str) -> Result<Secret, String> {
        Ok(Secret(s.to_string()))
    }
    /// Never the secret itself: `<redacted>`, or the empty string when none is set.
    fn show(&self) -> Shown {
        Shown::Text(if self.0.is_empty() {
            String::new()
        } else {
            "<redacted>".into()
        })
    }
}

impl Scalar for Role {
    const EXPECTING: &'static str = "ReadOnly, Agent or Admin";
    fn parse(s: &str) -> Result<Role, String> {
        Role::parse(s).ok_or_else(|| format!("{s:?} is not a role: expected {}", Self::EXPECTING))
    }
    fn show(&self) -> Shown {
        Shown::Text(self.as_str().into())
    }
}

impl Scalar for SameSite {
    const EXPECTING: &'static str = "Lax, Strict or None";
    fn parse(s: &str) -> Result<SameSite, String> {
        SameSite::parse(s).ok_or_else(|| {
            format!(
                "{s:?} is not a SameSite value: expected {}",
                Self::EXPECTING
            )
        })
    }
    fn show(&self) -> Shown {
        Shown::Text(self.as_str().into())
    }
}

impl Scalar for HumanDuration {
    const EXPECTING: &'static str = "0 or a duration such as 10s, 15m, 7d";
    fn parse(s: &str) -> Result<HumanDuration, String> {
        HumanDuration::parse(s)
    }
    fn show(&self) -> Shown {
        Shown::Text(self.to_string())
    }
}

/// A size in bytes: `1048576`, or a number with a unit: `KB`, `MB`, `GB`, `TB` (powers of
/// 1000) or `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024), any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl Scalar for ByteSize {
    const EXPECTING: &'static str = "a size in bytes, e.g. 1048576, 512MiB or 10GB";
    fn parse(s: &str) -> Result<ByteSize, String> {
        let t = s.trim();
        let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (number, unit) = t.split_at(digits);
        let bad = || format!("{s:?} is not {}", Self::EXPECTING);
        let n: u64 = number.parse().map_err(|_| bad())?;
        let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "kb" => 1_000,
            "mb" => 1_000_000,
            "gb" => 1_000_000_000,
            "tb" => 1_000_000_000_000,
            "kib" => 1 << 10,
            "mib" => 1 << 20,
            "gib" => 1 << 30,
            "tib" => 1 << 40,
            _ => return Err(bad()),
        };
        n.checked_mul(scale).map(ByteSize).ok_or_else(bad)
    }
    fn show(&self) -> Shown {
        Shown::Int(i64::try_from(self.0).unwrap_or(i64::MAX))
    }
}

/// A listen address as written (`:4040`) and as resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindAddr {
    /// What the user wrote.
    pub text: String,
    /// The socket address it means.
    pub addr: SocketAddr,
}

impl Scalar for BindAddr {
    const EXPECTING: &'static str = ":PORT, HOST:PORT or IP:PORT";
    fn parse(s: &str) -> Result<BindAddr, String> {
        parse_bind_addr(s)
            .map(|addr| BindAddr {
                text: s.to_string(),
                addr,
            })
            .ok_or_else(|| format!("{s:?}: expected {}", Self::EXPECTING))
    }
    fn show(&self) -> Shown {
        Shown::Text(self.text.clone())
    }
}

/// Parses Go-style listen addresses: `:4040` means every interface, `localhost:4040` is
/// the loopback address.
#[must_use]
pub fn parse_bind_addr(s: &str) -> Option<SocketAddr> {
    let (host, port) = s.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip = match host {
        "" => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        h => h.parse().ok()?,
    };
    Some(SocketAddr::new(ip, port))
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line (`timestamp`, `level`, `fields`, `target`).
    Json,
}

impl Scalar for LogFormat {
    const EXPECTING: &'static str = "text or json";
    fn parse(s: &str) -> Result<LogFormat, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(format!("{s:?}: expected {}", Self::EXPECTING)),
        }
    }
    fn show(&self) -> Shown {
        Shown::Text(match self {
            LogFormat::Text => "text".into(),
            LogFormat::Json => "json".into(),
        })
    }
}

/// A log filter in `tracing` syntax (`info`, `cinder_server=debug,info`), checked when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLevel(pub String);

impl Scalar for LogLevel {
    const EXPECTING: &'static str = "a log level (error, warn, info, debug, trace) or filter";
    /// The original's (logrus) level names are accepted too: `warning` is `warn`, `fatal`
    /// and `panic` are `error` (otherwise `tracing` would read them as a target's name).
    fn parse(s: &str) -> Result<LogLevel, String> {
        let filter = match s.trim().to_ascii_lowercase().as_str() {
            "warning" => "warn".to_string(),
            "fatal" | "panic" => "error".to_string(),
            _ => s.trim().to_string(),
        };
        tracing_subscriber::EnvFilter::try_new(&filter)
            .map(|_| LogLevel(filter))
            .map_err(|e| format!("{s:?} is not {} ({e})", Self::EXPECTING))
    }
    fn show(&self) -> Shown {
        Shown::Text(self.0.clone())
    }
}

/// `retention-levels`: how long each level of the time index is kept, e.g. `{0: 7d, 1: 30d}`
/// in the file, `0=7d,1=30d` in a flag or env var.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LevelAges(pub BTreeMap<u8, HumanDuration>);

impl LevelAges {
    fn insert(&mut self, level: u8, age: HumanDuration) -> Result<(), String> {
        if level >= crate::store::segments::LEVELS {
            return Err(format!(
                "level {level} does not exist: levels are 0 (10 s blocks) to {}",
                crate::store::segments::LEVELS - 1
            ));
        }
        self.0.insert(level, age);
        Ok(())
    }
}

impl FromLayer for LevelAges {
    fn from_layer(s: &str) -> Result<LevelAges, String> {
        let mut out = LevelAges::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (level, age) = part
                .split_once(['=', ':'])
                .ok_or_else(|| format!("{part:?}: expected LEVEL=DURATION, e.g. 0=7d,1=30d"))?;
            let level = level
                .trim()
                .parse()
                .map_err(|_| format!("{level:?} is not a level number"))?;
            out.insert(level, HumanDuration::parse(age)?)?;
        }
        Ok(out)
    }
}

impl<'de> Deserialize<'de> for LevelAges {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LevelAges;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of level to duration, e.g. {0: 7d, 1: 30d}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LevelAges, E> {
                LevelAges::from_layer(v).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LevelAges, A::Error> {
                let mut out = LevelAges::default();
                while let Some((level, age)) = map.next_entry::<u8, Val<HumanDuration>>()? {
                    out.insert(level, age.0).map_err(de::Error::custom)?;
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for LevelAges {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(l, d)| (l, d.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_addr_accepts_go_style_forms_and_rejects_garbage() {
        for (text, addr) in [
            (":4040", "0.0.0.0:4040"),
            ("127.0.0.1:80", "127.0.0.1:80"),
            ("localhost:1", "127.0.0.1:1"),
            ("[::1]:9", "[::1]:9"),
        ] {
            assert_eq!(parse_bind_addr(text).unwrap().to_string(), addr);
        }
        for bad in ["4040", ":http", "host.example:1", ":70000"] {
            assert!(BindAddr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn byte_sizes_take_decimal_and_binary_units() {
        for (text, bytes) in [
            ("1048576", 1_048_576),
            ("10GB", 10_000_000_000),
            ("512MiB", 512 << 20),
            ("4 kib", 4096),
            ("0", 0),
        ] {
            assert_eq!(ByteSize::parse(text).unwrap().0, bytes, "{text}");
        }
        for bad in ["", "GB", "1.5GB", "10 parsecs", "-1", "99999999999TB"] {
            assert!(ByteSize::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn booleans_take_gos_forms() {
        for t in ["true", "TRUE", "1", "t", "yes", "on"] {
            assert_eq!(bool::parse(t), Ok(true), "{t}");
        }
        for f in ["false", "0", "F", "no", "off"] {
            assert_eq!(bool::parse(f), Ok(false), "{f}");
        }
        assert!(bool::parse("maybe").is_err());
    }

    #[test]
    fn level_ages_parse_from_text_and_reject_missing_levels() {
        let l = LevelAges::from_layer("0=7d, 1:30d").unwrap();
        assert_eq!(l.0[&0].0.as_secs(), 7 * 86_400);
        assert_eq!(l.0[&1].0.as_secs(), 30 * 86_400);
        assert!(LevelAges::from_layer("9=1d").is_err());
        assert!(LevelAges::from_layer("x=1d").is_err());
        assert!(LevelAges::from_layer("0").is_err());
    }

    #[test]
    fn log_levels_take_the_originals_names() {
        assert_eq!(LogLevel::parse("warning").unwrap().0, "warn");
        assert_eq!(LogLevel::parse("Fatal").unwrap().0, "error");
        assert_eq!(LogLevel::parse("debug").unwrap().0, "debug");
        assert!(LogLevel::parse("info,[").is_err());
    }

    #[test]
    fn secrets_never_show() {
        assert_eq!(
            Secret("hunter2".into()).show(),
            Shown::Text("<redacted>".into())
        );
        assert_eq!(Secret(String::new()).show(), Shown::Text(String::new()));
    }
}
