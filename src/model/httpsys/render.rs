//! Writing a `netsh http show sslcert` listing.

use std::fmt::Write as _;

use super::{Field, FieldValue, ShowStyle, SslBinding};

/// Width the labels are padded to before ` : `.
const LABEL_WIDTH: usize = 29;
const INDENT: &str = "    ";
const EXT_INDENT: &str = "        ";

/// Writes bindings as `netsh http show sslcert` prints them, with CRLF line
/// ends: a blank line, the English title `SSL Certificate bindings:`, a
/// dashed line, a blank line, then one block per binding, each followed by
/// a blank line.
///
/// Each block prints its first four lines with the binding's
/// [`labels`](SslBinding::labels) (always all four), then its
/// [`fields`](SslBinding::fields) in order, then its
/// [`extended`](SslBinding::extended) groups (header at the block's
/// indentation, members indented further). `style` decides how an absent
/// hash, application id or store is printed: blank for
/// [`ShowStyle::Legacy2008`], `(null)` for [`ShowStyle::Current`]; every
/// other value prints as its [`FieldValue`] remembers.
///
/// [`parse_sslcert_show`](super::parse_sslcert_show) of the result gives
/// back the same bindings, provided labels and values are what a parse can
/// produce: labels trimmed, without line breaks and without a colon
/// followed by white space (and no field or store-name line labelled like
/// the block's first line with an endpoint-shaped value: every line is
/// printed at the same indentation, so such a line starts a new block);
/// values as [`FieldValue::parse`]
/// classifies them, trimmed and without line breaks; extended groups not
/// empty; a store name that is not `(null)`.
///
/// ```
/// use sstp_cert::model::httpsys::{parse_sslcert_show, render_show, Endpoint, ShowStyle, SslBinding};
/// use sstp_cert::model::thumbprint::Sha1Thumbprint;
/// let hash = Sha1Thumbprint::from_bytes([0xab; 20]);
/// let bindings = vec![
///     SslBinding::sstp(Endpoint::ipv4_wildcard(443), hash).with_default_fields(ShowStyle::Current),
///     SslBinding::sstp(Endpoint::ipv6_wildcard(443), hash).with_default_fields(ShowStyle::Current),
/// ];
/// let text = render_show(&bindings, ShowStyle::Current);
/// assert!(text.contains("    IP:port                       : [::]:443\r\n"));
/// assert_eq!(parse_sslcert_show(text.as_bytes()).unwrap().bindings, bindings);
/// ```
pub fn render_show(bindings: &[SslBinding], style: ShowStyle) -> String {
    // About 48 bytes per printed line, counted over every binding: the
    // reservation follows the output, whatever the bindings hold.
    let lines = bindings.iter().fold(0usize, |n, b| {
        let extended = b.extended.iter().fold(0usize, |m, g| {
            m.saturating_add(1).saturating_add(g.fields.len())
        });
        n.saturating_add(5)
            .saturating_add(b.fields.len())
            .saturating_add(extended)
    });
    let mut out = String::with_capacity(64usize.saturating_add(lines.saturating_mul(48)));
    out.push_str("\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n");
    let empty = match style {
        ShowStyle::Legacy2008 => "",
        ShowStyle::Current => "(null)",
    };
    let mut buf = String::with_capacity(64);
    for b in bindings {
        buf.clear();
        let _ = write!(buf, "{}", b.endpoint);
        line(&mut out, INDENT, b.labels.endpoint.as_str(), &buf);
        buf.clear();
        match &b.cert_hash {
            Some(h) => {
                let _ = write!(buf, "{h}");
            }
            None => buf.push_str(empty),
        }
        line(&mut out, INDENT, b.labels.cert_hash.as_str(), &buf);
        buf.clear();
        match &b.app_id {
            Some(id) => {
                let _ = write!(buf, "{id}");
            }
            None => buf.push_str(empty),
        }
        line(&mut out, INDENT, b.labels.app_id.as_str(), &buf);
        let store = b.store_name.as_deref().unwrap_or(empty);
        line(&mut out, INDENT, b.labels.store_name.as_str(), store);
        for f in &b.fields {
            field(&mut out, &mut buf, INDENT, f);
        }
        for g in &b.extended {
            line(&mut out, INDENT, g.label.as_str(), "");
            for f in &g.fields {
                field(&mut out, &mut buf, EXT_INDENT, f);
            }
        }
        out.push_str("\r\n");
    }
    out
}

fn field(out: &mut String, buf: &mut String, indent: &str, f: &Field) {
    match &f.value {
        FieldValue::Number(n) => {
            buf.clear();
            let _ = write!(buf, "{n}");
            line(out, indent, f.label.as_str(), buf);
        }
        FieldValue::Text(t) => line(out, indent, f.label.as_str(), t),
        v => line(out, indent, f.label.as_str(), &v.as_text()),
    }
}

/// `indent label<padding> : value`; an empty value prints `indent label:`
/// (no padding, no trailing space), which parses the same.
///
/// An empty label and a label that ends with a colon (both of which a
/// parse can produce: `: b` is label ``, value `b`; `a:: b` is label `a:`)
/// are printed `indent label: value`, without padding: padding after an
/// empty label would read as deeper indentation (an `Extended Properties`
/// member), and padding after a label's own colon would split the line
/// there.
fn line(out: &mut String, indent: &str, label: &str, value: &str) {
    out.push_str(indent);
    out.push_str(label);
    if value.is_empty() {
        out.push_str(":\r\n");
        return;
    }
    if label.is_empty() || label.ends_with(':') {
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
        return;
    }
    let pad = LABEL_WIDTH.saturating_sub(label.chars().count());
    out.extend(std::iter::repeat_n(' ', pad));
    out.push_str(" : ");
    out.push_str(value);
    out.push_str("\r\n");
}
