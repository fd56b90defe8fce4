//! The CryptoAPI store reader against a real system store (on Linux: Wine's).
//!
//! Each test adds its own certificates (unique subjects) to `LocalMachine\MY`
//! — or `CurrentUser\MY` when the test process may not write the machine
//! store — and removes them again, so the tests can run in parallel and in
//! any order. Only the tests write; the reader under test opens read-only.
#![cfg(windows)]
#![allow(unsafe_code)]

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

use sstp_cert::adapters::windows::store::{
    RawStoreEntry, StoreError, SystemStoreLocation, SystemStoreName, read_system_store,
};
use windows_sys::Win32::Foundation::ERROR_ACCESS_DENIED;
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

const ENCODING: u32 = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;
const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
const ANY_EKU: &str = "2.5.29.37.0";

/// DER of OBJECT IDENTIFIER values, for building EKU property values.
fn oid_der(dotted: &str) -> Vec<u8> {
    match dotted {
        SERVER_AUTH => vec![0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01],
        CLIENT_AUTH => vec![0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02],
        ANY_EKU => vec![0x06, 0x04, 0x55, 0x1D, 0x25, 0x00],
        other => panic!("no test encoding for {other}"),
    }
}

/// The EKU property value: DER SEQUENCE OF OBJECT IDENTIFIER.
fn eku_property_der(oids: &[&str]) -> Vec<u8> {
    let content: Vec<u8> = oids.iter().flat_map(|oid| oid_der(oid)).collect();
    assert!(content.len() < 0x80);
    let mut der = vec![0x30, content.len() as u8];
    der.extend(content);
    der
}

/// A fresh self-signed certificate whose subject no other test uses.
fn unique_certificate(test: &str, server_auth_extension: bool) -> Vec<u8> {
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

fn sha1(der: &[u8]) -> [u8; 20] {
    use sha1::Digest;
    sha1::Sha1::digest(der).into()
}

/// `NUL`-terminated UTF-16.
fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

/// Serialises every write to the store across this binary's test threads.
///
/// Wine keeps a system store's certificates in memory per handle and, on
/// commit, writes back every certificate the handle knows: a writable handle
/// opened before another test deleted its certificates would write them back.
/// So each write opens its own handle, commits and closes it, under this lock.
/// (Windows writes system stores through at once; the lock costs nothing.)
static WRITE_LOCK: Mutex<()> = Mutex::new(());

/// The store the tests write to: `LocalMachine\MY`, or `CurrentUser\MY` if
/// the machine store is not writable by this process (a non-elevated run on
/// real Windows).
struct WritableStore {
    name: SystemStoreName,
}

/// An open read-write handle; committed and closed on drop.
struct WriteHandle(HCERTSTORE);

impl WriteHandle {
    fn open(location: SystemStoreLocation) -> Result<Self, std::io::Error> {
        let flag = match location {
            SystemStoreLocation::LocalMachine => CERT_SYSTEM_STORE_LOCAL_MACHINE,
            SystemStoreLocation::CurrentUser => CERT_SYSTEM_STORE_CURRENT_USER,
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
    fn open() -> Self {
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
    fn write<T>(&self, f: impl FnOnce(HCERTSTORE) -> T) -> T {
        let _lock = WRITE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let handle = WriteHandle::open(self.name.location()).expect("open MY for writing");
        f(handle.0)
    }

    /// Adds `der` and sets the given properties; the certificate is removed
    /// again when the returned guard drops.
    fn add(&self, der: &[u8], properties: &Properties) -> Added<'_> {
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

fn set_properties(context: *const CERT_CONTEXT, properties: &Properties) {
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

fn set_property(context: *const CERT_CONTEXT, id: u32, value: *const c_void) {
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
struct Properties {
    key_container: Option<&'static str>,
    eku: Option<&'static [&'static str]>,
    friendly_name: Option<&'static str>,
}

/// A certificate this test added; deleted from the store on drop.
struct Added<'a> {
    store: &'a WritableStore,
    sha1: [u8; 20],
}

impl Drop for Added<'_> {
    fn drop(&mut self) {
        let mut hash = self.sha1;
        self.store.write(|handle| {
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
fn os_order(store: &SystemStoreName) -> Vec<Vec<u8>> {
    let flag = match store.location() {
        SystemStoreLocation::LocalMachine => CERT_SYSTEM_STORE_LOCAL_MACHINE,
        SystemStoreLocation::CurrentUser => CERT_SYSTEM_STORE_CURRENT_USER,
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

/// The entries of `entries` whose DER is one of `ours`, in reader order.
fn only<'a>(entries: &'a [RawStoreEntry], ours: &[Vec<u8>]) -> Vec<&'a RawStoreEntry> {
    entries.iter().filter(|e| ours.contains(&e.der)).collect()
}

#[test]
fn reader_reports_der_key_state_eku_property_and_friendly_name() {
    let store = WritableStore::open();
    let linked_server = unique_certificate("props", true);
    let bare = unique_certificate("props", false);
    let empty_eku = unique_certificate("props", true);
    let client_any = unique_certificate("props", false);
    let a = store.add(
        &linked_server,
        &Properties {
            key_container: Some("sstp-cert-test-container"),
            eku: Some(&[SERVER_AUTH]),
            friendly_name: Some("SSTP test \u{e9}\u{1F512}"),
        },
    );
    let b = store.add(&bare, &Properties::default());
    let c = store.add(
        &empty_eku,
        &Properties {
            key_container: Some("sstp-cert-test-container"),
            eku: Some(&[]),
            ..Properties::default()
        },
    );
    let d = store.add(
        &client_any,
        &Properties {
            eku: Some(&[CLIENT_AUTH, ANY_EKU]),
            ..Properties::default()
        },
    );

    let entries = read_system_store(&store.name).expect("read the store");
    let find = |der: &Vec<u8>| {
        let found = only(&entries, std::slice::from_ref(der));
        assert_eq!(
            found.len(),
            1,
            "each added certificate is listed exactly once"
        );
        found[0].clone()
    };

    let e = find(&linked_server);
    assert!(
        e.has_key_provider_info,
        "key-provider property set → linked"
    );
    assert_eq!(e.eku_property, Some(vec![SERVER_AUTH.to_owned()]));
    assert_eq!(
        e.friendly_name.as_deref(),
        Some("SSTP test \u{e9}\u{1F512}")
    );

    let e = find(&bare);
    assert!(!e.has_key_provider_info);
    assert_eq!(e.eku_property, None, "no EKU property → None");
    assert_eq!(e.friendly_name, None);

    let e = find(&empty_eku);
    assert!(e.has_key_provider_info);
    assert_eq!(
        e.eku_property,
        Some(vec![]),
        "present but empty → Some(empty)"
    );

    let e = find(&client_any);
    assert!(!e.has_key_provider_info);
    assert_eq!(
        e.eku_property,
        Some(vec![CLIENT_AUTH.to_owned(), ANY_EKU.to_owned()])
    );

    drop((a, b, c, d));
    let ours = [linked_server, bare, empty_eku, client_any];
    let left = only(
        &read_system_store(&store.name).expect("read the store"),
        &ours,
    )
    .len();
    assert_eq!(left, 0, "the test removes what it added");
}

#[test]
fn reader_keeps_the_os_enumeration_order() {
    let store = WritableStore::open();
    let ours: Vec<Vec<u8>> = (0..5)
        .map(|i| unique_certificate("order", i % 2 == 0))
        .collect();
    let guards: Vec<Added<'_>> = ours
        .iter()
        .map(|der| store.add(der, &Properties::default()))
        .collect();

    let read: Vec<Vec<u8>> = only(
        &read_system_store(&store.name).expect("read the store"),
        &ours,
    )
    .into_iter()
    .map(|e| e.der.clone())
    .collect();
    let os: Vec<Vec<u8>> = os_order(&store.name)
        .into_iter()
        .filter(|der| ours.contains(der))
        .collect();
    assert_eq!(
        read.len(),
        ours.len(),
        "every added certificate is read once"
    );
    assert_eq!(read, os, "the reader returns the OS order, unchanged");

    let position = |der: &Vec<u8>| ours.iter().position(|o| o == der).unwrap();
    let by_thumbprint = {
        let mut sorted = ours.clone();
        sorted.sort_by_key(|der| sha1(der));
        sorted
    };
    let observed: Vec<usize> = read.iter().map(position).collect();
    let kind = if read == ours {
        "insertion order"
    } else if read == by_thumbprint {
        "SHA-1 thumbprint order"
    } else if read.iter().rev().eq(by_thumbprint.iter()) {
        "reverse SHA-1 thumbprint order"
    } else {
        "neither insertion nor thumbprint order"
    };
    report!(
        "{}: OS enumeration order of 5 added certificates: {observed:?} ({kind})",
        store.name
    );

    drop(guards);
    let left = only(
        &read_system_store(&store.name).expect("read the store"),
        &ours,
    )
    .len();
    assert_eq!(left, 0, "the test removes what it added");
}

#[test]
fn missing_store_is_an_error_naming_it() {
    let name = format!("sstp-cert-no-such-store-{}", std::process::id());
    let store = SystemStoreName::new(SystemStoreLocation::LocalMachine, &name).unwrap();
    let error = read_system_store(&store).expect_err("a store that does not exist");
    match &error {
        StoreError::Open {
            store: label,
            error: os,
        } => {
            assert_eq!(label, &format!("LocalMachine\\{name}"));
            assert_ne!(os.code(), 0);
        }
        other => panic!("expected StoreError::Open, got {other:?}"),
    }
    let text = error.to_string();
    assert!(text.contains(&name), "{text}");
    println!("{text}");
}

#[test]
fn parsed_store_name_reads_the_same_store() {
    let parsed: SystemStoreName = "LocalMachine\\MY".parse().unwrap();
    assert_eq!(parsed, SystemStoreName::local_machine_my());
    // Reading the real MY store read-only works (whatever it holds).
    let store = WritableStore::open();
    read_system_store(&store.name).expect("MY is readable");
}
