//! The fleet view: every [bundle](crate::adapters::bundle) under a
//! directory, one per server, diagnosed in parallel, one summary each.
//!
//! [`survey`] lists the subdirectories of a directory (or takes the
//! directory itself when it is a bundle), reads each as a bundle on a pool
//! of threads, and runs [`diagnose`] on each at the same time `at`. Each
//! server gets a [`ServerSummary`]: its name, the certificate the SSTP
//! listener serves (what the service binds at its start, from
//! [`Plumbing::bound`](crate::model::plumbing::Plumbing::bound)) with its
//! expiry, and the codes of the error and warning findings. A bundle that
//! cannot be read is a summary with [`ServerSummary::damaged`] set — never
//! skipped, and never in the way of the others.
//!
//! ```
//! use sstp_cert::adapters::bundle::{BundleContents, MachineInfo, write_bundle};
//! use sstp_cert::adapters::fleet::{FleetOptions, survey};
//! let fleet = tempfile::tempdir()?;
//! let mut ok = BundleContents::new(MachineInfo::named("VPN1"));
//! ok.store = Some(Vec::new());
//! write_bundle(&fleet.path().join("vpn1"), &ok)?;
//! std::fs::create_dir(fleet.path().join("vpn2"))?; // no store/: damaged
//!
//! let at = time::macros::datetime!(2026-12-01 10:00 UTC);
//! let report = survey(fleet.path(), &FleetOptions::at(at))?;
//! assert_eq!(report.servers.len(), 2);
//! assert_eq!(report.servers[0].machine, "VPN1");
//! assert!(report.servers[0].errors.contains(&"no-valid-certificate".to_owned()));
//! assert!(report.servers[1].damaged.as_deref().unwrap().contains("no store/"));
//! assert!(report.has_errors());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use time::OffsetDateTime;

use crate::adapters::bundle::{Bundle, STORE_DIR, directory_name};
use crate::model::diagnosis::{DiagnosisInput, Severity, diagnose};
use crate::model::state::UnknownInput;
use crate::model::thumbprint::Sha1Thumbprint;

/// The most subdirectories [`survey`] reads (100,000).
pub const MAX_BUNDLES: usize = 100_000;

/// How to survey a fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FleetOptions {
    /// The time validity is judged at.
    pub at: OffsetDateTime,
    /// Threads reading bundles; 0: one per available CPU.
    pub threads: usize,
}

impl FleetOptions {
    /// Judge at `at`, one thread per CPU.
    pub fn at(at: OffsetDateTime) -> Self {
        FleetOptions { at, threads: 0 }
    }

    /// The same with `threads` threads (0: one per CPU).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }
}

/// The certificate a server serves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Served {
    /// Its SHA-1 thumbprint.
    pub sha1: Sha1Thumbprint,
    /// Its subject, when the store has it.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub subject: Option<String>,
    /// Its `notAfter`, RFC 3339, when the store has it (a binding may name
    /// a certificate deleted from the store).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub not_after: Option<String>,
}

/// One server of the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ServerSummary {
    /// The bundle directory.
    pub bundle: String,
    /// The machine name (`machine.json`, else the directory name).
    pub machine: String,
    /// When the bundle was collected, RFC 3339, if known.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub collected_at: Option<String>,
    /// What the listener serves; `None` when nothing is bound.
    pub served: Option<Served>,
    /// The codes of the error findings, in the diagnosis's order.
    pub errors: Vec<String>,
    /// The codes of the warning findings.
    pub warnings: Vec<String>,
    /// The parts missing from the bundle (unknown, not empty).
    pub unknown: Vec<UnknownInput>,
    /// Store entries (files) that could not be read.
    pub store_problems: usize,
    /// Why the bundle could not be read; then nothing else is known.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub damaged: Option<String>,
}

impl ServerSummary {
    /// Whether this server has an error finding or a damaged bundle.
    pub fn has_errors(&self) -> bool {
        self.damaged.is_some() || !self.errors.is_empty()
    }
}

/// Every server of a fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FleetReport {
    /// The directory surveyed.
    pub directory: String,
    /// The time validity was judged at, RFC 3339.
    pub at: String,
    /// One summary per bundle, sorted by bundle directory name.
    pub servers: Vec<ServerSummary>,
}

impl FleetReport {
    /// Whether any server has an error finding or a damaged bundle.
    pub fn has_errors(&self) -> bool {
        self.servers.iter().any(ServerSummary::has_errors)
    }
}

/// Why a fleet directory could not be surveyed at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// The directory cannot be listed.
    #[error("fleet directory {path}: cannot list it: {source}")]
    Open {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// More subdirectories than [`MAX_BUNDLES`].
    #[error("fleet directory {path}: more than {max} entries")]
    TooMany {
        /// The directory.
        path: PathBuf,
        /// The limit.
        max: usize,
    },
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// The bundle directories of `dir`: `dir` itself when it holds `store/`,
/// else every subdirectory (symbolic links to directories included),
/// sorted by name bytewise. Files are ignored.
///
/// # Errors
///
/// [`FleetError`] when `dir` cannot be listed or has more than
/// [`MAX_BUNDLES`] entries.
pub fn bundle_dirs(dir: &Path) -> Result<Vec<PathBuf>, FleetError> {
    if dir.join(STORE_DIR).is_dir() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let open = |source| FleetError::Open {
        path: dir.to_path_buf(),
        source,
    };
    let mut dirs = Vec::new();
    for (count, item) in fs::read_dir(dir).map_err(open)?.enumerate() {
        if count >= MAX_BUNDLES {
            return Err(FleetError::TooMany {
                path: dir.to_path_buf(),
                max: MAX_BUNDLES,
            });
        }
        let path = item.map_err(open)?.path();
        if path.is_dir() {
            dirs.push(path);
        }
    }
    dirs.sort_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    Ok(dirs)
}

/// Reads and diagnoses one bundle.
pub fn summarize(path: &Path, at: OffsetDateTime) -> ServerSummary {
    let bundle = match Bundle::load(path) {
        Ok(b) => b,
        Err(e) => {
            return ServerSummary {
                bundle: path.display().to_string(),
                machine: directory_name(path),
                collected_at: None,
                served: None,
                errors: Vec::new(),
                warnings: Vec::new(),
                unknown: Vec::new(),
                store_problems: 0,
                damaged: Some(e.to_string()),
            };
        }
    };
    let state = &bundle.state;
    let parameters = state.parameters();
    // What was not collected stays unknown (behaviour §11), not empty.
    let mut input = DiagnosisInput::from_state(state, &parameters);
    input.at = Some(at);
    let d = diagnose(&input);
    let codes = |severity: Severity| {
        d.findings
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| f.code.code().to_owned())
            .collect::<Vec<_>>()
    };
    let served = d.plumbing.bound.map(|sha1| {
        let cert = state
            .store
            .iter()
            .map(|e| &e.certificate)
            .find(|c| c.sha1() == sha1);
        Served {
            sha1,
            subject: cert.map(|c| c.subject().to_owned()),
            not_after: cert.map(|c| rfc3339(c.validity().not_after)),
        }
    });
    ServerSummary {
        bundle: path.display().to_string(),
        machine: bundle.machine_name(),
        collected_at: bundle
            .info
            .as_ref()
            .and_then(|i| i.collected_at)
            .map(rfc3339),
        served,
        errors: codes(Severity::Error),
        warnings: codes(Severity::Warning),
        unknown: state.unknown_inputs(),
        store_problems: bundle.store_problems.len(),
        damaged: None,
    }
}

/// Summarizes every bundle of `dirs`, on `options.threads` threads; the
/// summaries come back in the order of `dirs`.
pub fn summarize_all(dirs: &[PathBuf], options: &FleetOptions) -> Vec<ServerSummary> {
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
    .clamp(1, dirs.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<ServerSummary>>> = Mutex::new(vec![None; dirs.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(dir) = dirs.get(i) else { break };
                    let summary = summarize(dir, options.at);
                    let mut all = results.lock().unwrap_or_else(|e| e.into_inner());
                    all[i] = Some(summary);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .zip(dirs)
        .map(|(s, dir)| {
            // Every index is taken by a thread (a panic in one would
            // propagate out of the scope); still, a server is never dropped.
            s.unwrap_or_else(|| ServerSummary {
                bundle: dir.display().to_string(),
                machine: directory_name(dir),
                collected_at: None,
                served: None,
                errors: Vec::new(),
                warnings: Vec::new(),
                unknown: Vec::new(),
                store_problems: 0,
                damaged: Some("internal error while reading this bundle".to_owned()),
            })
        })
        .collect()
}

/// Surveys the fleet under `dir` (see the [module documentation](self)).
///
/// # Errors
///
/// [`FleetError`] only when `dir` itself cannot be listed; a damaged
/// bundle is a [`ServerSummary::damaged`].
pub fn survey(dir: &Path, options: &FleetOptions) -> Result<FleetReport, FleetError> {
    let dirs = bundle_dirs(dir)?;
    Ok(FleetReport {
        directory: dir.display().to_string(),
        at: rfc3339(options.at),
        servers: summarize_all(&dirs, options),
    })
}
