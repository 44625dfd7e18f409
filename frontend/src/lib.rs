//! The browser entry point: takes over the server-rendered page (hydration).
//! Everything else lives in the `app` crate, built here with the `hydrate` feature.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // A mark that the page now answers clicks: before this, buttons that dispatch a server
    // action do nothing, so browser tests wait for it instead of guessing.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}
