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

/// Current unix time in seconds, from the browser's clock.
#[must_use]
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The browser's offset from UTC in minutes (positive east of Greenwich).
#[must_use]
pub fn utc_offset_minutes(at_secs: i64) -> i32 {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_secs as f64 * 1000.0));
    -(d.get_timezone_offset() as i32)
}

/// Offers `bytes` as a file download named `filename`.
pub fn download(filename: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let clicked = download_url(filename, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    clicked
}

/// Offers what `url` points at (a `blob:` or `data:` URL) as a download named `filename`:
/// the one place that clicks a download anchor.
pub fn download_url(filename: &str, url: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "not an anchor")?;
    a.set_href(url);
    a.set_download(filename);
    a.click();
    Ok(())
}

/// Reads the file chosen in `input` and calls `done(name, bytes)`.
pub fn read_file_input(
    input: &web_sys::HtmlInputElement,
    done: impl FnOnce(String, Vec<u8>) + 'static,
) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    read_file(file, done);
}

/// Reads `file`, inflated when it is gzip (see [`gunzip_if_gzip`]).
fn read_file(file: web_sys::File, done: impl FnOnce(String, Vec<u8>) + 'static) {
    let name = file.name();
    let promise = file.array_buffer();
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(buf) = wasm_bindgen_futures::JsFuture::from(promise).await {
            done(
                name,
                gunzip_if_gzip(js_sys::Uint8Array::new(&buf).to_vec()).await,
            );
        }
    });
}

/// `bytes` inflated by the browser's `DecompressionStream` when they start with the gzip
/// magic (`go tool pprof` writes `.pb.gz`), else as they are. The bundle carries no inflate
/// code of its own. Data the browser cannot inflate is returned unchanged, and the profile
/// decoder then reports it as gzip it could not read.
pub async fn gunzip_if_gzip(bytes: Vec<u8>) -> Vec<u8> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return bytes;
    }
    let mut input = bytes.clone();
    gunzip(&mut input).await.unwrap_or(bytes)
}

// web-sys has `DecompressionStream` only behind its unstable-API cfg; the three members
// used here are stable in every current browser.
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, wasm_bindgen::JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> web_sys::WritableStream;
}

async fn gunzip(bytes: &mut [u8]) -> Result<Vec<u8>, wasm_bindgen::JsValue> {
    let body = web_sys::Response::new_with_opt_u8_array(Some(bytes))?
        .body()
        .ok_or("no body")?;
    let inflate = DecompressionStream::new("gzip")?;
    let pair = web_sys::ReadableWritablePair::new(&inflate.readable(), &inflate.writable());
    let out = web_sys::Response::new_with_opt_readable_stream(Some(&body.pipe_through(&pair)))?;
    let buf = wasm_bindgen_futures::JsFuture::from(out.array_buffer()?).await?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Calls `done(name, bytes)` for every file dropped on the window, for the page's lifetime.
pub fn on_file_drop(done: impl Fn(String, Vec<u8>) + Clone + 'static) {
    let over =
        leptos::prelude::window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let drop =
        leptos::prelude::window_event_listener(leptos::ev::drop, move |ev: web_sys::DragEvent| {
            ev.prevent_default();
            let Some(file) = ev
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            else {
                return;
            };
            let done = done.clone();
            read_file(file, done);
        });
    leptos::prelude::on_cleanup(move || {
        over.remove();
        drop.remove();
    });
}

/// Focuses the element with this id (for keyboard shortcuts).
pub fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// For the current page's lifetime, `/` focuses the element with id `id` (its search box),
/// unless the user is typing in a field already.
pub fn focus_on_slash(id: &'static str) {
    let slash = leptos::prelude::window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "/" && !is_typing_target(ev.target()) {
            ev.prevent_default();
            focus(id);
        }
    });
    leptos::prelude::on_cleanup(move || slash.remove());
}

/// Whether a key event's target is a text field (shortcuts must not steal its keys).
#[must_use]
pub fn is_typing_target(target: Option<web_sys::EventTarget>) -> bool {
    use wasm_bindgen::JsCast;
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| {
            let tag = e.tag_name().to_ascii_lowercase();
            tag == "input" || tag == "textarea" || tag == "select"
        })
}

/// Downloads the first canvas matching `selector` as a PNG.
pub fn download_canvas_png(filename: &str, selector: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let canvas: web_sys::HtmlCanvasElement = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into().ok())
        .ok_or("no flamegraph to export")?;
    let url = canvas.to_data_url().map_err(|e| format!("{e:?}"))?;
    download_url(filename, &url)
}

/// The current page's path and query, e.g. `/explore?query=…`.
#[must_use]
pub fn current_path_and_query() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.pathname().ok()?, l.search().ok()?))
        })
        .unwrap_or_else(|| "/".into())
}

/// Sends the browser to the sign-in page, which returns here afterwards (unless this is
/// already a sign-in page).
pub fn go_to_sign_in() {
    let here = current_path_and_query();
    let path = here.split('?').next().unwrap_or("");
    if !crate::state::session::is_bare_page(path) {
        go_to(&crate::state::session::sign_in_url(&here));
    }
}

/// The server's address as agents should use it, e.g. `http://localhost:4040`.
#[must_use]
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Copies `text` to the clipboard (the page must be focused; the promise is not awaited).
pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Loads `url` as a new page (after signing in, so every request carries the cookie).
pub fn go_to(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(url);
    }
}

/// Runs `f` once the next frame is on screen: in the first idle period after that frame's
/// animation callbacks. For work that must not delay a paint the user is waiting for (the
/// function table after a profile loads, the match counts after a search). A plain task
/// queued from the frame could still run before the frame's own follow-up work.
pub fn after_next_frame(f: impl Fn() + 'static) {
    leptos::prelude::request_animation_frame(move || leptos::prelude::request_idle_callback(f));
}

/// Calls `done(index, name, bytes)` for each file of every drop on the window (index = its
/// position in the drop), for the page's lifetime: the diff view takes two files at once.
pub fn on_files_drop(done: impl Fn(usize, String, Vec<u8>) + Clone + 'static) {
    let over =
        leptos::prelude::window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let drop =
        leptos::prelude::window_event_listener(leptos::ev::drop, move |ev: web_sys::DragEvent| {
            ev.prevent_default();
            let Some(files) = ev.data_transfer().and_then(|d| d.files()) else {
                return;
            };
            for index in 0..files.length() {
                if let Some(file) = files.get(index) {
                    let done = done.clone();
                    read_file(file, move |name, bytes| done(index as usize, name, bytes));
                }
            }
        });
    leptos::prelude::on_cleanup(move || {
        over.remove();
        drop.remove();
    });
}

/// Records `performance.mark(name)`, for benchmarks that time the app from outside.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}
