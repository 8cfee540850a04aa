// The sample service the shipped stacks deploy: a static binary with no runtime dependencies.
//
//	GET /healthz  -> 200 "ok" (load balancer and smoke-test probe)
//	GET /version  -> 200 {"version": "...", "gitSha": "...", "slot": "..."} (which release answers)
//
// The version and git SHA are stamped at build time (-ldflags); the slot (blue/green) comes from the
// environment the deploy target sets. Listens on $PORT (default 8080). Writes nothing to disk.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"time"
)

var (
	version = "dev"
	gitSha  = "unknown"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/version", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"version": version,
			"gitSha":  gitSha,
			"slot":    os.Getenv("RELEASE_SLOT"),
		})
	})
	server := &http.Server{
		Addr:              ":" + port,
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
	}
	log.Printf("sample-service %s (%s) listening on :%s", version, gitSha, port)
	log.Fatal(server.ListenAndServe())
}
