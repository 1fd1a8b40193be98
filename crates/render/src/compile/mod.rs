//! The compiler: a [`Stack`] and what was probed of its media become a [`Plan`], one ffmpeg
//! run. Pure: no I/O, so every stack's plan can be snapshot-tested.
//!
//! The graph starts from a black canvas (or from the bottom layer itself when that layer is
//! an opaque full-frame clip or image lasting the whole video, which saves a full-frame
//! overlay), then lays each visual layer over it in z-order: clips and images through their
//! own chain (trim, fit, filters, alpha effects, placement in time) and `overlay`; runs of
//! text, shapes and captions through one `ass` pass each. Audio is every clip's and sound's
//! track, trimmed, set to its volume, delayed to its start and mixed over silence, so a
//! silent video still has a track. Covers crop before they scale: scaling first to the
//! larger size costs about a fifth more.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

use ace_domain::sheet::layer::FPS;

mod geometry;

use self::geometry::{even, placement, rounded_mask};
use crate::ass::{Document, Window};
use crate::css::Filter;
use crate::fonts::Fonts;
use crate::stack::{Canvas, Content, Fit, Layer, Motion, Stack, StackError, frames_in_ms};

/// What was found out about one layer's media.
#[derive(Clone, Debug, PartialEq)]
pub struct Media {
    /// What ffmpeg reads: a local path (or an http(s) URL).
    pub input: String,
    /// The picture size, for video and images.
    pub size: Option<(u32, u32)>,
    pub duration_s: Option<f64>,
    pub has_audio: bool,
}

/// A compiled render: run [`Plan::arguments`] in a directory holding [`Plan::files`].
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub canvas: Canvas,
    /// The video's length.
    pub frames: u64,
    /// ffmpeg's arguments before the graph: global options and the inputs.
    inputs: Vec<String>,
    /// The filter graph, written to `graph.txt`.
    pub graph: String,
    /// Files the run reads, by name in its directory.
    pub files: Vec<(String, Asset)>,
    /// (layer, family) for fonts that were not installed and fell back.
    pub substituted_fonts: Vec<(String, String)>,
}

/// A file a plan needs.
#[derive(Clone, Debug, PartialEq)]
pub enum Asset {
    /// An ASS document.
    Text(String),
    /// A gray mask with rounded corners: white inside.
    Mask {
        width: u32,
        height: u32,
        radius: f64,
    },
}

/// ace's video encoding: H.264 High, yuv420p, 30 fps, AAC (bitrate and layout are the
/// caller's). Renders and generated clips share it.
pub const H264_AAC: [&str; 14] = [
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-crf",
    "23",
    "-profile:v",
    "high",
    "-pix_fmt",
    "yuv420p",
    "-r",
    "30",
    "-c:a",
    "aac",
];

/// The name of the graph file in the run's directory.
pub const GRAPH_FILE: &str = "graph.txt";

impl Plan {
    pub fn duration_s(&self) -> f64 {
        self.frames as f64 / f64::from(FPS)
    }

    /// The whole command line (without `ffmpeg`), writing `output`. Run it in the directory
    /// where [`Plan::write_files`] put the files.
    pub fn arguments(&self, output: &Path) -> Vec<String> {
        let mut args = self.inputs.clone();
        args.extend(
            [
                "-filter_complex_script",
                GRAPH_FILE,
                "-map",
                "[vout]",
                "-map",
                "[aout]",
            ]
            .map(String::from),
        );
        args.extend(H264_AAC.map(String::from));
        args.extend(
            [
                "-b:a",
                "128k",
                "-ar",
                "48000",
                "-ac",
                "2",
                "-movflags",
                "+faststart",
                "-t",
            ]
            .map(String::from),
        );
        args.push(seconds(self.duration_s()));
        args.push(output.to_string_lossy().into_owned());
        args
    }

    /// The command line writing the first frame alone as a still image (`output`'s extension,
    /// such as `.png`, picks the format). Run it as [`Plan::arguments`].
    pub fn still_arguments(&self, output: &Path) -> Vec<String> {
        let mut args = self.inputs.clone();
        args.extend(
            [
                "-filter_complex_script",
                GRAPH_FILE,
                "-map",
                "[vout]",
                "-frames:v",
                "1",
                "-update",
                "1",
            ]
            .map(String::from),
        );
        args.push(output.to_string_lossy().into_owned());
        // Every graph ends in an audio bed too; a still has no use for it.
        args.extend(["-map", "[aout]", "-t", "0.04", "-f", "null", "-"].map(String::from));
        args
    }

    /// Writes the graph and the assets into `dir`.
    pub fn write_files(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::write(dir.join(GRAPH_FILE), &self.graph)?;
        for (name, asset) in &self.files {
            match asset {
                Asset::Text(text) => std::fs::write(dir.join(name), text)?,
                Asset::Mask {
                    width,
                    height,
                    radius,
                } => rounded_mask(*width, *height, *radius)
                    .save(dir.join(name))
                    .map_err(std::io::Error::other)?,
            }
        }
        Ok(())
    }
}

/// A layer's place in time, in frames.
#[derive(Clone, Copy, Debug)]
struct Span {
    from: u64,
    to: u64,
}

impl Span {
    fn start_s(self) -> f64 {
        self.from as f64 / f64::from(FPS)
    }
    fn end_s(self) -> f64 {
        self.to as f64 / f64::from(FPS)
    }
    fn len(self) -> u64 {
        self.to.saturating_sub(self.from)
    }
    fn window(self) -> Window {
        Window {
            start_ms: self.from * 1000 / u64::from(FPS),
            end_ms: self.to * 1000 / u64::from(FPS),
        }
    }
    /// Its enter/exit effect length in seconds: half a second, or half the layer.
    fn effect_s(self) -> f64 {
        (crate::ass::EFFECT_MS as f64 / 1000.0).min(self.len() as f64 / f64::from(FPS) / 2.0)
    }
}

/// Compiles `stack`. `media[i]` is what was probed of layer `i`'s source (`None` for layers
/// without one).
pub fn compile(stack: &Stack, media: &[Option<Media>], fonts: &Fonts) -> Result<Plan, StackError> {
    let spans = spans(stack, media)?;
    let frames = spans.iter().map(|s| s.to).max().unwrap_or(0);
    let canvas = stack.canvas;
    let mut compiler = Compiler {
        canvas,
        inputs: vec![
            "-nostdin".into(),
            "-hide_banner".into(),
            "-loglevel".into(),
            "error".into(),
            "-progress".into(),
            "pipe:1".into(),
            "-nostats".into(),
            "-y".into(),
        ],
        input_count: 0,
        graph: Vec::new(),
        files: Vec::new(),
        labels: 0,
        layer_inputs: HashMap::new(),
    };
    let base = base_layer(stack, media, &spans);
    let mut current = match base {
        Some(index) => {
            let media = media[index].as_ref().expect("checked");
            compiler.media_chain(index, &stack.layers[index], spans[index], media, true)
        }
        None => {
            let input = compiler.lavfi(&format!(
                "color=c=black:s={}x{}:r={FPS}:d={}",
                canvas.width,
                canvas.height,
                seconds(frames as f64 / f64::from(FPS))
            ));
            format!("[{input}:v]")
        }
    };
    let silence = compiler.lavfi(&format!(
        "anullsrc=r=48000:cl=stereo:d={}",
        seconds(frames as f64 / f64::from(FPS))
    ));
    let mut audio = vec![format!("[{silence}:a]")];
    let mut document = Document::new(canvas);
    let mut substituted = Vec::new();
    for (index, layer) in stack.layers.iter().enumerate() {
        let span = spans[index];
        if layer.content.is_drawn() {
            document.add(layer, span.window(), fonts);
            continue;
        }
        let Some(media) = media[index].as_ref() else {
            continue;
        };
        let visual = !matches!(layer.content, Content::Sound { .. });
        if visual && Some(index) != base {
            if !document.is_empty() {
                current = compiler.draw(&current, &mut document, &mut substituted);
            }
            let chain = compiler.media_chain(index, layer, span, media, false);
            current = compiler.overlay(&current, &chain, layer, span, media);
        }
        if let Some(volume) = audible(layer, media) {
            let input = compiler.input_of(index, layer, media, span);
            let label = compiler.label("a");
            compiler.graph.push(format!(
                "[{input}:a]asetpts=PTS-STARTPTS,aresample=48000,volume={volume:.3},adelay=delays={}:all=1[{label}]",
                span.from * 1000 / u64::from(FPS)
            ));
            audio.push(format!("[{label}]"));
        }
    }
    if !document.is_empty() {
        current = compiler.draw(&current, &mut document, &mut substituted);
    }
    compiler
        .graph
        .push(format!("{current}format=yuv420p[vout]"));
    if audio.len() == 1 {
        compiler.graph.push(format!("{}anull[aout]", audio[0]));
    } else {
        compiler.graph.push(format!(
            "{}amix=inputs={}:normalize=0:duration=first:dropout_transition=0[aout]",
            audio.concat(),
            audio.len()
        ));
    }
    Ok(Plan {
        canvas,
        frames,
        inputs: compiler.inputs,
        graph: compiler.graph.join(";\n") + "\n",
        files: compiler.files,
        substituted_fonts: substituted,
    })
}

/// When every layer shows: its own length, its media's, or to the end of the video.
fn spans(stack: &Stack, media: &[Option<Media>]) -> Result<Vec<Span>, StackError> {
    let fps = f64::from(FPS);
    let mut ends: Vec<Option<u64>> = Vec::with_capacity(stack.layers.len());
    for (index, layer) in stack.layers.iter().enumerate() {
        let probed = media.get(index).and_then(Option::as_ref);
        if layer.content.source().is_some() {
            let probed = probed.ok_or_else(|| {
                StackError(format!("{}: its source could not be read", layer.label()))
            })?;
            check_media(layer, probed)?;
        }
        let own = layer.duration.map(|d| layer.from + d);
        let natural = match (&layer.content, probed.and_then(|m| m.duration_s)) {
            (Content::Clip { start_s, .. }, Some(total)) => {
                Some(layer.from + ((total - start_s).max(0.0) * fps).floor() as u64)
            }
            (Content::Sound { start_frames, .. }, Some(total)) => {
                Some(layer.from + ((total * fps).floor() as u64).saturating_sub(*start_frames))
            }
            (Content::Caption { lines, .. }, _) => lines
                .iter()
                .map(|line| line.end_ms)
                .max()
                .map(|ms| layer.from + frames_in_ms(ms)),
            _ => None,
        };
        ends.push(own.or(natural));
    }
    let video_end = ends.iter().flatten().copied().max();
    let Some(video_end) = video_end.filter(|end| *end > 0) else {
        return Err(StackError(if stack.layers.is_empty() {
            "The cell has no layers to render.".into()
        } else {
            "The stack has zero duration: give a layer a durationInFrames, or media with a length."
                .into()
        }));
    };
    Ok(stack
        .layers
        .iter()
        .zip(ends)
        .map(|(layer, end)| {
            let from = layer.from.min(video_end);
            Span {
                from,
                to: end.unwrap_or(video_end).clamp(from, video_end),
            }
        })
        .collect())
}

fn check_media(layer: &Layer, media: &Media) -> Result<(), StackError> {
    let problem = match &layer.content {
        Content::Clip { .. } | Content::Image { .. } if media.size.is_none() => {
            "its source has no picture"
        }
        Content::Sound { .. } if !media.has_audio => "its source has no sound",
        _ => return Ok(()),
    };
    Err(StackError(format!("{}: {problem}", layer.label())))
}

/// The volume a layer's sound plays at, if it plays any.
fn audible(layer: &Layer, media: &Media) -> Option<f64> {
    match layer.content {
        Content::Clip { volume, .. } | Content::Sound { volume, .. }
            if media.has_audio && volume > 0.0 =>
        {
            Some(volume)
        }
        _ => None,
    }
}

/// The bottom visual layer, if it can be the canvas itself: opaque, full frame, unmoved and
/// lasting the whole video.
fn base_layer(stack: &Stack, media: &[Option<Media>], spans: &[Span]) -> Option<usize> {
    let frames = spans.iter().map(|s| s.to).max()?;
    let index = stack
        .layers
        .iter()
        .position(|layer| !matches!(layer.content, Content::Sound { .. }))?;
    let layer = &stack.layers[index];
    let span = spans[index];
    let canvas = stack.canvas;
    let full = layer.rect.left == 0.0
        && layer.rect.top == 0.0
        && layer.rect.width == f64::from(canvas.width)
        && layer.rect.height == f64::from(canvas.height);
    let fit_fills = match &layer.content {
        Content::Clip { fit, .. } | Content::Image { fit, .. } => {
            matches!(fit, Fit::Cover | Fit::Fill)
        }
        _ => false,
    };
    let plain = layer.opacity >= 1.0
        && layer.rotation == 0.0
        && layer.radius == 0.0
        && layer.enter == Motion::None
        && layer.exit == Motion::None;
    let lasts = span.from == 0 && span.to >= frames;
    (full && fit_fills && plain && lasts && media[index].is_some()).then_some(index)
}

struct Compiler {
    canvas: Canvas,
    inputs: Vec<String>,
    input_count: usize,
    graph: Vec<String>,
    files: Vec<(String, Asset)>,
    labels: usize,
    /// The input reading each layer's media, by layer index.
    layer_inputs: HashMap<usize, usize>,
}

impl Compiler {
    fn label(&mut self, prefix: &str) -> String {
        self.labels += 1;
        format!("{prefix}{}", self.labels)
    }

    fn lavfi(&mut self, source: &str) -> usize {
        self.inputs
            .extend(["-f".into(), "lavfi".into(), "-i".into(), source.into()]);
        self.next_input()
    }

    fn next_input(&mut self) -> usize {
        self.input_count += 1;
        self.input_count - 1
    }

    /// The input reading layer `index`'s media (added on first use, so a clip's picture and
    /// sound share one), trimmed to its span.
    fn input_of(&mut self, index: usize, layer: &Layer, media: &Media, span: Span) -> usize {
        if let Some(input) = self.layer_inputs.get(&index) {
            return *input;
        }
        let length = seconds(span.len() as f64 / f64::from(FPS));
        let start = match layer.content {
            Content::Clip { start_s, .. } => start_s,
            Content::Sound { start_frames, .. } => start_frames as f64 / f64::from(FPS),
            _ => 0.0,
        };
        if start > 0.0 {
            self.inputs.extend(["-ss".into(), seconds(start)]);
        }
        if !matches!(layer.content, Content::Image { .. }) {
            self.inputs.extend(["-t".into(), length]);
        }
        self.inputs.extend(["-i".into(), media.input.clone()]);
        let input = self.next_input();
        self.layer_inputs.insert(index, input);
        input
    }

    /// A clip's or image's picture, fitted, filtered and placed in time; returns its label.
    fn media_chain(
        &mut self,
        index: usize,
        layer: &Layer,
        span: Span,
        media: &Media,
        is_base: bool,
    ) -> String {
        let input = self.input_of(index, layer, media, span);
        let (source_w, source_h) = media
            .size
            .unwrap_or((self.canvas.width, self.canvas.height));
        let (box_w, box_h) = if is_base {
            (self.canvas.width, self.canvas.height)
        } else {
            (even(layer.rect.width), even(layer.rect.height))
        };
        let fit = match &layer.content {
            Content::Clip { fit, .. } | Content::Image { fit, .. } => *fit,
            _ => Fit::Fill,
        };
        let placed = placement(fit, (source_w, source_h), (box_w, box_h));
        let mut chain = String::new();
        let is_image = matches!(layer.content, Content::Image { .. });
        if !is_image {
            chain.push_str("setpts=PTS-STARTPTS,fps=30");
        }
        for step in &placed.steps {
            push(&mut chain, step);
        }
        for filter in &layer.filters {
            push(&mut chain, &css_filter(*filter));
        }
        let alpha = !is_base
            && (layer.opacity < 1.0
                || layer.radius > 0.0
                || layer.rotation != 0.0
                || layer.enter != Motion::None
                || layer.exit != Motion::None);
        if alpha {
            push(&mut chain, "format=rgba");
        }
        let out = self.label("m");
        if layer.radius > 0.0 && !is_base {
            let mask_name = format!("mask{}.png", self.labels);
            self.files.push((
                mask_name.clone(),
                Asset::Mask {
                    width: placed.size.0,
                    height: placed.size.1,
                    radius: layer.radius,
                },
            ));
            if !is_image {
                self.inputs.extend(["-loop".into(), "1".into()]);
            }
            self.inputs.extend(["-i".into(), mask_name]);
            let mask = self.next_input();
            let shaped = self.label("r");
            self.graph
                .push(format!("[{input}:v]{}[{shaped}]", or_null(&chain)));
            let merged = self.label("r");
            self.graph
                .push(format!("[{shaped}][{mask}:v]alphamerge[{merged}]"));
            chain = String::new();
            return self.finish_chain(&format!("[{merged}]"), chain, layer, span, is_image, &out);
        }
        self.finish_chain(&format!("[{input}:v]"), chain, layer, span, is_image, &out)
    }

    /// The rest of a media chain: rotation, opacity, timing, fades.
    fn finish_chain(
        &mut self,
        from: &str,
        mut chain: String,
        layer: &Layer,
        span: Span,
        is_image: bool,
        out: &str,
    ) -> String {
        if layer.rotation != 0.0 {
            let radians = layer.rotation.to_radians();
            push(
                &mut chain,
                &format!(
                    "rotate=a={radians:.6}:ow=rotw({radians:.6}):oh=roth({radians:.6}):c=none"
                ),
            );
        }
        if layer.opacity < 1.0 {
            push(
                &mut chain,
                &format!("colorchannelmixer=aa={:.3}", layer.opacity),
            );
        }
        if is_image {
            push(
                &mut chain,
                &format!(
                    "loop=loop={}:size=1:start=0,setpts=N/{FPS}/TB+{}/TB",
                    span.len().saturating_sub(1),
                    seconds(span.start_s())
                ),
            );
        } else if span.from > 0 {
            push(
                &mut chain,
                &format!("setpts=PTS+{}/TB", seconds(span.start_s())),
            );
        }
        let effect = span.effect_s();
        if layer.enter == Motion::Fade {
            push(
                &mut chain,
                &format!(
                    "fade=t=in:st={}:d={}:alpha=1",
                    seconds(span.start_s()),
                    seconds(effect)
                ),
            );
        }
        if layer.exit == Motion::Fade {
            push(
                &mut chain,
                &format!(
                    "fade=t=out:st={}:d={}:alpha=1",
                    seconds(span.end_s() - effect),
                    seconds(effect)
                ),
            );
        }
        if layer.enter == Motion::Zoom || layer.exit == Motion::Zoom {
            let (start, end) = (span.start_s(), span.end_s());
            let mut factor = "1".to_owned();
            if layer.enter == Motion::Zoom {
                factor = format!("min(1,0.5+0.5*(t-{})/{})", seconds(start), seconds(effect));
            }
            if layer.exit == Motion::Zoom {
                factor = format!(
                    "min({factor},max(0.5,1-0.5*(t-{})/{}))",
                    seconds(end - effect),
                    seconds(effect)
                );
            }
            push(
                &mut chain,
                &format!("scale=w='trunc(iw*{factor}/2)*2':h='trunc(ih*{factor}/2)*2':eval=frame"),
            );
        }
        self.graph.push(format!("{from}{}[{out}]", or_null(&chain)));
        format!("[{out}]")
    }

    /// Lays `layer` (already chained as `over`) onto `base`; returns the new base.
    fn overlay(
        &mut self,
        base: &str,
        over: &str,
        layer: &Layer,
        span: Span,
        media: &Media,
    ) -> String {
        let source = media
            .size
            .unwrap_or((self.canvas.width, self.canvas.height));
        let fit = match &layer.content {
            Content::Clip { fit, .. } | Content::Image { fit, .. } => *fit,
            _ => Fit::Fill,
        };
        let placed = placement(
            fit,
            source,
            (even(layer.rect.width), even(layer.rect.height)),
        );
        let (w, h) = (f64::from(placed.size.0), f64::from(placed.size.1));
        let center_x = layer.rect.left + placed.offset.0 + w / 2.0;
        let center_y = layer.rect.top + placed.offset.1 + h / 2.0;
        let moving =
            layer.rotation != 0.0 || layer.enter == Motion::Zoom || layer.exit == Motion::Zoom;
        let mut x = if moving {
            format!("{center_x:.1}-overlay_w/2")
        } else {
            format!("{:.1}", center_x - w / 2.0)
        };
        let y = if moving {
            format!("{center_y:.1}-overlay_h/2")
        } else {
            format!("{:.1}", center_y - h / 2.0)
        };
        let effect = span.effect_s();
        let canvas_w = f64::from(self.canvas.width);
        if layer.enter == Motion::Slide {
            x = format!(
                "({x})-{canvas_w}*max(0,1-(t-{})/{})",
                seconds(span.start_s()),
                seconds(effect)
            );
        }
        if layer.exit == Motion::Slide {
            x = format!(
                "({x})+{canvas_w}*max(0,(t-{})/{})",
                seconds(span.end_s() - effect),
                seconds(effect)
            );
        }
        let out = self.label("b");
        self.graph.push(format!(
            "{base}{over}overlay=x='{x}':y='{y}':eof_action=pass:repeatlast=0:enable='between(t,{},{})'[{out}]",
            seconds(span.start_s()),
            seconds(span.end_s() - 1.0 / (2.0 * f64::from(FPS)))
        ));
        format!("[{out}]")
    }

    /// Draws the pending text, shapes and captions onto `base`; returns the new base.
    fn draw(
        &mut self,
        base: &str,
        document: &mut Document,
        substituted: &mut Vec<(String, String)>,
    ) -> String {
        let name = format!("overlay{}.ass", self.labels + 1);
        substituted.append(&mut document.substituted);
        self.files
            .push((name.clone(), Asset::Text(document.render())));
        *document = Document::new(self.canvas);
        let out = self.label("t");
        self.graph.push(format!("{base}ass=f={name}[{out}]"));
        format!("[{out}]")
    }
}

/// A CSS filter as ffmpeg filters.
fn css_filter(filter: Filter) -> String {
    match filter {
        Filter::Brightness(b) => format!("colorchannelmixer=rr={b:.3}:gg={b:.3}:bb={b:.3}"),
        Filter::Contrast(c) => format!("eq=contrast={c:.3}"),
        Filter::Saturate(s) => format!("eq=saturation={:.3}", s.min(3.0)),
        Filter::Grayscale(g) => format!("hue=s={:.3}", 1.0 - g),
        Filter::Blur(radius) => format!("gblur=sigma={:.2}", radius.max(0.01)),
    }
}

fn push(chain: &mut String, step: &str) {
    if !chain.is_empty() {
        chain.push(',');
    }
    chain.push_str(step);
}

fn or_null(chain: &str) -> &str {
    if chain.is_empty() { "null" } else { chain }
}

/// Seconds as ffmpeg reads them, to the millisecond.
fn seconds(s: f64) -> String {
    let mut out = String::new();
    let _ = write!(out, "{:.3}", s.max(0.0));
    out
}

/// What ffprobe says of `input`, as the compiler needs it.
pub async fn probe(tools: &ace_media::Tools, input: &str) -> Result<Media, ace_media::MediaError> {
    let probe = tools.probe(input).await?;
    Ok(Media {
        input: input.to_owned(),
        size: probe.video.map(|v| (v.width, v.height)),
        duration_s: probe.duration_ms.map(|ms| ms as f64 / 1000.0),
        has_audio: probe.has_audio,
    })
}
