//! One way to page through every list the API returns.
//!
//! A list endpoint takes a [`PageRequest`] (`{"limit": 50, "before_id": 1234}`, both optional)
//! and answers a [`Page`]: at most [`MAX_LIMIT`] items, newest first (highest id first), and
//! `next_before_id` when more follow — pass it back as `before_id` to get them. Asking for more
//! than the maximum gets the maximum, so no request makes the server read or send an unbounded
//! list. Keyset paging by id (not offsets): a page stays right while rows are added, and the
//! database reads only the rows it returns.
//!
//! Repositories fetch [`PageRequest::fetch_limit`] rows (`WHERE id < before_id ORDER BY id DESC
//! LIMIT n + 1`); [`Page::from_rows`] keeps `n` and learns from the extra one whether more follow.

use serde::{Deserialize, Serialize};

/// Items per page when the request does not say.
pub const DEFAULT_LIMIT: u32 = 50;
/// The most items a page holds, whatever the request asks for.
pub const MAX_LIMIT: u32 = 200;

/// Which page of a list to return.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct PageRequest {
    /// Items wanted: [`DEFAULT_LIMIT`] when unset, at most [`MAX_LIMIT`].
    #[serde(default)]
    pub limit: Option<u32>,
    /// Only items with a smaller id: the `next_before_id` of the page before.
    #[serde(default)]
    pub before_id: Option<i64>,
}

impl PageRequest {
    /// The first page of the default size.
    pub fn first() -> Self {
        Self::default()
    }

    /// The page after one whose `next_before_id` was `before_id`.
    pub fn after(before_id: Option<i64>) -> Self {
        Self {
            limit: None,
            before_id,
        }
    }

    /// The page size actually served.
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }

    /// Rows to fetch: one more than the page, to know whether another page follows.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.limit()) + 1
    }

    /// The `before_id` bound to bind in SQL (`id < $n`): no bound is `i64::MAX`.
    pub fn before(&self) -> i64 {
        self.before_id.unwrap_or(i64::MAX)
    }
}

/// One page of a list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Set when more items follow: ask again with this as `before_id`.
    pub next_before_id: Option<i64>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            next_before_id: None,
        }
    }
}

impl<T> Page<T> {
    /// A page from rows fetched with [`PageRequest::fetch_limit`], in descending `id` order.
    pub fn from_rows(mut rows: Vec<T>, request: &PageRequest, id: impl Fn(&T) -> i64) -> Self {
        let limit = request.limit() as usize;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_before_id = if more { rows.last().map(&id) } else { None };
        Self {
            items: rows,
            next_before_id,
        }
    }

    /// The same page with each item changed.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_before_id: self.next_before_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_has_a_default_and_a_maximum() {
        assert_eq!(PageRequest::first().limit(), DEFAULT_LIMIT);
        let huge = PageRequest {
            limit: Some(u32::MAX),
            before_id: None,
        };
        assert_eq!(huge.limit(), MAX_LIMIT);
        assert_eq!(huge.fetch_limit(), i64::from(MAX_LIMIT) + 1);
        let zero = PageRequest {
            limit: Some(0),
            before_id: None,
        };
        assert_eq!(zero.limit(), 1);
    }

    #[test]
    fn the_extra_row_says_whether_more_follow() {
        let request = PageRequest {
            limit: Some(2),
            before_id: None,
        };
        let page = Page::from_rows(vec![9, 7, 4], &request, |n| *n);
        assert_eq!(page.items, vec![9, 7]);
        assert_eq!(page.next_before_id, Some(7));
        let last = Page::from_rows(vec![4], &request, |n| *n);
        assert_eq!(last.next_before_id, None);
    }

    #[test]
    fn a_missing_request_body_member_is_the_first_page() {
        let request: PageRequest = serde_json::from_str("{}").unwrap();
        assert_eq!(request, PageRequest::first());
    }
}
