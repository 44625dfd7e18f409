//! The page under `/org/{org_id}/smz3`: the presets plugin's roll form for SMZ3, with a
//! link to the organization's seed history.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Route, hooks::use_params_map, Lazy, StaticSegment};

// The page loads on demand (sdk::ui::lazy).
sdk::lazy_page!(smz3_pages: Smz3RollRoute => RollPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("") view={Lazy::<Smz3RollRoute>::new()}/> }.into_inner()
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
        <Title text="Roll an SMZ3 seed"/>
        <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
            <h2 class="text-lg font-semibold">"Roll an SMZ3 seed"</h2>
            <a class="text-indigo-600 hover:underline dark:text-indigo-400"
                href=move || format!("/org/{}/presets/seeds", org_id.get())>"Seed history"</a>
        </div>
        <p class="mb-4 text-sm text-slate-600 dark:text-slate-300">
            "Rolled on samus.link from one of your presets (SahasrahBot's SMZ3 preset files work as they are). A race seed's spoiler stays on samus.link; ask for a spoiler to keep the link that opens it, shown to those allowed until released."
        </p>
        <presets::ui::RollSeed org_id randomizer="smz3"/>
    }
}
