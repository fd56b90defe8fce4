//! The SSTP service's registry parameters, read as raw values.
//!
//! [`read_sstp_parameters`] opens
//! `HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters` with
//! `KEY_READ` and returns every value it holds as a [`RawRegistryValue`]:
//! name, `REG_*` type number and data bytes, exactly as stored. Interpreting
//! them (`UseHttps`, `ListenerPort`, `SHA256CertificateHash`, …, with the
//! fallbacks of §4 of the model) is the model's job, so the same rules apply
//! to a live key, a `reg query` listing and a `.reg` export.
#![allow(unsafe_code)]

use windows_sys::Win32::Foundation::{
    ERROR_FILE_NOT_FOUND, ERROR_MORE_DATA, ERROR_NO_MORE_ITEMS, ERROR_SUCCESS,
};
use windows_sys::Win32::System::Registry::{
    HKEY, HKEY_LOCAL_MACHINE, KEY_READ, KEY_WOW64_64KEY, RegCloseKey, RegEnumValueW, RegOpenKeyExW,
    RegQueryInfoKeyW,
};

use super::{Win32Error, to_wide, utf16_units_to_string};

/// The key the SSTP service reads its parameters from, below
/// `HKEY_LOCAL_MACHINE`.
pub const SSTP_PARAMETERS_SUBKEY: &str = r"SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters";

pub use super::records::{
    REG_BINARY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_QWORD, REG_SZ, RawRegistryValue,
};

/// Why a registry key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The key does not exist (`ERROR_FILE_NOT_FOUND` from `RegOpenKeyExW`).
    /// For the SSTP key this usually means the RRAS role is not installed.
    #[error("registry key {key} does not exist")]
    KeyNotFound {
        /// The full key path, as `HKLM\...`.
        key: String,
    },
    /// `RegOpenKeyExW` failed for another reason (e.g. access denied).
    #[error("cannot open registry key {key}: {error}")]
    Open {
        /// The full key path, as `HKLM\...`.
        key: String,
        /// What the OS reported.
        error: Win32Error,
    },
    /// `RegQueryInfoKeyW` or `RegEnumValueW` failed.
    #[error("cannot read the values of registry key {key}: {error}")]
    Read {
        /// The full key path, as `HKLM\...`.
        key: String,
        /// What the OS reported.
        error: Win32Error,
    },
}

/// Every value of `HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters`,
/// in the order the registry enumerates them.
pub fn read_sstp_parameters() -> Result<Vec<RawRegistryValue>, RegistryError> {
    read_local_machine_values(SSTP_PARAMETERS_SUBKEY)
}

/// Every value of the key `HKLM\<subkey>`, read with `KEY_READ` (64-bit
/// view), in the order the registry enumerates them. Subkeys are not read.
pub fn read_local_machine_values(subkey: &str) -> Result<Vec<RawRegistryValue>, RegistryError> {
    let label = format!("HKLM\\{subkey}");
    let key = KeyHandle::open_read(subkey).map_err(|error| {
        if error.code() == ERROR_FILE_NOT_FOUND {
            RegistryError::KeyNotFound { key: label.clone() }
        } else {
            RegistryError::Open {
                key: label.clone(),
                error,
            }
        }
    })?;
    read_values(&key).map_err(|error| RegistryError::Read { key: label, error })
}

/// Enumerates the values of an open key.
fn read_values(key: &KeyHandle) -> Result<Vec<RawRegistryValue>, Win32Error> {
    let (count, mut name_capacity, mut data_capacity) = query_sizes(key)?;
    let mut values = Vec::with_capacity(count as usize);
    let mut index = 0u32;
    let mut retries = 0;
    loop {
        // +1: the maximum name length excludes the terminating NUL. The
        // data buffer has at least one byte so that its pointer is a real
        // one (Wine rejects a dangling pointer even for length 0).
        let mut name = vec![0u16; name_capacity as usize + 1];
        let mut data = vec![0u8; (data_capacity as usize).max(1)];
        let mut name_len = name.len() as u32;
        let mut data_len = data.len() as u32;
        let mut value_type = 0u32;
        // SAFETY: `key.0` is an open key. `name` is writable for `name_len`
        // UTF-16 units and `data` for `data_len` bytes (their lengths); the
        // function writes at most that much and updates both lengths, and
        // `value_type` is a live local.
        let status = unsafe {
            RegEnumValueW(
                key.0,
                index,
                name.as_mut_ptr(),
                &mut name_len,
                std::ptr::null(),
                &mut value_type,
                data.as_mut_ptr(),
                &mut data_len,
            )
        };
        match status {
            ERROR_SUCCESS => {
                let name_len = (name_len as usize).min(name.len());
                let data_len = (data_len as usize).min(data.len());
                data.truncate(data_len);
                values.push(RawRegistryValue {
                    name: utf16_units_to_string(&name[..name_len]),
                    value_type,
                    data,
                });
                index += 1;
                retries = 0;
            }
            ERROR_NO_MORE_ITEMS => return Ok(values),
            // A value grew or was added between RegQueryInfoKeyW and now:
            // ask again for the sizes and retry the same index.
            ERROR_MORE_DATA if retries < 8 => {
                retries += 1;
                let (_, names, datas) = query_sizes(key)?;
                name_capacity = names.max(name_capacity.saturating_mul(2)).min(32_767);
                data_capacity = datas.max(data_capacity.saturating_mul(2).max(64));
            }
            other => return Err(Win32Error::from_code(other)),
        }
    }
}

/// The number of values, the longest value name (UTF-16 units, without the
/// NUL) and the largest value data (bytes) of an open key.
fn query_sizes(key: &KeyHandle) -> Result<(u32, u32, u32), Win32Error> {
    let mut count = 0u32;
    let mut max_name = 0u32;
    let mut max_data = 0u32;
    // SAFETY: `key.0` is an open key; every out-pointer is either null (not
    // requested) or a live local `u32`.
    let status = unsafe {
        RegQueryInfoKeyW(
            key.0,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut count,
            &mut max_name,
            &mut max_data,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    if status == ERROR_SUCCESS {
        Ok((count, max_name, max_data))
    } else {
        Err(Win32Error::from_code(status))
    }
}

/// Owns an open registry key; closes it on drop.
struct KeyHandle(HKEY);

impl KeyHandle {
    /// `RegOpenKeyExW(HKEY_LOCAL_MACHINE, subkey, 0, KEY_READ |
    /// KEY_WOW64_64KEY)`.
    fn open_read(subkey: &str) -> Result<Self, Win32Error> {
        let wide = to_wide(subkey);
        let mut key: HKEY = std::ptr::null_mut();
        // SAFETY: `wide` is a NUL-terminated UTF-16 path that lives across
        // the call; `key` is a live local the function writes the new handle
        // to. HKEY_LOCAL_MACHINE is a predefined key and needs no opening.
        let status = unsafe {
            RegOpenKeyExW(
                HKEY_LOCAL_MACHINE,
                wide.as_ptr(),
                0,
                KEY_READ | KEY_WOW64_64KEY,
                &mut key,
            )
        };
        if status == ERROR_SUCCESS && !key.is_null() {
            Ok(Self(key))
        } else {
            Err(Win32Error::from_code(status))
        }
    }
}

impl Drop for KeyHandle {
    fn drop(&mut self) {
        // SAFETY: `self.0` is the handle RegOpenKeyExW returned, closed
        // exactly once here.
        unsafe {
            RegCloseKey(self.0);
        }
    }
}
