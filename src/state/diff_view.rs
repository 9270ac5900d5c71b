//! Everything that defines the diff view (`/comparison-diff`), and its URL form with the
//! original Pyroscope's parameter names (`query`, `from`, `until`, `leftQuery`, `leftFrom`,
//! `leftUntil`, `rightQuery`, `rightFrom`, `rightUntil`), so links from the original open
//! the same diff here; plus `leftProfile`/`rightProfile` (any URL the single view's
//! `?profile=` opens) and the diff's own choices: colouring mode, palette, noise
//! threshold, search, selected function, table sort and zoomed node.

use super::diff_table::DiffSort;
use super::source::Source;
use super::time_range::TimeRange;
use crate::flamegraph::diff::{DiffMode, DiffStyle};
use crate::flamegraph::palette::DiffPalette;

/// Which side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The baseline (left).
    Left,
    /// The comparison (right).
    Right,
}

impl Side {
    /// Both, baseline first.
    pub const BOTH: [Side; 2] = [Side::Left, Side::Right];

    /// "Baseline" or "Comparison".
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Side::Left => "Baseline",
            Side::Right => "Comparison",
        }
    }

    /// URL prefix: `left` or `right`.
    #[must_use]
    pub fn prefix(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
}

/// One side: its query (empty: the main query), its window as the original writes it
/// (`now-1h`, `now`, unix seconds), or a profile URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideParams {
    /// `leftQuery` / `rightQuery`.
    pub query: String,
    /// `leftFrom` / `rightFrom`.
    pub from: String,
    /// `leftUntil` / `rightUntil`.
    pub until: String,
    /// `leftProfile` / `rightProfile`.
    pub profile: Option<String>,
}

impl SideParams {
    fn default_for(side: Side) -> SideParams {
        // The original's defaults: the last hour split in two halves.
        let (from, until) = match side {
            Side::Left => ("now-1h", "now-30m"),
            Side::Right => ("now-30m", "now"),
        };
        SideParams {
            query: String::new(),
            from: from.into(),
            until: until.into(),
            profile: None,
        }
    }
}

/// The diff view's state.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffViewState {
    /// `query`: the app, used by a side without its own query.
    pub query: String,
    /// `from`/`until`: the main range.
    pub range: TimeRange,
    /// The baseline.
    pub left: SideParams,
    /// The comparison.
    pub right: SideParams,
    /// Colouring.
    pub style: DiffStyle,
    /// Search term (the baseline's, and the comparison's while searches are synced).
    pub search: String,
    /// The comparison's own search term in the split view; `None` while synced.
    pub right_search: Option<String>,
    /// Function selected in the table (highlighted in the graph).
    pub selected: Option<String>,
    /// Table sort.
    pub sort: DiffSort,
    /// Zoomed node as names from the root's child down.
    pub focus: Vec<String>,
}

impl Default for DiffViewState {
    fn default() -> Self {
        DiffViewState::from_query_string("")
    }
}

impl DiffViewState {
    /// Reads the state from a URL query string (with or without `?`).
    #[must_use]
    pub fn from_query_string(qs: &str) -> DiffViewState {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(qs.trim_start_matches('?').as_bytes())
                .into_owned()
                .collect();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let side = |s: Side| {
            let d = SideParams::default_for(s);
            let p = s.prefix();
            SideParams {
                query: get(&format!("{p}Query")).unwrap_or("").to_owned(),
                from: get(&format!("{p}From")).map_or(d.from, String::from),
                until: get(&format!("{p}Until")).map_or(d.until, String::from),
                profile: get(&format!("{p}Profile")).map(String::from),
            }
        };
        DiffViewState {
            query: get("query").unwrap_or("").to_owned(),
            range: TimeRange::from_params(get("from"), get("until")),
            left: side(Side::Left),
            right: side(Side::Right),
            style: DiffStyle {
                palette: match get("palette") {
                    Some("colorblind") => DiffPalette::ColorBlind,
                    _ => DiffPalette::Default,
                },
                mode: get("colorMode").map_or_else(DiffMode::default, DiffMode::parse),
                threshold: get("threshold").map_or(0.0, DiffStyle::parse_threshold),
            },
            search: get("search").unwrap_or("").to_owned(),
            right_search: pairs
                .iter()
                .find(|(k, _)| k == "rightSearch")
                .map(|(_, v)| v.clone()),
            selected: get("fn").map(String::from),
            sort: get("sort").and_then(DiffSort::parse).unwrap_or_default(),
            focus: get("focus")
                .map(|f| f.split(';').map(String::from).collect())
                .unwrap_or_default(),
        }
    }

    /// The URL query string (without `?`); defaults are left out.
    #[must_use]
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.query.is_empty() {
            out.append_pair("query", &self.query);
        }
        let (from, until) = self.range.to_params();
        if self.range != TimeRange::default() {
            out.append_pair("from", &from);
            out.append_pair("until", &until);
        }
        for s in Side::BOTH {
            let (p, d) = (s.prefix(), self.side(s));
            if let Some(url) = &d.profile {
                out.append_pair(&format!("{p}Profile"), url);
                continue;
            }
            if !d.query.is_empty() {
                out.append_pair(&format!("{p}Query"), &d.query);
            }
            out.append_pair(&format!("{p}From"), &d.from);
            out.append_pair(&format!("{p}Until"), &d.until);
        }
        if self.style.mode != DiffMode::default() {
            out.append_pair("colorMode", self.style.mode.as_str());
        }
        if self.style.palette == DiffPalette::ColorBlind {
            out.append_pair("palette", "colorblind");
        }
        if self.style.threshold > 0.0 {
            out.append_pair("threshold", &self.style.threshold.to_string());
        }
        if !self.search.is_empty() {
            out.append_pair("search", &self.search);
        }
        if let Some(r) = &self.right_search {
            out.append_pair("rightSearch", r);
        }
        if let Some(f) = &self.selected {
            out.append_pair("fn", f);
        }
        if self.sort != DiffSort::default() {
            out.append_pair("sort", &self.sort.to_param());
        }
        if !self.focus.is_empty() {
            out.append_pair("focus", &self.focus.join(";"));
        }
        out.finish()
    }

    /// One side's parameters.
    #[must_use]
    pub fn side(&self, side: Side) -> &SideParams {
        match side {
            Side::Left => &self.left,
            Side::Right => &self.right,
        }
    }

    /// The query a side runs: its own, else the main one.
    #[must_use]
    pub fn side_query(&self, side: Side) -> &str {
        let own = &self.side(side).query;
        if own.is_empty() {
            &self.query
        } else {
            own
        }
    }

    /// Where a side's profile comes from at time `now`; `None` without a query or when its
    /// window cannot be read.
    #[must_use]
    pub fn source(&self, side: Side, now: i64) -> Option<Source> {
        let p = self.side(side);
        let window = match &p.profile {
            Some(_) => (0, 0),
            None => (time_expr(&p.from, now)?, time_expr(&p.until, now)?),
        };
        Source::of(p.profile.as_deref(), self.side_query(side), window)
    }

    /// The single view (`/?…`) of one side: its profile URL, or its query and window.
    #[must_use]
    pub fn single_view_link(&self, side: Side, now: i64) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        match self.source(side, now) {
            Some(Source::Url(url)) => {
                out.append_pair("profile", &url);
            }
            Some(Source::Query { query, from, until }) => {
                out.append_pair("query", &query);
                out.append_pair("from", &from.to_string());
                out.append_pair("until", &until.to_string());
            }
            None => {}
        }
        format!("/?{}", out.finish())
    }

    /// The search of one side.
    #[must_use]
    pub fn search_of(&self, side: Side) -> &str {
        match (side, &self.right_search) {
            (Side::Right, Some(own)) => own,
            _ => &self.search,
        }
    }

    /// Types `term` into `side`'s search box: both sides while synced.
    pub fn set_search(&mut self, side: Side, term: String) {
        match (side, &mut self.right_search) {
            (Side::Right, Some(own)) => *own = term,
            _ => self.search = term,
        }
    }

    /// Links or unlinks the two search boxes (unlinking starts from the shared term).
    pub fn set_search_synced(&mut self, synced: bool) {
        self.right_search = if synced {
            None
        } else {
            Some(self.search.clone())
        };
    }

    /// "Compare with N prior": the baseline becomes the comparison's window (and query)
    /// `period` seconds earlier, as absolute times. False when the comparison's window
    /// cannot be read (a profile URL, or a bad time).
    pub fn compare_with_prior(&mut self, period: i64, now: i64) -> bool {
        let r = &self.right;
        let window = r
            .profile
            .is_none()
            .then(|| Some((time_expr(&r.from, now)?, time_expr(&r.until, now)?)))
            .flatten();
        let Some((from, until)) = window else {
            return false;
        };
        self.left = SideParams {
            query: self.right.query.clone(),
            from: from.saturating_sub(period).to_string(),
            until: until.saturating_sub(period).to_string(),
            profile: None,
        };
        self.data_changed();
        true
    }

    /// A side's window in unix seconds at `now` (`None` for a profile URL or a bad time).
    #[must_use]
    pub fn window(&self, side: Side, now: i64) -> Option<(i64, i64)> {
        let p = self.side(side);
        if p.profile.is_some() {
            return None;
        }
        Some((time_expr(&p.from, now)?, time_expr(&p.until, now)?))
    }

    /// Selects `[from, until)` for `side` (a drag on the main timeline).
    pub fn set_window(&mut self, side: Side, from: i64, until: i64) {
        let p = match side {
            Side::Left => &mut self.left,
            Side::Right => &mut self.right,
        };
        p.from = from.to_string();
        p.until = until.to_string();
        p.profile = None;
        self.data_changed();
    }

    /// Whether `side`'s window lies outside the main range (5 minutes of tolerance, as the
    /// original's warning).
    #[must_use]
    pub fn outside_range(&self, side: Side, now: i64) -> bool {
        const TOLERANCE: i64 = 300;
        let (from, until) = self.range.resolve(now);
        self.window(side, now)
            .is_some_and(|(f, u)| f < from - TOLERANCE || u > until + TOLERANCE)
    }

    /// Widens the main range to cover both windows ("Sync timelines").
    pub fn sync_range(&mut self, now: i64) {
        let (mut from, mut until) = self.range.resolve(now);
        for side in Side::BOTH {
            if let Some((f, u)) = self.window(side, now) {
                from = from.min(f);
                until = until.max(u);
            }
        }
        self.range = TimeRange::Absolute { from, until };
    }

    /// Changing the data resets what depended on the old diff.
    pub fn data_changed(&mut self) {
        self.focus.clear();
        self.selected = None;
    }
}

/// The periods of "compare with N prior", as the original offers them.
pub const PRIOR_PERIODS: [(&str, i64); 6] = [
    ("1 hour", 3_600),
    ("12 hours", 43_200),
    ("24 hours", 86_400),
    ("1 week", 604_800),
    ("2 weeks", 1_209_600),
    ("30 days", 2_592_000),
];

/// A time as the original's URLs write it: `now`, `now-<n><s|m|h|d|w|M|y>`, or unix time
/// (seconds, or milliseconds when longer than 10 digits).
#[must_use]
pub fn time_expr(s: &str, now: i64) -> Option<i64> {
    let s = s.trim();
    if s == "now" {
        return Some(now);
    }
    if let Some(rest) = s.strip_prefix("now-") {
        let split = rest.find(|c: char| !c.is_ascii_digit())?;
        let (n, unit) = rest.split_at(split);
        let n: i64 = n.parse().ok()?;
        let secs = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3_600,
            "d" => 86_400,
            "w" => 604_800,
            "M" => 2_592_000,
            "y" => 31_536_000,
            _ => return None,
        };
        return now.checked_sub(n.checked_mul(secs)?);
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let v: i64 = s.parse().ok()?;
        return Some(if s.len() > 10 { v / 1000 } else { v });
    }
    None
}

#[cfg(test)]
mod tests;
