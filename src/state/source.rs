//! Where one profile comes from: a URL (`?profile=`, `?leftProfile=`, anything the app can
//! open) or a query over a time range of the server (`/render`). The single view has one
//! source; each side of a comparison has its own.

/// A profile's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file at a URL: flamebearer JSON (a `/render` answer included), folded or pprof.
    Url(String),
    /// `/render` of `query` over `[from, until)` (unix seconds).
    Query {
        /// FlameQL query, e.g. `app.cpu{env="prod"}`.
        query: String,
        /// Start, unix seconds.
        from: i64,
        /// End, unix seconds.
        until: i64,
    },
}

impl Source {
    /// The source a view asks for: its URL if set, else its query (none when empty).
    #[must_use]
    pub fn of(url: Option<&str>, query: &str, (from, until): (i64, i64)) -> Option<Source> {
        match url {
            Some(url) => Some(Source::Url(url.to_owned())),
            None if query.is_empty() => None,
            None => Some(Source::Query {
                query: query.to_owned(),
                from,
                until,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_wins_over_the_query_and_an_empty_query_is_no_source() {
        assert_eq!(
            Source::of(Some("/p.json"), "a.cpu{}", (1, 2)),
            Some(Source::Url("/p.json".into()))
        );
        assert_eq!(Source::of(None, "", (1, 2)), None);
        assert_eq!(
            Source::of(None, "a.cpu{}", (1, 2)),
            Some(Source::Query {
                query: "a.cpu{}".into(),
                from: 1,
                until: 2
            })
        );
    }
}
