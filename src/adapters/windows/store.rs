//! The CryptoAPI system certificate store, read as the SSTP service sees it.
//!
//! [`read_system_store`] opens a system store such as `LocalMachine\MY`
//! read-only, enumerates it with `CertEnumCertificatesInStore` in the order
//! the operating system returns, and for each certificate collects what §2 of
//! the model needs: the DER encoding, whether a private key is *linked* (the
//! `CERT_KEY_PROV_INFO_PROP_ID` property is present; the key itself is never
//! opened, exactly as the service does), the EKU *property* set on the store
//! entry (`CERT_ENHKEY_USAGE_PROP_ID`), and the friendly name.
#![allow(unsafe_code)]

use std::ffi::c_void;

use windows_sys::Win32::Foundation::{CRYPT_E_NOT_FOUND, ERROR_MORE_DATA, ERROR_NO_MORE_FILES};
use windows_sys::Win32::Security::Cryptography::{
    CERT_CONTEXT, CERT_ENHKEY_USAGE_PROP_ID, CERT_FRIENDLY_NAME_PROP_ID,
    CERT_KEY_PROV_INFO_PROP_ID, CERT_STORE_OPEN_EXISTING_FLAG, CERT_STORE_PROV_SYSTEM_W,
    CERT_STORE_READONLY_FLAG, CERT_SYSTEM_STORE_CURRENT_USER, CERT_SYSTEM_STORE_LOCAL_MACHINE,
    CertCloseStore, CertEnumCertificatesInStore, CertFreeCertificateContext,
    CertGetCertificateContextProperty, CertOpenStore, HCERTSTORE,
};

use super::{Win32Error, last_error_code, to_wide, utf16_bytes_to_string};

pub use super::records::{RawStoreEntry, StoreNameError, SystemStoreLocation, SystemStoreName};

impl SystemStoreLocation {
    /// The `CERT_SYSTEM_STORE_*` location flag for `CertOpenStore`.
    fn flag(self) -> u32 {
        match self {
            Self::LocalMachine => CERT_SYSTEM_STORE_LOCAL_MACHINE,
            Self::CurrentUser => CERT_SYSTEM_STORE_CURRENT_USER,
        }
    }
}

/// Why a system store could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// `CertOpenStore` failed, e.g. the store does not exist or access was
    /// denied.
    #[error("cannot open certificate store {store}: {error}")]
    Open {
        /// The store, as `LocalMachine\MY`.
        store: String,
        /// What the OS reported.
        error: Win32Error,
    },
    /// `CertEnumCertificatesInStore` stopped with an error other than "no
    /// more certificates".
    #[error("cannot enumerate certificate store {store} after {read} certificate(s): {error}")]
    Enumerate {
        /// The store, as `LocalMachine\MY`.
        store: String,
        /// How many certificates had been read before the failure.
        read: usize,
        /// What the OS reported.
        error: Win32Error,
    },
    /// A certificate context with no encoded certificate.
    #[error("certificate #{index} of store {store} has no encoded certificate")]
    EmptyCertificate {
        /// The store, as `LocalMachine\MY`.
        store: String,
        /// Its position in enumeration order, from 0.
        index: usize,
    },
    /// `CertGetCertificateContextProperty` failed for a reason other than
    /// "property not present".
    #[error("cannot read property {property_id} of certificate #{index} in store {store}: {error}")]
    Property {
        /// The store, as `LocalMachine\MY`.
        store: String,
        /// The certificate's position in enumeration order, from 0.
        index: usize,
        /// The `CERT_*_PROP_ID` number.
        property_id: u32,
        /// What the OS reported.
        error: Win32Error,
    },
    /// The EKU property is not a DER `SEQUENCE OF OBJECT IDENTIFIER`.
    #[error("the EKU property of certificate #{index} in store {store} is malformed: {reason}")]
    MalformedEkuProperty {
        /// The store, as `LocalMachine\MY`.
        store: String,
        /// The certificate's position in enumeration order, from 0.
        index: usize,
        /// What is wrong with it.
        reason: EkuDecodeError,
    },
}

/// Reads every certificate of `store`, read-only, in the order the operating
/// system enumerates them.
///
/// The store must exist (`CERT_STORE_OPEN_EXISTING_FLAG`): a misspelt store
/// name is an error rather than an empty store. The first entry that cannot
/// be read fails the whole read; [`read_system_store_entries`] reports such
/// entries one by one instead.
pub fn read_system_store(store: &SystemStoreName) -> Result<Vec<RawStoreEntry>, StoreError> {
    read_system_store_entries(store)?.into_iter().collect()
}

/// Reads every certificate of `store`, read-only, in the order the operating
/// system enumerates them, with one result per certificate.
///
/// An entry whose encoding or properties cannot be read
/// ([`StoreError::EmptyCertificate`], [`StoreError::Property`],
/// [`StoreError::MalformedEkuProperty`]) is an `Err` in its place, and the
/// entries after it are still read. Only a store that cannot be opened
/// ([`StoreError::Open`]) or enumerated ([`StoreError::Enumerate`]) fails
/// the whole read.
pub fn read_system_store_entries(
    store: &SystemStoreName,
) -> Result<Vec<Result<RawStoreEntry, StoreError>>, StoreError> {
    let label = store.to_string();
    let handle = StoreHandle::open_read_only(store).map_err(|error| StoreError::Open {
        store: label.clone(),
        error,
    })?;

    let mut entries = Vec::new();
    let mut current = ContextGuard(std::ptr::null());
    loop {
        let previous = current.release();
        // SAFETY: `handle.0` is an open store handle (owned by `handle`, which
        // outlives this loop). `previous` is either null (first call) or the
        // context returned by the previous call, whose reference is handed
        // back to the function here, which frees it; `current` no longer
        // owns it, so it is freed exactly once.
        let next = unsafe { CertEnumCertificatesInStore(handle.0, previous) };
        if next.is_null() {
            let code = last_error_code();
            if is_end_of_enumeration(code) {
                break;
            }
            return Err(StoreError::Enumerate {
                store: label,
                read: entries.len(),
                error: Win32Error::from_code(code),
            });
        }
        current = ContextGuard(next);
        entries.push(read_entry(&current, &label, entries.len()));
    }
    Ok(entries)
}

/// `CRYPT_E_NOT_FOUND` or `ERROR_NO_MORE_FILES`: the documented ways
/// `CertEnumCertificatesInStore` reports the end of the store. A null result
/// with no error set at all (0) is taken as the end too.
fn is_end_of_enumeration(code: u32) -> bool {
    code == CRYPT_E_NOT_FOUND as u32 || code == ERROR_NO_MORE_FILES || code == 0
}

/// Collects one entry's DER and properties.
fn read_entry(
    context: &ContextGuard,
    store: &str,
    index: usize,
) -> Result<RawStoreEntry, StoreError> {
    // SAFETY: `context.0` is non-null (checked by the caller) and points to
    // the CERT_CONTEXT returned by CertEnumCertificatesInStore, which stays
    // valid until the guard frees it; we only read its fields.
    let raw = unsafe { &*context.0 };
    if raw.pbCertEncoded.is_null() || raw.cbCertEncoded == 0 {
        return Err(StoreError::EmptyCertificate {
            store: store.to_owned(),
            index,
        });
    }
    // SAFETY: a certificate context's `pbCertEncoded` points to
    // `cbCertEncoded` bytes owned by the context (non-null, checked above),
    // which outlives this borrow; the bytes are copied out at once.
    let der = unsafe { std::slice::from_raw_parts(raw.pbCertEncoded, raw.cbCertEncoded as usize) }
        .to_vec();

    let property_error = |property_id, error| StoreError::Property {
        store: store.to_owned(),
        index,
        property_id,
        error,
    };
    let has_key_provider_info = property_present(context, CERT_KEY_PROV_INFO_PROP_ID)
        .map_err(|e| property_error(CERT_KEY_PROV_INFO_PROP_ID, e))?;
    let eku_property = match property_bytes(context, CERT_ENHKEY_USAGE_PROP_ID)
        .map_err(|e| property_error(CERT_ENHKEY_USAGE_PROP_ID, e))?
    {
        None => None,
        Some(bytes) => Some(decode_eku_property(&bytes).map_err(|reason| {
            StoreError::MalformedEkuProperty {
                store: store.to_owned(),
                index,
                reason,
            }
        })?),
    };
    let friendly_name = property_bytes(context, CERT_FRIENDLY_NAME_PROP_ID)
        .map_err(|e| property_error(CERT_FRIENDLY_NAME_PROP_ID, e))?
        .map(|bytes| utf16_bytes_to_string(&bytes));

    Ok(RawStoreEntry {
        der,
        has_key_provider_info,
        eku_property,
        friendly_name,
    })
}

/// Whether the context has property `id`, asked with a null buffer so that
/// nothing (in particular no private key) is opened or copied.
fn property_present(context: &ContextGuard, id: u32) -> Result<bool, Win32Error> {
    let mut size = 0u32;
    // SAFETY: `context.0` is a valid certificate context; a null `pvData`
    // asks only for the size, which is written to `size`, a live local.
    let ok = unsafe {
        CertGetCertificateContextProperty(context.0, id, std::ptr::null_mut(), &mut size)
    };
    if ok != 0 {
        return Ok(true);
    }
    match last_error_code() {
        code if code == CRYPT_E_NOT_FOUND as u32 => Ok(false),
        code => Err(Win32Error::from_code(code)),
    }
}

/// The bytes of property `id`, or `None` when the context does not have it.
fn property_bytes(context: &ContextGuard, id: u32) -> Result<Option<Vec<u8>>, Win32Error> {
    // The property can change between the size query and the read (another
    // process writing the store); retry a few times with the new size.
    for _ in 0..4 {
        let mut size = 0u32;
        // SAFETY: as in `property_present`: null buffer, size query only.
        let ok = unsafe {
            CertGetCertificateContextProperty(context.0, id, std::ptr::null_mut(), &mut size)
        };
        if ok == 0 {
            return match last_error_code() {
                code if code == CRYPT_E_NOT_FOUND as u32 => Ok(None),
                code => Err(Win32Error::from_code(code)),
            };
        }
        // At least one byte, so that the pointer is a real one even for an
        // empty property (Wine rejects dangling pointers).
        let mut buffer = vec![0u8; (size as usize).max(1)];
        let mut written = buffer.len() as u32;
        // SAFETY: `buffer` is writable for `written` bytes (its length), and
        // the function writes at most that many, storing the real length in
        // `written`, a live local.
        let ok = unsafe {
            CertGetCertificateContextProperty(
                context.0,
                id,
                buffer.as_mut_ptr().cast::<c_void>(),
                &mut written,
            )
        };
        if ok == 0 {
            match last_error_code() {
                ERROR_MORE_DATA => continue,
                code if code == CRYPT_E_NOT_FOUND as u32 => return Ok(None),
                code => return Err(Win32Error::from_code(code)),
            }
        }
        buffer.truncate((written as usize).min(buffer.len()));
        return Ok(Some(buffer));
    }
    Err(Win32Error::from_code(ERROR_MORE_DATA))
}

/// Owns an open store handle; closes it on drop.
struct StoreHandle(HCERTSTORE);

impl StoreHandle {
    /// `CertOpenStore(CERT_STORE_PROV_SYSTEM_W, ..., location | READONLY |
    /// OPEN_EXISTING, name)`.
    fn open_read_only(store: &SystemStoreName) -> Result<Self, Win32Error> {
        let name = to_wide(store.name());
        // SAFETY: CERT_STORE_PROV_SYSTEM_W takes `pvPara` as a NUL-terminated
        // UTF-16 store name; `name` is one and lives across the call. No
        // crypto provider handle is passed (0), and the flags only select the
        // location and read-only, open-existing access.
        let handle = unsafe {
            CertOpenStore(
                CERT_STORE_PROV_SYSTEM_W,
                0,
                0,
                store.location().flag() | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG,
                name.as_ptr().cast::<c_void>(),
            )
        };
        if handle.is_null() {
            Err(Win32Error::last())
        } else {
            Ok(Self(handle))
        }
    }
}

impl Drop for StoreHandle {
    fn drop(&mut self) {
        // SAFETY: `self.0` is the non-null handle CertOpenStore returned,
        // closed exactly once here. Flags 0: outstanding contexts keep the
        // store's memory alive until they are freed themselves.
        unsafe {
            CertCloseStore(self.0, 0);
        }
    }
}

/// Owns one reference to a certificate context (or nothing, when null);
/// frees it on drop.
struct ContextGuard(*const CERT_CONTEXT);

impl ContextGuard {
    /// Gives up ownership of the context, returning it.
    fn release(&mut self) -> *const CERT_CONTEXT {
        std::mem::replace(&mut self.0, std::ptr::null())
    }
}

impl Drop for ContextGuard {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the guard owns exactly one reference to this context
            // (returned by CertEnumCertificatesInStore and not handed back to
            // it), released exactly once here.
            unsafe {
                CertFreeCertificateContext(self.0);
            }
        }
    }
}

/// Why an EKU property value is not a DER `SEQUENCE OF OBJECT IDENTIFIER`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EkuDecodeError {
    /// The value does not start with a SEQUENCE tag (0x30).
    #[error("expected a SEQUENCE (tag 0x30), found tag 0x{0:02X}")]
    NotASequence(u8),
    /// A length runs past the end of the value, or is not valid DER.
    #[error("bad or truncated length at byte {0}")]
    BadLength(usize),
    /// Bytes follow the SEQUENCE.
    #[error("{0} trailing byte(s) after the SEQUENCE")]
    TrailingBytes(usize),
    /// An element of the sequence is not an OBJECT IDENTIFIER (tag 0x06).
    #[error("element at byte {offset} has tag 0x{tag:02X}, not OBJECT IDENTIFIER (0x06)")]
    NotAnOid {
        /// Where the element starts.
        offset: usize,
        /// Its tag.
        tag: u8,
    },
    /// An OBJECT IDENTIFIER whose content is not valid (empty, unterminated
    /// arc, non-minimal arc, or an arc too large for 64 bits).
    #[error("invalid OBJECT IDENTIFIER at byte {0}")]
    BadOid(usize),
    /// The value is empty.
    #[error("the value is empty")]
    Empty,
}

/// Decodes the EKU property (`CERT_ENHKEY_USAGE_PROP_ID`), a DER
/// `SEQUENCE OF OBJECT IDENTIFIER`, into dotted OID strings in stored order.
///
/// Equivalent to `CryptDecodeObject(X509_ENHANCED_KEY_USAGE)`, done in safe
/// Rust so that a malformed value is an error rather than undefined behaviour.
pub fn decode_eku_property(bytes: &[u8]) -> Result<Vec<String>, EkuDecodeError> {
    let (&tag, _) = bytes.split_first().ok_or(EkuDecodeError::Empty)?;
    if tag != 0x30 {
        return Err(EkuDecodeError::NotASequence(tag));
    }
    let (content_start, content_len) = read_length(bytes, 1)?;
    let end = content_start + content_len;
    if end != bytes.len() {
        return Err(EkuDecodeError::TrailingBytes(bytes.len() - end));
    }
    let mut oids = Vec::new();
    let mut offset = content_start;
    while offset < end {
        let tag = bytes[offset];
        if tag != 0x06 {
            return Err(EkuDecodeError::NotAnOid { offset, tag });
        }
        let (start, len) = read_length(&bytes[..end], offset + 1)?;
        oids.push(oid_to_dotted(&bytes[start..start + len]).ok_or(EkuDecodeError::BadOid(offset))?);
        offset = start + len;
    }
    Ok(oids)
}

/// Reads a DER length at `at`; returns where the content starts and its
/// length, having checked that the content lies within `bytes`.
fn read_length(bytes: &[u8], at: usize) -> Result<(usize, usize), EkuDecodeError> {
    let bad = EkuDecodeError::BadLength(at);
    let &first = bytes.get(at).ok_or(bad.clone())?;
    let (start, len) = if first < 0x80 {
        (at + 1, usize::from(first))
    } else {
        let count = usize::from(first & 0x7F);
        // 0x80 (indefinite) is not DER; more than 4 length bytes is absurd
        // for a store property.
        if count == 0 || count > 4 {
            return Err(bad);
        }
        let digits = bytes.get(at + 1..at + 1 + count).ok_or(bad.clone())?;
        if digits[0] == 0 {
            return Err(bad);
        }
        let len = digits
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        if len < 0x80 {
            return Err(bad);
        }
        (at + 1 + count, len)
    };
    match start.checked_add(len) {
        Some(end) if end <= bytes.len() => Ok((start, len)),
        _ => Err(bad),
    }
}

/// The dotted form of an OBJECT IDENTIFIER's content octets.
fn oid_to_dotted(content: &[u8]) -> Option<String> {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    let mut in_arc = false;
    for &byte in content {
        if !in_arc && byte == 0x80 {
            return None; // non-minimal encoding
        }
        if value > (u64::MAX >> 7) {
            return None;
        }
        value = (value << 7) | u64::from(byte & 0x7F);
        in_arc = byte & 0x80 != 0;
        if !in_arc {
            arcs.push(value);
            value = 0;
        }
    }
    if in_arc || arcs.is_empty() {
        return None;
    }
    let first = arcs[0];
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut text = format!("{a}.{b}");
    for arc in &arcs[1..] {
        text.push('.');
        text.push_str(&arc.to_string());
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_eku_property() {
        // SEQUENCE { 1.3.6.1.5.5.7.3.1, 2.5.29.37.0 }
        let der = [
            0x30, 0x0F, 0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01, 0x06, 0x03,
            0x55, 0x1D, 0x25,
        ];
        // The second OID above is 2.5.29.37 (3 content bytes); add the .0 arc.
        let mut with_any = der.to_vec();
        with_any[1] += 1;
        with_any[13] += 1;
        with_any.push(0x00);
        assert_eq!(
            decode_eku_property(&with_any).unwrap(),
            vec!["1.3.6.1.5.5.7.3.1".to_owned(), "2.5.29.37.0".to_owned()]
        );
        assert_eq!(
            decode_eku_property(&[0x30, 0x00]).unwrap(),
            Vec::<String>::new()
        );
        // Large arc (Microsoft OID 1.3.6.1.4.1.311.10.3.4).
        let ms = [
            0x30, 0x0C, 0x06, 0x0A, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0A, 0x03, 0x04,
        ];
        assert_eq!(
            decode_eku_property(&ms).unwrap(),
            vec!["1.3.6.1.4.1.311.10.3.4"]
        );
    }

    #[test]
    fn rejects_malformed_eku_property() {
        assert_eq!(decode_eku_property(&[]), Err(EkuDecodeError::Empty));
        assert_eq!(
            decode_eku_property(&[0x31, 0x00]),
            Err(EkuDecodeError::NotASequence(0x31))
        );
        assert_eq!(
            decode_eku_property(&[0x30, 0x05, 0x06]),
            Err(EkuDecodeError::BadLength(1))
        );
        assert_eq!(
            decode_eku_property(&[0x30, 0x00, 0x00]),
            Err(EkuDecodeError::TrailingBytes(1))
        );
        assert_eq!(
            decode_eku_property(&[0x30, 0x02, 0x04, 0x00]),
            Err(EkuDecodeError::NotAnOid {
                offset: 2,
                tag: 0x04
            })
        );
        assert_eq!(
            decode_eku_property(&[0x30, 0x02, 0x06, 0x00]),
            Err(EkuDecodeError::BadOid(2))
        );
        assert_eq!(
            decode_eku_property(&[0x30, 0x03, 0x06, 0x01, 0x81]),
            Err(EkuDecodeError::BadOid(2))
        );
        assert_eq!(
            decode_eku_property(&[0x30, 0x03, 0x06, 0x05, 0x2B]),
            Err(EkuDecodeError::BadLength(3))
        );
        assert_eq!(
            decode_eku_property(&[0x30, 0x80, 0x00, 0x00]),
            Err(EkuDecodeError::BadLength(1))
        );
    }
}
