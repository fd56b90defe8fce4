//! The `--store` argument: which certificate store to read.

use std::path::PathBuf;
use std::str::FromStr;

use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::adapters::windows::records::SystemStoreName;
use sstp_cert::model::store::CertStore;

use crate::{CliError, live};

/// The prefix that names a Windows system store: `windows:LocalMachine\MY`.
pub const WINDOWS_PREFIX: &str = "windows:";

/// A store named on the command line.
#[derive(Debug, Clone)]
pub enum StoreArg {
    /// A directory of certificate files.
    Directory(PathBuf),
    /// A Windows system store, `windows:LocalMachine\MY` or
    /// `windows:CurrentUser\MY` (parsed on every platform, read only on
    /// Windows).
    Windows(SystemStoreName),
}

impl FromStr for StoreArg {
    type Err = String;

    /// `windows:<location>\<store>` (prefix in any case) is a Windows system
    /// store; anything else is a directory (write `./windows:x` for a
    /// directory whose name starts with `windows:`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(
                "empty store name: expected a directory or windows:LocalMachine\\MY".into(),
            );
        }
        match s.get(..WINDOWS_PREFIX.len()) {
            Some(prefix) if prefix.eq_ignore_ascii_case(WINDOWS_PREFIX) => s
                [WINDOWS_PREFIX.len()..]
                .parse::<SystemStoreName>()
                .map(StoreArg::Windows)
                .map_err(|e| {
                    format!(
                        "{s:?}: {e}; expected windows:LocalMachine\\MY or windows:CurrentUser\\MY"
                    )
                }),
            _ => Ok(StoreArg::Directory(PathBuf::from(s))),
        }
    }
}

/// The store named, or the default when `--store` was not given: on
/// Windows `windows:LocalMachine\MY` (the store the SSTP service reads);
/// elsewhere an error asking for `--store`.
pub fn store_or_default(arg: Option<StoreArg>) -> Result<StoreArg, CliError> {
    match arg {
        Some(arg) => Ok(arg),
        None => live::default_store().map(StoreArg::Windows),
    }
}

/// Opens the store.
pub fn open_store(arg: &StoreArg) -> Result<Box<dyn CertStore>, CliError> {
    match arg {
        StoreArg::Directory(p) => Ok(Box::new(DirectoryStore::new(p.clone()))),
        StoreArg::Windows(name) => live::open_windows_store(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_windows_stores_everywhere() {
        let StoreArg::Windows(name) = "windows:LocalMachine\\MY".parse().unwrap() else {
            panic!("a Windows store");
        };
        assert_eq!(name, SystemStoreName::local_machine_my());
        let StoreArg::Windows(name) = "Windows:currentuser\\My".parse().unwrap() else {
            panic!("a Windows store");
        };
        assert_eq!(name.to_string(), "CurrentUser\\My");
        let error = "windows:Machine\\MY".parse::<StoreArg>().unwrap_err();
        assert!(
            error.contains("unknown store location `Machine`"),
            "{error}"
        );
        assert!(error.contains("windows:LocalMachine\\MY"), "{error}");
        assert!("windows:".parse::<StoreArg>().is_err());
        assert!(matches!(
            "./windows:x".parse::<StoreArg>(),
            Ok(StoreArg::Directory(_))
        ));
        assert!(matches!(
            "examples/store".parse::<StoreArg>(),
            Ok(StoreArg::Directory(_))
        ));
    }
}
