package flowroute

import (
	"net/http"
	"strconv"
	"time"
)

// pyTime formats times the way the real API does: 2018-04-16 16:20:32.939166+00:00.
const pyTime = "2006-01-02 15:04:05.000000-07:00"

func fmtTime(t *time.Time) *string {
	if t == nil || t.IsZero() {
		return nil
	}
	s := t.UTC().Format(pyTime)
	return &s
}

type cnamAttributes struct {
	ApprovalDatetime *string `json:"approval_datetime"`
	CreationDatetime *string `json:"creation_datetime"`
	IsApproved       bool    `json:"is_approved"`
	RejectionReason  *string `json:"rejection_reason"`
	Value            string  `json:"value"`
}

type links struct {
	Self string `json:"self"`
	Next string `json:"next,omitempty"`
}

type ref struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type cnamResource struct {
	Attributes    cnamAttributes `json:"attributes"`
	ID            string         `json:"id"`
	Links         links          `json:"links"`
	Relationships *cnamRels      `json:"relationships,omitempty"`
	Type          string         `json:"type"`
}

type cnamRels struct {
	Numbers struct {
		Data []ref `json:"data"`
	} `json:"numbers"`
}

func cnamWire(base string, c CNAM) cnamResource {
	created := c.Created
	return cnamResource{
		Attributes: cnamAttributes{
			ApprovalDatetime: fmtTime(c.Approved),
			CreationDatetime: fmtTime(&created),
			IsApproved:       c.Approved != nil,
			RejectionReason:  c.Rejection,
			Value:            c.Value,
		},
		ID:    strconv.FormatInt(c.ID, 10),
		Links: links{Self: base + "/v2/cnams/" + strconv.FormatInt(c.ID, 10)},
		Type:  "cnam",
	}
}

type numberAttributes struct {
	Alias              *string `json:"alias"`
	CNAMLookupsEnabled bool    `json:"cnam_lookups_enabled"`
	NumberType         string  `json:"number_type"`
	RateCenter         *string `json:"rate_center"`
	State              *string `json:"state"`
	Value              string  `json:"value"`
}

type numberResource struct {
	Attributes    numberAttributes `json:"attributes"`
	ID            string           `json:"id"`
	Links         links            `json:"links"`
	Relationships numberRels       `json:"relationships"`
	Type          string           `json:"type"`
}

type numberRels struct {
	CNAM struct {
		Data *ref `json:"data"`
	} `json:"cnam"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func numberWire(base string, n Number) numberResource {
	out := numberResource{
		Attributes: numberAttributes{
			Alias:              optional(n.Alias),
			CNAMLookupsEnabled: true,
			NumberType:         n.NumberType,
			RateCenter:         optional(lower(n.RateCenter)),
			State:              optional(lower(n.State)),
			Value:              n.Value,
		},
		ID:    n.Value,
		Links: links{Self: base + "/v2/numbers/" + n.Value},
		Type:  "number",
	}
	if n.CNAM != 0 {
		out.Relationships.CNAM.Data = &ref{ID: strconv.FormatInt(n.CNAM, 10), Type: "cnam"}
	}
	return out
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// associationWire is the 202 body of number/CNAM association calls: an
// integer id and an HTTP date ("Fri, 01 Jun 2018 00:17:52 GMT"), as the real
// API answers.
type associationWire struct {
	Data struct {
		Attributes struct {
			DateCreated string `json:"date_created"`
		} `json:"attributes"`
		ID   *int64 `json:"id"`
		Type string `json:"type"`
	} `json:"data"`
}

func association(id int64, at time.Time) associationWire {
	var a associationWire
	a.Data.Attributes.DateCreated = at.UTC().Format(http.TimeFormat)
	if id != 0 {
		a.Data.ID = &id
	}
	a.Data.Type = "cnam"
	return a
}

// valueBody is the create/update request: {"value": "..."} (also accepted as
// a JSON:API document {"data": {"attributes": {"value": "..."}}} or a form).
type valueBody struct {
	Value *string `json:"value"`
	Data  *struct {
		Attributes struct {
			Value *string `json:"value"`
		} `json:"attributes"`
	} `json:"data"`
}

func (b valueBody) value() (string, bool) {
	if b.Value != nil {
		return *b.Value, true
	}
	if b.Data != nil && b.Data.Attributes.Value != nil {
		return *b.Data.Attributes.Value, true
	}
	return "", false
}
