//! The browser entry point: takes over the server-rendered page (hydration).
//! Everything else lives in the `app` crate, built here with the `hydrate` feature.
//!
//! Hydration is asynchronous: most pages live in lazily loaded wasm modules
//! (`sdk::ui::lazy`), and the current page's module must be loaded before its HTML can be taken
//! over. The server's page already asked the browser to preload those modules.
// The whole app's view type is awaited here (asynchronous hydration): deeper than rustc's
// default limit of 128 in the full-type (release) build.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Plain wasm-bindgen spawn: Leptos's own executor is set up inside `hydrate_from_async`.
    wasm_bindgen_futures::spawn_local(async {
        let app = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App).await;
        // The app lives as long as the page.
        app.forget();
        // A mark that the page now answers clicks: before this, buttons that dispatch a server
        // action do nothing, so browser tests wait for it instead of guessing.
        if let Some(root) = leptos::prelude::document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}
