//! A test CA and directory-store helpers for the embedding tests.
#![allow(dead_code)]

use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SanType,
};

/// A throw-away CA that issues the test server certificates.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A leaf certificate and its key, PEM.
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
    pub der: Vec<u8>,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let key = KeyPair::generate().expect("CA key");
        TestCa {
            issuer: CertifiedIssuer::self_signed(ca_params(name), key).expect("CA certificate"),
        }
    }

    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    pub fn der(&self) -> Vec<u8> {
        self.issuer.der().to_vec()
    }

    /// A Server Authentication leaf with this subject CN and these SAN
    /// dNSNames (an IP literal becomes an iPAddress SAN).
    pub fn leaf(&self, cn: &str, sans: &[&str]) -> Leaf {
        self.leaf_with(cn, sans, vec![ExtendedKeyUsagePurpose::ServerAuth])
    }

    pub fn leaf_with(&self, cn: &str, sans: &[&str], eku: Vec<ExtendedKeyUsagePurpose>) -> Leaf {
        self.issue(leaf_params(cn, sans, eku))
    }

    /// A Server Authentication leaf valid 2015-01-01 to 2020-01-01.
    pub fn leaf_expired(&self, cn: &str, sans: &[&str]) -> Leaf {
        let mut p = leaf_params(cn, sans, vec![ExtendedKeyUsagePurpose::ServerAuth]);
        p.not_before = rcgen::date_time_ymd(2015, 1, 1);
        p.not_after = rcgen::date_time_ymd(2020, 1, 1);
        self.issue(p)
    }

    /// An intermediate CA issued by this one.
    pub fn intermediate(&self, name: &str) -> TestCa {
        let key = KeyPair::generate().expect("intermediate key");
        TestCa {
            issuer: CertifiedIssuer::signed_by(ca_params(name), key, &self.issuer)
                .expect("intermediate certificate"),
        }
    }

    fn issue(&self, p: CertificateParams) -> Leaf {
        let key = KeyPair::generate().expect("leaf key");
        let cert = p.signed_by(&key, &self.issuer).expect("leaf certificate");
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        }
    }
}

fn ca_params(name: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p
}

fn leaf_params(cn: &str, sans: &[&str], eku: Vec<ExtendedKeyUsagePurpose>) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.subject_alt_names = sans
        .iter()
        .map(|s| match s.parse::<std::net::IpAddr>() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName((*s).try_into().expect("dNSName")),
        })
        .collect();
    p.extended_key_usages = eku;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p
}

/// Writes `<stem>.pem` and `<stem>.key` into a store directory.
pub fn write_entry(dir: &Path, stem: &str, leaf: &Leaf) {
    std::fs::write(dir.join(format!("{stem}.pem")), &leaf.cert_pem).expect("write pem");
    std::fs::write(dir.join(format!("{stem}.key")), &leaf.key_pem).expect("write key");
}

/// A current-thread Tokio runtime with I/O and time.
#[cfg(feature = "listener")]
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Whether this machine can bind [::1].
pub fn has_ipv6_loopback() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}
