//! # sstp-cert
//!
//! How a Windows SSTP VPN server chooses and binds the certificate of its
//! HTTPS listener — and why a certificate that "should work" does not.
//!
//! The SSTP service (SstpSvc / RemoteAccess) listens on `0.0.0.0:443` and
//! `[::]:443`, takes the **first** certificate of the machine's Personal
//! store that has a private key and a Server Authentication (or All-purpose)
//! EKU, preferring Server Authentication, and binds it in HTTP.sys. This
//! crate reproduces those rules exactly, explains every verdict with stable
//! reason codes, and models what goes wrong around them.
//!
//! ## Quick start
//!
//! Parse certificates, put them in a store in enumeration order, and run the
//! automatic choice:
//!
//! ```
//! use sstp_cert::{choose, Certificate, ChoiceOptions, KeyState, Purpose, StoreEntry};
//! # fn der(name: &str, server_auth: bool) -> Vec<u8> {
//! #     let mut p = rcgen::CertificateParams::new(vec![name.into()]).unwrap();
//! #     if server_auth { p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth]; }
//! #     p.self_signed(&rcgen::KeyPair::generate().unwrap()).unwrap().der().to_vec()
//! # }
//!
//! // An All-purpose certificate (no EKU) first, a Server-Auth one second.
//! let all_purpose = Certificate::from_der(der("old.example.com", false))?;
//! let server_auth = Certificate::from_der(der("vpn.example.com", true))?;
//! let entries = vec![
//!     StoreEntry::new(all_purpose, KeyState::Linked, "first"),
//!     StoreEntry::new(server_auth, KeyState::Linked, "second"),
//! ];
//!
//! let at = time::macros::datetime!(2026-11-22 12:00 UTC); // time is a parameter
//! let choice = choose(&entries, &ChoiceOptions::windows().at(at));
//! let chosen = choice.selected.as_ref().expect("a certificate is eligible");
//! assert_eq!(chosen.source, "second"); // Server Authentication is preferred
//! assert_eq!(chosen.purpose, Purpose::ServerAuth);
//! for c in &choice.candidates {
//!     let codes: Vec<_> = c.reasons.iter().map(|r| r.code()).collect();
//!     println!("{}: {}", c.source, codes.join(", "));
//! }
//! # Ok::<(), sstp_cert::Error>(())
//! ```
//!
//! The everyday types and functions are re-exported at the crate root
//! ([`Certificate`], [`StoreEntry`], [`choose`], [`diagnose`],
//! [`plan_certificate_change`], [`recommend`], [`MachineState`],
//! [`DirectoryStore`], …); their modules below keep them too.
//!
//! ## What is where
//!
//! [`behaviour`] states every rule the crate reproduces, numbered — what
//! the SSTP service, HTTP.sys and each kind of client do — in one place.
//!
//! The crate is a **pure core** and **thin adapters**.
//!
//! [`model`] — plain data in, plain data out; no I/O, no clock (time is
//! always a parameter):
//!
//! | module | concept |
//! |---|---|
//! | [`model::thumbprint`] | SHA-1 thumbprint and SHA-256 hash types; lenient parsing of pasted text |
//! | [`model::certificate`] | certificate facts, parsed once |
//! | [`model::key`] | private key files and pairing them with certificates by public key |
//! | [`model::eku`] | EKU extension ∩ store property → effective EKU → purpose |
//! | [`model::store`] | store entries, key state, the `CertStore` trait, an in-memory store |
//! | [`model::choice`] | the automatic choice with a verdict per candidate |
//! | [`model::warning`] | what the service does not check but clients do |
//! | [`model::hostname`] | will each kind of client accept the certificate for the name it dials |
//! | [`model::registry`] | `SstpSvc\Parameters`: `.reg` and `reg query` text, typed values, writes |
//! | [`model::httpsys`] | HTTP.sys SSL bindings: `netsh http show sslcert` text, `add`/`delete` commands |
//! | [`model::crypto_binding`] | SSTP crypto binding: certificate hash field, CMK, Compound MAC |
//! | [`model::event`] | RasSstp event ids |
//! | [`model::port`] | whether the listener port is free, per address family |
//! | [`model::plumbing`] | what the service does to HTTP.sys and the registry when it starts (admin, automatic and HTTP modes) |
//! | [`model::runtime`] | a simulated server: live certificate contexts, netsh, reg, restarts, reboots, client connections |
//! | [`model::advice`] | the one certificate a report recommends ([behaviour §11](crate::behaviour)), and why each other one is not |
//! | [`model::plan`] | the change-certificate procedure as command lines to paste |
//! | [`model::script`] | scripts of administrator commands to replay on the simulated server |
//! | [`model::state`] | a machine's saved state: the store, and the bindings and registry when given (unknown is not empty) |
//! | [`model::diagnosis`] | findings with stable codes, explanations and fixes |
//!
//! [`adapters`] — the parts that touch the outside world:
//!
//! | module | what |
//! |---|---|
//! | [`adapters::bundle`] | a machine bundle: a server's whole saved state in one directory (store, bindings, registry, `machine.json`), read into a [`MachineState`] and written by `collect` |
//! | [`adapters::state_source`] | a machine's state from saved files, a directory store or (on Windows) the machine itself, as the CLI reads it |
//! | [`adapters::dir_store`] | a directory of certificate and key files as a store |
//! | [`adapters::fleet`] | every bundle under a directory, diagnosed in parallel: one summary per server |
//! | [`adapters::port_probe`] | tries to bind `0.0.0.0:<port>` and `[::]:<port>` |
//! | [`adapters::windows`] | the Windows certificate store, registry and HTTP.sys, read-only: `WindowsStore` and the live readers on Windows; their records and the mapping onto the model on every platform |
//!
//! ## Diagnosing a machine
//!
//! ```
//! use sstp_cert::model::httpsys::{Endpoint, SslBinding};
//! use sstp_cert::model::registry::SstpParameters;
//! use sstp_cert::{diagnose, DiagnosisInput, FindingCode, Sha1Thumbprint};
//!
//! // HTTP.sys still binds a certificate that was deleted from the store.
//! let gone = Sha1Thumbprint::of_der(b"the old certificate");
//! let bindings = [Endpoint::ipv4_wildcard(443), Endpoint::ipv6_wildcard(443)]
//!     .map(|e| SslBinding::sstp(e, gone));
//! let params = SstpParameters::default();
//! let d = diagnose(&DiagnosisInput::new(&[], &bindings, &params));
//! let f = d.with_code(FindingCode::BindingCertificateMissing).next().unwrap();
//! assert!(f.message.contains("until the next reboot"));
//! ```
//!
//! ## A server's saved state
//!
//! What an administrator brings home — a directory of certificate files,
//! the output of `netsh http show sslcert`, a `.reg` export — is read by
//! [`adapters::state_source`] into a [`MachineState`]; a part not given is
//! *unknown*, not empty, and every consumer says what it assumed for it.
//!
//! ```
//! use sstp_cert::adapters::state_source::{StateSource, StoreSource};
//! use sstp_cert::{diagnose, DiagnosisInput};
//!
//! let loaded = StateSource::new(StoreSource::Directory("examples/store".into())).load()?;
//! let parameters = loaded.state.parameters();
//! let d = diagnose(&DiagnosisInput::from_state(&loaded.state, &parameters));
//! assert_eq!(d.unknown_inputs.len(), 2); // no bindings, no registry given
//! # Ok::<(), sstp_cert::Error>(())
//! ```
//!
//! ## Errors
//!
//! Every parser returns a `thiserror` enum whose message names what was
//! wrong and where (file, line, field, byte offset); nothing panics on bad
//! input. Problems with single store entries are collected as
//! [`model::store::EntryProblem`]s next to the entries that did load, never
//! silently dropped.
//!
//! Each module has its own error type, saying exactly what can fail there
//! ([`CertificateError`], [`StoreError`], [`PlanError`],
//! [`model::registry::RegistryParseError`], …). [`sstp_cert::Error`](Error)
//! gathers them: one variant per module error, displayed as that error, so
//! `?` converts any of them and a caller of several modules needs one error
//! type ([`sstp_cert::Result<T>`](Result) is `Result<T, sstp_cert::Error>`).
//! Match on its variants to get the module error back. Where an error has
//! an underlying cause (an OS error, a JSON error, a parser's error), that
//! cause is its [`source`](std::error::Error::source), with the message
//! naming it as well. Every error enum is `#[non_exhaustive]`: new variants
//! may come in minor versions, so a `match` on one needs a `_` arm.
//!
//! ## Features
//!
//! | feature | default | what |
//! |---|---|---|
//! | `serde` | no | `Serialize`/`Deserialize` for the model (stable codes as strings), and the JSON files: a directory store's `<stem>.json` entry properties, `adapters::bundle`, `adapters::fleet`, `adapters::windows::collect` (serde, serde_json, time's serde) |
//! | `key-pairing` | no | pair EC (P-256, P-384) and Ed25519 private key files with their certificates (p256, p384, ed25519-dalek); RSA keys pair without it, other keys are an error naming the feature |
//! | `idna` | no | convert U-labels in typed host names to A-labels (idna); without it a Unicode host name is an error naming the feature |
//! | `port-probe` | no | `adapters::port_probe`: whether the listener port is free on this machine (socket2) |
//! | `cli` | no | the `sstp-cert` command-line tool (clap); turns on `serde`, `key-pairing`, `idna` and `port-probe` |
//! | `rustls` | no | `adapters::tls`: the chosen certificate, its key and a `CertifiedKey` for rustls 0.23 (ring provider), and a re-selectable `ResolvesServerCert` (turns on `key-pairing`) |
//! | `listener` | no | `adapters::listener`: an SSTP listener front on tokio — binds both families, serves the chosen certificate, answers the SSTP HTTP request, hands the stream over with the crypto-binding values (implies `rustls`; tokio, tokio-rustls, socket2) |
//!
//! The default build is the pure core and the file adapters, with only the
//! crates every user needs: x509-parser, sha1, sha2, hmac, hex, thiserror,
//! time, zeroize, rustls-pki-types (PEM), libc (Unix) and the RustCrypto
//! key-format readers pkcs8, pkcs1 and sec1 — no serde, TLS, async, socket
//! or elliptic-curve crates (README "Dependencies" has the counts). Key
//! export ([`adapters::key_export`]) needs no feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Without these features some modules the documentation links to are not
// built; CI checks every link with all features on, as docs.rs builds.
#![cfg_attr(
    not(all(feature = "serde", feature = "port-probe")),
    allow(rustdoc::broken_intra_doc_links)
)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod adapters;
mod error;
pub mod model;

pub use error::{Error, Result};

// The everyday types, at the crate root; their modules keep them too.
pub use adapters::dir_store::DirectoryStore;
pub use model::advice::{Recommendation, recommend};
pub use model::certificate::{Certificate, CertificateError};
pub use model::choice::{Candidate, Choice, ChoiceOptions, Reason, Selected, choose};
pub use model::diagnosis::{Diagnosis, DiagnosisInput, Finding, FindingCode, Severity, diagnose};
pub use model::eku::{KeyPurpose, Purpose};
pub use model::hostname::{HostVerdicts, Profile, ReferenceId};
pub use model::plan::{Plan, PlanError, PlanInput, PlanOptions, PlanStep, plan_certificate_change};
pub use model::runtime::Machine;
pub use model::state::{Assumption, MachineState};
pub use model::store::{CertStore, EntryProblem, KeyState, MemoryStore, StoreEntry, StoreError};
pub use model::thumbprint::{Sha1Thumbprint, Sha256Hash};
pub use model::warning::{Warning, WarningCode};

/// The behaviour this crate reproduces, rule by rule, numbered.
#[doc = include_str!("../docs/behaviour.md")]
pub mod behaviour {}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
