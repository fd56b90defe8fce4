//! Presented identifiers: the names a certificate offers, and what each one
//! can stand for.
//!
//! A certificate presents SAN dNSName entries, SAN iPAddress entries and
//! subject common names ([`PresentedId`]). Before a DNS-like presented name
//! (a dNSName or a CN) is compared with anything, it is classified; a name
//! that fails any of these checks **never matches**, under every profile,
//! and the [`Rule`] says why:
//!
//! | presented name | rule |
//! |---|---|
//! | contains a NUL (`altnull.python.org\0example.com`) | [`Rule::PresentedContainsNul`] — neither the part before nor the part after the NUL matches |
//! | contains a non-ASCII character (a U-label such as `bücher.example`, raw UTF-8) | [`Rule::PresentedNotAscii`] — dNSName entries must hold A-labels (RFC 5280 §7.2); not converted |
//! | ends with a dot (`vpn.example.com.`) | [`Rule::PresentedTrailingDot`] |
//! | `*` alone | [`Rule::BareWildcard`] |
//! | `*` with other characters in the left-most label (`f*.example.com`, `*f.example.com`, `xn--*-1b3c148a.example.com`) | [`Rule::PartialWildcard`] |
//! | `*` in any label but the left-most (`foo.*.example.com`, `*.*.example.com`) | [`Rule::WildcardNotLeftmost`] |
//! | an empty label, a label over 63 octets, a name over 253 octets, a hyphen at a label edge, a character other than letters, digits, `-`, `_` (spaces, `@`, …) | [`Rule::PresentedInvalidSyntax`] |
//!
//! What remains is either an exact name (compared ASCII case-insensitively)
//! or `*.` followed by a valid name (a wildcard, see
//! [`wildcard`](super::wildcard)).
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::hostname::PresentedId;
//! use std::net::IpAddr;
//!
//! let ids = [
//!     PresentedId::DnsName("*.example.com".into()),
//!     PresentedId::CommonName("vpn.example.com".into()),
//!     PresentedId::IpAddress("203.0.113.7".parse::<IpAddr>().unwrap()),
//!     PresentedId::DnsName("evil.example\0good.example".into()),
//! ];
//! let shown: Vec<String> = ids.iter().map(ToString::to_string).collect();
//! assert_eq!(
//!     shown,
//!     ["dns:*.example.com", "cn:vpn.example.com", "ip:203.0.113.7", "dns:evil.example\\0good.example"]
//! );
//! ```

use std::fmt;
use std::net::IpAddr;

#[cfg(feature = "serde")]
use serde::{Serialize, Serializer};

use super::reference::{MAX_DNS_NAME_LEN, MAX_LABEL_LEN};
use super::rule::Rule;
use crate::model::certificate::Names;

/// One identifier a certificate presents, tagged with where it came from.
///
/// `Display` (and serde) render it as `dns:…`, `ip:…` or `cn:…`; control
/// characters such as NUL are escaped (`\0`) so that the text shows what
/// the certificate holds rather than hiding it.
///
/// ```
/// use sstp_cert::model::hostname::PresentedId;
/// let id = PresentedId::CommonName("null.python.org\0example.org".into());
/// assert_eq!(id.to_string(), r"cn:null.python.org\0example.org");
/// # #[cfg(feature = "serde")] {
/// assert_eq!(serde_json::to_string(&id).unwrap(), r#""cn:null.python.org\\0example.org""#);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PresentedId {
    /// A SAN dNSName entry, exactly as encoded.
    DnsName(String),
    /// A SAN iPAddress entry.
    IpAddress(IpAddr),
    /// A subject common name (CN), decoded.
    CommonName(String),
}

impl PresentedId {
    /// Every identifier of `names`, in the order the profiles compare them:
    /// dNSName entries, then iPAddress entries, then common names, each in
    /// certificate order.
    ///
    /// ```
    /// use sstp_cert::model::certificate::Names;
    /// use sstp_cert::model::hostname::PresentedId;
    /// let names = Names {
    ///     dns: vec!["vpn.example.com".into()],
    ///     common_names: vec!["VPN".into()],
    ///     ..Names::default()
    /// };
    /// assert_eq!(PresentedId::all(&names).len(), 2);
    /// ```
    pub fn all(names: &Names) -> Vec<PresentedId> {
        let mut out =
            Vec::with_capacity(names.dns.len() + names.ips.len() + names.common_names.len());
        out.extend(names.dns.iter().cloned().map(PresentedId::DnsName));
        out.extend(names.ips.iter().copied().map(PresentedId::IpAddress));
        out.extend(
            names
                .common_names
                .iter()
                .cloned()
                .map(PresentedId::CommonName),
        );
        out
    }

    /// `"dns"`, `"ip"` or `"cn"`: the prefix of the display form.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::PresentedId;
    /// assert_eq!(PresentedId::CommonName("x".into()).kind(), "cn");
    /// ```
    pub const fn kind(&self) -> &'static str {
        match self {
            PresentedId::DnsName(_) => "dns",
            PresentedId::IpAddress(_) => "ip",
            PresentedId::CommonName(_) => "cn",
        }
    }
}

impl fmt::Display for PresentedId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.kind())?;
        match self {
            PresentedId::IpAddress(ip) => ip.fmt(f),
            PresentedId::DnsName(s) | PresentedId::CommonName(s) => {
                for c in s.chars() {
                    if c.is_control() {
                        write!(f, "{}", c.escape_debug())?;
                    } else {
                        f.write_fmt(format_args!("{c}"))?;
                    }
                }
                Ok(())
            }
        }
    }
}

#[cfg(feature = "serde")]
impl Serialize for PresentedId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A presented DNS-like name that passed the syntax checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DnsPattern<'a> {
    /// A plain name: matches a reference equal to it, ignoring ASCII case.
    Exact(&'a str),
    /// `*.` + `suffix`: the `*` is the whole left-most label.
    Wildcard {
        /// The labels after `*.`, a valid name.
        suffix: &'a str,
    },
}

/// Byte classes for [`classify`]: a letter, digit, `-` or `_`; a dot; a
/// `*`; NUL; a byte of a non-ASCII character; anything else is 0.
const LDH: u8 = 1;
const DOT: u8 = 2;
const STAR: u8 = 4;
const NUL: u8 = 8;
const HIGH: u8 = 16;

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c.is_ascii_alphanumeric() || c == b'-' || c == b'_' {
            LDH
        } else if c == b'.' {
            DOT
        } else if c == b'*' {
            STAR
        } else if c == 0 {
            NUL
        } else if c >= 0x80 {
            HIGH
        } else {
            0
        };
        i += 1;
    }
    t
};

/// Classifies a presented dNSName or CN (see the [module table](self)).
///
/// One pass over the bytes gathers everything the rules need (NUL,
/// non-ASCII, where the `*`s are, whether each label is valid); the rules
/// are then applied in the order of the module table.
pub(crate) fn classify(name: &str) -> Result<DnsPattern<'_>, Rule> {
    let b = name.as_bytes();
    // Classes seen before the first dot ([0]) and after it ([1]).
    let mut seen = [0u8; 2];
    let mut first_dot = None;
    // Label syntax: the first label, and all labels after the first dot.
    let mut first_ok = true;
    let mut rest_ok = true;
    let mut start = 0;
    // The classes every byte of the current label has (LDH: all valid).
    let mut label_all = LDH;
    let mut close = |start: usize, end: usize, label_all: u8, first: bool| {
        let label = &b[start..end];
        let ok = label_all & LDH != 0
            && !label.is_empty()
            && label.len() <= MAX_LABEL_LEN
            && label[0] != b'-'
            && label[label.len() - 1] != b'-';
        if first {
            first_ok = ok;
        } else {
            rest_ok &= ok;
        }
    };
    for (i, &c) in b.iter().enumerate() {
        let class = CLASS[usize::from(c)];
        if class == DOT {
            close(start, i, label_all, first_dot.is_none());
            first_dot.get_or_insert(i);
            start = i + 1;
            label_all = LDH;
            continue;
        }
        seen[usize::from(first_dot.is_some())] |= class;
        label_all &= class;
    }
    close(start, b.len(), label_all, first_dot.is_none());
    let all = seen[0] | seen[1];
    let nul = all & NUL != 0;
    let non_ascii = all & HIGH != 0;
    let star_in_first = seen[0] & STAR != 0;
    let star_in_rest = seen[1] & STAR != 0;

    if nul {
        return Err(Rule::PresentedContainsNul);
    }
    if non_ascii {
        return Err(Rule::PresentedNotAscii);
    }
    if b.is_empty() {
        return Err(Rule::PresentedInvalidSyntax);
    }
    if b[b.len() - 1] == b'.' {
        return Err(Rule::PresentedTrailingDot);
    }
    let first_len = first_dot.unwrap_or(b.len());
    if first_len == 1 && b[0] == b'*' {
        let Some(dot) = first_dot else {
            return Err(Rule::BareWildcard);
        };
        if star_in_rest {
            return Err(Rule::WildcardNotLeftmost);
        }
        let suffix = &name[dot + 1..];
        // The suffix's labels, and "*." + suffix within the DNS limit.
        if !rest_ok || name.len() > MAX_DNS_NAME_LEN {
            return Err(Rule::PresentedInvalidSyntax);
        }
        return Ok(DnsPattern::Wildcard { suffix });
    }
    if star_in_first {
        return Err(Rule::PartialWildcard);
    }
    if star_in_rest {
        return Err(Rule::WildcardNotLeftmost);
    }
    if !first_ok || !rest_ok || name.len() > MAX_DNS_NAME_LEN {
        return Err(Rule::PresentedInvalidSyntax);
    }
    Ok(DnsPattern::Exact(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DnsPattern::*;

    /// The straightforward implementation (several passes), kept as the
    /// oracle for the one-pass [`classify`].
    fn classify_reference(name: &str) -> Result<DnsPattern<'_>, Rule> {
        if name.contains('\0') {
            return Err(Rule::PresentedContainsNul);
        }
        if !name.is_ascii() {
            return Err(Rule::PresentedNotAscii);
        }
        if name.is_empty() {
            return Err(Rule::PresentedInvalidSyntax);
        }
        if name.ends_with('.') {
            return Err(Rule::PresentedTrailingDot);
        }
        let (first, rest) = match name.split_once('.') {
            Some((first, rest)) => (first, Some(rest)),
            None => (name, None),
        };
        if first == "*" {
            let Some(suffix) = rest else {
                return Err(Rule::BareWildcard);
            };
            if suffix.contains('*') {
                return Err(Rule::WildcardNotLeftmost);
            }
            reference_syntax(suffix)?;
            // "*." + suffix must itself fit the DNS limit.
            if name.len() > MAX_DNS_NAME_LEN {
                return Err(Rule::PresentedInvalidSyntax);
            }
            return Ok(DnsPattern::Wildcard { suffix });
        }
        if first.contains('*') {
            return Err(Rule::PartialWildcard);
        }
        if rest.is_some_and(|r| r.contains('*')) {
            return Err(Rule::WildcardNotLeftmost);
        }
        reference_syntax(name)?;
        Ok(DnsPattern::Exact(name))
    }

    /// LDH-and-underscore labels, no empty label, label and name lengths.
    fn reference_syntax(name: &str) -> Result<(), Rule> {
        if name.is_empty() || name.len() > MAX_DNS_NAME_LEN {
            return Err(Rule::PresentedInvalidSyntax);
        }
        for label in name.split('.') {
            let ok = !label.is_empty()
                && label.len() <= MAX_LABEL_LEN
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !ok {
                return Err(Rule::PresentedInvalidSyntax);
            }
        }
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn one_pass_agrees_with_the_reference(
            name in "([a-zA-Z0-9*._\\- ]|\u{0}|é){0,70}",
            long in "[a*.-]{0,3}(a{1,70}[.]){3,5}[a-]{0,70}",
        ) {
            proptest::prop_assert_eq!(classify(&name), classify_reference(&name));
            proptest::prop_assert_eq!(classify(&long), classify_reference(&long));
            let wild = format!("*.{long}");
            proptest::prop_assert_eq!(classify(&wild), classify_reference(&wild));
        }
    }

    #[test]
    fn classification_table() {
        let cases: &[(&str, Result<DnsPattern<'_>, Rule>)] = &[
            ("example.com", Ok(Exact("example.com"))),
            ("EXAMPLE.com", Ok(Exact("EXAMPLE.com"))),
            ("localhost", Ok(Exact("localhost"))),
            ("foo_bar.example.com", Ok(Exact("foo_bar.example.com"))),
            ("8.8.8.8", Ok(Exact("8.8.8.8"))),
            (
                "*.example.com",
                Ok(Wildcard {
                    suffix: "example.com",
                }),
            ),
            ("*.com", Ok(Wildcard { suffix: "com" })),
            ("*", Err(Rule::BareWildcard)),
            ("*.", Err(Rule::PresentedTrailingDot)),
            ("f*.example.com", Err(Rule::PartialWildcard)),
            ("*f.example.com", Err(Rule::PartialWildcard)),
            ("f*o.example.com", Err(Rule::PartialWildcard)),
            ("**.example.com", Err(Rule::PartialWildcard)),
            ("xn--*-1b3c148a.example.com", Err(Rule::PartialWildcard)),
            ("foo.*.example.com", Err(Rule::WildcardNotLeftmost)),
            ("*.*.example.com", Err(Rule::WildcardNotLeftmost)),
            ("example.*", Err(Rule::WildcardNotLeftmost)),
            ("example.com.", Err(Rule::PresentedTrailingDot)),
            ("*.example.com.", Err(Rule::PresentedTrailingDot)),
            (
                "altnull.python.org\0example.com",
                Err(Rule::PresentedContainsNul),
            ),
            ("\0", Err(Rule::PresentedContainsNul)),
            ("bücher.example", Err(Rule::PresentedNotAscii)),
            ("😜.example.com", Err(Rule::PresentedNotAscii)),
            ("", Err(Rule::PresentedInvalidSyntax)),
            (".example.com", Err(Rule::PresentedInvalidSyntax)),
            ("example..com", Err(Rule::PresentedInvalidSyntax)),
            ("*..com", Err(Rule::PresentedInvalidSyntax)),
            ("my vpn", Err(Rule::PresentedInvalidSyntax)),
            ("user@example.com", Err(Rule::PresentedInvalidSyntax)),
            ("-a.example.com", Err(Rule::PresentedInvalidSyntax)),
            ("a-.example.com", Err(Rule::PresentedInvalidSyntax)),
        ];
        for (input, want) in cases {
            assert_eq!(&classify(input), want, "{input:?}");
        }
    }

    #[test]
    fn lengths() {
        let l63 = "a".repeat(63);
        let l64 = "a".repeat(64);
        assert!(classify(&format!("{l63}.com")).is_ok());
        assert_eq!(
            classify(&format!("{l64}.com")),
            Err(Rule::PresentedInvalidSyntax)
        );
        let n253 = format!("{l63}.{l63}.{l63}.{}", "a".repeat(61));
        assert!(classify(&n253).is_ok());
        assert_eq!(
            classify(&format!("a{n253}")),
            Err(Rule::PresentedInvalidSyntax)
        );
        // "*." + 252 octets = 254
        let s252 = format!("{l63}.{l63}.{l63}.{}", "a".repeat(60));
        assert_eq!(
            classify(&format!("*.{s252}")),
            Err(Rule::PresentedInvalidSyntax)
        );
    }

    #[test]
    fn display_escapes_control_characters() {
        let id = PresentedId::CommonName("null.python.org\0example.org".into());
        assert_eq!(id.to_string(), "cn:null.python.org\\0example.org");
        let id = PresentedId::DnsName("bücher.example".into());
        assert_eq!(id.to_string(), "dns:bücher.example");
        #[cfg(feature = "serde")]
        {
            let v6 = PresentedId::IpAddress("2001:db8::1".parse().unwrap());
            assert_eq!(serde_json::to_string(&v6).unwrap(), "\"ip:2001:db8::1\"");
        }
    }
}
