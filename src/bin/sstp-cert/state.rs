//! Loading a machine's state from the files a person saved: the store, the
//! `netsh http show sslcert` output and the registry export — or, on
//! Windows with a Windows store (the default there), from the machine
//! itself for whatever no file was given for. The reading is the library's
//! ([`StateSource`]); this is only the arguments.

use std::path::PathBuf;

use sstp_cert::adapters::state_source::{LoadedState, StateSource, StoreSource};

use crate::CliError;
use crate::store_arg::store_or_default;

/// Where the state comes from.
#[derive(Debug, clap::Args)]
pub struct StateArgs {
    /// The certificate store: a directory of certificate files, or
    /// windows:LocalMachine\MY (Windows only; the default there).
    #[arg(long)]
    pub store: Option<StoreSource>,
    /// Saved `netsh http show sslcert` output (UTF-16 or UTF-8). Without it,
    /// the live HTTP.sys bindings when the store is a Windows store (on
    /// Windows); otherwise the bindings are unknown (not empty).
    #[arg(long)]
    pub netsh: Option<PathBuf>,
    /// A `.reg` export or `reg query` output of
    /// HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters. Without it,
    /// the live key when the store is a Windows store (on Windows);
    /// otherwise the key is unknown (not empty).
    #[arg(long)]
    pub registry: Option<PathBuf>,
    /// A machine bundle (written by `sstp-cert collect`) in place of
    /// --store, --netsh and --registry; a part missing from it is unknown,
    /// not empty.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["store", "netsh", "registry"])]
    pub bundle: Option<PathBuf>,
}

impl StateArgs {
    /// Reads the store and the files (or the bundle) through the library's
    /// [`StateSource`] ([`LoadedState`]).
    pub fn load(&self) -> Result<LoadedState, CliError> {
        if let Some(dir) = &self.bundle {
            return crate::bundle_arg::load(dir).map(LoadedState::from);
        }
        let mut source = StateSource::new(store_or_default(self.store.clone())?);
        source.netsh.clone_from(&self.netsh);
        source.registry.clone_from(&self.registry);
        Ok(source.load()?)
    }
}
