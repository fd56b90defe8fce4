//! The diagnosis: one test per finding code, with the fix commands checked.

mod common;
mod sim;

use common::*;
use sim::*;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::diagnosis::{
    Diagnosis, DiagnosisInput, FindingCode, RESTART_COMMANDS, Severity, diagnose,
};
use sstp_cert::model::hostname::{Profile, ReferenceId};
use sstp_cert::model::httpsys::SslBinding;
use sstp_cert::model::plumbing::{GoneCertificateProfile, Mode};
use sstp_cert::model::port::{FamilyStatus, FixedPortProbe, PortProbe};
use sstp_cert::model::registry::{RegValue, RegistryValues, SstpParameters};
use sstp_cert::model::store::StoreEntry;
use sstp_cert::model::thumbprint::Sha1Thumbprint;
use time::macros::datetime;

const AT: time::OffsetDateTime = datetime!(2026-11-22 0:00 UTC);

fn run(store: &[StoreEntry], bindings: &[SslBinding], reg: &RegistryValues) -> Diagnosis {
    let params = SstpParameters::from_values(reg);
    let mut input = DiagnosisInput::new(store, bindings, &params);
    input.at = Some(AT);
    diagnose(&input)
}

fn codes(d: &Diagnosis) -> Vec<&'static str> {
    d.findings.iter().map(|f| f.code.code()).collect()
}

fn one(d: &Diagnosis, code: FindingCode) -> &sstp_cert::model::diagnosis::Finding {
    let v: Vec<_> = d.with_code(code).collect();
    assert_eq!(v.len(), 1, "{code}: {:#?}", d.findings);
    v[0]
}

fn rebinds_to(fix: &[String], to: &Certificate) -> bool {
    fix.iter().any(|l| {
        l.starts_with("netsh http add sslcert ipport=0.0.0.0:443")
            && l.contains(&to.sha1().to_string())
    }) || fix
        .iter()
        .any(|l| l.starts_with("reg add") && l.contains("SHA256CertificateHash"))
}

#[test]
fn healthy_server_has_no_errors() {
    let a = vpn_cert("a", &server_auth());
    let d = run(&[linked(&a)], &both_sstp(&a), &auto_record(&a));
    assert!(!d.has_errors(), "{:#?}", d.findings);
    // rcgen's certificates are self-signed: only client-side warnings remain
    assert!(
        d.findings
            .iter()
            .all(|f| f.code == FindingCode::CertificateWarning),
        "{:#?}",
        d.findings
    );
    assert_eq!(d.plumbing.mode, Mode::Auto);
    assert!(d.events.is_empty());
}

#[test]
fn no_valid_certificate() {
    let c = vpn_cert("c", &client_auth());
    let d = run(&[linked(&c)], &[], &RegistryValues::new());
    let f = one(&d, FindingCode::NoValidCertificate);
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("Event 11"));
    assert!(d.events.iter().any(|e| e.id.number() == 11));
    // both pairs unbound, and the service cannot bind them
    assert_eq!(
        d.with_code(FindingCode::NoBinding).count(),
        1,
        "coalesced pair"
    );
    assert_eq!(one(&d, FindingCode::NoBinding).severity, Severity::Error);
}

#[test]
fn no_binding_that_the_service_will_create() {
    let a = vpn_cert("a", &server_auth());
    let d = run(&[linked(&a)], &[], &RegistryValues::new());
    let f = one(&d, FindingCode::NoBinding);
    assert_eq!(
        f.severity,
        Severity::Warning,
        "automatic mode binds at next start"
    );
    assert_eq!(f.fix, RESTART_COMMANDS.map(String::from).to_vec());
    assert!(codes(&d).contains(&"service-will-rebind"));
}

#[test]
fn binding_certificate_missing_works_until_reboot() {
    let old = vpn_cert("old", &server_auth());
    let new = vpn_cert("new", &server_auth());
    let d = run(&[linked(&new)], &both_sstp(&old), &auto_record(&old));
    let f = one(&d, FindingCode::BindingCertificateMissing);
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("until the next reboot"));
    assert!(
        f.message.contains("0.0.0.0:443 and [::]:443"),
        "{}",
        f.message
    );
    assert_eq!(f.certificate, Some(old.sha1()));
    // the fix is the plan: delete both bindings and the hashes, restart
    assert_eq!(f.fix[0], "netsh http delete sslcert ipport=0.0.0.0:443");
    assert_eq!(f.fix[1], "netsh http delete sslcert ipport=[::]:443");
    assert!(
        f.fix
            .iter()
            .any(|l| l.starts_with("reg delete") && l.contains("SHA256CertificateHash"))
    );
    assert_eq!(f.fix[f.fix.len() - 2..], RESTART_COMMANDS.map(String::from));
    // under the current-release profile the service rebinds by itself
    let params = SstpParameters::from_values(&auto_record(&old));
    let store = [linked(&new)];
    let bindings = both_sstp(&old);
    let mut input = DiagnosisInput::new(&store, &bindings, &params);
    input.profile = GoneCertificateProfile::CurrentRelease;
    let d = diagnose(&input);
    assert!(codes(&d).contains(&"service-will-rebind"));
}

#[test]
fn binding_without_hash() {
    let a = vpn_cert("a", &server_auth());
    let mut b = both_sstp(&a);
    b[1].cert_hash = None;
    let d = run(&[linked(&a)], &b, &auto_record(&a));
    let f = one(&d, FindingCode::BindingWithoutHash);
    assert_eq!(f.endpoint, Some(v6()));
    assert_eq!(f.severity, Severity::Error);
}

#[test]
fn bound_certificate_unusable_without_key() {
    let a = vpn_cert("a", &server_auth());
    let b = vpn_cert("b", &server_auth());
    let d = run(&[keyless(&a), linked(&b)], &both_sstp(&a), &auto_record(&a));
    let f = one(&d, FindingCode::BoundCertificateUnusable);
    assert!(f.message.contains("no usable private key"));
    // Case 1 of behaviour §0.2: b is the only eligible certificate, so the fix
    // deletes the bindings and hashes and lets the service choose it
    assert_eq!(f.fix[0], "netsh http delete sslcert ipport=0.0.0.0:443");
    assert!(
        !f.fix.iter().any(|l| l.contains("netsh http add")),
        "{:?}",
        f.fix
    );
    assert!(f.fix.ends_with(&RESTART_COMMANDS.map(String::from)));
}

#[test]
fn bindings_differ_event_24() {
    let a = vpn_cert("a", &server_auth());
    let b = vpn_cert("b", &server_auth());
    let bindings = vec![sstp(v4(), &a), sstp(v6(), &b)];
    let d = run(&[linked(&a), linked(&b)], &bindings, &auto_record(&a));
    let f = one(&d, FindingCode::BindingsDiffer);
    assert!(f.message.starts_with("Event 24"), "{}", f.message);
    assert!(d.events.iter().any(|e| e.id.number() == 24));
    assert!(!f.fix.is_empty());
}

#[test]
fn bindings_of_the_same_certificate_reissued_do_not_differ() {
    // same issuer and serial: the service compares certificates that way
    let (x, y) = same_issuer_and_serial_pair();
    let bindings = vec![sstp(v4(), &x), sstp(v6(), &y)];
    let d = run(&[linked(&x), linked(&y)], &bindings, &auto_record(&x));
    assert_eq!(d.with_code(FindingCode::BindingsDiffer).count(), 0);
}

#[test]
fn bound_not_intended_when_several_are_eligible() {
    let a = vpn_cert("a", &server_auth());
    let b = vpn_cert("b", &server_auth());
    let store = [linked(&a), linked(&b)];
    let bindings = both_sstp(&a);
    let params = SstpParameters::from_values(&auto_record(&a));
    let mut input = DiagnosisInput::new(&store, &bindings, &params);
    input.intended = Some(b.sha1());
    let d = diagnose(&input);
    let f = one(&d, FindingCode::BoundNotIntended);
    assert_eq!(f.severity, Severity::Warning);
    // Case 2: both bindings added explicitly with the intended thumbprint
    assert!(f.fix.iter().any(|l| l == &format!(
        "netsh http add sslcert ipport=[::]:443 certhash={} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY",
        b.sha1()
    )));
    // bound == intended: nothing to say
    input.intended = Some(a.sha1());
    assert_eq!(
        diagnose(&input)
            .with_code(FindingCode::BoundNotIntended)
            .count(),
        0
    );
}

#[test]
fn intended_certificate_unusable() {
    let a = vpn_cert("a", &server_auth());
    let store = [linked(&a)];
    let bindings = both_sstp(&a);
    let params = SstpParameters::from_values(&auto_record(&a));
    let mut input = DiagnosisInput::new(&store, &bindings, &params);
    input.intended = Some(Sha1Thumbprint::from_bytes([7; 20]));
    let d = diagnose(&input);
    assert!(
        one(&d, FindingCode::IntendedCertificateUnusable)
            .message
            .contains("not in the store")
    );
}

#[test]
fn other_application_owns_pair_and_event_32_in_admin_mode() {
    let a = vpn_cert("a", &server_auth());
    let b = vpn_cert("b", &server_auth());
    // automatic mode: a warning, SSTP adopts IIS's certificate
    let d = run(
        &[linked(&a), linked(&b)],
        &[iis(v4(), &b), iis(v6(), &b)],
        &RegistryValues::new(),
    );
    let f = one(&d, FindingCode::OtherApplicationOwnsPair);
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("IIS"), "{}", f.message);
    // admin mode pinned to a, IIS holds b: Event 32, an error
    let d = run(
        &[linked(&a), linked(&b)],
        &[iis(v4(), &b), iis(v6(), &b)],
        &admin_pin(&a),
    );
    let f = d
        .with_code(FindingCode::OtherApplicationOwnsPair)
        .next()
        .unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("Event 32"));
}

#[test]
fn binding_store_not_my() {
    let a = vpn_cert("a", &server_auth());
    let mut b = both_sstp(&a);
    b[0].store_name = Some("WebHosting".into());
    let d = run(&[linked(&a)], &b, &auto_record(&a));
    assert_eq!(one(&d, FindingCode::BindingStoreNotMy).endpoint, Some(v4()));
}

#[test]
fn admin_hash_certificate_missing_event_25() {
    let a = vpn_cert("a", &server_auth());
    let gone = vpn_cert("gone", &server_auth());
    let d = run(&[linked(&a)], &both_sstp(&a), &admin_pin(&gone));
    let f = one(&d, FindingCode::AdminHashCertificateMissing);
    assert!(f.message.contains("Event 25"));
    assert!(d.events.iter().any(|e| e.id.number() == 25));
    // the fix pins the usable certificate (admin mode writes, not deletes)
    assert!(
        f.fix.iter().any(|l| l.starts_with("reg add")
            && l.contains(&a.sha256().to_string().to_uppercase())
            || l.starts_with("reg add") && l.contains(&a.sha256().to_string())),
        "{:?}",
        f.fix
    );
}

#[test]
fn registry_hash_missing_in_admin_mode_event_18() {
    let a = vpn_cert("a", &server_auth());
    let reg = values(&[("isHashConfiguredByAdmin", RegValue::Dword(1))]);
    let d = run(&[linked(&a)], &both_sstp(&a), &reg);
    let f = one(&d, FindingCode::RegistryHashMissing);
    assert!(f.message.starts_with("Event 18"), "{}", f.message);
    assert!(f.fix[0].starts_with("reg add") && f.fix[0].contains("SHA256CertificateHash"));
}

#[test]
fn registry_hash_of_31_bytes_is_invalid() {
    let a = vpn_cert("a", &server_auth());
    let reg = values(&[("SHA256CertificateHash", RegValue::Binary(vec![0; 31]))]);
    let d = run(&[linked(&a)], &both_sstp(&a), &reg);
    let f = one(&d, FindingCode::RegistryValueInvalid);
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("Event 18"));
}

#[test]
fn registry_value_of_wrong_type() {
    let a = vpn_cert("a", &server_auth());
    let mut reg = auto_record(&a);
    reg.set("ListenerPort", RegValue::String("443".into()));
    let d = run(&[linked(&a)], &both_sstp(&a), &reg);
    let f = one(&d, FindingCode::RegistryValueInvalid);
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("ListenerPort"));
    assert!(f.fix[0].starts_with("reg delete") && f.fix[0].contains("ListenerPort"));
}

#[test]
fn registry_hash_mismatch_breaks_crypto_binding() {
    let a = vpn_cert("a", &server_auth());
    let stale = vpn_cert("stale", &server_auth());
    let d = run(&[linked(&a)], &both_sstp(&a), &auto_record(&stale));
    let f = one(&d, FindingCode::RegistryHashMismatch);
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("Event 6"));
    assert!(f.message.contains(&stale.sha256().to_string()));
    assert!(f.message.contains(&a.sha256().to_string()));
    assert!(f.fix.iter().any(|l| l.starts_with("reg delete")));
    assert!(f.fix.ends_with(&RESTART_COMMANDS.map(String::from)));
}

#[test]
fn bound_certificate_expired_and_not_yet_valid() {
    let mut p = params("vpn.example.com", &server_auth());
    p.not_before = rcgen::date_time_ymd(2015, 1, 1);
    p.not_after = rcgen::date_time_ymd(2016, 1, 1);
    let old = Certificate::from_der(der_with(p)).unwrap();
    let good = vpn_cert("good", &server_auth());
    let d = run(
        &[linked(&old), linked(&good)],
        &both_sstp(&old),
        &auto_record(&old),
    );
    let f = one(&d, FindingCode::BoundCertificateExpired);
    assert!(f.message.contains("CERT_E_EXPIRED"));
    assert!(
        rebinds_to(&f.fix, &good),
        "fix targets the valid one: {:?}",
        f.fix
    );

    let mut p = params("vpn.example.com", &server_auth());
    p.not_before = rcgen::date_time_ymd(2030, 1, 1);
    p.not_after = rcgen::date_time_ymd(2031, 1, 1);
    let fut = Certificate::from_der(der_with(p)).unwrap();
    let d = run(&[linked(&fut)], &both_sstp(&fut), &auto_record(&fut));
    one(&d, FindingCode::BoundCertificateNotYetValid);
}

#[test]
fn host_name_mismatch_per_profile() {
    let cn_only = cn_only_cert("vpn.example.com");
    let store = [linked(&cn_only)];
    let bindings = both_sstp(&cn_only);
    let params = SstpParameters::from_values(&auto_record(&cn_only));
    let mut input = DiagnosisInput::new(&store, &bindings, &params);
    input.host = Some(host());
    let d = diagnose(&input);
    // Windows falls back to the CN: no error; RFC 9525 never does: warning
    let hm: Vec<_> = d.with_code(FindingCode::HostNameMismatch).collect();
    assert_eq!(hm.len(), 1, "{:#?}", d.findings);
    assert_eq!(hm[0].profile, Some(Profile::Rfc9525));
    assert_eq!(hm[0].severity, Severity::Warning);
    let sstpc = one(&d, FindingCode::NoHostNameCheck);
    assert_eq!(sstpc.severity, Severity::Info);

    input.host = Some(ReferenceId::parse("other.example.com").unwrap());
    let d = diagnose(&input);
    let windows = d
        .with_code(FindingCode::HostNameMismatch)
        .find(|f| f.profile == Some(Profile::WindowsClient))
        .unwrap();
    assert_eq!(windows.severity, Severity::Error);
    assert!(windows.message.contains("0x800B010F"));
}

#[test]
fn client_eku_refused_event_16() {
    // bound by hand to a client-auth certificate
    let c = vpn_cert("c", &client_auth());
    let d = run(&[linked(&c)], &both_sstp(&c), &auto_record(&c));
    let f = one(&d, FindingCode::ClientEkuRefused);
    assert!(f.message.contains("Event 16"));
    // and the store rules call it unusable for a server too
    one(&d, FindingCode::BoundCertificateUnusable);
}

#[test]
fn certificate_warnings_of_the_bound_certificate() {
    let a = vpn_cert("a", &server_auth()); // rcgen: self-signed
    let d = run(&[linked(&a)], &both_sstp(&a), &auto_record(&a));
    // self-signed is a warning, not an error
    let mut input_at = None;
    let params = SstpParameters::from_values(&auto_record(&a));
    let store = [linked(&a)];
    let bindings = both_sstp(&a);
    let mut input = DiagnosisInput::new(&store, &bindings, &params);
    input.at = input_at.take();
    let d2 = diagnose(&input);
    for d in [d, d2] {
        let w: Vec<_> = d.with_code(FindingCode::CertificateWarning).collect();
        assert!(
            w.iter().any(|f| f.message.contains("self-signed")),
            "{:#?}",
            d.findings
        );
        assert!(w.iter().all(|f| f.severity == Severity::Warning));
    }
}

#[test]
fn port_unavailable_event_22_per_family() {
    let a = vpn_cert("a", &server_auth());
    let store = [linked(&a)];
    let bindings = both_sstp(&a);
    let params = SstpParameters::from_values(&auto_record(&a));
    let mut input = DiagnosisInput::new(&store, &bindings, &params);
    input.port = Some(
        FixedPortProbe::new(
            FamilyStatus::Available,
            FamilyStatus::InUse {
                detail: "held by another listener".into(),
            },
        )
        .probe(443),
    );
    let d = diagnose(&input);
    let f = one(&d, FindingCode::PortUnavailable);
    assert_eq!(f.endpoint, Some(v6()));
    assert!(f.message.contains("Event 22"));
    assert!(d.events.iter().any(|e| e.id.number() == 22));
}

#[test]
fn http_mode_binds_nothing() {
    let a = vpn_cert("a", &server_auth());
    let mut reg = admin_pin(&a);
    reg.set("UseHttps", RegValue::Dword(0));
    let d = run(&[linked(&a)], &[], &reg);
    let f = one(&d, FindingCode::HttpMode);
    assert_eq!(f.severity, Severity::Info);
    assert!(f.message.contains("http://+:80/sra_"), "{}", f.message);
    assert_eq!(d.with_code(FindingCode::NoBinding).count(), 0);
    assert_eq!(d.plumbing.mode, Mode::Http);
}

#[cfg(feature = "serde")]
#[test]
fn findings_are_sorted_errors_first_and_serialize() {
    let old = vpn_cert("old", &server_auth());
    let new = vpn_cert("new", &server_auth());
    let d = run(&[linked(&new)], &both_sstp(&old), &auto_record(&old));
    let sev: Vec<Severity> = d.findings.iter().map(|f| f.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort();
    assert_eq!(sev, sorted);
    let j = serde_json::to_value(&d).unwrap();
    assert!(j["findings"][0]["code"].is_string());
    assert!(j["findings"][0]["fix"].is_array());
    assert_eq!(j["plumbing"]["mode"], "auto");
    assert!(j["plumbing"]["bindings"].is_array());
    assert!(j["events"].is_array());
}

fn dated(name: &str, from: i32, to: i32) -> Certificate {
    let mut p = params(name, &server_auth());
    p.subject_alt_names = vec![rcgen::SanType::DnsName(name.try_into().unwrap())];
    p.not_before = rcgen::date_time_ymd(from, 1, 1);
    p.not_after = rcgen::date_time_ymd(to, 1, 1);
    Certificate::from_der(der_with(p)).unwrap()
}

/// Every thumbprint a fix line binds (`certhash=`).
fn bound_by_fixes(d: &Diagnosis) -> Vec<String> {
    d.findings
        .iter()
        .flat_map(|f| &f.fix)
        .filter_map(|l| l.split("certhash=").nth(1))
        .map(|r| r.split_whitespace().next().unwrap().to_owned())
        .collect()
}

/// behaviour §11: the certificate the service would bind at its next start
/// being one clients refuse is an error, also when the bindings are
/// unknown (the issue's `diagnose --store examples/store`); the fix binds
/// the recommended certificate, and the report lists the unknown inputs.
#[test]
fn next_start_certificate_refused_is_an_error_with_unknown_bindings() {
    use sstp_cert::model::state::{MachineState, UnknownInput};
    let expired = dated("vpn.example.com", 2015, 2020);
    let good = dated("vpn.example.com", 2025, 2035);
    let state = MachineState::new(vec![linked(&expired), linked(&good)]);
    let parameters = state.parameters();
    let mut input = DiagnosisInput::from_state(&state, &parameters);
    input.at = Some(AT);
    let d = diagnose(&input);
    assert!(d.has_errors(), "{:#?}", d.findings);
    let f = one(&d, FindingCode::NextStartCertificateRefused);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.certificate, Some(expired.sha1()));
    assert!(f.message.contains("CERT_E_EXPIRED"), "{}", f.message);
    assert!(
        f.message.contains("bindings were not given"),
        "{}",
        f.message
    );
    assert!(rebinds_to(&f.fix, &good), "{:?}", f.fix);
    // unknown bindings: both deletes are in the fix, and no binding finding is made
    assert!(
        f.fix
            .contains(&"netsh http delete sslcert ipport=[::]:443".to_owned())
    );
    assert!(!codes(&d).contains(&"no-binding"), "{:?}", codes(&d));
    let unknown: Vec<_> = d.unknown_inputs.iter().filter_map(|a| a.input).collect();
    assert_eq!(unknown, [UnknownInput::Bindings, UnknownInput::Registry]);
    assert_eq!(d.target, Some(good.sha1()));

    // with the host known, a certificate for another name is refused too
    let other = dated("other.example.org", 2025, 2035);
    let state = MachineState::new(vec![linked(&other), linked(&good)])
        .with_bindings(Vec::new())
        .with_registry(RegistryValues::new());
    let parameters = state.parameters();
    let mut input = DiagnosisInput::from_state(&state, &parameters);
    input.at = Some(AT);
    input.host = Some(ReferenceId::parse("vpn.example.com").unwrap());
    let d = diagnose(&input);
    let f = one(&d, FindingCode::NextStartCertificateRefused);
    assert!(f.message.contains("CERT_E_CN_NO_MATCH"), "{}", f.message);
    assert!(d.unknown_inputs.is_empty());
    // the no-binding warning's fix binds the recommended certificate, not
    // just a restart that would bind the refused one
    let nb = d.with_code(FindingCode::NoBinding).next().unwrap();
    assert!(rebinds_to(&nb.fix, &good), "{:?}", nb.fix);
}

/// behaviour §11: one report, one certificate. The second case: a
/// binding to a deleted certificate and a store whose first Server-Auth
/// certificate is expired; every fix binds the valid one.
#[test]
fn every_fix_of_a_report_names_the_same_acceptable_certificate() {
    let gone = dated("vpn.example.com", 2024, 2030);
    let expired = dated("vpn.example.com", 2015, 2020);
    let all_purpose = {
        let mut p = params("vpn.example.com", &Eku::None);
        p.subject_alt_names = vec![rcgen::SanType::DnsName(
            "vpn.example.com".try_into().unwrap(),
        )];
        Certificate::from_der(der_with(p)).unwrap()
    };
    let good = dated("vpn.example.com", 2025, 2035);
    let store = [linked(&all_purpose), linked(&expired), linked(&good)];
    let d = run(&store, &both_sstp(&gone), &auto_record(&gone));
    assert!(codes(&d).contains(&"binding-certificate-missing"));
    assert!(codes(&d).contains(&"bound-not-intended"), "{:?}", codes(&d));
    let bound = bound_by_fixes(&d);
    assert!(!bound.is_empty());
    assert!(
        bound.iter().all(|h| *h == good.sha1().to_string()),
        "{bound:?}"
    );
    let r = d.recommendation.recommended.as_ref().unwrap();
    assert_eq!(r.sha1, good.sha1());
    let why: Vec<Vec<&str>> = d
        .recommendation
        .others
        .iter()
        .map(|c| c.reasons.iter().map(|n| n.code()).collect())
        .collect();
    assert_eq!(why, [vec!["server-auth-preferred"], vec!["expired"]]);
}

/// behaviour §11: when no certificate qualifies, the fix says so and what to
/// obtain, and binds nothing.
#[test]
fn when_none_qualifies_the_fix_binds_nothing() {
    let expired = dated("vpn.example.com", 2015, 2020);
    let d = run(
        &[linked(&expired)],
        &both_sstp(&expired),
        &auto_record(&expired),
    );
    let f = one(&d, FindingCode::BoundCertificateExpired);
    assert_eq!(f.severity, Severity::Error);
    assert!(bound_by_fixes(&d).is_empty(), "{:#?}", d.findings);
    assert!(
        f.fix[0].starts_with("rem no certificate in the store qualifies"),
        "{:?}",
        f.fix
    );
    assert!(f.fix[0].contains("Server Authentication"));
    assert!(f.fix.iter().any(|l| l.starts_with("certutil -importpfx")));
    assert_eq!(d.target, None);
}

/// behaviour §11: a certificate in service that expires within the threshold
/// (30 days by default) is a warning.
#[test]
fn expiring_soon_is_a_warning() {
    let soon = dated("vpn.example.com", 2025, 2026);
    let at = datetime!(2025-12-20 0:00 UTC);
    let store = [linked(&soon)];
    let bindings = both_sstp(&soon);
    let params = SstpParameters::from_values(&auto_record(&soon));
    let mut input = DiagnosisInput::new(&store, &bindings, &params);
    input.at = Some(at);
    let d = diagnose(&input);
    let f = one(&d, FindingCode::CertificateExpiringSoon);
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("expires in 12 day(s)"), "{}", f.message);
    assert!(!d.has_errors(), "{:#?}", d.findings);
    input.expiry_warning_days = 10;
    assert_eq!(
        diagnose(&input)
            .with_code(FindingCode::CertificateExpiringSoon)
            .count(),
        0
    );
}

/// behaviour §11: an intended certificate clients refuse gets a warning, and no
/// fix binds it.
#[test]
fn an_intended_certificate_clients_refuse_is_warned_about() {
    let expired = dated("vpn.example.com", 2015, 2020);
    let good = dated("vpn.example.com", 2025, 2035);
    let store = [linked(&good), linked(&expired)];
    let bindings = both_sstp(&good);
    let params = SstpParameters::from_values(&auto_record(&good));
    let mut input = DiagnosisInput::new(&store, &bindings, &params);
    input.at = Some(AT);
    input.intended = Some(expired.sha1());
    let d = diagnose(&input);
    let f = one(&d, FindingCode::IntendedCertificateRefused);
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("CERT_E_EXPIRED"), "{}", f.message);
    assert!(
        !bound_by_fixes(&d).contains(&expired.sha1().to_string()),
        "{:#?}",
        d.findings
    );
    assert_eq!(d.with_code(FindingCode::BoundNotIntended).count(), 0);
}
