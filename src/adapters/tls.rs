//! Serving the chosen certificate with rustls (feature `rustls`).
//!
//! The model says *which* certificate the SSTP service would bind ([behaviour §3](crate::behaviour)).
//! A program that terminates TLS itself — an SSTP server written in Rust, a
//! VPN gateway, a monitoring probe that wants to see what clients see —
//! needs that certificate in the form its TLS stack takes. This module gives
//! the parts it would otherwise write by hand:
//!
//! | what | how |
//! |---|---|
//! | the chosen certificate as `CertificateDer<'static>`, its key as `PrivateKeyDer<'static>`, its chain | [`TlsSelection::from_store`] (the store must have the [`KeyExport`] capability) |
//! | a ready [`CertifiedKey`] (key loaded by the `ring` provider, checked against the certificate) | [`TlsSelection::certified_key`] |
//! | a [`ResolvesServerCert`] that serves the SSTP choice and can choose again on demand, without dropping connections | [`SstpCertResolver`] |
//! | which certificate is served, and its SHA-1 / SHA-256 for crypto binding ([behaviour §10](crate::behaviour)) | [`ServedCertificate`], [`CryptoBindingValues`] |
//!
//! # Choosing again
//!
//! [`SstpCertResolver::reselect`] loads the store again, runs the automatic
//! choice, and swaps the served certificate atomically. Connections already
//! established keep the certificate they were set up with (a TLS session
//! never changes its certificate); new handshakes get the new one. When the
//! new choice fails (no eligible certificate, key not exportable, …) the old
//! certificate stays in service and the error is returned — the way HTTP.sys
//! keeps serving a loaded certificate context ([behaviour §7](crate::behaviour)).
//!
//! # Time
//!
//! The choice judges validity at a moment (warnings only; the Windows policy
//! never excludes an expired certificate). The resolver uses the current time
//! at each (re)selection unless [`ResolverOptions::at`] fixes one.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use sstp_cert::adapters::dir_store::DirectoryStore;
//! use sstp_cert::adapters::tls::{ResolverOptions, SstpCertResolver};
//! use sstp_cert::model::crypto_binding::HashProtocols;
//! # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("vpn.pem"), ck.cert.pem())?;
//! std::fs::write(dir.path().join("vpn.key"), ck.signing_key.serialize_pem())?;
//!
//! let resolver = Arc::new(SstpCertResolver::new(
//!     DirectoryStore::new(dir.path()),
//!     ResolverOptions::default(),
//! )?);
//! let served = resolver.served();
//! println!("serving {} ({}), SHA-256 {}", served.source, served.subject, served.sha256);
//! let binding = served.crypto_binding(HashProtocols::SHA256);
//! assert_eq!(binding.sha256, served.sha256);
//!
//! // a rustls ServerConfig that always serves the current SSTP choice
//! let config = resolver.server_config();
//! # let _ = config;
//! // ... later, after the store changed:
//! let outcome = resolver.reselect()?;
//! assert!(!outcome.changed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//!
//! [`TlsError`]: the store cannot be read ([`TlsError::Store`]); nothing is
//! eligible (Event 11, [`TlsError::NoEligibleCertificate`]); the chosen
//! entry's key cannot be exported ([`TlsError::KeyExport`], e.g. a store
//! without the exportable-key capability); or rustls refuses the key or
//! finds it does not match the certificate ([`TlsError::Rustls`]).
#![forbid(unsafe_code)]

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use rustls::crypto::CryptoProvider;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{ServerConfig, SupportedProtocolVersion};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use time::OffsetDateTime;

use crate::adapters::key_export::{KeyExport, KeyExportError, SecretKeyDer};
use crate::model::certificate::Certificate;
use crate::model::choice::{Choice, ChoiceOptions, Policy, choose};
use crate::model::crypto_binding::{
    CryptoBindingRequest, HashProtocol, HashProtocols, ServerBinding,
};
use crate::model::eku::Purpose;
use crate::model::event::{Event, EventId};
use crate::model::store::{EntryProblem, StoreError};
use crate::model::thumbprint::{Sha1Thumbprint, Sha256Hash};

/// The crypto provider this module uses by default: rustls' `ring`
/// provider.
///
/// ```
/// let provider = sstp_cert::adapters::tls::default_provider();
/// assert!(!provider.cipher_suites.is_empty());
/// ```
pub fn default_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificate's DER as the type rustls takes.
///
/// ```
/// use sstp_cert::adapters::tls::certificate_der;
/// use sstp_cert::model::certificate::Certificate;
/// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()])
/// #     .unwrap().cert.der().to_vec();
/// let cert = Certificate::from_der(der.clone())?;
/// assert_eq!(certificate_der(&cert).as_ref(), &der[..]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn certificate_der(cert: &Certificate) -> CertificateDer<'static> {
    CertificateDer::from(cert.der().to_vec())
}

/// Why the chosen certificate cannot be served.
///
/// ```
/// use sstp_cert::adapters::tls::{TlsError, TlsSelection};
/// use sstp_cert::model::choice::ChoiceOptions;
/// use sstp_cert::model::store::MemoryStore;
/// // an empty store: nothing is eligible, the service would log Event 11
/// let err = TlsSelection::from_store(&MemoryStore::new("empty"), &ChoiceOptions::windows()).unwrap_err();
/// match err {
///     TlsError::NoEligibleCertificate { event, .. } => assert_eq!(event.id.number(), 11),
///     other => panic!("{other}"),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// The store could not be read at all.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No certificate is eligible: the service would log Event 11 and open
    /// no listener.
    #[error("store {store}: {event}")]
    NoEligibleCertificate {
        /// Which store.
        store: String,
        /// Event 11, with the model's explanation.
        event: Event,
    },
    /// The chosen entry's key could not be had from the store.
    #[error("cannot serve {entry}: {error}")]
    KeyExport {
        /// The chosen entry's source.
        entry: String,
        /// Why (boxed: a key export error is large).
        #[source]
        error: Box<KeyExportError>,
    },
    /// rustls refused the key (an algorithm its provider cannot sign with)
    /// or found that it does not match the certificate.
    #[error("cannot serve {entry}: rustls: {error}")]
    Rustls {
        /// The chosen entry's source.
        entry: String,
        /// What rustls said.
        #[source]
        error: rustls::Error,
    },
}

/// The SSTP crypto-binding values a server needs for one served
/// certificate ([behaviour §10](crate::behaviour)): the hash-protocol bitmask to advertise in its
/// Crypto Binding Request, and the certificate hashes to compare the
/// client's Call Connected message with.
///
/// The bitmask normally comes from the registry model (`SHA1Enabled`,
/// `SHA256Enabled`); SHA-256 only is the Windows default.
///
/// ```
/// use sstp_cert::adapters::tls::CryptoBindingValues;
/// use sstp_cert::model::crypto_binding::{HashProtocol, HashProtocols};
/// use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash};
/// let der = b"leaf certificate DER";
/// let v = CryptoBindingValues {
///     offered: HashProtocols::SHA256,
///     sha1: Sha1Thumbprint::of_der(der),
///     sha256: Sha256Hash::of_der(der),
/// };
/// assert_eq!(v.certificate_hash_field(HashProtocol::Sha256), Some(*v.sha256.as_bytes()));
/// assert_eq!(v.certificate_hash_field(HashProtocol::Sha1), None); // not offered
/// let binding = v.server_binding([7u8; 32]); // check a Call Connected with this
/// assert_eq!(binding.sha1, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CryptoBindingValues {
    /// The hash protocols to offer in the Crypto Binding Request.
    pub offered: HashProtocols,
    /// SHA-1 of the served leaf certificate (`SHA1CertificateHash`).
    pub sha1: Sha1Thumbprint,
    /// SHA-256 of the served leaf certificate (`SHA256CertificateHash`).
    pub sha256: Sha256Hash,
}

impl CryptoBindingValues {
    /// The 32-byte certificate hash field a client must send for
    /// `protocol`, or `None` when that protocol is not offered.
    pub fn certificate_hash_field(&self, protocol: HashProtocol) -> Option<[u8; 32]> {
        if !self.offered.offers(protocol) {
            return None;
        }
        Some(match protocol {
            HashProtocol::Sha256 => *self.sha256.as_bytes(),
            HashProtocol::Sha1 => {
                let mut f = [0u8; 32];
                f[..20].copy_from_slice(self.sha1.as_bytes());
                f
            }
        })
    }

    /// The Crypto Binding Request to send with `nonce` (fresh and random for
    /// each connection): the offered protocols and the nonce; its
    /// [`encode`](CryptoBindingRequest::encode) is the 48-byte Call Connect
    /// Acknowledge message.
    ///
    /// ```
    /// use sstp_cert::adapters::tls::CryptoBindingValues;
    /// use sstp_cert::model::crypto_binding::{CryptoBindingRequest, HashProtocols};
    /// use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash};
    /// let v = CryptoBindingValues {
    ///     offered: HashProtocols::BOTH,
    ///     sha1: Sha1Thumbprint::of_der(b"leaf"),
    ///     sha256: Sha256Hash::of_der(b"leaf"),
    /// };
    /// let wire = v.request([3u8; 32]).encode();
    /// assert_eq!(CryptoBindingRequest::parse(&wire).unwrap().protocols, HashProtocols::BOTH);
    /// ```
    pub fn request(&self, nonce: [u8; 32]) -> CryptoBindingRequest {
        CryptoBindingRequest::new(self.offered, nonce)
    }

    /// What to check the client's Call Connected message against, for the
    /// nonce sent in the Crypto Binding Request: the hashes of the offered
    /// protocols only (a protocol not offered has no configured hash).
    pub fn server_binding(&self, nonce: [u8; 32]) -> ServerBinding {
        ServerBinding {
            offered: self.offered,
            nonce,
            sha256: self
                .offered
                .offers(HashProtocol::Sha256)
                .then_some(self.sha256),
            sha1: self.offered.offers(HashProtocol::Sha1).then_some(self.sha1),
        }
    }
}

/// Which certificate is being served, and its hashes.
///
/// ```
/// # use sstp_cert::adapters::dir_store::DirectoryStore;
/// use sstp_cert::adapters::tls::{ResolverOptions, SstpCertResolver};
/// # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
/// # let dir = tempfile::tempdir()?;
/// # std::fs::write(dir.path().join("vpn.pem"), ck.cert.pem() + &ck.signing_key.serialize_pem())?;
/// let resolver = SstpCertResolver::new(DirectoryStore::new(dir.path()), ResolverOptions::default())?;
/// let served = resolver.served();
/// assert_eq!(served.source, "vpn.pem");
/// assert_eq!(served.sha1, served.certificate.sha1());
/// assert_eq!(served.generation, 1);
/// println!("{served}"); // vpn.pem in <dir> (CN=...), SHA-1 ..., SHA-256 ...
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedCertificate {
    /// The store it came from ([`CertStore::describe`](crate::model::store::CertStore::describe)).
    pub store: String,
    /// The entry's source (a file name for a directory store).
    pub source: String,
    /// The entry's position in the store.
    pub index: usize,
    /// The certificate's subject.
    pub subject: String,
    /// Why it was eligible.
    pub purpose: Purpose,
    /// SHA-1 thumbprint (what the binding's "Certificate Hash" shows).
    pub sha1: Sha1Thumbprint,
    /// SHA-256 hash (what `SHA256CertificateHash` holds; crypto binding).
    pub sha256: Sha256Hash,
    /// The certificate.
    pub certificate: Certificate,
    /// 1 for the first selection of a resolver, then one more for every
    /// successful [`SstpCertResolver::reselect`]; 0 outside a resolver.
    pub generation: u64,
}

impl ServedCertificate {
    /// The crypto-binding values for this certificate with the given
    /// hash-protocol bitmask.
    ///
    /// ```
    /// # use sstp_cert::adapters::tls::*;
    /// # use sstp_cert::adapters::dir_store::DirectoryStore;
    /// use sstp_cert::model::crypto_binding::HashProtocols;
    /// # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
    /// # let dir = tempfile::tempdir()?;
    /// # std::fs::write(dir.path().join("vpn.pem"), ck.cert.pem() + &ck.signing_key.serialize_pem())?;
    /// # let resolver = SstpCertResolver::new(DirectoryStore::new(dir.path()), ResolverOptions::default())?;
    /// let v = resolver.served().crypto_binding(HashProtocols::BOTH);
    /// assert_eq!(v.sha1, resolver.served().sha1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn crypto_binding(&self, offered: HashProtocols) -> CryptoBindingValues {
        CryptoBindingValues {
            offered,
            sha1: self.sha1,
            sha256: self.sha256,
        }
    }
}

impl fmt::Display for ServedCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} in {} ({}), SHA-1 {}, SHA-256 {}",
            self.source, self.store, self.subject, self.sha1, self.sha256
        )
    }
}

/// The chosen certificate with everything rustls needs: the outcome of the
/// automatic choice over a store with the [`KeyExport`] capability.
///
/// See [`TlsSelection::from_store`] for an example. Its `Debug` output
/// never shows the key, and the key's bytes are wiped when the selection is
/// dropped (it is held as a [`SecretKeyDer`]).
pub struct TlsSelection {
    /// The full outcome of the automatic choice (verdicts, warnings).
    pub choice: Choice,
    /// Problems met while loading the store, then the warnings of the key
    /// export (such as `key-readable-by-others`).
    pub problems: Vec<EntryProblem>,
    /// Which certificate, and its hashes.
    pub served: ServedCertificate,
    chain: Vec<CertificateDer<'static>>,
    key: SecretKeyDer,
}

impl fmt::Debug for TlsSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSelection")
            .field("served", &self.served)
            .field("chain_len", &self.chain.len())
            .field("problems", &self.problems)
            .finish_non_exhaustive()
    }
}

impl TlsSelection {
    /// Loads `store`, runs the automatic choice with `options`, and exports
    /// the chosen entry's key and chain.
    ///
    /// ```
    /// use sstp_cert::adapters::dir_store::DirectoryStore;
    /// use sstp_cert::adapters::tls::{default_provider, TlsSelection};
    /// use sstp_cert::model::choice::ChoiceOptions;
    /// # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
    /// # let dir = tempfile::tempdir()?;
    /// # std::fs::write(dir.path().join("vpn.pem"), ck.cert.pem())?;
    /// # std::fs::write(dir.path().join("vpn.key"), ck.signing_key.serialize_pem())?;
    /// let selection = TlsSelection::from_store(&DirectoryStore::new(dir.path()), &ChoiceOptions::windows())?;
    /// assert_eq!(selection.certificate().as_ref(), selection.served.certificate.der());
    /// let certified = selection.certified_key(&default_provider())?;
    /// assert_eq!(certified.cert.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`TlsError::Store`], [`TlsError::NoEligibleCertificate`] (Event 11),
    /// [`TlsError::KeyExport`].
    pub fn from_store<S: KeyExport + ?Sized>(
        store: &S,
        options: &ChoiceOptions,
    ) -> Result<Self, TlsError> {
        let snapshot = store.load()?;
        let choice = choose(&snapshot.entries, options);
        let chosen = choice
            .selected
            .as_ref()
            .and_then(|s| Some((s, snapshot.entries.get(s.index)?)));
        let Some((selected, entry)) = chosen else {
            let event = choice.events.first().cloned().unwrap_or_else(|| {
                Event::new(
                    EventId::NoEligibleCertificate,
                    EventId::NoEligibleCertificate.summary(),
                )
            });
            return Err(TlsError::NoEligibleCertificate {
                store: store.describe(),
                event,
            });
        };
        let export = |error| TlsError::KeyExport {
            entry: entry.source.clone(),
            error: Box::new(error),
        };
        let (key, key_warnings) = store.export_key(entry).map_err(export)?;
        let mut chain = vec![certificate_der(&entry.certificate)];
        chain.extend(store.intermediates_der(entry).map_err(export)?);
        let served = ServedCertificate {
            store: store.describe(),
            source: entry.source.clone(),
            index: selected.index,
            subject: entry.certificate.subject().to_owned(),
            purpose: selected.purpose,
            sha1: selected.sha1,
            sha256: selected.sha256,
            certificate: entry.certificate.clone(),
            generation: 0,
        };
        let mut problems = snapshot.problems;
        problems.extend(key_warnings);
        Ok(TlsSelection {
            choice,
            problems,
            served,
            chain,
            key,
        })
    }

    /// The chosen certificate, as rustls takes it.
    pub fn certificate(&self) -> &CertificateDer<'static> {
        // `from_store` always puts the leaf first, and the chain is private.
        &self.chain[0]
    }

    /// The chain to send: the chosen certificate first, then the
    /// intermediates the store holds for it.
    pub fn chain(&self) -> &[CertificateDer<'static>] {
        &self.chain
    }

    /// The chosen certificate's private key (wiped when the selection is
    /// dropped).
    pub fn private_key(&self) -> &PrivateKeyDer<'static> {
        &self.key
    }

    /// A [`CertifiedKey`]: the chain and the key loaded by `provider`,
    /// checked to belong to the certificate.
    ///
    /// rustls takes the key DER by value, so this hands it a copy (the
    /// selection keeps its own, wiped when dropped); where the selection is
    /// not needed any more, [`TlsSelection::into_certified_key`] moves the
    /// key instead.
    ///
    /// # Errors
    ///
    /// [`TlsError::Rustls`] when the provider cannot load the key or it
    /// does not match the certificate.
    pub fn certified_key(&self, provider: &CryptoProvider) -> Result<CertifiedKey, TlsError> {
        certified(
            self.chain.clone(),
            self.key.clone_key(),
            provider,
            &self.served.source,
        )
    }

    /// Like [`TlsSelection::certified_key`], but moves the key into rustls
    /// instead of copying it, and returns what the choice found alongside.
    ///
    /// rustls' key provider parses the DER into its own signing key (which
    /// lives as long as the [`CertifiedKey`]) and drops the DER itself; no
    /// other copy is made.
    ///
    /// ```
    /// use sstp_cert::adapters::dir_store::DirectoryStore;
    /// use sstp_cert::adapters::tls::{default_provider, TlsSelection};
    /// use sstp_cert::model::choice::ChoiceOptions;
    /// # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
    /// # let dir = tempfile::tempdir()?;
    /// # std::fs::write(dir.path().join("vpn.pem"), ck.cert.pem() + &ck.signing_key.serialize_pem())?;
    /// let selection = TlsSelection::from_store(&DirectoryStore::new(dir.path()), &ChoiceOptions::windows())?;
    /// let (certified, served, _choice, _problems) = selection.into_certified_key(&default_provider())?;
    /// assert_eq!(certified.cert[0].as_ref(), served.certificate.der());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`TlsSelection::certified_key`].
    pub fn into_certified_key(
        mut self,
        provider: &CryptoProvider,
    ) -> Result<(CertifiedKey, ServedCertificate, Choice, Vec<EntryProblem>), TlsError> {
        // Moved out; what stays behind is empty (and wiped anyway).
        let key = std::mem::replace(&mut *self.key, PrivateKeyDer::Pkcs8(Vec::new().into()));
        let certified = certified(
            std::mem::take(&mut self.chain),
            key,
            provider,
            &self.served.source,
        )?;
        Ok((certified, self.served, self.choice, self.problems))
    }

    /// The chain and the key, for TLS stacks other than rustls. The key
    /// still wipes itself when dropped.
    pub fn into_parts(self) -> (Vec<CertificateDer<'static>>, SecretKeyDer) {
        (self.chain, self.key)
    }
}

fn certified(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    provider: &CryptoProvider,
    source: &str,
) -> Result<CertifiedKey, TlsError> {
    CertifiedKey::from_der(chain, key, provider).map_err(|error| TlsError::Rustls {
        entry: source.to_owned(),
        error,
    })
}

/// Options of [`SstpCertResolver`].
///
/// ```
/// use sstp_cert::adapters::tls::ResolverOptions;
/// use sstp_cert::model::choice::Policy;
/// let o = ResolverOptions::default().with_policy(Policy::STRICT);
/// assert!(o.at.is_none()); // judge validity "now", at each selection
/// ```
#[derive(Debug, Clone)]
pub struct ResolverOptions {
    /// The exclusion policy; [`Policy::WINDOWS`] by default.
    pub policy: Policy,
    /// The moment validity is judged at; `None` (the default): the current
    /// time at each selection.
    pub at: Option<OffsetDateTime>,
    /// The crypto provider; [`default_provider`] (ring) by default.
    pub provider: Arc<CryptoProvider>,
    /// The TLS versions served; TLS 1.3 and 1.2 by default (older Windows
    /// SSTP clients speak TLS 1.2 only).
    pub versions: Vec<&'static SupportedProtocolVersion>,
}

impl Default for ResolverOptions {
    fn default() -> Self {
        ResolverOptions {
            policy: Policy::WINDOWS,
            at: None,
            provider: default_provider(),
            versions: vec![&rustls::version::TLS13, &rustls::version::TLS12],
        }
    }
}

impl ResolverOptions {
    /// Uses this exclusion policy.
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Judges validity at a fixed moment.
    pub fn at(mut self, at: OffsetDateTime) -> Self {
        self.at = Some(at);
        self
    }

    /// Uses this crypto provider.
    pub fn with_provider(mut self, provider: Arc<CryptoProvider>) -> Self {
        self.provider = provider;
        self
    }

    fn choice_options(&self) -> ChoiceOptions {
        ChoiceOptions::windows()
            .at(self.at.unwrap_or_else(OffsetDateTime::now_utc))
            .with_policy(self.policy)
    }
}

/// One certificate in service: the rustls key, which certificate it is,
/// and a rustls `ServerConfig` that serves exactly this certificate.
///
/// ```
/// # use sstp_cert::adapters::dir_store::DirectoryStore;
/// use sstp_cert::adapters::tls::{ResolverOptions, SstpCertResolver};
/// # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
/// # let dir = tempfile::tempdir()?;
/// # std::fs::write(dir.path().join("vpn.pem"), ck.cert.pem() + &ck.signing_key.serialize_pem())?;
/// let resolver = SstpCertResolver::new(DirectoryStore::new(dir.path()), ResolverOptions::default())?;
/// let current = resolver.current();
/// assert_eq!(current.certified_key().cert[0].as_ref(), current.certificate().certificate.der());
/// let acceptor_config = current.server_config().clone(); // e.g. for tokio_rustls::TlsAcceptor
/// # let _ = acceptor_config;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ServedKey {
    certified_key: Arc<CertifiedKey>,
    certificate: ServedCertificate,
    config: Arc<ServerConfig>,
    choice: Choice,
    problems: Vec<EntryProblem>,
}

impl ServedKey {
    /// The rustls certified key.
    pub fn certified_key(&self) -> &Arc<CertifiedKey> {
        &self.certified_key
    }

    /// Which certificate, and its hashes.
    pub fn certificate(&self) -> &ServedCertificate {
        &self.certificate
    }

    /// A `ServerConfig` pinned to this certificate: every handshake made
    /// with it serves exactly [`ServedKey::certificate`], whatever a later
    /// reselection does. The listener uses it so that each connection knows
    /// which certificate it got.
    pub fn server_config(&self) -> &Arc<ServerConfig> {
        &self.config
    }

    /// The automatic choice that picked this certificate: every
    /// candidate's verdict and the warnings clients will act on (an
    /// expired certificate is served, as Windows would bind it).
    pub fn choice(&self) -> &Choice {
        &self.choice
    }

    /// Problems met while loading the store for this selection.
    pub fn problems(&self) -> &[EntryProblem] {
        &self.problems
    }
}

impl fmt::Debug for ServedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServedKey")
            .field("certificate", &self.certificate)
            .finish_non_exhaustive()
    }
}

/// Serves one fixed certified key.
#[derive(Debug)]
struct Pinned(Arc<CertifiedKey>);

impl ResolvesServerCert for Pinned {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

/// What [`SstpCertResolver::reselect`] did.
///
/// ```
/// # use sstp_cert::adapters::dir_store::DirectoryStore;
/// use sstp_cert::adapters::tls::{ResolverOptions, SstpCertResolver};
/// # let a = rcgen::generate_simple_self_signed(vec!["a.example.com".into()]).unwrap();
/// # let b = rcgen::generate_simple_self_signed(vec!["b.example.com".into()]).unwrap();
/// # let dir = tempfile::tempdir()?;
/// # std::fs::write(dir.path().join("20-a.pem"), a.cert.pem() + &a.signing_key.serialize_pem())?;
/// let resolver = SstpCertResolver::new(DirectoryStore::new(dir.path()), ResolverOptions::default())?;
/// // a certificate that comes earlier in store order is added
/// std::fs::write(dir.path().join("10-b.pem"), b.cert.pem() + &b.signing_key.serialize_pem())?;
/// let r = resolver.reselect()?;
/// assert!(r.changed);
/// assert_eq!((r.previous.source.as_str(), r.current.source.as_str()), ("20-a.pem", "10-b.pem"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Reselection {
    /// The certificate served before.
    pub previous: ServedCertificate,
    /// The certificate served now (new connections).
    pub current: ServedCertificate,
    /// Whether another certificate is served now (by SHA-256).
    pub changed: bool,
    /// The choice that was made.
    pub choice: Choice,
    /// Problems met while loading the store.
    pub problems: Vec<EntryProblem>,
}

/// A rustls [`ResolvesServerCert`] serving the certificate the SSTP rules
/// choose from a store, re-selectable on demand.
///
/// The certificate in service sits behind an `RwLock<Arc<_>>`: a handshake
/// clones the `Arc` (no lock is held while signing), a reselection swaps it.
///
/// ```
/// use std::sync::Arc;
/// # use sstp_cert::adapters::dir_store::DirectoryStore;
/// use sstp_cert::adapters::tls::{ResolverOptions, SstpCertResolver};
/// # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
/// # let dir = tempfile::tempdir()?;
/// # std::fs::write(dir.path().join("vpn.pem"), ck.cert.pem() + &ck.signing_key.serialize_pem())?;
/// let resolver = Arc::new(SstpCertResolver::new(
///     DirectoryStore::new(dir.path()),
///     ResolverOptions::default(),
/// )?);
/// // plug it into your own rustls server ...
/// let config: Arc<rustls::ServerConfig> = resolver.server_config();
/// # let _ = config;
/// // ... and choose again when the store changes (a file watcher, a signal)
/// resolver.reselect()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SstpCertResolver {
    store: Box<dyn KeyExport + Send + Sync>,
    options: ResolverOptions,
    current: RwLock<Arc<ServedKey>>,
    generation: AtomicU64,
    reselecting: Mutex<()>,
}

impl fmt::Debug for SstpCertResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SstpCertResolver")
            .field("store", &self.store.describe())
            .field("served", &self.current().certificate)
            .finish_non_exhaustive()
    }
}

impl SstpCertResolver {
    /// Chooses the certificate from `store` and prepares it for rustls.
    ///
    /// # Errors
    ///
    /// As [`TlsSelection::from_store`], and [`TlsError::Rustls`] when rustls
    /// cannot use the key or the TLS versions.
    pub fn new<S: KeyExport + Send + Sync + 'static>(
        store: S,
        options: ResolverOptions,
    ) -> Result<Self, TlsError> {
        let served = prepare(&store, &options, 1)?;
        Ok(SstpCertResolver {
            store: Box::new(store),
            options,
            current: RwLock::new(Arc::new(served)),
            generation: AtomicU64::new(1),
            reselecting: Mutex::new(()),
        })
    }

    /// The certificate in service now, with its rustls key and pinned
    /// `ServerConfig`.
    pub fn current(&self) -> Arc<ServedKey> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Which certificate is served now, and its hashes.
    pub fn served(&self) -> ServedCertificate {
        self.current().certificate.clone()
    }

    /// The options.
    pub fn options(&self) -> &ResolverOptions {
        &self.options
    }

    /// Loads the store again, runs the choice again, and serves the result
    /// to new handshakes. Established connections are not touched.
    ///
    /// # Errors
    ///
    /// As [`SstpCertResolver::new`]; the certificate in service then stays.
    pub fn reselect(&self) -> Result<Reselection, TlsError> {
        let _serial = self
            .reselecting
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let generation = self.generation.load(Ordering::SeqCst) + 1;
        let served = prepare(self.store.as_ref(), &self.options, generation)?;
        self.generation.store(generation, Ordering::SeqCst);
        let current = served.certificate.clone();
        let choice = served.choice.clone();
        let problems = served.problems.clone();
        let previous = {
            let mut slot = self.current.write().unwrap_or_else(PoisonError::into_inner);
            std::mem::replace(&mut *slot, Arc::new(served))
        };
        let previous = previous.certificate.clone();
        Ok(Reselection {
            changed: previous.sha256 != current.sha256,
            previous,
            current,
            choice,
            problems,
        })
    }

    /// A rustls `ServerConfig` (the resolver's provider and TLS versions, no
    /// client authentication) whose certificate follows this resolver: each
    /// new handshake gets the certificate in service at that moment.
    pub fn server_config(self: &Arc<Self>) -> Arc<ServerConfig> {
        let resolver: Arc<dyn ResolvesServerCert> = self.clone();
        // The versions were accepted by `new` for the same provider.
        match server_config_with(&self.options, resolver) {
            Ok(c) => Arc::new(c),
            Err(_) => self.current().config.clone(),
        }
    }
}

impl ResolvesServerCert for SstpCertResolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current().certified_key.clone())
    }
}

fn server_config_with(
    options: &ResolverOptions,
    resolver: Arc<dyn ResolvesServerCert>,
) -> Result<ServerConfig, rustls::Error> {
    let config = ServerConfig::builder_with_provider(options.provider.clone())
        .with_protocol_versions(&options.versions)?
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    Ok(config)
}

fn prepare<S: KeyExport + ?Sized>(
    store: &S,
    options: &ResolverOptions,
    generation: u64,
) -> Result<ServedKey, TlsError> {
    let selection = TlsSelection::from_store(store, &options.choice_options())?;
    // The key is moved into rustls, not copied.
    let (certified_key, mut certificate, choice, problems) =
        selection.into_certified_key(&options.provider)?;
    let certified_key = Arc::new(certified_key);
    let config =
        server_config_with(options, Arc::new(Pinned(certified_key.clone()))).map_err(|error| {
            TlsError::Rustls {
                entry: certificate.source.clone(),
                error,
            }
        })?;
    certificate.generation = generation;
    Ok(ServedKey {
        certified_key,
        certificate,
        config: Arc::new(config),
        choice,
        problems,
    })
}
