#!/usr/bin/env bash
# Parse plus every property: ImgTrack (BenchmarkDotNet) against Docker's Go parser on the same names
# (names.txt), measured in one run, so the ratio holds on a noisy shared machine. The floor is 12x.
#
# Usage: tests/Benchmarks/ImgTrack.Benchmarks/compare.sh [rounds]      (default 2; run from anywhere)
# Needs: dotnet, jq, and Debian's golang-go and golang-github-docker-distribution-dev
#        (Docker's parser as source under /usr/share/gocode; no module proxy is asked).
#
# Each round runs Go, then C#, then Go again, and divides the Go figure by the C# one, so load that
# changes during the round hits both sides. Two ratios per round: of the fastest measurements on each
# side (Go: the fastest of 9 rounds in either Go run; C#: BenchmarkDotNet's Min of 15 iterations),
# which load disturbs least, and of the typical ones (Go: median, mean of both runs; C#: Mean). Go is
# measured over the names Debian's 2.8.2 parser accepts (it rejects the IPv6 name, see
# go/refbench/main.go; failing costs Go more, not less), so the Go side is not inflated. The verdict
# takes the lowest fastest-vs-fastest ratio of all rounds. On a shared 2-core machine one round can
# still swing by half; run 2 rounds or more.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rounds=${1:-2}
floor=12

for tool in dotnet go jq; do
    command -v "$tool" >/dev/null || { echo "compare.sh: '$tool' not found (see the header for what to install)" >&2; exit 2; }
done
[ -d /usr/share/gocode/src/github.com/docker/distribution/reference ] \
    || { echo "compare.sh: apt-get install -y golang-github-docker-distribution-dev" >&2; exit 2; }

work=$(mktemp -d /tmp/imgtrack-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

# GOPATH mode against Debian's source tree: no go.mod, no network.
(cd "$here" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOPROXY=off go build -o "$work/refbench" ./go/refbench)
dotnet build -c Release "$here/ImgTrack.Benchmarks.csproj" -nologo -v q >/dev/null

go_bench() { # prints "<median ns/name> <min ns/name>" over the names Go accepts
    "$work/refbench" -names "$here/names.txt" -rounds 9 | awk '
        /^go accepted / { for (i = 1; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] } }
        END { print v["ns_per_name"], v["min"] }'
}

cs_bench() { # prints "<parse+every property mean> <its min> <TryParse only mean>" in ns/name
    local artifacts="$work/bdn$1"
    dotnet run -c Release --no-build --project "$here/ImgTrack.Benchmarks.csproj" -- \
        --filter '*ImageReferenceParseBenchmarks*' --job short --iterationCount 15 --exporters json --artifacts "$artifacts" >"$artifacts.log" 2>&1 \
        || { tail -30 "$artifacts.log" >&2; exit 1; }
    jq -r '[.Benchmarks[] | {(.Method): .Statistics}] | add
           | "\(.ParseAndReadEveryProperty.Mean) \(.ParseAndReadEveryProperty.Min) \(.TryParseOnly.Mean)"' \
        "$artifacts"/results/*ImageReferenceParseBenchmarks*.json
}

printf '%-5s | %9s %9s | %9s %9s | %9s %9s | %11s %9s\n' round 'go med' 'go min' 'C# mean' 'C# min' 'go2 med' 'go2 min' 'C# TryParse' ratio
printf '%-5s | %9s %9s | %9s %9s | %9s %9s | %11s %9s\n' '' ns/name ns/name 'all-props' 'all-props' ns/name ns/name 'mean ns' 'min (mean)'
ratios=()
for ((r = 1; r <= rounds; r++)); do
    read -r go1 go1min < <(go_bench)
    read -r cs csmin cstry < <(cs_bench "$r")
    read -r go2 go2min < <(go_bench)
    ratio_min=$(awk -v a="$go1min" -v b="$go2min" -v c="$csmin" 'BEGIN { printf "%.1f", (a < b ? a : b) / c }')
    ratio_mean=$(awk -v a="$go1" -v b="$go2" -v c="$cs" 'BEGIN { printf "%.1f", (a + b) / 2 / c }')
    printf '%-5s | %9.1f %9.1f | %9.1f %9.1f | %9.1f %9.1f | %11.1f %9s\n' \
        "$r" "$go1" "$go1min" "$cs" "$csmin" "$go2" "$go2min" "$cstry" "${ratio_min}x (${ratio_mean}x)"
    ratios+=("$ratio_min")
done

worst=$(printf '%s\n' "${ratios[@]}" | sort -n | head -1)
if awk -v w="$worst" -v f="$floor" 'BEGIN { exit !(w >= f) }'; then
    echo "OK: parse plus every property is ${worst}x faster than Docker's Go parser at worst (floor ${floor}x)"
else
    echo "BELOW FLOOR: ${worst}x at worst (floor ${floor}x)"
    exit 1
fi
