// Command tmobile-link is a minimal partner web app for T-Mobile Your Number
// Anywhere: / sends the subscriber to T-Mobile's link page, /callback
// exchanges the code (PoP-signed) and waits for the line's registration.
//
//	TMOBILE_CLIENT_SECRET=... tmobile-link -base https://... -client-id ... \
//	    -redirect http://127.0.0.1:3000/callback -key partner-key.pem
//
// With a simulator: -base http://localhost:8080/tmobile -client-id demo-client,
// TMOBILE_CLIENT_SECRET=demo-secret and -key fixtures/tmobile/demo-client-key.pem
// (a demo key: never use it anywhere real), then open http://127.0.0.1:3000/.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"
	"sync"
	"time"
)

func main() {
	base := flag.String("base", "", "T-Mobile API base URL (required)")
	clientID := flag.String("client-id", "", "partner client id")
	redirect := flag.String("redirect", "http://127.0.0.1:3000/callback", "registered redirect URI")
	keyFile := flag.String("key", "", "partner PoP private key (PKCS#8 PEM)")
	addr := flag.String("addr", "127.0.0.1:3000", "listen address")
	flag.Parse()
	pemBytes, err := os.ReadFile(*keyFile)
	if err != nil {
		log.Fatal(err)
	}
	key, err := LoadKey(pemBytes)
	if err != nil {
		log.Fatal(err)
	}
	p := &Partner{BaseURL: *base, ClientID: *clientID, ClientSecret: os.Getenv("TMOBILE_CLIENT_SECRET"),
		RedirectURI: *redirect, Key: key, HTTP: &http.Client{Timeout: 30 * time.Second}}
	srv := &http.Server{Addr: *addr, Handler: newApp(p, 5*time.Second), ReadHeaderTimeout: 10 * time.Second}
	log.Printf("open http://%s/", *addr)
	log.Fatal(srv.ListenAndServe())
}

var done = template.Must(template.New("done").Parse(`<!doctype html><title>Linked</title>
<h1>Linked</h1><ul>{{range .Lines}}<li>{{.MSISDN}}: {{if .RegStatus}}registered{{else}}not registered{{end}}</li>{{end}}</ul>`))

// newApp serves the partner's two pages; every is the status poll interval.
func newApp(p *Partner, every time.Duration) http.Handler {
	var mu sync.Mutex
	states := map[string]bool{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		state := hex.EncodeToString(b)
		mu.Lock()
		states[state] = true
		mu.Unlock()
		http.Redirect(w, r, p.LinkURL(state), http.StatusFound)
	})
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		ok := states[q.Get("state")]
		delete(states, q.Get("state"))
		mu.Unlock()
		if !ok {
			http.Error(w, "unknown state", http.StatusBadRequest)
			return
		}
		if e := q.Get("error"); e != "" {
			http.Error(w, "not linked: "+e, http.StatusForbidden)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
		defer cancel()
		tok, err := p.Exchange(ctx, q.Get("code"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		st, err := p.WaitRegistered(ctx, tok.AccessToken, every)
		if err != nil {
			http.Error(w, fmt.Sprint("registration: ", err), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = done.Execute(w, st)
	})
	return mux
}
