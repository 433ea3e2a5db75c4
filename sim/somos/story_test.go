package somos

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/timeline"
)

// Partner propagation and bulk files are steps on the tenant's timeline,
// with the TFN, so a number's life shows them.
func TestLifecycleStepsOnTheTimeline(t *testing.T) {
	e := newEnv(t, testSection)
	e.store.story = timeline.New()
	br := caller(e.store, "admin@br.example")
	_, err := e.store.Create(br, CNAMInput{TFN: str("8339900239"), CNAM: str("BRIGHTLINE")})
	require.NoError(t, err)
	e.advance(time.Hour)
	var found *timeline.Item
	for _, it := range e.store.story.Items() {
		if it.Provider == "somos" && it.Detail["tfn"] == "8339900239" {
			found = &it
		}
	}
	require.NotNil(t, found, "the propagation is on the timeline")
	assert.Equal(t, []string{"8339900239"}, found.Numbers)
	assert.Contains(t, found.Summary, `"BRIGHTLINE" of 8339900239 reached the partners`)
}

// A processed bulk file's timeline item names the numbers of its rows
// (each once), whether it was processed on the clock or by the control lever.
func TestBulkFileNumbersOnTheTimeline(t *testing.T) {
	for _, byLever := range []bool{false, true} {
		e := newEnv(t, testSection)
		e.store.story = timeline.New()
		br := caller(e.store, "admin@br.example")
		u, err := e.store.NewUpload(br, "names.csv")
		require.NoError(t, err)
		_, err = e.store.PutUpload(u.Token, []byte("tfn,cnam,action\n8339900239,ACME ONE,C\n1-833-990-0239,ACME ONE,U\n8339900241,NOT OURS,U\n"))
		require.NoError(t, err)
		if byLever {
			page, err := e.store.ListFiles(br, FileQuery{FileTypes: []string{"CSV"}})
			require.NoError(t, err)
			require.Len(t, page.Items, 1)
			_, err = e.store.ProcessNow(page.Items[0].FileID)
			require.NoError(t, err)
		} else {
			e.advance(time.Minute)
		}
		var done *timeline.Item
		for _, it := range e.store.story.Items() {
			if it.Provider == "somos" && it.Detail["status"] == FileCompleted {
				done = &it
			}
		}
		require.NotNil(t, done, "by lever: %v", byLever)
		assert.Equal(t, []string{"8339900239", "8339900241"}, done.Numbers, "by lever: %v", byLever)
	}
}
