//! Browser tests of the app, run in headless Chromium by wasm-bindgen-test-runner
//! (`cargo test -p cinder-web --target wasm32-unknown-unknown`). On the host this file is
//! empty: the app's pure logic is unit-tested natively in `src/state`.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

mod support;

use support::eventually;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts the whole app into a fresh element and returns it.
fn mount_app() -> HtmlElement {
    let host: HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    leptos::mount::mount_to(host.clone(), cinder_web::app::App).forget();
    host
}

fn text_of(host: &HtmlElement, selector: &str) -> Option<String> {
    host.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
}

#[wasm_bindgen_test]
fn shell_has_navigation_and_footer() {
    let host = mount_app();
    let links = host.query_selector_all(".mainnav a").unwrap();
    // Settings appears only once the server says sign-in is required and who is signed in.
    let without_settings = cinder_web::state::nav::visible(false).count();
    assert_eq!(links.length() as usize, without_settings);
    assert!(text_of(&host, "#server-version")
        .unwrap()
        .starts_with("Cinder"));
}

#[wasm_bindgen_test]
async fn theme_toggle_sets_the_document_attribute_and_persists() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item("cinder.theme").unwrap();
    let host = mount_app();
    let root = document().document_element().unwrap();
    let button: HtmlElement = host
        .query_selector("#theme-toggle")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(button.text_content().unwrap(), "Theme: system");
    button.click();
    assert!(
        eventually(Duration::from_secs(2), || root
            .get_attribute("data-theme")
            .as_deref()
            == Some("light"))
        .await
    );
    button.click();
    assert!(
        eventually(Duration::from_secs(2), || root
            .get_attribute("data-theme")
            .as_deref()
            == Some("dark"))
        .await
    );
    assert_eq!(
        storage.get_item("cinder.theme").unwrap().as_deref(),
        Some("dark")
    );
    button.click();
    assert!(
        eventually(Duration::from_secs(2), || root
            .get_attribute("data-theme")
            .is_none())
        .await
    );
    assert_eq!(
        storage.get_item("cinder.theme").unwrap().as_deref(),
        Some("system")
    );
}

/// The test runner's own server has no `/build`, so the app must show its error banner
/// (the server "cannot be reached" as a Cinder server) and keep the plain footer.
#[wasm_bindgen_test]
async fn banner_appears_when_the_server_does_not_answer_build() {
    let host = mount_app();
    let shown = eventually(Duration::from_secs(5), || {
        text_of(&host, "#server-error").is_some()
    })
    .await;
    assert!(shown, "no error banner");
    let banner = text_of(&host, "#server-error").unwrap();
    assert!(
        banner.contains("Cannot reach the Cinder server"),
        "{banner}"
    );
    assert_eq!(text_of(&host, "#server-version").unwrap(), "Cinder");
}

/// `main;work 3\nmain;idle 1\n`, gzip -9 (made with Python's `gzip.compress(..., mtime=0)`).
const FOLDED_GZ: [u8; 41] = [
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0x4d, 0xcc, 0xcc, 0xb3, 0x2e,
    0xcf, 0x2f, 0xca, 0x56, 0x30, 0xe6, 0xca, 0x05, 0xb1, 0x33, 0x53, 0x72, 0x52, 0x15, 0x0c, 0xb9,
    0x00, 0xb0, 0xe9, 0x31, 0x59, 0x18, 0x00, 0x00, 0x00,
];

/// gzip files are inflated by the browser (the bundle has no inflate code of its own) and
/// then load like any other; broken gzip stays an error, never a panic.
#[wasm_bindgen_test]
async fn gzip_files_are_inflated_by_the_browser() {
    use cinder_web::api::browser::gunzip_if_gzip;
    use cinder_web::state::profile::LoadedProfile;
    let plain = gunzip_if_gzip(FOLDED_GZ.to_vec()).await;
    assert_eq!(plain, b"main;work 3\nmain;idle 1\n");
    let p = LoadedProfile::from_file("x.txt.gz", &plain).unwrap();
    assert_eq!(p.tree.total_ticks().0, 4);
    assert_eq!(gunzip_if_gzip(b"{}".to_vec()).await, b"{}");
    let broken = FOLDED_GZ[..20].to_vec();
    let back = gunzip_if_gzip(broken.clone()).await;
    assert_eq!(back, broken);
    let err = LoadedProfile::from_file("x.pb.gz", &back).unwrap_err();
    assert!(err.contains("gzip"), "{err}");
}
