//! Network notions shared by the model and the adapters: the address
//! [`Family`] (the two members of SSTP's wildcard pair, the listener's
//! sockets, the port probe's two addresses).

use std::fmt;
use std::net::SocketAddr;

use crate::model::event::EventId;
use crate::model::httpsys::Endpoint;

/// The IP family of one member of SSTP's wildcard pair.
///
/// ```
/// use sstp_cert::model::httpsys::Endpoint;
/// use sstp_cert::model::net::Family;
/// assert_eq!(Family::V6.endpoint(443), Endpoint::ipv6_wildcard(443));
/// assert_eq!(Family::V4.configure_failed_event().number(), 12);
/// assert_eq!(serde_json::to_string(&Family::V4).unwrap(), "\"v4\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Family {
    /// IPv4: `0.0.0.0:<port>`.
    V4,
    /// IPv6: `[::]:<port>`.
    V6,
}

impl Family {
    /// The family of an address.
    ///
    /// ```
    /// use sstp_cert::model::net::Family;
    /// assert_eq!(Family::of(&"[::]:443".parse().unwrap()), Family::V6);
    /// assert_eq!(Family::of(&"127.0.0.1:443".parse().unwrap()), Family::V4);
    /// ```
    pub fn of(addr: &SocketAddr) -> Family {
        if addr.is_ipv4() {
            Family::V4
        } else {
            Family::V6
        }
    }

    /// Both families, IPv4 first (the order the service works in).
    ///
    /// ```
    /// use sstp_cert::model::net::Family;
    /// assert_eq!(Family::BOTH, [Family::V4, Family::V6]);
    /// ```
    pub const BOTH: [Family; 2] = [Family::V4, Family::V6];

    /// The family's wildcard endpoint on `port`.
    ///
    /// ```
    /// use sstp_cert::model::net::Family;
    /// assert_eq!(Family::V4.endpoint(8443).to_string(), "0.0.0.0:8443");
    /// ```
    pub const fn endpoint(self, port: u16) -> Endpoint {
        match self {
            Family::V4 => Endpoint::ipv4_wildcard(port),
            Family::V6 => Endpoint::ipv6_wildcard(port),
        }
    }

    /// The other family.
    ///
    /// ```
    /// use sstp_cert::model::net::Family;
    /// assert_eq!(Family::V4.other(), Family::V6);
    /// ```
    pub const fn other(self) -> Family {
        match self {
            Family::V4 => Family::V6,
            Family::V6 => Family::V4,
        }
    }

    /// Event 12 (IPv4) or 13 (IPv6): the certificate could not be
    /// configured for this family.
    ///
    /// ```
    /// use sstp_cert::model::event::EventId;
    /// use sstp_cert::model::net::Family;
    /// assert_eq!(Family::V6.configure_failed_event(), EventId::ConfigureIpv6Failed);
    /// ```
    pub const fn configure_failed_event(self) -> EventId {
        match self {
            Family::V4 => EventId::ConfigureIpv4Failed,
            Family::V6 => EventId::ConfigureIpv6Failed,
        }
    }

    /// `IPv4` or `IPv6`.
    ///
    /// ```
    /// use sstp_cert::model::net::Family;
    /// assert_eq!(Family::V6.name(), "IPv6");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
