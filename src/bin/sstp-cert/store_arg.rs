//! The `--store` argument: which certificate store to read
//! ([`StoreSource`], parsed by the library).

use sstp_cert::adapters::state_source::StoreSource;

use crate::CliError;

/// The store named, or the default when `--store` was not given: on
/// Windows `windows:LocalMachine\MY` (the store the SSTP service reads);
/// elsewhere an error asking for `--store`.
pub fn store_or_default(arg: Option<StoreSource>) -> Result<StoreSource, CliError> {
    match arg {
        Some(arg) => Ok(arg),
        None if cfg!(windows) => Ok(StoreSource::service_store()),
        None => Err(CliError(
            "--store is required: a directory of certificate files (windows:LocalMachine\\MY can only be read on Windows)"
                .into(),
        )),
    }
}
