//! The production spec of an idea (`project_manifest`): its title, type, duration, aspect
//! ratio and timeline layers with their timing, laid out for the video type (a talking
//! avatar's one take, a montage's three clips under a voiceover, ...), with a hook over the
//! first seconds and captions throughout.

use serde_json::{Value, json};

use super::{SelectedAsset, VideoType};

/// The aspect ratio of every idea: short vertical video.
pub const ASPECT_RATIO: &str = "9:16";

/// The production spec of a `kind` video of `seconds`: its layers with their timing.
pub fn manifest(title: &str, kind: VideoType, seconds: u32, assets: &[SelectedAsset]) -> Value {
    let end = f64::from(seconds);
    let layer = |name: &str, kind: &str, start: f64, finish: f64| json!({ "name": name, "type": kind, "start": start, "end": finish });
    let mut layers = match kind {
        VideoType::TalkingAvatar => vec![layer("Avatar", "video", 0.0, end)],
        VideoType::Montage => {
            let third = (end / 3.0 * 10.0).round() / 10.0;
            vec![
                layer("Clip 1", "video", 0.0, third),
                layer("Clip 2", "video", third, third * 2.0),
                layer("Clip 3", "video", third * 2.0, end),
                layer("Voiceover", "audio", 0.0, end),
            ]
        }
        VideoType::TextDriven => vec![
            layer("Background", "video", 0.0, end),
            layer("Lines", "text", 0.0, end),
        ],
        VideoType::NarratedVoiceOver => vec![
            layer("B-roll", "video", 0.0, end),
            layer("Voiceover", "audio", 0.0, end),
        ],
        VideoType::GreenScreen => vec![
            layer("Backdrop", "image", 0.0, end),
            layer("Avatar", "video", 0.0, end),
        ],
        VideoType::SplitScreen => vec![
            layer("Top", "video", 0.0, end),
            layer("Bottom", "video", 0.0, end),
        ],
        VideoType::PovObject | VideoType::Skit | VideoType::Any => {
            vec![
                layer("Scene", "video", 0.0, end),
                layer("Voice", "audio", 0.0, end),
            ]
        }
    };
    layers.push(layer("Hook", "text", 0.0, end.min(3.0)));
    layers.push(layer("Captions", "captions", 0.0, end));
    json!({
        "video_title": title,
        "video_type": kind.as_str(),
        "total_duration": seconds,
        "aspect_ratio": ASPECT_RATIO,
        "timeline_layers": layers,
        "assets": assets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_its_layers_a_hook_and_captions_within_its_duration() {
        for kind in VideoType::ALL {
            let spec = manifest("T", kind, 14, &[]);
            let layers = spec["timeline_layers"].as_array().unwrap();
            assert!(layers.len() >= 3, "{kind}");
            assert!(
                layers
                    .iter()
                    .all(|layer| layer["end"].as_f64().unwrap() <= 14.0)
            );
            assert_eq!(layers[layers.len() - 2]["name"], "Hook");
            assert_eq!(spec["total_duration"], 14);
        }
        let montage = manifest("T", VideoType::Montage, 12, &[]);
        assert_eq!(montage["timeline_layers"][1]["start"], 4.0);
    }
}
