//! The typed view of [behaviour §4](crate::behaviour): [`SstpParameters`], defaults, validation and Events 18/19.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use super::*;

/// Why a registry value was not used as it is.
///
/// Serialises with a `problem` tag: `{"problem": "wrong-length", "len": 31,
/// "expected": 32}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "problem", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum ValueProblem {
    /// The value does not exist.
    Missing,
    /// The value has another registry type.
    WrongType {
        /// The type found (`REG_SZ`, …).
        found: String,
        /// The type expected.
        expected: &'static str,
    },
    /// The value has the right type but the wrong number of bytes.
    WrongLength {
        /// Bytes found.
        len: usize,
        /// Bytes expected.
        expected: usize,
    },
    /// A number beyond what the value allows.
    OutOfRange {
        /// The number found.
        raw: u32,
        /// The largest allowed.
        max: u32,
    },
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueProblem::Missing => f.write_str("missing"),
            ValueProblem::WrongType { found, expected } => {
                write!(f, "of type {found} (expected {expected})")
            }
            ValueProblem::WrongLength { len, expected } => {
                write!(f, "{len} bytes long (expected {expected})")
            }
            ValueProblem::OutOfRange { raw, max } => {
                write!(f, "{raw} (0x{raw:x}), more than {max}")
            }
        }
    }
}

/// A setting read from the registry, or its default and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Setting<T> {
    /// The effective value.
    pub value: T,
    /// `None` when read from the registry as is; otherwise why the default
    /// was used.
    pub defaulted: Option<ValueProblem>,
}

impl<T> Setting<T> {
    /// Whether the value is the default (the registry value was missing or
    /// unusable).
    pub fn is_default(&self) -> bool {
        self.defaulted.is_some()
    }

    /// Whether the registry value exists but could not be used.
    pub fn is_invalid(&self) -> bool {
        self.defaulted
            .as_ref()
            .is_some_and(|p| *p != ValueProblem::Missing)
    }
}

/// The state of a certificate hash value (`SHA256CertificateHash`,
/// `SHA1CertificateHash`).
///
/// Serialises with a `state` tag: `{"state": "valid", "hash": "…"}`,
/// `{"state": "missing"}`, `{"state": "invalid", "reason": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "state", rename_all = "kebab-case"))]
pub enum HashState<H> {
    /// A `REG_BINARY` of the right length.
    Valid {
        /// The hash.
        hash: H,
    },
    /// The value does not exist ("not found").
    Missing,
    /// The value exists but is unusable.
    Invalid {
        /// [`ValueProblem::WrongType`] or [`ValueProblem::WrongLength`].
        reason: ValueProblem,
    },
}

impl<H> HashState<H> {
    /// The hash, when valid.
    pub fn hash(&self) -> Option<&H> {
        match self {
            HashState::Valid { hash } => Some(hash),
            _ => None,
        }
    }

    /// Why the value is unusable (`None` when valid).
    pub fn problem(&self) -> Option<ValueProblem> {
        match self {
            HashState::Valid { .. } => None,
            HashState::Missing => Some(ValueProblem::Missing),
            HashState::Invalid { reason } => Some(reason.clone()),
        }
    }
}

/// The listener's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum Scheme {
    /// HTTPS with an SSL binding managed by the service (`UseHttps` = 1).
    Https,
    /// Plain HTTP, TLS offloaded to a load balancer (`UseHttps` = 0).
    Http,
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        })
    }
}

/// The effective SSTP listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Listener {
    /// HTTPS or HTTP.
    pub scheme: Scheme,
    /// The TCP port, never 0 (443 or 80 when `ListenerPort` is 0).
    pub port: u16,
}

impl Listener {
    /// The HTTP.sys URL the service listens on,
    /// `<scheme>://+:<port>/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/`.
    /// [behaviour §6](crate::behaviour) names the HTTP form; the HTTPS form follows the same pattern.
    pub fn url(&self) -> String {
        format!("{}://+:{}{SSTP_URL_PATH}", self.scheme, self.port)
    }

    /// The two wildcard endpoints SSTP binds a certificate to, `0.0.0.0:<port>`
    /// and `[::]:<port>` (only meaningful for HTTPS).
    pub fn wildcard_endpoints(&self) -> [SocketAddr; 2] {
        [
            SocketAddr::from((Ipv4Addr::UNSPECIFIED, self.port)),
            SocketAddr::from((Ipv6Addr::UNSPECIFIED, self.port)),
        ]
    }
}

/// The crypto-binding hash-protocol bitmask the server offers in its
/// Crypto Binding Request ([MS-SSTP] 2.2.7): 0x01 SHA-1, 0x02 SHA-256. The
/// same type crypto binding uses ([`crate::model::crypto_binding::HashProtocols`]).
pub use crate::model::crypto_binding::HashProtocols;

/// Who is responsible for the certificate hashes in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum HashSource {
    /// The administrator: `isHashConfiguredByAdmin` = 1, or `UseHttps` = 0
    /// (the hash must name the load balancer's certificate, which the
    /// service cannot see).
    Administrator,
    /// The service: automatic mode with HTTPS writes both hashes when it
    /// binds a certificate.
    Service,
}

/// A registry value that exists but could not be used, for diagnosis.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InvalidValue {
    /// The value name (see [`names`]).
    pub name: &'static str,
    /// What is wrong with it.
    pub problem: ValueProblem,
    /// What the service does instead.
    pub effect: String,
}

/// The typed `SstpSvc\Parameters` key: every value of [behaviour §4](crate::behaviour)'s table with
/// its default and validation.
///
/// | value | read as | default when missing or unusable |
/// |---|---|---|
/// | `UseHttps` | DWORD; 0 → HTTP, any other number → HTTPS | 1 (HTTPS) |
/// | `ListenerPort` | DWORD ≤ 0xFFFF | 0 (also when > 0xFFFF); 0 means 443 with HTTPS, 80 without |
/// | `SHA256CertificateHash` | BINARY of exactly 32 bytes | [`HashState::Missing`] / [`HashState::Invalid`] |
/// | `SHA1CertificateHash` | BINARY of exactly 20 bytes | [`HashState::Missing`] / [`HashState::Invalid`] |
/// | `isHashConfiguredByAdmin` | DWORD, non-zero → admin mode | 0 (automatic mode) |
/// | `SHA256Enabled` | DWORD, non-zero → enabled | enabled |
/// | `SHA1Enabled` | DWORD, non-zero → enabled | disabled |
///
/// "Unusable" is a value of another type ([`ValueProblem::WrongType`]), a
/// DWORD whose data is not 4 bytes ([`ValueProblem::WrongLength`]), or a
/// port above 0xFFFF ([`ValueProblem::OutOfRange`]); each [`Setting`] keeps
/// the reason. Flags follow the C convention (non-zero is true).
///
/// # Events 18 and 19
///
/// [`SstpParameters::hash_events`] returns the events reading the key logs.
/// A hash matters to the service when it identifies the certificate (admin
/// mode, [behaviour §6](crate::behaviour)) or is compared in crypto binding ([behaviour §7](crate::behaviour)); the service
/// can only fill it in itself in automatic mode with HTTPS, where it writes
/// both hashes at plumbing. SHA-1 is read only when `SHA1Enabled` is set.
/// Hence:
///
/// | hash state | hashes provided by ([`HashSource`]) | `SHA256CertificateHash` | `SHA1CertificateHash`, `SHA1Enabled` = 1 | `SHA1CertificateHash`, `SHA1Enabled` = 0 |
/// |---|---|---|---|---|
/// | valid | either | — | — | — |
/// | invalid (wrong type or length) | either | **Event 18** | **Event 19** | — (not read; still listed by [`SstpParameters::invalid_values`]) |
/// | missing | administrator (`isHashConfiguredByAdmin` = 1, or `UseHttps` = 0) | **Event 18** | **Event 19** | — |
/// | missing | service (automatic mode, `UseHttps` = 1) | — (written at the first plumbing) | — (written at the first plumbing) | — |
///
/// Each event means SSTP accepts no connections. The later plumbing code
/// can decide for itself from the public hash states,
/// [`SstpParameters::hash_source`] and `sha1_enabled`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SstpParameters {
    /// `UseHttps`.
    pub use_https: Setting<bool>,
    /// `ListenerPort` as stored (0 = the scheme's default port); use
    /// [`SstpParameters::listener`] for the effective port.
    pub listener_port: Setting<u16>,
    /// `SHA256CertificateHash`.
    pub sha256_certificate_hash: HashState<Sha256Hash>,
    /// `SHA1CertificateHash`.
    pub sha1_certificate_hash: HashState<Sha1Thumbprint>,
    /// `isHashConfiguredByAdmin`.
    pub is_hash_configured_by_admin: Setting<bool>,
    /// `SHA256Enabled`.
    pub sha256_enabled: Setting<bool>,
    /// `SHA1Enabled`.
    pub sha1_enabled: Setting<bool>,
}

impl Default for SstpParameters {
    /// The parameters of an empty key: every default.
    fn default() -> Self {
        SstpParameters::from_values(&RegistryValues::new())
    }
}

/// A DWORD value, or why it cannot be read as one.
fn read_dword(values: &RegistryValues, name: &str) -> Result<u32, ValueProblem> {
    let value = values.get(name).ok_or(ValueProblem::Missing)?;
    match value.canonical().as_ref() {
        RegValue::Dword(v) => Ok(*v),
        RegValue::Other {
            type_code: REG_DWORD,
            data,
        } => Err(ValueProblem::WrongLength {
            len: data.len(),
            expected: 4,
        }),
        other => Err(ValueProblem::WrongType {
            found: other.type_name().into_owned(),
            expected: "REG_DWORD",
        }),
    }
}

fn read_flag(values: &RegistryValues, name: &str, default: bool) -> Setting<bool> {
    match read_dword(values, name) {
        Ok(v) => Setting {
            value: v != 0,
            defaulted: None,
        },
        Err(p) => Setting {
            value: default,
            defaulted: Some(p),
        },
    }
}

fn read_hash<H>(
    values: &RegistryValues,
    name: &str,
    len: usize,
    make: impl Fn(&[u8]) -> Option<H>,
) -> HashState<H> {
    let Some(value) = values.get(name) else {
        return HashState::Missing;
    };
    let reason = match value.canonical().as_ref() {
        RegValue::Binary(b) => match make(b) {
            Some(hash) => return HashState::Valid { hash },
            None => ValueProblem::WrongLength {
                len: b.len(),
                expected: len,
            },
        },
        other => ValueProblem::WrongType {
            found: other.type_name().into_owned(),
            expected: "REG_BINARY",
        },
    };
    HashState::Invalid { reason }
}

impl SstpParameters {
    /// Reads the values of the key by [behaviour §4](crate::behaviour)'s table (see the [type
    /// documentation](SstpParameters)). Names are matched
    /// case-insensitively; values not in the table are ignored.
    pub fn from_values(values: &RegistryValues) -> Self {
        let listener_port = match read_dword(values, names::LISTENER_PORT) {
            Ok(raw) => match u16::try_from(raw) {
                Ok(port) => Setting {
                    value: port,
                    defaulted: None,
                },
                Err(_) => Setting {
                    value: 0,
                    defaulted: Some(ValueProblem::OutOfRange {
                        raw,
                        max: u32::from(u16::MAX),
                    }),
                },
            },
            Err(p) => Setting {
                value: 0,
                defaulted: Some(p),
            },
        };
        SstpParameters {
            use_https: read_flag(values, names::USE_HTTPS, true),
            listener_port,
            sha256_certificate_hash: read_hash(
                values,
                names::SHA256_CERTIFICATE_HASH,
                Sha256Hash::LEN,
                |b| Sha256Hash::from_slice(b).ok(),
            ),
            sha1_certificate_hash: read_hash(
                values,
                names::SHA1_CERTIFICATE_HASH,
                Sha1Thumbprint::LEN,
                |b| Sha1Thumbprint::from_slice(b).ok(),
            ),
            is_hash_configured_by_admin: read_flag(
                values,
                names::IS_HASH_CONFIGURED_BY_ADMIN,
                false,
            ),
            sha256_enabled: read_flag(values, names::SHA256_ENABLED, true),
            sha1_enabled: read_flag(values, names::SHA1_ENABLED, false),
        }
    }

    /// The effective listener: HTTPS unless `UseHttps` is 0, on
    /// `ListenerPort`, or on 443 (HTTPS) / 80 (HTTP) when that is 0.
    ///
    /// ```
    /// use sstp_cert::model::registry::{RegValue, RegistryValues, Scheme, SstpParameters};
    /// let values: RegistryValues = [("UseHttps", RegValue::Dword(0))].into_iter().collect();
    /// let l = SstpParameters::from_values(&values).listener();
    /// assert_eq!((l.scheme, l.port), (Scheme::Http, 80));
    /// assert_eq!(l.url(), "http://+:80/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/");
    /// ```
    pub fn listener(&self) -> Listener {
        let scheme = if self.use_https.value {
            Scheme::Https
        } else {
            Scheme::Http
        };
        let port = match (self.listener_port.value, scheme) {
            (0, Scheme::Https) => 443,
            (0, Scheme::Http) => 80,
            (port, _) => port,
        };
        Listener { scheme, port }
    }

    /// Who provides the certificate hashes (see [`HashSource`]).
    pub fn hash_source(&self) -> HashSource {
        if self.is_hash_configured_by_admin.value || !self.use_https.value {
            HashSource::Administrator
        } else {
            HashSource::Service
        }
    }

    /// The crypto-binding hash protocols offered: 0x01 when `SHA1Enabled`,
    /// 0x02 when `SHA256Enabled`.
    pub fn hash_protocols(&self) -> HashProtocols {
        HashProtocols::new(self.sha1_enabled.value, self.sha256_enabled.value)
    }

    /// The name of the value admin mode looks the certificate up by:
    /// `SHA1CertificateHash` when SHA-1 is enabled, else
    /// `SHA256CertificateHash` ([behaviour §6](crate::behaviour)).
    pub fn lookup_hash_name(&self) -> &'static str {
        if self.sha1_enabled.value {
            names::SHA1_CERTIFICATE_HASH
        } else {
            names::SHA256_CERTIFICATE_HASH
        }
    }

    /// The hash admin mode looks the certificate up by, when that value is
    /// valid (see [`SstpParameters::lookup_hash_name`]).
    pub fn lookup_hash(&self) -> Option<CertHash> {
        if self.sha1_enabled.value {
            self.sha1_certificate_hash
                .hash()
                .copied()
                .map(CertHash::Sha1)
        } else {
            self.sha256_certificate_hash
                .hash()
                .copied()
                .map(CertHash::Sha256)
        }
    }

    /// The Events 18/19 that reading the key logs, by the decision table in
    /// the [type documentation](SstpParameters). Empty when the hashes are
    /// fine.
    pub fn hash_events(&self) -> Vec<Event> {
        let mut events = Vec::new();
        if let Some(msg) = self.hash_event_message(
            names::SHA256_CERTIFICATE_HASH,
            self.sha256_certificate_hash.problem(),
            Sha256Hash::LEN,
        ) {
            events.push(Event::new(EventId::Sha256HashInvalid, msg));
        }
        if self.sha1_enabled.value
            && let Some(msg) = self.hash_event_message(
                names::SHA1_CERTIFICATE_HASH,
                self.sha1_certificate_hash.problem(),
                Sha1Thumbprint::LEN,
            )
        {
            events.push(Event::new(EventId::Sha1HashInvalid, msg));
        }
        events
    }

    fn hash_event_message(
        &self,
        name: &str,
        problem: Option<ValueProblem>,
        len: usize,
    ) -> Option<String> {
        let why = match problem? {
            ValueProblem::Missing => match self.hash_source() {
                HashSource::Service => return None,
                HashSource::Administrator if !self.use_https.value => {
                    "not found, but UseHttps is 0 and the hash must name the load balancer's certificate".to_owned()
                }
                HashSource::Administrator => {
                    "not found, but isHashConfiguredByAdmin is 1 and the hash selects the certificate".to_owned()
                }
            },
            p => format!("invalid: it is {p}"),
        };
        Some(format!(
            "{name} is {why}; it must be REG_BINARY of {len} bytes. SSTP accepts no connections"
        ))
    }

    /// Every value that exists but could not be used as is ("registry value
    /// of wrong type/length"), with what the service does instead. Missing
    /// values are not listed; missing hashes show in
    /// [`SstpParameters::hash_events`].
    pub fn invalid_values(&self) -> Vec<InvalidValue> {
        let mut out = Vec::new();
        let mut setting = |name, problem: &Option<ValueProblem>, effect: String| {
            if let Some(p) = problem.as_ref().filter(|p| **p != ValueProblem::Missing) {
                out.push(InvalidValue {
                    name,
                    problem: p.clone(),
                    effect,
                });
            }
        };
        setting(
            names::USE_HTTPS,
            &self.use_https.defaulted,
            "treated as 1 (HTTPS)".to_owned(),
        );
        setting(
            names::LISTENER_PORT,
            &self.listener_port.defaulted,
            format!("treated as 0 (port {})", self.listener().port),
        );
        setting(
            names::IS_HASH_CONFIGURED_BY_ADMIN,
            &self.is_hash_configured_by_admin.defaulted,
            "treated as 0 (automatic mode)".to_owned(),
        );
        setting(
            names::SHA256_ENABLED,
            &self.sha256_enabled.defaulted,
            "treated as enabled".to_owned(),
        );
        setting(
            names::SHA1_ENABLED,
            &self.sha1_enabled.defaulted,
            "treated as disabled".to_owned(),
        );
        let events = self.hash_events();
        let mut hash = |name, state_problem: Option<ValueProblem>, id: EventId| {
            if let Some(p) = state_problem.filter(|p| *p != ValueProblem::Missing) {
                let effect = if events.iter().any(|e| e.id == id) {
                    format!("Event {}: SSTP accepts no connections", id.number())
                } else {
                    "not read while SHA1Enabled is 0".to_owned()
                };
                out.push(InvalidValue {
                    name,
                    problem: p,
                    effect,
                });
            }
        };
        hash(
            names::SHA256_CERTIFICATE_HASH,
            self.sha256_certificate_hash.problem(),
            EventId::Sha256HashInvalid,
        );
        hash(
            names::SHA1_CERTIFICATE_HASH,
            self.sha1_certificate_hash.problem(),
            EventId::Sha1HashInvalid,
        );
        out
    }
}
