//! Paging controls under a list that comes a page at a time (`crate::page`).

use leptos::prelude::*;

use super::{Button, ButtonKind};

/// "First page" (when not on it) and "Next page" (when more follow). `before` is the page the
/// list shows (None: the first); the list's resource reloads when it changes.
#[component]
pub fn Pager(
    /// The `before_id` of the page shown.
    before: RwSignal<Option<i64>>,
    /// The page's `next_before_id`.
    next: Option<i64>,
) -> impl IntoView {
    let on_later_page = before.get_untracked().is_some();
    (on_later_page || next.is_some()).then(|| {
        view! {
            <nav class="mt-3 flex flex-wrap gap-2" aria-label="Pages">
                {on_later_page.then(|| view! {
                    <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| before.set(None))>
                        "← First page"
                    </Button>
                })}
                {next.map(|next| view! {
                    <Button kind=ButtonKind::Secondary on_click=Callback::new(move |_| before.set(Some(next)))>
                        "Next page →"
                    </Button>
                })}
            </nav>
        }
    })
}
