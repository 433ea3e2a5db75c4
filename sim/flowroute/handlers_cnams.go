package flowroute

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/telecomsim/simulator/internal/provider"
)

var docBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeDoc encodes v into a pooled buffer and sends it in one Write with its
// Content-Length, so the response is neither chunked nor copied twice.
func writeDoc(w http.ResponseWriter, status int, v any) {
	buf := docBufs.Get().(*bytes.Buffer)
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	writeBody(w, status, buf.Bytes())
	if buf.Cap() <= 64<<10 {
		docBufs.Put(buf)
	}
}

// writeBody sends an encoded document with its Content-Length.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = contentType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// contentType is the Content-Type header value, shared by every answer
// (net/http only reads it).
var contentType = []string{mediaType}

// pageBufs hold the CNAM list pages being written (appendCNAMPage).
var pageBufs = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// listDoc is a page of resources; its fields are in the order encoding/json
// gives the keys of a map, so the bytes are those of the real API's sorted
// keys.
type listDoc struct {
	Data  any   `json:"data"`
	Links links `json:"links"`
}

// pageQuery reads limit and offset (already type-checked against the spec).
func pageQuery(q url.Values, defLimit, maxLimit int) (limit, offset int, err error) {
	limit, offset = defLimit, 0
	if v := q.Get("limit"); v != "" {
		limit, err = strconv.Atoi(v)
		if err != nil || limit < 1 || (maxLimit > 0 && limit > maxLimit) {
			return 0, 0, paramError("limit")
		}
	}
	if v := q.Get("offset"); v != "" {
		offset, err = strconv.Atoi(v)
		if err != nil || offset < 0 {
			return 0, 0, paramError("offset")
		}
	}
	return limit, offset, nil
}

// pageLinks echoes the query like the real API: keys sorted, booleans in
// Python's spelling, limit and offset always present.
func pageLinks(base, path string, q url.Values, limit, offset int, more bool) links {
	build := func(off int) string {
		v := url.Values{}
		for k, vals := range q {
			v[k] = vals
		}
		v.Set("limit", strconv.Itoa(limit))
		v.Set("offset", strconv.Itoa(off))
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v.Get(k)))
		}
		return base + path + "?" + strings.Join(parts, "&")
	}
	l := links{Self: build(offset)}
	if more {
		l.Next = build(offset + limit)
	}
	return l
}

func (p *Provider) listCNAMs(w http.ResponseWriter, r *http.Request) {
	st, acct := stateAndAccount(r)
	q := r.URL.Query()
	limit, offset, err := pageQuery(q, 100, 0)
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	f := CNAMFilter{Limit: limit, Offset: offset, Value: q.Get("value")}
	if v := q.Get("is_approved"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			p.WriteError(w, r, paramError("is_approved"))
			return
		}
		f.Approved = &b
		q.Set("is_approved", map[bool]string{true: "True", false: "False"}[b])
	}
	base := provider.BaseURL(r)
	// The page depends on the records, the base URL its links start with
	// and the query (its filter, and its echo in the links).
	var keyBuf [256]byte
	key := append(append(append(append(append(keyBuf[:0], acct...), 0), base...), 0), r.URL.RawQuery...)
	page := st.RenderedCNAMPage(acct, key, f, func(dst []byte, items []*CNAM, more bool) []byte {
		return appendCNAMPage(dst, base, items, q, limit, offset, more)
	})
	h := w.Header()
	h["Content-Type"] = contentType
	h["Content-Length"] = []string{strconv.Itoa(len(page))}
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, page) // the journal can keep the string itself
}

func cnamID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(provider.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		return 0, errCNAMNotFound
	}
	return id, nil
}

func (p *Provider) getCNAM(w http.ResponseWriter, r *http.Request) {
	st, acct := stateAndAccount(r)
	id, err := cnamID(r)
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	c, nums, err := st.GetCNAM(acct, id)
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	base := provider.BaseURL(r)
	res := cnamWire(base, c)
	res.Relationships = &cnamRels{}
	res.Relationships.Numbers.Data = []ref{}
	included := []numberResource{}
	for _, n := range nums {
		res.Relationships.Numbers.Data = append(res.Relationships.Numbers.Data, ref{ID: n.Value, Type: "number"})
		included = append(included, numberWire(base, n))
	}
	writeDoc(w, http.StatusOK, map[string]any{"data": res, "included": included})
}

// readValue reads the CNAM value from a JSON, JSON:API or form body.
func readValue(r *http.Request) (string, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return "", errorf(http.StatusBadRequest, "Could not read the request body.")
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return "", errorf(http.StatusBadRequest, "The form body could not be parsed.")
		}
		if !form.Has("value") {
			return "", errMissingValue()
		}
		return form.Get("value"), nil
	}
	var vb valueBody
	if err := json.Unmarshal(body, &vb); err != nil {
		return "", errorf(http.StatusBadRequest, "The request body is not valid JSON.")
	}
	v, ok := vb.value()
	if !ok {
		return "", errMissingValue()
	}
	return v, nil
}

func (p *Provider) createCNAM(w http.ResponseWriter, r *http.Request) {
	st, acct := stateAndAccount(r)
	v, err := readValue(r)
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	c, err := st.CreateCNAM(acct, v)
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	writeDoc(w, http.StatusCreated, map[string]any{"data": cnamWire(provider.BaseURL(r), c)})
}

func (p *Provider) updateCNAM(w http.ResponseWriter, r *http.Request) {
	st, acct := stateAndAccount(r)
	id, err := cnamID(r)
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	v, err := readValue(r)
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	c, err := st.UpdateCNAM(acct, id, v)
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	writeDoc(w, http.StatusOK, map[string]any{"data": cnamWire(provider.BaseURL(r), c)})
}

func (p *Provider) deleteCNAM(w http.ResponseWriter, r *http.Request) {
	st, acct := stateAndAccount(r)
	id, err := cnamID(r)
	if err != nil {
		p.WriteError(w, r, errorf(404, "CNAM record not found. Nothing to delete."))
		return
	}
	if err := st.DeleteCNAM(acct, id); err != nil {
		p.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
