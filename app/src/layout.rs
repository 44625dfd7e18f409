//! The frame around every page: header with the product name and navigation, the main area
//! inside an error boundary, and the footer.

use leptos::prelude::*;
use leptos_router::components::A;
use sdk::ui::ErrorNotice;

use crate::PRODUCT_NAME;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <div class="flex min-h-full flex-col">
            <Header/>
            <main id="main" class="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6">
                <ErrorBoundary fallback=|errors| view! { <PageErrors errors/> }>
                    {children()}
                </ErrorBoundary>
            </main>
            <Footer/>
        </div>
    }
}

#[component]
fn Header() -> impl IntoView {
    view! {
        <header class="sticky top-0 z-10 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-700 dark:bg-slate-900/90">
            <div class="mx-auto flex h-14 max-w-6xl items-center gap-6 px-4 sm:px-6">
                <a href="/" class="flex items-center gap-2 font-bold tracking-tight text-slate-900 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 rounded dark:text-white">
                    <span class="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-sm text-white" aria-hidden="true">"S"</span>
                    {PRODUCT_NAME}
                </a>
                <nav aria-label="Main" class="flex items-center gap-1 text-sm">
                    <NavLink href="/" label="Home"/>
                </nav>
            </div>
        </header>
    }
}

#[component]
fn NavLink(href: &'static str, label: &'static str) -> impl IntoView {
    view! {
        <A
            href=href
            exact=true
            attr:class="rounded-md px-3 py-1.5 font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 aria-[current=page]:bg-slate-100 aria-[current=page]:text-slate-900 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white dark:aria-[current=page]:bg-slate-800 dark:aria-[current=page]:text-white"
        >
            {label}
        </A>
    }
}

#[component]
fn Footer() -> impl IntoView {
    view! {
        <footer class="border-t border-slate-200 py-6 text-center text-xs text-slate-500 dark:border-slate-700 dark:text-slate-400">
            {PRODUCT_NAME}" "{env!("CARGO_PKG_VERSION")}" · tournaments, async qualifiers, seeds and race rooms for speedrun and randomizer communities"
        </footer>
    }
}

/// What a page shows when something under it failed: each error as a friendly notice and the
/// way back home.
#[component]
fn PageErrors(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let notices = move || {
        errors
            .get()
            .into_iter()
            .map(|(_, error)| {
                let error = error
                    .downcast_ref::<sdk::Error>()
                    .cloned()
                    .unwrap_or(sdk::Error::Internal);
                view! { <ErrorNotice error/> }
            })
            .collect_view()
    };
    view! {
        <div class="mx-auto flex max-w-xl flex-col gap-4">
            <h1 class="text-xl font-semibold">"This page could not be shown"</h1>
            {notices}
            <a href="/" class="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">"← Back to the home page"</a>
        </div>
    }
}
