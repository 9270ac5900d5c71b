//! Users as the API sees them: validation with the original's messages and order
//! (spec §2.10, §5.6), and changes that go through one store transaction so the rules that
//! span users hold under concurrency: names and e-mails stay unique, and there is always
//! an enabled admin once there was one. Changes of role, password or the disabled flag
//! start a new session generation, which invalidates every older session of that user.

use serde::Deserialize;

use super::password::Password;
use super::{Principal, Role};
use crate::error::AppError;
use crate::store::{Store, UserConflict, UserRecord, UsersTxn};

/// Longest name, e-mail, full name or password, in bytes.
const MAX_LEN: usize = 255;

/// A fresh record (id assigned on insert).
#[must_use]
pub fn new_record(
    name: &str,
    email: Option<&str>,
    full_name: Option<&str>,
    password_hash: String,
    role: Role,
    now: i64,
) -> UserRecord {
    UserRecord {
        id: 0,
        name: name.to_string(),
        email: email.map(str::to_string),
        full_name: full_name.map(str::to_string),
        password_hash,
        role,
        is_disabled: false,
        is_external: false,
        created_at: now,
        updated_at: now,
        password_changed_at: now,
        session_epoch: 0,
    }
}

/// Body of `POST /api/users` and `POST /signup` (`username`, sent by the UI's signup
/// form, is ignored).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    /// Login name.
    #[serde(default)]
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Display name.
    pub full_name: Option<String>,
    /// Password (base64 on the wire).
    #[serde(default)]
    pub password: Password,
    /// Role name; signups ignore it.
    pub role: Option<String>,
}

/// Body of `PATCH /api/user` and `PATCH /api/users/{id}`: the shared shape.
pub use cinder_profile::api::ProfilePatch;

/// A plausible e-mail address: `local@domain`, no spaces, no empty labels.
fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    s.len() <= MAX_LEN
        && !local.is_empty()
        && !domain.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.split('.').all(|label| !label.is_empty())
}

fn check_name(name: &str, errors: &mut Vec<String>) {
    if name.is_empty() {
        errors.push("user name can't be empty".into());
    } else if name.len() > MAX_LEN {
        errors.push("user name must not exceed 255 characters".into());
    }
}

fn check_details(email: Option<&str>, full_name: Option<&str>, errors: &mut Vec<String>) {
    if email.is_some_and(|e| !valid_email(e)) {
        errors.push("user email is invalid".into());
    }
    if full_name.is_some_and(|n| n.len() > MAX_LEN) {
        errors.push("user full name must not exceed 255 characters".into());
    }
}

/// Checks a new password.
pub fn check_password(p: &Password) -> Result<(), AppError> {
    let mut errors = Vec::new();
    check_password_into(p, &mut errors);
    invalid(errors)
}

fn check_password_into(p: &Password, errors: &mut Vec<String>) {
    if p.is_empty() {
        errors.push("user password can't be empty".into());
    } else if p.as_bytes().len() > MAX_LEN {
        errors.push("user password must not exceed 255 characters".into());
    }
}

fn invalid(errors: Vec<String>) -> Result<(), AppError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Validates `u` (all errors at once, in the original's order) and returns its role:
/// `default_role` for signups, else the parsed `role` field.
pub fn validate_new(u: &NewUser, default_role: Option<Role>) -> Result<Role, AppError> {
    let mut errors = Vec::new();
    check_name(&u.name, &mut errors);
    check_details(u.email.as_deref(), u.full_name.as_deref(), &mut errors);
    check_password_into(&u.password, &mut errors);
    let role = default_role.or_else(|| u.role.as_deref().and_then(Role::parse));
    if role.is_none() {
        errors.push("unknown role".into());
    }
    invalid(errors)?;
    role.ok_or_else(|| AppError::Invalid(vec!["unknown role".into()]))
}

fn conflict(c: UserConflict) -> AppError {
    match c {
        UserConflict::Email => {
            AppError::Invalid(vec!["user with this email already exists".into()])
        }
        UserConflict::Name => AppError::Invalid(vec!["user with this name already exists".into()]),
        UserConflict::Missing => user_not_found(),
    }
}

fn user_not_found() -> AppError {
    AppError::NotFound("user not found".into())
}

/// Stores a validated new user whose password is already hashed.
pub fn create(store: &Store, user: UserRecord) -> Result<UserRecord, AppError> {
    store.users_transaction(|t| t.insert(user).map_err(conflict))
}

/// Hashes a validated `new` user's password and stores the user with `role`. The hash is
/// the slow part: call this inside `Auth::hashing`.
pub fn create_from(
    store: &Store,
    new: &NewUser,
    role: Role,
    now: i64,
) -> Result<UserRecord, AppError> {
    let hash = super::password::hash(new.password.as_bytes()).map_err(AppError::Internal)?;
    let record = new_record(
        &new.name,
        new.email.as_deref(),
        new.full_name.as_deref(),
        hash,
        role,
        now,
    );
    create(store, record)
}

/// Applies `patch` to user `id`; returns the updated user.
pub fn update_profile(
    store: &Store,
    id: u64,
    patch: ProfilePatch,
    now: i64,
) -> Result<UserRecord, AppError> {
    let mut errors = Vec::new();
    if let Some(name) = &patch.name {
        check_name(name, &mut errors);
    }
    check_details(
        patch.email.as_deref(),
        patch.full_name.as_deref(),
        &mut errors,
    );
    invalid(errors)?;
    store.users_transaction(|t| {
        let mut user = t.get(id).cloned().ok_or_else(user_not_found)?;
        if let Some(name) = patch.name {
            if user.is_external && name != user.name {
                return Err(AppError::Invalid(vec![
                    "external users can't be modified".into()
                ]));
            }
            user.name = name;
        }
        if patch.email.is_some() {
            user.email = patch.email;
        }
        if patch.full_name.is_some() {
            user.full_name = patch.full_name;
        }
        user.updated_at = now;
        t.replace(user.clone()).map_err(conflict)?;
        Ok(user)
    })
}

/// A change an admin makes to another user (or a user to their own password).
#[derive(Debug)]
pub enum Change {
    /// New password hash.
    Password(String),
    /// New role.
    Role(Role),
    /// Disable (`true`) or enable.
    Disabled(bool),
}

/// Admin actions on one's own account are refused (spec: password, disable, enable, role;
/// here delete as well, so an admin cannot lock themself out by accident).
pub fn forbid_self(actor: &Principal, target: u64) -> Result<(), AppError> {
    match actor {
        Principal::User(u) if u.id == target => Err(AppError::Forbidden),
        _ => Ok(()),
    }
}

fn enabled_admins(t: &UsersTxn) -> usize {
    t.iter()
        .filter(|u| u.role == Role::Admin && !u.is_disabled)
        .count()
}

/// Refuses a change that would leave no enabled admin where there was one.
fn keep_an_admin(before: usize, t: &UsersTxn) -> Result<(), AppError> {
    if before > 0 && enabled_admins(t) == 0 {
        return Err(AppError::Invalid(vec![
            "the last admin can't be removed".into()
        ]));
    }
    Ok(())
}

/// Applies `change` to user `id` and starts a new session generation; returns the user.
pub fn apply(store: &Store, id: u64, change: Change, now: i64) -> Result<UserRecord, AppError> {
    store.users_transaction(|t| {
        let before = enabled_admins(t);
        let mut user = t.get(id).cloned().ok_or_else(user_not_found)?;
        match change {
            Change::Password(hash) => {
                user.password_hash = hash;
                user.password_changed_at = now;
            }
            Change::Role(role) => user.role = role,
            Change::Disabled(d) => user.is_disabled = d,
        }
        user.updated_at = now;
        user.session_epoch += 1;
        t.replace(user.clone()).map_err(conflict)?;
        keep_an_admin(before, t)?;
        Ok(user)
    })
}

/// Deletes user `id` (nothing happens for unknown ids).
pub fn delete(store: &Store, id: u64) -> Result<(), AppError> {
    store.users_transaction(|t| {
        let before = enabled_admins(t);
        t.remove(id);
        keep_an_admin(before, t)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, email: Option<&str>, password: &[u8], role: Option<&str>) -> NewUser {
        NewUser {
            name: name.into(),
            email: email.map(Into::into),
            full_name: None,
            password: Password(password.to_vec()),
            role: role.map(Into::into),
        }
    }

    fn messages(e: AppError) -> Vec<String> {
        match e {
            AppError::Invalid(m) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_validation_error_is_reported_in_order() {
        let e = validate_new(&user("", Some(""), b"", Some("Editor")), None).unwrap_err();
        assert_eq!(
            messages(e),
            [
                "user name can't be empty",
                "user email is invalid",
                "user password can't be empty",
                "unknown role"
            ]
        );
        let long = "x".repeat(256);
        let e = validate_new(&user(&long, None, long.as_bytes(), Some("admin")), None).unwrap_err();
        assert_eq!(
            messages(e),
            [
                "user name must not exceed 255 characters",
                "user password must not exceed 255 characters"
            ]
        );
    }

    #[test]
    fn signups_take_the_default_role_and_roles_parse_loosely() {
        let u = user("jdoe", Some("jdoe@example.com"), b"pw", Some("Admin"));
        assert_eq!(
            validate_new(&u, Some(Role::ReadOnly)).unwrap(),
            Role::ReadOnly
        );
        assert_eq!(validate_new(&u, None).unwrap(), Role::Admin);
    }

    #[test]
    fn emails_need_a_local_part_and_a_domain() {
        for ok in ["a@b", "admin@localhost.local", "x.y+z@example.co.uk"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in ["", "a", "@b", "a@", "a b@c", "a@b..c", "a@.b"] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
