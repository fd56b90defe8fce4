//! Results: per-profile verdicts, the rule codes behind them, and the
//! combined [`HostVerdicts`].
//!
//! A [`ProfileVerdict`] keeps the **name** verdict (`matched`,
//! `identifier`, `reasons`) apart from the **EKU** verdict (`eku`); `accepted`
//! is both together. Its JSON form is
//!
//! ```json
//! { "matched": true, "identifier": "dns:*.example.com",
//!   "reasons": [ { "identifier": "dns:*.example.com", "rule": "wildcard-match",
//!                  "explanation": "…" } ],
//!   "name_checked": true,
//!   "eku": { "accepted": true, "rule": "server-auth", "purposes": ["1.3.6.1.5.5.7.3.1"],
//!            "explanation": "…" },
//!   "accepted": true, "consequence": null, "warnings": [] }
//! ```
//!
//! and [`HostVerdicts`] serializes as
//! `{ "host": "vpn.example.com", "profiles": { "windows": {…}, "rfc9525": {…}, "sstpc": {…} } }`,
//! with only the profiles that were asked for.
//!
//! Every [`Rule`] and [`EkuRule`] has a stable kebab-case code.

use std::borrow::Cow;
use std::fmt;

use super::presented::PresentedId;
use super::profile::{Classified, Profile};
use super::reference::ReferenceId;
use crate::model::certificate::Certificate;
use crate::model::code::stable_codes;
use crate::model::eku::KeyPurpose;

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
        /// certificate name (SPEC §9).
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

/// One presented identifier and the rule applied to it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct NameReason {
    /// The identifier (`dns:…`, `ip:…`, `cn:…`), or `None` for a rule about
    /// the certificate as a whole ([`Rule::NoIdentifiers`],
    /// [`Rule::NoNameCheck`]).
    pub identifier: Option<PresentedId>,
    /// The rule.
    pub rule: Rule,
    /// [`Rule::explain`].
    pub explanation: &'static str,
}

impl NameReason {
    /// A reason for `identifier` under `rule`.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::{NameReason, PresentedId, Rule};
    /// let r = NameReason::new(Some(PresentedId::DnsName("a.example".into())), Rule::NameMismatch);
    /// assert_eq!(r.to_string(), "dns:a.example: name-mismatch (a different name)");
    /// ```
    pub fn new(identifier: Option<PresentedId>, rule: Rule) -> Self {
        NameReason {
            identifier,
            rule,
            explanation: rule.explain(),
        }
    }
}

impl fmt::Display for NameReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(id) = &self.identifier {
            write!(f, "{id}: ")?;
        }
        write!(f, "{} ({})", self.rule, self.explanation)
    }
}

/// The name half of a profile's verdict.
///
/// ```
/// use sstp_cert::model::certificate::Names;
/// use sstp_cert::model::hostname::{Profile, ReferenceId, Rule};
/// let names = Names { dns: vec!["a.example.com".into(), "b.example.com".into()], ..Names::default() };
/// let v = Profile::Rfc9525.check_names(&names, &ReferenceId::parse("c.example.com")?);
/// assert!(!v.matched && v.name_checked);
/// let rejected: Vec<String> = v.reasons.iter().map(|r| r.to_string()).collect();
/// assert_eq!(rejected, [
///     "dns:a.example.com: name-mismatch (a different name)",
///     "dns:b.example.com: name-mismatch (a different name)",
/// ]);
/// # Ok::<(), sstp_cert::model::hostname::HostError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct NameVerdict {
    /// Whether the client accepts the certificate for the host *name*
    /// (always `true` for a profile that does not check names).
    pub matched: bool,
    /// The presented identifier that matched, if any.
    pub identifier: Option<PresentedId>,
    /// On a match: the one accepting reason. Otherwise: every presented
    /// identifier with the rule that rejected it (or
    /// [`Rule::NoIdentifiers`]).
    pub reasons: Vec<NameReason>,
    /// Whether the profile compares names at all.
    pub name_checked: bool,
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

/// The EKU half of a profile's verdict: does the client accept the
/// certificate's EKU *extension* for a TLS server? (Clients see the
/// certificate, not the server's store property.)
///
/// ```
/// use sstp_cert::model::certificate::EkuExtension;
/// use sstp_cert::model::hostname::{EkuRule, Profile};
/// let v = Profile::Rfc9525.check_eku(&EkuExtension::Absent);
/// assert!(v.accepted);
/// assert_eq!(v.rule, EkuRule::NoEkuExtension);
/// assert_eq!(v.purposes, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EkuVerdict {
    /// Whether the client accepts the EKU.
    pub accepted: bool,
    /// The rule that decided.
    pub rule: EkuRule,
    /// The EKU extension's purposes as dotted OIDs; `None` when there is no
    /// extension.
    pub purposes: Option<Vec<KeyPurpose>>,
    /// What the client does, in words.
    pub explanation: Cow<'static, str>,
}

stable_codes! {
    [display, from_str]
    /// The kinds of [`HostWarning`], with stable kebab-case codes.
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

/// A security remark about a profile's verdict.
///
/// ```
/// use sstp_cert::model::certificate::Certificate;
/// use sstp_cert::model::hostname::{HostWarningCode, Profile, ReferenceId};
/// # let der = rcgen::generate_simple_self_signed(vec!["a.example".into()]).unwrap().cert.der().to_vec();
/// let cert = Certificate::from_der(der)?; // SAN a.example
/// let v = Profile::SstpcLinux.check(&cert, &ReferenceId::parse("b.example")?);
/// assert!(v.matched());
/// assert_eq!(v.warnings[0].code, HostWarningCode::NoHostNameCheck);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct HostWarning {
    /// The stable code.
    pub code: HostWarningCode,
    /// What is wrong.
    pub message: String,
    /// What it means for the connection.
    pub consequence: Cow<'static, str>,
}

impl fmt::Display for HostWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}; {}", self.code, self.message, self.consequence)
    }
}

/// One client profile's verdict on a certificate for a host.
///
/// Serializes as `{matched, identifier, reasons, name_checked, eku,
/// accepted, consequence, warnings}` (see the [module documentation](self)).
///
/// ```
/// use sstp_cert::model::certificate::Certificate;
/// use sstp_cert::model::hostname::{Profile, ReferenceId};
/// # let der = rcgen::generate_simple_self_signed(vec!["203.0.113.7".into()]).unwrap().cert.der().to_vec();
/// let cert = Certificate::from_der(der)?; // SAN iPAddress 203.0.113.7
/// let v = Profile::WindowsClient.check(&cert, &ReferenceId::parse("203.0.113.7")?);
/// assert!(v.matched() && v.accepted);
/// assert_eq!(v.identifier().unwrap().to_string(), "ip:203.0.113.7");
/// assert_eq!(v.reasons()[0].rule.code(), "ip-match");
/// # #[cfg(feature = "serde")] {
/// let json = serde_json::to_value(&v)?;
/// assert_eq!(json["identifier"], "ip:203.0.113.7");
/// assert_eq!(json["eku"]["accepted"], true);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ProfileVerdict {
    /// The name verdict.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub name: NameVerdict,
    /// The EKU verdict, separate from the name verdict.
    pub eku: EkuVerdict,
    /// Names and EKU both accepted.
    pub accepted: bool,
    /// What the client does when it does not accept the certificate (e.g.
    /// CERT_E_CN_NO_MATCH for the Windows client); `None` when accepted.
    pub consequence: Option<Cow<'static, str>>,
    /// Security remarks (e.g. [`HostWarningCode::NoHostNameCheck`]).
    pub warnings: Vec<HostWarning>,
}

impl ProfileVerdict {
    /// Whether the name matched ([`NameVerdict::matched`]); see the type's
    /// example.
    pub fn matched(&self) -> bool {
        self.name.matched
    }

    /// The identifier that matched, if any; see the type's example.
    pub fn identifier(&self) -> Option<&PresentedId> {
        self.name.identifier.as_ref()
    }

    /// The name reasons; see the type's example.
    pub fn reasons(&self) -> &[NameReason] {
        &self.name.reasons
    }
}

/// The verdicts of several profiles; only requested profiles are present
/// (and serialized).
///
/// ```
/// use sstp_cert::model::hostname::ProfileVerdicts;
/// let none = ProfileVerdicts::default();
/// # #[cfg(feature = "serde")] {
/// assert_eq!(serde_json::to_string(&none).unwrap(), "{}");
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ProfileVerdicts {
    /// [`Profile::WindowsClient`].
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub windows: Option<ProfileVerdict>,
    /// [`Profile::Rfc9525`].
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub rfc9525: Option<ProfileVerdict>,
    /// [`Profile::SstpcLinux`].
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub sstpc: Option<ProfileVerdict>,
}

/// Whether each kind of SSTP client accepts a certificate for a host.
///
/// ```
/// use sstp_cert::model::certificate::Certificate;
/// use sstp_cert::model::hostname::{HostVerdicts, Profile, ReferenceId};
/// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()])
/// #     .unwrap().cert.der().to_vec();
/// let cert = Certificate::from_der(der)?;
/// let host = ReferenceId::parse("VPN.example.com")?;
/// let v = HostVerdicts::check(&cert, &host);
/// assert!(v.all_matched());
/// let windows = v.get(Profile::WindowsClient).unwrap();
/// assert_eq!(windows.identifier().unwrap().to_string(), "dns:vpn.example.com");
///
/// # #[cfg(feature = "serde")] {
/// let json = serde_json::to_value(&v)?;
/// assert_eq!(json["host"], "vpn.example.com");
/// assert_eq!(json["profiles"]["sstpc"]["matched"], true);
/// assert_eq!(json["profiles"]["sstpc"]["identifier"], serde_json::Value::Null);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct HostVerdicts {
    /// The host, canonical form.
    pub host: ReferenceId,
    /// The verdict of each requested profile.
    pub profiles: ProfileVerdicts,
}

impl HostVerdicts {
    /// Every profile's verdict ([`Profile::ALL`]); see the type's example.
    pub fn check(cert: &Certificate, host: &ReferenceId) -> Self {
        Self::check_profiles(cert, host, &Profile::ALL)
    }

    /// The verdicts of `profiles` only (duplicates are harmless).
    ///
    /// ```
    /// # use sstp_cert::model::certificate::Certificate;
    /// # use sstp_cert::model::hostname::{HostVerdicts, Profile, ReferenceId};
    /// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()])
    /// #     .unwrap().cert.der().to_vec();
    /// # let cert = Certificate::from_der(der)?;
    /// let host = ReferenceId::parse("other.example.com")?;
    /// let v = HostVerdicts::check_profiles(&cert, &host, &[Profile::Rfc9525]);
    /// assert!(!v.all_matched());
    /// assert!(v.get(Profile::WindowsClient).is_none());
    /// # #[cfg(feature = "serde")] {
    /// let json = serde_json::to_value(&v)?;
    /// assert_eq!(json["profiles"].as_object().unwrap().len(), 1);
    /// assert_eq!(json["profiles"]["rfc9525"]["reasons"][0]["rule"], "name-mismatch");
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_profiles(cert: &Certificate, host: &ReferenceId, profiles: &[Profile]) -> Self {
        let mut out = ProfileVerdicts::default();
        let mut classified = Classified::default();
        for &p in profiles {
            let slot = match p {
                Profile::WindowsClient => &mut out.windows,
                Profile::Rfc9525 => &mut out.rfc9525,
                Profile::SstpcLinux => &mut out.sstpc,
            };
            if slot.is_none() {
                *slot = Some(p.check_with(cert, host, &mut classified));
            }
        }
        HostVerdicts {
            host: host.clone(),
            profiles: out,
        }
    }

    /// The verdict of `profile`, if it was requested.
    ///
    /// ```
    /// # use sstp_cert::model::certificate::Certificate;
    /// # use sstp_cert::model::hostname::{HostVerdicts, Profile, ReferenceId};
    /// # let der = rcgen::generate_simple_self_signed(vec!["a.example".into()]).unwrap().cert.der().to_vec();
    /// # let cert = Certificate::from_der(der)?;
    /// let v = HostVerdicts::check_profiles(&cert, &ReferenceId::parse("a.example")?, &[Profile::SstpcLinux]);
    /// assert!(v.get(Profile::SstpcLinux).is_some());
    /// assert!(v.get(Profile::Rfc9525).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, profile: Profile) -> Option<&ProfileVerdict> {
        match profile {
            Profile::WindowsClient => self.profiles.windows.as_ref(),
            Profile::Rfc9525 => self.profiles.rfc9525.as_ref(),
            Profile::SstpcLinux => self.profiles.sstpc.as_ref(),
        }
    }

    /// The requested profiles' verdicts, in [`Profile::ALL`] order.
    ///
    /// ```
    /// # use sstp_cert::model::certificate::Certificate;
    /// # use sstp_cert::model::hostname::{HostVerdicts, Profile, ReferenceId};
    /// # let der = rcgen::generate_simple_self_signed(vec!["a.example".into()]).unwrap().cert.der().to_vec();
    /// # let cert = Certificate::from_der(der)?;
    /// let v = HostVerdicts::check(&cert, &ReferenceId::parse("b.example")?);
    /// let matched: Vec<(&str, bool)> = v.iter().map(|(p, r)| (p.code(), r.matched())).collect();
    /// assert_eq!(matched, [("windows", false), ("rfc9525", false), ("sstpc", true)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (Profile, &ProfileVerdict)> {
        Profile::ALL
            .into_iter()
            .filter_map(|p| self.get(p).map(|v| (p, v)))
    }

    /// Whether every requested profile matched the name (what the CLI's
    /// exit status reports). `true` when no profile was requested.
    ///
    /// ```
    /// # use sstp_cert::model::certificate::Certificate;
    /// # use sstp_cert::model::hostname::{HostVerdicts, Profile, ReferenceId};
    /// # let der = rcgen::generate_simple_self_signed(vec!["a.example".into()]).unwrap().cert.der().to_vec();
    /// # let cert = Certificate::from_der(der)?;
    /// let host = ReferenceId::parse("b.example")?;
    /// assert!(HostVerdicts::check_profiles(&cert, &host, &[Profile::SstpcLinux]).all_matched());
    /// assert!(!HostVerdicts::check(&cert, &host).all_matched());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn all_matched(&self) -> bool {
        self.iter().all(|(_, v)| v.matched())
    }

    /// Whether every requested profile accepts both name and EKU.
    ///
    /// ```
    /// # use sstp_cert::model::certificate::Certificate;
    /// # use sstp_cert::model::hostname::{HostVerdicts, ReferenceId};
    /// # let mut p = rcgen::CertificateParams::new(vec!["a.example".into()]).unwrap();
    /// # p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    /// # let der = p.self_signed(&rcgen::KeyPair::generate().unwrap()).unwrap().der().to_vec();
    /// let cert = Certificate::from_der(der)?; // SAN a.example, EKU clientAuth only
    /// let v = HostVerdicts::check(&cert, &ReferenceId::parse("a.example")?);
    /// assert!(v.all_matched());
    /// assert!(!v.all_accepted());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn all_accepted(&self) -> bool {
        self.iter().all(|(_, v)| v.accepted)
    }
}
