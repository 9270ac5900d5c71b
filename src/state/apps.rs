//! The application selector's model: apps as `/api/apps` lists them, grouped by name
//! without the profile-type suffix (`myapp` → `.cpu`, `.alloc_space`, …), filtered by a
//! case-insensitive search, as the original selector does.

/// One application as `/api/apps` describes it (the shared wire shape).
pub use cinder_profile::api::AppInfo;

/// Apps sharing a name before their last dot segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppGroup {
    /// The shared prefix, e.g. `ride-sharing-app`.
    pub name: String,
    /// The full names of its apps, sorted, e.g. `ride-sharing-app.cpu`.
    pub apps: Vec<String>,
}

impl AppGroup {
    /// The profile type part of `app` within this group, e.g. `.cpu`.
    #[must_use]
    pub fn suffix<'a>(&self, app: &'a str) -> &'a str {
        app.get(self.name.len()..)
            .filter(|s| !s.is_empty())
            .unwrap_or(app)
    }
}

fn group_name(app: &str) -> &str {
    app.rsplit_once('.').map_or(app, |(g, _)| g)
}

/// `names` in order, through the profile crate's one sort instantiation (each `sort` call
/// site would compile its own copy of the standard sort into the bundle).
fn sorted(names: Vec<&str>) -> Vec<&str> {
    cinder_profile::sort::stable_by(names, &|a, b| a.cmp(b))
}

/// Groups `apps` (sorted by group, then type), keeping those whose name contains `search`
/// (case-insensitive).
#[must_use]
pub fn group_apps(apps: &[AppInfo], search: &str) -> Vec<AppGroup> {
    let needle = search.trim().to_lowercase();
    let names: Vec<&str> = apps
        .iter()
        .map(|a| a.name.as_str())
        .filter(|n| needle.is_empty() || n.to_lowercase().contains(&needle))
        .collect();
    let mut names = sorted(names);
    names.dedup();
    let mut groups: Vec<AppGroup> = Vec::new();
    for name in names {
        let g = group_name(name);
        match groups.last_mut() {
            Some(last) if last.name == g => last.apps.push(name.to_string()),
            _ => groups.push(AppGroup {
                name: g.to_string(),
                apps: vec![name.to_string()],
            }),
        }
    }
    groups
}

/// The app to show when none is chosen: the first CPU profile, else the first app.
#[must_use]
pub fn default_app(apps: &[AppInfo]) -> Option<&str> {
    let names = sorted(apps.iter().map(|a| a.name.as_str()).collect());
    names
        .iter()
        .find(|n| n.ends_with(".cpu"))
        .or(names.first())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apps(names: &[&str]) -> Vec<AppInfo> {
        names
            .iter()
            .map(|n| AppInfo {
                name: n.to_string(),
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn apps_group_by_name_without_the_type() {
        let a = apps(&["ride.cpu", "ride.alloc_space", "api.cpu", "single"]);
        let groups = group_apps(&a, "");
        let shape: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                (
                    g.name.as_str(),
                    g.apps.iter().map(|s| g.suffix(s)).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("api", vec![".cpu"]),
                ("ride", vec![".alloc_space", ".cpu"]),
                ("single", vec!["single"])
            ]
        );
    }

    #[test]
    fn search_is_a_case_insensitive_substring() {
        let a = apps(&["Ride.cpu", "api.cpu", "api.inuse_space"]);
        let names: Vec<String> = group_apps(&a, "RIDE")
            .into_iter()
            .flat_map(|g| g.apps)
            .collect();
        assert_eq!(names, ["Ride.cpu"]);
        assert!(group_apps(&a, "nothing").is_empty());
    }

    #[test]
    fn default_app_prefers_cpu() {
        assert_eq!(
            default_app(&apps(&["b.alloc_space", "z.cpu", "a.inuse_space"])),
            Some("z.cpu")
        );
        assert_eq!(
            default_app(&apps(&["b.alloc_space"])),
            Some("b.alloc_space")
        );
        assert_eq!(default_app(&[]), None);
    }

    #[test]
    fn api_apps_json_is_read() {
        let json = r#"[{"name":"a.cpu","spyName":"pyspy","sampleRate":100,"units":"samples"},{"name":"b.alloc_space"}]"#;
        let a: Vec<AppInfo> = serde_json::from_str(json).unwrap();
        assert_eq!(a[0].sample_rate, 100);
        assert_eq!(a[1].units, "");
    }
}
