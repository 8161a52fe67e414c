#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer): the standards parser and lint, NIK
# parsing and masking, the reference CSV imports, the signed QR payload.
#
#   scripts/fuzz.sh                 # every target, 10 minutes each
#   SECONDS_EACH=60 scripts/fuzz.sh nik qr_payload
#
# cargo-fuzz passes unstable compiler flags; this machine has only the
# stable toolchain, so RUSTC_BOOTSTRAP=1 lets stable rustc accept them.
# Crashes land in fuzz/artifacts/<target>/; each becomes a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-fuzz > /dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-/var/tmp/layanan-fuzz-target}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(standard nik reference_csv qr_payload)
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    if [ -z "$(ls -A "fuzz/corpus/$t")" ]; then
        # Seed with real inputs, so mutations start from the shapes that matter.
        case "$t" in
            standard) for f in standards/*/*.toml; do cp "$f" "fuzz/corpus/$t/$(echo "$f" | tr / _)"; done ;;
            reference_csv) head -300 reference/wilayah.csv > "fuzz/corpus/$t/wilayah"; cp reference/holidays.csv "fuzz/corpus/$t/holidays" ;;
            nik) printf '1606015708900001' > "fuzz/corpus/$t/a"; printf '3320 0541 1290 0002' > "fuzz/corpus/$t/b" ;;
            qr_payload) printf 'v1.eyJ0IjoidGFuZGFfdGVyaW1hIn0.AAAA' > "fuzz/corpus/$t/a" ;;
        esac
    fi
    echo "== $t, ${SECONDS_EACH:-600} s"
    # No sanitizer: the crates forbid unsafe code; libFuzzer finds panics,
    # overflows (debug assertions on) and hangs.
    cargo fuzz run --sanitizer none --debug-assertions "$t" "fuzz/corpus/$t" -- \
        -max_total_time="${SECONDS_EACH:-600}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
