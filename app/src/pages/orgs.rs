//! My organizations (leave, request or create one) and the invite page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use sdk::{
    auth::GlobalLevel,
    page::{Page, PageRequest},
    ui::{
        Badge, Button, ButtonKind, Card, EmptyState, ErrorNotice, FormError, PageHeader, Pager,
        SkeletonRows, SuccessNotice, TextArea, TextField, Tone,
    },
};

use super::shared::{failed, LoadError};
use crate::{
    api::orgs::{
        list_organization_requests, list_organizations, preview_invite, AcceptInvite,
        CreateOrganization, LeaveOrganization, RequestOrganization,
    },
    session::use_session,
};

#[component]
pub fn MyOrgsPage() -> impl IntoView {
    let session = use_session();
    let create = ServerAction::<CreateOrganization>::new();
    let request = ServerAction::<RequestOrganization>::new();
    let leave = ServerAction::<LeaveOrganization>::new();
    let before = RwSignal::new(None::<i64>);
    let orgs = Resource::new(
        move || (create.version().get(), leave.version().get(), before.get()),
        |(.., before)| list_organizations(false, PageRequest::after(before)),
    );
    // The newest page of the caller's own requests.
    let requests = Resource::new(
        move || request.version().get(),
        |_| list_organization_requests(PageRequest::first()),
    );
    view! {
        <Title text="Organizations"/>
        <PageHeader title="Your organizations" subtitle="Communities you are a member of."/>
        <div class="grid gap-6 lg:grid-cols-3">
            <div class="flex flex-col gap-4 lg:col-span-2">
                {move || failed(leave.value().get()).map(|error| view! { <ErrorNotice error/> })}
                <Suspense fallback=|| view! { <SkeletonRows rows=3/> }>
                    {move || Suspend::new(async move {
                        match orgs.await {
                            Err(error) => view! { <LoadError error/> }.into_any(),
                            Ok(page) if page.items.is_empty() => view! {
                                <EmptyState title="No organizations yet" detail="Accept an invite link from an organization, or request a new one."/>
                            }.into_any(),
                            Ok(page) => { let next = page.next_before_id; let list = page.items; view! {
                                <ul id="my-orgs" class="flex flex-col gap-3">
                                    {list.into_iter().map(|org| {
                                        let id = org.id;
                                        view! {
                                            <li class="flex items-center justify-between gap-4 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-800/60">
                                                <div>
                                                    <a href=format!("/org/{id}") class="font-semibold text-indigo-700 hover:underline dark:text-indigo-300">{org.name}</a>
                                                    <p class="text-sm text-slate-600 dark:text-slate-300">{org.description}</p>
                                                </div>
                                                <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| { leave.dispatch(LeaveOrganization { org_id: id }); })>"Leave"</Button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                <Pager before next/>
                            }.into_any() }
                        }
                    })}
                </Suspense>
            </div>
            {move || match session.user() {
                None => ().into_any(),
                Some(user) if user.is_at_least(GlobalLevel::Superadmin) => view! { <NewOrgForm create=create/> }.into_any(),
                Some(_) => view! { <RequestOrgForm request=request requests=requests/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn NewOrgForm(create: ServerAction<CreateOrganization>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let error = Signal::derive(move || failed(create.value().get()));
    view! {
        <Card title="Create an organization">
            <form id="create-org" class="flex flex-col gap-4" on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch(CreateOrganization { name: name.get_untracked(), description: description.get_untracked() });
            }>
                <TextField label="Name" name="name" value=name error required=true/>
                <TextArea label="Description" name="description" value=description error rows=3/>
                <FormError error fields=&["name", "description"]/>
                {move || create.value().get().and_then(|r| r.ok()).map(|org| view! {
                    <SuccessNotice message=format!("Created {}. You are its Admin.", org.name)/>
                })}
                <div><Button button_type="submit" busy=create.pending()>"Create"</Button></div>
            </form>
        </Card>
    }
}

#[component]
fn RequestOrgForm(
    request: ServerAction<RequestOrganization>,
    requests: Resource<Result<Page<sdk::identity::model::OrgRequest>, sdk::Error>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let error = Signal::derive(move || failed(request.value().get()));
    view! {
        <Card title="Request an organization">
            <form class="flex flex-col gap-4" on:submit=move |ev| {
                ev.prevent_default();
                request.dispatch(RequestOrganization { name: name.get_untracked(), description: description.get_untracked() });
            }>
                <p class="text-sm text-slate-600 dark:text-slate-300">"The site admins review requests and create the organization with you as its Admin."</p>
                <TextField label="Name" name="name" value=name error required=true/>
                <TextArea label="What is it for?" name="description" value=description error rows=3/>
                <FormError error fields=&["name", "description"]/>
                <div><Button button_type="submit" busy=request.pending()>"Send request"</Button></div>
            </form>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = requests.await.unwrap_or_default().items;
                    (!list.is_empty()).then(|| view! {
                        <ul class="mt-4 flex flex-col gap-2 text-sm">
                            {list.into_iter().map(|r| {
                                let tone = match r.status.as_str() { "approved" => Tone::Good, "rejected" => Tone::Bad, _ => Tone::Warning };
                                view! { <li class="flex items-center justify-between gap-2">{r.name}<Badge tone>{r.status}</Badge></li> }
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Suspense>
        </Card>
    }
}

/// `/invite/{slug}`: what the link leads to, and joining.
#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug").unwrap_or_default()));
    let preview = Resource::new(move || slug.get(), preview_invite);
    let session = use_session();
    let accept = ServerAction::<AcceptInvite>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(org_id)) = accept.value().get() {
            navigate(&format!("/org/{org_id}"), Default::default());
        }
    });
    view! {
        <Title text="Invitation"/>
        <div class="mx-auto max-w-lg py-8">
            <Suspense fallback=|| view! { <SkeletonRows rows=3/> }>
                {move || Suspend::new(async move {
                    let user = session.user();
                    match preview.await {
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        Ok(invite) => view! {
                            <Card>
                                <div class="flex flex-col gap-4">
                                    <p class="text-sm text-slate-500 dark:text-slate-400">"You are invited to join"</p>
                                    <h1 class="text-2xl font-bold">{invite.organization_name.clone()}</h1>
                                    <p class="text-sm text-slate-600 dark:text-slate-300">{invite.organization_description.clone()}</p>
                                    {match (invite.unusable_reason.clone(), user) {
                                        (Some(reason), _) => view! { <ErrorNotice error=sdk::Error::conflict(reason)/> }.into_any(),
                                        (None, None) => view! {
                                            <a href=format!("/login?redirect=/invite/{}", invite.slug) class="self-start rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Sign in to join"</a>
                                        }.into_any(),
                                        (None, Some(_)) => {
                                            let slug = invite.slug.clone();
                                            view! {
                                                <div class="flex flex-col gap-3">
                                                    {move || failed(accept.value().get()).map(|error| view! { <ErrorNotice error/> })}
                                                    <div><Button id="accept-invite" busy=accept.pending() on_click=Callback::new(move |_| { accept.dispatch(AcceptInvite { slug: slug.clone() }); })>"Join organization"</Button></div>
                                                </div>
                                            }.into_any()
                                        }
                                    }}
                                </div>
                            </Card>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
