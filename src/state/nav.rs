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
        path: "/settings",
        label: "Settings",
    },
];

/// Path of the settings pages.
pub const SETTINGS: &str = "/settings";

/// The entries to show: Settings only when `settings` (the server requires sign-in and
/// someone is signed in; without sign-in there is nothing to set).
pub fn visible(settings: bool) -> impl Iterator<Item = &'static NavItem> {
    NAV.iter().filter(move |n| settings || n.path != SETTINGS)
}

#[cfg(test)]
mod tests {
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
