//! The ground floor of `hostname`: the stable rule codes ([`Rule`],
//! [`EkuRule`], [`HostWarningCode`]). It imports nothing from the other
//! `hostname` modules; they all build on it. Re-exported by
//! [`verdict`](super::verdict) and by [`hostname`](super).

use std::fmt;

use serde::Serialize;

/// A name rule: why a presented identifier matched, or why it did not.
///
/// The first four codes accept; all others reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Rule {
    /// Accepted: the presented name equals the reference, ignoring ASCII
    /// case.
    ExactMatch,
    /// Accepted: `*.suffix` and the reference is one label + `.suffix`.
    WildcardMatch,
    /// Accepted: the iPAddress entry has the reference's octets.
    IpMatch,
    /// Accepted without a comparison: the client does not check names.
    NoNameCheck,
    /// A plain name that is not the reference.
    NameMismatch,
    /// `*.suffix` where the reference does not end in `.suffix`.
    WildcardMismatch,
    /// `*.suffix` where the reference is `suffix` itself or has more than one
    /// label before it: `*` stands for exactly one label.
    WildcardLabelCount,
    /// `*.suffix` with fewer labels after `*` than the profile requires
    /// (`*.com` under RFC 9525).
    WildcardTooBroad,
    /// The presented name is `*` alone.
    BareWildcard,
    /// `*` is part of the left-most label, not all of it (`f*.example.com`,
    /// `xn--*-…`).
    PartialWildcard,
    /// `*` in a label other than the left-most, or more than one `*`.
    WildcardNotLeftmost,
    /// The presented name contains a NUL byte.
    PresentedContainsNul,
    /// The presented name contains non-ASCII characters (a U-label or raw
    /// UTF-8); a dNSName must hold A-labels.
    PresentedNotAscii,
    /// The presented name ends with a dot.
    PresentedTrailingDot,
    /// The presented name is not a host name (empty label, bad character,
    /// over-long label or name, hyphen at a label edge).
    PresentedInvalidSyntax,
    /// An iPAddress entry of the same family with other octets.
    IpMismatch,
    /// An iPAddress entry of the other family (4 vs 16 octets; an
    /// IPv4-mapped IPv6 reference does not match an IPv4 entry).
    IpFamilyMismatch,
    /// An IP reference is compared only with iPAddress entries, never with
    /// a dNSName or a CN, even one that spells the same address.
    IpReferenceVsName,
    /// A DNS reference is never compared with an iPAddress entry.
    DnsReferenceVsIpSan,
    /// The profile never uses the subject CN (no CN fallback).
    CnNotUsed,
    /// The subject CN is ignored because the certificate has a dNSName
    /// entry.
    CnIgnoredDnsSanPresent,
    /// The certificate presents no identifier at all.
    NoIdentifiers,
    /// The host name was given with a trailing dot (`vpn.example.com.`):
    /// the Windows client compares the name as given and matches no
    /// certificate name (SPEC §9).
    ReferenceTrailingDot,
}

impl Rule {
    /// The stable kebab-case code.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::Rule;
    /// assert_eq!(Rule::PartialWildcard.code(), "partial-wildcard");
    /// ```
    pub const fn code(self) -> &'static str {
        match self {
            Rule::ExactMatch => "exact-match",
            Rule::WildcardMatch => "wildcard-match",
            Rule::IpMatch => "ip-match",
            Rule::NoNameCheck => "no-name-check",
            Rule::NameMismatch => "name-mismatch",
            Rule::WildcardMismatch => "wildcard-mismatch",
            Rule::WildcardLabelCount => "wildcard-label-count",
            Rule::WildcardTooBroad => "wildcard-too-broad",
            Rule::BareWildcard => "bare-wildcard",
            Rule::PartialWildcard => "partial-wildcard",
            Rule::WildcardNotLeftmost => "wildcard-not-leftmost",
            Rule::PresentedContainsNul => "presented-contains-nul",
            Rule::PresentedNotAscii => "presented-not-ascii",
            Rule::PresentedTrailingDot => "presented-trailing-dot",
            Rule::PresentedInvalidSyntax => "presented-invalid-syntax",
            Rule::IpMismatch => "ip-mismatch",
            Rule::IpFamilyMismatch => "ip-family-mismatch",
            Rule::IpReferenceVsName => "ip-reference-vs-name",
            Rule::DnsReferenceVsIpSan => "dns-reference-vs-ip-san",
            Rule::CnNotUsed => "cn-not-used",
            Rule::CnIgnoredDnsSanPresent => "cn-ignored-dns-san-present",
            Rule::NoIdentifiers => "no-identifiers",
            Rule::ReferenceTrailingDot => "reference-trailing-dot",
        }
    }

    /// A plain-language sentence.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::Rule;
    /// assert!(Rule::WildcardLabelCount.explain().contains("exactly one label"));
    /// ```
    pub const fn explain(self) -> &'static str {
        match self {
            Rule::ExactMatch => "the presented name equals the host name (ASCII case ignored)",
            Rule::WildcardMatch => {
                "the wildcard stands for the host name's left-most label and the rest is equal"
            }
            Rule::IpMatch => "the iPAddress entry is the address dialled",
            Rule::NoNameCheck => {
                "this client does not compare the host name with the certificate at all"
            }
            Rule::NameMismatch => "a different name",
            Rule::WildcardMismatch => "the labels after '*' differ from the host name's",
            Rule::WildcardLabelCount => {
                "'*' stands for exactly one label: it matches neither the bare domain nor deeper subdomains"
            }
            Rule::WildcardTooBroad => {
                "a wildcard needs at least two labels after '*' under this profile (*.com is refused)"
            }
            Rule::BareWildcard => "a '*' alone matches nothing",
            Rule::PartialWildcard => {
                "'*' must be the whole left-most label; partial wildcards such as f*.example.com never match"
            }
            Rule::WildcardNotLeftmost => "'*' is only allowed as the left-most label, once",
            Rule::PresentedContainsNul => {
                "the name contains a NUL byte; neither part of it matches (a known spoofing trick)"
            }
            Rule::PresentedNotAscii => {
                "the name holds non-ASCII characters; certificates must carry the A-label (xn--) form"
            }
            Rule::PresentedTrailingDot => "the presented name ends with a dot",
            Rule::PresentedInvalidSyntax => "the presented value is not a valid host name",
            Rule::IpMismatch => "a different IP address",
            Rule::IpFamilyMismatch => {
                "an address of the other IP family (an IPv4-mapped IPv6 address is not the IPv4 address)"
            }
            Rule::IpReferenceVsName => {
                "an IP address is compared only with iPAddress entries, never with names"
            }
            Rule::DnsReferenceVsIpSan => "a host name is never compared with iPAddress entries",
            Rule::CnNotUsed => "this profile never falls back to the subject common name",
            Rule::CnIgnoredDnsSanPresent => {
                "the subject common name is ignored because the certificate has dNSName entries"
            }
            Rule::NoIdentifiers => {
                "the certificate presents no dNSName, iPAddress or common name to compare"
            }
            Rule::ReferenceTrailingDot => {
                "the host name ends with a dot: the Windows client compares the name as given, so vpn.example.com. matches no certificate name (dial it without the dot)"
            }
        }
    }

    /// Whether this rule accepts.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::Rule;
    /// assert!(Rule::IpMatch.is_match());
    /// assert!(!Rule::IpFamilyMismatch.is_match());
    /// ```
    pub const fn is_match(self) -> bool {
        matches!(
            self,
            Rule::ExactMatch | Rule::WildcardMatch | Rule::IpMatch | Rule::NoNameCheck
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An EKU rule of a profile, with a stable kebab-case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EkuRule {
    /// No EKU extension: valid for all uses (accepted by every profile).
    NoEkuExtension,
    /// Server Authentication is listed (accepted by every profile).
    ServerAuth,
    /// anyExtendedKeyUsage without Server Authentication: accepted by the
    /// Windows client.
    AnyPurpose,
    /// anyExtendedKeyUsage without Server Authentication: rejected by
    /// rustls and OpenSSL-based clients, which need serverAuth itself (Go's
    /// `crypto/x509` accepts it).
    AnyPurposeNotServerAuth,
    /// An EKU extension with no purposes: no valid uses.
    EmptyEku,
    /// Neither Server Authentication nor anyExtendedKeyUsage.
    NotForServerAuth,
}

impl EkuRule {
    /// The stable kebab-case code.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::EkuRule;
    /// assert_eq!(EkuRule::NoEkuExtension.code(), "no-eku-extension");
    /// ```
    pub const fn code(self) -> &'static str {
        match self {
            EkuRule::NoEkuExtension => "no-eku-extension",
            EkuRule::ServerAuth => "server-auth",
            EkuRule::AnyPurpose => "any-purpose",
            EkuRule::AnyPurposeNotServerAuth => "any-purpose-not-server-auth",
            EkuRule::EmptyEku => "empty-eku",
            EkuRule::NotForServerAuth => "not-for-server-auth",
        }
    }
}

impl fmt::Display for EkuRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The kinds of [`HostWarning`](super::verdict::HostWarning), with stable kebab-case codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum HostWarningCode {
    /// The client does not check the host name at all.
    NoHostNameCheck,
}

impl HostWarningCode {
    /// The stable kebab-case code.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::HostWarningCode;
    /// assert_eq!(HostWarningCode::NoHostNameCheck.code(), "no-host-name-check");
    /// ```
    pub const fn code(self) -> &'static str {
        match self {
            HostWarningCode::NoHostNameCheck => "no-host-name-check",
        }
    }
}

impl fmt::Display for HostWarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
