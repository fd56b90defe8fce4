//! behaviour §11: the recommendation rule, one rule per test.

mod common;
mod sim;

use common::*;
use sim::*;
use sstp_cert::model::advice::{Refusal, client_refusals, expires_within, recommend};
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::eku::Purpose;
use sstp_cert::model::hostname::ReferenceId;
use sstp_cert::model::store::{KeyState, StoreEntry};
use time::macros::datetime;

const AT: time::OffsetDateTime = datetime!(2026-11-22 0:00 UTC);

fn dated(name: &str, eku: &Eku, to: i32) -> Certificate {
    let mut p = params(name, eku);
    p.subject_alt_names = vec![rcgen::SanType::DnsName(name.try_into().unwrap())];
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(to, 1, 1);
    Certificate::from_der(der_with(p)).unwrap()
}

fn codes(r: &sstp_cert::model::advice::Recommendation) -> Vec<(String, Vec<&'static str>)> {
    r.others
        .iter()
        .map(|c| {
            (
                c.source.clone(),
                c.reasons.iter().map(|n| n.code()).collect(),
            )
        })
        .collect()
}

#[test]
fn server_auth_is_preferred_over_a_later_all_purpose() {
    let ap = dated(HOST, &Eku::None, 2040);
    let sa = dated(HOST, &server_auth(), 2030);
    let store = [
        StoreEntry::new(ap, KeyState::Linked, "ap"),
        StoreEntry::new(sa, KeyState::Linked, "sa"),
    ];
    let r = recommend(&store, Some(AT), None);
    let rec = r.recommended.as_ref().unwrap();
    assert_eq!(
        (rec.source.as_str(), rec.purpose),
        ("sa", Purpose::ServerAuth)
    );
    assert_eq!(
        codes(&r),
        [("ap".to_owned(), vec!["server-auth-preferred"])]
    );
}

#[test]
fn then_the_latest_not_after_then_store_order() {
    let early = dated(HOST, &server_auth(), 2030);
    let late = dated(HOST, &server_auth(), 2035);
    let late2 = dated(HOST, &server_auth(), 2035);
    let store = [
        StoreEntry::new(early, KeyState::Linked, "early"),
        StoreEntry::new(late, KeyState::Linked, "late"),
        StoreEntry::new(late2, KeyState::Linked, "late2"),
    ];
    let r = recommend(&store, Some(AT), None);
    assert_eq!(r.recommended.as_ref().unwrap().source, "late");
    assert_eq!(
        codes(&r),
        [
            ("early".to_owned(), vec!["later-expiry-preferred"]),
            ("late2".to_owned(), vec!["later-expiry-preferred"]),
        ]
    );
}

#[test]
fn ineligible_and_refused_certificates_are_never_recommended() {
    let nokey = dated(HOST, &server_auth(), 2035);
    let expired = dated(HOST, &server_auth(), 2021);
    let other = dated("other.example.org", &server_auth(), 2035);
    let client = dated(HOST, &client_auth(), 2035);
    let store = [
        StoreEntry::new(nokey, KeyState::Absent, "nokey"),
        StoreEntry::new(expired.clone(), KeyState::Linked, "expired"),
        StoreEntry::new(other, KeyState::Linked, "other"),
        StoreEntry::new(client, KeyState::Linked, "client"),
    ];
    let host = ReferenceId::parse(HOST).unwrap();
    let r = recommend(&store, Some(AT), Some(&host));
    assert!(r.recommended.is_none());
    assert_eq!(
        codes(&r),
        [
            ("nokey".to_owned(), vec!["not-eligible"]),
            ("expired".to_owned(), vec!["expired"]),
            ("other".to_owned(), vec!["host-name-mismatch"]),
            (
                "client".to_owned(),
                vec!["not-eligible", "client-eku-refused"]
            ),
        ]
    );
    let summary = r.summary();
    assert!(
        summary.starts_with("no certificate in the store qualifies"),
        "{summary}"
    );
    assert!(summary.contains("vpn.example.com"), "{summary}");
    assert!(
        summary.contains("valid at 2026-11-22T00:00:00Z"),
        "{summary}"
    );
    // JSON: the reasons with their codes
    #[cfg(feature = "serde")]
    {
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["others"][1]["reasons"][0]["code"], "expired");
        assert_eq!(
            v["others"][1]["reasons"][0]["not_after"],
            "2021-01-01T00:00:00Z"
        );
    }
    // not yet valid
    assert_eq!(
        client_refusals(&expired, Some(datetime!(2019-01-01 0:00 UTC)), None),
        [Refusal::NotYetValid {
            not_before: datetime!(2020-01-01 0:00 UTC)
        }]
    );
}

#[test]
fn expiry_warning_threshold() {
    let c = dated(HOST, &server_auth(), 2027);
    assert!(expires_within(&c, datetime!(2026-12-15 0:00 UTC), 30));
    assert!(!expires_within(&c, datetime!(2026-11-22 0:00 UTC), 30));
    // expired is not "expiring soon"
    assert!(!expires_within(&c, datetime!(2027-02-01 0:00 UTC), 30));
}
