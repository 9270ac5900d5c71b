//! `/api/apps` entries (spec §2.8): one per application name, profile type included.

use serde::{Deserialize, Serialize};

/// One application as `GET /api/apps` lists it; empty fields are omitted on the wire.
/// `labelCount` and `lastDataTime` are Cinder's own and only present with `?details=true`
/// (the settings page asks for them; the original's clients never see them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Full name with the profile type, e.g. `ride-sharing-app.cpu`.
    pub name: String,
    /// Profiler that sent it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub spy_name: String,
    /// Samples per second (0 when not sampled).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sample_rate: u32,
    /// Unit of the values.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub units: String,
    /// Number of label keys (without `__name__`), with `?details=true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_count: Option<u32>,
    /// End of the latest 10 s slot holding data, unix seconds, with `?details=true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_data_time: Option<i64>,
}

// serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(v: &u32) -> bool {
    *v == 0
}

impl AppInfo {
    /// The name without its profile-type suffix (`ride-sharing-app` of
    /// `ride-sharing-app.cpu`).
    #[must_use]
    pub fn base_name(&self) -> &str {
        self.name.rsplit_once('.').map_or(&self.name, |(b, _)| b)
    }

    /// The profile type (`cpu` of `ride-sharing-app.cpu`), empty when the name has no dot.
    #[must_use]
    pub fn profile_type(&self) -> &str {
        self.name.rsplit_once('.').map_or("", |(_, t)| t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_are_omitted_and_read_back_as_defaults() {
        let a = AppInfo {
            name: "svc.alloc_space".into(),
            spy_name: "gospy".into(),
            units: "bytes".into(),
            ..AppInfo::default()
        };
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"{"name":"svc.alloc_space","spyName":"gospy","units":"bytes"}"#
        );
        assert_eq!(serde_json::from_str::<AppInfo>(&json).unwrap(), a);
        assert_eq!((a.base_name(), a.profile_type()), ("svc", "alloc_space"));
        let plain = AppInfo {
            name: "nodot".into(),
            ..AppInfo::default()
        };
        assert_eq!((plain.base_name(), plain.profile_type()), ("nodot", ""));
    }
}
