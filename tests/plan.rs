//! behaviour §0.2: the change-certificate plan, rendered line by line.
// Some helpers serve only the JSON tests, which need `serde`.
#![cfg_attr(not(feature = "serde"), allow(unused_imports, dead_code))]

mod common;
mod sim;

use common::*;
use sim::*;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::choice::Reason;
use sstp_cert::model::httpsys::{Endpoint, SslBinding};
use sstp_cert::model::plan::{
    PlanCase, PlanError, PlanInput, PlanOptions, PlanStep, plan_certificate_change,
};
use sstp_cert::model::plumbing::Mode;
use sstp_cert::model::registry::{RegValue, RegistryValues, names};
use sstp_cert::model::store::StoreEntry;

const APP: &str = "appid={ba195980-cd49-458b-9e23-c84ee0adcd75}";
const KEY: &str = r#""HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters""#;

fn lines(
    store: &[StoreEntry],
    bindings: &[SslBinding],
    values: &RegistryValues,
    new: &Certificate,
    options: PlanOptions,
) -> (PlanCase, Vec<String>) {
    let parameters = p(values);
    let plan = plan_certificate_change(
        &PlanInput::new(store, bindings, &parameters),
        &new.sha1(),
        &options,
    )
    .unwrap();
    (plan.case, plan.render().unwrap())
}

fn add_line(endpoint: &str, c: &Certificate) -> String {
    format!(
        "netsh http add sslcert ipport={endpoint} certhash={} {APP} certstorename=MY",
        c.sha1()
    )
}

fn sa(label: &str) -> Certificate {
    vpn_cert(label, &server_auth())
}

#[test]
fn case_1_the_only_eligible_certificate() {
    let (old, new) = (sa("old"), sa("new"));
    // the old one was deleted already; the new one is the only eligible one
    let store = [linked(&new), linked(&vpn_cert("c", &client_auth()))];
    let (case, l) = lines(
        &store,
        &both_sstp(&old),
        &auto_record(&old),
        &new,
        PlanOptions::default(),
    );
    assert_eq!(case, PlanCase::OnlyEligible);
    assert_eq!(
        l,
        [
            "netsh http delete sslcert ipport=0.0.0.0:443".to_owned(),
            "netsh http delete sslcert ipport=[::]:443".to_owned(),
            format!("reg delete {KEY} /v SHA256CertificateHash /f"),
            format!("reg delete {KEY} /v SHA1CertificateHash /f"),
            "net stop sstpsvc /y".to_owned(),
            "net start remoteaccess".to_owned(),
        ]
    );
}

#[test]
fn case_2_several_eligible_certificates() {
    let (old, new) = (sa("old"), sa("new"));
    let store = [linked(&old), linked(&new)];
    let (case, l) = lines(
        &store,
        &both_sstp(&old),
        &auto_record(&old),
        &new,
        PlanOptions::default(),
    );
    assert_eq!(case, PlanCase::SeveralEligible);
    assert_eq!(
        l,
        [
            "netsh http delete sslcert ipport=0.0.0.0:443".to_owned(),
            "netsh http delete sslcert ipport=[::]:443".to_owned(),
            format!("reg delete {KEY} /v SHA256CertificateHash /f"),
            format!("reg delete {KEY} /v SHA1CertificateHash /f"),
            add_line("0.0.0.0:443", &new),
            add_line("[::]:443", &new),
            "net stop sstpsvc /y".to_owned(),
            "net start remoteaccess".to_owned(),
        ]
    );
    // 40 lowercase hex digits
    let hash = new.sha1().to_string();
    assert_eq!(hash.len(), 40);
    assert!(
        hash.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
    );
}

#[test]
fn deleting_the_old_certificate_comes_first_and_can_make_it_case_1() {
    let (old, new) = (sa("old"), sa("new"));
    let store = [linked(&old), linked(&new)];
    let (case, l) = lines(
        &store,
        &both_sstp(&old),
        &RegistryValues::new(),
        &new,
        PlanOptions::default().deleting_old_certificate(),
    );
    assert_eq!(case, PlanCase::OnlyEligible);
    assert_eq!(l[0], format!("certutil -delstore MY {}", old.sha1()));
    assert_eq!(l.len(), 5, "{l:?}");
}

#[test]
fn the_old_certificate_is_deleted_once_and_never_the_new_one() {
    let (old, other, new) = (sa("old"), sa("other"), sa("new"));
    let store = [linked(&old), linked(&other), linked(&new)];
    let options = PlanOptions::default().deleting_old_certificate();
    // both families bound to old: one delete
    let (case, l) = lines(
        &store,
        &both_sstp(&old),
        &RegistryValues::new(),
        &new,
        options,
    );
    assert_eq!(case, PlanCase::SeveralEligible, "other is still eligible");
    assert_eq!(l.iter().filter(|x| x.starts_with("certutil")).count(), 1);
    // the new certificate already bound: nothing to delete
    let (_, l) = lines(
        &store,
        &both_sstp(&new),
        &RegistryValues::new(),
        &new,
        options,
    );
    assert!(l.iter().all(|x| !x.starts_with("certutil")));
    // a bound certificate that is gone from the store: nothing to delete
    let (_, l) = lines(
        &store,
        &both_sstp(&sa("gone")),
        &RegistryValues::new(),
        &new,
        options,
    );
    assert!(l.iter().all(|x| !x.starts_with("certutil")));
}

#[test]
fn only_what_exists_is_deleted() {
    let (old, new) = (sa("old"), sa("new"));
    let store = [linked(&new)];
    // only IPv6 bound (by IIS), only SHA-1 recorded
    let bindings = vec![iis(v6(), &old)];
    let v = values(&[(
        names::SHA1_CERTIFICATE_HASH,
        RegValue::Binary(old.sha1().as_bytes().to_vec()),
    )]);
    let (_, l) = lines(&store, &bindings, &v, &new, PlanOptions::default());
    assert_eq!(
        l,
        [
            "netsh http delete sslcert ipport=[::]:443".to_owned(),
            format!("reg delete {KEY} /v SHA1CertificateHash /f"),
            "net stop sstpsvc /y".to_owned(),
            "net start remoteaccess".to_owned(),
        ]
    );
    // nothing at all: just the restart
    let (_, l) = lines(
        &store,
        &[],
        &RegistryValues::new(),
        &new,
        PlanOptions::default(),
    );
    assert_eq!(l, ["net stop sstpsvc /y", "net start remoteaccess"]);
}

#[test]
fn invalid_hash_values_exist_and_are_deleted() {
    let new = sa("new");
    let v = values(&[(names::SHA256_CERTIFICATE_HASH, RegValue::Dword(1))]);
    let (_, l) = lines(&[linked(&new)], &[], &v, &new, PlanOptions::default());
    assert_eq!(
        l[0],
        format!("reg delete {KEY} /v SHA256CertificateHash /f")
    );
}

#[test]
fn other_bindings_are_left_alone_and_the_port_comes_from_the_registry() {
    let (old, new) = (sa("old"), sa("new"));
    let store = [linked(&old), linked(&new)];
    let bindings = vec![
        sstp(Endpoint::ipv4_wildcard(8443), &old),
        sstp(Endpoint::ipv6_wildcard(8443), &old),
        iis(v4(), &old),
    ];
    let v = values(&[(names::LISTENER_PORT, RegValue::Dword(8443))]);
    let parameters = p(&v);
    let plan = plan_certificate_change(
        &PlanInput::new(&store, &bindings, &parameters),
        &new.sha1(),
        &PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(plan.port, 8443);
    let l = plan.render().unwrap();
    assert_eq!(
        l,
        [
            "netsh http delete sslcert ipport=0.0.0.0:8443".to_owned(),
            "netsh http delete sslcert ipport=[::]:8443".to_owned(),
            add_line("0.0.0.0:8443", &new),
            add_line("[::]:8443", &new),
            "net stop sstpsvc /y".to_owned(),
            "net start remoteaccess".to_owned(),
        ]
    );
}

#[test]
fn admin_mode_writes_the_new_hashes_instead_of_deleting_them() {
    let (old, new) = (sa("old"), sa("new"));
    let store = [linked(&old), linked(&new)];
    let parameters = p(&admin_pin(&old));
    let plan = plan_certificate_change(
        &PlanInput::new(&store, &both_sstp(&old), &parameters),
        &new.sha1(),
        &PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(plan.mode, Mode::Admin);
    let l = plan.render().unwrap();
    assert_eq!(
        l,
        [
            "netsh http delete sslcert ipport=0.0.0.0:443".to_owned(),
            "netsh http delete sslcert ipport=[::]:443".to_owned(),
            format!(
                "reg add {KEY} /v SHA256CertificateHash /t REG_BINARY /d {} /f",
                new.sha256()
            ),
            format!(
                "reg add {KEY} /v SHA1CertificateHash /t REG_BINARY /d {} /f",
                new.sha1()
            ),
            add_line("0.0.0.0:443", &new),
            add_line("[::]:443", &new),
            "net stop sstpsvc /y".to_owned(),
            "net start remoteaccess".to_owned(),
        ]
    );
    assert!(l.iter().all(|x| !x.starts_with("reg delete")));
    assert!(plan.notes.iter().any(|n| n.contains("Event 18")));
}

#[test]
fn no_hash_protocol_is_enabled_again() {
    let new = sa("new");
    let v = values(&[
        (names::SHA256_ENABLED, RegValue::Dword(0)),
        (names::SHA1_ENABLED, RegValue::Dword(0)),
    ]);
    let (_, l) = lines(&[linked(&new)], &[], &v, &new, PlanOptions::default());
    assert_eq!(
        l[0],
        format!("reg add {KEY} /v SHA256Enabled /t REG_DWORD /d 1 /f")
    );
}

#[test]
fn errors_name_the_problem() {
    let (new, nokey, client) = (sa("new"), sa("nokey"), vpn_cert("client", &client_auth()));
    let store = [keyless(&nokey), linked(&client)];
    let parameters = p(&RegistryValues::new());
    let input = PlanInput::new(&store, &[], &parameters);
    let o = PlanOptions::default();
    assert_eq!(
        plan_certificate_change(&input, &new.sha1(), &o),
        Err(PlanError::NotInStore { sha1: new.sha1() })
    );
    let e = plan_certificate_change(&input, &nokey.sha1(), &o).unwrap_err();
    assert_eq!(
        e,
        PlanError::NotEligible {
            sha1: nokey.sha1(),
            reasons: vec![Reason::NoPrivateKey]
        }
    );
    assert!(e.to_string().contains("no private key"), "{e}");
    let e = plan_certificate_change(&input, &client.sha1(), &o).unwrap_err();
    assert!(
        matches!(e, PlanError::NotEligible { ref reasons, .. } if reasons == &[Reason::NotForServerAuth])
    );
    let http = p(&values(&[(names::USE_HTTPS, RegValue::Dword(0))]));
    let store = [linked(&new)];
    assert_eq!(
        plan_certificate_change(&PlanInput::new(&store, &[], &http), &new.sha1(), &o),
        Err(PlanError::PlainHttp)
    );
    #[cfg(feature = "serde")]
    assert_eq!(
        serde_json::to_value(PlanError::PlainHttp).unwrap()["code"],
        "plain-http"
    );
}

#[cfg(feature = "serde")]
#[test]
fn a_plan_serialises_step_by_step() {
    let (old, new) = (sa("old"), sa("new"));
    let store = [linked(&old), linked(&new)];
    let parameters = p(&auto_record(&old));
    let plan = plan_certificate_change(
        &PlanInput::new(&store, &both_sstp(&old), &parameters),
        &new.sha1(),
        &PlanOptions::default().deleting_old_certificate(),
    )
    .unwrap();
    let j = serde_json::to_value(&plan).unwrap();
    assert_eq!(j["case"], "only-eligible");
    assert_eq!(j["mode"], "auto");
    assert_eq!(j["new_certificate"], new.sha1().to_string());
    assert_eq!(j["new_sha256"], new.sha256().to_string());
    assert_eq!(j["steps"][0]["step"], "delete-certificate");
    assert_eq!(j["steps"][0]["sha1"], old.sha1().to_string());
    assert_eq!(j["steps"][1]["step"], "delete-binding");
    assert_eq!(j["steps"][3]["step"], "registry");
    assert_eq!(j["steps"][3]["write"]["op"], "delete");
    assert_eq!(
        j["steps"].as_array().unwrap().last().unwrap()["step"],
        "start-service"
    );
    assert_eq!(plan.script().unwrap().lines().count(), plan.steps.len());
    for step in &plan.steps {
        assert_eq!(step.to_string(), step.render().unwrap());
        assert!(!step.purpose().is_empty());
    }
    assert!(matches!(plan.steps[0], PlanStep::DeleteCertificate { .. }));
}

/// behaviour §11: a registry and bindings that were not given are unknown, not
/// empty: the plan deletes both bindings, both hashes and the admin flag,
/// and sets SHA256Enabled, in case they are there; the plan lists what was
/// assumed. Given and empty, none of these lines appear.
#[test]
fn unknown_registry_and_bindings_get_the_seed_steps() {
    use sstp_cert::model::state::{MachineState, UnknownInput};
    let new = sa("new");
    let state = MachineState::new(vec![linked(&new)]);
    let parameters = state.parameters();
    let plan = plan_certificate_change(
        &PlanInput::from_state(&state, &parameters),
        &new.sha1(),
        &PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(
        plan.render().unwrap(),
        [
            "netsh http delete sslcert ipport=0.0.0.0:443".to_owned(),
            "netsh http delete sslcert ipport=[::]:443".to_owned(),
            format!("reg delete {KEY} /v SHA256CertificateHash /f"),
            format!("reg delete {KEY} /v SHA1CertificateHash /f"),
            format!("reg delete {KEY} /v isHashConfiguredByAdmin /f"),
            format!("reg add {KEY} /v SHA256Enabled /t REG_DWORD /d 1 /f"),
            "net stop sstpsvc /y".to_owned(),
            "net start remoteaccess".to_owned(),
        ]
    );
    let unknown: Vec<UnknownInput> = plan.unknown_inputs.iter().filter_map(|a| a.input).collect();
    assert_eq!(unknown, [UnknownInput::Bindings, UnknownInput::Registry]);
    #[cfg(feature = "serde")]
    {
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(json["unknown_inputs"][1]["input"], "registry");
        assert!(
            json["unknown_inputs"][1]["assumed"]
                .as_str()
                .unwrap()
                .contains("SHA256CertificateHash")
        );
    }

    // only the registry unknown: the known (empty) bindings get no step
    let state = MachineState::new(vec![linked(&new)]).with_bindings(Vec::new());
    let parameters = state.parameters();
    let lines = plan_certificate_change(
        &PlanInput::from_state(&state, &parameters),
        &new.sha1(),
        &PlanOptions::default(),
    )
    .unwrap()
    .render()
    .unwrap();
    assert!(!lines.iter().any(|l| l.starts_with("netsh http delete")));
    assert!(lines.contains(&format!("reg delete {KEY} /v SHA256CertificateHash /f")));

    // given and empty: nothing to delete
    let state = MachineState::new(vec![linked(&new)])
        .with_bindings(Vec::new())
        .with_registry(RegistryValues::new());
    let parameters = state.parameters();
    let plan = plan_certificate_change(
        &PlanInput::from_state(&state, &parameters),
        &new.sha1(),
        &PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(
        plan.render().unwrap(),
        ["net stop sstpsvc /y", "net start remoteaccess"]
    );
    assert!(plan.unknown_inputs.is_empty());
}

/// behaviour §11: a plan never binds a certificate clients refuse at the time
/// asked or for the known host; the error says why.
#[test]
fn a_certificate_clients_refuse_is_refused() {
    use sstp_cert::model::hostname::ReferenceId;
    let mut pa = params("vpn.example.com", &server_auth());
    pa.not_before = rcgen::date_time_ymd(2015, 1, 1);
    pa.not_after = rcgen::date_time_ymd(2016, 1, 1);
    let expired = Certificate::from_der(der_with(pa)).unwrap();
    let other = cert_with_names(&["other.example.org"], &server_auth());
    let store = vec![linked(&expired), linked(&other)];
    let parameters = p(&RegistryValues::new());
    let at = time::macros::datetime!(2026-11-22 0:00 UTC);
    let input = PlanInput::new(&store, &[], &parameters).at(at);

    let e = plan_certificate_change(&input, &expired.sha1(), &PlanOptions::default()).unwrap_err();
    match &e {
        PlanError::RefusedByClients { sha1, refusals } => {
            assert_eq!(*sha1, expired.sha1());
            assert_eq!(refusals[0].code(), "expired");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("CERT_E_EXPIRED"), "{e}");
    assert!(e.to_string().contains("no plan binds it"), "{e}");

    // the name matters only when the host is known
    assert!(plan_certificate_change(&input, &other.sha1(), &PlanOptions::default()).is_ok());
    let host = ReferenceId::parse("vpn.example.com").unwrap();
    let e = plan_certificate_change(
        &input.for_host(&host),
        &other.sha1(),
        &PlanOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("CERT_E_CN_NO_MATCH"), "{e}");
    #[cfg(feature = "serde")]
    assert_eq!(
        serde_json::to_value(&e).unwrap()["code"],
        "refused-by-clients"
    );
}
