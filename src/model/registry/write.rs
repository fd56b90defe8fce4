//! Changes to the `Parameters` key: [`RegistryWrite`].

use super::*;

/// One change to the `Parameters` key, by the service or by a fix.
///
/// Serialises with an `op` tag: `{"op": "set", "name": …, "value": …}`,
/// `{"op": "delete", "name": …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "op", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum RegistryWrite {
    /// Create or replace a value.
    Set {
        /// Value name (empty: the default value).
        name: String,
        /// The data.
        value: RegValue,
    },
    /// Delete a value (nothing happens if it does not exist).
    Delete {
        /// Value name (empty: the default value).
        name: String,
    },
}

/// A write `reg add` cannot express.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "value {name:?} is of type {type_name}, which `reg add` cannot write (it writes REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD, REG_QWORD and REG_BINARY)"
)]
pub struct UnwritableValue {
    /// The value name.
    pub name: String,
    /// Its type.
    pub type_name: String,
}

impl RegistryWrite {
    /// Sets a value.
    pub fn set(name: impl Into<String>, value: RegValue) -> Self {
        RegistryWrite::Set {
            name: name.into(),
            value,
        }
    }

    /// Sets a DWORD value.
    pub fn set_dword(name: impl Into<String>, value: u32) -> Self {
        Self::set(name, RegValue::Dword(value))
    }

    /// Deletes a value.
    pub fn delete(name: impl Into<String>) -> Self {
        RegistryWrite::Delete { name: name.into() }
    }

    /// Sets `SHA256CertificateHash`.
    pub fn set_sha256_hash(hash: &Sha256Hash) -> Self {
        Self::set(
            names::SHA256_CERTIFICATE_HASH,
            RegValue::Binary(hash.as_bytes().to_vec()),
        )
    }

    /// Sets `SHA1CertificateHash`.
    pub fn set_sha1_hash(hash: &Sha1Thumbprint) -> Self {
        Self::set(
            names::SHA1_CERTIFICATE_HASH,
            RegValue::Binary(hash.as_bytes().to_vec()),
        )
    }

    /// What the service writes after it bound a certificate in automatic
    /// mode ([behaviour §6](crate::behaviour)): both hashes and `isHashConfiguredByAdmin` = 0.
    pub fn automatic_mode_record(sha256: &Sha256Hash, sha1: &Sha1Thumbprint) -> Vec<Self> {
        vec![
            Self::set_sha256_hash(sha256),
            Self::set_sha1_hash(sha1),
            Self::set_dword(names::IS_HASH_CONFIGURED_BY_ADMIN, 0),
        ]
    }

    /// What an administrator writes to pin a certificate (admin mode): both
    /// hashes and `isHashConfiguredByAdmin` = 1.
    pub fn admin_pin(sha256: &Sha256Hash, sha1: &Sha1Thumbprint) -> Vec<Self> {
        vec![
            Self::set_sha256_hash(sha256),
            Self::set_sha1_hash(sha1),
            Self::set_dword(names::IS_HASH_CONFIGURED_BY_ADMIN, 1),
        ]
    }

    /// The value name written.
    pub fn name(&self) -> &str {
        match self {
            RegistryWrite::Set { name, .. } | RegistryWrite::Delete { name } => name,
        }
    }

    /// The `reg.exe` command line that performs this write, for `cmd.exe`:
    ///
    /// * `reg add "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v SHA256CertificateHash /t REG_BINARY /d <lowercase hex> /f`
    /// * `reg add "…" /v UseHttps /t REG_DWORD /d 1 /f` (decimal numbers)
    /// * `reg add "…" /v Name /t REG_SZ /d "text" /f`; multi-strings joined by `\0`
    /// * `reg delete "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v SHA256CertificateHash /f`
    ///
    /// The default value is addressed with `/ve`. Names and strings are
    /// quoted when needed, with `"` escaped as `\"`. `cmd.exe` still expands
    /// `%VAR%` in a pasted string.
    ///
    /// # Errors
    ///
    /// [`UnwritableValue`] for a [`RegValue::Other`] value (`REG_NONE`,
    /// `REG_LINK`, a DWORD of the wrong length, …): `reg add` cannot write
    /// those.
    pub fn to_reg_command(&self) -> Result<String, UnwritableValue> {
        let target = |name: &str| {
            if name.is_empty() {
                "/ve".to_owned()
            } else {
                format!("/v {}", cmd_arg(name, false))
            }
        };
        Ok(match self {
            RegistryWrite::Delete { name } => {
                format!("reg delete \"{PARAMETERS_KEY_SHORT}\" {} /f", target(name))
            }
            RegistryWrite::Set { name, value } => {
                let data = match value {
                    RegValue::Dword(v) => v.to_string(),
                    RegValue::Qword(v) => v.to_string(),
                    RegValue::Binary(b) if b.is_empty() => "\"\"".to_owned(),
                    RegValue::Binary(b) => hex::encode(b),
                    RegValue::String(s) | RegValue::ExpandString(s) => cmd_arg(s, true),
                    RegValue::MultiString(items) => cmd_arg(&items.join("\\0"), true),
                    RegValue::Other { .. } => {
                        return Err(UnwritableValue {
                            name: name.clone(),
                            type_name: value.type_name().into_owned(),
                        });
                    }
                };
                format!(
                    "reg add \"{PARAMETERS_KEY_SHORT}\" {} /t {} /d {data} /f",
                    target(name),
                    value.type_name()
                )
            }
        })
    }
}

/// Quotes a command-line argument when needed (or always), by the rules
/// the Microsoft C runtime uses to split a command line: `"` is escaped as
/// `\"`, and backslashes before a quote are doubled.
pub(super) fn cmd_arg(s: &str, always_quote: bool) -> String {
    let needs = always_quote
        || s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || "\"&|<>^(),;=%!".contains(c));
    if !needs {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut backslashes = 0usize;
    for c in s.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.extend(std::iter::repeat_n('\\', backslashes * 2 + 1));
                out.push('"');
                backslashes = 0;
            }
            c => {
                out.extend(std::iter::repeat_n('\\', backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.extend(std::iter::repeat_n('\\', backslashes * 2));
    out.push('"');
    out
}
