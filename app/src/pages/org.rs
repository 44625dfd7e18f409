//! An organization's pages: overview, members, roles, invites, audit log, settings. Each sits in
//! [`OrgFrame`], which loads the overview once and shows only the tabs the viewer may use.

use leptos::prelude::*;
use leptos_meta::Title;
use sdk::{
    auth::policy::{parse_statements, Effect, Statement},
    identity::model::AuditFilter,
    page::PageRequest,
    time::format_utc,
    ui::{
        Badge, Button, ButtonKind, Card, EmptyState, ErrorNotice, FormError, PageHeader, Pager,
        Select, SkeletonRows, SuccessNotice, Tabs, TextArea, TextField, Tone, TABLE, TD, TH,
    },
};

use super::shared::{failed, org_id_param, LoadError};
use crate::api::orgs::{
    audit_log, list_invites, list_members, list_roles, org_overview, AddMember, AssignRole,
    CreateInvite, CreateRole, DeleteRole, OrgSummary, RemoveMember, RevokeInvite, SetMemberPolicy,
    UnassignRole, UpdateOrganization,
};
use crate::api::plugins::list_actions;
use sdk::auth::actions::ActionInfo;

/// The organization header and tabs around a page; `page` gets the loaded overview.
///
/// `page` runs inside the overview's suspense, which may run it more than once while rendering
/// on the server: a page that loads data of its own creates its resources *before* the frame
/// and captures them in `page` (see `pages::plugins`). `refresh` reloads the overview (and so the
/// tabs) when it changes.
#[component]
pub(crate) fn OrgFrame<F>(
    current: &'static str,
    page: F,
    #[prop(optional, into)] refresh: Option<Signal<usize>>,
) -> impl IntoView
where
    F: Fn(OrgSummary) -> AnyView + Clone + Send + Sync + 'static,
{
    let org_id = org_id_param();
    let overview = Resource::new(
        move || (org_id.get(), refresh.map(|r| r.get())),
        |(org_id, _)| org_overview(org_id),
    );
    view! {
        <Transition fallback=|| view! { <SkeletonRows rows=5/> }>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    match overview.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(overview) => view! {
                            {org_header(&overview, current)}
                            {page(overview)}
                        }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// Only the header and tabs, for pages that render beside it rather than inside it (a plugin's
/// pages, behind the plugin gate).
// Called from the gate that the generated plugin routes mount; rustc's dead-code pass does not
// see that use through `#[component(transparent)]` (the gate's tests and the browser tests do).
#[allow(dead_code)]
pub(crate) fn org_header_only(current: &'static str) -> impl IntoView {
    let org_id = org_id_param();
    let overview = Resource::new(move || org_id.get(), org_overview);
    view! {
        <Transition fallback=|| view! { <SkeletonRows rows=2/> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(overview) => org_header(&overview, current).into_any(),
                }
            })}
        </Transition>
    }
}

fn org_header(overview: &OrgSummary, current: &'static str) -> impl IntoView {
    let id = overview.organization.id;
    let may = |action: &str| overview.allowed.iter().any(|a| a == action);
    let mut tabs = vec![(format!("/org/{id}"), "Overview".to_string())];
    for (path, label, action) in [
        ("members", "Members", "member:read"),
        ("roles", "Roles", "member:read"),
        ("invites", "Invites", "member:invite"),
        ("audit", "Audit log", "organization:audit"),
        ("settings", "Settings", "organization:update"),
        ("plugins", "Plugins", "organization:plugins"),
        ("tasks", "Tasks", "scheduled_task:read"),
    ] {
        if may(action) {
            tabs.push((format!("/org/{id}/{path}"), label.to_string()));
        }
    }
    // Entries of the plugins this organization has on (already filtered by the actions they
    // need).
    for entry in &overview.plugin_nav {
        tabs.push((entry.path.clone(), entry.label.clone()));
    }
    let current = if current.is_empty() {
        format!("/org/{id}")
    } else {
        format!("/org/{id}/{current}")
    };
    view! {
        <Title text=overview.organization.name.clone()/>
        <PageHeader title=overview.organization.name.clone() subtitle=overview.organization.description.clone()/>
        <Tabs tabs current/>
    }
}

#[component]
pub fn OrgOverviewPage() -> impl IntoView {
    view! { <OrgFrame current="" page=|overview| view! { <Overview overview/> }.into_any()/> }
}

#[component]
fn Overview(overview: OrgSummary) -> impl IntoView {
    view! {
        <div class="grid gap-4 md:grid-cols-3">
            <Card title="Members"><p class="text-3xl font-bold">{overview.member_count}</p></Card>
            <Card title="Your roles">
                {if overview.my_roles.is_empty() {
                    view! { <p class="text-sm text-slate-500">"Member (no roles)"</p> }.into_any()
                } else {
                    view! { <div id="my-roles" class="flex flex-wrap gap-2">{overview.my_roles.into_iter().map(|r| view! { <Badge tone=Tone::Accent>{r}</Badge> }).collect_view()}</div> }.into_any()
                }}
            </Card>
            <Card title="Created"><p class="text-sm">{format_utc(overview.organization.created_at)}</p></Card>
        </div>
    }
}

#[component]
pub fn OrgMembersPage() -> impl IntoView {
    view! { <OrgFrame current="members" page=|overview| view! { <Members overview/> }.into_any()/> }
}

#[component]
fn Members(overview: OrgSummary) -> impl IntoView {
    let org_id = overview.organization.id;
    let may = move |action: &str| overview.allowed.iter().any(|a| a == action);
    let (can_assign, can_remove, can_add) = (
        may("member:assign_role"),
        may("member:remove"),
        may("member:add"),
    );
    let assign = ServerAction::<AssignRole>::new();
    let unassign = ServerAction::<UnassignRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let add = ServerAction::<AddMember>::new();
    let before = RwSignal::new(None::<i64>);
    let members = Resource::new(
        move || {
            (
                assign.version().get(),
                unassign.version().get(),
                remove.version().get(),
                add.version().get(),
                before.get(),
            )
        },
        move |(.., before)| list_members(org_id, PageRequest::after(before)),
    );
    let roles = Resource::new(|| (), move |_| list_roles(org_id));
    let error = Signal::derive(move || {
        failed(assign.value().get())
            .or_else(|| failed(unassign.value().get()))
            .or_else(|| failed(remove.value().get()))
    });
    let new_member = RwSignal::new(String::new());
    let add_error = Signal::derive(move || failed(add.value().get()));
    view! {
        <div class="flex flex-col gap-4">
            {move || error.get().map(|error| view! { <ErrorNotice error/> })}
            {can_add.then(|| view! {
                <Card title="Add a member">
                    <form class="flex flex-wrap items-end gap-3" on:submit=move |ev| {
                        ev.prevent_default();
                        match new_member.get_untracked().trim().parse::<i64>() {
                            Ok(user_id) => { add.dispatch(AddMember { org_id, user_id }); }
                            Err(_) => add.value().set(Some(Err(sdk::Error::invalid("user_id", "Enter the user's number (shown on the site admin's user list).")))),
                        }
                    }>
                        <TextField label="User id" name="user_id" value=new_member error=add_error/>
                        <Button button_type="submit" busy=add.pending()>"Add"</Button>
                    </form>
                    <FormError error=add_error fields=&["user_id"]/>
                    <p class="mt-2 text-xs text-slate-500">"Usually easier: send an invite link from the Invites tab."</p>
                </Card>
            })}
            <Suspense fallback=|| view! { <SkeletonRows rows=4/> }>
                {move || Suspend::new(async move {
                    let role_names: Vec<(String, String)> = roles.await.unwrap_or_default().into_iter().map(|r| (r.name.clone(), r.name)).collect();
                    match members.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                            <table id="members" class=TABLE>
                                <thead><tr><th class=TH>"Member"</th><th class=TH>"Roles"</th><th class=TH>"Joined"</th><th class=TH></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|member| {
                                        let user_id = member.user_id;
                                        let choice = RwSignal::new(role_names.first().map(|r| r.0.clone()).unwrap_or_default());
                                        let options = role_names.clone();
                                        view! {
                                            <tr data-username=member.username.clone()>
                                                <td class=TD><strong>{member.display_name.clone().unwrap_or_else(|| member.username.clone())}</strong>
                                                    <span class="block text-xs text-slate-500">"@"{member.username.clone()}" · #"{user_id}</span></td>
                                                <td class=TD>
                                                    <div class="flex flex-wrap gap-1">
                                                        {member.roles.into_iter().map(|role| {
                                                            let r = role.clone();
                                                            view! {
                                                                <Badge tone=Tone::Accent>{role}
                                                                    {can_assign.then(|| view! {
                                                                        <button class="ml-1" aria-label=format!("Remove role {r}")
                                                                            on:click=move |_| { unassign.dispatch(UnassignRole { org_id, user_id, role: r.clone() }); }>"×"</button>
                                                                    })}
                                                                </Badge>
                                                            }
                                                        }).collect_view()}
                                                    </div>
                                                    {can_assign.then(|| view! {
                                                        <div class="mt-2 flex items-end gap-2">
                                                            <Select label="Give role" name=format!("role-{user_id}") value=choice options=Signal::derive(move || options.clone())/>
                                                            <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| {
                                                                assign.dispatch(AssignRole { org_id, user_id, role: choice.get_untracked() });
                                                            })>"Assign"</Button>
                                                        </div>
                                                    })}
                                                </td>
                                                <td class=TD>{format_utc(member.joined_at)}</td>
                                                <td class=TD>{can_remove.then(|| view! {
                                                    <button class="text-sm font-medium text-red-600 hover:underline dark:text-red-400"
                                                        on:click=move |_| { remove.dispatch(RemoveMember { org_id, user_id }); }>"Remove"</button>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pager before next/>
                        }.into_any() }
                    }
                })}
            </Suspense>
        </div>
    }
}

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

#[component]
pub fn OrgInvitesPage() -> impl IntoView {
    view! { <OrgFrame current="invites" page=|overview| view! { <Invites overview/> }.into_any()/> }
}

#[component]
fn Invites(overview: OrgSummary) -> impl IntoView {
    let org_id = overview.organization.id;
    let create = ServerAction::<CreateInvite>::new();
    let revoke = ServerAction::<RevokeInvite>::new();
    let before = RwSignal::new(None::<i64>);
    let invites = Resource::new(
        move || (create.version().get(), revoke.version().get(), before.get()),
        move |(.., before)| list_invites(org_id, PageRequest::after(before)),
    );
    let slug = RwSignal::new(String::new());
    let max_uses = RwSignal::new(String::new());
    let days = RwSignal::new(String::from("7"));
    let error = Signal::derive(move || {
        failed(create.value().get()).or_else(|| failed(revoke.value().get()))
    });
    let origin = move || {
        #[cfg(feature = "hydrate")]
        {
            leptos::prelude::window()
                .location()
                .origin()
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            String::new()
        }
    };
    view! {
        <div class="grid gap-6 lg:grid-cols-3">
            <Card title="New invite link">
                <form id="create-invite" class="flex flex-col gap-4" on:submit=move |ev| {
                    ev.prevent_default();
                    let max = max_uses.get_untracked();
                    let max = if max.trim().is_empty() { Ok(None) } else { max.trim().parse::<i64>().map(Some) };
                    let days_text = days.get_untracked();
                    let expires = if days_text.trim().is_empty() { Ok(None) } else {
                        days_text.trim().parse::<i64>().map(|d| Some(sdk::time::TimeText::of(sdk::time::now_ms() + d * 86_400_000)))
                    };
                    match (max, expires) {
                        (Err(_), _) => create.value().set(Some(Err(sdk::Error::invalid("max_uses", "must be a whole number, or empty for unlimited")))),
                        (_, Err(_)) => create.value().set(Some(Err(sdk::Error::invalid("expires_at", "must be a number of days, or empty for never")))),
                        (Ok(max_uses), Ok(expires_at)) => {
                            let slug = slug.get_untracked();
                            create.dispatch(CreateInvite { org_id, slug: (!slug.trim().is_empty()).then_some(slug), max_uses, expires_at });
                        }
                    }
                }>
                    <TextField label="Link name (optional)" name="slug" value=slug error help="Lower-case letters, digits and -. Empty: a random one."/>
                    <TextField label="Maximum uses" name="max_uses" value=max_uses error help="Empty: unlimited." input_type="number"/>
                    <TextField label="Valid for days" name="expires_at" value=days error help="Empty: never expires." input_type="number"/>
                    <FormError error fields=&["slug", "max_uses", "expires_at"]/>
                    <div><Button button_type="submit" busy=create.pending()>"Create link"</Button></div>
                </form>
            </Card>
            <div class="lg:col-span-2">
                <Suspense fallback=|| view! { <SkeletonRows rows=3/> }>
                    {move || Suspend::new(async move {
                        match invites.await {
                            Err(error) => view! { <LoadError error/> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! { <EmptyState title="No invite links" detail="Create one and share it with new members."/> }.into_any(),
                            Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                                <table id="invites" class=TABLE>
                                    <thead><tr><th class=TH>"Link"</th><th class=TH>"Uses"</th><th class=TH>"Expires"</th><th class=TH>"Status"</th><th class=TH></th></tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|invite| {
                                            let id = invite.id;
                                            let reason = invite.unusable_reason(sdk::time::now_ms());
                                            let slug = invite.slug.clone();
                                            view! {
                                                <tr>
                                                    <td class=TD><a class="invite-link font-mono text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/invite/{}", invite.slug)>{move || format!("{}/invite/{}", origin(), slug)}</a></td>
                                                    <td class=TD>{invite.uses_count}" / "{invite.max_uses.map(|m| m.to_string()).unwrap_or_else(|| "∞".into())}</td>
                                                    <td class=TD>{invite.expires_at.map(format_utc).unwrap_or_else(|| "never".into())}</td>
                                                    <td class=TD>{match reason { None => view! { <Badge tone=Tone::Good>"active"</Badge> }.into_any(), Some(r) => view! { <Badge tone=Tone::Bad>{r}</Badge> }.into_any() }}</td>
                                                    <td class=TD>{invite.is_active.then(|| view! {
                                                        <button class="text-sm text-red-600 hover:underline dark:text-red-400" on:click=move |_| { revoke.dispatch(RevokeInvite { org_id, invite_id: id }); }>"Revoke"</button>
                                                    })}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <Pager before next/>
                            }.into_any() }
                        }
                    })}
                </Suspense>
            </div>
        </div>
    }
}

#[component]
pub fn OrgAuditPage() -> impl IntoView {
    view! { <OrgFrame current="audit" page=|overview| view! { <AuditTable org_id=Some(overview.organization.id)/> }.into_any()/> }
}

/// The audit log with filters; `org_id` None is the whole site (superadmins).
#[component]
pub fn AuditTable(org_id: Option<i64>) -> impl IntoView {
    let action = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let applied = RwSignal::new((String::new(), String::new()));
    let before = RwSignal::new(None::<i64>);
    let entries = Resource::new(
        move || (applied.get(), before.get()),
        move |((action, user), before_id)| {
            audit_log(AuditFilter {
                org_id,
                user_id: user.trim().parse().ok(),
                action: (!action.trim().is_empty()).then_some(action),
                before_id,
                limit: Some(i64::from(sdk::page::MAX_LIMIT)),
            })
        },
    );
    view! {
        <form class="mb-4 flex flex-wrap items-end gap-3" on:submit=move |ev| {
            ev.prevent_default();
            before.set(None);
            applied.set((action.get_untracked(), user.get_untracked()));
        }>
            <TextField label="Action starts with" name="action" value=action placeholder="member."/>
            <TextField label="User id" name="audit_user" value=user/>
            <Button button_type="submit" kind=ButtonKind::Secondary>"Filter"</Button>
        </form>
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! { <EmptyState title="Nothing logged yet"/> }.into_any(),
                    Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                        <div class="overflow-x-auto">
                            <table id="audit" class=TABLE>
                                <thead><tr><th class=TH>"When"</th><th class=TH>"Who"</th><th class=TH>"Action"</th><th class=TH>"Details"</th><th class=TH>"From"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|e| view! {
                                        <tr>
                                            <td class=TD>{format_utc(e.created_at)}</td>
                                            <td class=TD>
                                                {e.username.unwrap_or_else(|| "—".into())}
                                                {e.impersonated_by_name.map(|by| view! { <span class="block text-xs text-amber-700">{format!("impersonated by {by}")}</span> })}
                                            </td>
                                            <td class=TD><code>{e.action}</code></td>
                                            <td class=format!("{TD} max-w-md break-all font-mono text-xs")>{e.details}</td>
                                            <td class=TD>{e.ip_address.unwrap_or_default()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager before next/>
                    }.into_any() }
                }
            })}
        </Suspense>
    }
}

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
