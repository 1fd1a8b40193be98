//! Webhooks: the Standard Webhooks signature scheme ace signs every delivery with.

pub mod signature;
