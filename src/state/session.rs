//! Who is signed in, with which role, and whether the server requires signing in: what
//! every page reads to decide what to show (`GET /api/session`). Also where the sign-in
//! page sends the browser afterwards.

use cinder_profile::api::{Role, Session, User};

/// What the app knows about the session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SessionState {
    /// `/api/session` has not answered yet.
    #[default]
    Loading,
    /// The server's answer.
    Known(Session),
}

impl SessionState {
    fn session(&self) -> Option<&Session> {
        match self {
            SessionState::Known(s) => Some(s),
            SessionState::Loading => None,
        }
    }

    /// The signed-in user, if any.
    #[must_use]
    pub fn user(&self) -> Option<&User> {
        self.session()?.user.as_ref()
    }

    /// Whether the server requires signing in (internal auth on).
    #[must_use]
    pub fn auth_required(&self) -> bool {
        self.session().is_some_and(|s| s.auth_required)
    }

    /// Whether the sign-up page may be offered.
    #[must_use]
    pub fn signup_enabled(&self) -> bool {
        self.session().is_some_and(|s| s.signup_enabled)
    }

    /// Whether data may be asked for: sign-in not required, or a user is signed in.
    #[must_use]
    pub fn may_read(&self) -> bool {
        self.session()
            .is_some_and(|s| !s.auth_required || s.user.is_some())
    }

    /// Whether admin pages and actions are shown: only to a signed-in Admin (without
    /// sign-in there are no users, keys or roles to manage).
    #[must_use]
    pub fn is_admin(&self) -> bool {
        self.user().is_some_and(|u| u.role == Role::Admin)
    }

    /// Whether the navigation has a Settings entry (the original shows it only when the
    /// server requires sign-in).
    #[must_use]
    pub fn shows_settings(&self) -> bool {
        self.auth_required() && self.user().is_some()
    }

    /// Whether the "change the initial password" banner is due.
    #[must_use]
    pub fn default_password(&self) -> bool {
        self.session().is_some_and(|s| s.default_password)
    }

    /// After the user changed their profile.
    pub fn set_user(&mut self, user: User) {
        if let SessionState::Known(s) = self {
            s.user = Some(user);
        }
    }

    /// After the user changed their password: the initial one is gone.
    pub fn password_changed(&mut self) {
        if let SessionState::Known(s) = self {
            s.default_password = false;
        }
    }

    /// Whether destructive actions on data (deleting apps) are offered.
    #[must_use]
    pub fn may_delete(&self) -> bool {
        self.is_admin()
    }
}

/// Pages shown without the app's navigation (signed out, the links would only lead back).
#[must_use]
pub fn is_bare_page(path: &str) -> bool {
    matches!(path.trim_end_matches('/'), "/login" | "/signup")
}

/// Where to go after signing in: `next` if it is a path of this app (not another site,
/// not the sign-in pages themselves), else `/`.
#[must_use]
pub fn after_sign_in(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !is_bare_page(n.split('?').next().unwrap_or(n)) =>
        {
            n
        }
        _ => "/",
    }
}

/// The sign-in page that returns to `current` (a path with its query) afterwards.
#[must_use]
pub fn sign_in_url(current: &str) -> String {
    let next = after_sign_in(Some(current));
    if next == "/" {
        return "/login".into();
    }
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("next", next);
    format!("/login?{}", s.finish())
}

/// What a refused sign-in (`status`, the server's `reason`) tells the user.
#[must_use]
pub fn sign_in_refusal(status: u16, reason: &str) -> String {
    match status {
        401 => "Wrong user name or password.".into(),
        400 if reason.contains("disabled") => {
            "This account is disabled. Ask an administrator to enable it.".into()
        }
        429 => {
            let wait = reason
                .split_whitespace()
                .find_map(|w| w.parse::<u64>().ok())
                .map_or_else(|| "a little while".to_string(), |s| format!("{s} s"));
            format!("Too many sign-in attempts. Try again in {wait}.")
        }
        _ if reason.is_empty() => format!("Sign-in failed (HTTP {status})."),
        _ => reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        User {
            id: 1,
            name: "u".into(),
            email: None,
            full_name: None,
            role,
            is_disabled: false,
            is_external: false,
            created_at: String::new(),
            updated_at: String::new(),
            password_changed_at: String::new(),
        }
    }

    fn known(auth_required: bool, user: Option<User>) -> SessionState {
        SessionState::Known(Session {
            auth_required,
            user,
            ..Session::default()
        })
    }

    #[test]
    fn roles_decide_what_is_shown() {
        assert!(!SessionState::Loading.may_read());
        let open = known(false, None);
        assert!(open.may_read() && !open.shows_settings() && !open.is_admin());
        let signed_out = known(true, None);
        assert!(!signed_out.may_read() && !signed_out.shows_settings());
        let ro = known(true, Some(user(Role::ReadOnly)));
        assert!(ro.may_read() && ro.shows_settings());
        assert!(!ro.is_admin() && !ro.may_delete());
        let mut admin = known(true, Some(user(Role::Admin)));
        assert!(admin.is_admin() && admin.may_delete());
        if let SessionState::Known(s) = &mut admin {
            s.default_password = true;
        }
        assert!(admin.default_password());
        admin.password_changed();
        assert!(!admin.default_password());
        admin.set_user(User {
            name: "renamed".into(),
            ..user(Role::Admin)
        });
        assert_eq!(admin.user().map(|u| u.name.as_str()), Some("renamed"));
    }

    #[test]
    fn refusals_say_why_and_how_long_to_wait() {
        assert_eq!(
            sign_in_refusal(401, "invalid credentials"),
            "Wrong user name or password."
        );
        assert!(sign_in_refusal(400, "user disabled").contains("disabled"));
        assert_eq!(
            sign_in_refusal(429, "too many failed login attempts, try again in 42 s"),
            "Too many sign-in attempts. Try again in 42 s."
        );
        assert_eq!(
            sign_in_refusal(400, "user name can't be empty"),
            "user name can't be empty"
        );
    }

    #[test]
    fn sign_in_returns_only_to_pages_of_this_app() {
        assert_eq!(
            after_sign_in(Some("/explore?query=a.cpu%7B%7D&from=now-1h")),
            "/explore?query=a.cpu%7B%7D&from=now-1h"
        );
        for bad in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil",
            "/login?next=/x",
            "",
            "x",
        ] {
            assert_eq!(after_sign_in(Some(bad)), "/", "{bad}");
        }
        assert_eq!(after_sign_in(None), "/");
        assert_eq!(
            sign_in_url("/settings/api-keys?x=1&y=2"),
            "/login?next=%2Fsettings%2Fapi-keys%3Fx%3D1%26y%3D2"
        );
        assert_eq!(sign_in_url("/"), "/login");
        assert!(is_bare_page("/login") && is_bare_page("/signup/") && !is_bare_page("/"));
    }
}
