//! Property tests of `model::rotation` over generated machines (issue 18):
//! automatic and admin mode, foreign bindings, stale and missing hashes,
//! gone certificates with live contexts, both gone-certificate profiles.
//!
//! * after `rotate --apply` the Windows client connects over both families
//!   and is served the target, before and after a reboot;
//! * a second `rotate` changes nothing and succeeds;
//! * an operation that fails at any step (or a handshake that serves the
//!   wrong certificate) leaves the machine as it was, or the report lists
//!   exactly how it differs;
//! * an operation the host lacks is found by the preflight, and nothing is
//!   changed.

mod common;
mod sim;

use std::sync::OnceLock;

use common::*;
use proptest::prelude::*;
use sim::*;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::hostname::Profile;
use sstp_cert::model::httpsys::{Endpoint, SslBinding};
use sstp_cert::model::plumbing::{Family, GoneCertificateProfile};
use sstp_cert::model::registry::{RegValue, RegistryValues, names};
use sstp_cert::model::rotation::{
    Handshake, Host, HostError, HostState, Operation, Outcome, RotationReport, RotationRequest,
    SimulatedHost, StepStatus, TargetSpec, differences, rotate,
};
use sstp_cert::model::runtime::{Machine, ServiceState};
use sstp_cert::model::store::{KeyState, StoreEntry};

const KINDS: usize = 4; // server-auth, any-eku, client-only, server-auth without key
const PER_KIND: usize = 3;

fn at() -> time::OffsetDateTime {
    time::macros::datetime!(2026-12-04 12:00 UTC)
}

fn make(kind: usize, label: &str) -> StoreEntry {
    let (eku, key) = match kind {
        0 => (server_auth(), KeyState::Linked),
        1 => (any_eku(), KeyState::Linked),
        2 => (client_auth(), KeyState::Linked),
        _ => (server_auth(), KeyState::Absent),
    };
    StoreEntry::new(vpn_cert(label, &eku), key, label)
}

struct Pools {
    store: Vec<Vec<StoreEntry>>,
    /// Targets: server-auth and any-eku.
    targets: Vec<StoreEntry>,
    /// Old certificates, server-auth.
    old: Vec<StoreEntry>,
}

fn pools() -> &'static Pools {
    static POOLS: OnceLock<Pools> = OnceLock::new();
    POOLS.get_or_init(|| Pools {
        store: (0..KINDS)
            .map(|k| {
                (0..PER_KIND)
                    .map(|i| make(k, &format!("s{k}-{i}")))
                    .collect()
            })
            .collect(),
        targets: vec![make(0, "t0"), make(1, "t1")],
        old: vec![make(0, "old0"), make(0, "old1")],
    })
}

#[derive(Debug, Clone, Copy)]
enum SlotCert {
    Old,
    Store(usize, usize),
}

#[derive(Debug, Clone)]
struct Generated {
    store: Vec<(usize, usize)>,
    target: usize,
    target_at: prop::sample::Index,
    old: usize,
    old_gone: bool,
    slots: [Option<(bool, SlotCert)>; 2], // (sstp?, cert)
    admin: Option<u32>,
    port: Option<u32>,
    sha256: Option<u8>, // 0 old, 1 junk, 2 target
    sha1: Option<u8>,
    sha256_enabled: Option<u32>,
    sha1_enabled: Option<u32>,
    current_release: bool,
    warm_up: bool,
}

fn slot_cert() -> impl Strategy<Value = SlotCert> {
    prop_oneof![
        2 => Just(SlotCert::Old),
        1 => (0..KINDS, 0..PER_KIND).prop_map(|(k, i)| SlotCert::Store(k, i)),
    ]
}

fn generated() -> impl Strategy<Value = Generated> {
    (
        (
            prop::collection::vec((0..KINDS, 0..PER_KIND), 0..=4),
            0..2usize,
            any::<prop::sample::Index>(),
            0..2usize,
            any::<bool>(),
            [
                prop::option::of((any::<bool>(), slot_cert())),
                prop::option::of((any::<bool>(), slot_cert())),
            ],
        ),
        (
            prop::option::of(0..2u32),
            prop::option::of(prop::sample::select(vec![443u32, 8443])),
            prop::option::of(0..3u8),
            prop::option::of(0..3u8),
            prop::option::of(0..2u32),
            prop::option::of(0..2u32),
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (store, target, target_at, old, old_gone, slots),
                (admin, port, sha256, sha1, sha256_enabled, sha1_enabled, current_release, warm_up),
            )| Generated {
                store,
                target,
                target_at,
                old,
                old_gone,
                slots,
                admin,
                port,
                sha256,
                sha1,
                sha256_enabled,
                sha1_enabled,
                current_release,
                warm_up,
            },
        )
}

impl Generated {
    fn target(&self) -> &'static StoreEntry {
        &pools().targets[self.target]
    }

    fn old(&self) -> &'static StoreEntry {
        &pools().old[self.old]
    }

    fn port(&self) -> u16 {
        if self.port == Some(8443) { 8443 } else { 443 }
    }

    fn cert(&self, c: SlotCert) -> &'static Certificate {
        match c {
            SlotCert::Old => &self.old().certificate,
            SlotCert::Store(k, i) => &pools().store[k][i].certificate,
        }
    }

    fn hash_value(&self, which: u8, sha256: bool) -> RegValue {
        let c = match which {
            0 => &self.old().certificate,
            2 => &self.target().certificate,
            _ => return RegValue::Binary(vec![0xaa; 20 + 12 * usize::from(!sha256)]),
        };
        RegValue::Binary(if sha256 {
            c.sha256().as_bytes().to_vec()
        } else {
            c.sha1().as_bytes().to_vec()
        })
    }

    /// The machine: old certificate bound (perhaps used, then deleted from
    /// the store), the target imported.
    fn machine(&self) -> Machine {
        let mut store: Vec<StoreEntry> = vec![self.old().clone()];
        for (k, i) in &self.store {
            let e = &pools().store[*k][*i];
            if !store.iter().any(|x| x.certificate == e.certificate) {
                store.push(e.clone());
            }
        }
        let mut v = RegistryValues::new();
        if let Some(a) = self.admin {
            v.set(names::IS_HASH_CONFIGURED_BY_ADMIN, RegValue::Dword(a));
        }
        if let Some(p) = self.port {
            v.set(names::LISTENER_PORT, RegValue::Dword(p));
        }
        if let Some(h) = self.sha256 {
            v.set(names::SHA256_CERTIFICATE_HASH, self.hash_value(h, true));
        }
        if let Some(h) = self.sha1 {
            v.set(names::SHA1_CERTIFICATE_HASH, self.hash_value(h, false));
        }
        if let Some(e) = self.sha256_enabled {
            v.set(names::SHA256_ENABLED, RegValue::Dword(e));
        }
        if let Some(e) = self.sha1_enabled {
            v.set(names::SHA1_ENABLED, RegValue::Dword(e));
        }
        let mut bindings = Vec::new();
        for (family, slot) in Family::BOTH.iter().zip(&self.slots) {
            if let Some((is_sstp, c)) = slot {
                let endpoint: Endpoint = family.endpoint(self.port());
                let c = self.cert(*c);
                bindings.push(if *is_sstp {
                    SslBinding::sstp(endpoint, c.sha1())
                } else {
                    iis(endpoint, c)
                });
            }
        }
        let profile = if self.current_release {
            GoneCertificateProfile::CurrentRelease
        } else {
            GoneCertificateProfile::Documented2008
        };
        let mut m = Machine::from_parts(profile, store, v, bindings);
        if self.warm_up {
            m.restart_service();
            for f in Family::BOTH {
                let _ = m.connect(&host(), Profile::WindowsClient, f);
            }
        }
        if self.old_gone {
            let _ = m.delete_certificate(&self.old().certificate.sha1());
        }
        let at_index = self.target_at.index(m.store().entries().len() + 1);
        let mut entries: Vec<StoreEntry> = m.store().entries().to_vec();
        entries.insert(at_index, self.target().clone());
        // re-import in order: the target lands at its generated position
        for e in &entries {
            let _ = m.delete_certificate(&e.certificate.sha1());
        }
        for e in entries {
            m.import_certificate(e);
        }
        m
    }

    fn request(&self) -> RotationRequest {
        RotationRequest::new(
            TargetSpec::Thumbprint(self.target().certificate.sha1()),
            at(),
        )
        .for_host(host())
        .applying()
    }
}

fn read(m: &Machine) -> HostState {
    HostState::read(&mut SimulatedHost::new(m.clone())).expect("read")
}

/// A host over the simulated machine with injected failures.
#[derive(Debug, Clone)]
struct Faulty {
    inner: SimulatedHost,
    /// Fail the n-th changing operation (0-based).
    fail_change: Option<usize>,
    /// Fail this changing operation too (e.g. one of the restore).
    fail_also: Option<usize>,
    /// Fail every read after this many changes.
    fail_reads_after: Option<usize>,
    changes: usize,
    /// Report this operation unavailable in the preflight.
    unavailable: Option<Operation>,
    /// Handshakes serve nothing.
    bad_handshake: bool,
    /// Changing operations done after the preflight.
    used: Vec<Operation>,
}

impl Faulty {
    fn new(m: Machine) -> Self {
        Faulty {
            inner: SimulatedHost::new(m),
            fail_change: None,
            fail_also: None,
            fail_reads_after: None,
            changes: 0,
            unavailable: None,
            bad_handshake: false,
            used: Vec::new(),
        }
    }

    fn change(&mut self, op: Operation) -> Result<(), HostError> {
        if self.unavailable == Some(op) {
            return Err(HostError::unavailable(op, "injected: never available"));
        }
        self.used.push(op);
        let n = self.changes;
        self.changes += 1;
        if self.fail_change == Some(n) || self.fail_also == Some(n) {
            return Err(HostError::failed_with(op, "injected failure"));
        }
        Ok(())
    }
}

impl Host for Faulty {
    fn describe(&self) -> String {
        "faulty simulated machine".to_owned()
    }
    fn available(&mut self, op: Operation) -> Result<(), HostError> {
        if self.unavailable == Some(op) {
            return Err(HostError::unavailable(op, "injected"));
        }
        self.inner.available(op)
    }
    fn read_store(&mut self) -> Result<Vec<StoreEntry>, HostError> {
        self.inner.read_store()
    }
    fn read_bindings(&mut self) -> Result<Vec<SslBinding>, HostError> {
        if self.fail_reads_after.is_some_and(|n| self.changes > n) {
            return Err(HostError::failed_with(
                Operation::ReadBindings,
                "injected read failure",
            ));
        }
        self.inner.read_bindings()
    }
    fn read_registry(&mut self) -> Result<RegistryValues, HostError> {
        self.inner.read_registry()
    }
    fn read_service(&mut self) -> Result<ServiceState, HostError> {
        self.inner.read_service()
    }
    fn delete_binding(&mut self, e: &Endpoint) -> Result<(), HostError> {
        self.change(Operation::DeleteBinding)?;
        self.inner.delete_binding(e)
    }
    fn add_binding(&mut self, b: &SslBinding) -> Result<(), HostError> {
        self.change(Operation::AddBinding)?;
        self.inner.add_binding(b)
    }
    fn set_registry_value(&mut self, n: &str, v: &RegValue) -> Result<(), HostError> {
        self.change(Operation::SetRegistryValue)?;
        self.inner.set_registry_value(n, v)
    }
    fn delete_registry_value(&mut self, n: &str) -> Result<(), HostError> {
        self.change(Operation::DeleteRegistryValue)?;
        self.inner.delete_registry_value(n)
    }
    fn stop_service(&mut self) -> Result<(), HostError> {
        self.change(Operation::StopService)?;
        self.inner.stop_service()
    }
    fn start_service(&mut self) -> Result<(), HostError> {
        self.change(Operation::StartService)?;
        self.inner.start_service()
    }
    fn handshake(&mut self, e: &Endpoint) -> Result<Handshake, HostError> {
        if self.bad_handshake {
            return Ok(Handshake::refused("injected: the handshake failed"));
        }
        self.inner.handshake(e)
    }
}

fn inverse(op: Operation) -> Operation {
    match op {
        Operation::DeleteBinding => Operation::AddBinding,
        Operation::AddBinding => Operation::DeleteBinding,
        Operation::SetRegistryValue => Operation::DeleteRegistryValue,
        Operation::DeleteRegistryValue => Operation::SetRegistryValue,
        Operation::StopService => Operation::StartService,
        Operation::StartService => Operation::StopService,
        other => other,
    }
}

fn assert_windows_client_served(m: &mut Machine, target: &Certificate, when: &str) {
    for f in Family::BOTH {
        let c = m.connect(&host(), Profile::WindowsClient, f);
        let conn = c
            .connection()
            .unwrap_or_else(|| panic!("{when}, {f}: {:?}", c.failure()));
        assert_eq!(conn.sha1, target.sha1(), "{when}, {f}");
    }
}

/// A failed rotation's report matches the machine.
/// A failed rotation's report matches the machine, and the restore left
/// nothing behind except what cannot be restored: a binding `netsh`
/// refuses to add again (its certificate is gone) or what the service's
/// own plumbing changes when it starts again (as it would on `original`).
fn assert_restore_reported(
    report: &RotationReport,
    before: &HostState,
    m: &Machine,
    original: &Machine,
) {
    assert!(!report.ok);
    let restore = report.restore.as_ref().expect("a restore after a failure");
    let now = read(m);
    assert_eq!(restore.differences, differences(before, &now));
    match report.outcome {
        Outcome::Restored => assert!(differences(before, &now).is_empty()),
        Outcome::RestoreIncomplete => {
            assert!(!restore.differences.is_empty());
            let refused = restore.actions.iter().any(|a| !a.ok);
            let mut restarted = original.clone();
            restarted.restart_service();
            let replumbed = differences(before, &read(&restarted));
            assert!(
                refused || restore.differences == replumbed,
                "restore incomplete without a reason: {report:#?}"
            );
        }
        o => panic!("unexpected outcome {o:?}"),
    }
    assert_eq!(
        report
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Failed)
            .count(),
        usize::from(report.verification.iter().all(|c| c.ok)),
        "one failed step, or a failed verification"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn rotate_survives_the_reboot_and_is_idempotent(g in generated()) {
        let target = &g.target().certificate;
        let mut host = SimulatedHost::new(g.machine());
        let report = rotate(&mut host, &g.request());
        prop_assert_eq!(report.outcome, Outcome::Rotated, "{:#?}", report);
        prop_assert!(report.verification.iter().all(|c| c.ok));
        prop_assert!(report.steps.iter().all(|s| matches!(s.status, StepStatus::Done | StepStatus::Skipped)));

        // Idempotent: nothing changes, exit 0.
        let settled = host.machine().clone();
        let again = rotate(&mut host, &g.request());
        prop_assert_eq!(again.outcome, Outcome::Unchanged, "{:#?}", again);
        prop_assert!(again.ok && again.steps.is_empty());
        prop_assert_eq!(host.machine(), &settled);

        let mut m = host.into_machine();
        assert_windows_client_served(&mut m, target, "before the reboot");
        m.reboot();
        assert_windows_client_served(&mut m, target, "after the reboot");
    }

    #[test]
    fn a_failure_at_any_step_is_undone_or_reported(g in generated()) {
        let machine = g.machine();
        let before = read(&machine);
        let mut clean = Faulty::new(machine.clone());
        let report = rotate(&mut clean, &g.request());
        prop_assert_eq!(report.outcome, Outcome::Rotated);
        let changes = clean.changes;
        prop_assert!(changes >= 1);
        for k in 0..changes {
            let mut faulty = Faulty::new(machine.clone());
            faulty.fail_change = Some(k);
            let report = rotate(&mut faulty, &g.request());
            let failed: Vec<_> = report.steps.iter().filter(|s| s.status == StepStatus::Failed).collect();
            prop_assert_eq!(failed.len(), 1, "failure at change {}: {:#?}", k, report);
            prop_assert!(failed[0].error.as_ref().is_some_and(|e| e.to_string().contains("injected")));
            // every step after the failed one was not run
            let i = report.steps.iter().position(|s| s.status == StepStatus::Failed).unwrap();
            prop_assert!(report.steps[i + 1..].iter().all(|s| matches!(s.status, StepStatus::NotRun | StepStatus::Skipped)));
            assert_restore_reported(&report, &before, faulty.inner.machine(), &machine);
        }
        // A verification failure (the handshake serves nothing).
        let mut faulty = Faulty::new(machine.clone());
        faulty.bad_handshake = true;
        let report = rotate(&mut faulty, &g.request());
        prop_assert!(report.verification.iter().any(|c| c.code == "served-ipv4" && !c.ok));
        assert_restore_reported(&report, &before, faulty.inner.machine(), &machine);
    }

    #[test]
    fn a_failure_during_the_restore_is_reported_exactly(g in generated(), k in 0usize..8, m in 1usize..4) {
        let machine = g.machine();
        let before = read(&machine);
        let mut clean = Faulty::new(machine.clone());
        rotate(&mut clean, &g.request());
        let k = k % clean.changes;
        let mut faulty = Faulty::new(machine.clone());
        faulty.fail_change = Some(k);
        faulty.fail_also = Some(k + m);
        let report = rotate(&mut faulty, &g.request());
        let restore = report.restore.as_ref().expect("restore");
        prop_assert!(!report.ok);
        prop_assert_eq!(&restore.differences, &differences(&before, &read(faulty.inner.machine())));
        if report.outcome == Outcome::Restored {
            prop_assert!(restore.differences.is_empty());
        } else {
            prop_assert_eq!(report.outcome, Outcome::RestoreIncomplete);
        }
    }

    #[test]
    fn a_read_that_fails_after_a_change_leaves_the_state_unknown_and_says_so(g in generated()) {
        let machine = g.machine();
        let mut faulty = Faulty::new(machine.clone());
        faulty.fail_reads_after = Some(0);
        let report = rotate(&mut faulty, &g.request());
        prop_assert_eq!(report.outcome, Outcome::RestoreIncomplete, "{:#?}", report);
        let restore = report.restore.as_ref().unwrap();
        prop_assert!(restore.reread_error.is_some());
        prop_assert!(report.state_sentence().contains("its state is unknown"));
        prop_assert!(report.steps.iter().any(|s| s.status == StepStatus::Failed && s.error.as_ref().is_some_and(|e| e.to_string().contains("injected read failure"))));
    }

    #[test]
    fn a_missing_operation_is_found_before_any_change(g in generated(), op in prop::sample::select(Operation::ALL.to_vec())) {
        let machine = g.machine();
        let mut clean = Faulty::new(machine.clone());
        rotate(&mut clean, &g.request());
        // a change needs its undoing too: add and delete a binding, set and
        // delete a value, stop and start the service
        let needed = clean.used.iter().any(|u| inverse(*u) == op || *u == op)
            || matches!(op, Operation::ReadStore | Operation::ReadBindings | Operation::ReadRegistry | Operation::ReadService | Operation::Handshake);
        let mut faulty = Faulty::new(machine.clone());
        faulty.unavailable = Some(op);
        let report = rotate(&mut faulty, &g.request());
        if needed {
            prop_assert_eq!(report.outcome, Outcome::Refused);
            prop_assert_eq!(report.refusal.as_ref().map(|r| r.code()), Some("preflight-failed"));
            prop_assert!(report.preflight.iter().any(|c| c.operation == op && !c.ok), "{:#?}", report.preflight);
            prop_assert!(faulty.used.is_empty(), "changed before refusing: {:?}", faulty.used);
            prop_assert_eq!(faulty.inner.machine(), &machine);
        } else {
            prop_assert_eq!(report.outcome, Outcome::Rotated);
        }
    }

    #[test]
    fn a_dry_run_changes_nothing(g in generated()) {
        let machine = g.machine();
        let mut host = SimulatedHost::new(machine.clone());
        let mut request = g.request();
        request.apply = false;
        let report = rotate(&mut host, &request);
        prop_assert_eq!(report.outcome, Outcome::Planned);
        prop_assert!(report.steps.iter().all(|s| matches!(s.status, StepStatus::Planned | StepStatus::Skipped)));
        prop_assert_eq!(host.machine(), &machine);
    }
}
