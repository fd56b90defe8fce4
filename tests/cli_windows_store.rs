//! `--store windows:<location>\<store>` on every platform: parsed
//! everywhere, read only on Windows (the reading itself is tested in
//! `windows_live.rs`).
#![cfg(feature = "cli")]

mod cli_support;
use cli_support::{run, stderr};

#[cfg(windows)]
mod windows_common;

#[test]
fn a_misspelt_windows_store_is_a_usage_error_everywhere() {
    let out = run(&["select", "--store", "windows:Machine\\MY"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown store location `Machine`"), "{err}");
    assert!(err.contains("windows:LocalMachine\\MY"), "{err}");

    let out = run(&["select", "--store", "windows:LocalMachine"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not a store path"),
        "{}",
        stderr(&out)
    );
}

#[cfg(not(windows))]
#[test]
fn the_windows_store_is_a_clear_error_elsewhere() {
    for store in ["windows:LocalMachine\\MY", "WINDOWS:currentuser\\my"] {
        let out = run(&["select", "--store", store, "--json"]);
        assert_eq!(out.status.code(), Some(2), "{store}");
        assert!(out.stdout.is_empty());
        let err = stderr(&out);
        assert!(
            err.starts_with("sstp-cert: error: the Windows store can only be read on Windows"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[cfg(not(windows))]
#[test]
fn select_and_diagnose_without_store_ask_for_one_elsewhere() {
    for command in ["select", "diagnose"] {
        let out = run(&[command]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = stderr(&out);
        assert!(err.contains("--store is required"), "{command}: {err}");
        assert!(err.contains("only be read on Windows"), "{command}: {err}");
    }
}

#[cfg(not(windows))]
#[test]
fn diagnose_on_the_windows_store_is_a_clear_error_elsewhere() {
    let out = run(&[
        "diagnose",
        "--store",
        "windows:LocalMachine\\MY",
        "--netsh",
        "examples/machine/netsh-sslcert.txt",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("sstp-cert: error: the Windows store can only be read on Windows"),
        "{err}"
    );
}

#[cfg(windows)]
#[test]
fn select_reads_the_windows_store_by_default() {
    // Real Windows always has LocalMachine\MY; a fresh Wine prefix has it
    // only once something created it (opening it for writing does).
    drop(windows_common::WriteHandle::open(
        sstp_cert::adapters::windows::store::SystemStoreLocation::LocalMachine,
    ));
    for args in [
        &["select", "--json"][..],
        &["select", "--store", "windows:LocalMachine\\MY", "--json"][..],
    ] {
        let out = run(args);
        // 0 or 1 depending on what the machine's store holds; never a usage
        // or read error.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            stderr(&out)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["store"], "LocalMachine\\MY");
    }
}
