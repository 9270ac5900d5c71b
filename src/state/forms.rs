//! The settings forms' rules, checked before anything is sent (the server checks again):
//! each check names the field it is about, so the page shows the message next to it.
//! Limits follow the server (spec §5.6): names, e-mails and passwords at most 255 bytes.

use cinder_profile::api::{encode_password, NewApiKey, NewUser, PasswordChange, Role};

/// The server's length limit for names, e-mails and passwords.
const MAX_LEN: usize = 255;

/// A message about one field of a form (`field` is the input's id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The input the message belongs to.
    pub field: &'static str,
    /// What is wrong, for the user.
    pub message: String,
}

fn err(field: &'static str, message: &str) -> FieldError {
    FieldError {
        field,
        message: message.to_string(),
    }
}

/// Where a server error message belongs: the field it names, else the form (`""`).
#[must_use]
pub fn field_of_server_error(message: &str) -> &'static str {
    let m = message.to_ascii_lowercase();
    if m.contains("invalid password") {
        "old-password"
    } else if m.contains("password") {
        "new-password"
    } else if m.contains("email") {
        "email"
    } else if m.contains("full name") {
        "full-name"
    } else if m.contains("name") {
        "name"
    } else {
        ""
    }
}

fn check_required(field: &'static str, label: &str, v: &str, out: &mut Vec<FieldError>) {
    if v.trim().is_empty() {
        out.push(err(field, &format!("{label} is required")));
    } else if v.len() > MAX_LEN {
        out.push(err(
            field,
            &format!("{label} must not exceed {MAX_LEN} bytes"),
        ));
    }
}

fn check_email(field: &'static str, v: &str, out: &mut Vec<FieldError>) {
    let v = v.trim();
    let plausible = v
        .rsplit_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'));
    if !v.is_empty() && (!plausible || v.contains(' ') || v.len() > MAX_LEN) {
        out.push(err(field, "not a valid e-mail address"));
    }
}

fn none_if_blank(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// The change-password form: old, new and the new one again.
///
/// # Errors
/// Every problem, by field.
pub fn password_change(
    old: &str,
    new: &str,
    confirm: &str,
) -> Result<PasswordChange, Vec<FieldError>> {
    let mut out = Vec::new();
    if old.is_empty() {
        out.push(err("old-password", "the current password is required"));
    }
    if new.is_empty() {
        out.push(err("new-password", "the new password is required"));
    } else if new.len() > MAX_LEN {
        out.push(err(
            "new-password",
            "the new password must not exceed 255 bytes",
        ));
    } else if new == old {
        out.push(err(
            "new-password",
            "the new password must differ from the current one",
        ));
    }
    if confirm != new {
        out.push(err("confirm-password", "the two new passwords differ"));
    }
    if !out.is_empty() {
        return Err(out);
    }
    Ok(PasswordChange {
        old_password: encode_password(old),
        new_password: encode_password(new),
    })
}

/// The add-user form (admin) and the sign-up form (`role` `None`).
///
/// # Errors
/// Every problem, by field.
pub fn new_user(
    name: &str,
    email: &str,
    full_name: &str,
    password: &str,
    confirm: Option<&str>,
    role: Option<Role>,
) -> Result<NewUser, Vec<FieldError>> {
    let mut out = Vec::new();
    check_required("name", "the user name", name, &mut out);
    check_email("email", email, &mut out);
    if full_name.len() > MAX_LEN {
        out.push(err("full-name", "the full name must not exceed 255 bytes"));
    }
    check_required("password", "the password", password, &mut out);
    if confirm.is_some_and(|c| c != password) {
        out.push(err("confirm-password", "the two passwords differ"));
    }
    if !out.is_empty() {
        return Err(out);
    }
    Ok(NewUser {
        name: name.trim().to_string(),
        email: none_if_blank(email),
        full_name: none_if_blank(full_name),
        password: encode_password(password),
        role: role.map(|r| r.as_str().to_string()),
    })
}

/// How long a new API key stays valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// One day.
    Day,
    /// Thirty days.
    Month,
    /// 365 days.
    Year,
    /// No expiry.
    Never,
}

impl Lifetime {
    /// The picker's options, in order.
    pub const ALL: [Lifetime; 4] = [
        Lifetime::Day,
        Lifetime::Month,
        Lifetime::Year,
        Lifetime::Never,
    ];

    /// The option's label (also its value in the `<select>`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Lifetime::Day => "1 day",
            Lifetime::Month => "30 days",
            Lifetime::Year => "1 year",
            Lifetime::Never => "never expires",
        }
    }

    /// The option labelled `s`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Lifetime> {
        Lifetime::ALL.into_iter().find(|l| l.label() == s)
    }

    /// `ttlSeconds` of the request (`None`: never expires).
    #[must_use]
    pub fn ttl_seconds(self) -> Option<i64> {
        match self {
            Lifetime::Day => Some(86_400),
            Lifetime::Month => Some(30 * 86_400),
            Lifetime::Year => Some(365 * 86_400),
            Lifetime::Never => None,
        }
    }
}

/// The create-key form.
///
/// # Errors
/// Every problem, by field.
pub fn new_api_key(
    name: &str,
    role: Role,
    lifetime: Lifetime,
) -> Result<NewApiKey, Vec<FieldError>> {
    let mut out = Vec::new();
    check_required("key-name", "the key name", name, &mut out);
    if !out.is_empty() {
        return Err(out);
    }
    Ok(NewApiKey {
        name: name.trim().to_string(),
        role: role.as_str().to_string(),
        ttl_seconds: lifetime.ttl_seconds(),
    })
}

/// Whether the text typed to confirm deleting `name` matches it exactly.
#[must_use]
pub fn delete_confirmed(name: &str, typed: &str) -> bool {
    !name.is_empty() && typed.trim() == name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(r: Vec<FieldError>) -> Vec<&'static str> {
        r.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn password_change_checks_every_field_before_sending() {
        let ok = password_change("admin", "s3cret!", "s3cret!").unwrap();
        assert_eq!(
            (ok.old_password.as_str(), ok.new_password.as_str()),
            ("YWRtaW4=", "czNjcmV0IQ==")
        );
        assert_eq!(
            fields(password_change("", "", "").unwrap_err()),
            ["old-password", "new-password"]
        );
        assert_eq!(
            fields(password_change("a", "b", "c").unwrap_err()),
            ["confirm-password"]
        );
        assert_eq!(
            fields(password_change("a", "a", "a").unwrap_err()),
            ["new-password"]
        );
        let long = "x".repeat(256);
        assert_eq!(
            fields(password_change("a", &long, &long).unwrap_err()),
            ["new-password"]
        );
    }

    #[test]
    fn new_users_need_a_name_and_password_and_a_plausible_email() {
        let u = new_user(
            " jdoe ",
            "",
            " John ",
            "pw",
            Some("pw"),
            Some(Role::ReadOnly),
        )
        .unwrap();
        assert_eq!(u.name, "jdoe");
        assert_eq!((u.email, u.full_name.as_deref()), (None, Some("John")));
        assert_eq!(u.role.as_deref(), Some("ReadOnly"));
        let bad = new_user("", "nope", "", "", Some("x"), None).unwrap_err();
        assert_eq!(
            fields(bad),
            ["name", "email", "password", "confirm-password"]
        );
        assert!(new_user("a", "a@b.c", "", "p", None, None).is_ok());
        assert!(new_user("a", "a b@c.d", "", "p", None, None).is_err());
    }

    #[test]
    fn keys_get_a_name_a_role_and_a_lifetime() {
        let k = new_api_key("ci", Role::Agent, Lifetime::Month).unwrap();
        assert_eq!((k.role.as_str(), k.ttl_seconds), ("Agent", Some(2_592_000)));
        assert_eq!(
            new_api_key("ci", Role::Agent, Lifetime::Never)
                .unwrap()
                .ttl_seconds,
            None
        );
        assert_eq!(
            fields(new_api_key("  ", Role::Agent, Lifetime::Day).unwrap_err()),
            ["key-name"]
        );
        for l in Lifetime::ALL {
            assert_eq!(Lifetime::parse(l.label()), Some(l));
        }
    }

    #[test]
    fn server_errors_land_next_to_their_field_and_deletion_needs_the_exact_name() {
        assert_eq!(field_of_server_error("invalid password"), "old-password");
        assert_eq!(
            field_of_server_error("user password can't be empty"),
            "new-password"
        );
        assert_eq!(
            field_of_server_error("user with this email already exists"),
            "email"
        );
        assert_eq!(
            field_of_server_error("user with this name already exists"),
            "name"
        );
        assert_eq!(field_of_server_error("permission denied"), "");
        assert!(delete_confirmed("svc", " svc "));
        assert!(!delete_confirmed("svc", "sv") && !delete_confirmed("", ""));
    }
}
