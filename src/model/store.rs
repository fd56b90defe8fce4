//! Certificate stores: what the service enumerates ([behaviour §2](crate::behaviour), §3).
//!
//! A store is an ordered list of [`StoreEntry`]s. Order matters: the service
//! takes the *first* eligible certificate, and Microsoft documents no order,
//! so the model uses whatever the store enumerates. Each implementation says
//! what its order is:
//!
//! | store | order |
//! |---|---|
//! | [`MemoryStore`] | insertion order |
//! | [`DirectoryStore`](crate::adapters::dir_store::DirectoryStore) | file names sorted bytewise |
//! | the Windows store (on Windows) | the order CryptoAPI returns |
//!
//! An entry carries, besides the certificate, what Windows keeps *next to*
//! it: whether a private key is linked ([`KeyState`]), the optional EKU
//! property, and the friendly name.
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::store::{CertStore, KeyState, MemoryStore, StoreEntry};
//! use sstp_cert::model::certificate::Certificate;
//! # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()])
//! #     .unwrap().cert.der().to_vec();
//! let cert = Certificate::from_der(der)?;
//! let mut store = MemoryStore::new("lab");
//! store.push(StoreEntry::new(cert, KeyState::Linked, "vpn"));
//! let snapshot = store.load()?;
//! assert_eq!(snapshot.entries.len(), 1);
//! assert!(snapshot.problems.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use super::certificate::Certificate;
use super::eku::KeyPurpose;
use crate::model::code::stable_codes;

stable_codes! {
    [display, from_str]
    /// Whether a store entry has a private key, as far as the store can tell.
    ///
    /// Windows stores only know whether a key is *linked* (the key-provider
    /// property is present); the service never opens the key. Stores built from
    /// files can do better and compare the key with the certificate.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum KeyState("key state") {
        /// A key is linked (Windows: `CERT_KEY_PROV_INFO_PROP_ID` present). Not
        /// verified: the service does not open it either.
        Linked => "linked",
        /// A key file was found and its public key equals the certificate's.
        Paired => "paired",
        /// A key file was found but belongs to another certificate. Ineligible
        /// (beyond Windows, which would fail at handshake time anyway).
        Mismatched => "mismatched",
        /// No key.
        Absent => "absent",
    }
}

impl KeyState {
    /// Whether the service treats the entry as having a private key.
    pub const fn counts_as_key(self) -> bool {
        matches!(self, KeyState::Linked | KeyState::Paired)
    }
}

/// One certificate in a store, with what the store keeps next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreEntry {
    /// The certificate.
    pub certificate: Certificate,
    /// Whether a private key goes with it.
    pub key: KeyState,
    /// The EKU property set on the store entry (`None`: not set; `Some(vec![])`:
    /// set to no purposes at all, which disables the certificate).
    pub eku_property: Option<Vec<KeyPurpose>>,
    /// The friendly name, if set.
    pub friendly_name: Option<String>,
    /// Where the entry came from (a file name, a store position): shown to
    /// people and used as the `source` in reports.
    pub source: String,
}

impl StoreEntry {
    /// An entry with no EKU property and no friendly name.
    pub fn new(certificate: Certificate, key: KeyState, source: impl Into<String>) -> Self {
        StoreEntry {
            certificate,
            key,
            eku_property: None,
            friendly_name: None,
            source: source.into(),
        }
    }

    /// Sets the EKU property.
    pub fn with_eku_property(mut self, purposes: Vec<KeyPurpose>) -> Self {
        self.eku_property = Some(purposes);
        self
    }

    /// Sets the friendly name.
    pub fn with_friendly_name(mut self, name: impl Into<String>) -> Self {
        self.friendly_name = Some(name.into());
        self
    }
}

/// Something in a store that could not be turned into an entry. It is
/// reported, never silently dropped, and never stops the rest of the store
/// from loading.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EntryProblem {
    /// Where (a file name, a store position).
    pub source: String,
    /// A stable kebab-case code for the kind of problem (e.g.
    /// `malformed-certificate`, `unreadable-file`, `malformed-key`).
    pub code: String,
    /// What was wrong, in full.
    pub message: String,
}

impl fmt::Display for EntryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.source, self.message, self.code)
    }
}

/// What a store held at one moment: entries in store order, and the
/// problems met while reading it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreSnapshot {
    /// The entries, in store enumeration order.
    pub entries: Vec<StoreEntry>,
    /// What could not be read.
    pub problems: Vec<EntryProblem>,
}

/// Why a whole store could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be opened at all.
    #[error("cannot open store {store}: {source}")]
    Open {
        /// Which store.
        store: String,
        /// Why: the underlying error (an [`std::io::Error`] for a directory
        /// store, a `Win32Error` for the Windows store); downcast it to
        /// inspect it.
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The store has more entries than the limit.
    #[error("store {store} has more than {max} entries")]
    TooManyEntries {
        /// Which store.
        store: String,
        /// The limit.
        max: usize,
    },
}

/// A certificate store the model can enumerate.
///
/// Implementations read the whole store into a [`StoreSnapshot`]; the pure
/// core then works on that snapshot.
pub trait CertStore {
    /// A description of the store for people (`examples/store`,
    /// `LocalMachine\MY`).
    fn describe(&self) -> String;

    /// Reads every entry, in store order.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the store as a whole cannot be read. Problems with
    /// single entries go into [`StoreSnapshot::problems`] instead.
    fn load(&self) -> Result<StoreSnapshot, StoreError>;
}

/// A store held in memory, in insertion order: for tests and for embedders
/// that build entries themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryStore {
    name: String,
    entries: Vec<StoreEntry>,
}

impl MemoryStore {
    /// An empty store with this name.
    pub fn new(name: impl Into<String>) -> Self {
        MemoryStore {
            name: name.into(),
            entries: Vec::new(),
        }
    }

    /// Appends an entry (enumerated last).
    pub fn push(&mut self, entry: StoreEntry) {
        self.entries.push(entry);
    }

    /// Removes every entry whose certificate has this SHA-1 thumbprint,
    /// returning how many were removed.
    pub fn remove(&mut self, sha1: &super::thumbprint::Sha1Thumbprint) -> usize {
        let before = self.entries.len();
        self.entries.retain(|e| e.certificate.sha1() != *sha1);
        before - self.entries.len()
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[StoreEntry] {
        &self.entries
    }
}

impl FromIterator<StoreEntry> for MemoryStore {
    fn from_iter<I: IntoIterator<Item = StoreEntry>>(iter: I) -> Self {
        MemoryStore {
            name: "memory".into(),
            entries: iter.into_iter().collect(),
        }
    }
}

impl CertStore for MemoryStore {
    fn describe(&self) -> String {
        self.name.clone()
    }

    fn load(&self) -> Result<StoreSnapshot, StoreError> {
        Ok(StoreSnapshot {
            entries: self.entries.clone(),
            problems: Vec::new(),
        })
    }
}
