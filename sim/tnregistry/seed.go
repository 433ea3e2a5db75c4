package tnregistry

import (
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/telecomsim/simulator/internal/fake"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/webhook"
)

// Config is the `tnregistry:` section of a scenario.
type Config struct {
	Numbers NumbersConfig `yaml:"numbers"`
	// Templates are Template Records (TR) that Pointer Records point at.
	Templates []RecordConfig `yaml:"templates"`
	// Records are Customer Records (CR) and Pointer Records (PR, with tmplName).
	Records []RecordConfig `yaml:"records"`
	// Subscriptions are GNA registrations (per CIC) and UNS-RCH ones (per Resp Org).
	Subscriptions []Subscription `yaml:"subscriptions"`
	// Events are changes scheduled on the clock.
	Events []EventConfig `yaml:"events"`
	// Delivery tunes retries of outbound messages.
	Delivery webhook.Options `yaml:"delivery"`
	// DeliveryFaults make outbound deliveries misbehave.
	DeliveryFaults []webhook.Fault `yaml:"deliveryFaults"`
	// Messages chooses where the document is ambiguous.
	Messages MessagesConfig `yaml:"messages"`
	// Approvals are carriers' answers to approval requests, per CIC:
	// {decision: approve|deny|never, after: 30m, reason}. A CIC not listed
	// answers only through the control API.
	Approvals map[string]ApprovalPolicy `yaml:"approvals"`
	// SCPs are the SCPs records are downloaded to at their effective time,
	// each answering after its delay (at most 15m) with success or failure.
	// None: a record goes ACTIVE at its effective time and no UNS-CRA is sent.
	SCPs []SCPConfig `yaml:"scps"`
}

// MessagesConfig chooses message details the document leaves open.
type MessagesConfig struct {
	// CarrierLists is how interLATACarrier/intraLATACarrier are sent:
	// "array" (default, a JSON array of CICs, as the description says) or
	// "string" (comma-separated, as the JSON sample's "" suggests).
	CarrierLists string `yaml:"carrierLists"`
}

// RecordConfig seeds a customer or template record.
type RecordConfig struct {
	TFN           string       `yaml:"tfn"`
	EffDtTm       *scenario.At `yaml:"effDtTm"`
	LastApprRcvDt *scenario.At `yaml:"lastApprRcvDt"`
	RecordData    `yaml:",inline"`
}

// EventConfig is a change scheduled on the clock.
type EventConfig struct {
	At            scenario.At `yaml:"at"`
	TFN           string      `yaml:"tfn"`
	ChangeRequest `yaml:",inline"`
}

// NumbersConfig seeds the number registry: explicit numbers, generated ones,
// or both (explicit entries win over generated ones with the same TFN).
type NumbersConfig struct {
	// List is explicit numbers.
	List []NumberConfig `yaml:"list"`
	// Generate adds this many distinct random toll-free numbers.
	Generate int `yaml:"generate"`
	// Statuses is the status mix of generated numbers, as weights
	// (default WORKING 0.6, ASSIGNED 0.2, SPARE 0.2).
	Statuses map[string]float64 `yaml:"statuses"`
	// RespOrgs are given to generated numbers in turn.
	RespOrgs []string `yaml:"respOrgs"`
	// NPAs restricts generated numbers to these toll-free codes (default all).
	NPAs []string `yaml:"npas"`
}

// NumberConfig is one explicit number.
type NumberConfig struct {
	TFN     string `yaml:"tfn"`
	Status  string `yaml:"status"`
	RespOrg string `yaml:"respOrg"`
}

// config is the checked, expanded section shared by every tenant.
type config struct {
	numbers       []Number // sorted by TFN, LastActDt unset
	templates     []Record
	records       []Record
	subscriptions []Subscription
	events        []scheduledEvent
	delivery      webhook.Options
	faults        []webhook.Fault
	carrierLists  string
	policies      map[string]ApprovalPolicy
	scps          []SCPConfig
}

const maxGenerate = 200000

func configure(sec scenario.Section, sc *scenario.Scenario) (*config, error) {
	var c Config
	if err := sec.Decode(&c); err != nil {
		return nil, err
	}
	var ps scenario.Problems
	out := &config{}
	byTFN := map[string]Number{}
	for i, n := range c.Numbers.List {
		at := func(f, msg string) { ps = append(ps, sec.At(fmt.Sprintf("numbers.list[%d].%s", i, f), msg)) }
		num, err := checkNumber(n.TFN, n.Status, n.RespOrg)
		if err != nil {
			if fe, ok := err.(*fieldErr); ok {
				at(fe.field, fe.msg)
			}
			continue
		}
		if _, dup := byTFN[num.TFN]; dup {
			at("tfn", "duplicate number "+num.TFN)
			continue
		}
		byTFN[num.TFN] = num
	}
	g := c.Numbers
	if g.Generate < 0 || g.Generate > maxGenerate {
		ps = append(ps, sec.At("numbers.generate", fmt.Sprintf("must be between 0 and %d", maxGenerate)))
	}
	weights := g.Statuses
	if len(weights) == 0 {
		weights = map[string]float64{StatusWorking: 0.6, StatusAssigned: 0.2, StatusSpare: 0.2}
	}
	norm := map[string]float64{}
	total := 0.0
	for k, w := range weights {
		st, err := normStatus(k)
		if err != nil {
			ps = append(ps, sec.At("numbers.statuses."+k, err.Error()))
			continue
		}
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			ps = append(ps, sec.At("numbers.statuses."+k, "weight must be a non-negative number"))
			continue
		}
		norm[st] += w
		total += w
	}
	if g.Generate > 0 && total <= 0 && len(ps) == 0 {
		ps = append(ps, sec.At("numbers.statuses", "weights must add up to more than 0"))
	}
	var respOrgs []string
	for i, ro := range g.RespOrgs {
		r, err := normRespOrg(ro)
		if err != nil {
			ps = append(ps, sec.At(fmt.Sprintf("numbers.respOrgs[%d]", i), err.Error()))
			continue
		}
		respOrgs = append(respOrgs, r)
	}
	if g.Generate > 0 && len(g.RespOrgs) == 0 {
		ps = append(ps, sec.At("numbers.respOrgs", "generated numbers need at least one Resp Org id"))
	}
	npas := g.NPAs
	for i, npa := range npas {
		if !isTollFreeNPA(npa) {
			ps = append(ps, sec.At(fmt.Sprintf("numbers.npas[%d]", i), fmt.Sprintf("%q is not a toll-free NPA", npa)))
		}
	}
	if len(npas) == 0 {
		npas = TollFreeNPAs
	}
	if len(ps) > 0 {
		return nil, ps.Err()
	}
	if g.Generate > 0 {
		f := fake.New(sc.Seed, "tnregistry/numbers")
		for _, n := range generateNumbers(f, g.Generate, norm, total, respOrgs, npas, byTFN) {
			byTFN[n.TFN] = n
		}
	}
	start := sc.Clock.Start
	ps = append(ps, configureRecords(sec, &c, out, byTFN, start)...)
	if len(ps) > 0 {
		return nil, ps.Err()
	}
	for _, n := range byTFN {
		out.numbers = append(out.numbers, n)
	}
	sort.Slice(out.numbers, func(i, j int) bool { return out.numbers[i].TFN < out.numbers[j].TFN })
	return out, nil
}

func configureRecords(sec scenario.Section, c *Config, out *config, byTFN map[string]Number, start time.Time) scenario.Problems {
	var ps scenario.Problems
	build := func(path string, rc RecordConfig) (Record, bool) {
		d := rc.RecordData
		if err := checkRecordData(&d); err != nil {
			ps = append(ps, sec.At(path, err.Error()))
			return Record{}, false
		}
		r := Record{RecordData: d, EffDtTm: start.Truncate(time.Minute)}
		if rc.EffDtTm != nil {
			r.EffDtTm = rc.EffDtTm.Resolve(start).UTC().Truncate(time.Minute)
		}
		if rc.LastApprRcvDt != nil {
			t := rc.LastApprRcvDt.Resolve(start).UTC().Truncate(time.Minute)
			r.LastApprRcvDt = &t
		}
		if r.CustRecStat == "" {
			r.CustRecStat = CRActive
		}
		if r.ApprStat == "" {
			r.ApprStat = yn(r.ApprReq, ApprPending, ApprNotRequired)
		}
		if r.TmZn == "" {
			r.TmZn = "C"
		}
		if r.DayLightSavings == "" {
			r.DayLightSavings = "Y"
		}
		r.UpdatedAt = start
		return r, true
	}
	tmpls := map[string]bool{}
	for i, tc := range c.Templates {
		path := fmt.Sprintf("templates[%d]", i)
		if tc.TFN != "" {
			ps = append(ps, sec.At(path+".tfn", "a template record has no tfn"))
			continue
		}
		if tc.TmplName == "" {
			ps = append(ps, sec.At(path+".tmplName", "required"))
			continue
		}
		r, ok := build(path, tc)
		if !ok {
			continue
		}
		if r.RespOrg == "" {
			ps = append(ps, sec.At(path+".respOrg", "required"))
			continue
		}
		if tmpls[r.TmplName] {
			ps = append(ps, sec.At(path+".tmplName", "duplicate template "+r.TmplName))
			continue
		}
		if r.Telco == "" {
			r.Telco = r.RespOrg[:4]
		}
		tmpls[r.TmplName] = true
		out.templates = append(out.templates, r)
	}
	seen := map[string]bool{}
	for i, rc := range c.Records {
		path := fmt.Sprintf("records[%d]", i)
		d, err := normTFN(rc.TFN)
		if err != nil {
			ps = append(ps, sec.At(path+".tfn", err.Error()))
			continue
		}
		if seen[d] {
			ps = append(ps, sec.At(path+".tfn", "duplicate record for "+d))
			continue
		}
		seen[d] = true
		r, ok := build(path, rc)
		if !ok {
			continue
		}
		r.TFN = d
		if r.TmplName != "" && !tmpls[r.TmplName] {
			ps = append(ps, sec.At(path+".tmplName", "no template "+r.TmplName+" in templates"))
			continue
		}
		n, known := byTFN[d]
		if r.RespOrg == "" {
			r.RespOrg = n.RespOrg
		}
		if r.RespOrg == "" {
			ps = append(ps, sec.At(path+".respOrg", "required (the number has no Resp Org in the registry)"))
			continue
		}
		if r.Telco == "" {
			r.Telco = r.RespOrg[:4]
		}
		if !known {
			st := StatusWorking
			if r.CustRecStat == CRDisconnect {
				st = StatusDisconnect
			}
			byTFN[d] = Number{TFN: d, Status: st, RespOrg: r.RespOrg, Entity: entityOf(r.RespOrg)}
		}
		out.records = append(out.records, r)
	}
	v := newState(nil)
	v.queue = webhook.New(nil, webhook.Options{}, 0, "")
	defer v.queue.Close()
	v.queue.HandleLocal("inbox", http.NotFoundHandler())
	keys := map[string]bool{}
	for i, sub := range c.Subscriptions {
		path := fmt.Sprintf("subscriptions[%d]", i)
		if err := v.checkSubscription(&sub); err != nil {
			ps = append(ps, sec.At(path, err.Error()))
			continue
		}
		if keys[sub.key()] {
			ps = append(ps, sec.At(path, "duplicate subscription for "+sub.owner()))
			continue
		}
		keys[sub.key()] = true
		out.subscriptions = append(out.subscriptions, sub)
	}
	for i, ev := range c.Events {
		path := fmt.Sprintf("events[%d]", i)
		if !ev.At.IsRel && ev.At.Abs.IsZero() {
			ps = append(ps, sec.At(path+".at", `required (e.g. "+5m")`))
			continue
		}
		d, err := normTFN(ev.TFN)
		if err != nil {
			ps = append(ps, sec.At(path+".tfn", err.Error()))
			continue
		}
		if fe := checkChange(ev.ChangeRequest); fe != nil {
			ps = append(ps, sec.At(path+"."+fe.field, fe.msg))
			continue
		}
		out.events = append(out.events, scheduledEvent{Seq: i + 1, Due: ev.At.Resolve(start).UTC(), TFN: d, Req: ev.ChangeRequest})
	}
	if f, err := c.Delivery.Check(); err != nil {
		ps = append(ps, sec.At("delivery."+f, err.Error()))
	}
	out.delivery = c.Delivery
	for i, f := range c.DeliveryFaults {
		if _, err := v.queue.AddFault(f); err != nil {
			ps = append(ps, sec.At(fmt.Sprintf("deliveryFaults[%d]", i), err.Error()))
		}
	}
	out.faults = c.DeliveryFaults
	out.policies = map[string]ApprovalPolicy{}
	for cic, p := range c.Approvals {
		path := "approvals." + cic
		n, err := normCIC(cic)
		if err != nil {
			ps = append(ps, sec.At(path, err.Error()))
			continue
		}
		p.Decision = strings.ToLower(strings.TrimSpace(p.Decision))
		if p.Decision != "approve" && p.Decision != "deny" && p.Decision != "never" {
			ps = append(ps, sec.At(path+".decision", `want "approve", "deny" or "never"`))
			continue
		}
		if p.After < 0 {
			ps = append(ps, sec.At(path+".after", "cannot be negative"))
			continue
		}
		out.policies[n] = p
	}
	seenSCP := map[string]bool{}
	for i, scp := range c.SCPs {
		path := fmt.Sprintf("scps[%d]", i)
		scp.ID = strings.ToUpper(strings.TrimSpace(scp.ID))
		scp.Result = strings.ToLower(strings.TrimSpace(scp.Result))
		switch {
		case scp.ID == "" || len(scp.ID) > 8:
			ps = append(ps, sec.At(path+".id", "required: 1 to 8 characters"))
		case seenSCP[scp.ID]:
			ps = append(ps, sec.At(path+".id", "duplicate SCP "+scp.ID))
		case scp.After < 0 || scp.After.D() > maxSCPDelay:
			ps = append(ps, sec.At(path+".after", "from 0 to 15m (the registry's nominal download window)"))
		case scp.Result != "" && scp.Result != "success" && scp.Result != "failure" && scp.Result != "none":
			ps = append(ps, sec.At(path+".result", `want "success", "failure" or "none" (never answers)`))
		default:
			seenSCP[scp.ID] = true
			out.scps = append(out.scps, scp)
		}
	}
	switch c.Messages.CarrierLists {
	case "", "array":
		out.carrierLists = "array"
	case "string":
		out.carrierLists = "string"
	default:
		ps = append(ps, sec.At("messages.carrierLists", `want "array" or "string"`))
	}
	return ps
}

// checkChange checks a scheduled change request when the scenario loads: its
// kind, its identifiers and the arguments the kind needs (the store would
// refuse the change when it runs without them). It names the first field at
// fault, or returns nil.
func checkChange(r ChangeRequest) *fieldErr {
	kind := normKind(r.Change)
	if _, ok := ChangeCodes[kind]; !ok {
		return &fieldErr{"change", fmt.Sprintf("change %q: want one of %s", r.Change, strings.Join(changeKinds, ", "))}
	}
	if r.CIC != "" {
		if _, err := normCIC(r.CIC); err != nil {
			return &fieldErr{"cic", err.Error()}
		}
	}
	if r.RespOrg != "" {
		if _, err := normRespOrg(r.RespOrg); err != nil {
			return &fieldErr{"respOrg", err.Error()}
		}
	}
	if r.EffDtTm != "" {
		if _, err := parseEffDtTm(r.EffDtTm); err != nil {
			return &fieldErr{"effDtTm", err.Error()}
		}
	}
	if r.Routing != nil {
		rt := *r.Routing
		if err := checkRouting(&rt); err != nil {
			return &fieldErr{"routing", err.Error()}
		}
	}
	switch {
	case (kind == ChangeCICAddition || kind == ChangeCICDeletion || kind == ChangeCancelCICAddition) && r.CIC == "":
		return &fieldErr{"cic", "required: " + kind + " needs the carrier's cic"}
	case kind == ChangeRespOrgChange && r.RespOrg == "":
		return &fieldErr{"respOrg", "required: resp-org-change needs the new respOrg"}
	case kind == ChangeRoutingChange && r.Routing == nil:
		return &fieldErr{"routing", "required: routing-change needs routing"}
	}
	switch strings.ToLower(r.LATA) {
	case "", "both", "inter", "intra":
	default:
		return &fieldErr{"lata", `want "inter", "intra" or "both"`}
	}
	if r.EndInterceptDt != "" {
		if _, err := time.Parse("2006-01-02", r.EndInterceptDt); err != nil {
			return &fieldErr{"endInterceptDt", "want YYYY-MM-DD"}
		}
	}
	return nil
}

func normKind(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

type fieldErr struct{ field, msg string }

func (e *fieldErr) Error() string { return e.field + ": " + e.msg }

// checkNumber validates an explicit number's fields.
func checkNumber(tfn, status, respOrg string) (Number, error) {
	d, err := normTFN(tfn)
	if err != nil {
		return Number{}, &fieldErr{"tfn", err.Error()}
	}
	st, err := normStatus(status)
	if err != nil {
		return Number{}, &fieldErr{"status", err.Error()}
	}
	n := Number{TFN: d, Status: st}
	if respOrg != "" {
		ro, err := normRespOrg(respOrg)
		if err != nil {
			return Number{}, &fieldErr{"respOrg", err.Error()}
		}
		n.RespOrg, n.Entity = ro, entityOf(ro)
	} else if statusNeedsRespOrg(st) {
		return Number{}, &fieldErr{"respOrg", fmt.Sprintf("a %s number needs a controlling Resp Org", st)}
	}
	return n, nil
}

// generateNumbers draws n distinct numbers not in taken. Statuses follow the
// weights exactly (largest remainder), shuffled; Resp Orgs go round-robin.
func generateNumbers(f *gofakeit.Faker, n int, weights map[string]float64, total float64, respOrgs, npas []string, taken map[string]Number) []Number {
	type share struct {
		st   string
		n    int
		frac float64
	}
	var shares []share
	assigned := 0
	for _, st := range Statuses {
		w, ok := weights[st]
		if !ok {
			continue
		}
		exact := float64(n) * w / total
		k := int(math.Floor(exact))
		shares = append(shares, share{st, k, exact - float64(k)})
		assigned += k
	}
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return shares[order[a]].frac > shares[order[b]].frac })
	for i := 0; assigned < n; i++ {
		shares[order[i%len(order)]].n++
		assigned++
	}
	statuses := make([]string, 0, n)
	for _, s := range shares {
		for j := 0; j < s.n; j++ {
			statuses = append(statuses, s.st)
		}
	}
	for i := len(statuses) - 1; i > 0; i-- {
		j := f.IntN(i + 1)
		statuses[i], statuses[j] = statuses[j], statuses[i]
	}
	seen := map[string]bool{}
	out := make([]Number, 0, n)
	for i := 0; len(out) < n; i++ {
		tfn := fmt.Sprintf("%s%d%02d%04d", npas[f.IntN(len(npas))], 2+f.IntN(8), f.IntN(100), f.IntN(10000))
		if _, ok := taken[tfn]; ok || seen[tfn] {
			continue
		}
		seen[tfn] = true
		ro := respOrgs[len(out)%len(respOrgs)]
		out = append(out, Number{TFN: tfn, Status: statuses[len(out)], RespOrg: ro, Entity: entityOf(ro)})
	}
	return out
}
