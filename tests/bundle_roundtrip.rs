//! The Linux half of the Wine round trip (issue 15): the bundle that
//! `sstp-cert collect` wrote under Wine (`windows_collect.rs`), read by the
//! Linux build, must decide as `select`/`diagnose` did live under Wine.
//!
//! Run by `.ci/windows-stage.sh` after the Windows tests, with
//! `SSTP_CERT_ROUNDTRIP_DIR` naming their output:
//!
//! ```text
//! SSTP_CERT_ROUNDTRIP_DIR=target/wine-roundtrip cargo test --all-features --test bundle_roundtrip -- --ignored
//! ```
#![cfg(feature = "cli")]

mod roundtrip_common;

use std::path::{Path, PathBuf};

#[test]
#[ignore = "needs the output of the Windows stage: run by .ci/windows-stage.sh"]
fn linux_reads_the_wine_bundle_as_wine_read_the_machine() {
    let dir = std::env::var_os("SSTP_CERT_ROUNDTRIP_DIR").map(PathBuf::from).expect(
        "SSTP_CERT_ROUNDTRIP_DIR must name the directory windows_collect.rs wrote (.ci/windows-stage.sh sets it)",
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let exe = Path::new(env!("CARGO_BIN_EXE_sstp-cert"));
    let summary = roundtrip_common::compare_with_live(exe, &dir);
    eprintln!("bundle read on Linux: {summary}");
}
