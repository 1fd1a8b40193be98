//! Whisper base's weights: the CTranslate2 variables of `model.bin` renamed to the names
//! candle's Whisper reads (Hugging Face's), the fused projections split (self-attention's
//! query-key-value rows into three, cross-attention's key-value rows into two; keys have no
//! bias), half floats widened to f32. Also the model's shape, which the package does not ship.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_transformers::models::whisper::Config;

use super::ct2::{self, Element, Variable};

/// Whisper base: 80 mel bins, 512 wide, 6 encoder and 6 decoder layers of 8 heads.
pub fn base_config() -> Config {
    Config {
        num_mel_bins: 80,
        max_source_positions: 1500,
        d_model: 512,
        encoder_attention_heads: 8,
        encoder_layers: 6,
        vocab_size: 51865,
        max_target_positions: 448,
        decoder_attention_heads: 8,
        decoder_layers: 6,
        suppress_tokens: Vec::new(),
    }
}

/// Which rows of a variable a name takes: all of them, or the `index`th of `of` equal blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rows {
    All,
    Block { index: usize, of: usize },
}

/// Reads `model.bin` into tensors under candle's names.
pub fn load(path: &Path) -> Result<HashMap<String, Tensor>, String> {
    let file = std::fs::File::open(path)
        .map_err(|err| format!("could not open {}: {err}", path.display()))?;
    let mut tensors = HashMap::new();
    let header = ct2::read(std::io::BufReader::new(file), |variable| {
        tensors.extend(converted(&variable)?);
        Ok(())
    })
    .map_err(|err| format!("{} is not a readable Whisper model: {err}", path.display()))?;
    if header.spec != "WhisperSpec" {
        return Err(format!(
            "{} holds a {} model, not Whisper",
            path.display(),
            header.spec
        ));
    }
    Ok(tensors)
}

/// The tensors one variable becomes: none for the settings the file also stores as scalars.
fn converted(variable: &Variable) -> Result<Vec<(String, Tensor)>, String> {
    if variable.dims.is_empty() {
        return Ok(Vec::new());
    }
    let destinations = destinations(&variable.name)
        .ok_or_else(|| format!("unexpected variable {}", variable.name))?;
    if destinations.is_empty() {
        return Ok(Vec::new());
    }
    let dtype = match variable.element {
        Element::F16 => DType::F16,
        Element::Bf16 => DType::BF16,
        Element::F32 => DType::F32,
        other => return Err(format!("{} is {other:?}, not floats", variable.name)),
    };
    let fail = |err: candle_core::Error| format!("{}: {err}", variable.name);
    let whole = Tensor::from_raw_buffer(&variable.bytes, dtype, &variable.dims, &Device::Cpu)
        .and_then(|t| t.to_dtype(DType::F32))
        .map_err(fail)?;
    destinations
        .into_iter()
        .map(|(name, rows)| {
            let tensor = match rows {
                Rows::All => whole.clone(),
                Rows::Block { index, of } => {
                    let size = variable.dims[0] / of;
                    whole.narrow(0, index * size, size).map_err(fail)?
                }
            };
            Ok((name, tensor))
        })
        .collect()
}

/// The candle names (and rows) of a CTranslate2 variable; empty for a variable candle does not
/// read (the encoder's positions, which it computes), `None` for a name this does not know.
pub fn destinations(name: &str) -> Option<Vec<(String, Rows)>> {
    let (side, rest) = name.split_once('/')?;
    if side != "encoder" && side != "decoder" {
        return None;
    }
    let prefix = format!("model.{side}");
    let one = |to: String| Some(vec![(to, Rows::All)]);
    match rest {
        "embeddings/weight" if side == "decoder" => one(format!("{prefix}.embed_tokens.weight")),
        "position_encodings/encodings" if side == "decoder" => {
            one(format!("{prefix}.embed_positions.weight"))
        }
        "position_encodings/encodings" => Some(Vec::new()),
        _ => {
            let (module, param) = rest.rsplit_once('/')?;
            let param = match param {
                "gamma" | "weight" => "weight",
                "beta" | "bias" => "bias",
                _ => return None,
            };
            match module {
                "conv1" | "conv2" | "layer_norm" => one(format!("{prefix}.{module}.{param}")),
                _ => layer_destinations(&prefix, module, param),
            }
        }
    }
}

/// Destinations inside `layer_N/...`.
fn layer_destinations(prefix: &str, module: &str, param: &str) -> Option<Vec<(String, Rows)>> {
    let (layer, module) = module.split_once('/')?;
    let index: usize = layer.strip_prefix("layer_")?.parse().ok()?;
    let at = format!("{prefix}.layers.{index}");
    let one = |to: &str| Some(vec![(format!("{at}.{to}.{param}"), Rows::All)]);
    let fused = |attention: &str, projections: &[&str]| {
        let of = projections.len();
        Some(
            projections
                .iter()
                .enumerate()
                // Keys have no bias: their zero rows are dropped.
                .filter(|(_, projection)| param == "weight" || **projection != "k_proj")
                .map(|(index, projection)| {
                    (
                        format!("{at}.{attention}.{projection}.{param}"),
                        Rows::Block { index, of },
                    )
                })
                .collect(),
        )
    };
    match module {
        "self_attention/layer_norm" => one("self_attn_layer_norm"),
        "self_attention/linear_0" => fused("self_attn", &["q_proj", "k_proj", "v_proj"]),
        "self_attention/linear_1" => one("self_attn.out_proj"),
        "attention/layer_norm" => one("encoder_attn_layer_norm"),
        "attention/linear_0" => one("encoder_attn.q_proj"),
        "attention/linear_1" => fused("encoder_attn", &["k_proj", "v_proj"]),
        "attention/linear_2" => one("encoder_attn.out_proj"),
        "ffn/layer_norm" => one("final_layer_norm"),
        "ffn/linear_0" => one("fc1"),
        "ffn/linear_1" => one("fc2"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(name: &str) -> Vec<(String, Rows)> {
        destinations(name).unwrap_or_else(|| panic!("{name} is not mapped"))
    }

    #[test]
    fn ctranslate2_names_become_candles_and_fused_projections_are_split() {
        assert_eq!(
            names("encoder/layer_3/self_attention/layer_norm/gamma"),
            [(
                "model.encoder.layers.3.self_attn_layer_norm.weight".into(),
                Rows::All
            )]
        );
        let block = |index, of| Rows::Block { index, of };
        assert_eq!(
            names("decoder/layer_0/self_attention/linear_0/weight"),
            [
                (
                    "model.decoder.layers.0.self_attn.q_proj.weight".into(),
                    block(0, 3)
                ),
                (
                    "model.decoder.layers.0.self_attn.k_proj.weight".into(),
                    block(1, 3)
                ),
                (
                    "model.decoder.layers.0.self_attn.v_proj.weight".into(),
                    block(2, 3)
                ),
            ]
        );
        assert_eq!(
            names("decoder/layer_5/attention/linear_1/bias"),
            [(
                "model.decoder.layers.5.encoder_attn.v_proj.bias".into(),
                block(1, 2)
            )]
        );
        assert_eq!(
            names("decoder/embeddings/weight"),
            [("model.decoder.embed_tokens.weight".into(), Rows::All)]
        );
        assert_eq!(
            names("encoder/conv2/bias"),
            [("model.encoder.conv2.bias".into(), Rows::All)]
        );
        assert!(names("encoder/position_encodings/encodings").is_empty());
        assert_eq!(destinations("decoder/layer_0/cross/linear_0/weight"), None);
        assert_eq!(destinations("vocabulary/weight"), None);
    }

    #[test]
    fn a_fused_variable_is_cut_into_row_blocks_and_widened_to_f32() {
        // Six rows of one f16 each: q = [1, 2], k = [3, 4], v = [5, 6].
        let halves: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]
            .iter()
            .flat_map(|v| half_bits(*v).to_le_bytes())
            .collect();
        let variable = Variable {
            name: "encoder/layer_0/self_attention/linear_0/bias".into(),
            dims: vec![6],
            element: Element::F16,
            bytes: halves,
        };
        let tensors: HashMap<String, Tensor> = converted(&variable).unwrap().into_iter().collect();
        let values = |name: &str| tensors[name].to_vec1::<f32>().unwrap();
        assert_eq!(tensors.len(), 2, "the key bias is dropped");
        assert_eq!(
            values("model.encoder.layers.0.self_attn.q_proj.bias"),
            [1.0, 2.0]
        );
        assert_eq!(
            values("model.encoder.layers.0.self_attn.v_proj.bias"),
            [5.0, 6.0]
        );
    }

    /// The f16 bit pattern of a small whole number.
    fn half_bits(value: f32) -> u16 {
        let exponent = value.log2().floor() as i32;
        let mantissa = ((value / 2f32.powi(exponent) - 1.0) * 1024.0) as u16;
        (((exponent + 15) as u16) << 10) | mantissa
    }
}
