//! The page under `/org/{org_id}/z1r`: the presets plugin's roll form for Z1R, with a link
//! to the organization's seed history.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Route, hooks::use_params_map, Lazy, StaticSegment};

// The page loads on demand (sdk::ui::lazy).
sdk::lazy_page!(z1r_pages: Z1rRollRoute => RollPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("") view={Lazy::<Z1rRollRoute>::new()}/> }.into_inner()
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
        <Title text="Roll a Z1R seed"/>
        <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
            <h2 class="text-lg font-semibold">"Roll a Z1R seed"</h2>
            <a class="text-indigo-600 hover:underline dark:text-indigo-400"
                href=move || format!("/org/{}/presets/seeds", org_id.get())>"Seed history"</a>
        </div>
        <p class="mb-4 text-sm text-slate-600 dark:text-slate-300">
            "A seed number to go with one of your presets' flag strings: players type both into the Zelda 1 Randomizer program (the link is its home page) and randomize their own ROM. There is no spoiler log to keep."
        </p>
        <presets::ui::RollSeed org_id randomizer="z1r"/>
    }
}
