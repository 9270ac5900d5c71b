//! The session cookie `pyroscopeJWT` (spec §2.11, §5.4): `Path=/; HttpOnly`, `SameSite`
//! from the config, `Secure` when configured, when `SameSite=None` (browsers require it),
//! or when a proxy says the request came over https. No expiry attribute: a browser-session
//! cookie, as in the original; the token inside may carry its own `exp`.

use axum::http::{header, HeaderMap, HeaderValue};

/// Name of the session cookie.
pub const SESSION: &str = "pyroscopeJWT";

/// The `SameSite` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SameSite {
    /// Sent on top-level navigations from other sites, not on their subrequests.
    #[default]
    Lax,
    /// Never sent from other sites.
    Strict,
    /// Always sent (requires `Secure`).
    None,
}

impl SameSite {
    /// `lax`, `strict` or `none`, any case.
    #[must_use]
    pub fn parse(s: &str) -> Option<SameSite> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lax" => Some(SameSite::Lax),
            "strict" => Some(SameSite::Strict),
            "none" => Some(SameSite::None),
            _ => None,
        }
    }

    /// The attribute as written in `Set-Cookie` and in the configuration.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
            SameSite::None => "None",
        }
    }
}

/// Whether a proxy in front says the client used https.
#[must_use]
pub fn came_over_https(headers: &HeaderMap) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    get("x-forwarded-proto").is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
        || get("forwarded").is_some_and(|f| f.to_ascii_lowercase().contains("proto=https"))
}

/// `Set-Cookie` for a session holding `token` (`max_age: Some(0)` clears it).
#[must_use]
pub fn set_cookie(
    token: &str,
    same_site: SameSite,
    secure: bool,
    max_age: Option<u32>,
) -> HeaderValue {
    let mut v = format!("{SESSION}={token}; Path=/");
    if let Some(age) = max_age {
        v.push_str(&format!("; Max-Age={age}"));
    }
    v.push_str("; HttpOnly; SameSite=");
    v.push_str(same_site.as_str());
    if secure || same_site == SameSite::None {
        v.push_str("; Secure");
    }
    // The token is base64url and dots: always a valid header value.
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The value of cookie `name` in the request's `Cookie` headers.
#[must_use]
pub fn get<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes_follow_the_original() {
        assert_eq!(
            set_cookie("t", SameSite::Lax, false, None),
            "pyroscopeJWT=t; Path=/; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            set_cookie("", SameSite::Lax, false, Some(0)),
            "pyroscopeJWT=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            set_cookie("t", SameSite::None, false, None),
            "pyroscopeJWT=t; Path=/; HttpOnly; SameSite=None; Secure"
        );
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; pyroscopeJWT=abc.def".parse().unwrap());
        assert_eq!(get(&h, SESSION), Some("abc.def"));
        assert_eq!(get(&h, "b"), None);
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(came_over_https(&proxied) && !came_over_https(&h));
    }
}
