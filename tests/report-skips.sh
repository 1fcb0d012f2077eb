#!/bin/sh
# Cargo's runner for this project (.cargo/config.toml): it starts every executable cargo runs.
# Test binaries (under a `deps/` directory, not listing) get MAILLAGE_TEST_SKIP_LOG, a file
# where each case that cannot run here writes why (tests/api/helpers.rs, `skip`); after the
# binary ends, this prints how many cases it skipped and why, as the last lines of that
# binary's output, since libtest reports a case that returned early as passed. With
# MAILLAGE_TEST_SKIP_TOTAL set (.ci/run), the skips are also appended there for a total.
# Everything else (`cargo run`, benchmarks, `--list`) is started unchanged.
# Test binaries also get DANGER_FEDERATION_ALLOW_LOCAL_IP=1: the production-mode nodes of the
# tests are on loopback addresses, which the ActivityPub library's own check (process-wide, and
# blind to federation.allowed_private_hosts) would refuse; the node's own egress rules, which
# the tests exercise, still apply (tests/api/production.rs).
case "$1" in
  */deps/*) ;;
  *) exec "$@" ;;
esac
for arg in "$@"; do
  case "$arg" in
    --list | --bench) exec "$@" ;;
  esac
done
log=$(mktemp "${TMPDIR:-/tmp}/maillage-skips.XXXXXX") || exec "$@"
trap 'rm -f "$log"' EXIT
trap 'rm -f "$log"; exit 130' INT TERM
MAILLAGE_TEST_SKIP_LOG="$log" DANGER_FEDERATION_ALLOW_LOCAL_IP=1 "$@"
status=$?
binary=$(basename "$1" | sed 's/-[0-9a-f]\{16\}$//')
count=$(grep -c . "$log")
if [ "$count" -eq 0 ]; then
  echo "skipped: 0 cases ($binary)"
else
  echo "skipped: $count case(s) ($binary), which passed without running:"
  cut -f1 "$log" | sort | uniq -c | sed 's/^ */  /'
fi
if [ -n "$MAILLAGE_TEST_SKIP_TOTAL" ]; then
  sed "s/^/$binary	/" "$log" >>"$MAILLAGE_TEST_SKIP_TOTAL"
fi
exit $status
