//! Plugin pages: an organization's plugins (on/off with dependency prompts, settings form) and
//! the site admin's view of the whole installation.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use sdk::{
    plugin::{ConfigSource, PluginConfigView, PluginStatus, PluginSummary},
    ui::{
        Badge, Button, ButtonKind, Card, EmptyState, ErrorNotice, SchemaForm, SkeletonRows,
        SuccessNotice, TextArea, TextField, Tone, TABLE, TD, TH,
    },
};

use super::{
    admin::admin_tabs,
    org::OrgFrame,
    shared::{failed, org_id_param, LoadError},
};
use crate::api::{
    orgs::OrgSummary,
    plugins::{
        admin_install_config, get_plugin_config, list_plugins, AdminGrantPlugin, AdminReloadPlugin,
        AdminSetInstallConfig, AdminSetPluginActive, SetPluginConfig, SetPluginEnabled,
    },
};

fn status_badge(summary: &PluginSummary) -> impl IntoView {
    let (tone, label) = match summary.status {
        PluginStatus::Loaded if summary.disabled_by_setting => {
            (Tone::Warning, "Disabled by setting")
        }
        PluginStatus::Loaded => (Tone::Good, "Loaded"),
        PluginStatus::Failed => (Tone::Bad, "Failed"),
        PluginStatus::Inactive => (Tone::Warning, "Inactive"),
    };
    view! { <Badge tone>{label}</Badge> }
}

#[component]
pub fn OrgPluginsPage() -> impl IntoView {
    // Created once, outside the frame (see `OrgFrame`).
    let org_id = org_id_param();
    let toggle = ServerAction::<SetPluginEnabled>::new();
    let plugins = Resource::new(
        move || (org_id.get(), toggle.version().get()),
        |(org_id, _)| list_plugins(Some(org_id)),
    );
    let refresh = Signal::derive(move || toggle.version().get());
    view! {
        <OrgFrame current="plugins" refresh page=move |overview| view! { <OrgPlugins overview toggle plugins/> }.into_any()/>
    }
}

/// A pending "switch on, with these dependencies too?" question.
#[derive(Debug, Clone, PartialEq)]
struct Prompt {
    plugin_id: String,
    plugin_name: String,
    dependencies: Vec<String>,
}

#[component]
fn OrgPlugins(
    overview: OrgSummary,
    toggle: ServerAction<SetPluginEnabled>,
    plugins: Resource<Result<Vec<PluginSummary>, sdk::Error>>,
) -> impl IntoView {
    let org_id = overview.organization.id;
    let may_manage = overview.allowed.iter().any(|a| a == "organization:plugins");
    let prompt = RwSignal::new(None::<Prompt>);
    view! {
        <Title text="Plugins"/>
        <p class="mb-4 text-sm text-slate-600 dark:text-slate-300">
            "Plugins add features to this organization. Switching one off hides its pages and keeps its data."
        </p>
        {move || failed(toggle.value().get()).map(|error| view! { <ErrorNotice error/> })}
        {move || prompt.get().map(|p| {
            let names = p.dependencies.join(", ");
            let plugin_id = p.plugin_id.clone();
            view! {
                <div id="dependency-prompt" role="alertdialog" class="mb-4 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-700 dark:bg-amber-950">
                    <p class="mb-3">{format!("{} needs {names}. Switch {names} on as well?", p.plugin_name)}</p>
                    <div class="flex gap-2">
                        <Button id="confirm-dependencies" on_click=Callback::new(move |_| {
                            toggle.dispatch(SetPluginEnabled { org_id, plugin_id: plugin_id.clone(), enabled: true, with_dependencies: true });
                            prompt.set(None);
                        })>"Switch all on"</Button>
                        <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| prompt.set(None))>"Cancel"</Button>
                    </div>
                </div>
            }
        })}
        <Suspense fallback=|| view! { <SkeletonRows rows=5/> }>
            {move || Suspend::new(async move {
                match plugins.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(list) => {
                        let list: Vec<PluginSummary> = list.into_iter().filter(|p| !p.global).collect();
                        if list.is_empty() {
                            return view! { <EmptyState title="No plugins are installed"/> }.into_any();
                        }
                        let all = list.clone();
                        view! {
                            <div class="overflow-x-auto">
                            <table class=TABLE id="org-plugins">
                                <thead><tr><th class=TH>"Plugin"</th><th class=TH>"Category"</th><th class=TH>"State"</th><th class=TH></th></tr></thead>
                                <tbody>
                                {list.into_iter().map(|p| {
                                    let enabled = p.enabled.unwrap_or(false);
                                    let id = p.id.clone();
                                    let name = p.name.clone();
                                    let missing: Vec<String> = p.dependencies.iter()
                                        .filter(|d| !d.optional)
                                        .filter(|d| all.iter().find(|x| x.id == d.id).is_none_or(|x| x.enabled != Some(true)))
                                        .map(|d| all.iter().find(|x| x.id == d.id).map(|x| x.name.clone()).unwrap_or_else(|| d.id.clone()))
                                        .collect();
                                    let toggle_id = id.clone();
                                    let settings = (p.configurable && may_manage).then(|| view! {
                                        <a class="text-sm text-indigo-600 hover:underline dark:text-indigo-400" href=format!("/org/{org_id}/plugins/{id}")>"Settings"</a>
                                    });
                                    view! {
                                        <tr data-plugin=p.id.clone()>
                                            <td class=TD>
                                                <div class="font-medium">{p.name.clone()}</div>
                                                <div class="text-xs text-slate-500 dark:text-slate-400">{p.description.clone()}</div>
                                                {p.blocked.clone().filter(|_| !enabled).map(|b| view! { <div class="text-xs text-amber-700 dark:text-amber-400">{format!("Unavailable: {b}")}</div> })}
                                            </td>
                                            <td class=TD>{p.category.clone()}</td>
                                            <td class=TD>
                                                {if enabled { view! { <Badge tone=Tone::Good>"On"</Badge> }.into_any() } else { view! { <Badge>"Off"</Badge> }.into_any() }}
                                            </td>
                                            <td class=TD>
                                                <div class="flex items-center justify-end gap-3">
                                                    {settings}
                                                    {may_manage.then(|| {
                                                        let label = if enabled { "Switch off" } else { "Switch on" };
                                                        let kind = if enabled { ButtonKind::Secondary } else { ButtonKind::Primary };
                                                        view! {
                                                            <Button kind id=format!("toggle-{toggle_id}") busy=toggle.pending() on_click=Callback::new(move |_| {
                                                                if !enabled && !missing.is_empty() {
                                                                    prompt.set(Some(Prompt { plugin_id: id.clone(), plugin_name: name.clone(), dependencies: missing.clone() }));
                                                                } else {
                                                                    prompt.set(None);
                                                                    toggle.dispatch(SetPluginEnabled { org_id, plugin_id: id.clone(), enabled: !enabled, with_dependencies: false });
                                                                }
                                                            })>{label}</Button>
                                                        }
                                                    })}
                                                </div>
                                            </td>
                                        </tr>
                                    }
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

#[component]
pub fn OrgPluginSettingsPage() -> impl IntoView {
    // Created once, outside the frame (see `OrgFrame`).
    let org_id = org_id_param();
    let params = use_params_map();
    let plugin_id = Memo::new(move |_| params.with(|p| p.get("plugin_id").unwrap_or_default()));
    let save = ServerAction::<SetPluginConfig>::new();
    // Reloaded after each save, so the effective values table shows what now applies.
    let view_data = Resource::new(
        move || (org_id.get(), plugin_id.get(), save.version().get()),
        |(org_id, id, _)| get_plugin_config(org_id, id),
    );
    view! {
        <OrgFrame current="plugins" page=move |overview| view! { <PluginSettings overview view_data save/> }.into_any()/>
    }
}

#[component]
fn PluginSettings(
    overview: OrgSummary,
    view_data: Resource<Result<PluginConfigView, sdk::Error>>,
    save: ServerAction<SetPluginConfig>,
) -> impl IntoView {
    let org_id = overview.organization.id;
    let error = Signal::derive(move || failed(save.value().get()));
    view! {
        <Suspense fallback=|| view! { <SkeletonRows rows=5/> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(data) => {
                        let value = RwSignal::new(data.effective.clone());
                        let plugin_id = data.plugin_id.clone();
                        let reset_id = plugin_id.clone();
                        let entries = data.entries.clone();
                        view! {
                            <Title text=format!("{} settings", data.plugin_name)/>
                            <div class="grid gap-4 lg:grid-cols-2">
                                <Card title=format!("{} settings", data.plugin_name)>
                                    <form id="plugin-settings" class="flex flex-col gap-4" novalidate=true on:submit=move |ev| {
                                        ev.prevent_default();
                                        save.dispatch(SetPluginConfig { org_id, plugin_id: plugin_id.clone(), config: value.get_untracked() });
                                    }>
                                        <SchemaForm schema=data.schema.clone() value error/>
                                        // Invalid values are shown on their fields; anything else here.
                                        {move || error.get().map(|error| match error {
                                            sdk::Error::Invalid { .. } => view! { <p class="text-sm font-medium text-red-700 dark:text-red-400" role="alert">"Fix the highlighted settings and save again."</p> }.into_any(),
                                            error => view! { <ErrorNotice error/> }.into_any(),
                                        })}
                                        {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <SuccessNotice message="Saved."/> })}
                                        <div class="flex gap-2">
                                            <Button button_type="submit" busy=save.pending()>"Save"</Button>
                                            <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| {
                                                save.dispatch(SetPluginConfig { org_id, plugin_id: reset_id.clone(), config: serde_json::json!({}) });
                                            })>"Use defaults"</Button>
                                        </div>
                                    </form>
                                </Card>
                                <Card title="Effective values">
                                    <table class=TABLE id="plugin-config-entries">
                                        <thead><tr><th class=TH>"Key"</th><th class=TH>"Value"</th><th class=TH>"From"</th></tr></thead>
                                        <tbody>
                                            {entries.into_iter().map(|e| view! {
                                                <tr><td class=TD><code>{e.key}</code></td><td class=TD><code>{e.value.to_string()}</code></td>
                                                <td class=TD>{if e.source == ConfigSource::Organization { view! { <Badge tone=Tone::Accent>{e.source.label()}</Badge> }.into_any() } else { view! { <span class="text-xs text-slate-500">{e.source.label()}</span> }.into_any() }}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <p class="mt-2 text-xs text-slate-500">"Saved values take effect at once. Values you set equal to the inherited ones are not stored, so later changes to the defaults reach this organization."</p>
                                </Card>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Site admin: every installed plugin.
#[component]
pub fn AdminPluginsPage() -> impl IntoView {
    let active = ServerAction::<AdminSetPluginActive>::new();
    let reload = ServerAction::<AdminReloadPlugin>::new();
    let grant = ServerAction::<AdminGrantPlugin>::new();
    let install = ServerAction::<AdminSetInstallConfig>::new();
    let plugins = Resource::new(
        move || {
            (
                active.version().get(),
                reload.version().get(),
                grant.version().get(),
            )
        },
        |_| list_plugins(None),
    );

    let editing = RwSignal::new(None::<String>);
    view! {
        <Title text="Plugins · Site admin"/>
        {admin_tabs("/admin/plugins")}
        {move || failed(active.value().get()).map(|error| view! { <ErrorNotice error/> })}
        {move || failed(reload.value().get()).map(|error| view! { <ErrorNotice error/> })}
        {move || failed(grant.value().get()).map(|error| view! { <ErrorNotice error/> })}
        {move || matches!(grant.value().get(), Some(Ok(()))).then(|| view! { <SuccessNotice message="Access updated."/> })}
        {move || reload.value().get().and_then(|r| r.ok()).map(|status| view! { <SuccessNotice message=format!("Reloaded: {}", status.label())/> })}
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match plugins.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <EmptyState title="No plugins are installed"/> }.into_any(),
                    Ok(list) => view! {
                        <div class="overflow-x-auto">
                        <table class=TABLE id="admin-plugins">
                            <thead><tr>
                                <th class=TH>"Plugin"</th><th class=TH>"Status"</th><th class=TH>"Requires / required by"</th>
                                <th class=TH>"Migrations"</th><th class=TH></th>
                            </tr></thead>
                            <tbody>
                            {list.into_iter().map(|p| {
                                let id = p.id.clone();
                                let id_reload = p.id.clone();
                                let id_edit = p.id.clone();
                                let is_active = p.status != PluginStatus::Inactive && !p.reason.as_deref().is_some_and(|r| r.starts_with("set inactive"));
                                let deps = if p.dependencies.is_empty() { "—".to_string() } else {
                                    p.dependencies.iter().map(|d| format!("{} {}{}", d.id, d.version, if d.optional { " (optional)" } else { "" })).collect::<Vec<_>>().join(", ")
                                };
                                let dependents = if p.dependents.is_empty() { "—".to_string() } else { p.dependents.join(", ") };
                                view! {
                                    <tr data-plugin=p.id.clone()>
                                        <td class=TD>
                                            <div class="font-medium">{p.name.clone()} " " <span class="text-xs text-slate-500">{format!("{} {}", p.id, p.version)}</span></div>
                                            <div class="text-xs text-slate-500">{format!("{} · {}{}{}", p.kind, p.category, if p.global { " · global" } else { "" }, if p.private { " · private" } else { "" })}</div>
                                        </td>
                                        <td class=TD>
                                            {status_badge(&p)}
                                            {p.reason.clone().map(|r| view! { <div class="plugin-reason mt-1 max-w-xs text-xs text-slate-600 dark:text-slate-300">{r}</div> })}
                                        </td>
                                        <td class=TD><div class="text-xs">{deps}</div><div class="text-xs text-slate-500">{dependents}</div></td>
                                        <td class=TD>{p.migrations_applied}</td>
                                        <td class=TD>
                                            <div class="flex flex-wrap justify-end gap-2">
                                                <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { active.dispatch(AdminSetPluginActive { plugin_id: id.clone(), active: !is_active }); })>
                                                    {if is_active { "Set inactive" } else { "Set active" }}
                                                </Button>
                                                <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { reload.dispatch(AdminReloadPlugin { plugin_id: id_reload.clone() }); })>"Reload"</Button>
                                                <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| editing.set(Some(id_edit.clone())))>"Install config"</Button>
                                            </div>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
        {move || editing.get().map(|plugin_id| view! { <InstallConfigEditor plugin_id install editing/> })}
        <GrantForm grant/>
    }
}

#[component]
fn InstallConfigEditor(
    plugin_id: String,
    install: ServerAction<AdminSetInstallConfig>,
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let parse_error = RwSignal::new(None::<sdk::Error>);
    let current = Resource::new(
        {
            let id = plugin_id.clone();
            move || id.clone()
        },
        admin_install_config,
    );
    let error = Signal::derive(move || parse_error.get().or_else(|| failed(install.value().get())));
    let id = plugin_id.clone();
    view! {
        <Card title=format!("Install config of {plugin_id}") class="mt-6 max-w-2xl">
            <Suspense fallback=|| view! { <SkeletonRows rows=2/> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(value) => {
                            text.set(serde_json::to_string_pretty(&value).unwrap_or_default());
                            ().into_any()
                        }
                    }
                })}
            </Suspense>
            <form class="flex flex-col gap-3" on:submit=move |ev| {
                ev.prevent_default();
                match serde_json::from_str::<serde_json::Value>(&text.get_untracked()) {
                    Ok(config) => { parse_error.set(None); install.dispatch(AdminSetInstallConfig { plugin_id: id.clone(), config }); }
                    Err(e) => parse_error.set(Some(sdk::Error::invalid("config", format!("Not valid JSON: {e}")))),
                }
            }>
                <TextArea label="JSON object (applies to every organization unless it overrides a key)" name="config" value=text error rows=8/>
                {move || error.get().filter(|e| e.field() != Some("config")).map(|error| view! { <ErrorNotice error/> })}
                {move || matches!(install.value().get(), Some(Ok(()))).then(|| view! { <SuccessNotice message="Saved."/> })}
                <div class="flex gap-2">
                    <Button button_type="submit" busy=install.pending()>"Save"</Button>
                    <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| editing.set(None))>"Close"</Button>
                </div>
            </form>
        </Card>
    }
}

#[component]
fn GrantForm(grant: ServerAction<AdminGrantPlugin>) -> impl IntoView {
    let org = RwSignal::new(String::new());
    let plugin = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<sdk::Error>);
    let submit = move |granted: bool| match org.get_untracked().trim().parse::<i64>() {
        Ok(org_id) => {
            local_error.set(None);
            grant.dispatch(AdminGrantPlugin {
                org_id,
                plugin_id: plugin.get_untracked().trim().to_string(),
                granted,
            });
        }
        Err(_) => local_error.set(Some(sdk::Error::invalid(
            "org_id",
            "Enter the organization's number (it is in its address, /org/<number>).",
        ))),
    };
    view! {
        <Card title="Private plugins: grant access" class="mt-6 max-w-2xl">
            <div class="flex flex-col gap-3">
                <TextField label="Organization id" name="org_id" value=org error=local_error/>
                <TextField label="Plugin id" name="plugin_id" value=plugin/>
                <div class="flex gap-2">
                    <Button on_click=Callback::new(move |_| submit(true))>"Grant"</Button>
                    <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| submit(false))>"Revoke"</Button>
                </div>
            </div>
        </Card>
    }
}
