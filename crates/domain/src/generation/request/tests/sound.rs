//! Unit tests of the sound and media cards: speech, lipsync, captions and media.

use super::*;

#[test]
fn a_speech_card_with_a_saved_voice_reads_its_script() {
    let request = accepted(
        SpeechFromText,
        json!({"script": "Welcome to Santiago's taco tour...", "voice_method": "my_voices",
               "voice_id": "21m00Tcm4TlvDq8ikWAM", "enhance_voice": true, "speed": 1.0}),
    );
    assert_eq!(request.model, None);
    assert_eq!(
        request.voice,
        Some(VoiceMethod::MyVoices {
            voice_id: "21m00Tcm4TlvDq8ikWAM".into()
        })
    );
    assert_eq!(request.script_chars, 34);
    assert_eq!(request.text_fields, vec!["script"]);
}

#[test]
fn a_voice_id_alone_means_my_voices() {
    let request = accepted(
        SpeechFromText,
        json!({"script": "hi", "voice_id": "agent_default"}),
    );
    assert_eq!(
        request.voice,
        Some(VoiceMethod::MyVoices {
            voice_id: "agent_default".into()
        })
    );
}

#[test]
fn a_designed_voice_needs_its_description() {
    let full = json!({"script": "hi", "voice_method": "design_voice", "name": "Narrator",
                      "language": "en", "gender": "male",
                      "voice_prompt": "warm {{tone}} narrator"});
    let request = accepted(SpeechFromText, full.clone());
    assert_eq!(request.voice, Some(VoiceMethod::DesignVoice));
    assert_eq!(request.text_fields, vec!["script", "voice_prompt"]);
    for missing in ["name", "language", "gender", "voice_prompt"] {
        let mut data = full.clone();
        if let Value::Object(map) = &mut data {
            map.remove(missing);
        }
        assert_eq!(
            refused(SpeechFromText, data),
            (format!("data.{missing}"), "is required".to_owned())
        );
    }
}

#[test]
fn a_cloned_voice_needs_an_audio_sample() {
    let full = json!({"script": "hi", "voice_method": "clone_voice", "name": "Mine",
                      "audio_resource_id": "5921", "language": "pt-BR", "gender": "female"});
    let request = accepted(SpeechFromText, full.clone());
    assert_eq!(request.voice, Some(VoiceMethod::CloneVoice));
    assert_eq!(request.resources[0].id, 5921);
    assert_eq!(request.resources[0].kinds, &[MediaKind::Audio]);
    for missing in ["name", "audio_resource_id", "language", "gender"] {
        let mut data = full.clone();
        if let Value::Object(map) = &mut data {
            map.remove(missing);
        }
        assert_eq!(
            refused_field(SpeechFromText, data),
            format!("data.{missing}")
        );
    }
}

#[test]
fn a_speech_script_may_come_from_a_variable_but_not_be_too_long() {
    let request = accepted(
        SpeechFromText,
        json!({"source_var": "script_col", "voice_id": "v1"}),
    );
    assert_eq!(request.script_chars, 0);
    accepted(SpeechFromText, json!({"script_var": "s", "voice_id": "v1"}));
    let long = "a".repeat(MAX_SCRIPT_CHARS + 1);
    assert_eq!(
        refused(SpeechFromText, json!({"script": long, "voice_id": "v1"})),
        (
            "data.script".to_owned(),
            "must be at most 10000 characters".to_owned()
        )
    );
    let exact = "é".repeat(MAX_SCRIPT_CHARS);
    let request = accepted(SpeechFromText, json!({"script": exact, "voice_id": "v1"}));
    assert_eq!(request.script_chars, MAX_SCRIPT_CHARS);
}

#[test]
fn a_speech_card_refuses_bad_input() {
    assert_eq!(
        refused_field(SpeechFromText, json!({"voice_id": "v1"})),
        "data.script"
    );
    assert_eq!(
        refused(SpeechFromText, json!({"script": "hi"})),
        ("data.voice_method".to_owned(), "is required".to_owned())
    );
    assert_eq!(
        refused(
            SpeechFromText,
            json!({"script": "hi", "voice_method": "whisper"})
        )
        .1,
        "must be one of my_voices, design_voice, clone_voice"
    );
    assert_eq!(
        refused_field(
            SpeechFromText,
            json!({"script": "hi", "voice_method": "my_voices"})
        ),
        "data.voice_id"
    );
    assert_eq!(
        refused(SpeechFromText, json!({"script": "hi", "voice_id": 7})).1,
        "must be a string"
    );
    assert_eq!(
        refused_field(
            SpeechFromText,
            json!({"script": "hi", "voice_id": "v", "speed": 3})
        ),
        "data.speed"
    );
    assert_eq!(
        refused(
            SpeechFromText,
            json!({"script": "hi", "voice_id": "v", "enhance_voice": "yes"})
        )
        .1,
        "must be a boolean"
    );
    assert_eq!(
        refused(
            SpeechFromText,
            json!({"script": "hi", "voice_id": "v", "language": "english"})
        ),
        (
            "data.language".to_owned(),
            "must be a language code such as en or pt-BR".to_owned()
        )
    );
    assert_eq!(
        refused_field(
            SpeechFromText,
            json!({"script": "hi", "voice_method": "design_voice", "name": "N",
                   "language": "en", "gender": "other", "voice_prompt": "p"})
        ),
        "data.gender"
    );
}

#[test]
fn language_codes_may_carry_a_region() {
    for good in ["en", "fil", "en-US", "pt-BR", "es-419"] {
        assert!(is_language_code(good), "{good}");
    }
    for bad in ["e", "engl", "en-", "en-USA", "en_US", "12", ""] {
        assert!(!is_language_code(bad), "{bad}");
    }
}

// ---- lipsync ----

#[test]
fn a_lipsync_card_reads_both_tracks_and_its_model() {
    let request = accepted(
        Lipsync,
        json!({"model": "sync_so", "video_resource_id": 6001, "audio_resource_id": 5921}),
    );
    assert_eq!(request.model.as_deref(), Some("sync_so"));
    assert_eq!(request.resources[0].kinds, &[MediaKind::Video]);
    assert_eq!(request.resources[1].kinds, &[MediaKind::Audio]);
    let config = accepted(
        Lipsync,
        json!({"lipSyncModel": "gen", "video_var": "v", "audio_var": "a"}),
    );
    assert_eq!(config.model.as_deref(), Some("gen"));
    assert!(config.resources.is_empty());
}

#[test]
fn a_lipsync_card_refuses_bad_input() {
    assert_eq!(
        refused(
            Lipsync,
            json!({"video_resource_id": 1, "audio_resource_id": 2})
        ),
        ("data.model".to_owned(), "is required".to_owned())
    );
    assert_eq!(
        refused(
            Lipsync,
            json!({"video_resource_id": 1, "audio_resource_id": 2, "lipSyncModel": "wav2lip"})
        ),
        (
            "data.lipSyncModel".to_owned(),
            "must be one of sync_so, gen".to_owned()
        )
    );
    assert_eq!(
        refused_field(Lipsync, json!({"model": "gen", "audio_resource_id": 2})),
        "data.video_resource_id"
    );
    assert_eq!(
        refused_field(Lipsync, json!({"model": "gen", "video_resource_id": 1})),
        "data.audio_resource_id"
    );
    assert_eq!(
        refused_field(
            Lipsync,
            json!({"model": "gen", "video_resource_id": "video_res_123", "audio_resource_id": 2})
        ),
        "data.video_resource_id"
    );
}

// ---- captions ----

#[test]
fn a_captions_card_defaults_to_gemini() {
    let request = accepted(Captions, json!({"source_resource_id": 6001}));
    assert_eq!(request.model.as_deref(), Some("gemini"));
    assert_eq!(
        request.resources[0].kinds,
        &[MediaKind::Audio, MediaKind::Video]
    );
    accepted(Captions, json!({"source_var": "voiceover"}));
}

#[test]
fn a_captions_card_refuses_bad_input() {
    assert_eq!(
        refused_field(Captions, json!({"model": "gemini"})),
        "data.source_resource_id"
    );
    assert_eq!(
        refused_field(
            Captions,
            json!({"source_resource_id": 1, "model": "whisper"})
        ),
        "data.model"
    );
    assert_eq!(
        refused_field(Captions, json!({"source_resource_id": "res_abc123"})),
        "data.source_resource_id"
    );
}

// ---- media ----

#[test]
fn a_media_card_points_at_one_resource_of_any_kind() {
    let request = accepted(Media, json!({"content_resource_id": 7000}));
    assert_eq!(request.model, None);
    assert_eq!(request.resources[0].kinds.len(), 3);
    accepted(Media, json!({"media_var": "bg_music"}));
    assert_eq!(refused_field(Media, json!({})), "data.content_resource_id");
}

#[test]
fn media_kinds_have_wire_names() {
    assert_eq!(MediaKind::Image.as_str(), "image");
    assert_eq!(MediaKind::Video.as_str(), "video");
    assert_eq!(MediaKind::Audio.as_str(), "audio");
    assert_eq!(VoiceMethod::CloneVoice.as_str(), "clone_voice");
}
