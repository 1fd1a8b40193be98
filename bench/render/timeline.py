#!/usr/bin/env python3
"""The render benchmark's reference timeline, two ways.

    timeline.py stack DIR WIDTH HEIGHT SECONDS   writes DIR/stack.json, ace's layer stack
    timeline.py moviepy DIR OUT.mp4              composes DIR/stack.json with MoviePy 2.x

The stack: a background clip (cover), an image overlay, three text layers with fades,
karaoke captions (two words a second, so about 60 words in 30 s), a voice track and music
at 0.2 volume. Media files (bg.mp4, logo.png, voice.wav, music.wav) are made by render.sh.

The MoviePy side reads the same stack.json and builds the same timeline the way MoviePy users
do: crop-then-resize for the cover (the cheaper idiom), TextClip for the text layers, and
Pillow-drawn line images with the active word highlighted for the captions (MoviePy has no
rich text). Only this stack's layer kinds are understood; it is not a general renderer.
"""

import json
import sys
from pathlib import Path

FPS = 30
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
WORDS = (
    "street tacos at two in the morning taste better than anything you will eat all week "
    "the grill is hot the salsa is fresh and the line goes around the block every single "
    "night so here is how to skip it order ahead bring cash and always ask for the secret "
    "green sauce trust me"
).split()


def px(value: float) -> str:
    return f"{round(value)}px"


def write_stack(directory: Path, width: int, height: int, seconds: int) -> None:
    s = width / 1080
    frames = seconds * FPS
    third = frames // 3
    fades = {"animation": {"enter": "fadeIn", "exit": "fadeOut"}}

    def text(name, content, start, top, size, extra=None):
        styles = {"fontSize": px(size), "fontWeight": "700", "color": "#ffffff",
                  "textAlign": "center", **fades, **(extra or {})}
        return {"name": name, "type": "text",
                "additional_attributes": {"content": content, "from": start, "durationInFrames": third,
                                          "left": round(90 * s), "top": round(top * s),
                                          "width": round(900 * s), "styles": styles}}

    words = WORDS[: seconds * 2]
    lines = []
    for first in range(0, len(words), 4):
        group = words[first : first + 4]
        timed = [{"word": w, "startMs": (first + i) * 500, "endMs": (first + i) * 500 + 450}
                 for i, w in enumerate(group)]
        lines.append({"text": " ".join(group), "startMs": timed[0]["startMs"],
                      "endMs": timed[-1]["endMs"], "words": timed})
    layers = [
        {"name": "Background", "type": "clip",
         "additional_attributes": {"src": "bg.mp4", "from": 0, "durationInFrames": frames,
                                   "styles": {"objectFit": "cover", "volume": 0}}},
        {"name": "Logo", "type": "image",
         "additional_attributes": {"src": "logo.png", "from": 0, "durationInFrames": frames,
                                   "left": round(700 * s), "top": round(80 * s),
                                   "width": round(300 * s), "height": round(300 * s),
                                   "styles": {"objectFit": "contain"}}},
        text("Hook", "The $2 taco at 2am", 0, 420, 80),
        text("Middle", "Why the line never ends", third, 420, 72),
        text("Call", "Follow for the secret sauce", 2 * third, 420, 72,
             {"backgroundColor": "rgba(0,0,0,0.6)"}),
        {"name": "Captions", "type": "caption",
         "additional_attributes": {"from": 0, "durationInFrames": frames, "template": "karaoke",
                                   "left": round(60 * s), "top": round(1300 * s),
                                   "width": round(960 * s), "height": round(300 * s),
                                   "styles": {"fontSize": px(64 * s), "color": "#ffffff",
                                              "highlightColor": "#ffd600"},
                                   "captions": lines}},
        {"name": "Voice", "type": "sound",
         "additional_attributes": {"src": "voice.wav", "from": 0, "durationInFrames": frames}},
        {"name": "Music", "type": "sound",
         "additional_attributes": {"src": "music.wav", "from": 0, "durationInFrames": frames,
                                   "styles": {"volume": 0.2}}},
    ]
    for position, layer in enumerate(layers, start=1):
        layer["position"] = position
    stack = {"width": width, "height": height, "layers": layers}
    (directory / "stack.json").write_text(json.dumps(stack, indent=1))


def compose_with_moviepy(directory: Path, out: Path) -> None:
    import numpy as np
    from moviepy import (AudioFileClip, CompositeAudioClip, CompositeVideoClip, ImageClip,
                         TextClip, VideoFileClip, vfx)
    from PIL import Image, ImageDraw, ImageFont

    stack = json.loads((directory / "stack.json").read_text())
    width, height = stack["width"], stack["height"]
    layers = {layer["name"]: layer["additional_attributes"] for layer in stack["layers"]}
    seconds = layers["Background"]["durationInFrames"] / FPS
    clips, sounds = [], []

    # Background: cover, cropped to the canvas's shape first, then resized.
    background = VideoFileClip(str(directory / "bg.mp4"), audio=False).subclipped(0, seconds)
    source_w, source_h = background.size
    crop_w = min(source_w, round(source_h * width / height))
    crop_h = min(source_h, round(source_w * height / width))
    clips.append(background.cropped(x_center=source_w / 2, y_center=source_h / 2,
                                    width=crop_w, height=crop_h).resized((width, height)))

    # Logo: contained in its box.
    logo = layers["Logo"]
    image = ImageClip(str(directory / "logo.png"))
    scale = min(logo["width"] / image.w, logo["height"] / image.h)
    image = image.resized(scale)
    clips.append(image.with_position((logo["left"] + (logo["width"] - image.w) / 2,
                                      logo["top"] + (logo["height"] - image.h) / 2))
                 .with_start(0).with_duration(seconds))

    # Three text layers with half-second fades.
    for name in ("Hook", "Middle", "Call"):
        layer = layers[name]
        styles = layer["styles"]
        background_color = (0, 0, 0, 153) if "backgroundColor" in styles else None
        clip = TextClip(font=FONT_BOLD, text=layer["content"], font_size=int(styles["fontSize"][:-2]),
                        color="white", bg_color=background_color, size=(layer["width"], None),
                        method="caption", text_align="center", margin=(0, 12))
        start, length = layer["from"] / FPS, layer["durationInFrames"] / FPS
        clips.append(clip.with_position((layer["left"], layer["top"])).with_start(start)
                     .with_duration(length).with_effects([vfx.CrossFadeIn(0.5), vfx.CrossFadeOut(0.5)]))

    # Karaoke captions: one image per spoken word, its line with that word highlighted.
    captions = layers["Captions"]
    size = int(float(captions["styles"]["fontSize"][:-2]))
    font = ImageFont.truetype(FONT_BOLD, size)
    box_w, box_h = captions["width"], captions["height"]
    for line in captions["captions"]:
        words = [w["word"] for w in line["words"]]
        space = font.getlength(" ")
        lengths = [font.getlength(w) for w in words]
        total = sum(lengths) + space * (len(words) - 1)
        for active, timed in enumerate(line["words"]):
            picture = Image.new("RGBA", (box_w, box_h), (0, 0, 0, 0))
            draw = ImageDraw.Draw(picture)
            x = (box_w - total) / 2
            for index, word in enumerate(words):
                fill = (255, 214, 0, 255) if index == active else (255, 255, 255, 255)
                draw.text((x, box_h - size * 1.4), word, font=font, fill=fill,
                          stroke_width=max(2, size // 16), stroke_fill=(0, 0, 0, 255))
                x += lengths[index] + space
            end_ms = line["words"][active + 1]["startMs"] if active + 1 < len(words) else timed["endMs"]
            clips.append(ImageClip(np.array(picture), transparent=True)
                         .with_position((captions["left"], captions["top"]))
                         .with_start(timed["startMs"] / 1000)
                         .with_duration((end_ms - timed["startMs"]) / 1000))

    sounds.append(AudioFileClip(str(directory / "voice.wav")).subclipped(0, seconds))
    sounds.append(AudioFileClip(str(directory / "music.wav")).subclipped(0, seconds)
                  .with_volume_scaled(0.2))
    video = CompositeVideoClip(clips, size=(width, height)).with_duration(seconds)
    video = video.with_audio(CompositeAudioClip(sounds).with_duration(seconds))
    video.write_videofile(str(out), fps=FPS, codec="libx264", audio_codec="aac",
                          audio_bitrate="128k", preset="veryfast", threads=2, logger=None,
                          ffmpeg_params=["-crf", "23", "-profile:v", "high", "-pix_fmt", "yuv420p",
                                         "-ar", "48000", "-ac", "2", "-movflags", "+faststart"])


def main() -> None:
    match sys.argv[1:]:
        case ["stack", directory, width, height, seconds]:
            write_stack(Path(directory), int(width), int(height), int(seconds))
        case ["moviepy", directory, out]:
            compose_with_moviepy(Path(directory), Path(out))
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main()
