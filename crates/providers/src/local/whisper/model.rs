//! Whisper base in candle: candle's audio encoder, and a text decoder of our own that keeps
//! each layer's self-attention keys and values between steps (candle's recomputes every
//! earlier token at every step, which made decoding quadratic), and can hand back the
//! cross-attention weights of chosen heads (for word alignment). Weights come from
//! [`super::weights`]; the layout is OpenAI's, under Hugging Face's names.

use std::collections::HashMap;

use candle_core::{D, DType, Device, IndexOp, Result, Tensor};
use candle_nn::{Embedding, LayerNorm, Linear, Module, VarBuilder};
use candle_transformers::models::whisper::Config;
use candle_transformers::models::whisper::model::{AudioEncoder, Whisper};

/// The encoder and decoder.
pub struct Model {
    pub encoder: AudioEncoder,
    pub decoder: Decoder,
}

impl Model {
    pub fn new(tensors: HashMap<String, Tensor>, config: Config) -> Result<Self> {
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        let decoder = Decoder::load(vb.pp("model.decoder"), &config)?;
        let Whisper { encoder, .. } = Whisper::load(&vb, config)?;
        Ok(Self { encoder, decoder })
    }

    /// The encoder's view of a `[1, mels, frames]` spectrogram window.
    pub fn encode(&mut self, mel: &Tensor) -> Result<Tensor> {
        self.encoder.forward(mel, true)
    }
}

struct Attention {
    query: Linear,
    key: Linear,
    value: Linear,
    out: Linear,
    heads: usize,
}

impl Attention {
    fn load(width: usize, heads: usize, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            query: candle_nn::linear(width, width, vb.pp("q_proj"))?,
            key: candle_nn::linear_no_bias(width, width, vb.pp("k_proj"))?,
            value: candle_nn::linear(width, width, vb.pp("v_proj"))?,
            out: candle_nn::linear(width, width, vb.pp("out_proj"))?,
            heads,
        })
    }

    /// `[1, n, width]` → `[1, heads, n, width / heads]`.
    fn heads(&self, x: &Tensor) -> Result<Tensor> {
        let (batch, n, width) = x.dims3()?;
        x.reshape((batch, n, self.heads, width / self.heads))?
            .transpose(1, 2)?
            .contiguous()
    }

    /// Keys and values of `x`, split into heads.
    fn keys_values(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        Ok((
            self.heads(&self.key.forward(x)?)?,
            self.heads(&self.value.forward(x)?)?,
        ))
    }

    /// Attends from `x` to `keys`/`values`; also returns the weights `[1, heads, n, keys]`.
    fn attend(
        &self,
        x: &Tensor,
        keys: &Tensor,
        values: &Tensor,
        mask: Option<&Tensor>,
    ) -> Result<(Tensor, Tensor)> {
        let q = self.heads(&self.query.forward(x)?)?;
        let scale = ((q.dim(D::Minus1)?) as f64).powf(-0.5);
        let mut scores = (q.matmul(&keys.t()?)? * scale)?;
        if let Some(mask) = mask {
            scores = scores.broadcast_add(mask)?;
        }
        let weights = candle_nn::ops::softmax_last_dim(&scores)?;
        let mixed = weights.matmul(values)?.transpose(1, 2)?.flatten_from(2)?;
        Ok((self.out.forward(&mixed)?, weights))
    }
}

struct Block {
    self_attention: Attention,
    self_norm: LayerNorm,
    cross_attention: Attention,
    cross_norm: LayerNorm,
    grow: Linear,
    shrink: Linear,
    mlp_norm: LayerNorm,
}

fn layer_norm(width: usize, vb: VarBuilder) -> Result<LayerNorm> {
    Ok(LayerNorm::new(
        vb.get(width, "weight")?,
        vb.get(width, "bias")?,
        1e-5,
    ))
}

/// The text decoder.
pub struct Decoder {
    heads: usize,
    embedding: Embedding,
    positions: Tensor,
    blocks: Vec<Block>,
    norm: LayerNorm,
}

/// One window's decoding state: the encoder's keys and values for each layer, and the
/// self-attention keys and values of the tokens so far.
pub struct DecoderState {
    cross: Vec<(Tensor, Tensor)>,
    past: Vec<Option<(Tensor, Tensor)>>,
    length: usize,
}

impl DecoderState {
    /// The same window with no tokens seen (the encoder's keys and values are kept).
    pub fn restarted(&self) -> Self {
        Self {
            cross: self.cross.clone(),
            past: vec![None; self.past.len()],
            length: 0,
        }
    }

    /// Tokens seen so far.
    pub fn tokens_seen(&self) -> usize {
        self.length
    }
}

impl Decoder {
    fn load(vb: VarBuilder, config: &Config) -> Result<Self> {
        let width = config.d_model;
        let heads = config.decoder_attention_heads;
        let blocks = (0..config.decoder_layers)
            .map(|i| {
                let vb = vb.pp(format!("layers.{i}"));
                Ok(Block {
                    self_attention: Attention::load(width, heads, vb.pp("self_attn"))?,
                    self_norm: layer_norm(width, vb.pp("self_attn_layer_norm"))?,
                    cross_attention: Attention::load(width, heads, vb.pp("encoder_attn"))?,
                    cross_norm: layer_norm(width, vb.pp("encoder_attn_layer_norm"))?,
                    grow: candle_nn::linear(width, 4 * width, vb.pp("fc1"))?,
                    shrink: candle_nn::linear(4 * width, width, vb.pp("fc2"))?,
                    mlp_norm: layer_norm(width, vb.pp("final_layer_norm"))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            heads,
            embedding: candle_nn::embedding(config.vocab_size, width, vb.pp("embed_tokens"))?,
            positions: vb.get(
                (config.max_target_positions, width),
                "embed_positions.weight",
            )?,
            blocks,
            norm: layer_norm(width, vb.pp("layer_norm"))?,
        })
    }

    /// Whether `(layer, head)` names a cross-attention head of this decoder.
    pub fn has_head(&self, (layer, head): (usize, usize)) -> bool {
        layer < self.blocks.len() && head < self.heads
    }

    /// The most tokens one window may hold.
    pub fn capacity(&self) -> usize {
        self.positions.dim(0).unwrap_or(0)
    }

    /// A fresh state for the window the encoder saw as `audio` (`[1, frames, width]`).
    pub fn start(&self, audio: &Tensor) -> Result<DecoderState> {
        let cross = self
            .blocks
            .iter()
            .map(|block| block.cross_attention.keys_values(audio))
            .collect::<Result<Vec<_>>>()?;
        Ok(DecoderState {
            cross,
            past: vec![None; self.blocks.len()],
            length: 0,
        })
    }

    /// Feeds `tokens` after those already in `state`; returns their hidden states
    /// `[n, width]`. When `heads` names `(layer, head)` pairs, also returns each one's
    /// cross-attention weights `[n, frames]`, in that order.
    pub fn forward(
        &self,
        state: &mut DecoderState,
        tokens: &[u32],
        heads: &[(usize, usize)],
    ) -> Result<(Tensor, Vec<Tensor>)> {
        let (start, n) = (state.length, tokens.len());
        let device = Device::Cpu;
        let ids = Tensor::new(tokens, &device)?.unsqueeze(0)?;
        let mut x = self
            .embedding
            .forward(&ids)?
            .broadcast_add(&self.positions.narrow(0, start, n)?)?;
        let mask = (n > 1)
            .then(|| {
                let cells: Vec<f32> = (0..n)
                    .flat_map(|i| {
                        (0..start + n).map(move |j| {
                            if j > start + i {
                                f32::NEG_INFINITY
                            } else {
                                0.0
                            }
                        })
                    })
                    .collect();
                Tensor::from_vec(cells, (n, start + n), &device)
            })
            .transpose()?;
        let mut alignment: Vec<Option<Tensor>> = vec![None; heads.len()];
        for (layer, block) in self.blocks.iter().enumerate() {
            let normed = block.self_norm.forward(&x)?;
            let (mut keys, mut values) = block.self_attention.keys_values(&normed)?;
            if let Some((past_keys, past_values)) = &state.past[layer] {
                keys = Tensor::cat(&[past_keys, &keys], 2)?;
                values = Tensor::cat(&[past_values, &values], 2)?;
            }
            let (attended, _) =
                block
                    .self_attention
                    .attend(&normed, &keys, &values, mask.as_ref())?;
            state.past[layer] = Some((keys, values));
            x = (x + attended)?;

            let normed = block.cross_norm.forward(&x)?;
            let (audio_keys, audio_values) = &state.cross[layer];
            let (attended, weights) =
                block
                    .cross_attention
                    .attend(&normed, audio_keys, audio_values, None)?;
            for (slot, &(wanted, head)) in alignment.iter_mut().zip(heads) {
                if wanted == layer {
                    *slot = Some(weights.i((0, head))?);
                }
            }
            x = (x + attended)?;

            let normed = block.mlp_norm.forward(&x)?;
            let mlp = block
                .shrink
                .forward(&block.grow.forward(&normed)?.gelu_erf()?)?;
            x = (x + mlp)?;
        }
        state.length += n;
        let hidden = self.norm.forward(&x)?.squeeze(0)?;
        let weights = alignment.into_iter().flatten().collect();
        Ok((hidden, weights))
    }

    /// The logits of one hidden state `[width]` over the whole vocabulary.
    pub fn logits(&self, hidden: &Tensor) -> Result<Vec<f32>> {
        hidden
            .unsqueeze(0)?
            .matmul(&self.embedding.embeddings().t()?)?
            .squeeze(0)?
            .to_vec1()
    }
}
