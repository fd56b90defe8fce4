//! Helpers shared by the fuzz targets in `fuzz_targets/`.
//!
//! Every target checks invariants *inside* the target (a failed `assert!`
//! is a crash libFuzzer reports), so a parser that misreads its input
//! silently is caught as well as one that panics.

use sstp_cert::model::httpsys::{Endpoint, FieldValue, SslBinding};

/// The sample store of `examples/store`, embedded: certificate files and
/// their keys, so that targets need no file I/O.
pub mod pool {
    /// One sample: certificate file name, certificate file bytes, key
    /// file bytes.
    pub type Sample = (&'static str, &'static [u8], Option<&'static [u8]>);

    /// The samples, in store order; 04 has no key, 05 holds its key in its
    /// own PEM file.
    pub const ENTRIES: [Sample; 7] = [
        (
            "01-all-purpose-any-eku.pem",
            include_bytes!("../../examples/store/01-all-purpose-any-eku.pem"),
            Some(include_bytes!(
                "../../examples/store/01-all-purpose-any-eku.key"
            )),
        ),
        (
            "02-all-purpose-no-eku.cer",
            include_bytes!("../../examples/store/02-all-purpose-no-eku.cer"),
            Some(include_bytes!(
                "../../examples/store/02-all-purpose-no-eku.key"
            )),
        ),
        (
            "03-client-auth-only.pem",
            include_bytes!("../../examples/store/03-client-auth-only.pem"),
            Some(include_bytes!(
                "../../examples/store/03-client-auth-only.key"
            )),
        ),
        (
            "04-server-auth-no-key.pem",
            include_bytes!("../../examples/store/04-server-auth-no-key.pem"),
            None,
        ),
        (
            "05-server-auth-expired.pem",
            include_bytes!("../../examples/store/05-server-auth-expired.pem"),
            None,
        ),
        (
            "06-server-auth-property-client-only.pem",
            include_bytes!("../../examples/store/06-server-auth-property-client-only.pem"),
            Some(include_bytes!(
                "../../examples/store/06-server-auth-property-client-only.key"
            )),
        ),
        (
            "07-server-auth-vpn.pem",
            include_bytes!("../../examples/store/07-server-auth-vpn.pem"),
            Some(include_bytes!(
                "../../examples/store/07-server-auth-vpn.key"
            )),
        ),
    ];
}

/// The three files of a directory-store entry, framed in one fuzz input:
///
/// ```text
/// byte 0          flags: bit 0 = a key file follows, bit 1 = a properties file follows
/// u32 LE, bytes   the certificate file (the length is clamped to what is left)
/// u32 LE, bytes   the key file, if bit 0
/// rest            the properties file, if bit 1
/// ```
///
/// `examples/fuzz_corpus.rs` in the main crate writes seeds in this form.
pub fn split_entry_input(data: &[u8]) -> (&[u8], Option<&[u8]>, Option<&[u8]>) {
    let Some((&flags, mut rest)) = data.split_first() else {
        return (&[], None, None);
    };
    fn take<'a>(rest: &mut &'a [u8]) -> &'a [u8] {
        let all: &'a [u8] = rest;
        let (len, tail) = match all.split_first_chunk::<4>() {
            Some((len, tail)) => (u32::from_le_bytes(*len) as usize, tail),
            None => (all.len(), &all[..0]),
        };
        let (a, b) = tail.split_at(len.min(tail.len()));
        *rest = b;
        a
    }
    let cert = take(&mut rest);
    let key = (flags & 1 != 0).then(|| take(&mut rest));
    let props = (flags & 2 != 0).then_some(rest);
    (cert, key, props)
}

/// Whether `render_show` → `parse_sslcert_show` is documented to give this
/// binding back (see `render_show`): labels and values a parse can produce,
/// and no field or store-name line that would start a new block when
/// printed at the block's indentation.
pub fn renderable(b: &SslBinding) -> bool {
    let restarts = |f: &sstp_cert::model::httpsys::Field| {
        f.label == *b.labels.endpoint.as_str() && f.value.as_text().parse::<Endpoint>().is_ok()
    };
    let store_restarts = b.labels.store_name == *b.labels.endpoint.as_str()
        && b.store_name
            .as_deref()
            .is_some_and(|s| s.parse::<Endpoint>().is_ok());
    !store_restarts
        && !b.fields.iter().any(restarts)
        && b.store_name.as_deref() != Some("(null)")
        && b.extended.iter().all(|g| !g.fields.is_empty())
        && b.fields
            .iter()
            .all(|f| !matches!(f.value, FieldValue::Text(ref t) if t.is_empty()))
}
