//! End to end, from fuzzed descriptions of a machine: builds a store
//! (through `dir_store::assemble_entry` or directly), existing HTTP.sys
//! bindings (through `netsh http show sslcert` text) and registry values
//! (through a `.reg` export), then runs the automatic choice, plumbing
//! (`plumbing::plumb`, both gone-certificate profiles) and the diagnosis
//! (`diagnosis::diagnose`), renders and parses the bindings, commands and
//! registry values the service would write, and runs crypto binding
//! against them — checking the behaviour's rules (docs/behaviour.md) at every step:
//!
//! * the chosen certificate is eligible (a key, Server Authentication or
//!   All-purpose), and it is the first eligible Server Authentication entry,
//!   else the first eligible All-purpose one; nothing chosen means Event 11;
//! * eligibility is exactly "key counts, purpose for servers, some valid
//!   use" under the Windows policy, and the strict policy only removes;
//! * every eligible loser has exactly one reason for losing;
//! * host verdicts never change the choice, and an RFC 9525 match is a
//!   Windows match;
//! * the SSTP bindings for the choice print (both `netsh` styles) and parse
//!   back; the `netsh http add/delete sslcert` commands parse back;
//! * the registry record of the choice survives `.reg` and `reg query`
//!   text, and crypto binding with it accepts the chosen certificate and
//!   refuses any other;
//! * plumbing: the binding set afterwards is the input with the changes
//!   applied; every change prints as a `netsh` command that reads back;
//!   another application's binding is never deleted; only automatic mode
//!   writes the registry, and only its record; no listener is always
//!   explained by an event; automatic mode on an unbound pair binds exactly
//!   the automatic choice; plumbing again changes nothing (a fixed point);
//! * the diagnosis runs the same plumbing and choice, lists errors first,
//!   every `netsh` fix line reads back, and a service that accepts no
//!   connections (HTTPS) is always an error.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use sstp_cert::adapters::dir_store::{EntryFile, EntryProperties, assemble_entry};
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::choice::{ChoiceOptions, Policy, Reason, choose};
use sstp_cert::model::crypto_binding::{
    CallConnected, CryptoBindingError, HashProtocol, HashProtocols, Hlak, ServerBinding,
    certificate_hash_field,
};
use sstp_cert::model::diagnosis::{DiagnosisInput, diagnose};
use sstp_cert::model::eku::{KeyPurpose, Purpose, effective_eku};
use sstp_cert::model::event::EventId;
use sstp_cert::model::hostname::{Profile, ReferenceId};
use sstp_cert::model::httpsys::{
    AddSslCert, Endpoint, ShowStyle, SslBinding, SslCertCommand, parse_sslcert_command,
    parse_sslcert_show, render_delete_command, render_show,
};
use sstp_cert::model::httpsys::{AppId, SSTP_APP_ID};
use sstp_cert::model::plumbing::{
    BindingChange, GoneCertificateProfile, Mode, PlumbingInput, check_binding_certificate, plumb,
};
use sstp_cert::model::registry::{RegValue, names};
use sstp_cert::model::registry::{
    RegistryValues, RegistryWrite, SstpParameters, parse_reg_file, parse_reg_query,
};
use sstp_cert::model::store::{KeyState, StoreEntry};
use sstp_cert::model::thumbprint::Sha1Thumbprint;
use sstp_cert_fuzz::pool;
use time::OffsetDateTime;

#[derive(Debug, Arbitrary)]
enum KeyDesc {
    /// No key file / no linked key.
    None,
    /// The certificate's own key (a file store pairs it; a Windows store
    /// says linked).
    Own,
    /// The key of another sample certificate.
    Other(u8),
    /// A key state set directly (a Windows store says only linked/absent).
    State(u8),
}

#[derive(Debug, Arbitrary)]
enum PurposeDesc {
    ServerAuth,
    ClientAuth,
    Any,
    CodeSigning,
    Other(u8),
}

impl PurposeDesc {
    fn purpose(&self) -> KeyPurpose {
        match self {
            PurposeDesc::ServerAuth => KeyPurpose::ServerAuth,
            PurposeDesc::ClientAuth => KeyPurpose::ClientAuth,
            PurposeDesc::Any => KeyPurpose::Any,
            PurposeDesc::CodeSigning => KeyPurpose::CodeSigning,
            PurposeDesc::Other(n) => KeyPurpose::Other(format!("1.3.6.1.4.1.311.{n}")),
        }
    }
}

#[derive(Debug, Arbitrary)]
struct EntryDesc {
    cert: u8,
    key: KeyDesc,
    eku_property: Option<Vec<PurposeDesc>>,
    friendly_name: Option<String>,
    /// `has_private_key` of the entry's `<stem>.json`.
    has_private_key: Option<bool>,
    /// Build it through the directory store's entry assembly (files), or
    /// directly as a Windows store would report it.
    via_files: bool,
}

/// What is bound on one wildcard endpoint before plumbing.
#[derive(Debug, Arbitrary)]
enum SlotDesc {
    Empty,
    /// SSTP's binding of sample certificate `n`.
    Sstp(u8),
    /// Another application's binding of sample certificate `n`.
    Other(u8),
    /// SSTP's binding of a certificate that is not in the store.
    SstpGone,
    /// A binding with no hash.
    NoHash(bool),
    /// SSTP's binding of sample `n` in a store other than `MY`.
    OtherStore(u8),
}

/// The `SstpSvc\Parameters` values before plumbing.
#[derive(Debug, Arbitrary)]
struct RegDesc {
    use_https: Option<u8>,
    admin: Option<u8>,
    /// Sample certificate whose hashes are recorded; 255: a 31-byte hash.
    hash: Option<u8>,
    sha1_enabled: Option<bool>,
    /// `ListenerPort`; usually missing (443).
    port: Option<u16>,
}

#[derive(Debug, Arbitrary)]
struct Scenario {
    entries: Vec<EntryDesc>,
    v4: SlotDesc,
    v6: SlotDesc,
    registry: RegDesc,
    current_release: bool,
    intended: Option<u8>,
    /// Seconds from 2010-01-01, when validity is judged.
    at: Option<u32>,
    strict: bool,
    host: Option<String>,
    port: u16,
    legacy_style: bool,
    sha1_enabled: bool,
    sha256_enabled: bool,
    nonce: [u8; 32],
    hlak: [u8; 32],
}

const MAX_ENTRIES: usize = 24;

thread_local! {
    /// Assembled entries by (sample certificate, sample key).
    static ASSEMBLED: std::cell::RefCell<std::collections::HashMap<(usize, Option<usize>), StoreEntry>> =
        std::cell::RefCell::default();
}

fn certificates() -> &'static [Certificate] {
    static POOL: std::sync::OnceLock<Vec<Certificate>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        pool::ENTRIES
            .iter()
            .map(|(_, bytes, _)| {
                Certificate::from_pem_or_der(bytes).expect("sample certificate")[0].clone()
            })
            .collect()
    })
}

/// The key file of sample `i` (05's key lives in its certificate file).
fn key_file(i: usize) -> Option<&'static [u8]> {
    let (_, cert, key) = pool::ENTRIES[i % pool::ENTRIES.len()];
    key.or((i % pool::ENTRIES.len() == 4).then_some(cert))
}

fn build(d: &EntryDesc, position: usize) -> Option<StoreEntry> {
    let n = pool::ENTRIES.len();
    let i = usize::from(d.cert) % n;
    let (name, cert_bytes, own_key) = pool::ENTRIES[i];
    let certificate = certificates()[i].clone();
    let source = format!("{position:02}-{name}");
    let properties = EntryProperties {
        eku_property: d
            .eku_property
            .as_ref()
            .map(|l| l.iter().take(8).map(PurposeDesc::purpose).collect()),
        friendly_name: d.friendly_name.clone(),
        has_private_key: d.has_private_key,
    };
    if d.via_files {
        let key = match &d.key {
            KeyDesc::None | KeyDesc::State(_) => None,
            KeyDesc::Own => own_key,
            KeyDesc::Other(j) => key_file(usize::from(*j)),
        };
        // Deriving public keys from private ones dominates the cost of an
        // entry, so the assembly of a (certificate, key) pair is done once
        // per process; the `dir_store_entry` target fuzzes the assembly
        // itself. The properties go through their JSON form every time.
        let key_index = match &d.key {
            KeyDesc::None | KeyDesc::State(_) => None,
            KeyDesc::Own => Some(i),
            KeyDesc::Other(j) => Some(usize::from(*j) % n),
        };
        let assembled = ASSEMBLED.with(|cache| {
            cache
                .borrow_mut()
                .entry((i, key_index))
                .or_insert_with(|| {
                    // 05 carries its own key in its PEM file; a sibling is then
                    // ambiguous.
                    let made = assemble_entry(
                        EntryFile::new(name, cert_bytes),
                        key.map(|k| EntryFile::new("sibling.key", k)),
                        None,
                    );
                    made.entry.expect("sample certificates assemble")
                })
                .clone()
        });
        let json = serde_json::to_vec(&properties).expect("properties serialise");
        let read = EntryProperties::from_json(&json).expect("properties read back");
        assert_eq!(read, properties);
        let mut entry = assembled;
        entry.source = source;
        entry.eku_property = read.eku_property;
        entry.friendly_name = read.friendly_name;
        assert_eq!(entry.certificate, certificate);
        // The file store pairs by value.
        match (&d.key, i) {
            (_, 4) => assert_eq!(entry.key, KeyState::Paired),
            (KeyDesc::Own, 3) | (KeyDesc::None | KeyDesc::State(_), _) => {
                assert_eq!(entry.key, KeyState::Absent)
            }
            (KeyDesc::Own, _) => assert_eq!(entry.key, KeyState::Paired),
            (KeyDesc::Other(j), _) => {
                let j = usize::from(*j) % n;
                let expect = match key_file(j) {
                    None => KeyState::Absent,
                    Some(_) if j == i => KeyState::Paired,
                    Some(_) => KeyState::Mismatched,
                };
                assert_eq!(entry.key, expect);
            }
        }
        Some(entry)
    } else {
        let key = match &d.key {
            KeyDesc::None => KeyState::Absent,
            KeyDesc::Own if i == 3 => KeyState::Absent,
            KeyDesc::Own | KeyDesc::Other(_) => KeyState::Linked,
            KeyDesc::State(s) => [
                KeyState::Linked,
                KeyState::Paired,
                KeyState::Mismatched,
                KeyState::Absent,
            ][usize::from(*s) % 4],
        };
        let mut e = StoreEntry::new(certificate, key, source);
        e.eku_property = properties.eku_property;
        e.friendly_name = properties.friendly_name;
        Some(e)
    }
}

fn slot(d: &SlotDesc, endpoint: Endpoint) -> Option<SslBinding> {
    let cert = |n: &u8| certificates()[usize::from(*n) % pool::ENTRIES.len()].sha1();
    let iis: AppId = "{4dc3e181-e14b-4a21-b022-59fc669b0914}"
        .parse()
        .expect("guid");
    Some(match d {
        SlotDesc::Empty => return None,
        SlotDesc::Sstp(n) => SslBinding::sstp(endpoint, cert(n)),
        SlotDesc::Other(n) => SslBinding::new(endpoint, Some(cert(n)), Some(iis), Some("MY")),
        SlotDesc::SstpGone => SslBinding::sstp(endpoint, Sha1Thumbprint::of_der(b"gone")),
        SlotDesc::NoHash(sstp) => SslBinding::new(
            endpoint,
            None,
            Some(if *sstp { SSTP_APP_ID } else { iis }),
            None,
        ),
        SlotDesc::OtherStore(n) => SslBinding::new(
            endpoint,
            Some(cert(n)),
            Some(SSTP_APP_ID),
            Some("WebHosting"),
        ),
    })
}

fn registry(d: &RegDesc) -> RegistryValues {
    let mut v = RegistryValues::new();
    if let Some(u) = d.use_https {
        v.set(names::USE_HTTPS, RegValue::Dword(u32::from(u % 3)));
    }
    if let Some(a) = d.admin {
        v.set(
            names::IS_HASH_CONFIGURED_BY_ADMIN,
            RegValue::Dword(u32::from(a % 3)),
        );
    }
    match d.hash {
        Some(255) => {
            v.set(
                names::SHA256_CERTIFICATE_HASH,
                RegValue::Binary(vec![0xab; 31]),
            );
        }
        Some(n) => {
            let c = &certificates()[usize::from(n) % pool::ENTRIES.len()];
            v.apply_all(&RegistryWrite::automatic_mode_record(
                &c.sha256(),
                &c.sha1(),
            ));
            if let Some(a) = d.admin {
                v.set(
                    names::IS_HASH_CONFIGURED_BY_ADMIN,
                    RegValue::Dword(u32::from(a % 3)),
                );
            }
        }
        None => {}
    }
    if let Some(e) = d.sha1_enabled {
        v.set(names::SHA1_ENABLED, RegValue::Dword(u32::from(e)));
    }
    if let Some(p) = d.port {
        v.set(
            names::LISTENER_PORT,
            RegValue::Dword(u32::from(p % 4) * 4000),
        );
    }
    v
}

/// Plumbing and the diagnosis on the machine the scenario describes.
fn plumbing_and_diagnosis(
    s: &Scenario,
    store: &[StoreEntry],
    at: Option<OffsetDateTime>,
    host: Option<&ReferenceId>,
) {
    // The registry goes through a .reg export, the bindings through netsh text.
    let values = registry(&s.registry);
    let parsed = parse_reg_file(values.to_reg_file().as_bytes()).expect("export parses");
    assert_eq!(parsed.values, values);
    let params = parsed.parameters();
    let port = params.listener().port;
    let bindings: Vec<SslBinding> = [
        slot(&s.v4, Endpoint::ipv4_wildcard(port)),
        slot(&s.v6, Endpoint::ipv6_wildcard(port)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let text = render_show(&bindings, ShowStyle::Current);
    let listing = parse_sslcert_show(text.as_bytes()).expect("rendered bindings parse");
    assert_eq!(listing.bindings, bindings);
    let bindings = listing.bindings;

    let profile = if s.current_release {
        GoneCertificateProfile::CurrentRelease
    } else {
        GoneCertificateProfile::Documented2008
    };
    let input = PlumbingInput::new(&params, store, &bindings).with_profile(profile);
    let p = plumb(&input);

    // The binding set is the input with the changes applied.
    let mut replay = bindings.clone();
    for c in &p.changes {
        let cmd = c
            .render()
            .expect("what the service does prints as a command");
        match (c, parse_sslcert_command(&cmd)) {
            (BindingChange::Delete { endpoint, .. }, Ok(SslCertCommand::Delete(e))) => {
                assert_eq!(&e, endpoint);
                let before = bindings.iter().find(|b| &b.endpoint == endpoint);
                // behaviour §6: only current releases delete another
                // application's binding, and only one on the listener's
                // wildcard pair whose certificate is gone from the store.
                let gone_on_the_pair = s.current_release
                    && endpoint.is_wildcard_pair_member(port)
                    && before.is_some_and(|b| {
                        b.cert_hash
                            .is_none_or(|h| !store.iter().any(|e| e.certificate.sha1() == h))
                    });
                assert!(
                    before.is_some_and(SslBinding::is_sstp) || gone_on_the_pair,
                    "deleted another application's binding"
                );
                replay.retain(|b| &b.endpoint != endpoint);
            }
            (BindingChange::Add { binding, .. }, Ok(SslCertCommand::Add(a))) => {
                assert_eq!(a, AddSslCert::from_binding(binding).expect("an add"));
                assert!(binding.is_sstp() && binding.store_name.as_deref() == Some("MY"));
                assert!(check_binding_certificate(store, binding).is_ok());
                assert!(
                    replay.iter().all(|b| b.endpoint != binding.endpoint),
                    "add on a bound endpoint"
                );
                replay.push((**binding).clone());
            }
            (c, r) => panic!("{c:?} printed as {cmd:?}, read back as {r:?}"),
        }
    }
    assert_eq!(replay, p.bindings);
    if p.listener.is_none() {
        assert!(!p.events.is_empty(), "no listener and no event");
    }
    if let Some(h) = p.bound {
        assert!(p.listener.is_some());
        for e in [Endpoint::ipv4_wildcard(port), Endpoint::ipv6_wildcard(port)] {
            assert_eq!(p.binding_for(&e).and_then(|b| b.cert_hash), Some(h));
        }
    }
    if !p.registry_writes.is_empty() {
        assert_eq!(p.mode, Mode::Auto);
        assert_eq!(p.registry_writes.len(), 3);
    }
    // Automatic mode with nothing on the pair binds exactly the choice.
    if p.mode == Mode::Auto && bindings.is_empty() {
        let choice = choose(store, &ChoiceOptions::windows());
        let chosen = choice.selected.as_ref().map(|c| c.sha1);
        assert_eq!(
            p.choice
                .as_ref()
                .and_then(|c| c.selected.as_ref())
                .map(|c| c.sha1),
            chosen
        );
        assert_eq!(p.bound, chosen);
        if let Some(sel) = &choice.selected {
            assert_eq!(
                p.registry_writes,
                RegistryWrite::automatic_mode_record(&sel.sha256, &sel.sha1)
            );
        }
    }
    // Plumbing again changes nothing more.
    let mut after = values.clone();
    after.apply_all(&p.registry_writes);
    let after_params = SstpParameters::from_values(&after);
    let again = plumb(&PlumbingInput::new(&after_params, store, &p.bindings).with_profile(profile));
    assert!(
        again.changes.is_empty(),
        "not a fixed point: {:?}",
        again.changes
    );
    assert_eq!(again.listener, p.listener);
    assert_eq!(again.bound, p.bound);

    // The diagnosis of the same machine.
    let mut d_input = DiagnosisInput::new(store, &bindings, &params);
    d_input.at = at;
    d_input.host = host.cloned();
    d_input.profile = profile;
    d_input.intended = s
        .intended
        .map(|n| certificates()[usize::from(n) % pool::ENTRIES.len()].sha1());
    let d = diagnose(&d_input);
    assert_eq!(d.plumbing, p);
    assert!(
        d.findings
            .windows(2)
            .all(|w| w[0].severity <= w[1].severity),
        "errors first"
    );
    for f in &d.findings {
        assert!(!f.message.is_empty());
        for line in &f.fix {
            if line.starts_with("netsh http") {
                assert!(
                    parse_sslcert_command(line).is_ok(),
                    "fix line does not read back: {line}"
                );
            }
        }
    }
    if p.listener.is_none() && p.mode != Mode::Http {
        assert!(
            d.has_errors(),
            "no listener, but no error: {:#?}",
            d.findings
        );
    }
    let _ = serde_json::to_string(&d).expect("a diagnosis serialises");
}

fn expected_purpose(e: &StoreEntry) -> (Purpose, bool) {
    let eff = effective_eku(e.certificate.eku().purposes(), e.eku_property.as_deref());
    (eff.purpose(), eff.is_no_valid_uses())
}

fuzz_target!(|s: Scenario| {
    let store: Vec<StoreEntry> = s
        .entries
        .iter()
        .take(MAX_ENTRIES)
        .enumerate()
        .filter_map(|(i, d)| build(d, i))
        .collect();
    let at = s.at.map(|secs| {
        OffsetDateTime::from_unix_timestamp(1_262_304_000 + i64::from(secs)).expect("in range")
    });
    let host = s.host.as_deref().and_then(|h| ReferenceId::parse(h).ok());

    // --- The automatic choice (behaviour §2, §3).
    let mut options = ChoiceOptions::windows();
    options.at = at;
    let choice = choose(&store, &options);
    assert_eq!(choice.candidates.len(), store.len());
    for (c, e) in choice.candidates.iter().zip(&store) {
        let (purpose, no_uses) = expected_purpose(e);
        assert_eq!(c.purpose, purpose);
        let eligible = e.key.counts_as_key() && !no_uses && purpose != Purpose::NotForServer;
        assert_eq!(c.eligible, eligible, "{c:?}");
        if eligible && !c.is_chosen() {
            let losing = c
                .reasons
                .iter()
                .filter(|r| {
                    matches!(
                        r,
                        Reason::LaterServerAuthPreferred
                            | Reason::EarlierServerAuthChosen
                            | Reason::EarlierAllPurposeKept
                    )
                })
                .count();
            assert_eq!(losing, 1, "{c:?}");
        }
    }
    let first = |p: Purpose| {
        choice
            .candidates
            .iter()
            .position(|c| c.eligible && c.purpose == p)
    };
    let winner = first(Purpose::ServerAuth).or_else(|| first(Purpose::AllPurpose));
    assert_eq!(choice.selected.as_ref().map(|s| s.index), winner);
    assert_eq!(
        choice.candidates.iter().filter(|c| c.is_chosen()).count(),
        usize::from(winner.is_some())
    );
    match &choice.selected {
        Some(sel) => {
            let c = &choice.candidates[sel.index];
            assert!(c.eligible && store[sel.index].key.counts_as_key());
            assert!(matches!(
                sel.purpose,
                Purpose::ServerAuth | Purpose::AllPurpose
            ));
            if sel.purpose == Purpose::AllPurpose {
                assert!(first(Purpose::ServerAuth).is_none(), "Server Auth must win");
            }
            assert_eq!(sel.sha1, store[sel.index].certificate.sha1());
            assert!(choice.events.is_empty());
        }
        None => {
            assert_eq!(choice.events.len(), 1);
            assert_eq!(choice.events[0].id, EventId::NoEligibleCertificate);
        }
    }

    // The strict policy only removes candidates.
    let mut strict = options.clone().with_policy(Policy::STRICT);
    strict.at = at;
    if s.strict {
        let sc = choose(&store, &strict);
        for (a, b) in sc.candidates.iter().zip(&choice.candidates) {
            assert!(!a.eligible || b.eligible);
        }
    }

    // Host verdicts never change the choice.
    if let Some(h) = &host {
        let with_host = choose(&store, &options.clone().for_host(h.clone()));
        assert_eq!(
            with_host.selected.as_ref().map(|s| s.index),
            choice.selected.as_ref().map(|s| s.index)
        );
        for c in &with_host.candidates {
            let v = c.host.as_ref().expect("host verdicts");
            let windows = v.get(Profile::WindowsClient).expect("windows").matched();
            let rfc = v.get(Profile::Rfc9525).expect("rfc").matched();
            assert!(!rfc || windows, "RFC 9525 match without a Windows match");
        }
    }

    plumbing_and_diagnosis(&s, &store, at, host.as_ref());

    let Some(sel) = &choice.selected else {
        return;
    };
    let cert = &store[sel.index].certificate;

    // --- The bindings the service makes (behaviour §5, §6).
    let port = s.port;
    let style = if s.legacy_style {
        ShowStyle::Legacy2008
    } else {
        ShowStyle::Current
    };
    let bindings: Vec<SslBinding> = [Endpoint::ipv4_wildcard(port), Endpoint::ipv6_wildcard(port)]
        .into_iter()
        .map(|e| SslBinding::sstp(e, sel.sha1).with_default_fields(style))
        .collect();
    let text = render_show(&bindings, style);
    let listing = parse_sslcert_show(text.as_bytes()).expect("rendered bindings parse");
    assert_eq!(listing.bindings, bindings);
    assert!(listing.problems.is_empty());
    let (v4, v6) = listing.wildcard_pair(port);
    assert!(v4.is_some_and(SslBinding::is_sstp) && v6.is_some_and(SslBinding::is_sstp));
    for b in &bindings {
        let add = AddSslCert::sstp(b.endpoint.clone(), sel.sha1);
        let cmd = add.render().expect("renders");
        assert_eq!(parse_sslcert_command(&cmd), Ok(SslCertCommand::Add(add)));
        let del = render_delete_command(&b.endpoint).expect("renders");
        assert_eq!(
            parse_sslcert_command(&del),
            Ok(SslCertCommand::Delete(b.endpoint.clone()))
        );
    }

    // --- The registry record of automatic mode (behaviour §4, §6).
    let mut values = RegistryValues::new();
    values.set("SHA1Enabled", RegValue::Dword(u32::from(s.sha1_enabled)));
    values.set(
        "SHA256Enabled",
        RegValue::Dword(u32::from(s.sha256_enabled)),
    );
    values.apply_all(&RegistryWrite::automatic_mode_record(
        &sel.sha256,
        &sel.sha1,
    ));
    let from_file = parse_reg_file(values.to_reg_file().as_bytes()).expect("export parses");
    let from_query = parse_reg_query(values.to_reg_query().as_bytes()).expect("query parses");
    assert_eq!(from_file.values, values);
    assert_eq!(from_query.values, values);
    let params = SstpParameters::from_values(&from_file.values);
    assert_eq!(params.sha256_certificate_hash.hash(), Some(&sel.sha256));
    assert_eq!(params.sha1_certificate_hash.hash(), Some(&sel.sha1));
    assert!(params.hash_events().is_empty());

    // --- Crypto binding against that record (behaviour §10).
    let offered = HashProtocols::from_enabled(s.sha1_enabled, s.sha256_enabled);
    let hlak = Hlak::from_bytes(s.hlak);
    let server = ServerBinding {
        offered,
        nonce: s.nonce,
        sha256: params.sha256_certificate_hash.hash().copied(),
        sha1: params.sha1_certificate_hash.hash().copied(),
    };
    let Some(protocol) = offered.preferred() else {
        return;
    };
    let message = |der: &[u8]| {
        CallConnected::new(protocol, s.nonce, certificate_hash_field(der, protocol))
            .signed(&hlak)
            .encode()
    };
    assert_eq!(server.verify(&message(cert.der()), &hlak), Ok(protocol));
    for other in &store {
        let o = &other.certificate;
        let same = match protocol {
            HashProtocol::Sha256 => o.sha256() == cert.sha256(),
            HashProtocol::Sha1 => o.sha1() == cert.sha1(),
            // A protocol added later: the same certificate, the same hash.
            _ => o.der() == cert.der(),
        };
        if !same {
            assert!(matches!(
                server.verify(&message(o.der()), &hlak),
                Err(CryptoBindingError::CertificateHashMismatch { .. })
            ));
        }
    }
});
