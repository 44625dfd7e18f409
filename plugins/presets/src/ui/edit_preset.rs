//! Changing a preset (name, description, YAML, visibility), for those who may.

use leptos::prelude::*;
use leptos_meta::Title;
use sdk::{
    ui::{ErrorNotice, SkeletonRows},
    Error,
};

use super::{
    param,
    preset_form::{FormActions, PresetForm},
};
use crate::api::get_preset;

#[component]
pub(super) fn EditPresetPage() -> impl IntoView {
    let org_id = param("org_id");
    let preset_id = param("preset_id");
    let preset = Resource::new(
        move || (org_id.get(), preset_id.get()),
        |(org, id)| get_preset(Some(org), id),
    );
    let actions = FormActions::new();
    view! {
        <Title text="Edit preset"/>
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match preset.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(p) if !p.can_update => view! { <ErrorNotice error=Error::forbidden("You may not change this preset.")/> }.into_any(),
                    Ok(p) => view! {
                        <h2 class="mb-4 text-lg font-semibold">{format!("Edit {}", p.summary.name)}</h2>
                        <PresetForm org=org_id.get_untracked() namespaces=vec![] randomizers=vec![] existing=Some(p) actions/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
