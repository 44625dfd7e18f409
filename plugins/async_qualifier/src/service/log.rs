//! The qualifier's audit log: the organization's `async_qualifier.*` entries that name it.

use sdk::Error;

use super::Qualifiers;
use crate::model::AuditEntry;

/// How many audit entries the qualifier log reads at a time, and how many such reads one page
/// may take: a page costs at most 2 000 rows whatever the organization's history.
const LOG_SCAN_BATCH: i64 = 500;
const LOG_SCAN_BATCHES: usize = 4;

impl Qualifiers {
    /// One page of what was done in the qualifier, newest first. Its entries are the
    /// organization's `async_qualifier.*` audit entries naming it, found by reading the log
    /// backwards in batches from `page.before_id`; at most [`LOG_SCAN_BATCHES`] batches per page,
    /// so a page may hold fewer entries than asked, and `next_before_id` says where the next
    /// read goes on (None once the log is read to its start).
    pub async fn audit_entries(
        &self,
        org_id: i64,
        qualifier_id: i64,
        page: sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<AuditEntry>, Error> {
        Ok(self
            .audit_log(org_id, qualifier_id, page)
            .await?
            .map(|r| AuditEntry {
                id: r.id,
                username: r.username,
                action: r.action,
                details: r.details,
                at: r.created_at,
            }))
    }

    /// The records behind [`Qualifiers::audit_entries`] (with user ids), as the log stores them.
    pub async fn audit_log(
        &self,
        org_id: i64,
        qualifier_id: i64,
        page: sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<sdk::identity::model::AuditRecord>, Error> {
        self.qualifier(org_id, qualifier_id).await?;
        let wanted = page.limit() as usize;
        let mut before = page.before_id;
        let mut items = Vec::new();
        for _ in 0..LOG_SCAN_BATCHES {
            let batch = sdk::identity::audit_log::list(
                &self.db,
                &sdk::identity::model::AuditFilter {
                    org_id: Some(org_id),
                    action: Some("async_qualifier.".into()),
                    before_id: before,
                    limit: Some(LOG_SCAN_BATCH),
                    ..Default::default()
                },
            )
            .await?;
            let read_to_start = batch.len() < LOG_SCAN_BATCH as usize;
            for record in batch {
                before = Some(record.id);
                let names_it = serde_json::from_str::<serde_json::Value>(&record.details)
                    .ok()
                    .and_then(|d| d.get("qualifier_id").and_then(|v| v.as_i64()))
                    == Some(qualifier_id);
                if names_it {
                    items.push(record);
                    if items.len() == wanted {
                        return Ok(sdk::page::Page {
                            items,
                            next_before_id: before,
                        });
                    }
                }
            }
            if read_to_start {
                return Ok(sdk::page::Page {
                    items,
                    next_before_id: None,
                });
            }
        }
        Ok(sdk::page::Page {
            items,
            next_before_id: before,
        })
    }
}
