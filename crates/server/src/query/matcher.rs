//! Compiled selectors: a FlameQL [`Selector`] with its regexes compiled, able to say
//! whether a series' labels match.
//!
//! Regexes are **anchored** (`env=~"prod"` does not match `preprod`), as in Prometheus
//! and Grafana; the original OG server left them unanchored. This is a deliberate
//! difference, tested below.

use std::collections::BTreeMap;

use cinder_profile::selector::{MatchOp, Selector};
use regex::Regex;

/// A selector ready to be evaluated.
#[derive(Debug, Clone)]
pub struct CompiledSelector {
    /// Application name the selector is for.
    pub app: String,
    terms: Vec<Term>,
}

#[derive(Debug, Clone)]
struct Term {
    key: String,
    op: MatchOp,
    value: String,
    regex: Option<Regex>,
}

impl CompiledSelector {
    /// Compiles every regex of `sel`; an invalid one is reported with its source.
    pub fn compile(sel: &Selector) -> Result<Self, String> {
        let terms = sel
            .matchers_in_evaluation_order()
            .map(|m| {
                let regex = match m.op {
                    MatchOp::Regex | MatchOp::NotRegex => Some(
                        Regex::new(&format!("^(?:{})$", m.value))
                            .map_err(|e| format!("invalid regex {:?}: {e}", m.value))?,
                    ),
                    MatchOp::Eq | MatchOp::NotEq => None,
                };
                Ok(Term {
                    key: m.key.clone(),
                    op: m.op,
                    value: m.value.clone(),
                    regex,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Self {
            app: sel.app.clone(),
            terms,
        })
    }

    /// Whether a series of this selector's app with `labels` is selected. A missing label
    /// reads as the empty string, so `k!="v"` keeps series without `k`.
    #[must_use]
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.terms.iter().all(|t| {
            let v = labels.get(&t.key).map_or("", String::as_str);
            let present = labels.contains_key(&t.key);
            match (t.op, &t.regex) {
                (MatchOp::Eq, _) => present && v == t.value,
                (MatchOp::NotEq, _) => !present || v != t.value,
                (MatchOp::Regex, Some(re)) => present && re.is_match(v),
                (MatchOp::NotRegex, Some(re)) => !present || !re.is_match(v),
                (_, None) => false,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn sel(q: &str) -> CompiledSelector {
        CompiledSelector::compile(&Selector::parse(q).unwrap()).unwrap()
    }

    #[test]
    fn equality_and_negation() {
        let prod = labels(&[("env", "prod")]);
        let none = labels(&[]);
        assert!(sel(r#"a{env="prod"}"#).matches(&prod));
        assert!(!sel(r#"a{env="prod"}"#).matches(&none));
        assert!(!sel(r#"a{env!="prod"}"#).matches(&prod));
        assert!(
            sel(r#"a{env!="prod"}"#).matches(&none),
            "series without the label stay"
        );
    }

    #[test]
    fn regexes_are_anchored_unlike_the_original() {
        let preprod = labels(&[("env", "preprod")]);
        assert!(!sel(r#"a{env=~"prod"}"#).matches(&preprod));
        assert!(sel(r#"a{env=~".*prod"}"#).matches(&preprod));
        assert!(sel(r#"a{env!~"prod"}"#).matches(&preprod));
        assert!(sel(r#"a{env!~"x"}"#).matches(&labels(&[])));
    }

    #[test]
    fn invalid_regex_is_an_error_not_a_crash() {
        let e = CompiledSelector::compile(&Selector::parse(r#"a{k=~"("}"#).unwrap()).unwrap_err();
        assert!(e.contains("invalid regex"), "{e}");
    }
}
