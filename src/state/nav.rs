//! The app's top-level navigation: which pages exist, where they live and what the menu
//! calls them. Paths follow the original Pyroscope UI so bookmarks keep working.

/// One entry of the main navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavItem {
    /// Route path.
    pub path: &'static str,
    /// Menu label.
    pub label: &'static str,
}

/// The main navigation, in menu order.
pub const NAV: &[NavItem] = &[
    NavItem {
        path: "/",
        label: "Single view",
    },
    NavItem {
        path: "/comparison",
        label: "Comparison",
    },
    NavItem {
        path: "/comparison-diff",
        label: "Diff",
    },
    NavItem {
        path: SERVICE_DISCOVERY,
        label: "Scrape targets",
    },
    NavItem {
        path: "/settings",
        label: "Settings",
    },
];

/// Path of the scrape targets page (the original's).
pub const SERVICE_DISCOVERY: &str = "/service-discovery";

/// Path of the settings pages.
pub const SETTINGS: &str = "/settings";

/// The entries to show: Settings only when `settings` (the server requires sign-in and
/// someone is signed in; without sign-in there is nothing to set).
pub fn visible(settings: bool) -> impl Iterator<Item = &'static NavItem> {
    NAV.iter().filter(move |n| settings || n.path != SETTINGS)
}

/// The tabs of the settings page, each its own URL under [`SETTINGS`] (the settings page
/// picks the tab from the path, so the app's route table has one settings route).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsTab {
    /// `/settings`: name, e-mail, full name.
    Profile,
    /// `/settings/security`: change password.
    Password,
    /// `/settings/api-keys` (admin).
    ApiKeys,
    /// `/settings/users` (admin).
    Users,
    /// `/settings/apps` (admin).
    Apps,
}

impl SettingsTab {
    /// Every tab, in menu order.
    pub const ALL: [SettingsTab; 5] = [
        SettingsTab::Profile,
        SettingsTab::Password,
        SettingsTab::ApiKeys,
        SettingsTab::Users,
        SettingsTab::Apps,
    ];

    /// The tab's URL path (the original UI's).
    #[must_use]
    pub fn path(self) -> &'static str {
        match self {
            SettingsTab::Profile => SETTINGS,
            SettingsTab::Password => "/settings/security",
            SettingsTab::ApiKeys => "/settings/api-keys",
            SettingsTab::Users => "/settings/users",
            SettingsTab::Apps => "/settings/apps",
        }
    }

    /// The tab's label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            SettingsTab::Profile => "Profile",
            SettingsTab::Password => "Change password",
            SettingsTab::ApiKeys => "API keys",
            SettingsTab::Users => "Users",
            SettingsTab::Apps => "Apps",
        }
    }

    /// Whether only admins see it.
    #[must_use]
    pub fn admin_only(self) -> bool {
        matches!(
            self,
            SettingsTab::ApiKeys | SettingsTab::Users | SettingsTab::Apps
        )
    }

    /// The tab at `path` (`/settings/users/add` is the users tab); `None` outside settings.
    #[must_use]
    pub fn from_path(path: &str) -> Option<SettingsTab> {
        let rest = path.strip_prefix(SETTINGS)?;
        let first = rest.trim_start_matches('/').split('/').next().unwrap_or("");
        if !rest.is_empty() && !rest.starts_with('/') {
            return None;
        }
        SettingsTab::ALL.into_iter().find(|t| {
            t.path()
                .strip_prefix(SETTINGS)
                .unwrap_or("")
                .trim_start_matches('/')
                == first
        })
    }
}

/// The pages of the app: what the route table (`app::Pages`) picks from the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `/` and `/explore`: the single view.
    Explore,
    /// `/comparison`: two ranges side by side.
    Comparison,
    /// `/comparison-diff`: the diff flamegraph.
    Diff,
    /// `/service-discovery`: the scrape targets.
    ServiceDiscovery,
    /// `/settings` and every `/settings/...` tab.
    Settings,
    /// `/login`.
    Login,
    /// `/signup`.
    Signup,
    /// Anything else.
    NotFound,
}

impl Page {
    /// The page at `path` (a trailing slash is ignored).
    #[must_use]
    pub fn at(path: &str) -> Page {
        let path = path.strip_suffix('/').unwrap_or(path);
        match path {
            "" | "/explore" => Page::Explore,
            "/comparison" => Page::Comparison,
            "/comparison-diff" => Page::Diff,
            SERVICE_DISCOVERY => Page::ServiceDiscovery,
            "/login" => Page::Login,
            "/signup" => Page::Signup,
            SETTINGS => Page::Settings,
            _ if path.starts_with("/settings/") => Page::Settings,
            _ => Page::NotFound,
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_path_has_its_page() {
        for (path, page) in [
            ("/", Page::Explore),
            ("/explore", Page::Explore),
            ("/explore/", Page::Explore),
            ("/comparison", Page::Comparison),
            ("/comparison-diff", Page::Diff),
            ("/service-discovery", Page::ServiceDiscovery),
            ("/settings", Page::Settings),
            ("/settings/users", Page::Settings),
            ("/login", Page::Login),
            ("/signup", Page::Signup),
            ("/settingsx", Page::NotFound),
            ("/nope", Page::NotFound),
            ("/comparison/x", Page::NotFound),
        ] {
            assert_eq!(Page::at(path), page, "{path}");
        }
        for item in NAV {
            assert_ne!(Page::at(item.path), Page::NotFound, "{}", item.path);
        }
    }
    #[test]
    fn settings_tabs_come_from_the_path() {
        use super::SettingsTab as T;
        assert_eq!(T::from_path("/settings"), Some(T::Profile));
        assert_eq!(T::from_path("/settings/"), Some(T::Profile));
        assert_eq!(T::from_path("/settings/api-keys"), Some(T::ApiKeys));
        assert_eq!(T::from_path("/settings/users/add"), Some(T::Users));
        assert_eq!(T::from_path("/settings/nope"), None);
        assert_eq!(T::from_path("/settingsx"), None);
        for t in T::ALL {
            assert_eq!(T::from_path(t.path()), Some(t));
        }
        assert!(T::Users.admin_only() && !T::Password.admin_only());
    }

    use super::*;

    #[test]
    fn settings_only_when_sign_in_is_required() {
        assert!(visible(true).any(|n| n.path == SETTINGS));
        assert!(!visible(false).any(|n| n.path == SETTINGS));
        assert_eq!(visible(false).count(), NAV.len() - 1);
    }

    #[test]
    fn nav_paths_are_unique_and_absolute() {
        let mut paths: Vec<_> = NAV.iter().map(|n| n.path).collect();
        assert!(paths.iter().all(|p| p.starts_with('/')));
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), NAV.len());
    }
}
