package tenant

// IsContextKey reports whether key is the one With stores a world under, so
// a context type that carries the world itself (the engine's per-request
// context, one allocation for everything it holds) can answer From.
func IsContextKey(key any) bool {
	_, ok := key.(ctxKey)
	return ok
}
