//! Property tests of behaviour §11 ("advice is safe") over generated machines:
//! no fix line of any diagnosis, and no line of any plan, binds or pins a
//! certificate that the same run judges refused by the Windows client at
//! that time; and every certificate a diagnosis's fixes bind or pin is the
//! one certificate of that report.

mod common;
mod sim;

use std::sync::OnceLock;

use common::*;
use proptest::prelude::*;
use sim::*;
use sstp_cert::model::advice::{client_refusals, recommend};
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::diagnosis::{DiagnosisInput, diagnose};
use sstp_cert::model::hostname::ReferenceId;
use sstp_cert::model::httpsys::{Endpoint, SslBinding};
use sstp_cert::model::plan::{PlanError, PlanInput, PlanOptions, plan_certificate_change};
use sstp_cert::model::registry::{RegValue, RegistryValues, names};
use sstp_cert::model::store::{KeyState, StoreEntry};
use sstp_cert::model::thumbprint::Sha1Thumbprint;
use time::OffsetDateTime;
use time::macros::datetime;

/// Validity periods: long expired, current until 2030, from 2029 on.
const PERIODS: [(i32, i32); 3] = [(2015, 2016), (2020, 2030), (2029, 2040)];
/// The times asked: before 2020, in 2026, in 2035.
const TIMES: [OffsetDateTime; 3] = [
    datetime!(2018-06-01 0:00 UTC),
    datetime!(2026-11-22 0:00 UTC),
    datetime!(2035-06-01 0:00 UTC),
];
const NAMES: [&str; 2] = [HOST, "other.example.org"];

/// Certificates of every combination of name, validity period and EKU.
fn pool() -> &'static [Certificate] {
    static POOL: OnceLock<Vec<Certificate>> = OnceLock::new();
    POOL.get_or_init(|| {
        let mut out = Vec::new();
        for name in NAMES {
            for (from, to) in PERIODS {
                for eku in [server_auth(), Eku::None, client_auth()] {
                    let mut p = params(name, &eku);
                    p.subject_alt_names = vec![rcgen::SanType::DnsName(name.try_into().unwrap())];
                    p.not_before = rcgen::date_time_ymd(from, 1, 1);
                    p.not_after = rcgen::date_time_ymd(to, 1, 1);
                    out.push(Certificate::from_der(der_with(p)).unwrap());
                }
            }
        }
        out
    })
}

#[derive(Debug, Clone)]
struct Generated {
    /// Pool index and whether a key is linked.
    store: Vec<(usize, bool)>,
    /// Per family: a binding to a pool certificate (maybe not in the
    /// store), SSTP's or IIS's.
    slots: [Option<(usize, bool)>; 2],
    bindings_known: bool,
    registry_known: bool,
    admin: bool,
    /// The registry's SHA-256 hash: a pool certificate's, or none.
    sha256: Option<usize>,
    at: usize,
    host: Option<usize>,
    intended: Option<usize>,
}

fn generated() -> impl Strategy<Value = Generated> {
    let n = pool().len();
    (
        prop::collection::vec((0..n, prop::bool::weighted(0.85)), 0..=5),
        [
            prop::option::of((0..n, any::<bool>())),
            prop::option::of((0..n, any::<bool>())),
        ],
        (any::<bool>(), any::<bool>(), any::<bool>()),
        prop::option::of(0..n),
        0..TIMES.len(),
        prop::option::of(0..NAMES.len()),
        prop::option::weighted(0.2, 0..n),
    )
        .prop_map(
            |(
                store,
                slots,
                (bindings_known, registry_known, admin),
                sha256,
                at,
                host,
                intended,
            )| {
                Generated {
                    store,
                    slots,
                    bindings_known,
                    registry_known,
                    admin,
                    sha256,
                    at,
                    host,
                    intended,
                }
            },
        )
}

impl Generated {
    fn store(&self) -> Vec<StoreEntry> {
        let mut out: Vec<StoreEntry> = Vec::new();
        for (i, key) in &self.store {
            let c = &pool()[*i];
            if out.iter().any(|e| e.certificate == *c) {
                continue;
            }
            let state = if *key {
                KeyState::Linked
            } else {
                KeyState::Absent
            };
            out.push(StoreEntry::new(c.clone(), state, format!("c{i}")));
        }
        out
    }

    fn bindings(&self) -> Vec<SslBinding> {
        let eps = [Endpoint::ipv4_wildcard(443), Endpoint::ipv6_wildcard(443)];
        eps.into_iter()
            .zip(self.slots)
            .filter_map(|(ep, slot)| {
                slot.map(|(i, is_sstp)| {
                    if is_sstp {
                        sstp(ep, &pool()[i])
                    } else {
                        iis(ep, &pool()[i])
                    }
                })
            })
            .collect()
    }

    fn registry(&self) -> RegistryValues {
        let mut v = RegistryValues::new();
        if self.admin {
            v.set(names::IS_HASH_CONFIGURED_BY_ADMIN, RegValue::Dword(1));
        }
        if let Some(i) = self.sha256 {
            v.set(
                names::SHA256_CERTIFICATE_HASH,
                RegValue::Binary(pool()[i].sha256().as_bytes().to_vec()),
            );
        }
        v
    }

    fn host(&self) -> Option<ReferenceId> {
        self.host.map(|i| ReferenceId::parse(NAMES[i]).unwrap())
    }
}

/// The certificates a command line binds (`netsh http add sslcert …
/// certhash=`) or pins (`reg add … SHA256CertificateHash` /
/// `SHA1CertificateHash`), looked up in the store.
fn named_by(line: &str, store: &[StoreEntry]) -> Vec<Sha1Thumbprint> {
    let mut out = Vec::new();
    if let Some(rest) = line.split("certhash=").nth(1) {
        let hex = rest.split_whitespace().next().unwrap_or_default();
        out.push(
            hex.parse::<Sha1Thumbprint>()
                .expect("certhash is a thumbprint"),
        );
    }
    if line.starts_with("reg add") && line.contains("CertificateHash") {
        let hex = line
            .split("/d ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let found = store.iter().find(|e| {
            hex == e.certificate.sha256().to_string() || hex == e.certificate.sha1().to_string()
        });
        out.push(
            found
                .map(|e| e.certificate.sha1())
                .unwrap_or_else(|| panic!("{line}: pins a certificate not in the store")),
        );
    }
    out
}

fn refused(
    store: &[StoreEntry],
    sha1: &Sha1Thumbprint,
    at: OffsetDateTime,
    host: Option<&ReferenceId>,
) -> Vec<&'static str> {
    let e = store
        .iter()
        .find(|e| e.certificate.sha1() == *sha1)
        .unwrap_or_else(|| panic!("{sha1} is bound by a fix but not in the store"));
    client_refusals(&e.certificate, Some(at), host)
        .iter()
        .map(|r| r.code())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every certificate a diagnosis's fix binds or pins is the report's one
    /// target, and clients accept it at that time for that host.
    #[test]
    fn no_fix_of_a_diagnosis_binds_a_refused_certificate(g in generated()) {
        let store = g.store();
        let bindings = g.bindings();
        let registry = g.registry();
        let parameters = sstp_cert::model::registry::SstpParameters::from_values(&registry);
        let default_parameters = sstp_cert::model::registry::SstpParameters::default();
        let host = g.host();
        let at = TIMES[g.at];
        let mut input = DiagnosisInput::new(
            &store,
            if g.bindings_known { &bindings } else { &[] },
            if g.registry_known { &parameters } else { &default_parameters },
        );
        input.bindings_known = g.bindings_known;
        input.registry_known = g.registry_known;
        input.at = Some(at);
        input.host = host.clone();
        input.intended = g.intended.map(|i| pool()[i].sha1());
        let d = diagnose(&input);
        for f in &d.findings {
            for line in &f.fix {
                for sha1 in named_by(line, &store) {
                    prop_assert_eq!(Some(sha1), d.target, "[{}] {} names another certificate than the report's", f.code, line);
                    let why = refused(&store, &sha1, at, host.as_ref());
                    prop_assert!(why.is_empty(), "[{}] {} binds a refused certificate: {:?}", f.code, line, why);
                }
            }
        }
        // the recommendation itself is never refused, and is eligible
        if let Some(r) = &d.recommendation.recommended {
            prop_assert!(refused(&store, &r.sha1, at, host.as_ref()).is_empty());
            prop_assert!(d.choice.candidates.iter().any(|c| c.sha1() == r.sha1 && c.eligible));
        }
    }

    /// A plan to any certificate of the store either is refused or binds a
    /// certificate clients accept; a plan to the recommendation is never
    /// refused for the client's sake.
    #[test]
    fn no_plan_binds_a_refused_certificate(g in generated(), pick in any::<prop::sample::Index>()) {
        let store = g.store();
        prop_assume!(!store.is_empty());
        let bindings = g.bindings();
        let registry = g.registry();
        let parameters = sstp_cert::model::registry::SstpParameters::from_values(&registry);
        let host = g.host();
        let at = TIMES[g.at];
        let default_parameters = sstp_cert::model::registry::SstpParameters::default();
        let mut input = PlanInput::new(
            &store,
            if g.bindings_known { &bindings } else { &[] },
            if g.registry_known { &parameters } else { &default_parameters },
        )
        .at(at);
        input.bindings_known = g.bindings_known;
        input.registry_known = g.registry_known;
        input.host = host.as_ref();
        let to = store[pick.index(store.len())].certificate.sha1();
        match plan_certificate_change(&input, &to, &PlanOptions::default()) {
            Ok(plan) => {
                let why = refused(&store, &to, at, host.as_ref());
                prop_assert!(why.is_empty(), "plan to a refused certificate: {:?}", why);
                for line in plan.render().unwrap() {
                    for sha1 in named_by(&line, &store) {
                        prop_assert_eq!(sha1, to);
                    }
                }
            }
            Err(PlanError::RefusedByClients { refusals, .. }) => {
                prop_assert!(!refusals.is_empty());
                prop_assert!(!refused(&store, &to, at, host.as_ref()).is_empty());
            }
            Err(_) => {}
        }
        if let Some(r) = recommend(&store, Some(at), host.as_ref()).sha1() {
            let plan = plan_certificate_change(&input, &r, &PlanOptions::default());
            prop_assert!(!matches!(plan, Err(PlanError::RefusedByClients { .. })), "{:?}", plan);
        }
    }
}
