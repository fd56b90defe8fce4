//! Reference identifiers: the host name or IP address a person means to
//! dial, parsed from what they type.
//!
//! A [`ReferenceId`] is either a [`DnsName`] or an IP address. Parsing is
//! strict, because a typo that silently "does not match" would send an
//! administrator hunting for a certificate problem that does not exist:
//! anything that is not a host name or an IP address is a [`HostError`]
//! that says what is wrong and where.
//!
//! | input | result |
//! |---|---|
//! | `vpn.example.com`, `VPN.Example.COM` | DNS name `vpn.example.com` (ASCII lowercase) |
//! | `vpn.example.com.` | DNS name `vpn.example.com` with a trailing dot ([`DnsName::has_trailing_dot`]): the RFC 9525 profile ignores the dot, the Windows client does not ([behaviour §9](crate::behaviour)) |
//! | `bücher.example` (with the `idna` feature, on for the CLI) | DNS name `xn--bcher-kva.example` (U-labels become A-labels, UTS #46) |
//! | `bücher.example` (without the `idna` feature) | [`HostError::NonAscii`] |
//! | `foo_bar.example.com` | DNS name (underscores occur in real Windows host names and are kept) |
//! | `203.0.113.7` | IPv4 address, also when typed where a DNS name is expected (it is never compared with dNSName entries) |
//! | `2001:db8::1`, `[2001:db8::1]`, `2001:DB8:0:0:0:0:0:1` | IPv6 address (brackets optional, any valid text form) |
//! | `::ffff:192.0.2.1` | IPv6 address: kept as 16 octets, **not** turned into the IPv4 address |
//! | empty, `.example.com`, `example..com`, `example.com..` | [`HostError::Empty`] / [`HostError::EmptyLabel`] |
//! | `*.example.com` | [`HostError::Wildcard`]: a reference names one host |
//! | a NUL, a space, `vpn.example.com:443`, `fe80::1%eth0`, `http://…` | [`HostError::Nul`], [`HostError::Whitespace`], [`HostError::Port`], [`HostError::ZoneId`], [`HostError::InvalidCharacter`] |
//! | a label of 64+ octets, a name of 254+ octets | [`HostError::LabelTooLong`], [`HostError::NameTooLong`] |
//! | `-vpn.example.com`, `vpn-.example.com` | [`HostError::HyphenAtLabelEdge`] |
//! | `1.2.3`, `127.1`, `example.123` | [`HostError::NumericTopLabel`]: neither a host name nor a dotted-quad address |
//! | more than [`MAX_HOST_LEN`] bytes | [`HostError::TooLong`], refused before anything is allocated |
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::hostname::{ReferenceId, HostError};
//!
//! let host: ReferenceId = "VPN.Example.COM.".parse()?;
//! assert_eq!(host.to_string(), "vpn.example.com.");
//! assert_eq!(host.as_dns().unwrap().as_str(), "vpn.example.com");
//! assert!(host.as_dns().is_some());
//!
//! let ip = ReferenceId::parse("[2001:db8::1]")?;
//! assert_eq!(ip.to_string(), "2001:db8::1");
//!
//! assert_eq!(
//!     ReferenceId::parse("*.example.com"),
//!     Err(HostError::Wildcard { position: 1 })
//! );
//! # Ok::<(), HostError>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

#[cfg(feature = "serde")]
use serde::{Serialize, Serializer};

/// The longest input [`ReferenceId::parse`] and [`DnsName::parse`] look at,
/// in bytes.
///
/// Longer input is refused with [`HostError::TooLong`] before it is scanned
/// or anything is allocated. 1024 bytes leave room for the Unicode form of
/// any name whose A-label form fits the DNS limit of [`MAX_DNS_NAME_LEN`]
/// octets (a code point takes at most 4 bytes of UTF-8 and at least one
/// octet of its A-label).
///
/// ```
/// use sstp_cert::model::hostname::{HostError, ReferenceId, MAX_HOST_LEN};
/// let long = "a".repeat(MAX_HOST_LEN + 1);
/// assert!(matches!(ReferenceId::parse(&long), Err(HostError::TooLong { .. })));
/// ```
pub const MAX_HOST_LEN: usize = 1024;

/// The longest DNS name, in octets of its A-label form without a trailing
/// dot (RFC 1035 §2.3.4 as applied by resolvers: 255 octets on the wire).
///
/// ```
/// use sstp_cert::model::hostname::{HostError, ReferenceId, MAX_DNS_NAME_LEN};
/// let name = format!("{}.com", vec!["a".repeat(63); 4].join("."));
/// assert!(name.len() > MAX_DNS_NAME_LEN);
/// assert!(matches!(ReferenceId::parse(&name), Err(HostError::NameTooLong { .. })));
/// ```
pub const MAX_DNS_NAME_LEN: usize = 253;

/// The longest DNS label, in octets (RFC 1035 §2.3.4).
///
/// ```
/// use sstp_cert::model::hostname::{HostError, ReferenceId, MAX_LABEL_LEN};
/// let name = format!("{}.example.com", "a".repeat(MAX_LABEL_LEN + 1));
/// assert_eq!(ReferenceId::parse(&name), Err(HostError::LabelTooLong { label: 1, len: 64 }));
/// ```
pub const MAX_LABEL_LEN: usize = 63;

/// Why typed text is not a host name or an IP address.
///
/// Positions count characters from 1, as the thumbprint parser does; for
/// input with U-labels, errors found after the conversion to A-labels count
/// in the A-label form. Labels count from 1, left to right.
///
/// ```
/// use sstp_cert::model::hostname::{HostError, ReferenceId};
/// let e = ReferenceId::parse("vpn example.com").unwrap_err();
/// assert_eq!(e, HostError::Whitespace { ch: ' ', position: 4 });
/// assert_eq!(
///     e.to_string(),
///     "white space ' ' at position 4: a host name cannot contain spaces"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// Nothing was typed.
    #[error("empty host name: expected a DNS name or an IP address")]
    Empty,
    /// More than [`MAX_HOST_LEN`] bytes.
    #[error("host name input is {len} bytes, more than the {max} accepted")]
    TooLong {
        /// Bytes of input.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A NUL character: never part of a host name, and the classic way to
    /// smuggle a second name past a matcher.
    #[error("NUL character at position {position}: a host name cannot contain NUL")]
    Nul {
        /// Character position, from 1.
        position: usize,
    },
    /// White space inside or around the name.
    #[error("white space {ch:?} at position {position}: a host name cannot contain spaces")]
    Whitespace {
        /// The character.
        ch: char,
        /// Character position, from 1.
        position: usize,
    },
    /// A `*`: wildcards belong in certificates, a reference names one host.
    #[error(
        "'*' at position {position}: a wildcard can be presented by a certificate but not dialled; give one host name"
    )]
    Wildcard {
        /// Character position, from 1.
        position: usize,
    },
    /// A character that is not a letter, digit, hyphen, underscore or dot.
    #[error("invalid character {ch:?} (U+{code:04X}) at position {position}: a host name has only letters, digits, hyphens, underscores and dots", code = *ch as u32)]
    InvalidCharacter {
        /// The character.
        ch: char,
        /// Character position, from 1.
        position: usize,
    },
    /// A non-ASCII character while the crate is built without the `idna`
    /// feature, which converts U-labels to A-labels.
    #[error(
        "non-ASCII character {ch:?} at position {position}: this build cannot convert internationalized names (enable the `idna` feature) — type the A-label form (xn--…) instead"
    )]
    NonAscii {
        /// The character.
        ch: char,
        /// Character position, from 1.
        position: usize,
    },
    /// UTS #46 (IDNA) processing refused the internationalized name.
    #[error(
        "not a valid internationalized domain name: IDNA (UTS #46) conversion to A-labels failed"
    )]
    Idna,
    /// An empty label: a leading dot, two dots in a row, or more than one
    /// trailing dot.
    #[error(
        "empty label (label {label}): a host name has no leading dot, no two dots in a row and at most one trailing dot"
    )]
    EmptyLabel {
        /// Which label, from 1.
        label: usize,
    },
    /// A label longer than [`MAX_LABEL_LEN`] octets.
    #[error("label {label} is {len} octets long, more than the {max} DNS allows", max = MAX_LABEL_LEN)]
    LabelTooLong {
        /// Which label, from 1.
        label: usize,
        /// Its length in octets (A-label form).
        len: usize,
    },
    /// A name longer than [`MAX_DNS_NAME_LEN`] octets.
    #[error("host name is {len} octets long, more than the {max} DNS allows", max = MAX_DNS_NAME_LEN)]
    NameTooLong {
        /// Its length in octets (A-label form, without a trailing dot).
        len: usize,
    },
    /// A label that starts or ends with a hyphen.
    #[error("label {label} starts or ends with a hyphen, which a host name label cannot")]
    HyphenAtLabelEdge {
        /// Which label, from 1.
        label: usize,
    },
    /// The last label is all digits: not a host name (RFC 1123 §2.1), and
    /// not a dotted-quad IPv4 address either (`1.2.3`, `127.1`, `010.1.1.1`
    /// are refused rather than guessed).
    #[error(
        "the last label {label:?} is all digits: not a host name, and not an IPv4 address in dotted-quad form (a.b.c.d, no leading zeros)"
    )]
    NumericTopLabel {
        /// The last label.
        label: String,
    },
    /// An IP address given where only a DNS name is accepted
    /// ([`DnsName::parse`]; [`ReferenceId::parse`] accepts it).
    #[error("{ip} is an IP address, not a DNS name")]
    IpLiteral {
        /// The address.
        ip: IpAddr,
    },
    /// Text in brackets, or with colons, that is not an IPv6 address.
    #[error("{text:?} is not a valid IPv6 address")]
    InvalidIpv6 {
        /// The text between the brackets, or the whole input.
        text: String,
    },
    /// An IPv6 zone index (`fe80::1%eth0`): certificates cannot name zones.
    #[error(
        "IPv6 zone index (%…) is not allowed: certificates cannot name a zone; give the address without it"
    )]
    ZoneId,
    /// `host:port`: the port is not part of the name the certificate is
    /// checked against.
    #[error("looks like host:port; give the host name or address without the port")]
    Port,
}

/// A validated DNS host name in its canonical form: ASCII, lowercase,
/// A-labels; [`as_str`](DnsName::as_str) is without the trailing dot, and
/// whether the name was given with one (an absolute name,
/// `vpn.example.com.`) is kept: the Windows client compares the name as
/// given and fails on it ([behaviour §9](crate::behaviour)), so `vpn.example.com.` and
/// `vpn.example.com` are different references. [`Display`](fmt::Display)
/// and serialisation show the dot.
///
/// ```
/// use sstp_cert::model::hostname::DnsName;
/// let n = DnsName::parse("Vpn.Example.COM.")?;
/// assert_eq!(n.as_str(), "vpn.example.com");
/// assert!(n.has_trailing_dot());
/// assert_eq!(n.to_string(), "vpn.example.com.");
/// assert_eq!(n.labels().collect::<Vec<_>>(), ["vpn", "example", "com"]);
/// assert_ne!(n, DnsName::parse("vpn.example.com")?);
/// # Ok::<(), sstp_cert::model::hostname::HostError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DnsName {
    name: String,
    trailing_dot: bool,
}

impl DnsName {
    /// Parses a DNS host name as typed (see the [module table](self)).
    ///
    /// ```
    /// use sstp_cert::model::hostname::{DnsName, HostError};
    /// assert_eq!(DnsName::parse("example.com")?.as_str(), "example.com");
    /// assert!(matches!(DnsName::parse("192.0.2.1"), Err(HostError::IpLiteral { .. })));
    /// # Ok::<(), HostError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Every [`HostError`] except the IPv6 ones; an IP address literal is
    /// [`HostError::IpLiteral`] (use [`ReferenceId::parse`] to accept both).
    pub fn parse(input: &str) -> Result<DnsName, HostError> {
        check_input_len(input)?;
        if let Ok(ip) = input.parse::<Ipv4Addr>() {
            return Err(HostError::IpLiteral { ip: IpAddr::V4(ip) });
        }
        parse_dns(input)
    }

    /// The name, canonical form.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::DnsName;
    /// assert_eq!(DnsName::parse("EXAMPLE.com.")?.as_str(), "example.com");
    /// # Ok::<(), sstp_cert::model::hostname::HostError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// Whether the name was given with a trailing dot (`vpn.example.com.`).
    ///
    /// ```
    /// # use sstp_cert::model::hostname::DnsName;
    /// assert!(DnsName::parse("vpn.example.com.")?.has_trailing_dot());
    /// assert!(!DnsName::parse("vpn.example.com")?.has_trailing_dot());
    /// # Ok::<(), sstp_cert::model::hostname::HostError>(())
    /// ```
    pub fn has_trailing_dot(&self) -> bool {
        self.trailing_dot
    }

    /// The labels, left to right.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::DnsName;
    /// let n = DnsName::parse("a.b.c")?;
    /// assert_eq!(n.labels().last(), Some("c"));
    /// # Ok::<(), sstp_cert::model::hostname::HostError>(())
    /// ```
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.name.split('.')
    }

    /// The number of labels.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::DnsName;
    /// assert_eq!(DnsName::parse("vpn.example.com")?.label_count(), 3);
    /// # Ok::<(), sstp_cert::model::hostname::HostError>(())
    /// ```
    pub fn label_count(&self) -> usize {
        self.labels().count()
    }
}

impl fmt::Display for DnsName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if self.trailing_dot {
            f.write_str(".")?;
        }
        Ok(())
    }
}

impl AsRef<str> for DnsName {
    /// As [`DnsName::as_str`]: without the trailing dot.
    fn as_ref(&self) -> &str {
        &self.name
    }
}

impl FromStr for DnsName {
    type Err = HostError;

    /// As [`DnsName::parse`].
    ///
    /// # Errors
    ///
    /// As [`DnsName::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DnsName::parse(s)
    }
}

#[cfg(feature = "serde")]
impl Serialize for DnsName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a client is asked to connect to: a DNS host name or an IP address.
///
/// Serializes as its text (`"vpn.example.com"`, `"2001:db8::1"`).
///
/// ```
/// use sstp_cert::model::hostname::ReferenceId;
/// use std::net::IpAddr;
///
/// let r = ReferenceId::parse("8.8.8.8")?;
/// assert_eq!(r.as_ip(), Some("8.8.8.8".parse::<IpAddr>().unwrap()));
/// # #[cfg(feature = "serde")] {
/// assert_eq!(serde_json::to_string(&r).unwrap(), "\"8.8.8.8\"");
/// # }
/// # Ok::<(), sstp_cert::model::hostname::HostError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReferenceId {
    /// A DNS host name.
    Dns(DnsName),
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
}

impl ReferenceId {
    /// Parses what a person types: an IPv4 address, an IPv6 address (with
    /// or without brackets), or else a DNS host name (see the
    /// [module table](self)). Text that parses as an IP address is always
    /// an IP reference, compared only with iPAddress entries.
    ///
    /// ```
    /// use sstp_cert::model::hostname::{ReferenceId, HostError};
    /// assert!(ReferenceId::parse("vpn.example.com")?.as_dns().is_some());
    /// assert!(ReferenceId::parse("::ffff:192.0.2.1")?.as_ip().is_some_and(|ip| ip.is_ipv6()));
    /// assert_eq!(ReferenceId::parse("vpn.example.com:443"), Err(HostError::Port));
    /// assert_eq!(ReferenceId::parse(""), Err(HostError::Empty));
    /// # Ok::<(), HostError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`HostError`] for empty, over-long or malformed input; never a
    /// silent non-match.
    pub fn parse(input: &str) -> Result<ReferenceId, HostError> {
        check_input_len(input)?;
        if let Some(inner) = input.strip_prefix('[') {
            return parse_bracketed(inner).map(ReferenceId::Ip);
        }
        if let Ok(ip) = input.parse::<Ipv4Addr>() {
            return Ok(ReferenceId::Ip(IpAddr::V4(ip)));
        }
        if input.contains(':') {
            if let Ok(ip) = input.parse::<Ipv6Addr>() {
                return Ok(ReferenceId::Ip(IpAddr::V6(ip)));
            }
            if input.contains('%') && input.split('%').next().is_some_and(is_ipv6) {
                return Err(HostError::ZoneId);
            }
            if looks_like_host_port(input) {
                return Err(HostError::Port);
            }
            // Fall through: the DNS checks report the ':' with its position.
        }
        parse_dns(input).map(ReferenceId::Dns)
    }

    /// The DNS name, if this is one.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::ReferenceId;
    /// let r = ReferenceId::parse("Vpn.Example.com")?;
    /// assert_eq!(r.as_dns().map(|d| d.as_str()), Some("vpn.example.com"));
    /// assert!(ReferenceId::parse("::1")?.as_dns().is_none());
    /// # Ok::<(), sstp_cert::model::hostname::HostError>(())
    /// ```
    pub fn as_dns(&self) -> Option<&DnsName> {
        match self {
            ReferenceId::Dns(d) => Some(d),
            ReferenceId::Ip(_) => None,
        }
    }

    /// The IP address, if this is one.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::ReferenceId;
    /// use std::net::{IpAddr, Ipv6Addr};
    /// let r = ReferenceId::parse("[::1]")?;
    /// assert_eq!(r.as_ip(), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    /// # Ok::<(), sstp_cert::model::hostname::HostError>(())
    /// ```
    pub fn as_ip(&self) -> Option<IpAddr> {
        match self {
            ReferenceId::Ip(ip) => Some(*ip),
            ReferenceId::Dns(_) => None,
        }
    }

    /// `"dns"` or `"ip"`.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::ReferenceId;
    /// assert_eq!(ReferenceId::parse("192.0.2.1")?.kind(), "ip");
    /// # Ok::<(), sstp_cert::model::hostname::HostError>(())
    /// ```
    pub const fn kind(&self) -> &'static str {
        match self {
            ReferenceId::Dns(_) => "dns",
            ReferenceId::Ip(_) => "ip",
        }
    }
}

impl fmt::Display for ReferenceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReferenceId::Dns(d) => d.fmt(f),
            ReferenceId::Ip(ip) => ip.fmt(f),
        }
    }
}

impl FromStr for ReferenceId {
    type Err = HostError;

    /// As [`ReferenceId::parse`].
    ///
    /// # Errors
    ///
    /// As [`ReferenceId::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReferenceId::parse(s)
    }
}

impl From<IpAddr> for ReferenceId {
    fn from(ip: IpAddr) -> Self {
        ReferenceId::Ip(ip)
    }
}

impl From<DnsName> for ReferenceId {
    fn from(d: DnsName) -> Self {
        ReferenceId::Dns(d)
    }
}

#[cfg(feature = "serde")]
impl Serialize for ReferenceId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn check_input_len(input: &str) -> Result<(), HostError> {
    if input.len() > MAX_HOST_LEN {
        return Err(HostError::TooLong {
            len: input.len(),
            max: MAX_HOST_LEN,
        });
    }
    if input.is_empty() {
        return Err(HostError::Empty);
    }
    Ok(())
}

fn is_ipv6(s: &str) -> bool {
    s.parse::<Ipv6Addr>().is_ok()
}

/// `inner` is the input after a leading `[`.
fn parse_bracketed(inner: &str) -> Result<IpAddr, HostError> {
    let Some(end) = inner.find(']') else {
        return Err(HostError::InvalidIpv6 {
            text: inner.to_owned(),
        });
    };
    let (addr, rest) = inner.split_at(end);
    let rest = &rest[1..]; // skip ']' (one byte, ASCII)
    if addr.contains('%') {
        return Err(HostError::ZoneId);
    }
    let ip = addr
        .parse::<Ipv6Addr>()
        .map_err(|_| HostError::InvalidIpv6 {
            text: addr.to_owned(),
        })?;
    if rest.is_empty() {
        return Ok(IpAddr::V6(ip));
    }
    if rest
        .strip_prefix(':')
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(HostError::Port);
    }
    Err(HostError::InvalidIpv6 {
        text: inner.to_owned(),
    })
}

/// `name:digits` with exactly one colon.
fn looks_like_host_port(input: &str) -> bool {
    match input.split_once(':') {
        Some((host, port)) => {
            !host.is_empty()
                && !port.is_empty()
                && port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// The DNS path of both parsers; the length has been checked.
fn parse_dns(input: &str) -> Result<DnsName, HostError> {
    for (i, ch) in input.chars().enumerate() {
        let position = i + 1;
        match ch {
            '\0' => return Err(HostError::Nul { position }),
            '*' => return Err(HostError::Wildcard { position }),
            c if c.is_whitespace() => return Err(HostError::Whitespace { ch: c, position }),
            c if c.is_control() => return Err(HostError::InvalidCharacter { ch: c, position }),
            c if !c.is_ascii() && !cfg!(feature = "idna") => {
                return Err(HostError::NonAscii { ch: c, position });
            }
            _ => {}
        }
    }
    let ascii = to_ascii(input)?;
    let (name, trailing_dot) = match ascii.strip_suffix('.') {
        Some(name) => (name, true),
        None => (ascii.as_ref(), false),
    };
    validate_labels(name)?;
    Ok(DnsName {
        name: name.to_ascii_lowercase(),
        trailing_dot,
    })
}

#[cfg(feature = "idna")]
fn to_ascii(input: &str) -> Result<Cow<'_, str>, HostError> {
    use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
    if input.is_ascii() {
        return Ok(Cow::Borrowed(input));
    }
    // The ASCII rules are applied afterwards by `validate_labels`, so that
    // an underscore or a bad character gets the same error either way.
    Uts46::new()
        .to_ascii(
            input.as_bytes(),
            AsciiDenyList::EMPTY,
            Hyphens::Allow,
            DnsLength::Ignore,
        )
        .map_err(|_| HostError::Idna)
}

#[cfg(not(feature = "idna"))]
fn to_ascii(input: &str) -> Result<Cow<'_, str>, HostError> {
    // `parse_dns` has refused non-ASCII input already.
    match input.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
        Some((i, ch)) => Err(HostError::NonAscii {
            ch,
            position: i + 1,
        }),
        None => Ok(Cow::Borrowed(input)),
    }
}

/// Checks an ASCII name without its trailing dot.
fn validate_labels(name: &str) -> Result<(), HostError> {
    if name.is_empty() {
        return Err(HostError::EmptyLabel { label: 1 });
    }
    let mut position = 0;
    let mut last = "";
    for (i, label) in name.split('.').enumerate() {
        let n = i + 1;
        if label.is_empty() {
            return Err(HostError::EmptyLabel { label: n });
        }
        for ch in label.chars() {
            position += 1;
            match ch {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' => {}
                '*' => return Err(HostError::Wildcard { position }),
                '\0' => return Err(HostError::Nul { position }),
                c if c.is_whitespace() => return Err(HostError::Whitespace { ch: c, position }),
                c => return Err(HostError::InvalidCharacter { ch: c, position }),
            }
        }
        position += 1; // the dot
        if label.len() > MAX_LABEL_LEN {
            return Err(HostError::LabelTooLong {
                label: n,
                len: label.len(),
            });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(HostError::HyphenAtLabelEdge { label: n });
        }
        last = label;
    }
    if name.len() > MAX_DNS_NAME_LEN {
        return Err(HostError::NameTooLong { len: name.len() });
    }
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HostError::NumericTopLabel {
            label: last.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dns(s: &str) -> String {
        match ReferenceId::parse(s) {
            Ok(ReferenceId::Dns(d)) => d.as_str().to_owned(),
            other => panic!("{s:?} gave {other:?}"),
        }
    }

    fn ip(s: &str) -> IpAddr {
        match ReferenceId::parse(s) {
            Ok(ReferenceId::Ip(ip)) => ip,
            other => panic!("{s:?} gave {other:?}"),
        }
    }

    fn err(s: &str) -> HostError {
        match ReferenceId::parse(s) {
            Err(e) => e,
            Ok(r) => panic!("{s:?} parsed as {r:?}"),
        }
    }

    #[test]
    fn dns_names_are_normalised() {
        assert_eq!(dns("example.com"), "example.com");
        assert_eq!(dns("EXAMPLE.Com"), "example.com");
        assert_eq!(dns("example.com."), "example.com");
        assert_eq!(dns("localhost"), "localhost");
        assert_eq!(dns("foo_bar.example.com"), "foo_bar.example.com");
        assert_eq!(dns("xn--bcher-kva.example"), "xn--bcher-kva.example");
        assert_eq!(dns("123.example.com"), "123.example.com");
        assert_eq!(dns("a-b.c"), "a-b.c");
    }

    #[test]
    fn ip_addresses() {
        assert_eq!(ip("203.0.113.7"), "203.0.113.7".parse::<IpAddr>().unwrap());
        assert_eq!(ip("8.8.8.8"), "8.8.8.8".parse::<IpAddr>().unwrap());
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(ip("2001:db8::1"), v6);
        assert_eq!(ip("[2001:db8::1]"), v6);
        assert_eq!(ip("2001:DB8:0000:0:0:0:0:1"), v6);
        let mapped = ip("::ffff:127.0.0.1");
        assert!(mapped.is_ipv6(), "IPv4-mapped stays IPv6");
        assert_eq!(ip("::1").to_string(), "::1");
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(err(""), HostError::Empty);
        assert_eq!(err("."), HostError::EmptyLabel { label: 1 });
        assert_eq!(err(".example.com"), HostError::EmptyLabel { label: 1 });
        assert_eq!(err("example..com"), HostError::EmptyLabel { label: 2 });
        assert_eq!(err("example.com.."), HostError::EmptyLabel { label: 3 });
        assert_eq!(err("exa\0mple.com"), HostError::Nul { position: 4 });
        assert_eq!(
            err(" example.com"),
            HostError::Whitespace {
                ch: ' ',
                position: 1
            }
        );
        assert_eq!(
            err("example.com\n"),
            HostError::Whitespace {
                ch: '\n',
                position: 12
            }
        );
        assert_eq!(err("*.example.com"), HostError::Wildcard { position: 1 });
        assert_eq!(err("f*.example.com"), HostError::Wildcard { position: 2 });
        assert_eq!(
            err("exa$mple.com"),
            HostError::InvalidCharacter {
                ch: '$',
                position: 4
            }
        );
        assert_eq!(
            err("https://vpn.example.com/"),
            HostError::InvalidCharacter {
                ch: ':',
                position: 6
            }
        );
        assert_eq!(err("vpn.example.com:443"), HostError::Port);
        assert_eq!(err("192.0.2.1:443"), HostError::Port);
        assert_eq!(err("[2001:db8::1]:443"), HostError::Port);
        assert_eq!(err("fe80::1%eth0"), HostError::ZoneId);
        assert_eq!(err("[fe80::1%25eth0]"), HostError::ZoneId);
        assert!(matches!(
            err("[vpn.example.com]"),
            HostError::InvalidIpv6 { .. }
        ));
        assert!(matches!(err("[2001:db8::1"), HostError::InvalidIpv6 { .. }));
        assert!(matches!(err("[::1]x"), HostError::InvalidIpv6 { .. }));
        assert_eq!(
            err("-vpn.example.com"),
            HostError::HyphenAtLabelEdge { label: 1 }
        );
        assert_eq!(
            err("vpn.example-.com"),
            HostError::HyphenAtLabelEdge { label: 2 }
        );
        assert!(matches!(err("1.2.3"), HostError::NumericTopLabel { .. }));
        assert!(matches!(err("127.1"), HostError::NumericTopLabel { .. }));
        assert!(matches!(
            err("010.1.1.1"),
            HostError::NumericTopLabel { .. }
        ));
        assert!(matches!(
            err("example.123"),
            HostError::NumericTopLabel { .. }
        ));
        assert!(matches!(err("\u{7}x"), HostError::InvalidCharacter { .. }));
    }

    #[test]
    fn length_limits() {
        let label63 = "a".repeat(63);
        let label64 = "a".repeat(64);
        assert_eq!(dns(&format!("{label63}.com")).len(), 67);
        assert_eq!(
            err(&format!("{label64}.com")),
            HostError::LabelTooLong { label: 1, len: 64 }
        );
        // 4 × 63 + 3 dots = 255 > 253
        let long = [label63.as_str(); 4].join(".");
        assert_eq!(err(&long), HostError::NameTooLong { len: 255 });
        // exactly 253, with and without a trailing dot
        let ok = format!("{}.{}.{}.{}", label63, label63, label63, "a".repeat(61));
        assert_eq!(ok.len(), 253);
        assert_eq!(dns(&ok), ok);
        assert_eq!(dns(&format!("{ok}.")), ok);
        let huge = "a".repeat(MAX_HOST_LEN + 1);
        assert_eq!(
            err(&huge),
            HostError::TooLong {
                len: MAX_HOST_LEN + 1,
                max: MAX_HOST_LEN
            }
        );
        assert_eq!(
            DnsName::parse(&huge),
            Err(HostError::TooLong {
                len: MAX_HOST_LEN + 1,
                max: MAX_HOST_LEN
            })
        );
    }

    #[test]
    fn dns_name_refuses_ip_literals() {
        assert!(matches!(
            DnsName::parse("8.8.8.8"),
            Err(HostError::IpLiteral { .. })
        ));
        assert!(DnsName::parse("::1").is_err());
    }

    #[cfg(feature = "idna")]
    #[test]
    fn u_labels_become_a_labels() {
        assert_eq!(dns("bücher.example"), "xn--bcher-kva.example");
        assert_eq!(dns("BÜCHER.example."), "xn--bcher-kva.example");
        assert_eq!(dns("😜.example.com"), "xn--628h.example.com");
        assert_eq!(dns("test-測試.com"), "xn--test--gs1lv54n.com");
        // U+3002 IDEOGRAPHIC FULL STOP is a dot under UTS #46
        assert_eq!(dns("bücher\u{3002}example"), "xn--bcher-kva.example");
        // A full-width asterisk maps to '*' and is still refused.
        assert!(matches!(
            err("\u{ff0a}.example.com"),
            HostError::Wildcard { .. }
        ));
        assert_eq!(err("xn--bcher-kva.bücher.xn--a"), HostError::Idna);
    }

    #[cfg(not(feature = "idna"))]
    #[test]
    fn u_labels_need_the_feature() {
        assert_eq!(
            err("bücher.example"),
            HostError::NonAscii {
                ch: 'ü',
                position: 2
            }
        );
        assert_eq!(dns("xn--bcher-kva.example"), "xn--bcher-kva.example");
    }

    #[test]
    fn display_and_serialize() {
        let r = ReferenceId::parse("[2001:DB8::1]").unwrap();
        assert_eq!(r.to_string(), "2001:db8::1");
        #[cfg(feature = "serde")]
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"2001:db8::1\"");
        let d = ReferenceId::parse("Vpn.Example.com").unwrap();
        #[cfg(feature = "serde")]
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"vpn.example.com\"");
        assert_eq!(d.kind(), "dns");
    }
}
