#!/usr/bin/env bash
# Regenerates the sample machine state next to this script: what an
# administrator saves from an SSTP server after renewing its certificate the
# wrong way (behaviour §0.2). The old certificate was deleted from the store and a
# new one imported, but HTTP.sys still binds the old one on both wildcard
# pairs and the registry still holds the old hashes. It "works until the next
# reboot".
#
#   netsh-sslcert.txt  `netsh http show sslcert > netsh-sslcert.txt` from
#                      PowerShell: UTF-16LE with BOM, CRLF
#   sstpsvc.reg        regedit export of SstpSvc\Parameters: UTF-16LE with BOM
#   old-vpn-2025.pem   the deleted certificate, kept here for reference only
#                      (it is NOT in ../store)
#
# Needs: openssl, iconv, sha1sum, sha256sum. Run it again after
# ../store/make-store.sh, since the store's certificates change each time.
set -euo pipefail
cd "$(dirname "$0")"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$work/old.key" -out old-vpn-2025.pem -subj "/CN=vpn.example.com" \
    -addext "subjectAltName=DNS:vpn.example.com" \
    -addext "extendedKeyUsage=serverAuth" -days 365 2>/dev/null

der_hash() { openssl x509 -in "$1" -outform der | "$2" | cut -d' ' -f1; }
old_sha1=$(der_hash old-vpn-2025.pem sha1sum)
old_sha256=$(der_hash old-vpn-2025.pem sha256sum)

crlf() { sed 's/$/\r/'; }
utf16() { { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE; }; }

binding() {
    cat <<BLOCK
    IP:port                      : $1
    Certificate Hash             : $old_sha1
    Application ID               : {ba195980-cd49-458b-9e23-c84ee0adcd75}
    Certificate Store Name       : MY
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled
    Reject Connections           : Disabled
    Disable HTTP2                : Not Set
    Disable QUIC                 : Not Set
    Disable TLS1.2               : Not Set
    Disable TLS1.3               : Not Set
    Disable OCSP Stapling        : Not Set
    Enable Token Binding         : Not Set
    Log Extended Events          : Not Set
    Disable Legacy TLS Versions  : Not Set
    Enable Session Ticket        : Not Set
    Disable Session ID           : Not Set
    Enable Caching Client Hello  : Not Set

BLOCK
}

{
    printf '\nSSL Certificate bindings:\n-------------------------\n\n'
    binding "0.0.0.0:443"
    binding "[::]:443"
} | crlf | utf16 > netsh-sslcert.txt

hexbytes() { echo "$1" | sed 's/../&,/g; s/,$//'; }
{
    printf 'Windows Registry Editor Version 5.00\n\n'
    printf '[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters]\n'
    printf '"isHashConfiguredByAdmin"=dword:00000000\n'
    printf '"SHA1CertificateHash"=hex:%s\n' "$(hexbytes "$old_sha1")"
    printf '"SHA256CertificateHash"=hex:%s\n' "$(hexbytes "$old_sha256")"
    printf '"UseHttps"=dword:00000001\n\n'
} | crlf | utf16 > sstpsvc.reg

echo "old certificate sha1 $old_sha1"
