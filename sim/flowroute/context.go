package flowroute

import "context"

func contextWithAccount(ctx context.Context, access string) context.Context {
	return context.WithValue(ctx, accountKey{}, access)
}

func accountFrom(ctx context.Context) string {
	s, _ := ctx.Value(accountKey{}).(string)
	return s
}
