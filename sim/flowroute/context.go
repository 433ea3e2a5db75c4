package flowroute

import (
	"context"
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
)

func contextWithAccount(ctx context.Context, access string) context.Context {
	return context.WithValue(ctx, accountKey{}, access)
}

// accountOf returns the access key Authenticate accepted: recorded in the
// request's Match when the engine serves it, else in its context.
func accountOf(r *http.Request) string {
	if m := provider.MatchFrom(r.Context()); m != nil {
		if a, ok := m.Caller.(*Account); ok {
			return a.AccessKey
		}
	}
	s, _ := r.Context().Value(accountKey{}).(string)
	return s
}
