//! The three SSTP client profiles of [behaviour §9](crate::behaviour) and their rules.
//!
//! Each [`Profile`] variant documents its rules as a table. What all three
//! share:
//!
//! * the reference is a parsed [`ReferenceId`]: ASCII lowercase, U-labels
//!   converted to A-labels, anything invalid refused before matching; a
//!   trailing dot is kept (the Windows client fails on it, RFC 9525 ignores
//!   it);
//! * a presented name with a NUL, non-ASCII characters, a trailing dot, a
//!   partial or misplaced wildcard, or invalid syntax never matches (see
//!   [`presented`](super::presented));
//! * a wildcard is `*` as the whole left-most label and stands for exactly
//!   one label (see [`wildcard`](super::wildcard));
//! * IP addresses are compared as octets: the text form of the reference
//!   does not matter, and an IPv4-mapped IPv6 address is not its IPv4
//!   address.
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::certificate::Names;
//! use sstp_cert::model::hostname::{Profile, ReferenceId, Rule};
//!
//! // A certificate with no SAN, only CN=vpn.example.com.
//! let names = Names { common_names: vec!["vpn.example.com".into()], ..Names::default() };
//! let host = ReferenceId::parse("vpn.example.com")?;
//!
//! let windows = Profile::WindowsClient.check_names(&names, &host);
//! assert!(windows.matched);
//! assert_eq!(windows.identifier.unwrap().to_string(), "cn:vpn.example.com");
//!
//! let strict = Profile::Rfc9525.check_names(&names, &host);
//! assert!(!strict.matched);
//! assert_eq!(strict.reasons[0].rule, Rule::CnNotUsed);
//!
//! let sstpc = Profile::SstpcLinux.check_names(&names, &host);
//! assert!(sstpc.matched && !sstpc.name_checked);
//! # Ok::<(), sstp_cert::model::hostname::HostError>(())
//! ```

use std::borrow::Cow;
use std::net::IpAddr;
use std::str::FromStr;

use super::outcome::{EkuVerdict, HostWarning, NameReason, NameVerdict, ProfileVerdict};
use super::presented::{DnsPattern, PresentedId, classify};
use super::reference::{DnsName, ReferenceId};
use super::rule::{EkuRule, HostWarningCode, Rule};
use super::wildcard::WildcardRule;
use crate::model::certificate::{Certificate, EkuExtension, Names};
use crate::model::code::stable_codes;
use crate::model::eku::KeyPurpose;

stable_codes! {
    [display]
    /// An SSTP client whose certificate checks the model reproduces.
    ///
    /// Codes (serde, [`Profile::code`], [`FromStr`]): `windows`, `rfc9525`,
    /// `sstpc`.
    ///
    /// ```
    /// use sstp_cert::model::hostname::Profile;
    /// let wanted: Vec<Profile> = ["windows", "sstpc"].iter().map(|s| s.parse().unwrap()).collect();
    /// assert_eq!(wanted, [Profile::WindowsClient, Profile::SstpcLinux]);
    /// # #[cfg(feature = "serde")] {
    /// assert_eq!(serde_json::to_string(&Profile::Rfc9525).unwrap(), "\"rfc9525\"");
    /// # }
    /// ```
    ///
    /// ```
    /// # use sstp_cert::model::hostname::Profile;
    /// assert_eq!(Profile::SstpcLinux.code(), "sstpc");
    /// assert_eq!("Windows".parse::<Profile>()?, Profile::WindowsClient);
    /// # Ok::<(), sstp_cert::model::hostname::ProfileParseError>(())
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    #[non_exhaustive]
    pub enum Profile("client profile") {
        /// The Windows SSTP client (CryptoAPI SSL policy), [behaviour §9](crate::behaviour).
        ///
        /// | question | rule |
        /// |---|---|
        /// | which names | SAN dNSName entries when there is at least one; the subject CN(s) **only when there is no dNSName** (also when a SAN extension holds only iPAddress entries); every CN is tried |
        /// | DNS reference vs dNSName/CN | ASCII case-insensitive equality |
        /// | wildcard | `*` as the whole left-most label only, standing for exactly one label, followed by **at least one** label: `*.example.com` ✓, `*.com` ✓ for `example.com` ([behaviour §9](crate::behaviour) names no label count; see [`WildcardRule::WINDOWS`]), `*` ✗, `f*.example.com` ✗, `foo.*.example.com` ✗; wildcards in a CN follow the same rule |
        /// | IP reference | iPAddress entries only, by octets; a dNSName or CN spelling the address is not compared |
        /// | DNS reference vs iPAddress entries | never compared |
        /// | NUL, non-ASCII (U-label), trailing dot, invalid syntax in a presented name | never matches |
        /// | reference with a trailing dot (`vpn.example.com.`) | **never matches** ([`Rule::ReferenceTrailingDot`]): CryptoAPI compares the server name as given ([behaviour §9](crate::behaviour); reported from Windows by rustls-platform-verifier, Go, .NET and curl) |
        /// | EKU (the certificate's extension) | accepted: no extension, Server Authentication, or anyExtendedKeyUsage; otherwise refused — client **Event 16**, "server certificate EKU is neither Server Authentication nor Any Purpose" |
        /// | several errors | one is reported, chain errors first: see [`windows_ssl_policy`](super::windows_ssl_policy) (Wine's crypt32 SSL-policy tests, checked on Windows: `tests/data/wine-ssl-policy.json`) |
        /// | no match | the client fails with **CERT_E_CN_NO_MATCH (0x800B010F)**; there is no "continue anyway" |
        WindowsClient => "windows",
        /// RFC 9525 strict, [behaviour §9](crate::behaviour): the name rules rustls, Go and modern
        /// OpenSSL apply; the EKU rule of rustls-webpki and OpenSSL's
        /// `sslserver` purpose. **Go differs on one EKU case**: its
        /// `crypto/x509` accepts a certificate whose only EKU is
        /// anyExtendedKeyUsage (it is "good for any usage"), which rustls and
        /// OpenSSL refuse; the profile refuses it, so for that certificate it
        /// speaks for rustls and OpenSSL clients, not for Go.
        ///
        /// | question | rule |
        /// |---|---|
        /// | which names | SAN dNSName and iPAddress entries only; the subject CN is **never** used |
        /// | DNS reference vs dNSName | ASCII case-insensitive equality |
        /// | wildcard | `*` as the whole left-most label only, standing for exactly one label, followed by **at least two** labels: `*.example.com` ✓, `*.co.uk` ✓ (no public suffix list), `*.com` ✗, `*` ✗, `f*.example.com` ✗ |
        /// | IP reference | iPAddress entries only, by octets |
        /// | DNS reference vs iPAddress entries | never compared |
        /// | NUL, non-ASCII (U-label), trailing dot, invalid syntax in a presented name | never matches |
        /// | reference with a trailing dot | the dot is ignored (`example.com.` matches `example.com`), as Go and rustls-webpki do |
        /// | EKU (the certificate's extension) | accepted: no extension, or Server Authentication listed; refused: anyExtendedKeyUsage without Server Authentication (as rustls-webpki and OpenSSL's `sslserver` purpose do; Go accepts it), an empty list, anything else |
        Rfc9525 => "rfc9525",
        /// `sstpc` 1.0.18 on Linux (Debian 12 package), [behaviour §9](crate::behaviour).
        ///
        /// | question | rule |
        /// |---|---|
        /// | which names | **none**: the packaged client verifies the chain against the system CA store (or `--ca-cert`/`--ca-path`) and never compares the host name |
        /// | any valid reference | `matched: true`, `identifier: null`, reason [`Rule::NoNameCheck`], `name_checked: false`, and a [`HostWarningCode::NoHostNameCheck`] security warning: any certificate from a trusted CA is accepted, so a man in the middle is not detected |
        /// | the CN-only comparison in its source | not modelled: it runs only without a CA file or path, and the packaged build always has one |
        /// | EKU (the certificate's extension) | as OpenSSL's `sslserver` purpose, which its chain verification applies: no extension or Server Authentication accepted; anyExtendedKeyUsage alone, an empty list or other purposes refused |
        SstpcLinux => "sstpc",
    }
}

impl Profile {
    /// All profiles, in report order.
    pub const ALL: [Profile; 3] = [
        Profile::WindowsClient,
        Profile::Rfc9525,
        Profile::SstpcLinux,
    ];

    /// A short human name.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::Profile;
    /// assert_eq!(Profile::WindowsClient.title(), "Windows SSTP client");
    /// ```
    pub const fn title(self) -> &'static str {
        match self {
            Profile::WindowsClient => "Windows SSTP client",
            Profile::Rfc9525 => "RFC 9525 strict",
            Profile::SstpcLinux => "sstp-client on Linux",
        }
    }

    /// Whether the profile compares host names at all.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::Profile;
    /// assert!(Profile::Rfc9525.checks_names());
    /// assert!(!Profile::SstpcLinux.checks_names());
    /// ```
    pub const fn checks_names(self) -> bool {
        !matches!(self, Profile::SstpcLinux)
    }

    /// The profile's wildcard rule; `None` for a profile that compares no
    /// names.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::Profile;
    /// assert_eq!(Profile::WindowsClient.wildcard_rule().unwrap().min_suffix_labels, 1);
    /// assert_eq!(Profile::SstpcLinux.wildcard_rule(), None);
    /// ```
    pub const fn wildcard_rule(self) -> Option<WildcardRule> {
        match self {
            Profile::WindowsClient => Some(WildcardRule::WINDOWS),
            Profile::Rfc9525 => Some(WildcardRule::RFC9525),
            Profile::SstpcLinux => None,
        }
    }

    /// The full verdict on `cert` for `host`: names and EKU.
    ///
    /// ```
    /// use sstp_cert::model::certificate::Certificate;
    /// use sstp_cert::model::hostname::{EkuRule, Profile, ReferenceId};
    /// # let mut p = rcgen::CertificateParams::new(vec!["vpn.example.com".into()]).unwrap();
    /// # p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    /// # let k = rcgen::KeyPair::generate().unwrap();
    /// # let der = p.self_signed(&k).unwrap().der().to_vec();
    /// // EKU clientAuth only, SAN vpn.example.com
    /// let cert = Certificate::from_der(der)?;
    /// let v = Profile::WindowsClient.check(&cert, &ReferenceId::parse("vpn.example.com")?);
    /// assert!(v.matched());
    /// assert!(!v.eku.accepted);
    /// assert_eq!(v.eku.rule, EkuRule::NotForServerAuth);
    /// assert!(!v.accepted);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(self, cert: &Certificate, host: &ReferenceId) -> ProfileVerdict {
        self.check_with(cert, host, &mut Classified::default())
    }

    /// [`Profile::check`], sharing the classification of the presented
    /// names with the other profiles checked for the same certificate.
    pub(crate) fn check_with<'c>(
        self,
        cert: &'c Certificate,
        host: &ReferenceId,
        classified: &mut Classified<'c>,
    ) -> ProfileVerdict {
        let name = self.check_names_with(cert.names(), host, classified);
        let eku = self.check_eku(cert.eku());
        let warnings = if self.checks_names() {
            Vec::new()
        } else {
            vec![HostWarning {
                code: HostWarningCode::NoHostNameCheck,
                message: format!(
                    "{} does not check that the certificate names {host}",
                    self.title()
                ),
                consequence: "any certificate from a CA the client trusts is accepted, so a man in the middle with such a certificate is not detected".into(),
            }]
        };
        let consequence = self.consequence(name.matched, eku.accepted);
        ProfileVerdict {
            accepted: name.matched && eku.accepted,
            name,
            eku,
            consequence,
            warnings,
        }
    }

    /// What the client does with a certificate it does not accept.
    fn consequence(self, name_ok: bool, eku_ok: bool) -> Option<Cow<'static, str>> {
        let name = match self {
            Profile::WindowsClient => {
                "the Windows SSTP client fails with CERT_E_CN_NO_MATCH (0x800B010F) and cannot connect; it offers no \"continue anyway\""
            }
            Profile::Rfc9525 => {
                "RFC 9525 clients (rustls, Go, OpenSSL with host-name checking) abort the handshake: the certificate does not name the host"
            }
            // sstpc never rejects a name.
            Profile::SstpcLinux => "",
        };
        let eku = match self {
            Profile::WindowsClient => {
                "the Windows SSTP client refuses the server certificate's EKU (client Event 16)"
            }
            Profile::Rfc9525 => {
                "rustls and OpenSSL clients abort the handshake: the certificate is not for TLS server authentication"
            }
            Profile::SstpcLinux => {
                "sstpc's chain verification fails: unsuitable certificate purpose"
            }
        };
        match (name_ok, eku_ok) {
            (true, true) => None,
            (false, true) => Some(Cow::Borrowed(name)),
            (true, false) => Some(Cow::Borrowed(eku)),
            (false, false) => Some(Cow::Owned(format!("{name}; {eku}"))),
        }
    }

    /// The name verdict on a certificate's `names` for `host` (see each
    /// variant's table).
    ///
    /// ```
    /// use sstp_cert::model::certificate::Names;
    /// use sstp_cert::model::hostname::{Profile, ReferenceId, Rule};
    /// let names = Names { dns: vec!["f*.example.com".into()], ..Names::default() };
    /// let v = Profile::WindowsClient.check_names(&names, &ReferenceId::parse("foo.example.com")?);
    /// assert!(!v.matched);
    /// assert_eq!(v.reasons[0].rule, Rule::PartialWildcard);
    /// assert_eq!(v.reasons[0].identifier.as_ref().unwrap().to_string(), "dns:f*.example.com");
    /// # Ok::<(), sstp_cert::model::hostname::HostError>(())
    /// ```
    pub fn check_names(self, names: &Names, host: &ReferenceId) -> NameVerdict {
        self.check_names_with(names, host, &mut Classified::default())
    }

    fn check_names_with<'n>(
        self,
        names: &'n Names,
        host: &ReferenceId,
        classified: &mut Classified<'n>,
    ) -> NameVerdict {
        let Some(wildcard) = self.wildcard_rule() else {
            return NameVerdict {
                matched: true,
                identifier: None,
                reasons: vec![NameReason::new(None, Rule::NoNameCheck)],
                name_checked: false,
            };
        };
        let cn_allowed = self == Profile::WindowsClient && names.dns.is_empty();
        // CryptoAPI compares the server name as given: an absolute name
        // matches nothing (behaviour §9).
        let dot_refused =
            self == Profile::WindowsClient && host.as_dns().is_some_and(DnsName::has_trailing_dot);
        let mut rule_for = |i: usize, id: Presented<'n>| match (id, host) {
            (Presented::Dns(_), ReferenceId::Dns(_)) if dot_refused => Rule::ReferenceTrailingDot,
            (Presented::Cn(_), ReferenceId::Dns(_)) if cn_allowed && dot_refused => {
                Rule::ReferenceTrailingDot
            }
            (Presented::Dns(p), ReferenceId::Dns(r)) => {
                match_dns(classified.get(i, p), r, wildcard)
            }
            (Presented::Cn(p), ReferenceId::Dns(r)) if cn_allowed => {
                match_dns(classified.get(i, p), r, wildcard)
            }
            (Presented::Cn(_), _) if self == Profile::Rfc9525 => Rule::CnNotUsed,
            (Presented::Cn(_), ReferenceId::Dns(_)) => Rule::CnIgnoredDnsSanPresent,
            (Presented::Ip(p), ReferenceId::Ip(r)) => match_ip(p, *r),
            (Presented::Ip(_), ReferenceId::Dns(_)) => Rule::DnsReferenceVsIpSan,
            (Presented::Dns(_) | Presented::Cn(_), ReferenceId::Ip(_)) => Rule::IpReferenceVsName,
        };
        // First pass: the rules only, nothing allocated, the first few kept;
        // a match ends it. Identifiers are copied into the verdict only
        // once the verdict is known.
        let mut first_rules = [Rule::NoIdentifiers; FIRST_RULES];
        for (i, id) in Presented::all(names).enumerate() {
            let rule = rule_for(i, id);
            if rule.is_match() {
                let id = id.to_owned();
                return NameVerdict {
                    matched: true,
                    reasons: vec![NameReason::new(Some(id.clone()), rule)],
                    identifier: Some(id),
                    name_checked: true,
                };
            }
            if let Some(slot) = first_rules.get_mut(i) {
                *slot = rule;
            }
        }
        let count = names.dns.len() + names.ips.len() + names.common_names.len();
        let mut rejected = Vec::with_capacity(count.max(1));
        for (i, id) in Presented::all(names).enumerate() {
            let rule = first_rules
                .get(i)
                .copied()
                .unwrap_or_else(|| rule_for(i, id));
            rejected.push(NameReason::new(Some(id.to_owned()), rule));
        }
        if rejected.is_empty() {
            rejected.push(NameReason::new(None, Rule::NoIdentifiers));
        }
        NameVerdict {
            matched: false,
            identifier: None,
            reasons: rejected,
            name_checked: true,
        }
    }

    /// The EKU verdict on the certificate's EKU extension (see each
    /// variant's table).
    ///
    /// ```
    /// use sstp_cert::model::certificate::EkuExtension;
    /// use sstp_cert::model::eku::KeyPurpose;
    /// use sstp_cert::model::hostname::{EkuRule, Profile};
    /// let any_only = EkuExtension::Present { purposes: vec![KeyPurpose::Any].into(), critical: false };
    /// assert_eq!(Profile::WindowsClient.check_eku(&any_only).rule, EkuRule::AnyPurpose);
    /// assert!(Profile::WindowsClient.check_eku(&any_only).accepted);
    /// assert!(!Profile::Rfc9525.check_eku(&any_only).accepted);
    /// assert!(Profile::SstpcLinux.check_eku(&EkuExtension::Absent).accepted);
    /// ```
    pub fn check_eku(self, eku: &EkuExtension) -> EkuVerdict {
        let purposes = eku.purposes();
        let rule = match purposes {
            None => EkuRule::NoEkuExtension,
            Some([]) => EkuRule::EmptyEku,
            Some(l) if l.contains(&KeyPurpose::ServerAuth) => EkuRule::ServerAuth,
            Some(l) if l.contains(&KeyPurpose::Any) => match self {
                Profile::WindowsClient => EkuRule::AnyPurpose,
                Profile::Rfc9525 | Profile::SstpcLinux => EkuRule::AnyPurposeNotServerAuth,
            },
            Some(_) => EkuRule::NotForServerAuth,
        };
        let accepted = matches!(
            rule,
            EkuRule::NoEkuExtension | EkuRule::ServerAuth | EkuRule::AnyPurpose
        );
        let explanation: Cow<'static, str> = match (rule, self) {
            (EkuRule::NoEkuExtension, _) => "no EKU extension: valid for all uses".into(),
            (EkuRule::ServerAuth, _) => "Server Authentication is listed".into(),
            (EkuRule::AnyPurpose, _) => {
                "anyExtendedKeyUsage is listed; the Windows client accepts Any Purpose".into()
            }
            (EkuRule::AnyPurposeNotServerAuth, Profile::Rfc9525) => {
                "anyExtendedKeyUsage without Server Authentication: rustls and OpenSSL require serverAuth itself and refuse it (Go's crypto/x509 accepts anyExtendedKeyUsage alone)".into()
            }
            (EkuRule::AnyPurposeNotServerAuth, _) => format!(
                "anyExtendedKeyUsage without Server Authentication: {} requires serverAuth itself",
                self.title()
            )
            .into(),
            (_, Profile::WindowsClient) => format!(
                "{}: the Windows SSTP client refuses the server certificate (client Event 16: EKU is neither Server Authentication nor Any Purpose)",
                if rule == EkuRule::EmptyEku {
                    "the EKU extension lists no purpose"
                } else {
                    "neither Server Authentication nor Any Purpose"
                }
            )
            .into(),
            (_, _) => format!(
                "{}: {} refuses the server certificate",
                if rule == EkuRule::EmptyEku {
                    "the EKU extension lists no purpose"
                } else {
                    "Server Authentication is not listed"
                },
                self.title()
            )
            .into(),
        };
        EkuVerdict {
            accepted,
            rule,
            purposes: purposes.map(<[KeyPurpose]>::to_vec),
            explanation,
        }
    }
}

/// How many rules of the first pass of [`Profile::check_names`] are kept
/// for the second, and how many classifications [`Classified`] keeps (for
/// identifiers past these, the work is done again).
const FIRST_RULES: usize = 8;

/// A presented identifier, borrowed from [`Names`]: [`PresentedId`] without
/// the copy.
#[derive(Clone, Copy)]
enum Presented<'a> {
    Dns(&'a str),
    Ip(IpAddr),
    Cn(&'a str),
}

impl<'a> Presented<'a> {
    /// In the order of [`PresentedId::all`].
    fn all(names: &'a Names) -> impl Iterator<Item = Presented<'a>> + 'a {
        let dns = names.dns.iter().map(|s| Presented::Dns(s));
        let ips = names.ips.iter().map(|&ip| Presented::Ip(ip));
        let cns = names.common_names.iter().map(|s| Presented::Cn(s));
        dns.chain(ips).chain(cns)
    }

    fn to_owned(self) -> PresentedId {
        match self {
            Presented::Dns(s) => PresentedId::DnsName(s.to_owned()),
            Presented::Ip(ip) => PresentedId::IpAddress(ip),
            Presented::Cn(s) => PresentedId::CommonName(s.to_owned()),
        }
    }
}

/// The classification of a certificate's first presented names (by their
/// position in [`Presented::all`]), made once for all the profiles that
/// check the certificate: it depends on the name only.
#[derive(Default)]
pub(crate) struct Classified<'n> {
    slots: [Option<Result<DnsPattern<'n>, Rule>>; FIRST_RULES],
}

impl<'n> Classified<'n> {
    fn get(&mut self, index: usize, name: &'n str) -> Result<DnsPattern<'n>, Rule> {
        match self.slots.get_mut(index) {
            Some(slot) => *slot.get_or_insert_with(|| classify(name)),
            None => classify(name),
        }
    }
}

fn match_dns(
    classified: Result<DnsPattern<'_>, Rule>,
    reference: &DnsName,
    wildcard: WildcardRule,
) -> Rule {
    match classified {
        Err(rule) => rule,
        Ok(DnsPattern::Exact(p)) => {
            if p.eq_ignore_ascii_case(reference.as_str()) {
                Rule::ExactMatch
            } else {
                Rule::NameMismatch
            }
        }
        Ok(DnsPattern::Wildcard { suffix }) => match wildcard.matches(suffix, reference) {
            Ok(()) => Rule::WildcardMatch,
            Err(rule) => rule,
        },
    }
}

fn match_ip(presented: IpAddr, reference: IpAddr) -> Rule {
    if presented == reference {
        Rule::IpMatch
    } else if presented.is_ipv4() != reference.is_ipv4() {
        Rule::IpFamilyMismatch
    } else {
        Rule::IpMismatch
    }
}

/// Why text is not a profile name.
///
/// ```
/// use sstp_cert::model::hostname::Profile;
/// let e = "chrome".parse::<Profile>().unwrap_err();
/// assert_eq!(e.to_string(), "\"chrome\" is not a client profile: expected windows, rfc9525 or sstpc");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a client profile: expected windows, rfc9525 or sstpc")]
pub struct ProfileParseError {
    /// The text refused.
    pub text: String,
}

impl FromStr for Profile {
    type Err = ProfileParseError;

    /// Accepts the codes and a few spellings, case-insensitively:
    /// `windows`/`windows-client`, `rfc9525`/`rfc-9525`,
    /// `sstpc`/`sstpc-linux`/`sstp-client`.
    ///
    /// # Errors
    ///
    /// [`ProfileParseError`] for anything else.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "windows" | "windows-client" | "windowsclient" => Ok(Profile::WindowsClient),
            "rfc9525" | "rfc-9525" => Ok(Profile::Rfc9525),
            "sstpc" | "sstpc-linux" | "sstp-client" | "sstpclinux" => Ok(Profile::SstpcLinux),
            _ => Err(ProfileParseError { text: s.to_owned() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dns: &[&str], ips: &[&str], cns: &[&str]) -> Names {
        Names {
            has_san_extension: !dns.is_empty() || !ips.is_empty(),
            dns: dns.iter().map(|s| s.to_string()).collect(),
            ips: ips.iter().map(|s| s.parse().unwrap()).collect(),
            common_names: cns.iter().map(|s| s.to_string()).collect(),
            other_san_entries: 0,
        }
    }

    /// (matched identifier or None, rules of the reasons)
    fn run(p: Profile, n: &Names, host: &str) -> (Option<String>, Vec<Rule>) {
        let v = p.check_names(n, &ReferenceId::parse(host).unwrap());
        assert_eq!(v.matched, v.identifier.is_some() || !v.name_checked);
        (
            v.identifier.map(|i| i.to_string()),
            v.reasons.iter().map(|r| r.rule).collect(),
        )
    }

    use Profile::*;
    use Rule::*;

    /// Issue 14 point 8: the RFC 9525 profile's EKU verdict for an
    /// anyExtendedKeyUsage-only certificate names the clients that refuse
    /// it (rustls, OpenSSL) and does not claim Go does.
    #[test]
    fn any_eku_only_names_the_clients_that_refuse_it() {
        let any_only = EkuExtension::Present {
            purposes: vec![KeyPurpose::Any].into(),
            critical: false,
        };
        let v = Rfc9525.check_eku(&any_only);
        assert!(!v.accepted);
        assert_eq!(v.rule, EkuRule::AnyPurposeNotServerAuth);
        assert!(
            v.explanation.contains("rustls and OpenSSL"),
            "{}",
            v.explanation
        );
        assert!(
            v.explanation.contains("Go's crypto/x509 accepts"),
            "{}",
            v.explanation
        );
        let consequence = Rfc9525.consequence(true, false).unwrap();
        assert!(!consequence.contains("Go"), "{consequence}");
        assert!(consequence.contains("rustls and OpenSSL"), "{consequence}");
    }

    #[test]
    fn exact_and_case() {
        let n = names(&["Vpn.Example.com"], &[], &["other"]);
        for p in [WindowsClient, Rfc9525] {
            assert_eq!(
                run(p, &n, "VPN.example.COM"),
                (Some("dns:Vpn.Example.com".into()), vec![ExactMatch])
            );
        }
        // A trailing dot: RFC 9525 ignores it, the Windows client does not
        // (behaviour §9: `vpn.example.com.` fails with CERT_E_CN_NO_MATCH).
        assert_eq!(
            run(Rfc9525, &n, "VPN.example.COM."),
            (Some("dns:Vpn.Example.com".into()), vec![ExactMatch])
        );
        assert_eq!(
            run(WindowsClient, &n, "VPN.example.COM."),
            (None, vec![ReferenceTrailingDot, CnIgnoredDnsSanPresent])
        );
        // also for a wildcard and for the CN fallback
        let wild = names(&["*.example.com"], &[], &[]);
        assert_eq!(
            run(WindowsClient, &wild, "vpn.example.com."),
            (None, vec![ReferenceTrailingDot])
        );
        let cn_only = names(&[], &[], &["vpn.example.com"]);
        assert_eq!(
            run(WindowsClient, &cn_only, "vpn.example.com."),
            (None, vec![ReferenceTrailingDot])
        );
        assert_eq!(
            run(WindowsClient, &cn_only, "vpn.example.com"),
            (Some("cn:vpn.example.com".into()), vec![ExactMatch])
        );
        assert_eq!(
            run(WindowsClient, &n, "x.example.com"),
            (None, vec![NameMismatch, CnIgnoredDnsSanPresent])
        );
        assert_eq!(
            run(Rfc9525, &n, "x.example.com"),
            (None, vec![NameMismatch, CnNotUsed])
        );
    }

    #[test]
    fn cn_fallback_only_without_dns_names() {
        let cn_only = names(&[], &[], &["vpn.example.com"]);
        assert_eq!(
            run(WindowsClient, &cn_only, "vpn.example.com"),
            (Some("cn:vpn.example.com".into()), vec![ExactMatch])
        );
        assert_eq!(
            run(Rfc9525, &cn_only, "vpn.example.com"),
            (None, vec![CnNotUsed])
        );
        // A SAN with only an IP address: Windows still falls back to the CN.
        let ip_san = names(&[], &["192.0.2.1"], &["vpn.example.com"]);
        assert_eq!(
            run(WindowsClient, &ip_san, "vpn.example.com"),
            (Some("cn:vpn.example.com".into()), vec![ExactMatch])
        );
        // Wildcard CN.
        let wc = names(&[], &[], &["*.example.com"]);
        assert_eq!(
            run(WindowsClient, &wc, "vpn.example.com"),
            (Some("cn:*.example.com".into()), vec![WildcardMatch])
        );
        // Second CN.
        let two = names(&[], &[], &["VPN Server", "vpn.example.com"]);
        assert_eq!(
            run(WindowsClient, &two, "vpn.example.com"),
            (Some("cn:vpn.example.com".into()), vec![ExactMatch])
        );
        assert_eq!(
            run(
                WindowsClient,
                &names(&[], &[], &["VPN Server"]),
                "vpn.example.com"
            ),
            (None, vec![PresentedInvalidSyntax])
        );
    }

    #[test]
    fn wildcards() {
        let n = names(&["*.example.com"], &[], &[]);
        for p in [WindowsClient, Rfc9525] {
            assert_eq!(
                run(p, &n, "foo.example.com"),
                (Some("dns:*.example.com".into()), vec![WildcardMatch])
            );
            assert_eq!(run(p, &n, "example.com"), (None, vec![WildcardLabelCount]));
            assert_eq!(
                run(p, &n, "a.b.example.com"),
                (None, vec![WildcardLabelCount])
            );
            assert_eq!(run(p, &n, "a.example.org"), (None, vec![WildcardMismatch]));
        }
        let com = names(&["*.com"], &[], &[]);
        assert_eq!(
            run(WindowsClient, &com, "example.com"),
            (Some("dns:*.com".into()), vec![WildcardMatch])
        );
        assert_eq!(
            run(Rfc9525, &com, "example.com"),
            (None, vec![WildcardTooBroad])
        );
        for (presented, rule) in [
            ("f*.example.com", PartialWildcard),
            ("*o.example.com", PartialWildcard),
            ("xn--*-1b3c148a.example.com", PartialWildcard),
            ("foo.*.example.com", WildcardNotLeftmost),
            ("*.*.example.com", WildcardNotLeftmost),
            ("*", BareWildcard),
        ] {
            let n = names(&[presented], &[], &[]);
            for p in [WindowsClient, Rfc9525] {
                assert_eq!(
                    run(p, &n, "foo.example.com"),
                    (None, vec![rule]),
                    "{presented}"
                );
                assert_eq!(
                    run(p, &n, "foo.bar.example.com"),
                    (None, vec![rule]),
                    "{presented}"
                );
                assert_eq!(run(p, &n, "localhost"), (None, vec![rule]), "{presented}");
            }
        }
    }

    #[test]
    fn presented_oddities_never_match() {
        for (presented, host, rule) in [
            (
                "altnull.python.org\0example.com",
                "altnull.python.org",
                PresentedContainsNul,
            ),
            (
                "altnull.python.org\0example.com",
                "example.com",
                PresentedContainsNul,
            ),
            ("example.com.", "example.com", PresentedTrailingDot),
            ("bücher.example", "xn--bcher-kva.example", PresentedNotAscii),
            ("foo bar.example", "foo.example", PresentedInvalidSyntax),
        ] {
            for p in [WindowsClient, Rfc9525] {
                assert_eq!(
                    run(p, &names(&[presented], &[], &[]), host),
                    (None, vec![rule])
                );
                if p == WindowsClient {
                    assert_eq!(
                        run(p, &names(&[], &[], &[presented]), host),
                        (None, vec![rule])
                    );
                }
            }
        }
    }

    #[test]
    fn ip_addresses() {
        let n = names(
            &["192.0.2.1"],
            &["192.0.2.1", "2001:db8::1"],
            &["192.0.2.1"],
        );
        assert_eq!(
            run(WindowsClient, &n, "192.0.2.1"),
            (Some("ip:192.0.2.1".into()), vec![IpMatch])
        );
        assert_eq!(
            run(Rfc9525, &n, "[2001:DB8:0:0::1]"),
            (Some("ip:2001:db8::1".into()), vec![IpMatch])
        );
        assert_eq!(
            run(WindowsClient, &n, "192.0.2.2"),
            (
                None,
                vec![
                    IpReferenceVsName,
                    IpMismatch,
                    IpFamilyMismatch,
                    IpReferenceVsName
                ]
            )
        );
        assert_eq!(
            run(Rfc9525, &n, "::ffff:192.0.2.1"),
            (
                None,
                vec![IpReferenceVsName, IpFamilyMismatch, IpMismatch, CnNotUsed]
            )
        );
        // A DNS name is never compared with an iPAddress entry.
        let ip_only = names(&[], &["127.0.0.1"], &[]);
        assert_eq!(
            run(Rfc9525, &ip_only, "localhost"),
            (None, vec![DnsReferenceVsIpSan])
        );
    }

    #[test]
    fn no_identifiers() {
        for p in [WindowsClient, Rfc9525] {
            assert_eq!(
                run(p, &Names::default(), "example.com"),
                (None, vec![NoIdentifiers])
            );
            assert_eq!(
                run(p, &Names::default(), "192.0.2.1"),
                (None, vec![NoIdentifiers])
            );
        }
        assert_eq!(
            run(SstpcLinux, &Names::default(), "example.com"),
            (None, vec![NoNameCheck])
        );
    }

    #[test]
    fn eku_table() {
        use KeyPurpose as K;
        let ext = |l: Vec<K>| EkuExtension::Present {
            purposes: l.into(),
            critical: false,
        };
        let cases = [
            (EkuExtension::Absent, [true, true, true]),
            (ext(vec![K::ServerAuth]), [true, true, true]),
            (ext(vec![K::ServerAuth, K::Any]), [true, true, true]),
            (ext(vec![K::ClientAuth, K::ServerAuth]), [true, true, true]),
            (ext(vec![K::Any]), [true, false, false]),
            (ext(vec![K::ClientAuth, K::Any]), [true, false, false]),
            (ext(vec![]), [false, false, false]),
            (ext(vec![K::ClientAuth]), [false, false, false]),
            (ext(vec![K::Other("1.2.3.4".into())]), [false, false, false]),
        ];
        for (eku, want) in cases {
            for (p, w) in Profile::ALL.into_iter().zip(want) {
                assert_eq!(p.check_eku(&eku).accepted, w, "{p} {eku:?}");
            }
        }
        let v = WindowsClient.check_eku(&ext(vec![K::ClientAuth]));
        assert!(v.explanation.contains("Event 16"), "{}", v.explanation);
        assert_eq!(v.rule.code(), "not-for-server-auth");
    }

    #[test]
    fn consequences() {
        assert_eq!(WindowsClient.consequence(true, true), None);
        assert!(
            WindowsClient
                .consequence(false, true)
                .unwrap()
                .contains("CERT_E_CN_NO_MATCH (0x800B010F)")
        );
        assert!(
            WindowsClient
                .consequence(true, false)
                .unwrap()
                .contains("Event 16")
        );
        let both = WindowsClient.consequence(false, false).unwrap();
        assert!(both.contains("CERT_E_CN_NO_MATCH") && both.contains("Event 16"));
        assert!(
            SstpcLinux
                .consequence(true, false)
                .unwrap()
                .contains("purpose")
        );
        assert!(
            Rfc9525
                .consequence(false, true)
                .unwrap()
                .contains("does not name")
        );
    }

    #[test]
    fn parse_profile() {
        for p in Profile::ALL {
            assert_eq!(p.code().parse::<Profile>().unwrap(), p);
            assert_eq!(p.code().to_uppercase().parse::<Profile>().unwrap(), p);
        }
        assert!("firefox".parse::<Profile>().is_err());
        #[cfg(feature = "serde")]
        assert_eq!(
            serde_json::to_string(&Profile::ALL).unwrap(),
            r#"["windows","rfc9525","sstpc"]"#
        );
    }
}
