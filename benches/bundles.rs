//! The fleet view over machine bundles (issue 15): `fleet/1000` is
//! `sstp_cert::adapters::fleet::survey` of 1,000 bundles of 10 certificates
//! each — what `sstp-cert fleet DIR` does — with the files in the page
//! cache (divan's first samples warm it). See BENCHMARKS.md.
//!
//! The bundles are written once per run with `write_bundle` into a
//! temporary directory, from the certificates of `benches/corpus` (10,000
//! distinct DER certificates): per server, 10 consecutive corpus entries,
//! nine with a linked key and one without, one with an EKU property of
//! clientAuth; the two SSTP wildcard bindings on the first one; a registry
//! key with `UseHttps` = 1; `machine.json` with a name and a time.

// Only the certificates are used here, not the keys.
#[allow(dead_code)]
mod corpus;

use std::path::Path;
use std::sync::OnceLock;

use divan::Bencher;
use divan::counter::ItemsCount;
use sstp_cert::adapters::bundle::{BundleContents, MachineInfo, write_bundle};
use sstp_cert::adapters::fleet::{FleetOptions, survey};
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::eku::KeyPurpose;
use sstp_cert::model::httpsys::{Endpoint, SslBinding};
use sstp_cert::model::registry::{RegValue, RegistryValues};
use sstp_cert::model::store::{KeyState, StoreEntry};

use corpus::corpus;

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

/// Certificates per bundle.
const PER_SERVER: usize = 10;

/// The time validity is judged at (as in `benches/fleet.rs`).
fn audit_time() -> time::OffsetDateTime {
    time::macros::datetime!(2025-06-01 0:00 UTC)
}

/// Writes `servers` bundles under `root`.
fn write_fleet(root: &Path, servers: usize) {
    let ders = &corpus().ders;
    assert!(
        servers * PER_SERVER <= ders.len(),
        "the corpus is large enough"
    );
    for s in 0..servers {
        let store: Vec<StoreEntry> = (0..PER_SERVER)
            .map(|j| {
                let i = s * PER_SERVER + j;
                let cert = Certificate::from_der(ders[i].clone()).expect("corpus certificate");
                let key = if j == 3 {
                    KeyState::Absent
                } else {
                    KeyState::Linked
                };
                let entry = StoreEntry::new(cert, key, format!("{i}"));
                if j == 5 {
                    entry.with_eku_property(vec![KeyPurpose::ClientAuth])
                } else {
                    entry
                }
            })
            .collect();
        let bound = store[0].certificate.sha1();
        let mut registry = RegistryValues::new();
        registry.set("UseHttps", RegValue::Dword(1));
        let mut info = MachineInfo::named(format!("VPN{s:04}"));
        info.collected_at = Some(audit_time());
        let mut contents = BundleContents::new(info);
        contents.store = Some(store);
        contents.bindings = Some(
            [Endpoint::ipv4_wildcard(443), Endpoint::ipv6_wildcard(443)]
                .map(|e| SslBinding::sstp(e, bound))
                .to_vec(),
        );
        contents.registry = Some(registry);
        write_bundle(&root.join(format!("vpn{s:04}")), &contents).expect("write bundle");
    }
}

fn fleet_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        write_fleet(dir.path(), 1000);
        dir
    })
    .path()
}

/// `survey` of 1,000 bundles (10,000 certificates, 23,000 files), one
/// thread per CPU.
#[divan::bench(args = [1000], sample_count = 20)]
fn fleet(bencher: Bencher, servers: usize) {
    let dir = fleet_dir();
    let options = FleetOptions::at(audit_time());
    let check = survey(dir, &options).expect("survey");
    assert_eq!(check.servers.len(), servers);
    assert!(check.servers.iter().all(|s| s.damaged.is_none()));
    bencher
        .counter(ItemsCount::new(servers))
        .bench(|| survey(dir, &options).expect("survey"));
}
