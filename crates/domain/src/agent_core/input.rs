//! The wire shapes of an agent-core patch (flat and sectioned) and their validation into the
//! model of the parent module.

use super::{
    BrandChange, Change, CorePatch, IdentityType, LinkedAccount, MonitoredItem, MonitoredKind,
    MonitoredReplacement, MonitoredScope, PatchShape, Section, limits,
};
use crate::FieldError;
use crate::ids::{LinkedAccountId, MonitoredItemId, deserialize_raw_id};
use crate::patch::Patch;
use crate::text::{multiline, optional_line, required_line};
use crate::validation::from_json_path_error;
use crate::voice::{VoiceRef, VoiceSource, canonical_voice_id};
use serde::{Deserialize, Deserializer};
use std::collections::HashSet;

pub(super) fn parse_flat(body: &serde_json::Value) -> Result<CorePatch, FieldError> {
    parse_as::<FlatInput>(body)?.validate()
}

pub(super) fn parse_sectioned(body: &serde_json::Value) -> Result<CorePatch, FieldError> {
    parse_as::<SectionedInput>(body)?.validate()
}

fn parse_as<T: for<'de> Deserialize<'de>>(body: &serde_json::Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(body).map_err(|e| from_json_path_error(&e))
}

fn optional_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Raw(#[serde(deserialize_with = "deserialize_raw_id")] i64);
    Option::<Raw>::deserialize(deserializer).map(|raw| raw.map(|Raw(id)| id))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlatInput {
    #[serde(default, deserialize_with = "optional_id")]
    agent_id: Option<i64>,
    #[serde(default)]
    brand_name: Patch<String>,
    #[serde(default)]
    description: Patch<String>,
    #[serde(default)]
    identity_type: Patch<String>,
    #[serde(default)]
    goal: Patch<String>,
    #[serde(default)]
    target_platforms: Patch<Vec<String>>,
    #[serde(default)]
    shortform: Patch<bool>,
    #[serde(default)]
    longform: Patch<bool>,
    #[serde(default)]
    onboarding_status: Patch<String>,
    #[serde(default)]
    keywords: Patch<Vec<String>>,
    #[serde(default)]
    monitored: Patch<Vec<MonitoredInput>>,
    #[serde(default)]
    research_topics: Patch<Vec<TopicInput>>,
    #[serde(default)]
    linked_accounts: Patch<Vec<LinkedAccountInput>>,
    #[serde(default)]
    personality: Patch<String>,
    #[serde(default)]
    default_user_voice: Patch<VoiceInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionedInput {
    #[serde(default, deserialize_with = "optional_id")]
    agent_id: Option<i64>,
    #[serde(default)]
    identity: Option<IdentityInput>,
    #[serde(default)]
    overview: Option<OverviewInput>,
    #[serde(default)]
    inspiration: Patch<Vec<InspirationInput>>,
    #[serde(default)]
    accounts: Patch<Vec<LinkedAccountInput>>,
    #[serde(default)]
    personality: Patch<String>,
    #[serde(default)]
    voice: Patch<VoiceInput>,
    #[serde(default)]
    look: Option<LookInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityInput {
    #[serde(default)]
    name: Patch<String>,
    #[serde(default)]
    profile_photo_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverviewInput {
    #[serde(default)]
    brand_name: Patch<String>,
    #[serde(default)]
    description: Patch<String>,
    #[serde(default)]
    identity_type: Patch<String>,
    #[serde(default)]
    goal: Patch<String>,
    #[serde(default)]
    target_platforms: Patch<Vec<String>>,
    #[serde(default)]
    shortform: Patch<bool>,
    #[serde(default)]
    longform: Patch<bool>,
    #[serde(default)]
    onboarding_status: Patch<String>,
    #[serde(default)]
    keywords: Patch<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LookInput {
    #[serde(default)]
    description: Patch<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MonitoredInput {
    #[serde(default, deserialize_with = "optional_id")]
    id: Option<i64>,
    handle: String,
    item_type: String,
    #[serde(default)]
    platform: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InspirationInput {
    #[serde(default, deserialize_with = "optional_id")]
    id: Option<i64>,
    url: String,
    #[serde(default)]
    platform: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicInput {
    topic: String,
}

/// The body of a linked account, shared by the flat list, the sectioned list and
/// `POST /core/accounts`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkedAccountInput {
    #[serde(default, deserialize_with = "optional_id")]
    id: Option<i64>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoiceInput {
    voice_id: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

/// The scalar brand fields, which the flat shape and the `overview` section share.
struct ScalarBrandInput {
    brand_name: Patch<String>,
    description: Patch<String>,
    identity_type: Patch<String>,
    goal: Patch<String>,
    target_platforms: Patch<Vec<String>>,
    shortform: Patch<bool>,
    longform: Patch<bool>,
    onboarding_status: Patch<String>,
    keywords: Patch<Vec<String>>,
}

impl ScalarBrandInput {
    /// Validates the scalar fields into `change`; `mirror_keywords` adds the keyword mirror
    /// into the monitored list.
    fn validate_into(
        self,
        change: &mut BrandChange,
        mirror_keywords: bool,
    ) -> Result<(), FieldError> {
        change.brand_name = self
            .brand_name
            .try_map(|v| optional_line("brand_name", Some(&v), limits::BRAND_NAME))?
            .into_change()
            .map(Option::flatten);
        change.description = self
            .description
            .try_map(|v| multiline("description", &v, limits::DESCRIPTION))?
            .into_change()
            .map(|v| v.filter(|s| !s.is_empty()));
        change.identity_type = self
            .identity_type
            .try_map(|v| {
                IdentityType::parse(&v).ok_or_else(|| {
                    FieldError::new("identity_type", "must be one of \"brand\", \"character\"")
                })
            })?
            .into_change();
        change.goal = self
            .goal
            .try_map(|v| optional_line("goal", Some(&v), limits::GOAL))?
            .into_change()
            .map(Option::flatten);
        change.target_platforms = self
            .target_platforms
            .try_map(|v| {
                string_list(
                    "target_platforms",
                    v,
                    limits::TARGET_PLATFORMS,
                    limits::PLATFORM,
                )
            })?
            .into_change()
            .map(Option::unwrap_or_default);
        change.shortform = self.shortform.into_change();
        change.longform = self.longform.into_change();
        change.onboarding_status = self
            .onboarding_status
            .try_map(|v| optional_line("onboarding_status", Some(&v), limits::ONBOARDING_STATUS))?
            .into_change()
            .map(Option::flatten);
        change.keywords = self
            .keywords
            .try_map(|v| string_list("keywords", v, limits::KEYWORDS, limits::KEYWORD))?
            .into_change()
            .map(Option::unwrap_or_default);
        if mirror_keywords && let Some(keywords) = &change.keywords {
            change.monitored.push(MonitoredReplacement {
                scope: MonitoredScope::Kind(MonitoredKind::Keyword),
                items: keywords
                    .iter()
                    .map(|keyword| MonitoredItem {
                        id: None,
                        handle: keyword.clone(),
                        kind: MonitoredKind::Keyword,
                        platform: None,
                    })
                    .collect(),
            });
        }
        Ok(())
    }
}

impl FlatInput {
    fn validate(self) -> Result<CorePatch, FieldError> {
        let mut brand = BrandChange::default();
        let monitored_sent = self.monitored.is_present();
        ScalarBrandInput {
            brand_name: self.brand_name,
            description: self.description,
            identity_type: self.identity_type,
            goal: self.goal,
            target_platforms: self.target_platforms,
            shortform: self.shortform,
            longform: self.longform,
            onboarding_status: self.onboarding_status,
            keywords: self.keywords,
        }
        // An explicit `monitored` wins over the keyword mirror.
        .validate_into(&mut brand, !monitored_sent)?;
        if let Some(items) = self.monitored.into_change() {
            let items = items.unwrap_or_default();
            brand.monitored.push(MonitoredReplacement {
                scope: MonitoredScope::All,
                items: monitored_items("monitored", items)?,
            });
        }
        brand.research_topics = self
            .research_topics
            .try_map(research_topics)?
            .into_change()
            .map(Option::unwrap_or_default);
        brand.linked_accounts = self
            .linked_accounts
            .try_map(|v| linked_accounts("linked_accounts", v))?
            .into_change()
            .map(Option::unwrap_or_default);

        let mut sections = Vec::new();
        if brand != BrandChange::default() {
            sections.push(Section {
                key: "brand",
                change: Change::Brand(brand),
            });
        }
        push_personality(&mut sections, self.personality)?;
        push_voice(&mut sections, self.default_user_voice, "default_user_voice")?;
        Ok(CorePatch {
            shape: PatchShape::Flat,
            agent_id: self.agent_id,
            sections,
        })
    }
}

impl SectionedInput {
    fn validate(self) -> Result<CorePatch, FieldError> {
        let mut sections = Vec::new();
        if let Some(identity) = self.identity {
            let name = match identity.name {
                Patch::Absent => None,
                Patch::Clear => return Err(FieldError::new("identity.name", "can't be blank")),
                Patch::Set(name) => {
                    Some(required_line("identity.name", &name, limits::AGENT_NAME)?)
                }
            };
            let photo_url = optional_line(
                "identity.profile_photo_url",
                identity.profile_photo_url.as_deref(),
                limits::URL,
            )?;
            if name.is_some() || photo_url.is_some() {
                sections.push(Section {
                    key: "identity",
                    change: Change::Identity { name, photo_url },
                });
            }
        }
        if let Some(overview) = self.overview {
            let mut brand = BrandChange::default();
            ScalarBrandInput {
                brand_name: overview.brand_name,
                description: overview.description,
                identity_type: overview.identity_type,
                goal: overview.goal,
                target_platforms: overview.target_platforms,
                shortform: overview.shortform,
                longform: overview.longform,
                onboarding_status: overview.onboarding_status,
                keywords: overview.keywords,
            }
            .validate_into(&mut brand, true)
            .map_err(|e| e.within("overview"))?;
            sections.push(Section {
                key: "overview",
                change: Change::Brand(brand),
            });
        }
        if let Some(items) = self.inspiration.into_change() {
            let items = items
                .unwrap_or_default()
                .into_iter()
                .map(|item| MonitoredInput {
                    id: item.id,
                    handle: item.url,
                    item_type: MonitoredKind::Account.as_str().to_owned(),
                    platform: item.platform,
                })
                .collect();
            let replacement = MonitoredReplacement {
                scope: MonitoredScope::Kind(MonitoredKind::Account),
                items: monitored_items("inspiration", items)?,
            };
            sections.push(Section {
                key: "inspiration",
                change: Change::Brand(BrandChange {
                    monitored: vec![replacement],
                    ..BrandChange::default()
                }),
            });
        }
        if let Some(items) = self.accounts.into_change() {
            let accounts = linked_accounts("accounts", items.unwrap_or_default())?;
            sections.push(Section {
                key: "accounts",
                change: Change::Brand(BrandChange {
                    linked_accounts: Some(accounts),
                    ..BrandChange::default()
                }),
            });
        }
        push_personality(&mut sections, self.personality)?;
        push_voice(&mut sections, self.voice, "voice")?;
        if let Some(look) = self.look
            && let Some(description) = look
                .description
                .try_map(|v| multiline("look.description", &v, limits::LOOK_DESCRIPTION))?
                .into_change()
        {
            sections.push(Section {
                key: "look",
                change: Change::LookDescription(description.filter(|d| !d.is_empty())),
            });
        }
        Ok(CorePatch {
            shape: PatchShape::Sectioned,
            agent_id: self.agent_id,
            sections,
        })
    }
}

fn push_personality(
    sections: &mut Vec<Section>,
    personality: Patch<String>,
) -> Result<(), FieldError> {
    if let Some(text) = personality
        .try_map(|v| multiline("personality", &v, limits::PERSONALITY))?
        .into_change()
    {
        sections.push(Section {
            key: "personality",
            change: Change::Personality(text.filter(|t| !t.is_empty())),
        });
    }
    Ok(())
}

fn push_voice(
    sections: &mut Vec<Section>,
    voice: Patch<VoiceInput>,
    field: &str,
) -> Result<(), FieldError> {
    if let Some(voice) = voice.try_map(|v| v.validate(field))?.into_change() {
        sections.push(Section {
            key: "voice",
            change: Change::Voice(voice),
        });
    }
    Ok(())
}

impl VoiceInput {
    fn validate(self, field: &str) -> Result<VoiceRef, FieldError> {
        let voice_id = required_line("voice_id", &self.voice_id, limits::VOICE_ID)
            .map_err(|e| e.within(field))?;
        let voice_id = canonical_voice_id(&voice_id);
        let source = match self.source.as_deref().map(str::trim) {
            None | Some("") => VoiceSource::Public,
            Some(text) => text
                .parse::<VoiceSource>()
                .ok()
                .filter(|s| CORE_VOICE_SOURCES.contains(s))
                .ok_or_else(|| {
                    FieldError::new(
                        format!("{field}.source"),
                        "must be one of \"public\", \"user_designed\", \"user_trained\", \"user_elevenlabs\", \"eleven_labs\"",
                    )
                })?,
        };
        let name = optional_line("name", self.name.as_deref(), limits::VOICE_NAME)
            .map_err(|e| e.within(field))?;
        Ok(VoiceRef {
            voice_id,
            source,
            name,
        })
    }
}

/// The voice sources agent core accepts.
const CORE_VOICE_SOURCES: [VoiceSource; 5] = [
    VoiceSource::Public,
    VoiceSource::UserDesigned,
    VoiceSource::UserTrained,
    VoiceSource::UserElevenlabs,
    VoiceSource::ElevenLabs,
];

fn string_list(
    field: &str,
    values: Vec<String>,
    max_items: usize,
    max_chars: usize,
) -> Result<Vec<String>, FieldError> {
    at_most(field, values.len(), max_items)?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(values.len());
    for (index, value) in values.iter().enumerate() {
        let value = required_line(&format!("{field}[{index}]"), value, max_chars)?;
        if seen.insert(crate::text::fold(&value)) {
            out.push(value);
        }
    }
    Ok(out)
}

fn research_topics(topics: Vec<TopicInput>) -> Result<Vec<String>, FieldError> {
    at_most("research_topics", topics.len(), limits::RESEARCH_TOPICS)?;
    topics
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            required_line(
                &format!("research_topics[{i}].topic"),
                &t.topic,
                limits::TOPIC,
            )
        })
        .collect()
}

fn monitored_items(
    field: &str,
    items: Vec<MonitoredInput>,
) -> Result<Vec<MonitoredItem>, FieldError> {
    at_most(field, items.len(), limits::MONITORED)?;
    let mut ids = HashSet::new();
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let at = |name: &str| format!("{field}[{i}].{name}");
            let handle_field = if field == "inspiration" {
                at("url")
            } else {
                at("handle")
            };
            let kind = MonitoredKind::parse(&item.item_type).ok_or_else(|| {
                FieldError::new(
                    at("item_type"),
                    "must be one of \"account\", \"hashtag\", \"keyword\"",
                )
            })?;
            if let Some(id) = item.id
                && !ids.insert(id)
            {
                return Err(FieldError::new(
                    at("id"),
                    format!("{id} appears more than once"),
                ));
            }
            Ok(MonitoredItem {
                id: item.id.map(MonitoredItemId::new),
                handle: required_line(&handle_field, &item.handle, limits::HANDLE)?,
                kind,
                platform: optional_line(
                    &at("platform"),
                    item.platform.as_deref(),
                    limits::PLATFORM,
                )?,
            })
        })
        .collect()
}

impl LinkedAccountInput {
    /// Validates one account; `field` is its path, such as `linked_accounts[0]`.
    pub fn validate(self, field: &str) -> Result<LinkedAccount, FieldError> {
        let url = self
            .url
            .ok_or_else(|| FieldError::new(format!("{field}.url"), "is required"))?;
        Ok(LinkedAccount {
            id: self.id.map(LinkedAccountId::new),
            url: required_line(&format!("{field}.url"), &url, limits::URL)?,
            platform: optional_line(
                &format!("{field}.platform"),
                self.platform.as_deref(),
                limits::PLATFORM,
            )?,
            display_name: optional_line(
                &format!("{field}.display_name"),
                self.display_name.as_deref(),
                limits::DISPLAY_NAME,
            )?,
        })
    }
}

fn linked_accounts(
    field: &str,
    accounts: Vec<LinkedAccountInput>,
) -> Result<Vec<LinkedAccount>, FieldError> {
    at_most(field, accounts.len(), limits::LINKED_ACCOUNTS)?;
    let mut ids = HashSet::new();
    accounts
        .into_iter()
        .enumerate()
        .map(|(i, account)| {
            let path = format!("{field}[{i}]");
            if let Some(id) = account.id
                && !ids.insert(id)
            {
                return Err(FieldError::new(
                    format!("{path}.id"),
                    format!("{id} appears more than once"),
                ));
            }
            account.validate(&path)
        })
        .collect()
}

/// Reads the body of `POST /agents/{id}/core/inspiration`: `{url, platform?}`.
pub fn parse_inspiration_item(body: &serde_json::Value) -> Result<MonitoredItem, FieldError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Input {
        #[serde(default, deserialize_with = "optional_id")]
        agent_id: Option<i64>,
        #[serde(default)]
        url: Option<String>,
        #[serde(default)]
        platform: Option<String>,
    }
    let input: Input = parse_as(body)?;
    let _ = input.agent_id;
    let url = input
        .url
        .ok_or_else(|| FieldError::new("url", "is required"))?;
    Ok(MonitoredItem {
        id: None,
        handle: required_line("url", &url, limits::HANDLE)?,
        kind: MonitoredKind::Account,
        platform: optional_line("platform", input.platform.as_deref(), limits::PLATFORM)?,
    })
}

/// Reads the body of `POST /agents/{id}/core/accounts`: `{url, platform?, display_name?}`.
pub fn parse_account_item(body: &serde_json::Value) -> Result<LinkedAccount, FieldError> {
    let mut body = body.clone();
    if let Some(object) = body.as_object_mut() {
        object.remove("agent_id");
    }
    let input: LinkedAccountInput = parse_as(&body)?;
    let account = input.validate("account")?;
    // Field paths for a single item read better without the prefix.
    Ok(LinkedAccount {
        id: None,
        ..account
    })
}

/// Refuses a list longer than `max` items.
fn at_most(field: &str, len: usize, max: usize) -> Result<(), FieldError> {
    if len > max {
        return Err(FieldError::new(
            field,
            format!("has too many items ({len}; the maximum is {max})"),
        ));
    }
    Ok(())
}
