//! Helpers shared by the browser test binaries: waiting on the browser's event loop.

use std::time::Duration;

/// Resolves after `d`, letting the browser run timers, effects and paints meanwhile.
pub async fn sleep(d: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, d.as_millis() as i32)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Waits until `cond` holds, polling every 20 ms, for at most `limit`.
pub async fn eventually(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let mut waited = Duration::ZERO;
    while waited < limit {
        if cond() {
            return true;
        }
        sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    cond()
}
