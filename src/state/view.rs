//! Everything that defines what the single view shows, and its URL form, so a link
//! reproduces the screen and Back/Forward undo: the query, the time range, the view mode,
//! the focused node (as a path of names), the search term, the table sort, the selected
//! function, the time zone, and `?profile=URL` for profiles opened without a server.

use super::time_range::TimeRange;

/// Which panes the single view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewMode {
    /// The function table only.
    Table,
    /// Table and flamegraph side by side.
    #[default]
    Both,
    /// The flamegraph only.
    Flamegraph,
    /// Table plus callers and callees of the selected function.
    Sandwich,
}

impl ViewMode {
    /// Every mode, in toolbar order.
    pub const ALL: [ViewMode; 4] = [
        ViewMode::Table,
        ViewMode::Both,
        ViewMode::Flamegraph,
        ViewMode::Sandwich,
    ];

    /// URL and toolbar name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ViewMode::Table => "table",
            ViewMode::Both => "both",
            ViewMode::Flamegraph => "flamegraph",
            ViewMode::Sandwich => "sandwich",
        }
    }

    /// Toolbar label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            ViewMode::Table => "Table",
            ViewMode::Both => "Both",
            ViewMode::Flamegraph => "Flamegraph",
            ViewMode::Sandwich => "Sandwich",
        }
    }

    fn parse(s: &str) -> Option<ViewMode> {
        ViewMode::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether the table pane is visible.
    #[must_use]
    pub fn shows_table(self) -> bool {
        !matches!(self, ViewMode::Flamegraph)
    }

    /// Whether the main flamegraph pane is visible.
    #[must_use]
    pub fn shows_flamegraph(self) -> bool {
        matches!(self, ViewMode::Both | ViewMode::Flamegraph)
    }
}

/// Table column to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    /// Function name.
    Name,
    /// Self ticks.
    #[default]
    SelfTicks,
    /// Total ticks.
    Total,
}

/// The table's sort: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSort {
    /// Column.
    pub column: SortColumn,
    /// Descending (the default for numbers).
    pub descending: bool,
}

impl Default for TableSort {
    fn default() -> Self {
        TableSort {
            column: SortColumn::SelfTicks,
            descending: true,
        }
    }
}

impl TableSort {
    /// Clicking a header: the same column flips, another column starts descending (names
    /// ascending).
    #[must_use]
    pub fn clicked(self, column: SortColumn) -> TableSort {
        if column == self.column {
            TableSort {
                column,
                descending: !self.descending,
            }
        } else {
            TableSort {
                column,
                descending: column != SortColumn::Name,
            }
        }
    }

    fn to_param(self) -> String {
        let col = match self.column {
            SortColumn::Name => "name",
            SortColumn::SelfTicks => "self",
            SortColumn::Total => "total",
        };
        format!("{col}-{}", if self.descending { "desc" } else { "asc" })
    }

    fn parse(s: &str) -> Option<TableSort> {
        let (col, dir) = s.split_once('-')?;
        let column = match col {
            "name" => SortColumn::Name,
            "self" => SortColumn::SelfTicks,
            "total" => SortColumn::Total,
            _ => return None,
        };
        let descending = match dir {
            "desc" => true,
            "asc" => false,
            _ => return None,
        };
        Some(TableSort { column, descending })
    }
}

/// The single view's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExploreState {
    /// FlameQL query, e.g. `app.cpu{env="prod"}`; empty until an app is chosen.
    pub query: String,
    /// Time range.
    pub range: TimeRange,
    /// Visible panes.
    pub view: ViewMode,
    /// Focused node as the names from the root's child down; empty for none.
    pub focus: Vec<String>,
    /// Search term.
    pub search: String,
    /// Table sort.
    pub sort: TableSort,
    /// Function selected in the table (highlighted, and the sandwich's subject).
    pub selected: Option<String>,
    /// Show times in UTC instead of the browser's zone.
    pub utc: bool,
    /// A profile URL opened without the server (`?profile=`).
    pub profile_url: Option<String>,
}

impl ExploreState {
    /// Reads the state from a URL query string (with or without the leading `?`).
    #[must_use]
    pub fn from_query_string(qs: &str) -> ExploreState {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(qs.trim_start_matches('?').as_bytes())
                .into_owned()
                .collect();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        ExploreState {
            query: get("query").unwrap_or("").to_string(),
            range: TimeRange::from_params(get("from"), get("until")),
            view: get("view").and_then(ViewMode::parse).unwrap_or_default(),
            focus: get("focus")
                .filter(|f| !f.is_empty())
                .map(|f| f.split(';').map(String::from).collect())
                .unwrap_or_default(),
            search: get("search").unwrap_or("").to_string(),
            sort: get("sort").and_then(TableSort::parse).unwrap_or_default(),
            selected: get("fn").filter(|f| !f.is_empty()).map(String::from),
            utc: get("tz") == Some("utc"),
            profile_url: get("profile").filter(|p| !p.is_empty()).map(String::from),
        }
    }

    /// The URL query string (without `?`); defaults are left out to keep links short.
    #[must_use]
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let Some(p) = &self.profile_url {
            out.append_pair("profile", p);
        }
        if !self.query.is_empty() {
            out.append_pair("query", &self.query);
        }
        if self.profile_url.is_none() {
            let (from, until) = self.range.to_params();
            out.append_pair("from", &from);
            out.append_pair("until", &until);
        }
        if self.view != ViewMode::default() {
            out.append_pair("view", self.view.as_str());
        }
        if !self.focus.is_empty() {
            out.append_pair("focus", &self.focus.join(";"));
        }
        if !self.search.is_empty() {
            out.append_pair("search", &self.search);
        }
        if self.sort != TableSort::default() {
            out.append_pair("sort", &self.sort.to_param());
        }
        if let Some(f) = &self.selected {
            out.append_pair("fn", f);
        }
        if self.utc {
            out.append_pair("tz", "utc");
        }
        out.finish()
    }

    /// Changing what is shown resets what depended on the old profile.
    pub fn set_query(&mut self, query: String) {
        if query != self.query {
            self.query = query;
            self.focus.clear();
            self.selected = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_round_trips_through_the_url() {
        let state = ExploreState {
            query: r#"app.cpu{env="prod",path=~"/a b&c"}"#.into(),
            range: TimeRange::Absolute {
                from: 1_700_000_000,
                until: 1_700_003_600,
            },
            view: ViewMode::Sandwich,
            focus: vec!["main".into(), "work (x.py:3)".into()],
            search: "alloc & co".into(),
            sort: TableSort {
                column: SortColumn::Name,
                descending: false,
            },
            selected: Some("fib".into()),
            utc: true,
            profile_url: None,
        };
        let qs = state.to_query_string();
        assert_eq!(ExploreState::from_query_string(&qs), state, "{qs}");
        assert_eq!(ExploreState::from_query_string(&format!("?{qs}")), state);
    }

    #[test]
    fn defaults_make_short_links() {
        let s = ExploreState {
            query: "a.cpu{}".into(),
            ..Default::default()
        };
        assert_eq!(
            s.to_query_string(),
            "query=a.cpu%7B%7D&from=now-1h&until=now"
        );
        assert_eq!(ExploreState::from_query_string(""), ExploreState::default());
    }

    #[test]
    fn the_original_uis_links_open() {
        let s = ExploreState::from_query_string(
            "query=ride.cpu%7B%7D&from=now-24h&until=now&groupBy=x",
        );
        assert_eq!(s.query, "ride.cpu{}");
        assert_eq!(s.range, TimeRange::Relative("now-24h".into()));
    }

    #[test]
    fn a_profile_url_replaces_the_time_range() {
        let s = ExploreState {
            profile_url: Some("http://x/p.json".into()),
            ..Default::default()
        };
        assert_eq!(s.to_query_string(), "profile=http%3A%2F%2Fx%2Fp.json");
    }

    #[test]
    fn table_header_clicks_flip_or_switch() {
        let s = TableSort::default();
        assert_eq!(
            s.clicked(SortColumn::SelfTicks),
            TableSort {
                column: SortColumn::SelfTicks,
                descending: false
            }
        );
        assert_eq!(
            s.clicked(SortColumn::Name),
            TableSort {
                column: SortColumn::Name,
                descending: false
            }
        );
        assert_eq!(
            s.clicked(SortColumn::Total),
            TableSort {
                column: SortColumn::Total,
                descending: true
            }
        );
    }

    #[test]
    fn changing_the_query_clears_focus_and_selection() {
        let mut s = ExploreState {
            query: "a.cpu{}".into(),
            focus: vec!["x".into()],
            selected: Some("f".into()),
            ..Default::default()
        };
        s.set_query("a.cpu{}".into());
        assert_eq!(s.focus.len(), 1);
        s.set_query("b.cpu{}".into());
        assert!(s.focus.is_empty() && s.selected.is_none());
    }
}
