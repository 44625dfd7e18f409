use leptos::prelude::*;
use leptos_meta::Title;
use sdk::ui::EmptyState;

/// The page for any path no route matches. During server rendering it sets HTTP 404, so the
/// status is right for browsers, crawlers and API clients alike.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <EmptyState
            title="Page not found"
            detail="There is nothing at this address. It may have moved, or the link may be mistyped."
        >
            <a href="/" class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2">
                "Go to the home page"
            </a>
        </EmptyState>
    }
}
