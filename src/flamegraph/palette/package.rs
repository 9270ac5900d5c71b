//! The package part of a frame name, per profiler (ui-features.md §7.4).
//!
//! Pyroscope extracts it with one regular expression per `spyName`; each rule below is that
//! expression's result written out by hand, including its greedy and lazy choices, so the
//! app needs no regex engine. A name the expression does not match is its own package; the
//! empty name has the empty package. (The expressions' `.` does not match line breaks; frame
//! names never contain them, so that corner is not reproduced.)

/// The profiler that recorded a profile, as far as colouring cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spy {
    /// `gospy`, `scrape`.
    Go,
    /// `pyspy`.
    Python,
    /// `rbspy`.
    Ruby,
    /// `phpspy`.
    Php,
    /// `nodespy`.
    Node,
    /// `javaspy`.
    Java,
    /// `dotnetspy`.
    DotNet,
    /// `pyroscope-rs`.
    Rust,
    /// `tracing`.
    Tracing,
    /// `ebpfspy`, `unknown` and anything else: the whole name.
    #[default]
    Whole,
}

impl Spy {
    /// The rule for a profile's `spyName`.
    #[must_use]
    pub fn from_spy_name(spy_name: &str) -> Spy {
        match spy_name {
            "gospy" | "scrape" => Spy::Go,
            "pyspy" => Spy::Python,
            "rbspy" => Spy::Ruby,
            "phpspy" => Spy::Php,
            "nodespy" => Spy::Node,
            "javaspy" => Spy::Java,
            "dotnetspy" => Spy::DotNet,
            "pyroscope-rs" => Spy::Rust,
            "tracing" => Spy::Tracing,
            _ => Spy::Whole,
        }
    }
}

/// The package of frame `name` under `spy`'s rule.
#[must_use]
pub fn package_name(spy: Spy, name: &str) -> &str {
    if name.is_empty() {
        return name;
    }
    let package = match spy {
        Spy::Go => go(name),
        Spy::Python => script_dir(name, ".py"),
        Spy::Ruby => script_dir(name, ".rb"),
        Spy::Php => script_dir(name, ".php"),
        Spy::Node => node(name),
        Spy::Java => java(name),
        Spy::DotNet => dotnet(name),
        Spy::Rust => rust(name),
        Spy::Tracing => tracing(name),
        Spy::Whole => None,
    };
    package.unwrap_or(name)
}

/// `^(.*?/.*?\.|.*?\.|.+)`: up to the first `.` after the first `/`, else up to the first
/// `.`, else everything.
fn go(name: &str) -> Option<&str> {
    // Byte scans: both delimiters are ASCII, and `str::find` is slow in a size-optimised wasm.
    let bytes = name.as_bytes();
    let find = |from: usize, b: u8| {
        bytes
            .iter()
            .skip(from)
            .position(|&c| c == b)
            .map(|i| i + from)
    };
    if let Some(slash) = find(0, b'/') {
        if let Some(dot) = find(slash, b'.') {
            return name.get(..=dot);
        }
    }
    find(0, b'.').and_then(|dot| name.get(..=dot))
}

/// `^((.*/)*)(.*\.py+)(.*)$` (and `.rb`, `.php`): every directory before the last file
/// with the extension; empty when there is none.
fn script_dir<'a>(name: &'a str, extension: &str) -> Option<&'a str> {
    let file = name.rfind(extension)?;
    let dir_end = name.get(..file)?.rfind('/').map_or(0, |slash| slash + 1);
    name.get(..dir_end)
}

/// `^(\./node_modules/)?([^/]*)(.*\.?(jsx?|tsx?)?):(.*):(.*)$`: the first path segment of
/// a `file:function:line` name, after an optional `./node_modules/`.
fn node(name: &str) -> Option<&str> {
    let candidates = [name.strip_prefix("./node_modules/"), Some(name)];
    candidates.into_iter().flatten().find_map(|s| {
        // The segment stops at the first `/` and must leave two colons after it.
        let second_last_colon = s.rmatch_indices(':').nth(1)?.0;
        let end = s.find('/').unwrap_or(s.len()).min(second_last_colon);
        s.get(..end)
    })
}

/// `^(.+/)(.+\.)(.+)$`: everything up to the last `/` that is followed by `Class.method`.
fn java(name: &str) -> Option<&str> {
    name.match_indices('/').rev().find_map(|(slash, _)| {
        let rest = name.get(slash + 1..)?;
        let dot_inside = rest
            .char_indices()
            .any(|(i, c)| c == '.' && i > 0 && i + 1 < rest.len());
        (slash > 0 && dot_inside).then(|| name.get(..=slash))?
    })
}

/// `^(.+)\.(.+)\.(.+)\(.*\)$`: everything before the last two dot-separated segments of
/// `Namespace.Class.Method(args)`.
fn dotnet(name: &str) -> Option<&str> {
    if !name.ends_with(')') {
        return None;
    }
    name.match_indices('.').rev().find_map(|(dot, _)| {
        let rest = name.get(dot + 1..)?;
        // `(.+)\.(.+)\(.*\)$` on the rest: a dot after its first char, then a `(` at least
        // two chars after that dot and before the final `)`.
        let first = rest.chars().next()?.len_utf8();
        let first_dot = rest.get(first..)?.find('.')? + first;
        let open = rest.get(..rest.len() - 1)?.rfind('(')?;
        (dot > 0 && open >= first_dot + 2).then(|| name.get(..dot))?
    })
}

/// `^([^:]+)`: the leading run of non-colons (the crate).
fn rust(name: &str) -> Option<&str> {
    let end = name.find(':').unwrap_or(name.len());
    (end > 0).then(|| name.get(..end))?
}

/// `^(.+?):.*$`: the text before the first colon that has at least one char before it.
fn tracing(name: &str) -> Option<&str> {
    let first = name.chars().next()?.len_utf8();
    let colon = name.get(first..)?.find(':')? + first;
    name.get(..colon)
}
