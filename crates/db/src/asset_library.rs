//! The asset library: an agent's folders and files in one list.

use ace_domain::ids::{AgentId, AssetFolderId};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Session, fetch_all};

/// Where in the tree a listing looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Top-level folders and files.
    Root,
    /// The direct contents of one folder.
    Folder(AssetFolderId),
    /// The whole library (for a search).
    Everywhere,
}

/// A listing request.
#[derive(Clone, Debug)]
pub struct LibraryQuery {
    pub scope: Scope,
    pub include_folders: bool,
    /// File kinds to include; `None` for all.
    pub kinds: Option<Vec<String>>,
    /// A folded search term (matched anywhere in the name).
    pub search: Option<String>,
    /// Newest first across folders and files, instead of folders first.
    pub recent_first: bool,
    pub offset: i64,
    pub limit: i64,
}

/// A folder or a file.
#[derive(Clone, Debug, FromRow)]
pub struct LibraryItem {
    /// `folder`, or the file's kind.
    pub item_kind: String,
    pub id: i64,
    pub name: String,
    pub storage_key: Option<String>,
    pub thumbnail_key: Option<String>,
    pub content_type: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl LibraryItem {
    pub fn is_folder(&self) -> bool {
        self.item_kind == "folder"
    }
}

/// One page of the library.
pub async fn list(
    db: &mut dyn Session,
    agent: AgentId,
    query: &LibraryQuery,
) -> DbResult<Vec<LibraryItem>> {
    let (mode, folder) = match query.scope {
        Scope::Root => ("root", None),
        Scope::Folder(id) => ("folder", Some(id.get())),
        Scope::Everywhere => ("all", None),
    };
    let pattern = query.search.as_deref().map(like_pattern);
    let kinds = query.kinds.as_ref().map(|k| k.join(","));
    let sql = "SELECT item_kind, id, name, storage_key, thumbnail_key, content_type, created_at FROM ( \
          SELECT 0 AS rank, 'folder' AS item_kind, id, name, CAST(NULL AS TEXT) AS storage_key, \
                 CAST(NULL AS TEXT) AS thumbnail_key, CAST(NULL AS TEXT) AS content_type, created_at \
          FROM asset_folders WHERE agent_id = $1 AND $4 \
            AND ($3 = 'all' OR ($3 = 'root' AND parent_id IS NULL) OR ($3 = 'folder' AND parent_id = $2)) \
            AND (CAST($5 AS TEXT) IS NULL OR name_key LIKE $5 ESCAPE '\\') \
          UNION ALL \
          SELECT 1 AS rank, kind AS item_kind, id, file_name AS name, storage_key, thumbnail_key, content_type, created_at \
          FROM content_resources WHERE agent_id = $1 \
            AND ($3 = 'all' OR ($3 = 'root' AND folder_id IS NULL) OR ($3 = 'folder' AND folder_id = $2)) \
            AND (CAST($5 AS TEXT) IS NULL OR file_name_key LIKE $5 ESCAPE '\\') \
            AND (CAST($6 AS TEXT) IS NULL OR (',' || $6 || ',') LIKE ('%,' || kind || ',%')) \
        ) items \
        ORDER BY CASE WHEN $7 THEN 0 ELSE rank END, created_at DESC, rank, id DESC LIMIT $8 OFFSET $9";
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(folder)
            .bind(mode)
            .bind(query.include_folders)
            .bind(pattern)
            .bind(kinds)
            .bind(query.recent_first)
            .bind(query.limit)
            .bind(query.offset)
    ))
}

/// `%term%` with LIKE's wildcards in the term escaped.
fn like_pattern(term: &str) -> String {
    let escaped: String = term
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            other => vec![other],
        })
        .collect();
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_terms_match_literally() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
