//! Loading a machine's state from the files a person saved: the store, the
//! `netsh http show sslcert` output and the registry export — or, on
//! Windows with a Windows store (the default there), from the machine
//! itself for whatever no file was given for.

use std::path::PathBuf;

use sstp_cert::model::httpsys::{ListingProblem, MAX_NETSH_INPUT, parse_sslcert_show};
use sstp_cert::model::registry::{MAX_REGISTRY_INPUT, SstpParameters, parse_registry_text};
use sstp_cert::model::state::MachineState;
use sstp_cert::model::store::EntryProblem;

use crate::CliError;
use crate::input::read_limited;
use crate::live;
use crate::store_arg::{StoreArg, open_store, store_or_default};

/// Where the state comes from.
#[derive(Debug, clap::Args)]
pub struct StateArgs {
    /// The certificate store: a directory of certificate files, or
    /// windows:LocalMachine\MY (Windows only; the default there).
    #[arg(long)]
    pub store: Option<StoreArg>,
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

/// A machine's state, as read.
pub struct State {
    pub store_name: String,
    /// The store, and the bindings and registry when given (`None`:
    /// unknown, behaviour §11).
    pub machine: MachineState,
    pub store_problems: Vec<EntryProblem>,
    pub listing_problems: Vec<ListingProblem>,
    /// The typed parameters: from the registry when known, else the
    /// defaults ([`MachineState::parameters`]).
    pub parameters: SstpParameters,
    /// Notes from the live readers.
    pub notes: Vec<String>,
}

impl StateArgs {
    /// Reads the store and the files.
    pub fn load(&self) -> Result<State, CliError> {
        if let Some(dir) = &self.bundle {
            return crate::bundle_arg::load_state(dir);
        }
        let store_arg = store_or_default(self.store.clone())?;
        // The machine itself is asked only when its own store is read: a
        // directory store is someone's saved state, not this machine's.
        let live = cfg!(windows) && matches!(store_arg, StoreArg::Windows(_));
        let store = open_store(&store_arg)?;
        let snapshot = store.load()?;
        let mut notes = Vec::new();
        let mut machine = MachineState::new(snapshot.entries);
        let mut listing_problems = Vec::new();
        let listing = match &self.netsh {
            Some(p) => {
                let bytes = read_limited(p, MAX_NETSH_INPUT)?;
                let listing = parse_sslcert_show(&bytes)
                    .map_err(|e| CliError(format!("{}: {e}", p.display())))?;
                notes.extend(
                    listing
                        .skipped
                        .iter()
                        .map(|s| format!("{}: {s}", p.display())),
                );
                Some(listing)
            }
            None if live => {
                let bindings = live::bindings()?;
                notes.extend(bindings.notes());
                Some(bindings.listing())
            }
            // Not given: unknown, not empty (behaviour §11).
            None => None,
        };
        if let Some(listing) = listing {
            listing_problems = listing.problems;
            machine = machine.with_bindings(listing.bindings);
        }
        let registry = match &self.registry {
            Some(p) => {
                let bytes = read_limited(p, MAX_REGISTRY_INPUT)?;
                let parsed = parse_registry_text(&bytes)
                    .map_err(|e| CliError(format!("{}: {e}", p.display())))?;
                notes.extend(
                    parsed
                        .skipped
                        .iter()
                        .map(|s| format!("{}: {s}", p.display())),
                );
                Some(parsed.values)
            }
            None if live => {
                let registry = live::registry()?;
                notes.extend(registry.note());
                Some(registry.values)
            }
            None => None,
        };
        if let Some(values) = registry {
            machine = machine.with_registry(values);
        }
        let parameters = machine.parameters();
        Ok(State {
            store_name: store.describe(),
            machine,
            store_problems: snapshot.problems,
            listing_problems,
            parameters,
            notes,
        })
    }
}
