// Command flowroute-cnam sets a number's caller ID with Flowroute API v2:
// it creates a CNAM record, waits for Flowroute to approve it and attaches it
// to the number.
//
//	FLOWROUTE_ACCESS_KEY=... FLOWROUTE_SECRET_KEY=... \
//	    flowroute-cnam -number 12065550100 -value "Acme Labs"
//
// -base defaults to the real API; point it at a simulator to try it:
// -base http://localhost:8080/flowroute/v2 with the keys demo-access-key and
// demo-secret-key.
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
	base := flag.String("base", "https://api.flowroute.com/v2", "API base URL")
	number := flag.String("number", "", "the number to set the caller ID of (11 digits)")
	value := flag.String("value", "", "the caller-ID text (at most 15 characters)")
	every := flag.Duration("every", time.Minute, "how often to check the approval")
	wait := flag.Duration("wait", 48*time.Hour, "how long to wait for the approval")
	flag.Parse()
	if *number == "" || *value == "" {
		flag.Usage()
		os.Exit(2)
	}
	c := &Client{
		BaseURL:   *base,
		AccessKey: os.Getenv("FLOWROUTE_ACCESS_KEY"),
		SecretKey: os.Getenv("FLOWROUTE_SECRET_KEY"),
		HTTP:      &http.Client{Timeout: 30 * time.Second},
	}
	ctx, cancel := context.WithTimeout(context.Background(), *wait)
	defer cancel()
	if err := run(ctx, c, *number, *value, *every); err != nil {
		fmt.Fprintln(os.Stderr, "flowroute-cnam:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c *Client, number, value string, every time.Duration) error {
	rec, err := c.CreateCNAM(ctx, value)
	if err != nil {
		return err
	}
	fmt.Printf("created CNAM record %s (%s), waiting for approval\n", rec.ID, rec.Value)
	if rec, err = c.WaitApproved(ctx, rec.ID, every); err != nil {
		return err
	}
	if err := c.AttachCNAM(ctx, number, rec.ID); err != nil {
		return err
	}
	fmt.Printf("%s now shows %q\n", number, rec.Value)
	return nil
}
