package stub

import (
	"encoding/json"
	"fmt"
	"maps"
)

// Snapshot is a set's stubs, in matching order, and the state they keep:
// what a tenant's state export holds, so stubs added through the control
// API survive an export and import (and a restart with --state-file).
type Snapshot struct {
	Stubs  []SavedStub       `json:"stubs"`
	States map[string]string `json:"states"`
	Seq    uint64            `json:"seq"`
	NextID int               `json:"nextId"`
}

// SavedStub is a stub with how often it answered (its place in a sequence)
// and whether it was added through Add (it then counts against
// MaxSetBytes).
type SavedStub struct {
	Stub
	Hits  int  `json:"hits,omitempty"`
	Added bool `json:"added,omitempty"`
}

// Export returns the set's stubs and state.
func (s *Set) Export() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Snapshot{Stubs: make([]SavedStub, len(s.stubs)), States: maps.Clone(s.states), Seq: s.seq, NextID: s.nextID}
	for i, c := range s.stubs {
		out.Stubs[i] = SavedStub{Stub: c.Stub, Hits: s.hits[c.ID], Added: c.size > 0}
	}
	return out
}

// Import replaces the set's stubs and state with a snapshot's. Every stub
// is checked first; on an error ("PATH: problem", the path within the
// snapshot) the set is left as it was.
func (s *Set) Import(snap Snapshot) error {
	if len(snap.Stubs) > MaxStubs {
		return fmt.Errorf("stubs: more than %d stubs", MaxStubs)
	}
	cs := make([]*compiled, len(snap.Stubs))
	seen := map[string]bool{}
	bytes := 0
	for i, st := range snap.Stubs {
		if st.ID == "" || seen[st.ID] {
			return fmt.Errorf("stubs.%d.id: want a unique id", i)
		}
		seen[st.ID] = true
		if st.Hits < 0 {
			return fmt.Errorf("stubs.%d.hits: must not be negative", i)
		}
		c, err := compile(st.Stub)
		if err != nil {
			return fmt.Errorf("stubs.%d.%w", i, err)
		}
		if st.Added {
			raw, err := json.Marshal(st.Stub)
			if err != nil {
				return fmt.Errorf("stubs.%d: %w", i, err)
			}
			c.size = len(raw)
			bytes += len(raw)
		}
		cs[i] = c
	}
	if bytes > MaxSetBytes {
		return fmt.Errorf("stubs: more than %d bytes", MaxSetBytes)
	}
	if snap.NextID < 0 {
		return fmt.Errorf("nextId: must not be negative")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stubs, s.hits, s.states = cs, map[string]int{}, map[string]string{}
	for _, st := range snap.Stubs {
		if st.Hits > 0 {
			s.hits[st.ID] = st.Hits
		}
	}
	maps.Copy(s.states, snap.States)
	s.seq, s.nextID, s.bytes = snap.Seq, snap.NextID, bytes
	return nil
}
