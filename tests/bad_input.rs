//! Hostile and broken input, one test per class of bad input: each test is
//! named after its row of the "Bad input" table and asserts the exact
//! error variant or problem code the table gives as the crate's answer.

mod common;

use std::fs;

use common::{Eku, der_with, params, server_auth};
use rcgen::{CustomExtension, SanType};
use sstp_cert::adapters::dir_store::{EntryFile, assemble_entry, codes};
// Only the Unix-only directory tests read real directories.
#[cfg(unix)]
use sstp_cert::adapters::dir_store::{DirectoryStore, MAX_FILE_SIZE};
use sstp_cert::model::certificate::{
    Certificate, CertificateError, MAX_CERTIFICATE_DER_LEN, MAX_PEM_INPUT_LEN,
};
use sstp_cert::model::event::EventId;
use sstp_cert::model::hostname::{HostError, MAX_HOST_LEN, Profile, ReferenceId, Rule};
use sstp_cert::model::httpsys::{
    CommandParseError, Endpoint, ListingProblem, MAX_COMMAND_LEN, MAX_NETSH_INPUT, NetshParseError,
    ProblemKind, SSTP_APP_ID, ShowStyle, SslBinding, TextEncoding, parse_sslcert_command,
    parse_sslcert_show, render_show,
};
use sstp_cert::model::key::{KeyError, KeyFormat, KeyLocation, PrivateKey};
use sstp_cert::model::registry::{
    self, HashState, MAX_REGISTRY_INPUT, RegValue, RegistryParseError, RegistryValues,
    SstpParameters, ValueProblem, parse_reg_file, parse_reg_query, parse_registry_text,
};
use sstp_cert::model::script::{MAX_SCRIPT_LINE, ScriptError, parse_line};
use sstp_cert::model::store::KeyState;
#[cfg(unix)]
use sstp_cert::model::store::{CertStore, StoreSnapshot};
use sstp_cert::model::thumbprint::{MAX_HASH_TEXT_LEN, ThumbprintError, parse_hash};
use sstp_cert::model::warning::{WarningCode, warnings_for};

// ---------------------------------------------------------------------------
// Helpers

fn sample_der() -> Vec<u8> {
    let pem = include_bytes!("../examples/store/07-server-auth-vpn.pem");
    Certificate::from_pem_or_der(pem).expect("sample")[0]
        .der()
        .to_vec()
}

fn key_file(name: &str) -> Vec<u8> {
    fs::read(common::data_path(&format!("keys/{name}"))).expect("key fixture")
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("ascii"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A certificate whose subject (and issuer) CN is `tag` + `content` (a DER
/// string of that type), made by writing a placeholder CN and replacing its
/// bytes.
/// The signature no longer verifies, which parsing does not check.
fn der_with_cn(tag: u8, content: &[u8]) -> Vec<u8> {
    let placeholder: String = "QZ"
        .repeat(content.len())
        .chars()
        .take(content.len())
        .collect();
    let mut p = params("placeholder.example.com", &Eku::None);
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, placeholder.as_str());
    p.distinguished_name = dn;
    let mut der = der_with(p);
    let mut needle = vec![0x0c, u8::try_from(content.len()).expect("short")];
    needle.extend(placeholder.as_bytes());
    // In the subject, and in the issuer (the certificate is self-signed).
    let mut found = 0;
    while let Some(at) = der
        .windows(needle.len())
        .position(|w| w == needle.as_slice())
    {
        der[at] = tag;
        der[at + 2..at + 2 + content.len()].copy_from_slice(content);
        found += 1;
    }
    assert_eq!(found, 2, "the placeholder CN is in subject and issuer");
    der
}

fn assemble(cert: &[u8], key: Option<&[u8]>) -> sstp_cert::adapters::dir_store::AssembledEntry {
    assemble_entry(
        EntryFile::new("entry.pem", cert),
        key.map(|k| EntryFile::new("entry.key", k)),
        None,
    )
}

#[cfg(unix)]
fn codes_of(s: &StoreSnapshot, source: &str) -> Vec<String> {
    s.problems
        .iter()
        .filter(|p| p.source == source)
        .map(|p| p.code.clone())
        .collect()
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

const HASH: &str = "5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192";

// ---------------------------------------------------------------------------
// Certificates

#[test]
fn truncated_der() {
    let der = sample_der();
    for len in [1, 2, 4, 100, der.len() / 2, der.len() - 1] {
        let e = Certificate::from_der(der[..len].to_vec()).unwrap_err();
        assert!(matches!(e, CertificateError::NotDer { .. }), "{len}: {e:?}");
        assert!(e.to_string().starts_with("not a DER X.509 certificate"));
    }
    assert_eq!(
        assemble(&der[..der.len() - 1], None).problems[0].code,
        codes::MALFORMED_CERTIFICATE
    );
}

#[test]
fn trailing_garbage_after_der() {
    let der = sample_der();
    let mut bytes = der.clone();
    bytes.extend([0u8, 0x30, 0x00]);
    assert_eq!(
        Certificate::from_der(bytes.clone()),
        Err(CertificateError::TrailingData {
            len: der.len(),
            trailing: 3
        })
    );
    assert_eq!(
        Certificate::from_pem_or_der(&bytes),
        Err(CertificateError::TrailingData {
            len: der.len(),
            trailing: 3
        })
    );
    assert_eq!(
        assemble(&bytes, None).problems[0].code,
        codes::MALFORMED_CERTIFICATE
    );
}

#[test]
fn wrong_pem_labels() {
    let der = sample_der();
    // A certificate under another label is not a certificate block.
    let crl = pem("X509 CRL", &der);
    assert_eq!(
        Certificate::from_pem_or_der(crl.as_bytes()),
        Err(CertificateError::Pem {
            reason: "no CERTIFICATE block found".into()
        })
    );
    assert_eq!(
        assemble(crl.as_bytes(), None).problems[0].code,
        codes::MALFORMED_CERTIFICATE
    );
    // BEGIN and END that do not match: a broken block.
    let mismatched = pem("CERTIFICATE", &der).replace("END CERTIFICATE", "END PRIVATE KEY");
    assert!(matches!(
        Certificate::from_pem_or_der(mismatched.as_bytes()),
        Err(CertificateError::Pem { .. })
    ));
    // A key file holding a public key, or an OpenSSH key.
    let public = pem("PUBLIC KEY", &[0x30, 0x00]);
    assert_eq!(
        PrivateKey::from_pem_or_der(public.as_bytes()),
        Err(KeyError::NoKey {
            found: "PUBLIC KEY".into()
        })
    );
    let openssh = pem("OPENSSH PRIVATE KEY", b"openssh-key-v1\0");
    assert_eq!(
        PrivateKey::from_pem_or_der(openssh.as_bytes()),
        Err(KeyError::UnsupportedFormat {
            location: KeyLocation::PemBlock {
                index: 1,
                label: "OPENSSH PRIVATE KEY".into()
            }
        })
    );
    let made = assemble(
        pem("CERTIFICATE", &der).as_bytes(),
        Some(openssh.as_bytes()),
    );
    assert_eq!(
        made.entry.expect("the certificate is fine").key,
        KeyState::Absent
    );
    assert_eq!(made.problems[0].code, codes::UNSUPPORTED_KEY);
}

#[test]
fn tags_of_the_wrong_class() {
    // vpn.example.com with Server Authentication: CN and SAN dNSName.
    let der = der_with(params("vpn.example.com", &server_auth()));
    assert!(Certificate::from_der(der.clone()).is_ok());
    let at = |pattern: &[u8]| {
        der.windows(pattern.len())
            .position(|w| w == pattern)
            .unwrap_or_else(|| panic!("{pattern:02x?} in the test certificate"))
    };
    let with = |offset: usize, byte: u8| {
        let mut changed = der.clone();
        changed[offset] = byte;
        Certificate::from_der(changed)
    };
    let not_der = |offset: usize, byte: u8, element: &str| {
        let e = with(offset, byte).expect_err(element);
        let CertificateError::NotDer { reason } = &e else {
            panic!("{element}: expected NotDer, got {e:?}");
        };
        assert!(reason.starts_with(element), "{reason}");
        assert!(reason.contains(&format!("at byte {offset}")), "{reason}");
        assert!(reason.contains(&format!("(0x{byte:02X})")), "{reason}");
    };
    // The outer SEQUENCE as context-specific [16].
    not_der(0, 0xB0, "Certificate");
    // notBefore, a UTCTime (0x17), as application [23].
    not_der(at(&[0x17, 0x0d]), 0x57, "validity.notBefore");
    // The Server Authentication purpose OID as context-specific [6]: read
    // by number it would still be Server Authentication.
    not_der(
        at(&[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01]),
        0x86,
        "extKeyUsage.keyPurposeId",
    );
    // The P-256 curve of the key (rcgen's default) as application [6]: by
    // number it would still read as P-256.
    not_der(
        at(&[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]),
        0x46,
        "subjectPublicKeyInfo.algorithm.parameters",
    );
    // The SAN dNSName [2] (0x82) as a universal INTEGER (0x02).
    let mut san = vec![0x82, 15];
    san.extend_from_slice(b"vpn.example.com");
    not_der(at(&san), 0x02, "subjectAltName.GeneralName");
    // The subject CN's UTF8String (0x0c) as context-specific [12]: not a
    // string at all, so not a name to match.
    let mut cn = vec![0x0c, 15];
    cn.extend_from_slice(b"vpn.example.com");
    let cn_at = der.len() - der.windows(cn.len()).rev().position(|w| w == cn).unwrap() - cn.len();
    assert_eq!(
        with(cn_at, 0x8c).map(|_| ()),
        Err(CertificateError::MalformedName {
            index: 1,
            reason: "not a string: ContextSpecific primitive tag 12".into()
        })
    );
    // In a store: a malformed-certificate problem, the rest loads.
    let mut changed = der.clone();
    changed[0] = 0xB0;
    assert_eq!(
        assemble(&changed, None).problems[0].code,
        codes::MALFORMED_CERTIFICATE
    );
}

#[test]
fn der_certificate_containing_pem_text() {
    // `-----BEGIN ` inside a DER certificate (here in its subject) does not
    // make it PEM: input that is one DER structure is DER.
    let der = der_with_cn(0x0c, b"-----BEGIN CERTIFICATE-----");
    let c = Certificate::from_der(der.clone()).expect("DER");
    assert_eq!(c.names().common_names, ["-----BEGIN CERTIFICATE-----"]);
    assert_eq!(Certificate::from_pem_or_der(&der), Ok(vec![c]));
}

#[test]
fn duplicate_extensions() {
    let der = der_with(params("dup.example.com", &Eku::Duplicate));
    assert_eq!(
        Certificate::from_der(der.clone()),
        Err(CertificateError::DuplicateExtension {
            oid: "2.5.29.37".into(),
            name: "extendedKeyUsage".into()
        })
    );
    assert_eq!(
        assemble(&der, None).problems[0].code,
        codes::MALFORMED_CERTIFICATE
    );
    // Two SAN extensions.
    let mut p = params("dup.example.com", &server_auth());
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &[2, 5, 29, 17],
        vec![0x30, 0x05, 0x82, 0x03, b'a', b'.', b'b'],
    ));
    assert_eq!(
        Certificate::from_der(der_with(p)),
        Err(CertificateError::DuplicateExtension {
            oid: "2.5.29.17".into(),
            name: "subjectAltName".into()
        })
    );
}

#[test]
fn unknown_critical_extensions() {
    let mut p = params("vpn.example.com", &server_auth());
    let mut ext =
        CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 99999, 1], vec![0x05, 0x00]);
    ext.set_criticality(true);
    p.custom_extensions.push(ext);
    let c = Certificate::from_der(der_with(p)).expect("parses: the service does not check");
    assert_eq!(c.unknown_critical_extensions(), ["1.3.6.1.4.1.99999.1"]);
    let w = warnings_for(&c, None);
    assert!(
        w.iter()
            .any(|w| w.code == WarningCode::UnknownCriticalExtension),
        "{w:?}"
    );
    assert_eq!(
        WarningCode::UnknownCriticalExtension.code(),
        "unknown-critical-extension"
    );
}

#[test]
fn bmpstring_and_utf8_oddities_in_names() {
    // A BMPString CN (older Windows-made certificates) decodes.
    let c = Certificate::from_der(der_with_cn(0x1e, &[0, b'V', 0, b'P', 0, b'N'])).expect("BMP");
    assert_eq!(c.names().common_names, ["VPN"]);
    // A BMPString of odd length, or with an unpaired surrogate.
    assert_eq!(
        Certificate::from_der(der_with_cn(0x1e, &[0, b'V', 0, b'P', 0])),
        Err(CertificateError::MalformedName {
            index: 1,
            reason: "BMPString of odd length 5".into()
        })
    );
    assert_eq!(
        Certificate::from_der(der_with_cn(0x1e, &[0xd8, 0x00, 0, b'A'])),
        Err(CertificateError::MalformedName {
            index: 1,
            reason: "BMPString with an unpaired surrogate".into()
        })
    );
    // Invalid UTF-8 in a UTF8String.
    assert_eq!(
        Certificate::from_der(der_with_cn(0x0c, b"A\xffBC")),
        Err(CertificateError::MalformedName {
            index: 1,
            reason: "invalid UTF-8 at byte 1".into()
        })
    );
    // Valid but non-ASCII (a right-to-left override): kept exactly, and
    // never matches a host name.
    let odd = "vpn\u{202e}moc.elpmaxe";
    let c = Certificate::from_der(der_with_cn(0x0c, odd.as_bytes())).expect("UTF-8");
    assert_eq!(c.names().common_names, [odd]);
    let host = ReferenceId::parse("vpn.example.com").expect("host");
    // (without the certificate's dNSName, so that the Windows client reads the CN)
    let cn_only = sstp_cert::model::certificate::Names {
        dns: Vec::new(),
        ..c.names().clone()
    };
    let v = Profile::WindowsClient.check_names(&cn_only, &host);
    assert!(!v.matched);
    assert_eq!(v.reasons[0].rule, Rule::PresentedNotAscii);
}

#[test]
fn nul_inside_names() {
    // Presented: a SAN dNSName with a NUL is kept as encoded and never matches.
    let mut p = params("x", &server_auth());
    p.subject_alt_names = vec![SanType::DnsName(
        "vpn.example.com\0.evil.example".try_into().expect("IA5"),
    )];
    let c = Certificate::from_der(der_with(p)).expect("parses");
    assert_eq!(c.names().dns, ["vpn.example.com\0.evil.example"]);
    let host = ReferenceId::parse("vpn.example.com").expect("host");
    for profile in [Profile::WindowsClient, Profile::Rfc9525] {
        let v = profile.check_names(c.names(), &host);
        assert!(!v.matched);
        assert_eq!(v.reasons[0].rule, Rule::PresentedContainsNul);
    }
    // Typed: a NUL in a reference is an error naming its position.
    assert_eq!(
        ReferenceId::parse("vpn\0.example.com"),
        Err(HostError::Nul { position: 4 })
    );
}

// ---------------------------------------------------------------------------
// Keys

#[test]
fn encrypted_keys() {
    assert_eq!(
        PrivateKey::from_pem_or_der(&key_file("encrypted.pk8.pem")),
        Err(KeyError::Encrypted {
            location: KeyLocation::PemBlock {
                index: 1,
                label: "ENCRYPTED PRIVATE KEY".into()
            }
        })
    );
    assert_eq!(
        PrivateKey::from_pem_or_der(&key_file("encrypted-legacy.pkcs1.pem")),
        Err(KeyError::Encrypted {
            location: KeyLocation::PemBlock {
                index: 1,
                label: "RSA PRIVATE KEY".into()
            }
        })
    );
    assert_eq!(
        PrivateKey::from_pem_or_der(&key_file("encrypted.pk8.der")),
        Err(KeyError::Encrypted {
            location: KeyLocation::Der {
                format: Some(KeyFormat::Pkcs8)
            }
        })
    );
    let made = assemble(&sample_der(), Some(&key_file("encrypted.pk8.pem")));
    assert_eq!(made.entry.expect("entry").key, KeyState::Absent);
    assert_eq!(made.problems[0].code, codes::ENCRYPTED_KEY);
}

#[test]
fn keys_of_unsupported_algorithms() {
    let algorithm = |file: &str| match PrivateKey::from_pem_or_der(&key_file(file)) {
        Err(KeyError::UnsupportedAlgorithm { name, oid, .. }) => (name, oid),
        other => panic!("{file}: {other:?}"),
    };
    assert_eq!(
        algorithm("dsa.pk8.pem"),
        ("DSA".into(), "1.2.840.10040.4.1".into())
    );
    assert_eq!(
        algorithm("ed448.pk8.pem"),
        ("Ed448".into(), "1.3.101.113".into())
    );
    assert_eq!(
        algorithm("x25519.pk8.pem"),
        ("X25519".into(), "1.3.101.110".into())
    );
    let curve = |file: &str| match PrivateKey::from_pem_or_der(&key_file(file)) {
        Err(KeyError::UnsupportedCurve { name, oid, .. }) => (name, oid),
        other => panic!("{file}: {other:?}"),
    };
    assert_eq!(
        curve("p521.pk8.pem"),
        ("P-521 (secp521r1)".into(), "1.3.132.0.35".into())
    );
    assert_eq!(
        curve("p521.sec1.pem"),
        ("P-521 (secp521r1)".into(), "1.3.132.0.35".into())
    );
    assert_eq!(
        curve("secp256k1.pk8.pem"),
        ("secp256k1".into(), "1.3.132.0.10".into())
    );
    let made = assemble(&sample_der(), Some(&key_file("dsa.pk8.pem")));
    assert_eq!(made.problems[0].code, codes::UNSUPPORTED_KEY);
}

// ---------------------------------------------------------------------------
// Host names

#[test]
fn over_long_labels() {
    let label = "a".repeat(64);
    assert_eq!(
        ReferenceId::parse(&format!("{label}.example.com")),
        Err(HostError::LabelTooLong { label: 1, len: 64 })
    );
    let name = format!("{}.com", vec!["a".repeat(63); 4].join("."));
    assert_eq!(
        ReferenceId::parse(&name),
        Err(HostError::NameTooLong { len: name.len() })
    );
    let huge = "a".repeat(MAX_HOST_LEN + 1);
    assert_eq!(
        ReferenceId::parse(&huge),
        Err(HostError::TooLong {
            len: MAX_HOST_LEN + 1,
            max: MAX_HOST_LEN
        })
    );
    // Presented: a dNSName with an over-long label never matches.
    let names = sstp_cert::model::certificate::Names {
        dns: vec![format!("{label}.example.com")],
        ..Default::default()
    };
    let host = ReferenceId::parse("vpn.example.com").expect("host");
    let v = Profile::WindowsClient.check_names(&names, &host);
    assert_eq!(v.reasons[0].rule, Rule::PresentedInvalidSyntax);
}

// ---------------------------------------------------------------------------
// Text encodings and line ends

fn sstp_pair() -> Vec<SslBinding> {
    let h = HASH.parse().expect("hash");
    vec![
        SslBinding::sstp(Endpoint::ipv4_wildcard(443), h).with_default_fields(ShowStyle::Current),
        SslBinding::sstp(Endpoint::ipv6_wildcard(443), h).with_default_fields(ShowStyle::Current),
    ]
}

#[test]
fn utf16_input_with_and_without_bom() {
    // netsh output, as a PowerShell redirection writes it (with BOM) and
    // without the BOM.
    let text = render_show(&sstp_pair(), ShowStyle::Current);
    let with = parse_sslcert_show(&utf16le(&text, true)).expect("UTF-16LE with BOM");
    assert_eq!(with.encoding, TextEncoding::Utf16LeBom);
    assert_eq!(with.bindings, sstp_pair());
    let without = parse_sslcert_show(&utf16le(&text, false)).expect("UTF-16LE");
    assert_eq!(without.encoding, TextEncoding::Utf16Le);
    assert_eq!(without.bindings, sstp_pair());
    let mut odd = utf16le(&text, true);
    odd.push(b'x');
    let l = parse_sslcert_show(&odd).expect("parses");
    assert!(
        l.problems
            .iter()
            .any(|p| p.kind == ProblemKind::OddUtf16Length)
    );
    // Registry text: regedit writes UTF-16LE with BOM.
    let mut values = RegistryValues::new();
    values.set("UseHttps", RegValue::Dword(1));
    values.set("SHA256CertificateHash", RegValue::Binary(vec![7; 32]));
    let with = parse_reg_file(&values.to_reg_file_utf16()).expect("UTF-16LE with BOM");
    assert_eq!(with.encoding, registry::TextEncoding::Utf16LeBom);
    assert_eq!(with.values, values);
    let without = parse_registry_text(&utf16le(&values.to_reg_file(), false)).expect("UTF-16LE");
    assert_eq!(without.encoding, registry::TextEncoding::Utf16Le);
    assert_eq!(without.values, values);
    let mut odd = values.to_reg_file_utf16();
    odd.push(0);
    assert_eq!(
        parse_reg_file(&odd),
        Err(RegistryParseError::InvalidUtf16 {
            offset: odd.len() - 1,
            problem: "odd number of bytes"
        })
    );
}

#[test]
fn mixed_line_endings() {
    let text = render_show(&sstp_pair(), ShowStyle::Current);
    // Every line end of the CRLF listing replaced in turn by LF, CRLF and
    // CR CR LF (a text-mode copy of a CRLF file).
    let ends = ["\n", "\r\n", "\r\r\n"];
    let mixed: String = text
        .split("\r\n")
        .enumerate()
        .map(|(i, line)| format!("{line}{}", ends[i % 3]))
        .collect();
    let l = parse_sslcert_show(mixed.as_bytes()).expect("parses");
    assert_eq!(l.bindings, sstp_pair());
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    // Registry text: CRLF, LF and a bare CR.
    let reg = "Windows Registry Editor Version 5.00\r\n\r\n\
        [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters]\n\
        \"UseHttps\"=dword:00000001\r\"ListenerPort\"=dword:000001bb\r\n\
        \"SHA1CertificateHash\"=hex:5c,1f,0e,9e,4d,2b,7a,3c,6f,8e,0d,1b,\\\r\n  2a,3c,4d,5e,6f,70,81,92\n";
    let p = parse_reg_file(reg.as_bytes()).expect("parses");
    assert_eq!(p.values.get("UseHttps"), Some(&RegValue::Dword(1)));
    assert_eq!(p.values.get("ListenerPort"), Some(&RegValue::Dword(443)));
    assert_eq!(
        p.values.get("SHA1CertificateHash"),
        Some(&RegValue::Binary(hex::decode(HASH).expect("hex")))
    );
}

// ---------------------------------------------------------------------------
// netsh and registry content

#[test]
fn netsh_block_missing_its_hash() {
    let text = "\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n\
        \x20   IP:port                      : 0.0.0.0:443\r\n\
        \x20   Application ID               : {ba195980-cd49-458b-9e23-c84ee0adcd75}\r\n\
        \x20   Certificate Store Name       : MY\r\n\r\n\
        \x20   IP:port                      : [::]:443\r\n\
        \x20   Certificate Hash             : (null)\r\n\
        \x20   Application ID               : {ba195980-cd49-458b-9e23-c84ee0adcd75}\r\n\
        \x20   Certificate Store Name       : MY\r\n\r\n";
    let l = parse_sslcert_show(text.as_bytes()).expect("a missing hash does not fail the parse");
    assert_eq!(l.bindings.len(), 2);
    for b in &l.bindings {
        assert_eq!(b.cert_hash, None);
        assert_eq!(b.app_id, Some(SSTP_APP_ID));
    }
    assert_eq!(
        l.problems,
        [
            ListingProblem {
                line: 5,
                kind: ProblemKind::MissingCertHash {
                    endpoint: Endpoint::ipv4_wildcard(443)
                }
            },
            ListingProblem {
                line: 9,
                kind: ProblemKind::MissingCertHash {
                    endpoint: Endpoint::ipv6_wildcard(443)
                }
            },
        ]
    );
    // A hash line with something else than 40 hex digits is an error.
    let bad = text.replace("(null)", "5c1f0e9e");
    assert!(matches!(
        parse_sslcert_show(bad.as_bytes()),
        Err(NetshParseError::Unexpected { line: 10, .. })
    ));
}

#[test]
fn registry_hash_of_31_bytes() {
    let listing = format!(
        "\r\n{}\r\n    isHashConfiguredByAdmin    REG_DWORD    0x1\r\n    SHA256CertificateHash    REG_BINARY    {}\r\n\r\n",
        registry::PARAMETERS_KEY,
        "AB".repeat(31)
    );
    let parsed = parse_reg_query(listing.as_bytes()).expect("the text is fine");
    assert_eq!(
        parsed.values.get("SHA256CertificateHash"),
        Some(&RegValue::Binary(vec![0xab; 31]))
    );
    let params = SstpParameters::from_values(&parsed.values);
    assert_eq!(
        params.sha256_certificate_hash,
        HashState::Invalid {
            reason: ValueProblem::WrongLength {
                len: 31,
                expected: 32
            }
        }
    );
    let events = params.hash_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].id, EventId::Sha256HashInvalid);
    assert_eq!(events[0].id.number(), 18);
}

// ---------------------------------------------------------------------------
// Directory stores

#[cfg(unix)]
#[test]
fn directory_with_unreadable_files() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).expect("cert");
    fs::write(d.join("good.pem"), ck.cert.pem()).expect("write");
    // Unreadable: mode 000 (ignored when running as root), a dangling link.
    fs::write(d.join("secret.pem"), ck.cert.pem()).expect("write");
    fs::set_permissions(d.join("secret.pem"), fs::Permissions::from_mode(0o000)).expect("chmod");
    let root = fs::read(d.join("secret.pem")).is_ok();
    symlink(d.join("nowhere.pem"), d.join("dangling.pem")).expect("symlink");
    // Not a regular file: a directory named like a certificate file.
    fs::create_dir(d.join("folder.pem")).expect("mkdir");
    // Too large: a sparse file one byte over the limit, never read.
    let big = fs::File::create(d.join("big.pem")).expect("create");
    big.set_len(MAX_FILE_SIZE + 1).expect("set_len");
    let s = DirectoryStore::new(d)
        .load()
        .expect("the store itself loads");
    let sources: Vec<&str> = s.entries.iter().map(|e| e.source.as_str()).collect();
    if root {
        assert_eq!(sources, ["good.pem", "secret.pem"]);
    } else {
        assert_eq!(sources, ["good.pem"]);
        assert_eq!(codes_of(&s, "secret.pem"), [codes::UNREADABLE_FILE]);
    }
    assert_eq!(codes_of(&s, "dangling.pem"), [codes::UNREADABLE_FILE]);
    assert_eq!(codes_of(&s, "folder.pem"), [codes::NOT_A_REGULAR_FILE]);
    assert_eq!(codes_of(&s, "big.pem"), [codes::FILE_TOO_LARGE]);
}

#[cfg(unix)]
#[test]
fn symlink_loops() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    symlink(d.join("loop2.pem"), d.join("loop1.pem")).expect("symlink");
    symlink(d.join("loop1.pem"), d.join("loop2.pem")).expect("symlink");
    symlink(d.join("self.key"), d.join("self.key")).expect("symlink");
    // Links to the directory itself: as a certificate name, and as a
    // subdirectory (never entered).
    symlink(d, d.join("dir.pem")).expect("symlink");
    symlink(d, d.join("again")).expect("symlink");
    let s = DirectoryStore::new(d).load().expect("loads, and ends");
    assert!(s.entries.is_empty());
    assert_eq!(codes_of(&s, "loop1.pem"), [codes::UNREADABLE_FILE]);
    assert_eq!(codes_of(&s, "loop2.pem"), [codes::UNREADABLE_FILE]);
    assert_eq!(codes_of(&s, "dir.pem"), [codes::NOT_A_REGULAR_FILE]);
    assert_eq!(codes_of(&s, "self.key"), [codes::ORPHAN_KEY]);
    assert!(codes_of(&s, "again").is_empty());
}

// ---------------------------------------------------------------------------
// Sizes

#[test]
fn input_beyond_the_limits() {
    let big_der = vec![0x30; MAX_CERTIFICATE_DER_LEN + 1];
    assert_eq!(
        Certificate::from_der(big_der),
        Err(CertificateError::TooLarge {
            len: MAX_CERTIFICATE_DER_LEN + 1,
            max: MAX_CERTIFICATE_DER_LEN
        })
    );
    let mut big_pem = b"-----BEGIN CERTIFICATE-----\n".to_vec();
    big_pem.resize(MAX_PEM_INPUT_LEN + 1, b'A');
    assert_eq!(
        Certificate::from_pem_or_der(&big_pem),
        Err(CertificateError::PemTooLarge {
            len: MAX_PEM_INPUT_LEN + 1,
            max: MAX_PEM_INPUT_LEN
        })
    );
    assert_eq!(
        PrivateKey::from_pem_or_der(&big_pem),
        Err(KeyError::PemTooLarge {
            len: MAX_PEM_INPUT_LEN + 1,
            max: MAX_PEM_INPUT_LEN
        })
    );
    let netsh = vec![b' '; MAX_NETSH_INPUT + 1];
    assert_eq!(
        parse_sslcert_show(&netsh),
        Err(NetshParseError::TooLarge {
            len: MAX_NETSH_INPUT + 1,
            max: MAX_NETSH_INPUT
        })
    );
    let reg = vec![b' '; MAX_REGISTRY_INPUT + 1];
    assert_eq!(
        parse_registry_text(&reg),
        Err(RegistryParseError::TooLarge {
            len: MAX_REGISTRY_INPUT + 1,
            max: MAX_REGISTRY_INPUT
        })
    );
    assert_eq!(
        parse_hash(&" ".repeat(MAX_HASH_TEXT_LEN + 1)),
        Err(ThumbprintError::TooLong {
            len: MAX_HASH_TEXT_LEN + 1,
            max: MAX_HASH_TEXT_LEN
        })
    );
    assert_eq!(
        parse_sslcert_command(&" ".repeat(MAX_COMMAND_LEN + 1)),
        Err(CommandParseError::TooLong {
            len: MAX_COMMAND_LEN + 1,
            max: MAX_COMMAND_LEN
        })
    );
    assert_eq!(
        parse_line(&" ".repeat(MAX_SCRIPT_LINE + 1)),
        Err(ScriptError::LineTooLong {
            len: MAX_SCRIPT_LINE + 1,
            max: MAX_SCRIPT_LINE
        })
    );
}

/// The extensions the model reads are decoded exactly as x509-parser's
/// deep parse decodes them (issue 17 reads the others shallowly): what is
/// accepted, what is an unknown critical extension, and the messages.
#[test]
fn extensions_decoded_as_the_deep_parse_decodes_them() {
    let with = |oid: &[u64], content: Vec<u8>, critical: bool| {
        let mut p = params("vpn.example.com", &server_auth());
        let mut ext = CustomExtension::from_oid_content(oid, content);
        ext.set_criticality(critical);
        p.custom_extensions.push(ext);
        p
    };
    // A subjectAltName that cannot be decoded: refused, with the decoder's
    // explanation.
    let mut p = with(&[2, 5, 29, 17], vec![0x30, 0x03, 0xa0, 0x01, 0x05], false);
    p.subject_alt_names.clear();
    let result = Certificate::from_der(der_with(p));
    let Err(CertificateError::MalformedExtension { name, reason }) = &result else {
        panic!("refused: {result:?}");
    };
    assert_eq!(name, "subjectAltName");
    assert!(
        !reason.is_empty() && reason != "cannot be decoded",
        "{reason}"
    );
    // A critical inhibitAnyPolicy the parser understands is not unknown; a
    // critical one it cannot decode is.
    let c = Certificate::from_der(der_with(with(
        &[2, 5, 29, 54],
        vec![0x02, 0x01, 0x00],
        true,
    )))
    .expect("parses");
    assert!(c.unknown_critical_extensions().is_empty());
    let c = Certificate::from_der(der_with(with(&[2, 5, 29, 54], vec![0x04, 0x00], true)))
        .expect("parses");
    assert_eq!(c.unknown_critical_extensions(), ["2.5.29.54"]);
    // A keyUsage that cannot be decoded: ignored when not critical, an
    // unknown critical extension when critical.
    let mut p = with(&[2, 5, 29, 15], vec![0x03, 0x02, 0x08, 0x00], false);
    p.key_usages.clear();
    let c = Certificate::from_der(der_with(p.clone())).expect("parses");
    assert_eq!(c.key_usage(), None);
    assert!(c.unknown_critical_extensions().is_empty());
    p.custom_extensions[0].set_criticality(true);
    let c = Certificate::from_der(der_with(p)).expect("parses");
    assert_eq!(c.unknown_critical_extensions(), ["2.5.29.15"]);
    // The same for cRLDistributionPoints: a broken one is not "present".
    let c = Certificate::from_der(der_with(with(&[2, 5, 29, 31], vec![0x04, 0x00], false)))
        .expect("parses");
    assert!(!c.has_crl_distribution_points());
    let c = Certificate::from_der(der_with(with(
        &[2, 5, 29, 31],
        vec![0x30, 0x08, 0x30, 0x06, 0xa0, 0x04, 0xa0, 0x02, 0x86, 0x00],
        true,
    )))
    .expect("parses");
    assert!(c.has_crl_distribution_points());
    assert!(c.unknown_critical_extensions().is_empty());
}
