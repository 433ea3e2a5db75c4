package journal

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

func TestShare(t *testing.T) {
	j := New(10, 0)
	big := bytes.Repeat([]byte("page "), 400)
	a := j.Share(big)
	assert.Equal(t, string(big), a)
	big[0] = 'P' // the caller's buffer changes: what was shared does not
	assert.Equal(t, "page ", a[:5])
	b := j.Share(bytes.Repeat([]byte("page "), 400))
	assert.Same(t, unsafe.StringData(a), unsafe.StringData(b), "an equal body is shared")
	c := j.Share(big)
	assert.NotEqual(t, a, c)
	assert.Equal(t, string(big), c)

	small := []byte("short body")
	assert.Equal(t, "short body", j.Share(small))

	// Only the last few distinct bodies are remembered.
	for i := range 20 {
		j.Share(append(bytes.Repeat([]byte{'x'}, 2000), fmt.Sprint(i)...))
	}
	d := j.Share(bytes.Repeat([]byte("page "), 400))
	assert.Equal(t, a, d)
	assert.NotSame(t, unsafe.StringData(a), unsafe.StringData(d), "forgotten, so copied again")
}

func TestShareConcurrently(t *testing.T) {
	j := New(10, 0)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				body := bytes.Repeat([]byte{byte('a' + (g+i)%12)}, 1500)
				if got := j.Share(body); got != string(body) {
					t.Errorf("Share gave another body")
					return
				}
			}
		}()
	}
	wg.Wait()
}
