//! The production spec of an idea (`project_manifest`): its title, type, duration, aspect
//! ratio and timeline layers with their timing. The layers are those of the library template
//! that makes its video type, fitted to the idea's duration (every start and length scaled
//! alike), so the vidsheet made from the idea has the same layers with the same timing. With
//! no such template, a layout for the type stands in (a talking avatar's one take, a
//! montage's three clips under a voiceover, ...), with a hook over the first seconds and
//! captions throughout.

use serde_json::{Value, json};

use super::{SelectedAsset, VideoType};
use crate::sheet::layer::FPS;

/// A layer of a template's timeline, timed in frames.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineLayer {
    pub name: String,
    /// Its layer kind (`clip`, `text`, `sound`, ...).
    pub kind: String,
    pub from: u64,
    pub frames: u64,
}

/// `layers` fitted to `seconds`: each start and length scaled by the ratio of `seconds` to
/// the timeline's end, so the last layer ends at `seconds` and the proportions hold. A layer
/// keeps at least one frame.
pub fn fitted(layers: &[TimelineLayer], seconds: u32) -> Vec<TimelineLayer> {
    let end = layers
        .iter()
        .map(|layer| layer.from + layer.frames)
        .max()
        .unwrap_or(0);
    if end == 0 {
        return layers.to_vec();
    }
    let target = u64::from(seconds) * u64::from(FPS);
    let scale = |frames: u64| (frames * target + end / 2) / end;
    layers
        .iter()
        .map(|layer| {
            let from = scale(layer.from);
            let until = scale(layer.from + layer.frames).max(from + 1);
            TimelineLayer {
                from,
                frames: until - from,
                ..layer.clone()
            }
        })
        .collect()
}

/// The aspect ratio of every idea: short vertical video.
pub const ASPECT_RATIO: &str = "9:16";

/// The production spec of a `kind` video of `seconds`: the layers of `template` (the timeline
/// of the template that makes `kind`, empty when there is none) with their timing.
pub fn manifest(
    title: &str,
    kind: VideoType,
    seconds: u32,
    assets: &[SelectedAsset],
    template: &[TimelineLayer],
) -> Value {
    let layers = if template.is_empty() {
        laid_out(kind, seconds)
    } else {
        let at = |frames: u64| (frames as f64 / f64::from(FPS) * 10.0).round() / 10.0;
        fitted(template, seconds)
            .iter()
            .map(|layer| {
                json!({
                    "name": layer.name,
                    "type": layer.kind,
                    "start": at(layer.from),
                    "end": at(layer.from + layer.frames),
                })
            })
            .collect()
    };
    json!({
        "video_title": title,
        "video_type": kind.as_str(),
        "total_duration": seconds,
        "aspect_ratio": ASPECT_RATIO,
        "timeline_layers": layers,
        "assets": assets,
    })
}

/// The layers of a `kind` video of `seconds` when no template makes it.
fn laid_out(kind: VideoType, seconds: u32) -> Vec<Value> {
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
    layers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_its_layers_a_hook_and_captions_within_its_duration() {
        for kind in VideoType::ALL {
            let spec = manifest("T", kind, 14, &[], &[]);
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
        let montage = manifest("T", VideoType::Montage, 12, &[], &[]);
        assert_eq!(montage["timeline_layers"][1]["start"], 4.0);
    }

    fn layer(name: &str, from: u64, frames: u64) -> TimelineLayer {
        TimelineLayer {
            name: name.into(),
            kind: "clip".into(),
            from,
            frames,
        }
    }

    #[test]
    fn a_template_timeline_is_fitted_to_the_ideas_duration_keeping_its_proportions() {
        // A 20 s template: two 10 s shots and a 3 s hook, made a 10 s idea.
        let template = [
            layer("Shot 1", 0, 300),
            layer("Shot 2", 300, 300),
            layer("Hook", 0, 90),
        ];
        let fitted = fitted(&template, 10);
        assert_eq!(fitted[0], layer("Shot 1", 0, 150));
        assert_eq!(fitted[1], layer("Shot 2", 150, 150));
        assert_eq!(fitted[2], layer("Hook", 0, 45));
        let spec = manifest("T", VideoType::Montage, 10, &[], &template);
        let layers = spec["timeline_layers"].as_array().unwrap();
        assert_eq!(layers.len(), 3);
        assert_eq!(
            layers[1],
            json!({"name": "Shot 2", "type": "clip", "start": 5.0, "end": 10.0})
        );
        assert_eq!(layers[2]["end"], 1.5);
    }

    #[test]
    fn a_layer_fitted_to_a_much_shorter_video_keeps_a_frame() {
        let fitted = fitted(&[layer("Long", 0, 30_000), layer("Blink", 100, 1)], 5);
        assert_eq!(fitted[1].frames, 1);
        assert_eq!(fitted[0].from + fitted[0].frames, 150);
    }
}
