//! Helpers shared by the Windows integration tests: adding certificates to
//! a system store and removing them again, writing registry keys, and a
//! `report!` line that bypasses the output capture.
//!
//! Declared with `#[macro_use] mod windows_common;` so that `report!` is in
//! scope. Each test binary uses a subset; the rest is dead code there.
#![allow(dead_code, unsafe_code)]

/// Writes a line past cargo test's output capture, so that skips and what
/// the test observed about the OS show in the log of a passing run too.
macro_rules! report {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        // One write per line, so parallel tests' lines do not interleave.
        let line = format!("{}\n", format_args!($($arg)*));
        let _ = std::io::stderr().write_all(line.as_bytes());
    }};
}

use std::ffi::c_void;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use sstp_cert::adapters::windows::store::{SystemStoreLocation, SystemStoreName};
use windows_sys::Win32::Foundation::{ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND, ERROR_SUCCESS};
use windows_sys::Win32::Security::Cryptography::{
    CERT_CONTEXT, CERT_ENHKEY_USAGE_PROP_ID, CERT_FIND_SHA1_HASH, CERT_FRIENDLY_NAME_PROP_ID,
    CERT_KEY_PROV_INFO_PROP_ID, CERT_STORE_ADD_NEW, CERT_STORE_CTRL_COMMIT,
    CERT_STORE_PROV_SYSTEM_W, CERT_STORE_READONLY_FLAG, CERT_SYSTEM_STORE_CURRENT_USER,
    CERT_SYSTEM_STORE_LOCAL_MACHINE, CRYPT_INTEGER_BLOB, CRYPT_KEY_PROV_INFO,
    CertAddEncodedCertificateToStore, CertCloseStore, CertControlStore,
    CertDeleteCertificateFromStore, CertEnumCertificatesInStore, CertFindCertificateInStore,
    CertFreeCertificateContext, CertOpenStore, CertSetCertificateContextProperty, HCERTSTORE,
    PKCS_7_ASN_ENCODING, X509_ASN_ENCODING,
};
use windows_sys::Win32::System::Registry::{
    HKEY, HKEY_LOCAL_MACHINE, KEY_ALL_ACCESS, KEY_READ, KEY_WOW64_64KEY, REG_OPTION_NON_VOLATILE,
    RegCloseKey, RegCreateKeyExW, RegDeleteTreeW, RegOpenKeyExW, RegSetValueExW,
};

// ---------------------------------------------------------------------------
// Certificate store
// ---------------------------------------------------------------------------

pub const ENCODING: u32 = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;
pub const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
pub const CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
pub const ANY_EKU: &str = "2.5.29.37.0";

/// DER of OBJECT IDENTIFIER values, for building EKU property values.
pub fn oid_der(dotted: &str) -> Vec<u8> {
    match dotted {
        SERVER_AUTH => vec![0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01],
        CLIENT_AUTH => vec![0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02],
        ANY_EKU => vec![0x06, 0x04, 0x55, 0x1D, 0x25, 0x00],
        other => panic!("no test encoding for {other}"),
    }
}

/// The EKU property value: DER SEQUENCE OF OBJECT IDENTIFIER.
pub fn eku_property_der(oids: &[&str]) -> Vec<u8> {
    let content: Vec<u8> = oids.iter().flat_map(|oid| oid_der(oid)).collect();
    assert!(content.len() < 0x80);
    let mut der = vec![0x30, content.len() as u8];
    der.extend(content);
    der
}

/// A fresh self-signed certificate whose subject no other test uses.
pub fn unique_certificate(test: &str, server_auth_extension: bool) -> Vec<u8> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let cn = format!(
        "sstp-cert test {test} #{n} pid {} t {nanos}",
        std::process::id()
    );
    let mut params = rcgen::CertificateParams::new(vec![format!("{test}-{n}.sstp-cert.test")])
        .expect("certificate parameters");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    if server_auth_extension {
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    }
    let key = rcgen::KeyPair::generate().expect("key pair");
    params
        .self_signed(&key)
        .expect("self-signed")
        .der()
        .to_vec()
}

pub fn sha1(der: &[u8]) -> [u8; 20] {
    use sha1::Digest;
    sha1::Sha1::digest(der).into()
}

/// `NUL`-terminated UTF-16.
pub fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

/// Serialises every write to the store across this binary's test threads.
///
/// Wine keeps a system store's certificates in memory per handle and, on
/// commit, writes back every certificate the handle knows: a writable handle
/// opened before another test deleted its certificates would write them back.
/// So each write opens its own handle, commits and closes it, under this lock.
/// (Windows writes system stores through at once; the lock costs nothing.)
pub static WRITE_LOCK: Mutex<()> = Mutex::new(());

/// The store the tests write to: `LocalMachine\MY`, or `CurrentUser\MY` if
/// the machine store is not writable by this process (a non-elevated run on
/// real Windows).
pub struct WritableStore {
    pub name: SystemStoreName,
}

/// An open read-write handle; committed and closed on drop.
pub struct WriteHandle(HCERTSTORE);

impl WriteHandle {
    pub fn open(location: SystemStoreLocation) -> Result<Self, std::io::Error> {
        let flag = match location {
            SystemStoreLocation::LocalMachine => CERT_SYSTEM_STORE_LOCAL_MACHINE,
            SystemStoreLocation::CurrentUser => CERT_SYSTEM_STORE_CURRENT_USER,
            other => panic!("a store location these tests do not know: {other:?}"),
        };
        let name = wide("MY");
        // SAFETY: system store provider with a NUL-terminated UTF-16 name
        // that outlives the call; read-write, open or create.
        let handle = unsafe {
            CertOpenStore(
                CERT_STORE_PROV_SYSTEM_W,
                0,
                0,
                flag,
                name.as_ptr().cast::<c_void>(),
            )
        };
        if handle.is_null() {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(Self(handle))
        }
    }
}

impl Drop for WriteHandle {
    fn drop(&mut self) {
        // SAFETY: the handle CertOpenStore returned; COMMIT takes no
        // parameter; the handle is closed exactly once.
        unsafe {
            let committed = CertControlStore(self.0, 0, CERT_STORE_CTRL_COMMIT, std::ptr::null());
            CertCloseStore(self.0, 0);
            if committed == 0 && !std::thread::panicking() {
                panic!(
                    "CertControlStore(COMMIT): {}",
                    std::io::Error::last_os_error()
                );
            }
        }
    }
}

impl WritableStore {
    pub fn open() -> Self {
        for location in [
            SystemStoreLocation::LocalMachine,
            SystemStoreLocation::CurrentUser,
        ] {
            let _lock = WRITE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
            match WriteHandle::open(location) {
                Ok(_) => {
                    return Self {
                        name: SystemStoreName::new(location, "MY").unwrap(),
                    };
                }
                Err(error) if error.raw_os_error() == Some(ERROR_ACCESS_DENIED as i32) => {
                    report!(
                        "note: {location}\\MY is not writable here ({error}); trying the next location"
                    );
                }
                Err(error) => panic!("cannot open {location}\\MY for writing: {error}"),
            }
        }
        panic!("no writable MY store");
    }

    /// Runs `f` with a fresh writable handle, under the write lock; the
    /// handle is committed and closed before the lock is released.
    pub fn write<T>(&self, f: impl FnOnce(HCERTSTORE) -> T) -> T {
        let _lock = WRITE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let handle = WriteHandle::open(self.name.location()).expect("open MY for writing");
        f(handle.0)
    }

    /// Runs `f` under the write lock, so that no test of this binary
    /// changes the store while `f` reads it (twice, say).
    pub fn locked<T>(&self, f: impl FnOnce() -> T) -> T {
        let _lock = WRITE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        f()
    }

    /// Adds `der` and sets the given properties; the certificate is removed
    /// again when the returned guard drops.
    pub fn add(&self, der: &[u8], properties: &Properties) -> Added<'_> {
        self.write(|handle| {
            let mut context: *mut CERT_CONTEXT = std::ptr::null_mut();
            // SAFETY: open store handle; `der` is readable for its length;
            // `context` receives a context reference that we free below.
            let ok = unsafe {
                CertAddEncodedCertificateToStore(
                    handle,
                    ENCODING,
                    der.as_ptr(),
                    der.len() as u32,
                    CERT_STORE_ADD_NEW,
                    &mut context,
                )
            };
            assert_ne!(
                ok,
                0,
                "CertAddEncodedCertificateToStore: {}",
                std::io::Error::last_os_error()
            );
            set_properties(context, properties);
            // SAFETY: the reference CertAddEncodedCertificateToStore gave us.
            unsafe { CertFreeCertificateContext(context) };
        });
        Added {
            store: self,
            sha1: sha1(der),
        }
    }
}

pub fn set_properties(context: *const CERT_CONTEXT, properties: &Properties) {
    if let Some(container) = properties.key_container {
        let mut container = wide(container);
        let mut provider = wide("Microsoft Enhanced RSA and AES Cryptographic Provider");
        let info = CRYPT_KEY_PROV_INFO {
            pwszContainerName: container.as_mut_ptr(),
            pwszProvName: provider.as_mut_ptr(),
            dwProvType: 24, // PROV_RSA_AES
            dwFlags: 0,
            cProvParam: 0,
            rgProvParam: std::ptr::null_mut(),
            dwKeySpec: 1, // AT_KEYEXCHANGE
        };
        set_property(
            context,
            CERT_KEY_PROV_INFO_PROP_ID,
            (&info as *const CRYPT_KEY_PROV_INFO).cast(),
        );
    }
    if let Some(oids) = properties.eku {
        let mut value = eku_property_der(oids);
        let blob = CRYPT_INTEGER_BLOB {
            cbData: value.len() as u32,
            pbData: value.as_mut_ptr(),
        };
        set_property(
            context,
            CERT_ENHKEY_USAGE_PROP_ID,
            (&blob as *const CRYPT_INTEGER_BLOB).cast(),
        );
    }
    if let Some(name) = properties.friendly_name {
        let mut value: Vec<u8> = wide(name).iter().flat_map(|u| u.to_le_bytes()).collect();
        let blob = CRYPT_INTEGER_BLOB {
            cbData: value.len() as u32,
            pbData: value.as_mut_ptr(),
        };
        set_property(
            context,
            CERT_FRIENDLY_NAME_PROP_ID,
            (&blob as *const CRYPT_INTEGER_BLOB).cast(),
        );
    }
}

pub fn set_property(context: *const CERT_CONTEXT, id: u32, value: *const c_void) {
    // SAFETY: `context` is a live context of a writable store; `value` points
    // to the structure the property id expects, alive across the call.
    let ok = unsafe { CertSetCertificateContextProperty(context, id, 0, value) };
    assert_ne!(
        ok,
        0,
        "CertSetCertificateContextProperty({id}): {}",
        std::io::Error::last_os_error()
    );
}

#[derive(Default)]
pub struct Properties {
    pub key_container: Option<&'static str>,
    pub eku: Option<&'static [&'static str]>,
    pub friendly_name: Option<&'static str>,
}

/// A certificate this test added; deleted from the store on drop.
pub struct Added<'a> {
    store: &'a WritableStore,
    /// The certificate's SHA-1 thumbprint.
    pub sha1: [u8; 20],
}

impl Drop for Added<'_> {
    fn drop(&mut self) {
        self.store.remove(self.sha1);
    }
}

impl WritableStore {
    /// Deletes the certificate with this SHA-1 thumbprint, if the store has
    /// it (e.g. left behind by a run that crashed).
    pub fn remove(&self, sha1: [u8; 20]) {
        let mut hash = sha1;
        self.write(|handle| {
            let blob = CRYPT_INTEGER_BLOB {
                cbData: 20,
                pbData: hash.as_mut_ptr(),
            };
            // SAFETY: open store; the find parameter is a hash blob alive
            // across the call; the returned context (if any) is consumed by
            // CertDeleteCertificateFromStore, which frees it.
            unsafe {
                let context = CertFindCertificateInStore(
                    handle,
                    ENCODING,
                    0,
                    CERT_FIND_SHA1_HASH,
                    (&blob as *const CRYPT_INTEGER_BLOB).cast(),
                    std::ptr::null(),
                );
                if !context.is_null() {
                    CertDeleteCertificateFromStore(context);
                }
            }
        });
    }
}

/// The DER of every certificate of `store`, as a fresh read-only handle
/// enumerates it: the test's own view of "OS order".
pub fn os_order(store: &SystemStoreName) -> Vec<Vec<u8>> {
    let flag = match store.location() {
        SystemStoreLocation::LocalMachine => CERT_SYSTEM_STORE_LOCAL_MACHINE,
        SystemStoreLocation::CurrentUser => CERT_SYSTEM_STORE_CURRENT_USER,
        other => panic!("a store location these tests do not know: {other:?}"),
    };
    let name = wide(store.name());
    let mut all = Vec::new();
    // SAFETY: as in WritableStore::open; each context returned by the
    // enumeration is handed back to it (which frees it), and its encoded
    // bytes are copied while it is alive.
    unsafe {
        let handle = CertOpenStore(
            CERT_STORE_PROV_SYSTEM_W,
            0,
            0,
            flag | CERT_STORE_READONLY_FLAG,
            name.as_ptr().cast(),
        );
        assert!(!handle.is_null());
        let mut context: *const CERT_CONTEXT = std::ptr::null();
        loop {
            context = CertEnumCertificatesInStore(handle, context);
            if context.is_null() {
                break;
            }
            let c = &*context;
            all.push(
                std::slice::from_raw_parts(c.pbCertEncoded, c.cbCertEncoded as usize).to_vec(),
            );
        }
        CertCloseStore(handle, 0);
    }
    all
}

// ---------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------

pub fn utf16_bytes(text: &str) -> Vec<u8> {
    wide(text).iter().flat_map(|u| u.to_le_bytes()).collect()
}

pub fn key_exists(subkey: &str) -> bool {
    let path = wide(subkey);
    let mut key: HKEY = std::ptr::null_mut();
    // SAFETY: NUL-terminated path alive across the call; `key` is a live
    // out-pointer, closed below when the open succeeded.
    let status = unsafe {
        RegOpenKeyExW(
            HKEY_LOCAL_MACHINE,
            path.as_ptr(),
            0,
            KEY_READ | KEY_WOW64_64KEY,
            &mut key,
        )
    };
    if status == ERROR_SUCCESS {
        // SAFETY: the handle just opened.
        unsafe { RegCloseKey(key) };
        return true;
    }
    assert_eq!(status, ERROR_FILE_NOT_FOUND, "RegOpenKeyExW({subkey})");
    false
}

/// A key this test created; deleted (with everything below it) on drop.
pub struct TestKey {
    handle: HKEY,
    /// The key to delete on drop (the created key or an ancestor of it).
    delete: String,
}

impl TestKey {
    /// Creates `HKLM\<subkey>` (and missing parents); `delete` names the key
    /// to remove when done.
    pub fn create(subkey: &str, delete: &str) -> Self {
        let path = wide(subkey);
        let mut handle: HKEY = std::ptr::null_mut();
        // SAFETY: NUL-terminated path alive across the call; no class, no
        // security attributes, no disposition wanted; `handle` is a live
        // out-pointer, closed on drop.
        let status = unsafe {
            RegCreateKeyExW(
                HKEY_LOCAL_MACHINE,
                path.as_ptr(),
                0,
                std::ptr::null(),
                REG_OPTION_NON_VOLATILE,
                KEY_ALL_ACCESS | KEY_WOW64_64KEY,
                std::ptr::null(),
                &mut handle,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(status, ERROR_SUCCESS, "RegCreateKeyExW(HKLM\\{subkey})");
        Self {
            handle,
            delete: delete.to_owned(),
        }
    }

    pub fn set(&self, name: &str, value_type: u32, data: &[u8]) {
        let name = wide(name);
        // Wine rejects the dangling pointer of an empty slice.
        let pointer = if data.is_empty() {
            std::ptr::null()
        } else {
            data.as_ptr()
        };
        // SAFETY: open key; NUL-terminated name and `data` (readable for its
        // length, or null for none) alive across the call.
        let status = unsafe {
            RegSetValueExW(
                self.handle,
                name.as_ptr(),
                0,
                value_type,
                pointer,
                data.len() as u32,
            )
        };
        assert_eq!(status, ERROR_SUCCESS, "RegSetValueExW");
    }
}

impl Drop for TestKey {
    fn drop(&mut self) {
        let path = wide(&self.delete);
        // SAFETY: the handle RegCreateKeyExW returned, closed once; then the
        // key and everything below it are deleted by path (NUL-terminated,
        // alive across the call).
        unsafe {
            RegCloseKey(self.handle);
            RegDeleteTreeW(HKEY_LOCAL_MACHINE, path.as_ptr());
        }
    }
}

pub fn unique_key(test: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!(
        "SOFTWARE\\sstp-cert-tests\\{test}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}
