package journal

import (
	"hash/maphash"
	"sync/atomic"
)

// minShared is the smallest body Share remembers: below it a copy costs
// less than hashing and comparing.
const minShared = 1024

// sharedBodies are the last few distinct bodies Share copied, so a body
// answered again (a page walked again, a status polled until it changes) is
// held once however many entries record it, and costs no copy.
type sharedBodies struct {
	slots [8]atomic.Pointer[sharedBody]
	next  atomic.Uint32
}

type sharedBody struct {
	hash uint64
	s    string
}

// shareSeed only spreads the lookups; equal bodies are found by comparing
// their bytes.
var shareSeed = maphash.MakeSeed()

// Share returns b as a string for an entry: a body the journal shared
// recently when one is equal to b, otherwise a copy of b, which later calls
// may share. It is safe to call from concurrent requests.
func (j *Journal) Share(b []byte) string {
	if len(b) < minShared {
		return string(b)
	}
	h := maphash.Bytes(shareSeed, b)
	for i := range j.shared.slots {
		if sb := j.shared.slots[i].Load(); sb != nil && sb.hash == h && sb.s == string(b) {
			return sb.s
		}
	}
	s := string(b)
	i := j.shared.next.Add(1) % uint32(len(j.shared.slots))
	j.shared.slots[i].Store(&sharedBody{hash: h, s: s})
	return s
}
