//! Small pieces the core pages share.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};
use sdk::{ui::ErrorNotice, Error};

/// What a page shows when its data could not be loaded: a sign-in prompt for anonymous
/// visitors (coming back here afterwards), the friendly error otherwise.
#[component]
pub fn LoadError(error: Error) -> impl IntoView {
    let location = use_location();
    match error {
        Error::Unauthenticated { .. } => {
            let back = location.pathname.get_untracked();
            view! {
                <div class="mx-auto flex max-w-md flex-col items-start gap-4 py-8">
                    <h1 class="text-xl font-semibold">"Sign in to continue"</h1>
                    <p class="text-sm text-slate-600 dark:text-slate-300">"This page is for signed-in users."</p>
                    <a id="sign-in-to-continue" href=format!("/login?redirect={back}") class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Sign in"</a>
                </div>
            }
            .into_any()
        }
        other => view! { <ErrorNotice error=other/> }.into_any(),
    }
}

/// The `org_id` of the current route (0 when it is not a number: the API answers NotFound).
pub fn org_id_param() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("org_id").and_then(|id| id.parse().ok()).unwrap_or(0)))
}

/// The error of an action's last result, if it failed.
pub fn failed<T: Clone>(result: Option<Result<T, Error>>) -> Option<Error> {
    result.and_then(|r| r.err())
}
