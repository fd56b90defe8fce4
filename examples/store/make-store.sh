#!/usr/bin/env bash
# Regenerates the sample directory store next to this script.
#
# Needs bash and the openssl command (tested with OpenSSL 3.0 as on Debian 12;
# validity dates are set with `openssl ca -startdate/-enddate`, which works on
# every OpenSSL 3.x, unlike `req -not_before`, which needs 3.4).
#
# File names, serial numbers and validity dates are fixed; keys, signatures
# and therefore thumbprints change on each run. The store order (file names
# sorted bytewise) is chosen so that the automatic choice is interesting:
# the expired Server Authentication certificate sorts before the intended one
# and wins, as Windows would choose it. See README.md.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

command -v openssl >/dev/null || { echo "make-store.sh: openssl not found" >&2; exit 1; }
echo "using $(openssl version)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Remove what an earlier run generated (and nothing else).
rm -f -- [0-9][0-9]-*.pem [0-9][0-9]-*.crt [0-9][0-9]-*.cer [0-9][0-9]-*.der \
         [0-9][0-9]-*.key [0-9][0-9]-*.json
rm -rf -- ca
mkdir -p ca "$work/newcerts"
: > "$work/index.txt"
echo 1000 > "$work/serial"

cat > "$work/openssl.cnf" <<EOF
[ ca ]
default_ca = lab

[ lab ]
dir              = $work
database         = \$dir/index.txt
new_certs_dir    = \$dir/newcerts
serial           = \$dir/serial
certificate      = \$dir/ca.crt
private_key      = \$dir/ca.key
default_md       = sha256
default_days     = 365
policy           = policy_any
email_in_dn      = no
unique_subject   = no
copy_extensions  = none
preserve         = yes

[ policy_any ]
organizationName = optional
commonName       = supplied

[ req ]
distinguished_name = req_dn
prompt             = no

[ req_dn ]
CN = placeholder

[ ext_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ ext_server_auth ]
basicConstraints       = CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = \$ENV::SAN
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
crlDistributionPoints  = URI:http://pki.example.com/lab-ca.crl

[ ext_any_eku ]
basicConstraints       = CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = anyExtendedKeyUsage
subjectAltName         = \$ENV::SAN
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
crlDistributionPoints  = URI:http://pki.example.com/lab-ca.crl

[ ext_no_eku ]
basicConstraints       = CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
subjectAltName         = \$ENV::SAN
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
crlDistributionPoints  = URI:http://pki.example.com/lab-ca.crl

[ ext_client_auth ]
basicConstraints       = CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectAltName         = \$ENV::SAN
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
crlDistributionPoints  = URI:http://pki.example.com/lab-ca.crl
EOF
export OPENSSL_CONF="$work/openssl.cnf"
export SAN="DNS:placeholder.invalid"

rsa_key() { openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1"; }
ec_key() { openssl genpkey -quiet -algorithm EC -pkeyopt "ec_paramgen_curve:$2" -out "$1"; }

# issue KEY SUBJECT EXTENSIONS START END OUT_PEM
# Dates are UTCTime, YYMMDDHHMMSSZ.
issue() {
    local key="$1" subj="$2" ext="$3" start="$4" end="$5" out="$6"
    openssl req -new -config "$OPENSSL_CONF" -key "$key" -subj "$subj" -out "$work/req.csr"
    openssl ca -batch -config "$OPENSSL_CONF" -notext -extensions "$ext" \
        -startdate "$start" -enddate "$end" -subj "$subj" \
        -in "$work/req.csr" -out "$out" 2>"$work/ca.log" \
        || { cat "$work/ca.log" >&2; exit 1; }
}

# The lab CA (self-signed through `openssl ca -selfsign` to get fixed dates).
# Its certificate goes to ca/, a subdirectory, which the store ignores.
rsa_key "$work/ca.key"
openssl req -new -config "$OPENSSL_CONF" -key "$work/ca.key" \
    -subj "/O=sstp-cert examples/CN=sstp-cert Example Lab CA" -out "$work/ca.csr"
openssl ca -batch -config "$OPENSSL_CONF" -notext -selfsign -keyfile "$work/ca.key" \
    -extensions ext_ca -startdate 140101000000Z -enddate 491231235959Z \
    -subj "/O=sstp-cert examples/CN=sstp-cert Example Lab CA" \
    -in "$work/ca.csr" -out "$work/ca.crt" 2>"$work/ca.log" \
    || { cat "$work/ca.log" >&2; exit 1; }
cp "$work/ca.crt" ca/lab-ca.crt

# 01: All purpose by anyExtendedKeyUsage, EC P-256, PKCS#8 key in a sibling file.
SAN="DNS:vpn.example.com" ec_key 01-all-purpose-any-eku.key P-256
SAN="DNS:vpn.example.com" issue 01-all-purpose-any-eku.key "/CN=vpn.example.com" ext_any_eku \
    250101000000Z 360101000000Z 01-all-purpose-any-eku.pem

# 02: All purpose by having no EKU extension; DER certificate (.cer) and DER key.
rsa_key "$work/02.key"
SAN="DNS:vpn.example.com" issue "$work/02.key" "/CN=vpn.example.com" ext_no_eku \
    250101000000Z 360101000000Z "$work/02.pem"
openssl x509 -in "$work/02.pem" -outform DER -out 02-all-purpose-no-eku.cer
openssl pkey -in "$work/02.key" -outform DER -out 02-all-purpose-no-eku.key

# 03: Client Authentication only, EC P-384.
ec_key 03-client-auth-only.key P-384
SAN="DNS:client.example.com" issue 03-client-auth-only.key "/CN=client.example.com" \
    ext_client_auth 250101000000Z 360101000000Z 03-client-auth-only.pem

# 04: Server Authentication without a private key (the key is thrown away).
rsa_key "$work/04.key"
SAN="DNS:vpn.example.com" issue "$work/04.key" "/CN=vpn.example.com" ext_server_auth \
    250101000000Z 360101000000Z 04-server-auth-no-key.pem

# 05: Server Authentication, EXPIRED (2015-2020), key (PKCS#1) in the same PEM file.
rsa_key "$work/05.key"
SAN="DNS:vpn.example.com" issue "$work/05.key" "/CN=vpn.example.com" ext_server_auth \
    150101000000Z 200101000000Z "$work/05.pem"
{ cat "$work/05.pem"; openssl pkey -in "$work/05.key" -traditional; } > 05-server-auth-expired.pem

# 06: Server Authentication, but the entry's EKU property allows only clientAuth:
# the intersection is empty, so the certificate has no valid uses.
ec_key "$work/06.key" P-256
openssl ec -in "$work/06.key" -out 06-server-auth-property-client-only.key 2>/dev/null
SAN="DNS:vpn.example.com" issue "$work/06.key" "/CN=vpn.example.com" ext_server_auth \
    250101000000Z 360101000000Z 06-server-auth-property-client-only.pem
cat > 06-server-auth-property-client-only.json <<'EOF'
{
  "eku_property": ["clientAuth"],
  "friendly_name": "Server cert restricted to Client Authentication"
}
EOF

# 07: the intended certificate: Server Authentication, SAN vpn.example.com,
# RSA 2048, valid 2025-2036, PKCS#8 key in a sibling file, a friendly name.
rsa_key 07-server-auth-vpn.key
SAN="DNS:vpn.example.com" issue 07-server-auth-vpn.key "/CN=vpn.example.com" ext_server_auth \
    250101000000Z 360101000000Z 07-server-auth-vpn.pem
cat > 07-server-auth-vpn.json <<'EOF'
{
  "eku_property": null,
  "friendly_name": "SSTP VPN (vpn.example.com)"
}
EOF

chmod 644 -- [0-9][0-9]-* ca/lab-ca.crt
echo "sample store written to $here:"
ls -1 "$here"
