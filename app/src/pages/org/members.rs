//! An organization's Members tab: who is in it and their roles; adding and removing members and
//! assigning roles, as the viewer's actions allow.

use leptos::prelude::*;
use sdk::{
    page::PageRequest,
    time::format_utc,
    ui::{
        Badge, Button, ButtonKind, Card, ErrorNotice, FormError, Pager, Select, SkeletonRows,
        TextField, Tone, TABLE, TD, TH,
    },
};

use crate::api::orgs::{
    list_members, list_roles, AddMember, AssignRole, OrgSummary, RemoveMember, UnassignRole,
};
use crate::pages::shared::{failed, LoadError};

use super::OrgFrame;

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
