#!/usr/bin/env bash
# Benchmark (not a test): rendering the reference layer stack (bench/render/timeline.py) three
# ways in the same run, in rounds so machine noise falls on all of them alike:
#   (a) `ace render` of the stack (release build);
#   (b) the encoder floor: ffmpeg encoding (a)'s exact pixels and sound, prepared beforehand as
#       raw frames in RAM, with (a)'s codec settings (no renderer can beat encoding its output);
#   (c) the same timeline composed with MoviePy 2.x, installed from PyPI in a throwaway virtualenv
#       and pointed at the system ffmpeg.
# and, to show where (a)'s time beyond (b) goes, (d) decoding the background clip alone, which
# every renderer of this stack must also do.
# Reports medians of RUNS rounds (3) of wall and CPU seconds and peak RSS of each process tree,
# and the ratios a/b and c/a, for 1080x1920 30 s and 720x1280 10 s.
#
#   bench/render.sh            (RUNS=3; CASES="1080x1920x30 720x1280x10"; MOVIEPY_VENV=dir to reuse)
#
# Targets on this 2-core machine: a/b <= 1.25, c/a >= 5, peak RSS of (a) < 600 MiB. The script
# reports; it does not fail on a miss. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-3}"
cases="${CASES:-1080x1920x30 720x1280x10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ace-target}"
export RUST_LOG="${RUST_LOG:-warn}"

cargo build --release --locked --quiet -p ace-server
ace="$CARGO_TARGET_DIR/release/ace"
# Raw frames of the floor live in RAM (about 2.8 GB for the main case).
work=$(mktemp -d /dev/shm/ace-render-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

venv="${MOVIEPY_VENV:-$work/venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import moviepy' 2>/dev/null; then
  echo "bench: installing MoviePy 2.x into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "moviepy>=2.2,<3"
fi
export FFMPEG_BINARY=/usr/bin/ffmpeg IMAGEIO_FFMPEG_EXE=/usr/bin/ffmpeg
measure() { python3 bench/render/measure.py -- "$@"; }
ff() { ffmpeg -y -v error -nostdin "$@"; }

# The codec settings `ace render` uses (ace_render::Plan::arguments).
codec=(-c:v libx264 -preset veryfast -crf 23 -profile:v high -pix_fmt yuv420p -r 30
  -c:a aac -b:a 128k -ar 48000 -ac 2 -movflags +faststart)

report="$work/report.jsonl"
: >"$report"
for case in $cases; do
  IFS=x read -r width height seconds <<<"$case"
  dir="$work/$case"
  mkdir -p "$dir"
  echo "bench: $case: making the inputs"
  ff -f lavfi -i "testsrc2=size=1920x1080:rate=30:duration=$seconds" -c:v libx264 -preset veryfast \
    -crf 18 -pix_fmt yuv420p "$dir/bg.mp4"
  ff -f lavfi -i "color=c=0xff7a00:s=500x250,drawbox=x=40:y=40:w=420:h=170:c=white:t=12" \
    -frames:v 1 "$dir/logo.png"
  ff -f lavfi -i "sine=frequency=220:duration=$seconds:sample_rate=48000" -af "tremolo=f=3:d=0.7" \
    -ac 1 "$dir/voice.wav"
  ff -f lavfi -i "sine=frequency=440:duration=$seconds:sample_rate=48000" -ac 2 "$dir/music.wav"
  python3 bench/render/timeline.py stack "$dir" "$width" "$height" "$seconds"

  echo "bench: $case: a first render, for the floor's pixels"
  "$ace" render "$dir/stack.json" -o "$dir/a.mp4" >/dev/null
  ff -i "$dir/a.mp4" -map 0:v -f rawvideo -pix_fmt yuv420p "$dir/frames.yuv"
  ff -i "$dir/a.mp4" -map 0:a -f s16le -ar 48000 -ac 2 "$dir/sound.pcm"

  for round in $(seq 1 "$runs"); do
    echo "bench: $case: round $round of $runs"
    a=$(measure "$ace" render "$dir/stack.json" -o "$dir/a.mp4")
    b=$(measure ffmpeg -y -v error -nostdin -f rawvideo -pix_fmt yuv420p -s "${width}x${height}" -r 30 \
      -i "$dir/frames.yuv" -f s16le -ar 48000 -ac 2 -i "$dir/sound.pcm" -map 0:v -map 1:a \
      "${codec[@]}" "$dir/b.mp4")
    c=$(measure "$venv/bin/python" bench/render/timeline.py moviepy "$dir" "$dir/c.mp4")
    d=$(measure ffmpeg -v error -nostdin -i "$dir/bg.mp4" -f null -)
    for variant in a b c d; do
      printf '{"case":"%s","variant":"%s","run":%s}\n' "$case" "$variant" "${!variant}" >>"$report"
    done
  done
  frames() { ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets -of csv=p=0 "$1"; }
  echo "bench: $case: frames a=$(frames "$dir/a.mp4") b=$(frames "$dir/b.mp4") c=$(frames "$dir/c.mp4") (expected $((seconds * 30)))"
  rm -f "$dir/frames.yuv"
done

python3 - "$report" <<'EOF'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
cases = list(dict.fromkeys(r["case"] for r in rows))
names = {"a": "(a) ace render", "b": "(b) encoder floor", "c": "(c) MoviePy 2.x",
         "d": "(d) decode bg only"}
for case in cases:
    width, height, seconds = case.split("x")
    print(f"\n{width}x{height}, 30 fps, {seconds} s")
    print(f"{'variant':<20} {'wall s (median)':>16} {'all runs':>22} {'CPU s':>8} {'peak RSS MiB':>13}")
    median, cpus = {}, {}
    for variant in "abcd":
        runs = [r["run"] for r in rows if r["case"] == case and r["variant"] == variant]
        walls = [run["wall_s"] for run in runs]
        median[variant] = statistics.median(walls)
        cpu = cpus[variant] = statistics.median(run["cpu_s"] for run in runs)
        rss = max(run["peak_rss_mib"] for run in runs)
        print(f"{names[variant]:<20} {median[variant]:>16.2f} {' '.join(f'{w:.1f}' for w in walls):>22} {cpu:>8.1f} {rss:>13.0f}")
    print(f"a/b = {median['a'] / median['b']:.2f} (target <= 1.25)   c/a = {median['c'] / median['a']:.2f} (target >= 5)")
    print(f"CPU: a/b = {cpus['a'] / cpus['b']:.2f}, c/a = {cpus['c'] / cpus['a']:.2f}; "
          f"a - b = {cpus['a'] - cpus['b']:.1f} s, of which decoding the background is {cpus['d']:.1f} s")
EOF
