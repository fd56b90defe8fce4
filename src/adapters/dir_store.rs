//! The directory store: a folder of certificate files modelling the
//! Local Computer → Personal store ([behaviour §2](crate::behaviour), §3).
//!
//! # Layout
//!
//! | file | meaning |
//! |---|---|
//! | `<stem>.pem`, `.crt`, `.cer`, `.der` (any case) | a store entry: a certificate, PEM or DER, **detected by content**, not by extension |
//! | `<stem>.key` | the entry's private key (PKCS#8, PKCS#1 or SEC1; PEM or DER; EC and Ed25519 keys need the `key-pairing` feature) |
//! | `<stem>.json` | the Windows-only entry properties, see [`EntryProperties`] (read with the `serde` feature) |
//! | anything else | ignored |
//!
//! * **Order.** Entries are enumerated by file name, sorted bytewise (the
//!   store order the automatic choice depends on).
//! * **Several certificates in one PEM file.** The first is the entry (the
//!   leaf); the others are taken to be its chain and are not entries.
//! * **Key.** A private key block inside the certificate's own PEM file, or a
//!   sibling `<stem>.key` (same stem, compared exactly; extensions are
//!   compared case-insensitively). The key is compared with the certificate by
//!   value: [`KeyState::Paired`] or [`KeyState::Mismatched`];
//!   [`KeyState::Absent`] when there is no key or the key cannot be used (the
//!   reason is then reported as a problem). When both a key in the PEM file
//!   and a sibling `.key` exist, the one in the PEM file is used and the
//!   sibling is reported as `ambiguous-key`. Certificate files sharing a stem
//!   (`vpn.pem`, `vpn.crt`) share the sibling `.key` and `.json`.
//! * **Properties.** `<stem>.json` holds what Windows keeps next to the
//!   certificate:
//!   `{"has_private_key": true, "eku_property": [...] | null, "friendly_name": "..."}`;
//!   every field is optional, unknown fields are refused. The table of
//!   fields is at [`EntryProperties`]. `"has_private_key": true` makes the
//!   entry [`KeyState::Linked`] without any key file: a certificate exported
//!   from a server (`Export-Certificate`, no key) loads as the service sees
//!   it.
//! * **Features.** A file this build cannot read for want of a feature —
//!   a `.json` without `serde`, an EC or Ed25519 key without
//!   `key-pairing` — is reported as [`codes::FEATURE_DISABLED`], naming the
//!   feature; the entry loads without it (no properties; no key). It is
//!   never ignored silently, nor taken for a key of another certificate.
//! * **Subdirectories** are never entered (so no symlink loop is possible).
//!   Symbolic links to regular files are followed. A directory, device, FIFO
//!   or socket with a certificate, `.key` or `.json` name is reported as
//!   `not-a-regular-file` and never opened; other directories are ignored.
//! * **Limits.** At most [`MAX_DIRECTORY_ENTRIES`] directory entries (more is
//!   [`StoreError::TooManyEntries`]); each file at most [`MAX_FILE_SIZE`]
//!   bytes, checked from the metadata *before* reading and enforced again by a
//!   bounded read (`file-too-large`).
//! * **Files that change under the reader.** Every file is opened with
//!   `O_NONBLOCK` (Unix) and the type of the *opened* file is checked
//!   again: a FIFO or device swapped in after the directory was listed is
//!   reported as `not-a-regular-file`, never waited on, in
//!   [`load`](CertStore::load) and in key export alike.
//! * **Key files readable by others** (Unix: any group or other read bit
//!   on the file the key is exported from — a `.key` file, or a
//!   certificate file with a key block) are reported by
//!   [`KeyExport::export_key`] as `key-readable-by-others`, a warning: the
//!   key is still exported. Loading the store does not look at
//!   permissions (the model needs no key bytes).
//! * **Keys in memory.** Every buffer that held key bytes is wiped when
//!   dropped, and exported keys come back as a [`SecretKeyDer`] that wipes
//!   itself too.
//! * **Key export.** A program that serves the chosen certificate itself gets
//!   the entry's key as DER from [`DirectoryStore::private_key_der`] (the
//!   [`KeyExport`] capability), and the rest of the PEM file's certificates
//!   as its chain from [`DirectoryStore::chain_der`]. Both read the files
//!   again, with the same limits, and check that they still hold what was
//!   loaded.
//!
//! # Without the file system
//!
//! [`assemble_entry`] applies the same rules to files already in memory
//! (a certificate file and its sibling key and properties files); the
//! directory store uses it for every entry after reading the files, so what
//! it says is what the store does. Fuzzing and embedders that keep
//! certificates elsewhere use it directly.
//!
//! # Problems
//!
//! A bad file never stops the rest of the store from loading: it is reported
//! as an [`EntryProblem`] whose `source` is the file name and whose `code` is
//! one of the stable codes in [`codes`]. Only a store directory that cannot
//! be listed at all is a [`StoreError::Open`].
//!
//! # Example
//!
//! ```
//! # #[cfg(all(feature = "key-pairing", feature = "serde"))] {
//! use sstp_cert::adapters::dir_store::DirectoryStore;
//! use sstp_cert::model::store::{CertStore, KeyState};
//! # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("10-vpn.pem"), ck.cert.pem())?;
//! std::fs::write(dir.path().join("10-vpn.key"), ck.signing_key.serialize_pem())?;
//! std::fs::write(dir.path().join("10-vpn.json"), r#"{"friendly_name": "VPN"}"#)?;
//!
//! let snapshot = DirectoryStore::new(dir.path()).load()?;
//! assert!(snapshot.problems.is_empty());
//! let entry = &snapshot.entries[0];
//! assert_eq!(entry.source, "10-vpn.pem");
//! assert_eq!(entry.key, KeyState::Paired);
//! assert_eq!(entry.friendly_name.as_deref(), Some("VPN"));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//!
//! [`CertStore::load`] fails only with [`StoreError::Open`] (the directory is
//! missing, not a directory, or cannot be listed; the message names the path
//! and the OS error) and [`StoreError::TooManyEntries`]. Key export fails
//! with a [`KeyExportError`] naming the store, the entry and the file.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::{self, File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
#[cfg(feature = "serde")]
use serde::{Deserialize, Deserializer};
use zeroize::Zeroizing;

use crate::adapters::key_export::{KeyExport, KeyExportError, SecretKeyDer};
use crate::model::certificate::{Certificate, looks_like_pem, pem_certificates};
use crate::model::eku::KeyPurpose;
use crate::model::key::{KeyError, KeyFormat, PrivateKey, pair};
use crate::model::store::{
    CertStore, EntryProblem, KeyState, StoreEntry, StoreError, StoreSnapshot,
};

/// The largest file read (1 MiB) and the most directory entries (100,000),
/// defined with every other limit in [`model::limits`](crate::model::limits).
pub use crate::model::limits::{MAX_DIRECTORY_ENTRIES, MAX_FILE_SIZE};

/// Extensions of certificate files (compared case-insensitively).
pub const CERTIFICATE_EXTENSIONS: [&str; 4] = ["pem", "crt", "cer", "der"];

/// Extension of sibling private key files.
pub const KEY_EXTENSION: &str = "key";

/// Extension of sibling entry-property files.
pub const PROPERTIES_EXTENSION: &str = "json";

/// The stable problem codes this store reports in [`EntryProblem::code`].
pub mod codes {
    /// The file (or its metadata) could not be read; the message has the OS
    /// error (also a dangling or looping symbolic link).
    pub const UNREADABLE_FILE: &str = "unreadable-file";
    /// A directory entry could not be listed.
    pub const UNREADABLE_DIRECTORY_ENTRY: &str = "unreadable-directory-entry";
    /// A certificate, key or properties name that is a directory, FIFO,
    /// socket or device.
    pub const NOT_A_REGULAR_FILE: &str = "not-a-regular-file";
    /// Larger than the file size limit.
    pub const FILE_TOO_LARGE: &str = "file-too-large";
    /// A certificate file whose content is not a usable certificate.
    pub const MALFORMED_CERTIFICATE: &str = "malformed-certificate";
    /// A key that cannot be decoded (also several keys in one file).
    pub const MALFORMED_KEY: &str = "malformed-key";
    /// An encrypted key (export it unencrypted).
    pub const ENCRYPTED_KEY: &str = "encrypted-key";
    /// A key of an unsupported format, algorithm or curve.
    pub const UNSUPPORTED_KEY: &str = "unsupported-key";
    /// A key in the PEM file and a sibling `.key` file: the sibling is ignored.
    pub const AMBIGUOUS_KEY: &str = "ambiguous-key";
    /// Several sibling `.key` files for one stem (`x.key`, `x.KEY`): none is used.
    pub const AMBIGUOUS_KEY_FILES: &str = "ambiguous-key-files";
    /// Several sibling `.json` files for one stem: none is used.
    pub const AMBIGUOUS_PROPERTIES_FILES: &str = "ambiguous-properties-files";
    /// A properties file that is not valid JSON of the expected shape.
    pub const MALFORMED_PROPERTIES: &str = "malformed-properties";
    /// A `.key` file with no certificate file of the same stem.
    pub const ORPHAN_KEY: &str = "orphan-key";
    /// A `.json` file with no certificate file of the same stem.
    pub const ORPHAN_PROPERTIES: &str = "orphan-properties";
    /// `has_private_key` in the properties file contradicts a key file
    /// beside the certificate (`false` with a usable key file, `true` with a
    /// key file of another certificate).
    pub const CONTRADICTORY_KEY: &str = "contradictory-key";
    /// A file a private key is exported from (a `.key` file, or a
    /// certificate file with a key block) that group or others may read
    /// (Unix permissions), reported by key export. A warning: the key is
    /// still used; restrict the file to its owner (`chmod 600`).
    pub const KEY_READABLE_BY_OTHERS: &str = "key-readable-by-others";
    /// A file this build cannot read because a cargo feature of
    /// `sstp-cert` is off: a `.json` properties file without `serde`, an
    /// EC or Ed25519 key without `key-pairing`. The message names the
    /// feature; the entry loads without what the file says.
    pub const FEATURE_DISABLED: &str = "feature-disabled";
}

/// The Windows-only properties of a store entry, from `<stem>.json`: what
/// Windows keeps *next to* the certificate in the store ([behaviour §2](crate::behaviour), §12).
///
/// ```json
/// { "has_private_key": true, "eku_property": ["1.3.6.1.5.5.7.3.1", "clientAuth"], "friendly_name": "VPN 2025" }
/// ```
///
/// | field | JSON | missing or `null` | meaning |
/// |---|---|---|---|
/// | `has_private_key` | `true` / `false` | the key state comes from key files alone | `true`: Windows links a private key to the certificate (`CERT_KEY_PROV_INFO_PROP_ID`, the only thing the service checks): [`KeyState::Linked`], no key file needed (a key file beside it that pairs keeps [`KeyState::Paired`]). `false`: no key is linked, [`KeyState::Absent`] even when a key file is beside it |
/// | `eku_property` | list of dotted OIDs or names (`"serverAuth"`) | not set | the EKU property ("Enable only the following purposes"); `[]` disables the certificate |
/// | `friendly_name` | string | none | the friendly name |
///
/// Every field is optional. Unknown fields are refused (a misspelt field
/// must not be silently ignored). A contradiction between `has_private_key`
/// and a key file (`false` with a usable key file, `true` with a key file of
/// another certificate) is reported as [`codes::CONTRADICTORY_KEY`]; the
/// entry then has no key (`false`) or the mismatched key (`true`).
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use sstp_cert::adapters::dir_store::EntryProperties;
/// let p = EntryProperties::from_json(br#"{"has_private_key": true}"#)?;
/// assert_eq!(p.has_private_key, Some(true));
/// let e = EntryProperties::from_json(br#"{"has_key": true}"#).unwrap_err();
/// assert!(e.to_string().contains("unknown field `has_key`"));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct EntryProperties {
    /// Whether Windows links a private key to the certificate: `Some(true)`
    /// [`KeyState::Linked`], `Some(false)` no key, `None` not said (the key
    /// files decide).
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "has_private_key_field"
        )
    )]
    pub has_private_key: Option<bool>,
    /// The EKU property ("Enable only the following purposes"): dotted OIDs
    /// or names such as `serverAuth`. `None`: not set; an empty list: set to
    /// no purposes, which disables the certificate.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "eku_property_field"
        )
    )]
    pub eku_property: Option<Vec<KeyPurpose>>,
    /// The friendly name.
    #[cfg_attr(
        feature = "serde",
        serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "friendly_name_field"
        )
    )]
    pub friendly_name: Option<String>,
}

impl EntryProperties {
    /// Parses the JSON text of a properties file.
    ///
    /// # Errors
    ///
    /// A [`PropertiesError`] (the JSON error as its source): a syntax error
    /// with its line and column, a top level that is not an object, an
    /// unknown field, or a field with a value of the wrong type (naming the
    /// field, and the list item).
    #[cfg(feature = "serde")]
    pub fn from_json(text: &[u8]) -> Result<Self, PropertiesError> {
        // An object is required (a derived struct would also accept a list).
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(text)?;
        Ok(EntryProperties::deserialize(serde_json::Value::Object(
            map,
        ))?)
    }
}

/// Why the JSON text of a properties file was refused
/// ([`EntryProperties::from_json`]): a syntax error, a top level that is not
/// an object, an unknown field, or a field with a value of the wrong type.
///
/// Displays as the JSON error (with its line and column); the JSON error is
/// its [`source`](std::error::Error::source).
#[cfg(feature = "serde")]
#[derive(Debug, thiserror::Error)]
#[error("{source}")]
pub struct PropertiesError {
    #[from]
    source: serde_json::Error,
}

#[cfg(feature = "serde")]
impl PropertiesError {
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

#[cfg(feature = "serde")]
fn eku_property_field<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<KeyPurpose>>, D::Error> {
    use serde::de::Error;
    let raw = Option::<Vec<serde_json::Value>>::deserialize(d).map_err(|e| {
        D::Error::custom(format!(
            "field `eku_property`: {e}; expected a list of OIDs or names, or null"
        ))
    })?;
    let Some(items) = raw else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let text = item.as_str().ok_or_else(|| {
            D::Error::custom(format!(
                "field `eku_property`, item {}: expected a string (an OID such as \"1.3.6.1.5.5.7.3.1\" or a name such as \"serverAuth\"), found {item}",
                i + 1
            ))
        })?;
        let p = text
            .parse::<KeyPurpose>()
            .map_err(|e| D::Error::custom(format!("field `eku_property`, item {}: {e}", i + 1)))?;
        out.push(p);
    }
    Ok(Some(out))
}

#[cfg(feature = "serde")]
fn has_private_key_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    use serde::de::Error;
    Option::<bool>::deserialize(d).map_err(|e| {
        D::Error::custom(format!(
            "field `has_private_key`: {e}; expected true, false or null"
        ))
    })
}

#[cfg(feature = "serde")]
fn friendly_name_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::de::Error;
    Option::<String>::deserialize(d).map_err(|e| {
        D::Error::custom(format!(
            "field `friendly_name`: {e}; expected a string or null"
        ))
    })
}

/// A store read from a directory of certificate files (see the
/// [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryStore {
    path: PathBuf,
    max_file_size: u64,
    max_entries: usize,
}

impl DirectoryStore {
    /// A store reading the directory `path`, with the default limits
    /// [`MAX_FILE_SIZE`] and [`MAX_DIRECTORY_ENTRIES`]. Nothing is read until
    /// [`CertStore::load`].
    pub fn new(path: impl Into<PathBuf>) -> Self {
        DirectoryStore {
            path: path.into(),
            max_file_size: MAX_FILE_SIZE,
            max_entries: MAX_DIRECTORY_ENTRIES,
        }
    }

    /// Sets a lower (or higher) file size limit, in bytes.
    pub fn with_max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
        self
    }

    /// Sets a lower (or higher) limit on directory entries.
    pub fn with_max_entries(mut self, entries: usize) -> Self {
        self.max_entries = entries;
        self
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Certificate,
    Key,
    Properties,
    Other,
}

fn classify(name: &OsStr) -> FileKind {
    let ext = Path::new(name)
        .extension()
        .and_then(OsStr::to_str)
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some(e) if CERTIFICATE_EXTENSIONS.contains(&e) => FileKind::Certificate,
        Some(KEY_EXTENSION) => FileKind::Key,
        Some(PROPERTIES_EXTENSION) => FileKind::Properties,
        _ => FileKind::Other,
    }
}

fn stem(name: &OsStr) -> OsString {
    Path::new(name)
        .file_stem()
        .map(OsStr::to_os_string)
        .unwrap_or_default()
}

fn display(name: &OsStr) -> String {
    name.to_string_lossy().into_owned()
}

struct FileProblem {
    code: &'static str,
    message: String,
    /// The OS error, when one is the cause (not in `message`).
    source: Option<std::io::Error>,
}

impl FileProblem {
    fn new(code: &'static str, message: String) -> Self {
        FileProblem {
            code,
            message,
            source: None,
        }
    }

    /// `cannot <what>`, caused by `error`.
    fn unreadable(what: &str, error: std::io::Error) -> Self {
        FileProblem {
            code: codes::UNREADABLE_FILE,
            message: format!("cannot {what}"),
            source: Some(error),
        }
    }

    /// The whole message, the OS error included.
    fn into_message(self) -> String {
        match self.source {
            Some(e) => format!("{}: {e}", self.message),
            None => self.message,
        }
    }
}

fn describe_kind(meta: &Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// Opens a file for reading without ever blocking in `open` (`O_NONBLOCK`
/// on Unix: a FIFO with no writer would otherwise block the load for
/// ever), and checks the type of what was opened: the name may have been
/// replaced since it was looked at.
fn open_regular(path: &Path) -> Result<(File, Metadata), FileProblem> {
    let unreadable = FileProblem::unreadable;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Reads of a regular file do not heed O_NONBLOCK; only the open of
        // a FIFO or device does, and those are refused below.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| unreadable("open it", e))?;
    let meta = file
        .metadata()
        .map_err(|e| unreadable("read its metadata", e))?;
    if !meta.is_file() {
        return Err(FileProblem::new(
            codes::NOT_A_REGULAR_FILE,
            format!(
                "{}, not a regular file (replaced after it was listed); not read",
                describe_kind(&meta)
            ),
        ));
    }
    Ok((file, meta))
}

/// Reads a regular file (following symbolic links) of at most `max` bytes.
fn read_bounded(path: &Path, max: u64) -> Result<Zeroizing<Vec<u8>>, FileProblem> {
    read_bounded_meta(path, max).map(|(bytes, _)| bytes)
}

/// [`read_bounded`], with the metadata of the file that was read.
fn read_bounded_meta(path: &Path, max: u64) -> Result<(Zeroizing<Vec<u8>>, Metadata), FileProblem> {
    let unreadable = FileProblem::unreadable;
    let not_regular = |meta: &Metadata| {
        FileProblem::new(
            codes::NOT_A_REGULAR_FILE,
            format!("{}, not a regular file; not read", describe_kind(meta)),
        )
    };
    let too_large = |len: u64| {
        FileProblem::new(
            codes::FILE_TOO_LARGE,
            format!("{len} bytes, more than the {max} bytes read from one file; not read"),
        )
    };
    let meta = fs::metadata(path).map_err(|e| unreadable("read its metadata", e))?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    if meta.len() > max {
        return Err(too_large(meta.len()));
    }
    // The file may have been replaced since: check what was opened.
    let (file, meta) = open_regular(path)?;
    if meta.len() > max {
        return Err(too_large(meta.len()));
    }
    let capacity = usize::try_from(meta.len().min(max)).unwrap_or(0);
    let mut buf = Zeroizing::new(Vec::with_capacity(capacity));
    file.take(max.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| unreadable("read it", e))?;
    let len = u64::try_from(buf.len()).unwrap_or(u64::MAX);
    if len > max {
        return Err(FileProblem::new(
            codes::FILE_TOO_LARGE,
            format!("grew beyond the {max} bytes read from one file while being read"),
        ));
    }
    Ok((buf, meta))
}

/// The warning for a key file that group or others may read, if it is one
/// (Unix permissions; nothing elsewhere).
fn key_permission_problem(meta: &Metadata) -> Option<FileProblem> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o044 != 0 {
            return Some(FileProblem::new(
                codes::KEY_READABLE_BY_OTHERS,
                format!(
                    "holds a private key but is readable by {} (mode {mode:04o}); the key is used, but restrict the file to its owner (chmod 600)",
                    match (mode & 0o040 != 0, mode & 0o004 != 0) {
                        (true, true) => "group and others",
                        (true, false) => "its group",
                        _ => "others",
                    }
                ),
            ));
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

fn key_problem_code(e: &KeyError) -> &'static str {
    match e {
        KeyError::Encrypted { .. } => codes::ENCRYPTED_KEY,
        KeyError::KeyPairingDisabled { .. } => codes::FEATURE_DISABLED,
        KeyError::UnsupportedAlgorithm { .. }
        | KeyError::UnsupportedCurve { .. }
        | KeyError::UnsupportedFormat { .. } => codes::UNSUPPORTED_KEY,
        _ => codes::MALFORMED_KEY,
    }
}

/// The names of one kind of sibling, by stem.
type Siblings = BTreeMap<OsString, Vec<OsString>>;

// ---------------------------------------------------------------------------
// Assembling one entry from its files (pure)

/// One file of a store entry, already read: its name as reported in
/// [`EntryProblem::source`] and its bytes.
///
/// Its `Debug` output shows the name and the length, never the bytes (a
/// key file's bytes are the private key):
///
/// ```
/// use sstp_cert::adapters::dir_store::EntryFile;
/// let f = EntryFile::new("vpn.key", b"secret");
/// assert_eq!(format!("{f:?}"), r#"EntryFile { name: "vpn.key", len: 6, .. }"#);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EntryFile<'a> {
    /// The file name (e.g. `10-vpn.pem`).
    pub name: &'a str,
    /// The file's content.
    pub bytes: &'a [u8],
}

impl fmt::Debug for EntryFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntryFile")
            .field("name", &self.name)
            .field("len", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

impl<'a> EntryFile<'a> {
    /// A file with this name and content.
    pub const fn new(name: &'a str, bytes: &'a [u8]) -> Self {
        EntryFile { name, bytes }
    }
}

/// What [`assemble_entry`] made of one entry's files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssembledEntry {
    /// The entry, or `None` when the certificate file holds no usable
    /// certificate (then `problems` says why).
    pub entry: Option<StoreEntry>,
    /// What was wrong with the files, in the order met, with the stable
    /// codes of [`codes`].
    pub problems: Vec<EntryProblem>,
}

/// Assembles one store entry from the bytes of its files, exactly as
/// [`DirectoryStore`] does after reading them, without touching the file
/// system: the certificate file (PEM or DER, detected by content; the first
/// certificate is the entry), the private key (a key block in the
/// certificate's own PEM file, else the sibling `.key` file), and the
/// `.json` properties file.
///
/// `key` and `properties` are the sibling files, if there is exactly one of
/// each. A key block in the certificate file wins over a sibling key file,
/// which is then reported as `ambiguous-key` (and not parsed).
///
/// ```
/// # #[cfg(all(feature = "key-pairing", feature = "serde"))] {
/// use sstp_cert::adapters::dir_store::{assemble_entry, codes, EntryFile};
/// use sstp_cert::model::store::KeyState;
/// # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
/// # let (cert_pem, key_pem) = (ck.cert.pem(), ck.signing_key.serialize_pem());
/// let made = assemble_entry(
///     EntryFile::new("vpn.pem", cert_pem.as_bytes()),
///     Some(EntryFile::new("vpn.key", key_pem.as_bytes())),
///     Some(EntryFile::new("vpn.json", br#"{"friendly_name": 5}"#)),
/// );
/// let entry = made.entry.expect("a certificate");
/// assert_eq!(entry.key, KeyState::Paired);
/// assert_eq!(made.problems[0].code, codes::MALFORMED_PROPERTIES);
/// assert_eq!(made.problems[0].source, "vpn.json");
/// # }
/// ```
pub fn assemble_entry(
    certificate: EntryFile<'_>,
    key: Option<EntryFile<'_>>,
    properties: Option<EntryFile<'_>>,
) -> AssembledEntry {
    let mut files = InMemory { key, properties };
    let mut problems = Vec::new();
    let entry = assemble(
        certificate.name,
        certificate.bytes,
        &mut files,
        &mut problems,
    );
    AssembledEntry { entry, problems }
}

/// Which sibling of a certificate file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sibling {
    Key,
    Properties,
}

/// Where [`assemble`] gets an entry's sibling files from. The directory
/// store resolves and reads them lazily (a sibling key that a key block in
/// the certificate file overrides is never read); [`assemble_entry`] has
/// them in memory.
trait SiblingFiles {
    type Bytes: AsRef<[u8]>;

    /// The sibling's name, if there is exactly one; reports ambiguity.
    fn name(
        &mut self,
        entry: &str,
        which: Sibling,
        problems: &mut Vec<EntryProblem>,
    ) -> Option<String>;

    /// The sibling's bytes; reports why it cannot be read.
    fn read(&mut self, which: Sibling, problems: &mut Vec<EntryProblem>) -> Option<Self::Bytes>;
}

struct InMemory<'a> {
    key: Option<EntryFile<'a>>,
    properties: Option<EntryFile<'a>>,
}

impl<'a> InMemory<'a> {
    fn get(&self, which: Sibling) -> Option<EntryFile<'a>> {
        match which {
            Sibling::Key => self.key,
            Sibling::Properties => self.properties,
        }
    }
}

impl<'a> SiblingFiles for InMemory<'a> {
    type Bytes = &'a [u8];

    fn name(&mut self, _: &str, which: Sibling, _: &mut Vec<EntryProblem>) -> Option<String> {
        self.get(which).map(|f| f.name.to_owned())
    }

    fn read(&mut self, which: Sibling, _: &mut Vec<EntryProblem>) -> Option<&'a [u8]> {
        self.get(which).map(|f| f.bytes)
    }
}

fn push_problem(
    problems: &mut Vec<EntryProblem>,
    source: &str,
    code: &str,
    message: impl Into<String>,
) {
    problems.push(EntryProblem {
        source: source.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    });
}

/// The one implementation of an entry's rules, shared by the directory
/// store and [`assemble_entry`].
fn assemble<F: SiblingFiles>(
    name: &str,
    bytes: &[u8],
    files: &mut F,
    problems: &mut Vec<EntryProblem>,
) -> Option<StoreEntry> {
    let cert = match Certificate::from_pem_or_der(bytes) {
        Ok(certs) => certs.into_iter().next(),
        Err(e) => {
            push_problem(
                problems,
                name,
                codes::MALFORMED_CERTIFICATE,
                format!("not a usable certificate (PEM or DER): {e}"),
            );
            return None;
        }
    };
    let Some(cert) = cert else {
        push_problem(
            problems,
            name,
            codes::MALFORMED_CERTIFICATE,
            "no certificate found",
        );
        return None;
    };

    // The key: in the same PEM file, else the sibling .key file.
    let mut key_state = KeyState::Absent;
    let mut key_in_file = false;
    if looks_like_pem(bytes) {
        match PrivateKey::find_in_pem(bytes) {
            Ok(Some(k)) => {
                key_in_file = true;
                key_state = pair(&cert, &k);
            }
            Ok(None) => {}
            Err(e) => {
                key_in_file = true;
                push_problem(
                    problems,
                    name,
                    key_problem_code(&e),
                    format!("private key: {e}"),
                );
            }
        }
    }
    if let Some(key_name) = files.name(name, Sibling::Key, problems) {
        if key_in_file {
            push_problem(
                problems,
                &key_name,
                codes::AMBIGUOUS_KEY,
                format!("{name} already holds a private key block; this file is ignored"),
            );
        } else if let Some(kb) = files.read(Sibling::Key, problems) {
            match PrivateKey::from_pem_or_der(kb.as_ref()) {
                Ok(k) => key_state = pair(&cert, &k),
                Err(e) => push_problem(problems, &key_name, key_problem_code(&e), e.to_string()),
            }
        }
    }

    let mut entry = StoreEntry::new(cert, key_state, name);
    if let Some(json_name) = files.name(name, Sibling::Properties, problems)
        && let Some(text) = files.read(Sibling::Properties, problems)
    {
        apply_properties(&mut entry, &json_name, text.as_ref(), problems);
    }
    Some(entry)
}

/// Applies a `.json` properties file to its entry; a file that is not
/// valid is reported and ignored.
#[cfg(feature = "serde")]
fn apply_properties(
    entry: &mut StoreEntry,
    json_name: &str,
    text: &[u8],
    problems: &mut Vec<EntryProblem>,
) {
    match EntryProperties::from_json(text) {
        Ok(p) => {
            entry.key = key_with_property(json_name, entry.key, p.has_private_key, problems);
            entry.eku_property = p.eku_property;
            entry.friendly_name = p.friendly_name;
        }
        Err(e) => push_problem(
            problems,
            json_name,
            codes::MALFORMED_PROPERTIES,
            format!(
                "invalid entry properties, ignored: {e}; expected {{\"has_private_key\": true | false, \"eku_property\": [OIDs or names] | null, \"friendly_name\": \"text\"}}"
            ),
        ),
    }
}

/// Without the `serde` feature a `.json` properties file cannot be read:
/// it is reported as [`codes::FEATURE_DISABLED`], never silently ignored.
#[cfg(not(feature = "serde"))]
fn apply_properties(
    _entry: &mut StoreEntry,
    json_name: &str,
    _text: &[u8],
    problems: &mut Vec<EntryProblem>,
) {
    push_problem(
        problems,
        json_name,
        codes::FEATURE_DISABLED,
        "entry properties not read: reading a `.json` properties file needs the `serde` feature of sstp-cert, which this build lacks; the entry is loaded without them (its key state comes from key files alone, no EKU property, no friendly name)",
    );
}

/// The key state once the properties file's `has_private_key` is taken
/// into account (see [`EntryProperties`]).
#[cfg(feature = "serde")]
fn key_with_property(
    json_name: &str,
    from_files: KeyState,
    has_private_key: Option<bool>,
    problems: &mut Vec<EntryProblem>,
) -> KeyState {
    match (has_private_key, from_files) {
        (None, state) => state,
        (Some(true), KeyState::Paired) => KeyState::Paired,
        (Some(true), KeyState::Mismatched) => {
            push_problem(
                problems,
                json_name,
                codes::CONTRADICTORY_KEY,
                "\"has_private_key\": true, but the key file beside the certificate belongs to another certificate; the entry is taken to have that mismatched key (remove the key file if Windows links the right one)",
            );
            KeyState::Mismatched
        }
        (Some(true), _) => KeyState::Linked,
        (Some(false), state @ (KeyState::Paired | KeyState::Mismatched)) => {
            push_problem(
                problems,
                json_name,
                codes::CONTRADICTORY_KEY,
                format!(
                    "\"has_private_key\": false, but a key file is beside the certificate ({state}); the entry is taken to have no key, as Windows links none"
                ),
            );
            KeyState::Absent
        }
        (Some(false), _) => KeyState::Absent,
    }
}

// ---------------------------------------------------------------------------
// Reading the directory

struct Loader<'a> {
    store: &'a DirectoryStore,
    problems: Vec<EntryProblem>,
}

impl Loader<'_> {
    fn problem(&mut self, source: &OsStr, code: &str, message: impl Into<String>) {
        push_problem(&mut self.problems, &display(source), code, message);
    }

    fn entry(&mut self, name: &OsStr, keys: &Siblings, props: &Siblings) -> Option<StoreEntry> {
        let bytes = read_file(self.store, name, &mut self.problems)?;
        let mut files = OnDisk {
            store: self.store,
            stem: stem(name),
            keys,
            props,
            key: None,
            properties: None,
        };
        assemble(&display(name), &bytes, &mut files, &mut self.problems)
    }
}

fn read_file(
    store: &DirectoryStore,
    name: &OsStr,
    problems: &mut Vec<EntryProblem>,
) -> Option<Zeroizing<Vec<u8>>> {
    match read_bounded(&store.path.join(name), store.max_file_size) {
        Ok(b) => Some(b),
        Err(p) => {
            push_problem(problems, &display(name), p.code, p.into_message());
            None
        }
    }
}

/// The sibling files of one certificate file in the store directory.
struct OnDisk<'a> {
    store: &'a DirectoryStore,
    stem: OsString,
    keys: &'a Siblings,
    props: &'a Siblings,
    /// The resolved sibling names.
    key: Option<OsString>,
    properties: Option<OsString>,
}

impl SiblingFiles for OnDisk<'_> {
    type Bytes = Zeroizing<Vec<u8>>;

    /// The single sibling of this stem, reporting several as ambiguous.
    fn name(
        &mut self,
        entry: &str,
        which: Sibling,
        problems: &mut Vec<EntryProblem>,
    ) -> Option<String> {
        let (siblings, code) = match which {
            Sibling::Key => (self.keys, codes::AMBIGUOUS_KEY_FILES),
            Sibling::Properties => (self.props, codes::AMBIGUOUS_PROPERTIES_FILES),
        };
        let one = match siblings.get(&self.stem).map(Vec::as_slice) {
            None | Some([]) => return None,
            Some([one]) => one.clone(),
            Some(several) => {
                let names: Vec<String> = several.iter().map(|n| display(n)).collect();
                push_problem(
                    problems,
                    entry,
                    code,
                    format!(
                        "several files could belong to this certificate ({}); none is used, keep one",
                        names.join(", ")
                    ),
                );
                return None;
            }
        };
        let shown = display(&one);
        match which {
            Sibling::Key => self.key = Some(one),
            Sibling::Properties => self.properties = Some(one),
        }
        Some(shown)
    }

    fn read(
        &mut self,
        which: Sibling,
        problems: &mut Vec<EntryProblem>,
    ) -> Option<Zeroizing<Vec<u8>>> {
        let name = match which {
            Sibling::Key => self.key.as_ref(),
            Sibling::Properties => self.properties.as_ref(),
        }?;
        read_file(self.store, name, problems)
    }
}

impl CertStore for DirectoryStore {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn load(&self) -> Result<StoreSnapshot, StoreError> {
        let open_error = |e: std::io::Error| StoreError::Open {
            store: self.describe(),
            source: Box::new(e),
        };
        let dir = fs::read_dir(&self.path).map_err(open_error)?;
        let mut loader = Loader {
            store: self,
            problems: Vec::new(),
        };
        let mut names: Vec<OsString> = Vec::new();
        let mut count = 0usize;
        for item in dir {
            count += 1;
            if count > self.max_entries {
                return Err(StoreError::TooManyEntries {
                    store: self.describe(),
                    max: self.max_entries,
                });
            }
            match item {
                Ok(e) => names.push(e.file_name()),
                Err(e) => loader.problem(
                    self.path.as_os_str(),
                    codes::UNREADABLE_DIRECTORY_ENTRY,
                    format!("cannot list a directory entry: {e}"),
                ),
            }
        }
        names.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));

        let mut cert_stems: BTreeMap<OsString, ()> = BTreeMap::new();
        let mut keys = Siblings::new();
        let mut props = Siblings::new();
        for n in &names {
            match classify(n) {
                FileKind::Certificate => {
                    cert_stems.insert(stem(n), ());
                }
                FileKind::Key => keys.entry(stem(n)).or_default().push(n.clone()),
                FileKind::Properties => props.entry(stem(n)).or_default().push(n.clone()),
                FileKind::Other => {}
            }
        }

        let mut entries = Vec::new();
        for n in &names {
            match classify(n) {
                FileKind::Certificate => {
                    if let Some(e) = loader.entry(n, &keys, &props) {
                        entries.push(e);
                    }
                }
                FileKind::Key if !cert_stems.contains_key(&stem(n)) => loader.problem(
                    n,
                    codes::ORPHAN_KEY,
                    format!(
                        "private key file without a certificate file of the same stem ({}.pem, .crt, .cer or .der); ignored",
                        stem(n).to_string_lossy()
                    ),
                ),
                FileKind::Properties if !cert_stems.contains_key(&stem(n)) => loader.problem(
                    n,
                    codes::ORPHAN_PROPERTIES,
                    format!(
                        "properties file without a certificate file of the same stem ({}.pem, .crt, .cer or .der); ignored",
                        stem(n).to_string_lossy()
                    ),
                ),
                _ => {}
            }
        }
        Ok(StoreSnapshot {
            entries,
            problems: loader.problems,
        })
    }
}

// ---------------------------------------------------------------------------
// Key export

impl DirectoryStore {
    fn export_error(&self, p: FileProblem, file: &OsStr) -> KeyExportError {
        KeyExportError::Unreadable {
            store: self.describe(),
            file: display(file),
            code: p.code.to_owned(),
            message: p.message,
            source: p.source,
        }
    }

    /// The file name of `entry`, refusing sources that are not a plain file
    /// name of this directory (so a forged source cannot reach other files).
    fn entry_file(&self, entry: &StoreEntry) -> Result<OsString, KeyExportError> {
        let name = OsStr::new(&entry.source);
        let plain = Path::new(name).file_name() == Some(name)
            && Path::new(name).components().count() == 1
            && classify(name) == FileKind::Certificate;
        if plain {
            Ok(name.to_os_string())
        } else {
            Err(KeyExportError::EntryNotFound {
                store: self.describe(),
                entry: entry.source.clone(),
            })
        }
    }

    /// Reads the entry's file and checks it still holds the entry's
    /// certificate first.
    fn entry_bytes(&self, entry: &StoreEntry) -> Result<Zeroizing<Vec<u8>>, KeyExportError> {
        self.entry_bytes_meta(entry).map(|(bytes, _)| bytes)
    }

    /// [`DirectoryStore::entry_bytes`], with the file's metadata.
    fn entry_bytes_meta(
        &self,
        entry: &StoreEntry,
    ) -> Result<(Zeroizing<Vec<u8>>, Metadata), KeyExportError> {
        let name = self.entry_file(entry)?;
        let path = self.path.join(&name);
        if !path.exists() {
            return Err(KeyExportError::EntryNotFound {
                store: self.describe(),
                entry: entry.source.clone(),
            });
        }
        let (bytes, meta) = read_bounded_meta(&path, self.max_file_size)
            .map_err(|p| self.export_error(p, &name))?;
        let same = Certificate::from_pem_or_der(&bytes)
            .ok()
            .and_then(|c| c.into_iter().next())
            .is_some_and(|c| c.der() == entry.certificate.der());
        if !same {
            return Err(KeyExportError::EntryChanged {
                store: self.describe(),
                entry: entry.source.clone(),
            });
        }
        Ok((bytes, meta))
    }

    /// The private key of `entry` as DER, for a program that serves the
    /// certificate itself (see [`KeyExport`]).
    ///
    /// The key is looked up as [`load`](CertStore::load) does — a key block
    /// in the certificate's own PEM file, else the single sibling
    /// `<stem>.key` — read again with the same size limit, and compared with
    /// the certificate again (the files may have changed since the store was
    /// loaded). The DER comes back in the form the file holds: PKCS#8,
    /// PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`).
    ///
    /// ```
    /// # #[cfg(feature = "key-pairing")] {
    /// use sstp_cert::adapters::dir_store::DirectoryStore;
    /// use sstp_cert::model::store::CertStore;
    /// # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
    /// let dir = tempfile::tempdir()?;
    /// // certificate and key in one PEM file
    /// std::fs::write(dir.path().join("vpn.pem"), ck.cert.pem() + &ck.signing_key.serialize_pem())?;
    /// let store = DirectoryStore::new(dir.path());
    /// let entry = &store.load()?.entries[0];
    /// let key = store.private_key_der(entry)?;
    /// assert_eq!(key.secret_der(), ck.signing_key.serialize_der());
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`KeyExportError`]: the entry's source is not a certificate file of
    /// this directory (`EntryNotFound`), the file now holds another
    /// certificate (`EntryChanged`), a file cannot be read or is too large
    /// (`Unreadable`), there is no key (`NoKey`), several sibling key files
    /// (`AmbiguousKeyFiles`), an unusable key (`Key`: encrypted,
    /// unsupported, malformed, several keys in one file), or a key of
    /// another certificate (`Mismatched`).
    pub fn private_key_der(&self, entry: &StoreEntry) -> Result<SecretKeyDer, KeyExportError> {
        self.export_key(entry).map(|(key, _)| key)
    }

    /// [`DirectoryStore::private_key_der`], and a `key-readable-by-others`
    /// warning when group or others may read the file the key comes from
    /// (Unix permissions; see [`KeyExport::export_key`]).
    ///
    /// ```
    /// # #[cfg(feature = "key-pairing")] {
    /// use sstp_cert::adapters::dir_store::{codes, DirectoryStore};
    /// use sstp_cert::model::store::CertStore;
    /// # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("vpn.pem"), ck.cert.pem())?;
    /// std::fs::write(dir.path().join("vpn.key"), ck.signing_key.serialize_pem())?;
    /// # #[cfg(unix)] {
    /// use std::os::unix::fs::PermissionsExt;
    /// let key_file = dir.path().join("vpn.key");
    /// std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644))?;
    /// let store = DirectoryStore::new(dir.path());
    /// let entry = &store.load()?.entries[0];
    /// let (_key, warnings) = store.export_key(entry)?;
    /// assert_eq!(warnings[0].code, codes::KEY_READABLE_BY_OTHERS);
    /// std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600))?;
    /// assert!(store.export_key(entry)?.1.is_empty());
    /// # }
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`DirectoryStore::private_key_der`].
    pub fn export_key(
        &self,
        entry: &StoreEntry,
    ) -> Result<(SecretKeyDer, Vec<EntryProblem>), KeyExportError> {
        let name = self.entry_file(entry)?;
        let (bytes, meta) = self.entry_bytes_meta(entry)?;
        let warn = |file: &OsStr, meta: &Metadata| -> Vec<EntryProblem> {
            key_permission_problem(meta)
                .map(|p| EntryProblem {
                    source: display(file),
                    code: p.code.to_owned(),
                    message: p.into_message(),
                })
                .into_iter()
                .collect()
        };
        let key_error = |file: &OsStr, error: KeyError| KeyExportError::Key {
            store: self.describe(),
            file: display(file),
            error: Box::new(error),
        };
        if looks_like_pem(&bytes) {
            match PrivateKey::find_in_pem(&bytes) {
                Ok(Some(k)) => {
                    let key = self.checked_der(entry, &name, &bytes, &k)?;
                    return Ok((key, warn(&name, &meta)));
                }
                Ok(None) => {}
                Err(e) => return Err(key_error(&name, e)),
            }
        }
        let key_name = self.sibling_key(entry, &name)?;
        let (kb, key_meta) = read_bounded_meta(&self.path.join(&key_name), self.max_file_size)
            .map_err(|p| self.export_error(p, &key_name))?;
        let k = PrivateKey::from_pem_or_der(&kb).map_err(|e| key_error(&key_name, e))?;
        let key = self.checked_der(entry, &key_name, &kb, &k)?;
        Ok((key, warn(&key_name, &key_meta)))
    }

    /// The certificates after the first one in the entry's PEM file (its
    /// chain), as DER, in file order; none for a DER file.
    ///
    /// # Errors
    ///
    /// As [`DirectoryStore::private_key_der`] for reading the file
    /// (`EntryNotFound`, `EntryChanged`, `Unreadable`).
    pub fn chain_der(
        &self,
        entry: &StoreEntry,
    ) -> Result<Vec<CertificateDer<'static>>, KeyExportError> {
        let bytes = self.entry_bytes(entry)?;
        if !looks_like_pem(&bytes) {
            return Ok(Vec::new());
        }
        let all = pem_certificates(&bytes).map_err(|e| KeyExportError::Unreadable {
            store: self.describe(),
            file: entry.source.clone(),
            code: codes::MALFORMED_CERTIFICATE.to_owned(),
            message: e.to_string(),
            source: None,
        })?;
        Ok(all.into_iter().skip(1).map(CertificateDer::from).collect())
    }

    /// The single sibling `.key` file of the entry.
    fn sibling_key(&self, entry: &StoreEntry, name: &OsStr) -> Result<OsString, KeyExportError> {
        let unreadable = |e: std::io::Error| KeyExportError::Unreadable {
            store: self.describe(),
            file: self.describe(),
            code: codes::UNREADABLE_DIRECTORY_ENTRY.to_owned(),
            message: "cannot list the directory".to_owned(),
            source: Some(e),
        };
        let want = stem(name);
        let mut found: Vec<OsString> = Vec::new();
        for (count, item) in fs::read_dir(&self.path).map_err(unreadable)?.enumerate() {
            if count >= self.max_entries {
                return Err(KeyExportError::Unreadable {
                    store: self.describe(),
                    file: self.describe(),
                    code: "too-many-entries".to_owned(),
                    message: format!("more than {} directory entries", self.max_entries),
                    source: None,
                });
            }
            let n = item.map_err(unreadable)?.file_name();
            if classify(&n) == FileKind::Key && stem(&n) == want {
                found.push(n);
            }
        }
        found.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
        match found.len() {
            0 => Err(KeyExportError::NoKey {
                store: self.describe(),
                entry: entry.source.clone(),
            }),
            1 => Ok(found.remove(0)),
            _ => Err(KeyExportError::AmbiguousKeyFiles {
                store: self.describe(),
                entry: entry.source.clone(),
                files: found.iter().map(|n| display(n)).collect(),
            }),
        }
    }

    /// Checks the key against the entry's certificate and returns its DER.
    fn checked_der(
        &self,
        entry: &StoreEntry,
        file: &OsStr,
        bytes: &[u8],
        key: &PrivateKey,
    ) -> Result<SecretKeyDer, KeyExportError> {
        if !key.matches(&entry.certificate) {
            return Err(KeyExportError::Mismatched {
                store: self.describe(),
                entry: entry.source.clone(),
                file: display(file),
            });
        }
        // The one copy of the key made here goes straight into `Zeroizing`.
        let der = if looks_like_pem(bytes) {
            // The key was validated above: exactly one unencrypted key block.
            PrivateKeyDer::from_pem_slice(bytes)
                .map(Zeroizing::new)
                .map_err(|e| KeyError::Pem {
                    reason: e.to_string(),
                })
        } else {
            let owned = bytes.to_vec();
            Ok(Zeroizing::new(match key.format() {
                KeyFormat::Pkcs8 => PrivateKeyDer::Pkcs8(owned.into()),
                KeyFormat::Pkcs1 => PrivateKeyDer::Pkcs1(owned.into()),
                KeyFormat::Sec1 => PrivateKeyDer::Sec1(owned.into()),
            }))
        };
        der.map_err(|error| KeyExportError::Key {
            store: self.describe(),
            file: display(file),
            error: Box::new(error),
        })
    }
}

impl KeyExport for DirectoryStore {
    fn private_key_der(&self, entry: &StoreEntry) -> Result<SecretKeyDer, KeyExportError> {
        DirectoryStore::private_key_der(self, entry)
    }

    fn export_key(
        &self,
        entry: &StoreEntry,
    ) -> Result<(SecretKeyDer, Vec<EntryProblem>), KeyExportError> {
        DirectoryStore::export_key(self, entry)
    }

    fn intermediates_der(
        &self,
        entry: &StoreEntry,
    ) -> Result<Vec<CertificateDer<'static>>, KeyExportError> {
        self.chain_der(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_is_case_insensitive() {
        assert_eq!(classify(OsStr::new("a.PEM")), FileKind::Certificate);
        assert_eq!(classify(OsStr::new("a.Crt")), FileKind::Certificate);
        assert_eq!(classify(OsStr::new("a.b.der")), FileKind::Certificate);
        assert_eq!(classify(OsStr::new("a.KEY")), FileKind::Key);
        assert_eq!(classify(OsStr::new("a.Json")), FileKind::Properties);
        assert_eq!(classify(OsStr::new("a.txt")), FileKind::Other);
        assert_eq!(classify(OsStr::new(".pem")), FileKind::Other);
        assert_eq!(classify(OsStr::new("README")), FileKind::Other);
        assert_eq!(stem(OsStr::new("a.b.pem")), OsString::from("a.b"));
    }

    /// A FIFO that takes a file's place after the directory was listed
    /// (so after the metadata check) is refused when opened, at once: the
    /// open does not wait for a writer.
    #[cfg(unix)]
    #[test]
    fn an_opened_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("swapped.key");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("NOTICE: mkfifo not available; FIFO open not exercised");
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(
                open_regular(&path)
                    .map(|_| ())
                    .map_err(|p| (p.code, p.into_message())),
            );
        });
        let r = rx
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("opening a FIFO must not block");
        let (code, message) = r.expect_err("a FIFO is not a regular file");
        assert_eq!(code, codes::NOT_A_REGULAR_FILE);
        assert!(message.contains("a FIFO"), "{message}");
    }

    /// A certificate (PEM) and its key (PEM), of the algorithm `alg`.
    fn cert_and_key(alg: &'static rcgen::SignatureAlgorithm) -> (String, String) {
        let key = rcgen::KeyPair::generate_for(alg).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["vpn.example.com".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        (cert.pem(), key.serialize_pem())
    }

    /// Without `serde`, a properties file is reported naming the feature,
    /// never ignored silently.
    #[cfg(not(feature = "serde"))]
    #[test]
    fn properties_need_the_serde_feature() {
        let (cert, _) = cert_and_key(&rcgen::PKCS_ED25519);
        let a = assemble_entry(
            EntryFile::new("vpn.pem", cert.as_bytes()),
            None,
            Some(EntryFile::new("vpn.json", br#"{"has_private_key": true}"#)),
        );
        assert_eq!(a.entry.unwrap().key, KeyState::Absent);
        assert_eq!(a.problems.len(), 1, "{:?}", a.problems);
        assert_eq!(a.problems[0].source, "vpn.json");
        assert_eq!(a.problems[0].code, codes::FEATURE_DISABLED);
        assert!(
            a.problems[0].message.contains("`serde` feature"),
            "{}",
            a.problems[0]
        );
    }

    /// Without `key-pairing`, an EC or Ed25519 key is reported naming the
    /// feature and the entry has no key: never a mismatch.
    #[cfg(not(feature = "key-pairing"))]
    #[test]
    fn ec_and_ed25519_keys_need_the_key_pairing_feature() {
        for alg in [&rcgen::PKCS_ECDSA_P256_SHA256, &rcgen::PKCS_ED25519] {
            let (cert, key) = cert_and_key(alg);
            let a = assemble_entry(
                EntryFile::new("vpn.pem", cert.as_bytes()),
                Some(EntryFile::new("vpn.key", key.as_bytes())),
                None,
            );
            assert_eq!(a.entry.unwrap().key, KeyState::Absent);
            assert_eq!(a.problems.len(), 1, "{:?}", a.problems);
            assert_eq!(a.problems[0].source, "vpn.key");
            assert_eq!(a.problems[0].code, codes::FEATURE_DISABLED);
            assert!(
                a.problems[0].message.contains("`key-pairing` feature"),
                "{}",
                a.problems[0]
            );
        }
    }

    /// With `key-pairing`, the same files pair.
    #[cfg(feature = "key-pairing")]
    #[test]
    fn ec_and_ed25519_keys_pair_with_the_feature() {
        for alg in [&rcgen::PKCS_ECDSA_P256_SHA256, &rcgen::PKCS_ED25519] {
            let (cert, key) = cert_and_key(alg);
            let a = assemble_entry(
                EntryFile::new("vpn.pem", cert.as_bytes()),
                Some(EntryFile::new("vpn.key", key.as_bytes())),
                None,
            );
            assert_eq!(a.entry.unwrap().key, KeyState::Paired);
            assert!(a.problems.is_empty(), "{:?}", a.problems);
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn properties_json() {
        let p = EntryProperties::from_json(
            br#"{"eku_property": ["1.3.6.1.5.5.7.3.1", "clientAuth"], "friendly_name": "x"}"#,
        )
        .unwrap();
        assert_eq!(
            p.eku_property,
            Some(vec![KeyPurpose::ServerAuth, KeyPurpose::ClientAuth])
        );
        assert_eq!(p.friendly_name.as_deref(), Some("x"));
        assert_eq!(
            EntryProperties::from_json(br#"{"eku_property": null}"#).unwrap(),
            EntryProperties::default()
        );
        assert_eq!(
            EntryProperties::from_json(br#"{"eku_property": []}"#)
                .unwrap()
                .eku_property,
            Some(vec![])
        );
        let e = EntryProperties::from_json(br#"{"eku": []}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `eku`"), "{e}");
        let e = EntryProperties::from_json(br#"{"eku_property": ["server auth"]}"#).unwrap_err();
        assert!(
            e.to_string().contains("field `eku_property`, item 1"),
            "{e}"
        );
        let e = EntryProperties::from_json(br#"{"eku_property": [1]}"#).unwrap_err();
        assert!(
            e.to_string().contains("field `eku_property`, item 1"),
            "{e}"
        );
        let e = EntryProperties::from_json(br#"{"eku_property": "serverAuth"}"#).unwrap_err();
        assert!(e.to_string().contains("field `eku_property`"), "{e}");
        let e = EntryProperties::from_json(br#"{"friendly_name": 5}"#).unwrap_err();
        assert!(e.to_string().contains("field `friendly_name`"), "{e}");
        assert!(EntryProperties::from_json(b"[]").is_err());
        assert!(EntryProperties::from_json(b"").is_err());
    }
}
