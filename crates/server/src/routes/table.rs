//! The route table as data: every route is added through [`Table`], which applies its
//! guard and records a [`RouteInfo`] row at the same time. The router and the list that
//! tests check (the access matrix must cover every row) therefore cannot disagree, and a
//! new route cannot be added unguarded by mistake or go unchecked.

use std::collections::BTreeMap;

use axum::handler::Handler;
use axum::middleware::from_fn_with_state;
use axum::routing::{any, on, MethodFilter, MethodRouter};
use axum::Router;

use crate::auth::guard::{guard, Guard, Style};
use crate::auth::Access;
use crate::observe::{self, http::Observed};
use crate::AppState;

/// An HTTP method a route answers, or every method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// Any method (the original's routes without a method filter).
    Any,
    /// `GET` (and `HEAD`).
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
}

impl Verb {
    /// The method's name; `*` for [`Verb::Any`].
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Any => "*",
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
        }
    }

    fn filter(self) -> Option<MethodFilter> {
        match self {
            Verb::Any => None,
            Verb::Get => Some(MethodFilter::GET),
            Verb::Post => Some(MethodFilter::POST),
            Verb::Put => Some(MethodFilter::PUT),
            Verb::Patch => Some(MethodFilter::PATCH),
            Verb::Delete => Some(MethodFilter::DELETE),
        }
    }
}

/// One (method, path) of the router and what it requires (`None`: open to everyone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// The method.
    pub verb: Verb,
    /// The path pattern, e.g. `/api/users/{id}`.
    pub path: String,
    /// The guard, if any.
    pub access: Option<Access>,
}

/// Collects routes; [`Table::finish`] turns them into a router.
pub(super) struct Table<'s> {
    state: &'s AppState,
    paths: BTreeMap<String, MethodRouter<AppState>>,
    rows: Vec<RouteInfo>,
}

impl<'s> Table<'s> {
    pub(super) fn new(state: &'s AppState) -> Self {
        Table {
            state,
            paths: BTreeMap::new(),
            rows: Vec::new(),
        }
    }

    /// Adds `handler` for `verb` on `path`, behind `access` (refusals in `style`).
    pub(super) fn add<H, T>(
        &mut self,
        verb: Verb,
        path: &str,
        access: Option<(Access, Style)>,
        handler: H,
    ) where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.insert(verb, path, access, None, handler);
    }

    /// Like [`Table::add`], and the route's requests are recorded as `what` in the metrics
    /// (refusals of its guard included).
    pub(super) fn add_observed<H, T>(
        &mut self,
        verb: Verb,
        path: &str,
        access: Option<(Access, Style)>,
        what: Observed,
        handler: H,
    ) where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.insert(verb, path, access, Some(what), handler);
    }

    fn insert<H, T>(
        &mut self,
        verb: Verb,
        path: &str,
        access: Option<(Access, Style)>,
        observed: Option<Observed>,
        handler: H,
    ) where
        H: Handler<T, AppState>,
        T: 'static,
    {
        // `any` routes are a method router's fallback, which only `layer` wraps; on
        // method-filtered routes `route_layer` keeps the 405 for other methods ahead of
        // the guard (and out of the metrics).
        let mut route = match verb.filter() {
            None => any(handler),
            Some(f) => on(f, handler),
        };
        if let Some((a, style)) = access {
            let layer = from_fn_with_state(self.guard(a, style), guard);
            route = match verb {
                Verb::Any => route.layer(layer),
                _ => route.route_layer(layer),
            };
        }
        if let Some(what) = observed {
            let layer = from_fn_with_state(what, observe::http::track);
            route = match verb {
                Verb::Any => route.layer(layer),
                _ => route.route_layer(layer),
            };
        }
        let merged = match self.paths.remove(path) {
            Some(existing) => existing.merge(route),
            None => route,
        };
        self.paths.insert(path.to_string(), merged);
        self.rows.push(RouteInfo {
            verb,
            path: path.to_string(),
            access: access.map(|(a, _)| a),
        });
    }

    /// Answers other methods on `path` with `handler` instead of axum's empty 405.
    pub(super) fn fallback<H, T>(&mut self, path: &str, handler: H)
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        if let Some(route) = self.paths.remove(path) {
            self.paths.insert(path.to_string(), route.fallback(handler));
        }
    }

    fn guard(&self, access: Access, style: Style) -> Guard {
        Guard {
            state: self.state.clone(),
            access,
            style,
        }
    }

    /// The rows, in the order they were added.
    pub(super) fn rows(&self) -> &[RouteInfo] {
        &self.rows
    }

    /// The router of every added route.
    pub(super) fn finish(self) -> Router<AppState> {
        self.paths
            .into_iter()
            .fold(Router::new(), |r, (path, route)| r.route(&path, route))
    }
}
