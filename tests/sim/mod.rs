//! Machine-state builders shared by the plumbing, runtime and plan tests.
#![allow(dead_code)]

use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, SerialNumber};
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::hostname::ReferenceId;
use sstp_cert::model::httpsys::{Endpoint, IIS_APP_ID, SslBinding};
use sstp_cert::model::registry::{RegValue, RegistryValues, RegistryWrite, SstpParameters};
use sstp_cert::model::store::{KeyState, StoreEntry};

use crate::common::{Eku, der_with, params};

/// The name clients dial.
pub const HOST: &str = "vpn.example.com";

pub fn host() -> ReferenceId {
    ReferenceId::parse(HOST).expect("host")
}

/// A certificate with SAN dNSNames `names` (CN = the first name).
pub fn cert_with_names(names: &[&str], eku: &Eku) -> Certificate {
    let mut p = params(names[0], eku);
    p.subject_alt_names = names
        .iter()
        .map(|n| rcgen::SanType::DnsName((*n).try_into().expect("dns")))
        .collect();
    Certificate::from_der(der_with(p)).expect("parse")
}

/// A certificate for `vpn.example.com` plus a unique `label.example`.
pub fn vpn_cert(label: &str, eku: &Eku) -> Certificate {
    cert_with_names(&[HOST, &format!("{label}.example")], eku)
}

/// A certificate whose only name is the subject CN (no SAN extension).
pub fn cn_only_cert(cn: &str) -> Certificate {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    Certificate::from_der(der_with(p)).expect("parse")
}

/// Two different certificates (different keys) with the same issuer and
/// serial number.
pub fn same_issuer_and_serial_pair() -> (Certificate, Certificate) {
    let make = || {
        let mut p = params(HOST, &crate::common::server_auth());
        p.serial_number = Some(SerialNumber::from(vec![0x42, 0x17, 0x01]));
        let key = KeyPair::generate().expect("key");
        Certificate::from_der(p.self_signed(&key).expect("sign").der().to_vec()).expect("parse")
    };
    (make(), make())
}

pub fn linked(c: &Certificate) -> StoreEntry {
    StoreEntry::new(c.clone(), KeyState::Linked, c.sha1().to_string())
}

pub fn keyless(c: &Certificate) -> StoreEntry {
    StoreEntry::new(c.clone(), KeyState::Absent, c.sha1().to_string())
}

pub fn v4() -> Endpoint {
    Endpoint::ipv4_wildcard(443)
}

pub fn v6() -> Endpoint {
    Endpoint::ipv6_wildcard(443)
}

pub fn sstp(endpoint: Endpoint, c: &Certificate) -> SslBinding {
    SslBinding::sstp(endpoint, c.sha1())
}

pub fn iis(endpoint: Endpoint, c: &Certificate) -> SslBinding {
    SslBinding::new(endpoint, Some(c.sha1()), Some(IIS_APP_ID), Some("MY"))
}

pub fn both_sstp(c: &Certificate) -> Vec<SslBinding> {
    vec![sstp(v4(), c), sstp(v6(), c)]
}

pub fn values(pairs: &[(&str, RegValue)]) -> RegistryValues {
    pairs.iter().cloned().collect()
}

/// Admin mode pinned to `c` (both hashes, flag 1).
pub fn admin_pin(c: &Certificate) -> RegistryValues {
    let mut v = RegistryValues::new();
    v.apply_all(&RegistryWrite::admin_pin(&c.sha256(), &c.sha1()));
    v
}

/// Automatic mode with `c`'s hashes recorded.
pub fn auto_record(c: &Certificate) -> RegistryValues {
    let mut v = RegistryValues::new();
    v.apply_all(&RegistryWrite::automatic_mode_record(
        &c.sha256(),
        &c.sha1(),
    ));
    v
}

pub fn p(values: &RegistryValues) -> SstpParameters {
    SstpParameters::from_values(values)
}
