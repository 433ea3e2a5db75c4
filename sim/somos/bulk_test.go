package somos

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFixtureCSV(t *testing.T) {
	e := newEnv(t, testSection)
	e.reg.Set("8339900240", TFNAssigned, "BRSMS")
	e.reg.Set("8339900242", "SPARE", "BRSMS")
	br := caller(e.store, "admin@br.example")
	_, err := e.store.Create(br, CNAMInput{TFN: str("8339900239"), CNAM: str("BRIGHTLINE")})
	require.NoError(t, err)
	data, err := os.ReadFile("../../fixtures/somos/bulk-sample.csv")
	require.NoError(t, err)
	u, err := e.store.NewUpload(br, "bulk-sample.csv")
	require.NoError(t, err)
	_, err = e.store.PutUpload(u.Token, data)
	require.NoError(t, err)
	e.advance(30 * time.Second)
	page, err := e.store.ListFiles(br, FileQuery{FileTypes: []string{"CSV"}})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	f := page.Items[0]
	assert.Equal(t, FileCompleted, f.Status)
	assert.Equal(t, 6, f.EntriesReadInFile)
	assert.Equal(t, []int{2, 1, 1, 4, 2, 1, 1}, []int{f.Created, f.Updated, f.Deleted, f.TotalAccepted, f.TotalRejected, f.Error, f.Validation})
}
