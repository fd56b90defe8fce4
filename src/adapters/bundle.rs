//! Machine bundles: a whole saved state of one SSTP server in one
//! directory ([behaviour §12](crate::behaviour)), read into a [`MachineState`] and written by
//! `sstp-cert collect`.
//!
//! # Layout
//!
//! | path | holds | when missing |
//! |---|---|---|
//! | `store/` | the Personal store (`LocalMachine\MY`) as a [directory store](crate::adapters::dir_store): one `<NNNN>-<sha1>.der` per certificate, numbered in Windows enumeration order (so the bytewise file-name order *is* the store order), each with its `<NNNN>-<sha1>.json` ([`EntryProperties`]: `has_private_key`, `eku_property`, `friendly_name`) | an error: a bundle without a store cannot be judged ([`BundleError::NoStore`], with the reason `machine.json` gives) |
//! | `netsh-sslcert.txt` | the HTTP.sys SSL bindings, as `netsh http show sslcert` prints them | the bindings are **unknown**, not empty ([behaviour §11](crate::behaviour)): [`MachineState::bindings`] is `None` |
//! | `sstpsvc.reg` | the `SstpSvc\Parameters` key as a `.reg` export (or `reg query` output) | the registry is **unknown**: [`MachineState::registry`] is `None` |
//! | `machine.json` | [`MachineInfo`]: machine name, time of collection, OS and tool versions, the parts that could not be collected and why | nothing about the machine is known; the bundle still loads, with a note |
//!
//! Other files are ignored. A part that is present but cannot be read or
//! parsed is an error naming the file ([`BundleError`]): a damaged part is
//! never taken for a missing one.
//!
//! # `machine.json`
//!
//! | field | JSON | meaning |
//! |---|---|---|
//! | `format` | `1` | the bundle format; optional, anything but 1 is refused |
//! | `machine` | string | the computer name (`%COMPUTERNAME%`) |
//! | `collected_at` | RFC 3339 time | when the state was read |
//! | `os_version` | string | e.g. `Windows Server 2022 Datacenter 21H2 (build 20348)` |
//! | `tool_version` | string | the `sstp-cert` version that collected it |
//! | `not_collected` | list of `{"part": "store" \| "bindings" \| "registry", "reason": "..."}` | the parts that could not be read, and why |
//! | `notes` | list of strings | what else was seen while collecting (a registry key that does not exist, a store entry that could not be read, …) |
//!
//! Every field is optional; unknown fields are refused.
//!
//! # Example
//!
//! ```
//! use sstp_cert::adapters::bundle::{Bundle, BundleContents, MachineInfo, write_bundle};
//! use sstp_cert::model::state::UnknownInput;
//! use sstp_cert::model::store::{KeyState, StoreEntry};
//! use sstp_cert::model::certificate::Certificate;
//! # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()])
//! #     .unwrap().cert.der().to_vec();
//! let entry = StoreEntry::new(Certificate::from_der(der)?, KeyState::Linked, "vpn");
//! let dir = tempfile::tempdir()?;
//! let out = dir.path().join("server1");
//! let mut contents = BundleContents::new(MachineInfo::named("SERVER1"));
//! contents.store = Some(vec![entry]);
//! contents.info.not_collected_part(UnknownInput::Bindings, "HTTP.sys could not be queried");
//! write_bundle(&out, &contents)?;
//!
//! let bundle = Bundle::load(&out)?;
//! assert_eq!(bundle.state.store[0].key, KeyState::Linked); // no key file needed
//! assert_eq!(bundle.state.unknown_inputs(), vec![UnknownInput::Bindings, UnknownInput::Registry]);
//! assert!(bundle.notes.iter().any(|n| n.contains("HTTP.sys could not be queried")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[cfg(feature = "serde")]
use serde::Serialize;
use time::OffsetDateTime;

use crate::adapters::dir_store::{DirectoryStore, EntryProperties};
use crate::model::code::stable_codes;
use crate::model::httpsys::{
    ListingProblem, MAX_NETSH_INPUT, ShowStyle, SslBinding, parse_sslcert_show, render_show,
};
use crate::model::registry::{MAX_REGISTRY_INPUT, RegistryValues, parse_registry_text};
use crate::model::state::{MachineState, UnknownInput};
use crate::model::store::{CertStore, EntryProblem, StoreEntry};

/// The store directory of a bundle.
pub const STORE_DIR: &str = "store";
/// The saved `netsh http show sslcert` output of a bundle.
pub const NETSH_FILE: &str = "netsh-sslcert.txt";
/// The saved `SstpSvc\Parameters` key of a bundle.
pub const REGISTRY_FILE: &str = "sstpsvc.reg";
/// The description of the machine and of the collection.
pub const MACHINE_FILE: &str = "machine.json";
/// The bundle format this crate reads and writes.
pub const FORMAT: u32 = 1;
/// The largest `machine.json` read, in bytes (1 MiB).
pub const MAX_MACHINE_FILE: usize = 1024 * 1024;

stable_codes! {
    [display, from_str]
    /// A part of a bundle that can be missing.
    ///
    /// ```
    /// use sstp_cert::adapters::bundle::BundlePart;
    /// assert_eq!(BundlePart::Bindings.code(), "bindings");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    #[non_exhaustive]
    pub enum BundlePart("bundle part") {
        /// `store/`.
        Store => "store",
        /// `netsh-sslcert.txt`.
        Bindings => "bindings",
        /// `sstpsvc.reg`.
        Registry => "registry",
    }
}

impl BundlePart {
    /// The file or directory of the bundle that holds this part.
    ///
    /// ```
    /// use sstp_cert::adapters::bundle::BundlePart;
    /// assert_eq!(BundlePart::Registry.file(), "sstpsvc.reg");
    /// ```
    pub fn file(self) -> &'static str {
        match self {
            BundlePart::Store => STORE_DIR,
            BundlePart::Bindings => NETSH_FILE,
            BundlePart::Registry => REGISTRY_FILE,
        }
    }
}

impl From<UnknownInput> for BundlePart {
    fn from(input: UnknownInput) -> Self {
        match input {
            UnknownInput::Bindings => BundlePart::Bindings,
            UnknownInput::Registry => BundlePart::Registry,
        }
    }
}

/// A part that could not be collected, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct NotCollected {
    /// Which part.
    pub part: BundlePart,
    /// Why, in plain language (the OS error included).
    pub reason: String,
}

/// `machine.json`: the machine and the collection (see the
/// [module documentation](self) for the table of fields).
///
/// ```
/// use sstp_cert::adapters::bundle::MachineInfo;
/// let info = MachineInfo::from_json(br#"{"machine": "VPN1", "collected_at": "2026-12-01T10:00:00Z"}"#)?;
/// assert_eq!(info.machine.as_deref(), Some("VPN1"));
/// assert!(MachineInfo::from_json(br#"{"host": "VPN1"}"#).is_err());
/// # Ok::<(), sstp_cert::adapters::bundle::MachineInfoError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct MachineInfo {
    /// The bundle format (1); `None` when not written.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub format: Option<u32>,
    /// The computer name.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub machine: Option<String>,
    /// When the state was read.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "time::serde::rfc3339::option::serialize",
            deserialize_with = "collected_at_field"
        )
    )]
    pub collected_at: Option<OffsetDateTime>,
    /// The operating system and its version.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub os_version: Option<String>,
    /// The version of the tool that collected the bundle.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub tool_version: Option<String>,
    /// The parts that could not be collected, and why.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub not_collected: Vec<NotCollected>,
    /// Anything else seen while collecting.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub notes: Vec<String>,
}

fn collected_at_field<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<OffsetDateTime>, D::Error> {
    use serde::de::Error;
    time::serde::rfc3339::option::deserialize(d).map_err(|e| {
        D::Error::custom(format!(
            "field `collected_at`: {e}; expected an RFC 3339 time such as \"2026-12-01T10:00:00Z\", or null"
        ))
    })
}

impl MachineInfo {
    /// The description of machine `name`, in the current [`FORMAT`], with
    /// nothing else known.
    ///
    /// ```
    /// use sstp_cert::adapters::bundle::MachineInfo;
    /// assert_eq!(MachineInfo::named("VPN1").format, Some(1));
    /// ```
    pub fn named(name: impl Into<String>) -> Self {
        MachineInfo {
            format: Some(FORMAT),
            machine: Some(name.into()),
            ..MachineInfo::default()
        }
    }

    /// Parses `machine.json`.
    ///
    /// # Errors
    ///
    /// The JSON error: syntax (with line and column), a top level that is
    /// not an object, an unknown field, a value of the wrong type, or a
    /// format other than 1.
    pub fn from_json(text: &[u8]) -> Result<Self, MachineInfoError> {
        // An object is required (a derived struct would also accept a
        // list); then the struct is read from the text itself, so that an
        // error names its line and column.
        let _: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(text)?;
        let info: MachineInfo = serde_json::from_slice(text)?;
        match info.format {
            Some(f) if f != FORMAT => Err(MachineInfoError {
                source: serde::de::Error::custom(format!(
                    "field `format`: bundle format {f} is not supported (this version reads format {FORMAT})"
                )),
            }),
            _ => Ok(info),
        }
    }

    /// Records that `part` could not be collected.
    ///
    /// ```
    /// use sstp_cert::adapters::bundle::{BundlePart, MachineInfo};
    /// let mut info = MachineInfo::default();
    /// info.not_collected_part(BundlePart::Registry, "access denied");
    /// assert_eq!(info.reason_not_collected(BundlePart::Registry), Some("access denied"));
    /// ```
    pub fn not_collected_part(&mut self, part: impl Into<BundlePart>, reason: impl Into<String>) {
        self.not_collected.push(NotCollected {
            part: part.into(),
            reason: reason.into(),
        });
    }

    /// Why `part` was not collected, if `machine.json` says.
    pub fn reason_not_collected(&self, part: BundlePart) -> Option<&str> {
        self.not_collected
            .iter()
            .find(|n| n.part == part)
            .map(|n| n.reason.as_str())
    }
}

/// Why `machine.json` is not a bundle's machine record
/// ([`MachineInfo::from_json`]): a syntax error, a top level that is not an
/// object, an unknown field, a value of the wrong type, or an unsupported
/// format.
///
/// Displays as the JSON error (with its line and column); the JSON error is
/// its [`source`](std::error::Error::source).
///
/// ```
/// use sstp_cert::adapters::bundle::MachineInfo;
/// let e = MachineInfo::from_json(b"{\n  \"machine\": 7\n}").unwrap_err();
/// assert!(e.to_string().contains("line 2"), "{e}");
/// assert_eq!(e.line(), 2);
/// assert!(std::error::Error::source(&e).is_some());
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{source}")]
pub struct MachineInfoError {
    #[from]
    source: serde_json::Error,
}

impl MachineInfoError {
    /// The line of the error in the text, from 1 (0 when the error is not
    /// about a place in the text, e.g. a field of the wrong type).
    pub fn line(&self) -> usize {
        self.source.line()
    }

    /// The column of the error in its line, from 1 (0 when the error is not
    /// about a place in the text).
    pub fn column(&self) -> usize {
        self.source.column()
    }
}

/// Why a bundle could not be read or written. Every message names the
/// bundle file concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The bundle directory is missing or cannot be listed.
    #[error("bundle {path}: cannot open the directory: {source}")]
    Open {
        /// The bundle directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The bundle has no `store/` directory.
    #[error(
        "bundle {path}: no {STORE_DIR}/ directory ({reason}); a bundle needs the certificate store"
    )]
    NoStore {
        /// The bundle directory.
        path: PathBuf,
        /// What `machine.json` says about it, or that it is simply missing.
        reason: String,
    },
    /// A file of the bundle cannot be read (or is too large).
    #[error("bundle file {path}: {reason}{}", colon_source(.source.as_ref()))]
    Read {
        /// The file.
        path: PathBuf,
        /// What failed (`cannot open it`, `cannot read it`, …) or the size
        /// limit that was exceeded.
        reason: String,
        /// The OS error, when one is the cause.
        source: Option<std::io::Error>,
    },
    /// `machine.json` is not valid.
    #[error("bundle file {path}: {source}")]
    MachineInfo {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: MachineInfoError,
    },
    /// `netsh-sslcert.txt` is not a `netsh http show sslcert` listing.
    #[error("bundle file {path}: {source}")]
    Netsh {
        /// The file.
        path: PathBuf,
        /// The parse error, with its line.
        source: crate::model::httpsys::NetshParseError,
    },
    /// `sstpsvc.reg` is not a `.reg` export or `reg query` output.
    #[error("bundle file {path}: {source}")]
    Registry {
        /// The file.
        path: PathBuf,
        /// The parse error, with its line.
        source: crate::model::registry::RegistryParseError,
    },
    /// The store directory cannot be read as a whole.
    #[error("bundle {path}: {source}")]
    Store {
        /// The bundle directory.
        path: PathBuf,
        /// The store error.
        source: crate::model::store::StoreError,
    },
    /// The output directory exists and is not empty (writing never
    /// overwrites).
    #[error(
        "{path} is not empty: a bundle is written only to a new or empty directory (nothing was written)"
    )]
    NotEmpty {
        /// The directory.
        path: PathBuf,
    },
    /// A bundle file cannot be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A part cannot be rendered as JSON.
    #[error("cannot write {path}: {source}")]
    Render {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        source: serde_json::Error,
    },
}

/// `: <error>` when there is an error, else nothing (for messages that
/// name the underlying error only when there is one).
fn colon_source(source: Option<&std::io::Error>) -> String {
    source.map(|e| format!(": {e}")).unwrap_or_default()
}

/// A bundle read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The bundle directory.
    pub path: PathBuf,
    /// The machine's state; a part missing from the bundle is `None`
    /// (unknown).
    pub state: MachineState,
    /// `machine.json`, or `None` when the bundle has none.
    pub info: Option<MachineInfo>,
    /// What could not be read in `store/` (files of single entries).
    pub store_problems: Vec<EntryProblem>,
    /// What was wrong with single blocks of `netsh-sslcert.txt`.
    pub listing_problems: Vec<ListingProblem>,
    /// For people: each unknown part and why (from `machine.json`), what
    /// is assumed for it, and the collection notes.
    pub notes: Vec<String>,
}

impl Bundle {
    /// Reads the bundle in directory `dir` (see the
    /// [module documentation](self)).
    ///
    /// # Errors
    ///
    /// [`BundleError`]: the directory cannot be listed, it has no `store/`,
    /// or a part that is present cannot be read or parsed; the message names
    /// the file.
    pub fn load(dir: &Path) -> Result<Bundle, BundleError> {
        fs::read_dir(dir).map_err(|source| BundleError::Open {
            path: dir.to_path_buf(),
            source,
        })?;
        let info =
            match read_part(dir, MACHINE_FILE, MAX_MACHINE_FILE)? {
                None => None,
                Some(bytes) => Some(MachineInfo::from_json(&bytes).map_err(|source| {
                    BundleError::MachineInfo {
                        path: dir.join(MACHINE_FILE),
                        source,
                    }
                })?),
            };
        let reason = |part: BundlePart| {
            info.as_ref()
                .and_then(|i| i.reason_not_collected(part))
                .map(str::to_owned)
        };

        let store_dir = dir.join(STORE_DIR);
        if !store_dir.is_dir() {
            return Err(BundleError::NoStore {
                path: dir.to_path_buf(),
                reason: match reason(BundlePart::Store) {
                    Some(r) => format!("not collected: {r}"),
                    None => "missing".to_owned(),
                },
            });
        }
        let snapshot =
            DirectoryStore::new(&store_dir)
                .load()
                .map_err(|source| BundleError::Store {
                    path: dir.to_path_buf(),
                    source,
                })?;
        let mut state = MachineState::new(snapshot.entries);
        let mut notes = Vec::new();
        if info.is_none() {
            notes.push(format!(
                "bundle {}: no {MACHINE_FILE}: the machine's name and the time of collection are unknown",
                dir.display()
            ));
        }

        let mut listing_problems = Vec::new();
        match read_part(dir, NETSH_FILE, MAX_NETSH_INPUT)? {
            Some(bytes) => {
                let listing = parse_sslcert_show(&bytes).map_err(|source| BundleError::Netsh {
                    path: dir.join(NETSH_FILE),
                    source,
                })?;
                listing_problems = listing.problems;
                state = state.with_bindings(listing.bindings);
            }
            None => notes.push(unknown_note(
                UnknownInput::Bindings,
                reason(BundlePart::Bindings),
            )),
        }
        match read_part(dir, REGISTRY_FILE, MAX_REGISTRY_INPUT)? {
            Some(bytes) => {
                let parsed =
                    parse_registry_text(&bytes).map_err(|source| BundleError::Registry {
                        path: dir.join(REGISTRY_FILE),
                        source,
                    })?;
                state = state.with_registry(parsed.values);
            }
            None => notes.push(unknown_note(
                UnknownInput::Registry,
                reason(BundlePart::Registry),
            )),
        }
        if let Some(i) = &info {
            notes.extend(i.notes.iter().map(|n| format!("collection: {n}")));
        }
        Ok(Bundle {
            path: dir.to_path_buf(),
            state,
            info,
            store_problems: snapshot.problems,
            listing_problems,
            notes,
        })
    }

    /// How the bundle's store is named in reports: `DIR/store (machine NAME)`.
    ///
    /// ```
    /// # use sstp_cert::adapters::bundle::Bundle;
    /// # use sstp_cert::model::state::MachineState;
    /// let b = Bundle {
    ///     path: "bundles/vpn2".into(),
    ///     state: MachineState::new(Vec::new()),
    ///     info: None,
    ///     store_problems: vec![],
    ///     listing_problems: vec![],
    ///     notes: vec![],
    /// };
    /// let store = std::path::Path::new("bundles/vpn2").join("store");
    /// assert_eq!(b.store_name(), format!("{} (machine vpn2)", store.display()));
    /// ```
    pub fn store_name(&self) -> String {
        format!(
            "{} (machine {})",
            self.path.join(STORE_DIR).display(),
            self.machine_name()
        )
    }

    /// The machine's name: from `machine.json`, else the bundle
    /// directory's name.
    ///
    /// ```
    /// # use sstp_cert::adapters::bundle::Bundle;
    /// # use sstp_cert::model::state::MachineState;
    /// let b = Bundle {
    ///     path: "bundles/vpn2".into(),
    ///     state: MachineState::new(Vec::new()),
    ///     info: None,
    ///     store_problems: vec![],
    ///     listing_problems: vec![],
    ///     notes: vec![],
    /// };
    /// assert_eq!(b.machine_name(), "vpn2");
    /// ```
    pub fn machine_name(&self) -> String {
        self.info
            .as_ref()
            .and_then(|i| i.machine.clone())
            .unwrap_or_else(|| directory_name(&self.path))
    }
}

/// The last component of a path, for people.
pub(crate) fn directory_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn unknown_note(input: UnknownInput, reason: Option<String>) -> String {
    let file = BundlePart::from(input).file();
    let why = match reason {
        Some(r) => format!("not collected ({r})"),
        None => "not in the bundle".to_owned(),
    };
    format!("{file} {why}: {}", input.assumption())
}

/// Reads `dir/name` if it exists, at most `max` bytes.
fn read_part(dir: &Path, name: &str, max: usize) -> Result<Option<Vec<u8>>, BundleError> {
    let path = dir.join(name);
    let read_error = |reason: String| BundleError::Read {
        path: path.clone(),
        reason,
        source: None,
    };
    let io_error = |reason: &str, e: std::io::Error| BundleError::Read {
        path: path.clone(),
        reason: reason.to_owned(),
        source: Some(e),
    };
    let meta = match fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("cannot read its metadata", e)),
    };
    if !meta.is_file() {
        return Err(read_error("not a regular file".to_owned()));
    }
    let limit = u64::try_from(max).unwrap_or(u64::MAX);
    if meta.len() > limit {
        return Err(read_error(format!(
            "{} bytes, more than the {max} bytes this file may have",
            meta.len()
        )));
    }
    let file = File::open(&path).map_err(|e| io_error("cannot open it", e))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error("cannot read it", e))?;
    if bytes.len() > max {
        return Err(read_error(format!(
            "more than the {max} bytes this file may have"
        )));
    }
    Ok(Some(bytes))
}

// ---------------------------------------------------------------------------
// Writing

/// What [`write_bundle`] writes: each part, or `None` when it could not be
/// collected (then `info.not_collected` should say why; a generic reason is
/// recorded otherwise).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleContents {
    /// `machine.json`.
    pub info: MachineInfo,
    /// The store, in enumeration order.
    pub store: Option<Vec<StoreEntry>>,
    /// Every HTTP.sys SSL binding.
    pub bindings: Option<Vec<SslBinding>>,
    /// The `SstpSvc\Parameters` values.
    pub registry: Option<RegistryValues>,
}

impl BundleContents {
    /// Nothing collected yet, described by `info`.
    pub fn new(info: MachineInfo) -> Self {
        BundleContents {
            info,
            ..BundleContents::default()
        }
    }
}

/// The file stem of the store entry at `index` (from 0) of `count`:
/// `0001-<sha1>`, zero-padded to at least four digits so that the bytewise
/// order of the names is the store order.
///
/// ```
/// # use sstp_cert::adapters::bundle::entry_stem;
/// # use sstp_cert::model::thumbprint::Sha1Thumbprint;
/// let sha1 = Sha1Thumbprint::of_der(b"x");
/// assert_eq!(entry_stem(0, 3, &sha1), format!("0001-{sha1}"));
/// assert_eq!(entry_stem(9, 12_000, &sha1), format!("00010-{sha1}"));
/// ```
pub fn entry_stem(
    index: usize,
    count: usize,
    sha1: &crate::model::thumbprint::Sha1Thumbprint,
) -> String {
    let width = count.to_string().len().max(4);
    format!("{:0width$}-{sha1}", index.saturating_add(1))
}

/// Writes a bundle to `dir`, which must not exist or be empty; nothing is
/// ever overwritten (files are created new).
///
/// Store entries are written as `store/<NNNN>-<sha1>.der` with their
/// `.json` properties (`has_private_key` is whether the entry's key counts
/// for the service: linked or paired); the bindings as current-style
/// `netsh http show sslcert` text; the registry as a UTF-16 `.reg` export,
/// as regedit writes it. A part that is `None` is not written, and
/// `machine.json` records it as not collected.
///
/// # Errors
///
/// [`BundleError::NotEmpty`] when `dir` holds anything (then nothing is
/// written), [`BundleError::Write`] naming the file that could not be
/// written.
pub fn write_bundle(dir: &Path, contents: &BundleContents) -> Result<(), BundleError> {
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BundleError::Write { path, source }
    };
    if !check_output_dir(dir)? {
        fs::create_dir_all(dir).map_err(write_error(dir))?;
    }
    let mut info = contents.info.clone();
    info.format.get_or_insert(FORMAT);
    let parts = [
        (BundlePart::Store, contents.store.is_some()),
        (BundlePart::Bindings, contents.bindings.is_some()),
        (BundlePart::Registry, contents.registry.is_some()),
    ];
    for (part, present) in parts {
        if !present && info.reason_not_collected(part).is_none() {
            info.not_collected_part(part, "not given to the writer");
        }
    }

    if let Some(store) = &contents.store {
        let store_dir = dir.join(STORE_DIR);
        fs::create_dir(&store_dir).map_err(write_error(&store_dir))?;
        for (index, entry) in store.iter().enumerate() {
            let stem = entry_stem(index, store.len(), &entry.certificate.sha1());
            create_file(
                &store_dir.join(format!("{stem}.der")),
                entry.certificate.der(),
            )?;
            let properties = EntryProperties {
                has_private_key: Some(entry.key.counts_as_key()),
                eku_property: entry.eku_property.clone(),
                friendly_name: entry.friendly_name.clone(),
            };
            let json_path = store_dir.join(format!("{stem}.json"));
            let mut json = to_json(&properties, &json_path)?;
            json.push('\n');
            create_file(&json_path, json.as_bytes())?;
        }
    }
    if let Some(bindings) = &contents.bindings {
        let text = render_show(bindings, ShowStyle::Current);
        create_file(&dir.join(NETSH_FILE), text.as_bytes())?;
    }
    if let Some(registry) = &contents.registry {
        create_file(&dir.join(REGISTRY_FILE), &registry.to_reg_file_utf16())?;
    }
    let machine_path = dir.join(MACHINE_FILE);
    let mut json = to_json(&info, &machine_path)?;
    json.push('\n');
    create_file(&machine_path, json.as_bytes())
}

/// Checks that a bundle can be written to `dir`: it does not exist
/// (`Ok(false)`) or is an empty directory (`Ok(true)`). `collect` calls it
/// before reading anything.
///
/// # Errors
///
/// [`BundleError::NotEmpty`], or [`BundleError::Write`] when `dir` cannot
/// be listed (not a directory, access denied).
pub fn check_output_dir(dir: &Path) -> Result<bool, BundleError> {
    match fs::read_dir(dir) {
        Ok(mut items) => match items.next() {
            None => Ok(true),
            Some(_) => Err(BundleError::NotEmpty {
                path: dir.to_path_buf(),
            }),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(BundleError::Write {
            path: dir.to_path_buf(),
            source,
        }),
    }
}

fn to_json<T: Serialize>(value: &T, path: &Path) -> Result<String, BundleError> {
    serde_json::to_string_pretty(value).map_err(|source| BundleError::Render {
        path: path.to_path_buf(),
        source,
    })
}

/// Creates `path` (it must not exist) with `bytes`.
fn create_file(path: &Path, bytes: &[u8]) -> Result<(), BundleError> {
    let error = |source| BundleError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(error)?;
    file.write_all(bytes).map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `BundlePart`'s codes round-trip through `code`, `Display`, `FromStr`
    /// and serde (the model's own stable-code enums are checked in
    /// `model::code`; the core does not name an adapter's type).
    #[test]
    fn bundle_part_codes_round_trip() {
        assert_eq!(BundlePart::VARIANTS.len(), BundlePart::CODES.len());
        for &p in BundlePart::VARIANTS {
            assert_eq!(p.to_string(), p.code());
            assert_eq!(BundlePart::from_code(p.code()), Some(p));
            assert_eq!(p.code().parse::<BundlePart>().unwrap(), p);
            let j = serde_json::to_value(p).unwrap();
            assert_eq!(j, serde_json::Value::String(p.code().to_owned()));
            assert_eq!(serde_json::from_value::<BundlePart>(j).unwrap(), p);
        }
        assert!("no-such-part".parse::<BundlePart>().is_err());
    }

    #[test]
    fn machine_info_refuses_unknown_fields_and_other_formats() {
        let e = MachineInfo::from_json(br#"{"format": 2}"#).unwrap_err();
        assert!(e.to_string().contains("bundle format 2"), "{e}");
        let e = MachineInfo::from_json(br#"{"machin": "x"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `machin`"), "{e}");
        let e = MachineInfo::from_json(br#"{"collected_at": "yesterday"}"#).unwrap_err();
        assert!(e.to_string().contains("field `collected_at`"), "{e}");
        assert!(MachineInfo::from_json(b"[]").is_err());
        let i = MachineInfo::from_json(
            br#"{"not_collected": [{"part": "bindings", "reason": "HTTP.sys: error 120"}]}"#,
        )
        .unwrap();
        assert_eq!(
            i.reason_not_collected(BundlePart::Bindings),
            Some("HTTP.sys: error 120")
        );
        assert_eq!(i.reason_not_collected(BundlePart::Registry), None);
    }

    #[test]
    fn entry_stems_sort_in_store_order() {
        let sha1 = crate::model::thumbprint::Sha1Thumbprint::of_der(b"x");
        let mut names: Vec<String> = (0..10_500).map(|i| entry_stem(i, 10_500, &sha1)).collect();
        let before = names.clone();
        names.sort();
        assert_eq!(names, before);
    }
}
