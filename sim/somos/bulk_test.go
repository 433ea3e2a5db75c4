package somos

import (
	"os"
	"strings"
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

// A file goes Uploaded, Processing, Completed on the clock, longer for
// longer files; columns are found by header name in any order, and a
// column the simulator does not know is reported in the rejected-rows file
// instead of failing the file.
func TestBulkFileLifecycleOnTheClock(t *testing.T) {
	e := newEnv(t, testSection)
	br := caller(e.store, "admin@br.example")
	var b strings.Builder
	b.WriteString("cnam,favouriteColour,tfn,action\n") // any order, one unknown column
	b.WriteString("ACME ONE,blue,8339900239,C\n")
	for i := 0; i < 299; i++ {
		b.WriteString("ACME,red,8339900241,U\n") // not a number of the entity's: rejected rows
	}
	u, err := e.store.NewUpload(br, "big.csv")
	require.NoError(t, err)
	_, err = e.store.PutUpload(u.Token, []byte(b.String()))
	require.NoError(t, err)
	status := func() BulkFile {
		page, err := e.store.ListFiles(br, FileQuery{FileTypes: []string{"CSV"}})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		return page.Items[0]
	}
	assert.Equal(t, FileUploaded, status().Status)
	e.advance(10 * time.Second) // a third of bulkProcessing (30s)
	assert.Equal(t, FileProcessing, status().Status)
	e.advance(20 * time.Second) // a small file would be done now
	assert.Equal(t, FileProcessing, status().Status, "300 rows take 200 x 100 ms longer")
	e.advance(20 * time.Second)
	f := status()
	require.Equal(t, FileCompleted, f.Status, f.Message)
	assert.Equal(t, 300, f.EntriesReadInFile)
	assert.Equal(t, 1, f.Created, "columns found by name in any order")
	assert.Contains(t, f.Message, `favouriteColour`)
	rej, err := e.store.ListFiles(br, FileQuery{FileTypes: []string{"RejectedCSV"}})
	require.NoError(t, err)
	require.Len(t, rej.Items, 1)
	content := e.store.files[rej.Items[0].FileID].Content
	assert.Contains(t, content, `Unknown column(s) favouriteColour ignored`)
}
