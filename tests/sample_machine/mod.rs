//! The sample machine (`examples/store` + `examples/machine`) as the Windows
//! readers would return it, and a way to compare two diagnoses of it.
//!
//! Platform-neutral: `windows_records.rs` feeds these records to the typed
//! mapping on every platform; `windows_live.rs` puts the same certificates
//! and registry values into a real (Wine) machine and reads them back.
#![allow(dead_code)]

use std::path::PathBuf;

use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::adapters::windows::records::{
    RawBindingEndpoint, RawRegistryValue, RawSslBinding, RawStoreEntry,
};
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::diagnosis::{Diagnosis, FindingCode, Severity};
use sstp_cert::model::eku::{KeyPurpose, Purpose};
use sstp_cert::model::event::Event;
use sstp_cert::model::httpsys::{
    AppId, Endpoint, MAX_NETSH_INPUT, SslBinding, SslCertListing, parse_sslcert_show,
};
use sstp_cert::model::plumbing::{BindingChange, Mode};
use sstp_cert::model::registry::{
    Listener, ParsedRegistry, RegistryValues, RegistryWrite, parse_registry_text,
};
use sstp_cert::model::store::{CertStore, KeyState, StoreEntry};
use sstp_cert::model::thumbprint::Sha1Thumbprint;

/// The moment the sample is judged at.
pub const AT: time::OffsetDateTime = time::macros::datetime!(2026-11-22 00:00 UTC);

pub fn path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// One certificate of `examples/store`, with what Windows keeps next to it.
#[derive(Debug, Clone)]
pub struct SampleCert {
    /// The file it came from.
    pub file: String,
    pub der: Vec<u8>,
    /// Whether Windows would have a key linked (the directory store found a
    /// key that belongs to it).
    pub linked: bool,
    /// The EKU property, dotted OIDs.
    pub eku_property: Option<Vec<String>>,
    pub friendly_name: Option<String>,
}

impl SampleCert {
    /// The record the CryptoAPI reader returns for it.
    pub fn raw(&self) -> RawStoreEntry {
        RawStoreEntry {
            der: self.der.clone(),
            has_key_provider_info: self.linked,
            eku_property: self.eku_property.clone(),
            friendly_name: self.friendly_name.clone(),
        }
    }

    /// The entry an in-memory store built by hand holds for it.
    pub fn reference_entry(&self) -> StoreEntry {
        let key = if self.linked {
            KeyState::Linked
        } else {
            KeyState::Absent
        };
        let mut entry = StoreEntry::new(
            Certificate::from_der(self.der.clone()).unwrap(),
            key,
            self.file.clone(),
        );
        if let Some(oids) = &self.eku_property {
            entry = entry.with_eku_property(oids.iter().map(|o| KeyPurpose::from_oid(o)).collect());
        }
        if let Some(name) = &self.friendly_name {
            entry = entry.with_friendly_name(name.clone());
        }
        entry
    }

    pub fn sha1(&self) -> Sha1Thumbprint {
        Sha1Thumbprint::of_der(&self.der)
    }
}

/// The certificates of `examples/store`, in file order.
pub fn sample_certs() -> Vec<SampleCert> {
    let snapshot = DirectoryStore::new(path("examples/store"))
        .load()
        .expect("examples/store loads");
    assert!(snapshot.entries.len() >= 5, "the sample store is there");
    snapshot
        .entries
        .iter()
        .map(|e| SampleCert {
            file: e.source.clone(),
            der: e.certificate.der().to_vec(),
            linked: e.key.counts_as_key(),
            eku_property: e
                .eku_property
                .as_ref()
                .map(|p| p.iter().map(|k| k.oid().to_owned()).collect()),
            friendly_name: e.friendly_name.clone(),
        })
        .collect()
}

/// `examples/machine/netsh-sslcert.txt`, parsed.
pub fn sample_netsh() -> SslCertListing {
    let bytes = std::fs::read(path("examples/machine/netsh-sslcert.txt")).unwrap();
    assert!(bytes.len() < MAX_NETSH_INPUT);
    parse_sslcert_show(&bytes).expect("the sample listing parses")
}

/// `examples/machine/sstpsvc.reg`, parsed.
pub fn sample_registry() -> ParsedRegistry {
    let bytes = std::fs::read(path("examples/machine/sstpsvc.reg")).unwrap();
    parse_registry_text(&bytes).expect("the sample export parses")
}

/// The record HTTP.sys holds for a binding made with default options (what
/// `query_ssl_bindings` returns for it).
pub fn raw_binding(binding: &SslBinding) -> RawSslBinding {
    let endpoint = match &binding.endpoint {
        Endpoint::IpPort(address) => RawBindingEndpoint::IpPort(*address),
        Endpoint::HostnamePort { hostname, port } => RawBindingEndpoint::HostnamePort {
            hostname: hostname.clone(),
            port: *port,
        },
        Endpoint::Ccs { port } => RawBindingEndpoint::CentralCertificateStore { port: *port },
        other => panic!("an endpoint kind the sample machine does not record: {other}"),
    };
    RawSslBinding {
        endpoint,
        cert_hash: binding
            .cert_hash
            .map(|h| h.as_bytes().to_vec())
            .unwrap_or_default(),
        app_id: binding.app_id.map(|id| id.to_string()).unwrap_or_default(),
        cert_store_name: binding.store_name.clone(),
        default_cert_check_mode: 0,
        default_revocation_freshness_time: 0,
        default_revocation_url_retrieval_timeout: 0,
        default_ssl_ctl_identifier: None,
        default_ssl_ctl_store_name: None,
        default_flags: 0,
    }
}

/// The records the registry reader returns for these values.
pub fn raw_registry(values: &RegistryValues) -> Vec<RawRegistryValue> {
    values
        .iter()
        .map(|entry| {
            let (value_type, data) = entry.value.to_raw();
            RawRegistryValue {
                name: entry.name.clone(),
                value_type,
                data,
            }
        })
        .collect()
}

/// A finding's code, severity, endpoint, certificate and fix.
pub type FindingSummary = (
    FindingCode,
    Severity,
    Option<Endpoint>,
    Option<Sha1Thumbprint>,
    Vec<String>,
);

/// A binding's endpoint, hash, application id and store.
pub type BindingSummary = (
    Endpoint,
    Option<Sha1Thumbprint>,
    Option<AppId>,
    Option<String>,
);

/// What a diagnosis decided, without the entries' sources (which name the
/// store they came from) and the texts that quote them.
#[derive(Debug, PartialEq)]
pub struct Decided {
    pub findings: Vec<FindingSummary>,
    pub events: Vec<Event>,
    pub mode: Mode,
    pub listener: Option<Listener>,
    pub bindings_after: Vec<BindingSummary>,
    pub changes: Vec<BindingChange>,
    pub registry_writes: Vec<RegistryWrite>,
    pub bound: Option<Sha1Thumbprint>,
    pub candidates: Vec<(Sha1Thumbprint, bool, Purpose, KeyState, Vec<&'static str>)>,
    pub selected: Option<Sha1Thumbprint>,
}

pub fn decided(d: &Diagnosis) -> Decided {
    Decided {
        findings: d
            .findings
            .iter()
            .map(|f| {
                (
                    f.code,
                    f.severity,
                    f.endpoint.clone(),
                    f.certificate,
                    f.fix.clone(),
                )
            })
            .collect(),
        events: d.events.clone(),
        mode: d.plumbing.mode,
        listener: d.plumbing.listener,
        bindings_after: d
            .plumbing
            .bindings
            .iter()
            .map(|b| {
                (
                    b.endpoint.clone(),
                    b.cert_hash,
                    b.app_id,
                    b.store_name.clone(),
                )
            })
            .collect(),
        changes: d.plumbing.changes.clone(),
        registry_writes: d.plumbing.registry_writes.clone(),
        bound: d.plumbing.bound,
        candidates: d
            .choice
            .candidates
            .iter()
            .map(|c| {
                (
                    c.sha1(),
                    c.eligible,
                    c.purpose,
                    c.key,
                    c.reasons.iter().map(|r| r.code()).collect(),
                )
            })
            .collect(),
        selected: d.choice.selected.as_ref().map(|s| s.sha1),
    }
}
