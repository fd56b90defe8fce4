//! What a person meets first at the console: standard input, several bad
//! files, error sentences, plurals and `--help`.
#![cfg(feature = "cli")]

mod cli_support;
use cli_support::{run, run_with_stdin};

/// Bytes as text (invalid UTF-8 replaced).
fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const VPN: &str = "examples/store/07-server-auth-vpn.pem";

#[test]
fn inspect_reads_standard_input() {
    let pem = std::fs::read(VPN).unwrap();
    let out = run_with_stdin(&["inspect", "-"], &pem);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("file:         standard input"), "{stdout}");
    assert!(stdout.contains("dns names:    vpn.example.com"), "{stdout}");
}

#[test]
fn inspect_reports_every_bad_file_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.der");
    std::fs::write(&garbage, b"not a certificate").unwrap();
    let missing = dir.path().join("missing.pem");
    let out = run(&[
        "inspect",
        garbage.to_str().unwrap(),
        VPN,
        missing.to_str().unwrap(),
        "examples/store/05-server-auth-expired.pem",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    // Both good files are shown, in order …
    let shown: Vec<&str> = stdout.lines().filter(|l| l.starts_with("file:")).collect();
    assert_eq!(shown.len(), 2, "{stdout}");
    assert!(
        shown[0].ends_with("07-server-auth-vpn.pem")
            && shown[1].ends_with("05-server-auth-expired.pem")
    );
    // … and each bad one is named on stderr.
    assert!(
        stderr.contains("garbage.der: not a DER X.509 certificate"),
        "{stderr}"
    );
    assert!(
        stderr.contains("missing.pem: no such file or directory"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}

#[test]
fn certificate_errors_read_as_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let pem = std::fs::read_to_string(VPN).unwrap();
    let der_of = |pem: &str| {
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap()
    };
    let der = der_of(&pem);
    let mut wrong_tag = der.clone();
    wrong_tag[4] = 0x03; // tbsCertificate's SEQUENCE as a BIT STRING
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated.der", der[..200].to_vec()),
        ("truncated.pem", pem.as_bytes()[..300].to_vec()),
        ("wrong-tag.der", wrong_tag),
        ("garbage.der", b"\x30\x03\x02\x01".to_vec()),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = run(&["inspect", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(name), "{name}: {stderr}");
        for internal in [
            "Parsing Error",
            "NomError",
            "Der(",
            "Tag(",
            "{",
            "[45",
            "[67",
        ] {
            assert!(
                !stderr.contains(internal),
                "{name}: parser internals {internal:?} in {stderr}"
            );
        }
    }
}

#[test]
fn counts_agree_with_their_nouns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(VPN, dir.path().join("only.pem")).unwrap();
    let out = run(&["select", "--store", dir.path().to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("(1 certificate,"), "{stdout}");
    let out = run(&["select", "--store", "examples/store"]);
    assert!(text(&out.stdout).contains("(7 certificates,"));
}

#[test]
fn every_command_help_shows_an_example_and_the_exit_codes() {
    let out = run(&["--help"]);
    let top = text(&out.stdout);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // Wrapped descriptions continue on deeper-indented lines.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 8, "{top}");
    for c in &commands {
        let out = run(&[c, "--help"]);
        let help = text(&out.stdout);
        assert!(help.contains("Example:\n  sstp-cert "), "{c}: {help}");
        assert!(help.contains("Exit status: 0 "), "{c}: {help}");
    }
}
