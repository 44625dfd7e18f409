//! The pages under `/org/{org_id}/presets`: browse and search, view (settings, raw YAML, copy,
//! download), create and edit with inline YAML checking, and namespaces with their grants.
//! Every page creates its resources at its top, outside any suspense.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::{Outlet, ParentRoute, Route, A},
    hooks::{use_navigate, use_params_map, use_query_map},
    ParamSegment, StaticSegment,
};
use sdk::{
    time::format_utc,
    ui::{
        Badge, Button, ButtonKind, Card, Checkbox, EmptyState, ErrorNotice, FormError, PageHeader,
        Pager, Select, SkeletonRows, SuccessNotice, TextField, Tone, TABLE, TD, TH,
    },
    Error,
};
use serde_json::Value;

use crate::{
    api::{
        get_preset, list_namespace_grants, list_namespaces, list_presets, list_randomizers,
        CheckPresetYaml, CreateNamespace, CreatePreset, DeletePreset, GrantNamespacePermission,
        UpdatePreset,
    },
    format::PresetKind,
    model::{Namespace, NamespaceOwner, Preset, RandomizerInfo},
};

#[component(transparent)]
pub fn Routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment("") view=Outlet>
            <Route path=StaticSegment("") view=BrowsePage/>
            <Route path=StaticSegment("new") view=NewPresetPage/>
            <Route path=StaticSegment("namespaces") view=NamespacesPage/>
            <Route path=(StaticSegment("p"), ParamSegment("preset_id")) view=PresetPage/>
            <Route path=(StaticSegment("p"), ParamSegment("preset_id"), StaticSegment("edit")) view=EditPresetPage/>
        </ParentRoute>
    }
    .into_inner()
}

fn param(name: &'static str) -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|p| p.get(name).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
    })
}

fn kind_badge(kind: PresetKind) -> impl IntoView {
    let tone = if kind == PresetKind::Mystery {
        Tone::Accent
    } else {
        Tone::Neutral
    };
    view! { <Badge tone>{kind.label()}</Badge> }
}

fn visibility_badge(public: bool) -> impl IntoView {
    if public {
        view! { <Badge tone=Tone::Good>"Public"</Badge> }.into_any()
    } else {
        view! { <Badge tone=Tone::Warning>"Private"</Badge> }.into_any()
    }
}

const LINK: &str = "text-indigo-600 hover:underline dark:text-indigo-400";
const SECONDARY_LINK: &str = "inline-flex items-center rounded-md bg-white px-4 py-2 text-sm font-semibold text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600";
const PRIMARY_LINK: &str = "inline-flex items-center rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500";

#[component]
fn BrowsePage() -> impl IntoView {
    let org_id = param("org_id");
    // `?namespace=slug` (the namespaces page links here) starts the list filtered.
    let from_link = use_query_map().with_untracked(|q| q.get("namespace").unwrap_or_default());
    let randomizer = RwSignal::new(String::new());
    let namespace = RwSignal::new(from_link.clone());
    let q = RwSignal::new(String::new());
    let applied = RwSignal::new((String::new(), from_link, String::new()));
    let randomizers = Resource::new(|| (), |_| list_randomizers());
    let presets = Resource::new(
        move || (org_id.get(), applied.get()),
        |(org, (r, n, q))| list_presets(Some(org), Some(r), Some(n), Some(q)),
    );
    let options = Signal::derive(move || {
        let mut list = vec![(String::new(), "All randomizers".to_string())];
        if let Some(Ok(all)) = randomizers.get() {
            list.extend(all.into_iter().map(|r| (r.id, r.name)));
        }
        list
    });
    view! {
        <Title text="Presets"/>
        <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
            <h2 class="text-lg font-semibold">"Presets"</h2>
            <div class="flex gap-2">
                <a class=SECONDARY_LINK href=move || format!("/org/{}/presets/namespaces", org_id.get())>"Namespaces"</a>
                <a id="new-preset" class=PRIMARY_LINK href=move || format!("/org/{}/presets/new", org_id.get())>"New preset"</a>
            </div>
        </div>
        <form id="preset-search" class="mb-4 grid gap-3 sm:grid-cols-4 sm:items-end" on:submit=move |ev| {
            ev.prevent_default();
            applied.set((randomizer.get_untracked(), namespace.get_untracked(), q.get_untracked()));
        }>
            <Select label="Randomizer" name="randomizer" value=randomizer options/>
            <TextField label="Namespace" name="namespace" value=namespace placeholder="e.g. league-2026"/>
            <TextField label="Search" name="q" value=q placeholder="name or description"/>
            <div><Button button_type="submit" kind=ButtonKind::Secondary>"Search"</Button></div>
        </form>
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match presets.await {
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <EmptyState title="No presets found" detail="Try other filters, or write the first one."/>
                    }.into_any(),
                    Ok(list) => {
                        let org = org_id.get_untracked();
                        view! {
                            <div class="overflow-x-auto">
                            <table class=TABLE id="preset-list">
                                <thead><tr><th class=TH>"Preset"</th><th class=TH>"Randomizer"</th><th class=TH>"Namespace"</th><th class=TH>"Kind"</th><th class=TH>"Visibility"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|p| view! {
                                        <tr>
                                            <td class=TD>
                                                <a class=LINK href=format!("/org/{org}/presets/p/{}", p.id)>{p.name.clone()}</a>
                                                <div class="text-xs text-slate-500 dark:text-slate-400">{p.description.clone()}</div>
                                            </td>
                                            <td class=TD><code>{p.randomizer.clone()}</code></td>
                                            <td class=TD>{p.namespace.clone().unwrap_or_else(|| "global".into())}</td>
                                            <td class=TD>{kind_badge(p.kind)}</td>
                                            <td class=TD>{visibility_badge(p.is_public)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

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
fn PresetPage() -> impl IntoView {
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

#[component]
fn NewPresetPage() -> impl IntoView {
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

#[component]
fn EditPresetPage() -> impl IntoView {
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

/// The form's server actions, created by the page.
#[derive(Clone, Copy)]
struct FormActions {
    create: ServerAction<CreatePreset>,
    update: ServerAction<UpdatePreset>,
    check: ServerAction<CheckPresetYaml>,
}

impl FormActions {
    fn new() -> Self {
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
fn PresetForm(
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

#[component]
fn NamespacesPage() -> impl IntoView {
    let org_id = param("org_id");
    let create = ServerAction::<CreateNamespace>::new();
    let grant = ServerAction::<GrantNamespacePermission>::new();
    let before = RwSignal::new(None::<i64>);
    let namespaces = Resource::new(
        move || {
            (
                org_id.get(),
                create.version().get(),
                grant.version().get(),
                before.get(),
            )
        },
        |(org, _, _, before)| list_namespaces(Some(org), sdk::page::PageRequest::after(before)),
    );
    let slug = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let is_public = RwSignal::new(true);
    let owner = RwSignal::new("me".to_string());
    let error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    view! {
        <Title text="Preset namespaces"/>
        <div class="mb-4 flex items-center justify-between">
            <h2 class="text-lg font-semibold">"Namespaces"</h2>
            <a class=LINK href=move || format!("/org/{}/presets", org_id.get())>"Back to presets"</a>
        </div>
        <div class="grid gap-6 lg:grid-cols-3">
            <div class="lg:col-span-2">
                {move || grant.value().get().and_then(|r| r.err()).map(|error| view! { <ErrorNotice error/> })}
                <Suspense fallback=|| view! { <SkeletonRows rows=4/> }>
                    {move || Suspend::new(async move {
                        match namespaces.await {
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            Ok(page) if page.items.is_empty() && page.next_before_id.is_none() => view! { <EmptyState title="No namespaces yet" detail="Create one to start writing presets."/> }.into_any(),
                            Ok(page) => { let next = page.next_before_id; view! {
                                <ul id="namespace-list" class="flex flex-col gap-3">
                                    {page.items.into_iter().map(|n| view! { <NamespaceItem n org=org_id.get_untracked() grant/> }).collect_view()}
                                </ul>
                                <Pager before next/>
                            }.into_any() }
                        }
                    })}
                </Suspense>
            </div>
            <Card title="New namespace">
                <form id="create-namespace" class="flex flex-col gap-3" on:submit=move |ev| {
                    ev.prevent_default();
                    create.dispatch(CreateNamespace { org_id: Some(org_id.get_untracked()), slug: slug.get_untracked(), display_name: display_name.get_untracked(), description: description.get_untracked(), is_public: is_public.get_untracked(), for_organization: owner.get_untracked() == "org" });
                }>
                    <TextField label="Short name" name="slug" value=slug error help="Lowercase letters, digits and -, e.g. league-2026. Used in links." required=true/>
                    <TextField label="Display name" name="display_name" value=display_name error required=true/>
                    <TextField label="Description" name="description" value=description error/>
                    <Select label="Owner" name="owner" value=owner options=Signal::derive(|| vec![("me".to_string(), "Me".to_string()), ("org".to_string(), "This organization".to_string())])/>
                    <Checkbox label="Public: anyone can see its public presets" name="ns_public" checked=is_public/>
                    <FormError error fields=&["slug", "display_name", "description"]/>
                    {move || create.value().get().and_then(|r| r.ok()).map(|n| view! { <SuccessNotice message=format!("Created {}.", n.slug)/> })}
                    <div><Button button_type="submit" busy=create.pending()>"Create namespace"</Button></div>
                </form>
            </Card>
        </div>
    }
}

#[component]
fn NamespaceItem(
    n: Namespace,
    org: i64,
    grant: ServerAction<GrantNamespacePermission>,
) -> impl IntoView {
    let owner = match &n.owner {
        NamespaceOwner::User { name, .. } => format!("owned by {name}"),
        NamespaceOwner::Organization { name, .. } => format!("owned by {name}"),
    };
    let slug = n.slug.clone();
    let show = RwSignal::new(false);
    // Loaded on demand (an action, not a resource: this item renders inside a suspense).
    let grants = Action::new(move |slug: &String| {
        let slug = slug.clone();
        async move { list_namespace_grants(Some(org), slug).await }
    });
    {
        let slug = slug.clone();
        Effect::new(move |_| {
            grant.version().get();
            if show.get() {
                grants.dispatch(slug.clone());
            }
        });
    }
    let user_id = RwSignal::new(String::new());
    let can_create = RwSignal::new(true);
    let can_update = RwSignal::new(true);
    let can_delete = RwSignal::new(false);
    let local_error = RwSignal::new(None::<Error>);
    let manage = n.rights.manage;
    let field_suffix = n.slug.clone();
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-800/60" data-namespace=n.slug.clone()>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <div>
                    <strong>{n.display_name.clone()}</strong>" "<code class="text-xs">{n.slug.clone()}</code>
                    <div class="text-xs text-slate-500">{format!("{owner} · {} preset(s)", n.preset_count)}</div>
                </div>
                <div class="flex items-center gap-2">
                    {visibility_badge(n.is_public)}
                    <A href=format!("/org/{org}/presets?namespace={}", n.slug)>
                        <span class="text-sm text-indigo-600 dark:text-indigo-400">"Presets"</span>
                    </A>
                    {manage.then(|| view! {
                        <button type="button" class="text-sm text-indigo-600 hover:underline dark:text-indigo-400" on:click=move |_| show.update(|s| *s = !*s)>"People"</button>
                    })}
                </div>
            </div>
            {(!n.description.is_empty()).then(|| view! { <p class="mt-1 text-sm text-slate-600 dark:text-slate-300">{n.description.clone()}</p> })}
            <Show when=move || show.get()>
                <div class="mt-3 border-t border-slate-200 pt-3 dark:border-slate-700">
                    {move || match grants.value().get() {
                                None => view! { <SkeletonRows rows=1/> }.into_any(),
                                Some(Err(error)) => view! { <ErrorNotice error/> }.into_any(),
                                Some(Ok(list)) if list.is_empty() => view! { <p class="text-xs text-slate-500">"Nobody has been given rights here yet."</p> }.into_any(),
                                Some(Ok(list)) => view! {
                                    <ul class="text-xs">
                                        {list.into_iter().map(|g| view! {
                                            <li>{format!("{} (#{}) — {}", g.username, g.user_id, [("create", g.can_create), ("update", g.can_update), ("delete", g.can_delete)].iter().filter(|(_, on)| *on).map(|(w, _)| *w).collect::<Vec<_>>().join(", "))}</li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any(),
                    }}
                    <form class="mt-2 flex flex-wrap items-end gap-3" on:submit={
                        let slug = slug.clone();
                        move |ev| {
                            ev.prevent_default();
                            match user_id.get_untracked().trim().parse::<i64>() {
                                Ok(id) => { local_error.set(None); grant.dispatch(GrantNamespacePermission { org_id: Some(org), namespace: slug.clone(), user_id: id, can_create: can_create.get_untracked(), can_update: can_update.get_untracked(), can_delete: can_delete.get_untracked() }); }
                                Err(_) => local_error.set(Some(Error::invalid("user_id", "Enter the user's number (shown on the organization's member list)."))),
                            }
                        }
                    }>
                        <TextField label="User id" name=format!("grant-user-{}", field_suffix) value=user_id error=local_error/>
                        <Checkbox label="create" name=format!("grant-create-{}", field_suffix) checked=can_create/>
                        <Checkbox label="update" name=format!("grant-update-{}", field_suffix) checked=can_update/>
                        <Checkbox label="delete" name=format!("grant-delete-{}", field_suffix) checked=can_delete/>
                        <Button button_type="submit" kind=ButtonKind::Secondary busy=grant.pending()>"Grant"</Button>
                    </form>
                    <p class="mt-1 text-xs text-slate-500">"Untick all three and grant to take someone's rights away."</p>
                </div>
            </Show>
        </li>
    }
}
