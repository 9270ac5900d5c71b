//! The admin lists of the settings pages: users filtered by a search over every field,
//! and apps grouped by name with their profile types, label count and last data time.

use cinder_profile::api::{AppInfo, User};

/// Users any of whose name, e-mail, full name or role contains `search` (case-insensitive).
#[must_use]
pub fn search_users<'a>(users: &'a [User], search: &str) -> Vec<&'a User> {
    let needle = search.trim().to_lowercase();
    users
        .iter()
        .filter(|u| {
            needle.is_empty()
                || [
                    Some(u.name.as_str()),
                    u.email.as_deref(),
                    u.full_name.as_deref(),
                    Some(u.role.as_str()),
                ]
                .into_iter()
                .flatten()
                .any(|f| f.to_lowercase().contains(&needle))
        })
        .collect()
}

/// One application with every profile type it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSummary {
    /// Name without the type, e.g. `ride-sharing-app`.
    pub name: String,
    /// Full names (`ride-sharing-app.cpu`, …), sorted: what deleting the app deletes.
    pub full_names: Vec<String>,
    /// Profile types (`cpu`, `alloc_space`, …), in the order of `full_names`.
    pub types: Vec<String>,
    /// The most label keys of any of its types.
    pub label_count: u32,
    /// The latest data of any type, unix seconds.
    pub last_data_time: Option<i64>,
}

/// `apps` grouped by name (sorted), keeping those whose name contains `search`.
#[must_use]
pub fn summarize_apps(apps: &[AppInfo], search: &str) -> Vec<AppSummary> {
    let needle = search.trim().to_lowercase();
    let sorted: Vec<&AppInfo> = apps
        .iter()
        .filter(|a| needle.is_empty() || a.name.to_lowercase().contains(&needle))
        .collect();
    let sorted = cinder_profile::sort::stable_by(sorted, &|a, b| a.name.cmp(&b.name));
    let mut out: Vec<AppSummary> = Vec::new();
    for a in sorted {
        let base = a.base_name();
        let summary = match out.last_mut() {
            Some(last) if last.name == base => last,
            _ => {
                out.push(AppSummary {
                    name: base.to_string(),
                    full_names: Vec::new(),
                    types: Vec::new(),
                    label_count: 0,
                    last_data_time: None,
                });
                let i = out.len() - 1;
                &mut out[i]
            }
        };
        summary.full_names.push(a.name.clone());
        summary.types.push(a.profile_type().to_string());
        summary.label_count = summary.label_count.max(a.label_count.unwrap_or(0));
        summary.last_data_time = summary.last_data_time.max(a.last_data_time);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cinder_profile::api::Role;

    fn user(name: &str, email: Option<&str>, role: Role) -> User {
        User {
            id: 1,
            name: name.into(),
            email: email.map(Into::into),
            full_name: Some("Jane Doe".into()),
            role,
            is_disabled: false,
            is_external: false,
            created_at: String::new(),
            updated_at: String::new(),
            password_changed_at: String::new(),
        }
    }

    #[test]
    fn user_search_matches_any_field() {
        let users = [
            user("admin", None, Role::Admin),
            user("jdoe", Some("j@EXAMPLE.com"), Role::ReadOnly),
        ];
        let names = |s: &str| {
            search_users(&users, s)
                .iter()
                .map(|u| u.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(""), ["admin", "jdoe"]);
        assert_eq!(names("example"), ["jdoe"]);
        assert_eq!(names("readonly"), ["jdoe"]);
        assert_eq!(names("jane"), ["admin", "jdoe"]);
        assert!(names("nobody").is_empty());
    }

    #[test]
    fn apps_group_their_types_with_the_most_labels_and_latest_data() {
        let app = |name: &str, labels, last| AppInfo {
            name: name.into(),
            label_count: Some(labels),
            last_data_time: last,
            ..AppInfo::default()
        };
        let apps = [
            app("svc.cpu", 2, Some(100)),
            app("other.cpu", 0, None),
            app("svc.alloc_space", 3, Some(50)),
        ];
        let all = summarize_apps(&apps, "");
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].name, "svc");
        assert_eq!(all[1].types, ["alloc_space", "cpu"]);
        assert_eq!(all[1].full_names, ["svc.alloc_space", "svc.cpu"]);
        assert_eq!((all[1].label_count, all[1].last_data_time), (3, Some(100)));
        assert_eq!(all[0].last_data_time, None);
        assert_eq!(summarize_apps(&apps, "SVC").len(), 1);
    }
}
