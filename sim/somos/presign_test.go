package somos

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A presigned URL looks like S3's and is checked like S3 checks it: its
// signature covers the path, the signing time and the lifetime, and it dies
// with its lifetime.
func TestPresignedURLsAreSignedLikeS3(t *testing.T) {
	e := newEnv(t, testSection)
	id, _ := e.login("demo-refresh-br-admin")
	st, body := e.call(http.MethodPost, "/cnam/uploads", id, map[string]any{"fileName": "x.csv"})
	require.Equal(t, http.StatusOK, st, string(body))
	up := decodeJSON[struct {
		PreSignedURL string `json:"preSignedURL"`
	}](t, body)
	u, err := url.Parse(up.PreSignedURL)
	require.NoError(t, err)
	q := u.Query()
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"} {
		assert.NotEmpty(t, q.Get(k), k)
	}
	assert.Equal(t, "AWS4-HMAC-SHA256", q.Get("X-Amz-Algorithm"))
	assert.Regexp(t, `^ASIA[0-9A-F]{16}/\d{8}/us-east-1/s3/aws4_request$`, q.Get("X-Amz-Credential"))

	send := func(raw string) (int, string) { return put(t, raw, "action,tfn,cnam\n") }
	altered := func(k, v string) string {
		q := u.Query()
		q.Set(k, v)
		c := *u
		c.RawQuery = q.Encode()
		return c.String()
	}
	cases := []struct {
		name, url, code string
	}{
		{"a longer lifetime", altered("X-Amz-Expires", "604800"), "SignatureDoesNotMatch"},
		{"a later signing time", altered("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z")), "SignatureDoesNotMatch"},
		{"another credential", altered("X-Amz-Credential", "ASIA0000000000000000/20260105/us-east-1/s3/aws4_request"), "SignatureDoesNotMatch"},
		{"another object", strings.Replace(up.PreSignedURL, "/uploads/", "/uploads/0", 1), "SignatureDoesNotMatch"},
		{"no signature", altered("X-Amz-Signature", ""), "AccessDenied"},
	}
	for _, c := range cases {
		code, msg := send(c.url)
		assert.Equal(t, http.StatusForbidden, code, c.name)
		assert.Contains(t, msg, "<Code>"+c.code+"</Code>", c.name)
	}

	// Past its lifetime (5 minutes on the tenant clock) it has expired.
	e.advance(6 * time.Minute)
	code, msg := send(up.PreSignedURL)
	assert.Equal(t, http.StatusForbidden, code)
	assert.Contains(t, msg, "<Message>Request has expired</Message>")
}
