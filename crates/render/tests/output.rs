//! Real renders with the system ffmpeg, checked by what comes out: ffprobe's streams and
//! durations, pixels of extracted frames, and the loudness of the sound. Inputs are made in
//! the test with ffmpeg's own sources.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ace_render::fonts::Fonts;
use ace_render::stack::{Canvas, LayerRecord};
use ace_render::{Stack, compile, render};
use serde_json::{Value, json};

struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs ffmpeg to make an input file.
    fn make(&self, name: &str, args: &[&str]) -> PathBuf {
        let out = self.path(name);
        let status = Command::new("ffmpeg")
            .args(["-v", "error", "-y"])
            .args(args)
            .arg(&out)
            .status()
            .expect("ffmpeg runs");
        assert!(status.success(), "making {name}");
        out
    }

    /// A still image of one color.
    fn image(&self, name: &str, color: &str, w: u32, h: u32) -> PathBuf {
        self.make(
            name,
            &[
                "-f",
                "lavfi",
                "-i",
                &format!("color=c={color}:s={w}x{h}"),
                "-frames:v",
                "1",
            ],
        )
    }

    /// A clip of one color, with a sine tone when `tone` is set.
    fn clip(&self, name: &str, color: &str, w: u32, h: u32, seconds: f64, tone: bool) -> PathBuf {
        let video = format!("color=c={color}:s={w}x{h}:r=30:d={seconds}");
        let mut args = vec!["-f", "lavfi", "-i", &video];
        let audio = format!("sine=f=440:d={seconds}");
        if tone {
            args.extend(["-f", "lavfi", "-i", &audio]);
        }
        args.extend(["-c:v", "libx264", "-pix_fmt", "yuv420p", "-shortest"]);
        self.make(name, &args)
    }

    /// Renders `layers` on `canvas` and returns the output path.
    async fn render(&self, canvas: Canvas, layers: Value) -> PathBuf {
        let records: Vec<LayerRecord> = serde_json::from_value(layers).unwrap();
        let stack = Stack::read(canvas, &records, true).unwrap();
        let tools = ace_media::Tools::default();
        let mut media = Vec::new();
        for layer in &stack.layers {
            media.push(match layer.content.source() {
                Some(ace_render::Source::Path(path)) => Some(
                    ace_render::probe(&tools, &path.to_string_lossy())
                        .await
                        .unwrap(),
                ),
                _ => None,
            });
        }
        let plan = compile(&stack, &media, Fonts::installed()).unwrap();
        let work = self.path("work");
        std::fs::create_dir_all(&work).unwrap();
        let out = self.path("out.mp4");
        render(
            &plan,
            &work,
            &out,
            "ffmpeg",
            Duration::from_secs(120),
            |_| {},
        )
        .await
        .unwrap();
        out
    }
}

/// The frame at `seconds`, as RGB.
fn frame(video: &Path, seconds: f64) -> image::RgbImage {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-ss", &format!("{seconds}"), "-i"])
        .arg(video)
        .args(["-frames:v", "1", "-f", "image2", "-c:v", "png", "pipe:1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    image::load_from_memory(&out.stdout).unwrap().to_rgb8()
}

/// The RGB pixel at (x, y) of the frame at `seconds`.
fn pixel(video: &Path, seconds: f64, x: u32, y: u32) -> [u8; 3] {
    frame(video, seconds).get_pixel(x, y).0
}

fn close(actual: [u8; 3], expected: [u8; 3]) -> bool {
    actual
        .iter()
        .zip(expected)
        .all(|(a, e)| (i32::from(*a) - i32::from(e)).abs() <= 24)
}

fn probe(video: &Path) -> Value {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_streams",
            "-show_format",
            "-count_frames",
        ])
        .arg(video)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The sound's RMS level in dB.
fn rms_db(video: &Path) -> f64 {
    let out = Command::new("ffmpeg")
        .args(["-v", "info", "-i"])
        .arg(video)
        .args(["-af", "astats=metadata=0", "-f", "null", "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    let line = text
        .lines()
        .rfind(|l| l.contains("RMS level dB"))
        .expect("astats reports an RMS level");
    line.rsplit(':').next().unwrap().trim().parse().unwrap()
}

const SMALL: Canvas = Canvas {
    width: 320,
    height: 568,
};

#[tokio::test]
async fn the_output_is_h264_high_and_aac_of_the_stacks_length_with_sound_even_when_silent() {
    let scratch = Scratch::new();
    let out = scratch
        .render(SMALL, json!([{"name": "Card", "type": "shape", "position": 1,
            "additional_attributes": {"from": 0, "durationInFrames": 45, "styles": {"fill": "#204080"}}}]))
        .await;
    let probed = probe(&out);
    let streams = probed["streams"].as_array().unwrap();
    let video = streams.iter().find(|s| s["codec_type"] == "video").unwrap();
    let audio = streams
        .iter()
        .find(|s| s["codec_type"] == "audio")
        .expect("an audio track");
    assert_eq!(video["codec_name"], "h264");
    assert_eq!(video["profile"], "High");
    assert_eq!(video["pix_fmt"], "yuv420p");
    assert_eq!(
        (video["width"].as_u64(), video["height"].as_u64()),
        (Some(320), Some(568))
    );
    assert_eq!(video["nb_read_frames"], "45", "to the frame");
    assert_eq!(audio["codec_name"], "aac");
    let bytes = std::fs::read(&out).unwrap();
    let moov = bytes.windows(4).position(|w| w == b"moov").unwrap();
    let mdat = bytes.windows(4).position(|w| w == b"mdat").unwrap();
    assert!(moov < mdat, "+faststart puts the index first");
}

#[tokio::test]
async fn a_red_shape_is_red_where_it_is_and_absent_before_its_from() {
    let scratch = Scratch::new();
    let out = scratch
        .render(SMALL, json!([
            {"name": "Ground", "type": "shape", "position": 1,
             "additional_attributes": {"from": 0, "durationInFrames": 60, "styles": {"fill": "#0000ff"}}},
            {"name": "Red", "type": "shape", "position": 2,
             "additional_attributes": {"from": 30, "durationInFrames": 30, "left": 100, "top": 200, "width": 80, "height": 60,
                                       "styles": {"fill": "#ff0000"}}}]))
        .await;
    assert!(close(pixel(&out, 1.5, 140, 230), [255, 0, 0]), "red inside");
    assert!(
        close(pixel(&out, 1.5, 60, 230), [0, 0, 255]),
        "blue beside it"
    );
    assert!(
        close(pixel(&out, 0.5, 140, 230), [0, 0, 255]),
        "absent before its from"
    );
}

#[tokio::test]
async fn a_fade_in_reaches_full_opacity_by_its_end() {
    let scratch = Scratch::new();
    let white = scratch.image("white.png", "white", 64, 64);
    let out = scratch
        .render(
            SMALL,
            json!([{"name": "Fade", "type": "image", "position": 1,
            "additional_attributes": {"src": white, "from": 0, "durationInFrames": 60,
                                      "styles": {"animation": {"enter": "fadeIn"}}}}]),
        )
        .await;
    let early = pixel(&out, 0.1, 160, 284);
    assert!(early[0] < 128, "still dark early in the fade: {early:?}");
    assert!(
        close(pixel(&out, 0.6, 160, 284), [255, 255, 255]),
        "opaque once the fade is over"
    );
}

#[tokio::test]
async fn cover_and_contain_place_an_odd_aspect_image_as_css_does() {
    let scratch = Scratch::new();
    // A wide image: left half green, right half yellow.
    let wide = scratch.make(
        "wide.png",
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=green:s=200x100,drawbox=x=100:y=0:w=100:h=100:c=yellow:t=fill",
            "-frames:v",
            "1",
        ],
    );
    let out = scratch
        .render(SMALL, json!([
            {"name": "Cover", "type": "image", "position": 1,
             "additional_attributes": {"src": wide, "from": 0, "durationInFrames": 30, "left": 0, "top": 0, "width": 160, "height": 160,
                                       "styles": {"objectFit": "cover"}}},
            {"name": "Contain", "type": "image", "position": 2,
             "additional_attributes": {"src": wide, "from": 0, "durationInFrames": 30, "left": 160, "top": 0, "width": 160, "height": 160,
                                       "styles": {"objectFit": "contain"}}}]))
        .await;
    // Cover fills the box: its top and bottom edges show the image, split in the middle.
    assert!(close(pixel(&out, 0.5, 40, 5), [0, 128, 0]));
    assert!(close(pixel(&out, 0.5, 120, 155), [255, 255, 0]));
    // Contain letterboxes: 160x80 centred, black above and below.
    assert!(
        close(pixel(&out, 0.5, 240, 10), [0, 0, 0]),
        "black above the contained image"
    );
    assert!(close(pixel(&out, 0.5, 200, 80), [0, 128, 0]));
    assert!(close(pixel(&out, 0.5, 280, 80), [255, 255, 0]));
}

#[tokio::test]
async fn the_higher_layer_is_on_top() {
    let scratch = Scratch::new();
    let green = scratch.image("green.png", "green", 100, 100);
    let out = scratch
        .render(SMALL, json!([
            {"name": "Top", "type": "shape", "position": 2,
             "additional_attributes": {"from": 0, "durationInFrames": 30, "left": 50, "top": 50, "width": 100, "height": 100,
                                       "styles": {"fill": "#ff0000"}}},
            {"name": "Under", "type": "image", "position": 1,
             "additional_attributes": {"src": green, "from": 0, "durationInFrames": 30, "left": 100, "top": 100, "width": 100, "height": 100}}]))
        .await;
    assert!(
        close(pixel(&out, 0.5, 120, 120), [255, 0, 0]),
        "where they overlap, the shape (2) wins"
    );
    assert!(
        close(pixel(&out, 0.5, 180, 180), [0, 128, 0]),
        "the image shows where it is alone"
    );
}

#[tokio::test]
async fn the_active_caption_word_has_the_highlight_color_at_its_time() {
    let scratch = Scratch::new();
    let out = scratch
        .render(SMALL, json!([{"name": "Captions", "type": "caption", "position": 1,
            "additional_attributes": {"from": 0, "durationInFrames": 60, "template": "karaoke", "left": 10, "top": 200, "width": 300, "height": 160,
                "styles": {"fontSize": "64px", "color": "#ffffff", "highlightColor": "#ff0000"},
                "captions": [{"text": "HI YO", "startMs": 0, "endMs": 2000,
                              "words": [{"word": "HI", "startMs": 0, "endMs": 1000}, {"word": "YO", "startMs": 1000, "endMs": 2000}]}]}}]))
        .await;
    let reddish = |p: &image::Rgb<u8>| p.0[0] > 180 && p.0[1] < 90 && p.0[2] < 90;
    // One line of two words: count lit pixels left and right of the middle.
    let lit = |seconds: f64| {
        let picture = frame(&out, seconds);
        let (mut left, mut right) = (0, 0);
        for (x, _, p) in picture.enumerate_pixels() {
            if reddish(p) {
                if x < 160 { left += 1 } else { right += 1 }
            }
        }
        (left, right)
    };
    let (left, right) = lit(0.5);
    assert!(
        left > 50 && right == 0,
        "the first word is lit while it is spoken: {left} {right}"
    );
    let (left, right) = lit(1.5);
    assert!(left == 0 && right > 50, "then the second: {left} {right}");
}

#[tokio::test]
async fn half_volume_is_about_six_decibels_quieter() {
    let scratch = Scratch::new();
    let tone = scratch.clip("tone.mp4", "black", 64, 64, 2.0, true);
    let level = |volume: f64| {
        let tone = tone.clone();
        async move {
            let scratch = Scratch::new();
            let out = scratch
                .render(SMALL, json!([{"name": "Tone", "type": "sound", "position": 1,
                    "additional_attributes": {"src": tone, "from": 0, "styles": {"volume": volume}}}]))
                .await;
            rms_db(&out)
        }
    };
    let full = level(1.0).await;
    let half = level(0.5).await;
    let drop = full - half;
    assert!(
        (5.0..7.0).contains(&drop),
        "{full:.2} dB vs {half:.2} dB: a drop of {drop:.2} dB"
    );
}

#[tokio::test]
async fn a_clip_plays_from_its_start_time_at_its_place() {
    let scratch = Scratch::new();
    // Two seconds of red then two of white.
    let red = scratch.clip("red.mp4", "red", 160, 90, 2.0, false);
    let white = scratch.clip("white.mp4", "white", 160, 90, 2.0, false);
    let list = scratch.path("list.txt");
    std::fs::write(
        &list,
        format!("file '{}'\nfile '{}'\n", red.display(), white.display()),
    )
    .unwrap();
    let both = scratch.make(
        "both.mp4",
        &[
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            &list.to_string_lossy(),
            "-c",
            "copy",
        ],
    );
    let out = scratch
        .render(SMALL, json!([{"name": "Clip", "type": "clip", "position": 1,
            "additional_attributes": {"src": both, "from": 15, "durationInFrames": 45, "videoStartTime": 1.5,
                                      "left": 0, "top": 0, "width": 320, "height": 180, "styles": {"objectFit": "fill"}}}]))
        .await;
    assert!(
        close(pixel(&out, 0.2, 160, 90), [0, 0, 0]),
        "nothing before its from"
    );
    assert!(
        close(pixel(&out, 0.7, 160, 90), [255, 0, 0]),
        "the source's 1.7 s is still red"
    );
    assert!(
        close(pixel(&out, 1.5, 160, 90), [255, 255, 255]),
        "the source's 2.5 s is white"
    );
    assert_eq!(probe(&out)["streams"][0]["nb_read_frames"], "60");
}

/// The box around the bright pixels of `frame`.
fn drawn_box(frame: &image::RgbImage) -> (u32, u32, u32, u32) {
    let (mut left, mut top, mut right, mut bottom) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, pixel) in frame.enumerate_pixels() {
        if pixel.0.iter().map(|c| u32::from(*c)).sum::<u32>() > 3 * 128 {
            left = left.min(x);
            top = top.min(y);
            right = right.max(x + 1);
            bottom = bottom.max(y + 1);
        }
    }
    (left, top, right, bottom)
}

#[tokio::test]
async fn the_estimated_place_of_text_and_captions_holds_what_libass_draws() {
    let canvas = Canvas {
        width: 540,
        height: 960,
    };
    let white = |size: &str| json!({"fontSize": size, "fontFamily": "DejaVu Sans", "fontWeight": "800", "color": "#ffffff", "textAlign": "center"});
    let hook = json!([{"name": "Hook", "type": "text", "position": 1,
        "additional_attributes": {"content": "Most people get this one thing wrong every day",
            "from": 0, "durationInFrames": 30, "left": 45, "top": 130, "width": 420, "height": 120,
            "styles": white("36px")}}]);
    let captions = json!([{"name": "Captions", "type": "caption", "position": 1,
        "additional_attributes": {"template": "classic", "styles": white("32px"),
            "captions": [{"startMs": 0, "endMs": 1000, "words": [
                {"word": "Nobody", "startMs": 0, "endMs": 250},
                {"word": "measures", "startMs": 250, "endMs": 500},
                {"word": "everything", "startMs": 500, "endMs": 750},
                {"word": "properly", "startMs": 750, "endMs": 1000}]}]}}]);
    for layers in [hook, captions] {
        let scratch = Scratch::new();
        let records: Vec<LayerRecord> = serde_json::from_value(layers.clone()).unwrap();
        let stack = Stack::read(canvas, &records, true).unwrap();
        let estimated = ace_render::text_placement(canvas, &stack.layers).extents[0].clone();
        let out = scratch.render(canvas, layers).await;
        let (left, top, right, bottom) = drawn_box(&frame(&out, 0.5));
        let label = format!("{estimated:?} holds {:?}", (left, top, right, bottom));
        // The estimate holds every drawn pixel, give or take two for anti-aliasing …
        assert!(f64::from(left) >= estimated.left - 2.0, "{label}");
        assert!(f64::from(top) >= estimated.top - 2.0, "{label}");
        assert!(f64::from(right) <= estimated.right + 2.0, "{label}");
        assert!(f64::from(bottom) <= estimated.bottom + 2.0, "{label}");
        // … without claiming much more room than the text takes.
        let drawn = f64::from((right - left) * (bottom - top));
        let claimed = (estimated.right - estimated.left) * (estimated.bottom - estimated.top);
        assert!(claimed < drawn * 1.6, "{label}");
    }
}
