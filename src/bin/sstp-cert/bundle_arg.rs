//! `--bundle DIR`: a machine bundle (written by `sstp-cert collect`) in
//! place of `--store`, `--netsh` and `--registry`.

use std::path::Path;

use sstp_cert::adapters::bundle::Bundle;

use crate::CliError;

/// Reads the bundle in `dir`: a damaged part is an error naming its file.
pub fn load(dir: &Path) -> Result<Bundle, CliError> {
    Bundle::load(dir).map_err(|e| CliError(e.to_string()))
}
