//! The Windows records mapped onto the model ([behaviour §2](crate::behaviour), §4, §5).
//!
//! Each function takes what a raw reader returned and gives the value the
//! rest of the crate works on, so that a live machine, a `netsh`/`reg`
//! listing and a directory store are all judged by the same code:
//!
//! | record | typed value | function |
//! |---|---|---|
//! | [`RawStoreEntry`] | [`StoreEntry`] (key state [`KeyState::Linked`] / [`KeyState::Absent`], EKU property, friendly name, source) or an [`EntryProblem`] | [`store_entry`], [`store_snapshot`] |
//! | [`RawRegistryValue`]s | [`RegistryValues`] → [`SstpParameters`] | [`registry_values`], [`RegistrySnapshot`] |
//! | [`RawSslBinding`]s | [`SslBinding`]s with the English `netsh` labels | [`ssl_binding`], [`BindingsSnapshot`] |
//!
//! Nothing here does I/O or needs Windows: the functions are tested on every
//! platform, and on Windows the live adapters (`live`) call them on what the
//! raw readers return. Nothing here panics on what the OS returned.
//!
//! # Example
//!
//! ```
//! use sstp_cert::adapters::windows::records::{RawStoreEntry, SystemStoreName};
//! use sstp_cert::adapters::windows::typed::store_snapshot;
//! use sstp_cert::model::store::KeyState;
//! # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()])
//! #     .unwrap().cert.der().to_vec();
//! let raw = vec![
//!     RawStoreEntry {
//!         der,
//!         has_key_provider_info: true,
//!         eku_property: Some(vec!["1.3.6.1.5.5.7.3.2".into()]),
//!         friendly_name: Some("VPN 2026".into()),
//!     },
//!     RawStoreEntry {
//!         der: b"not a certificate".to_vec(),
//!         has_key_provider_info: false,
//!         eku_property: None,
//!         friendly_name: None,
//!     },
//! ];
//! let snapshot = store_snapshot(&SystemStoreName::local_machine_my(), raw);
//! assert_eq!(snapshot.entries.len(), 1);
//! assert_eq!(snapshot.entries[0].key, KeyState::Linked);
//! assert_eq!(snapshot.entries[0].source, "LocalMachine\\MY #1 (VPN 2026)");
//! assert_eq!(snapshot.problems[0].source, "LocalMachine\\MY #2");
//! assert_eq!(snapshot.problems[0].code, "malformed-certificate");
//! ```
#![forbid(unsafe_code)]

use std::fmt;
use std::net::SocketAddr;

use super::records::{
    BindingKind, RawBindingEndpoint, RawRegistryValue, RawSslBinding, RawStoreEntry, SslBindings,
    SystemStoreName,
};
use crate::model::certificate::Certificate;
use crate::model::eku::KeyPurpose;
use crate::model::httpsys::{
    AppId, CoreLabels, Endpoint, Field, FieldValue, Label, SslBinding, SslCertListing,
};
use crate::model::registry::{PARAMETERS_KEY_SHORT, RegValue, RegistryValues, SstpParameters};
use crate::model::store::{EntryProblem, KeyState, StoreEntry, StoreSnapshot};
use crate::model::thumbprint::Sha1Thumbprint;

/// The stable [`EntryProblem::code`]s the Windows store reports.
pub mod codes {
    /// The stored bytes are not a usable certificate (also: a store entry
    /// with no encoded certificate at all).
    pub const MALFORMED_CERTIFICATE: &str = "malformed-certificate";
    /// The entry's EKU property (`CERT_ENHKEY_USAGE_PROP_ID`) is not a DER
    /// `SEQUENCE OF OBJECT IDENTIFIER`.
    pub const MALFORMED_EKU_PROPERTY: &str = "malformed-eku-property";
    /// A property of the entry could not be read (the message has the
    /// property id and the Win32 error).
    pub const UNREADABLE_PROPERTY: &str = "unreadable-property";
}

/// The longest friendly name or subject shown in an entry's source, in
/// characters; longer ones are cut with `…`.
pub const MAX_SOURCE_LABEL: usize = 80;

// ---------------------------------------------------------------------------
// Certificate store
// ---------------------------------------------------------------------------

/// Where an entry came from: `LocalMachine\MY #3`, followed by the friendly
/// name or subject in parentheses when there is one.
///
/// `index` is the entry's position in the OS enumeration order, from 0; the
/// source counts from 1 (`#1` is the first certificate enumerated). Control
/// characters in the label are escaped (`\n`, `\u{7f}`) and a label longer
/// than [`MAX_SOURCE_LABEL`] characters is cut.
pub fn entry_source(store: &SystemStoreName, index: usize, label: Option<&str>) -> String {
    let position = index.saturating_add(1);
    match label.map(str::trim).filter(|l| !l.is_empty()) {
        Some(label) => format!("{store} #{position} ({})", printable(label)),
        None => format!("{store} #{position}"),
    }
}

/// `text` with control characters escaped, at most [`MAX_SOURCE_LABEL`]
/// characters of it.
fn printable(text: &str) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == MAX_SOURCE_LABEL {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// One store record as a model entry, or the problem that keeps it out.
///
/// * the certificate is parsed from `der` ([`Certificate::from_der`]); a
///   certificate that does not parse is an [`EntryProblem`] with code
///   [`codes::MALFORMED_CERTIFICATE`], naming its position, its friendly
///   name if any, and the SHA-1 of the stored bytes (so it can be found
///   with `certutil -store MY <sha1>`);
/// * the key state is [`KeyState::Linked`] when the key-provider property is
///   present, [`KeyState::Absent`] otherwise (the key is never opened — the
///   service does not open it either);
/// * the EKU property keeps its three states: absent (`None`), present and
///   empty (`Some(vec![])`, "no valid uses"), present with OIDs in stored
///   order;
/// * an empty friendly name counts as none;
/// * the source is [`entry_source`] with the friendly name, or the subject
///   when there is no friendly name.
pub fn store_entry(
    store: &SystemStoreName,
    index: usize,
    raw: RawStoreEntry,
) -> Result<StoreEntry, EntryProblem> {
    let RawStoreEntry {
        der,
        has_key_provider_info,
        eku_property,
        friendly_name,
    } = raw;
    let friendly_name = friendly_name.filter(|n| !n.is_empty());
    let sha1 = Sha1Thumbprint::of_der(&der);
    let certificate = Certificate::from_der(der).map_err(|error| EntryProblem {
        source: entry_source(store, index, friendly_name.as_deref()),
        code: codes::MALFORMED_CERTIFICATE.to_owned(),
        message: format!("not a usable certificate (SHA-1 of the stored bytes {sha1}): {error}"),
    })?;
    let label = friendly_name
        .clone()
        .unwrap_or_else(|| certificate.subject().to_owned());
    let key = if has_key_provider_info {
        KeyState::Linked
    } else {
        KeyState::Absent
    };
    Ok(StoreEntry {
        certificate,
        key,
        eku_property: eku_property
            .map(|oids| oids.iter().map(|oid| KeyPurpose::from_oid(oid)).collect()),
        friendly_name,
        source: entry_source(store, index, Some(&label)),
    })
}

/// Every record as a model entry, in the given (OS enumeration) order;
/// records that cannot be used go to [`StoreSnapshot::problems`], and never
/// stop the others from loading.
pub fn store_snapshot(
    store: &SystemStoreName,
    raw: impl IntoIterator<Item = RawStoreEntry>,
) -> StoreSnapshot {
    let mut snapshot = StoreSnapshot::default();
    for (index, record) in raw.into_iter().enumerate() {
        match store_entry(store, index, record) {
            Ok(entry) => snapshot.entries.push(entry),
            Err(problem) => snapshot.problems.push(problem),
        }
    }
    snapshot
}

// ---------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------

/// The values of a key as the model's [`RegistryValues`], in enumeration
/// order, each decoded with [`RegValue::from_raw`] (data that does not fit
/// its type is kept as [`RegValue::Other`], so [behaviour §4](crate::behaviour)'s "wrong type or
/// length" rules apply exactly as to a `.reg` export).
pub fn registry_values(raw: impl IntoIterator<Item = RawRegistryValue>) -> RegistryValues {
    raw.into_iter()
        .map(|value| (value.name, RegValue::from_raw(value.value_type, value.data)))
        .collect()
}

/// What the `SstpSvc\Parameters` key of a machine held when it was read.
///
/// A key that does not exist is not an error: the service then runs on
/// every default ([behaviour §4](crate::behaviour)), so [`RegistrySnapshot::parameters`] gives the
/// defaults and [`RegistrySnapshot::note`] says why. (Failing to *open* an
/// existing key, e.g. access denied, is an error of the reader.)
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RegistrySnapshot {
    /// The key read, as `HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters`.
    pub key: String,
    /// Whether the key exists.
    pub key_found: bool,
    /// Its values, in enumeration order (empty when the key does not exist).
    pub values: RegistryValues,
}

impl RegistrySnapshot {
    /// The snapshot of an existing key with these values.
    pub fn from_raw(raw: impl IntoIterator<Item = RawRegistryValue>) -> Self {
        RegistrySnapshot {
            key: PARAMETERS_KEY_SHORT.to_owned(),
            key_found: true,
            values: registry_values(raw),
        }
    }

    /// The snapshot of a machine without the key (no values).
    pub fn key_not_found() -> Self {
        RegistrySnapshot {
            key: PARAMETERS_KEY_SHORT.to_owned(),
            key_found: false,
            values: RegistryValues::new(),
        }
    }

    /// The typed view ([behaviour §4](crate::behaviour)'s table); all defaults when the key does not
    /// exist.
    pub fn parameters(&self) -> SstpParameters {
        SstpParameters::from_values(&self.values)
    }

    /// What people should know about how the key was read: that it does
    /// not exist (so every parameter is a default), or nothing.
    pub fn note(&self) -> Option<String> {
        (!self.key_found).then(|| {
            format!(
                "registry key {} does not exist (is the Routing and Remote Access role installed?); every SSTP parameter takes its default",
                self.key
            )
        })
    }
}

// ---------------------------------------------------------------------------
// HTTP.sys bindings
// ---------------------------------------------------------------------------

/// `DefaultCertCheckMode` bits (`HTTP_SERVICE_CONFIG_SSL_PARAM`).
mod check_mode {
    /// Client certificates are not checked for revocation.
    pub const NO_REVOCATION_CHECK: u32 = 0x1;
    /// Only cached revocation information is used.
    pub const CACHED_REVOCATION_ONLY: u32 = 0x2;
    /// No usage check is performed.
    pub const NO_USAGE_CHECK: u32 = 0x1_0000;
}

/// `HTTP_SERVICE_CONFIG_SSL_FLAG_*` bits of `DefaultFlags`, with the English
/// label `netsh http show sslcert` prints for each and whether it prints the
/// flag `Enabled`/`Disabled` (true) or `Set`/`Not Set` (false), in the order
/// it prints them. (`NO_RAW_FILTER`, 0x4, and `ENABLE_CLIENT_CORRELATION`,
/// 0x2000, are not printed.)
const FLAG_FIELDS: [(u32, &str, bool); 14] = [
    (0x1, "DS Mapper Usage", true),                 // USE_DS_MAPPER
    (0x2, "Negotiate Client Certificate", true),    // NEGOTIATE_CLIENT_CERT
    (0x8, "Reject Connections", true),              // REJECT
    (0x10, "Disable HTTP2", false),                 // DISABLE_HTTP2
    (0x20, "Disable QUIC", false),                  // DISABLE_QUIC
    (0x1000, "Disable TLS1.2", false),              // DISABLE_TLS12
    (0x40, "Disable TLS1.3", false),                // DISABLE_TLS13
    (0x80, "Disable OCSP Stapling", false),         // DISABLE_OCSP_STAPLING
    (0x100, "Enable Token Binding", false),         // ENABLE_TOKEN_BINDING
    (0x200, "Log Extended Events", false),          // LOG_EXTENDED_EVENTS
    (0x400, "Disable Legacy TLS Versions", false),  // DISABLE_LEGACY_TLS
    (0x800, "Enable Session Ticket", false),        // ENABLE_SESSION_TICKET
    (0x4000, "Disable Session ID", false),          // DISABLE_SESSION_ID
    (0x8000, "Enable Caching Client Hello", false), // ENABLE_CACHE_CLIENT_HELLO
];

/// Something about a live binding worth reporting.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BindingProblem {
    /// The binding's endpoint.
    pub endpoint: Endpoint,
    /// What is wrong.
    pub kind: BindingProblemKind,
}

/// The kinds of [`BindingProblem`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "problem", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum BindingProblemKind {
    /// An IP:port or hostname:port binding without a certificate hash. The
    /// binding is kept with `cert_hash: None`.
    MissingCertHash,
    /// A certificate hash that is not 20 bytes long, so not a SHA-1
    /// thumbprint. The binding is kept with `cert_hash: None`.
    UnexpectedHashLength {
        /// The hash as HTTP.sys holds it, lowercase hex.
        hash: String,
        /// Its length in bytes.
        len: usize,
    },
    /// An application id that is not a GUID (the reader formats GUIDs, so
    /// this only happens with hand-made records). The binding is kept with
    /// `app_id: None`.
    InvalidAppId {
        /// The text.
        text: String,
    },
}

impl fmt::Display for BindingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endpoint = &self.endpoint;
        match &self.kind {
            BindingProblemKind::MissingCertHash => write!(
                f,
                "the binding for {endpoint} has no certificate hash; HTTP.sys cannot serve TLS on it"
            ),
            BindingProblemKind::UnexpectedHashLength { hash, len } => write!(
                f,
                "the binding for {endpoint} has a certificate hash of {len} byte(s) ({hash}), not a 20-byte SHA-1 thumbprint"
            ),
            BindingProblemKind::InvalidAppId { text } => write!(
                f,
                "the binding for {endpoint} has an application id that is not a GUID: {text:?}"
            ),
        }
    }
}

/// The model's endpoint for a record's endpoint. An IPv6 address keeps its
/// scope id; its flow label (meaningless for a binding) is dropped, so that
/// `[::]:443` compares equal to [`Endpoint::ipv6_wildcard`].
pub fn endpoint(raw: &RawBindingEndpoint) -> Endpoint {
    match raw {
        RawBindingEndpoint::IpPort(SocketAddr::V6(v6)) => {
            let mut v6 = *v6;
            v6.set_flowinfo(0);
            Endpoint::IpPort(SocketAddr::V6(v6))
        }
        RawBindingEndpoint::IpPort(address) => Endpoint::IpPort(*address),
        RawBindingEndpoint::HostnamePort { hostname, port } => Endpoint::HostnamePort {
            hostname: hostname.clone(),
            port: *port,
        },
        RawBindingEndpoint::CentralCertificateStore { port } => Endpoint::Ccs { port: *port },
    }
}

/// A record as the binding `netsh http show sslcert` (current releases,
/// English) would list, plus what is wrong with it.
///
/// * endpoint, certificate hash (20 bytes → [`Sha1Thumbprint`]; empty →
///   `None`, a [`BindingProblemKind::MissingCertHash`] except for CCS
///   bindings, which have no hash by design), application id and store name
///   (`None` when HTTP.sys holds none; it then uses `MY`);
/// * [`SslBinding::labels`]: the English labels for the endpoint's kind;
/// * [`SslBinding::fields`]: the lines `netsh` prints after the first four,
///   with its labels and value forms — `Verify Client Certificate
///   Revocation`, `Verify Revocation Using Cached Client Certificate Only`,
///   `Usage Check` (`Enabled`/`Disabled`, from `DefaultCertCheckMode`),
///   `Revocation Freshness Time`, `URL Retrieval Timeout` (numbers),
///   `Ctl Identifier`, `Ctl Store Name` (text or `(null)`), then the
///   `DefaultFlags` bits (`DS Mapper Usage`, `Negotiate Client Certificate`,
///   `Reject Connections` as `Enabled`/`Disabled`; `Disable HTTP2` …
///   `Enable Caching Client Hello` as `Set`/`Not Set`). A binding made with
///   default options therefore has exactly
///   [`default_fields(ShowStyle::Current)`](crate::model::httpsys::default_fields);
/// * no `Extended Properties` groups: the reader uses the version-1 query,
///   which does not return them.
pub fn ssl_binding(raw: &RawSslBinding) -> (SslBinding, Vec<BindingProblem>) {
    let endpoint = endpoint(&raw.endpoint);
    let mut problems = Vec::new();
    let problem = |kind| BindingProblem {
        endpoint: endpoint.clone(),
        kind,
    };
    let cert_hash = match raw.cert_hash.len() {
        0 => {
            if raw.endpoint.kind() != BindingKind::CentralCertificateStore {
                problems.push(problem(BindingProblemKind::MissingCertHash));
            }
            None
        }
        len => match Sha1Thumbprint::from_slice(&raw.cert_hash) {
            Ok(hash) => Some(hash),
            Err(_) => {
                problems.push(problem(BindingProblemKind::UnexpectedHashLength {
                    hash: hex::encode(&raw.cert_hash),
                    len,
                }));
                None
            }
        },
    };
    let app_id = match raw.app_id.parse::<AppId>() {
        Ok(id) => Some(id),
        Err(_) => {
            problems.push(problem(BindingProblemKind::InvalidAppId {
                text: raw.app_id.clone(),
            }));
            None
        }
    };
    let binding = SslBinding {
        labels: CoreLabels::english(endpoint.kind()),
        endpoint,
        cert_hash,
        app_id,
        store_name: raw.cert_store_name.clone(),
        fields: fields(raw),
        extended: Vec::new(),
    };
    (binding, problems)
}

/// The lines after the first four, as current `netsh` prints them.
fn fields(raw: &RawSslBinding) -> Vec<Field> {
    let field = |label: &'static str, value| Field {
        label: Label::from_static(label),
        value,
    };
    let text = |value: &Option<String>| match value {
        Some(text) if !text.is_empty() => FieldValue::Text(text.clone()),
        _ => FieldValue::Null,
    };
    let mode = raw.default_cert_check_mode;
    let mut fields = vec![
        field(
            "Verify Client Certificate Revocation",
            FieldValue::Enabled(mode & check_mode::NO_REVOCATION_CHECK == 0),
        ),
        field(
            "Verify Revocation Using Cached Client Certificate Only",
            FieldValue::Enabled(mode & check_mode::CACHED_REVOCATION_ONLY != 0),
        ),
        field(
            "Usage Check",
            FieldValue::Enabled(mode & check_mode::NO_USAGE_CHECK == 0),
        ),
        field(
            "Revocation Freshness Time",
            FieldValue::Number(u64::from(raw.default_revocation_freshness_time)),
        ),
        field(
            "URL Retrieval Timeout",
            FieldValue::Number(u64::from(raw.default_revocation_url_retrieval_timeout)),
        ),
        field("Ctl Identifier", text(&raw.default_ssl_ctl_identifier)),
        field("Ctl Store Name", text(&raw.default_ssl_ctl_store_name)),
    ];
    for (bit, label, enabled_disabled) in FLAG_FIELDS {
        let on = raw.default_flags & bit != 0;
        let value = if enabled_disabled {
            FieldValue::Enabled(on)
        } else {
            FieldValue::Set(on)
        };
        fields.push(field(label, value));
    }
    fields
}

/// The HTTP.sys bindings of a machine, as the model's [`SslBinding`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingsSnapshot {
    /// Every binding, in the reader's order (IP:port, then hostname:port,
    /// then CCS, each in HTTP.sys order).
    pub bindings: Vec<SslBinding>,
    /// Binding kinds this system does not have (older Windows: no SNI or
    /// CCS bindings).
    pub unsupported_kinds: Vec<BindingKind>,
    /// What is wrong with single bindings, in binding order.
    pub problems: Vec<BindingProblem>,
}

impl BindingsSnapshot {
    /// Maps every record with [`ssl_binding`].
    pub fn from_raw(raw: &SslBindings) -> Self {
        let mut snapshot = BindingsSnapshot {
            bindings: Vec::with_capacity(raw.bindings.len()),
            unsupported_kinds: raw.unsupported_kinds.clone(),
            problems: Vec::new(),
        };
        for record in &raw.bindings {
            let (binding, mut problems) = ssl_binding(record);
            snapshot.bindings.push(binding);
            snapshot.problems.append(&mut problems);
        }
        snapshot
    }

    /// The bindings as a listing, as if parsed from `netsh http show
    /// sslcert` (no title, no line numbers), for code that works on
    /// listings.
    pub fn listing(&self) -> SslCertListing {
        SslCertListing::new(self.bindings.clone())
    }

    /// What people should know beyond the bindings: one line per problem
    /// and per unsupported binding kind.
    pub fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        notes.extend(self.unsupported_kinds.iter().map(|kind| {
            format!(
                "this system has no {kind} bindings ({} is not supported)",
                kind.config_id_name()
            )
        }));
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::windows::records::{REG_BINARY, REG_DWORD, REG_SZ, SystemStoreLocation};
    use crate::model::choice::{ChoiceOptions, choose};
    use crate::model::httpsys::{
        SSTP_APP_ID, ShowStyle, default_fields, parse_sslcert_show, render_show,
    };
    use crate::model::registry::{HashState, ValueProblem};
    use crate::model::store::{CertStore, MemoryStore};

    fn der(name: &str, server_auth: bool) -> Vec<u8> {
        let mut params = rcgen::CertificateParams::new(vec![name.to_owned()]).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        if server_auth {
            params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        }
        let key = rcgen::KeyPair::generate().unwrap();
        params.self_signed(&key).unwrap().der().to_vec()
    }

    fn raw(der: Vec<u8>, key: bool, eku: Option<&[&str]>, friendly: Option<&str>) -> RawStoreEntry {
        RawStoreEntry {
            der,
            has_key_provider_info: key,
            eku_property: eku.map(|oids| oids.iter().map(|o| (*o).to_owned()).collect()),
            friendly_name: friendly.map(str::to_owned),
        }
    }

    const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
    const CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";

    #[test]
    fn maps_key_state_eku_property_friendly_name_and_source() {
        let store = SystemStoreName::local_machine_my();
        let records = vec![
            raw(
                der("a.example", true),
                true,
                Some(&[CLIENT_AUTH]),
                Some("VPN"),
            ),
            raw(der("b.example", false), false, None, None),
            raw(der("c.example", true), true, Some(&[]), Some("")),
            raw(
                der("d.example", false),
                true,
                Some(&[SERVER_AUTH, "1.2.3.4"]),
                None,
            ),
        ];
        let snapshot = store_snapshot(&store, records);
        assert!(snapshot.problems.is_empty());
        let e = &snapshot.entries;
        assert_eq!(e.len(), 4);

        assert_eq!(e[0].key, KeyState::Linked);
        assert_eq!(e[0].eku_property, Some(vec![KeyPurpose::ClientAuth]));
        assert_eq!(e[0].friendly_name.as_deref(), Some("VPN"));
        assert_eq!(e[0].source, "LocalMachine\\MY #1 (VPN)");

        assert_eq!(e[1].key, KeyState::Absent);
        assert_eq!(e[1].eku_property, None);
        assert_eq!(e[1].friendly_name, None);
        assert_eq!(e[1].source, "LocalMachine\\MY #2 (CN=b.example)");

        assert_eq!(
            e[2].eku_property,
            Some(vec![]),
            "present but empty stays empty"
        );
        assert_eq!(e[2].friendly_name, None, "an empty friendly name is none");
        assert_eq!(e[2].source, "LocalMachine\\MY #3 (CN=c.example)");

        assert_eq!(
            e[3].eku_property,
            Some(vec![
                KeyPurpose::ServerAuth,
                KeyPurpose::Other("1.2.3.4".into())
            ])
        );
    }

    #[test]
    fn malformed_certificate_is_a_problem_not_an_abort() {
        let store = SystemStoreName::new(SystemStoreLocation::CurrentUser, "MY").unwrap();
        let good = der("good.example", true);
        let records = vec![
            raw(
                vec![0x30, 0x03, 0x02, 0x01],
                true,
                None,
                Some("broken\nname"),
            ),
            raw(Vec::new(), false, None, None),
            raw(good.clone(), true, None, None),
        ];
        let snapshot = store_snapshot(&store, records);
        assert_eq!(snapshot.entries.len(), 1);
        assert_eq!(snapshot.entries[0].certificate.der(), good.as_slice());
        assert_eq!(
            snapshot.entries[0].source,
            "CurrentUser\\MY #3 (CN=good.example)"
        );
        assert_eq!(snapshot.problems.len(), 2);
        let p = &snapshot.problems[0];
        assert_eq!(p.code, codes::MALFORMED_CERTIFICATE);
        assert_eq!(p.source, "CurrentUser\\MY #1 (broken\\nname)");
        let sha1 = Sha1Thumbprint::of_der(&[0x30, 0x03, 0x02, 0x01]);
        assert!(p.message.contains(&sha1.to_string()), "{}", p.message);
        assert_eq!(snapshot.problems[1].source, "CurrentUser\\MY #2");
    }

    #[test]
    fn long_labels_are_cut() {
        let store = SystemStoreName::local_machine_my();
        let long = "x".repeat(200);
        let source = entry_source(&store, 0, Some(&long));
        assert_eq!(
            source,
            format!("LocalMachine\\MY #1 ({}…)", "x".repeat(MAX_SOURCE_LABEL))
        );
        assert_eq!(entry_source(&store, 4, Some("  ")), "LocalMachine\\MY #5");
    }

    #[test]
    fn choice_over_mapped_entries_equals_choice_over_a_memory_store() {
        let store = SystemStoreName::local_machine_my();
        // A Server-Auth certificate restricted to clientAuth by its property,
        // a Server-Auth one without key, an All-purpose one, then the
        // Server-Auth one that must win.
        let records = vec![
            raw(
                der("restricted.example", true),
                true,
                Some(&[CLIENT_AUTH]),
                None,
            ),
            raw(der("nokey.example", true), false, None, None),
            raw(der("any.example", false), true, None, None),
            raw(der("win.example", true), true, None, Some("VPN")),
        ];
        let snapshot = store_snapshot(&store, records);
        let memory: MemoryStore = snapshot.entries.iter().cloned().collect();
        let options = ChoiceOptions::windows();
        let live = choose(&snapshot.entries, &options);
        let reference = choose(&memory.load().unwrap().entries, &options);
        assert_eq!(live, reference);
        let chosen = live.selected.expect("one is eligible");
        assert_eq!(chosen.source, "LocalMachine\\MY #4 (VPN)");
    }

    #[test]
    fn registry_values_feed_the_parameters() {
        let snapshot = RegistrySnapshot::from_raw(vec![
            RawRegistryValue {
                name: "ListenerPort".into(),
                value_type: REG_DWORD,
                data: 8443u32.to_le_bytes().to_vec(),
            },
            RawRegistryValue {
                name: "sha256certificatehash".into(),
                value_type: REG_BINARY,
                data: (0..32).collect(),
            },
            RawRegistryValue {
                name: "UseHttps".into(),
                value_type: REG_DWORD,
                data: vec![1, 0],
            },
            RawRegistryValue {
                name: "SHA1Enabled".into(),
                value_type: REG_SZ,
                data: b"1\0\0\0".to_vec(),
            },
        ]);
        assert!(snapshot.key_found);
        assert_eq!(snapshot.note(), None);
        let params = snapshot.parameters();
        assert_eq!(params.listener().port, 8443);
        assert!(matches!(
            params.sha256_certificate_hash,
            HashState::Valid { .. }
        ));
        assert!(params.use_https.value, "a short DWORD falls back to 1");
        assert_eq!(
            params.use_https.defaulted,
            Some(ValueProblem::WrongLength {
                len: 2,
                expected: 4
            })
        );
        assert!(params.sha1_enabled.is_invalid());
        assert_eq!(
            snapshot.values.get("SHA1ENABLED"),
            Some(&RegValue::String("1".into()))
        );
    }

    #[test]
    fn missing_key_gives_every_default_and_a_note() {
        let snapshot = RegistrySnapshot::key_not_found();
        assert!(!snapshot.key_found);
        assert_eq!(snapshot.parameters(), SstpParameters::default());
        let note = snapshot.note().unwrap();
        assert!(note.contains(PARAMETERS_KEY_SHORT), "{note}");
    }

    fn raw_binding(endpoint: RawBindingEndpoint, hash: Vec<u8>) -> RawSslBinding {
        RawSslBinding {
            endpoint,
            cert_hash: hash,
            app_id: "{ba195980-cd49-458b-9e23-c84ee0adcd75}".into(),
            cert_store_name: Some("MY".into()),
            default_cert_check_mode: 0,
            default_revocation_freshness_time: 0,
            default_revocation_url_retrieval_timeout: 0,
            default_ssl_ctl_identifier: None,
            default_ssl_ctl_store_name: None,
            default_flags: 0,
        }
    }

    #[test]
    fn a_default_binding_maps_to_what_netsh_shows() {
        let hash: Vec<u8> = (1..=20).collect();
        let v6 = RawBindingEndpoint::IpPort(SocketAddr::V6(std::net::SocketAddrV6::new(
            std::net::Ipv6Addr::UNSPECIFIED,
            443,
            7, // a flow label: dropped
            0,
        )));
        let (binding, problems) = ssl_binding(&raw_binding(v6, hash.clone()));
        assert!(problems.is_empty());
        let thumbprint = Sha1Thumbprint::from_slice(&hash).unwrap();
        let expected = SslBinding::sstp(Endpoint::ipv6_wildcard(443), thumbprint);
        assert_eq!(binding.endpoint, expected.endpoint);
        assert_eq!(binding.cert_hash, Some(thumbprint));
        assert_eq!(binding.app_id, Some(SSTP_APP_ID));
        assert!(binding.is_sstp());
        assert_eq!(binding.store_name.as_deref(), Some("MY"));
        assert_eq!(binding.labels, expected.labels);
        assert_eq!(binding.fields, default_fields(ShowStyle::Current));
        assert!(binding.extended.is_empty());

        // Rendered as current netsh would and parsed back: the same binding.
        let text = render_show(std::slice::from_ref(&binding), ShowStyle::Current);
        let parsed = parse_sslcert_show(text.as_bytes()).unwrap();
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(parsed.bindings, vec![binding]);
    }

    #[test]
    fn every_flag_and_check_mode_bit_maps_to_its_field() {
        let mut record = raw_binding(
            RawBindingEndpoint::IpPort("0.0.0.0:443".parse().unwrap()),
            (1..=20).collect(),
        );
        record.default_cert_check_mode = 0x1 | 0x2 | 0x4 | 0x1_0000;
        record.default_revocation_freshness_time = 60;
        record.default_revocation_url_retrieval_timeout = 15_000;
        record.default_ssl_ctl_identifier = Some("ctl".into());
        record.default_ssl_ctl_store_name = Some(String::new());
        record.default_flags = u32::MAX;
        let (binding, _) = ssl_binding(&record);
        let v = |label: &str| binding.field(label).cloned().unwrap();
        assert_eq!(
            v("Verify Client Certificate Revocation"),
            FieldValue::Enabled(false)
        );
        assert_eq!(
            v("Verify Revocation Using Cached Client Certificate Only"),
            FieldValue::Enabled(true)
        );
        assert_eq!(v("Usage Check"), FieldValue::Enabled(false));
        assert_eq!(v("Revocation Freshness Time"), FieldValue::Number(60));
        assert_eq!(v("URL Retrieval Timeout"), FieldValue::Number(15_000));
        assert_eq!(v("Ctl Identifier"), FieldValue::Text("ctl".into()));
        assert_eq!(v("Ctl Store Name"), FieldValue::Null);
        for (_, label, enabled_disabled) in FLAG_FIELDS {
            let expected = if enabled_disabled {
                FieldValue::Enabled(true)
            } else {
                FieldValue::Set(true)
            };
            assert_eq!(v(label), expected, "{label}");
        }
        // The labels are those of the netsh options, so the commands that
        // recreate the binding carry every option.
        assert_eq!(binding.netsh_options().len(), binding.fields.len() - 1);

        // One bit at a time: exactly its own field changes.
        for (bit, label, _) in FLAG_FIELDS {
            let mut one = record.clone();
            one.default_flags = bit;
            let (binding, _) = ssl_binding(&one);
            let on: Vec<&str> = binding
                .fields
                .iter()
                .filter(|f| matches!(f.value, FieldValue::Enabled(true) | FieldValue::Set(true)))
                .map(|f| f.label.as_str())
                .filter(|l| FLAG_FIELDS.iter().any(|(_, fl, _)| fl == l))
                .collect();
            assert_eq!(on, vec![label]);
        }
    }

    #[test]
    fn sni_ccs_and_odd_records() {
        let sni = raw_binding(
            RawBindingEndpoint::HostnamePort {
                hostname: "vpn.example.com".into(),
                port: 443,
            },
            Vec::new(),
        );
        let mut ccs = raw_binding(
            RawBindingEndpoint::CentralCertificateStore { port: 443 },
            vec![],
        );
        ccs.cert_store_name = None;
        let odd_hash = raw_binding(
            RawBindingEndpoint::IpPort("192.0.2.7:443".parse().unwrap()),
            vec![0xAB; 32],
        );
        let mut bad_app = raw_binding(
            RawBindingEndpoint::IpPort("[::1]:8443".parse().unwrap()),
            (1..=20).collect(),
        );
        bad_app.app_id = "not a guid".into();

        let snapshot = BindingsSnapshot::from_raw(&SslBindings {
            bindings: vec![sni, ccs, odd_hash, bad_app],
            unsupported_kinds: vec![],
        });
        let b = &snapshot.bindings;
        assert_eq!(b.len(), 4);
        assert_eq!(
            b[0].endpoint,
            Endpoint::hostname_port("vpn.example.com", 443).unwrap()
        );
        assert_eq!(b[0].labels.endpoint, "Hostname:port");
        assert_eq!(b[0].cert_hash, None);
        assert_eq!(b[1].endpoint, Endpoint::Ccs { port: 443 });
        assert_eq!(b[1].labels.endpoint, "Central Certificate Store");
        assert_eq!(b[1].store_name, None);
        assert_eq!(b[2].cert_hash, None);
        assert_eq!(b[3].app_id, None);

        let kinds: Vec<&BindingProblemKind> = snapshot.problems.iter().map(|p| &p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                &BindingProblemKind::MissingCertHash,
                &BindingProblemKind::UnexpectedHashLength {
                    hash: "ab".repeat(32),
                    len: 32
                },
                &BindingProblemKind::InvalidAppId {
                    text: "not a guid".into()
                },
            ],
            "a CCS binding without hash is normal"
        );
        let notes = snapshot.notes();
        assert!(notes[0].contains("vpn.example.com:443"), "{notes:?}");
        assert!(notes[1].contains("32 byte(s)"), "{notes:?}");
        assert_eq!(snapshot.listing().bindings, snapshot.bindings);
    }

    #[test]
    fn unsupported_kinds_are_noted() {
        let snapshot = BindingsSnapshot::from_raw(&SslBindings {
            bindings: vec![],
            unsupported_kinds: vec![BindingKind::CentralCertificateStore],
        });
        assert_eq!(
            snapshot.notes(),
            vec![
                "this system has no central certificate store bindings (HttpServiceConfigSslCcsCertInfo is not supported)"
                    .to_owned()
            ]
        );
    }
}
