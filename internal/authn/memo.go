// Package authn holds what the providers' token checks share.
package authn

import "sync"

// Memo remembers successful token verifications. Verifying a signature and
// decoding the claims depends only on the key and the token, so a result can
// be reused until the process ends; lifetimes, revocation and permissions
// are still checked by the caller on every request, against the tenant
// clock. Failures are never stored, so garbage tokens cannot fill it.
type Memo[T any] struct {
	mu  sync.RWMutex
	max int
	m   map[string]T
}

// NewMemo returns a memo holding at most max results; when it is full it
// starts over (tokens in use are verified again on their next request).
func NewMemo[T any](max int) *Memo[T] {
	return &Memo[T]{max: max, m: make(map[string]T)}
}

// Key is the memo key of a token verified with a key.
func Key(secret []byte, token string) string {
	return string(secret) + "\x00" + token
}

// Get returns the remembered result for key.
func (m *Memo[T]) Get(key string) (T, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	v, ok := m.m[key]
	return v, ok
}

// Put remembers a successful result.
func (m *Memo[T]) Put(key string, v T) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.m) >= m.max {
		m.m = make(map[string]T)
	}
	m.m[key] = v
}

// Len is how many results are remembered.
func (m *Memo[T]) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.m)
}
