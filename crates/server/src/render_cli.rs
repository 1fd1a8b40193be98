//! `ace render STACK.json -o out.mp4`: renders a layer stack from a file, with no server and
//! no database. `src` may be a local path, an http(s) URL or nothing else (resource ids need
//! the server). Shows a progress bar on a terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ace_render::stack::{Canvas, StackFile};
use ace_render::{Progress, Source, Stack, compile, render};
use anyhow::{Context, bail};
use clap::Args;

/// What to render.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The stack: `{"aspect_ratio": "9:16", "layers": [...]}` (or `width`/`height`), the
    /// layers as GEN's layer objects.
    pub stack: PathBuf,
    /// Where to write the MP4.
    #[arg(short, long)]
    pub output: PathBuf,
    /// The picture size, overriding the stack's, as WIDTHxHEIGHT.
    #[arg(long)]
    pub size: Option<String>,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 3600)]
    pub timeout: u64,
}

pub async fn run(args: &RenderArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.stack)
        .with_context(|| format!("reading {}", args.stack.display()))?;
    let file: StackFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a stack file", args.stack.display()))?;
    let size = match &args.size {
        Some(size) => {
            Some(Canvas::parse(size).context("--size must be WIDTHxHEIGHT, even, 16 to 4096")?)
        }
        None => None,
    };
    let base = args.stack.parent().unwrap_or(Path::new("."));
    let stack = Stack::from_file(&file, size)?;
    let tools = ace_media::Tools::default();
    let mut media = Vec::with_capacity(stack.layers.len());
    for layer in &stack.layers {
        let input = match layer.content.source() {
            None => {
                media.push(None);
                continue;
            }
            Some(Source::Path(path)) => std::path::absolute(base.join(path))?
                .to_string_lossy()
                .into_owned(),
            Some(Source::Url(url)) => url.clone(),
            Some(Source::Resource(id)) => {
                bail!(
                    "{} names content resource {id}: `ace render` reads files and URLs only",
                    layer.label()
                )
            }
        };
        let probed = ace_render::probe(&tools, &input)
            .await
            .with_context(|| format!("{}: reading {input}", layer.label()))?;
        media.push(Some(probed));
    }
    let plan = compile(&stack, &media, ace_render::fonts::Fonts::installed())?;
    for (layer, family) in &plan.substituted_fonts {
        eprintln!(
            "ace: layer {layer:?} asks for font {family:?}, which is not installed; using {}",
            ace_render::fonts::DEFAULT_FAMILY
        );
    }
    let work = tempfile::tempdir().context("making a work directory")?;
    let output = std::path::absolute(&args.output)?;
    let started = Instant::now();
    let mut bar = Bar::new(plan.duration_s());
    render(
        &plan,
        work.path(),
        &output,
        "ffmpeg",
        Duration::from_secs(args.timeout),
        |p| bar.show(p),
    )
    .await?;
    bar.done();
    eprintln!(
        "ace: rendered {:.1} s of {}x{} video to {} in {:.1} s",
        plan.duration_s(),
        plan.canvas.width,
        plan.canvas.height,
        args.output.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A progress bar on stderr, when it is a terminal.
struct Bar {
    seconds: f64,
    on: bool,
}

impl Bar {
    fn new(seconds: f64) -> Self {
        Self {
            seconds,
            on: std::io::stderr().is_terminal(),
        }
    }

    fn show(&mut self, progress: Progress) {
        if !self.on {
            return;
        }
        let fraction = progress.fraction();
        let filled = (fraction * 30.0).round() as usize;
        let _ = write!(
            std::io::stderr(),
            "\r[{}{}] {:>3.0}%  {:.1}/{:.1} s",
            "#".repeat(filled),
            "-".repeat(30 - filled),
            fraction * 100.0,
            fraction * self.seconds,
            self.seconds
        );
    }

    fn done(&mut self) {
        if self.on {
            let _ = writeln!(std::io::stderr());
        }
    }
}
