//! behaviour §7: the simulated machine — why "it works until the reboot", and
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
    ConnectFailure, ConnectStep, Connection, Imported, LiveContext, Machine, MachineError,
    NetshError, NotCheckedReason, SavedStart, ServiceState,
};
use sstp_cert::model::state::MachineState;
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
// The story of behaviour §7
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
            assert_eq!(served_sha256, Some(b.sha256()));
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
// EKU and host names (behaviour §9 through the connection)
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
    assert_eq!(
        conn.verdict.as_ref().unwrap().eku.rule,
        EkuRule::NoEkuExtension
    );
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
    assert_eq!(
        c.verdict.as_ref().unwrap().warnings[0].code,
        HostWarningCode::NoHostNameCheck
    );
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
    #[cfg(feature = "serde")]
    {
        let j =
            serde_json::to_value(m.connect(&host(), Profile::WindowsClient, Family::V4)).unwrap();
        assert_eq!(j["outcome"], "failed");
        assert_eq!(j["failure"], "no-listener");
        assert_eq!(j["events"][0]["id"], 11);
    }
}

#[cfg(feature = "serde")]
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

// ---------------------------------------------------------------------------
// Time: validity is checked before the name (behaviour §9)
// ---------------------------------------------------------------------------

/// A vpn.example.com certificate valid from `from` to `to`.
fn cert_valid(label: &str, from: time::OffsetDateTime, to: time::OffsetDateTime) -> Certificate {
    let mut p = params(HOST, &server_auth());
    p.subject_alt_names = vec![
        rcgen::SanType::DnsName(HOST.try_into().unwrap()),
        rcgen::SanType::DnsName(format!("{label}.example").try_into().unwrap()),
    ];
    p.not_before = from;
    p.not_after = to;
    Certificate::from_der(der_with(p)).unwrap()
}

const NOW: time::OffsetDateTime = time::macros::datetime!(2026-12-04 12:00 UTC);

#[test]
fn every_client_refuses_an_expired_certificate_the_service_binds() {
    let expired = cert_valid(
        "expired",
        time::macros::datetime!(2015-01-01 0:00 UTC),
        time::macros::datetime!(2020-01-01 0:00 UTC),
    );
    let mut m = Machine::default().at(NOW);
    m.import_certificate(linked(&expired));
    m.restart_service();
    assert_eq!(m.last_plumbing().unwrap().bound, Some(expired.sha1()));
    for (profile, error) in [
        (Profile::WindowsClient, "CERT_E_EXPIRED (0x800B0101)"),
        (
            Profile::SstpcLinux,
            "X509_V_ERR_CERT_HAS_EXPIRED (certificate has expired)",
        ),
        (Profile::Rfc9525, "certificate expired"),
    ] {
        let f = m
            .connect(&host(), profile, Family::V4)
            .into_result()
            .unwrap_err();
        assert_eq!(f.code(), "certificate-expired", "{profile:?}");
        assert_eq!(f.step(), ConnectStep::Validity);
        assert_eq!(f.client_error(), Some(error));
        assert!(
            f.to_string().contains("expired on 2020-01-01T00:00:00Z"),
            "{f}"
        );
    }
    // the same machine without a clock does not check validity, and says so
    let mut unclocked = Machine::default();
    unclocked.import_certificate(linked(&expired));
    unclocked.restart_service();
    let c = windows(&mut unclocked, Family::V4).unwrap();
    assert_eq!(c.checked_at, None);
    // a clock before notAfter connects, and records the time
    let mut then = Machine::default().at(time::macros::datetime!(2019-06-01 0:00 UTC));
    then.import_certificate(linked(&expired));
    then.restart_service();
    assert_eq!(
        windows(&mut then, Family::V6).unwrap().checked_at,
        Some(time::macros::datetime!(2019-06-01 0:00 UTC))
    );
}

#[test]
fn a_not_yet_valid_certificate_is_refused_with_the_same_windows_error() {
    let future = cert_valid(
        "future",
        time::macros::datetime!(2027-01-01 0:00 UTC),
        time::macros::datetime!(2028-01-01 0:00 UTC),
    );
    let mut m = Machine::default().at(NOW);
    m.import_certificate(linked(&future));
    m.restart_service();
    let f = windows(&mut m, Family::V4).unwrap_err();
    assert_eq!(f.code(), "certificate-not-yet-valid");
    assert_eq!(f.client_error(), Some("CERT_E_EXPIRED (0x800B0101)"));
    let f = m
        .connect(&host(), Profile::SstpcLinux, Family::V4)
        .into_result()
        .unwrap_err();
    assert_eq!(
        f.client_error(),
        Some("X509_V_ERR_CERT_NOT_YET_VALID (certificate is not yet valid)")
    );
    // time passes: the same machine connects
    m.set_clock(time::macros::datetime!(2027-06-01 0:00 UTC));
    assert!(windows(&mut m, Family::V4).is_ok());
}

#[test]
fn validity_is_checked_before_the_name() {
    let expired = cert_valid(
        "expired",
        time::macros::datetime!(2015-01-01 0:00 UTC),
        time::macros::datetime!(2020-01-01 0:00 UTC),
    );
    let mut m = Machine::default().at(NOW);
    m.import_certificate(linked(&expired));
    m.restart_service();
    let wrong = ReferenceId::parse("other.example.org").unwrap();
    let f = m
        .connect(&wrong, Profile::WindowsClient, Family::V4)
        .into_result()
        .unwrap_err();
    assert_eq!(f.step(), ConnectStep::Validity, "{f}");
    m.set_clock(time::macros::datetime!(2016-01-01 0:00 UTC));
    let f = m
        .connect(&wrong, Profile::WindowsClient, Family::V4)
        .into_result()
        .unwrap_err();
    assert_eq!(f.step(), ConnectStep::Name);
    assert_eq!(f.client_error(), Some("CERT_E_CN_NO_MATCH (0x800B010F)"));
}

// ---------------------------------------------------------------------------
// Issue 14: Event 18 at connection time, Events 24/25/32 and the listener
// ---------------------------------------------------------------------------

#[test]
fn a_deleted_hash_not_rewritten_logs_event_18_at_crypto_binding() {
    // The hash is deleted and the start cannot write it (Event 21: the bound
    // certificate is gone); HTTP.sys still serves it from memory, and the
    // client reaches crypto binding: Event 18, the connection fails.
    let (old, new) = (sa_cert("old"), sa_cert("new"));
    let mut m = working_server(GoneCertificateProfile::Documented2008, &old);
    m.delete_certificate(&old.sha1()).unwrap();
    m.import_certificate(linked(&new));
    m.reg_delete(names::SHA256_CERTIFICATE_HASH).unwrap();
    m.restart_service();
    assert_eq!(m.last_plumbing().unwrap().event_numbers(), [21]);
    let before = m.events().len();
    let f = windows(&mut m, Family::V4).unwrap_err();
    match *f {
        ConnectFailure::CryptoBindingFailed {
            ref server_event,
            ref error,
            ..
        } => {
            assert!(matches!(error, CryptoBindingError::NoConfiguredHash { .. }));
            let e = server_event.as_ref().expect("Event 18");
            assert_eq!(e.id, EventId::Sha256HashInvalid);
            assert!(e.message.contains("SSTP connections will not be accepted"));
        }
        ref other => panic!("{other}"),
    }
    assert_eq!(f.step(), ConnectStep::CryptoBinding);
    let logged: Vec<u32> = m.events()[before..].iter().map(|e| e.id.number()).collect();
    assert_eq!(
        logged,
        [18, 6],
        "Event 18 on the server, 6 on the Windows client"
    );
}

#[test]
fn event_18_follows_sha256_enabled_and_event_19_sha1_enabled() {
    // SHA-256 disabled, SHA-1 enabled: the SHA-256 hash is not compared, so
    // its absence logs nothing at connection time; a missing SHA-1 hash
    // logs Event 19.
    let (old, new) = (sa_cert("old"), sa_cert("new"));
    let mut m = working_server(GoneCertificateProfile::Documented2008, &old);
    m.reg_set(names::SHA256_ENABLED, RegValue::Dword(0));
    m.reg_set(names::SHA1_ENABLED, RegValue::Dword(1));
    m.delete_certificate(&old.sha1()).unwrap();
    m.import_certificate(linked(&new));
    m.reg_delete(names::SHA256_CERTIFICATE_HASH).unwrap();
    m.restart_service();
    // SHA-1 hash still there and right: connects over SHA-1, no event
    let c = windows(&mut m, Family::V4).unwrap();
    assert_eq!(c.protocol, HashProtocol::Sha1);
    m.reg_delete(names::SHA1_CERTIFICATE_HASH).unwrap();
    m.restart_service();
    let before = m.events().len();
    assert!(windows(&mut m, Family::V4).is_err());
    let logged: Vec<u32> = m.events()[before..].iter().map(|e| e.id.number()).collect();
    assert_eq!(logged, [19, 6]);
}

#[test]
fn wrong_way_in_admin_mode_works_until_the_reboot() {
    // Event 25 changes nothing (behaviour §6), so the listener stays on the old
    // bindings and HTTP.sys serves the old certificate from memory.
    let (old, new) = (sa_cert("old"), sa_cert("new"));
    let mut m = Machine::from_parts(
        GoneCertificateProfile::Documented2008,
        [linked(&old)],
        admin_pin(&old),
        Vec::new(),
    );
    m.restart_service();
    for f in Family::BOTH {
        assert_eq!(served(&mut m, f).sha1(), old.sha1());
    }
    wrong_way(&mut m, &old, &new);
    assert_eq!(m.last_plumbing().unwrap().event_numbers(), [25]);
    assert!(m.listener().is_some());
    let c = windows(&mut m, Family::V4).unwrap();
    assert!(c.from_live_context && c.sha1 == old.sha1());
    m.reboot();
    assert!(matches!(
        *windows(&mut m, Family::V4).unwrap_err(),
        ConnectFailure::CertificateMissing { .. }
    ));
}

#[test]
fn event_24_keeps_each_family_on_its_certificate() {
    let (a, b) = (sa_cert("a"), sa_cert("b"));
    let mut m = Machine::from_parts(
        GoneCertificateProfile::Documented2008,
        [linked(&a), linked(&b)],
        auto_record(&a),
        vec![sstp(v4(), &a), sstp(v6(), &b)],
    );
    m.restart_service();
    assert_eq!(m.last_plumbing().unwrap().event_numbers(), [24]);
    assert_eq!(windows(&mut m, Family::V4).unwrap().sha1, a.sha1());
    // IPv6 serves b, which the registry does not name: crypto binding fails
    assert_eq!(
        windows(&mut m, Family::V6).unwrap_err().code(),
        "crypto-binding-failed"
    );
}

#[test]
fn current_release_replaces_another_applications_gone_binding() {
    let (gone, new) = (sa_cert("gone"), sa_cert("new"));
    let mut m = Machine::from_parts(
        GoneCertificateProfile::CurrentRelease,
        [linked(&new)],
        RegistryValues::new(),
        vec![iis(v4(), &gone), iis(v6(), &gone)],
    );
    m.restart_service();
    assert_eq!(m.last_plumbing().unwrap().bound, Some(new.sha1()));
    assert!(m.bindings().iter().all(SslBinding::is_sstp));
    assert_eq!(windows(&mut m, Family::V6).unwrap().sha1, new.sha1());
}

#[test]
fn switching_to_plain_http_removes_the_old_443_bindings() {
    let a = sa_cert("a");
    let mut m = working_server(GoneCertificateProfile::Documented2008, &a);
    m.reg_set(names::USE_HTTPS, RegValue::Dword(0));
    m.reg_set(names::IS_HASH_CONFIGURED_BY_ADMIN, RegValue::Dword(1));
    m.restart_service();
    assert_eq!(m.listener().unwrap().port, 80);
    assert!(m.bindings().is_empty(), "{:?}", m.bindings());
    assert!(m.live_contexts().is_empty());
}

// ---------------------------------------------------------------------------
// A saved state (behaviour §12)
// ---------------------------------------------------------------------------

fn sa_cert(label: &str) -> Certificate {
    vpn_cert(label, &server_auth())
}

#[test]
fn a_saved_state_starts_as_saved_and_shows_the_trap() {
    let (old, new) = (sa_cert("old"), sa_cert("new"));
    let state = MachineState::new(vec![linked(&new)])
        .with_bindings(both_sstp(&old))
        .with_registry(auto_record(&old));
    let start = SavedStart::new().in_memory(vec![old.clone()]);
    let mut m = Machine::from_state_with(&state, GoneCertificateProfile::default(), NOW, &start);
    assert_eq!(m.service_state(), ServiceState::Running);
    assert!(m.assumptions().is_empty(), "{:?}", m.assumptions());
    assert_eq!(m.live_contexts().len(), 2);
    // connect works from memory …
    let c = windows(&mut m, Family::V4).unwrap();
    assert!(c.from_live_context);
    assert_eq!(c.sha1, old.sha1());
    assert_eq!(c.checked_at, Some(NOW));
    // … until the reboot
    m.reboot();
    assert_eq!(
        windows(&mut m, Family::V4).unwrap_err().code(),
        "certificate-missing"
    );

    // --stopped: the service is stopped, nothing in memory
    let mut stopped = Machine::from_state_with(
        &state,
        GoneCertificateProfile::default(),
        NOW,
        &start.clone().stopped(true),
    );
    assert_eq!(stopped.service_state(), ServiceState::Stopped);
    assert!(stopped.live_contexts().is_empty());
    assert_eq!(
        windows(&mut stopped, Family::V4).unwrap_err().code(),
        "service-stopped"
    );

    // the gone certificate not given: HTTP.sys holds it by its hash, and it
    // is said once
    let m = Machine::from_state(&state, GoneCertificateProfile::default(), NOW);
    let codes: Vec<_> = m.assumptions().iter().map(|a| a.code).collect();
    assert_eq!(codes, ["live-context-by-hash"]);
    assert_eq!(m.live_contexts().len(), 2);
}

// ---------------------------------------------------------------------------
// A saved state's bound certificate known only by its hash (behaviour §7, §12)
// ---------------------------------------------------------------------------

fn steps_not_checked(c: &Connection) -> Vec<(ConnectStep, NotCheckedReason)> {
    c.not_checked.iter().map(|n| (n.step, n.reason)).collect()
}

const BY_HASH: [(ConnectStep, NotCheckedReason); 3] = [
    (ConnectStep::Validity, NotCheckedReason::KnownOnlyByHash),
    (ConnectStep::Name, NotCheckedReason::KnownOnlyByHash),
    (ConnectStep::Eku, NotCheckedReason::KnownOnlyByHash),
];

/// The wrong renewal as saved on a real server: `new` in the store, both
/// bindings and the key still naming `old`, which is gone.
fn saved_after_wrong_renewal(
    old: &Certificate,
    new: &Certificate,
    registry: RegistryValues,
) -> MachineState {
    MachineState::new(vec![linked(new)])
        .with_bindings(both_sstp(old))
        .with_registry(registry)
}

#[test]
fn a_gone_certificate_is_held_by_its_hash_connects_with_the_checks_listed_until_the_reboot() {
    let (old, new) = (sa_cert("old"), sa_cert("new"));
    let state = saved_after_wrong_renewal(&old, &new, auto_record(&old));
    let mut m = Machine::from_state(&state, GoneCertificateProfile::default(), NOW);
    assert_eq!(m.service_state(), ServiceState::Running);
    let a = m.assumptions();
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].code, "live-context-by-hash");
    assert!(
        a[0].assumed.contains(&old.sha1().to_string())
            && a[0].assumed.contains(&old.sha256().to_string())
            && a[0].assumed.contains("0.0.0.0:443 and [::]:443"),
        "{}",
        a[0]
    );
    for e in [v4(), v6()] {
        let held = m.live_context_held(&e).expect("held");
        assert_eq!(
            *held,
            LiveContext::KnownByHash {
                sha1: old.sha1(),
                sha256: Some(old.sha256())
            }
        );
        assert!(m.live_context(&e).is_none(), "no certificate to give");
    }
    // connect works — every client, both families — with the checks the
    // model cannot make listed, not passed
    for profile in [
        Profile::WindowsClient,
        Profile::Rfc9525,
        Profile::SstpcLinux,
    ] {
        for family in Family::BOTH {
            let out = m.connect(&host(), profile, family);
            let c = out
                .connection()
                .unwrap_or_else(|| panic!("{profile:?} {family}: {:?}", out.failure()));
            assert!(c.from_live_context);
            assert_eq!((c.sha1, c.sha256), (old.sha1(), Some(old.sha256())));
            assert_eq!(steps_not_checked(c), BY_HASH, "crypto binding was compared");
            assert!(!c.all_checks_made());
            assert!(c.verdict.is_none() && c.checked_at.is_none());
            assert_eq!(c.protocol, HashProtocol::Sha256);
            assert!(
                c.not_checked[0].why.contains("only its hash is known"),
                "{}",
                c.not_checked[0]
            );
        }
    }
    #[cfg(feature = "serde")]
    {
        let j =
            serde_json::to_value(m.connect(&host(), Profile::WindowsClient, Family::V4)).unwrap();
        assert_eq!(j["outcome"], "connected");
        assert_eq!(j["not_checked"][0]["step"], "validity");
        assert_eq!(j["not_checked"][0]["reason"], "known-only-by-hash");
        assert!(j["verdict"].is_null());
    }
    // a restart keeps HTTP.sys's memory (the behaviour documented in 2008)
    m.restart_service();
    assert!(windows(&mut m, Family::V4).is_ok());
    // … the reboot ends it
    m.reboot();
    assert!(m.live_contexts().is_empty());
    for family in Family::BOTH {
        let f = windows(&mut m, family).unwrap_err();
        assert!(
            matches!(&*f, ConnectFailure::CertificateMissing { cert_hash, .. } if *cert_hash == Some(old.sha1())),
            "{f}"
        );
    }

    // deleting a binding ends its context too
    let mut m = Machine::from_state(&state, GoneCertificateProfile::default(), NOW);
    m.netsh_delete(&v4()).unwrap();
    assert!(m.live_context_held(&v4()).is_none());
    assert_eq!(
        windows(&mut m, Family::V4).unwrap_err().code(),
        "no-binding"
    );
    assert!(windows(&mut m, Family::V6).is_ok());
    // and current releases delete a gone certificate's binding at the next
    // start, with its context
    let mut m = Machine::from_state(&state, GoneCertificateProfile::CurrentRelease, NOW);
    m.restart_service();
    assert!(m.live_contexts().is_empty());
    assert_eq!(served(&mut m, Family::V4).sha1(), new.sha1());
}

#[test]
fn the_sha256_of_a_certificate_held_by_hash_comes_from_the_saved_key_only_when_it_records_it() {
    let (old, new) = (sa_cert("old"), sa_cert("new"));
    let connect = |registry: RegistryValues| {
        let state = saved_after_wrong_renewal(&old, &new, registry);
        let mut m = Machine::from_state(&state, GoneCertificateProfile::default(), NOW);
        let held = m.live_context_held(&v4()).cloned();
        (
            held.and_then(|h| h.sha256()),
            windows(&mut m, Family::V4),
            m,
        )
    };

    // another certificate's record (SHA-1 not the binding's): the SHA-256
    // is unknown, so crypto binding is listed as not checked
    let (sha256, c, m) = connect(auto_record(&new));
    assert_eq!(sha256, None);
    let c = c.unwrap();
    assert_eq!(c.sha256, None);
    let mut expected = BY_HASH.to_vec();
    expected.push((ConnectStep::CryptoBinding, NotCheckedReason::Sha256Unknown));
    assert_eq!(steps_not_checked(&c), expected);
    assert!(c.not_checked[3].why.contains(&new.sha256().to_string()));
    assert!(
        m.assumptions()[0]
            .assumed
            .contains("does not record its SHA-256"),
        "{}",
        m.assumptions()[0]
    );

    // admin mode: the administrator's values need not describe one
    // certificate, so the SHA-256 is not taken from them
    let (sha256, c, _) = connect(admin_pin(&old));
    assert_eq!(sha256, None);
    assert_eq!(
        c.unwrap().not_checked.last().map(|n| n.reason),
        Some(NotCheckedReason::Sha256Unknown)
    );

    // the SHA-1 recorded, no SHA-256: the service has no hash to compare —
    // that fails whatever the client sends (Event 18), unknown SHA-256 or not
    let mut no_sha256 = auto_record(&old);
    no_sha256.remove(names::SHA256_CERTIFICATE_HASH);
    let (sha256, f, m) = connect(no_sha256);
    assert_eq!(sha256, None);
    let f = f.unwrap_err();
    match &*f {
        ConnectFailure::CryptoBindingFailed {
            served_sha256,
            served_sha1,
            error,
            server_event,
            client_event,
            ..
        } => {
            assert_eq!((*served_sha256, *served_sha1), (None, old.sha1()));
            assert!(matches!(error, CryptoBindingError::NoConfiguredHash { .. }));
            assert_eq!(
                server_event.as_ref().unwrap().id,
                EventId::Sha256HashInvalid
            );
            assert!(
                client_event
                    .as_ref()
                    .unwrap()
                    .message
                    .contains("unknown to the model")
            );
        }
        other => panic!("{other}"),
    }
    assert!(
        m.events()
            .iter()
            .any(|e| e.id == EventId::Sha256HashInvalid)
    );

    // the SHA-256 known: it is really compared — a key changed since the
    // save (and read at the restart) fails crypto binding with Event 6
    let (sha256, c, mut m) = connect(auto_record(&old));
    assert_eq!(sha256, Some(old.sha256()));
    assert_eq!(steps_not_checked(&c.unwrap()), BY_HASH);
    m.reg_set(
        names::SHA256_CERTIFICATE_HASH,
        RegValue::Binary(new.sha256().as_bytes().to_vec()),
    );
    m.restart_service(); // keeps the binding and the context (2008), Event 21
    let f = windows(&mut m, Family::V4).unwrap_err();
    assert!(
        matches!(
            &*f,
            ConnectFailure::CryptoBindingFailed {
                error: CryptoBindingError::CertificateHashMismatch { .. },
                served_sha256: Some(h),
                client_event: Some(_),
                ..
            } if *h == old.sha256()
        ),
        "{f}"
    );

    // SHA-1 crypto binding (SHA256Enabled = 0, SHA1Enabled = 1): the SHA-1
    // is always known, so it is compared even with the SHA-256 unknown
    let mut sha1_only = auto_record(&old);
    sha1_only.remove(names::SHA256_CERTIFICATE_HASH);
    sha1_only.set(names::SHA256_ENABLED, RegValue::Dword(0));
    sha1_only.set(names::SHA1_ENABLED, RegValue::Dword(1));
    let (_, c, _) = connect(sha1_only.clone());
    let c = c.unwrap();
    assert_eq!(c.protocol, HashProtocol::Sha1);
    assert_eq!(steps_not_checked(&c), BY_HASH);
    // … and a stale SHA-1 fails it
    sha1_only.set(
        names::SHA1_CERTIFICATE_HASH,
        RegValue::Binary(new.sha1().as_bytes().to_vec()),
    );
    let (_, f, _) = connect(sha1_only);
    assert!(matches!(
        &*f.unwrap_err(),
        ConnectFailure::CryptoBindingFailed {
            error: CryptoBindingError::CertificateHashMismatch {
                protocol: HashProtocol::Sha1,
                ..
            },
            ..
        }
    ));
}

#[test]
fn a_key_not_given_beside_a_certificate_held_by_hash_leaves_crypto_binding_unchecked() {
    let (old, new) = (sa_cert("old"), sa_cert("new"));
    let state = MachineState::new(vec![linked(&new)]).with_bindings(both_sstp(&old));
    let mut m = Machine::from_state(&state, GoneCertificateProfile::default(), NOW);
    let codes: Vec<_> = m.assumptions().iter().map(|a| a.code).collect();
    assert_eq!(codes, ["live-context-by-hash", "registry-assumed-record"]);
    assert!(
        m.assumptions()[1]
            .assumed
            .contains("value of SHA256CertificateHash is unknown")
    );
    // what is known of the record is written: the SHA-1, automatic mode
    let p = m.parameters();
    assert_eq!(p.sha1_certificate_hash.hash(), Some(&old.sha1()));
    assert!(!p.is_hash_configured_by_admin.value);
    let c = windows(&mut m, Family::V6).unwrap();
    let mut expected = BY_HASH.to_vec();
    expected.push((
        ConnectStep::CryptoBinding,
        NotCheckedReason::RegistryUnknown,
    ));
    assert_eq!(steps_not_checked(&c), expected);
    assert!(m.events().is_empty(), "no Event 18 for a value not known");
    // the running service keeps what it read at start: a `reg delete` of
    // the unknown value changes nothing until the next start …
    let _ = m.reg_delete(names::SHA256_CERTIFICATE_HASH);
    assert!(windows(&mut m, Family::V4).is_ok());
    // … after which the service has no hash: Event 18
    m.restart_service();
    let f = windows(&mut m, Family::V4).unwrap_err();
    assert!(
        matches!(
            &*f,
            ConnectFailure::CryptoBindingFailed {
                server_event: Some(_),
                ..
            }
        ),
        "{f}"
    );
}

#[test]
fn a_deleted_certificate_given_makes_the_checks_a_hash_cannot() {
    // the old certificate expired before the save (the server kept serving
    // it from memory): by hash the model cannot tell; given, it can
    let expired = cert_valid(
        "old",
        time::macros::datetime!(2025-01-01 0:00 UTC),
        time::macros::datetime!(2026-01-01 0:00 UTC),
    );
    let new = sa_cert("new");
    let state = saved_after_wrong_renewal(&expired, &new, auto_record(&expired));
    let mut by_hash = Machine::from_state(&state, GoneCertificateProfile::default(), NOW);
    let c = windows(&mut by_hash, Family::V4).unwrap();
    assert_eq!(steps_not_checked(&c), BY_HASH);
    let start = SavedStart::new().in_memory(vec![expired.clone()]);
    let mut given =
        Machine::from_state_with(&state, GoneCertificateProfile::default(), NOW, &start);
    assert!(given.assumptions().is_empty());
    assert!(!given.live_context_held(&v4()).unwrap().is_known_by_hash());
    assert_eq!(
        windows(&mut given, Family::V4).unwrap_err().code(),
        "certificate-expired"
    );
    // a wrong name, given: the name check is made
    let other = cert_with_names(&["other.example.org"], &server_auth());
    let state = saved_after_wrong_renewal(&other, &new, auto_record(&other));
    let start = SavedStart::new().in_memory(vec![other.clone()]);
    let mut given =
        Machine::from_state_with(&state, GoneCertificateProfile::default(), NOW, &start);
    assert_eq!(
        windows(&mut given, Family::V6).unwrap_err().code(),
        "host-name-mismatch"
    );
    // a valid one given: every check made, nothing listed
    let old = sa_cert("old");
    let state = saved_after_wrong_renewal(&old, &new, auto_record(&old));
    let start = SavedStart::new().in_memory(vec![old.clone()]);
    let mut given =
        Machine::from_state_with(&state, GoneCertificateProfile::default(), NOW, &start);
    let c = windows(&mut given, Family::V4).unwrap();
    assert!(c.all_checks_made() && c.verdict.is_some() && c.checked_at == Some(NOW));
}

#[test]
fn a_bound_certificate_in_the_store_without_its_key_gets_no_context() {
    let (old, new) = (sa_cert("old"), sa_cert("new"));
    let state = MachineState::new(vec![keyless(&old), linked(&new)])
        .with_bindings(both_sstp(&old))
        .with_registry(auto_record(&old));
    let mut m = Machine::from_state(&state, GoneCertificateProfile::default(), NOW);
    let codes: Vec<_> = m.assumptions().iter().map(|a| a.code).collect();
    assert_eq!(codes, ["no-live-context", "no-live-context"]);
    assert!(m.live_contexts().is_empty());
    assert_eq!(
        windows(&mut m, Family::V4).unwrap_err().code(),
        "no-private-key"
    );
}

#[test]
fn a_saved_state_with_unknown_inputs_says_what_it_assumed() {
    let a = sa_cert("a");
    // bindings unknown: stopped, and both unknowns are said
    let m = Machine::from_state(
        &MachineState::new(vec![linked(&a)]),
        GoneCertificateProfile::default(),
        NOW,
    );
    assert_eq!(m.service_state(), ServiceState::Stopped);
    let codes: Vec<_> = m.assumptions().iter().map(|a| a.code).collect();
    assert_eq!(
        codes,
        ["bindings-unknown", "registry-unknown", "service-stopped"]
    );
    // registry unknown, service running on a: the automatic-mode record of a
    // is assumed, so crypto binding works
    let state = MachineState::new(vec![linked(&a)]).with_bindings(both_sstp(&a));
    let mut m = Machine::from_state(&state, GoneCertificateProfile::default(), NOW);
    let codes: Vec<_> = m.assumptions().iter().map(|a| a.code).collect();
    assert_eq!(codes, ["registry-assumed-record"]);
    assert_eq!(*m.registry(), auto_record(&a));
    assert!(windows(&mut m, Family::V6).unwrap().from_live_context);
    // given and empty is not unknown: the empty key is kept, and crypto
    // binding fails with Event 18 (automatic mode, no hash)
    let mut m = Machine::from_state(
        &state.clone().with_registry(RegistryValues::new()),
        GoneCertificateProfile::default(),
        NOW,
    );
    assert!(m.assumptions().is_empty());
    assert!(m.registry().is_empty());
    let f = windows(&mut m, Family::V4).unwrap_err();
    assert!(matches!(
        *f,
        ConnectFailure::CryptoBindingFailed {
            server_event: Some(_),
            ..
        }
    ));
}

#[test]
fn a_saved_state_without_sstps_pair_starts_stopped() {
    let a = sa_cert("a");
    let state = MachineState::new(vec![linked(&a)])
        .with_bindings(vec![sstp(v4(), &a), iis(v6(), &a)])
        .with_registry(auto_record(&a));
    let m = Machine::from_state(&state, GoneCertificateProfile::default(), NOW);
    assert_eq!(m.service_state(), ServiceState::Stopped);
    let codes: Vec<_> = m.assumptions().iter().map(|a| a.code).collect();
    assert_eq!(codes, ["service-stopped"]);
    assert!(
        m.assumptions()[0]
            .assumed
            .contains("no SSTP binding pair on 0.0.0.0:443")
    );
    // UseHttps = 0: no binding tells whether the service ran
    let mut http = auto_record(&a);
    http.set(names::USE_HTTPS, RegValue::Dword(0));
    let m = Machine::from_state(
        &MachineState::new(vec![linked(&a)])
            .with_bindings(both_sstp(&a))
            .with_registry(http),
        GoneCertificateProfile::default(),
        NOW,
    );
    assert_eq!(m.service_state(), ServiceState::Stopped);
    assert!(
        m.assumptions()[0].assumed.starts_with("UseHttps is 0"),
        "{}",
        m.assumptions()[0]
    );
}

#[test]
fn show_sslcert_and_reg_query_read_back_as_a_saved_state() {
    let (old, new) = (sa_cert("old"), sa_cert("new"));
    let mut m = working_server(GoneCertificateProfile::Documented2008, &old);
    wrong_way(&mut m, &old, &new);
    let bindings = parse_sslcert_show(m.netsh_show_sslcert().as_bytes())
        .unwrap()
        .bindings;
    assert_eq!(
        bindings
            .iter()
            .map(|b| (b.endpoint.clone(), b.cert_hash, b.is_sstp()))
            .collect::<Vec<_>>(),
        m.bindings()
            .iter()
            .map(|b| (b.endpoint.clone(), b.cert_hash, b.is_sstp()))
            .collect::<Vec<_>>()
    );
    let registry = parse_registry_text(m.reg_query().as_bytes())
        .unwrap()
        .values;
    assert_eq!(&registry, m.registry());
    // fed back, the saved state is the same machine: works until the reboot
    let state = MachineState::new(m.store().entries().to_vec())
        .with_bindings(bindings)
        .with_registry(registry);
    let start = SavedStart::new().in_memory(vec![old.clone()]);
    let mut again =
        Machine::from_state_with(&state, GoneCertificateProfile::default(), NOW, &start);
    assert_eq!(windows(&mut again, Family::V4).unwrap().sha1, old.sha1());
    again.reboot();
    assert!(windows(&mut again, Family::V4).is_err());
}
