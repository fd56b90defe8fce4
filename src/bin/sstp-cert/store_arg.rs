//! The `--store` argument: which certificate store to read.

use std::path::PathBuf;
use std::str::FromStr;

use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::model::store::CertStore;

use crate::CliError;

/// A store named on the command line.
#[derive(Debug, Clone)]
pub enum StoreArg {
    /// A directory of certificate files.
    Directory(PathBuf),
}

impl FromStr for StoreArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err("empty store name: expected a directory".into());
        }
        Ok(StoreArg::Directory(PathBuf::from(s)))
    }
}

/// Opens the store.
pub fn open_store(arg: &StoreArg) -> Result<Box<dyn CertStore>, CliError> {
    match arg {
        StoreArg::Directory(p) => Ok(Box::new(DirectoryStore::new(p.clone()))),
    }
}
