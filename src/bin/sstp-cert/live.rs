//! What only a Windows machine can be asked: its certificate store, its
//! `SstpSvc\Parameters` registry key and its HTTP.sys bindings, read live.
//!
//! On other platforms every function here is a clear error, so that
//! `--store windows:LocalMachine\MY` still parses everywhere and fails only
//! when used.

use sstp_cert::adapters::windows::records::SystemStoreName;
use sstp_cert::adapters::windows::typed::{BindingsSnapshot, RegistrySnapshot};
use sstp_cert::model::store::CertStore;

use crate::CliError;

/// The error for reading a Windows store elsewhere.
#[cfg_attr(windows, allow(dead_code))]
pub const NOT_WINDOWS_STORE: &str = "the Windows store can only be read on Windows";

/// The store `select` and `diagnose` read when `--store` is not given:
/// `LocalMachine\MY` on Windows, an error elsewhere.
pub fn default_store() -> Result<SystemStoreName, CliError> {
    if cfg!(windows) {
        Ok(SystemStoreName::local_machine_my())
    } else {
        Err(CliError(
            "--store is required: a directory of certificate files (windows:LocalMachine\\MY can only be read on Windows)"
                .into(),
        ))
    }
}

/// Opens a Windows system store.
#[cfg(windows)]
pub fn open_windows_store(name: &SystemStoreName) -> Result<Box<dyn CertStore>, CliError> {
    Ok(Box::new(
        sstp_cert::adapters::windows::live::WindowsStore::new(name.clone()),
    ))
}

/// Opens a Windows system store: not on this platform.
#[cfg(not(windows))]
pub fn open_windows_store(name: &SystemStoreName) -> Result<Box<dyn CertStore>, CliError> {
    Err(CliError(format!("{NOT_WINDOWS_STORE} (asked for {name})")))
}

/// The live HTTP.sys bindings (what `netsh http show sslcert` lists), for
/// `diagnose` without `--netsh`.
#[cfg(windows)]
pub fn bindings() -> Result<BindingsSnapshot, CliError> {
    sstp_cert::adapters::windows::live::read_bindings().map_err(|e| {
        CliError(format!(
            "cannot read the HTTP.sys bindings ({e}); save the output of `netsh http show sslcert` to a file and pass --netsh FILE"
        ))
    })
}

/// The live HTTP.sys bindings: not on this platform.
#[cfg(not(windows))]
pub fn bindings() -> Result<BindingsSnapshot, CliError> {
    Err(CliError(
        "the HTTP.sys bindings can only be read on Windows: pass --netsh FILE (saved `netsh http show sslcert` output)"
            .into(),
    ))
}

/// The live `SstpSvc\Parameters` key, for `diagnose` without
/// `--registry`. A missing key is all defaults plus a note
/// ([`RegistrySnapshot::note`]); access denied is an error.
#[cfg(windows)]
pub fn registry() -> Result<RegistrySnapshot, CliError> {
    sstp_cert::adapters::windows::live::read_registry().map_err(|e| CliError(e.to_string()))
}

/// The live `SstpSvc\Parameters` key: not on this platform.
#[cfg(not(windows))]
pub fn registry() -> Result<RegistrySnapshot, CliError> {
    Err(CliError(
        "the SstpSvc\\Parameters registry key can only be read on Windows: pass --registry FILE (a .reg export or `reg query` output)"
            .into(),
    ))
}
