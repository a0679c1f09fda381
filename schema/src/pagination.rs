//! Cursor pagination shared by every list: GraphQL connections and REST
//! `pagination` objects are both built from a [`Page`]. Cursors are the last
//! item's id (UUID v7, so id order is creation order).

use kernel::{AppError, AppResult};
use serde::Serialize;
use uuid::Uuid;

pub const DEFAULT_PAGE: u64 = 50;
pub const MAX_PAGE: u64 = 100;

#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<Uuid>,
}

impl PageRequest {
    pub fn new(first: Option<i64>, after: Option<&str>) -> AppResult<Self> {
        let first = match first {
            None => DEFAULT_PAGE,
            Some(n) if (1..=MAX_PAGE as i64).contains(&n) => n.unsigned_abs(),
            Some(_) => {
                return Err(AppError::invalid_field(
                    "first",
                    format!("must be between 1 and {MAX_PAGE}"),
                ));
            }
        };
        let after = after
            .map(|c| {
                Uuid::parse_str(c)
                    .map_err(|_| AppError::invalid_field("after", "is not a cursor from this list"))
            })
            .transpose()?;
        Ok(Self { first, after })
    }

    /// One more than asked, to learn whether another page exists.
    pub fn fetch_limit(&self) -> i64 {
        i64::try_from(self.first + 1).unwrap_or(i64::MAX)
    }

    pub fn finish<T>(&self, mut items: Vec<T>, key: impl Fn(&T) -> Uuid) -> Page<T> {
        let has_next_page = items.len() as u64 > self.first;
        items.truncate(usize::try_from(self.first).unwrap_or(usize::MAX));
        let end_cursor = items.last().map(|i| key(i).to_string());
        Page {
            items,
            has_next_page,
            end_cursor,
        }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            first: DEFAULT_PAGE,
            after: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next_page: self.has_next_page,
            end_cursor: self.end_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages() -> AppResult<()> {
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(Some(101), None).is_err());
        assert!(PageRequest::new(None, Some("nope")).is_err());
        let req = PageRequest::new(Some(2), None)?;
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let page = req.finish(ids.clone(), |u| *u);
        assert!(page.has_next_page);
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.end_cursor, Some(ids[1].to_string()));
        Ok(())
    }
}
