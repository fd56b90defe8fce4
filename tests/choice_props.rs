//! Property tests of the automatic choice (behaviour §3) and of thumbprint text.

mod common;

use std::sync::OnceLock;

use common::*;
use proptest::prelude::*;
use sstp_cert::model::choice::{ChoiceOptions, Reason, choose};
use sstp_cert::model::eku::Purpose;
use sstp_cert::model::store::{KeyState, StoreEntry};
use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash, parse_hash};

/// Kinds of entry the generator draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    ServerAuth,
    AnyEku,
    NoEku,
    ClientOnly,
    EmptyEku,
    ServerAuthNoKey,
    ServerAuthMismatched,
}

const KINDS: [Kind; 7] = [
    Kind::ServerAuth,
    Kind::AnyEku,
    Kind::NoEku,
    Kind::ClientOnly,
    Kind::EmptyEku,
    Kind::ServerAuthNoKey,
    Kind::ServerAuthMismatched,
];

const PER_KIND: usize = 4;

impl Kind {
    fn eligible_purpose(self) -> Option<Purpose> {
        match self {
            Kind::ServerAuth => Some(Purpose::ServerAuth),
            Kind::AnyEku | Kind::NoEku => Some(Purpose::AllPurpose),
            _ => None,
        }
    }
}

/// A pool of distinct certificates per kind, generated once.
fn pool() -> &'static Vec<Vec<StoreEntry>> {
    static POOL: OnceLock<Vec<Vec<StoreEntry>>> = OnceLock::new();
    POOL.get_or_init(|| {
        KINDS
            .iter()
            .map(|k| {
                (0..PER_KIND)
                    .map(|i| {
                        let name = format!("{k:?}-{i}.example").to_lowercase();
                        let (eku, key) = match k {
                            Kind::ServerAuth => (server_auth(), KeyState::Linked),
                            Kind::AnyEku => (any_eku(), KeyState::Paired),
                            Kind::NoEku => (Eku::None, KeyState::Linked),
                            Kind::ClientOnly => (client_auth(), KeyState::Linked),
                            Kind::EmptyEku => (Eku::Empty, KeyState::Linked),
                            Kind::ServerAuthNoKey => (server_auth(), KeyState::Absent),
                            Kind::ServerAuthMismatched => (server_auth(), KeyState::Mismatched),
                        };
                        entry(&name, &eku, key)
                    })
                    .collect()
            })
            .collect()
    })
}

fn store_strategy() -> impl Strategy<Value = Vec<(Kind, StoreEntry)>> {
    prop::collection::vec((0..KINDS.len(), 0..PER_KIND), 0..12).prop_map(|picks| {
        picks
            .into_iter()
            .map(|(k, i)| (KINDS[k], pool()[k][i].clone()))
            .collect()
    })
}

/// A reference implementation written from behaviour §3's prose.
fn expected_winner(store: &[(Kind, StoreEntry)]) -> Option<usize> {
    store
        .iter()
        .position(|(k, _)| k.eligible_purpose() == Some(Purpose::ServerAuth))
        .or_else(|| {
            store
                .iter()
                .position(|(k, _)| k.eligible_purpose() == Some(Purpose::AllPurpose))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn matches_the_rule_as_written(store in store_strategy()) {
        let entries: Vec<StoreEntry> = store.iter().map(|(_, e)| e.clone()).collect();
        let c = choose(&entries, &ChoiceOptions::windows());
        prop_assert_eq!(c.selected.as_ref().map(|s| s.index), expected_winner(&store));
        prop_assert_eq!(c.events.is_empty(), c.selected.is_some());
        // exactly one chosen candidate, and it is eligible
        prop_assert_eq!(c.candidates.iter().filter(|x| x.is_chosen()).count(), usize::from(c.selected.is_some()));
        for (cand, (k, _)) in c.candidates.iter().zip(&store) {
            prop_assert_eq!(cand.eligible, k.eligible_purpose().is_some());
            prop_assert!(!cand.reasons.is_empty(), "every candidate has a reason");
        }
        // Every eligible candidate has exactly one reason: how it ranks
        // against the winner.
        let winner = expected_winner(&store);
        for (i, (cand, (k, _))) in c.candidates.iter().zip(&store).enumerate() {
            let Some(purpose) = k.eligible_purpose() else { continue };
            let w = winner.expect("an eligible candidate means a winner");
            let winner_purpose = store[w].0.eligible_purpose().expect("eligible");
            let expected = match (i.cmp(&w), winner_purpose, purpose) {
                (std::cmp::Ordering::Equal, Purpose::ServerAuth, _) => Reason::ChosenFirstServerAuth,
                (std::cmp::Ordering::Equal, _, _) => Reason::ChosenFirstAllPurpose,
                (std::cmp::Ordering::Less, Purpose::ServerAuth, _) => Reason::LaterServerAuthPreferred,
                (_, Purpose::ServerAuth, _) => Reason::EarlierServerAuthChosen,
                _ => Reason::EarlierAllPurposeKept,
            };
            prop_assert_eq!(&cand.reasons, &vec![expected], "candidate {}", i);
        }
    }

    #[test]
    fn invariant_to_adding_ineligible_entries(
        store in store_strategy(),
        extra in prop::collection::vec((3usize..7, 0..PER_KIND, any::<prop::sample::Index>()), 0..6),
    ) {
        let entries: Vec<StoreEntry> = store.iter().map(|(_, e)| e.clone()).collect();
        let before = choose(&entries, &ChoiceOptions::windows()).selected.map(|s| s.sha1);
        let mut bigger = entries.clone();
        for (k, i, at) in extra {
            let pos = at.index(bigger.len() + 1);
            bigger.insert(pos, pool()[k][i].clone());
        }
        let after = choose(&bigger, &ChoiceOptions::windows()).selected.map(|s| s.sha1);
        prop_assert_eq!(before, after);
    }

    #[test]
    fn server_auth_beats_all_purpose_in_any_order(
        store in store_strategy(),
        sa in 0..PER_KIND,
        at in any::<prop::sample::Index>(),
    ) {
        let mut entries: Vec<StoreEntry> = store.iter().map(|(_, e)| e.clone()).collect();
        entries.insert(at.index(entries.len() + 1), pool()[0][sa].clone());
        let c = choose(&entries, &ChoiceOptions::windows());
        let s = c.selected.unwrap();
        prop_assert_eq!(s.purpose, Purpose::ServerAuth);
        // and it is the earliest Server-Auth one
        let first_sa = c.candidates.iter().position(|x| x.eligible && x.purpose == Purpose::ServerAuth);
        prop_assert_eq!(Some(s.index), first_sa);
    }

    #[test]
    fn among_equals_the_earliest_wins(
        kind in prop::sample::select(vec![0usize, 1, 2]),
        picks in prop::collection::vec(0..PER_KIND, 1..6),
    ) {
        let entries: Vec<StoreEntry> = picks.iter().map(|&i| pool()[kind][i].clone()).collect();
        let c = choose(&entries, &ChoiceOptions::windows());
        prop_assert_eq!(c.selected.unwrap().index, 0);
    }

    #[test]
    fn thumbprint_display_parse_round_trip_with_noise(
        bytes in any::<[u8; 20]>(),
        sep in prop::sample::select(vec!["", " ", ":", "-", " : ", "\t"]),
        upper in any::<bool>(),
        noise in prop::collection::vec(
            (prop::sample::select(vec!['\u{200E}', '\u{200F}', '\u{200B}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{FEFF}']), 0usize..41),
            0..4),
        pad in prop::sample::select(vec!["", " ", "\r\n", "\t "]),
    ) {
        let t = Sha1Thumbprint::from_bytes(bytes);
        let pairs: Vec<String> = t.as_bytes().iter().map(|b| if upper { format!("{b:02X}") } else { format!("{b:02x}") }).collect();
        let mut chars: Vec<char> = pairs.join(sep).chars().collect();
        let mut inserted = 0;
        for (c, pos) in &noise {
            let p = (*pos).min(chars.len());
            chars.insert(p, *c);
            inserted += 1;
        }
        let text = format!("{pad}{}{pad}", chars.into_iter().collect::<String>());
        let parsed = parse_hash(&text).unwrap();
        prop_assert_eq!(parsed.hash.to_string(), t.to_string());
        prop_assert_eq!(parsed.removed.len(), inserted);
        prop_assert_eq!(text.parse::<Sha1Thumbprint>().unwrap(), t);
        // Display → FromStr is the identity
        prop_assert_eq!(t.to_string().parse::<Sha1Thumbprint>().unwrap(), t);
        prop_assert_eq!(t.to_spaced_hex().parse::<Sha1Thumbprint>().unwrap(), t);
    }

    #[test]
    fn sha256_round_trip(bytes in any::<[u8; 32]>()) {
        let h = Sha256Hash::from_bytes(bytes);
        prop_assert_eq!(h.to_string().parse::<Sha256Hash>().unwrap(), h);
        prop_assert_eq!(h.to_uppercase_hex().parse::<Sha256Hash>().unwrap(), h);
    }

    #[test]
    fn hash_parser_never_panics(s in "\\PC{0,200}") {
        let _ = parse_hash(&s);
    }
}
