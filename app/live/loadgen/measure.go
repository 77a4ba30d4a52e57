// What the generator measures outside its clients: the servers' memory, CPU and close counters.

package loadgen

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// rss sums the resident memory of the processes.
func rss(pids []int) int64 {
	var total int64
	for _, pid := range pids {
		f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			continue
		}
		s := bufio.NewScanner(f)
		for s.Scan() {
			if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				total += kb << 10
			}
		}
		_ = f.Close()
	}
	return total
}

// scrape sums zonefair_live_disconnects_total over the servers, by close code.
func scrape(urls []string) map[string]float64 {
	total := map[string]float64{}
	for _, u := range urls {
		res, err := http.Get(u)
		if err != nil {
			continue
		}
		s := bufio.NewScanner(res.Body)
		for s.Scan() {
			rest, ok := strings.CutPrefix(s.Text(), `zonefair_live_disconnects_total{code="`)
			if !ok {
				continue
			}
			code, value, _ := strings.Cut(rest, `"}`)
			v, _ := strconv.ParseFloat(strings.TrimSpace(value), 64)
			total[code] += v
		}
		_ = res.Body.Close()
	}
	return total
}

// closedSince describes the connections the servers closed between two scrapes, by code.
func closedSince(before, after map[string]float64) string {
	var parts []string
	for _, code := range slices.Sorted(maps.Keys(after)) {
		if n := after[code] - before[code]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s ×%.0f", code, n))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// cpu sums user and system time of the processes (Linux clock ticks of 10 ms).
func cpu(pids []int) time.Duration {
	var total time.Duration
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the command name, which is in parentheses and may hold spaces.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) > 12 {
			ut, _ := strconv.ParseInt(f[11], 10, 64)
			st, _ := strconv.ParseInt(f[12], 10, 64)
			total += time.Duration(ut+st) * 10 * time.Millisecond
		}
	}
	return total
}

func ownCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
