//! A machine's state read from where an administrator has it: the files
//! saved from a server (`netsh http show sslcert` output, a registry
//! export), a directory of certificate files — or, on Windows, the machine
//! itself.
//!
//! [`StateSource`] names the three parts ([behaviour §12](crate::behaviour)):
//! the store, the HTTP.sys bindings and the `SstpSvc\Parameters` key.
//! [`StateSource::load`] reads them into a [`LoadedState`], whose
//! [`MachineState`] is what diagnosis, planning, plumbing and the runtime
//! take. A part that was not given is **unknown**, not empty
//! ([behaviour §11](crate::behaviour)) — except that when the store is this
//! Windows machine's own store, the live bindings and key are read for
//! whatever no file was given for (a directory store is someone's saved
//! state, not this machine's, so the machine is not asked then).
//!
//! A [machine bundle](crate::adapters::bundle) is a whole saved state in one
//! directory: `LoadedState::from(bundle)` (feature `serde`).
//!
//! ```
//! use sstp_cert::adapters::state_source::{StateSource, StoreSource};
//! use sstp_cert::model::state::UnknownInput;
//! # let dir = std::env::temp_dir().join(format!("state-source-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! let source = StateSource::new(StoreSource::Directory(dir.clone()));
//! let loaded = source.load().unwrap();
//! // Neither the bindings nor the registry were given: both unknown.
//! assert_eq!(loaded.state.unknown_inputs(), [UnknownInput::Bindings, UnknownInput::Registry]);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```
//!
//! # Errors
//!
//! [`StateLoadError`]: a file that cannot be read, is larger than its part
//! may be, or does not parse — each naming the file — a store that cannot
//! be read, or a live part asked of a machine that cannot answer.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::adapters::dir_store::DirectoryStore;
use crate::adapters::windows::records::{StoreNameError, SystemStoreName};
use crate::model::httpsys::{
    ListingProblem, MAX_NETSH_INPUT, NetshParseError, SslCertListing, parse_sslcert_show,
};
use crate::model::registry::{
    MAX_REGISTRY_INPUT, RegistryParseError, RegistryValues, parse_registry_text,
};
use crate::model::state::MachineState;
use crate::model::store::{CertStore, EntryProblem, StoreError};

/// The prefix that names a Windows system store in [`StoreSource`]'s
/// text form: `windows:LocalMachine\MY`.
pub const WINDOWS_PREFIX: &str = "windows:";

/// Which certificate store to read.
///
/// Parsed from text as the command line takes it: `windows:<location>\<store>`
/// (prefix in any case) is a Windows system store, anything else a
/// directory (write `./windows:x` for a directory whose name starts with
/// `windows:`).
///
/// ```
/// use sstp_cert::adapters::state_source::StoreSource;
/// assert!(matches!("examples/store".parse(), Ok(StoreSource::Directory(_))));
/// let s: StoreSource = "windows:LocalMachine\\MY".parse().unwrap();
/// assert_eq!(s.to_string(), "windows:LocalMachine\\MY");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreSource {
    /// A directory of certificate files ([`DirectoryStore`]).
    Directory(PathBuf),
    /// A Windows system store (parsed on every platform, read only on
    /// Windows).
    Windows(SystemStoreName),
}

impl StoreSource {
    /// The store the SSTP service reads: `LocalMachine\MY`.
    ///
    /// ```
    /// use sstp_cert::adapters::state_source::StoreSource;
    /// assert_eq!(StoreSource::service_store().to_string(), "windows:LocalMachine\\MY");
    /// ```
    pub fn service_store() -> Self {
        StoreSource::Windows(SystemStoreName::local_machine_my())
    }

    /// Whether reading this store means asking the machine this code runs
    /// on: a Windows system store, on Windows.
    ///
    /// ```
    /// use sstp_cert::adapters::state_source::StoreSource;
    /// assert!(!StoreSource::Directory("store".into()).is_this_machine());
    /// assert_eq!(StoreSource::service_store().is_this_machine(), cfg!(windows));
    /// ```
    pub fn is_this_machine(&self) -> bool {
        cfg!(windows) && matches!(self, StoreSource::Windows(_))
    }

    /// Opens the store.
    ///
    /// # Errors
    ///
    /// [`StateLoadError::NotWindows`] for a Windows store on another
    /// platform.
    ///
    /// ```
    /// use sstp_cert::adapters::state_source::StoreSource;
    /// let store = StoreSource::Directory("examples/store".into()).open().unwrap();
    /// assert_eq!(store.describe(), "examples/store");
    /// ```
    pub fn open(&self) -> Result<Box<dyn CertStore>, StateLoadError> {
        match self {
            StoreSource::Directory(p) => Ok(Box::new(DirectoryStore::new(p.clone()))),
            #[cfg(windows)]
            StoreSource::Windows(name) => Ok(Box::new(
                crate::adapters::windows::live::WindowsStore::new(name.clone()),
            )),
            #[cfg(not(windows))]
            StoreSource::Windows(name) => Err(StateLoadError::NotWindows {
                what: LivePart::Store(name.clone()),
            }),
        }
    }
}

impl fmt::Display for StoreSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreSource::Directory(p) => write!(f, "{}", p.display()),
            StoreSource::Windows(name) => write!(f, "{WINDOWS_PREFIX}{name}"),
        }
    }
}

/// Why a text is not a [`StoreSource`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreSourceError {
    /// The text is empty.
    #[error("empty store name: expected a directory or windows:LocalMachine\\MY")]
    Empty,
    /// `windows:` followed by something that is not a system store name.
    #[error("{text:?}: {source}; expected windows:LocalMachine\\MY or windows:CurrentUser\\MY")]
    WindowsName {
        /// The whole text.
        text: String,
        /// What is wrong with the name after the prefix.
        source: StoreNameError,
    },
}

impl FromStr for StoreSource {
    type Err = StoreSourceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(StoreSourceError::Empty);
        }
        match s.get(..WINDOWS_PREFIX.len()) {
            Some(prefix) if prefix.eq_ignore_ascii_case(WINDOWS_PREFIX) => s
                [WINDOWS_PREFIX.len()..]
                .parse::<SystemStoreName>()
                .map(StoreSource::Windows)
                .map_err(|source| StoreSourceError::WindowsName {
                    text: s.to_owned(),
                    source,
                }),
            _ => Ok(StoreSource::Directory(PathBuf::from(s))),
        }
    }
}

/// Where a machine's state comes from: the store, and the saved files for
/// the bindings and the registry key (`None`: not given).
///
/// ```
/// use sstp_cert::adapters::state_source::{StateSource, StoreSource};
/// let source = StateSource::new(StoreSource::Directory("examples/store".into()))
///     .with_netsh("sslcert.txt")
///     .with_registry("sstpsvc.reg");
/// assert_eq!(source.netsh.as_deref(), Some(std::path::Path::new("sslcert.txt")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StateSource {
    /// The certificate store.
    pub store: StoreSource,
    /// Saved `netsh http show sslcert` output (UTF-16 or UTF-8, console
    /// transcripts included), or `-` for standard input.
    pub netsh: Option<PathBuf>,
    /// A `.reg` export or `reg query` output of
    /// `HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters`, or `-`
    /// for standard input.
    pub registry: Option<PathBuf>,
}

impl StateSource {
    /// The store alone: bindings and registry not given.
    ///
    /// ```
    /// use sstp_cert::adapters::state_source::{StateSource, StoreSource};
    /// assert!(StateSource::new(StoreSource::service_store()).netsh.is_none());
    /// ```
    pub fn new(store: StoreSource) -> Self {
        StateSource {
            store,
            netsh: None,
            registry: None,
        }
    }

    /// With a saved `netsh http show sslcert` output.
    ///
    /// ```
    /// use sstp_cert::adapters::state_source::{StateSource, StoreSource};
    /// let s = StateSource::new(StoreSource::service_store()).with_netsh("sslcert.txt");
    /// assert!(s.netsh.is_some());
    /// ```
    pub fn with_netsh(mut self, path: impl Into<PathBuf>) -> Self {
        self.netsh = Some(path.into());
        self
    }

    /// With a saved export of the `SstpSvc\Parameters` key.
    ///
    /// ```
    /// use sstp_cert::adapters::state_source::{StateSource, StoreSource};
    /// let s = StateSource::new(StoreSource::service_store()).with_registry("sstpsvc.reg");
    /// assert!(s.registry.is_some());
    /// ```
    pub fn with_registry(mut self, path: impl Into<PathBuf>) -> Self {
        self.registry = Some(path.into());
        self
    }

    /// Reads the store and the files; on Windows with this machine's store,
    /// the live bindings and key stand in for files not given.
    ///
    /// # Errors
    ///
    /// [`StateLoadError`]: the first part that cannot be read, named.
    ///
    /// ```
    /// use sstp_cert::adapters::state_source::{StateSource, StoreSource};
    /// let loaded = StateSource::new(StoreSource::Directory("examples/store".into()))
    ///     .load()
    ///     .unwrap();
    /// assert!(!loaded.state.store.is_empty());
    /// assert!(loaded.state.bindings.is_none());
    /// ```
    pub fn load(&self) -> Result<LoadedState, StateLoadError> {
        let live = self.store.is_this_machine();
        let store = self.store.open()?;
        let snapshot = store.load().map_err(|source| StateLoadError::Store {
            store: store.describe(),
            source,
        })?;
        let mut loaded = LoadedState {
            store_name: store.describe(),
            state: MachineState::new(snapshot.entries),
            store_problems: snapshot.problems,
            listing_problems: Vec::new(),
            notes: Vec::new(),
        };
        let listing = match &self.netsh {
            Some(p) => Some(read_netsh(p, &mut loaded.notes)?),
            None if live => Some(live_bindings(&mut loaded.notes)?),
            // Not given: unknown, not empty (behaviour §11).
            None => None,
        };
        if let Some(listing) = listing {
            loaded.listing_problems = listing.problems;
            loaded.state = loaded.state.with_bindings(listing.bindings);
        }
        let registry = match &self.registry {
            Some(p) => Some(read_registry(p, &mut loaded.notes)?),
            None if live => Some(live_registry(&mut loaded.notes)?),
            None => None,
        };
        if let Some(values) = registry {
            loaded.state = loaded.state.with_registry(values);
        }
        Ok(loaded)
    }
}

/// A machine's state as read, with what the readers noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadedState {
    /// How the store is named for people (`examples/store`,
    /// `LocalMachine\MY`, `bundles/vpn1/store (machine VPN1)`).
    pub store_name: String,
    /// The store, and the bindings and registry when known.
    pub state: MachineState,
    /// Store entries that could not be read.
    pub store_problems: Vec<EntryProblem>,
    /// Blocks of the bindings listing that could not be read.
    pub listing_problems: Vec<ListingProblem>,
    /// For people: lines skipped in the saved files, what the live readers
    /// noticed, and (for a bundle) each unknown part and what is assumed.
    pub notes: Vec<String>,
}

#[cfg(feature = "serde")]
impl From<crate::adapters::bundle::Bundle> for LoadedState {
    /// The bundle's state; its store is named `DIR/store (machine NAME)`.
    fn from(bundle: crate::adapters::bundle::Bundle) -> Self {
        let store_name = bundle.store_name();
        LoadedState {
            store_name,
            state: bundle.state,
            store_problems: bundle.store_problems,
            listing_problems: bundle.listing_problems,
            notes: bundle.notes,
        }
    }
}

/// A part only a Windows machine can be asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LivePart {
    /// A Windows system store.
    Store(SystemStoreName),
    /// The HTTP.sys bindings.
    Bindings,
    /// The `SstpSvc\Parameters` key.
    Registry,
}

impl fmt::Display for LivePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LivePart::Store(name) => write!(f, "the Windows store {name}"),
            LivePart::Bindings => f.write_str("the HTTP.sys bindings"),
            LivePart::Registry => f.write_str("the SstpSvc\\Parameters registry key"),
        }
    }
}

/// Why a machine's state could not be read. Every message names the file,
/// store or machine part concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateLoadError {
    /// A file (or standard input) cannot be read.
    #[error("{}: {}", shown(path), io_sentence(source))]
    Read {
        /// The file (`-`: standard input).
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file is larger than its part may be.
    #[error("{}: more than {max} bytes, the most this input may have", shown(path))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        max: usize,
    },
    /// The netsh file is not a `netsh http show sslcert` listing.
    #[error("{}: {source}", path.display())]
    Netsh {
        /// The file.
        path: PathBuf,
        /// The parse error, with its line.
        source: NetshParseError,
    },
    /// The registry file is not a `.reg` export or `reg query` output.
    #[error("{}: {source}", path.display())]
    Registry {
        /// The file.
        path: PathBuf,
        /// The parse error, with its line.
        source: RegistryParseError,
    },
    /// The store cannot be read as a whole.
    #[error("{source}")]
    Store {
        /// The store, as named for people.
        store: String,
        /// The store error.
        source: StoreError,
    },
    /// A live part asked for on a platform other than Windows.
    #[error("{}", not_windows(what))]
    NotWindows {
        /// What was asked for.
        what: LivePart,
    },
    /// A live part could not be read on this Windows machine.
    #[error("{}", live_failed(what, source.as_ref()))]
    Live {
        /// What was asked for.
        what: LivePart,
        /// The reader's error (the Win32 error it names).
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// A path for people; `-` is standard input.
fn shown(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// The sentence for a live part asked of another platform, with the file
/// to pass instead.
fn not_windows(what: &LivePart) -> String {
    match what {
        LivePart::Store(name) => {
            format!("the Windows store can only be read on Windows (asked for {name})")
        }
        LivePart::Bindings => "the HTTP.sys bindings can only be read on Windows: pass --netsh FILE (saved `netsh http show sslcert` output)".to_owned(),
        LivePart::Registry => "the SstpSvc\\Parameters registry key can only be read on Windows: pass --registry FILE (a .reg export or `reg query` output)".to_owned(),
    }
}

/// The sentence for a live part that could not be read, with what to do.
fn live_failed(what: &LivePart, source: &(dyn std::error::Error + Send + Sync)) -> String {
    match what {
        LivePart::Bindings => format!(
            "cannot read the HTTP.sys bindings ({source}); save the output of `netsh http show sslcert` to a file and pass --netsh FILE"
        ),
        _ => source.to_string(),
    }
}

/// An I/O error as a sentence: the OS text without Rust's `(os error N)`.
///
/// ```
/// use sstp_cert::adapters::state_source::io_sentence;
/// let e = std::io::Error::from(std::io::ErrorKind::NotFound);
/// assert_eq!(io_sentence(&e), "no such file or directory");
/// ```
pub fn io_sentence(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".to_owned(),
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        ErrorKind::IsADirectory => "is a directory, not a file".to_owned(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error ") {
                Some(i) => text[..i].to_owned(),
                None => text,
            }
        }
    }
}

/// Reads `path` (or standard input for `-`), refusing more than `max` bytes
/// before reading them all.
///
/// # Errors
///
/// [`StateLoadError::Read`] or [`StateLoadError::TooLarge`], naming the
/// file.
///
/// ```
/// use sstp_cert::adapters::state_source::read_limited;
/// let e = read_limited("no/such/file".as_ref(), 10).unwrap_err();
/// assert_eq!(e.to_string(), "no/such/file: no such file or directory");
/// ```
pub fn read_limited(path: &Path, max: usize) -> Result<Vec<u8>, StateLoadError> {
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut buf = Vec::new();
    let read = |source| StateLoadError::Read {
        path: path.to_path_buf(),
        source,
    };
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(read)?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(limit).read_to_end(&mut buf))
            .map_err(read)?;
    }
    if buf.len() > max {
        return Err(StateLoadError::TooLarge {
            path: path.to_path_buf(),
            max,
        });
    }
    Ok(buf)
}

/// The bindings from a saved `netsh http show sslcert` output; skipped
/// lines become notes.
fn read_netsh(path: &Path, notes: &mut Vec<String>) -> Result<SslCertListing, StateLoadError> {
    let bytes = read_limited(path, MAX_NETSH_INPUT)?;
    let listing = parse_sslcert_show(&bytes).map_err(|source| StateLoadError::Netsh {
        path: path.to_path_buf(),
        source,
    })?;
    notes.extend(
        listing
            .skipped
            .iter()
            .map(|s| format!("{}: {s}", path.display())),
    );
    Ok(listing)
}

/// The registry values from a saved export; skipped lines become notes.
fn read_registry(path: &Path, notes: &mut Vec<String>) -> Result<RegistryValues, StateLoadError> {
    let bytes = read_limited(path, MAX_REGISTRY_INPUT)?;
    let parsed = parse_registry_text(&bytes).map_err(|source| StateLoadError::Registry {
        path: path.to_path_buf(),
        source,
    })?;
    notes.extend(
        parsed
            .skipped
            .iter()
            .map(|s| format!("{}: {s}", path.display())),
    );
    Ok(parsed.values)
}

/// This machine's HTTP.sys bindings.
#[cfg(windows)]
fn live_bindings(notes: &mut Vec<String>) -> Result<SslCertListing, StateLoadError> {
    let bindings =
        crate::adapters::windows::live::read_bindings().map_err(|e| StateLoadError::Live {
            what: LivePart::Bindings,
            source: Box::new(e),
        })?;
    notes.extend(bindings.notes());
    Ok(bindings.listing())
}

/// This machine's HTTP.sys bindings: not on this platform.
#[cfg(not(windows))]
fn live_bindings(_: &mut Vec<String>) -> Result<SslCertListing, StateLoadError> {
    Err(StateLoadError::NotWindows {
        what: LivePart::Bindings,
    })
}

/// This machine's `SstpSvc\Parameters` key; a missing key is every
/// default plus a note.
#[cfg(windows)]
fn live_registry(notes: &mut Vec<String>) -> Result<RegistryValues, StateLoadError> {
    let registry =
        crate::adapters::windows::live::read_registry().map_err(|e| StateLoadError::Live {
            what: LivePart::Registry,
            source: Box::new(e),
        })?;
    notes.extend(registry.note());
    Ok(registry.values)
}

/// This machine's `SstpSvc\Parameters` key: not on this platform.
#[cfg(not(windows))]
fn live_registry(_: &mut Vec<String>) -> Result<RegistryValues, StateLoadError> {
    Err(StateLoadError::NotWindows {
        what: LivePart::Registry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::UnknownInput;

    #[test]
    fn parses_store_sources_everywhere() {
        let StoreSource::Windows(name) = "windows:LocalMachine\\MY".parse().unwrap() else {
            panic!("a Windows store");
        };
        assert_eq!(name, SystemStoreName::local_machine_my());
        let StoreSource::Windows(name) = "Windows:currentuser\\My".parse().unwrap() else {
            panic!("a Windows store");
        };
        assert_eq!(name.to_string(), "CurrentUser\\My");
        let error = "windows:Machine\\MY".parse::<StoreSource>().unwrap_err();
        let text = error.to_string();
        assert!(text.contains("unknown store location `Machine`"), "{text}");
        assert!(text.contains("windows:LocalMachine\\MY"), "{text}");
        assert!(std::error::Error::source(&error).is_some());
        assert!("windows:".parse::<StoreSource>().is_err());
        assert_eq!("".parse::<StoreSource>(), Err(StoreSourceError::Empty));
        assert!(matches!(
            "./windows:x".parse::<StoreSource>(),
            Ok(StoreSource::Directory(_))
        ));
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "sstp-cert-state-source-{tag}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn files_not_given_are_unknown_and_given_files_are_read() {
        let dir = temp_dir("given");
        let store = dir.join("store");
        std::fs::create_dir(&store).unwrap();
        let netsh = dir.join("sslcert.txt");
        std::fs::write(
            &netsh,
            "\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n",
        )
        .unwrap();
        let source = StateSource::new(StoreSource::Directory(store.clone()));
        let loaded = source.load().unwrap();
        assert_eq!(
            loaded.state.unknown_inputs(),
            [UnknownInput::Bindings, UnknownInput::Registry]
        );
        let loaded = source.clone().with_netsh(&netsh).load().unwrap();
        assert_eq!(loaded.state.bindings.as_deref(), Some(&[][..]));
        assert_eq!(loaded.state.unknown_inputs(), [UnknownInput::Registry]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn errors_name_the_file_and_keep_the_source() {
        let dir = temp_dir("errors");
        let bad = dir.join("bad.reg");
        std::fs::write(&bad, "this is not a registry export\n").unwrap();
        let e = StateSource::new(StoreSource::Directory(dir.clone()))
            .with_registry(&bad)
            .load()
            .unwrap_err();
        assert!(matches!(e, StateLoadError::Registry { .. }), "{e:?}");
        assert!(e.to_string().starts_with(&bad.display().to_string()), "{e}");
        assert!(std::error::Error::source(&e).is_some());

        let big = dir.join("big.txt");
        std::fs::write(&big, vec![b'x'; 11]).unwrap();
        let e = read_limited(&big, 10).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: more than 10 bytes, the most this input may have",
                big.display()
            )
        );
        assert_eq!(read_limited(&big, 11).unwrap().len(), 11);

        let missing = dir.join("missing.txt");
        let e = StateSource::new(StoreSource::Directory(dir.clone()))
            .with_netsh(&missing)
            .load()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{}: no such file or directory", missing.display())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(not(windows))]
    #[test]
    fn live_parts_elsewhere_are_a_clear_error() {
        let e = StateSource::new(StoreSource::service_store())
            .load()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the Windows store can only be read on Windows (asked for LocalMachine\\MY)"
        );
        let e = live_bindings(&mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains("pass --netsh FILE"), "{e}");
        let e = live_registry(&mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains("pass --registry FILE"), "{e}");
    }
}
