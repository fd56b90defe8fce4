# Sourced by .ci/fuzz-stage.sh and fuzz/long-run.sh: the targets and the
# dictionary of each (paths relative to the repository root).

# Every target the CI stage runs. sstp_request_reader needs --features
# listener (tokio and rustls); the stage builds with it.
FUZZ_ALL_TARGETS="certificate private_key dir_store_entry netsh_show netsh_command registry thumbprint hostname crypto_binding script structured sstp_request sstp_request_reader"

# Cargo features the targets are built and run with.
FUZZ_FEATURES="listener"

dict_for() {
  case "$1" in
    certificate | private_key | dir_store_entry) echo fuzz/dict/der.dict ;;
    netsh_show | netsh_command) echo fuzz/dict/netsh.dict ;;
    registry) echo fuzz/dict/registry.dict ;;
    hostname) echo fuzz/dict/hostname.dict ;;
    thumbprint) echo fuzz/dict/thumbprint.dict ;;
    script) echo fuzz/dict/script.dict ;;
    sstp_request | sstp_request_reader) echo fuzz/dict/http.dict ;;
    *) echo "" ;;
  esac
}
