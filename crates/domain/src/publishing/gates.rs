//! The quality gates a video passes before it leaves ace: what TikTok accepts (container and
//! codec, resolution, aspect ratio, length), whether it will sound right (loudness near
//! −16 LUFS, a warning only; no silent video when its stack has sound), and whether its text
//! and captions stay inside TikTok's safe area (`safe_area`). Pure: the measurements
//! come in, the verdicts go out, each with what was measured and what was expected, so a
//! failed post says exactly what to fix.

use serde::{Deserialize, Serialize};

use super::safe_area::{SafeArea, TextPlacement};

/// What was measured of a video.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measured {
    /// ffprobe's format names, such as `mov,mp4,m4a,3gp,3g2,mj2`.
    pub container: Option<String>,
    pub video_codec: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<i64>,
    /// Integrated loudness (EBU R128) and sample peak, when it has sound.
    pub loudness_lufs: Option<f64>,
    pub peak_dbfs: Option<f64>,
    /// Whether the layer stack it was rendered from has sound layers; `None` when ace did not
    /// render it.
    pub stack_has_sound: Option<bool>,
    /// Where the text and captions of the stack it was rendered from sit; `None` when ace
    /// did not render it.
    pub text: Option<TextPlacement>,
}

crate::wire_enum! {
    /// A check's outcome.
    pub enum Verdict {
        Passed = "passed",
        /// Worth fixing, but the post goes out.
        Warning = "warning",
        Failed = "failed",
        /// Nothing to check (no sound to measure, a video ace did not render).
        Skipped = "skipped",
    }
}

/// One check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub verdict: Verdict,
    pub measured: String,
    pub expected: String,
}

/// Every check of one video.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateReport {
    pub passed: bool,
    pub checks: Vec<Check>,
}

/// Containers TikTok takes (ffprobe's names).
const CONTAINERS: [&str; 3] = ["mp4", "mov", "webm"];
/// Codecs TikTok takes.
const CODECS: [&str; 4] = ["h264", "hevc", "vp8", "vp9"];
/// The shortest side TikTok shows sharp.
const MIN_SHORT_SIDE: u32 = 720;
/// TikTok's loudness target and the tolerance around it.
const TARGET_LUFS: f64 = -16.0;
const LUFS_TOLERANCE: f64 = 2.0;
/// Below this peak a video is silent.
const SILENT_DBFS: f64 = -60.0;

/// Checks `measured` against what TikTok takes; `max_seconds` is the creator's longest post.
pub fn check(measured: &Measured, max_seconds: u64) -> GateReport {
    let checks = vec![
        container(measured),
        resolution(measured),
        aspect_ratio(measured),
        duration(measured, max_seconds),
        loudness(measured),
        sound(measured),
        safe_area(measured),
    ];
    GateReport {
        passed: !checks.iter().any(|c| c.verdict == Verdict::Failed),
        checks,
    }
}

impl GateReport {
    /// Every failing check with its measured value, for `failed_reason`; `None` when it passed.
    pub fn failure(&self) -> Option<String> {
        let failed: Vec<String> = self
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Failed)
            .map(|c| format!("{}: {} (expected {})", c.name, c.measured, c.expected))
            .collect();
        (!failed.is_empty()).then(|| {
            format!(
                "The video did not pass the quality gates, so nothing was sent to TikTok: {}. \
                 Fix the video, or post it anyway with force: true.",
                failed.join("; ")
            )
        })
    }
}

fn verdict(ok: bool) -> Verdict {
    if ok { Verdict::Passed } else { Verdict::Failed }
}

fn container(m: &Measured) -> Check {
    let format = m.container.clone().unwrap_or_else(|| "unknown".into());
    let codec = m.video_codec.clone().unwrap_or_else(|| "no video".into());
    let format_ok = format.split(',').any(|name| CONTAINERS.contains(&name));
    let codec_ok = CODECS.contains(&codec.as_str());
    Check {
        name: "container".into(),
        verdict: verdict(format_ok && codec_ok),
        measured: format!("{format} / {codec}"),
        expected: "MP4, MOV or WebM with H.264, H.265, VP8 or VP9".into(),
    }
}

fn resolution(m: &Measured) -> Check {
    let (measured, ok) = match (m.width, m.height) {
        (Some(w), Some(h)) => (format!("{w}×{h}"), w.min(h) >= MIN_SHORT_SIDE),
        _ => ("no picture".into(), false),
    };
    Check {
        name: "resolution".into(),
        verdict: verdict(ok),
        measured,
        expected: format!("at least {MIN_SHORT_SIDE} px on the short side"),
    }
}

fn aspect_ratio(m: &Measured) -> Check {
    let expected = "9:16 (between 1:2 and 2:1 is taken, letterboxed)".to_owned();
    let (Some(w), Some(h)) = (m.width, m.height) else {
        return Check {
            name: "aspect_ratio".into(),
            verdict: Verdict::Skipped,
            measured: "no picture".into(),
            expected,
        };
    };
    let ratio = f64::from(w) / f64::from(h.max(1));
    let verdict = if !(0.5..=2.0).contains(&ratio) {
        Verdict::Failed
    } else if (ratio - 9.0 / 16.0).abs() > 0.01 {
        Verdict::Warning
    } else {
        Verdict::Passed
    };
    Check {
        name: "aspect_ratio".into(),
        verdict,
        measured: format!("{ratio:.3} ({w}:{h})"),
        expected,
    }
}

fn duration(m: &Measured, max_seconds: u64) -> Check {
    let max_ms = i64::try_from(max_seconds.saturating_mul(1_000)).unwrap_or(i64::MAX);
    let (measured, ok) = match m.duration_ms {
        Some(ms) => (
            format!("{:.1} s", ms as f64 / 1_000.0),
            ms > 0 && ms <= max_ms,
        ),
        None => ("unknown".into(), false),
    };
    Check {
        name: "duration".into(),
        verdict: verdict(ok),
        measured,
        expected: format!("at most {max_seconds} s"),
    }
}

fn loudness(m: &Measured) -> Check {
    let expected = format!("{TARGET_LUFS} ± {LUFS_TOLERANCE} LUFS");
    match m.loudness_lufs {
        None => Check {
            name: "loudness".into(),
            verdict: Verdict::Skipped,
            measured: "no sound".into(),
            expected,
        },
        Some(lufs) => Check {
            name: "loudness".into(),
            verdict: if (lufs - TARGET_LUFS).abs() <= LUFS_TOLERANCE {
                Verdict::Passed
            } else {
                Verdict::Warning
            },
            measured: format!("{lufs:.1} LUFS"),
            expected,
        },
    }
}

fn sound(m: &Measured) -> Check {
    let expected = "audible sound, since its layer stack has sound".to_owned();
    let measured = match m.peak_dbfs {
        Some(peak) => format!("peak {peak:.1} dBFS"),
        None => "no sound".into(),
    };
    let verdict = match m.stack_has_sound {
        None | Some(false) => Verdict::Skipped,
        Some(true) => verdict(m.peak_dbfs.is_some_and(|peak| peak > SILENT_DBFS)),
    };
    Check {
        name: "sound".into(),
        verdict,
        measured,
        expected,
    }
}

fn safe_area(m: &Measured) -> Check {
    let name = "safe_area".to_owned();
    let Some(text) = &m.text else {
        return Check {
            name,
            verdict: Verdict::Skipped,
            measured: "not rendered by ace, so its text is not known".into(),
            expected: "text and captions inside TikTok's safe area".into(),
        };
    };
    let area = SafeArea::tiktok(text.canvas_width, text.canvas_height);
    let expected = format!(
        "text and captions inside {} of {}×{}, clear of TikTok's buttons, description and top bar",
        area.describe(),
        text.canvas_width,
        text.canvas_height
    );
    let outside = text.outside();
    let measured = if text.extents.is_empty() {
        "no text or captions".to_owned()
    } else if outside.is_empty() {
        format!("{} text layers, all inside", text.extents.len())
    } else {
        outside.join("; ")
    };
    Check {
        name,
        verdict: verdict(outside.is_empty()),
        measured,
        expected,
    }
}

#[cfg(test)]
mod tests {
    use crate::publishing::safe_area::TextExtent;

    use super::*;

    fn vertical() -> Measured {
        Measured {
            container: Some("mov,mp4,m4a,3gp,3g2,mj2".into()),
            video_codec: Some("h264".into()),
            width: Some(1080),
            height: Some(1920),
            duration_ms: Some(30_000),
            loudness_lufs: Some(-15.2),
            peak_dbfs: Some(-1.5),
            stack_has_sound: Some(true),
            text: Some(TextPlacement {
                canvas_width: 1080,
                canvas_height: 1920,
                extents: vec![TextExtent {
                    layer: "Hook".into(),
                    left: 120.0,
                    top: 260.0,
                    right: 900.0,
                    bottom: 460.0,
                }],
            }),
        }
    }

    fn verdict_of(report: &GateReport, name: &str) -> Verdict {
        report
            .checks
            .iter()
            .find(|c| c.name == name)
            .unwrap()
            .verdict
    }

    #[test]
    fn a_vertical_hd_render_with_sound_passes_every_gate() {
        let report = check(&vertical(), 600);
        assert!(report.passed, "{report:?}");
        assert!(report.checks.iter().all(|c| c.verdict == Verdict::Passed));
        assert_eq!(report.failure(), None);
    }

    #[test]
    fn each_failure_is_listed_with_its_measured_value() {
        let small = Measured {
            width: Some(320),
            height: Some(240),
            duration_ms: Some(700_000),
            container: Some("avi".into()),
            peak_dbfs: Some(-90.0),
            loudness_lufs: Some(-40.0),
            ..vertical()
        };
        let report = check(&small, 600);
        assert!(!report.passed);
        let reason = report.failure().unwrap();
        for part in [
            "container: avi / h264",
            "resolution: 320×240",
            "duration: 700.0 s",
            "sound: peak -90.0 dBFS",
        ] {
            assert!(reason.contains(part), "{reason}");
        }
        // Loudness warns and a landscape picture warns; neither fails.
        assert_eq!(verdict_of(&report, "loudness"), Verdict::Warning);
        assert_eq!(verdict_of(&report, "aspect_ratio"), Verdict::Warning);
    }

    #[test]
    fn without_sound_or_a_known_stack_those_checks_are_skipped() {
        let silent = Measured {
            loudness_lufs: None,
            peak_dbfs: None,
            stack_has_sound: None,
            ..vertical()
        };
        let report = check(&silent, 600);
        assert!(report.passed);
        assert_eq!(verdict_of(&report, "loudness"), Verdict::Skipped);
        assert_eq!(verdict_of(&report, "sound"), Verdict::Skipped);
        let mute_render = Measured {
            stack_has_sound: Some(true),
            ..silent
        };
        assert_eq!(
            verdict_of(&check(&mute_render, 600), "sound"),
            Verdict::Failed
        );
        let panorama = Measured {
            width: Some(3000),
            height: Some(1000),
            ..vertical()
        };
        assert_eq!(
            verdict_of(&check(&panorama, 600), "aspect_ratio"),
            Verdict::Failed
        );
        let uploaded = Measured {
            text: None,
            ..vertical()
        };
        assert_eq!(
            verdict_of(&check(&uploaded, 600), "safe_area"),
            Verdict::Skipped
        );
    }

    #[test]
    fn text_under_tiktoks_buttons_fails_naming_the_layer_and_where_it_reaches() {
        let mut covered = vertical();
        if let Some(text) = covered.text.as_mut() {
            text.extents.push(TextExtent {
                layer: "Captions".into(),
                left: 86.0,
                top: 1620.0,
                right: 994.0,
                bottom: 1700.0,
            });
        }
        let report = check(&covered, 600);
        assert!(!report.passed);
        let reason = report.failure().unwrap();
        assert!(
            reason.contains(
                "safe_area: \"Captions\" reaches x 994 (the area ends at 960), \
                 reaches y 1700 (the area ends at 1600) (expected text and captions inside \
                 x 60–960, y 180–1600 of 1080×1920"
            ),
            "{reason}"
        );
        assert!(!reason.contains("Hook"), "{reason}");
    }
}
