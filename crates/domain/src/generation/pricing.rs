//! GEN's credit formula and the price table behind it:
//! `credits = round(vendor_cost_usd / 0.0087 × markup)`, in whole credits, at least 1 for any
//! paid operation and 0 for free ones (`media`).
//!
//! The table maps each priced thing (`text.gemini_2_0_flash`, `video_from_text.veo_3`,
//! `speech_from_text`, `render`, ...) to a vendor cost per unit and a markup tier. The built-in
//! values are calibrated so GEN's published example costs come out in their documented ranges;
//! an operator can override any entry or markup with a partial TOML document.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::request::{self, CardRequest};
use crate::credits::Credits;
use crate::sheet::card::GenerationType;

/// What one credit is worth in vendor dollars, before markup.
pub const USD_PER_CREDIT: f64 = 0.0087;

/// Seconds of source media assumed when a captions or lipsync estimate is not told its length.
pub const DEFAULT_SOURCE_SECONDS: f64 = 60.0;

/// Tokens assumed for a `text` estimate when the card sets no `max_length`.
pub const DEFAULT_TEXT_TOKENS: u32 = 500;

/// Characters of script per second of speech, for estimating speech length.
pub const SCRIPT_CHARS_PER_SECOND: f64 = 15.0;

/// The key of the price for rendering a cell's layers into one video.
pub const RENDER_KEY: &str = "render";
/// The key of the price of one post or video gathered by content monitoring.
pub const SCRAPED_POST_KEY: &str = "train_social.post";
/// The key of the price of one comment gathered by content monitoring.
pub const SCRAPED_COMMENT_KEY: &str = "train_social.comment";

/// The markup class an operation is billed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Image and video generators (Nano Banana, Midjourney, Veo, ...): 1.3× by default.
    GenerativeAi,
    /// GPU workloads (lipsync, renders): 1.5× by default.
    Gpu,
    /// Language and voice models (OpenAI, Gemini, Anthropic, ElevenLabs): 3.0× by default.
    Llm,
}

/// The markup ratio applied to vendor cost, per tier.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Markup {
    /// Markup for [`Tier::GenerativeAi`].
    pub generative_ai: f64,
    /// Markup for [`Tier::Gpu`].
    pub gpu: f64,
    /// Markup for [`Tier::Llm`].
    pub llm: f64,
}

impl Default for Markup {
    fn default() -> Self {
        Self {
            generative_ai: 1.3,
            gpu: 1.5,
            llm: 3.0,
        }
    }
}

impl Markup {
    /// The ratio for one tier.
    pub const fn ratio(&self, tier: Tier) -> f64 {
        match tier {
            Tier::GenerativeAi => self.generative_ai,
            Tier::Gpu => self.gpu,
            Tier::Llm => self.llm,
        }
    }
}

/// What a price is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Unit {
    /// Once per generation.
    #[serde(rename = "call")]
    Call,
    /// Per image made (`number_of_images`).
    #[serde(rename = "image")]
    Image,
    /// Per second of output video, of lipsynced media or of rendered output.
    #[serde(rename = "second")]
    Second,
    /// Per minute of speech (estimated from the script) or of captioned source media.
    #[serde(rename = "minute")]
    Minute,
    /// Per thousand tokens (the card's `max_length`, or 500).
    #[serde(rename = "1k_tokens")]
    KiloTokens,
}

/// The vendor cost of one priced thing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// The markup class.
    pub tier: Tier,
    /// Vendor cost in US dollars per `per`; 0 makes the operation free.
    pub usd: f64,
    /// The unit `usd` is counted in.
    pub per: Unit,
}

/// How much of each unit one operation uses.
#[derive(Clone, Copy, Debug)]
struct Usage {
    images: u32,
    seconds: f64,
    tokens: u32,
}

impl Usage {
    fn quantity(self, unit: Unit) -> f64 {
        match unit {
            Unit::Call => 1.0,
            Unit::Image => f64::from(self.images),
            Unit::Second => self.seconds,
            Unit::Minute => self.seconds / 60.0,
            Unit::KiloTokens => f64::from(self.tokens) / 1000.0,
        }
    }
}

/// Prices for every generation type and model, plus the tier markups. `Default` is the
/// built-in table; see [`PriceTable::with_overrides_toml`] for operator overrides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriceTable {
    /// Markup ratio per tier.
    pub markup: Markup,
    /// Prices by key: `<generation_type>.<model>`, or the bare type (`speech_from_text`,
    /// `media`) for types without a model, or `render`.
    pub prices: BTreeMap<String, Price>,
}

/// The built-in prices: `(key, tier, usd, per)`. Calibrated against GEN's example costs (in
/// credits, at the default markups):
/// - text, 500 tokens: Gemini 2.0 Flash 2 (docs: 1-3), Gemini 2.5 Pro 6 (docs: 4-8);
/// - image: Gemini Image 5 (docs: ~5), Midjourney 15 (docs: ~15);
/// - video from text: Seedance Pro 5 s 250 (docs: ~250), Veo 3 10 s 598 (docs: ~600);
/// - speech, 1 minute: 30 (docs: ~30); lipsync 10 s (sync.so): 200 (docs: ~200);
/// - captions, 1 minute: 10 (docs: ~10); render 30 s: 50 (docs: ~50).
///
/// The other models are placed relative to those by their public list prices.
#[rustfmt::skip]
const BUILT_IN: &[(&str, Tier, f64, Unit)] = &[
    // text: USD per 1k tokens, LLM tier.
    ("text.gemini_2_0_flash", Tier::Llm, 0.01, Unit::KiloTokens),
    ("text.gemini_2_5_pro", Tier::Llm, 0.035, Unit::KiloTokens),
    ("text.gpt_4o", Tier::Llm, 0.04, Unit::KiloTokens),
    ("text.gpt_4o_mini", Tier::Llm, 0.008, Unit::KiloTokens),
    ("text.o3_mini", Tier::Llm, 0.02, Unit::KiloTokens),
    ("text.o4_mini", Tier::Llm, 0.02, Unit::KiloTokens),
    ("text.claude_sonnet_4", Tier::Llm, 0.05, Unit::KiloTokens),
    // image_from_text: USD per image.
    ("image_from_text.gemini_image", Tier::GenerativeAi, 0.034, Unit::Image),
    ("image_from_text.gemini_pro_image", Tier::GenerativeAi, 0.134, Unit::Image),
    ("image_from_text.midjourney", Tier::GenerativeAi, 0.1, Unit::Image),
    // video_from_text: USD per second of output.
    ("video_from_text.veo_3", Tier::GenerativeAi, 0.4, Unit::Second),
    ("video_from_text.veo_3_fast", Tier::GenerativeAi, 0.15, Unit::Second),
    ("video_from_text.veo_3_1", Tier::GenerativeAi, 0.4, Unit::Second),
    ("video_from_text.veo_3_1_fast", Tier::GenerativeAi, 0.15, Unit::Second),
    ("video_from_text.sora_2", Tier::GenerativeAi, 0.1, Unit::Second),
    ("video_from_text.kling_1_6", Tier::GenerativeAi, 0.2, Unit::Second),
    ("video_from_text.seedance_pro", Tier::GenerativeAi, 0.335, Unit::Second),
    ("video_from_text.seedance_pro_1_5", Tier::GenerativeAi, 0.4, Unit::Second),
    // video_from_image: USD per second of output.
    ("video_from_image.kling_2_1", Tier::GenerativeAi, 0.25, Unit::Second),
    ("video_from_image.kling_2_6", Tier::GenerativeAi, 0.3, Unit::Second),
    ("video_from_image.veo_3", Tier::GenerativeAi, 0.4, Unit::Second),
    ("video_from_image.veo_3_1", Tier::GenerativeAi, 0.4, Unit::Second),
    ("video_from_image.sora_2", Tier::GenerativeAi, 0.1, Unit::Second),
    ("video_from_image.seedance_lite", Tier::GenerativeAi, 0.2, Unit::Second),
    ("video_from_image.seedance_pro", Tier::GenerativeAi, 0.335, Unit::Second),
    ("video_from_image.seedance_pro_1_5", Tier::GenerativeAi, 0.4, Unit::Second),
    // video_from_ingredients: USD per second of output.
    ("video_from_ingredients.pika", Tier::GenerativeAi, 0.2, Unit::Second),
    ("video_from_ingredients.kling_1_6", Tier::GenerativeAi, 0.2, Unit::Second),
    ("video_from_ingredients.seedance_lite", Tier::GenerativeAi, 0.2, Unit::Second),
    ("video_from_ingredients.veo_3_1", Tier::GenerativeAi, 0.4, Unit::Second),
    ("video_from_ingredients.veo_3_1_fast", Tier::GenerativeAi, 0.15, Unit::Second),
    // speech_from_text: USD per minute of speech (ElevenLabs bills in the LLM tier).
    ("speech_from_text", Tier::Llm, 0.087, Unit::Minute),
    // lipsync: USD per second of media.
    ("lipsync.sync_so", Tier::Gpu, 0.116, Unit::Second),
    ("lipsync.gen", Tier::Gpu, 0.08, Unit::Second),
    // captions: USD per minute of source media.
    ("captions.gemini", Tier::Llm, 0.029, Unit::Minute),
    // media is a pass-through upload: free.
    ("media", Tier::GenerativeAi, 0.0, Unit::Call),
    // render: USD per second of rendered output.
    (RENDER_KEY, Tier::Gpu, 0.0097, Unit::Second),
    // content monitoring: GEN's documented USD per post and per comment gathered.
    (SCRAPED_POST_KEY, Tier::GenerativeAi, 0.015, Unit::Call),
    (SCRAPED_COMMENT_KEY, Tier::GenerativeAi, 0.002, Unit::Call),
    // agent runs (`ideas::pricing`): GEN's documented USD per chat, idea, research and refinement.
    ("agent_run.chat", Tier::Llm, 0.02, Unit::Call),
    ("agent_run.idea", Tier::Llm, 0.034, Unit::Call),
    ("agent_run.research", Tier::Llm, 0.15, Unit::Call),
    ("agent_run.refine", Tier::Llm, 0.1015, Unit::Call),
    ("web_research", Tier::Llm, 0.1015, Unit::Call),
];

impl Default for PriceTable {
    fn default() -> Self {
        let prices = BUILT_IN
            .iter()
            .map(|&(key, tier, usd, per)| (key.to_owned(), Price { tier, usd, per }))
            .collect();
        Self {
            markup: Markup::default(),
            prices,
        }
    }
}

/// A partial price table, as an operator writes it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Overrides {
    #[serde(default)]
    markup: MarkupOverrides,
    #[serde(default)]
    prices: BTreeMap<String, PriceOverride>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkupOverrides {
    generative_ai: Option<f64>,
    gpu: Option<f64>,
    llm: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceOverride {
    tier: Option<Tier>,
    usd: Option<f64>,
    per: Option<Unit>,
}

/// The price key for a generation type and model: `video_from_text.veo_3`, or the bare type
/// when there is no model.
pub fn price_key(kind: GenerationType, model: Option<&str>) -> String {
    match model {
        Some(model) => format!("{}.{model}", kind.as_str()),
        None => kind.as_str().to_owned(),
    }
}

impl PriceTable {
    /// The built-in table with a partial TOML document merged over it: `[markup]` may set any of
    /// `generative_ai`, `gpu`, `llm`; each `[prices."<key>"]` may set any of `tier`, `usd`,
    /// `per` for a known key. Unknown keys, negative costs and non-positive markups are refused,
    /// naming the offending entry.
    pub fn with_overrides_toml(toml_text: &str) -> Result<PriceTable, String> {
        PriceTable::default().overridden(toml_text)
    }

    /// This table with a partial TOML document merged over it (see
    /// [`PriceTable::with_overrides_toml`]).
    pub fn overridden(mut self, toml_text: &str) -> Result<PriceTable, String> {
        let overrides: Overrides =
            toml::from_str(toml_text).map_err(|err| format!("invalid price overrides: {err}"))?;
        let markups = [
            (
                "generative_ai",
                overrides.markup.generative_ai,
                &mut self.markup.generative_ai,
            ),
            ("gpu", overrides.markup.gpu, &mut self.markup.gpu),
            ("llm", overrides.markup.llm, &mut self.markup.llm),
        ];
        for (name, value, slot) in markups {
            if let Some(value) = value {
                if !(value.is_finite() && value > 0.0) {
                    return Err(format!("markup.{name} must be a positive number"));
                }
                *slot = value;
            }
        }
        for (key, change) in overrides.prices {
            let Some(price) = self.prices.get_mut(&key) else {
                return Err(format!("prices.\"{key}\" is not a known price key"));
            };
            if let Some(usd) = change.usd {
                if !(usd.is_finite() && usd >= 0.0) {
                    return Err(format!("prices.\"{key}\".usd must be zero or more"));
                }
                price.usd = usd;
            }
            if let Some(tier) = change.tier {
                price.tier = tier;
            }
            if let Some(per) = change.per {
                price.per = per;
            }
        }
        Ok(self)
    }

    /// The price under `key`, if the table has one.
    pub fn price(&self, key: &str) -> Option<&Price> {
        self.prices.get(key)
    }

    /// The credits to pre-charge for a validated card. `source_seconds` is the length of the
    /// input media where the price depends on it (captions, lipsync); when unknown,
    /// [`DEFAULT_SOURCE_SECONDS`] is assumed. Speech length is estimated from the script at
    /// [`SCRIPT_CHARS_PER_SECOND`] (one minute when the script comes from a variable).
    pub fn estimate(&self, request: &CardRequest, source_seconds: Option<f64>) -> Credits {
        let source_seconds = source_seconds
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
            .unwrap_or(DEFAULT_SOURCE_SECONDS);
        let seconds = match (request.duration_seconds, request.kind) {
            (Some(duration), _) => f64::from(duration),
            (None, GenerationType::SpeechFromText) if request.script_chars > 0 => {
                script_seconds(request.script_chars)
            }
            (None, GenerationType::SpeechFromText) => DEFAULT_SOURCE_SECONDS,
            (None, _) => source_seconds,
        };
        let usage = Usage {
            images: request.images,
            seconds,
            tokens: request.max_tokens.unwrap_or(DEFAULT_TEXT_TOKENS),
        };
        match self.lookup(request.kind, request.model.as_deref()) {
            Some(price) => self.charge(price, usage),
            None => Credits::ZERO,
        }
    }

    /// The credits for rendering `seconds` of output video.
    pub fn render(&self, seconds: f64) -> Credits {
        let usage = Usage {
            images: 1,
            seconds: if seconds.is_finite() {
                seconds.max(0.0)
            } else {
                0.0
            },
            tokens: DEFAULT_TEXT_TOKENS,
        };
        self.price_or_built_in(RENDER_KEY)
            .map_or(Credits::ZERO, |price| self.charge(price, usage))
    }

    /// What gathering `posts` posts and `comments` comments costs: their documented dollar
    /// prices summed, through the credit formula ([`PriceTable::for_usd`]) in the post
    /// price's tier.
    pub fn for_scraping(&self, posts: u64, comments: u64) -> Credits {
        let post = self.price_or_built_in(SCRAPED_POST_KEY);
        let comment = self.price_or_built_in(SCRAPED_COMMENT_KEY);
        #[expect(
            clippy::cast_precision_loss,
            reason = "counts of scraped items are far below 2^52"
        )]
        let usd = post.map_or(0.0, |price| price.usd * posts as f64)
            + comment.map_or(0.0, |price| price.usd * comments as f64);
        let tier = post.map_or(Tier::GenerativeAi, |price| price.tier);
        self.for_usd(usd, tier)
    }

    /// GEN's formula on a dollar amount: `round(usd / 0.0087 × markup)` whole credits, at least
    /// 1 when anything was spent, 0 when nothing was. Used to reconcile a pre-charge with what
    /// the provider actually billed.
    pub fn for_usd(&self, usd: f64, tier: Tier) -> Credits {
        if !(usd.is_finite() && usd > 0.0) {
            return Credits::ZERO;
        }
        let credits = (usd / USD_PER_CREDIT * self.markup.ratio(tier)).round();
        // Saturating float-to-int conversion; no real cost comes near i64::MAX thousandths.
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a rounded credit count; `as` saturates on absurd values"
        )]
        let whole = credits as i64;
        Credits::whole(whole.clamp(1, i64::MAX / 1000))
    }

    /// The price for a card: its own key, else the type's default model (for a request built
    /// by hand with a model the table lacks).
    fn lookup(&self, kind: GenerationType, model: Option<&str>) -> Option<Price> {
        let fallback = request::models(kind).first().copied();
        [model, fallback]
            .into_iter()
            .find_map(|model| self.price_or_built_in(&price_key(kind, model)))
    }

    /// The price under `key`, falling back to the built-in one when this table (deserialised
    /// from a file, say) lacks it.
    pub(crate) fn price_or_built_in(&self, key: &str) -> Option<Price> {
        self.price(key).copied().or_else(|| {
            BUILT_IN
                .iter()
                .find(|(built_in, ..)| *built_in == key)
                .map(|&(_, tier, usd, per)| Price { tier, usd, per })
        })
    }

    fn charge(&self, price: Price, usage: Usage) -> Credits {
        if !(price.usd.is_finite() && price.usd > 0.0) {
            return Credits::ZERO;
        }
        let usd = price.usd * usage.quantity(price.per);
        if usd > 0.0 {
            self.for_usd(usd, price.tier)
        } else {
            // A paid operation of zero size still costs the minimum.
            Credits::whole(1)
        }
    }
}

/// Seconds of speech a script of `chars` characters makes.
fn script_seconds(chars: usize) -> f64 {
    let chars = u32::try_from(chars).unwrap_or(u32::MAX);
    f64::from(chars) / SCRIPT_CHARS_PER_SECOND
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generation::request::validate;
    use serde_json::{Value, json};

    fn card(kind: GenerationType, data: Value) -> CardRequest {
        match data {
            Value::Object(map) => validate(kind, &map).unwrap(),
            other => panic!("test data must be an object, got {other}"),
        }
    }

    #[test]
    fn scraping_is_priced_per_post_and_per_comment() {
        let table = PriceTable::default();
        // 20 posts: $0.30 / 0.0087 × 1.3 = 44.8 → 45 credits.
        assert_eq!(table.for_scraping(20, 0), Credits::whole(45));
        // and 400 comments: + $0.80 → $1.10 / 0.0087 × 1.3 = 164.4 → 164 credits.
        assert_eq!(table.for_scraping(20, 400), Credits::whole(164));
        assert_eq!(table.for_scraping(0, 0), Credits::ZERO);
        assert_eq!(table.for_scraping(1, 0), Credits::whole(2));
    }

    fn credits(table: &PriceTable, kind: GenerationType, data: Value) -> i64 {
        table.estimate(&card(kind, data), None).millis() / 1000
    }

    fn built_in(kind: GenerationType, data: Value) -> i64 {
        credits(&PriceTable::default(), kind, data)
    }

    #[test]
    fn text_examples_land_in_their_documented_ranges() {
        let flash = built_in(
            GenerationType::Text,
            json!({"prompt": "p", "model": "gemini_2_0_flash"}),
        );
        assert!((1..=3).contains(&flash), "{flash}");
        let pro = built_in(
            GenerationType::Text,
            json!({"prompt": "p", "model": "gemini_2_5_pro", "max_length": 500}),
        );
        assert!((4..=8).contains(&pro), "{pro}");
    }

    #[test]
    fn a_longer_text_cap_costs_more() {
        let long = built_in(
            GenerationType::Text,
            json!({"prompt": "p", "max_length": 8192}),
        );
        assert_eq!(long, 28);
    }

    #[test]
    fn image_examples_land_near_their_documented_costs() {
        let gemini = built_in(GenerationType::ImageFromText, json!({"prompt": "p"}));
        assert_eq!(gemini, 5);
        let midjourney = built_in(
            GenerationType::ImageFromText,
            json!({"prompt": "p", "model": "midjourney"}),
        );
        assert_eq!(midjourney, 15);
        let two = built_in(
            GenerationType::ImageFromText,
            json!({"prompt": "p", "number_of_images": 2}),
        );
        assert_eq!(two, 10);
    }

    #[test]
    fn video_examples_land_near_their_documented_costs() {
        let seedance = built_in(
            GenerationType::VideoFromText,
            json!({"prompt": "p", "model": "seedance_pro", "duration": 5}),
        );
        assert!((240..=260).contains(&seedance), "{seedance}");
        let veo = built_in(
            GenerationType::VideoFromText,
            json!({"prompt": "p", "model": "veo_3", "duration": 10}),
        );
        assert!((580..=620).contains(&veo), "{veo}");
    }

    #[test]
    fn a_minute_of_speech_costs_about_thirty_credits() {
        let minute_of_script = "a".repeat(900);
        let speech = built_in(
            GenerationType::SpeechFromText,
            json!({"script": minute_of_script, "voice_id": "v"}),
        );
        assert_eq!(speech, 30);
        let ten_seconds = built_in(
            GenerationType::SpeechFromText,
            json!({"script": "a".repeat(150), "voice_id": "v"}),
        );
        assert_eq!(ten_seconds, 5);
    }

    #[test]
    fn speech_from_a_variable_is_estimated_at_one_minute() {
        let speech = built_in(
            GenerationType::SpeechFromText,
            json!({"script_var": "s", "voice_id": "v"}),
        );
        assert_eq!(speech, 30);
    }

    #[test]
    fn ten_seconds_of_lipsync_cost_about_two_hundred_credits() {
        let table = PriceTable::default();
        let request = card(
            GenerationType::Lipsync,
            json!({"model": "sync_so", "video_resource_id": 1, "audio_resource_id": 2}),
        );
        assert_eq!(table.estimate(&request, Some(10.0)), Credits::whole(200));
        let faster = card(
            GenerationType::Lipsync,
            json!({"model": "gen", "video_resource_id": 1, "audio_resource_id": 2}),
        );
        assert_eq!(table.estimate(&faster, Some(10.0)), Credits::whole(138));
    }

    #[test]
    fn captions_are_priced_by_source_length_defaulting_to_a_minute() {
        let table = PriceTable::default();
        let request = card(GenerationType::Captions, json!({"source_resource_id": 1}));
        assert_eq!(table.estimate(&request, None), Credits::whole(10));
        assert_eq!(table.estimate(&request, Some(60.0)), Credits::whole(10));
        assert_eq!(table.estimate(&request, Some(120.0)), Credits::whole(20));
        assert_eq!(table.estimate(&request, Some(f64::NAN)), Credits::whole(10));
    }

    #[test]
    fn thirty_seconds_of_render_cost_about_fifty_credits() {
        assert_eq!(PriceTable::default().render(30.0), Credits::whole(50));
    }

    #[test]
    fn media_is_free() {
        let media = card(GenerationType::Media, json!({"content_resource_id": 1}));
        assert_eq!(
            PriceTable::default().estimate(&media, Some(300.0)),
            Credits::ZERO
        );
    }

    #[test]
    fn the_formula_matches_the_agent_operation_examples() {
        let table = PriceTable::default();
        assert_eq!(table.for_usd(0.17, Tier::Llm), Credits::whole(59));
        assert_eq!(table.for_usd(0.32, Tier::Llm), Credits::whole(110));
        assert_eq!(table.for_usd(0.02, Tier::Llm), Credits::whole(7));
        assert_eq!(table.for_usd(0.10, Tier::Llm), Credits::whole(34));
    }

    #[test]
    fn the_formula_rounds_to_the_nearest_whole_credit() {
        let table = PriceTable::with_overrides_toml(
            "[markup]\ngenerative_ai = 1.0\ngpu = 1.0\nllm = 1.0\n",
        )
        .unwrap();
        assert_eq!(
            table.for_usd(USD_PER_CREDIT * 2.4, Tier::Gpu),
            Credits::whole(2)
        );
        assert_eq!(
            table.for_usd(USD_PER_CREDIT * 2.6, Tier::Gpu),
            Credits::whole(3)
        );
        assert_eq!(
            table.for_usd(USD_PER_CREDIT * 100.0, Tier::Llm),
            Credits::whole(100)
        );
    }

    #[test]
    fn any_paid_operation_costs_at_least_one_credit() {
        let table = PriceTable::default();
        assert_eq!(table.for_usd(0.000_01, Tier::Gpu), Credits::whole(1));
        assert_eq!(table.render(0.0), Credits::whole(1));
        let tiny = card(
            GenerationType::Text,
            json!({"prompt": "p", "model": "gpt_4o_mini", "max_length": 1}),
        );
        assert_eq!(table.estimate(&tiny, None), Credits::whole(1));
    }

    #[test]
    fn nothing_spent_costs_nothing() {
        let table = PriceTable::default();
        assert_eq!(table.for_usd(0.0, Tier::Llm), Credits::ZERO);
        assert_eq!(table.for_usd(-1.0, Tier::Llm), Credits::ZERO);
        assert_eq!(table.for_usd(f64::NAN, Tier::Llm), Credits::ZERO);
    }

    #[test]
    fn every_model_of_every_type_has_a_paid_built_in_price() {
        let table = PriceTable::default();
        for kind in GenerationType::ALL {
            let models = request::models(kind);
            let keys: Vec<String> = if models.is_empty() {
                vec![price_key(kind, None)]
            } else {
                models
                    .iter()
                    .map(|model| price_key(kind, Some(model)))
                    .collect()
            };
            for key in keys {
                let price = table
                    .price(&key)
                    .unwrap_or_else(|| panic!("no price {key}"));
                assert_eq!(price.usd > 0.0, kind != GenerationType::Media, "{key}");
            }
        }
        assert!(table.price(RENDER_KEY).is_some());
        assert_eq!(table.prices.len(), BUILT_IN.len());
    }

    #[test]
    fn overrides_change_markups_and_prices() {
        let table = PriceTable::with_overrides_toml(
            r#"
            [markup]
            llm = 2.5

            [prices."video_from_text.veo_3"]
            tier = "generative_ai"
            usd = 0.5
            per = "second"
            "#,
        )
        .unwrap();
        assert!((table.markup.llm - 2.5).abs() < f64::EPSILON);
        assert!((table.markup.gpu - 1.5).abs() < f64::EPSILON);
        let veo = credits(
            &table,
            GenerationType::VideoFromText,
            json!({"prompt": "p", "model": "veo_3", "duration": 10}),
        );
        assert_eq!(veo, 747);
        let flash = credits(&table, GenerationType::Text, json!({"prompt": "p"}));
        assert_eq!(flash, 1);
    }

    #[test]
    fn an_override_may_change_one_part_of_a_price() {
        let table = PriceTable::with_overrides_toml("[prices.render]\nusd = 0.02\n").unwrap();
        let render = table.price(RENDER_KEY).copied();
        assert_eq!(
            render,
            Some(Price {
                tier: Tier::Gpu,
                usd: 0.02,
                per: Unit::Second
            })
        );
        assert_eq!(table.render(30.0), Credits::whole(103));
        let per_call =
            PriceTable::with_overrides_toml("[prices.\"text.gpt_4o\"]\nper = \"call\"\n").unwrap();
        let text = credits(
            &per_call,
            GenerationType::Text,
            json!({"prompt": "p", "model": "gpt_4o", "max_length": 8000}),
        );
        assert_eq!(text, 14);
    }

    #[test]
    fn an_override_may_make_an_operation_free() {
        let table =
            PriceTable::with_overrides_toml("[prices.\"captions.gemini\"]\nusd = 0\n").unwrap();
        let request = card(GenerationType::Captions, json!({"source_resource_id": 1}));
        assert_eq!(table.estimate(&request, None), Credits::ZERO);
    }

    #[test]
    fn bad_overrides_are_refused_with_the_entry_named() {
        let unknown = PriceTable::with_overrides_toml("[prices.\"text.gpt_5\"]\nusd = 1\n");
        assert_eq!(
            unknown,
            Err("prices.\"text.gpt_5\" is not a known price key".to_owned())
        );
        let negative = PriceTable::with_overrides_toml("[prices.media]\nusd = -1\n");
        assert_eq!(
            negative,
            Err("prices.\"media\".usd must be zero or more".to_owned())
        );
        let markup = PriceTable::with_overrides_toml("[markup]\ngpu = 0\n");
        assert_eq!(
            markup,
            Err("markup.gpu must be a positive number".to_owned())
        );
        assert!(PriceTable::with_overrides_toml("[markup]\nvideo = 2\n").is_err());
        assert!(PriceTable::with_overrides_toml("[prices.render]\nper = \"hour\"\n").is_err());
        assert!(PriceTable::with_overrides_toml("[prices.render]\ntier = \"cpu\"\n").is_err());
        assert!(PriceTable::with_overrides_toml("not toml at all").is_err());
    }

    #[test]
    fn an_empty_override_leaves_the_built_in_table() {
        assert_eq!(
            PriceTable::with_overrides_toml(""),
            Ok(PriceTable::default())
        );
    }

    #[test]
    fn the_table_round_trips_through_toml_and_json() {
        let table = PriceTable::default();
        let text = toml::to_string(&table).unwrap();
        assert!(
            text.contains("[prices.\"video_from_text.veo_3\"]"),
            "{text}"
        );
        assert!(text.contains("per = \"1k_tokens\""), "{text}");
        assert_eq!(toml::from_str::<PriceTable>(&text).unwrap(), table);
        let json = serde_json::to_string(&table).unwrap();
        assert_eq!(serde_json::from_str::<PriceTable>(&json).unwrap(), table);
    }

    #[test]
    fn a_table_missing_entries_falls_back_to_the_built_in_prices() {
        let sparse: PriceTable = toml::from_str("[markup]\nllm = 3.0\n[prices]\n").unwrap();
        assert!(sparse.prices.is_empty());
        let request = card(GenerationType::ImageFromText, json!({"prompt": "p"}));
        assert_eq!(sparse.estimate(&request, None), Credits::whole(5));
        assert_eq!(sparse.render(30.0), Credits::whole(50));
    }

    #[test]
    fn a_hand_built_request_with_an_unpriced_model_uses_the_default_model() {
        let mut request = card(GenerationType::Text, json!({"prompt": "p"}));
        request.model = Some("mystery".to_owned());
        assert_eq!(
            PriceTable::default().estimate(&request, None),
            Credits::whole(2)
        );
    }
}
