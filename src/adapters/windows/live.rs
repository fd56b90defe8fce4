//! The typed Windows adapters: what this machine's SSTP service would see,
//! read live and mapped onto the model.
//!
//! | adapter | reads | gives |
//! |---|---|---|
//! | [`WindowsStore`] | a system certificate store, normally `LocalMachine\MY` | a [`CertStore`]: entries in OS enumeration order, [`KeyState::Linked`](crate::model::store::KeyState::Linked) / `Absent`, EKU property, friendly name |
//! | [`read_registry`] | `HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters` | a [`RegistrySnapshot`] → [`SstpParameters`](crate::model::registry::SstpParameters) |
//! | [`read_bindings`] | the HTTP.sys SSL bindings | a [`BindingsSnapshot`] of [`SslBinding`](crate::model::httpsys::SslBinding)s labelled as `netsh http show sslcert` labels them |
//!
//! Each is a raw reader ([`store`](super::store), [`registry`](super::registry),
//! [`httpsys`](super::httpsys)) followed by the mapping of
//! [`typed`](super::typed); this module adds only the error handling. Like
//! the readers, it only reads.
//!
//! # Example
//!
//! ```no_run
//! use sstp_cert::adapters::windows::live::{WindowsStore, read_bindings, read_registry};
//! use sstp_cert::model::choice::{ChoiceOptions, choose};
//! use sstp_cert::model::store::CertStore;
//!
//! let snapshot = WindowsStore::local_machine_my().load()?;
//! for problem in &snapshot.problems {
//!     eprintln!("not read: {problem}");
//! }
//! let choice = choose(&snapshot.entries, &ChoiceOptions::windows());
//! println!("the service would bind {:?}", choice.selected.map(|s| s.source));
//!
//! let registry = read_registry()?;
//! println!("listener: {}", registry.parameters().listener().url());
//! let bindings = read_bindings()?;
//! println!("{} SSL binding(s)", bindings.bindings.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

use super::httpsys::{HttpSysError, query_ssl_bindings};
use super::records::{RawStoreEntry, SystemStoreName};
use super::registry::{RegistryError, read_sstp_parameters};
use super::store::{StoreError as RawStoreError, read_system_store_entries};
use super::typed::{BindingsSnapshot, RegistrySnapshot, codes, entry_source, store_entry};
use crate::model::store::{CertStore, EntryProblem, StoreError, StoreSnapshot};

/// A Windows system certificate store, read live through CryptoAPI.
///
/// [`CertStore::load`] opens the store read-only and returns its
/// certificates in the order the operating system enumerates them (on
/// Windows, the order the service sees; Microsoft documents none, and Wine
/// for one enumerates a system store in reverse SHA-1 order). Each entry:
///
/// * key state [`Linked`](crate::model::store::KeyState::Linked) when the
///   key-provider property is present, else
///   [`Absent`](crate::model::store::KeyState::Absent) — the key itself is
///   never opened, as the service never opens it;
/// * the EKU property as stored (absent, empty, or a list);
/// * the friendly name;
/// * source `LocalMachine\MY #<position from 1> (<friendly name or subject>)`.
///
/// A certificate that does not parse, or whose properties cannot be read,
/// becomes an [`EntryProblem`] (codes in [`codes`]) and the other entries
/// still load.
///
/// # Errors
///
/// [`StoreError::Open`] naming the store and the Win32 error when the store
/// cannot be opened (it does not exist, access denied) or its enumeration
/// fails part-way.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WindowsStore {
    name: SystemStoreName,
}

impl WindowsStore {
    /// The store `name`, e.g. `"CurrentUser\\MY".parse()?`.
    pub fn new(name: SystemStoreName) -> Self {
        WindowsStore { name }
    }

    /// `LocalMachine\MY`, the store the SSTP service reads.
    pub fn local_machine_my() -> Self {
        Self::new(SystemStoreName::local_machine_my())
    }

    /// Which store this is.
    pub fn name(&self) -> &SystemStoreName {
        &self.name
    }
}

impl Default for WindowsStore {
    /// `LocalMachine\MY`.
    fn default() -> Self {
        Self::local_machine_my()
    }
}

impl CertStore for WindowsStore {
    /// `LocalMachine\MY`, `CurrentUser\MY`, …
    fn describe(&self) -> String {
        self.name.to_string()
    }

    fn load(&self) -> Result<StoreSnapshot, StoreError> {
        let items =
            read_system_store_entries(&self.name).map_err(|e| store_error(&self.name, e))?;
        Ok(snapshot_from_items(&self.name, items))
    }
}

/// The snapshot of what the raw reader returned: readable records mapped
/// with [`store_entry`], unreadable ones turned into problems, in order.
fn snapshot_from_items(
    store: &SystemStoreName,
    items: Vec<Result<RawStoreEntry, RawStoreError>>,
) -> StoreSnapshot {
    let mut snapshot = StoreSnapshot::default();
    for (index, item) in items.into_iter().enumerate() {
        match item
            .map_err(|e| entry_problem(store, index, e))
            .and_then(|raw| store_entry(store, index, raw))
        {
            Ok(entry) => snapshot.entries.push(entry),
            Err(problem) => snapshot.problems.push(problem),
        }
    }
    snapshot
}

/// The name of a certificate property the reader reads.
fn property_name(id: u32) -> &'static str {
    match id {
        2 => "CERT_KEY_PROV_INFO_PROP_ID",
        9 => "CERT_ENHKEY_USAGE_PROP_ID",
        11 => "CERT_FRIENDLY_NAME_PROP_ID",
        _ => "property",
    }
}

/// An entry the reader could not read, as a problem.
fn entry_problem(store: &SystemStoreName, index: usize, error: RawStoreError) -> EntryProblem {
    let (code, message) = match error {
        RawStoreError::EmptyCertificate { .. } => (
            codes::MALFORMED_CERTIFICATE,
            "the store entry holds no encoded certificate".to_owned(),
        ),
        RawStoreError::MalformedEkuProperty { reason, .. } => (
            codes::MALFORMED_EKU_PROPERTY,
            format!(
                "the EKU property (CERT_ENHKEY_USAGE_PROP_ID) is not a list of OIDs ({reason}); the entry is left out"
            ),
        ),
        RawStoreError::Property {
            property_id, error, ..
        } => (
            codes::UNREADABLE_PROPERTY,
            format!(
                "cannot read {} ({property_id}): {error}; the entry is left out",
                property_name(property_id)
            ),
        ),
        // Whole-store failures are not returned per entry; kept for
        // completeness.
        other @ (RawStoreError::Open { .. } | RawStoreError::Enumerate { .. }) => {
            (codes::UNREADABLE_PROPERTY, other.to_string())
        }
    };
    EntryProblem {
        source: entry_source(store, index, None),
        code: code.to_owned(),
        message,
    }
}

/// A whole-store failure of the reader as the model's error, naming the
/// store and the Win32 error.
fn store_error(store: &SystemStoreName, error: RawStoreError) -> StoreError {
    let source: Box<dyn std::error::Error + Send + Sync> = match error {
        RawStoreError::Open { error, .. } => Box::new(error),
        RawStoreError::Enumerate { read, error, .. } => Box::new(EnumerationFailed { read, error }),
        other => Box::new(other),
    };
    StoreError::Open {
        store: store.to_string(),
        source,
    }
}

/// The store's enumeration stopped with a Win32 error after `read`
/// certificates.
#[derive(Debug, thiserror::Error)]
#[error("enumeration failed after {read} certificate(s): {error}")]
struct EnumerationFailed {
    read: usize,
    #[source]
    error: crate::adapters::windows::Win32Error,
}

/// Reads the `SstpSvc\Parameters` key.
///
/// A key that does not exist (the RRAS role is not installed, or SSTP was
/// never configured) is not an error: the snapshot then has no values, so
/// every parameter takes its default, and [`RegistrySnapshot::note`] says
/// so.
///
/// # Errors
///
/// [`RegistryError::Open`] when the key exists but cannot be opened (e.g.
/// access denied) and [`RegistryError::Read`] when its values cannot be
/// enumerated; both name the key and the Win32 error.
pub fn read_registry() -> Result<RegistrySnapshot, RegistryError> {
    match read_sstp_parameters() {
        Ok(values) => Ok(RegistrySnapshot::from_raw(values)),
        Err(RegistryError::KeyNotFound { .. }) => Ok(RegistrySnapshot::key_not_found()),
        Err(error) => Err(error),
    }
}

/// Reads every HTTP.sys SSL binding (IP:port, hostname:port, CCS) and maps
/// it with [`ssl_binding`](super::typed::ssl_binding).
///
/// # Errors
///
/// [`HttpSysError`] naming the function, the configuration table and the
/// Win32 error (Wine, for one, does not implement
/// `HttpQueryServiceConfiguration`).
pub fn read_bindings() -> Result<BindingsSnapshot, HttpSysError> {
    query_ssl_bindings().map(|raw| BindingsSnapshot::from_raw(&raw))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::windows::Win32Error;
    use crate::adapters::windows::records::SystemStoreLocation;
    use crate::adapters::windows::store::EkuDecodeError;

    fn der(name: &str) -> Vec<u8> {
        rcgen::generate_simple_self_signed(vec![name.to_owned()])
            .unwrap()
            .cert
            .der()
            .to_vec()
    }

    #[test]
    fn unreadable_entries_become_problems_and_the_rest_loads() {
        let store = SystemStoreName::local_machine_my();
        let label = store.to_string();
        let good = RawStoreEntry {
            der: der("good.example"),
            has_key_provider_info: true,
            eku_property: None,
            friendly_name: Some("good".into()),
        };
        let items = vec![
            Err(RawStoreError::MalformedEkuProperty {
                store: label.clone(),
                index: 0,
                reason: EkuDecodeError::NotASequence(0x31),
            }),
            Err(RawStoreError::Property {
                store: label.clone(),
                index: 1,
                property_id: 2,
                error: Win32Error::from_code(5),
            }),
            Err(RawStoreError::EmptyCertificate {
                store: label.clone(),
                index: 2,
            }),
            Ok(good.clone()),
        ];
        let snapshot = snapshot_from_items(&store, items);
        assert_eq!(snapshot.entries.len(), 1);
        assert_eq!(snapshot.entries[0].source, "LocalMachine\\MY #4 (good)");
        let problems: Vec<(&str, &str)> = snapshot
            .problems
            .iter()
            .map(|p| (p.source.as_str(), p.code.as_str()))
            .collect();
        assert_eq!(
            problems,
            vec![
                ("LocalMachine\\MY #1", codes::MALFORMED_EKU_PROPERTY),
                ("LocalMachine\\MY #2", codes::UNREADABLE_PROPERTY),
                ("LocalMachine\\MY #3", codes::MALFORMED_CERTIFICATE),
            ]
        );
        let message = &snapshot.problems[1].message;
        assert!(message.contains("CERT_KEY_PROV_INFO_PROP_ID"), "{message}");
        assert!(message.contains("error 5"), "{message}");
    }

    #[test]
    fn store_errors_name_the_store_and_the_win32_error() {
        let store = SystemStoreName::new(SystemStoreLocation::CurrentUser, "Nope").unwrap();
        let error = store_error(
            &store,
            RawStoreError::Open {
                store: store.to_string(),
                error: Win32Error::from_code(2),
            },
        );
        let text = error.to_string();
        assert!(
            text.starts_with("cannot open store CurrentUser\\Nope: error 2 (0x00000002)"),
            "{text}"
        );
        let error = store_error(
            &store,
            RawStoreError::Enumerate {
                store: store.to_string(),
                read: 3,
                error: Win32Error::from_code(5),
            },
        );
        let text = error.to_string();
        assert!(text.contains("after 3 certificate(s): error 5"), "{text}");
    }

    #[test]
    fn describes_the_store_by_name() {
        assert_eq!(WindowsStore::default().describe(), "LocalMachine\\MY");
        let user = WindowsStore::new("CurrentUser\\MY".parse().unwrap());
        assert_eq!(user.describe(), "CurrentUser\\MY");
        assert_eq!(user.name().location(), SystemStoreLocation::CurrentUser);
    }
}
