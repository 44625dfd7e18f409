//! An organization's Invites tab: the open invite links, making new ones and revoking them.

use leptos::prelude::*;
use sdk::{
    page::PageRequest,
    time::format_utc,
    ui::{
        Badge, Button, Card, EmptyState, FormError, Pager, SkeletonRows, TextField, Tone, TABLE,
        TD, TH,
    },
};

use crate::api::orgs::{list_invites, CreateInvite, OrgSummary, RevokeInvite};
use crate::pages::shared::{failed, LoadError};

use super::OrgFrame;

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
