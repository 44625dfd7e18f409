//! The page under `/org/{org_id}/sm`: the presets plugin's roll form for Super Metroid, with a
//! link to the organization's seed history.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Route, hooks::use_params_map, Lazy, StaticSegment};

// The page loads on demand (sdk::ui::lazy).
sdk::lazy_page!(sm_pages: SmRollRoute => RollPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("") view={Lazy::<SmRollRoute>::new()}/> }.into_inner()
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
        <Title text="Roll a Super Metroid seed"/>
        <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
            <h2 class="text-lg font-semibold">"Roll a Super Metroid seed"</h2>
            <a class="text-indigo-600 hover:underline dark:text-indigo-400"
                href=move || format!("/org/{}/presets/seeds", org_id.get())>"Seed history"</a>
        </div>
        <p class="mb-4 text-sm text-slate-600 dark:text-slate-300">
            "Rolled from one of your presets with the generator it names: VARIA, DASH (dashrando.net) or the samus.link randomizer on sm.samus.link (`total`, the default — SahasrahBot's Super Metroid presets work as they are)."
        </p>
        <presets::ui::RollSeed org_id randomizer="sm"/>
    }
}
