package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/telecomsim/simulator/internal/app"
)

// shellWords splits one shell command line: single and double quotes,
// backslash-newline continuations, and a trailing # comment.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(line[i+1:], c)
			if end < 0 {
				end = len(line) - i - 1
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '#' && !inWord:
			return words
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// codeBlock returns the first fenced block of lang after the heading.
func codeBlock(t *testing.T, doc, heading, lang string) string {
	t.Helper()
	i := strings.Index(doc, heading)
	require.GreaterOrEqual(t, i, 0, "heading %q", heading)
	rest := doc[i:]
	start := strings.Index(rest, "```"+lang+"\n")
	require.GreaterOrEqual(t, start, 0, "no %s block after %q", lang, heading)
	rest = rest[start+len("```"+lang+"\n"):]
	end := strings.Index(rest, "```")
	require.GreaterOrEqual(t, end, 0)
	return rest[:end]
}

// curlCommands turns a shell block's curl lines into requests against base,
// in place of http://localhost:8080; other lines are left out.
func curlCommands(t *testing.T, block, base string) []*http.Request {
	t.Helper()
	block = strings.ReplaceAll(block, "\\\n", " ")
	var reqs []*http.Request
	vars := map[string]string{}
	assign := regexp.MustCompile(`^([A-Z_]+)=(\S+)$`)
	for _, line := range strings.Split(block, "\n") {
		if m := assign.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			vars[m[1]] = m[2]
			continue
		}
		line = os.Expand(line, func(k string) string {
			if v, ok := vars[k]; ok {
				return v
			}
			return "$" + k
		})
		w := shellWords(line)
		if len(w) > 0 && w[0] == "until" { // until curl ... >/dev/null; do sleep 1; done
			w = w[1:]
			for i, x := range w {
				if strings.HasPrefix(x, ">") || strings.HasSuffix(x, ";") {
					w = w[:i]
					break
				}
			}
		}
		if len(w) == 0 || w[0] != "curl" {
			continue
		}
		method, body, url := "", "", ""
		hdr := http.Header{}
		var user, pass string
		for i := 1; i < len(w); i++ {
			switch w[i] {
			case "-s", "-i", "-f", "-sf", "-si":
			case "-X":
				i++
				method = w[i]
			case "-d", "--data":
				i++
				body = w[i]
			case "-H":
				i++
				k, v, _ := strings.Cut(w[i], ":")
				hdr.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			case "-u":
				i++
				user, pass, _ = strings.Cut(w[i], ":")
			default:
				require.True(t, strings.HasPrefix(w[i], "http://localhost:8080/"), "unexpected curl argument %q in %q", w[i], line)
				url = base + strings.TrimPrefix(w[i], "http://localhost:8080")
			}
		}
		if method == "" {
			method = http.MethodGet
			if body != "" {
				method = http.MethodPost
			}
		}
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		require.NoError(t, err)
		req.Header = hdr
		if body != "" && hdr.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded") // what curl -d sends
		}
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		reqs = append(reqs, req)
	}
	return reqs
}

func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestReadmeTour runs the README's 60-second tour, curl by curl, against the
// default scenario and checks that each step shows what its comment says.
func TestReadmeTour(t *testing.T) {
	readme := repoFile(t, "README.md")
	a, err := app.New(app.Config{Scenario: mustDefault()})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)

	reqs := curlCommands(t, codeBlock(t, readme, "## A 60-second tour", "sh"), srv.URL)
	// health (in the until loop), create, advance, list, list in a tenant,
	// journal, add a fault, the failing list.
	require.Len(t, reqs, 8, "the tour changed: update this test with it")
	var out []string
	var codes []int
	for _, r := range reqs {
		code, body := send(t, r)
		codes = append(codes, code)
		out = append(out, body)
	}
	assert.Equal(t, []int{200, 201, 200, 200, 200, 200, 201, 503}, codes, "statuses of the tour's steps")
	assert.Contains(t, out[1], `"value":"ACME LABS"`, "the record is created")
	assert.Contains(t, out[1], `"is_approved":false`, "and pending")
	var list struct {
		Data []struct {
			Attributes struct {
				Value      string `json:"value"`
				IsApproved bool   `json:"is_approved"`
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out[3]), &list), out[3])
	approved := map[string]bool{}
	for _, d := range list.Data {
		approved[d.Attributes.Value] = d.Attributes.IsApproved
	}
	assert.Equal(t, map[string]bool{"ACME LABS": true, "ACME WIDGETS": true}, approved, "after 4h both are approved")
	assert.NotContains(t, out[4], "ACME LABS", "another tenant starts fresh")
	assert.Contains(t, out[4], "ACME WIDGETS")
	assert.Contains(t, out[5], `"entries"`, "the journal answers")
	assert.Contains(t, out[7], `"errors"`, "Flowroute's error envelope")
}

// TestReadmeCredentials checks the README's credentials table against the
// default scenario: every credential the scenario declares is in the
// provider's row, and the logins it names work.
func TestReadmeCredentials(t *testing.T) {
	readme := repoFile(t, "README.md")
	table := codeBlockless(t, readme, "## Default credentials (embedded default scenario)")
	rows := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\| (Flowroute|Somos TFN Identity|Call48|T-Mobile|TFNRegistry) \| (.*) \|$`).FindAllStringSubmatch(table, -1) {
		rows[m[1]] = m[2]
	}
	require.Len(t, rows, 5, "one row per provider")

	a, err := app.New(app.Config{Scenario: mustDefault()})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)

	want := map[string][]string{ // the values a reader needs, from the scenario's own list
		"flowroute": {"accessKey", "secretKey"},
		"somos":     {"refreshToken"},
		"tmobile":   {"clientId", "clientSecret", "redirectUri"},
	}
	row := map[string]string{"flowroute": "Flowroute", "somos": "Somos TFN Identity", "tmobile": "T-Mobile", "call48": "Call48"}
	for prov, keys := range want {
		creds := a.Credentials("default", prov)
		require.NotEmpty(t, creds, prov)
		for _, c := range creds {
			for _, k := range keys {
				if v, ok := c.Values[k]; ok {
					assert.Contains(t, rows[row[prov]], "`"+v+"`", "%s %s of %s", prov, k, c.Label)
				}
			}
		}
	}

	// Flowroute Basic
	req, _ := http.NewRequest("GET", srv.URL+"/flowroute/v2/cnams", nil)
	req.SetBasicAuth("demo-access-key", "demo-secret-key")
	code, body := send(t, req)
	assert.Equal(t, http.StatusOK, code, body)
	// Somos: every refresh token in the row
	toks := regexp.MustCompile("`(demo-refresh-[a-z-]+)`").FindAllStringSubmatch(rows["Somos TFN Identity"], -1)
	require.Len(t, toks, 4)
	for _, tok := range toks {
		req, _ := http.NewRequest("POST", srv.URL+"/somos/public/apitoken", strings.NewReader(`{"refreshToken":"`+tok[1]+`"}`))
		req.Header.Set("Content-Type", "application/json")
		code, body := send(t, req)
		assert.Equal(t, http.StatusOK, code, "%s: %s", tok[1], body)
	}
	// Call48: the login and the admin login
	for _, l := range []struct{ path, user, pass string }{{"/login", "mark", "password"}, {"/admin_login", "spadmin", "password"}} {
		assert.Contains(t, rows["Call48"], "`POST /call48/api/v4"+l.path+"` with `"+l.user+"` / `"+l.pass+"`")
		req, _ := http.NewRequest("POST", srv.URL+"/call48/api/v4"+l.path, strings.NewReader(`{"user_name":"`+l.user+`","password":"`+l.pass+`"}`))
		req.Header.Set("Content-Type", "application/json")
		code, body := send(t, req)
		assert.Equal(t, http.StatusOK, code, body)
		assert.Contains(t, body, "token", body)
	}
	// T-Mobile subscriber, and TFNRegistry's inbox
	assert.Contains(t, rows["T-Mobile"], "`demo-user` / `demo-pass`")
	found := false
	for _, c := range a.Credentials("default", "tmobile") {
		found = found || (c.Values["login"] == "demo-user" && c.Values["password"] == "demo-pass" && strings.Contains(rows["T-Mobile"], c.Values["lines"][:10]))
	}
	assert.True(t, found, "the T-Mobile subscriber in the README is the scenario's")
	code, body = send(t, mustReq(t, "GET", srv.URL+"/__sim/inbox/demo"))
	assert.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, rows["TFNRegistry"], "`/__sim/inbox/demo`")
}

func mustReq(t *testing.T, method, url string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	return r
}

// codeBlockless returns the text of a section: from the heading to the next
// "## " heading.
func codeBlockless(t *testing.T, doc, heading string) string {
	t.Helper()
	i := strings.Index(doc, heading)
	require.GreaterOrEqual(t, i, 0, "heading %q", heading)
	rest := doc[i+len(heading):]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// TestDocsWalkThroughs runs the curl walk-throughs of docs pages against the
// default scenario, in order: every step must answer as a success.
func TestDocsWalkThroughs(t *testing.T) {
	for _, tt := range []struct {
		doc, heading string
		steps        int
	}{
		{"docs/flowroute.md", "## Walk-through (default scenario)", 14},
		{"docs/control-api.md", "## Health, providers, specs", 5},
	} {
		t.Run(tt.doc, func(t *testing.T) {
			a, err := app.New(app.Config{Scenario: mustDefault()})
			require.NoError(t, err)
			t.Cleanup(a.Close)
			srv := httptest.NewServer(a.Handler())
			t.Cleanup(srv.Close)
			block := codeBlock(t, repoFile(t, tt.doc), tt.heading, "sh")
			if !strings.Contains(block, "B=") { // control-api.md sets B in its prose
				block = "B=http://localhost:8080\n" + block
			}
			reqs := curlCommands(t, block, srv.URL)
			require.Len(t, reqs, tt.steps, "the walk-through changed: update this test with it")
			for _, r := range reqs {
				code, body := send(t, r)
				assert.Less(t, code, 300, "%s %s: %s", r.Method, r.URL.Path, body)
			}
		})
	}
}
