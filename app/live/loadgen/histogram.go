package loadgen

import (
	"sync/atomic"
	"time"
)

// histogram counts latencies in 10 µs buckets up to 10 s; lock-free so thousands of readers can
// record at once.
type histogram struct {
	buckets [1_000_001]atomic.Int64
}

const bucket = 10 * time.Microsecond

func (h *histogram) add(d time.Duration) {
	i := int(d / bucket)
	if i < 0 {
		i = 0
	}
	if i >= len(h.buckets) {
		i = len(h.buckets) - 1
	}
	h.buckets[i].Add(1)
}

func (h *histogram) reset() {
	for i := range h.buckets {
		h.buckets[i].Store(0)
	}
}

func (h *histogram) count() int64 {
	var n int64
	for i := range h.buckets {
		n += h.buckets[i].Load()
	}
	return n
}

// quantile returns the upper edge of the bucket holding quantile q (q = 1 gives the maximum).
func (h *histogram) quantile(q float64) time.Duration {
	total := h.count()
	if total == 0 {
		return 0
	}
	rank := int64(q * float64(total))
	if rank >= total {
		rank = total - 1
	}
	var seen int64
	for i := range h.buckets {
		seen += h.buckets[i].Load()
		if seen > rank {
			return time.Duration(i+1) * bucket
		}
	}
	return time.Duration(len(h.buckets)) * bucket
}
