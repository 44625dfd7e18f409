//! An organization's Settings tab: its name and description.

use leptos::prelude::*;
use sdk::ui::{Button, Card, FormError, SuccessNotice, TextArea, TextField};

use crate::api::orgs::{OrgSummary, UpdateOrganization};
use crate::pages::shared::failed;

use super::OrgFrame;

#[component]
pub fn OrgSettingsPage() -> impl IntoView {
    view! { <OrgFrame current="settings" page=|overview| view! { <Settings overview/> }.into_any()/> }
}

#[component]
fn Settings(overview: OrgSummary) -> impl IntoView {
    let org_id = overview.organization.id;
    let name = RwSignal::new(overview.organization.name.clone());
    let description = RwSignal::new(overview.organization.description.clone());
    let save = ServerAction::<UpdateOrganization>::new();
    let error = Signal::derive(move || failed(save.value().get()));
    view! {
        <Card title="Organization settings" class="max-w-xl">
            <form class="flex flex-col gap-4" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(UpdateOrganization { org_id, name: name.get_untracked(), description: description.get_untracked() });
            }>
                <TextField label="Name" name="name" value=name error required=true/>
                <TextArea label="Description" name="description" value=description error rows=4/>
                <FormError error fields=&["name", "description"]/>
                {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <SuccessNotice message="Saved."/> })}
                <div><Button button_type="submit" busy=save.pending()>"Save"</Button></div>
            </form>
        </Card>
    }
}
