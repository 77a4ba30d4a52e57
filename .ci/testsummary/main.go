// Command testsummary runs `go test -json …`, prints what go test prints without -v (a line a
// package, and the whole output of a test that fails) and ends with the slowest tests and the
// list of the tests that were skipped, grouped by the reason they gave. It exits with go
// test's status, or 1 when a test failed whatever that status says.
//
//	go run ./.ci/testsummary go test -race -count=1 -json ./...
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

// timing is how long one top-level test ran: its own run or its longest subtest's, whichever
// is longer (go test leaves the parallel subtests' time out of their parent's).
type timing struct {
	test    string
	seconds float64
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testsummary go test -json [flags] [packages]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stderr = os.Stdin, os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	s := newSummary(os.Stdout)
	s.read(out)
	status := 0
	if err := cmd.Wait(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		status = exit.ExitCode()
	}
	s.report()
	if status == 0 && s.failed {
		status = 1
	}
	os.Exit(status)
}

type summary struct {
	w io.Writer
	// output holds each running test's lines until it ends.
	output map[string][]string
	// skipped lists the skipped tests ("pkg TestX/sub") by reason.
	skipped map[string][]string
	failed  bool
	// failures lists the failed tests and packages, in the order they failed.
	failures []string
	// timings holds every top-level test that ended, by "pkg TestX".
	timings map[string]float64
}

func newSummary(w io.Writer) *summary {
	return &summary{w: w, output: map[string][]string{}, skipped: map[string][]string{}, timings: map[string]float64{}}
}

func (s *summary) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			// Not an event (a build error printed as it is): pass it on.
			fmt.Fprintln(s.w, sc.Text())
			continue
		}
		s.event(e)
	}
}

func (s *summary) event(e event) {
	key := e.Package + " " + e.Test
	switch e.Action {
	case "output", "build-output":
		if e.Test == "" {
			// The package's own lines: "ok  pkg 1.2s", "FAIL pkg", "?   pkg [no test files]",
			// and everything a failed package printed outside its tests.
			if !strings.HasPrefix(e.Output, "=== ") && !strings.HasPrefix(e.Output, "--- ") && e.Output != "PASS\n" {
				fmt.Fprint(s.w, e.Output)
			}
			return
		}
		if !strings.HasPrefix(e.Output, "=== ") {
			s.output[key] = append(s.output[key], e.Output)
		}
	case "fail":
		s.timed(e)
		s.failed = true
		s.failures = append(s.failures, strings.TrimSpace(strings.TrimPrefix(e.Package, "zonefair/")+" "+e.Test))
		if e.Test != "" {
			fmt.Fprint(s.w, strings.Join(s.output[key], ""))
		} else {
			s.late(e.Package)
		}
		delete(s.output, key)
	case "skip":
		if e.Test != "" {
			reason := skipReason(s.output[key])
			s.skipped[reason] = append(s.skipped[reason], strings.TrimPrefix(e.Package, "zonefair/")+" "+e.Test)
		}
		delete(s.output, key)
	case "pass":
		s.timed(e)
		delete(s.output, key)
	}
}

func (s *summary) timed(e event) {
	if e.Test == "" {
		return
	}
	top, _, _ := strings.Cut(e.Test, "/")
	key := strings.TrimPrefix(e.Package, "zonefair/") + " " + top
	s.timings[key] = max(s.timings[key], e.Elapsed)
}

// late prints what the tests of a failed package printed after they ended, which go test
// files under the test it last named: a race report from a goroutine that outlived its test,
// a panic in a timer. Without it such a failure would show no cause.
func (s *summary) late(pkg string) {
	keys := make([]string, 0)
	for k := range s.output {
		if strings.HasPrefix(k, pkg+" ") && k != pkg+" " {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(s.w, "--- output of %s after it ended (or never ended):\n%s", strings.TrimPrefix(k, pkg+" "), strings.Join(s.output[k], ""))
		delete(s.output, k)
	}
}

// skipReason is what a skipped test said: its log lines, without the file and line.
func skipReason(lines []string) string {
	var said []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "--- ") {
			continue
		}
		if file, msg, ok := strings.Cut(t, ": "); ok && strings.Contains(file, ".go:") {
			t = msg
		}
		said = append(said, t)
	}
	if len(said) == 0 {
		return "(no reason given)"
	}
	return strings.Join(said, " / ")
}

// report prints the skipped tests by reason, the most common first (a reason shared by many
// tests lists the first few), then what failed.
func (s *summary) report() {
	s.reportSlowest()
	s.reportSkipped()
	if len(s.failures) > 0 {
		fmt.Fprintf(s.w, "\nFAILED: %s\n", strings.Join(s.failures, ", "))
	}
}

// reportSlowest lists the tests that took longest: what a package's time is made of.
func (s *summary) reportSlowest() {
	const shown = 10
	if len(s.timings) == 0 {
		return
	}
	all := make([]timing, 0, len(s.timings))
	for test, seconds := range s.timings {
		all = append(all, timing{test, seconds})
	}
	slices.SortFunc(all, func(a, b timing) int {
		return cmp.Or(cmp.Compare(b.seconds, a.seconds), strings.Compare(a.test, b.test))
	})
	fmt.Fprintln(s.w, "\nSlowest tests:")
	for _, t := range all[:min(shown, len(all))] {
		fmt.Fprintf(s.w, "  %6.1fs  %s\n", t.seconds, t.test)
	}
}

func (s *summary) reportSkipped() {
	if len(s.skipped) == 0 {
		fmt.Fprintln(s.w, "\nNo test was skipped.")
		return
	}
	reasons := make([]string, 0, len(s.skipped))
	n := 0
	for r, tests := range s.skipped {
		reasons = append(reasons, r)
		n += len(tests)
	}
	slices.SortFunc(reasons, func(a, b string) int {
		if d := len(s.skipped[b]) - len(s.skipped[a]); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	fmt.Fprintf(s.w, "\nSkipped: %d tests, for %d reasons\n", n, len(reasons))
	const shown = 5
	for _, r := range reasons {
		tests := s.skipped[r]
		slices.Sort(tests)
		fmt.Fprintf(s.w, "  %d × %s\n", len(tests), r)
		for i, t := range tests {
			if i == shown {
				fmt.Fprintf(s.w, "      … and %d more\n", len(tests)-shown)
				break
			}
			fmt.Fprintf(s.w, "      %s\n", t)
		}
	}
}
