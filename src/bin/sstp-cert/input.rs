//! Reading input files (or standard input) with a size limit.

use std::io::Read as _;
use std::path::Path;

use crate::CliError;

/// Reads `path` (or standard input for `-`), refusing more than `max` bytes
/// before reading them all.
pub fn read_limited(path: &Path, max: usize) -> Result<Vec<u8>, CliError> {
    let shown = path.display().to_string();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut buf = Vec::new();
    if shown == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| CliError(format!("standard input: {e}")))?;
    } else {
        let f = std::fs::File::open(path)
            .map_err(|e| CliError(format!("{shown}: {}", io_sentence(&e))))?;
        f.take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| CliError(format!("{shown}: {}", io_sentence(&e))))?;
    }
    if buf.len() > max {
        return Err(CliError(format!(
            "{shown}: more than {max} bytes, the most this input may have"
        )));
    }
    Ok(buf)
}

/// An I/O error as a sentence: the OS text without Rust's `(os error N)`.
pub fn io_sentence(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".to_owned(),
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        ErrorKind::IsADirectory => "is a directory, not a file".to_owned(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error ") {
                Some(i) => text[..i].to_owned(),
                None => text,
            }
        }
    }
}
