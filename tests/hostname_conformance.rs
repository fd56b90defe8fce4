//! x509-limbo and probe cases through the host-name profiles, and the EKU
//! cases through `Certificate::eku()` (data: `tests/data/conformance/`, see
//! its README for sources, licences and how verdicts are read).

mod common;

use std::collections::BTreeMap;

use serde_json::Value;
use sstp_cert::model::certificate::{Certificate, EkuExtension};
use sstp_cert::model::eku::KeyPurpose;
use sstp_cert::model::hostname::{Profile, ReferenceId};

/// What the crate says about one case under one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Accepted; the matching identifier.
    Match(String),
    /// Rejected; the rule codes of the reasons.
    NoMatch(Vec<String>),
    /// The certificate was refused by the parser.
    CertError(String),
    /// The peer name was refused by `ReferenceId::parse`.
    BadReference(String),
}

impl Outcome {
    fn is_match(&self) -> bool {
        matches!(self, Outcome::Match(_))
    }
}

fn str_field<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("{}: no string field {key}", case["id"]))
}

fn certificate(case: &Value) -> Result<Certificate, String> {
    let der = common::base64_decode(str_field(case, "leaf_der_b64"));
    Certificate::from_der(der).map_err(|e| e.to_string())
}

fn reference(case: &Value) -> Result<ReferenceId, String> {
    let name = str_field(case, "peer_name");
    let r = ReferenceId::parse(name).map_err(|e| e.to_string())?;
    if str_field(case, "peer_name_kind") == "IP" {
        assert!(
            r.as_ip().is_some(),
            "{}: IP peer name {name} parsed as {r:?}",
            case["id"]
        );
    }
    Ok(r)
}

fn run(case: &Value, profile: Profile) -> Outcome {
    let cert = match certificate(case) {
        Ok(c) => c,
        Err(e) => return Outcome::CertError(e),
    };
    let host = match reference(case) {
        Ok(h) => h,
        Err(e) => return Outcome::BadReference(e),
    };
    let v = profile.check(&cert, &host);
    assert!(
        !v.reasons().is_empty(),
        "{}: a verdict always has reasons",
        case["id"]
    );
    if v.matched() {
        Outcome::Match(
            v.identifier()
                .map(ToString::to_string)
                .unwrap_or_else(|| "<no name check>".into()),
        )
    } else {
        Outcome::NoMatch(
            v.reasons()
                .iter()
                .map(|r| r.rule.code().to_owned())
                .collect(),
        )
    }
}

/// Whether `outcome` satisfies a verdict string of the data files.
/// Rejections of any kind satisfy `no-match` and `error`.
fn satisfies(outcome: &Outcome, want: &str) -> bool {
    match want {
        "match" => outcome.is_match(),
        "no-match" | "error" => !outcome.is_match(),
        other => panic!("unknown verdict {other:?}"),
    }
}

/// Cases where the `Rfc9525` profile deliberately differs from the
/// `name_only` verdict of `limbo-names.json`.
const RFC9525_VS_NAME_ONLY: &[(&str, &str)] = &[(
    "webpki::san::public-suffix-wildcard-san",
    "SAN *.com: name_only applies the bare RFC 6125 label rule and says match; \
     behaviour §9 requires at least two labels after '*' (as rustls-webpki and OpenSSL do), \
     so the profile says no-match (wildcard-too-broad) — which is also limbo's expected verdict",
)];

/// Cases where the `Rfc9525` profile matches although limbo's `expected`
/// is `no-match`.
const RFC9525_VS_LIMBO_EXPECTED: &[(&str, &str)] = &[
    (
        "webpki::san::public-suffix-multi-label-wildcard-san",
        "SAN *.co.uk: refusing it needs the Public Suffix List (limbo feature \
         pedantic-public-suffix-wildcard); the crate carries no PSL, like OpenSSL and rustls-webpki",
    ),
    (
        "webpki::san::public-suffix-private-namespace-wildcard-san",
        "SAN *.s3.amazonaws.com: needs the PSL's private section; no PSL here",
    ),
];

/// Trailing-dot `policy` probes: the crate's documented decision.
const POLICY_DECISIONS: &[(&str, &str)] = &[
    ("probe::trailing-dot-reference-exact", "match"),
    ("probe::trailing-dot-reference-wildcard", "match"),
];

/// Where the Windows client refuses what the `Rfc9525` profile matches, with
/// the rule that refuses it.
const WINDOWS_REFUSES: &[(&str, &str, &str)] = &[
    (
        "probe::trailing-dot-reference-exact",
        "reference-trailing-dot",
        "behaviour §9: CryptoAPI compares the server name as given; example.com. fails (CERT_E_CN_NO_MATCH)",
    ),
    (
        "probe::trailing-dot-reference-wildcard",
        "reference-trailing-dot",
        "behaviour §9: the same with a wildcard",
    ),
];

/// Where the Windows client profile differs from the `Rfc9525` profile on
/// these cases, with the identifier it matches.
const WINDOWS_DIFFERS: &[(&str, &str, &str)] = &[
    (
        "webpki::san::no-san",
        "cn:example.com",
        "no SAN at all: Windows falls back to the subject CN",
    ),
    (
        "webpki::san::public-suffix-wildcard-san",
        "dns:*.com",
        "behaviour §9 gives the Windows client no label count after '*'",
    ),
];

fn lookup<'a>(list: &'a [(&str, &str)], id: &str) -> Option<&'a str> {
    list.iter().find(|(i, _)| *i == id).map(|(_, r)| *r)
}

fn all_name_cases() -> Vec<Value> {
    let mut cases = common::load_conformance("limbo-names.json");
    cases.extend(common::load_conformance("name-probes.json"));
    cases
}

#[test]
fn data_files_have_the_documented_sizes() {
    assert_eq!(common::load_conformance("limbo-names.json").len(), 33);
    assert_eq!(common::load_conformance("name-probes.json").len(), 21);
    assert_eq!(common::load_conformance("limbo-eku.json").len(), 6);
    assert_eq!(common::load_conformance("eku-supplement.json").len(), 7);
}

#[test]
fn rfc9525_profile_against_limbo_name_only() {
    let mut failures = Vec::new();
    let mut allowed_used = Vec::new();
    for case in common::load_conformance("limbo-names.json") {
        let id = str_field(&case, "id");
        let want = str_field(&case, "name_only");
        let got = run(&case, Profile::Rfc9525);
        let ok = satisfies(&got, want);
        match (ok, lookup(RFC9525_VS_NAME_ONLY, id)) {
            (true, None) => {}
            (false, Some(_)) => allowed_used.push(id.to_owned()),
            (true, Some(_)) => failures.push(format!("{id}: allow-listed but agrees ({got:?})")),
            (false, None) => failures.push(format!("{id}: name_only {want}, got {got:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(allowed_used.len(), RFC9525_VS_NAME_ONLY.len());
}

#[test]
fn rfc9525_profile_never_matches_where_limbo_expects_no_match() {
    let mut failures = Vec::new();
    for case in common::load_conformance("limbo-names.json") {
        let id = str_field(&case, "id");
        // `error` cases are profile checks (CABF CN/SAN consistency, SAN
        // criticality, underscores) that a name matcher does not make.
        if str_field(&case, "expected") != "no-match" {
            continue;
        }
        let got = run(&case, Profile::Rfc9525);
        let allowed = lookup(RFC9525_VS_LIMBO_EXPECTED, id).is_some();
        if got.is_match() != allowed {
            failures.push(format!("{id}: got {got:?}, allow-listed: {allowed}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rfc9525_profile_against_probes() {
    let mut failures = Vec::new();
    for case in common::load_conformance("name-probes.json") {
        let id = str_field(&case, "id");
        let mut want = str_field(&case, "expected");
        if want == "policy" {
            want = lookup(POLICY_DECISIONS, id)
                .unwrap_or_else(|| panic!("{id}: policy probe without a documented decision"));
        }
        let got = run(&case, Profile::Rfc9525);
        if !satisfies(&got, want) {
            failures.push(format!("{id}: expected {want}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The exact outcome kind of each notable probe, so that a rejection for
/// the wrong reason fails too.
#[test]
fn probes_are_rejected_for_the_right_reason() {
    let cases: BTreeMap<String, Value> = all_name_cases()
        .into_iter()
        .map(|c| (str_field(&c, "id").to_owned(), c))
        .collect();
    let expect = |id: &str, profile: Profile, want: &Outcome| {
        let got = run(&cases[id], profile);
        let same = match (want, &got) {
            (Outcome::BadReference(_), Outcome::BadReference(_)) => true,
            (Outcome::CertError(_), Outcome::CertError(_)) => true,
            (a, b) => a == b,
        };
        assert!(same, "{id} under {profile}: want {want:?}, got {got:?}");
    };
    let no = |rules: &[&str]| Outcome::NoMatch(rules.iter().map(|s| s.to_string()).collect());
    let bad = Outcome::BadReference(String::new());
    use Profile::*;
    for p in [WindowsClient, Rfc9525] {
        // These leaves have the subject CN example.com, which each profile
        // lists after the SAN entries with the rule that sets it aside.
        let cn_rule = if p == WindowsClient {
            "cn-ignored-dns-san-present"
        } else {
            "cn-not-used"
        };
        let with_cn = |rule: &str| no(&[rule, cn_rule]);
        expect("probe::double-trailing-dot-reference", p, &bad);
        expect("probe::leading-dot-reference-exact", p, &bad);
        expect("probe::leading-dot-reference-wildcard", p, &bad);
        expect("probe::literal-star-reference", p, &bad);
        expect(
            "probe::case-upper-exact",
            p,
            &Outcome::Match("dns:example.com".into()),
        );
        expect(
            "probe::wildcard-matches-alabel",
            p,
            &Outcome::Match("dns:*.example.com".into()),
        );
        expect(
            "probe::nul-cert-ipv4-san",
            p,
            &Outcome::Match("ip:192.0.2.1".into()),
        );
        expect(
            "webpki::san::wildcard-embedded-leftmost-san",
            p,
            &with_cn("partial-wildcard"),
        );
        expect(
            "webpki::san::wildcard-embedded-ulabel-san",
            p,
            &with_cn("partial-wildcard"),
        );
        expect(
            "webpki::san::wildcard-not-in-leftmost-san",
            p,
            &with_cn("wildcard-not-leftmost"),
        );
        expect(
            "webpki::san::wildcard-match-across-labels-san",
            p,
            &with_cn("wildcard-label-count"),
        );
        expect(
            "webpki::san::san-wildcard-only",
            p,
            &with_cn("bare-wildcard"),
        );
        expect(
            "probe::wildcard-not-apex",
            p,
            &with_cn("wildcard-label-count"),
        );
        expect(
            "webpki::san::mismatch-subdomain-apex-san",
            p,
            &with_cn("name-mismatch"),
        );
        // IP references set the CN aside for a different reason under
        // Windows (an IP is compared only with iPAddress entries).
        let ip_cn_rule = if p == WindowsClient {
            "ip-reference-vs-name"
        } else {
            "cn-not-used"
        };
        expect(
            "probe::ipv4-literal-as-dns-vs-dnsname",
            p,
            &no(&["ip-reference-vs-name", ip_cn_rule]),
        );
        expect(
            "probe::ipv4-mapped-ipv6-vs-ipv4-san",
            p,
            &no(&["ip-family-mismatch", ip_cn_rule]),
        );
        expect(
            "rfc5280::san::malformed",
            p,
            &Outcome::CertError(String::new()),
        );
    }
    // NUL bytes: the dNSName is refused whole; the CN is never consulted
    // (a dNSName is present), and would be refused for its NUL anyway.
    expect(
        "probe::nul-san-prefix",
        WindowsClient,
        &no(&[
            "presented-contains-nul",
            "dns-reference-vs-ip-san",
            "dns-reference-vs-ip-san",
            "cn-ignored-dns-san-present",
        ]),
    );
    expect(
        "probe::nul-cn-suffix",
        Rfc9525,
        &no(&[
            "presented-contains-nul",
            "dns-reference-vs-ip-san",
            "dns-reference-vs-ip-san",
            "cn-not-used",
        ]),
    );
    expect(
        "webpki::san::public-suffix-wildcard-san",
        Rfc9525,
        &no(&["wildcard-too-broad", "cn-not-used"]),
    );
}

#[test]
fn windows_profile_over_the_name_cases() {
    let mut failures = Vec::new();
    for case in all_name_cases() {
        let id = str_field(&case, "id");
        let windows = run(&case, Profile::WindowsClient);
        let strict = run(&case, Profile::Rfc9525);
        if let Some((_, rule, _why)) = WINDOWS_REFUSES.iter().find(|(i, _, _)| *i == id) {
            let refused_for_it = matches!(&windows, Outcome::NoMatch(rules) if rules.first().map(String::as_str) == Some(*rule));
            if !refused_for_it || !strict.is_match() {
                failures.push(format!(
                    "{id}: want Windows no match for {rule} and RFC 9525 match, got {windows:?} / {strict:?}"
                ));
            }
            continue;
        }
        match WINDOWS_DIFFERS.iter().find(|(i, _, _)| *i == id) {
            Some((_, identifier, _why)) => {
                if windows != Outcome::Match((*identifier).to_owned()) || strict.is_match() {
                    failures.push(format!(
                        "{id}: want Windows match via {identifier} and RFC 9525 no match, got {windows:?} / {strict:?}"
                    ));
                }
            }
            None => {
                if windows.is_match() != strict.is_match() {
                    failures.push(format!(
                        "{id}: Windows {windows:?} differs from RFC 9525 {strict:?} without a documented reason"
                    ));
                }
                if let (Outcome::Match(a), Outcome::Match(b)) = (&windows, &strict)
                    && a != b
                {
                    failures.push(format!("{id}: matched via {a} vs {b}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn sstpc_profile_accepts_every_valid_reference() {
    for case in all_name_cases() {
        let id = str_field(&case, "id");
        match run(&case, Profile::SstpcLinux) {
            Outcome::Match(i) => assert_eq!(i, "<no name check>", "{id}"),
            Outcome::BadReference(_) | Outcome::CertError(_) => {}
            Outcome::NoMatch(r) => panic!("{id}: sstpc does not check names, got {r:?}"),
        }
    }
}

#[test]
fn which_certificates_the_crate_refuses() {
    // Documented: only the malformed SAN is refused. The raw-UTF-8 dNSName
    // (emoji) parses and is rejected by matching (presented-not-ascii).
    let refused: Vec<String> = all_name_cases()
        .iter()
        .filter(|c| certificate(c).is_err())
        .map(|c| str_field(c, "id").to_owned())
        .collect();
    assert_eq!(refused, ["rfc5280::san::malformed"]);
    let cases = all_name_cases();
    let emoji = cases
        .iter()
        .find(|c| c["id"] == "webpki::san::unicode-emoji-san")
        .unwrap();
    assert_eq!(
        run(emoji, Profile::Rfc9525),
        Outcome::NoMatch(vec!["presented-not-ascii".into(), "cn-not-used".into()])
    );
}

// ---------------------------------------------------------------------------
// EKU: parsing, and the client profiles' verdicts vs the observed libraries.

fn purpose_from_name(name: &str) -> KeyPurpose {
    match name {
        "serverAuth" => KeyPurpose::ServerAuth,
        "clientAuth" => KeyPurpose::ClientAuth,
        "anyExtendedKeyUsage" => KeyPurpose::Any,
        dotted if dotted.starts_with(|c: char| c.is_ascii_digit()) => KeyPurpose::from_oid(dotted),
        other => panic!("unknown EKU name {other}"),
    }
}

/// The EKU extension each case's leaf carries, from the data file's own
/// description: `leaf_names.eku` (limbo) or the `EKU [...]` list in `why`
/// (supplement).
fn documented_eku(case: &Value) -> EkuExtension {
    let critical_flag = |c: &Value| c["leaf_names"]["eku_critical"].as_bool().unwrap_or(false);
    if let Some(names) = case.get("leaf_names") {
        return match &names["eku"] {
            Value::Null => EkuExtension::Absent,
            Value::String(s) if s.starts_with("<empty SEQUENCE") => EkuExtension::Present {
                purposes: Vec::new().into(),
                critical: critical_flag(case),
            },
            Value::Array(a) => EkuExtension::Present {
                purposes: a
                    .iter()
                    .map(|v| purpose_from_name(v.as_str().unwrap()))
                    .collect(),
                critical: critical_flag(case),
            },
            other => panic!("{}: unexpected eku {other}", case["id"]),
        };
    }
    let why = str_field(case, "why");
    let start = why.find("EKU [").expect("EKU list in why") + 5;
    let end = start + why[start..].find(']').unwrap();
    EkuExtension::Present {
        purposes: why[start..end].split(", ").map(purpose_from_name).collect(),
        critical: why.contains("marked critical"),
    }
}

fn eku_cases() -> Vec<Value> {
    let mut cases = common::load_conformance("limbo-eku.json");
    cases.extend(common::load_conformance("eku-supplement.json"));
    cases
}

#[test]
fn eku_extension_is_parsed_as_documented() {
    for case in eku_cases() {
        let cert = certificate(&case).unwrap_or_else(|e| panic!("{}: {e}", case["id"]));
        assert_eq!(cert.eku(), &documented_eku(&case), "{}", case["id"]);
    }
}

/// The Rfc9525 and sstpc profiles claim to apply serverAuth the way
/// OpenSSL's `sslserver` purpose and rustls-webpki do; the data records
/// what those returned. (limbo's `expected` is the CABF web-PKI verdict
/// and is deliberately not used.) The Windows client follows behaviour §9:
/// Server Authentication, anyEKU or no EKU.
#[test]
fn eku_verdicts_per_profile() {
    for case in eku_cases() {
        let id = str_field(&case, "id");
        let cert = certificate(&case).unwrap();
        let observed: Vec<bool> = case["observed"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_str().unwrap().starts_with("accept"))
            .collect();
        assert_eq!(observed.len(), 2, "{id}");
        assert!(
            observed[0] == observed[1],
            "{id}: the observed libraries disagree"
        );
        for p in [Profile::Rfc9525, Profile::SstpcLinux] {
            assert_eq!(
                p.check_eku(cert.eku()).accepted,
                observed[0],
                "{id} under {p}"
            );
        }
        let windows_accepts = match cert.eku().purposes() {
            None => true,
            Some(l) => l.contains(&KeyPurpose::ServerAuth) || l.contains(&KeyPurpose::Any),
        };
        let w = Profile::WindowsClient.check_eku(cert.eku());
        assert_eq!(w.accepted, windows_accepts, "{id}");
        if !w.accepted {
            assert!(
                w.explanation.contains("Event 16"),
                "{id}: {}",
                w.explanation
            );
        }
        // The name half is independent of the EKU: every leaf names
        // example.com in a dNSName.
        let host = reference(&case).unwrap();
        let v = Profile::WindowsClient.check(&cert, &host);
        assert!(v.matched(), "{id}");
        assert_eq!(v.accepted, w.accepted, "{id}");
    }
    // Spot checks that a mistake in the generic loop would hide.
    let by_id = |id: &str| {
        eku_cases()
            .into_iter()
            .find(|c| c["id"] == id)
            .map(|c| certificate(&c).unwrap())
            .unwrap()
    };
    let any_only = by_id("supplement::eku::any-only");
    assert!(Profile::WindowsClient.check_eku(any_only.eku()).accepted);
    assert!(!Profile::Rfc9525.check_eku(any_only.eku()).accepted);
    let empty = by_id("rfc5280::eku::ee-eku-empty");
    assert_eq!(
        Profile::WindowsClient.check_eku(empty.eku()).rule.code(),
        "empty-eku"
    );
}
