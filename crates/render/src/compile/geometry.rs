//! Where a picture goes in its box: how an `objectFit` crops and scales a source into the
//! layer's box and where it then sits, even sizes for yuv420, and the antialiased masks that
//! round corners.

use crate::stack::Fit;

/// How a source of `source` size sits in a `boxed` box: the steps that fit it, its size after
/// them, and its offset inside the box.
pub(super) struct Placement {
    pub steps: Vec<String>,
    pub size: (u32, u32),
    pub offset: (f64, f64),
}

pub(super) fn placement(fit: Fit, (sw, sh): (u32, u32), (bw, bh): (u32, u32)) -> Placement {
    let (sw_f, sh_f, bw_f, bh_f) = (f64::from(sw), f64::from(sh), f64::from(bw), f64::from(bh));
    let centered = |w: u32, h: u32| ((bw_f - f64::from(w)) / 2.0, (bh_f - f64::from(h)) / 2.0);
    let crop = |cw: u32, ch: u32| {
        (cw != sw || ch != sh)
            .then(|| format!("crop={cw}:{ch}:{}:{}", (sw - cw) / 2, (sh - ch) / 2))
    };
    let scale =
        |w: u32, h: u32, from: (u32, u32)| (from != (w, h)).then(|| format!("scale={w}:{h}"));
    match fit {
        Fit::Fill => Placement {
            steps: scale(bw, bh, (sw, sh)).into_iter().collect(),
            size: (bw, bh),
            offset: (0.0, 0.0),
        },
        Fit::Cover => {
            let (cw, ch) = if sw_f * bh_f > sh_f * bw_f {
                (even(sh_f * bw_f / bh_f).min(sw), sh)
            } else {
                (sw, even(sw_f * bh_f / bw_f).min(sh))
            };
            Placement {
                steps: crop(cw, ch)
                    .into_iter()
                    .chain(scale(bw, bh, (cw, ch)))
                    .collect(),
                size: (bw, bh),
                offset: (0.0, 0.0),
            }
        }
        Fit::Contain => {
            let factor = (bw_f / sw_f).min(bh_f / sh_f);
            let (w, h) = (even(sw_f * factor).max(2), even(sh_f * factor).max(2));
            Placement {
                steps: scale(w, h, (sw, sh)).into_iter().collect(),
                size: (w, h),
                offset: centered(w, h),
            }
        }
        Fit::None => {
            let (cw, ch) = (sw.min(bw), sh.min(bh));
            Placement {
                steps: crop(cw, ch).into_iter().collect(),
                size: (cw, ch),
                offset: centered(cw, ch),
            }
        }
    }
}

/// The nearest even whole number, at least 2 (yuv420 needs even sizes).
pub(super) fn even(n: impl Into<f64>) -> u32 {
    let n: f64 = n.into();
    ((n / 2.0).round() as u32 * 2).max(2)
}

/// A gray mask: white inside a rounded rectangle, black outside, antialiased.
pub(super) fn rounded_mask(width: u32, height: u32, radius: f64) -> image::GrayImage {
    let (w, h) = (f64::from(width), f64::from(height));
    let r = radius.min(w / 2.0).min(h / 2.0);
    image::GrayImage::from_fn(width, height, |x, y| {
        let (px, py) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
        let dx = (r - px).max(px - (w - r)).max(0.0);
        let dy = (r - py).max(py - (h - r)).max(0.0);
        let outside = (dx * dx + dy * dy).sqrt() - r;
        let coverage = (0.5 - outside).clamp(0.0, 1.0);
        image::Luma([(coverage * 255.0).round() as u8])
    })
}
