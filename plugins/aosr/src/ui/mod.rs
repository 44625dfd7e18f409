//! The page under `/org/{org_id}/aosr`: the presets plugin's roll form for AOSR, with a link to
//! the organization's seed history.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Route, hooks::use_params_map, Lazy, StaticSegment};

// The page loads on demand (sdk::ui::lazy).
sdk::lazy_page!(aosr_pages: AosrRollRoute => RollPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("") view={Lazy::<AosrRollRoute>::new()}/> }.into_inner()
}

#[component]
fn RollPage() -> impl IntoView {
    let params = use_params_map();
    let org_id = Memo::new(move |_| {
        params.with(|p| {
            p.get("org_id")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        })
    });
    view! {
        <Title text="Roll an AOSR seed"/>
        <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
            <h2 class="text-lg font-semibold">"Roll an AOSR seed"</h2>
            <a class="text-indigo-600 hover:underline dark:text-indigo-400"
                href=move || format!("/org/{}/presets/seeds", org_id.get())>"Seed history"</a>
        </div>
        <p class="mb-4 text-sm text-slate-600 dark:text-slate-300">
            "A new seed with one of your presets' flags: the link opens aosrando.surge.sh, which makes the ROM in the player's browser. There is no spoiler log to keep."
        </p>
        <presets::ui::RollSeed org_id randomizer="aosr"/>
    }
}
