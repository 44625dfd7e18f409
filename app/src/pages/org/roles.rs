//! An organization's Roles tab: its roles and their policy statements (create, delete,
//! assign), statements for one member alone ([`DirectPermissions`]), and the list of actions
//! rules can name ([`ActionList`], loaded outside the frame).

use leptos::prelude::*;
use sdk::{
    auth::actions::ActionInfo,
    auth::policy::{parse_statements, Effect, Statement},
    page::PageRequest,
    ui::{
        Badge, Button, Card, FormError, Pager, Select, SkeletonRows, SuccessNotice, TextArea,
        TextField, Tone,
    },
};

use crate::api::orgs::{
    list_members, list_roles, CreateRole, DeleteRole, OrgSummary, SetMemberPolicy,
};
use crate::api::plugins::list_actions;
use crate::pages::shared::{failed, LoadError};

use super::OrgFrame;

#[component]
pub fn OrgRolesPage() -> impl IntoView {
    // Created outside the frame (see `OrgFrame`).
    let actions = Resource::new(|| (), |_| list_actions());
    view! { <OrgFrame current="roles" page=move |overview| view! { <Roles overview/> <ActionList actions/> }.into_any()/> }
}

/// The actions rules can name, grouped by the platform and each plugin.
#[component]
fn ActionList(actions: Resource<Result<Vec<ActionInfo>, sdk::Error>>) -> impl IntoView {
    view! {
        <Card title="Actions you can use in rules" class="mt-6">
            <Suspense fallback=|| view! { <SkeletonRows rows=3/> }>
                {move || Suspend::new(async move {
                    match actions.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(list) => {
                            let mut groups: Vec<(String, Vec<ActionInfo>)> = Vec::new();
                            for info in list {
                                match groups.iter_mut().find(|(owner, _)| *owner == info.owner) {
                                    Some((_, items)) => items.push(info),
                                    None => groups.push((info.owner.clone(), vec![info])),
                                }
                            }
                            view! {
                                <div id="action-groups" class="grid gap-4 md:grid-cols-2">
                                    {groups.into_iter().map(|(owner, items)| view! {
                                        <div data-owner=owner.clone()>
                                            <h3 class="mb-1 text-sm font-semibold">{if owner == "core" { "Platform".to_string() } else { format!("Plugin: {owner}") }}</h3>
                                            <ul class="flex flex-col gap-1 text-xs">
                                                {items.into_iter().map(|a| view! {
                                                    <li><code class="font-mono">{a.action}</code>" — "{a.description}</li>
                                                }).collect_view()}
                                            </ul>
                                        </div>
                                    }).collect_view()}
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Card>
    }
}

fn describe(statement: &Statement) -> String {
    let effect = match statement.effect {
        Effect::Allow => "ALLOW",
        Effect::Deny => "DENY",
    };
    format!("{effect} {}", statement.actions.join(", "))
}

#[component]
fn Roles(overview: OrgSummary) -> impl IntoView {
    let org_id = overview.organization.id;
    let can_manage = overview.allowed.iter().any(|a| a == "member:manage_roles");
    let create = ServerAction::<CreateRole>::new();
    let delete = ServerAction::<DeleteRole>::new();
    let roles = Resource::new(
        move || (create.version().get(), delete.version().get()),
        move |_| list_roles(org_id),
    );
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let rules = RwSignal::new(String::from("ALLOW tournament:read"));
    let error = Signal::derive(move || {
        failed(create.value().get()).or_else(|| failed(delete.value().get()))
    });
    view! {
        <div class="grid gap-6 lg:grid-cols-3">
            <div class="lg:col-span-2">
                <Suspense fallback=|| view! { <SkeletonRows rows=5/> }>
                    {move || Suspend::new(async move {
                        match roles.await {
                            Err(error) => view! { <LoadError error/> }.into_any(),
                            Ok(list) => view! {
                                <ul class="flex flex-col gap-3">
                                    {list.into_iter().map(|role| {
                                        let id = role.id;
                                        view! {
                                            <li class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-800/60">
                                                <div class="flex items-center justify-between gap-2">
                                                    <div class="flex items-center gap-2">
                                                        <strong>{role.name.clone()}</strong>
                                                        {role.is_builtin.then(|| view! { <Badge>"built-in"</Badge> })}
                                                        {role.is_locked.then(|| view! { <Badge tone=Tone::Warning>"locked"</Badge> })}
                                                        <span class="text-xs text-slate-500">{role.member_count}" member(s)"</span>
                                                    </div>
                                                    {(can_manage && !role.is_locked && !role.is_builtin).then(|| view! {
                                                        <button class="text-sm text-red-600 hover:underline dark:text-red-400" on:click=move |_| { delete.dispatch(DeleteRole { org_id, role_id: id }); }>"Delete"</button>
                                                    })}
                                                </div>
                                                <p class="text-sm text-slate-600 dark:text-slate-300">{role.description.clone()}</p>
                                                <ul class="mt-2 font-mono text-xs text-slate-700 dark:text-slate-300">
                                                    {role.statements.iter().map(|s| view! { <li>{describe(s)}</li> }).collect_view()}
                                                </ul>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
            {can_manage.then(|| view! {
                <div class="flex flex-col gap-6">
                <Card title="New role">
                    <form class="flex flex-col gap-4" on:submit=move |ev| {
                        ev.prevent_default();
                        match parse_statements(&rules.get_untracked()) {
                            Ok(statements) => { create.dispatch(CreateRole { org_id, name: name.get_untracked(), description: description.get_untracked(), statements }); }
                            Err(error) => create.value().set(Some(Err(error))),
                        }
                    }>
                        <TextField label="Name" name="name" value=name error required=true/>
                        <TextField label="Description" name="description" value=description error/>
                        <TextArea label="Permissions" name="statements" value=rules error rows=5
                            help="One rule per line: ALLOW or DENY, then actions separated by commas, e.g. `ALLOW match:*` or `DENY tournament:delete`. DENY wins over ALLOW."/>
                        <FormError error fields=&["name", "description", "statements"]/>
                        {move || matches!(create.value().get(), Some(Ok(_))).then(|| view! { <SuccessNotice message="Role created."/> })}
                        <div><Button button_type="submit" busy=create.pending()>"Create role"</Button></div>
                    </form>
                </Card>
                <DirectPermissions org_id/>
                </div>
            })}
        </div>
    }
}

/// Statements for one member alone, beside their roles (replaces that member's earlier ones).
#[component]
fn DirectPermissions(org_id: i64) -> impl IntoView {
    let before = RwSignal::new(None::<i64>);
    let members = Resource::new(
        move || before.get(),
        move |before| {
            list_members(
                org_id,
                PageRequest {
                    limit: Some(sdk::page::MAX_LIMIT),
                    before_id: before,
                },
            )
        },
    );
    let save = ServerAction::<SetMemberPolicy>::new();
    let member = RwSignal::new(String::new());
    let rules = RwSignal::new(String::from("DENY match:delete"));
    // The API names the field `statements`; this form's field has its own id on this page.
    let error = Signal::derive(move || {
        failed(save.value().get()).map(|e| match e.field() {
            Some("statements") => sdk::Error::invalid("member_statements", e.message()),
            _ => e,
        })
    });
    view! {
        <Card title="Direct permissions">
            <Suspense fallback=|| view! { <SkeletonRows rows=2/> }>
                {move || Suspend::new(async move {
                    let page = members.await.unwrap_or_default();
                    let next = page.next_before_id;
                    let options: Vec<(String, String)> = page.items.into_iter()
                        .map(|m| (m.user_id.to_string(), m.display_name.unwrap_or(m.username))).collect();
                    if !options.iter().any(|(id, _)| *id == member.get_untracked()) {
                        if let Some((id, _)) = options.first() { member.set(id.clone()); }
                    }
                    view! {
                        <form class="flex flex-col gap-4" on:submit=move |ev| {
                            ev.prevent_default();
                            let Ok(user_id) = member.get_untracked().parse::<i64>() else {
                                save.value().set(Some(Err(sdk::Error::invalid("user_id", "Choose a member."))));
                                return;
                            };
                            match parse_statements(&rules.get_untracked()) {
                                Ok(statements) => { save.dispatch(SetMemberPolicy { org_id, user_id, statements }); }
                                Err(error) => save.value().set(Some(Err(error))),
                            }
                        }>
                            <Select label="Member" name="policy_user_id" value=member options=Signal::derive(move || options.clone())/>
                            <Pager before next/>
                            <TextArea label="Their own rules" name="member_statements" value=rules error rows=3
                                help="Same form as roles. These replace the member's earlier direct rules; DENY wins over any role."/>
                            <FormError error fields=&["member_statements"]/>
                            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <SuccessNotice message="Saved."/> })}
                            <div><Button button_type="submit" busy=save.pending()>"Save"</Button></div>
                        </form>
                    }
                })}
            </Suspense>
        </Card>
    }
}
