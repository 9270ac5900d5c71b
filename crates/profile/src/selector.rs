//! Series keys and selectors: how a profile series is named and how queries pick series.
//!
//! Two grammars from the original server (spec §4.2, §6.10):
//! - an *ingestion key* `app.cpu{env=prod,region=eu}`: unquoted values, parsed leniently
//!   ([`SeriesKey::parse`]), normalised to sorted labels ([`SeriesKey::normalized`]);
//! - a *FlameQL selector* `app.cpu{env="prod",region=~"eu-.*"}`: quoted values and four
//!   match operators ([`Selector::parse`]).
//!
//! Both are parsed here, without regex compilation, so the web app can validate what the
//! user types with the same code the server runs. The server compiles the regexes.

use std::collections::BTreeMap;
use std::fmt;

/// The reserved label holding the application name (with its profile-type suffix).
pub const NAME_LABEL: &str = "__name__";

/// Why a key or selector could not be parsed. Messages follow the original server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectorError {
    /// Nothing before `{`.
    #[error("application name is required")]
    AppNameRequired,
    /// A character outside the allowed set in the application name.
    #[error("invalid application name: {0}: character is not allowed: '{1}'")]
    InvalidAppName(String, char),
    /// An empty label key.
    #[error("tag key is required")]
    TagKeyRequired,
    /// A label key with a character outside the allowed set.
    #[error("invalid tag key: {0}")]
    InvalidTagKey(String),
    /// `__name__` used in a selector.
    #[error("{0}: tag key is reserved")]
    ReservedTagKey(String),
    /// `{` without a final `}`.
    #[error("invalid query syntax: expected }} at the end")]
    MissingClosingBrace,
    /// A matcher that is not `key op "value"`.
    #[error("invalid tag matchers syntax")]
    InvalidMatchers,
    /// A value that is not double-quoted.
    #[error("invalid tag value syntax")]
    InvalidTagValue,
    /// No operator between key and value.
    #[error("match operator is required")]
    MatchOperatorRequired,
}

fn is_app_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Label keys: the original allowed `[A-Za-z0-9_]`; agents send dotted keys
/// (`otel.scope.name`), so dots are accepted too (spec agents.md §4).
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.')
}

fn parse_app_name(raw: &str) -> Result<String, SelectorError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(SelectorError::AppNameRequired);
    }
    match name.chars().find(|c| !is_app_char(*c)) {
        Some(c) => Err(SelectorError::InvalidAppName(name.to_string(), c)),
        None => Ok(name.to_string()),
    }
}

fn check_key(raw: &str) -> Result<String, SelectorError> {
    let key = raw.trim();
    if key.is_empty() {
        return Err(SelectorError::TagKeyRequired);
    }
    if key.chars().all(is_key_char) {
        Ok(key.to_string())
    } else {
        Err(SelectorError::InvalidTagKey(key.to_string()))
    }
}

/// A series' identity: application name plus labels (without `__name__`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SeriesKey {
    /// Application name including the profile-type suffix, e.g. `myapp.cpu`.
    pub app: String,
    /// Labels, sorted by key.
    pub labels: BTreeMap<String, String>,
}

impl SeriesKey {
    /// Builds a key from parts.
    #[must_use]
    pub fn new(app: impl Into<String>, labels: BTreeMap<String, String>) -> Self {
        Self {
            app: app.into(),
            labels,
        }
    }

    /// Parses an ingestion key `app{k=v,…}` (spec §4.2): values are unquoted, end at the
    /// next `,` or `}`, are trimmed and may be empty; parsing stops at the first `}`.
    /// A `__name__` label is dropped (the app name is authoritative).
    pub fn parse(s: &str) -> Result<SeriesKey, SelectorError> {
        let (app_part, rest) = match s.split_once('{') {
            Some((app, rest)) => (app, Some(rest)),
            None => (s, None),
        };
        let app = parse_app_name(app_part)?;
        let mut labels = BTreeMap::new();
        if let Some(rest) = rest {
            let body = rest.split('}').next().unwrap_or("");
            for pair in body.split(',').filter(|p| !p.trim().is_empty()) {
                let (k, v) = pair.split_once('=').ok_or(SelectorError::InvalidMatchers)?;
                let key = check_key(k)?;
                if key != NAME_LABEL {
                    labels.insert(key, v.trim().to_string());
                }
            }
        }
        Ok(SeriesKey { app, labels })
    }

    /// The canonical form `app{k1=v1,k2=v2}` (keys sorted, no spaces); `app{}` without
    /// labels. Two writes with the same normalised key go to the same series.
    #[must_use]
    pub fn normalized(&self) -> String {
        self.to_string()
    }

    /// Adds labels that are not already present (existing values win).
    pub fn add_missing_labels<'a>(&mut self, extra: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (k, v) in extra {
            if k != NAME_LABEL {
                self.labels
                    .entry(k.to_string())
                    .or_insert_with(|| v.to_string());
            }
        }
    }
}

impl fmt::Display for SeriesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{{", self.app)?;
        for (i, (k, v)) in self.labels.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{k}={v}")?;
        }
        f.write_str("}")
    }
}

/// How a matcher compares a label's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchOp {
    /// `=`: equal.
    Eq,
    /// `!=`: not equal (series without the label match).
    NotEq,
    /// `=~`: regex matches.
    Regex,
    /// `!~`: regex does not match (series without the label match).
    NotRegex,
}

impl MatchOp {
    /// The operator as written.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Eq => "=",
            MatchOp::NotEq => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        }
    }

    /// Negated operators remove series; the others select them.
    #[must_use]
    pub fn is_negative(self) -> bool {
        matches!(self, MatchOp::NotEq | MatchOp::NotRegex)
    }
}

/// One `key op "value"` term of a selector.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Matcher {
    /// Label key.
    pub key: String,
    /// Operator.
    pub op: MatchOp,
    /// Value or regex source, unquoted.
    pub value: String,
}

/// A FlameQL selector: an application and label matchers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Selector {
    /// Application name, e.g. `myapp.cpu`.
    pub app: String,
    /// Matchers, in the order written.
    pub matchers: Vec<Matcher>,
}

impl Selector {
    /// A selector for every series of `app`.
    #[must_use]
    pub fn app(app: impl Into<String>) -> Self {
        Self {
            app: app.into(),
            matchers: Vec::new(),
        }
    }

    /// Parses `app` or `app{k="v", k!="v", k=~"re", k!~"re"}` (spec §6.10). Values must be
    /// double-quoted; commas inside quotes are allowed; `__name__` is reserved.
    pub fn parse(s: &str) -> Result<Selector, SelectorError> {
        let s = s.trim();
        let Some((app, rest)) = s.split_once('{') else {
            return Ok(Selector::app(parse_app_name(s)?));
        };
        let app = parse_app_name(app)?;
        let body = rest
            .strip_suffix('}')
            .ok_or(SelectorError::MissingClosingBrace)?;
        let matchers = parse_matchers(body)?;
        Ok(Selector { app, matchers })
    }

    /// Matchers with negative operators first, the evaluation order of the original.
    pub fn matchers_in_evaluation_order(&self) -> impl Iterator<Item = &Matcher> {
        let neg = self.matchers.iter().filter(|m| m.op.is_negative());
        neg.chain(self.matchers.iter().filter(|m| !m.op.is_negative()))
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{{", self.app)?;
        for (i, m) in self.matchers.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}{}{:?}", m.key, m.op.as_str(), m.value)?;
        }
        f.write_str("}")
    }
}

/// Splits the inside of `{…}` into matchers, honouring quotes and backslash escapes.
fn parse_matchers(body: &str) -> Result<Vec<Matcher>, SelectorError> {
    let mut out = Vec::new();
    let mut rest = body.trim_start();
    while !rest.is_empty() {
        let op_at = rest
            .find(['=', '!', '"', ','])
            .ok_or(SelectorError::MatchOperatorRequired)?;
        let (raw_key, after_key) = rest.split_at(op_at);
        let key = check_key(raw_key)?;
        if key == NAME_LABEL {
            return Err(SelectorError::ReservedTagKey(key));
        }
        let (op, after_op) = if let Some(r) = after_key.strip_prefix("=~") {
            (MatchOp::Regex, r)
        } else if let Some(r) = after_key.strip_prefix("!=") {
            (MatchOp::NotEq, r)
        } else if let Some(r) = after_key.strip_prefix("!~") {
            (MatchOp::NotRegex, r)
        } else if let Some(r) = after_key.strip_prefix('=') {
            (MatchOp::Eq, r)
        } else {
            return Err(SelectorError::MatchOperatorRequired);
        };
        let (value, after_value) = parse_quoted(after_op.trim_start())?;
        out.push(Matcher { key, op, value });
        let after_value = after_value.trim_start();
        rest = match after_value.strip_prefix(',') {
            Some(r) => r.trim_start(),
            None if after_value.is_empty() => after_value,
            None => return Err(SelectorError::InvalidMatchers),
        };
    }
    Ok(out)
}

/// Reads a double-quoted string at the start of `s`; returns it unescaped and the rest.
fn parse_quoted(s: &str) -> Result<(String, &str), SelectorError> {
    let inner = s.strip_prefix('"').ok_or(SelectorError::InvalidTagValue)?;
    let mut value = String::new();
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, inner.get(i + 1..).unwrap_or(""))),
            '\\' => match chars.next() {
                Some((_, e)) => value.push(e),
                None => return Err(SelectorError::InvalidTagValue),
            },
            c => value.push(c),
        }
    }
    Err(SelectorError::InvalidTagValue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingestion_keys_normalise_to_sorted_labels() {
        let k = SeriesKey::parse(" my-app.cpu { region = eu , env=prod,empty=}trailing").unwrap();
        assert_eq!(k.normalized(), "my-app.cpu{empty=,env=prod,region=eu}");
        assert_eq!(SeriesKey::parse("app").unwrap().normalized(), "app{}");
    }

    #[test]
    fn ingestion_keys_accept_what_real_agents_send() {
        let name = "node.demo.app{otel.scope.name=com.grafana.pyroscope/nodejs,env=test,a=b=c}";
        let k = SeriesKey::parse(name).unwrap();
        assert_eq!(k.labels["otel.scope.name"], "com.grafana.pyroscope/nodejs");
        assert_eq!(k.labels["a"], "b=c");
    }

    #[test]
    fn ingestion_key_errors_match_the_original() {
        assert_eq!(
            SeriesKey::parse("{a=b}"),
            Err(SelectorError::AppNameRequired)
        );
        let e = SeriesKey::parse("my app{}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid application name: my app: character is not allowed: ' '"
        );
        assert_eq!(
            SeriesKey::parse("a{=v}"),
            Err(SelectorError::TagKeyRequired)
        );
        assert!(matches!(
            SeriesKey::parse("a{k-1=v}"),
            Err(SelectorError::InvalidTagKey(_))
        ));
    }

    #[test]
    fn selectors_parse_all_four_operators() {
        let s =
            Selector::parse(r#"app.cpu{env="prod", region=~"eu-.*",x!="a,b",y!~"\"q\""}"#).unwrap();
        let ops: Vec<_> = s
            .matchers
            .iter()
            .map(|m| (m.key.as_str(), m.op, m.value.as_str()))
            .collect();
        assert_eq!(
            ops,
            [
                ("env", MatchOp::Eq, "prod"),
                ("region", MatchOp::Regex, "eu-.*"),
                ("x", MatchOp::NotEq, "a,b"),
                ("y", MatchOp::NotRegex, "\"q\""),
            ]
        );
        let order: Vec<_> = s
            .matchers_in_evaluation_order()
            .map(|m| m.key.as_str())
            .collect();
        assert_eq!(order, ["x", "y", "env", "region"]);
    }

    #[test]
    fn selectors_round_trip_through_display() {
        for q in [r#"app.cpu{}"#, r#"a{k="v",r=~"x.*"}"#] {
            let s = Selector::parse(q).unwrap();
            assert_eq!(Selector::parse(&s.to_string()).unwrap(), s);
        }
        assert_eq!(Selector::parse("app").unwrap().to_string(), "app{}");
    }

    #[test]
    fn selector_errors_match_the_original() {
        assert_eq!(
            Selector::parse(r#"a{k="v""#),
            Err(SelectorError::MissingClosingBrace)
        );
        assert_eq!(
            Selector::parse(r#"a{k=v}"#),
            Err(SelectorError::InvalidTagValue)
        );
        assert_eq!(
            Selector::parse(r#"a{k"v"}"#),
            Err(SelectorError::MatchOperatorRequired)
        );
        assert!(matches!(
            Selector::parse(r#"a{__name__="x"}"#),
            Err(SelectorError::ReservedTagKey(_))
        ));
        assert_eq!(
            Selector::parse(r#"a{k="v" j="w"}"#),
            Err(SelectorError::InvalidMatchers)
        );
        assert_eq!(Selector::parse(""), Err(SelectorError::AppNameRequired));
    }
}
