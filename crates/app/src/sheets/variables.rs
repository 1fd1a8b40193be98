//! Global variables: read an engine's variables, add, change or remove one, or replace them
//! all from an XLSX file (see [`ace_media::variables_workbook`]). Keys are unique ignoring case.

use ace_db::DbError;
use ace_db::sheets::variables::{self as store, VariableRecord, VariableSheetRecord};
use ace_domain::FieldError;
use ace_domain::ids::{AgentId, GlobalVariableId, SpreadsheetId};
use ace_media::variables_workbook::{self, MAX_KEY_CHARS, MAX_VALUE_CHARS};
use chrono::{DateTime, Utc};

use super::{EngineChange, not_found, open};
use crate::policy::AgentNeed;
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// The MIME type of the variables workbook.
pub const WORKBOOK_CONTENT_TYPE: &str = variables_workbook::CONTENT_TYPE;

/// An engine's variables sheet and its variables.
#[derive(Clone, Debug)]
pub struct Variables {
    /// The sheet's id.
    pub id: i64,
    pub variables: Vec<Variable>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Variables {
    pub(crate) fn new(sheet: VariableSheetRecord, variables: Vec<VariableRecord>) -> Self {
        Self {
            id: sheet.id,
            variables: variables.into_iter().map(Variable::from).collect(),
            created_at: sheet.created_at,
            updated_at: sheet.updated_at,
        }
    }
}

/// One variable, written `{{key}}` in cards.
#[derive(Clone, Debug)]
pub struct Variable {
    pub id: GlobalVariableId,
    pub key: String,
    pub value: String,
}

impl From<VariableRecord> for Variable {
    fn from(record: VariableRecord) -> Self {
        Self {
            id: record.id,
            key: record.key,
            value: record.value,
        }
    }
}

/// The engine's variables, or `None` before it has any sheet of them.
pub async fn get(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
) -> AppResult<Option<Variables>> {
    let mut conn = app.db.conn().await?;
    let sheet = open(&mut conn, actor, agent, sheet, AgentNeed::View).await?;
    let Some(variable_sheet) = store::find_sheet(&mut conn, sheet.id).await? else {
        return Ok(None);
    };
    let variables = store::list(&mut conn, variable_sheet.id).await?;
    Ok(Some(Variables::new(variable_sheet, variables)))
}

/// Adds one variable.
pub async fn create(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    key: Option<&str>,
    value: Option<&str>,
) -> AppResult<Variable> {
    let key = key_text(key.ok_or_else(|| FieldError::new("key", "is required"))?)?;
    let value = value_text(value.unwrap_or_default())?;
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let variable_sheet = store::ensure_sheet(&mut change.tx, change.sheet.id, change.now).await?;
    let created = store::insert(&mut change.tx, variable_sheet.id, &key, &value, change.now)
        .await
        .map_err(|err| taken(err, &key))?;
    change.commit().await?;
    Ok(created.into())
}

/// Renames or revalues one variable.
pub async fn update(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: GlobalVariableId,
    key: Option<&str>,
    value: Option<&str>,
) -> AppResult<Variable> {
    let key = key.map(key_text).transpose()?;
    let value = value.map(value_text).transpose()?;
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let current = find(&mut change.tx, change.sheet.id, id).await?;
    let key = key.unwrap_or(current.key);
    let updated = store::update(
        &mut change.tx,
        id,
        &key,
        value.as_deref().unwrap_or(&current.value),
        change.now,
    )
    .await
    .map_err(|err| taken(err, &key))?;
    change.commit().await?;
    Ok(updated.into())
}

/// Removes one variable.
pub async fn delete(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: GlobalVariableId,
) -> AppResult<()> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    find(&mut change.tx, change.sheet.id, id).await?;
    store::delete(&mut change.tx, id).await?;
    change.commit().await?;
    Ok(())
}

/// Replaces every variable with those of an XLSX file. A file that cannot be read changes
/// nothing and is refused with the reason.
pub async fn import(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    file: &[u8],
) -> AppResult<Variables> {
    {
        // Access first, so a stranger learns nothing from how their file is judged.
        let mut conn = app.db.conn().await?;
        open(&mut conn, actor, agent, sheet, AgentNeed::Edit).await?;
    }
    let parsed = variables_workbook::read(file).map_err(|err| {
        AppError::unprocessable(ErrorCode::ValidationError, format!("file: {err}"))
    })?;
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let variable_sheet = store::ensure_sheet(&mut change.tx, change.sheet.id, change.now).await?;
    store::delete_all(&mut change.tx, variable_sheet.id).await?;
    for variable in &parsed {
        store::insert(
            &mut change.tx,
            variable_sheet.id,
            &variable.key,
            &variable.value,
            change.now,
        )
        .await
        .map_err(|err| taken(err, &variable.key))?;
    }
    let variables = store::list(&mut change.tx, variable_sheet.id).await?;
    change.commit().await?;
    Ok(Variables::new(variable_sheet, variables))
}

/// The blank XLSX file the import accepts.
pub fn template() -> Vec<u8> {
    variables_workbook::template()
}

async fn find(
    db: &mut dyn ace_db::Session,
    sheet: SpreadsheetId,
    id: GlobalVariableId,
) -> AppResult<VariableRecord> {
    let found = match store::find_sheet(db, sheet).await? {
        Some(variable_sheet) => store::find(db, variable_sheet.id, id).await?,
        None => None,
    };
    found.ok_or_else(|| not_found("Variable", id))
}

/// A key: trimmed, 1 to 100 characters, no braces or line breaks (keys are written `{{key}}`).
fn key_text(text: &str) -> Result<String, FieldError> {
    let key = text.trim();
    if key.is_empty() {
        return Err(FieldError::new("key", "must not be blank"));
    }
    if key.chars().count() > MAX_KEY_CHARS || key.contains(['{', '}', '\n', '\r']) {
        return Err(FieldError::new(
            "key",
            format!("must be at most {MAX_KEY_CHARS} characters, without braces or line breaks"),
        ));
    }
    Ok(key.to_owned())
}

fn value_text(text: &str) -> Result<String, FieldError> {
    if text.chars().count() > MAX_VALUE_CHARS {
        return Err(FieldError::new(
            "value",
            format!("must be at most {MAX_VALUE_CHARS} characters"),
        ));
    }
    Ok(text.to_owned())
}

fn taken(err: DbError, key: &str) -> AppError {
    match err {
        DbError::UniqueViolation(_) => AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("key {key:?} is already a variable of this engine (keys ignore case)."),
        ),
        other => other.into(),
    }
}
