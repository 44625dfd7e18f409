//! The SQL of stream channels.

use sqlx::AnyConnection;

use sdk::Error;

use crate::model::StreamChannel;

const CHANNEL_SELECT: &str =
    "SELECT id, organization_id, name, stream_url, is_active FROM tournament_stream_channels";

pub async fn stream_channels(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<Vec<StreamChannel>, Error> {
    let rows = sqlx::query_as::<_, StreamChannel>(&format!(
        "{CHANNEL_SELECT} WHERE organization_id = $1 ORDER BY is_active DESC, name"
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

/// One page of the organization's stream channels, newest first (`sdk::page`).
pub async fn stream_channels_page(
    conn: &mut AnyConnection,
    org_id: i64,
    page: &sdk::page::PageRequest,
) -> Result<sdk::page::Page<StreamChannel>, Error> {
    let rows = sqlx::query_as::<_, StreamChannel>(&format!(
        "{CHANNEL_SELECT} WHERE organization_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    ))
    .bind(org_id)
    .bind(page.before())
    .bind(page.fetch_limit())
    .fetch_all(&mut *conn)
    .await?;
    Ok(sdk::page::Page::from_rows(
        rows,
        page,
        |c: &StreamChannel| c.id,
    ))
}

pub async fn stream_channel(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
) -> Result<Option<StreamChannel>, Error> {
    Ok(sqlx::query_as::<_, StreamChannel>(&format!(
        "{CHANNEL_SELECT} WHERE organization_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

fn channel_taken(name: &str) -> String {
    format!("There is already a stream channel named \"{name}\" here; choose another name.")
}

pub async fn insert_stream_channel(
    conn: &mut AnyConnection,
    org_id: i64,
    name: &str,
    stream_url: &str,
    is_active: bool,
    now: i64,
) -> Result<i64, Error> {
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO tournament_stream_channels (organization_id, name, stream_url, is_active,
            created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org_id)
    .bind(name)
    .bind(stream_url)
    .bind(is_active)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(channel_taken(name)))?;
    Ok(id)
}

pub async fn update_stream_channel(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    name: &str,
    stream_url: &str,
    is_active: bool,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE tournament_stream_channels SET name = $3, stream_url = $4, is_active = $5
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org_id)
    .bind(name)
    .bind(stream_url)
    .bind(is_active)
    .execute(&mut *conn)
    .await
    .map_err(Error::conflict_if_duplicate(channel_taken(name)))?;
    Ok(done.rows_affected() > 0)
}
