//! Pages that load on demand.
//!
//! The browser starts with one wasm module holding the shell, the layout and the few pages every
//! visitor sees (home, sign-in, an organization's overview). Every other page is declared with
//! [`lazy_page!`](crate::lazy_page) and routed as `view={Lazy::<Route>::new()}`: its code is cut
//! out of the main module at build time (`tools/wasm-build`, run by scripts/build.sh) into its
//! group's module (a plugin's pages are one group), fetched the first time one of its pages is
//! opened. Code that several groups use goes into shared chunks, fetched with the first page that
//! needs it.
//!
//! On the server nothing changes: the page renders as before, and the rendered page links the
//! modules it needs (`<link rel="preload">`), so hydration does not wait for a round trip per
//! chunk. In the browser, hydration is asynchronous (`frontend` calls
//! `hydrate_from_async`): it loads the current page's module, then takes over the HTML.

/// Declares `$route`, the lazily loaded route of the page component `$page` (a component
/// without props, in scope where the macro is used), in the module group `$group`.
///
/// ```ignore
/// sdk::lazy_page!(tournament_pages: TournamentScheduleRoute => SchedulePage);
/// // <Route path=StaticSegment("") view={Lazy::<TournamentScheduleRoute>::new()}/>
/// ```
///
/// All pages of one group are cut into one module, fetched with the first of them that is opened:
/// a plugin's pages are one group named after the plugin (`<plugin id>_pages`), so opening a
/// plugin fetches that plugin and nothing of the others. (One module per page would split the
/// code the pages share into hundreds of small chunks, each a request.) Route names must be
/// unique in the app; they name the split function.
///
/// In the browser the view is the split function, loaded (by the router, through
/// `LazyRoute::preload`) before the page is rendered or hydrated; on the server the page renders
/// as it always did, and notes the group so the rendered page preloads its module
/// (`leptos_axum` writes the `<link rel="preload">` from the build's manifest).
#[macro_export]
macro_rules! lazy_page {
    ($group:ident : $route:ident => $page:ident) => {
        #[derive(Clone, Copy, Debug)]
        pub struct $route;

        impl $route {
            /// Renders the page (`render`), or only loads its module. The split function and its
            /// loader live in here because the loader must be a plain function in scope. The
            /// router awaits `preload` before it renders or hydrates the page, so `page` is ready
            /// on its first poll: hydration must find the page's HTML at once, not a placeholder.
            async fn load(render: bool) -> ::leptos::prelude::AnyView {
                use ::leptos::wasm_split::wasm_split as split;
                #[split($group, wasm_split_path = ::leptos::wasm_split, preload(preload_page))]
                fn page() -> ::leptos::prelude::AnyView {
                    ::leptos::prelude::IntoAny::into_any(::leptos::prelude::view! { <$page/> })
                }
                if render {
                    page().await
                } else {
                    preload_page().await;
                    ::leptos::prelude::IntoAny::into_any(())
                }
            }
        }

        impl ::leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(this: Self) -> ::leptos::prelude::AnyView {
                let _ = this;
                // The server renders the page directly, and notes the group so the page
                // preloads its modules.
                #[cfg(not(target_family = "wasm"))]
                ::leptos::prefetch_lazy_fn_on_server(::core::stringify!($group));
                Self::load(true).await
            }

            async fn preload() {
                let _ = Self::load(false).await;
            }
        }
    };
}
