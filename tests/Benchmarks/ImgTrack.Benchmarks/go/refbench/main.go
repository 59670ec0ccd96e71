// Command refbench is the anchor for ImgTrack's parse benchmark: Docker's own parser,
// reference.ParseNormalizedNamed, plus reading every part (Domain, Path, Tag, Digest, String,
// FamiliarName), over the same mixed names as the C# benchmark (../../names.txt).
//
// It builds against Debian's golang-github-docker-distribution-dev (GOPATH mode, no module proxy):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run ./tests/Benchmarks/ImgTrack.Benchmarks/go/refbench -names tests/Benchmarks/ImgTrack.Benchmarks/names.txt
//
// Debian ships github.com/docker/distribution/reference 2.8.2, not github.com/distribution/reference
// v0.6.0 (the one Docker 24+ uses): 2.8.2 has no bracketed IPv6 hosts, so it rejects
// "[::1]:5000/app:dev", and it reads an uppercase first component as a path, not a host. The program
// therefore reports two figures: over all names (a rejected name costs its failed parse, which in 2.8.2
// runs the whole regular expression twice) and over the names 2.8.2 accepts.
package main

import (
	"bufio"
	_ "crypto/sha256" // go-digest validates only algorithms whose hash is linked in
	_ "crypto/sha512"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/docker/distribution/reference"
)

var sink int

func main() {
	testing.Init() // testing.Benchmark reads the testing package's flags
	namesPath := flag.String("names", "tests/Benchmarks/ImgTrack.Benchmarks/names.txt", "file of names, one a line ('#' comments)")
	rounds := flag.Int("rounds", 5, "benchmark rounds (about 1 s each); the median is reported")
	parseOnly := flag.Bool("parse-only", false, "also measure ParseNormalizedNamed alone, reading no part")
	flag.Parse()

	all, err := readNames(*namesPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var accepted []string
	for _, name := range all {
		if _, err := reference.ParseNormalizedNamed(name); err != nil {
			fmt.Printf("# rejected by docker/distribution/reference 2.8.2: %s (%v)\n", name, err)
		} else {
			accepted = append(accepted, name)
		}
	}

	report("all", all, *rounds, parseAndReadEveryPart)
	report("accepted", accepted, *rounds, parseAndReadEveryPart)
	if *parseOnly {
		report("parse-only-accepted", accepted, *rounds, parse)
	}
}

// report prints one machine-readable line: label, names, median ns/name, allocs/name, bytes/name.
func report(label string, names []string, rounds int, work func([]string) int) {
	ns := make([]float64, 0, rounds)
	var last testing.BenchmarkResult
	for i := 0; i < rounds; i++ {
		last = testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				sink += work(names)
			}
		})
		ns = append(ns, float64(last.T.Nanoseconds())/float64(last.N)/float64(len(names)))
	}
	sort.Float64s(ns)
	count := float64(len(names))
	fmt.Printf("go %s names=%d ns_per_name=%.1f min=%.1f max=%.1f allocs_per_name=%.2f bytes_per_name=%.0f\n",
		label, len(names), ns[len(ns)/2], ns[0], ns[len(ns)-1],
		float64(last.AllocsPerOp())/count, float64(last.AllocedBytesPerOp())/count)
}

// parseAndReadEveryPart mirrors the C# ParseAndReadEveryProperty case.
func parseAndReadEveryPart(names []string) int {
	sum := 0
	for _, name := range names {
		named, err := reference.ParseNormalizedNamed(name)
		if err != nil {
			sum++
			continue
		}
		sum += len(reference.Domain(named)) + len(reference.Path(named)) + len(named.String()) +
			len(reference.FamiliarName(named))
		if tagged, ok := named.(reference.Tagged); ok {
			sum += len(tagged.Tag())
		}
		if digested, ok := named.(reference.Digested); ok {
			sum += len(digested.Digest())
		}
	}
	return sum
}

// parse is ParseNormalizedNamed alone (what Test-ImageReference needs).
func parse(names []string) int {
	sum := 0
	for _, name := range names {
		if _, err := reference.ParseNormalizedNamed(name); err == nil {
			sum++
		}
	}
	return sum
}

func readNames(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			names = append(names, line)
		}
	}
	return names, scanner.Err()
}
