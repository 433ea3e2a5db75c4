package somos

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/telecomsim/simulator/internal/provider"
)

// Presigned URLs look like S3's (AWS Signature Version 4 in the query
// string) and are checked like S3 checks them: the signature covers the
// path, the signing time and the lifetime, so changing any of them is
// SignatureDoesNotMatch, and a URL used after its lifetime is AccessDenied
// "Request has expired". The key is the tenant's secret, so a URL from one
// tenant or process is no good in another.

const (
	amzAlgorithm  = "AWS4-HMAC-SHA256"
	amzDateLayout = "20060102T150405Z"
	amzRegion     = "us-east-1"
)

// accessKeyID is the credential's key id: derived from the tenant's secret,
// so it is stable for a tenant and says nothing about the secret.
func (s *Store) accessKeyID() string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("access-key-id"))
	return "ASIA" + strings.ToUpper(hex.EncodeToString(m.Sum(nil))[:16])
}

func (s *Store) presignSignature(path, amzDate, expires, credential string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(amzAlgorithm + "\n" + path + "\n" + amzDate + "\n" + expires + "\n" + credential))
	return hex.EncodeToString(m.Sum(nil))
}

// presign builds the presigned URL of path (below the provider's base),
// signed now and valid for expires seconds.
func presign(r *http.Request, s *Store, path string, expires int) string {
	now := s.now().UTC()
	date := now.Format(amzDateLayout)
	cred := s.accessKeyID() + "/" + now.Format("20060102") + "/" + amzRegion + "/s3/aws4_request"
	exp := strconv.Itoa(expires)
	q := url.Values{}
	q.Set("X-Amz-Algorithm", amzAlgorithm)
	q.Set("X-Amz-Credential", cred)
	q.Set("X-Amz-Date", date)
	q.Set("X-Amz-Expires", exp)
	q.Set("X-Amz-SignedHeaders", "host")
	q.Set("X-Amz-Signature", s.presignSignature(path, date, exp, cred))
	return provider.PinnedBaseURL(r) + path + "?" + q.Encode()
}

// checkPresigned verifies a presigned request for path.
func (s *Store) checkPresigned(path string, q url.Values) *S3Error {
	date, exp, cred := q.Get("X-Amz-Date"), q.Get("X-Amz-Expires"), q.Get("X-Amz-Credential")
	if q.Get("X-Amz-Algorithm") != amzAlgorithm || date == "" || exp == "" || cred == "" || q.Get("X-Amz-Signature") == "" {
		return &S3Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."}
	}
	want := s.presignSignature(path, date, exp, cred)
	if !hmac.Equal([]byte(want), []byte(q.Get("X-Amz-Signature"))) {
		return &S3Error{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch", Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	}
	signed, err := time.Parse(amzDateLayout, date)
	secs, err2 := strconv.Atoi(exp)
	if err != nil || err2 != nil {
		return &S3Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Access Denied"}
	}
	if expires := signed.Add(time.Duration(secs) * time.Second); !s.now().Before(expires) {
		return &S3Error{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Request has expired", Expires: expires.UTC(), Now: s.now()}
	}
	return nil
}
