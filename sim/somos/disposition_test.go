package somos

import (
	"mime"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An uploaded file's name is the user's: on download it must reach
// Content-Disposition only encoded (RFC 6266 filename*), never raw.
func TestDownloadNameIsEncoded(t *testing.T) {
	e := newEnv(t, testSection)
	id, _ := e.login("demo-refresh-br-user")
	const name = `evil"; filename="x.exe ☎.csv`
	st, body := e.call("POST", "/cnam/uploads", id, map[string]string{"fileName": name})
	require.Equal(t, 200, st, string(body))
	code, msg := put(t, decodeJSON[uploadResponse](t, body).PreSignedURL, "action,tfn,cnam\nC,8339900238,ACME ONE\n")
	require.Equal(t, 200, code, msg)
	e.advance(30 * time.Second)
	st, body = e.call("POST", "/bulkfiles/list", id, nil)
	require.Equal(t, 200, st)
	page := decodeJSON[FilePage](t, body)
	require.NotEmpty(t, page.Items)
	st, body = e.call("POST", "/bulkfiles/download", id, map[string]string{"fileId": page.Items[0].FileID})
	require.Equal(t, 200, st, string(body))

	resp, err := http.Get(decodeJSON[downloadResponse](t, body).URL)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	cd := resp.Header.Get("Content-Disposition")
	disp, params, err := mime.ParseMediaType(cd)
	require.NoError(t, err, cd)
	assert.Equal(t, "attachment", disp)
	// The download is named after the upload plus a time stamp.
	assert.True(t, strings.HasPrefix(params["filename"], strings.TrimSuffix(name, ".csv")), "filename* carries the exact name: %s", cd)
	assert.Contains(t, cd, `filename="evil__ filename=_x.exe _`, "the ASCII fallback has no quote")
}
