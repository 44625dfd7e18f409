//! The frame around every page: header with the product name and navigation, the main area
//! inside an error boundary, and the footer.

use leptos::prelude::*;
use leptos_router::components::A;
use sdk::{auth::GlobalLevel, ui::ErrorNotice};

use crate::{
    api::admin::{motd, StopImpersonating},
    session::use_session,
    PRODUCT_NAME,
};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <div class="flex min-h-full flex-col">
            <Header/>
            <Banners/>
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
            <div class="mx-auto flex h-14 max-w-6xl items-center gap-2 px-3 sm:gap-6 sm:px-6">
                <a href="/" aria-label=PRODUCT_NAME class="flex items-center gap-2 font-bold tracking-tight text-slate-900 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 rounded dark:text-white">
                    <span class="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-sm text-white" aria-hidden="true">"S"</span>
                    <span class="hidden sm:inline">{PRODUCT_NAME}</span>
                </a>
                <nav aria-label="Main" class="flex items-center gap-1 text-sm">
                    <NavLink href="/" label="Home"/>
                    <NavLink href="/orgs" label="Organizations"/>
                </nav>
                <div class="ml-auto">
                    <UserMenu/>
                </div>
            </div>
        </header>
    }
}

/// Sign-in link, or the user's name with their pages and sign-out.
#[component]
fn UserMenu() -> impl IntoView {
    let session = use_session();
    view! {
        {move || {
            match session.user() {
                Some(user) => {
                    let admin = user.is_at_least(GlobalLevel::Admin);
                    view! {
                        <details class="relative">
                            <summary id="user-menu" class="cursor-pointer list-none rounded-md px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:hover:bg-slate-800">
                                {user.shown_name().to_string()}" ▾"
                            </summary>
                            <div class="absolute right-0 z-20 mt-1 flex w-52 flex-col rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-800">
                                <a class="px-4 py-2 hover:bg-slate-100 dark:hover:bg-slate-700" href="/profile">"Profile"</a>
                                <a class="px-4 py-2 hover:bg-slate-100 dark:hover:bg-slate-700" href="/profile/api-keys">"API keys"</a>
                                <a class="px-4 py-2 hover:bg-slate-100 dark:hover:bg-slate-700" href="/orgs">"My organizations"</a>
                                {admin.then(|| view! { <a class="px-4 py-2 hover:bg-slate-100 dark:hover:bg-slate-700" href="/admin">"Site admin"</a> })}
                                <form method="post" action="/auth/logout" class="border-t border-slate-200 dark:border-slate-700">
                                    <button type="submit" class="w-full px-4 py-2 text-left hover:bg-slate-100 dark:hover:bg-slate-700">"Sign out"</button>
                                </form>
                            </div>
                        </details>
                    }.into_any()
                }
                None => view! {
                    <a href="/login" class="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500">"Sign in"</a>
                }.into_any(),
            }
            }}
    }
}

/// The site's message of the day, and a warning while a superadmin acts as someone else.
#[component]
fn Banners() -> impl IntoView {
    let session = use_session();
    let message = Resource::new(|| (), |_| motd());
    let stop = ServerAction::<StopImpersonating>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = stop.value().get() {
            session.refresh();
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let text = message.await.ok().flatten();
                text.map(|text| view! {
                    <div id="motd" role="note" class="border-b border-amber-300 bg-amber-50 px-4 py-2 text-center text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-900/30 dark:text-amber-100">{text}</div>
                })
            })}
        </Suspense>
        {move || {
            let acting = session.user().filter(|u| u.impersonated_by.is_some());
            acting.map(|user| view! {
                <div role="alert" class="flex items-center justify-center gap-3 bg-red-600 px-4 py-2 text-sm text-white">
                    "You are acting as "{user.shown_name().to_string()}"."
                    <button class="rounded bg-white/20 px-2 py-0.5 font-semibold hover:bg-white/30"
                        on:click=move |_| { stop.dispatch(StopImpersonating {}); }>"Stop impersonating"</button>
                </div>
            })
            }}
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
            {PRODUCT_NAME}" "{env!("CARGO_PKG_VERSION")}" · tournaments, async qualifiers, seeds and race rooms for speedrun and randomizer communities · "
            <a id="footer-api-docs" rel="external" class="underline" href="/api/docs">"API"</a>
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
