// Command somos-client sets the CNAM of a toll-free number with Somos TFN
// Identity and lists the entity's CNAM entries.
//
//	SOMOS_REFRESH_TOKEN=... somos-client -tfn 8339900238 -cnam "BRIGHTLINE CARE"
//
// -base defaults to the real API; point it at a simulator to try it:
// -base http://localhost:8080/somos with SOMOS_REFRESH_TOKEN=demo-refresh-br-user.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	base := flag.String("base", "https://tfnidentity.somos.com", "API base URL")
	tfn := flag.String("tfn", "", "toll-free number (10 digits); empty: only list")
	cnam := flag.String("cnam", "", "caller name (1-15 characters)")
	flag.Parse()
	c := &Client{BaseURL: *base, RefreshToken: os.Getenv("SOMOS_REFRESH_TOKEN"), HTTP: &http.Client{Timeout: 30 * time.Second}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, c, *tfn, *cnam); err != nil {
		fmt.Fprintln(os.Stderr, "somos-client:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c *Client, tfn, cnam string) error {
	if tfn != "" {
		rec, err := c.CreateCNAM(ctx, Record{TFN: tfn, CNAM: cnam})
		if err != nil {
			return err
		}
		fmt.Printf("created %s %q (partner update %s)\n", rec.TFN, rec.CNAM, rec.PartnerUpdateStatus)
	}
	list, err := c.ListCNAM(ctx, 100)
	if err != nil {
		return err
	}
	for _, r := range list {
		fmt.Printf("%s %-15s %s %s\n", r.TFN, r.CNAM, r.RespOrgID, r.Status)
	}
	return nil
}
