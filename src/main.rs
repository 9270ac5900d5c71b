//! Entry point of the wasm bundle Trunk builds: install the panic hook and mount the app.
//! On the host this binary is empty; the app only runs in a browser.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        leptos::mount::mount_to_body(cinder_web::app::App);
    }
}
