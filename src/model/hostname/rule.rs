//! The ground floor of `hostname`: the stable rule codes ([`Rule`],
//! [`EkuRule`], [`HostWarningCode`]). It imports nothing from the other
//! `hostname` modules; they all build on it. Re-exported by
//! [`verdict`](super::verdict) and by [`hostname`](super).

use crate::model::code::stable_codes;

stable_codes! {
    [display, from_str]
    /// A name rule: why a presented identifier matched, or why it did not.
    ///
    /// The first four codes accept; all others reject.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::Rule;
    /// assert_eq!(Rule::PartialWildcard.code(), "partial-wildcard");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum Rule("name rule") {
        /// Accepted: the presented name equals the reference, ignoring ASCII
        /// case.
        ExactMatch => "exact-match",
        /// Accepted: `*.suffix` and the reference is one label + `.suffix`.
        WildcardMatch => "wildcard-match",
        /// Accepted: the iPAddress entry has the reference's octets.
        IpMatch => "ip-match",
        /// Accepted without a comparison: the client does not check names.
        NoNameCheck => "no-name-check",
        /// A plain name that is not the reference.
        NameMismatch => "name-mismatch",
        /// `*.suffix` where the reference does not end in `.suffix`.
        WildcardMismatch => "wildcard-mismatch",
        /// `*.suffix` where the reference is `suffix` itself or has more than one
        /// label before it: `*` stands for exactly one label.
        WildcardLabelCount => "wildcard-label-count",
        /// `*.suffix` with fewer labels after `*` than the profile requires
        /// (`*.com` under RFC 9525).
        WildcardTooBroad => "wildcard-too-broad",
        /// The presented name is `*` alone.
        BareWildcard => "bare-wildcard",
        /// `*` is part of the left-most label, not all of it (`f*.example.com`,
        /// `xn--*-…`).
        PartialWildcard => "partial-wildcard",
        /// `*` in a label other than the left-most, or more than one `*`.
        WildcardNotLeftmost => "wildcard-not-leftmost",
        /// The presented name contains a NUL byte.
        PresentedContainsNul => "presented-contains-nul",
        /// The presented name contains non-ASCII characters (a U-label or raw
        /// UTF-8); a dNSName must hold A-labels.
        PresentedNotAscii => "presented-not-ascii",
        /// The presented name ends with a dot.
        PresentedTrailingDot => "presented-trailing-dot",
        /// The presented name is not a host name (empty label, bad character,
        /// over-long label or name, hyphen at a label edge).
        PresentedInvalidSyntax => "presented-invalid-syntax",
        /// An iPAddress entry of the same family with other octets.
        IpMismatch => "ip-mismatch",
        /// An iPAddress entry of the other family (4 vs 16 octets; an
        /// IPv4-mapped IPv6 reference does not match an IPv4 entry).
        IpFamilyMismatch => "ip-family-mismatch",
        /// An IP reference is compared only with iPAddress entries, never with
        /// a dNSName or a CN, even one that spells the same address.
        IpReferenceVsName => "ip-reference-vs-name",
        /// A DNS reference is never compared with an iPAddress entry.
        DnsReferenceVsIpSan => "dns-reference-vs-ip-san",
        /// The profile never uses the subject CN (no CN fallback).
        CnNotUsed => "cn-not-used",
        /// The subject CN is ignored because the certificate has a dNSName
        /// entry.
        CnIgnoredDnsSanPresent => "cn-ignored-dns-san-present",
        /// The certificate presents no identifier at all.
        NoIdentifiers => "no-identifiers",
        /// The host name was given with a trailing dot (`vpn.example.com.`):
        /// the Windows client compares the name as given and matches no
        /// certificate name ([behaviour §9](crate::behaviour)).
        ReferenceTrailingDot => "reference-trailing-dot",
    }
}

impl Rule {
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

stable_codes! {
    [display, from_str]
    /// An EKU rule of a profile, with a stable kebab-case code.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::EkuRule;
    /// assert_eq!(EkuRule::NoEkuExtension.code(), "no-eku-extension");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum EkuRule("EKU rule") {
        /// No EKU extension: valid for all uses (accepted by every profile).
        NoEkuExtension => "no-eku-extension",
        /// Server Authentication is listed (accepted by every profile).
        ServerAuth => "server-auth",
        /// anyExtendedKeyUsage without Server Authentication: accepted by the
        /// Windows client.
        AnyPurpose => "any-purpose",
        /// anyExtendedKeyUsage without Server Authentication: rejected by
        /// rustls and OpenSSL-based clients, which need serverAuth itself (Go's
        /// `crypto/x509` accepts it).
        AnyPurposeNotServerAuth => "any-purpose-not-server-auth",
        /// An EKU extension with no purposes: no valid uses.
        EmptyEku => "empty-eku",
        /// Neither Server Authentication nor anyExtendedKeyUsage.
        NotForServerAuth => "not-for-server-auth",
    }
}

stable_codes! {
    [display, from_str]
    /// The kinds of [`HostWarning`](super::verdict::HostWarning), with stable kebab-case codes.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::HostWarningCode;
    /// assert_eq!(HostWarningCode::NoHostNameCheck.code(), "no-host-name-check");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum HostWarningCode("host warning") {
        /// The client does not check the host name at all.
        NoHostNameCheck => "no-host-name-check",
    }
}
