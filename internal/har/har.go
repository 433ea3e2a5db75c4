// Package har reads and writes HTTP Archive (HAR) 1.2 files: the recording
// proxy's output, the input of `simulator stubs` and `simulator conform`. It
// also redacts secrets from exchanges before they are written.
package har

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// File is a whole HAR document.
type File struct {
	Log Log `json:"log"`
}

// Log is the HAR log object.
type Log struct {
	Version string  `json:"version"`
	Creator Creator `json:"creator"`
	Pages   []any   `json:"pages,omitempty"`
	Entries []Entry `json:"entries"`
	Comment string  `json:"comment,omitempty"`
}

// Creator names the program that wrote the file.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Entry is one exchange.
type Entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Time            float64  `json:"time"`
	Request         Request  `json:"request"`
	Response        Response `json:"response"`
	Cache           struct{} `json:"cache"`
	Timings         Timings  `json:"timings"`
	Comment         string   `json:"comment,omitempty"`
	// Provider names the simulated provider the exchange belongs to (a
	// custom field: HAR allows fields that start with an underscore).
	Provider string `json:"_provider,omitempty"`
	// Error is why the upstream gave no answer (the response then has
	// status 0, as browsers record a failed request).
	Error string `json:"_error,omitempty"`
}

// Request is the HAR request object.
type Request struct {
	Method      string    `json:"method"`
	URL         string    `json:"url"`
	HTTPVersion string    `json:"httpVersion"`
	Cookies     []Cookie  `json:"cookies"`
	Headers     []NV      `json:"headers"`
	QueryString []NV      `json:"queryString"`
	PostData    *PostData `json:"postData,omitempty"`
	HeadersSize int       `json:"headersSize"`
	BodySize    int       `json:"bodySize"`
}

// Response is the HAR response object.
type Response struct {
	Status      int      `json:"status"`
	StatusText  string   `json:"statusText"`
	HTTPVersion string   `json:"httpVersion"`
	Cookies     []Cookie `json:"cookies"`
	Headers     []NV     `json:"headers"`
	Content     Content  `json:"content"`
	RedirectURL string   `json:"redirectURL"`
	HeadersSize int      `json:"headersSize"`
	BodySize    int      `json:"bodySize"`
}

// NV is a name/value pair (headers, query string).
type NV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Cookie is a HAR cookie; the proxy records cookies as headers only.
type Cookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// PostData is a request body.
type PostData struct {
	MimeType string `json:"mimeType"`
	Params   []any  `json:"params"`
	Text     string `json:"text"`
}

// Content is a response body.
type Content struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// Timings are the phases of an exchange in milliseconds (-1: not known).
type Timings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// Exchange is what the proxy saw, before it becomes an Entry.
type Exchange struct {
	Provider  string
	Started   time.Time
	Duration  time.Duration
	Method    string
	URL       *url.URL
	ReqHeader http.Header
	ReqBody   []byte
	Status    int
	RespHead  http.Header
	RespBody  []byte
	Err       error
}

// NewEntry turns an exchange into a HAR entry.
func NewEntry(x Exchange) Entry {
	ms := float64(x.Duration.Microseconds()) / 1000
	e := Entry{
		StartedDateTime: x.Started.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		Time:            ms,
		Provider:        x.Provider,
		Timings:         Timings{Send: 0, Wait: ms, Receive: 0},
		Request: Request{
			Method: x.Method, URL: x.URL.String(), HTTPVersion: "HTTP/1.1",
			Cookies: []Cookie{}, Headers: pairs(x.ReqHeader), QueryString: queryPairs(x.URL.Query()),
			HeadersSize: -1, BodySize: len(x.ReqBody),
		},
		Response: Response{
			Status: x.Status, StatusText: http.StatusText(x.Status), HTTPVersion: "HTTP/1.1",
			Cookies: []Cookie{}, Headers: pairs(x.RespHead), RedirectURL: x.RespHead.Get("Location"),
			HeadersSize: -1, BodySize: len(x.RespBody),
			Content: Content{Size: len(x.RespBody), MimeType: x.RespHead.Get("Content-Type"), Text: string(x.RespBody)},
		},
	}
	if len(x.ReqBody) > 0 {
		e.Request.PostData = &PostData{MimeType: x.ReqHeader.Get("Content-Type"), Params: []any{}, Text: string(x.ReqBody)}
	}
	if x.Err != nil {
		e.Error = x.Err.Error()
		e.Response.Status, e.Response.StatusText, e.Response.BodySize = 0, "", -1
	}
	return e
}

func pairs(h http.Header) []NV {
	out := []NV{}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			out = append(out, NV{Name: k, Value: v})
		}
	}
	return out
}

func queryPairs(q url.Values) []NV {
	out := []NV{}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range q[k] {
			out = append(out, NV{Name: k, Value: v})
		}
	}
	return out
}

// Header returns the entry's request headers as an http.Header.
func (r Request) Header() http.Header {
	h := http.Header{}
	for _, nv := range r.Headers {
		h.Add(nv.Name, nv.Value)
	}
	return h
}

// Header returns the entry's response headers as an http.Header.
func (r Response) Header() http.Header {
	h := http.Header{}
	for _, nv := range r.Headers {
		h.Add(nv.Name, nv.Value)
	}
	return h
}

// Body returns the request body text.
func (r Request) Body() string {
	if r.PostData == nil {
		return ""
	}
	return r.PostData.Text
}

// MaxFile bounds a HAR file read or written.
const MaxFile = 256 << 20

// Read parses a HAR file and checks its structure.
func Read(path string) (*File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxFile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Parse decodes a HAR document and checks the fields this project relies on.
func Parse(b []byte) (*File, error) {
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("not a HAR file: %w", err)
	}
	if f.Log.Version == "" {
		return nil, fmt.Errorf("not a HAR file: log.version missing")
	}
	for i, e := range f.Log.Entries {
		if e.Request.Method == "" {
			return nil, fmt.Errorf("log.entries[%d].request.method: missing", i)
		}
		if _, err := url.Parse(e.Request.URL); err != nil || e.Request.URL == "" {
			return nil, fmt.Errorf("log.entries[%d].request.url: %q is not a URL", i, e.Request.URL)
		}
	}
	return &f, nil
}

// Writer appends exchanges to a HAR file. The file is a single JSON
// document, so it is rewritten (to a temporary file, then renamed) after
// every entry: a crash never leaves half a file, and a browser can open it
// while the proxy runs. Each entry is encoded once, when it is added; a
// rewrite only joins the encoded entries (re-encoding the whole recording
// for every exchange made a long recording slower with each one).
type Writer struct {
	mu      sync.Mutex
	path    string
	head    []byte   // the document up to its entries array
	tail    []byte   // and after it
	entries [][]byte // each entry, encoded at its place in the document
	bytes   int
	full    bool
	secrets bool
	redact  *Redactor
	// MaxBytes bounds the bodies held (default 64 MiB); past it, further
	// exchanges are not recorded and Add reports ErrFull once.
	MaxBytes int
}

// ErrFull is returned by Add once the recording reached its bound.
var ErrFull = fmt.Errorf("HAR recording is full; later exchanges are not recorded")

// entriesMark is how an empty entries array reads in the indented document.
const entriesMark = `"entries": []`

// entryPrefix is the indentation of an entry in the document.
const entryPrefix = "      "

// NewWriter starts a recording at path (created or truncated now, so a bad
// path fails at startup). keepSecrets writes credentials as they were.
func NewWriter(path, creatorVersion string, keepSecrets bool) (*Writer, error) {
	w := &Writer{path: path, secrets: keepSecrets, MaxBytes: 64 << 20, redact: NewRedactor()}
	f := File{Log: Log{Version: "1.2", Creator: Creator{Name: "telecom provider simulator", Version: creatorVersion}, Entries: []Entry{}}}
	if !keepSecrets {
		f.Log.Comment = "secrets redacted (Authorization headers, passwords and tokens in bodies): the same secret has the same REDACTED-n placeholder throughout"
	}
	doc, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	i := bytes.Index(doc, []byte(entriesMark))
	if i < 0 {
		return nil, fmt.Errorf("har: no entries array in %s", doc)
	}
	w.head = append(doc[:i:i], `"entries": [`...)
	w.tail = append([]byte("]"), doc[i+len(entriesMark):]...)
	if err := w.flushLocked(); err != nil {
		return nil, err
	}
	return w, nil
}

// Add records one exchange (redacted unless the writer keeps secrets).
func (w *Writer) Add(e Entry) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.secrets {
		e = w.redact.Entry(e)
	}
	size := len(e.Response.Content.Text) + len(e.Request.Body())
	if w.full {
		return nil
	}
	if w.bytes+size > w.MaxBytes {
		w.full = true
		return ErrFull
	}
	b, err := json.MarshalIndent(e, entryPrefix, "  ")
	if err != nil {
		return err
	}
	w.bytes += size
	w.entries = append(w.entries, b)
	return w.flushLocked()
}

// Len is the number of entries recorded.
func (w *Writer) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.entries)
}

// document joins the encoded parts as json.MarshalIndent writes the whole
// file.
func (w *Writer) document() []byte {
	n := len(w.head) + len(w.tail) + 8
	for _, e := range w.entries {
		n += len(e) + len(entryPrefix) + 2
	}
	b := append(make([]byte, 0, n), w.head...)
	for i, e := range w.entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = append(b, entryPrefix...)
		b = append(b, e...)
	}
	if len(w.entries) > 0 {
		b = append(b, "\n    "...)
	}
	b = append(b, w.tail...)
	return append(b, '\n')
}

func (w *Writer) flushLocked() error {
	b := w.document()
	tmp, err := os.CreateTemp(filepath.Dir(w.path), "."+filepath.Base(w.path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), w.path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// isSecretName says whether a header, query parameter or JSON key holds a
// credential.
func isSecretName(name string) bool {
	n := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(name))
	switch n {
	case "authorization", "xauthorization", "proxyauthorization", "cookie", "setcookie", "xapikey", "apikey":
		return true
	}
	for _, s := range []string{"password", "passwd", "secret", "token", "apikey", "clientassertion", "codeverifier"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
