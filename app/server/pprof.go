package server

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"sync"
	"time"
)

// ProfilingEnv names a loopback address (e.g. 127.0.0.1:6061) where `zonefair serve` offers the
// Go runtime's profiles (/debug/pprof/) on a listener of its own, apart from the site and never
// through it. It is off unless set, and an address that is not loopback is refused. It exists
// for the test cluster (app/cluster sets it when ZONEFAIR_CLUSTER_PPROF is set) and for
// diagnosing a machine one is logged in to; it is deliberately not a documented setting.
const ProfilingEnv = "ZONEFAIR_DEBUG_PPROF_ADDR"

var profiling sync.Once

// startProfiling serves pprof on the address ProfilingEnv names, once per process.
func startProfiling(log *slog.Logger) error {
	addr := os.Getenv(ProfilingEnv)
	if addr == "" {
		return nil
	}
	if log == nil {
		log = slog.Default()
	}
	var err error
	profiling.Do(func() {
		host, _, serr := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); serr != nil || ip == nil || !ip.IsLoopback() {
			err = fmt.Errorf("%s=%s: want a loopback address such as 127.0.0.1:6061", ProfilingEnv, addr)
			return
		}
		ln, lerr := net.Listen("tcp", addr)
		if lerr != nil {
			err = fmt.Errorf("%s=%s: %w", ProfilingEnv, addr, lerr)
			return
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		log.Warn("runtime profiles served on loopback", "addr", ln.Addr().String(), "setting", ProfilingEnv)
	})
	return err
}
