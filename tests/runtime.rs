//! SPEC §7: the simulated machine — why "it works until the reboot", and
//! every way a connection fails.

mod common;
mod sim;

use common::*;
use sim::*;
use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::crypto_binding::{CryptoBindingError, HashProtocol};
use sstp_cert::model::eku::KeyPurpose;
use sstp_cert::model::event::{EventId, EventSide};
use sstp_cert::model::hostname::{EkuRule, HostWarningCode, Profile, ReferenceId};
use sstp_cert::model::httpsys::{SslBinding, parse_sslcert_show};
use sstp_cert::model::plan::{PlanCase, PlanInput, PlanOptions, plan_certificate_change};
use sstp_cert::model::plumbing::{Family, GoneCertificateProfile};
use sstp_cert::model::registry::{RegValue, RegistryValues, names, parse_registry_text};
use sstp_cert::model::runtime::{
    ConnectFailure, Connection, Imported, Machine, MachineError, NetshError, ServiceState,
};
use sstp_cert::model::store::{CertStore, KeyState};

fn windows(m: &mut Machine, family: Family) -> Result<Box<Connection>, Box<ConnectFailure>> {
    m.connect(&host(), Profile::WindowsClient, family)
        .into_result()
}

fn served(m: &mut Machine, family: Family) -> Certificate {
    let c = windows(m, family).unwrap_or_else(|f| panic!("connect over {family}: {f}"));
    m.store()
        .entries()
        .iter()
        .map(|e| e.certificate.clone())
        .chain(m.live_context(&c.endpoint).cloned())
        .find(|x| x.sha1() == c.sha1)
        .expect("served certificate known")
}

fn apply_plan(m: &mut Machine, new: &Certificate, options: PlanOptions) -> PlanCase {
    let parameters = m.parameters();
    let plan = plan_certificate_change(
        &PlanInput::new(m.store().entries(), m.bindings(), &parameters),
        &new.sha1(),
        &options,
    )
    .expect("plan");
    for step in &plan.steps {
        m.apply(step)
            .unwrap_or_else(|e| panic!("{}: {e}", step.render().unwrap()));
    }
    plan.case
}

/// A server set up with `old`, one connection per family made (so HTTP.sys
/// holds live contexts), as most servers are.
fn working_server(profile: GoneCertificateProfile, old: &Certificate) -> Machine {
    let mut m = Machine::new(profile);
    m.import_certificate(linked(old));
    m.restart_service();
    for f in Family::BOTH {
        assert_eq!(served(&mut m, f).sha1(), old.sha1());
    }
    assert_eq!(m.live_contexts().len(), 2);
    m
}

fn wrong_way(m: &mut Machine, old: &Certificate, new: &Certificate) {
    m.delete_certificate(&old.sha1()).unwrap();
    m.import_certificate(linked(new));
    m.restart_service();
}

// ---------------------------------------------------------------------------
// The story of SPEC §7
// ---------------------------------------------------------------------------

#[test]
fn wrong_way_works_until_the_reboot_documented_profile() {
    let (old, new) = (
        vpn_cert("old", &server_auth()),
        vpn_cert("new", &server_auth()),
    );
    let mut m = working_server(GoneCertificateProfile::Documented2008, &old);
    wrong_way(&mut m, &old, &new);
    // the service kept the bindings and could not record a hash
    let p = m.last_plumbing().unwrap();
    assert_eq!(p.event_numbers(), [21]);
    assert!(p.changes.is_empty());
    // connections still work, from HTTP.sys's memory
    for f in Family::BOTH {
        let c = windows(&mut m, f).unwrap();
        assert_eq!(c.sha1, old.sha1());
        assert!(c.from_live_context);
    }
    m.reboot();
    assert!(m.live_contexts().is_empty());
    assert_eq!(m.last_plumbing().unwrap().event_numbers(), [21]);
    for f in Family::BOTH {
        match *windows(&mut m, f).unwrap_err() {
            ConnectFailure::CertificateMissing {
                endpoint,
                cert_hash,
            } => {
                assert_eq!(endpoint, f.endpoint(443));
                assert_eq!(cert_hash, Some(old.sha1()));
            }
            other => panic!("{other:?}"),
        }
    }
    // a restart does not help; the planned procedure does
    m.restart_service();
    assert!(windows(&mut m, Family::V4).is_err());
    assert_eq!(
        apply_plan(&mut m, &new, PlanOptions::default()),
        PlanCase::OnlyEligible
    );
    assert_eq!(served(&mut m, Family::V4).sha1(), new.sha1());
}

#[test]
fn wrong_way_recovers_under_the_current_release_profile() {
    let (old, new) = (
        vpn_cert("old", &server_auth()),
        vpn_cert("new", &server_auth()),
    );
    let mut m = working_server(GoneCertificateProfile::CurrentRelease, &old);
    wrong_way(&mut m, &old, &new);
    let p = m.last_plumbing().unwrap();
    assert!(p.events.is_empty());
    assert_eq!(p.bound, Some(new.sha1()));
    assert!(
        m.live_contexts().is_empty(),
        "the deleted bindings lost their contexts"
    );
    for f in Family::BOTH {
        let c = windows(&mut m, f).unwrap();
        assert_eq!(c.sha1, new.sha1());
        assert!(!c.from_live_context);
    }
    m.reboot();
    for f in Family::BOTH {
        assert_eq!(windows(&mut m, f).unwrap().sha1, new.sha1());
    }
}

#[test]
fn planned_procedure_works_before_and_after_the_reboot() {
    for profile in GoneCertificateProfile::ALL {
        for delete_old in [false, true] {
            let (old, new) = (
                vpn_cert("old", &server_auth()),
                vpn_cert("new", &server_auth()),
            );
            let mut m = working_server(profile, &old);
            m.import_certificate(linked(&new));
            let options = PlanOptions {
                delete_old_certificate: delete_old,
            };
            let case = apply_plan(&mut m, &new, options);
            assert_eq!(
                case,
                if delete_old {
                    PlanCase::OnlyEligible
                } else {
                    PlanCase::SeveralEligible
                }
            );
            assert_eq!(m.store().entries().len(), if delete_old { 1 } else { 2 });
            for f in Family::BOTH {
                assert_eq!(
                    windows(&mut m, f).unwrap().sha1,
                    new.sha1(),
                    "{profile} {delete_old}"
                );
            }
            m.reboot();
            for f in Family::BOTH {
                assert_eq!(
                    windows(&mut m, f).unwrap().sha1,
                    new.sha1(),
                    "{profile} {delete_old}"
                );
            }
            assert!(m.events().iter().all(|e| e.side == EventSide::Server));
        }
    }
}

#[test]
fn planned_procedure_in_admin_mode_keeps_admin_mode() {
    let (old, new) = (
        vpn_cert("old", &server_auth()),
        vpn_cert("new", &server_auth()),
    );
    let mut m = Machine::from_parts(
        GoneCertificateProfile::Documented2008,
        [linked(&old), linked(&new)],
        admin_pin(&old),
        vec![],
    );
    m.restart_service();
    assert_eq!(served(&mut m, Family::V6).sha1(), old.sha1());
    apply_plan(
        &mut m,
        &new,
        PlanOptions::default().deleting_old_certificate(),
    );
    assert!(m.parameters().is_hash_configured_by_admin.value);
    assert!(m.last_plumbing().unwrap().events.is_empty());
    m.reboot();
    assert_eq!(served(&mut m, Family::V6).sha1(), new.sha1());
}

#[test]
fn the_sample_machine_of_the_examples_fails_after_its_reboot_and_the_plan_fixes_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let snapshot = DirectoryStore::new(root.join("store")).load().unwrap();
    let netsh = std::fs::read(root.join("machine/netsh-sslcert.txt")).unwrap();
    let bindings = parse_sslcert_show(&netsh).unwrap().bindings;
    let reg = std::fs::read(root.join("machine/sstpsvc.reg")).unwrap();
    let registry = parse_registry_text(&reg).unwrap().values;
    let mut m = Machine::from_parts(
        GoneCertificateProfile::Documented2008,
        snapshot.entries,
        registry,
        bindings,
    );
    // as after the reboot: no live contexts
    m.restart_service();
    assert_eq!(m.last_plumbing().unwrap().event_numbers(), [21]);
    assert!(matches!(
        *windows(&mut m, Family::V4).unwrap_err(),
        ConnectFailure::CertificateMissing { .. }
    ));
    // the intended certificate is 07; 05 (expired) would win an automatic choice
    let intended = m
        .store()
        .entries()
        .iter()
        .find(|e| e.source.contains("07-server-auth-vpn"))
        .unwrap()
        .certificate
        .clone();
    assert_eq!(
        apply_plan(&mut m, &intended, PlanOptions::default()),
        PlanCase::SeveralEligible
    );
    for f in Family::BOTH {
        assert_eq!(windows(&mut m, f).unwrap().sha1, intended.sha1());
    }
    m.reboot();
    assert_eq!(windows(&mut m, Family::V6).unwrap().sha1, intended.sha1());
}

// ---------------------------------------------------------------------------
// Crypto binding
// ---------------------------------------------------------------------------

#[test]
fn stale_registry_hash_fails_crypto_binding_with_client_event_6() {
    let (a, b) = (vpn_cert("a", &server_auth()), vpn_cert("b", &server_auth()));
    let mut m = working_server(GoneCertificateProfile::Documented2008, &a);
    m.import_certificate(linked(&b));
    // rebind by hand, forget the restart
    for f in Family::BOTH {
        m.netsh_delete(&f.endpoint(443)).unwrap();
        m.netsh_add(SslBinding::sstp(f.endpoint(443), b.sha1()))
            .unwrap();
    }
    match *windows(&mut m, Family::V4).unwrap_err() {
        ConnectFailure::CryptoBindingFailed {
            served_sha256,
            served_sha1,
            configured_sha256,
            error,
            client_event,
            ..
        } => {
            assert_eq!(served_sha256, b.sha256());
            assert_eq!(served_sha1, b.sha1());
            assert_eq!(configured_sha256, Some(a.sha256()));
            assert_eq!(
                error,
                CryptoBindingError::CertificateHashMismatch {
                    protocol: HashProtocol::Sha256,
                    configured: a.sha256().to_string(),
                    received: b.sha256().to_string(),
                }
            );
            let e = client_event.unwrap();
            assert_eq!(e.id, EventId::ClientCryptoBindingFailed);
            assert_eq!(e.id.number(), 6);
            assert!(e.message.contains(&a.sha256().to_string()));
            assert!(e.message.contains(&b.sha256().to_string()));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(m.events().last().unwrap().id.number(), 6);
    // the restart records b's hashes
    m.restart_service();
    assert_eq!(windows(&mut m, Family::V4).unwrap().sha1, b.sha1());
}

#[test]
fn registry_changes_take_effect_at_the_next_start() {
    let (a, b) = (vpn_cert("a", &server_auth()), vpn_cert("b", &server_auth()));
    let mut m = working_server(GoneCertificateProfile::Documented2008, &a);
    m.import_certificate(linked(&b));
    for (name, value) in [
        (
            names::SHA256_CERTIFICATE_HASH,
            RegValue::Binary(b.sha256().as_bytes().to_vec()),
        ),
        (
            names::SHA1_CERTIFICATE_HASH,
            RegValue::Binary(b.sha1().as_bytes().to_vec()),
        ),
        (names::IS_HASH_CONFIGURED_BY_ADMIN, RegValue::Dword(1)),
    ] {
        m.reg_set(name, value);
    }
    assert_eq!(windows(&mut m, Family::V4).unwrap().sha1, a.sha1());
    m.restart_service();
    let p = m.last_plumbing().unwrap();
    assert_eq!(p.changes.len(), 4, "admin mode rebinds SSTP's bindings");
    assert_eq!(windows(&mut m, Family::V4).unwrap().sha1, b.sha1());
}

#[test]
fn crypto_binding_uses_sha1_when_only_sha1_is_offered() {
    let a = vpn_cert("a", &server_auth());
    let mut m = Machine::from_parts(
        GoneCertificateProfile::Documented2008,
        [linked(&a)],
        values(&[
            (names::SHA256_ENABLED, RegValue::Dword(0)),
            (names::SHA1_ENABLED, RegValue::Dword(1)),
        ]),
        vec![],
    );
    m.restart_service();
    assert_eq!(
        windows(&mut m, Family::V4).unwrap().protocol,
        HashProtocol::Sha1
    );
    m.reg_set(names::SHA256_ENABLED, RegValue::Dword(1));
    m.restart_service();
    assert_eq!(
        windows(&mut m, Family::V4).unwrap().protocol,
        HashProtocol::Sha256
    );
}

#[test]
fn no_hash_protocol_means_no_crypto_binding() {
    let a = vpn_cert("a", &server_auth());
    let mut m = Machine::from_parts(
        GoneCertificateProfile::Documented2008,
        [linked(&a)],
        values(&[(names::SHA256_ENABLED, RegValue::Dword(0))]),
        vec![],
    );
    m.restart_service();
    assert!(matches!(
        *windows(&mut m, Family::V4).unwrap_err(),
        ConnectFailure::CryptoBindingFailed {
            error: CryptoBindingError::ProtocolNotOffered { offered: 0, .. },
            ..
        }
    ));
}

// ---------------------------------------------------------------------------
// EKU and host names (SPEC §9 through the connection)
// ---------------------------------------------------------------------------

#[test]
fn eku_refused_by_the_windows_client_is_client_event_16() {
    let c = vpn_cert("client", &client_auth());
    let mut m = Machine::default();
    m.import_certificate(linked(&c));
    // the service would never choose it, but netsh binds anything with a key
    for f in Family::BOTH {
        m.netsh_add(SslBinding::sstp(f.endpoint(443), c.sha1()))
            .unwrap();
    }
    m.restart_service();
    assert!(m.last_plumbing().unwrap().events.is_empty(), "adopted");
    match *windows(&mut m, Family::V4).unwrap_err() {
        ConnectFailure::EkuRefused {
            profile,
            eku,
            client_event,
            ..
        } => {
            assert_eq!(profile, Profile::WindowsClient);
            assert_eq!(eku.rule, EkuRule::NotForServerAuth);
            assert_eq!(client_event.unwrap().id.number(), 16);
        }
        other => panic!("{other:?}"),
    }
    let last = m.events().last().unwrap();
    assert_eq!((last.id.number(), last.side), (16, EventSide::Client));
}

#[test]
fn any_purpose_is_enough_for_windows_but_not_for_strict_clients() {
    let any = vpn_cert("any", &any_eku());
    let mut m = Machine::default();
    m.import_certificate(linked(&any));
    m.restart_service();
    assert!(windows(&mut m, Family::V4).is_ok());
    for profile in [Profile::Rfc9525, Profile::SstpcLinux] {
        let before = m.events().len();
        match *m
            .connect(&host(), profile, Family::V4)
            .into_result()
            .unwrap_err()
        {
            ConnectFailure::EkuRefused {
                eku, client_event, ..
            } => {
                assert_eq!(eku.rule, EkuRule::AnyPurposeNotServerAuth);
                assert!(client_event.is_none(), "no Windows event for {profile}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(m.events().len(), before);
    }
}

#[test]
fn the_client_sees_the_eku_extension_not_the_store_property() {
    // no EKU extension, store property clientAuth only: the service will
    // not choose it, but a client accepts it once it is bound
    let c = vpn_cert("prop", &Eku::None);
    let entry = linked(&c).with_eku_property(vec![KeyPurpose::ClientAuth]);
    let mut m = Machine::default();
    m.import_certificate(entry);
    assert_eq!(m.restart_service().event_numbers(), [11]);
    for f in Family::BOTH {
        m.netsh_add(SslBinding::sstp(f.endpoint(443), c.sha1()))
            .unwrap();
    }
    m.restart_service();
    let conn = windows(&mut m, Family::V4).unwrap();
    assert_eq!(conn.verdict.eku.rule, EkuRule::NoEkuExtension);
}

#[test]
fn host_name_mismatch_per_client_profile() {
    let a = cert_with_names(&["vpn.example.com"], &server_auth());
    let mut m = Machine::default();
    m.import_certificate(linked(&a));
    m.restart_service();
    let other = ReferenceId::parse("vpn.example.org").unwrap();
    for profile in [Profile::WindowsClient, Profile::Rfc9525] {
        match *m
            .connect(&other, profile, Family::V6)
            .into_result()
            .unwrap_err()
        {
            ConnectFailure::HostNameMismatch {
                profile: p,
                host,
                sha1,
                verdict,
            } => {
                assert_eq!(p, profile);
                assert_eq!(host, "vpn.example.org");
                assert_eq!(sha1, a.sha1());
                assert!(!verdict.matched());
            }
            other => panic!("{other:?}"),
        }
    }
    // sstpc checks no name, and says so
    let c = m
        .connect(&other, Profile::SstpcLinux, Family::V6)
        .into_result()
        .unwrap();
    assert_eq!(c.verdict.warnings[0].code, HostWarningCode::NoHostNameCheck);
}

#[test]
fn cn_only_certificate_matches_for_windows_but_not_for_rfc9525() {
    let cn = cn_only_cert(HOST);
    let mut m = Machine::default();
    m.import_certificate(linked(&cn));
    m.restart_service();
    assert!(windows(&mut m, Family::V4).is_ok());
    let f = m
        .connect(&host(), Profile::Rfc9525, Family::V4)
        .into_result()
        .unwrap_err();
    assert_eq!(f.code(), "host-name-mismatch");
}

// ---------------------------------------------------------------------------
// The other failures
// ---------------------------------------------------------------------------

#[test]
fn stopped_service_and_missing_listener() {
    let mut m = Machine::default();
    assert_eq!(
        *windows(&mut m, Family::V4).unwrap_err(),
        ConnectFailure::ServiceStopped
    );
    m.restart_service();
    match *windows(&mut m, Family::V4).unwrap_err() {
        ConnectFailure::NoListener { events } => {
            assert_eq!(events[0].id, EventId::NoEligibleCertificate)
        }
        other => panic!("{other:?}"),
    }
    assert!(m.stop_service().is_ok());
    assert_eq!(m.stop_service(), Err(MachineError::ServiceNotStarted));
    assert_eq!(m.listener(), None);
}

#[test]
fn plain_http_listener_is_reported() {
    let mut m = Machine::from_parts(
        GoneCertificateProfile::Documented2008,
        [],
        values(&[
            (names::USE_HTTPS, RegValue::Dword(0)),
            (
                names::SHA256_CERTIFICATE_HASH,
                RegValue::Binary(vec![7; 32]),
            ),
        ]),
        vec![],
    );
    m.restart_service();
    assert_eq!(
        *windows(&mut m, Family::V4).unwrap_err(),
        ConnectFailure::PlainHttp { port: 80 }
    );
}

#[test]
fn a_family_without_a_binding_fails_alone() {
    let a = vpn_cert("a", &server_auth());
    let mut m = working_server(GoneCertificateProfile::Documented2008, &a);
    m.netsh_delete(&v6()).unwrap();
    assert!(
        m.live_context(&v6()).is_none(),
        "deleting a binding drops its context"
    );
    assert_eq!(
        *windows(&mut m, Family::V6).unwrap_err(),
        ConnectFailure::NoBinding { endpoint: v6() }
    );
    assert!(windows(&mut m, Family::V4).is_ok());
    // the next start copies IPv4 to IPv6 again
    assert_eq!(m.restart_service().changes.len(), 1);
    assert!(windows(&mut m, Family::V6).is_ok());
}

#[test]
fn a_bound_certificate_without_its_key_fails_the_handshake() {
    let a = vpn_cert("a", &server_auth());
    let mut m = Machine::from_parts(
        GoneCertificateProfile::Documented2008,
        [keyless(&a)],
        RegistryValues::new(),
        both_sstp(&a),
    );
    m.restart_service();
    assert_eq!(
        *windows(&mut m, Family::V4).unwrap_err(),
        ConnectFailure::NoPrivateKey {
            endpoint: v4(),
            cert_hash: a.sha1(),
            key: KeyState::Absent
        }
    );
    // linking the key (importing it again with the key) fixes it
    assert_eq!(m.import_certificate(linked(&a)), Imported::Replaced);
    assert!(windows(&mut m, Family::V4).is_ok());
}

#[test]
fn live_contexts_survive_restarts_and_store_changes_but_not_reboots() {
    let a = vpn_cert("a", &server_auth());
    let mut m = working_server(GoneCertificateProfile::Documented2008, &a);
    m.delete_certificate(&a.sha1()).unwrap();
    m.stop_service().unwrap();
    m.start_service().unwrap();
    assert_eq!(m.live_contexts().len(), 2);
    assert!(windows(&mut m, Family::V6).unwrap().from_live_context);
    m.reboot();
    assert!(m.live_contexts().is_empty());
    assert!(windows(&mut m, Family::V6).is_err());
}

#[test]
fn netsh_errors_are_the_ones_windows_prints() {
    let (a, b) = (vpn_cert("a", &server_auth()), vpn_cert("b", &server_auth()));
    let mut m = Machine::default();
    m.import_certificate(linked(&a));
    m.import_certificate(keyless(&b));
    m.netsh_add(sstp(v4(), &a)).unwrap();
    let dup = m.netsh_add(sstp(v4(), &a)).unwrap_err();
    assert_eq!(dup.win32_error(), 183);
    let nokey = m.netsh_add(sstp(v6(), &b)).unwrap_err();
    assert_eq!(nokey.win32_error(), 1312);
    assert!(
        nokey
            .to_string()
            .contains("A specified logon session does not exist")
    );
    let gone = m
        .netsh_add(sstp(v6(), &vpn_cert("c", &server_auth())))
        .unwrap_err();
    assert!(matches!(gone, NetshError::Refused { .. }));
    assert_eq!(gone.win32_error(), 1312);
    let mut no_app = sstp(v6(), &a);
    no_app.app_id = None;
    assert_eq!(m.netsh_add(no_app).unwrap_err().win32_error(), 87);
    assert_eq!(m.netsh_delete(&v6()).unwrap_err().win32_error(), 2);
    assert_eq!(m.netsh_delete(&v4()).unwrap().cert_hash, Some(a.sha1()));
    assert!(m.bindings().is_empty());
    let x = vpn_cert("x", &server_auth());
    assert_eq!(
        m.delete_certificate(&x.sha1()),
        Err(MachineError::CertificateNotFound { sha1: x.sha1() })
    );
}

#[test]
fn imports_keep_store_order() {
    let (a, b) = (vpn_cert("a", &server_auth()), vpn_cert("b", &server_auth()));
    let mut m = Machine::default();
    assert_eq!(m.import_certificate(keyless(&a)), Imported::Added);
    assert_eq!(m.import_certificate(linked(&b)), Imported::Added);
    assert_eq!(m.import_certificate(linked(&a)), Imported::Replaced);
    let order: Vec<_> = m
        .store()
        .entries()
        .iter()
        .map(|e| (e.certificate.sha1(), e.key))
        .collect();
    assert_eq!(
        order,
        [(a.sha1(), KeyState::Linked), (b.sha1(), KeyState::Linked)]
    );
    // a is first again, and now eligible: it wins the automatic choice
    m.restart_service();
    assert_eq!(m.last_plumbing().unwrap().bound, Some(a.sha1()));
}

#[test]
fn service_and_registry_operations() {
    let mut m = Machine::default();
    assert_eq!(m.service_state(), ServiceState::Stopped);
    assert!(m.start_service().is_ok());
    assert!(matches!(
        m.start_service(),
        Err(MachineError::ServiceAlreadyStarted)
    ));
    assert_eq!(m.reg_set("ListenerPort", RegValue::Dword(1)), None);
    assert_eq!(
        m.reg_set("LISTENERPORT", RegValue::Dword(2)),
        Some(RegValue::Dword(1))
    );
    assert_eq!(m.reg_delete("listenerport"), Ok(RegValue::Dword(2)));
    assert!(matches!(
        m.reg_delete("ListenerPort"),
        Err(MachineError::RegistryValueNotFound { .. })
    ));
    let j = serde_json::to_value(m.connect(&host(), Profile::WindowsClient, Family::V4)).unwrap();
    assert_eq!(j["outcome"], "failed");
    assert_eq!(j["failure"], "no-listener");
    assert_eq!(j["events"][0]["id"], 11);
}

#[test]
fn a_connection_serialises_with_its_hashes() {
    let a = vpn_cert("a", &server_auth());
    let mut m = working_server(GoneCertificateProfile::Documented2008, &a);
    let j = serde_json::to_value(m.connect(&host(), Profile::WindowsClient, Family::V6)).unwrap();
    assert_eq!(j["outcome"], "connected");
    assert_eq!(j["family"], "v6");
    assert_eq!(j["endpoint"], "[::]:443");
    assert_eq!(j["sha1"], a.sha1().to_string());
    assert_eq!(j["sha256"], a.sha256().to_string());
    assert_eq!(j["from_live_context"], true);
    assert_eq!(j["protocol"], "sha256");
    assert_eq!(j["verdict"]["accepted"], true);
}
