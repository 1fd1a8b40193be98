//! Exposing an inner tensor of an ONNX model as an extra graph output, by editing the model's
//! protobuf bytes. Piper computes how many audio frames each phoneme lasts (the `Ceil` of its
//! predicted durations) but does not output it; naming that tensor a graph output gives word
//! timings for free. This is the one edit Piper's own `patch_voice_with_alignment` makes.
//!
//! Only the wire format is touched: the model is a `ModelProto` whose field 7 is the
//! `GraphProto`; a graph's outputs are its repeated field 12, each a `ValueInfoProto` (name 1,
//! type 2). Appending one more field 12 to the graph is a valid edit, since protobuf merges
//! repeated fields in order. Nothing else in the model is decoded.

/// `ModelProto.graph`.
const MODEL_GRAPH: u64 = 7;
/// `GraphProto.output`.
const GRAPH_OUTPUT: u64 = 12;
/// `TensorProto.DataType.FLOAT`.
const FLOAT: u64 = 1;

const VARINT: u64 = 0;
const FIXED64: u64 = 1;
const LENGTH_DELIMITED: u64 = 2;
const FIXED32: u64 = 5;

/// `model` with the float tensor `name` added to its graph's outputs, or why it could not be.
pub fn with_float_output(model: &[u8], name: &str) -> Result<Vec<u8>, String> {
    let mut patched = Vec::with_capacity(model.len() + 64);
    let mut rest = model;
    let mut found = false;
    while !rest.is_empty() {
        let field_start = rest;
        let (tag, after_tag) = varint(rest)?;
        let (field, wire) = (tag >> 3, tag & 7);
        let (value, after_value) = skip(after_tag, wire)?;
        if field == MODEL_GRAPH && wire == LENGTH_DELIMITED {
            found = true;
            let mut graph = value.to_vec();
            graph.extend(length_delimited(GRAPH_OUTPUT, &float_value_info(name)));
            patched.extend(length_delimited(MODEL_GRAPH, &graph));
        } else {
            let consumed = field_start.len() - after_value.len();
            patched.extend_from_slice(&field_start[..consumed]);
        }
        rest = after_value;
    }
    if found {
        Ok(patched)
    } else {
        Err("the model has no graph".into())
    }
}

/// A `ValueInfoProto` naming a float tensor of unknown shape.
fn float_value_info(name: &str) -> Vec<u8> {
    let tensor_type = [put_varint(1 << 3 | VARINT), put_varint(FLOAT)].concat();
    let type_proto = length_delimited(1, &tensor_type);
    [
        length_delimited(1, name.as_bytes()),
        length_delimited(2, &type_proto),
    ]
    .concat()
}

fn length_delimited(field: u64, bytes: &[u8]) -> Vec<u8> {
    let mut out = put_varint(field << 3 | LENGTH_DELIMITED);
    out.extend(put_varint(bytes.len() as u64));
    out.extend_from_slice(bytes);
    out
}

fn put_varint(mut value: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(10);
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// Reads a varint; returns it and the bytes after it.
fn varint(bytes: &[u8]) -> Result<(u64, &[u8]), String> {
    let mut value = 0u64;
    for (index, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * index);
        if byte & 0x80 == 0 {
            return Ok((value, &bytes[index + 1..]));
        }
    }
    Err("the model is not a valid protobuf (bad varint)".into())
}

/// Skips one field's value of wire type `wire`; returns the value's bytes (for length-delimited
/// fields, without the length) and the bytes after it.
fn skip(bytes: &[u8], wire: u64) -> Result<(&[u8], &[u8]), String> {
    let truncated = || "the model is truncated".to_owned();
    match wire {
        VARINT => {
            let (_, rest) = varint(bytes)?;
            Ok((&bytes[..bytes.len() - rest.len()], rest))
        }
        FIXED64 => (bytes.len() >= 8)
            .then(|| bytes.split_at(8))
            .ok_or_else(truncated),
        FIXED32 => (bytes.len() >= 4)
            .then(|| bytes.split_at(4))
            .ok_or_else(truncated),
        LENGTH_DELIMITED => {
            let (length, rest) = varint(bytes)?;
            let length = usize::try_from(length).map_err(|_| truncated())?;
            (rest.len() >= length)
                .then(|| rest.split_at(length))
                .ok_or_else(truncated)
        }
        other => Err(format!(
            "the model uses protobuf wire type {other}, which ONNX never does"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny ModelProto: ir_version 8, a graph named "g" with one output "y", a producer.
    fn model() -> Vec<u8> {
        let graph = [
            length_delimited(2, b"g"),
            length_delimited(GRAPH_OUTPUT, &length_delimited(1, b"y")),
        ]
        .concat();
        [
            put_varint(1 << 3 | VARINT),
            put_varint(8),
            length_delimited(MODEL_GRAPH, &graph),
            length_delimited(2, b"test"),
        ]
        .concat()
    }

    fn fields(bytes: &[u8]) -> Vec<(u64, Vec<u8>)> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let (tag, after) = varint(rest).unwrap();
            let (value, next) = skip(after, tag & 7).unwrap();
            out.push((tag >> 3, value.to_vec()));
            rest = next;
        }
        out
    }

    #[test]
    fn the_new_output_follows_the_graphs_own_outputs_and_everything_else_is_kept() {
        let patched = with_float_output(&model(), "/Ceil_output_0").unwrap();
        let top = fields(&patched);
        assert_eq!(top.iter().map(|(f, _)| *f).collect::<Vec<_>>(), [1, 7, 2]);
        assert_eq!(top[2].1, b"test");
        let graph = fields(&top[1].1);
        let outputs: Vec<_> = graph.iter().filter(|(f, _)| *f == GRAPH_OUTPUT).collect();
        assert_eq!(outputs.len(), 2);
        assert_eq!(fields(&outputs[0].1)[0].1, b"y");
        assert_eq!(fields(&outputs[1].1)[0].1, b"/Ceil_output_0");
    }

    #[test]
    fn bytes_that_are_not_a_model_are_refused() {
        assert!(with_float_output(&[0xff; 3], "x").is_err());
        assert!(with_float_output(&[1 << 3], "x").is_err());
        assert_eq!(
            with_float_output(&[], "x").unwrap_err(),
            "the model has no graph"
        );
    }

    #[test]
    fn varints_round_trip() {
        for value in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let encoded = put_varint(value);
            assert_eq!(varint(&encoded).unwrap(), (value, &[][..]));
        }
    }
}
