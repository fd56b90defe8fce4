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
        let f = std::fs::File::open(path).map_err(|e| CliError(format!("{shown}: {e}")))?;
        f.take(limit)
            .read_to_end(&mut buf)
            .map_err(|e| CliError(format!("{shown}: {e}")))?;
    }
    if buf.len() > max {
        return Err(CliError(format!(
            "{shown}: more than {max} bytes, the most this input may have"
        )));
    }
    Ok(buf)
}
