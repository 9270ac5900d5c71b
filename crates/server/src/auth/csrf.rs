//! Cross-site request forgery protection for cookie-authenticated requests, by origin
//! (the algorithm of Go 1.25's `http.CrossOriginProtection`): safe methods pass; otherwise
//! a browser's `Sec-Fetch-Site` must say `same-origin` or `none`; without it, an `Origin`
//! header must name this host; a request with neither comes from a non-browser client
//! (which cannot be made to carry a victim's cookie) and passes. API keys are sent
//! explicitly by their holder, so key-authenticated requests need no check.

use axum::http::{header, HeaderMap, Method};

/// Whether a request with `method` and `headers` may act on the cookie it carries.
#[must_use]
pub fn allowed(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = get(header::ORIGIN.as_str()) else {
        return true;
    };
    let origin_host = origin
        .split_once("://")
        .map_or("", |(_, rest)| rest.trim_end_matches('/'));
    get(header::HOST.as_str()).is_some_and(|host| host.eq_ignore_ascii_case(origin_host))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn same_origin_and_non_browser_requests_pass() {
        let post = Method::POST;
        assert!(allowed(
            &Method::GET,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(allowed(
            &post,
            &headers(&[("sec-fetch-site", "same-origin")])
        ));
        assert!(allowed(&post, &headers(&[])));
        assert!(allowed(
            &post,
            &headers(&[("origin", "http://cinder:4040"), ("host", "cinder:4040")])
        ));
    }

    #[test]
    fn cross_site_requests_are_refused() {
        let post = Method::POST;
        assert!(!allowed(
            &post,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(!allowed(
            &post,
            &headers(&[("sec-fetch-site", "same-site")])
        ));
        assert!(!allowed(
            &post,
            &headers(&[("origin", "https://evil.example"), ("host", "cinder:4040")])
        ));
        assert!(!allowed(
            &post,
            &headers(&[("origin", "null"), ("host", "cinder")])
        ));
    }
}
