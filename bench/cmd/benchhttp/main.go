// Command benchhttp is the k6/http benchmark's server and floor client:
//
//	benchhttp serve ADDR            answers every request with "ok" (2 bytes)
//	benchhttp bare URL VUS SECONDS  VUS goroutines looping net/http GETs
//	                                (one keep-alive connection each, as a VU
//	                                has), then prints the request count
//
// bench/http.sh runs them and llmbench side by side, pinned to separate
// cores, and compares CPU per request. BENCHHTTP_CPUPROFILE=FILE writes a
// CPU profile of either command.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if f := os.Getenv("BENCHHTTP_CPUPROFILE"); f != "" {
		out, err := os.Create(f)
		if err == nil && pprof.StartCPUProfile(out) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(os.Args[1:]); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "benchhttp:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: benchhttp serve ADDR | bare URL VUS SECONDS")
	}
	switch args[0] {
	case "serve":
		ln, err := net.Listen("tcp", args[1])
		if err != nil {
			return err
		}
		fmt.Printf("serving http://%s\n", ln.Addr())
		return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, "ok")
		}))
	case "bare":
		if len(args) != 4 {
			return fmt.Errorf("usage: benchhttp bare URL VUS SECONDS")
		}
		vus, err := strconv.Atoi(args[2])
		if err != nil {
			return err
		}
		secs, err := strconv.ParseFloat(args[3], 64)
		if err != nil {
			return err
		}
		return bare(args[1], vus, time.Duration(secs*float64(time.Second)))
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// bare loops GETs from vus goroutines, each with its own transport (a VU's
// connection), reading every body, for d.
func bare(url string, vus int, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var n, failed atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < vus; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
			for ctx.Err() == nil {
				resp, err := c.Get(url)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("{\"requests\":%d,\"failed\":%d}\n", n.Load(), failed.Load())
	return nil
}
