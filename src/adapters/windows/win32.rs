//! Win32 error values and the UTF-16 helpers the raw readers share.
#![allow(unsafe_code)]

use std::fmt;

use windows_sys::Win32::System::Diagnostics::Debug::{
    FORMAT_MESSAGE_FROM_SYSTEM, FORMAT_MESSAGE_IGNORE_INSERTS, FormatMessageW,
};

/// A Win32 error code (or a CryptoAPI `HRESULT` such as `CRYPT_E_NOT_FOUND`)
/// with the system's text for it.
///
/// Displays as `error 2 (0x00000002): The system cannot find the file
/// specified.`; the message is looked up once, when the value is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Win32Error {
    code: u32,
    message: String,
}

impl Win32Error {
    /// The error for `code`, with the system's message text for it (empty
    /// when the system has none).
    pub fn from_code(code: u32) -> Self {
        Self {
            code,
            message: system_message(code),
        }
    }

    /// The calling thread's last error (`GetLastError`).
    pub fn last() -> Self {
        Self::from_code(last_error_code())
    }

    /// The numeric code, e.g. 5 for `ERROR_ACCESS_DENIED`.
    pub fn code(&self) -> u32 {
        self.code
    }

    /// The system's message text for the code, without the trailing line
    /// break; empty when the system has none.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Win32Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {} (0x{:08X})", self.code, self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Win32Error {}

/// The calling thread's last error code (`GetLastError`), without looking up
/// its message.
pub(crate) fn last_error_code() -> u32 {
    // `raw_os_error` is always `Some` for `last_os_error`; the cast keeps the
    // bit pattern of HRESULT-style codes such as 0x80092004.
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0) as u32
}

/// The system's message text for `code`, or an empty string.
fn system_message(code: u32) -> String {
    let mut buffer = [0u16; 512];
    // SAFETY: FORMAT_MESSAGE_FROM_SYSTEM with IGNORE_INSERTS reads no source
    // and no arguments (both null); `buffer` is a writable array whose length
    // in UTF-16 units is passed as `nsize`, and without
    // FORMAT_MESSAGE_ALLOCATE_BUFFER the function writes at most that many
    // units into it and returns how many it wrote (0 on failure).
    let written = unsafe {
        FormatMessageW(
            FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
            std::ptr::null(),
            code,
            0,
            buffer.as_mut_ptr(),
            buffer.len() as u32,
            std::ptr::null(),
        )
    };
    let written = (written as usize).min(buffer.len());
    String::from_utf16_lossy(&buffer[..written])
        .trim_end()
        .to_owned()
}

/// `text` as a NUL-terminated UTF-16 string, for the `W` functions.
pub(crate) fn to_wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

/// UTF-16 text from little-endian bytes as the OS stores it: an odd trailing
/// byte is ignored, the text ends at the first NUL, and unpaired surrogates
/// become U+FFFD.
pub(crate) fn utf16_bytes_to_string(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    utf16_units_to_string(&units)
}

/// UTF-16 text up to the first NUL (or the end), unpaired surrogates
/// replaced by U+FFFD.
pub(crate) fn utf16_units_to_string(units: &[u16]) -> String {
    let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
    String::from_utf16_lossy(&units[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win32_error_displays_code_and_system_text() {
        let error = Win32Error::from_code(2);
        assert_eq!(error.code(), 2);
        let text = error.to_string();
        assert!(text.starts_with("error 2 (0x00000002)"), "{text}");
        assert!(!error.message().ends_with('\n'));
    }

    #[test]
    fn utf16_helpers_stop_at_nul_and_ignore_odd_byte() {
        assert_eq!(utf16_bytes_to_string(b"M\0Y\0\0\0x\0"), "MY");
        assert_eq!(utf16_bytes_to_string(b"M\0Y\0Z"), "MY");
        assert_eq!(utf16_units_to_string(&[0xD800, 0x41]), "\u{FFFD}A");
        assert_eq!(to_wide("MY"), vec![0x4D, 0x59, 0]);
    }
}
