//! Private key parsing and pairing (behaviour §2, "Private key"). EC and
//! Ed25519 keys pair only with the `key-pairing` feature; without it they
//! are refused naming the feature (`src/model/key.rs`'s unit tests).
#![cfg(feature = "key-pairing")]

use p256::elliptic_curve::sec1::ToSec1Point;
use pkcs8::DecodePrivateKey;
use pkcs8::der::Encode;
use proptest::prelude::*;
use rcgen::{CertificateParams, KeyPair};
use rustls_pki_types::pem::{PemObject, SectionKind};
use sstp_cert::model::certificate::{Certificate, EcCurve, PublicKeyInfo};
use sstp_cert::model::key::{KeyError, KeyFormat, KeyLocation, PrivateKey, PublicKeyValue, pair};
use sstp_cert::model::store::KeyState;

const RSA_A: &str = include_str!("data/keys/rsa2048-a.pk8.pem");
const RSA_B: &str = include_str!("data/keys/rsa2048-b.pk8.pem");
const RSA_A_PKCS1: &str = include_str!("data/keys/rsa2048-a.pkcs1.pem");
const ENCRYPTED_PK8: &str = include_str!("data/keys/encrypted.pk8.pem");
const ENCRYPTED_PK8_DER: &[u8] = include_bytes!("data/keys/encrypted.pk8.der");
const ENCRYPTED_LEGACY: &str = include_str!("data/keys/encrypted-legacy.pkcs1.pem");
const ED448: &str = include_str!("data/keys/ed448.pk8.pem");
const X25519: &str = include_str!("data/keys/x25519.pk8.pem");
const DSA: &str = include_str!("data/keys/dsa.pk8.pem");
const P521_PK8: &str = include_str!("data/keys/p521.pk8.pem");
const P521_SEC1: &str = include_str!("data/keys/p521.sec1.pem");
const SECP256K1: &str = include_str!("data/keys/secp256k1.pk8.pem");

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Rsa,
    P256,
    P384,
    Ed25519,
}

const KINDS: [Kind; 4] = [Kind::Rsa, Kind::P256, Kind::P384, Kind::Ed25519];

/// Two distinct key pairs of a kind.
fn keys(kind: Kind) -> (KeyPair, KeyPair) {
    let gen_for = |alg| KeyPair::generate_for(alg).unwrap();
    match kind {
        Kind::Rsa => (
            KeyPair::from_pem(RSA_A).unwrap(),
            KeyPair::from_pem(RSA_B).unwrap(),
        ),
        Kind::P256 => (
            gen_for(&rcgen::PKCS_ECDSA_P256_SHA256),
            gen_for(&rcgen::PKCS_ECDSA_P256_SHA256),
        ),
        Kind::P384 => (
            gen_for(&rcgen::PKCS_ECDSA_P384_SHA384),
            gen_for(&rcgen::PKCS_ECDSA_P384_SHA384),
        ),
        Kind::Ed25519 => (gen_for(&rcgen::PKCS_ED25519), gen_for(&rcgen::PKCS_ED25519)),
    }
}

fn cert_for(kp: &KeyPair) -> Certificate {
    let cert = CertificateParams::new(vec!["vpn.example.com".to_string()])
        .unwrap()
        .self_signed(kp)
        .unwrap();
    Certificate::from_der(cert.der().to_vec()).unwrap()
}

fn pem_der(pem: &str) -> Vec<u8> {
    let (_, der) = <(SectionKind, Vec<u8>)>::from_pem_slice(pem.as_bytes()).unwrap();
    der
}

fn key(bytes: &[u8]) -> PrivateKey {
    PrivateKey::from_pem_or_der(bytes).unwrap()
}

#[test]
fn each_algorithm_pairs_with_its_own_key_and_no_other() {
    let all: Vec<(Kind, KeyPair, KeyPair)> = KINDS
        .iter()
        .map(|&k| {
            let (a, b) = keys(k);
            (k, a, b)
        })
        .collect();
    for (kind, a, b) in &all {
        let cert = cert_for(a);
        for bytes in [a.serialize_pem().into_bytes(), a.serialize_der()] {
            let own = key(&bytes);
            assert_eq!(own.format(), KeyFormat::Pkcs8, "{kind:?}");
            assert_eq!(&own.algorithm(), cert.public_key(), "{kind:?}");
            assert!(own.matches(&cert), "{kind:?}");
            assert_eq!(pair(&cert, &own), KeyState::Paired, "{kind:?}");
        }
        let same_type = key(b.serialize_pem().as_bytes());
        assert_eq!(pair(&cert, &same_type), KeyState::Mismatched, "{kind:?}");
        for (other_kind, other, _) in &all {
            if other_kind != kind {
                let k = key(&other.serialize_der());
                assert_eq!(
                    pair(&cert, &k),
                    KeyState::Mismatched,
                    "{kind:?} cert with {other_kind:?} key"
                );
            }
        }
    }
}

#[test]
fn algorithm_summaries() {
    let (rsa, _) = keys(Kind::Rsa);
    assert_eq!(
        key(rsa.serialize_pem().as_bytes()).algorithm(),
        PublicKeyInfo::Rsa { bits: 2048 }
    );
    let (p384, _) = keys(Kind::P384);
    assert_eq!(
        key(&p384.serialize_der()).algorithm(),
        PublicKeyInfo::Ec {
            curve: EcCurve::P384
        }
    );
    let (ed, _) = keys(Kind::Ed25519);
    assert_eq!(key(&ed.serialize_der()).algorithm(), PublicKeyInfo::Ed25519);
}

#[test]
fn rsa_pkcs1_pem_and_der() {
    let (a, b) = keys(Kind::Rsa);
    let cert_a = cert_for(&a);
    let cert_b = cert_for(&b);
    for bytes in [RSA_A_PKCS1.as_bytes().to_vec(), pem_der(RSA_A_PKCS1)] {
        let k = key(&bytes);
        assert_eq!(k.format(), KeyFormat::Pkcs1);
        assert_eq!(pair(&cert_a, &k), KeyState::Paired);
        assert_eq!(pair(&cert_b, &k), KeyState::Mismatched);
    }
    // The PKCS#1 and PKCS#8 forms of one key have the same public value.
    assert_eq!(
        key(RSA_A_PKCS1.as_bytes()).public_key(),
        key(RSA_A.as_bytes()).public_key()
    );
}

fn sec1_der(kp: &KeyPair, curve: Kind) -> (Vec<u8>, Vec<u8>) {
    // (with public key, without public key)
    let (scalar, oid, with_pub) = match curve {
        Kind::P256 => {
            let sk = p256::SecretKey::from_pkcs8_der(&kp.serialize_der()).unwrap();
            (
                sk.to_bytes().to_vec(),
                "1.2.840.10045.3.1.7",
                sk.to_sec1_der().unwrap().to_vec(),
            )
        }
        Kind::P384 => {
            let sk = p384::SecretKey::from_pkcs8_der(&kp.serialize_der()).unwrap();
            (
                sk.to_bytes().to_vec(),
                "1.3.132.0.34",
                sk.to_sec1_der().unwrap().to_vec(),
            )
        }
        _ => unreachable!(),
    };
    let without = sec1::EcPrivateKey {
        private_key: &scalar,
        parameters: Some(sec1::EcParameters::NamedCurve(oid.parse().unwrap())),
        public_key: None,
    }
    .to_der()
    .unwrap();
    (with_pub, without)
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut body = String::new();
    for line in b64.as_bytes().chunks(64) {
        body.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        body.push('\n');
    }
    format!("-----BEGIN {label}-----\n{body}-----END {label}-----\n")
}

#[test]
fn sec1_with_and_without_public_key() {
    for kind in [Kind::P256, Kind::P384] {
        let (a, b) = keys(kind);
        let cert = cert_for(&a);
        let (with_pub, without_pub) = sec1_der(&a, kind);
        assert_ne!(with_pub, without_pub);
        for der in [&with_pub, &without_pub] {
            for bytes in [der.clone(), pem("EC PRIVATE KEY", der).into_bytes()] {
                let k = key(&bytes);
                assert_eq!(k.format(), KeyFormat::Sec1, "{kind:?}");
                assert_eq!(pair(&cert, &k), KeyState::Paired, "{kind:?}");
                assert_eq!(k.public_key(), key(&a.serialize_der()).public_key());
            }
        }
        let (other, _) = sec1_der(&b, kind);
        assert_eq!(pair(&cert, &key(&other)), KeyState::Mismatched);
    }
}

#[test]
fn sec1_compressed_stored_point_is_accepted_and_wrong_one_refused() {
    let (a, b) = keys(Kind::P256);
    let sk = p256::SecretKey::from_pkcs8_der(&a.serialize_der()).unwrap();
    let scalar = sk.to_bytes();
    let compressed = sk.public_key().to_sec1_point(true);
    let der = sec1::EcPrivateKey {
        private_key: &scalar,
        parameters: Some(sec1::EcParameters::NamedCurve(
            "1.2.840.10045.3.1.7".parse().unwrap(),
        )),
        public_key: Some(compressed.as_bytes()),
    }
    .to_der()
    .unwrap();
    assert_eq!(pair(&cert_for(&a), &key(&der)), KeyState::Paired);

    let other = p256::SecretKey::from_pkcs8_der(&b.serialize_der())
        .unwrap()
        .public_key()
        .to_sec1_point(false);
    let der = sec1::EcPrivateKey {
        private_key: &scalar,
        parameters: Some(sec1::EcParameters::NamedCurve(
            "1.2.840.10045.3.1.7".parse().unwrap(),
        )),
        public_key: Some(other.as_bytes()),
    }
    .to_der()
    .unwrap();
    let err = PrivateKey::from_pem_or_der(&der).unwrap_err();
    assert!(
        err.to_string()
            .contains("does not belong to its private key"),
        "{err}"
    );
}

#[test]
fn sec1_without_curve_is_refused() {
    let (a, _) = keys(Kind::P256);
    let sk = p256::SecretKey::from_pkcs8_der(&a.serialize_der()).unwrap();
    let scalar = sk.to_bytes();
    let der = sec1::EcPrivateKey {
        private_key: &scalar,
        parameters: None,
        public_key: None,
    }
    .to_der()
    .unwrap();
    let err = PrivateKey::from_pem_or_der(&der).unwrap_err();
    assert!(matches!(err, KeyError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("without a named curve"), "{err}");
}

#[test]
fn compressed_and_uncompressed_certificate_points_are_equal() {
    use pkcs8::der::asn1::{AnyRef, BitStringRef};
    use pkcs8::spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
    let (a, _) = keys(Kind::P256);
    let pk = p256::SecretKey::from_pkcs8_der(&a.serialize_der())
        .unwrap()
        .public_key();
    let curve: pkcs8::ObjectIdentifier = "1.2.840.10045.3.1.7".parse().unwrap();
    let spki = |point: &[u8]| {
        SubjectPublicKeyInfoRef {
            algorithm: AlgorithmIdentifierRef {
                oid: "1.2.840.10045.2.1".parse().unwrap(),
                parameters: Some(AnyRef::from(&curve)),
            },
            subject_public_key: BitStringRef::from_bytes(point).unwrap(),
        }
        .to_der()
        .unwrap()
    };
    let c = PublicKeyValue::from_spki_der(&spki(pk.to_sec1_point(true).as_bytes())).unwrap();
    let u = PublicKeyValue::from_spki_der(&spki(pk.to_sec1_point(false).as_bytes())).unwrap();
    assert_eq!(c, u);
    assert_eq!(&c, key(&a.serialize_der()).public_key());
    assert!(matches!(
        PublicKeyValue::from_spki_der(&spki(&[4, 1, 2, 3])),
        Err(KeyError::Malformed { .. })
    ));
}

#[test]
fn certificate_and_key_in_one_pem() {
    let (a, _) = keys(Kind::P256);
    let ck = CertificateParams::new(vec!["vpn.example.com".to_string()])
        .unwrap()
        .self_signed(&a)
        .unwrap();
    let text = format!("{}{}", ck.pem(), a.serialize_pem());
    let k = key(text.as_bytes());
    assert_eq!(
        k.location(),
        &KeyLocation::PemBlock {
            index: 2,
            label: "PRIVATE KEY".into()
        }
    );
    let cert = Certificate::from_pem_or_der(text.as_bytes())
        .unwrap()
        .remove(0);
    assert_eq!(pair(&cert, &k), KeyState::Paired);

    // Certificate only: no key is not an error for find_in_pem.
    assert_eq!(PrivateKey::find_in_pem(ck.pem().as_bytes()), Ok(None));
    let err = PrivateKey::from_pem_or_der(ck.pem().as_bytes()).unwrap_err();
    assert_eq!(
        err,
        KeyError::NoKey {
            found: "CERTIFICATE".into()
        }
    );
}

#[test]
fn encrypted_keys_are_refused_clearly() {
    let err = PrivateKey::from_pem_or_der(ENCRYPTED_PK8.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "PEM block 1 labelled \"ENCRYPTED PRIVATE KEY\": encrypted keys are not supported, export it unencrypted"
    );
    let err = PrivateKey::from_pem_or_der(ENCRYPTED_PK8_DER).unwrap_err();
    assert!(matches!(err, KeyError::Encrypted { .. }), "{err:?}");
    assert!(err.to_string().contains("encrypted keys are not supported"));

    let err = PrivateKey::from_pem_or_der(ENCRYPTED_LEGACY.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        KeyError::Encrypted {
            location: KeyLocation::PemBlock {
                index: 1,
                label: "RSA PRIVATE KEY".into()
            }
        }
    );

    // After a certificate: block 2, and find_in_pem reports it too.
    let (a, _) = keys(Kind::Rsa);
    let text = format!("{}{}", rcgen_cert_pem(&a), ENCRYPTED_PK8);
    let err = PrivateKey::find_in_pem(text.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("PEM block 2 labelled \"ENCRYPTED PRIVATE KEY\": encrypted keys"),
        "{err}"
    );
}

fn rcgen_cert_pem(kp: &KeyPair) -> String {
    CertificateParams::new(vec!["vpn.example.com".to_string()])
        .unwrap()
        .self_signed(kp)
        .unwrap()
        .pem()
}

#[test]
fn unsupported_algorithms_are_named() {
    for (pem_text, name, oid) in [
        (ED448, "Ed448", "1.3.101.113"),
        (X25519, "X25519", "1.3.101.110"),
        (DSA, "DSA", "1.2.840.10040.4.1"),
    ] {
        let err = PrivateKey::from_pem_or_der(pem_text.as_bytes()).unwrap_err();
        match &err {
            KeyError::UnsupportedAlgorithm {
                name: n, oid: o, ..
            } => {
                assert_eq!((n.as_str(), o.as_str()), (name, oid));
            }
            other => panic!("{name}: {other:?}"),
        }
        assert!(err.to_string().contains(name) && err.to_string().contains(oid));
        // The same in DER.
        assert!(matches!(
            PrivateKey::from_pem_or_der(&pem_der(pem_text)),
            Err(KeyError::UnsupportedAlgorithm { .. })
        ));
    }
}

#[test]
fn unsupported_curves_are_named() {
    for (pem_text, name) in [
        (P521_PK8, "P-521"),
        (P521_SEC1, "P-521"),
        (SECP256K1, "secp256k1"),
    ] {
        let err = PrivateKey::from_pem_or_der(pem_text.as_bytes()).unwrap_err();
        assert!(
            matches!(err, KeyError::UnsupportedCurve { .. }),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains(name), "{err}");
        assert!(matches!(
            PrivateKey::from_pem_or_der(&pem_der(pem_text)),
            Err(KeyError::UnsupportedCurve { .. })
        ));
    }
}

#[test]
fn other_pem_key_labels_are_refused() {
    let text = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
    let err = PrivateKey::from_pem_or_der(text.as_bytes()).unwrap_err();
    assert!(matches!(err, KeyError::UnsupportedFormat { .. }), "{err:?}");
    assert!(err.to_string().contains("OPENSSH PRIVATE KEY"));
}

#[test]
fn garbage_empty_and_wrong_contents() {
    assert_eq!(PrivateKey::from_pem_or_der(b""), Err(KeyError::Empty));
    let err = PrivateKey::from_pem_or_der(b"\x30\x03\x02\x01\x00garbage").unwrap_err();
    assert!(matches!(err, KeyError::NotAKey { .. }), "{err:?}");
    assert!(err.to_string().starts_with("not a private key"));
    assert!(matches!(
        PrivateKey::from_pem_or_der(b"hello, world"),
        Err(KeyError::NotAKey { .. })
    ));
    // A DER certificate is not a key.
    let (a, _) = keys(Kind::P256);
    let cert = cert_for(&a);
    assert!(matches!(
        PrivateKey::from_pem_or_der(cert.der()),
        Err(KeyError::NotAKey { .. })
    ));
    // A PKCS#1 body under a PKCS#8 label.
    let text = pem("PRIVATE KEY", &pem_der(RSA_A_PKCS1));
    let err = PrivateKey::from_pem_or_der(text.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("PEM block 1 labelled \"PRIVATE KEY\": not a valid PKCS#8 key"),
        "{err}"
    );
    // Broken base64.
    let text = "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n";
    assert!(matches!(
        PrivateKey::from_pem_or_der(text.as_bytes()),
        Err(KeyError::Pem { .. })
    ));
    // No END line.
    let text = "-----BEGIN PRIVATE KEY-----\nAAAA\n";
    assert!(matches!(
        PrivateKey::from_pem_or_der(text.as_bytes()),
        Err(KeyError::Pem { .. })
    ));
}

#[test]
fn two_keys_in_one_file_are_ambiguous() {
    let (a, b) = keys(Kind::P256);
    let text = format!(
        "{}{}{}",
        rcgen_cert_pem(&a),
        a.serialize_pem(),
        b.serialize_pem()
    );
    let err = PrivateKey::from_pem_or_der(text.as_bytes()).unwrap_err();
    assert_eq!(err, KeyError::SeveralKeys { blocks: vec![2, 3] });
    assert_eq!(
        err.to_string(),
        "2 private keys in one file (PEM blocks 2, 3): ambiguous, keep exactly one key per file"
    );
    // Even the same key twice, in two forms.
    let text = format!("{RSA_A}{RSA_A_PKCS1}");
    assert!(matches!(
        PrivateKey::from_pem_or_der(text.as_bytes()),
        Err(KeyError::SeveralKeys { .. })
    ));
}

#[test]
fn debug_output_holds_no_secret() {
    let (a, _) = keys(Kind::P256);
    let sk = p256::SecretKey::from_pkcs8_der(&a.serialize_der()).unwrap();
    let secret_hex = hex::encode(sk.to_bytes());
    let k = key(&a.serialize_der());
    let dbg = format!("{k:?}");
    assert!(!dbg.contains(&secret_hex), "{dbg}");
    assert!(!dbg.contains(&secret_hex[..16]), "{dbg}");
    assert!(dbg.contains("P256"), "{dbg}");

    let (e, _) = keys(Kind::Ed25519);
    let der = e.serialize_der();
    // The seed: the OCTET STRING inside PKCS#8's privateKey OCTET STRING.
    let info = pkcs8::PrivateKeyInfoRef::try_from(der.as_slice()).unwrap();
    let inner = info.private_key.as_bytes();
    assert_eq!(inner.len(), 34);
    let seed_hex = hex::encode(&inner[2..]);
    let dbg = format!("{:?}", key(&der));
    assert!(!dbg.contains(&seed_hex[..16]), "{dbg}");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = PrivateKey::from_pem_or_der(&bytes);
        let _ = PublicKeyValue::from_spki_der(&bytes);
        let mut text = b"-----BEGIN PRIVATE KEY-----\n".to_vec();
        text.extend_from_slice(&bytes);
        let _ = PrivateKey::from_pem_or_der(&text);
        let _ = PrivateKey::find_in_pem(&text);
    }

    #[test]
    fn arbitrary_der_in_a_key_block_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        for label in ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"] {
            let text = pem(label, &bytes);
            let _ = PrivateKey::from_pem_or_der(text.as_bytes());
        }
    }

    #[test]
    fn mutated_keys_never_panic(pos in 0usize..200, val in any::<u8>()) {
        let (a, _) = keys(Kind::P256);
        let mut der = a.serialize_der();
        let i = pos % der.len();
        der[i] = val;
        let _ = PrivateKey::from_pem_or_der(&der);
        let mut pkcs1 = pem_der(RSA_A_PKCS1);
        let j = pos % pkcs1.len();
        pkcs1[j] = val;
        let _ = PrivateKey::from_pem_or_der(&pkcs1);
    }
}
