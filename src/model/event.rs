//! Events of the `Microsoft-Windows-RasSstp` provider that the model emits
//! ([behaviour §8](crate::behaviour)), and the client-side events used in diagnosis text.
//!
//! Every event is plain data: its numeric id, the side that logs it, and a
//! message. The ids are those Windows logs, so a finding can be matched with
//! what an administrator sees in the Event Viewer.
//!
//! ```
//! use sstp_cert::model::event::{Event, EventId};
//! let e = Event::new(EventId::NoEligibleCertificate, "no certificate in LocalMachine\\MY qualifies");
//! assert_eq!(e.id.number(), 11);
//! # #[cfg(feature = "serde")] {
//! assert_eq!(serde_json::to_value(&e).unwrap()["id"], 11);
//! # }
//! ```

use std::fmt;

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// The events the model knows, by meaning. [`EventId::number`] is the id
/// Windows logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EventId {
    /// 11: no Server-Authentication or Any-Purpose certificate with a
    /// private key was found.
    NoEligibleCertificate,
    /// 12: the certificate could not be configured for IPv4.
    ConfigureIpv4Failed,
    /// 13: the certificate could not be configured for IPv6.
    ConfigureIpv6Failed,
    /// 18: `SHA256CertificateHash` missing or invalid (REG_BINARY, 32
    /// bytes), [behaviour §4](crate::behaviour)/§8. Logged at start (admin and HTTP modes: no
    /// listener) and when a client reaches crypto binding over SHA-256
    /// without a usable hash (the connection fails; see
    /// [`runtime`](crate::model::runtime), "Event 18 at connection time").
    Sha256HashInvalid,
    /// 19: `SHA1CertificateHash` missing or invalid (REG_BINARY, 20 bytes);
    /// only when `SHA1Enabled` is set ([behaviour §4](crate::behaviour)), at start and at crypto
    /// binding over SHA-1.
    Sha1HashInvalid,
    /// 21: the hash of the configured certificate could not be computed.
    HashComputeFailed,
    /// 22: the listener could not be set up (e.g. the port is in use).
    ListenerFailed,
    /// 24: the IPv4 and IPv6 bindings name different certificates. Nothing
    /// changes ([behaviour §6](crate::behaviour)): the bindings, and the listener on them, stay.
    BindingsDiffer,
    /// 25: the configured certificate is missing from the store (admin
    /// mode). Nothing changes ([behaviour §6](crate::behaviour)): no fallback to the automatic
    /// choice; the bindings, and the listener on them, stay.
    ConfiguredCertificateMissing,
    /// 32: the configured certificate differs from the one another
    /// application bound (admin mode). Nothing changes ([behaviour §6](crate::behaviour)): the
    /// bindings, and the listener on them, stay.
    OtherApplicationBinding,
    /// Client side 6: the crypto-binding (certificate hash) check failed.
    ClientCryptoBindingFailed,
    /// Client side 16: the server certificate's EKU is neither Server
    /// Authentication nor Any Purpose.
    ClientEkuRefused,
}

impl EventId {
    /// Every id, in numeric order (server events first).
    pub const ALL: [EventId; 12] = [
        EventId::NoEligibleCertificate,
        EventId::ConfigureIpv4Failed,
        EventId::ConfigureIpv6Failed,
        EventId::Sha256HashInvalid,
        EventId::Sha1HashInvalid,
        EventId::HashComputeFailed,
        EventId::ListenerFailed,
        EventId::BindingsDiffer,
        EventId::ConfiguredCertificateMissing,
        EventId::OtherApplicationBinding,
        EventId::ClientCryptoBindingFailed,
        EventId::ClientEkuRefused,
    ];

    /// The numeric event id Windows logs.
    pub const fn number(self) -> u32 {
        match self {
            EventId::NoEligibleCertificate => 11,
            EventId::ConfigureIpv4Failed => 12,
            EventId::ConfigureIpv6Failed => 13,
            EventId::Sha256HashInvalid => 18,
            EventId::Sha1HashInvalid => 19,
            EventId::HashComputeFailed => 21,
            EventId::ListenerFailed => 22,
            EventId::BindingsDiffer => 24,
            EventId::ConfiguredCertificateMissing => 25,
            EventId::OtherApplicationBinding => 32,
            EventId::ClientCryptoBindingFailed => 6,
            EventId::ClientEkuRefused => 16,
        }
    }

    /// Whether the SSTP client logs this event (rather than the server).
    pub const fn is_client_side(self) -> bool {
        matches!(
            self,
            EventId::ClientCryptoBindingFailed | EventId::ClientEkuRefused
        )
    }

    /// A one-line summary of what the event means.
    pub const fn summary(self) -> &'static str {
        match self {
            EventId::NoEligibleCertificate => {
                "no Server Authentication or Any Purpose certificate with a private key"
            }
            EventId::ConfigureIpv4Failed => "could not configure the certificate for IPv4",
            EventId::ConfigureIpv6Failed => "could not configure the certificate for IPv6",
            EventId::Sha256HashInvalid => {
                "SHA256CertificateHash missing or invalid (must be REG_BINARY of 32 bytes)"
            }
            EventId::Sha1HashInvalid => {
                "SHA1CertificateHash missing or invalid (must be REG_BINARY of 20 bytes)"
            }
            EventId::HashComputeFailed => {
                "could not compute the hash of the configured certificate"
            }
            EventId::ListenerFailed => "the SSTP listener could not be set up",
            EventId::BindingsDiffer => "the IPv4 and IPv6 bindings name different certificates",
            EventId::ConfiguredCertificateMissing => {
                "the certificate configured for SSTP is missing"
            }
            EventId::OtherApplicationBinding => {
                "the configured certificate differs from the one another application bound"
            }
            EventId::ClientCryptoBindingFailed => "crypto binding (certificate hash) check failed",
            EventId::ClientEkuRefused => {
                "server certificate EKU is neither Server Authentication nor Any Purpose"
            }
        }
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

#[cfg(feature = "serde")]
impl Serialize for EventId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.number())
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for EventId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u32::deserialize(d)?;
        EventId::ALL
            .into_iter()
            .find(|e| e.number() == n && !e.is_client_side())
            .or_else(|| EventId::ALL.into_iter().find(|e| e.number() == n))
            .ok_or_else(|| serde::de::Error::custom(format!("unknown SSTP event id {n}")))
    }
}

/// One event as the model predicts Windows would log it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Event {
    /// The event id.
    pub id: EventId,
    /// `"server"` or `"client"`.
    pub side: EventSide,
    /// What happened, in the model's words, with the specifics (which
    /// certificate, which endpoint).
    pub message: String,
}

/// Which side logs an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum EventSide {
    /// The SSTP server (RasSstp on the RRAS machine).
    Server,
    /// The SSTP client.
    Client,
}

impl Event {
    /// A new event; the side follows from the id.
    pub fn new(id: EventId, message: impl Into<String>) -> Self {
        Event {
            id,
            side: if id.is_client_side() {
                EventSide::Client
            } else {
                EventSide::Server
            },
            message: message.into(),
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Event {}: {}", self.id.number(), self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_per_side() {
        let mut seen = std::collections::HashSet::new();
        for e in EventId::ALL {
            assert!(seen.insert((e.number(), e.is_client_side())), "{e:?}");
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip_by_number() {
        for e in EventId::ALL.into_iter().filter(|e| !e.is_client_side()) {
            let j = serde_json::to_string(&e).unwrap();
            assert_eq!(j, e.number().to_string());
            assert_eq!(serde_json::from_str::<EventId>(&j).unwrap(), e);
        }
        assert!(serde_json::from_str::<EventId>("99").is_err());
    }

    #[test]
    fn side_follows_id() {
        assert_eq!(
            Event::new(EventId::ClientEkuRefused, "x").side,
            EventSide::Client
        );
        assert_eq!(
            Event::new(EventId::BindingsDiffer, "x").to_string(),
            "Event 24: x"
        );
    }
}
