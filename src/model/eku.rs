//! Extended Key Usage: the certificate's extension, the store's property, the
//! effective list Windows computes from both, and the SSTP purpose ([behaviour §2](crate::behaviour)).
//!
//! Windows does not look at the EKU extension alone. A store entry may carry
//! an EKU *property* (set in the certificate's Properties dialog, "Enable only
//! the following purposes"), and CryptoAPI combines the two:
//!
//! | extension | property | effective EKU |
//! |---|---|---|
//! | absent | absent | valid for **all uses** |
//! | present | absent | the extension's list |
//! | absent | present | the property's list |
//! | present | present | the **intersection** of both lists (by OID) |
//!
//! A list that is present but empty (an empty extension, an empty property,
//! or an empty intersection) means **no valid uses**: the certificate is
//! ineligible, even though "no EKU at all" means the opposite.
//!
//! From the effective EKU the SSTP service derives a [`Purpose`]:
//!
//! | effective EKU | purpose |
//! |---|---|
//! | contains Server Authentication `1.3.6.1.5.5.7.3.1` (with or without anyExtendedKeyUsage) | [`Purpose::ServerAuth`] |
//! | all uses, or contains anyExtendedKeyUsage `2.5.29.37.0` | [`Purpose::AllPurpose`] |
//! | anything else, including no valid uses | [`Purpose::NotForServer`] |
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::eku::{effective_eku, EffectiveEku, KeyPurpose, Purpose};
//!
//! let ext = [KeyPurpose::ServerAuth, KeyPurpose::ClientAuth];
//! let prop = [KeyPurpose::ClientAuth];
//! let eff = effective_eku(Some(&ext), Some(&prop));
//! assert_eq!(eff, EffectiveEku::List(vec![KeyPurpose::ClientAuth].into()));
//! assert_eq!(eff.purpose(), Purpose::NotForServer);
//!
//! assert_eq!(effective_eku(None, None).purpose(), Purpose::AllPurpose);
//! assert_eq!(effective_eku(Some(&[]), None).purpose(), Purpose::NotForServer);
//! ```

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::model::code::stable_codes;
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// One key purpose OID, with names for the ones that matter here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeyPurpose {
    /// `1.3.6.1.5.5.7.3.1`, TLS server authentication.
    ServerAuth,
    /// `1.3.6.1.5.5.7.3.2`, TLS client authentication.
    ClientAuth,
    /// `1.3.6.1.5.5.7.3.3`, code signing.
    CodeSigning,
    /// `1.3.6.1.5.5.7.3.4`, e-mail protection.
    EmailProtection,
    /// `1.3.6.1.5.5.7.3.8`, time stamping.
    TimeStamping,
    /// `1.3.6.1.5.5.7.3.9`, OCSP signing.
    OcspSigning,
    /// `2.5.29.37.0`, anyExtendedKeyUsage.
    Any,
    /// Any other OID, in dotted form.
    Other(String),
}

const NAMED: [(KeyPurpose, &str, &str); 7] = [
    (KeyPurpose::ServerAuth, "1.3.6.1.5.5.7.3.1", "serverAuth"),
    (KeyPurpose::ClientAuth, "1.3.6.1.5.5.7.3.2", "clientAuth"),
    (KeyPurpose::CodeSigning, "1.3.6.1.5.5.7.3.3", "codeSigning"),
    (
        KeyPurpose::EmailProtection,
        "1.3.6.1.5.5.7.3.4",
        "emailProtection",
    ),
    (
        KeyPurpose::TimeStamping,
        "1.3.6.1.5.5.7.3.8",
        "timeStamping",
    ),
    (KeyPurpose::OcspSigning, "1.3.6.1.5.5.7.3.9", "OCSPSigning"),
    (KeyPurpose::Any, "2.5.29.37.0", "anyExtendedKeyUsage"),
];

impl KeyPurpose {
    /// The OID in dotted form.
    pub fn oid(&self) -> &str {
        match self {
            KeyPurpose::Other(s) => s,
            named => NAMED
                .iter()
                .find(|(k, _, _)| k == named)
                .map(|(_, oid, _)| *oid)
                .unwrap_or(""),
        }
    }

    /// The short name used by OpenSSL and RFC 5280 (`serverAuth`, …), or
    /// `None` for [`KeyPurpose::Other`].
    pub fn short_name(&self) -> Option<&'static str> {
        NAMED
            .iter()
            .find(|(k, _, _)| k == self)
            .map(|(_, _, name)| *name)
    }

    /// Builds a purpose from a dotted OID, naming the well-known ones.
    ///
    /// ```
    /// use sstp_cert::model::eku::KeyPurpose;
    /// assert_eq!(KeyPurpose::from_oid("1.3.6.1.5.5.7.3.1"), KeyPurpose::ServerAuth);
    /// assert_eq!(KeyPurpose::from_oid("1.2.3").oid(), "1.2.3");
    /// ```
    pub fn from_oid(dotted: &str) -> KeyPurpose {
        NAMED
            .iter()
            .find(|(_, oid, _)| *oid == dotted)
            .map(|(k, _, _)| k.clone())
            .unwrap_or_else(|| KeyPurpose::Other(dotted.to_owned()))
    }
}

impl fmt::Display for KeyPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.short_name() {
            Some(n) => f.write_str(n),
            None => f.write_str(self.oid()),
        }
    }
}

/// Why text is not a key purpose.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{text:?} is not a key purpose: expected a dotted OID such as 1.3.6.1.5.5.7.3.1 or a name such as serverAuth"
)]
pub struct KeyPurposeParseError {
    /// The text refused.
    pub text: String,
}

impl FromStr for KeyPurpose {
    type Err = KeyPurposeParseError;

    /// Accepts a dotted OID or a short name (`serverAuth`, `clientAuth`,
    /// `anyExtendedKeyUsage`, …; case-insensitive; also `any`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if let Some((k, _, _)) = NAMED.iter().find(|(_, _, n)| n.eq_ignore_ascii_case(t)) {
            return Ok(k.clone());
        }
        if t.eq_ignore_ascii_case("any") {
            return Ok(KeyPurpose::Any);
        }
        let arcs: Vec<&str> = t.split('.').collect();
        let valid = arcs.len() >= 2
            && arcs
                .iter()
                .all(|a| !a.is_empty() && a.len() <= 20 && a.bytes().all(|b| b.is_ascii_digit()));
        if valid {
            Ok(KeyPurpose::from_oid(t))
        } else {
            Err(KeyPurposeParseError { text: s.to_owned() })
        }
    }
}

#[cfg(feature = "serde")]
impl Serialize for KeyPurpose {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.oid())
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for KeyPurpose {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The EKU list Windows uses for a store entry, after combining the
/// extension with the property (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", content = "purposes", rename_all = "kebab-case")
)]
pub enum EffectiveEku {
    /// Neither the extension nor the property is present: valid for all uses.
    AllUses,
    /// This list; an empty list means *no valid uses*. Shared with the
    /// certificate's EKU extension when it is that list unchanged.
    List(Arc<[KeyPurpose]>),
}

impl EffectiveEku {
    /// The SSTP purpose this EKU gives.
    pub fn purpose(&self) -> Purpose {
        match self {
            EffectiveEku::AllUses => Purpose::AllPurpose,
            EffectiveEku::List(l) if l.contains(&KeyPurpose::ServerAuth) => Purpose::ServerAuth,
            EffectiveEku::List(l) if l.contains(&KeyPurpose::Any) => Purpose::AllPurpose,
            EffectiveEku::List(_) => Purpose::NotForServer,
        }
    }

    /// Whether this is a present-but-empty list: no valid uses at all.
    pub fn is_no_valid_uses(&self) -> bool {
        matches!(self, EffectiveEku::List(l) if l.is_empty())
    }
}

/// Combines the certificate's EKU extension with the store entry's EKU
/// property as CryptoAPI does. `None` means absent; `Some(&[])` means present
/// but empty.
///
/// The intersection keeps the extension's order and compares OIDs exactly:
/// anyExtendedKeyUsage in one list does not widen the other.
pub fn effective_eku(
    extension: Option<&[KeyPurpose]>,
    property: Option<&[KeyPurpose]>,
) -> EffectiveEku {
    match (extension, property) {
        (None, None) => EffectiveEku::AllUses,
        (Some(l), None) | (None, Some(l)) => EffectiveEku::List(dedup(l).into()),
        (Some(ext), Some(prop)) => {
            let prop: HashSet<&KeyPurpose> = prop.iter().collect();
            EffectiveEku::List(
                dedup(ext)
                    .into_iter()
                    .filter(|p| prop.contains(p))
                    .collect::<Vec<_>>()
                    .into(),
            )
        }
    }
}

/// The list without repeats, first occurrences in order. Linear: the lists
/// come from files (an EKU property may list 100,000 OIDs).
pub(crate) fn dedup(l: &[KeyPurpose]) -> Vec<KeyPurpose> {
    if l.len() <= 16 {
        // The usual few purposes: compared pairwise, no hash set.
        let mut out: Vec<KeyPurpose> = Vec::with_capacity(l.len());
        for p in l {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
        return out;
    }
    let mut seen: HashSet<&KeyPurpose> = HashSet::with_capacity(l.len().min(1024));
    l.iter().filter(|p| seen.insert(p)).cloned().collect()
}

stable_codes! {
    [display, from_str]
    /// What a store entry can be used for by the SSTP listener.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum Purpose("purpose") {
        /// Server Authentication is in the effective EKU: preferred.
        ServerAuth => "server-auth",
        /// Valid for all uses (no EKU) or anyExtendedKeyUsage: accepted when no
        /// Server Authentication certificate exists.
        AllPurpose => "all-purpose",
        /// Neither: the service ignores the certificate.
        NotForServer => "not-for-server",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use KeyPurpose::*;

    #[test]
    fn table_of_combinations() {
        let sa = [ServerAuth];
        let ca = [ClientAuth];
        let any = [Any];
        assert_eq!(effective_eku(None, None), EffectiveEku::AllUses);
        assert_eq!(
            effective_eku(Some(&sa), None),
            EffectiveEku::List(vec![ServerAuth].into())
        );
        assert_eq!(
            effective_eku(None, Some(&ca)),
            EffectiveEku::List(vec![ClientAuth].into())
        );
        assert_eq!(
            effective_eku(Some(&[ServerAuth, ClientAuth]), Some(&sa)),
            EffectiveEku::List(vec![ServerAuth].into())
        );
        // disjoint: present but empty → no valid uses
        let e = effective_eku(Some(&sa), Some(&ca));
        assert!(e.is_no_valid_uses());
        assert_eq!(e.purpose(), Purpose::NotForServer);
        // anyEKU does not widen by intersection
        assert!(effective_eku(Some(&any), Some(&sa)).is_no_valid_uses());
        assert!(effective_eku(Some(&[]), None).is_no_valid_uses());
        assert!(effective_eku(None, Some(&[])).is_no_valid_uses());
    }

    #[test]
    fn purposes() {
        assert_eq!(
            EffectiveEku::List(vec![Any, ServerAuth].into()).purpose(),
            Purpose::ServerAuth
        );
        assert_eq!(
            EffectiveEku::List(vec![Any].into()).purpose(),
            Purpose::AllPurpose
        );
        assert_eq!(
            EffectiveEku::List(vec![ClientAuth, Any].into()).purpose(),
            Purpose::AllPurpose
        );
        assert_eq!(
            EffectiveEku::List(vec![ClientAuth].into()).purpose(),
            Purpose::NotForServer
        );
        assert_eq!(EffectiveEku::AllUses.purpose(), Purpose::AllPurpose);
    }

    #[test]
    fn parse_and_display() {
        assert_eq!("serverauth".parse::<KeyPurpose>().unwrap(), ServerAuth);
        assert_eq!("2.5.29.37.0".parse::<KeyPurpose>().unwrap(), Any);
        assert_eq!(
            "1.3.6.1.4.1.311.10.3.4".parse::<KeyPurpose>().unwrap(),
            Other("1.3.6.1.4.1.311.10.3.4".into())
        );
        assert!("server auth".parse::<KeyPurpose>().is_err());
        assert!("1..2".parse::<KeyPurpose>().is_err());
        assert!("1".parse::<KeyPurpose>().is_err());
        assert_eq!(ServerAuth.to_string(), "serverAuth");
        assert_eq!(Other("1.2.3".into()).to_string(), "1.2.3");
        #[cfg(feature = "serde")]
        assert_eq!(
            serde_json::to_string(&vec![ServerAuth, Any]).unwrap(),
            r#"["1.3.6.1.5.5.7.3.1","2.5.29.37.0"]"#
        );
    }
}
