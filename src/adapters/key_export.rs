//! Handing a store entry's private key to a TLS stack: the *exportable key*
//! capability of a store.
//!
//! The model never needs private keys: the SSTP service only checks that a
//! key is linked ([behaviour §2](crate::behaviour)). A program that *serves* the chosen certificate
//! itself — an SSTP server written in Rust, a VPN gateway — needs the key
//! bytes, and not every store can give them:
//!
//! | store | [`KeyExport`] |
//! |---|---|
//! | [`DirectoryStore`] | the key in the certificate's own PEM file, else the sibling `<stem>.key`, as DER; the key is checked against the certificate again at export time |
//! | [`MemoryStore`] | [`KeyExportError::NotExportable`]: it holds certificates only |
//! | the Windows store | not exportable (CNG/CAPI keys stay in the provider; HTTP.sys signs with them in place) — such a store answers [`KeyExportError::NotExportable`] or does not implement the trait |
//!
//! The key comes back as a [`SecretKeyDer`]: a [`PrivateKeyDer`] (PKCS#8,
//! PKCS#1 or SEC1, in the form the file holds), the type rustls and other
//! TLS stacks take, inside [`Zeroizing`], so that its bytes are wiped when it
//! is dropped — on success and on every error path alike. Move the key out
//! (`std::mem::replace`) only into a TLS stack that keeps it. With the
//! `rustls` feature, `sstp_cert::adapters::tls` turns it into a signing key.
//!
//! # Example
//!
//! ```
//! # #[cfg(feature = "key-pairing")] {
//! use sstp_cert::adapters::dir_store::DirectoryStore;
//! use sstp_cert::adapters::key_export::KeyExport;
//! use sstp_cert::model::choice::{choose, ChoiceOptions};
//! use sstp_cert::model::store::CertStore;
//! # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("vpn.pem"), ck.cert.pem())?;
//! std::fs::write(dir.path().join("vpn.key"), ck.signing_key.serialize_pem())?;
//!
//! let store = DirectoryStore::new(dir.path());
//! let snapshot = store.load()?;
//! let choice = choose(&snapshot.entries, &ChoiceOptions::windows());
//! let chosen = &snapshot.entries[choice.selected.as_ref().unwrap().index];
//! let key = store.private_key_der(chosen)?; // Zeroizing<PrivateKeyDer<'static>>
//! assert!(!key.secret_der().is_empty());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//!
//! Every refusal is a [`KeyExportError`] naming the store and the entry (and
//! the file, for file stores): the store cannot export keys at all, the
//! entry is not (or no longer) in the store, the entry has no key, the key
//! files are ambiguous, the key cannot be read or decoded, or the key no
//! longer belongs to the certificate.
//!
//! [`DirectoryStore`]: crate::adapters::dir_store::DirectoryStore

use rustls_pki_types::{CertificateDer, PrivateKeyDer};
pub use zeroize::Zeroizing;

/// A private key as DER that wipes its bytes when dropped: what
/// [`KeyExport::private_key_der`] returns. It dereferences to the
/// [`PrivateKeyDer`] inside; its `Debug` output never shows the key.
///
/// ```
/// use sstp_cert::adapters::key_export::{SecretKeyDer, Zeroizing};
/// use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
/// let key: SecretKeyDer = Zeroizing::new(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(vec![0x30, 0])));
/// assert_eq!(key.secret_der(), [0x30, 0]);
/// assert!(!format!("{key:?}").contains("48")); // the bytes are not printed
/// drop(key); // the two bytes are overwritten with zeros before they are freed
/// ```
pub type SecretKeyDer = Zeroizing<PrivateKeyDer<'static>>;

use crate::model::key::KeyError;
use crate::model::store::{CertStore, EntryProblem, MemoryStore, StoreEntry};

/// A store that can hand out the private key (and the chain) of one of its
/// entries, for a program that serves the certificate itself.
///
/// ```
/// use sstp_cert::adapters::key_export::{KeyExport, KeyExportError};
/// use sstp_cert::model::store::{CertStore, KeyState, MemoryStore, StoreEntry};
/// use sstp_cert::model::certificate::Certificate;
/// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()])
/// #     .unwrap().cert.der().to_vec();
/// let mut store = MemoryStore::new("lab");
/// store.push(StoreEntry::new(Certificate::from_der(der)?, KeyState::Linked, "vpn"));
/// let entry = &store.load()?.entries[0];
/// // An in-memory store holds no keys: a clear error, not a panic.
/// assert!(matches!(store.private_key_der(entry), Err(KeyExportError::NotExportable { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait KeyExport: CertStore {
    /// The private key of `entry` (an entry this store returned from
    /// [`CertStore::load`]), as DER, wiped when dropped.
    ///
    /// # Errors
    ///
    /// [`KeyExportError`]; [`KeyExportError::NotExportable`] for stores that
    /// never export keys.
    fn private_key_der(&self, entry: &StoreEntry) -> Result<SecretKeyDer, KeyExportError>;

    /// The private key of `entry`, as [`KeyExport::private_key_der`], and
    /// warnings about how it is kept that do not stop its use — for the
    /// directory store, `key-readable-by-others` when group or others may
    /// read the key's file. The default: the key and no warnings.
    ///
    /// # Errors
    ///
    /// As [`KeyExport::private_key_der`].
    fn export_key(
        &self,
        entry: &StoreEntry,
    ) -> Result<(SecretKeyDer, Vec<EntryProblem>), KeyExportError> {
        Ok((self.private_key_der(entry)?, Vec::new()))
    }

    /// The certificates to send after the entry's certificate (intermediate
    /// CAs), in order. The default is none.
    ///
    /// # Errors
    ///
    /// [`KeyExportError`] when the store cannot read them.
    fn intermediates_der(
        &self,
        entry: &StoreEntry,
    ) -> Result<Vec<CertificateDer<'static>>, KeyExportError> {
        let _ = entry;
        Ok(Vec::new())
    }
}

/// Why a store could not hand out an entry's private key.
///
/// ```
/// use sstp_cert::adapters::dir_store::DirectoryStore;
/// use sstp_cert::adapters::key_export::KeyExportError;
/// use sstp_cert::model::store::CertStore;
/// # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("vpn.pem"), ck.cert.pem())?; // no key
/// let store = DirectoryStore::new(dir.path());
/// let entry = &store.load()?.entries[0];
/// let err = store.private_key_der(entry).unwrap_err();
/// assert!(matches!(err, KeyExportError::NoKey { .. }));
/// assert!(err.to_string().contains("vpn.pem has no private key"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyExportError {
    /// The store cannot export private keys at all.
    #[error("store {store} cannot export private keys: {reason}")]
    NotExportable {
        /// Which store.
        store: String,
        /// Why not.
        reason: String,
    },
    /// The entry is not one of this store's entries (its source names no
    /// entry of the store).
    #[error("store {store} has no entry {entry:?}")]
    EntryNotFound {
        /// Which store.
        store: String,
        /// The entry's source.
        entry: String,
    },
    /// The entry's file now holds another certificate than the one loaded:
    /// the store changed since it was loaded; load it again.
    #[error(
        "store {store}: {entry} holds another certificate than when the store was loaded; load the store again"
    )]
    EntryChanged {
        /// Which store.
        store: String,
        /// The entry's source.
        entry: String,
    },
    /// A file could not be read.
    #[error("store {store}: {file}: {message}{} ({code})", colon_source(.source.as_ref()))]
    Unreadable {
        /// Which store.
        store: String,
        /// Which file.
        file: String,
        /// A stable code, as in the store's problem codes
        /// (`unreadable-file`, `file-too-large`, `not-a-regular-file`).
        code: String,
        /// What went wrong (`cannot open it`, `cannot read it`, a size
        /// limit, …); the OS error is `source`.
        message: String,
        /// The OS error, when one is the cause.
        source: Option<std::io::Error>,
    },
    /// The entry has no private key.
    #[error(
        "store {store}: {entry} has no private key (no key block in the file and no sibling .key file)"
    )]
    NoKey {
        /// Which store.
        store: String,
        /// The entry's source.
        entry: String,
    },
    /// Several sibling key files could belong to the entry.
    #[error(
        "store {store}: several key files could belong to {entry} ({}); keep one",
        .files.join(", ")
    )]
    AmbiguousKeyFiles {
        /// Which store.
        store: String,
        /// The entry's source.
        entry: String,
        /// The candidate key files.
        files: Vec<String>,
    },
    /// The key file cannot be used.
    #[error("store {store}: {file}: {error}")]
    Key {
        /// Which store.
        store: String,
        /// The file holding the key.
        file: String,
        /// What is wrong with the key.
        error: Box<KeyError>,
    },
    /// The key no longer belongs to the certificate (the files changed since
    /// the store was loaded, or the entry was not paired).
    #[error("store {store}: the key in {file} does not belong to the certificate of {entry}")]
    Mismatched {
        /// Which store.
        store: String,
        /// The entry's source.
        entry: String,
        /// The file holding the key.
        file: String,
    },
}

/// `: <error>` when there is an error, else nothing.
fn colon_source(source: Option<&std::io::Error>) -> String {
    source.map(|e| format!(": {e}")).unwrap_or_default()
}

impl KeyExport for MemoryStore {
    /// Always [`KeyExportError::NotExportable`]: a memory store holds
    /// certificates and key *states* only.
    fn private_key_der(&self, entry: &StoreEntry) -> Result<SecretKeyDer, KeyExportError> {
        let _ = entry;
        Err(KeyExportError::NotExportable {
            store: self.describe(),
            reason: "an in-memory store holds certificates and key states, not keys".into(),
        })
    }
}
