//! Property tests of reference parsing and name matching.

use proptest::prelude::*;
use sstp_cert::model::certificate::Names;
use sstp_cert::model::hostname::{DnsName, MAX_HOST_LEN, Profile, ReferenceId, Rule};

/// Host-name-ish text: mostly valid names, with the characters that make
/// parsing interesting.
fn hostish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9_-]{1,12}(\\.[a-zA-Z0-9_-]{1,12}){0,4}\\.?",
        "[a-zA-Z0-9._*:%\\[\\] -]{0,40}",
        "[0-9]{1,3}(\\.[0-9]{1,3}){0,4}",
        "[0-9a-fA-F:]{0,40}",
        "\\PC{0,30}",
        ".{0,30}",
    ]
}

/// Valid DNS references, from labels that exercise case and underscores.
fn dns_reference() -> impl Strategy<Value = String> {
    (
        prop::collection::vec("[a-zA-Z0-9][a-zA-Z0-9_-]{0,8}[a-zA-Z0-9]", 0..4),
        "[a-zA-Z]{1,6}",
        any::<bool>(),
    )
        .prop_map(|(mut labels, top, dot)| {
            labels.push(top);
            let mut s = labels.join(".");
            if dot {
                s.push('.');
            }
            s
        })
}

/// Presented names: exact names, wildcards, and broken ones.
fn presented() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => dns_reference(),
        2 => dns_reference().prop_map(|s| format!("*.{s}")),
        1 => "[a-zA-Z0-9*._\\x00 -]{0,20}",
        1 => "\\PC{0,20}",
    ]
}

fn flip_case(s: &str, mask: &[bool]) -> String {
    s.chars()
        .zip(mask.iter().cycle())
        .map(|(c, &up)| {
            if up {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn reference_parsing_never_panics(s in hostish()) {
        let _ = ReferenceId::parse(&s);
        let _ = DnsName::parse(&s);
    }

    #[test]
    fn reference_parsing_never_panics_on_long_input(s in "[a-z.]{1000,1100}") {
        let r = ReferenceId::parse(&s);
        if s.len() > MAX_HOST_LEN {
            prop_assert!(r.is_err());
        }
    }

    #[test]
    fn normalisation_is_idempotent(s in hostish()) {
        if let Ok(r) = ReferenceId::parse(&s) {
            let again = ReferenceId::parse(&r.to_string());
            prop_assert_eq!(again, Ok(r.clone()));
            if let Some(d) = r.as_dns() {
                // the text form keeps a trailing dot (the Windows client
                // fails on it), `as_str` does not
                // (`Display`, not `as_str`/`as_ref`, which omit the dot)
                let text = format!("{d}");
                let reparsed = DnsName::parse(&text);
                prop_assert_eq!(reparsed.as_ref(), Ok(d));
                prop_assert!(d.as_str().bytes().all(|b| !b.is_ascii_uppercase()));
                prop_assert!(!d.as_str().ends_with('.'));
            }
        }
    }

    #[test]
    fn valid_names_parse(s in dns_reference()) {
        let r = ReferenceId::parse(&s);
        prop_assert!(r.is_ok(), "{:?}: {:?}", s, r);
        let r = r.unwrap();
        prop_assert_eq!(r.to_string(), s.to_ascii_lowercase());
        let bare = s.trim_end_matches('.').to_ascii_lowercase();
        prop_assert_eq!(r.as_dns().map(DnsName::as_str), Some(bare.as_str()));
        prop_assert_eq!(r.as_dns().map(DnsName::has_trailing_dot), Some(s.ends_with('.')));
    }

    #[test]
    fn matching_is_case_insensitive(
        dns in prop::collection::vec(presented(), 0..4),
        cns in prop::collection::vec(presented(), 0..2),
        host in dns_reference(),
        mask in prop::collection::vec(any::<bool>(), 1..8),
        mask2 in prop::collection::vec(any::<bool>(), 1..8),
    ) {
        let names = Names { dns: dns.clone(), common_names: cns.clone(), ..Names::default() };
        let flipped = Names {
            dns: dns.iter().map(|s| flip_case(s, &mask)).collect(),
            common_names: cns.iter().map(|s| flip_case(s, &mask)).collect(),
            ..Names::default()
        };
        let r1 = ReferenceId::parse(&host).unwrap();
        let r2 = ReferenceId::parse(&flip_case(&host, &mask2)).unwrap();
        prop_assert_eq!(&r1, &r2);
        for p in Profile::ALL {
            let a = p.check_names(&names, &r1);
            let b = p.check_names(&flipped, &r2);
            prop_assert_eq!(a.matched, b.matched, "{} {:?} vs {:?}", p, names, flipped);
            let rules = |v: &sstp_cert::model::hostname::NameVerdict| {
                v.reasons.iter().map(|r| r.rule).collect::<Vec<Rule>>()
            };
            prop_assert_eq!(rules(&a), rules(&b));
            prop_assert!(!a.reasons.is_empty());
        }
    }

    #[test]
    fn no_names_never_match(
        host in prop_oneof![dns_reference(), "[0-9]{1,3}(\\.[0-9]{1,3}){3}", "[0-9a-f:]{2,20}"],
        other in 0usize..5,
        has_san in any::<bool>(),
    ) {
        let Ok(r) = ReferenceId::parse(&host) else { return Ok(()); };
        let names = Names { has_san_extension: has_san, other_san_entries: other, ..Names::default() };
        for p in [Profile::WindowsClient, Profile::Rfc9525] {
            let v = p.check_names(&names, &r);
            prop_assert!(!v.matched);
            prop_assert_eq!(v.identifier, None);
            prop_assert_eq!(v.reasons.len(), 1);
            prop_assert_eq!(v.reasons[0].rule, Rule::NoIdentifiers);
        }
        let s = Profile::SstpcLinux.check_names(&names, &r);
        prop_assert!(s.matched && !s.name_checked);
    }

    #[test]
    fn matching_arbitrary_presented_names_never_panics(
        dns in prop::collection::vec(".{0,40}", 0..4),
        cns in prop::collection::vec(".{0,40}", 0..3),
        host in hostish(),
    ) {
        let Ok(r) = ReferenceId::parse(&host) else { return Ok(()); };
        let names = Names { dns, common_names: cns, ..Names::default() };
        for p in Profile::ALL {
            let v = p.check_names(&names, &r);
            prop_assert!(!v.reasons.is_empty());
            prop_assert_eq!(v.matched, v.reasons.iter().any(|x| x.rule.is_match()));
        }
    }

    /// A presented name with a NUL never matches, whatever surrounds it.
    #[test]
    fn nul_never_matches(a in dns_reference(), b in dns_reference()) {
        let host = ReferenceId::parse(&a).unwrap();
        let names = Names {
            dns: vec![format!("{a}\0{b}"), format!("{b}\0{a}")],
            ..Names::default()
        };
        for p in [Profile::WindowsClient, Profile::Rfc9525] {
            prop_assert!(!p.check_names(&names, &host).matched);
        }
        let cn_only = Names { common_names: vec![format!("{a}\0{b}")], ..Names::default() };
        prop_assert!(!Profile::WindowsClient.check_names(&cn_only, &host).matched);
    }

    /// What matches under RFC 9525 matches under Windows too (Windows only
    /// adds the CN fallback and one-label wildcard suffixes).
    #[test]
    fn rfc9525_match_implies_windows_match(
        dns in prop::collection::vec(presented(), 0..3),
        cns in prop::collection::vec(presented(), 0..2),
        host in dns_reference(),
    ) {
        let names = Names { dns, common_names: cns, ..Names::default() };
        let r = ReferenceId::parse(&host).unwrap();
        if Profile::Rfc9525.check_names(&names, &r).matched {
            prop_assert!(Profile::WindowsClient.check_names(&names, &r).matched);
        }
    }
}
