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
//! skeleton, algorithm identifiers, names, validity, the public key, the
//! extension list and the values of the extensions the model interprets
//! (extended key usage, key usage, basic constraints, subject alternative
//! names) — and checks every identifier octet against X.509 (RFC 5280
//! §4.1). The contents of "any" slots (algorithm parameters, attribute
//! values, other extensions' values) are not the model's business and are
//! not checked.
//!
//! It runs after x509-parser accepted the bytes, so lengths are already
//! known to be consistent; it reads identifiers and lengths with asn1-rs
//! (the library x509-parser is built on) and allocates nothing.

use x509_parser::asn1_rs::{Any, Class, FromBer};

use super::CertificateError;

/// One expected identifier: class, constructed form (`None`: either) and
/// tag number.
#[derive(Clone, Copy)]
struct Id {
    class: Class,
    constructed: Option<bool>,
    number: u32,
    name: &'static str,
}

const fn universal(number: u32, constructed: bool, name: &'static str) -> Id {
    Id {
        class: Class::Universal,
        constructed: Some(constructed),
        number,
        name,
    }
}

const fn context(number: u32, constructed: Option<bool>, name: &'static str) -> Id {
    Id {
        class: Class::ContextSpecific,
        constructed,
        number,
        name,
    }
}

const SEQUENCE: Id = universal(16, true, "SEQUENCE");
const SET: Id = universal(17, true, "SET");
const INTEGER: Id = universal(2, false, "INTEGER");
const BOOLEAN: Id = universal(1, false, "BOOLEAN");
const BIT_STRING: Id = universal(3, false, "BIT STRING");
const OCTET_STRING: Id = universal(4, false, "OCTET STRING");
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
    fn matches(&self, any: &Any<'_>) -> bool {
        let h = &any.header;
        h.class() == self.class
            && h.tag().0 == self.number
            && self.constructed.is_none_or(|c| c == h.is_constructed())
    }
}

/// An element read by a [`Cursor`]: the element and where it starts.
struct Element<'a> {
    any: Any<'a>,
    offset: usize,
    content_offset: usize,
}

impl<'a> Element<'a> {
    fn children(&self) -> Cursor<'a> {
        Cursor {
            bytes: self.any.data,
            offset: self.content_offset,
        }
    }
}

/// Reads elements one after the other, keeping track of their offsets in
/// the whole certificate.
struct Cursor<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self, what: &str) -> Result<Option<Element<'a>>, CertificateError> {
        if self.bytes.is_empty() {
            return Ok(None);
        }
        let (rest, any) = Any::from_ber(self.bytes).map_err(|e| CertificateError::NotDer {
            reason: format!("{what} at byte {}: {e}", self.offset),
        })?;
        let consumed = self.bytes.len() - rest.len();
        Ok(Some(Element {
            content_offset: self.offset + consumed - any.data.len(),
            any,
            offset: self.offset,
        }))
    }

    fn advance(&mut self, element: &Element<'a>) {
        let header = element.content_offset - element.offset;
        let consumed = header + element.any.data.len();
        self.bytes = &self.bytes[consumed..];
        self.offset += consumed;
    }

    /// The next element, which must be one of `ids`.
    fn expect(&mut self, what: &str, ids: &[Id]) -> Result<Element<'a>, CertificateError> {
        let Some(element) = self.peek(what)? else {
            return Err(CertificateError::NotDer {
                reason: format!("{what} missing at byte {}", self.offset),
            });
        };
        if !ids.iter().any(|id| id.matches(&element.any)) {
            return Err(unexpected(what, ids, &element));
        }
        self.advance(&element);
        Ok(element)
    }

    /// The next element if it has the tag number and class of `id` (an
    /// optional field); an element of another tag is left for the next
    /// field.
    fn optional(&mut self, what: &str, id: Id) -> Result<Option<Element<'a>>, CertificateError> {
        match self.peek(what)? {
            Some(e) if e.any.header.class() == id.class && e.any.header.tag().0 == id.number => {
                if !id.matches(&e.any) {
                    return Err(unexpected(what, &[id], &e));
                }
                self.advance(&e);
                Ok(Some(e))
            }
            _ => Ok(None),
        }
    }

    /// The next element, of any tag (a required "any" slot).
    fn any(&mut self, what: &str) -> Result<(), CertificateError> {
        let Some(element) = self.peek(what)? else {
            return Err(CertificateError::NotDer {
                reason: format!("{what} missing at byte {}", self.offset),
            });
        };
        self.advance(&element);
        Ok(())
    }

    /// Skips one element of any tag if there is one (an optional "any"
    /// slot).
    fn skip(&mut self, what: &str) -> Result<(), CertificateError> {
        if let Some(e) = self.peek(what)? {
            self.advance(&e);
        }
        Ok(())
    }

    fn end(&self, what: &str) -> Result<(), CertificateError> {
        match self.peek(what)? {
            None => Ok(()),
            Some(e) => Err(CertificateError::NotDer {
                reason: format!(
                    "{what}: unexpected element {} at byte {}",
                    describe(&e.any),
                    e.offset
                ),
            }),
        }
    }
}

fn describe(any: &Any<'_>) -> String {
    let h = &any.header;
    let form = if h.is_constructed() {
        "constructed"
    } else {
        "primitive"
    };
    let class = match h.class() {
        Class::Universal => "universal",
        Class::Application => "application",
        Class::ContextSpecific => "context-specific",
        Class::Private => "private",
    };
    let number = h.tag().0;
    match h.raw_tag() {
        Some([byte]) => format!("{class} {form} [{number}] (0x{byte:02X})"),
        _ => format!("{class} {form} [{number}]"),
    }
}

fn unexpected(what: &str, ids: &[Id], element: &Element<'_>) -> CertificateError {
    let expected: Vec<&str> = ids.iter().map(|id| id.name).collect();
    CertificateError::NotDer {
        reason: format!(
            "{what} at byte {}: expected {}, found {}",
            element.offset,
            expected.join(" or "),
            describe(&element.any)
        ),
    }
}

/// Checks the identifier octets of `der`, a certificate x509-parser
/// accepted.
pub(super) fn check(der: &[u8]) -> Result<(), CertificateError> {
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

fn tbs_certificate(tbs: &Element<'_>) -> Result<(), CertificateError> {
    let mut c = tbs.children();
    if let Some(version) = c.optional("version", VERSION)? {
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
    algorithm(
        &s.expect("subjectPublicKeyInfo.algorithm", &[SEQUENCE])?,
        "subjectPublicKeyInfo.algorithm",
    )?;
    s.expect("subjectPublicKeyInfo.subjectPublicKey", &[BIT_STRING])?;
    s.end("subjectPublicKeyInfo")?;
    c.optional("issuerUniqueID", ISSUER_UID)?;
    c.optional("subjectUniqueID", SUBJECT_UID)?;
    if let Some(extensions) = c.optional("extensions", EXTENSIONS)? {
        let mut e = extensions.children();
        let list = e.expect("extensions", &[SEQUENCE])?;
        e.end("extensions")?;
        let mut l = list.children();
        while l.peek("extension")?.is_some() {
            extension(&l.expect("extension", &[SEQUENCE])?)?;
        }
    }
    c.end("tbsCertificate")
}

fn algorithm(alg: &Element<'_>, what: &str) -> Result<(), CertificateError> {
    let mut c = alg.children();
    c.expect(what, &[OID])?;
    c.skip(what)?; // parameters: any type
    c.end(what)
}

fn name(name: &Element<'_>, what: &str) -> Result<(), CertificateError> {
    let mut rdns = name.children();
    while rdns.peek(what)?.is_some() {
        let rdn = rdns.expect(what, &[SET])?;
        let mut attributes = rdn.children();
        while attributes.peek(what)?.is_some() {
            let attribute = attributes.expect(what, &[SEQUENCE])?;
            let mut a = attribute.children();
            a.expect(what, &[OID])?;
            a.any(what)?; // the value: any type
            a.end(what)?;
        }
    }
    Ok(())
}

fn extension(ext: &Element<'_>) -> Result<(), CertificateError> {
    let mut c = ext.children();
    let oid = c.expect("extension.extnID", &[OID])?;
    c.optional("extension.critical", BOOLEAN)?;
    let value = c.expect("extension.extnValue", &[OCTET_STRING])?;
    c.end("extension")?;
    let inner = Cursor {
        bytes: value.any.data,
        offset: value.content_offset,
    };
    match oid.any.data {
        EKU => eku(inner),
        KEY_USAGE => single(inner, "keyUsage", BIT_STRING),
        BASIC_CONSTRAINTS => basic_constraints(inner),
        SUBJECT_ALT_NAME => subject_alt_name(inner),
        _ => Ok(()),
    }
}

fn single(mut c: Cursor<'_>, what: &str, id: Id) -> Result<(), CertificateError> {
    c.expect(what, &[id])?;
    c.end(what)
}

fn eku(mut c: Cursor<'_>) -> Result<(), CertificateError> {
    let list = c.expect("extKeyUsage", &[SEQUENCE])?;
    c.end("extKeyUsage")?;
    let mut purposes = list.children();
    while purposes.peek("extKeyUsage")?.is_some() {
        purposes.expect("extKeyUsage.keyPurposeId", &[OID])?;
    }
    Ok(())
}

fn basic_constraints(mut c: Cursor<'_>) -> Result<(), CertificateError> {
    let seq = c.expect("basicConstraints", &[SEQUENCE])?;
    c.end("basicConstraints")?;
    let mut fields = seq.children();
    fields.optional("basicConstraints.cA", BOOLEAN)?;
    fields.optional("basicConstraints.pathLenConstraint", INTEGER)?;
    fields.end("basicConstraints")
}

/// GeneralName choices (RFC 5280 §4.2.1.6): context-specific `[0]`–`[8]`;
/// `otherName`, `x400Address`, `directoryName` and `ediPartyName` are
/// constructed, the others primitive.
fn subject_alt_name(mut c: Cursor<'_>) -> Result<(), CertificateError> {
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
    while names.peek("subjectAltName")?.is_some() {
        names.expect("subjectAltName.GeneralName", &GENERAL_NAMES)?;
    }
    Ok(())
}
