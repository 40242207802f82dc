#!/usr/bin/env bash
# Runs every benchmark of this module once, as for the README's table:
#   bench/run.sh            (from the repository root or from bench/)
# Results go to bench/results/ (not committed), one file per command.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p results
{ uname -srm; grep -m1 'model name' /proc/cpuinfo || true; nproc; go version; } > results/machine.txt
go test -run '^$' -bench 'Serial|Parallel32' -benchmem -count 3 | tee results/calls.txt
go test -run '^$' -bench 'InterleavedCPU' -benchtime 20x -count 3 | tee results/interleaved.txt
go test -run '^$' -bench 'HostileBody' -benchtime 3x | tee results/hostile.txt
