//! How an account's posts go out: the privacy level and interactions ace asks TikTok for.
//! The account's own settings come first, within what the creator's account offers
//! (`creator_info/query`); an account with no setting posts as publicly as it may.

use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// Who may see a post, most public first.
    pub enum PrivacyLevel {
        PublicToEveryone = "PUBLIC_TO_EVERYONE",
        FollowerOfCreator = "FOLLOWER_OF_CREATOR",
        MutualFollowFriends = "MUTUAL_FOLLOW_FRIENDS",
        SelfOnly = "SELF_ONLY",
    }
}

/// A linked account's posting settings (an ace addition, kept with its connection).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostSettings {
    /// The privacy level posts ask for; `None`: the most public one offered.
    pub privacy_level: Option<String>,
    /// `false` turns comments off on posts; `None`: as the creator's account allows.
    pub allow_comments: Option<bool>,
    pub allow_duet: Option<bool>,
    pub allow_stitch: Option<bool>,
}

/// What the creator's account allows, from `creator_info/query`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreatorAllows {
    pub privacy_levels: Vec<String>,
    pub comments: bool,
    pub duet: bool,
    pub stitch: bool,
}

/// What one post asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostChoice {
    pub privacy_level: String,
    pub disable_comment: bool,
    pub disable_duet: bool,
    pub disable_stitch: bool,
}

impl PostSettings {
    /// Checks the settings as a client sent them.
    pub fn checked(self) -> Result<Self, crate::FieldError> {
        if let Some(level) = &self.privacy_level {
            level
                .parse::<PrivacyLevel>()
                .map_err(|err| crate::FieldError::new("privacy_level", err.to_string()))?;
        }
        Ok(self)
    }

    /// What a post asks for, within what `allows`; `Err` says why none fits.
    pub fn choose(&self, allows: &CreatorAllows) -> Result<PostChoice, String> {
        let offered = |level: &str| allows.privacy_levels.iter().any(|o| o == level);
        let privacy_level = match &self.privacy_level {
            Some(level) if offered(level) => level.clone(),
            Some(level) => {
                return Err(format!(
                    "the account's privacy setting {level} is not one TikTok offers this creator ({})",
                    allows.privacy_levels.join(", ")
                ));
            }
            None => PrivacyLevel::ALL
                .iter()
                .map(|level| level.as_str())
                .find(|level| offered(level))
                .map(str::to_owned)
                .ok_or_else(|| {
                    "TikTok offers this creator no privacy level ace knows".to_owned()
                })?,
        };
        Ok(PostChoice {
            privacy_level,
            disable_comment: !(allows.comments && self.allow_comments.unwrap_or(true)),
            disable_duet: !(allows.duet && self.allow_duet.unwrap_or(true)),
            disable_stitch: !(allows.stitch && self.allow_stitch.unwrap_or(true)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(levels: &[&str]) -> CreatorAllows {
        CreatorAllows {
            privacy_levels: levels.iter().map(|l| (*l).to_owned()).collect(),
            comments: true,
            duet: false,
            stitch: true,
        }
    }

    #[test]
    fn without_a_setting_the_most_public_offered_level_is_chosen() {
        let choice = PostSettings::default()
            .choose(&allows(&["SELF_ONLY", "FOLLOWER_OF_CREATOR"]))
            .unwrap();
        assert_eq!(choice.privacy_level, "FOLLOWER_OF_CREATOR");
        assert!(!choice.disable_comment && choice.disable_duet && !choice.disable_stitch);
    }

    #[test]
    fn a_setting_is_used_only_when_offered() {
        let settings = PostSettings {
            privacy_level: Some("PUBLIC_TO_EVERYONE".into()),
            allow_comments: Some(false),
            ..PostSettings::default()
        };
        let unaudited = allows(&["SELF_ONLY"]);
        assert!(
            settings
                .choose(&unaudited)
                .unwrap_err()
                .contains("SELF_ONLY")
        );
        let audited = allows(&["PUBLIC_TO_EVERYONE", "SELF_ONLY"]);
        let choice = settings.choose(&audited).unwrap();
        assert_eq!(choice.privacy_level, "PUBLIC_TO_EVERYONE");
        assert!(choice.disable_comment);
        assert!(
            PostSettings {
                privacy_level: Some("FRIENDS".into()),
                ..PostSettings::default()
            }
            .checked()
            .is_err()
        );
    }
}
