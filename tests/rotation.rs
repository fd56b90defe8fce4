//! `model::rotation` case by case: the target rule (behaviour §11), refusals,
//! re-read checks after each step, restore reports.
// Some helpers serve only the JSON tests, which need `serde`.
#![cfg_attr(not(feature = "serde"), allow(unused_imports, dead_code))]

mod common;
mod sim;

use common::*;
use rcgen::KeyUsagePurpose;
use sim::*;
use sstp_cert::model::advice::recommend;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::hostname::ReferenceId;
use sstp_cert::model::httpsys::{Endpoint, SslBinding};
use sstp_cert::model::registry::{RegValue, RegistryValues, names};
use sstp_cert::model::rotation::{
    Handshake, Host, HostError, Operation, Outcome, RotationRequest, SimulatedHost, StepStatus,
    TargetSpec, rotate,
};
use sstp_cert::model::runtime::{Machine, ServiceState};
use sstp_cert::model::store::{KeyState, StoreEntry};
use time::macros::datetime;

fn at() -> time::OffsetDateTime {
    datetime!(2026-12-04 12:00 UTC)
}

fn dated(name: &str, from: time::OffsetDateTime, to: time::OffsetDateTime) -> Certificate {
    let mut p = params(name, &server_auth());
    p.not_before = from;
    p.not_after = to;
    Certificate::from_der(der_with(p)).expect("parse")
}

/// The old certificate in service, the new one imported.
fn renewed(new: &Certificate) -> (Machine, Certificate) {
    let old = vpn_cert("old", &server_auth());
    let mut m = Machine::default();
    m.import_certificate(linked(&old));
    m.restart_service();
    m.import_certificate(linked(new));
    (m, old)
}

fn to(c: &Certificate) -> RotationRequest {
    RotationRequest::new(TargetSpec::Thumbprint(c.sha1()), at())
        .for_host(host())
        .applying()
}

#[test]
fn an_expired_target_is_refused_and_nothing_changes() {
    let new = dated(
        HOST,
        datetime!(2025-01-01 0:00 UTC),
        datetime!(2026-01-01 0:00 UTC),
    );
    let (m, _) = renewed(&new);
    let mut h = SimulatedHost::new(m.clone());
    let r = rotate(&mut h, &to(&new));
    assert_eq!(r.outcome, Outcome::Refused);
    let refusal = r.refusal.expect("refusal");
    assert_eq!(refusal.code(), "target-refused");
    assert!(
        refusal.to_string().contains("expired on 2026-01-01"),
        "{refusal}"
    );
    assert!(r.steps.is_empty());
    assert_eq!(h.machine(), &m);
}

#[test]
fn a_target_for_another_name_is_refused() {
    let new = vpn_cert("new", &server_auth());
    let (m, _) = renewed(&new);
    let mut h = SimulatedHost::new(m);
    let request = RotationRequest::new(TargetSpec::Thumbprint(new.sha1()), at())
        .for_host(ReferenceId::parse("other.example.org").unwrap())
        .applying();
    let r = rotate(&mut h, &request);
    let refusal = r.refusal.expect("refusal");
    assert_eq!(refusal.code(), "target-refused");
    assert!(
        refusal
            .to_string()
            .contains("does not name other.example.org")
    );
}

#[test]
fn a_target_without_key_or_with_unusable_key_usage_is_refused() {
    let keyless_new = vpn_cert("keyless", &server_auth());
    let mut m = Machine::default();
    m.import_certificate(keyless(&keyless_new));
    let r = rotate(&mut SimulatedHost::new(m), &to(&keyless_new));
    assert_eq!(r.refusal.unwrap().code(), "target-refused");

    let mut p = params(HOST, &server_auth());
    p.key_usages = vec![KeyUsagePurpose::CrlSign];
    let bad_ku = Certificate::from_der(der_with(p)).unwrap();
    let mut m = Machine::default();
    m.import_certificate(linked(&bad_ku));
    let r = rotate(&mut SimulatedHost::new(m), &to(&bad_ku));
    let refusal = r.refusal.unwrap();
    assert!(refusal.to_string().contains("key usage"), "{refusal}");
}

#[test]
fn a_target_not_in_the_store_is_refused() {
    let new = vpn_cert("new", &server_auth());
    let r = rotate(&mut SimulatedHost::new(Machine::default()), &to(&new));
    assert_eq!(r.refusal.unwrap().code(), "not-in-store");
}

#[test]
fn newest_needs_a_host_and_picks_the_latest_not_after() {
    let early = dated(
        HOST,
        datetime!(2026-06-01 0:00 UTC),
        datetime!(2027-01-01 0:00 UTC),
    );
    let late = dated(
        HOST,
        datetime!(2026-11-01 0:00 UTC),
        datetime!(2027-05-01 0:00 UTC),
    );
    let other = dated(
        "other.example.org",
        datetime!(2026-11-01 0:00 UTC),
        datetime!(2028-01-01 0:00 UTC),
    );
    let future = dated(
        HOST,
        datetime!(2027-01-01 0:00 UTC),
        datetime!(2028-06-01 0:00 UTC),
    );
    let mut m = Machine::default();
    for c in [&early, &late, &other, &future] {
        m.import_certificate(linked(c));
    }
    // The behaviour §11 rule (advice::recommend) prefers the latest expiry.
    let rule = recommend(m.store().entries(), Some(at()), Some(&host()));
    assert_eq!(rule.sha1(), Some(late.sha1()));
    let codes: Vec<Vec<&str>> = rule
        .others
        .iter()
        .map(|c| c.reasons.iter().map(|p| p.code()).collect())
        .collect();
    assert_eq!(
        codes,
        [
            vec!["later-expiry-preferred"],
            vec!["host-name-mismatch"],
            vec!["not-yet-valid"]
        ]
    );

    let no_host = RotationRequest::new(TargetSpec::Newest, at()).applying();
    let r = rotate(&mut SimulatedHost::new(m.clone()), &no_host);
    assert_eq!(r.refusal.unwrap().code(), "host-required");

    let mut h = SimulatedHost::new(m);
    let r = rotate(&mut h, &no_host.clone().for_host(host()));
    assert_eq!(r.outcome, Outcome::Rotated, "{r:#?}");
    assert_eq!(r.target.unwrap().sha1, late.sha1());
}

#[test]
fn newest_with_nothing_qualifying_is_refused_with_the_requirements() {
    let mut m = Machine::default();
    m.import_certificate(linked(&vpn_cert("client", &client_auth())));
    let request = RotationRequest::new(TargetSpec::Newest, at())
        .for_host(host())
        .applying();
    let r = rotate(&mut SimulatedHost::new(m), &request);
    let refusal = r.refusal.unwrap();
    assert_eq!(refusal.code(), "no-qualifying-certificate");
    assert!(refusal.to_string().contains("for vpn.example.com"));
}

#[test]
fn plain_http_is_refused() {
    let new = vpn_cert("new", &server_auth());
    let mut m = Machine::from_parts(
        Default::default(),
        [linked(&new)],
        values(&[(names::USE_HTTPS, RegValue::Dword(0))]),
        Vec::new(),
    );
    m.restart_service();
    let r = rotate(&mut SimulatedHost::new(m), &to(&new));
    assert_eq!(r.refusal.unwrap().code(), "plain-http");
}

#[test]
fn the_old_way_trap_is_fixed_and_survives_the_reboot() {
    // behaviour §0.2: old deleted, new imported, service restarted: HTTP.sys
    // still serves the old one from memory.
    let new = vpn_cert("new", &server_auth());
    let (mut m, old) = renewed(&new);
    let _ = m.connect(
        &host(),
        sstp_cert::model::hostname::Profile::WindowsClient,
        sstp_cert::model::plumbing::Family::V4,
    );
    m.delete_certificate(&old.sha1()).unwrap();
    m.restart_service();
    let mut h = SimulatedHost::new(m);
    let r = rotate(&mut h, &to(&new));
    assert_eq!(r.outcome, Outcome::Rotated, "{r:#?}");
    let mut m = h.into_machine();
    m.reboot();
    let c = m.connect(
        &host(),
        sstp_cert::model::hostname::Profile::WindowsClient,
        sstp_cert::model::plumbing::Family::V6,
    );
    assert_eq!(c.connection().expect("connected").sha1, new.sha1());
}

/// behaviour §12: a saved state whose bound certificate is gone from the store
/// (and not given) starts with HTTP.sys holding it by its hash; the
/// rotation's handshake reports that SHA-1 before the change, and the
/// rotation replaces it.
#[test]
fn a_saved_state_serves_the_gone_certificate_by_hash_until_the_rotation() {
    use sstp_cert::model::state::MachineState;
    let new = vpn_cert("new", &server_auth());
    let old = vpn_cert("old", &server_auth());
    let state = MachineState::new(vec![linked(&new)])
        .with_bindings(both_sstp(&old))
        .with_registry(auto_record(&old));
    let m = Machine::from_state(&state, Default::default(), at());
    let mut h = SimulatedHost::new(m);
    for e in [v4(), v6()] {
        assert_eq!(h.handshake(&e).unwrap().served, Some(old.sha1()), "{e}");
    }
    let r = rotate(&mut h, &to(&new));
    assert_eq!(r.outcome, Outcome::Rotated, "{r:#?}");
    for e in [v4(), v6()] {
        assert_eq!(h.handshake(&e).unwrap().served, Some(new.sha1()), "{e}");
    }
    h.machine_mut().reboot();
    assert_eq!(h.handshake(&v4()).unwrap().served, Some(new.sha1()));
}

#[test]
fn stopping_a_stopped_service_is_skipped() {
    let new = vpn_cert("new", &server_auth());
    let old = vpn_cert("old", &server_auth());
    let m = Machine::from_parts(
        Default::default(),
        [linked(&old), linked(&new)],
        auto_record(&old),
        both_sstp(&old),
    );
    assert_eq!(m.service_state(), ServiceState::Stopped);
    let mut h = SimulatedHost::new(m);
    let r = rotate(&mut h, &to(&new));
    assert_eq!(r.outcome, Outcome::Rotated, "{r:#?}");
    let stop = r
        .steps
        .iter()
        .find(|s| s.command == "net stop sstpsvc /y")
        .unwrap();
    assert_eq!(stop.status, StepStatus::Skipped);
}

/// A host whose registry writes report success but do nothing.
struct Lying(SimulatedHost);

impl Host for Lying {
    fn describe(&self) -> String {
        "lying".into()
    }
    fn available(&mut self, op: Operation) -> Result<(), HostError> {
        self.0.available(op)
    }
    fn read_store(&mut self) -> Result<Vec<StoreEntry>, HostError> {
        self.0.read_store()
    }
    fn read_bindings(&mut self) -> Result<Vec<SslBinding>, HostError> {
        self.0.read_bindings()
    }
    fn read_registry(&mut self) -> Result<RegistryValues, HostError> {
        self.0.read_registry()
    }
    fn read_service(&mut self) -> Result<ServiceState, HostError> {
        self.0.read_service()
    }
    fn delete_binding(&mut self, e: &Endpoint) -> Result<(), HostError> {
        self.0.delete_binding(e)
    }
    fn add_binding(&mut self, b: &SslBinding) -> Result<(), HostError> {
        self.0.add_binding(b)
    }
    fn set_registry_value(&mut self, _: &str, _: &RegValue) -> Result<(), HostError> {
        Ok(())
    }
    fn delete_registry_value(&mut self, _: &str) -> Result<(), HostError> {
        Ok(())
    }
    fn stop_service(&mut self) -> Result<(), HostError> {
        self.0.stop_service()
    }
    fn start_service(&mut self) -> Result<(), HostError> {
        self.0.start_service()
    }
    fn handshake(&mut self, e: &Endpoint) -> Result<Handshake, HostError> {
        self.0.handshake(e)
    }
}

#[test]
fn a_step_whose_effect_is_not_seen_on_re_read_fails_and_is_undone() {
    let new = vpn_cert("new", &server_auth());
    let (m, _) = renewed(&new);
    let before = m.clone();
    let mut h = Lying(SimulatedHost::new(m));
    let r = rotate(&mut h, &to(&new));
    assert_eq!(r.outcome, Outcome::Restored, "{r:#?}");
    let failed = r
        .steps
        .iter()
        .find(|s| s.status == StepStatus::Failed)
        .unwrap();
    assert!(
        failed.command.starts_with("reg delete"),
        "{}",
        failed.command
    );
    assert_eq!(failed.unexpected[0].part, "registry");
    assert_eq!(failed.unexpected[0].name, names::SHA256_CERTIFICATE_HASH);
    assert_eq!(failed.unexpected[0].expected, None);
    // bindings deleted before the failing step were put back
    assert_eq!(h.0.machine().bindings(), before.bindings(), "{r:#?}");
}

#[test]
fn a_stale_binding_that_cannot_come_back_is_reported() {
    // The trap's state: both bindings name a certificate gone from the
    // store. The verification fails (injected); netsh refuses to add a
    // binding for a missing certificate, so the restore cannot recreate
    // them, and the report says so.
    let new = vpn_cert("new", &server_auth());
    let gone = vpn_cert("gone", &server_auth());
    let m = Machine::from_parts(
        Default::default(),
        [linked(&new)],
        auto_record(&gone),
        both_sstp(&gone),
    );
    struct NoHandshake(SimulatedHost);
    impl Host for NoHandshake {
        fn describe(&self) -> String {
            "x".into()
        }
        fn available(&mut self, op: Operation) -> Result<(), HostError> {
            self.0.available(op)
        }
        fn read_store(&mut self) -> Result<Vec<StoreEntry>, HostError> {
            self.0.read_store()
        }
        fn read_bindings(&mut self) -> Result<Vec<SslBinding>, HostError> {
            self.0.read_bindings()
        }
        fn read_registry(&mut self) -> Result<RegistryValues, HostError> {
            self.0.read_registry()
        }
        fn read_service(&mut self) -> Result<ServiceState, HostError> {
            self.0.read_service()
        }
        fn delete_binding(&mut self, e: &Endpoint) -> Result<(), HostError> {
            self.0.delete_binding(e)
        }
        fn add_binding(&mut self, b: &SslBinding) -> Result<(), HostError> {
            self.0.add_binding(b)
        }
        fn set_registry_value(&mut self, n: &str, v: &RegValue) -> Result<(), HostError> {
            self.0.set_registry_value(n, v)
        }
        fn delete_registry_value(&mut self, n: &str) -> Result<(), HostError> {
            self.0.delete_registry_value(n)
        }
        fn stop_service(&mut self) -> Result<(), HostError> {
            self.0.stop_service()
        }
        fn start_service(&mut self) -> Result<(), HostError> {
            self.0.start_service()
        }
        fn handshake(&mut self, _: &Endpoint) -> Result<Handshake, HostError> {
            Err(HostError::failed_with(
                Operation::Handshake,
                "injected: no TLS",
            ))
        }
    }
    let mut h = NoHandshake(SimulatedHost::new(m));
    let r = rotate(&mut h, &to(&new));
    assert_eq!(r.outcome, Outcome::RestoreIncomplete, "{r:#?}");
    let restore = r.restore.as_ref().unwrap();
    assert!(
        restore
            .actions
            .iter()
            .any(|a| !a.ok && a.action.starts_with("netsh http add sslcert"))
    );
    let parts: Vec<(&str, &str)> = restore
        .differences
        .iter()
        .map(|d| (d.part, d.name.as_str()))
        .collect();
    assert!(parts.contains(&("binding", "0.0.0.0:443")), "{parts:?}");
    assert!(
        r.state_sentence()
            .contains("binding 0.0.0.0:443: expected certhash=")
    );
}

#[cfg(feature = "serde")]
#[test]
fn the_report_serialises_with_stable_codes() {
    let new = vpn_cert("new", &server_auth());
    let (m, _) = renewed(&new);
    let r = rotate(&mut SimulatedHost::new(m), &to(&new));
    let j = serde_json::to_value(&r).unwrap();
    assert_eq!(j["ok"], true);
    assert_eq!(j["outcome"], "rotated");
    assert_eq!(j["target"]["sha1"], new.sha1().to_string());
    assert_eq!(j["steps"][0]["status"], "done");
    assert_eq!(j["steps"][0]["step"]["step"], "delete-binding");
    assert_eq!(j["verification"][0]["code"], "ipv4-bound");
    let _ = KeyState::Linked;
}
