//! Site administration: users (edit, impersonate), organizations, organization requests, the
//! whole audit log, global settings and the MOTD.

use leptos::prelude::*;
use leptos_meta::Title;
use sdk::{
    auth::GlobalLevel,
    identity::model::{AdminUserUpdate, UserInfo},
    page::PageRequest,
    time::format_utc,
    ui::{
        Badge, Button, ButtonKind, Card, Checkbox, EmptyState, ErrorNotice, FormError, PageHeader,
        Pager, Select, SkeletonRows, SuccessNotice, Tabs, TextArea, TextField, Tone, TABLE, TD, TH,
    },
};

use super::{
    org::AuditTable,
    shared::{failed, LoadError},
};
use crate::{
    api::{
        admin::{list_settings, search_users, AdminUpdateUser, Impersonate, SetSetting},
        orgs::{list_organization_requests, list_organizations, ReviewOrganizationRequest},
    },
    session::use_session,
};

pub(crate) fn admin_tabs(current: &str) -> impl IntoView {
    let tabs: Vec<(String, String)> = [
        ("/admin", "Users"),
        ("/admin/orgs", "Organizations"),
        ("/admin/requests", "Requests"),
        ("/admin/plugins", "Plugins"),
        ("/admin/tasks", "Tasks"),
        ("/admin/events", "Events"),
        ("/admin/bot", "Bot"),
        ("/admin/sign-in", "Sign-in"),
        ("/admin/audit", "Audit log"),
        ("/admin/settings", "Settings"),
    ]
    .into_iter()
    .map(|(h, l)| (h.to_string(), l.to_string()))
    .collect();
    view! {
        <PageHeader title="Site admin"/>
        <Tabs tabs current=current.to_string()/>
    }
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let update = ServerAction::<AdminUpdateUser>::new();
    let before = RwSignal::new(None::<i64>);
    let users = Resource::new(
        move || (applied.get(), update.version().get(), before.get()),
        |(q, _, before)| search_users(q, PageRequest::after(before)),
    );
    view! {
        <Title text="Users · Site admin"/>
        {admin_tabs("/admin")}
        <form class="mb-4 flex items-end gap-3" on:submit=move |ev| { ev.prevent_default(); before.set(None); applied.set(query.get_untracked()); }>
            <TextField label="Search users" name="query" value=query placeholder="name or Discord name"/>
            <Button button_type="submit" kind=ButtonKind::Secondary>"Search"</Button>
        </form>
        {move || failed(update.value().get()).map(|error| view! { <ErrorNotice error/> })}
        <Suspense fallback=|| view! { <SkeletonRows rows=6/> }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! { <EmptyState title="No users match"/> }.into_any(),
                    Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                        <table class=TABLE>
                            <thead><tr><th class=TH>"User"</th><th class=TH>"Level"</th><th class=TH>"API limit / min"</th><th class=TH>"Active"</th><th class=TH></th></tr></thead>
                            <tbody>{list.into_iter().map(|user| view! { <UserRow user update/> }).collect_view()}</tbody>
                        </table>
                        <Pager before next/>
                    }.into_any() }
                }
            })}
        </Suspense>
    }
}

#[component]
fn UserRow(user: UserInfo, update: ServerAction<AdminUpdateUser>) -> impl IntoView {
    let session = use_session();
    let user_id = user.id;
    let level = RwSignal::new(user.level.label().to_string());
    let active = RwSignal::new(user.is_active);
    let limit = RwSignal::new(
        user.api_rate_limit_per_minute
            .map(|l| l.to_string())
            .unwrap_or_default(),
    );
    let impersonate = ServerAction::<Impersonate>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = impersonate.value().get() {
            session.refresh();
        }
    });
    let levels: Vec<(String, String)> = GlobalLevel::ALL
        .iter()
        .map(|l| (l.label().to_string(), l.label().to_string()))
        .collect();
    let save = move |_| {
        let limit_text = limit.get_untracked();
        let api_rate_limit_per_minute = match limit_text.trim() {
            "" => None,
            text => match text.parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    update.value().set(Some(Err(sdk::Error::invalid(
                        "api_rate_limit_per_minute",
                        "must be a whole number, or empty for the default",
                    ))));
                    return;
                }
            },
        };
        update.dispatch(AdminUpdateUser {
            user_id,
            update: AdminUserUpdate {
                level: GlobalLevel::parse(&level.get_untracked()).unwrap_or_default(),
                is_active: active.get_untracked(),
                api_rate_limit_per_minute,
            },
        });
    };
    view! {
        <tr>
            <td class=TD><strong>{user.display_name.clone().unwrap_or_else(|| user.username.clone())}</strong>
                <span class="block text-xs text-slate-500">"@"{user.username.clone()}" · #"{user_id}
                    {user.discord_username.clone().map(|d| format!(" · Discord {d}"))}" · since "{format_utc(user.created_at)}</span></td>
            <td class=TD><Select label="Level" name=format!("level-{user_id}") value=level options=Signal::derive(move || levels.clone())/></td>
            <td class=TD><TextField label="Limit" name=format!("limit-{user_id}") value=limit placeholder="60"/></td>
            <td class=TD><Checkbox label="active" name=format!("active-{user_id}") checked=active/></td>
            <td class=TD>
                <div class="flex flex-col gap-2">
                    <Button kind=ButtonKind::Secondary on_click=Callback::new(save)>"Save"</Button>
                    <button class="text-xs text-indigo-700 hover:underline dark:text-indigo-300" on:click=move |_| { impersonate.dispatch(Impersonate { user_id }); }>"Act as this user"</button>
                    {move || failed(impersonate.value().get()).map(|e| view! { <span class="text-xs text-red-600">{e.message()}</span> })}
                </div>
            </td>
        </tr>
    }
}

#[component]
pub fn AdminOrgsPage() -> impl IntoView {
    let before = RwSignal::new(None::<i64>);
    let orgs = Resource::new(
        move || before.get(),
        |before| list_organizations(true, PageRequest::after(before)),
    );
    view! {
        <Title text="Organizations · Site admin"/>
        {admin_tabs("/admin/orgs")}
        <Suspense fallback=|| view! { <SkeletonRows rows=5/> }>
            {move || Suspend::new(async move {
                match orgs.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! { <EmptyState title="No organizations yet" detail="Create one from the Organizations page."/> }.into_any(),
                    Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                        <table class=TABLE>
                            <thead><tr><th class=TH>"Organization"</th><th class=TH>"Created"</th><th class=TH>"Status"</th></tr></thead>
                            <tbody>{list.into_iter().map(|org| view! {
                                <tr>
                                    <td class=TD><a class="font-semibold text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/org/{}", org.id)>{org.name}</a>
                                        <span class="block text-xs text-slate-500">{org.description}</span></td>
                                    <td class=TD>{format_utc(org.created_at)}</td>
                                    <td class=TD>{if org.is_active { view! { <Badge tone=Tone::Good>"active"</Badge> } } else { view! { <Badge tone=Tone::Bad>"inactive"</Badge> } }}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table>
                        <Pager before next/>
                    }.into_any() }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminRequestsPage() -> impl IntoView {
    let review = ServerAction::<ReviewOrganizationRequest>::new();
    let before = RwSignal::new(None::<i64>);
    let requests = Resource::new(
        move || (review.version().get(), before.get()),
        |(_, before)| list_organization_requests(PageRequest::after(before)),
    );
    view! {
        <Title text="Requests · Site admin"/>
        {admin_tabs("/admin/requests")}
        {move || failed(review.value().get()).map(|error| view! { <ErrorNotice error/> })}
        <Suspense fallback=|| view! { <SkeletonRows rows=4/> }>
            {move || Suspend::new(async move {
                match requests.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! { <EmptyState title="No organization requests"/> }.into_any(),
                    Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                        <ul class="flex flex-col gap-3">
                            {list.into_iter().map(|r| {
                                let id = r.id;
                                let notes = RwSignal::new(String::new());
                                let pending = r.status == "pending";
                                view! {
                                    <li class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-800/60">
                                        <div class="flex items-center justify-between gap-2">
                                            <strong>{r.name}</strong>
                                            <Badge tone=match r.status.as_str() { "approved" => Tone::Good, "rejected" => Tone::Bad, _ => Tone::Warning }>{r.status.clone()}</Badge>
                                        </div>
                                        <p class="text-sm text-slate-600 dark:text-slate-300">{r.description}</p>
                                        <p class="text-xs text-slate-500">"by "{r.requested_by_name}" on "{format_utc(r.created_at)}</p>
                                        {r.review_notes.map(|n| view! { <p class="mt-1 text-sm italic">{n}</p> })}
                                        {pending.then(|| view! {
                                            <div class="mt-3 flex flex-wrap items-end gap-3">
                                                <TextField label="Notes" name=format!("notes-{id}") value=notes/>
                                                <Button on_click=Callback::new(move |_| { review.dispatch(ReviewOrganizationRequest { request_id: id, approve: true, notes: notes.get_untracked() }); })>"Approve"</Button>
                                                <Button kind=ButtonKind::Danger on_click=Callback::new(move |_| { review.dispatch(ReviewOrganizationRequest { request_id: id, approve: false, notes: notes.get_untracked() }); })>"Reject"</Button>
                                            </div>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <Pager before next/>
                    }.into_any() }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log · Site admin"/>
        {admin_tabs("/admin/audit")}
        <AuditTable org_id=None/>
    }
}

#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    let save = ServerAction::<SetSetting>::new();
    let settings = Resource::new(move || save.version().get(), |_| list_settings());
    let motd = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let public = RwSignal::new(false);
    let error = Signal::derive(move || failed(save.value().get()));
    view! {
        <Title text="Settings · Site admin"/>
        {admin_tabs("/admin/settings")}
        <div class="grid gap-6 lg:grid-cols-2">
            <Card title="Message of the day">
                <form class="flex flex-col gap-4" on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(SetSetting { key: "motd".into(), value: motd.get_untracked(), is_public: true });
                }>
                    <TextArea label="Banner text" name="value" value=motd error rows=3 help="Shown to everyone at the top of every page. Empty removes it."/>
                    <div><Button button_type="submit" busy=save.pending()>"Save banner"</Button></div>
                </form>
            </Card>
            <Card title="Setting">
                <form class="flex flex-col gap-4" on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(SetSetting { key: key.get_untracked(), value: value.get_untracked(), is_public: public.get_untracked() });
                }>
                    <TextField label="Key" name="key" value=key error/>
                    <TextField label="Value" name="value_plain" value=value error/>
                    <Checkbox label="Public (readable without signing in)" name="is_public" checked=public/>
                    <FormError error fields=&["key", "value"]/>
                    {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! { <SuccessNotice message="Saved."/> })}
                    <div><Button button_type="submit" busy=save.pending()>"Save setting"</Button></div>
                </form>
            </Card>
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match settings.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(list) => view! {
                        <table class=format!("{TABLE} mt-6")>
                            <thead><tr><th class=TH>"Key"</th><th class=TH>"Value"</th><th class=TH>"Public"</th><th class=TH>"Updated"</th></tr></thead>
                            <tbody>{list.into_iter().map(|s| view! {
                                <tr><td class=TD><code>{s.key}</code></td><td class=TD>{s.value}</td><td class=TD>{if s.is_public { "yes" } else { "no" }}</td><td class=TD>{format_utc(s.updated_at)}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
