//! The pages under `/org/{org_id}/presets`, one file per page: browse and search
//! (`browse`), view with settings, raw YAML, copy and download (`preset`), create and edit
//! with inline YAML checking (`new_preset`, `edit_preset`, sharing `preset_form`),
//! namespaces with their grants (`namespaces`), and rolling seeds with the seed history
//! (`seeds`; its roll form is also each randomizer plugin's page). Every page creates its resources at its top,
//! outside any suspense. Pages call the server functions of [`crate::api`] only.

mod browse;
mod edit_preset;
mod namespaces;
mod new_preset;
mod preset;
mod preset_form;
mod seeds;

use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, ParentRoute, Route},
    hooks::use_params_map,
    Lazy, ParamSegment, StaticSegment,
};
use sdk::ui::{Badge, Tone};

use crate::format::PresetKind;

use browse::BrowsePage;
use edit_preset::EditPresetPage;
use namespaces::NamespacesPage;
use new_preset::NewPresetPage;
use preset::PresetPage;
use seeds::SeedsPage;
pub use seeds::{RollSeed, SeedCard};

// The pages load on demand, as one module (sdk::ui::lazy).
sdk::lazy_page!(presets_pages: PresetsBrowseRoute => BrowsePage);
sdk::lazy_page!(presets_pages: PresetsNewRoute => NewPresetPage);
sdk::lazy_page!(presets_pages: PresetsNamespacesRoute => NamespacesPage);
sdk::lazy_page!(presets_pages: PresetsPresetRoute => PresetPage);
sdk::lazy_page!(presets_pages: PresetsEditRoute => EditPresetPage);
sdk::lazy_page!(presets_pages: PresetsSeedsRoute => SeedsPage);

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment("") view=Outlet>
            <Route path=StaticSegment("") view={Lazy::<PresetsBrowseRoute>::new()}/>
            <Route path=StaticSegment("new") view={Lazy::<PresetsNewRoute>::new()}/>
            <Route path=StaticSegment("namespaces") view={Lazy::<PresetsNamespacesRoute>::new()}/>
            <Route path=StaticSegment("seeds") view={Lazy::<PresetsSeedsRoute>::new()}/>
            <Route path=(StaticSegment("p"), ParamSegment("preset_id")) view={Lazy::<PresetsPresetRoute>::new()}/>
            <Route path=(StaticSegment("p"), ParamSegment("preset_id"), StaticSegment("edit")) view={Lazy::<PresetsEditRoute>::new()}/>
        </ParentRoute>
    }
    .into_inner()
}

pub(crate) fn param(name: &'static str) -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|p| p.get(name).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
    })
}

pub(crate) fn kind_badge(kind: PresetKind) -> impl IntoView {
    let tone = if kind == PresetKind::Mystery {
        Tone::Accent
    } else {
        Tone::Neutral
    };
    view! { <Badge tone>{kind.label()}</Badge> }
}

pub(crate) fn visibility_badge(public: bool) -> impl IntoView {
    if public {
        view! { <Badge tone=Tone::Good>"Public"</Badge> }.into_any()
    } else {
        view! { <Badge tone=Tone::Warning>"Private"</Badge> }.into_any()
    }
}

pub(crate) const LINK: &str = "text-indigo-600 hover:underline dark:text-indigo-400";
pub(crate) const SECONDARY_LINK: &str = "inline-flex items-center rounded-md bg-white px-4 py-2 text-sm font-semibold text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600";
pub(crate) const PRIMARY_LINK: &str = "inline-flex items-center rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500";
