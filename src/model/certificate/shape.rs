//! The identifier octets (class, form and number) of a certificate's
//! structure.
//!
//! x509-parser matches most elements of a certificate by tag *number*
//! alone: a certificate whose outer `SEQUENCE` (`0x30`) is written as a
//! context-specific `[16]` (`0xB0`), or whose validity times carry the
//! application class, parses as if it were correct. CryptoAPI decodes those
//! tags exactly and refuses such a blob (`CRYPT_E_ASN1_BADTAG`), so the
//! service never sees it as a certificate. This module walks the parts of
//! the structure the model reads — the certificate and `tbsCertificate`
//! skeleton, algorithm identifiers, names, validity, the public key (with
//! an EC key's curve parameters, which the model reads), the extension list and the values of the extensions the model interprets
//! (extended key usage, key usage, basic constraints, subject alternative
//! names) — and checks every identifier octet against X.509 (RFC 5280
//! §4.1). The contents of "any" slots (algorithm parameters, attribute
//! values, other extensions' values) are not the model's business and are
//! not checked.
//!
//! It runs after x509-parser accepted the bytes, so the lengths are known
//! to be consistent; it only reads identifier and length octets, with the
//! few lines of [`header`], and allocates nothing. (asn1-rs's generic
//! `Any::from_ber`, tried first, cost as much per certificate as
//! x509-parser's whole parse: `select/100` went from 585 µs to 1.05 ms.)

use super::CertificateError;

/// The class of a tag (X.690 §8.1.2.2), from the identifier's top bits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Universal,
    Application,
    ContextSpecific,
    Private,
}

impl Class {
    #[inline]
    fn of(identifier: u8) -> Class {
        match identifier >> 6 {
            0 => Class::Universal,
            1 => Class::Application,
            2 => Class::ContextSpecific,
            _ => Class::Private,
        }
    }
}

/// One expected identifier: class, constructed form (`None`: either) and
/// tag number (below 31 for every identifier the walk expects, so that
/// its first identifier octet says it all: [`Id::matches`] compares that
/// octet under a mask).
#[derive(Debug, Clone, Copy)]
struct Id {
    name: &'static str,
    /// The identifier octet (the constructed bit clear when either form
    /// is allowed).
    octet: u8,
    /// The bits of the identifier octet that must equal `octet`.
    mask: u8,
}

const fn id(class: Class, constructed: Option<bool>, number: u32, name: &'static str) -> Id {
    assert!(number < 0x1f, "low tag numbers only");
    let class_bits = match class {
        Class::Universal => 0x00,
        Class::Application => 0x40,
        Class::ContextSpecific => 0x80,
        Class::Private => 0xc0,
    };
    let (form_bit, mask) = match constructed {
        Some(true) => (0x20, 0xff),
        Some(false) => (0x00, 0xff),
        None => (0x00, 0xdf),
    };
    Id {
        name,
        octet: class_bits | form_bit | number as u8,
        mask,
    }
}

const fn universal(number: u32, constructed: bool, name: &'static str) -> Id {
    id(Class::Universal, Some(constructed), number, name)
}

const fn context(number: u32, constructed: Option<bool>, name: &'static str) -> Id {
    id(Class::ContextSpecific, constructed, number, name)
}

const SEQUENCE: Id = universal(16, true, "SEQUENCE");
const SET: Id = universal(17, true, "SET");
const INTEGER: Id = universal(2, false, "INTEGER");
const BOOLEAN: Id = universal(1, false, "BOOLEAN");
const BIT_STRING: Id = universal(3, false, "BIT STRING");
const OCTET_STRING: Id = universal(4, false, "OCTET STRING");
const NULL: Id = universal(5, false, "NULL");
const OID: Id = universal(6, false, "OBJECT IDENTIFIER");
const UTC_TIME: Id = universal(23, false, "UTCTime");
const GENERALIZED_TIME: Id = universal(24, false, "GeneralizedTime");
const VERSION: Id = context(0, Some(true), "[0] EXPLICIT");
const ISSUER_UID: Id = context(1, None, "[1] IMPLICIT");
const SUBJECT_UID: Id = context(2, None, "[2] IMPLICIT");
const EXTENSIONS: Id = context(3, Some(true), "[3] EXPLICIT");

/// Content octets of extnValue for these OIDs are checked.
const EKU: &[u8] = &[0x55, 0x1d, 0x25];
const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];

impl Id {
    /// Class, form (when fixed) and number all as expected. A high tag
    /// number (low five bits all set) never matches: `octet`'s are below 31.
    #[inline(always)]
    fn matches(&self, e: &Element<'_>) -> bool {
        e.identifier & self.mask == self.octet
    }

    /// Class and number as expected, whatever the form.
    #[inline(always)]
    fn same_tag(&self, e: &Element<'_>) -> bool {
        e.identifier & 0xdf == self.octet & 0xdf
    }
}

/// One element: its first identifier octet, tag number, where it starts
/// and its content octets.
#[derive(Debug)]
struct Element<'a> {
    identifier: u8,
    number: u32,
    offset: usize,
    content_offset: usize,
    content: &'a [u8],
}

impl<'a> Element<'a> {
    #[inline]
    fn len(&self) -> usize {
        self.content_offset - self.offset + self.content.len()
    }

    #[inline]
    fn children(&self) -> Cursor<'a> {
        Cursor {
            bytes: self.content,
            offset: self.content_offset,
        }
    }
}

/// The usual case of [`header`], read in a few instructions: a low tag
/// number and a length in at most two octets after the first, with the
/// content all there. `None` for everything else (for which `header`
/// reads the long forms or says what is wrong): the first identifier
/// octet (whose low five bits are the tag number), the header's length
/// and the content's length.
#[inline(always)]
fn short_header(bytes: &[u8]) -> Option<(u8, usize, usize)> {
    let [identifier, first, rest @ ..] = bytes else {
        return None;
    };
    if identifier & 0x1f == 0x1f {
        return None;
    }
    let (header_len, len) = match (*first, rest) {
        (0..=0x7f, _) => (2, usize::from(*first)),
        (0x81, [l, ..]) => (3, usize::from(*l)),
        (0x82, [h, l, ..]) => (4, (usize::from(*h) << 8) | usize::from(*l)),
        _ => return None,
    };
    (bytes.len() - header_len >= len).then_some((*identifier, header_len, len))
}

/// Reads the identifier and length octets at the start of `bytes`: the
/// first identifier octet, the tag number, the header's length and the
/// content's length. Definite lengths only (DER).
fn header(bytes: &[u8]) -> Result<(u8, u32, usize, usize), &'static str> {
    let (&identifier, mut rest) = bytes.split_first().ok_or("no identifier octet")?;
    let mut number = u32::from(identifier & 0x1f);
    if number == 0x1f {
        // High tag number form: base 128, at most four octets here.
        number = 0;
        loop {
            let (&b, r) = rest.split_first().ok_or("truncated tag number")?;
            rest = r;
            if number >= 1 << 21 {
                return Err("tag number too large");
            }
            number = (number << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
        if number < 0x1f {
            return Err("tag number below 31 in the long form (not DER)");
        }
    }
    let (&first, mut rest) = rest.split_first().ok_or("no length octet")?;
    let len = match first {
        0..=0x7f => usize::from(first),
        0x80 => return Err("indefinite length"),
        _ => {
            let n = usize::from(first & 0x7f);
            if n > 4 || rest.len() < n {
                return Err("bad length");
            }
            let (octets, r) = rest.split_at(n);
            rest = r;
            octets.iter().fold(0, |acc, &b| (acc << 8) | usize::from(b))
        }
    };
    let header_len = bytes.len() - rest.len();
    if rest.len() < len {
        return Err("content beyond the end of its parent");
    }
    Ok((identifier, number, header_len, len))
}

/// Reads elements one after the other, keeping track of their offsets in
/// the whole certificate.
struct Cursor<'a> {
    bytes: &'a [u8],
    offset: usize,
}

/// What was wrong, where: small and `Copy`, so that the walk passes it
/// cheaply; made into a [`CertificateError`] once, by [`check`].
#[derive(Debug, Clone, Copy)]
struct Bad {
    what: &'static str,
    offset: usize,
    problem: Problem,
}

#[derive(Debug, Clone, Copy)]
enum Problem {
    /// The identifier or length octets could not be read.
    Header(&'static str),
    /// A required element is missing.
    Missing,
    /// An element of a tag none of `expected` has.
    Unexpected {
        expected: &'static [Id],
        identifier: u8,
        number: u32,
    },
    /// An element after the last one the structure has.
    Extra { identifier: u8, number: u32 },
}

type Walk<T> = Result<T, Bad>;

impl From<Bad> for CertificateError {
    fn from(bad: Bad) -> Self {
        let Bad {
            what,
            offset,
            problem,
        } = bad;
        let reason = match problem {
            Problem::Header(e) => format!("{what} at byte {offset}: {e}"),
            Problem::Missing => format!("{what} missing at byte {offset}"),
            Problem::Unexpected {
                expected,
                identifier,
                number,
            } => {
                let expected: Vec<&str> = expected.iter().map(|id| id.name).collect();
                format!(
                    "{what} at byte {offset}: expected {}, found {}",
                    expected.join(" or "),
                    describe(identifier, number)
                )
            }
            Problem::Extra { identifier, number } => format!(
                "{what}: unexpected element {} at byte {offset}",
                describe(identifier, number)
            ),
        };
        CertificateError::NotDer { reason }
    }
}

impl<'a> Cursor<'a> {
    /// The next element, without consuming it; `None` at the end.
    #[inline(always)]
    fn peek(&self, what: &'static str) -> Walk<Option<Element<'a>>> {
        if self.bytes.is_empty() {
            return Ok(None);
        }
        // Made in one place per path, so that the usual case stays in
        // registers.
        match short_header(self.bytes) {
            Some((identifier, header_len, len)) => Ok(Some(self.element(
                identifier,
                u32::from(identifier & 0x1f),
                header_len,
                len,
            ))),
            None => self.peek_in_full(what).map(Some),
        }
    }

    /// [`Cursor::peek`] of a header [`short_header`] does not read.
    #[inline(never)]
    fn peek_in_full(&self, what: &'static str) -> Walk<Element<'a>> {
        let (identifier, number, header_len, len) = header(self.bytes).map_err(|e| Bad {
            what,
            offset: self.offset,
            problem: Problem::Header(e),
        })?;
        Ok(self.element(identifier, number, header_len, len))
    }

    #[inline(always)]
    fn element(&self, identifier: u8, number: u32, header_len: usize, len: usize) -> Element<'a> {
        Element {
            identifier,
            number,
            offset: self.offset,
            content_offset: self.offset + header_len,
            content: &self.bytes[header_len..header_len + len],
        }
    }

    #[inline(always)]
    fn advance(&mut self, element: &Element<'a>) {
        let consumed = element.len();
        self.bytes = &self.bytes[consumed..];
        self.offset += consumed;
    }

    /// The next element, consumed; `None` at the end.
    #[inline(always)]
    fn next(&mut self, what: &'static str) -> Walk<Option<Element<'a>>> {
        let element = self.peek(what)?;
        if let Some(e) = &element {
            self.advance(e);
        }
        Ok(element)
    }

    /// The next element, which must be one of `ids`.
    #[inline(always)]
    fn expect(&mut self, what: &'static str, ids: &'static [Id]) -> Walk<Element<'a>> {
        let element = self.any(what)?;
        check_tag(what, ids, &element)?;
        Ok(element)
    }

    /// The next element if it has the class and tag number of `id` (an
    /// optional field); an element of another tag is left for the next
    /// field.
    #[inline(always)]
    fn optional(&mut self, what: &'static str, id: &'static Id) -> Walk<Option<Element<'a>>> {
        match self.peek(what)? {
            Some(e) if id.same_tag(&e) => {
                check_tag(what, std::slice::from_ref(id), &e)?;
                self.advance(&e);
                Ok(Some(e))
            }
            _ => Ok(None),
        }
    }

    /// The next element, of any tag (a required "any" slot).
    #[inline(always)]
    fn any(&mut self, what: &'static str) -> Walk<Element<'a>> {
        let offset = self.offset;
        self.next(what)?.ok_or(Bad {
            what,
            offset,
            problem: Problem::Missing,
        })
    }

    #[inline(always)]
    fn end(&self, what: &'static str) -> Walk<()> {
        match self.peek(what)? {
            None => Ok(()),
            Some(e) => Err(Bad {
                what,
                offset: e.offset,
                problem: Problem::Extra {
                    identifier: e.identifier,
                    number: e.number,
                },
            }),
        }
    }
}

#[inline(always)]
fn check_tag(what: &'static str, ids: &'static [Id], element: &Element<'_>) -> Walk<()> {
    if ids.iter().any(|id| id.matches(element)) {
        Ok(())
    } else {
        Err(unexpected(what, ids, element))
    }
}

#[cold]
fn unexpected(what: &'static str, ids: &'static [Id], element: &Element<'_>) -> Bad {
    Bad {
        what,
        offset: element.offset,
        problem: Problem::Unexpected {
            expected: ids,
            identifier: element.identifier,
            number: element.number,
        },
    }
}

fn describe(identifier: u8, number: u32) -> String {
    let form = if identifier & 0x20 != 0 {
        "constructed"
    } else {
        "primitive"
    };
    let class = match Class::of(identifier) {
        Class::Universal => "universal",
        Class::Application => "application",
        Class::ContextSpecific => "context-specific",
        Class::Private => "private",
    };
    format!("{class} {form} [{number}] (0x{identifier:02X})")
}

/// Checks the identifier octets of `der`, a certificate x509-parser
/// accepted.
pub(super) fn check(der: &[u8]) -> Result<(), CertificateError> {
    Ok(certificate(der)?)
}

fn certificate(der: &[u8]) -> Walk<()> {
    let mut top = Cursor {
        bytes: der,
        offset: 0,
    };
    let certificate = top.expect("Certificate", &[SEQUENCE])?;
    let mut c = certificate.children();
    tbs_certificate(&c.expect("tbsCertificate", &[SEQUENCE])?)?;
    algorithm(
        &c.expect("signatureAlgorithm", &[SEQUENCE])?,
        "signatureAlgorithm",
    )?;
    c.expect("signatureValue", &[BIT_STRING])?;
    c.end("Certificate")
}

fn tbs_certificate(tbs: &Element<'_>) -> Walk<()> {
    let mut c = tbs.children();
    if let Some(version) = c.optional("version", &VERSION)? {
        let mut v = version.children();
        v.expect("version", &[INTEGER])?;
        v.end("version")?;
    }
    c.expect("serialNumber", &[INTEGER])?;
    algorithm(&c.expect("signature", &[SEQUENCE])?, "signature")?;
    name(&c.expect("issuer", &[SEQUENCE])?, "issuer")?;
    let validity = c.expect("validity", &[SEQUENCE])?;
    let mut v = validity.children();
    v.expect("validity.notBefore", &[UTC_TIME, GENERALIZED_TIME])?;
    v.expect("validity.notAfter", &[UTC_TIME, GENERALIZED_TIME])?;
    v.end("validity")?;
    name(&c.expect("subject", &[SEQUENCE])?, "subject")?;
    let spki = c.expect("subjectPublicKeyInfo", &[SEQUENCE])?;
    let mut s = spki.children();
    public_key_algorithm(&s.expect("subjectPublicKeyInfo.algorithm", &[SEQUENCE])?)?;
    s.expect("subjectPublicKeyInfo.subjectPublicKey", &[BIT_STRING])?;
    s.end("subjectPublicKeyInfo")?;
    c.optional("issuerUniqueID", &ISSUER_UID)?;
    c.optional("subjectUniqueID", &SUBJECT_UID)?;
    if let Some(extensions) = c.optional("extensions", &EXTENSIONS)? {
        let mut e = extensions.children();
        let list = e.expect("extensions", &[SEQUENCE])?;
        e.end("extensions")?;
        let mut l = list.children();
        while let Some(e) = l.next("extension")? {
            check_tag("extension", &[SEQUENCE], &e)?;
            extension(&e)?;
        }
    }
    c.end("tbsCertificate")
}

fn algorithm(alg: &Element<'_>, what: &'static str) -> Walk<()> {
    let mut c = alg.children();
    c.expect(what, &[OID])?;
    c.next(what)?; // parameters: any type, optional
    c.end(what)
}

/// The key's algorithm: the model reads the curve of an EC key, so its
/// parameters must be ECParameters (RFC 5480: `namedCurve` OID, `NULL` or
/// `specifiedCurve` SEQUENCE); RSA's are `NULL` or absent (RFC 4055); other
/// algorithms' parameters are not read.
fn public_key_algorithm(alg: &Element<'_>) -> Walk<()> {
    const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const WHAT: &str = "subjectPublicKeyInfo.algorithm";
    let mut c = alg.children();
    let oid = c.expect(WHAT, &[OID])?;
    match oid.content {
        EC => {
            c.expect(
                "subjectPublicKeyInfo.algorithm.parameters",
                &[OID, NULL, SEQUENCE],
            )?;
        }
        RSA => {
            c.optional("subjectPublicKeyInfo.algorithm.parameters", &NULL)?;
        }
        _ => {
            c.next(WHAT)?;
        }
    }
    c.end(WHAT)
}

fn name(name: &Element<'_>, what: &'static str) -> Walk<()> {
    let mut rdns = name.children();
    while let Some(rdn) = rdns.next(what)? {
        check_tag(what, &[SET], &rdn)?;
        let mut attributes = rdn.children();
        while let Some(attribute) = attributes.next(what)? {
            check_tag(what, &[SEQUENCE], &attribute)?;
            let mut a = attribute.children();
            a.expect(what, &[OID])?;
            a.any(what)?; // the value: any type
            a.end(what)?;
        }
    }
    Ok(())
}

fn extension(ext: &Element<'_>) -> Walk<()> {
    let mut c = ext.children();
    let oid = c.expect("extension.extnID", &[OID])?;
    c.optional("extension.critical", &BOOLEAN)?;
    let value = c.expect("extension.extnValue", &[OCTET_STRING])?;
    c.end("extension")?;
    let inner = value.children();
    match oid.content {
        EKU => eku(inner),
        KEY_USAGE => single(inner, "keyUsage", &[BIT_STRING]),
        BASIC_CONSTRAINTS => basic_constraints(inner),
        SUBJECT_ALT_NAME => subject_alt_name(inner),
        _ => Ok(()),
    }
}

fn single(mut c: Cursor<'_>, what: &'static str, ids: &'static [Id]) -> Walk<()> {
    c.expect(what, ids)?;
    c.end(what)
}

fn eku(mut c: Cursor<'_>) -> Walk<()> {
    let list = c.expect("extKeyUsage", &[SEQUENCE])?;
    c.end("extKeyUsage")?;
    let mut purposes = list.children();
    while let Some(purpose) = purposes.next("extKeyUsage")? {
        check_tag("extKeyUsage.keyPurposeId", &[OID], &purpose)?;
    }
    Ok(())
}

fn basic_constraints(mut c: Cursor<'_>) -> Walk<()> {
    let seq = c.expect("basicConstraints", &[SEQUENCE])?;
    c.end("basicConstraints")?;
    let mut fields = seq.children();
    fields.optional("basicConstraints.cA", &BOOLEAN)?;
    fields.optional("basicConstraints.pathLenConstraint", &INTEGER)?;
    fields.end("basicConstraints")
}

/// GeneralName choices (RFC 5280 §4.2.1.6): context-specific `[0]`–`[8]`;
/// `otherName`, `x400Address`, `directoryName` and `ediPartyName` are
/// constructed, the others primitive.
fn subject_alt_name(mut c: Cursor<'_>) -> Walk<()> {
    const GENERAL_NAMES: [Id; 9] = [
        context(0, Some(true), "[0] otherName"),
        context(1, Some(false), "[1] rfc822Name"),
        context(2, Some(false), "[2] dNSName"),
        context(3, Some(true), "[3] x400Address"),
        context(4, Some(true), "[4] directoryName"),
        context(5, Some(true), "[5] ediPartyName"),
        context(6, Some(false), "[6] uniformResourceIdentifier"),
        context(7, Some(false), "[7] iPAddress"),
        context(8, Some(false), "[8] registeredID"),
    ];
    let list = c.expect("subjectAltName", &[SEQUENCE])?;
    c.end("subjectAltName")?;
    let mut names = list.children();
    while let Some(name) = names.next("subjectAltName")? {
        check_tag("subjectAltName.GeneralName", &GENERAL_NAMES, &name)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use x509_parser::asn1_rs::{Any, FromBer};

    #[test]
    fn header_reads_short_and_long_forms() {
        assert_eq!(header(&[0x30, 0x00]), Ok((0x30, 16, 2, 0)));
        assert_eq!(header(&[0x04, 0x02, 1, 2]), Ok((0x04, 4, 2, 2)));
        let mut long = vec![0x30, 0x82, 0x01, 0x00];
        long.resize(4 + 256, 0);
        assert_eq!(header(&long), Ok((0x30, 16, 4, 256)));
        // High tag number form: [31] and [200], context-specific.
        assert_eq!(header(&[0x9f, 0x1f, 0x00]), Ok((0x9f, 31, 3, 0)));
        assert_eq!(header(&[0x9f, 0x81, 0x48, 0x00]), Ok((0x9f, 200, 4, 0)));
    }

    #[test]
    fn header_refuses_what_is_not_der() {
        assert_eq!(header(&[]), Err("no identifier octet"));
        assert_eq!(header(&[0x30]), Err("no length octet"));
        assert_eq!(header(&[0x30, 0x80, 0, 0]), Err("indefinite length"));
        assert_eq!(header(&[0x30, 0x85, 1, 1, 1, 1, 1]), Err("bad length"));
        assert_eq!(header(&[0x30, 0x82, 0x01]), Err("bad length"));
        assert_eq!(
            header(&[0x30, 0x03, 0x00]),
            Err("content beyond the end of its parent")
        );
        assert_eq!(header(&[0x9f, 0x81]), Err("truncated tag number"));
        assert_eq!(
            header(&[0x9f, 0x02, 0x00]),
            Err("tag number below 31 in the long form (not DER)")
        );
        assert_eq!(
            header(&[0x9f, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00]),
            Err("tag number too large")
        );
    }

    #[test]
    fn ids_match_class_form_and_number() {
        let classes = [
            Class::Universal,
            Class::Application,
            Class::ContextSpecific,
            Class::Private,
        ];
        for class in classes {
            for constructed in [None, Some(false), Some(true)] {
                for number in [0, 1, 3, 16, 17, 30] {
                    let expected = id(class, constructed, number, "x");
                    for octet in 0..=u8::MAX {
                        // A high tag number is 31 or more when the low
                        // bits are all set: 31 stands for them all here.
                        let element_number = u32::from(octet & 0x1f);
                        let e = Element {
                            identifier: octet,
                            number: element_number,
                            offset: 0,
                            content_offset: 0,
                            content: &[],
                        };
                        let same_tag = Class::of(octet) == class && element_number == number;
                        let form = constructed.is_none_or(|c| c == (octet & 0x20 != 0));
                        assert_eq!(expected.same_tag(&e), same_tag, "{octet:#04x}");
                        assert_eq!(expected.matches(&e), same_tag && form, "{octet:#04x}");
                    }
                }
            }
        }
    }

    #[test]
    fn errors_name_the_element_and_its_byte() {
        let mut c = Cursor {
            bytes: &[0x02, 0x01, 0x05, 0x31, 0x00],
            offset: 10,
        };
        c.expect("serialNumber", &[INTEGER]).unwrap();
        let e = c.expect("signature", &[SEQUENCE]).unwrap_err();
        assert_eq!(
            CertificateError::from(e).to_string(),
            "not a DER X.509 certificate: signature at byte 13: expected SEQUENCE, \
             found universal constructed [17] (0x31)"
        );
        // Nothing is left after the SET.
        let e = c.any("x").map(|_| ()).unwrap_err();
        assert_eq!(
            CertificateError::from(e).to_string(),
            "not a DER X.509 certificate: x missing at byte 15"
        );
        assert!(c.end("y").is_ok());
    }

    proptest! {
        /// What `header` reads, asn1-rs reads the same way.
        #[test]
        fn header_agrees_with_asn1_rs(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Ok((identifier, number, header_len, len)) = header(&bytes) {
                let (_, parsed) = Any::from_ber(&bytes).expect("asn1-rs reads it too");
                prop_assert_eq!(parsed.header.tag().0, number);
                prop_assert_eq!(parsed.header.is_constructed(), identifier & 0x20 != 0);
                prop_assert_eq!(parsed.header.class() as u8, identifier >> 6);
                prop_assert_eq!(parsed.data.len(), len);
                prop_assert_eq!(parsed.data, &bytes[header_len..header_len + len]);
            }
        }

        /// The usual case's shortcut reads what `header` reads.
        #[test]
        fn short_header_agrees_with_header(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Some((identifier, header_len, len)) = short_header(&bytes) {
                prop_assert_eq!(
                    header(&bytes),
                    Ok((identifier, u32::from(identifier & 0x1f), header_len, len))
                );
            }
        }
    }
}
