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

use super::profile::{Classified, Profile};
use super::reference::ReferenceId;
use crate::model::certificate::Certificate;

pub use super::outcome::{EkuVerdict, HostWarning, NameReason, NameVerdict, ProfileVerdict};
pub use super::rule::{EkuRule, HostWarningCode, Rule};

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
