//! One profile's verdict: the name half ([`NameVerdict`], [`NameReason`]),
//! the EKU half ([`EkuVerdict`]), the security remarks ([`HostWarning`]) and
//! both together ([`ProfileVerdict`]). Built on [`rule`](super::rule) and
//! [`presented`](super::presented); [`profile`](super::profile) produces
//! these. Re-exported by [`verdict`](super::verdict) and by
//! [`hostname`](super).

use std::borrow::Cow;
use std::fmt;

use super::presented::PresentedId;
use super::rule::{EkuRule, HostWarningCode, Rule};
use crate::model::eku::KeyPurpose;

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
/// accepted, consequence, warnings}` (see the [`verdict`](super::verdict) module).
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
