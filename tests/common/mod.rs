//! Certificate builders and data helpers shared by the integration tests.
#![allow(dead_code)]

use rcgen::{
    CertificateParams, CustomExtension, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, KeyPair,
};
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::store::{KeyState, StoreEntry};

/// What EKU a test certificate carries.
#[derive(Debug, Clone)]
pub enum Eku {
    /// No EKU extension.
    None,
    /// An EKU extension with these purposes.
    List(Vec<ExtendedKeyUsagePurpose>),
    /// An EKU extension that is present but empty.
    Empty,
    /// Two EKU extensions.
    Duplicate,
}

pub fn server_auth() -> Eku {
    Eku::List(vec![ExtendedKeyUsagePurpose::ServerAuth])
}

pub fn any_eku() -> Eku {
    Eku::List(vec![ExtendedKeyUsagePurpose::Any])
}

pub fn client_auth() -> Eku {
    Eku::List(vec![ExtendedKeyUsagePurpose::ClientAuth])
}

/// DER of an EKU extension value listing these raw OID encodings.
fn eku_value(oids: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    for oid in oids {
        body.push(0x06);
        body.push(oid.len() as u8);
        body.extend_from_slice(oid);
    }
    let mut v = vec![0x30, body.len() as u8];
    v.extend(body);
    v
}

const SERVER_AUTH_OID: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];

pub fn params(name: &str, eku: &Eku) -> CertificateParams {
    let mut p = CertificateParams::new(vec![name.to_owned()]).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    p.distinguished_name = dn;
    match eku {
        Eku::None => {}
        Eku::List(l) => p.extended_key_usages = l.clone(),
        Eku::Empty => {
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[2, 5, 29, 37],
                eku_value(&[]),
            ));
        }
        Eku::Duplicate => {
            for _ in 0..2 {
                p.custom_extensions.push(CustomExtension::from_oid_content(
                    &[2, 5, 29, 37],
                    eku_value(&[SERVER_AUTH_OID]),
                ));
            }
        }
    }
    p
}

pub fn der_with(p: CertificateParams) -> Vec<u8> {
    let key = KeyPair::generate().expect("key");
    p.self_signed(&key).expect("sign").der().to_vec()
}

pub fn cert(name: &str, eku: &Eku) -> Certificate {
    Certificate::from_der(der_with(params(name, eku))).expect("parse")
}

pub fn entry(name: &str, eku: &Eku, key: KeyState) -> StoreEntry {
    StoreEntry::new(cert(name, eku), key, name)
}

/// A certificate whose subject CN is a BMPString.
pub fn bmp_cn_cert(cn: &str) -> Certificate {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        DnValue::BmpString(rcgen::string::BmpString::try_from(cn).expect("bmp")),
    );
    p.distinguished_name = dn;
    Certificate::from_der(der_with(p)).expect("parse")
}

/// The path of a file under `tests/data/`.
pub fn data_path(rel: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// Reads a JSON array from `tests/data/conformance/`.
pub fn load_conformance(name: &str) -> Vec<serde_json::Value> {
    let path = data_path(&format!("conformance/{name}"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    match serde_json::from_str(&text) {
        Ok(serde_json::Value::Array(a)) => a,
        other => panic!("{name}: expected a JSON array, got {other:?}"),
    }
}

/// Decodes standard base64 (white space ignored).
pub fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .unwrap_or_else(|e| panic!("invalid base64 in test data: {e}"))
}
