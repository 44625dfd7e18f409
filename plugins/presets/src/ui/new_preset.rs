//! A new preset: the form, with the namespaces the caller may add to and the randomizers.

use leptos::prelude::*;
use leptos_meta::Title;
use sdk::ui::{ErrorNotice, SkeletonRows};

use super::{
    param,
    preset_form::{FormActions, PresetForm},
};
use crate::{
    api::{list_namespaces, list_randomizers},
    model::Namespace,
};

#[component]
pub(super) fn NewPresetPage() -> impl IntoView {
    let org_id = param("org_id");
    // Resources and actions live here, outside the suspense, so server and browser agree.
    // A picker: the first page of the maximum size (200) is enough to choose from.
    let namespaces = Resource::new(
        move || org_id.get(),
        |org| async move {
            let first = sdk::page::PageRequest {
                limit: Some(sdk::page::MAX_LIMIT),
                before_id: None,
            };
            list_namespaces(Some(org), first)
                .await
                .map(|page| page.items)
        },
    );
    let randomizers = Resource::new(|| (), |_| list_randomizers());
    let actions = FormActions::new();
    view! {
        <Title text="New preset"/>
        <h2 class="mb-4 text-lg font-semibold">"New preset"</h2>
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match (namespaces.await, randomizers.await) {
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                    (Ok(list), Ok(randomizers)) => {
                        let writable: Vec<Namespace> = list.into_iter().filter(|n| n.rights.create).collect();
                        view! { <PresetForm org=org_id.get_untracked() namespaces=writable randomizers existing=None actions/> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
