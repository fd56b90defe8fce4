//! Loading a machine's state from the files a person saved: the store, the
//! `netsh http show sslcert` output and the registry export.

use std::path::PathBuf;

use sstp_cert::model::httpsys::{
    ListingProblem, MAX_NETSH_INPUT, SslBinding, SslCertListing, parse_sslcert_show,
};
use sstp_cert::model::registry::{
    MAX_REGISTRY_INPUT, RegistryValues, SstpParameters, parse_registry_text,
};
use sstp_cert::model::store::{EntryProblem, StoreEntry};

use crate::CliError;
use crate::input::read_limited;
use crate::store_arg::{StoreArg, open_store};

/// Where the state comes from.
#[derive(Debug, clap::Args)]
pub struct StateArgs {
    /// The certificate store: a directory of certificate files.
    #[arg(long)]
    pub store: StoreArg,
    /// Saved `netsh http show sslcert` output (UTF-16 or UTF-8). Without it,
    /// HTTP.sys is taken to have no SSL bindings.
    #[arg(long)]
    pub netsh: Option<PathBuf>,
    /// A `.reg` export or `reg query` output of
    /// HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters. Without it,
    /// every value takes its default.
    #[arg(long)]
    pub registry: Option<PathBuf>,
}

/// A machine's state.
pub struct State {
    pub store_name: String,
    pub entries: Vec<StoreEntry>,
    pub store_problems: Vec<EntryProblem>,
    pub bindings: Vec<SslBinding>,
    pub listing_problems: Vec<ListingProblem>,
    pub registry: RegistryValues,
    pub parameters: SstpParameters,
    /// Notes about assumptions made (missing files).
    pub notes: Vec<String>,
}

impl StateArgs {
    /// Reads the store and the files.
    pub fn load(&self) -> Result<State, CliError> {
        let store = open_store(&self.store)?;
        let snapshot = store.load()?;
        let mut notes = Vec::new();
        let listing = match &self.netsh {
            Some(p) => {
                let bytes = read_limited(p, MAX_NETSH_INPUT)?;
                parse_sslcert_show(&bytes).map_err(|e| CliError(format!("{}: {e}", p.display())))?
            }
            None => {
                notes.push("no --netsh file: HTTP.sys is taken to have no SSL bindings".to_owned());
                SslCertListing::new(Vec::new())
            }
        };
        let registry = match &self.registry {
            Some(p) => {
                let bytes = read_limited(p, MAX_REGISTRY_INPUT)?;
                parse_registry_text(&bytes)
                    .map_err(|e| CliError(format!("{}: {e}", p.display())))?
                    .values
            }
            None => {
                notes.push(
                    "no --registry file: every SstpSvc parameter takes its default".to_owned(),
                );
                RegistryValues::new()
            }
        };
        let parameters = SstpParameters::from_values(&registry);
        Ok(State {
            store_name: store.describe(),
            entries: snapshot.entries,
            store_problems: snapshot.problems,
            bindings: listing.bindings,
            listing_problems: listing.problems,
            registry,
            parameters,
            notes,
        })
    }
}
