// Command call48-buy buys a local number from Call48 in a state and lists
// the account's numbers.
//
//	CALL48_USERNAME=... CALL48_PASSWORD=... call48-buy -state GA -trunk 52610
//
// -base defaults to the real API; point it at a simulator to try it:
// -base http://localhost:8080/call48/api/v4 with mark / password.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	base := flag.String("base", "https://apicontrol.call48.com/api/v4", "API base URL")
	state := flag.String("state", "", "two-letter state to buy in")
	ratecenter := flag.String("ratecenter", "", "rate center (optional)")
	trunk := flag.Int("trunk", 0, "trunk group (ext_tgid) to route the number to")
	flag.Parse()
	if *state == "" || *trunk == 0 {
		flag.Usage()
		os.Exit(2)
	}
	c := &Client{BaseURL: *base, Username: os.Getenv("CALL48_USERNAME"), Password: os.Getenv("CALL48_PASSWORD"),
		HTTP: &http.Client{Timeout: 30 * time.Second}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	number, err := buy(ctx, c, *state, *ratecenter, *trunk)
	if err != nil {
		fmt.Fprintln(os.Stderr, "call48-buy:", err)
		os.Exit(1)
	}
	fmt.Println("bought", number)
	dids, err := c.DIDs(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "call48-buy:", err)
		os.Exit(1)
	}
	for _, d := range dids {
		fmt.Println(d.DID, d.State, d.Ratecenter, d.Status)
	}
}

// ErrNoNumbers means the search found nothing to buy.
var ErrNoNumbers = errors.New("call48: no numbers available")

// buy searches and buys the first number offered; when another buyer was
// faster it tries the next one.
func buy(ctx context.Context, c *Client, state, ratecenter string, trunk int) (string, error) {
	s, err := c.SearchLocal(ctx, state, ratecenter, 5)
	if err != nil {
		return "", err
	}
	for _, o := range s.Offers {
		err = c.Buy(ctx, s, o, trunk)
		var e *APIError
		if errors.As(err, &e) && e.Code == http.StatusBadRequest {
			continue // taken meanwhile, or the search expired: try the next
		}
		if err != nil {
			return "", err
		}
		return o.Number(), nil
	}
	if err != nil {
		return "", err
	}
	return "", ErrNoNumbers
}
