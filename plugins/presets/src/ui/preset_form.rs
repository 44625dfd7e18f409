//! The form the new and edit pages share.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use sdk::ui::{Button, Checkbox, FormError, Select, TextField};

use super::LINK;
use crate::{
    api::{CheckPresetYaml, CreatePreset, UpdatePreset},
    model::{Namespace, NamespaceOwner, Preset, RandomizerInfo},
};

/// The form's server actions, created by the page.
#[derive(Clone, Copy)]
pub(super) struct FormActions {
    create: ServerAction<CreatePreset>,
    update: ServerAction<UpdatePreset>,
    check: ServerAction<CheckPresetYaml>,
}

impl FormActions {
    pub(super) fn new() -> Self {
        Self {
            create: ServerAction::new(),
            update: ServerAction::new(),
            check: ServerAction::new(),
        }
    }
}

const YAML_EXAMPLE: &str = "goal: ganon\nmode: open\nweapons: randomized\n";

/// Create or edit. YAML is checked on the server as soon as the field loses focus, and again on
/// saving; either error is shown under the field with its line and column.
#[component]
pub(super) fn PresetForm(
    org: i64,
    namespaces: Vec<Namespace>,
    randomizers: Vec<RandomizerInfo>,
    existing: Option<Preset>,
    actions: FormActions,
) -> impl IntoView {
    let FormActions {
        create,
        update,
        check,
    } = actions;
    let editing = existing.as_ref().map(|p| p.summary.id);
    let namespace = RwSignal::new(
        existing
            .as_ref()
            .and_then(|p| p.summary.namespace.clone())
            .or_else(|| namespaces.first().map(|n| n.slug.clone()))
            .unwrap_or_default(),
    );
    let randomizer = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.summary.randomizer.clone())
            .unwrap_or_else(|| "alttpr".into()),
    );
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.summary.name.clone())
            .unwrap_or_default(),
    );
    let description = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.summary.description.clone())
            .unwrap_or_default(),
    );
    let yaml = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.yaml.clone())
            .unwrap_or_else(|| YAML_EXAMPLE.to_string()),
    );
    let is_public = RwSignal::new(existing.as_ref().is_none_or(|p| p.summary.is_public));
    let saved_error = Signal::derive(move || {
        create
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| update.value().get().and_then(|r| r.err()))
    });
    // The YAML's error: from the last save if it was about the YAML, else from the last check.
    let yaml_error = Signal::derive(move || {
        saved_error
            .get()
            .filter(|e| e.field() == Some("yaml"))
            .or_else(|| check.value().get().and_then(|r| r.err()))
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        let done = create
            .value()
            .get()
            .and_then(|r| r.ok())
            .or_else(|| update.value().get().and_then(|r| r.ok()));
        if let Some(p) = done {
            navigate(
                &format!("/org/{org}/presets/p/{}", p.summary.id),
                Default::default(),
            );
        }
    });
    let namespace_options: Vec<(String, String)> = namespaces
        .iter()
        .map(|n| {
            let owner = match &n.owner {
                NamespaceOwner::User { name, .. } => format!("{name}'s"),
                NamespaceOwner::Organization { name, .. } => name.clone(),
            };
            (n.slug.clone(), format!("{} ({owner})", n.display_name))
        })
        .collect();
    let no_namespace = editing.is_none() && namespace_options.is_empty();
    let randomizer_options: Vec<(String, String)> =
        randomizers.into_iter().map(|r| (r.id, r.name)).collect();
    let randomizer_options = Signal::derive(move || randomizer_options.clone());
    let busy = Signal::derive(move || create.pending().get() || update.pending().get());
    view! {
        {no_namespace.then(|| view! {
            <div class="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950">
                "You cannot add presets to any namespace yet. "
                <a class=LINK href=format!("/org/{org}/presets/namespaces")>"Create a namespace"</a>
                " first."
            </div>
        })}
        <form id="preset-form" class="grid gap-4 lg:grid-cols-3" novalidate=true on:submit=move |ev| {
            ev.prevent_default();
            match editing {
                Some(preset_id) => { update.dispatch(UpdatePreset { org_id: Some(org), preset_id, name: Some(name.get_untracked()), description: Some(description.get_untracked()), yaml: Some(yaml.get_untracked()), is_public: Some(is_public.get_untracked()) }); }
                None => { create.dispatch(CreatePreset { org_id: Some(org), namespace: Some(namespace.get_untracked()), randomizer: randomizer.get_untracked(), name: name.get_untracked(), description: description.get_untracked(), yaml: yaml.get_untracked(), is_public: is_public.get_untracked() }); }
            }
        }>
            <div class="flex flex-col gap-4">
                {match editing {
                    None => view! {
                        <Select label="Namespace" name="namespace" value=namespace options=Signal::derive(move || namespace_options.clone())/>
                        <Select label="Randomizer" name="randomizer" value=randomizer options=randomizer_options/>
                    }.into_any(),
                    Some(_) => view! {
                        <p class="text-sm">"Namespace "<strong>{move || namespace.get()}</strong>", randomizer "<strong>{move || randomizer.get()}</strong></p>
                    }.into_any(),
                }}
                <TextField label="Name" name="name" value=name error=saved_error required=true/>
                <TextField label="Description" name="description" value=description error=saved_error/>
                <Checkbox label="Public: anyone can see and use it" name="is_public" checked=is_public/>
                <FormError error=saved_error fields=&["name", "description", "yaml"]/>
                <div><Button button_type="submit" busy>{if editing.is_some() { "Save changes" } else { "Create preset" }}</Button></div>
            </div>
            <div class="flex flex-col gap-1 lg:col-span-2">
                <label for="field-yaml" class="text-sm font-medium text-slate-700 dark:text-slate-200">"Settings (YAML)"</label>
                <textarea id="field-yaml" name="yaml" rows="18" spellcheck="false"
                    class=move || format!("block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-xs text-slate-900 shadow-sm ring-1 ring-inset focus:ring-2 focus:ring-inset focus:ring-indigo-600 dark:bg-slate-900 dark:text-slate-100 {}", if yaml_error.get().is_some() { "ring-red-500" } else { "ring-slate-300 dark:ring-slate-600" })
                    prop:value=move || yaml.get()
                    on:input=move |ev| yaml.set(event_target_value(&ev))
                    on:change=move |ev| { check.dispatch(CheckPresetYaml { yaml: event_target_value(&ev) }); }
                ></textarea>
                <p class="text-xs text-slate-500 dark:text-slate-400">"A mapping of settings. SahasrahBot files (goal_name, description, settings: …) and mystery weights work as they are."</p>
                {move || match yaml_error.get() {
                    Some(e) => view! { <p id="yaml-error" class="field-error text-xs font-medium text-red-600 dark:text-red-400" role="alert">{e.message()}</p> }.into_any(),
                    None => match check.value().get() {
                        Some(Ok(c)) => view! {
                            <p id="yaml-ok" class="text-xs text-green-700 dark:text-green-400">
                                {format!("Valid {} preset{}, {} setting(s){}", c.kind.label().to_lowercase(), if c.sahasrahbot_format { " in SahasrahBot's format" } else { "" }, c.keys, c.goal_name.map(|g| format!(": {g}")).unwrap_or_default())}
                            </p>
                        }.into_any(),
                        _ => ().into_any(),
                    },
                }}
            </div>
        </form>
    }
}
