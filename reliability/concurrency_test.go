package reliability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// counter counts the provider requests a test sends per tenant, to compare
// with the tenant's journal afterwards.
type counter struct {
	mu sync.Mutex
	n  map[string]int // tenant -> requests to providers
}

func (c *counter) do(s *sim, q req) res {
	c.mu.Lock()
	c.n[q.Tenant]++
	c.mu.Unlock()
	return s.do(q)
}

// TestConcurrentTenants hammers mutating routes from many goroutines across
// several tenants (run it with -race): Flowroute CNAM create/delete and
// Call48 purchases of the same numbers by competing accounts. Afterwards no
// number is sold twice, no create is lost, each tenant's journal holds
// exactly the requests sent to it, and each tenant's state export parses
// and survives an import.
func TestConcurrentTenants(t *testing.T) {
	s := newSim(t)
	const (
		tenants    = 4
		workers    = 8
		iterations = 6
	)
	cnt := &counter{n: map[string]int{}}
	var ids []string
	for i := 0; i < tenants; i++ {
		ids = append(ids, s.tenant("conc"))
	}
	fr := setHeader("Authorization", basicAuth(flowrouteKey, flowrouteSecret))
	hasCall48 := len(s.app.Routes("call48")) > 0

	// Baselines, read before the storm (counted: they are journaled too).
	baseCNAMs := map[string]int{}
	for _, tn := range ids {
		baseCNAMs[tn] = len(flowrouteCNAMs(t, cnt.do(s, req{Tenant: tn, Provider: "flowroute", Method: "GET", Path: "/v2/cnams?limit=200", Sign: fr})))
	}

	// Call48: each tenant offers the same few numbers to two accounts.
	type offer struct {
		tokens []string
		loc    string
		items  []map[string]any
	}
	offers := map[string]*offer{}
	if hasCall48 {
		for _, tn := range ids {
			o := &offer{}
			for _, acct := range [][2]string{{call48User, call48Pass}, {"acme", "acme-password"}} {
				out := cnt.do(s, req{Tenant: tn, Provider: "call48", Method: "POST", Path: "/api/v4/login",
					Body: mustJSON(map[string]string{"user_name": acct[0], "password": acct[1]}), Header: jsonHeader()})
				var lr struct {
					Data struct {
						Token string `json:"token"`
					} `json:"data"`
				}
				require.NoError(t, json.Unmarshal(out.Body, &lr), out.String())
				require.NotEmpty(t, lr.Data.Token, out.String())
				o.tokens = append(o.tokens, lr.Data.Token)
			}
			out := cnt.do(s, req{Tenant: tn, Provider: "call48", Method: "GET", Path: "/api/v4/search?type=local&state=GA&ratecenter=ATHENS&limit=4",
				Sign: setHeader("Authorization", o.tokens[0])})
			var sr struct {
				Data struct {
					Loc    string           `json:"loc"`
					Result []map[string]any `json:"result"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal(out.Body, &sr), out.String())
			require.NotEmpty(t, sr.Data.Result, out.String())
			o.loc = sr.Data.Loc
			for _, r := range sr.Data.Result {
				o.items = append(o.items, map[string]any{"npa": r["npa"], "nxx": r["nxx"], "xxxx": r["xxxx"],
					"state": "GA", "ratecenter": "ATHENS", "loc": o.loc, "locData": r["locData"]})
			}
			offers[tn] = o
		}
	}

	var (
		wg      sync.WaitGroup
		created sync.Map // tenant/id -> true
		dupIDs  atomic.Int64
		bad     sync.Map // unexpected answers
		sold    sync.Map // tenant/number -> count of successful purchases
	)
	for _, tn := range ids {
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(tn string, w int) {
				defer wg.Done()
				for i := 0; i < iterations; i++ {
					out := cnt.do(s, req{Tenant: tn, Provider: "flowroute", Method: "POST", Path: "/v2/cnams",
						Body: mustJSON(map[string]string{"value": fmt.Sprintf("CONC W%d I%d", w, i)}), Header: jsonHeader(), Sign: fr})
					if out.Status != http.StatusCreated {
						bad.Store(tn+" create "+out.String(), true)
						continue
					}
					var c struct {
						Data struct {
							ID string `json:"id"`
						} `json:"data"`
					}
					_ = json.Unmarshal(out.Body, &c)
					if _, dup := created.LoadOrStore(tn+"/"+c.Data.ID, true); dup {
						dupIDs.Add(1)
					}
					out = cnt.do(s, req{Tenant: tn, Provider: "flowroute", Method: "DELETE", Path: "/v2/cnams/" + c.Data.ID, Sign: fr})
					if out.Status >= 300 {
						bad.Store(tn+" delete "+out.String(), true)
					}
				}
				if o := offers[tn]; o != nil {
					tok := o.tokens[w%len(o.tokens)]
					for k := range o.items {
						item := o.items[(k+w)%len(o.items)]
						out := cnt.do(s, req{Tenant: tn, Provider: "call48", Method: "POST", Path: "/api/v4/purchase",
							Body: mustJSON(map[string]any{"type": "local", "numbers": []any{item}}), Header: jsonHeader(), Sign: setHeader("Authorization", tok)})
						if out.Status >= 500 {
							bad.Store(tn+" purchase "+out.String(), true)
							continue
						}
						if call48Code(out) == 0 && out.Status == http.StatusOK {
							key := fmt.Sprintf("%s/%v%v%v", tn, item["npa"], item["nxx"], item["xxxx"])
							v, _ := sold.LoadOrStore(key, new(atomic.Int64))
							v.(*atomic.Int64).Add(1)
						}
					}
				}
			}(tn, w)
		}
	}
	wg.Wait()

	bad.Range(func(k, _ any) bool {
		t.Errorf("unexpected answer under load: %v", k)
		return true
	})
	assert.Zero(t, dupIDs.Load(), "two creates got the same CNAM id")

	for _, tn := range ids {
		// No lost update: every created record was deleted again.
		got := flowrouteCNAMs(t, cnt.do(s, req{Tenant: tn, Provider: "flowroute", Method: "GET", Path: "/v2/cnams?limit=200", Sign: fr}))
		assert.Len(t, got, baseCNAMs[tn], "%s: CNAM records left after create+delete", tn)

		if o := offers[tn]; o != nil {
			owners := map[string]int{}
			for i, tok := range o.tokens {
				out := cnt.do(s, req{Tenant: tn, Provider: "call48", Method: "GET", Path: "/api/v4/dids?type=local&page=1&max=500", Sign: setHeader("Authorization", tok)})
				for _, d := range call48DIDs(t, out) {
					owners[d] += 1 << (8 * i)
				}
			}
			for _, item := range o.items {
				num := fmt.Sprintf("%v%v%v", item["npa"], item["nxx"], item["xxxx"])
				v, ok := sold.Load(tn + "/" + num)
				require.True(t, ok, "%s: %s was never sold", tn, num)
				assert.EqualValues(t, 1, v.(*atomic.Int64).Load(), "%s: %s sold more than once", tn, num)
				o := owners[num]
				assert.True(t, o == 1 || o == 1<<8, "%s: %s must belong to exactly one account, ownership mask %x", tn, num, o)
			}
		}

		// The journal holds exactly what was sent to the providers.
		entries := journalEntries(t, s, tn)
		cnt.mu.Lock()
		want := cnt.n[tn]
		cnt.mu.Unlock()
		assert.Equal(t, want, entries, "%s: journal entries vs requests sent", tn)

		// The state export parses and round-trips through import.
		exp := s.control(t, tn, "GET", "/state", nil, http.StatusOK)
		var doc struct {
			Providers map[string]json.RawMessage `json:"providers"`
		}
		require.NoError(t, json.Unmarshal(exp.Body, &doc))
		assert.NotEmpty(t, doc.Providers)
		copyID := tn + "-copy"
		imp := s.do(req{Tenant: copyID, Method: "PUT", Path: "/__sim/state", Body: exp.Body, Header: jsonHeader()})
		require.Less(t, imp.Status, 300, imp.String())
		again := s.control(t, copyID, "GET", "/state", nil, http.StatusOK)
		var doc2 struct {
			Providers map[string]json.RawMessage `json:"providers"`
		}
		require.NoError(t, json.Unmarshal(again.Body, &doc2))
		var names []string
		for n := range doc.Providers {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			assert.True(t, bytes.Equal(compact(doc.Providers[n]), compact(doc2.Providers[n])), "%s: %s state changed through export/import", tn, n)
		}
	}
}

func compact(b []byte) []byte {
	var out bytes.Buffer
	if json.Compact(&out, b) != nil {
		return b
	}
	return out.Bytes()
}

func flowrouteCNAMs(t *testing.T, out res) []string {
	t.Helper()
	require.Equal(t, http.StatusOK, out.Status, out.String())
	var l struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(out.Body, &l), out.String())
	var ids []string
	for _, d := range l.Data {
		ids = append(ids, d.ID)
	}
	return ids
}

// call48DIDs lists the numbers (digits only) of a GET /dids answer.
func call48DIDs(t *testing.T, out res) []string {
	t.Helper()
	var l struct {
		Data []struct {
			NPA  string `json:"npa"`
			NXX  string `json:"nxx"`
			XXXX string `json:"xxxx"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(out.Body, &l), out.String())
	var nums []string
	for _, d := range l.Data {
		nums = append(nums, d.NPA+d.NXX+d.XXXX)
	}
	return nums
}

func journalEntries(t *testing.T, s *sim, tn string) int {
	t.Helper()
	out := s.control(t, tn, "GET", "/journal?limit=100000", nil, http.StatusOK)
	var j struct {
		Entries []json.RawMessage `json:"entries"`
	}
	require.NoError(t, json.Unmarshal(out.Body, &j))
	return len(j.Entries)
}
