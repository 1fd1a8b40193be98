//! TikTok's safe area: the part of a vertical video its app never covers. Above it sit the
//! status bar and the Following / For You tabs, below it the account name, the description
//! and the sound, and down the right the like, comment, share and profile buttons. ace reads
//! the zones at 1080×1920 as 180 px at the top, 320 px at the bottom, 120 px on the right,
//! with 60 px kept free on the left, and scales them to the canvas. Text or captions outside
//! are hidden behind the app's own interface, so the gate fails a video that puts any there.
//! Pure: where the text sits comes from the stack the video was rendered from.

use serde::{Deserialize, Serialize};

/// Where one text or caption layer draws, in canvas pixels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextExtent {
    /// The layer's name.
    pub layer: String,
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

/// Where a rendered video's text and captions sit, on the canvas it was rendered at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextPlacement {
    pub canvas_width: u32,
    pub canvas_height: u32,
    pub extents: Vec<TextExtent>,
}

/// The part of a canvas TikTok leaves uncovered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SafeArea {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

/// The zones at TikTok's 1080×1920: (left, top, right, bottom) insets in pixels.
const REFERENCE: (f64, f64) = (1080.0, 1920.0);
const INSETS: (f64, f64, f64, f64) = (60.0, 180.0, 120.0, 320.0);

impl SafeArea {
    /// TikTok's safe area on a `width`×`height` canvas.
    pub fn tiktok(width: u32, height: u32) -> SafeArea {
        let (w, h) = (f64::from(width), f64::from(height));
        let (sx, sy) = (w / REFERENCE.0, h / REFERENCE.1);
        let (left, top, right, bottom) = INSETS;
        SafeArea {
            left: left * sx,
            top: top * sy,
            right: w - right * sx,
            bottom: h - bottom * sy,
        }
    }

    /// How `extent` crosses this area's edges, as `"reaches x 1012 (the area ends at 960)"`
    /// phrases; empty when it lies inside. Half a pixel is allowed for rounding.
    pub fn crossings(&self, extent: &TextExtent) -> Vec<String> {
        const SLACK: f64 = 0.5;
        let mut crossed = Vec::new();
        if extent.left < self.left - SLACK {
            crossed.push(format!(
                "starts at x {:.0} (the area starts at {:.0})",
                extent.left, self.left
            ));
        }
        if extent.right > self.right + SLACK {
            crossed.push(format!(
                "reaches x {:.0} (the area ends at {:.0})",
                extent.right, self.right
            ));
        }
        if extent.top < self.top - SLACK {
            crossed.push(format!(
                "starts at y {:.0} (the area starts at {:.0})",
                extent.top, self.top
            ));
        }
        if extent.bottom > self.bottom + SLACK {
            crossed.push(format!(
                "reaches y {:.0} (the area ends at {:.0})",
                extent.bottom, self.bottom
            ));
        }
        crossed
    }

    /// The area as `x 60–960, y 180–1600`.
    pub fn describe(&self) -> String {
        format!(
            "x {:.0}–{:.0}, y {:.0}–{:.0}",
            self.left, self.right, self.top, self.bottom
        )
    }
}

impl TextPlacement {
    /// The layers that cross TikTok's safe area, each with how: `"Hook" reaches x 1012 (…)`.
    pub fn outside(&self) -> Vec<String> {
        let area = SafeArea::tiktok(self.canvas_width, self.canvas_height);
        self.extents
            .iter()
            .filter_map(|extent| {
                let crossed = area.crossings(extent);
                (!crossed.is_empty()).then(|| format!("{:?} {}", extent.layer, crossed.join(", ")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extent(left: f64, top: f64, right: f64, bottom: f64) -> TextExtent {
        TextExtent {
            layer: "Hook".into(),
            left,
            top,
            right,
            bottom,
        }
    }

    #[test]
    fn the_area_is_tiktoks_zones_scaled_to_the_canvas() {
        let full = SafeArea::tiktok(1080, 1920);
        assert_eq!(full.describe(), "x 60–960, y 180–1600");
        let small = SafeArea::tiktok(720, 1280);
        assert_eq!(small.describe(), "x 40–640, y 120–1067");
    }

    #[test]
    fn each_crossed_edge_is_named_with_where_the_text_reaches() {
        let area = SafeArea::tiktok(1080, 1920);
        assert!(
            area.crossings(&extent(60.0, 180.0, 960.0, 1600.0))
                .is_empty()
        );
        assert!(
            area.crossings(&extent(59.7, 180.0, 960.4, 1600.0))
                .is_empty()
        );
        let crossed = area.crossings(&extent(40.0, 90.0, 1012.0, 1700.0));
        assert_eq!(
            crossed,
            [
                "starts at x 40 (the area starts at 60)",
                "reaches x 1012 (the area ends at 960)",
                "starts at y 90 (the area starts at 180)",
                "reaches y 1700 (the area ends at 1600)",
            ]
        );
    }

    #[test]
    fn only_the_layers_outside_are_listed() {
        let placement = TextPlacement {
            canvas_width: 1080,
            canvas_height: 1920,
            extents: vec![
                extent(100.0, 300.0, 900.0, 500.0),
                TextExtent {
                    layer: "Brand tag".into(),
                    ..extent(60.0, 80.0, 300.0, 120.0)
                },
            ],
        };
        assert_eq!(
            placement.outside(),
            ["\"Brand tag\" starts at y 80 (the area starts at 180)"]
        );
    }
}
