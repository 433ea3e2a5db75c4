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
