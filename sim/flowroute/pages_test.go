package flowroute

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renderPage renders through the memo and reports whether it had to.
func renderPage(s *State, key string) (page string, rendered bool) {
	page = s.RenderedCNAMPage("ka", []byte(key), CNAMFilter{Limit: 100}, func(dst []byte, items []*CNAM, more bool) []byte {
		rendered = true
		for _, c := range items {
			dst = append(dst, c.Value...)
			dst = append(dst, '/')
			dst = append(dst, c.Status()...)
			dst = append(dst, ';')
		}
		return dst
	})
	return page, rendered
}

func TestRenderedPagesFollowEveryChange(t *testing.T) {
	s, c := newTestState(t)
	created, err := s.CreateCNAM("ka", "FIRST")
	require.NoError(t, err)
	exported, err := json.Marshal(s.Export())
	require.NoError(t, err)
	steps := []struct {
		name   string
		change func()
		want   string // a part of the page after the change
	}{
		{"create", func() { _, err := s.CreateCNAM("ka", "SECOND"); require.NoError(t, err) }, "SECOND/pending"},
		{"update", func() { _, err := s.UpdateCNAM("ka", created.ID, "THIRD"); require.NoError(t, err) }, "THIRD/pending"},
		{"approval on the clock", func() { _, err := c.Advance(5 * time.Hour); require.NoError(t, err) }, "THIRD/approved"},
		{"delete", func() { require.NoError(t, s.DeleteCNAM("ka", created.ID)) }, "SECOND/approved;"},
		{"decision by the control API", func() {
			cn, err := s.CreateCNAM("ka", "FOURTH")
			require.NoError(t, err)
			_, err = s.Decide(cn.ID, false, "not allowed")
			require.NoError(t, err)
		}, "FOURTH/rejected"},
		{"state import", func() { require.NoError(t, s.Import(exported)) }, "FIRST/pending"},
	}
	before, _ := renderPage(s, "k")
	for _, st := range steps {
		again, rendered := renderPage(s, "k")
		require.False(t, rendered, "%s: read twice without a change, rendered once", st.name)
		require.Equal(t, before, again)
		st.change()
		after, rendered := renderPage(s, "k")
		assert.True(t, rendered, "%s: a change renders the page again", st.name)
		assert.Contains(t, after, st.want, st.name)
		before = after
	}
	_, rendered := renderPage(s, "other key")
	assert.True(t, rendered, "another key is another page")
}

func TestPageMemoBounds(t *testing.T) {
	var m pageMemo
	m.put(1, []byte("big"), strings.Repeat("x", maxMemoPage+1))
	_, ok := m.get(1, []byte("big"))
	assert.False(t, ok, "a page over the page bound is not kept")
	page := strings.Repeat("y", maxMemoPage-16)
	for i := 0; i < 10; i++ {
		m.put(1, []byte{byte('a' + i)}, page)
	}
	assert.LessOrEqual(t, m.bytes, maxMemoBytes)
	_, ok = m.get(1, []byte("a"))
	assert.True(t, ok)
	_, ok = m.get(2, []byte("a"))
	assert.False(t, ok, "another gen sees nothing")
	m.put(2, []byte("b"), "z")
	assert.Equal(t, 2, m.bytes, "a new gen starts empty")
}

// TestEveryWriteBumpsTheGeneration keeps the memo honest: a change made
// under the write lock without lock() would leave stale pages.
func TestEveryWriteBumpsTheGeneration(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		n := strings.Count(string(b), "s.mu.Lock()")
		if f == "store.go" {
			assert.Equal(t, 1, n, "%s: the state is locked for writing only in lock()", f)
		} else {
			assert.Zero(t, n, "%s: use s.lock(), which makes rendered pages stale", f)
		}
	}
}
