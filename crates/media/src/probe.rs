//! What ffprobe says about a file: its video size, whether it has sound, and how long it is.

use serde::Deserialize;

/// The first video stream's picture size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VideoStream {
    pub width: u32,
    pub height: u32,
}

/// A probed media file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// The first video stream; `None` for sound only. Cover art (an attached picture) does not
    /// count as video.
    pub video: Option<VideoStream>,
    pub has_audio: bool,
    /// The length, when the container knows it.
    pub duration_ms: Option<i64>,
    /// ffprobe's names of the container's format, such as `mov,mp4,m4a,3gp,3g2,mj2`.
    pub container: Option<String>,
    /// The first video stream's codec, such as `h264`.
    pub video_codec: Option<String>,
}

#[derive(Deserialize)]
struct Output {
    #[serde(default)]
    streams: Vec<Stream>,
    format: Option<Format>,
}

#[derive(Deserialize)]
struct Stream {
    codec_type: Option<String>,
    codec_name: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    duration: Option<String>,
    #[serde(default)]
    disposition: Disposition,
}

#[derive(Default, Deserialize)]
struct Disposition {
    #[serde(default)]
    attached_pic: u8,
}

#[derive(Deserialize)]
struct Format {
    duration: Option<String>,
    format_name: Option<String>,
}

impl Probe {
    /// Parses `ffprobe -print_format json -show_format -show_streams` output.
    pub fn parse(json: &[u8]) -> Result<Probe, String> {
        let output: Output = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        let first_video = output
            .streams
            .iter()
            .find(|s| s.codec_type.as_deref() == Some("video") && s.disposition.attached_pic == 0);
        let video = first_video.and_then(|s| {
            Some(VideoStream {
                width: s.width?,
                height: s.height?,
            })
        });
        let video_codec = first_video.and_then(|s| s.codec_name.clone());
        let container = output.format.as_ref().and_then(|f| f.format_name.clone());
        let has_audio = output
            .streams
            .iter()
            .any(|s| s.codec_type.as_deref() == Some("audio"));
        let seconds = output
            .format
            .and_then(|f| f.duration)
            .or_else(|| output.streams.iter().find_map(|s| s.duration.clone()))
            .and_then(|d| d.parse::<f64>().ok())
            .filter(|d| d.is_finite() && *d >= 0.0);
        #[expect(
            clippy::cast_possible_truncation,
            reason = "media lengths are far below i64::MAX ms"
        )]
        let duration_ms = seconds.map(|s| (s * 1000.0).round() as i64);
        Ok(Probe {
            video,
            has_audio,
            duration_ms,
            container,
            video_codec,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_mp4_probe_gives_size_sound_and_length() {
        let probe = Probe::parse(include_bytes!("../tests/fixtures/ffprobe_mp4.json")).unwrap();
        assert_eq!(
            probe.video,
            Some(VideoStream {
                width: 320,
                height: 240
            })
        );
        assert!(probe.has_audio);
        assert_eq!(probe.duration_ms, Some(2_000));
        assert_eq!(probe.video_codec.as_deref(), Some("h264"));
        assert!(probe.container.unwrap().contains("mp4"));
    }

    #[test]
    fn cover_art_is_not_video() {
        let json = br#"{"streams":[{"codec_type":"audio","duration":"3.5"},{"codec_type":"video","width":600,"height":600,"disposition":{"attached_pic":1}}],"format":{}}"#;
        let probe = Probe::parse(json).unwrap();
        assert_eq!(probe.video, None);
        assert_eq!(probe.duration_ms, Some(3_500));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(Probe::parse(b"not json").is_err());
    }
}
