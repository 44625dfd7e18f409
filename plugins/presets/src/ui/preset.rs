//! One preset: its settings as a tree, the YAML to copy or download, edit and delete for
//! those who may.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use sdk::{
    time::format_utc,
    ui::{Badge, Button, ButtonKind, Card, ErrorNotice, PageHeader, SkeletonRows},
};
use serde_json::Value;

use super::{kind_badge, param, visibility_badge, SECONDARY_LINK};
use crate::{
    api::{get_preset, DeletePreset},
    model::Preset,
};

/// Settings as nested lists of `key: value`.
fn settings_tree(value: &Value) -> AnyView {
    match value {
        Value::Object(map) => view! {
            <ul class="ml-4 flex flex-col gap-0.5">
                {map.iter().map(|(k, v)| {
                    let nested = v.is_object() || (v.is_array() && v.as_array().is_some_and(|a| a.iter().any(|i| i.is_object())));
                    view! {
                        <li>
                            <span class="font-mono text-xs font-semibold">{k.clone()}</span>
                            {if nested { settings_tree(v) } else { view! { <span class="font-mono text-xs">": "{scalar(v)}</span> }.into_any() }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }.into_any(),
        Value::Array(items) => view! {
            <ul class="ml-4 list-disc">{items.iter().map(|i| view! { <li>{settings_tree(i)}</li> }).collect_view()}</ul>
        }.into_any(),
        other => view! { <span class="font-mono text-xs">{scalar(other)}</span> }.into_any(),
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn download_href(yaml: &str) -> String {
    let mut out = String::from("data:text/yaml;charset=utf-8,");
    for byte in yaml.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[component]
pub(super) fn PresetPage() -> impl IntoView {
    let org_id = param("org_id");
    let preset_id = param("preset_id");
    let delete = ServerAction::<DeletePreset>::new();
    let preset = Resource::new(
        move || (org_id.get(), preset_id.get()),
        |(org, id)| get_preset(Some(org), id),
    );
    let confirming = RwSignal::new(false);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate(
                &format!("/org/{}/presets", org_id.get_untracked()),
                Default::default(),
            );
        }
    });
    view! {
        {move || delete.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
        <Suspense fallback=|| view! { <SkeletonRows rows=8/> }>
            {move || Suspend::new(async move {
                match preset.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(p) => view! { <PresetView p org=org_id.get_untracked() delete confirming/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PresetView(
    p: Preset,
    org: i64,
    delete: ServerAction<DeletePreset>,
    confirming: RwSignal<bool>,
) -> impl IntoView {
    let id = p.summary.id;
    let file_name = format!(
        "{}.yaml",
        p.summary
            .name
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
    );
    view! {
        <Title text=p.summary.name.clone()/>
        <PageHeader title=p.summary.name.clone() subtitle=p.summary.description.clone()>
            <div class="flex flex-wrap gap-2">
                {p.can_update.then(|| view! { <a id="edit-preset" class=SECONDARY_LINK href=format!("/org/{org}/presets/p/{id}/edit")>"Edit"</a> })}
                {p.can_delete.then(|| view! {
                    <Show when=move || confirming.get() fallback=move || view! {
                        <Button kind=ButtonKind::Danger on_click=Callback::new(move |_| confirming.set(true))>"Delete"</Button>
                    }>
                        <Button kind=ButtonKind::Danger id="confirm-delete" busy=delete.pending() on_click=Callback::new(move |_| { delete.dispatch(DeletePreset { org_id: Some(org), preset_id: id }); })>"Really delete"</Button>
                        <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| confirming.set(false))>"Keep"</Button>
                    </Show>
                })}
            </div>
        </PageHeader>
        <div class="mb-4 flex flex-wrap gap-2 text-sm">
            <Badge>{p.summary.randomizer.clone()}</Badge>
            <Badge>{p.summary.namespace.clone().map(|n| format!("namespace {n}")).unwrap_or_else(|| "global".into())}</Badge>
            {kind_badge(p.summary.kind)}
            {visibility_badge(p.summary.is_public)}
            <span class="text-xs text-slate-500">{format!("by {} · updated {}", p.created_by.clone().unwrap_or_else(|| "someone".into()), format_utc(p.summary.updated_at))}</span>
        </div>
        <div class="grid gap-4 lg:grid-cols-2">
            <Card title="Settings">
                <div id="preset-settings" class="overflow-x-auto">{settings_tree(&p.settings)}</div>
            </Card>
            <Card title="YAML">
                <div class="mb-2 flex gap-2">
                    <button type="button" class="rounded-md px-3 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-700"
                        onclick="navigator.clipboard.writeText(document.getElementById('preset-yaml').textContent); this.textContent = 'Copied';">"Copy"</button>
                    <a class="rounded-md px-3 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-700"
                        href=download_href(&p.yaml) download=file_name>"Download"</a>
                </div>
                <pre id="preset-yaml" class="max-h-[32rem] overflow-auto rounded-md bg-slate-100 p-3 font-mono text-xs dark:bg-slate-900">{p.yaml.clone()}</pre>
            </Card>
        </div>
    }
}
