//! Editing the query through the tag menu: choosing `label = value` inserts or replaces
//! that matcher inside the query's `{…}`, as the original tags bar does. Parsing goes
//! through the same FlameQL parser the server uses.

use cinder_profile::selector::{MatchOp, Matcher, Selector};

/// The query with `label="value"` set (replacing any matcher on `label`). An unparsable
/// query becomes `app{label="value"}` for the given app.
#[must_use]
pub fn with_tag(query: &str, app: &str, label: &str, value: &str) -> String {
    let mut sel = Selector::parse(query).unwrap_or_else(|_| Selector::app(app));
    sel.matchers.retain(|m| m.key != label);
    sel.matchers.push(Matcher {
        key: label.into(),
        op: MatchOp::Eq,
        value: value.into(),
    });
    sel.to_string()
}

/// The query without any matcher on `label`.
#[must_use]
pub fn without_tag(query: &str, label: &str) -> String {
    match Selector::parse(query) {
        Ok(mut sel) => {
            sel.matchers.retain(|m| m.key != label);
            sel.to_string()
        }
        Err(_) => query.to_string(),
    }
}

/// Whether the query selects exactly `label="value"` (the menu marks it active).
#[must_use]
pub fn is_active(query: &str, label: &str, value: &str) -> bool {
    Selector::parse(query)
        .map(|s| {
            s.matchers
                .iter()
                .any(|m| m.key == label && m.op == MatchOp::Eq && m.value == value)
        })
        .unwrap_or(false)
}

/// The app of a query, if it parses.
#[must_use]
pub fn app_of(query: &str) -> Option<String> {
    Selector::parse(query).ok().map(|s| s.app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choosing_a_tag_inserts_or_replaces_it() {
        let q = with_tag("app.cpu{}", "app.cpu", "env", "prod");
        assert_eq!(q, r#"app.cpu{env="prod"}"#);
        let q = with_tag(&q, "app.cpu", "region", "eu");
        assert_eq!(q, r#"app.cpu{env="prod",region="eu"}"#);
        let q = with_tag(&q, "app.cpu", "env", "dev");
        assert_eq!(q, r#"app.cpu{region="eu",env="dev"}"#);
        assert!(is_active(&q, "env", "dev"));
        assert!(!is_active(&q, "env", "prod"));
        assert_eq!(without_tag(&q, "region"), r#"app.cpu{env="dev"}"#);
    }

    #[test]
    fn broken_queries_are_replaced_not_corrupted() {
        assert_eq!(
            with_tag("app.cpu{env=", "app.cpu", "k", "v"),
            r#"app.cpu{k="v"}"#
        );
        assert_eq!(app_of(r#"x.cpu{a="b"}"#).as_deref(), Some("x.cpu"));
        assert_eq!(app_of("{"), None);
    }
}
