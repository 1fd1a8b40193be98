//! The video types GEN numbers (`video_type_id`): 0 any, 1 talking avatar, 2 green screen,
//! 3 montage, 4 text-driven, 5 POV object, 6 narrated voice-over, 8 split screen, 9 skit. Each
//! but `any` has a template in the library.

crate::wire_enum! {
    /// A kind of short video.
    pub enum VideoType {
        Any = "any",
        TalkingAvatar = "talking_avatar",
        GreenScreen = "green_screen",
        Montage = "montage",
        TextDriven = "text_driven",
        PovObject = "pov_object",
        NarratedVoiceOver = "narrated_voice_over",
        SplitScreen = "split_screen",
        Skit = "skit",
    }
}

impl VideoType {
    /// GEN's number for it.
    pub const fn id(self) -> i64 {
        match self {
            VideoType::Any => 0,
            VideoType::TalkingAvatar => 1,
            VideoType::GreenScreen => 2,
            VideoType::Montage => 3,
            VideoType::TextDriven => 4,
            VideoType::PovObject => 5,
            VideoType::NarratedVoiceOver => 6,
            VideoType::SplitScreen => 8,
            VideoType::Skit => 9,
        }
    }

    /// The type GEN numbers `id`.
    pub fn from_id(id: i64) -> Option<VideoType> {
        VideoType::ALL.into_iter().find(|kind| kind.id() == id)
    }

    /// The types a template can be made for (all but `any`).
    pub fn templated() -> impl Iterator<Item = VideoType> {
        VideoType::ALL
            .into_iter()
            .filter(|kind| *kind != VideoType::Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_gens_and_read_back() {
        let ids: Vec<i64> = VideoType::ALL.iter().map(|kind| kind.id()).collect();
        assert_eq!(ids, [0, 1, 2, 3, 4, 5, 6, 8, 9]);
        for kind in VideoType::ALL {
            assert_eq!(VideoType::from_id(kind.id()), Some(kind));
        }
        assert_eq!(VideoType::from_id(7), None);
        assert_eq!(VideoType::templated().count(), 8);
    }
}
