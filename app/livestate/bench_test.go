package livestate_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"zonefair/app/livestate"
)

func BenchmarkAllow(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			st := be.open(b)
			ctx := context.Background()
			lim := livestate.Limit{Events: 1000, Per: time.Second}
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i++
					if _, err := st.Limiter.Allow(ctx, "bench:"+strconv.Itoa(i%64), lim); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func BenchmarkGet(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			st := be.open(b)
			ctx := context.Background()
			now := time.Now()
			s := livestate.Session{UserID: 1, CSRFToken: "t", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			if err := st.Sessions.Put(ctx, "bench", s); err != nil {
				b.Fatal(err)
			}
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := st.Sessions.Get(ctx, "bench"); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
