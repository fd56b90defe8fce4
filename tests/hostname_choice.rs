//! The intended host in the automatic choice, and the JSON shape the CLI
//! relies on.
// Some helpers serve only the JSON tests, which need `serde`.
#![cfg_attr(not(feature = "serde"), allow(unused_imports, dead_code))]

use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose as E, KeyPair};
#[cfg(feature = "serde")]
use serde_json::{Value, json};
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::choice::{ChoiceOptions, Reason, choose};
use sstp_cert::model::hostname::{HostVerdicts, Profile, ReferenceId};
use sstp_cert::model::store::{KeyState, StoreEntry};
use sstp_cert::model::warning::WarningCode;

fn cert(sans: &[&str], cn: Option<&str>, ekus: Vec<E>) -> Certificate {
    let mut p =
        CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.extended_key_usages = ekus;
    if let Some(cn) = cn {
        p.distinguished_name.push(DnType::CommonName, cn);
    }
    let k = KeyPair::generate().unwrap();
    Certificate::from_der(p.self_signed(&k).unwrap().der().to_vec()).unwrap()
}

fn host(s: &str) -> ReferenceId {
    ReferenceId::parse(s).unwrap()
}

fn store() -> Vec<StoreEntry> {
    vec![
        StoreEntry::new(
            cert(&["old.example.com"], None, vec![E::Any]),
            KeyState::Linked,
            "any-purpose",
        ),
        StoreEntry::new(
            cert(&["vpn.example.com"], None, vec![E::ServerAuth]),
            KeyState::Absent,
            "no-key",
        ),
        StoreEntry::new(
            cert(&["*.example.net"], None, vec![E::ServerAuth]),
            KeyState::Linked,
            "server-auth",
        ),
        StoreEntry::new(
            cert(&["vpn.example.com"], None, vec![E::ClientAuth]),
            KeyState::Linked,
            "client-auth",
        ),
    ]
}

#[test]
fn the_host_never_changes_the_choice() {
    let entries = store();
    let plain = choose(&entries, &ChoiceOptions::windows());
    for h in [
        "vpn.example.com",
        "a.example.net",
        "192.0.2.1",
        "old.example.com",
    ] {
        let with = choose(&entries, &ChoiceOptions::windows().for_host(host(h)));
        assert_eq!(
            with.selected.as_ref().map(|s| s.index),
            plain.selected.as_ref().map(|s| s.index)
        );
        assert_eq!(with.events, plain.events);
        for (a, b) in with.candidates.iter().zip(&plain.candidates) {
            assert_eq!(a.reasons, b.reasons, "{h}");
            assert_eq!(a.eligible, b.eligible);
            assert!(a.host.is_some() && b.host.is_none());
            // The only added warning is the host-name one, on the chosen one.
            let extra: Vec<_> = a
                .warnings
                .iter()
                .filter(|w| !b.warnings.contains(w))
                .collect();
            assert!(
                extra
                    .iter()
                    .all(|w| w.code == WarningCode::HostNameMismatch)
            );
            assert!(extra.is_empty() || a.is_chosen());
        }
    }
}

#[test]
fn chosen_certificate_that_windows_refuses_is_a_warning() {
    let entries = store();
    let choice = choose(
        &entries,
        &ChoiceOptions::windows().for_host(host("vpn.example.com")),
    );
    let chosen = choice.selected_candidate().unwrap();
    assert_eq!(chosen.source, "server-auth");
    assert_eq!(chosen.reasons, vec![Reason::ChosenFirstServerAuth]);
    let w = chosen
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::HostNameMismatch)
        .expect("host-name warning");
    assert!(
        w.consequence.contains("CERT_E_CN_NO_MATCH (0x800B010F)"),
        "{w}"
    );
    assert!(
        w.message.contains("dns:*.example.net (wildcard-mismatch)"),
        "{w}"
    );
    assert!(w.message.contains("vpn.example.com"), "{w}");
    // The selected summary carries the same verdicts.
    let sel = choice.selected.as_ref().unwrap();
    assert_eq!(sel.host.as_ref(), chosen.host.as_deref());
    // The ineligible no-key entry would have matched: its verdicts say so.
    let no_key = &choice.candidates[1];
    assert!(no_key.host.as_ref().unwrap().all_matched());
    assert!(
        no_key
            .warnings
            .iter()
            .all(|w| w.code != WarningCode::HostNameMismatch)
    );
}

#[test]
fn chosen_certificate_that_windows_accepts_has_no_warning() {
    let entries = store();
    let choice = choose(
        &entries,
        &ChoiceOptions::windows().for_host(host("A.Example.NET")),
    );
    let chosen = choice.selected_candidate().unwrap();
    assert!(
        chosen
            .warnings
            .iter()
            .all(|w| w.code != WarningCode::HostNameMismatch)
    );
    let v = chosen.host.as_ref().unwrap();
    assert_eq!(
        v.get(Profile::WindowsClient)
            .unwrap()
            .identifier()
            .unwrap()
            .to_string(),
        "dns:*.example.net"
    );
}

/// behaviour §9: the Windows client compares the name as given, so a host name
/// dialled with a trailing dot fails (CERT_E_CN_NO_MATCH) and the chosen
/// certificate carries the warning; RFC 9525 clients ignore the dot.
#[test]
fn a_trailing_dot_fails_for_windows_only() {
    let entries = store();
    let choice = choose(
        &entries,
        &ChoiceOptions::windows().for_host(host("A.Example.NET.")),
    );
    let chosen = choice.selected_candidate().unwrap();
    assert!(
        chosen
            .warnings
            .iter()
            .any(|w| w.code == WarningCode::HostNameMismatch)
    );
    let v = chosen.host.as_ref().unwrap();
    let windows = v.get(Profile::WindowsClient).unwrap();
    assert!(!windows.matched());
    assert_eq!(windows.reasons()[0].rule.code(), "reference-trailing-dot");
    assert!(v.get(Profile::Rfc9525).unwrap().matched());
}

#[test]
fn cn_only_certificate_windows_accepts_rfc9525_refuses() {
    let entries = vec![StoreEntry::new(
        cert(&[], Some("vpn.example.com"), vec![E::ServerAuth]),
        KeyState::Linked,
        "cn-only",
    )];
    let choice = choose(
        &entries,
        &ChoiceOptions::windows().for_host(host("vpn.example.com")),
    );
    let chosen = choice.selected_candidate().unwrap();
    let v = chosen.host.as_ref().unwrap();
    assert!(v.get(Profile::WindowsClient).unwrap().matched());
    assert!(!v.get(Profile::Rfc9525).unwrap().matched());
    // Windows connects: no host-name warning (the verdicts show RFC 9525).
    assert!(
        chosen
            .warnings
            .iter()
            .all(|w| w.code != WarningCode::HostNameMismatch)
    );
}

#[test]
fn nothing_chosen_still_reports_verdicts() {
    let entries = vec![StoreEntry::new(
        cert(&["vpn.example.com"], None, vec![E::ServerAuth]),
        KeyState::Absent,
        "no-key",
    )];
    let choice = choose(
        &entries,
        &ChoiceOptions::windows().for_host(host("other.example.com")),
    );
    assert!(choice.selected.is_none());
    let c = &choice.candidates[0];
    assert!(!c.host.as_ref().unwrap().all_matched());
    assert!(
        c.warnings
            .iter()
            .all(|w| w.code != WarningCode::HostNameMismatch)
    );
}

#[cfg(feature = "serde")]
#[test]
fn json_without_a_host_is_unchanged() {
    let entries = store();
    let v = serde_json::to_value(choose(&entries, &ChoiceOptions::windows())).unwrap();
    for c in v["candidates"].as_array().unwrap() {
        assert!(c.get("host").is_none());
    }
    assert!(v["selected"].get("host").is_none());
    let with = serde_json::to_value(choose(
        &entries,
        &ChoiceOptions::windows().for_host(host("vpn.example.com")),
    ))
    .unwrap();
    assert_eq!(with["selected"]["host"]["host"], "vpn.example.com");
    assert_eq!(
        with["candidates"][1]["host"]["profiles"]["windows"]["identifier"],
        "dns:vpn.example.com"
    );
}

#[cfg(feature = "serde")]
fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

/// The shape `check-host --json` prints.
#[cfg(feature = "serde")]
#[test]
fn check_host_json_shape() {
    let c = cert(
        &["*.example.com"],
        Some("vpn.example.com"),
        vec![E::ServerAuth],
    );
    let v = HostVerdicts::check(&c, &host("vpn.example.com"));
    let j = serde_json::to_value(&v).unwrap();
    assert_eq!(keys(&j), ["host", "profiles"]);
    assert_eq!(keys(&j["profiles"]), ["rfc9525", "sstpc", "windows"]);
    for p in ["windows", "rfc9525", "sstpc"] {
        assert_eq!(
            keys(&j["profiles"][p]),
            [
                "accepted",
                "consequence",
                "eku",
                "identifier",
                "matched",
                "name_checked",
                "reasons",
                "warnings"
            ]
        );
    }
    assert_eq!(
        j["profiles"]["windows"]["reasons"],
        json!([{
            "identifier": "dns:*.example.com",
            "rule": "wildcard-match",
            "explanation": "the wildcard stands for the host name's left-most label and the rest is equal"
        }])
    );
    assert_eq!(j["profiles"]["sstpc"]["identifier"], Value::Null);
    assert_eq!(j["profiles"]["windows"]["consequence"], Value::Null);
    assert_eq!(
        j["profiles"]["sstpc"]["warnings"][0]["code"],
        "no-host-name-check"
    );
    assert_eq!(j["profiles"]["rfc9525"]["eku"]["rule"], "server-auth");
    assert_eq!(
        j["profiles"]["rfc9525"]["eku"]["purposes"],
        json!(["1.3.6.1.5.5.7.3.1"])
    );

    // --client rfc9525: only that profile.
    let one = HostVerdicts::check_profiles(&c, &host("x.y.example.com"), &[Profile::Rfc9525]);
    let j = serde_json::to_value(&one).unwrap();
    assert_eq!(keys(&j["profiles"]), ["rfc9525"]);
    assert_eq!(j["profiles"]["rfc9525"]["matched"], false);
    assert!(
        j["profiles"]["rfc9525"]["consequence"]
            .as_str()
            .unwrap()
            .contains("does not name the host")
    );
    assert_eq!(
        j["profiles"]["rfc9525"]["reasons"],
        json!([
            {"identifier": "dns:*.example.com", "rule": "wildcard-label-count",
             "explanation": "'*' stands for exactly one label: it matches neither the bare domain nor deeper subdomains"},
            {"identifier": "cn:vpn.example.com", "rule": "cn-not-used",
             "explanation": "this profile never falls back to the subject common name"}
        ])
    );
    assert!(!one.all_matched());
}
