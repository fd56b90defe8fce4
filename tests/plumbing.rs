//! behaviour §6: what the service does when it (re)configures the listener. One
//! scenario per rule, with the events asserted by id, and a property test
//! of the invariants every plumbing keeps.

mod common;
mod sim;

use std::sync::OnceLock;

use common::*;
use proptest::prelude::*;
use sim::*;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::httpsys::{Endpoint, IIS_APP_ID, SSTP_APP_ID, SslBinding};
use sstp_cert::model::plumbing::{
    AddRefusal, BindingChange, ChangeReason, GoneCertificateProfile, Mode, Plumbing, PlumbingInput,
    check_binding_certificate, plumb,
};
use sstp_cert::model::registry::{
    RegValue, RegistryValues, RegistryWrite, Scheme, SstpParameters, names,
};
use sstp_cert::model::store::{KeyState, StoreEntry};

fn run(values: &RegistryValues, store: &[StoreEntry], bindings: &[SslBinding]) -> Plumbing {
    run_with(
        values,
        store,
        bindings,
        GoneCertificateProfile::Documented2008,
    )
}

fn run_with(
    values: &RegistryValues,
    store: &[StoreEntry],
    bindings: &[SslBinding],
    profile: GoneCertificateProfile,
) -> Plumbing {
    let parameters = SstpParameters::from_values(values);
    plumb(&PlumbingInput::new(&parameters, store, bindings).with_profile(profile))
}

fn ops(p: &Plumbing) -> Vec<(String, String, ChangeReason)> {
    p.changes
        .iter()
        .map(|c| match c {
            BindingChange::Delete { endpoint, reason } => {
                ("delete".to_owned(), endpoint.to_string(), *reason)
            }
            BindingChange::Add { binding, reason } => (
                format!("add {}", binding.cert_hash.unwrap()),
                binding.endpoint.to_string(),
                *reason,
            ),
            other => panic!("a change this test does not know: {other:?}"),
        })
        .collect()
}

fn add(c: &Certificate, e: &str, r: ChangeReason) -> (String, String, ChangeReason) {
    (format!("add {}", c.sha1()), e.to_owned(), r)
}

fn del(e: &str, r: ChangeReason) -> (String, String, ChangeReason) {
    ("delete".to_owned(), e.to_owned(), r)
}

const V4: &str = "0.0.0.0:443";
const V6: &str = "[::]:443";

fn sa(label: &str) -> Certificate {
    vpn_cert(label, &server_auth())
}

fn assert_unchanged(p: &Plumbing, input: &[SslBinding]) {
    assert!(p.changes.is_empty(), "{:?}", p.changes);
    assert_eq!(p.bindings, input);
    assert!(p.registry_writes.is_empty());
}

// ---------------------------------------------------------------------------
// Admin mode
// ---------------------------------------------------------------------------

#[test]
fn admin_configured_certificate_missing_is_event_25_without_fallback() {
    let (a, gone) = (sa("a"), sa("gone"));
    let store = [linked(&a)];
    let p = run(&admin_pin(&gone), &store, &[]);
    assert_eq!(p.mode, Mode::Admin);
    assert_eq!(p.event_numbers(), [25]);
    assert!(p.events[0].message.contains("no store entry has that hash"));
    assert!(p.listener.is_none());
    assert!(p.choice.is_none(), "no fallback to the automatic choice");
    assert_unchanged(&p, &[]);
    assert_eq!(p.bound, None);
}

#[test]
fn admin_configured_certificate_ineligible_is_event_25_naming_the_reason() {
    let a = sa("a");
    let p = run(&admin_pin(&a), &[keyless(&a)], &[]);
    assert_eq!(p.event_numbers(), [25]);
    assert!(
        p.events[0]
            .message
            .contains("not eligible (no-private-key)")
    );
    assert!(p.listener.is_none());
}

#[test]
fn admin_nothing_bound_binds_both_and_writes_nothing() {
    let (a, b) = (sa("a"), sa("b"));
    let p = run(&admin_pin(&b), &[linked(&a), linked(&b)], &[]);
    assert_eq!(
        ops(&p),
        [
            add(&b, V4, ChangeReason::AdminBind),
            add(&b, V6, ChangeReason::AdminBind)
        ]
    );
    assert!(p.events.is_empty());
    assert!(p.registry_writes.is_empty(), "admin mode records nothing");
    assert_eq!(p.bound, Some(b.sha1()));
    let l = p.listener.unwrap();
    assert_eq!((l.scheme, l.port), (Scheme::Https, 443));
    // what the service writes to a binding
    for bnd in &p.bindings {
        assert_eq!(bnd.app_id, Some(SSTP_APP_ID));
        assert_eq!(bnd.store_name.as_deref(), Some("MY"));
    }
}

#[test]
fn admin_looks_up_by_sha1_only_when_sha1_is_enabled() {
    let (a, b) = (sa("a"), sa("b"));
    let store = [linked(&a), linked(&b)];
    // SHA-256 names b, SHA-1 names a
    let mut v = RegistryValues::new();
    v.apply(&RegistryWrite::set_sha256_hash(&b.sha256()));
    v.apply(&RegistryWrite::set_sha1_hash(&a.sha1()));
    v.apply(&RegistryWrite::set_dword(
        names::IS_HASH_CONFIGURED_BY_ADMIN,
        1,
    ));
    assert_eq!(run(&v, &store, &[]).bound, Some(b.sha1()));
    v.apply(&RegistryWrite::set_dword(names::SHA1_ENABLED, 1));
    assert_eq!(run(&v, &store, &[]).bound, Some(a.sha1()));
    // SHA-1 enabled and SHA-256 naming a certificate that is gone: found by SHA-1
    v.apply(&RegistryWrite::set_sha256_hash(&sa("gone").sha256()));
    assert_eq!(run(&v, &store, &[]).bound, Some(a.sha1()));
}

#[test]
fn admin_sstp_bound_to_another_certificate_is_rebound() {
    let (a, b) = (sa("a"), sa("b"));
    let bindings = both_sstp(&a);
    let p = run(&admin_pin(&b), &[linked(&a), linked(&b)], &bindings);
    assert_eq!(
        ops(&p),
        [
            del(V4, ChangeReason::AdminRebind),
            add(&b, V4, ChangeReason::AdminRebind),
            del(V6, ChangeReason::AdminRebind),
            add(&b, V6, ChangeReason::AdminRebind),
        ]
    );
    assert!(p.events.is_empty());
    assert_eq!(p.bound, Some(b.sha1()));
}

#[test]
fn admin_bound_hash_not_in_store_is_another_certificate() {
    let (gone, b) = (sa("gone"), sa("b"));
    let p = run(&admin_pin(&b), &[linked(&b)], &both_sstp(&gone));
    assert_eq!(p.changes.len(), 4);
    assert!(
        p.changes
            .iter()
            .all(|c| c.reason() == ChangeReason::AdminRebind)
    );
    assert_eq!(p.bound, Some(b.sha1()));
}

#[test]
fn admin_other_application_bound_to_another_certificate_is_event_32_and_nothing_changes() {
    let (a, b) = (sa("a"), sa("b"));
    // IIS holds IPv4 with a; IPv6 is free — still nothing changes
    let bindings = vec![iis(v4(), &a)];
    let p = run(&admin_pin(&b), &[linked(&a), linked(&b)], &bindings);
    assert_eq!(p.event_numbers(), [32]);
    assert!(
        p.events[0]
            .message
            .contains("{4dc3e181-e14b-4a21-b022-59fc669b0914}")
    );
    // behaviour §6 "nothing changes": the listener stays on IIS's IPv4 binding
    assert_eq!(p.listener.map(|l| l.port), Some(443));
    assert_unchanged(&p, &bindings);
}

#[test]
fn admin_event_32_per_conflicting_family() {
    let (a, b) = (sa("a"), sa("b"));
    let bindings = vec![iis(v4(), &a), iis(v6(), &a)];
    let p = run(&admin_pin(&b), &[linked(&a), linked(&b)], &bindings);
    assert_eq!(p.event_numbers(), [32, 32]);
    assert_unchanged(&p, &bindings);
}

#[test]
fn admin_same_certificate_needs_nothing_whoever_bound_it() {
    let a = sa("a");
    for bindings in [both_sstp(&a), vec![iis(v4(), &a), iis(v6(), &a)]] {
        let p = run(&admin_pin(&a), &[linked(&a)], &bindings);
        assert!(p.events.is_empty());
        assert_unchanged(&p, &bindings);
        assert_eq!(p.bound, Some(a.sha1()));
        assert!(p.listener.is_some());
    }
}

#[test]
fn admin_compares_certificates_by_issuer_and_serial() {
    let (a, twin) = same_issuer_and_serial_pair();
    assert_ne!(a.sha1(), twin.sha1());
    assert!(a.same_issuer_and_serial(&twin));
    // pinned to a, bound (by IIS) to its twin: the service sees the same certificate
    let bindings = vec![iis(v4(), &twin), iis(v6(), &twin)];
    let p = run(&admin_pin(&a), &[linked(&a), linked(&twin)], &bindings);
    assert!(p.events.is_empty(), "no Event 32: same issuer and serial");
    assert_unchanged(&p, &bindings);
    assert_eq!(p.bound, Some(twin.sha1()));
    // with the twin gone from the store, it is another certificate
    let p = run(&admin_pin(&a), &[linked(&a)], &bindings);
    assert_eq!(p.event_numbers(), [32, 32]);
}

#[test]
fn admin_with_a_missing_hash_is_event_18() {
    let a = sa("a");
    let v = values(&[(names::IS_HASH_CONFIGURED_BY_ADMIN, RegValue::Dword(1))]);
    let p = run(&v, &[linked(&a)], &[]);
    assert_eq!(p.event_numbers(), [18]);
    assert!(p.listener.is_none());
    assert!(p.choice.is_none());
    assert_unchanged(&p, &[]);
}

#[test]
fn admin_with_sha1_enabled_and_sha1_hash_invalid_is_event_19() {
    let a = sa("a");
    let mut v = admin_pin(&a);
    v.set(names::SHA1_ENABLED, RegValue::Dword(1));
    v.set(names::SHA1_CERTIFICATE_HASH, RegValue::Binary(vec![1; 19]));
    let p = run(&v, &[linked(&a)], &[]);
    assert_eq!(p.event_numbers(), [19]);
    assert!(p.listener.is_none());
}

// ---------------------------------------------------------------------------
// Automatic mode
// ---------------------------------------------------------------------------

#[test]
fn auto_nothing_bound_runs_the_choice_binds_both_and_records_the_hashes() {
    let ap = vpn_cert("ap", &any_eku());
    let s = sa("s");
    let p = run(&RegistryValues::new(), &[linked(&ap), linked(&s)], &[]);
    assert_eq!(p.mode, Mode::Auto);
    assert_eq!(
        ops(&p),
        [
            add(&s, V4, ChangeReason::AutomaticChoice),
            add(&s, V6, ChangeReason::AutomaticChoice)
        ]
    );
    assert_eq!(
        p.registry_writes,
        RegistryWrite::automatic_mode_record(&s.sha256(), &s.sha1())
    );
    let choice = p.choice.as_ref().unwrap();
    assert_eq!(choice.selected.as_ref().unwrap().sha1, s.sha1());
    assert!(p.events.is_empty());
    assert_eq!(p.bound, Some(s.sha1()));
}

#[test]
fn auto_flag_zero_is_the_same_as_missing() {
    let s = sa("s");
    let v = values(&[(names::IS_HASH_CONFIGURED_BY_ADMIN, RegValue::Dword(0))]);
    let a = run(&v, &[linked(&s)], &[]);
    let b = run(&RegistryValues::new(), &[linked(&s)], &[]);
    assert_eq!(a, b);
}

#[test]
fn auto_nothing_eligible_is_event_11() {
    let c = vpn_cert("client", &client_auth());
    let p = run(
        &RegistryValues::new(),
        &[linked(&c), keyless(&sa("nokey"))],
        &[],
    );
    assert_eq!(p.event_numbers(), [11]);
    assert!(p.listener.is_none());
    assert!(p.choice.as_ref().unwrap().selected.is_none());
    assert_unchanged(&p, &[]);
}

#[test]
fn auto_only_ipv4_bound_is_copied_to_ipv6() {
    let (a, s) = (sa("a"), sa("s"));
    let bindings = vec![sstp(v4(), &a)];
    let p = run(&RegistryValues::new(), &[linked(&s), linked(&a)], &bindings);
    assert_eq!(ops(&p), [add(&a, V6, ChangeReason::CopyToOtherFamily)]);
    assert_eq!(
        p.registry_writes,
        RegistryWrite::automatic_mode_record(&a.sha256(), &a.sha1())
    );
    assert!(
        p.choice.is_none(),
        "existing bindings win over a fresh choice"
    );
    assert_eq!(p.bound, Some(a.sha1()));
}

#[test]
fn auto_only_ipv6_bound_by_another_application_is_copied_to_ipv4_as_sstps() {
    let a = sa("a");
    let bindings = vec![iis(v6(), &a)];
    let p = run(&RegistryValues::new(), &[linked(&a)], &bindings);
    assert_eq!(ops(&p), [add(&a, V4, ChangeReason::CopyToOtherFamily)]);
    let new = p.binding_for(&v4()).unwrap();
    assert_eq!(new.app_id, Some(SSTP_APP_ID));
    assert_eq!(p.binding_for(&v6()).unwrap().app_id, Some(IIS_APP_ID));
    assert_eq!(p.bound, Some(a.sha1()));
}

#[test]
fn auto_both_bound_to_the_same_certificate_are_kept() {
    let (a, s) = (sa("a"), sa("s"));
    let bindings = vec![sstp(v4(), &a), iis(v6(), &a)];
    let p = run(&RegistryValues::new(), &[linked(&s), linked(&a)], &bindings);
    assert!(p.changes.is_empty());
    assert_eq!(p.bindings, bindings);
    assert_eq!(
        p.registry_writes,
        RegistryWrite::automatic_mode_record(&a.sha256(), &a.sha1())
    );
    assert!(p.events.is_empty());
}

#[test]
fn auto_same_issuer_and_serial_counts_as_the_same_certificate() {
    let (a, twin) = same_issuer_and_serial_pair();
    let bindings = vec![sstp(v4(), &a), sstp(v6(), &twin)];
    let p = run(
        &RegistryValues::new(),
        &[linked(&a), linked(&twin)],
        &bindings,
    );
    assert!(p.events.is_empty(), "no Event 24");
    assert!(p.changes.is_empty());
    // the IPv4 certificate is recorded; the families serve different hashes
    assert_eq!(
        p.registry_writes,
        RegistryWrite::automatic_mode_record(&a.sha256(), &a.sha1())
    );
    assert_eq!(p.bound, None);
    assert!(p.listener.is_some());
}

#[test]
fn auto_differing_sstp_ipv4_and_foreign_ipv6_the_other_application_wins() {
    let (a, b) = (sa("a"), sa("b"));
    let bindings = vec![sstp(v4(), &a), iis(v6(), &b)];
    let p = run(&RegistryValues::new(), &[linked(&a), linked(&b)], &bindings);
    assert_eq!(
        ops(&p),
        [
            del(V4, ChangeReason::OtherApplicationWins),
            add(&b, V4, ChangeReason::OtherApplicationWins)
        ]
    );
    assert_eq!(
        p.registry_writes,
        RegistryWrite::automatic_mode_record(&b.sha256(), &b.sha1())
    );
    assert_eq!(p.bound, Some(b.sha1()));
    assert!(p.events.is_empty());
}

#[test]
fn auto_differing_foreign_ipv4_and_sstp_ipv6_the_other_application_wins() {
    let (a, b) = (sa("a"), sa("b"));
    let bindings = vec![iis(v4(), &a), sstp(v6(), &b)];
    let p = run(&RegistryValues::new(), &[linked(&a), linked(&b)], &bindings);
    assert_eq!(
        ops(&p),
        [
            del(V6, ChangeReason::OtherApplicationWins),
            add(&a, V6, ChangeReason::OtherApplicationWins)
        ]
    );
    assert_eq!(p.bound, Some(a.sha1()));
}

#[test]
fn auto_differing_both_sstp_is_event_24() {
    let (a, b) = (sa("a"), sa("b"));
    let bindings = vec![sstp(v4(), &a), sstp(v6(), &b)];
    let p = run(&RegistryValues::new(), &[linked(&a), linked(&b)], &bindings);
    assert_eq!(p.event_numbers(), [24]);
    assert!(p.events[0].message.contains("both by SSTP"));
    // behaviour §6 "nothing changes": both stay bound, and so does the listener
    assert!(p.listener.is_some());
    assert_eq!(p.bound, None, "the families serve different certificates");
    assert_unchanged(&p, &bindings);
}

#[test]
fn auto_differing_both_foreign_is_event_24() {
    let (a, b) = (sa("a"), sa("b"));
    let bindings = vec![iis(v4(), &a), iis(v6(), &b)];
    let p = run(&RegistryValues::new(), &[linked(&a), linked(&b)], &bindings);
    assert_eq!(p.event_numbers(), [24]);
    assert!(p.events[0].message.contains("other applications"));
    assert_unchanged(&p, &bindings);
}

#[test]
fn auto_adopted_certificate_not_in_the_store_is_event_21_and_nothing_is_written() {
    let gone = sa("gone");
    let bindings = both_sstp(&gone);
    let p = run(&auto_record(&gone), &[linked(&sa("new"))], &bindings);
    assert_eq!(p.event_numbers(), [21]);
    assert!(p.registry_writes.is_empty());
    assert!(
        p.changes.is_empty(),
        "documented-2008: the binding is not touched"
    );
    // the listener stays up: HTTP.sys may still serve it from memory
    assert!(p.listener.is_some());
    assert_eq!(p.bound, Some(gone.sha1()));
}

#[test]
fn auto_copy_of_a_certificate_that_is_gone_is_event_13_then_21() {
    let gone = sa("gone");
    let bindings = vec![sstp(v4(), &gone)];
    let p = run(&RegistryValues::new(), &[linked(&sa("new"))], &bindings);
    assert_eq!(p.event_numbers(), [13, 21]);
    assert!(p.events[0].message.contains("1312"));
    assert!(p.changes.is_empty());
    assert!(p.listener.is_some(), "IPv4 is still bound");
    assert_eq!(p.bound, None);
}

#[test]
fn auto_copy_of_a_keyless_certificate_is_event_12_but_the_hash_is_recorded() {
    let nokey = sa("nokey");
    let bindings = vec![sstp(v6(), &nokey)];
    let p = run(&RegistryValues::new(), &[keyless(&nokey)], &bindings);
    assert_eq!(p.event_numbers(), [12]);
    assert!(p.events[0].message.contains("no private key"));
    assert_eq!(
        p.registry_writes,
        RegistryWrite::automatic_mode_record(&nokey.sha256(), &nokey.sha1())
    );
}

#[test]
fn auto_winning_foreign_certificate_that_is_gone_leaves_the_family_unbound() {
    let (a, gone) = (sa("a"), sa("gone"));
    let bindings = vec![sstp(v4(), &a), iis(v6(), &gone)];
    let p = run(&RegistryValues::new(), &[linked(&a)], &bindings);
    assert_eq!(p.event_numbers(), [12, 21]);
    assert_eq!(ops(&p), [del(V4, ChangeReason::OtherApplicationWins)]);
    assert!(p.binding_for(&v4()).is_none());
    assert!(p.listener.is_some());
}

#[test]
fn auto_invalid_hash_value_logs_event_18_and_is_overwritten() {
    let s = sa("s");
    let v = values(&[(
        names::SHA256_CERTIFICATE_HASH,
        RegValue::String("not binary".into()),
    )]);
    let p = run(&v, &[linked(&s)], &[]);
    assert_eq!(p.event_numbers(), [18]);
    assert!(p.listener.is_some());
    let mut after = v.clone();
    after.apply_all(&p.registry_writes);
    assert!(SstpParameters::from_values(&after).hash_events().is_empty());
}

#[test]
fn auto_missing_hash_logs_nothing() {
    let s = sa("s");
    let p = run(&RegistryValues::new(), &[linked(&s)], &[]);
    assert!(p.events.is_empty());
}

#[test]
fn the_listener_port_comes_from_the_registry() {
    let s = sa("s");
    let v = values(&[(names::LISTENER_PORT, RegValue::Dword(8443))]);
    // bindings on 443 do not count for a listener on 8443
    let p = run(&v, &[linked(&s)], &both_sstp(&sa("other")));
    assert_eq!(p.listener.unwrap().port, 8443);
    assert_eq!(
        p.changes
            .iter()
            .map(|c| c.endpoint().to_string())
            .collect::<Vec<_>>(),
        ["0.0.0.0:8443", "[::]:8443"]
    );
    assert_eq!(p.bindings.len(), 4);
}

// ---------------------------------------------------------------------------
// Bindings whose certificate is gone
// ---------------------------------------------------------------------------

#[test]
fn documented_2008_is_the_default_profile() {
    let parameters = SstpParameters::default();
    assert_eq!(
        PlumbingInput::new(&parameters, &[], &[]).profile,
        GoneCertificateProfile::Documented2008
    );
}

#[test]
fn current_release_deletes_sstps_gone_bindings_and_chooses_again() {
    let (gone, new) = (sa("gone"), sa("new"));
    let p = run_with(
        &auto_record(&gone),
        &[linked(&new)],
        &both_sstp(&gone),
        GoneCertificateProfile::CurrentRelease,
    );
    assert_eq!(
        ops(&p),
        [
            del(V4, ChangeReason::GoneCertificate),
            del(V6, ChangeReason::GoneCertificate),
            add(&new, V4, ChangeReason::AutomaticChoice),
            add(&new, V6, ChangeReason::AutomaticChoice),
        ]
    );
    assert!(p.events.is_empty());
    assert_eq!(
        p.registry_writes,
        RegistryWrite::automatic_mode_record(&new.sha256(), &new.sha1())
    );
    assert_eq!(p.bound, Some(new.sha1()));
}

#[test]
fn current_release_deletes_another_applications_gone_binding_on_the_pair() {
    // behaviour §6: the service reads both pairs' bindings whatever their owner
    // and deletes the one whose certificate is gone.
    let (gone, new) = (sa("gone"), sa("new"));
    let elsewhere = Endpoint::IpPort("192.0.2.7:443".parse().unwrap());
    let bindings = vec![
        iis(v4(), &gone),
        iis(v6(), &gone),
        iis(elsewhere.clone(), &gone),
        iis(Endpoint::ipv4_wildcard(8443), &gone),
    ];
    let p = run_with(
        &RegistryValues::new(),
        &[linked(&new)],
        &bindings,
        GoneCertificateProfile::CurrentRelease,
    );
    assert_eq!(
        ops(&p),
        [
            del(V4, ChangeReason::GoneCertificate),
            del(V6, ChangeReason::GoneCertificate),
            add(&new, V4, ChangeReason::AutomaticChoice),
            add(&new, V6, ChangeReason::AutomaticChoice),
        ]
    );
    assert!(p.events.is_empty(), "{:?}", p.events);
    // a foreign binding on another endpoint is never touched
    assert!(p.binding_for(&elsewhere).is_some());
    assert!(p.binding_for(&Endpoint::ipv4_wildcard(8443)).is_some());
    assert_eq!(p.bound, Some(new.sha1()));
}

#[test]
fn current_release_keeps_another_applications_binding_whose_certificate_is_there() {
    let (a, b) = (sa("a"), sa("b"));
    let bindings = vec![iis(v4(), &a), iis(v6(), &a)];
    let p = run_with(
        &RegistryValues::new(),
        &[linked(&a), linked(&b)],
        &bindings,
        GoneCertificateProfile::CurrentRelease,
    );
    assert!(p.changes.is_empty());
    assert_eq!(p.bound, Some(a.sha1()));
}

#[test]
fn documented_2008_keeps_another_applications_gone_binding() {
    let (gone, new) = (sa("gone"), sa("new"));
    let bindings = vec![iis(v4(), &gone), iis(v6(), &gone)];
    let p = run(&RegistryValues::new(), &[linked(&new)], &bindings);
    assert_eq!(p.event_numbers(), [21]);
    assert!(p.changes.is_empty());
}

#[test]
fn current_release_in_admin_mode_deletes_then_binds() {
    let (gone, new) = (sa("gone"), sa("new"));
    let p = run_with(
        &admin_pin(&new),
        &[linked(&new)],
        &both_sstp(&gone),
        GoneCertificateProfile::CurrentRelease,
    );
    assert_eq!(
        ops(&p),
        [
            del(V4, ChangeReason::GoneCertificate),
            del(V6, ChangeReason::GoneCertificate),
            add(&new, V4, ChangeReason::AdminBind),
            add(&new, V6, ChangeReason::AdminBind),
        ]
    );
}

#[test]
fn current_release_cleanup_stays_when_admin_mode_then_fails() {
    let (gone, pinned) = (sa("gone"), sa("pinned"));
    let p = run_with(
        &admin_pin(&pinned),
        &[],
        &both_sstp(&gone),
        GoneCertificateProfile::CurrentRelease,
    );
    assert_eq!(p.event_numbers(), [25]);
    assert_eq!(p.changes.len(), 2, "deleted before the steps");
    assert!(p.bindings.is_empty());
    assert!(p.listener.is_none(), "nothing is bound on the pair");
}

#[test]
fn admin_event_25_keeps_the_listener_on_the_old_bindings() {
    // The wrong way in admin mode: the pinned certificate was deleted, a new
    // one imported. Event 25, nothing changes — and the listener stays on
    // the old bindings, so HTTP.sys serves the old certificate from memory
    // until the reboot (behaviour §6 "nothing changes", §7).
    let (old, new) = (sa("old"), sa("new"));
    let bindings = both_sstp(&old);
    let p = run(&admin_pin(&old), &[linked(&new)], &bindings);
    assert_eq!(p.event_numbers(), [25]);
    assert!(p.events[0].message.contains("nothing is changed"));
    assert_unchanged(&p, &bindings);
    assert_eq!(p.listener.map(|l| l.port), Some(443));
    assert_eq!(p.bound, Some(old.sha1()));
}

#[test]
fn admin_event_25_with_nothing_bound_has_no_listener() {
    let (pinned, other) = (sa("pinned"), sa("other"));
    let p = run(&admin_pin(&pinned), &[linked(&other)], &[]);
    assert_eq!(p.event_numbers(), [25]);
    assert!(p.listener.is_none());
}

#[test]
fn profiles_agree_when_nothing_is_gone() {
    let (a, b) = (sa("a"), sa("b"));
    let store = [linked(&a), linked(&b)];
    for bindings in [vec![], both_sstp(&a), vec![sstp(v4(), &a), iis(v6(), &b)]] {
        assert_eq!(
            run_with(
                &RegistryValues::new(),
                &store,
                &bindings,
                GoneCertificateProfile::Documented2008
            ),
            run_with(
                &RegistryValues::new(),
                &store,
                &bindings,
                GoneCertificateProfile::CurrentRelease
            ),
        );
    }
}

// ---------------------------------------------------------------------------
// UseHttps = 0
// ---------------------------------------------------------------------------

fn http_values(port: Option<u32>) -> RegistryValues {
    let mut v = values(&[
        (names::USE_HTTPS, RegValue::Dword(0)),
        (
            names::SHA256_CERTIFICATE_HASH,
            RegValue::Binary(vec![0x5a; 32]),
        ),
    ]);
    if let Some(port) = port {
        v.set(names::LISTENER_PORT, RegValue::Dword(port));
    }
    v
}

#[test]
fn http_removes_sstps_bindings_on_the_port_and_binds_nothing() {
    let (a, b) = (sa("a"), sa("b"));
    let other = Endpoint::IpPort("192.0.2.7:443".parse().unwrap());
    let bindings = vec![
        sstp(v4(), &a),
        sstp(v6(), &a),
        iis(other.clone(), &b),
        sstp(Endpoint::ipv4_wildcard(8443), &a),
    ];
    let p = run(
        &http_values(Some(443)),
        &[linked(&a), linked(&b)],
        &bindings,
    );
    assert_eq!(p.mode, Mode::Http);
    assert_eq!(
        ops(&p),
        [
            del(V4, ChangeReason::PlainHttp),
            del(V6, ChangeReason::PlainHttp)
        ]
    );
    assert_eq!(p.bindings.len(), 2);
    assert!(p.binding_for(&other).is_some(), "IIS keeps its binding");
    let l = p.listener.unwrap();
    assert_eq!(l.scheme, Scheme::Http);
    assert_eq!(
        l.url(),
        "http://+:443/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
    );
    assert!(p.events.is_empty());
    assert!(p.registry_writes.is_empty());
    assert!(p.choice.is_none());
    assert_eq!(p.bound, None);
}

#[test]
fn http_with_the_default_port_listens_on_80_and_removes_the_old_443_bindings() {
    // behaviour §6: SSTP's old bindings on the old port, the one the HTTPS
    // listener used (443 when ListenerPort is 0), are removed — not those
    // on the new plain-HTTP port 80.
    let (a, b) = (sa("a"), sa("b"));
    let mut bindings = both_sstp(&a);
    bindings.push(iis(Endpoint::IpPort("192.0.2.7:443".parse().unwrap()), &b));
    bindings.push(sstp(Endpoint::ipv4_wildcard(80), &a));
    let p = run(&http_values(None), &[linked(&a), linked(&b)], &bindings);
    assert_eq!(p.listener.unwrap().port, 80);
    assert_eq!(
        ops(&p),
        [
            del(V4, ChangeReason::PlainHttp),
            del(V6, ChangeReason::PlainHttp)
        ]
    );
    assert_eq!(p.bindings.len(), 2, "IIS's binding and the one on 80 stay");
}

#[test]
fn http_needs_no_certificate_in_the_store() {
    let p = run(&http_values(Some(443)), &[], &[]);
    assert!(p.listener.is_some());
    assert!(p.events.is_empty());
}

#[test]
fn http_without_a_hash_is_refused() {
    let a = sa("a");
    let v = values(&[(names::USE_HTTPS, RegValue::Dword(0))]);
    let bindings = both_sstp(&a);
    let p = run(&v, &[linked(&a)], &bindings);
    assert_eq!(p.event_numbers(), [18]);
    assert!(p.events[0].message.contains("load balancer"));
    assert!(p.listener.is_none());
    assert_unchanged(&p, &bindings);
}

// ---------------------------------------------------------------------------
// HTTP.sys's add check, rendering, JSON
// ---------------------------------------------------------------------------

#[test]
fn http_sys_refuses_certificates_not_in_my_or_without_a_key() {
    let a = sa("a");
    let store = [keyless(&a)];
    let b = sstp(v4(), &a);
    assert_eq!(
        check_binding_certificate(&store, &b),
        Err(AddRefusal::NoPrivateKey {
            sha1: a.sha1(),
            key: KeyState::Absent
        })
    );
    let mut other_store = b.clone();
    other_store.store_name = Some("WebHosting".into());
    let e = check_binding_certificate(&[linked(&a)], &other_store).unwrap_err();
    assert!(e.to_string().contains("WebHosting"));
    assert_eq!(e.win32_error(), 1312);
    let mut no_store = b.clone();
    no_store.store_name = None;
    assert!(check_binding_certificate(&[linked(&a)], &no_store).is_ok());
    let mut no_hash = b;
    no_hash.cert_hash = None;
    assert_eq!(
        check_binding_certificate(&[linked(&a)], &no_hash),
        Err(AddRefusal::NoCertificateHash)
    );
}

#[test]
fn changes_render_as_netsh_lines() {
    let (a, b) = (sa("a"), sa("b"));
    let p = run(&admin_pin(&b), &[linked(&a), linked(&b)], &both_sstp(&a));
    let lines: Vec<String> = p.changes.iter().map(|c| c.render().unwrap()).collect();
    assert_eq!(
        lines,
        [
            "netsh http delete sslcert ipport=0.0.0.0:443".to_owned(),
            format!(
                "netsh http add sslcert ipport=0.0.0.0:443 certhash={} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY",
                b.sha1()
            ),
            "netsh http delete sslcert ipport=[::]:443".to_owned(),
            format!(
                "netsh http add sslcert ipport=[::]:443 certhash={} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY",
                b.sha1()
            ),
        ]
    );
}

#[cfg(feature = "serde")]
#[test]
fn plumbing_serialises_with_snake_case_fields_and_kebab_case_values() {
    let (a, b) = (sa("a"), sa("b"));
    let p = run(
        &RegistryValues::new(),
        &[linked(&a), linked(&b)],
        &[sstp(v4(), &a), iis(v6(), &b)],
    );
    let j = serde_json::to_value(&p).unwrap();
    assert_eq!(j["mode"], "auto");
    assert_eq!(j["listener"]["scheme"], "https");
    assert_eq!(j["listener"]["port"], 443);
    assert_eq!(j["bound"], b.sha1().to_string());
    assert_eq!(j["changes"][0]["op"], "delete");
    assert_eq!(j["changes"][0]["endpoint"], "0.0.0.0:443");
    assert_eq!(j["changes"][0]["reason"], "other-application-wins");
    assert_eq!(j["changes"][1]["op"], "add");
    assert_eq!(
        j["changes"][1]["binding"]["cert_hash"],
        b.sha1().to_string()
    );
    assert_eq!(j["changes"][1]["binding"]["sstp"], true);
    assert_eq!(j["registry_writes"][0]["op"], "set");
    assert_eq!(j["registry_writes"][0]["name"], "SHA256CertificateHash");
    assert!(j["choice"].is_null());
    assert!(j["events"].as_array().unwrap().is_empty());
    let gone = serde_json::to_value(GoneCertificateProfile::CurrentRelease).unwrap();
    assert_eq!(gone, "current-release");
    let http = run(&http_values(Some(443)), &[], &[]);
    assert_eq!(serde_json::to_value(&http).unwrap()["mode"], "http");
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// A few certificates, generated once: server-auth ones, an All-purpose
/// one, a client-auth one.
fn pool() -> &'static Vec<Certificate> {
    static POOL: OnceLock<Vec<Certificate>> = OnceLock::new();
    POOL.get_or_init(|| {
        let mut v: Vec<Certificate> = (0..4).map(|i| sa(&format!("p{i}"))).collect();
        v.push(vpn_cert("any", &any_eku()));
        v.push(vpn_cert("client", &client_auth()));
        v
    })
}

#[derive(Debug, Clone)]
enum Slot {
    Free,
    Sstp(usize),
    Iis(usize),
}

fn slot() -> impl Strategy<Value = Slot> {
    prop_oneof![
        Just(Slot::Free),
        (0..6usize).prop_map(Slot::Sstp),
        (0..6usize).prop_map(Slot::Iis),
    ]
}

fn binding(s: &Slot, e: Endpoint) -> Option<SslBinding> {
    match s {
        Slot::Free => None,
        Slot::Sstp(i) => Some(sstp(e, &pool()[*i])),
        Slot::Iis(i) => Some(iis(e, &pool()[*i])),
    }
}

fn registry_strategy() -> impl Strategy<Value = RegistryValues> {
    (
        prop::option::of(0..2u32),
        prop::option::of(0..2u32),
        prop::option::of(0..7usize),
        any::<bool>(),
    )
        .prop_map(|(use_https, admin, hash, sha1)| {
            let mut v = RegistryValues::new();
            if let Some(u) = use_https {
                v.set(names::USE_HTTPS, RegValue::Dword(u));
            }
            if let Some(a) = admin {
                v.set(names::IS_HASH_CONFIGURED_BY_ADMIN, RegValue::Dword(a));
            }
            match hash {
                Some(6) => {
                    v.set(
                        names::SHA256_CERTIFICATE_HASH,
                        RegValue::Binary(vec![1; 31]),
                    );
                }
                Some(i) => v.apply_all(&RegistryWrite::automatic_mode_record(
                    &pool()[i].sha256(),
                    &pool()[i].sha1(),
                )),
                None => {}
            }
            if sha1 {
                v.set(names::SHA1_ENABLED, RegValue::Dword(1));
            }
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn plumbing_invariants(
        store_picks in prop::collection::vec((0..6usize, any::<bool>()), 0..5),
        s4 in slot(),
        s6 in slot(),
        s_other in prop_oneof![Just(Slot::Free), (0..6usize).prop_map(Slot::Iis)],
        values in registry_strategy(),
        current in any::<bool>(),
    ) {
        let store: Vec<StoreEntry> = store_picks
            .iter()
            .map(|(i, key)| if *key { linked(&pool()[*i]) } else { keyless(&pool()[*i]) })
            .collect();
        // a foreign binding on a specific address of the same port, maybe
        // of a certificate that is gone
        let elsewhere = Endpoint::IpPort("192.0.2.7:443".parse().unwrap());
        let bindings: Vec<SslBinding> = [binding(&s4, v4()), binding(&s6, v6()), binding(&s_other, elsewhere.clone())].into_iter().flatten().collect();
        let profile = if current { GoneCertificateProfile::CurrentRelease } else { GoneCertificateProfile::Documented2008 };
        let p = run_with(&values, &store, &bindings, profile);

        // the binding set is the input with the changes applied
        let mut replay = bindings.clone();
        for c in &p.changes {
            match c {
                BindingChange::Delete { endpoint, .. } => replay.retain(|b| &b.endpoint != endpoint),
                BindingChange::Add { binding, .. } => {
                    prop_assert!(replay.iter().all(|b| b.endpoint != binding.endpoint), "add on a bound endpoint");
                    prop_assert!(binding.is_sstp());
                    prop_assert_eq!(binding.store_name.as_deref(), Some("MY"));
                    prop_assert!(check_binding_certificate(&store, binding).is_ok());
                    replay.push((**binding).clone());
                }
                other => prop_assert!(false, "a change this test does not know: {:?}", other),
            }
        }
        prop_assert_eq!(&replay, &p.bindings);
        // no listener is always explained by an event
        if p.listener.is_none() {
            prop_assert!(!p.events.is_empty());
        }
        // another application's binding is deleted only on the listener's
        // wildcard pair, in the current-release profile, when its
        // certificate is gone (behaviour §6); never on another endpoint
        for c in &p.changes {
            if let BindingChange::Delete { endpoint, reason } = c {
                let before = bindings.iter().find(|b| &b.endpoint == endpoint).unwrap();
                prop_assert!(endpoint != &elsewhere);
                if !before.is_sstp() {
                    prop_assert_eq!(*reason, ChangeReason::GoneCertificate);
                    prop_assert!(current);
                    prop_assert!(before.cert_hash.is_none_or(|h| !store.iter().any(|e| e.certificate.sha1() == h)));
                }
            }
        }
        prop_assert_eq!(p.binding_for(&elsewhere), bindings.iter().find(|b| b.endpoint == elsewhere));
        // only automatic mode writes, and only its record
        if !p.registry_writes.is_empty() {
            prop_assert_eq!(p.mode, Mode::Auto);
            prop_assert_eq!(p.registry_writes.len(), 3);
        }
        // plumbing again changes nothing more (a fixed point)
        let mut after = values.clone();
        after.apply_all(&p.registry_writes);
        let again = run_with(&after, &store, &p.bindings, profile);
        prop_assert!(again.changes.is_empty(), "{:?}", again.changes);
        let mut after2 = after.clone();
        after2.apply_all(&again.registry_writes);
        prop_assert_eq!(after2, after);
        prop_assert_eq!(again.listener, p.listener);
        prop_assert_eq!(again.bound, p.bound);
    }
}
