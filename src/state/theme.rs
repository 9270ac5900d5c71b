//! The colour theme: follow the operating system by default, or a light or dark theme the
//! user picked. The choice is persisted in local storage under [`Theme::STORAGE_KEY`].

/// The user's theme preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follow the system's `prefers-color-scheme`.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Local-storage key holding the preference.
    pub const STORAGE_KEY: &'static str = "cinder.theme";

    /// Reads a stored preference; anything unknown (or nothing) means [`Theme::System`].
    #[must_use]
    pub fn parse(stored: Option<&str>) -> Theme {
        match stored {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::System,
        }
    }

    /// The stored form of this preference.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The value of `<html data-theme>`: none for [`Theme::System`], so the stylesheet's
    /// `prefers-color-scheme` media query decides.
    #[must_use]
    pub fn html_attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    /// The next preference in the toggle's cycle: system → light → dark → system.
    #[must_use]
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    /// A label for the toggle button, saying what is active.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "Theme: system",
            Theme::Light => "Theme: light",
            Theme::Dark => "Theme: dark",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_round_trip_and_garbage_means_system() {
        for t in [Theme::System, Theme::Light, Theme::Dark] {
            assert_eq!(Theme::parse(Some(t.as_str())), t);
        }
        assert_eq!(Theme::parse(None), Theme::System);
        assert_eq!(Theme::parse(Some("purple")), Theme::System);
    }

    #[test]
    fn toggle_cycles_through_all_three() {
        let mut t = Theme::System;
        let mut seen = vec![];
        for _ in 0..3 {
            t = t.next();
            seen.push(t);
        }
        assert_eq!(seen, [Theme::Light, Theme::Dark, Theme::System]);
    }

    #[test]
    fn system_theme_leaves_the_attribute_to_css() {
        assert_eq!(Theme::System.html_attribute(), None);
        assert_eq!(Theme::Dark.html_attribute(), Some("dark"));
    }
}
