//! Browser APIs other than HTTP: local storage and the document element. Failures (storage
//! disabled, no document) degrade to "nothing stored" instead of panicking, since a panic in
//! wasm stops the whole app.

use crate::state::Theme;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads a value from local storage.
#[must_use]
pub fn load(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Writes a value to local storage; silently does nothing where storage is unavailable.
pub fn store(key: &str, value: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(key, value);
    }
}

/// Applies a theme to `<html data-theme>`, which the stylesheet keys its colours on.
pub fn apply_theme(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme.html_attribute() {
        Some(value) => root.set_attribute("data-theme", value),
        None => root.remove_attribute("data-theme"),
    };
}
