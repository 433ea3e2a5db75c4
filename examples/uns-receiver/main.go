// Command uns-receiver receives Somos TFNRegistry UNS-SNA messages for a
// carrier and logs them. Register its address as the CIC's callback base URL
// (the registry's GNA page); messages arrive at /v3/ext/uns/sna.
//
//	uns-receiver -addr :9000
//
// With a simulator: POST /__sim/tnregistry/subscriptions
// {"cic":"0555","url":"http://127.0.0.1:9000"}, then change a record.
package main

import (
	"flag"
	"log"
	"net/http"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", ":9000", "listen address")
	flag.Parse()
	rc := NewReceiver()
	rc.OnMessage = func(m SNA) {
		log.Printf("UNS-SNA %s change %s for CIC %s: %s %s/%s, carriers %s", m.TfNum, m.ChgParam, m.CicCode,
			m.ApprReason, m.CustRecStat, m.ApprStat, strings.Join(m.InterLATACarrier, ","))
	}
	srv := &http.Server{Addr: *addr, Handler: rc, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("listening on %s", *addr)
	log.Fatal(srv.ListenAndServe())
}
