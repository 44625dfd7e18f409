//! The shared component kit, so every plugin's pages look like one product.
//!
//! Palette: neutral slate with one accent (indigo); dark mode follows the system through
//! Tailwind's `dark:` variant. Every control has a visible focus ring and a text label; colour
//! is never the only signal.

use leptos::prelude::*;

use crate::Error;

/// Classes shared by every button variant: size, focus ring, disabled look.
const BUTTON_BASE: &str = "inline-flex items-center justify-center gap-2 rounded-md px-4 py-2 text-sm font-semibold shadow-sm transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-offset-2 focus-visible:ring-indigo-500 dark:focus-visible:ring-offset-slate-900 disabled:cursor-not-allowed disabled:opacity-60";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonKind {
    #[default]
    Primary,
    Secondary,
    Danger,
}

impl ButtonKind {
    fn classes(self) -> &'static str {
        match self {
            Self::Primary => "bg-indigo-600 text-white hover:bg-indigo-500",
            Self::Secondary => "bg-white text-slate-900 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600 dark:hover:bg-slate-700",
            Self::Danger => "bg-red-600 text-white hover:bg-red-500",
        }
    }
}

/// A button that shows a spinner and is disabled while `busy` is true.
#[component]
pub fn Button(
    #[prop(optional)] kind: ButtonKind,
    #[prop(optional, into)] busy: Signal<bool>,
    #[prop(optional, into)] id: Option<String>,
    #[prop(optional, into)] button_type: Option<String>,
    #[prop(optional)] on_click: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    view! {
        <button
            id=id
            type=button_type.unwrap_or_else(|| "button".to_string())
            class=format!("{BUTTON_BASE} {}", kind.classes())
            disabled=move || busy.get()
            aria-busy=move || busy.get().to_string()
            on:click=move |_| {
                if let Some(cb) = on_click {
                    cb.run(());
                }
            }
        >
            <Show when=move || busy.get()>
                <Spinner/>
            </Show>
            {children()}
        </button>
    }
}

/// A small animated ring; always paired with text for screen readers.
#[component]
pub fn Spinner() -> impl IntoView {
    view! {
        <span
            class="inline-block h-4 w-4 animate-spin rounded-full border-2 border-current border-r-transparent"
            role="status"
        >
            <span class="sr-only">"Working…"</span>
        </span>
    }
}

/// A titled panel.
#[component]
pub fn Card(
    #[prop(optional, into)] title: Option<String>,
    #[prop(optional, into)] class: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <section class=format!(
            "rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-700 dark:bg-slate-800/60 {}",
            class.unwrap_or_default(),
        )>
            {title.map(|t| view! {
                <h2 class="mb-3 text-base font-semibold text-slate-900 dark:text-slate-100">{t}</h2>
            })}
            {children()}
        </section>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    Neutral,
    Good,
    Warning,
    Bad,
    Accent,
}

impl Tone {
    fn classes(self) -> &'static str {
        match self {
            Self::Neutral => "bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-700 dark:text-slate-200 dark:ring-slate-600",
            Self::Good => "bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-900/40 dark:text-emerald-200 dark:ring-emerald-700",
            Self::Warning => "bg-amber-50 text-amber-800 ring-amber-300 dark:bg-amber-900/40 dark:text-amber-200 dark:ring-amber-700",
            Self::Bad => "bg-red-50 text-red-800 ring-red-300 dark:bg-red-900/40 dark:text-red-200 dark:ring-red-700",
            Self::Accent => "bg-indigo-50 text-indigo-800 ring-indigo-300 dark:bg-indigo-900/40 dark:text-indigo-200 dark:ring-indigo-700",
        }
    }
}

/// A status label: the text carries the meaning, the colour only supports it.
#[component]
pub fn Badge(#[prop(optional)] tone: Tone, children: Children) -> impl IntoView {
    view! {
        <span class=format!(
            "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset {}",
            tone.classes(),
        )>{children()}</span>
    }
}

/// Placeholder rows while data loads.
#[component]
pub fn SkeletonRows(#[prop(default = 3)] rows: usize) -> impl IntoView {
    view! {
        <div class="animate-pulse space-y-2" aria-hidden="true">
            {(0..rows)
                .map(|_| view! { <div class="h-4 rounded bg-slate-200 dark:bg-slate-700"></div> })
                .collect_view()}
        </div>
    }
}

/// An error as a user should read it: the friendly message, and the field when there is one.
#[component]
pub fn ErrorNotice(error: Error) -> impl IntoView {
    let field = error.field().map(str::to_string);
    view! {
        <div
            role="alert"
            class="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-700 dark:bg-red-900/30 dark:text-red-200"
        >
            {field.map(|f| view! { <span class="font-semibold">{f}": "</span> })}
            {error.message()}
        </div>
    }
}

/// An empty or missing state with the way forward.
#[component]
pub fn EmptyState(
    #[prop(into)] title: String,
    #[prop(optional, into)] detail: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="flex flex-col items-center gap-3 rounded-xl border border-dashed border-slate-300 px-6 py-12 text-center dark:border-slate-600">
            <h2 class="text-lg font-semibold text-slate-900 dark:text-slate-100">{title}</h2>
            {detail.map(|d| view! { <p class="max-w-prose text-sm text-slate-600 dark:text-slate-300">{d}</p> })}
            {children.map(|c| c())}
        </div>
    }
}

mod forms;
pub mod lazy;
pub use forms::{Checkbox, FormError, SearchField, Select, TextArea, TextField};
pub mod pager;
pub use pager::Pager;
pub mod schema_form;
pub use schema_form::SchemaForm;
pub mod time;
pub use time::{LocalTime, ViewerZone};

/// A success message after an action.
#[component]
pub fn SuccessNotice(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <div role="status" class="success-notice rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-800 dark:border-emerald-700 dark:bg-emerald-900/30 dark:text-emerald-200">
            {message}
        </div>
    }
}

/// Page title with an optional line under it.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(optional, into)] subtitle: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="mb-6 flex flex-wrap items-end justify-between gap-4">
            <div>
                <h1 class="text-2xl font-bold tracking-tight">{title}</h1>
                {subtitle.map(|s| view! { <p class="mt-1 text-sm text-slate-600 dark:text-slate-300">{s}</p> })}
            </div>
            {children.map(|c| c())}
        </div>
    }
}

/// Tabs as links; the current one is marked for screen readers and by style.
#[component]
pub fn Tabs(
    #[prop(into)] tabs: Vec<(String, String)>,
    #[prop(into)] current: String,
) -> impl IntoView {
    view! {
        <nav aria-label="Sections" class="mb-6 flex gap-1 overflow-x-auto border-b border-slate-200 dark:border-slate-700">
            {tabs.into_iter().map(|(href, label)| {
                let active = href == current;
                view! {
                    <a href=href aria-current=if active { Some("page") } else { None }
                        class=if active {
                            "whitespace-nowrap border-b-2 border-indigo-600 px-3 py-2 text-sm font-semibold text-indigo-700 dark:text-indigo-300"
                        } else {
                            "whitespace-nowrap border-b-2 border-transparent px-3 py-2 text-sm font-medium text-slate-600 hover:border-slate-300 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
                        }>{label}</a>
                }
            }).collect_view()}
        </nav>
    }
}

/// Classes for tables, so every list looks the same: header row, divided rows, stacking cells on
/// narrow screens.
pub const TABLE: &str = "w-full text-left text-sm";
pub const TH: &str = "border-b border-slate-200 px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:border-slate-700 dark:text-slate-400";
pub const TD: &str = "border-b border-slate-100 px-3 py-2 align-top dark:border-slate-800";
