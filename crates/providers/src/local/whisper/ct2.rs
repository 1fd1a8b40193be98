//! A reader of CTranslate2 model files (`model.bin`, binary versions 4 to 6), the format the
//! Whisper package ships in. The file is a little-endian list of named arrays: a version, the
//! spec's name and revision, then per variable its name, rank, dimensions, element type, byte
//! count and bytes; version 3 and later end with aliases (one name standing for another, such
//! as a projection tied to the embeddings). Strings are a u16 length, counting a closing NUL,
//! then the bytes. Pure: it knows nothing of Whisper.

use std::io::Read;

/// The oldest and newest layouts read (4 added the element type byte).
const VERSIONS: std::ops::RangeInclusive<u32> = 4..=6;

/// An element type, as CTranslate2 numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Element {
    F32,
    I8,
    I16,
    I32,
    F16,
    Bf16,
}

impl Element {
    fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            0 => Self::F32,
            1 => Self::I8,
            2 => Self::I16,
            3 => Self::I32,
            4 => Self::F16,
            5 => Self::Bf16,
            _ => return None,
        })
    }

    pub fn size(self) -> usize {
        match self {
            Self::I8 => 1,
            Self::I16 | Self::F16 | Self::Bf16 => 2,
            Self::F32 | Self::I32 => 4,
        }
    }
}

/// One named array.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub name: String,
    pub dims: Vec<usize>,
    pub element: Element,
    /// Little-endian elements, row-major.
    pub bytes: Vec<u8>,
}

/// What a model file says besides its variables.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// Such as `WhisperSpec`.
    pub spec: String,
    /// `(alias, name)`: `alias` is another name for the variable `name`.
    pub aliases: Vec<(String, String)>,
}

/// Reads a model file, handing each variable to `each` as it is read (so a caller converting
/// them never holds the whole file twice). Errors say what is wrong with the file, or what
/// `each` refused, for the log.
pub fn read(
    reader: impl Read,
    mut each: impl FnMut(Variable) -> Result<(), String>,
) -> Result<Header, String> {
    let mut input = Input(reader);
    let version = input.u32()?;
    if !VERSIONS.contains(&version) {
        return Err(format!(
            "CTranslate2 binary version {version} is not supported (only {}–{})",
            VERSIONS.start(),
            VERSIONS.end()
        ));
    }
    let spec = input.string()?;
    let _revision = input.u32()?;
    let count = input.u32()?;
    for _ in 0..count {
        let name = input.string()?;
        let rank = input.u8()?;
        let dims = (0..rank)
            .map(|_| input.u32().map(|d| d as usize))
            .collect::<Result<Vec<_>, _>>()?;
        let type_id = input.u8()?;
        let element = Element::from_id(type_id)
            .ok_or_else(|| format!("{name} has an unknown element type {type_id}"))?;
        let length = input.u32()? as usize;
        let elements: usize = dims.iter().product();
        if length != elements * element.size() {
            return Err(format!(
                "{name} is {dims:?} of {element:?} but holds {length} bytes"
            ));
        }
        let bytes = input.bytes(length)?;
        each(Variable {
            name,
            dims,
            element,
            bytes,
        })?;
    }
    let aliases = (0..input.u32()?)
        .map(|_| Ok((input.string()?, input.string()?)))
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Header { spec, aliases })
}

struct Input<R>(R);

impl<R: Read> Input<R> {
    fn bytes(&mut self, length: usize) -> Result<Vec<u8>, String> {
        let mut bytes = vec![0; length];
        self.0
            .read_exact(&mut bytes)
            .map_err(|err| format!("the file ends early: {err}"))?;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut bytes = [0; N];
        self.0
            .read_exact(&mut bytes)
            .map_err(|err| format!("the file ends early: {err}"))?;
        Ok(bytes)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        self.array().map(u32::from_le_bytes)
    }

    fn string(&mut self) -> Result<String, String> {
        let length = usize::from(u16::from_le_bytes(self.array()?));
        let mut bytes = self.bytes(length)?;
        if bytes.pop() != Some(0) {
            return Err("a name is not NUL-terminated".into());
        }
        String::from_utf8(bytes).map_err(|_| "a name is not UTF-8".into())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Writes a model file the way CTranslate2's converter does.
    pub(crate) fn written(
        version: u32,
        variables: &[(&str, &[u32], u8, &[u8])],
        aliases: &[(&str, &str)],
    ) -> Vec<u8> {
        fn string(out: &mut Vec<u8>, s: &str) {
            out.extend_from_slice(&(s.len() as u16 + 1).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
            out.push(0);
        }
        let mut out = Vec::new();
        out.extend_from_slice(&version.to_le_bytes());
        string(&mut out, "WhisperSpec");
        out.extend_from_slice(&3u32.to_le_bytes());
        out.extend_from_slice(&(variables.len() as u32).to_le_bytes());
        for (name, dims, element, bytes) in variables {
            string(&mut out, name);
            out.push(dims.len() as u8);
            for d in *dims {
                out.extend_from_slice(&d.to_le_bytes());
            }
            out.push(*element);
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            out.extend_from_slice(bytes);
        }
        out.extend_from_slice(&(aliases.len() as u32).to_le_bytes());
        for (alias, name) in aliases {
            string(&mut out, alias);
            string(&mut out, name);
        }
        out
    }

    #[test]
    fn a_model_file_gives_its_spec_variables_and_aliases() {
        let half_one_two = [0x00, 0x3c, 0x00, 0x40]; // f16 1.0 and 2.0
        let file = written(
            6,
            &[
                ("decoder/embeddings/weight", &[1, 2], 4, &half_one_two),
                ("decoder/num_heads", &[], 2, &[8, 0]),
            ],
            &[("decoder/projection/weight", "decoder/embeddings/weight")],
        );
        let mut variables = Vec::new();
        let header = read(file.as_slice(), |variable| {
            variables.push(variable);
            Ok(())
        })
        .unwrap();
        assert_eq!(header.spec, "WhisperSpec");
        assert_eq!(
            variables[0],
            Variable {
                name: "decoder/embeddings/weight".into(),
                dims: vec![1, 2],
                element: Element::F16,
                bytes: half_one_two.to_vec(),
            }
        );
        assert_eq!(variables[1].dims, Vec::<usize>::new());
        assert_eq!(variables[1].element, Element::I16);
        assert_eq!(
            header.aliases,
            [(
                "decoder/projection/weight".to_owned(),
                "decoder/embeddings/weight".to_owned()
            )]
        );
    }

    #[test]
    fn a_truncated_or_inconsistent_or_foreign_file_is_refused_with_a_reason() {
        let refusal = |bytes: &[u8]| read(bytes, |_| Ok(())).unwrap_err();
        let file = written(6, &[("w", &[2], 0, &[0; 8])], &[]);
        let cut = refusal(&file[..file.len() - 6]);
        assert!(cut.contains("ends early"), "{cut}");
        let wrong = refusal(&written(6, &[("w", &[3], 0, &[0; 8])], &[]));
        assert!(wrong.contains("holds 8 bytes"), "{wrong}");
        let old = refusal(&written(2, &[], &[]));
        assert!(old.contains("version 2"), "{old}");
        let unknown = refusal(&written(6, &[("w", &[1], 9, &[0])], &[]));
        assert!(unknown.contains("unknown element type 9"), "{unknown}");
    }
}
