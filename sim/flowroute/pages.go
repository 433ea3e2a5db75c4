package flowroute

import "sync"

// Bounds of a tenant's rendered pages: a page list clients poll is read far
// more often than the records change, and rendering it was a third of the
// request's handler.
const (
	maxMemoPage  = 8 << 10  // a larger page is rendered every time
	maxMemoBytes = 32 << 10 // per tenant, all pages together
)

// pageMemo remembers the pages rendered at one gen of a State. Readers
// hold the state's read lock, so the memo has a lock of its own.
type pageMemo struct {
	mu    sync.Mutex
	gen   uint64
	bytes int
	pages map[string]string
}

func (m *pageMemo) get(gen uint64, key []byte) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gen != gen {
		return "", false
	}
	p, ok := m.pages[string(key)] // no copy for a lookup
	return p, ok
}

// put remembers page for key at gen, forgetting the pages of other gens,
// unless that would take the memo past its bounds.
func (m *pageMemo) put(gen uint64, key []byte, page string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gen != gen || m.pages == nil {
		m.gen, m.bytes, m.pages = gen, 0, map[string]string{}
	}
	n := len(key) + len(page)
	if len(page) > maxMemoPage || m.bytes+n > maxMemoBytes {
		return
	}
	m.pages[string(key)] = page
	m.bytes += n
}
