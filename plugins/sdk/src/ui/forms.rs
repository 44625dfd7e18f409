//! Form controls with a label, help text and the error for their field.
//!
//! Each control takes the form's current error as a signal and shows it when the error's field
//! is this control's `name`; errors about no field are shown by [`FormError`].

use leptos::prelude::*;

use crate::Error;

pub(crate) const INPUT: &str = "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-600";
pub(crate) const INPUT_INVALID: &str = "ring-red-500 dark:ring-red-500";

pub(crate) fn field_error(error: Option<Error>, name: &str) -> Option<String> {
    error
        .filter(|e| e.field() == Some(name))
        .map(|e| e.message())
}

#[component]
pub fn TextField(
    #[prop(into)] label: String,
    /// The field name errors refer to; also the element id.
    #[prop(into)]
    name: String,
    value: RwSignal<String>,
    #[prop(optional, into)] error: Signal<Option<Error>>,
    #[prop(optional, into)] help: Option<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional, into)] input_type: Option<String>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let message = {
        let name = name.clone();
        Signal::derive(move || field_error(error.get(), &name))
    };
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="text-sm font-medium text-slate-700 dark:text-slate-200">{label}</label>
            <input
                id=id.clone()
                name=name
                type=input_type.unwrap_or_else(|| "text".into())
                placeholder=placeholder
                required=required
                class=move || if message.get().is_some() { format!("{INPUT} {INPUT_INVALID}") } else { INPUT.to_string() }
                aria-invalid=move || message.get().is_some().to_string()
                bind:value=value
            />
            {help.map(|h| view! { <p class="text-xs text-slate-500 dark:text-slate-400">{h}</p> })}
            <Show when=move || message.get().is_some()>
                <p class="field-error text-xs font-medium text-red-600 dark:text-red-400" role="alert">{move || message.get()}</p>
            </Show>
        </div>
    }
}

/// A search box that applies what was typed on Enter or when it loses focus, not on every key
/// (a list is fetched once per search); Enter does not submit the form around it.
#[component]
pub fn SearchField(
    #[prop(into)] label: String,
    /// Also the element id (`field-{name}`): unique on the page.
    #[prop(into)]
    name: String,
    /// The search applied.
    query: RwSignal<String>,
    #[prop(optional, into)] placeholder: Option<String>,
) -> impl IntoView {
    let id = format!("field-{name}");
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="text-sm font-medium text-slate-700 dark:text-slate-200">{label}</label>
            <input
                id=id
                name=name
                type="search"
                placeholder=placeholder
                class=INPUT
                prop:value=move || query.get()
                on:change=move |ev| query.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        query.set(event_target_value(&ev));
                    }
                }
            />
        </div>
    }
}

#[component]
pub fn TextArea(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    value: RwSignal<String>,
    #[prop(optional, into)] error: Signal<Option<Error>>,
    #[prop(optional, into)] help: Option<String>,
    #[prop(default = 4)] rows: u32,
) -> impl IntoView {
    let id = format!("field-{name}");
    let message = {
        let name = name.clone();
        Signal::derive(move || field_error(error.get(), &name))
    };
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="text-sm font-medium text-slate-700 dark:text-slate-200">{label}</label>
            <textarea id=id name=name rows=rows class=INPUT bind:value=value></textarea>
            {help.map(|h| view! { <p class="text-xs text-slate-500 dark:text-slate-400">{h}</p> })}
            <Show when=move || message.get().is_some()>
                <p class="field-error text-xs font-medium text-red-600 dark:text-red-400" role="alert">{move || message.get()}</p>
            </Show>
        </div>
    }
}

#[component]
pub fn Checkbox(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    checked: RwSignal<bool>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let label_for = id.clone();
    view! {
        <label for=label_for class="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-200">
            <input id=id name=name type="checkbox" class="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600" bind:checked=checked/>
            {label}
        </label>
    }
}

/// A select over (value, label) options.
#[component]
pub fn Select(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="text-sm font-medium text-slate-700 dark:text-slate-200">{label}</label>
            <select id=id name=name class=INPUT bind:value=value>
                {move || options.get().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// The form's error when it is not about one field (or about a field the form does not show).
#[component]
pub fn FormError(
    #[prop(into)] error: Signal<Option<Error>>,
    #[prop(optional)] fields: &'static [&'static str],
) -> impl IntoView {
    let shown = move || {
        error
            .get()
            .filter(|e| e.field().is_none_or(|f| !fields.contains(&f)))
    };
    view! {
        {move || shown().map(|error| view! { <super::ErrorNotice error/> })}
    }
}
