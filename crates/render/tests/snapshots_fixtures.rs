//! The compiler's output for fixture stacks, snapshot-tested: the arguments, the filter graph
//! and the ASS documents. A change in what ace asks ffmpeg to do shows up here for review
//! (`cargo insta review`, or `INSTA_UPDATE=always`).

use std::path::Path;

use ace_render::compile::Asset;
use ace_render::fonts::Fonts;
use ace_render::stack::{Canvas, LayerRecord};
use ace_render::{Media, Stack, compile};
use serde_json::{Value, json};

fn layers(list: Value) -> Vec<LayerRecord> {
    serde_json::from_value(list).unwrap()
}

fn video(input: &str, w: u32, h: u32, seconds: f64, sound: bool) -> Option<Media> {
    Some(Media {
        input: input.into(),
        size: Some((w, h)),
        duration_s: Some(seconds),
        has_audio: sound,
    })
}

fn picture(input: &str, w: u32, h: u32) -> Option<Media> {
    Some(Media {
        input: input.into(),
        size: Some((w, h)),
        duration_s: None,
        has_audio: false,
    })
}

fn audio(input: &str, seconds: f64) -> Option<Media> {
    Some(Media {
        input: input.into(),
        size: None,
        duration_s: Some(seconds),
        has_audio: true,
    })
}

/// Everything the plan would run, as one text.
fn shown(stack: &Stack, media: &[Option<Media>]) -> String {
    let fonts = Fonts::of(["DejaVu Sans", "Noto Sans"]);
    let plan = compile(stack, media, &fonts).unwrap();
    let mut out = format!(
        "frames: {}\nargs: {}\n\n{}",
        plan.frames,
        plan.arguments(Path::new("out.mp4")).join(" "),
        plan.graph
    );
    for (name, asset) in &plan.files {
        match asset {
            Asset::Text(text) => out.push_str(&format!("\n--- {name}\n{text}")),
            Asset::Mask {
                width,
                height,
                radius,
            } => out.push_str(&format!("\n--- {name}: mask {width}x{height} r{radius}\n")),
        }
    }
    for (layer, family) in &plan.substituted_fonts {
        out.push_str(&format!("\nfont {family:?} of {layer:?} fell back\n"));
    }
    out
}

const PORTRAIT: Canvas = Canvas {
    width: 1080,
    height: 1920,
};

#[test]
fn the_reference_stack_compiles_to_one_graph() {
    let stack = Stack::read(
        PORTRAIT,
        &layers(json!([
            {"name": "Background", "type": "clip", "position": 1,
             "additional_attributes": {"src": 1, "from": 0, "durationInFrames": 900, "styles": {"objectFit": "cover", "volume": 0}}},
            {"name": "Logo", "type": "image", "position": 2,
             "additional_attributes": {"src": 2, "from": 30, "durationInFrames": 840, "left": 390, "top": 120, "width": 300, "height": 300,
                                       "styles": {"objectFit": "contain", "borderRadius": "24px", "animation": {"enter": "fadeIn"}}}},
            {"name": "Hook", "type": "text", "position": 3,
             "additional_attributes": {"content": "The $2 taco\nat 2am", "from": 0, "durationInFrames": 120, "left": 90, "top": 300, "width": 900,
                                       "styles": {"fontSize": "72px", "fontWeight": "700", "color": "#ffffff", "backgroundColor": "rgba(0,0,0,0.6)",
                                                  "animation": {"enter": "fadeIn", "exit": "fadeOut"}}}},
            {"name": "Captions", "type": "caption", "position": 4,
             "additional_attributes": {"from": 0, "template": "karaoke", "styles": {"highlightColor": "#ffd600"},
                                       "captions": [{"text": "tacos at dawn", "startMs": 0, "endMs": 1500,
                                                     "words": [{"word": "tacos", "startMs": 0, "endMs": 500},
                                                               {"word": "at", "startMs": 500, "endMs": 900},
                                                               {"word": "dawn", "startMs": 900, "endMs": 1500}]}]}},
            {"name": "Voice", "type": "sound", "position": 5, "additional_attributes": {"src": 3, "from": 15}},
            {"name": "Music", "type": "audio", "position": 6,
             "additional_attributes": {"src": 4, "startFromSound": 30, "durationInFrames": 900, "styles": {"volume": 0.2}}}
        ])),
        false,
    )
    .unwrap();
    let media = [
        video("bg.mp4", 1920, 1080, 40.0, true),
        picture("logo.png", 500, 250),
        None,
        None,
        audio("voice.m4a", 12.0),
        audio("music.mp3", 60.0),
    ];
    insta::assert_snapshot!(shown(&stack, &media));
}

#[test]
fn a_stack_of_drawn_layers_starts_from_black_and_keeps_its_z_order() {
    let stack = Stack::read(
        Canvas { width: 1080, height: 1080 },
        &layers(json!([
            {"name": "Card", "type": "shape", "position": 1,
             "additional_attributes": {"from": 0, "durationInFrames": 90, "left": 100, "top": 100, "width": 400, "height": 300,
                                       "styles": {"fill": "#ff0000", "stroke": "white", "strokeWidth": 6, "borderRadius": 20}}},
            {"name": "Photo", "type": "image", "position": 2,
             "additional_attributes": {"src": 9, "from": 15, "left": 0, "top": 540, "width": 1080, "height": 540, "rotation": 5,
                                       "opacity": 0.8, "styles": {"filter": "grayscale(1) blur(3px)", "animation": {"enter": "slideIn", "exit": "zoomOut"}}}},
            {"name": "Title", "type": "text", "position": 3,
             "additional_attributes": {"content": "Over {everything}", "from": 30, "durationInFrames": 60,
                                       "styles": {"fontFamily": "Comic Neue", "textAlign": "left", "animation": {"enter": "slideIn", "exit": "slideOut"}}}}
        ])),
        false,
    )
    .unwrap();
    let media = [None, picture("photo.jpg", 1600, 1200), None];
    insta::assert_snapshot!(shown(&stack, &media));
}

#[test]
fn each_caption_template_draws_its_own_way() {
    for template in ["classic", "highlight", "pop"] {
        let stack = Stack::read(
            PORTRAIT,
            &layers(json!([
                {"name": "Captions", "type": "captions", "position": 1,
                 "additional_attributes": {"template": template, "left": 90, "top": 1300, "width": 900, "height": 300,
                                           "captions": [{"text": "hello big world", "startMs": 200, "endMs": 1800,
                                                         "words": [{"word": "hello", "startMs": 200, "endMs": 700},
                                                                   {"word": "big", "startMs": 700, "endMs": 1100},
                                                                   {"word": "world", "startMs": 1100, "endMs": 1800}]}]}}
            ])),
            false,
        )
        .unwrap();
        insta::assert_snapshot!(format!("captions_{template}"), shown(&stack, &[None]));
    }
}

#[test]
fn stacks_that_cannot_render_say_why() {
    let fonts = Fonts::of(["DejaVu Sans"]);
    let empty = Stack::read(PORTRAIT, &[], false).unwrap();
    assert_eq!(
        compile(&empty, &[], &fonts).unwrap_err().0,
        "The cell has no layers to render."
    );
    let timeless = Stack::read(
        PORTRAIT,
        &layers(
            json!([{"name": "Title", "type": "text", "additional_attributes": {"content": "hi"}}]),
        ),
        false,
    )
    .unwrap();
    assert!(
        compile(&timeless, &[None], &fonts)
            .unwrap_err()
            .0
            .contains("zero duration")
    );
    let clip = Stack::read(
        PORTRAIT,
        &layers(json!([{"name": "Song", "type": "clip", "additional_attributes": {"src": 1}}])),
        false,
    )
    .unwrap();
    assert_eq!(
        compile(&clip, &[None], &fonts).unwrap_err().0,
        "layer \"Song\" (clip): its source could not be read"
    );
    assert_eq!(
        compile(&clip, &[audio("song.mp3", 3.0)], &fonts)
            .unwrap_err()
            .0,
        "layer \"Song\" (clip): its source has no picture"
    );
}
