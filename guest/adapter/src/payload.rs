//! The one place that knows how the WIT `payload` type carries bytes.
//!
//! Today `payload` is a latin-1 `string` (every character is one byte,
//! U+0000..=U+00FF); when it becomes `list<u8>`, only this module changes.

use crate::errors::invalid;
use crate::Error;

/// The bytes a `payload` stands for; `invalid` for a character above U+00FF.
pub fn bytes(payload: &str) -> Result<Vec<u8>, Error> {
    if payload.is_ascii() {
        return Ok(payload.as_bytes().to_vec());
    }
    payload
        .chars()
        .map(|c| u8::try_from(u32::from(c)))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| invalid("payload characters must be in U+0000..=U+00FF (one byte each)"))
}
