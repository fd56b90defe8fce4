//! Is the listener port available? ([behaviour §0.1](crate::behaviour) troubleshooting step (d), Event 22.)
//!
//! The SSTP listener needs *both* wildcard pairs, `0.0.0.0:<port>` and
//! `[::]:<port>`. When another program already listens on one of them, the
//! service cannot set up that half of the listener and logs Event 22. This
//! module holds the answer as plain data ([`PortStatus`], one
//! [`FamilyStatus`] per address family) and the [`PortProbe`] trait that
//! produces it; the real probe, which tries to bind the sockets, is the
//! adapter [`SocketPortProbe`](crate::adapters::port_probe::SocketPortProbe),
//! and [`FixedPortProbe`] answers from memory for tests.
//!
//! ```
//! use sstp_cert::model::port::{FamilyStatus, FixedPortProbe, PortProbe};
//! let probe = FixedPortProbe::new(FamilyStatus::Available, FamilyStatus::InUse {
//!     detail: "another program listens on [::]:443".into(),
//! });
//! let status = probe.probe(443);
//! assert!(status.ipv4.is_available());
//! assert!(!status.ipv6.is_available());
//! assert_eq!(status.events().len(), 1);
//! assert_eq!(status.events()[0].id.number(), 22);
//! ```

use std::fmt;

use super::event::{Event, EventId};
use super::net::Family;

/// Whether one wildcard address of the pair can be bound.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "state", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum FamilyStatus {
    /// The address can be bound: nothing else listens there.
    Available,
    /// Another socket already holds the address.
    InUse {
        /// What the operating system said.
        detail: String,
    },
    /// Binding needs privileges the probing process lacks (ports below
    /// 1024 on Unix). Says nothing about whether the port is free.
    PermissionDenied {
        /// What the operating system said.
        detail: String,
    },
    /// This address family is not available on the machine (e.g. IPv6
    /// disabled).
    FamilyUnavailable {
        /// What the operating system said.
        detail: String,
    },
    /// Any other failure.
    Failed {
        /// What the operating system said.
        detail: String,
    },
    /// Not probed.
    Unknown,
}

impl FamilyStatus {
    /// Whether the address was shown to be free.
    pub fn is_available(&self) -> bool {
        matches!(self, FamilyStatus::Available)
    }

    /// Whether the listener cannot be set up on this address (in use,
    /// family unavailable, other failure). Permission problems and unknown
    /// states are not counted: they say nothing about the port itself.
    pub fn blocks_listener(&self) -> bool {
        matches!(
            self,
            FamilyStatus::InUse { .. }
                | FamilyStatus::FamilyUnavailable { .. }
                | FamilyStatus::Failed { .. }
        )
    }

    /// A stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            FamilyStatus::Available => "available",
            FamilyStatus::InUse { .. } => "in-use",
            FamilyStatus::PermissionDenied { .. } => "permission-denied",
            FamilyStatus::FamilyUnavailable { .. } => "family-unavailable",
            FamilyStatus::Failed { .. } => "failed",
            FamilyStatus::Unknown => "unknown",
        }
    }
}

impl fmt::Display for FamilyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FamilyStatus::Available | FamilyStatus::Unknown => f.write_str(self.code()),
            FamilyStatus::InUse { detail }
            | FamilyStatus::PermissionDenied { detail }
            | FamilyStatus::FamilyUnavailable { detail }
            | FamilyStatus::Failed { detail } => write!(f, "{}: {detail}", self.code()),
        }
    }
}

/// The availability of both wildcard addresses on one port.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PortStatus {
    /// The port probed.
    pub port: u16,
    /// `0.0.0.0:<port>`.
    pub ipv4: FamilyStatus,
    /// `[::]:<port>`.
    pub ipv6: FamilyStatus,
}

impl PortStatus {
    /// The status of one family's wildcard address (the `ipv4` or `ipv6`
    /// field).
    ///
    /// ```
    /// use sstp_cert::model::net::Family;
    /// use sstp_cert::model::port::{FamilyStatus, PortStatus};
    /// let s = PortStatus {
    ///     port: 443,
    ///     ipv4: FamilyStatus::Available,
    ///     ipv6: FamilyStatus::Unknown,
    /// };
    /// assert_eq!(s.family(Family::V6), &FamilyStatus::Unknown);
    /// ```
    pub fn family(&self, family: Family) -> &FamilyStatus {
        match family {
            Family::V4 => &self.ipv4,
            Family::V6 => &self.ipv6,
        }
    }

    /// Event 22 for each family whose address blocks the listener.
    pub fn events(&self) -> Vec<Event> {
        let mut out = Vec::new();
        for family in Family::BOTH {
            let addr = family.endpoint(self.port);
            let st = self.family(family);
            if st.blocks_listener() {
                out.push(Event::new(
                    EventId::ListenerFailed,
                    format!("the SSTP listener could not be set up on {addr}: {st}"),
                ));
            }
        }
        out
    }
}

/// Something that can tell whether the listener port is free.
pub trait PortProbe {
    /// Probes both wildcard addresses of `port`.
    fn probe(&self, port: u16) -> PortStatus;
}

/// A probe that answers from memory: for tests and for replaying a state
/// observed elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedPortProbe {
    ipv4: FamilyStatus,
    ipv6: FamilyStatus,
}

impl FixedPortProbe {
    /// A probe that always answers these two states.
    pub fn new(ipv4: FamilyStatus, ipv6: FamilyStatus) -> Self {
        FixedPortProbe { ipv4, ipv6 }
    }

    /// Both addresses free.
    pub fn available() -> Self {
        FixedPortProbe::new(FamilyStatus::Available, FamilyStatus::Available)
    }
}

impl PortProbe for FixedPortProbe {
    fn probe(&self, port: u16) -> PortStatus {
        PortStatus {
            port,
            ipv4: self.ipv4.clone(),
            ipv6: self.ipv6.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_per_family() {
        let p = FixedPortProbe::new(
            FamilyStatus::InUse { detail: "x".into() },
            FamilyStatus::PermissionDenied { detail: "y".into() },
        );
        let s = p.probe(8443);
        let e = s.events();
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("0.0.0.0:8443"));
        assert!(FixedPortProbe::available().probe(443).events().is_empty());
        let both = FixedPortProbe::new(
            FamilyStatus::Failed { detail: "a".into() },
            FamilyStatus::FamilyUnavailable { detail: "b".into() },
        )
        .probe(1);
        assert_eq!(both.events().len(), 2);
        assert!(both.events()[1].message.contains("[::]:1"));
    }

    #[test]
    fn codes_and_json() {
        let s = FamilyStatus::InUse {
            detail: "busy".into(),
        };
        assert_eq!(s.code(), "in-use");
        assert_eq!(s.to_string(), "in-use: busy");
        #[cfg(feature = "serde")]
        {
            let j = serde_json::to_value(&s).unwrap();
            assert_eq!(j["state"], "in-use");
        }
        assert!(!FamilyStatus::Unknown.blocks_listener());
    }
}
