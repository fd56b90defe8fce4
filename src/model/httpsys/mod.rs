//! HTTP.sys SSL bindings, as `netsh http show sslcert` lists them ([behaviour §5](crate::behaviour)).
//!
//! A *binding* ties an HTTP.sys endpoint to a certificate: the endpoint
//! (`0.0.0.0:443`, `[::]:443`, a specific address, a host name for SNI, or a
//! Central Certificate Store port), the certificate's SHA-1 hash, the
//! application id of the program that made the binding, and the certificate
//! store. SSTP uses the two wildcard IP:port pairs with its own application
//! id, [`SSTP_APP_ID`].
//!
//! This module reads and writes the text people already have:
//!
//! * [`parse_sslcert_show`] reads the output of `netsh http show sslcert`
//!   from any Windows generation and in any display language, in UTF-8,
//!   UTF-16LE (what a PowerShell `>` redirection writes) or UTF-16BE, with
//!   CRLF, LF or mixed line ends. Labels are localised, so a block is
//!   recognised by the *shape* of its values — an endpoint, a 40-hex hash,
//!   a `{guid}` — and every label is kept as it was printed.
//! * [`render_show`] writes such a listing back (2008-style or
//!   current-style), for tests and benchmarks.
//! * [`AddSslCert`] and [`render_delete_command`] write the `netsh http add
//!   sslcert …` and `netsh http delete sslcert …` commands to paste, and
//!   [`parse_sslcert_command`] reads them back.
//!
//! Nothing here does I/O: bytes in, values out.
//!
//! # What a parsed binding keeps
//!
//! The first four lines of a block are mapped by shape and position to
//! [`SslBinding::endpoint`], [`SslBinding::cert_hash`],
//! [`SslBinding::app_id`] and [`SslBinding::store_name`] (their labels are
//! kept in [`SslBinding::labels`]). Every other line is kept, in order, in
//! [`SslBinding::fields`] as a [`Field`] — its label as printed and a
//! [`FieldValue`] that remembers whether the value was blank, `(null)`,
//! `Enabled`/`Disabled`, `Set`/`Not Set`, a number, or other text. The
//! indented `Extended Properties:` groups go to [`SslBinding::extended`].
//!
//! A block that lacks its certificate hash (or application id) is **not**
//! dropped and does not fail the parse: the binding is kept with
//! `cert_hash: None` and a [`ListingProblem`] naming the block's line and
//! endpoint is added to [`SslCertListing::problems`]. (Central Certificate
//! Store bindings have no hash by design and get no problem.) Text that is
//! not a `netsh http show sslcert` listing is an error,
//! [`NetshParseError`], naming the line and what was expected there.
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::httpsys::{
//!     parse_sslcert_show, render_delete_command, AddSslCert, Endpoint, FieldValue, SSTP_APP_ID,
//! };
//!
//! let netsh = "\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n\
//!     \x20   IP:port                      : 0.0.0.0:443\r\n\
//!     \x20   Certificate Hash             : 3a7f00112233445566778899aabbccddeeff0102\r\n\
//!     \x20   Application ID               : {BA195980-CD49-458B-9E23-C84EE0ADCD75}\r\n\
//!     \x20   Certificate Store Name       : MY\r\n\
//!     \x20   Negotiate Client Certificate : Disabled\r\n\
//!     \x20   Disable HTTP2                : Set\r\n\r\n";
//! let listing = parse_sslcert_show(netsh.as_bytes())?;
//! assert!(listing.problems.is_empty());
//!
//! let b = &listing.bindings[0];
//! assert_eq!(b.endpoint, Endpoint::ipv4_wildcard(443));
//! assert_eq!(b.app_id, Some(SSTP_APP_ID)); // compared case-insensitively
//! assert!(b.is_sstp());
//! assert_eq!(b.field("Disable HTTP2"), Some(&FieldValue::Set(true)));
//!
//! // The commands that move this binding to the IPv6 wildcard:
//! let mut v6 = AddSslCert::from_binding(b)?;
//! v6.endpoint = Endpoint::ipv6_wildcard(443);
//! assert_eq!(
//!     v6.render()?,
//!     "netsh http add sslcert ipport=[::]:443 certhash=3a7f00112233445566778899aabbccddeeff0102 \
//!      appid={ba195980-cd49-458b-9e23-c84ee0adcd75} certstorename=MY disablehttp2=enable"
//! );
//! assert_eq!(
//!     render_delete_command(&b.endpoint)?,
//!     "netsh http delete sslcert ipport=0.0.0.0:443"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

#[cfg(feature = "serde")]
use serde::ser::{SerializeMap, SerializeSeq};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

use crate::model::thumbprint::Sha1Thumbprint;
use crate::model::transcript::SkippedLine;

mod command;
mod parse;
mod render;
#[cfg(test)]
mod tests;

pub use command::{
    AddCommandError, AddSslCert, CommandParseError, MAX_COMMAND_LEN, NetshOption, OptionKind,
    OptionValue, SslCertCommand, parse_sslcert_command, render_add_command, render_delete_command,
};
pub use parse::{
    Expected, MAX_FIELDS_PER_BINDING, MAX_NETSH_BINDINGS, MAX_NETSH_FIELDS, MAX_NETSH_INPUT,
    NetshParseError, parse_sslcert_show,
};
pub use render::render_show;

// ---------------------------------------------------------------------------
// Endpoint
// ---------------------------------------------------------------------------

/// The longest host name accepted in a Hostname:port endpoint, in bytes.
pub const MAX_HOSTNAME_LEN: usize = 255;

/// The endpoint of an HTTP.sys SSL binding.
///
/// `Display` prints the value as `netsh http show sslcert` prints it:
/// `0.0.0.0:443`, `[::]:443`, `vpn.example.com:443`, and for a Central
/// Certificate Store binding just the port, `443` (the label
/// `Central Certificate Store` says what it is). [`Endpoint::netsh_arg`]
/// gives the command-line form (`ipport=…`, `hostnameport=…`, `ccs=…`).
///
/// `FromStr` accepts the same forms, plus `ccs=443`. A value that parses as
/// an IP address and port is always [`Endpoint::IpPort`], so a
/// Hostname:port binding whose host name is an IP literal reads back as
/// IP:port.
///
/// ```
/// use sstp_cert::model::httpsys::{Endpoint, EndpointKind};
/// let e: Endpoint = "[::]:443".parse().unwrap();
/// assert_eq!(e, Endpoint::ipv6_wildcard(443));
/// assert_eq!(e.kind(), EndpointKind::IpPort);
/// assert!(e.is_wildcard_pair_member(443));
/// let h: Endpoint = "vpn.example.com:8443".parse().unwrap();
/// assert_eq!(h.netsh_arg(), "hostnameport=vpn.example.com:8443");
/// assert_eq!("ccs=443".parse::<Endpoint>().unwrap().to_string(), "443");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Endpoint {
    /// An IP address and port (`0.0.0.0:443`, `[::]:443`, `192.0.2.7:443`).
    IpPort(SocketAddr),
    /// A host name and port, matched against the TLS SNI.
    HostnamePort {
        /// The host name as printed.
        hostname: String,
        /// The port.
        port: u16,
    },
    /// A Central Certificate Store binding for a port (`ccs=<port>`).
    Ccs {
        /// The port.
        port: u16,
    },
}

/// Which kind of endpoint a binding has; [`EndpointKind::as_str`] is also
/// the name of the `netsh` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum EndpointKind {
    /// `ipport`
    IpPort,
    /// `hostnameport`
    HostnamePort,
    /// `ccs`
    Ccs,
}

impl EndpointKind {
    /// `ipport`, `hostnameport` or `ccs`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EndpointKind::IpPort => "ipport",
            EndpointKind::HostnamePort => "hostnameport",
            EndpointKind::Ccs => "ccs",
        }
    }

    /// The English label `netsh http show sslcert` prints for this kind of
    /// endpoint (`IP:port`, `Hostname:port`, `Central Certificate Store`).
    pub const fn english_label(self) -> &'static str {
        match self {
            EndpointKind::IpPort => "IP:port",
            EndpointKind::HostnamePort => "Hostname:port",
            EndpointKind::Ccs => "Central Certificate Store",
        }
    }
}

impl fmt::Display for EndpointKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a text is not an [`Endpoint`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The text is empty.
    #[error("empty endpoint: expected an IP:port (0.0.0.0:443, [::]:443), hostname:port or a port")]
    Empty,
    /// The port is not a number from 0 to 65535.
    #[error("invalid port {port:?} in endpoint {value:?}: expected a number from 0 to 65535")]
    InvalidPort {
        /// The whole endpoint text.
        value: String,
        /// The port text.
        port: String,
    },
    /// The host name has a character HTTP.sys would not accept, or is too
    /// long.
    #[error(
        "invalid host name {hostname:?}: expected letters, digits, '-', '.', '_' or '*', at most {MAX_HOSTNAME_LEN} bytes"
    )]
    InvalidHostname {
        /// The host name.
        hostname: String,
    },
    /// A Hostname:port endpoint was asked for with an IP literal as host.
    #[error("{hostname:?} is an IP address: use an IP:port endpoint")]
    IpLiteralHostname {
        /// The host name.
        hostname: String,
    },
    /// The text has no `:port` and is not a port either.
    #[error(
        "{value:?} is not an endpoint: expected an IP:port (0.0.0.0:443, [::]:443), hostname:port or a port"
    )]
    NotAnEndpoint {
        /// The text (shortened if long).
        value: String,
    },
}

impl Endpoint {
    /// `0.0.0.0:<port>`, the IPv4 member of SSTP's wildcard pair.
    pub const fn ipv4_wildcard(port: u16) -> Self {
        Endpoint::IpPort(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port))
    }

    /// `[::]:<port>`, the IPv6 member of SSTP's wildcard pair.
    pub const fn ipv6_wildcard(port: u16) -> Self {
        Endpoint::IpPort(SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), port))
    }

    /// A Hostname:port endpoint, checked.
    ///
    /// # Errors
    ///
    /// [`EndpointError::InvalidHostname`] for an empty or over-long host name
    /// or one with a character other than letters, digits, `-`, `.`, `_`,
    /// `*`; [`EndpointError::IpLiteralHostname`] when the host name is an
    /// IPv4 address (it would read back as IP:port).
    pub fn hostname_port(hostname: &str, port: u16) -> Result<Self, EndpointError> {
        if hostname.parse::<Ipv4Addr>().is_ok() {
            return Err(EndpointError::IpLiteralHostname {
                hostname: hostname.to_owned(),
            });
        }
        if !is_valid_hostname(hostname) {
            return Err(EndpointError::InvalidHostname {
                hostname: shorten(hostname),
            });
        }
        Ok(Endpoint::HostnamePort {
            hostname: hostname.to_owned(),
            port,
        })
    }

    /// Which kind of endpoint this is.
    pub const fn kind(&self) -> EndpointKind {
        match self {
            Endpoint::IpPort(_) => EndpointKind::IpPort,
            Endpoint::HostnamePort { .. } => EndpointKind::HostnamePort,
            Endpoint::Ccs { .. } => EndpointKind::Ccs,
        }
    }

    /// The port.
    pub const fn port(&self) -> u16 {
        match self {
            Endpoint::IpPort(a) => a.port(),
            Endpoint::HostnamePort { port, .. } | Endpoint::Ccs { port } => *port,
        }
    }

    /// Whether this is `0.0.0.0:<any port>` or `[::]:<any port>`.
    pub fn is_wildcard(&self) -> bool {
        matches!(self, Endpoint::IpPort(a) if a.ip().is_unspecified())
    }

    /// Whether this is `0.0.0.0:<port>` or `[::]:<port>`: one of the two
    /// endpoints SSTP binds for its listener on `port` ([behaviour §0](crate::behaviour), §6).
    pub fn is_wildcard_pair_member(&self, port: u16) -> bool {
        self.is_wildcard() && self.port() == port
    }

    /// The command-line argument naming this endpoint:
    /// `ipport=0.0.0.0:443`, `hostnameport=vpn.example.com:443`, `ccs=443`.
    pub fn netsh_arg(&self) -> String {
        format!("{}={}", self.kind().as_str(), self)
    }

    /// Parses the value that follows the endpoint label in a
    /// `netsh http show sslcert` block. `None` when it is not endpoint-shaped.
    pub(crate) fn from_show_value(value: &str) -> Option<Self> {
        parse_endpoint(value).ok()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::IpPort(a) => a.fmt(f),
            Endpoint::HostnamePort { hostname, port } => write!(f, "{hostname}:{port}"),
            Endpoint::Ccs { port } => port.fmt(f),
        }
    }
}

impl FromStr for Endpoint {
    type Err = EndpointError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_endpoint(s.trim())
    }
}

#[cfg(feature = "serde")]
impl Serialize for Endpoint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for Endpoint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A port: 1 to 5 ASCII digits, value ≤ 65535 (no sign, unlike `u16::from_str`).
pub(crate) fn parse_port(s: &str) -> Option<u16> {
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_endpoint(s: &str) -> Result<Endpoint, EndpointError> {
    if s.is_empty() {
        return Err(EndpointError::Empty);
    }
    let bare = match s.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("ccs=") => &s[4..],
        _ => s,
    };
    if bare.bytes().all(|b| b.is_ascii_digit()) {
        return parse_port(bare)
            .map(|port| Endpoint::Ccs { port })
            .ok_or_else(|| EndpointError::InvalidPort {
                value: shorten(s),
                port: shorten(bare),
            });
    }
    if s.starts_with('[') {
        return s.parse::<SocketAddr>().map(Endpoint::IpPort).map_err(|_| {
            match s.rsplit_once("]:") {
                Some((_, port)) if parse_port(port).is_none() => EndpointError::InvalidPort {
                    value: shorten(s),
                    port: shorten(port),
                },
                _ => EndpointError::NotAnEndpoint { value: shorten(s) },
            }
        });
    }
    let Some((host, port_text)) = s.rsplit_once(':') else {
        return Err(EndpointError::NotAnEndpoint { value: shorten(s) });
    };
    let Some(port) = parse_port(port_text) else {
        return Err(EndpointError::InvalidPort {
            value: shorten(s),
            port: shorten(port_text),
        });
    };
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return Ok(Endpoint::IpPort(SocketAddr::new(IpAddr::V4(ip), port)));
    }
    if !is_valid_hostname(host) {
        return Err(EndpointError::InvalidHostname {
            hostname: shorten(host),
        });
    }
    Ok(Endpoint::HostnamePort {
        hostname: host.to_owned(),
        port,
    })
}

pub(crate) fn is_valid_hostname(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= MAX_HOSTNAME_LEN
        && h.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '*'))
}

/// At most 80 characters of `s`, for error messages.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    match s.char_indices().nth(MAX) {
        None => s.to_owned(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

// ---------------------------------------------------------------------------
// Application id
// ---------------------------------------------------------------------------

/// The application id of a binding: a GUID naming the program that owns it.
///
/// `Display` prints it lowercase in braces, as current `netsh` does:
/// `{ba195980-cd49-458b-9e23-c84ee0adcd75}`. `FromStr` accepts any case,
/// with or without the braces (surrounding white space is ignored), so
/// comparisons are case-insensitive by construction.
///
/// ```
/// use sstp_cert::model::httpsys::{AppId, SSTP_APP_ID};
/// let id: AppId = "BA195980-CD49-458B-9E23-C84EE0ADCD75".parse().unwrap();
/// assert_eq!(id, SSTP_APP_ID);
/// assert_eq!(id.to_string(), "{ba195980-cd49-458b-9e23-c84ee0adcd75}");
/// assert_eq!(id.well_known_name(), Some("SSTP (Routing and Remote Access)"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppId(u128);

/// SSTP's application id (the RRAS SSTP service), `{ba195980-cd49-458b-9e23-c84ee0adcd75}`.
pub const SSTP_APP_ID: AppId = AppId::from_u128(0xba195980_cd49_458b_9e23_c84ee0adcd75);
/// IIS's application id, `{4dc3e181-e14b-4a21-b022-59fc669b0914}`.
pub const IIS_APP_ID: AppId = AppId::from_u128(0x4dc3e181_e14b_4a21_b022_59fc669b0914);
/// IIS Express's application id, `{214124cd-d05b-4309-9af9-9caa44b2b74a}`.
pub const IIS_EXPRESS_APP_ID: AppId = AppId::from_u128(0x214124cd_d05b_4309_9af9_9caa44b2b74a);
/// AD FS's application id, `{5d89a20c-beab-4389-9447-324788eb944a}`.
pub const ADFS_APP_ID: AppId = AppId::from_u128(0x5d89a20c_beab_4389_9447_324788eb944a);

/// Why a text is not an [`AppId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{value:?} is not an application id: expected a GUID such as {{ba195980-cd49-458b-9e23-c84ee0adcd75}} (braces optional)"
)]
pub struct AppIdError {
    /// The text (shortened if long).
    pub value: String,
}

impl AppId {
    /// Builds the id from its 32 hex digits read as one number, in the
    /// order they are written (`0xba195980_cd49_458b_9e23_c84ee0adcd75`).
    pub const fn from_u128(v: u128) -> Self {
        AppId(v)
    }

    /// The 32 hex digits as one number, in written order.
    pub const fn as_u128(self) -> u128 {
        self.0
    }

    /// The product that uses this id, for the ids [behaviour §5](crate::behaviour) names: SSTP,
    /// IIS, IIS Express, AD FS.
    pub fn well_known_name(self) -> Option<&'static str> {
        Some(match self {
            SSTP_APP_ID => "SSTP (Routing and Remote Access)",
            IIS_APP_ID => "IIS",
            IIS_EXPRESS_APP_ID => "IIS Express",
            ADFS_APP_ID => "AD FS",
            _ => return None,
        })
    }

    /// Parses the 8-4-4-4-12 form, braces optional, no surrounding spaces.
    pub(crate) fn parse_exact(s: &str) -> Option<Self> {
        let inner = match (s.strip_prefix('{'), s.strip_suffix('}')) {
            (Some(_), Some(_)) if s.len() >= 2 => &s[1..s.len() - 1],
            (None, None) => s,
            _ => return None,
        };
        let b = inner.as_bytes();
        if b.len() != 36 {
            return None;
        }
        let mut v: u128 = 0;
        for (i, &c) in b.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if c != b'-' {
                    return None;
                }
                continue;
            }
            let d = (c as char).to_digit(16)?;
            v = (v << 4) | u128::from(d);
        }
        Some(AppId(v))
    }
}

impl fmt::Display for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        write!(
            f,
            "{{{:08x}-{:04x}-{:04x}-{:04x}-{:012x}}}",
            (v >> 96) as u32,
            (v >> 80) as u16,
            (v >> 64) as u16,
            (v >> 48) as u16,
            v & 0xffff_ffff_ffff
        )
    }
}

impl fmt::Debug for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AppId({self})")
    }
}

impl FromStr for AppId {
    type Err = AppIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AppId::parse_exact(s.trim()).ok_or_else(|| AppIdError { value: shorten(s) })
    }
}

#[cfg(feature = "serde")]
impl Serialize for AppId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for AppId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------
// Labels and values
// ---------------------------------------------------------------------------

/// A label exactly as `netsh` printed it (trimmed), in whatever language.
///
/// The labels English and German `netsh` print are stored without an
/// allocation; any other label is kept as given.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label(Cow<'static, str>);

impl Label {
    /// A label from text (shares storage for well-known labels).
    pub fn new(s: &str) -> Self {
        match known_label(s) {
            Some(k) => Label(Cow::Borrowed(k)),
            None => Label(Cow::Owned(s.to_owned())),
        }
    }

    /// A label from a static string.
    pub const fn from_static(s: &'static str) -> Self {
        Label(Cow::Borrowed(s))
    }

    /// The label text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Label {
    fn from(s: &str) -> Self {
        Label::new(s)
    }
}

impl PartialEq<str> for Label {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Label {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(feature = "serde")]
impl Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Labels that are stored without allocating (English, all generations;
/// the German ones [behaviour §5](crate::behaviour) names).
fn known_label(s: &str) -> Option<&'static str> {
    Some(match s {
        "IP:port" => "IP:port",
        "Hostname:port" => "Hostname:port",
        "Central Certificate Store" => "Central Certificate Store",
        "Certificate Hash" => "Certificate Hash",
        "Application ID" => "Application ID",
        "Certificate Store Name" => "Certificate Store Name",
        "Verify Client Certificate Revocation" => "Verify Client Certificate Revocation",
        "Verify Revocation Using Cached Client Certificate Only" => {
            "Verify Revocation Using Cached Client Certificate Only"
        }
        "Usage Check" => "Usage Check",
        "Revocation Freshness Time" => "Revocation Freshness Time",
        "URL Retrieval Timeout" => "URL Retrieval Timeout",
        "Ctl Identifier" => "Ctl Identifier",
        "Ctl Store Name" => "Ctl Store Name",
        "DS Mapper Usage" => "DS Mapper Usage",
        "Negotiate Client Certificate" => "Negotiate Client Certificate",
        "Reject Connections" => "Reject Connections",
        "Disable HTTP2" => "Disable HTTP2",
        "Disable QUIC" => "Disable QUIC",
        "Disable TLS1.2" => "Disable TLS1.2",
        "Disable TLS1.3" => "Disable TLS1.3",
        "Disable OCSP Stapling" => "Disable OCSP Stapling",
        "Enable Token Binding" => "Enable Token Binding",
        "Log Extended Events" => "Log Extended Events",
        "Disable Legacy TLS Versions" => "Disable Legacy TLS Versions",
        "Enable Session Ticket" => "Enable Session Ticket",
        "Disable Session ID" => "Disable Session ID",
        "Enable Caching Client Hello" => "Enable Caching Client Hello",
        "Extended Properties" => "Extended Properties",
        "PropertyId" => "PropertyId",
        "Receive Window" => "Receive Window",
        "Max Settings Per Frame" => "Max Settings Per Frame",
        "Max Settings Per Minute" => "Max Settings Per Minute",
        "IP:Port" => "IP:Port",
        "Zertifikathash" => "Zertifikathash",
        "Anwendungs-ID" => "Anwendungs-ID",
        "Zertifikatspeichername" => "Zertifikatspeichername",
        _ => return None,
    })
}

/// A field value, normalised but lossless: it remembers how `netsh`
/// printed it, and `Display` prints it that way again.
///
/// [`FieldValue::parse`] is the only classification: `""` → [`Blank`],
/// `(null)` → [`Null`], `Enabled`/`Disabled` → [`Enabled`],
/// `Set`/`Not Set` → [`Set`], a decimal number without sign or leading
/// zeros that fits `u64` → [`Number`], anything else → [`Text`]
/// (localised words such as `Aktiviert` stay text).
///
/// [`Blank`]: FieldValue::Blank
/// [`Null`]: FieldValue::Null
/// [`Enabled`]: FieldValue::Enabled
/// [`Set`]: FieldValue::Set
/// [`Number`]: FieldValue::Number
/// [`Text`]: FieldValue::Text
///
/// ```
/// use sstp_cert::model::httpsys::FieldValue;
/// assert_eq!(FieldValue::parse("Not Set"), FieldValue::Set(false));
/// assert_eq!(FieldValue::parse("(null)"), FieldValue::Null);
/// assert_eq!(FieldValue::parse("007"), FieldValue::Text("007".into()));
/// assert_eq!(FieldValue::parse("Disabled").to_string(), "Disabled");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldValue {
    /// Nothing after the colon (how 2008-era `netsh` prints an empty value).
    Blank,
    /// `(null)` (how current `netsh` prints an empty value).
    Null,
    /// `Enabled` (`true`) or `Disabled` (`false`).
    Enabled(bool),
    /// `Set` (`true`) or `Not Set` (`false`).
    Set(bool),
    /// A decimal number.
    Number(u64),
    /// Any other text, as printed (trimmed).
    Text(String),
}

impl FieldValue {
    /// Classifies a (trimmed) value as printed by `netsh`.
    pub fn parse(s: &str) -> Self {
        match s {
            "" => FieldValue::Blank,
            "(null)" => FieldValue::Null,
            "Enabled" => FieldValue::Enabled(true),
            "Disabled" => FieldValue::Enabled(false),
            "Set" => FieldValue::Set(true),
            "Not Set" => FieldValue::Set(false),
            _ => match parse_canonical_u64(s) {
                Some(n) => FieldValue::Number(n),
                None => FieldValue::Text(s.to_owned()),
            },
        }
    }

    /// Whether the value is empty (blank or `(null)`).
    pub fn is_empty(&self) -> bool {
        matches!(self, FieldValue::Blank | FieldValue::Null)
    }

    /// The flag, for `Enabled`/`Disabled` and `Set`/`Not Set`.
    pub fn as_flag(&self) -> Option<bool> {
        match self {
            FieldValue::Enabled(b) | FieldValue::Set(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, for a numeric value.
    pub fn as_number(&self) -> Option<u64> {
        match self {
            FieldValue::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The value as printed.
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            FieldValue::Blank => Cow::Borrowed(""),
            FieldValue::Null => Cow::Borrowed("(null)"),
            FieldValue::Enabled(true) => Cow::Borrowed("Enabled"),
            FieldValue::Enabled(false) => Cow::Borrowed("Disabled"),
            FieldValue::Set(true) => Cow::Borrowed("Set"),
            FieldValue::Set(false) => Cow::Borrowed("Not Set"),
            FieldValue::Number(n) => Cow::Owned(n.to_string()),
            FieldValue::Text(t) => Cow::Borrowed(t),
        }
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Number(n) => n.fmt(f),
            other => f.write_str(&other.as_text()),
        }
    }
}

#[cfg(feature = "serde")]
impl Serialize for FieldValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_text())
    }
}

fn parse_canonical_u64(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 20 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.len() > 1 && b[0] == b'0' {
        return None;
    }
    s.parse().ok()
}

/// One `label : value` line of a binding.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    /// The label as printed.
    pub label: Label,
    /// The value.
    pub value: FieldValue,
}

impl Field {
    /// A field from label and value text (the value is classified with
    /// [`FieldValue::parse`]).
    pub fn new(label: &str, value: &str) -> Self {
        Field {
            label: Label::new(label),
            value: FieldValue::parse(value),
        }
    }
}

/// One indented group under an `Extended Properties:` line (current
/// Windows releases), e.g. `PropertyId : 0` / `Receive Window : 1048576`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtendedProperties {
    /// The header label as printed (`Extended Properties`, without the colon).
    pub label: Label,
    /// The indented lines under it, in order.
    pub fields: Vec<Field>,
}

/// The labels of the four lines mapped by position, as printed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CoreLabels {
    /// The endpoint line's label (`IP:port`, `Hostname:port`,
    /// `Central Certificate Store`, `IP:Port`, …).
    pub endpoint: Label,
    /// The hash line's label (`Certificate Hash`, `Zertifikathash`, …).
    pub cert_hash: Label,
    /// The application-id line's label (`Application ID`, `Anwendungs-ID`, …).
    pub app_id: Label,
    /// The store line's label (`Certificate Store Name`, …).
    pub store_name: Label,
}

impl CoreLabels {
    /// The English labels for an endpoint kind. A parsed block whose line
    /// is missing gets the English label for it.
    pub fn english(kind: EndpointKind) -> Self {
        CoreLabels {
            endpoint: Label::from_static(kind.english_label()),
            cert_hash: Label::from_static("Certificate Hash"),
            app_id: Label::from_static("Application ID"),
            store_name: Label::from_static("Certificate Store Name"),
        }
    }
}

// ---------------------------------------------------------------------------
// Binding
// ---------------------------------------------------------------------------

/// One HTTP.sys SSL binding: one block of `netsh http show sslcert`.
///
/// Serialises (serde) to JSON as
/// `{"endpoint": "0.0.0.0:443", "kind": "ipport", "cert_hash": "<40 hex>"|null,
/// "app_id": "{guid}"|null, "store": "MY"|null, "sstp": bool,
/// "fields": {label: value text, …}, "extended_properties": [{label: value text, …}, …]}`.
/// `fields` holds every line other than the first four, in order, each
/// value as printed (`""`, `"(null)"`, `"Enabled"`, …); a label printed
/// twice in one block (which `netsh` never does) appears twice.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SslBinding {
    /// The endpoint (first line).
    pub endpoint: Endpoint,
    /// The certificate's SHA-1 hash (second line). `None` when printed
    /// empty or missing — normal for a Central Certificate Store binding,
    /// a [`ListingProblem`] otherwise.
    pub cert_hash: Option<Sha1Thumbprint>,
    /// The owning application (third line). `None` when printed empty or
    /// missing (reported as a [`ListingProblem`]).
    pub app_id: Option<AppId>,
    /// The certificate store name (fourth line), as printed; `None` when
    /// blank, `(null)` or missing.
    pub store_name: Option<String>,
    /// The labels of the first four lines, as printed.
    pub labels: CoreLabels,
    /// Every other line, in order.
    pub fields: Vec<Field>,
    /// The `Extended Properties:` groups, in order.
    pub extended: Vec<ExtendedProperties>,
}

/// The two output styles `netsh http show sslcert` has had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum ShowStyle {
    /// Windows Server 2008 / Vista era: about 14 lines per binding, empty
    /// values printed blank.
    Legacy2008,
    /// Current releases: many more flags (`Set`/`Not Set`), empty values
    /// printed `(null)`, and `Extended Properties:` groups.
    Current,
}

impl SslBinding {
    /// A binding with no other fields, English labels.
    pub fn new(
        endpoint: Endpoint,
        cert_hash: Option<Sha1Thumbprint>,
        app_id: Option<AppId>,
        store_name: Option<&str>,
    ) -> Self {
        SslBinding {
            labels: CoreLabels::english(endpoint.kind()),
            endpoint,
            cert_hash,
            app_id,
            store_name: store_name.map(str::to_owned),
            fields: Vec::new(),
            extended: Vec::new(),
        }
    }

    /// The binding the SSTP service makes ([behaviour §6](crate::behaviour)): the given endpoint and
    /// hash, SSTP's application id, store `MY`, no other fields.
    pub fn sstp(endpoint: Endpoint, cert_hash: Sha1Thumbprint) -> Self {
        SslBinding::new(endpoint, Some(cert_hash), Some(SSTP_APP_ID), Some("MY"))
    }

    /// Replaces the other fields and extended groups with what `netsh`
    /// of `style` shows for a binding added with default options (English
    /// labels).
    pub fn with_default_fields(mut self, style: ShowStyle) -> Self {
        self.fields = default_fields(style);
        self.extended = default_extended(style);
        self
    }

    /// Whether SSTP owns this binding (its application id is [`SSTP_APP_ID`]).
    pub fn is_sstp(&self) -> bool {
        self.app_id == Some(SSTP_APP_ID)
    }

    /// The value of the first field with this label (exact match), if any.
    pub fn field(&self, label: &str) -> Option<&FieldValue> {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| &f.value)
    }
}

/// The lines after the first four that `netsh` of `style` shows for a
/// binding added with default options, with English labels.
pub fn default_fields(style: ShowStyle) -> Vec<Field> {
    use FieldValue as V;
    let empty = match style {
        ShowStyle::Legacy2008 => V::Blank,
        ShowStyle::Current => V::Null,
    };
    let mut v = vec![
        ("Verify Client Certificate Revocation", V::Enabled(true)),
        (
            "Verify Revocation Using Cached Client Certificate Only",
            V::Enabled(false),
        ),
        ("Usage Check", V::Enabled(true)),
        ("Revocation Freshness Time", V::Number(0)),
        ("URL Retrieval Timeout", V::Number(0)),
        ("Ctl Identifier", empty.clone()),
        ("Ctl Store Name", empty),
        ("DS Mapper Usage", V::Enabled(false)),
        ("Negotiate Client Certificate", V::Enabled(false)),
    ];
    if style == ShowStyle::Current {
        v.push(("Reject Connections", V::Enabled(false)));
        for l in [
            "Disable HTTP2",
            "Disable QUIC",
            "Disable TLS1.2",
            "Disable TLS1.3",
            "Disable OCSP Stapling",
            "Enable Token Binding",
            "Log Extended Events",
            "Disable Legacy TLS Versions",
            "Enable Session Ticket",
            "Disable Session ID",
            "Enable Caching Client Hello",
        ] {
            v.push((l, V::Set(false)));
        }
    }
    v.into_iter()
        .map(|(l, value)| Field {
            label: Label::from_static(l),
            value,
        })
        .collect()
}

/// The `Extended Properties:` groups `netsh` of `style` shows for a binding
/// added with default options (none for [`ShowStyle::Legacy2008`]).
pub fn default_extended(style: ShowStyle) -> Vec<ExtendedProperties> {
    if style == ShowStyle::Legacy2008 {
        return Vec::new();
    }
    let f = |l: &'static str, n: u64| Field {
        label: Label::from_static(l),
        value: FieldValue::Number(n),
    };
    vec![
        ExtendedProperties {
            label: Label::from_static("Extended Properties"),
            fields: vec![f("PropertyId", 0), f("Receive Window", 1_048_576)],
        },
        ExtendedProperties {
            label: Label::from_static("Extended Properties"),
            fields: vec![
                f("PropertyId", 1),
                f("Max Settings Per Frame", 2_796_202),
                f("Max Settings Per Minute", 4_294_967_295),
            ],
        },
    ]
}

/// Serialises fields as a JSON object label → value text.
#[cfg(feature = "serde")]
struct FieldsMap<'a>(&'a [Field]);

#[cfg(feature = "serde")]
impl Serialize for FieldsMap<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for f in self.0 {
            m.serialize_entry(f.label.as_str(), &f.value)?;
        }
        m.end()
    }
}

#[cfg(feature = "serde")]
struct ExtendedSeq<'a>(&'a [ExtendedProperties]);

#[cfg(feature = "serde")]
impl Serialize for ExtendedSeq<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut q = s.serialize_seq(Some(self.0.len()))?;
        for g in self.0 {
            q.serialize_element(&FieldsMap(&g.fields))?;
        }
        q.end()
    }
}

#[cfg(feature = "serde")]
impl Serialize for SslBinding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("endpoint", &self.endpoint)?;
        m.serialize_entry("kind", &self.endpoint.kind())?;
        m.serialize_entry("cert_hash", &self.cert_hash)?;
        m.serialize_entry("app_id", &self.app_id)?;
        m.serialize_entry("store", &self.store_name)?;
        m.serialize_entry("sstp", &self.is_sstp())?;
        m.serialize_entry("fields", &FieldsMap(&self.fields))?;
        m.serialize_entry("extended_properties", &ExtendedSeq(&self.extended))?;
        m.end()
    }
}

// ---------------------------------------------------------------------------
// Listing
// ---------------------------------------------------------------------------

pub use crate::model::text::TextEncoding;

/// What [`parse_sslcert_show`] read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SslCertListing {
    /// The title line as printed (`SSL Certificate bindings:`,
    /// `SSL-Zertifikatbindungen:`, …); `None` when the input started
    /// directly with a binding.
    pub title: Option<String>,
    /// The encoding detected.
    pub encoding: TextEncoding,
    /// The bindings, in listing order.
    pub bindings: Vec<SslBinding>,
    /// Things worth telling the user that did not stop the parse.
    pub problems: Vec<ListingProblem>,
    /// Console prompt, command-echo and transcript-header lines that were
    /// skipped ([behaviour §12](crate::behaviour)), in input order; empty for a listing not parsed
    /// from text.
    pub skipped: Vec<SkippedLine>,
    /// 1-based line number of each binding's first line.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) lines: Vec<usize>,
}

impl SslCertListing {
    /// A listing of `bindings` that was not parsed from text (no title,
    /// UTF-8, no problems, no line numbers), e.g. to model the state
    /// HTTP.sys is in.
    pub fn new(bindings: Vec<SslBinding>) -> Self {
        SslCertListing {
            title: None,
            encoding: TextEncoding::Utf8,
            bindings,
            problems: Vec::new(),
            skipped: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// The 1-based line of the input where binding `index` starts.
    pub fn line_of(&self, index: usize) -> Option<usize> {
        self.lines.get(index).copied()
    }

    /// The first binding on `endpoint`, if any.
    pub fn binding_for(&self, endpoint: &Endpoint) -> Option<&SslBinding> {
        self.bindings.iter().find(|b| &b.endpoint == endpoint)
    }

    /// The bindings on SSTP's wildcard pair for `port`:
    /// (`0.0.0.0:<port>`, `[::]:<port>`).
    pub fn wildcard_pair(&self, port: u16) -> (Option<&SslBinding>, Option<&SslBinding>) {
        (
            self.binding_for(&Endpoint::ipv4_wildcard(port)),
            self.binding_for(&Endpoint::ipv6_wildcard(port)),
        )
    }
}

/// Something in the listing worth reporting that did not stop the parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ListingProblem {
    /// 1-based line number it concerns.
    pub line: usize,
    /// What it is.
    pub kind: ProblemKind,
}

/// The kinds of [`ListingProblem`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "problem", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum ProblemKind {
    /// An IP:port or Hostname:port binding without a certificate hash (the
    /// line is empty or missing). The binding is kept with `cert_hash: None`.
    MissingCertHash {
        /// The binding's endpoint.
        endpoint: Endpoint,
    },
    /// A binding without an application id (the line is empty or missing).
    MissingAppId {
        /// The binding's endpoint.
        endpoint: Endpoint,
    },
    /// The same endpoint is listed twice (HTTP.sys cannot hold that; the
    /// input is probably two listings pasted together).
    DuplicateEndpoint {
        /// The endpoint.
        endpoint: Endpoint,
        /// Line of its first binding.
        first_line: usize,
    },
    /// Bytes that are not valid in the detected encoding were replaced with
    /// U+FFFD (e.g. a German listing saved in an OEM code page). `line` is
    /// the first line affected.
    InvalidEncoding {
        /// The encoding the text was decoded as.
        encoding: TextEncoding,
    },
    /// UTF-16 input with an odd number of bytes; the last byte was ignored.
    OddUtf16Length,
}

impl fmt::Display for ListingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = self.line;
        match &self.kind {
            ProblemKind::MissingCertHash { endpoint } => write!(
                f,
                "line {line}: the binding for {endpoint} has no certificate hash; HTTP.sys cannot serve TLS on it"
            ),
            ProblemKind::MissingAppId { endpoint } => write!(
                f,
                "line {line}: the binding for {endpoint} has no application id"
            ),
            ProblemKind::DuplicateEndpoint {
                endpoint,
                first_line,
            } => write!(
                f,
                "line {line}: {endpoint} is listed again (first at line {first_line}); were two listings pasted together?"
            ),
            ProblemKind::InvalidEncoding { encoding } => write!(
                f,
                "line {line}: bytes that are not valid {encoding:?} text were replaced with U+FFFD (labels may be garbled; values are unaffected if they are ASCII)"
            ),
            ProblemKind::OddUtf16Length => {
                write!(
                    f,
                    "line {line}: UTF-16 input has an odd byte count; the last byte was ignored"
                )
            }
        }
    }
}
