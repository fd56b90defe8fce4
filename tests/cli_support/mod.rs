//! Running the `sstp-cert` binary from the integration tests: one place for
//! starting it in the repository root and reading what it printed.
#![allow(dead_code)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The `sstp-cert` binary of this build, started in the repository root so
/// that `examples/…` paths work.
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sstp-cert"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Runs `sstp-cert ARGS…` with an empty standard input.
pub fn run(args: &[&str]) -> Output {
    command()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run sstp-cert")
}

/// Runs `sstp-cert ARGS…` with `stdin` on its standard input.
pub fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sstp-cert");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("wait for sstp-cert")
}

/// Standard output as JSON; the test fails with the text when it is not.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Standard output as text (invalid UTF-8 replaced).
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error as text (invalid UTF-8 replaced).
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
