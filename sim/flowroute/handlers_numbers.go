package flowroute

import (
	"net/http"
	"strconv"

	"github.com/telecomsim/simulator/internal/provider"
)

func (p *Provider) listNumbers(w http.ResponseWriter, r *http.Request) {
	st, acct := stateAndAccount(r)
	q := r.URL.Query()
	limit, offset, err := pageQuery(q, 10, 200)
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	items, more := st.ListNumbers(acct, NumberFilter{
		StartsWith: q.Get("starts_with"), EndsWith: q.Get("ends_with"), Contains: q.Get("contains"),
		Limit: limit, Offset: offset,
	})
	base := provider.BaseURL(r)
	data := make([]numberResource, len(items))
	for i, n := range items {
		data[i] = numberWire(base, n)
	}
	writeDoc(w, http.StatusOK, listDoc{Data: data, Links: pageLinks(base, "/v2/numbers", q, limit, offset, more)})
}

func (p *Provider) getNumber(w http.ResponseWriter, r *http.Request) {
	st, acct := stateAndAccount(r)
	n, c, err := st.GetNumber(acct, provider.Vars(r)["number"])
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	base := provider.BaseURL(r)
	included := []cnamResource{}
	if c != nil {
		included = append(included, cnamWire(base, *c))
	}
	writeDoc(w, http.StatusOK, map[string]any{"data": numberWire(base, n), "included": included})
}

func (p *Provider) associate(w http.ResponseWriter, r *http.Request) {
	st, acct := stateAndAccount(r)
	id, err := strconv.ParseInt(provider.Vars(r)["cnam_id"], 10, 64)
	if err != nil {
		p.WriteError(w, r, errCNAMNotFound)
		return
	}
	at, err := st.Associate(acct, provider.Vars(r)["number"], id)
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	writeDoc(w, http.StatusAccepted, association(id, at))
}

func (p *Provider) disassociate(w http.ResponseWriter, r *http.Request) {
	st, acct := stateAndAccount(r)
	id, at, err := st.Disassociate(acct, provider.Vars(r)["number"])
	if err != nil {
		p.WriteError(w, r, err)
		return
	}
	writeDoc(w, http.StatusAccepted, association(id, at))
}
