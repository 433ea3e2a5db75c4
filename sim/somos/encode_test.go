package somos

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
)

// stdJSON is what writeJSON writes for v (its answers before the list page
// was appended by hand): encoding/json, HTML escaping off, indented by two
// spaces, a final newline.
func stdJSON(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(v))
	return b.Bytes()
}

func encodeTestStore(records []*Record) *Store {
	s := newStore(clock.NewVirtual(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), clock.Frozen), nil,
		settings{TokenTTL: time.Hour, RefreshTTL: time.Hour, PartnerDelay: time.Minute, BulkDelay: time.Minute}, []byte("encode"))
	for _, r := range records {
		s.records[r.TFN] = r
		s.indexInsert(keyOf(r))
	}
	return s
}

// TestAppendListPageMatchesEncodingJSON compares the hand-appended page
// with encoding/json's encoding of List's page, for every page of a walk,
// on records with every field set or absent and strings that need
// escaping.
func TestAppendListPageMatchesEncodingJSON(t *testing.T) {
	full := CNAMEntry{TFN: "8009900001", CNAM: "1-800-GET-CNAM", ExtCnam: "TEST CNAM EXT CNAM",
		AuthorizedCallers: Callers{List: []string{"1001234567", "10012345689"},
			Range: []CallerRange{{Begin: "4001231000", End: "4001232000"}, {Begin: "5", End: "6"}}, Wildcard: []string{"100123456X"}},
		StreetAddress: "123 Main Street", StreetAddress2: "Ste 200", City: "Dallas", State: "TX", Zip: "75075",
		Country: "usa", URL: "https://www.test.org/?a=1&b=<2>", Logo: "https://www.test.org/logo", Keywords: []string{"Dallas", "TEST"},
		Status: StatusActive, Version: 3, CreatedDate: 1767603600000, CreatedBy: "user@za.example",
		LastModifiedDate: 1767603600123, LastModifiedBy: "admin@somos.example", EntityID: "ZA", RespOrgID: "ZATST",
		TfnrStatus: TFNWorking, PartnerUpdateStatus: PartnerSuccess, PartnerUpdateDate: 1767603720000}
	bare := CNAMEntry{TFN: "8009900002", CNAM: "ZA TEST LINE", EntityID: "ZA", RespOrgID: "ZATST", Status: StatusInactive,
		TfnrStatus: TFNAssigned, PartnerUpdateStatus: "pending", Version: -1, CreatedDate: -5}
	odd := CNAMEntry{TFN: "8009900003", CNAM: "quote \" back \\ tab \t nl \n cr \r bs \b ff \f nul \x00 esc \x1b del \x7f",
		ExtCnam: "bad utf8 \xff\xfe end \xe2\x82", City: "line sep \u2028 para sep \u2029 é 日本 😀", Keywords: []string{},
		AuthorizedCallers: Callers{List: []string{}, Range: []CallerRange{}, Wildcard: nil}, EntityID: "ZA", RespOrgID: "ZATST",
		Status: "<active>&"}
	var records []*Record
	for _, e := range []CNAMEntry{full, bare, odd} {
		records = append(records, &Record{CNAMEntry: e})
	}
	for i := 0; i < 23; i++ {
		e := full
		e.TFN = fmt.Sprintf("8339900%03d", i)
		e.CNAM = fmt.Sprintf("NAME %02d", i%7) // equal CNAMs: the key's TFN decides
		e.EntityID, e.RespOrgID = "BR", "BRSMS"
		records = append(records, &Record{CNAMEntry: e})
	}
	admin := &Caller{Email: "admin@somos.example", Role: RoleAdmin}
	br := &Caller{Email: "user@br.example", Role: RoleRespOrgUser, EntityID: "BR", RespOrgID: "BRSMS"}
	for _, tc := range []struct {
		name   string
		caller *Caller
		q      ListQuery
	}{
		{"admin, default limit", admin, ListQuery{}},
		{"admin, limit 1", admin, ListQuery{Limit: 1}},
		{"admin, limit 4", admin, ListQuery{Limit: 4}},
		{"admin, one entity", admin, ListQuery{Limit: 5, EntityID: "za"}},
		{"entity user, limit 25", br, ListQuery{Limit: 25}},
		{"entity user, limit 7", br, ListQuery{Limit: 7}},
		{"entity user, limit above the total", br, ListQuery{Limit: 1000}},
		{"no records of the entity", &Caller{Email: "x@y.example", Role: RoleRespOrgUser, EntityID: "QQ"}, ListQuery{Limit: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := encodeTestStore(records)
			q := tc.q
			for pages := 0; ; pages++ {
				require.Less(t, pages, 100, "the walk does not end")
				want, err := s.List(tc.caller, q)
				require.NoError(t, err)
				got, err := s.AppendList([]byte("prefix:"), tc.caller, q)
				require.NoError(t, err)
				assert.Equal(t, "prefix:"+string(stdJSON(t, want)), string(got))
				if want.LastEvaluatedKey == nil {
					break
				}
				q.After = want.LastEvaluatedKey
			}
		})
	}
}

func TestAppendListRefusesLikeList(t *testing.T) {
	s := encodeTestStore(nil)
	c := &Caller{Email: "user@br.example", Role: RoleRespOrgUser, EntityID: "BR", RespOrgID: "BRSMS"}
	_, want := s.List(c, ListQuery{EntityID: "ZA"})
	require.Error(t, want)
	got, err := s.AppendList([]byte("x"), c, ListQuery{EntityID: "ZA"})
	assert.Equal(t, want, err)
	assert.Equal(t, "x", string(got), "nothing appended on a refusal")
}

// FuzzAppendCNAMEntry compares one record, with fuzzed strings and
// numbers, with encoding/json's encoding of entryOf's copy.
func FuzzAppendCNAMEntry(f *testing.F) {
	f.Add("8009900001", "1-800-GET-CNAM", "", "1001234567", "4001231000", "100123456X", "Dallas", "a&b<c>", int64(0), 1)
	f.Add("\xff", "\u2028\u2029", "\"\\\x00\x1f", "", "", "", "", "é", int64(-1), -7)
	f.Fuzz(func(t *testing.T, tfn, cnam, ext, caller, begin, wildcard, city, url string, date int64, version int) {
		r := &Record{CNAMEntry: CNAMEntry{TFN: tfn, CNAM: cnam, ExtCnam: ext, City: city, URL: url, Logo: ext,
			StreetAddress: cnam, Zip: wildcard, Version: version, CreatedDate: date, LastModifiedDate: -date,
			PartnerUpdateDate: date, CreatedBy: url, EntityID: begin, Status: caller}}
		if caller != "" {
			r.AuthorizedCallers.List = []string{caller, cnam}
		}
		if begin != "" {
			r.AuthorizedCallers.Range = []CallerRange{{Begin: begin, End: tfn}}
		}
		if wildcard != "" {
			r.AuthorizedCallers.Wildcard = []string{wildcard}
			r.Keywords = []string{city, wildcard}
		}
		want := stdJSON(t, entryOf(r))
		got := append(appendCNAMEntry([]byte("{"), &r.CNAMEntry, 0), '\n')
		if !bytes.Equal(want, got) {
			t.Fatalf("appendCNAMEntry differs from encoding/json:\n got %s\nwant %s", got, want)
		}
	})
}

// TestAppendListAllocatesNothing is the list page's allocation guard: once
// the buffer has room, a page (with or without a LastEvaluatedKey) is
// rendered without a single allocation.
func TestAppendListAllocatesNothing(t *testing.T) {
	var records []*Record
	for i := 0; i < 60; i++ {
		records = append(records, &Record{CNAMEntry: CNAMEntry{TFN: fmt.Sprintf("8449%06d", i), CNAM: fmt.Sprintf("NAME %02d", i),
			AuthorizedCallers: Callers{List: []string{"2145550100"}, Range: []CallerRange{{Begin: "1", End: "2"}}},
			Keywords:          []string{"Name"}, City: "Dallas <TX>", EntityID: "BR", RespOrgID: "BRSMS", Status: StatusActive}})
	}
	s := encodeTestStore(records)
	c := &Caller{Email: "user@br.example", Role: RoleRespOrgUser, EntityID: "BR", RespOrgID: "BRSMS"}
	after := &ListKey{CNAM: "NAME 09", TFN: "8449000009", EntityID: "BR"}
	buf := make([]byte, 0, 64<<10)
	for _, q := range []ListQuery{{Limit: 25}, {Limit: 25, After: after}, {Limit: 1000}} {
		allocs := testing.AllocsPerRun(20, func() {
			var err error
			buf, err = s.AppendList(buf[:0], c, q)
			if err != nil {
				t.Fatal(err)
			}
		})
		assert.Zero(t, allocs, "%+v", q)
	}
}

// TestWriteEntryIsWriteOK compares the single-record answer (get, create,
// update, delete) with writeOK's, headers and status included.
func TestWriteEntryIsWriteOK(t *testing.T) {
	for _, e := range []CNAMEntry{
		{},
		{TFN: "8009900001", CNAM: "A&B <C>", AuthorizedCallers: Callers{Range: []CallerRange{{Begin: "1", End: "2"}}},
			Keywords: []string{"x"}, PartnerUpdateDate: 5, Version: 2},
	} {
		r := &Record{CNAMEntry: e}
		want := httptest.NewRecorder()
		writeOK(want, entryOf(r))
		got := httptest.NewRecorder()
		copied := entryOf(r)
		writeEntry(got, &copied)
		assert.Equal(t, want.Code, got.Code)
		assert.Equal(t, want.Header(), got.Header())
		assert.Equal(t, want.Body.String(), got.Body.String())
	}
}
