//! The Windows client profile against evidence that runs on Windows
//! (behaviour §9, issue 14 point 9): the name and error-order cases of Wine's
//! crypt32 SSL-policy conformance tests (`tests/data/wine-ssl-policy.json`,
//! with their provenance), and the trailing dot.

use std::path::PathBuf;

use rcgen::{CertificateParams, DnType, KeyPair};
use serde_json::Value;
use sstp_cert::model::certificate::{Certificate, Names};
use sstp_cert::model::hostname::{
    ChainStatus, Profile, ReferenceId, Rule, SslPolicyError, windows_ssl_policy,
};
use time::{Duration, OffsetDateTime, macros::datetime};

/// The date each case is checked at (any date: the rebuilt leaf's validity
/// is placed around it as the case says).
const AT: OffsetDateTime = datetime!(2007-10-01 0:00 UTC);

fn data() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/wine-ssl-policy.json");
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// A leaf with the case's SAN dNSNames and (first) CN, valid or not at
/// [`AT`].
fn rebuild(san: &[String], cn: Option<&String>, time_valid: bool) -> Certificate {
    let mut p = CertificateParams::new(san.to_vec()).unwrap();
    p.distinguished_name = rcgen::DistinguishedName::new();
    if let Some(cn) = cn {
        p.distinguished_name.push(DnType::CommonName, cn.as_str());
    }
    p.not_before = AT - Duration::days(365);
    p.not_after = if time_valid {
        AT + Duration::days(365)
    } else {
        AT - Duration::days(1)
    };
    let k = KeyPair::generate().unwrap();
    Certificate::from_der(p.self_signed(&k).unwrap().der().to_vec()).unwrap()
}

fn expected(s: &str) -> Result<(), SslPolicyError> {
    match s {
        "OK" => Ok(()),
        "CERT_E_CN_NO_MATCH" => Err(SslPolicyError::CnNoMatch),
        "CERT_E_UNTRUSTEDROOT" => Err(SslPolicyError::UntrustedRoot),
        "CERT_E_EXPIRED" => Err(SslPolicyError::Expired),
        other => panic!("unknown expectation {other}"),
    }
}

#[test]
fn the_windows_profile_passes_wines_ssl_policy_cases() {
    let d = data();
    let cases = d["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 17);
    let mut failures = Vec::new();
    for c in cases {
        let id = c["id"].as_str().unwrap();
        let san = strings(&c["san_dns"]);
        let cns = strings(&c["cn"]);
        let time_valid = c["time_valid"].as_bool().unwrap();
        let cert = rebuild(&san, cns.first(), time_valid);
        assert_eq!(cert.names().dns, san, "{id}");
        // rcgen puts one CN per certificate; the case's CNs (Wine's chain31
        // has two) are given to the profile as the certificate parser
        // would read them.
        let names = Names {
            common_names: cns.clone(),
            ..cert.names().clone()
        };
        if cns.len() <= 1 {
            assert_eq!(&names, cert.names(), "{id}");
        }
        let chain = ChainStatus::of(&cert, AT, c["root_trusted"].as_bool().unwrap());
        assert_eq!(chain.time_valid, time_valid, "{id}");
        let host = ReferenceId::parse(c["server_name"].as_str().unwrap()).unwrap();
        let verdict = Profile::WindowsClient.check_names(&names, &host);
        let got = windows_ssl_policy(chain, &verdict);
        let want = expected(c["expected"].as_str().unwrap());
        if got != want {
            failures.push(format!(
                "{id}: expected {want:?}, got {got:?} ({:?})",
                verdict.reasons
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The rule each name case rests on, so that a pass is not an accident of
/// the error order.
#[test]
fn wines_name_cases_are_refused_for_the_documented_rule() {
    let names = |dns: &[&str], cn: &[&str]| Names {
        dns: dns.iter().map(|s| s.to_string()).collect(),
        common_names: cn.iter().map(|s| s.to_string()).collect(),
        has_san_extension: !dns.is_empty(),
        ..Names::default()
    };
    let rule = |n: &Names, host: &str| {
        let v = Profile::WindowsClient.check_names(n, &ReferenceId::parse(host).unwrap());
        v.reasons.iter().map(|r| r.rule).collect::<Vec<_>>()
    };
    let winehq = names(&["*.winehq.org"], &[]);
    assert_eq!(rule(&winehq, "winehq.org"), [Rule::WildcardLabelCount]);
    assert_eq!(rule(&winehq, "a.b.winehq.org"), [Rule::WildcardLabelCount]);
    assert_eq!(rule(&winehq, "test.winehq.org"), [Rule::WildcardMatch]);
    let openssl = names(&[], &["*.openssl.org"]);
    assert_eq!(rule(&openssl, "fopenssl.org"), [Rule::WildcardMismatch]);
    let foo = names(&[], &["*.foo.com", "foo.com"]);
    assert_eq!(rule(&foo, "foo.com"), [Rule::ExactMatch]);
    assert_eq!(
        rule(&foo, "afoo.com"),
        [Rule::WildcardMismatch, Rule::NameMismatch]
    );
}

/// behaviour §9: CryptoAPI compares the server name as given, so
/// `vpn.example.com.` fails against `vpn.example.com` (CERT_E_CN_NO_MATCH);
/// the RFC 9525 profile ignores the dot.
#[test]
fn a_trailing_dot_is_a_name_mismatch_for_windows() {
    let cert = rebuild(&["vpn.example.com".into()], None, true);
    let host = ReferenceId::parse("vpn.example.com.").unwrap();
    assert_eq!(host.to_string(), "vpn.example.com.");
    let windows = Profile::WindowsClient.check(&cert, &host);
    assert!(!windows.matched());
    assert_eq!(windows.reasons()[0].rule, Rule::ReferenceTrailingDot);
    assert!(
        windows
            .consequence
            .as_deref()
            .is_some_and(|c| c.contains("CERT_E_CN_NO_MATCH"))
    );
    assert_eq!(
        windows_ssl_policy(ChainStatus::GOOD, &windows.name),
        Err(SslPolicyError::CnNoMatch)
    );
    assert!(Profile::Rfc9525.check(&cert, &host).matched());
    // without the dot, Windows matches
    let plain = ReferenceId::parse("vpn.example.com").unwrap();
    assert!(Profile::WindowsClient.check(&cert, &plain).matched());
}
