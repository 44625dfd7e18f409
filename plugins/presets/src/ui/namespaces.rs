//! Namespaces the caller owns, has grants in, or that belong to the organization; creating
//! one; and, for managers, who has which rights in it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use sdk::{
    page::PageRequest,
    ui::{
        Button, ButtonKind, Card, Checkbox, EmptyState, ErrorNotice, FormError, Pager, Select,
        SkeletonRows, SuccessNotice, TextField,
    },
    Error,
};

use super::{param, visibility_badge, LINK};
use crate::{
    api::{list_namespace_grants, list_namespaces, CreateNamespace, GrantNamespacePermission},
    model::{Namespace, NamespaceOwner},
};

#[component]
pub(super) fn NamespacesPage() -> impl IntoView {
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
    // The page of grants shown (None: the first).
    let before = RwSignal::new(None::<i64>);
    // Loaded on demand (an action, not a resource: this item renders inside a suspense).
    let grants = Action::new(move |(slug, before): &(String, Option<i64>)| {
        let (slug, before) = (slug.clone(), *before);
        async move { list_namespace_grants(Some(org), slug, PageRequest::after(before)).await }
    });
    {
        let slug = slug.clone();
        Effect::new(move |_| {
            grant.version().get();
            let page = before.get();
            if show.get() {
                grants.dispatch((slug.clone(), page));
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
                                Some(Ok(page)) if page.items.is_empty() && before.get_untracked().is_none() => view! { <p class="text-xs text-slate-500">"Nobody has been given rights here yet."</p> }.into_any(),
                                Some(Ok(page)) => view! {
                                    <ul class="text-xs">
                                        {page.items.into_iter().map(|g| view! {
                                            <li>{format!("{} (#{}) — {}", g.username, g.user_id, [("create", g.can_create), ("update", g.can_update), ("delete", g.can_delete)].iter().filter(|(_, on)| *on).map(|(w, _)| *w).collect::<Vec<_>>().join(", "))}</li>
                                        }).collect_view()}
                                    </ul>
                                    <Pager before next=page.next_before_id/>
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
