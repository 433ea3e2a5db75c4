package authn

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemo(t *testing.T) {
	m := NewMemo[int](3)
	_, ok := m.Get(Key([]byte("s"), "t1"))
	assert.False(t, ok)
	m.Put(Key([]byte("s"), "t1"), 1)
	v, ok := m.Get(Key([]byte("s"), "t1"))
	require.True(t, ok)
	assert.Equal(t, 1, v)
	_, ok = m.Get(Key([]byte("other"), "t1"))
	assert.False(t, ok, "the same token under another key is another entry")

	m.Put("b", 2)
	m.Put("c", 3)
	assert.Equal(t, 3, m.Len())
	m.Put("d", 4) // full: starts over
	assert.Equal(t, 1, m.Len())
	_, ok = m.Get(Key([]byte("s"), "t1"))
	assert.False(t, ok)
}

func TestMemoConcurrent(t *testing.T) {
	m := NewMemo[string](100)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				k := fmt.Sprintf("%d-%d", g, i%50)
				m.Put(k, k)
				if v, ok := m.Get(k); ok {
					assert.Equal(t, k, v)
				}
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, m.Len(), 100)
}
