//! `--bundle DIR`: a machine bundle (written by `sstp-cert collect`) in
//! place of `--store`, `--netsh` and `--registry`.

use std::path::Path;

use sstp_cert::adapters::bundle::{Bundle, STORE_DIR};

use crate::CliError;
use crate::state::State;

/// Reads the bundle in `dir`: a damaged part is an error naming its file.
pub fn load(dir: &Path) -> Result<Bundle, CliError> {
    Bundle::load(dir).map_err(|e| CliError(e.to_string()))
}

/// How the bundle's store is named in reports: `DIR/store (machine NAME)`.
pub fn store_name(bundle: &Bundle) -> String {
    format!(
        "{} (machine {})",
        bundle.path.join(STORE_DIR).display(),
        bundle.machine_name()
    )
}

/// A machine's state from the bundle in `dir`. A part missing from the
/// bundle is unknown (behaviour §11): the notes say so and what is assumed.
pub fn load_state(dir: &Path) -> Result<State, CliError> {
    let bundle = load(dir)?;
    let store_name = store_name(&bundle);
    let parameters = bundle.state.parameters();
    let Bundle {
        state,
        store_problems,
        listing_problems,
        notes,
        ..
    } = bundle;
    Ok(State {
        store_name,
        machine: state,
        store_problems,
        listing_problems,
        parameters,
        notes,
    })
}
