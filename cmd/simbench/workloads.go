package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// plan is everything a load generator needs to build sessions for one
// workload. The parent process prepares it against the simulator (tenants,
// tokens) and hands it, as JSON, to a load generator in a child process when
// the run is pinned.
type plan struct {
	Workload string   `json:"workload"`
	Parts    []string `json:"parts,omitempty"` // mixed: which flows take part
	// Tenants are path prefixes ("/t/bench-7"); empty means the default tenant.
	Tenants []string `json:"tenants,omitempty"`

	FlowrouteAuth string `json:"flowrouteAuth,omitempty"`

	SomosTenant string `json:"somosTenant,omitempty"`
	SomosToken  string `json:"somosToken,omitempty"`
	SomosEntity string `json:"somosEntity,omitempty"`

	Skipped []string `json:"skipped,omitempty"` // flows left out, with why
}

const (
	flowrouteUser = "demo-access-key"
	flowroutePass = "demo-secret-key"
	headlinePath  = "/flowroute/v2/cnams"
)

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// newSession builds worker w's session.
func (p *plan) newSession(w int) session {
	switch p.Workload {
	case "headline":
		return &repeat{o: op{Method: http.MethodGet, Path: headlinePath, Header: http.Header{"Authorization": {p.FlowrouteAuth}}}}
	case "tenants":
		return &tenantsSession{p: p, i: w}
	case "mixed":
		var flows []session
		for _, part := range p.Parts {
			switch part {
			case "flowroute":
				flows = append(flows, &flowrouteFlow{auth: p.FlowrouteAuth, prefix: p.Tenants[w%len(p.Tenants)], worker: w})
			case "somos":
				flows = append(flows, &somosWalk{prefix: "/t/" + p.SomosTenant, token: p.SomosToken, entity: p.SomosEntity})
			case "call48":
				flows = append(flows, &call48Flow{worker: w})
			}
		}
		return &roundRobin{flows: flows}
	case "somos":
		return &somosWalk{prefix: "/t/" + p.SomosTenant, token: p.SomosToken, entity: p.SomosEntity}
	case "call48":
		return &call48Flow{worker: w}
	}
	panic("unknown workload " + p.Workload)
}

// repeat sends the same request forever.
type repeat struct{ o op }

func (r *repeat) next() op                { return r.o }
func (r *repeat) observe(op, int, []byte) {}

// tenantsSession walks the tenants: worker w's n-th request goes to tenant
// (w + n*step) mod len, so all tenants are busy at once.
type tenantsSession struct {
	p *plan
	i int
}

func (t *tenantsSession) next() op {
	prefix := t.p.Tenants[t.i%len(t.p.Tenants)]
	t.i += 7
	return op{Method: http.MethodGet, Path: prefix + headlinePath, Header: http.Header{"Authorization": {t.p.FlowrouteAuth}}}
}
func (t *tenantsSession) observe(op, int, []byte) {}

// roundRobin interleaves several flows, one request each in turn.
type roundRobin struct {
	flows []session
	i     int
	last  session
}

func (r *roundRobin) next() op {
	r.last = r.flows[r.i%len(r.flows)]
	r.i++
	return r.last.next()
}
func (r *roundRobin) observe(o op, st int, b []byte) { r.last.observe(o, st, b) }

// createSeq numbers created CNAM values; it starts from the wall clock so
// load generators in successive child processes do not repeat values (a
// duplicate is refused with 422).
var createSeq = func() *atomic.Int64 {
	var n atomic.Int64
	n.Store(time.Now().UnixNano() / int64(time.Microsecond) % (1 << 40))
	return &n
}()

// flowrouteFlow lists, creates a CNAM record and reads it back.
type flowrouteFlow struct {
	auth   string
	prefix string
	worker int
	step   int
	lastID string
}

func (f *flowrouteFlow) next() op {
	h := http.Header{"Authorization": {f.auth}}
	switch f.step % 3 {
	case 0:
		return op{Method: http.MethodGet, Path: f.prefix + "/flowroute/v2/cnams?limit=10", Header: h}
	case 1:
		h.Set("Content-Type", "application/json")
		// Values are at most 15 characters: "BENCH " + base-36 counter.
		v := "BENCH " + strings.ToUpper(strconv.FormatInt(createSeq.Add(1), 36))
		b, _ := json.Marshal(map[string]string{"value": v})
		return op{Method: http.MethodPost, Path: f.prefix + "/flowroute/v2/cnams", Body: b, Header: h}
	default:
		id := f.lastID
		if id == "" {
			id = "1"
		}
		return op{Method: http.MethodGet, Path: f.prefix + "/flowroute/v2/cnams/" + id, Header: h}
	}
}

func (f *flowrouteFlow) observe(o op, st int, b []byte) {
	if f.step%3 == 1 && st == http.StatusCreated {
		if raw, ok := jsonField(b, "data", "id"); ok {
			var s string
			var n json.Number
			if json.Unmarshal(raw, &s) == nil {
				f.lastID = s
			} else if json.Unmarshal(raw, &n) == nil {
				f.lastID = n.String()
			}
		}
	}
	f.step++
}

// somosWalk pages through POST /somos/cnam/list, following LastEvaluatedKey
// and starting over after the last page.
type somosWalk struct {
	prefix, token, entity string
	key                   json.RawMessage
}

func (s *somosWalk) next() op {
	req := map[string]any{"Limit": 25}
	if s.entity != "" {
		req["entityID"] = s.entity
	}
	if len(s.key) > 0 {
		req["LastEvaluatedKey"] = s.key
	}
	b, _ := json.Marshal(req)
	return op{Method: http.MethodPost, Path: s.prefix + "/somos/cnam/list", Body: b,
		Header: http.Header{"Authorization": {s.token}, "Content-Type": {"application/json"}}}
}

func (s *somosWalk) observe(o op, st int, b []byte) {
	s.key = nil
	if st == http.StatusOK {
		s.key = lastEvaluatedKey(b)
	}
}

// lastEvaluatedKey finds a page's LastEvaluatedKey (nil when it is absent or
// null) without decoding the page, so the load generator's CPU goes to
// requests rather than to parsing 25 records: no record holds that name, so
// its last occurrence is the page's own.
func lastEvaluatedKey(page []byte) json.RawMessage {
	const name = `"LastEvaluatedKey"`
	i := bytes.LastIndex(page, []byte(name))
	if i < 0 {
		return nil
	}
	rest := bytes.TrimLeft(page[i+len(name):], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return nil
	}
	var raw json.RawMessage
	if json.NewDecoder(bytes.NewReader(rest[1:])).Decode(&raw) != nil || string(raw) == "null" {
		return nil
	}
	return raw
}

// prepare builds a workload's plan against the simulator at simBase: it
// creates the tenants it needs and fetches tokens.
func prepare(ctx context.Context, simBase, workload string, providers map[string]bool) (*plan, error) {
	p := &plan{Workload: workload, FlowrouteAuth: basicAuth(flowrouteUser, flowroutePass)}
	c := newClient(4)
	defer c.CloseIdleConnections()
	var buf bytes.Buffer
	switch workload {
	case "headline":
	case "tenants":
		for i := 0; i < 100; i++ {
			p.Tenants = append(p.Tenants, fmt.Sprintf("/t/bench-tenant-%03d", i))
		}
		for _, t := range p.Tenants {
			st, err := do(ctx, c, simBase, op{Method: http.MethodGet, Path: t + headlinePath, Header: http.Header{"Authorization": {p.FlowrouteAuth}}}, &buf)
			if err != nil || st != http.StatusOK {
				return nil, fmt.Errorf("tenant %s: status %d, %v", t, st, err)
			}
		}
	case "mixed":
		p.Parts = []string{"flowroute"}
		for i := 0; i < 8; i++ {
			p.Tenants = append(p.Tenants, fmt.Sprintf("/t/bench-mixed-%d", i))
		}
		if providers["somos"] {
			if err := prepareSomos(ctx, c, simBase, "bench-mixed-somos", p); err != nil {
				p.Skipped = append(p.Skipped, "somos: "+err.Error())
			} else {
				p.Parts = append(p.Parts, "somos")
			}
		} else {
			p.Skipped = append(p.Skipped, "somos: not registered in internal/app/providers.go")
		}
		if providers["call48"] {
			p.Parts = append(p.Parts, "call48")
		} else {
			p.Skipped = append(p.Skipped, "call48: not registered in internal/app/providers.go")
		}
	case "somos":
		if !providers["somos"] {
			return nil, fmt.Errorf("somos is not registered in internal/app/providers.go")
		}
		if err := prepareSomos(ctx, c, simBase, "bench-somos", p); err != nil {
			return nil, err
		}
	case "call48":
		if !providers["call48"] {
			return nil, fmt.Errorf("call48 is not registered in internal/app/providers.go")
		}
	default:
		return nil, fmt.Errorf("unknown workload %q", workload)
	}
	return p, nil
}

// somosSeeded is how many CNAM records prepareSomos adds, so that a walk of
// 25-record pages has several pages, each with its own LastEvaluatedKey.
const somosSeeded = 120

// prepareSomos finds a user of tenant (each workload seeds a tenant of its
// own) with a refresh token through the control API, trades it for an
// IdToken and seeds the user's entity with somosSeeded CNAM records: the
// numbers are put in the registry (WORKING, under a Resp Org of the entity)
// through the control API, the records created through POST /somos/cnam as
// the user.
func prepareSomos(ctx context.Context, c *http.Client, base, tenant string, p *plan) error {
	p.SomosTenant = tenant
	prefix := "/t/" + p.SomosTenant
	var buf bytes.Buffer
	st, err := do(ctx, c, base, op{Method: http.MethodGet, Path: prefix + "/__sim/somos/users"}, &buf)
	if err != nil || st != http.StatusOK {
		return fmt.Errorf("list users: %d %v", st, err)
	}
	var users struct {
		Users []struct {
			Email         string `json:"email"`
			Role          string `json:"role"`
			EntityID      string `json:"entityID"`
			Enabled       bool   `json:"enabled"`
			RefreshTokens []struct {
				Token   string `json:"token"`
				Revoked bool   `json:"revoked"`
			} `json:"refreshTokens"`
		} `json:"users"`
	}
	if err := json.Unmarshal(buf.Bytes(), &users); err != nil {
		return err
	}
	var refresh string
	for _, u := range users.Users {
		if !u.Enabled {
			continue
		}
		for _, t := range u.RefreshTokens {
			if !t.Revoked && refresh == "" {
				refresh, p.SomosEntity = t.Token, u.EntityID
			}
		}
	}
	if refresh == "" {
		return fmt.Errorf("the default scenario has no enabled user with a refresh token")
	}
	b, _ := json.Marshal(map[string]string{"refreshToken": refresh})
	st, err = do(ctx, c, base, op{Method: http.MethodPost, Path: prefix + "/somos/public/apitoken", Body: b, Header: http.Header{"Content-Type": {"application/json"}}}, &buf)
	if err != nil || st != http.StatusOK {
		return fmt.Errorf("apitoken: %d %v %s", st, err, truncate(buf.Bytes(), 200))
	}
	raw, ok := jsonField(buf.Bytes(), "data", "AuthenticationResult", "IdToken")
	if !ok || json.Unmarshal(raw, &p.SomosToken) != nil {
		return fmt.Errorf("apitoken: no IdToken in %s", truncate(buf.Bytes(), 200))
	}
	return seedSomos(ctx, c, base, prefix, p)
}

// seedSomos adds somosSeeded records to the entity of p's user.
func seedSomos(ctx context.Context, c *http.Client, base, prefix string, p *plan) error {
	var buf bytes.Buffer
	st, err := do(ctx, c, base, op{Method: http.MethodGet, Path: prefix + "/__sim/tnregistry/numbers?limit=1&entity=" + p.SomosEntity}, &buf)
	if err != nil || st != http.StatusOK {
		return fmt.Errorf("registry numbers of %s: %d %v", p.SomosEntity, st, err)
	}
	var nums struct {
		Numbers []struct {
			RespOrg string `json:"respOrg"`
		} `json:"numbers"`
	}
	if err := json.Unmarshal(buf.Bytes(), &nums); err != nil || len(nums.Numbers) == 0 || nums.Numbers[0].RespOrg == "" {
		return fmt.Errorf("no registry number of entity %q to take a Resp Org from: %s", p.SomosEntity, truncate(buf.Bytes(), 200))
	}
	respOrg := nums.Numbers[0].RespOrg
	h := http.Header{"Authorization": {p.SomosToken}, "Content-Type": {"application/json"}}
	for i := 0; i < somosSeeded; i++ {
		tfn := fmt.Sprintf("8339%06d", 700000+i)
		b, _ := json.Marshal(map[string]string{"tfn": tfn, "status": "WORKING", "respOrg": respOrg})
		st, err := do(ctx, c, base, op{Method: http.MethodPost, Path: prefix + "/__sim/tnregistry/numbers", Body: b}, &buf)
		if err != nil || (st != http.StatusOK && st != http.StatusCreated) {
			return fmt.Errorf("registry number %s: %d %v %s", tfn, st, err, truncate(buf.Bytes(), 200))
		}
		b, _ = json.Marshal(map[string]string{"tfn": tfn, "cnam": fmt.Sprintf("BENCH CO %03d", i)})
		st, err = do(ctx, c, base, op{Method: http.MethodPost, Path: prefix + "/somos/cnam", Body: b, Header: h}, &buf)
		if err != nil || st != http.StatusOK {
			return fmt.Errorf("create CNAM %s: %d %v %s", tfn, st, err, truncate(buf.Bytes(), 200))
		}
	}
	return nil
}

// call48Flow logs in as the default scenario's customer, then searches local
// numbers and buys the first one offered, again and again. When a purchase
// is refused (the account's balance runs out after a few hundred), it moves
// to a fresh tenant and logs in there.
type call48Flow struct {
	worker, gen int
	token       string
	step        int // 0 search, 1 purchase
	buy         []byte
}

func (c *call48Flow) prefix() string {
	return fmt.Sprintf("/t/bench-c48-%d-%d/call48/api/v4", c.worker, c.gen)
}

func (c *call48Flow) next() op {
	h := http.Header{"Content-Type": {"application/json"}}
	if c.token == "" {
		return op{Method: http.MethodPost, Path: c.prefix() + "/login", Body: []byte(`{"user_name":"mark","password":"password"}`), Header: h}
	}
	h.Set("Authorization", c.token)
	if c.step == 1 && c.buy != nil {
		return op{Method: http.MethodPost, Path: c.prefix() + "/purchase", Body: c.buy, Header: h}
	}
	return op{Method: http.MethodGet, Path: c.prefix() + "/search?type=local&state=WA&limit=5", Header: h}
}

func (c *call48Flow) observe(o op, st int, b []byte) {
	switch {
	case strings.HasSuffix(o.Path, "/login"):
		if raw, ok := jsonField(b, "data", "token"); ok && st == http.StatusOK {
			_ = json.Unmarshal(raw, &c.token)
		}
		c.step = 0
	case strings.HasSuffix(o.Path, "/purchase"):
		if st != http.StatusOK {
			c.gen++
			c.token = ""
		}
		c.step, c.buy = 0, nil
	default:
		c.step, c.buy = 1, nil
		var res struct {
			Data struct {
				Loc    string `json:"loc"`
				Result []struct {
					NPA     string `json:"npa"`
					NXX     string `json:"nxx"`
					XXXX    string `json:"xxxx"`
					LocData string `json:"locData"`
				} `json:"result"`
			} `json:"data"`
		}
		if st != http.StatusOK || json.Unmarshal(b, &res) != nil || len(res.Data.Result) == 0 {
			c.step = 0
			return
		}
		n := res.Data.Result[0]
		c.buy, _ = json.Marshal(map[string]any{"type": "local", "numbers": []map[string]string{
			{"npa": n.NPA, "nxx": n.NXX, "xxxx": n.XXXX, "loc": res.Data.Loc, "locData": n.LocData}}})
	}
}
