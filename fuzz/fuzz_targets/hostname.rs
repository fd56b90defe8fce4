//! Host-name references (`hostname::ReferenceId::parse`,
//! `DnsName::parse`) and matching them against presented names: never
//! panics; normalisation is idempotent; a name always matches itself; a
//! NUL never matches; an RFC 9525 match is also a Windows match.
//!
//! Input: the reference, or `presented\nreference` (the first line is then
//! also tried as a SAN dNSName and as a subject CN).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::certificate::Names;
use sstp_cert::model::hostname::{DnsName, MAX_HOST_LEN, Profile, ReferenceId};

fn names_dns(s: &str) -> Names {
    Names {
        has_san_extension: true,
        dns: vec![s.to_owned()],
        ..Names::default()
    }
}

fuzz_target!(|text: &str| {
    let (presented, reference) = match text.split_once('\n') {
        Some((p, r)) => (Some(p), r),
        None => (None, text),
    };
    let parsed = ReferenceId::parse(reference);
    if let Ok(r) = &parsed {
        assert!(reference.len() <= MAX_HOST_LEN);
        let shown = r.to_string();
        assert_eq!(
            ReferenceId::parse(&shown).as_ref(),
            Ok(r),
            "not idempotent: {shown}"
        );
        match r {
            ReferenceId::Dns(d) => {
                assert_eq!(DnsName::parse(reference).as_ref(), Ok(d));
                assert!(!d.as_str().ends_with('.'));
                assert!(
                    d.as_str()
                        .bytes()
                        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
                );
                // A certificate naming exactly the host matches for every
                // profile — except for the Windows client when the name was
                // typed with a trailing dot, which it compares as given
                // (behaviour §9).
                for p in Profile::ALL {
                    let matched = p.check_names(&names_dns(d.as_str()), r).matched;
                    if p == Profile::WindowsClient && d.has_trailing_dot() {
                        assert!(!matched, "{p:?} {shown}");
                    } else {
                        assert!(matched, "{p:?} {shown}");
                    }
                }
                // A NUL smuggled into the presented name never matches.
                let smuggled = format!("{shown}\0.evil.example");
                for p in [Profile::WindowsClient, Profile::Rfc9525] {
                    assert!(!p.check_names(&names_dns(&smuggled), r).matched);
                }
            }
            ReferenceId::Ip(ip) => {
                let names = Names {
                    has_san_extension: true,
                    ips: vec![*ip],
                    ..Names::default()
                };
                for p in Profile::ALL {
                    assert!(p.check_names(&names, r).matched, "{p:?} {ip}");
                }
            }
            // A kind of reference added later: the round trip above holds.
            _ => {}
        }
    } else {
        let _ = DnsName::parse(reference);
    }
    if let (Some(presented), Ok(r)) = (presented, &parsed) {
        for names in [
            names_dns(presented),
            Names {
                common_names: vec![presented.to_owned()],
                ..Names::default()
            },
        ] {
            let windows = Profile::WindowsClient.check_names(&names, r);
            let rfc = Profile::Rfc9525.check_names(&names, r);
            // RFC 9525 ignores a trailing dot; the Windows client does not
            // (behaviour §9), so only then may RFC 9525 accept what Windows refuses.
            let trailing_dot = matches!(r, ReferenceId::Dns(d) if d.has_trailing_dot());
            if rfc.matched && !trailing_dot {
                assert!(
                    windows.matched,
                    "RFC 9525 accepts {presented:?} for {r} but Windows does not"
                );
            }
            if presented.contains('\0') {
                assert!(
                    !windows.matched && !rfc.matched,
                    "NUL matched: {presented:?}"
                );
            }
            assert!(Profile::SstpcLinux.check_names(&names, r).matched);
        }
    }
});
