package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
	"github.com/telecomsim/simulator/internal/timeline"
	"go.yaml.in/yaml/v3"
)

// Event is one entry of a scenario's events: list: a provider action run on
// the tenant clock.
type Event struct {
	At       scenario.At `yaml:"at" json:"at"`
	Provider string      `yaml:"provider" json:"provider"`
	Action   string      `yaml:"action" json:"action"`
	// Args are the event's other keys, passed to the provider.
	Args map[string]any `yaml:"-" json:"args,omitempty"`
}

// plannedEvent is an event ready to run.
type plannedEvent struct {
	Event
	due time.Time
	run func(tenant.State) error
}

// parseEvents decodes and checks the scenario's events.
func (a *App) parseEvents(sc *scenario.Scenario) ([]plannedEvent, scenario.Problems) {
	sec := sc.Events
	if !sec.Present() {
		return nil, nil
	}
	if sec.Node.Kind != yaml.SequenceNode {
		return nil, scenario.Problems{sec.At("", "expected a list of events")}
	}
	var out []plannedEvent
	var ps scenario.Problems
	for i, n := range sec.Node.Content {
		path := fmt.Sprintf("[%d]", i)
		if n.Kind != yaml.MappingNode {
			ps = append(ps, sec.At(path, "expected a mapping with at, provider and action"))
			continue
		}
		var ev plannedEvent
		args := &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}
		head := &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}
		for j := 0; j+1 < len(n.Content); j += 2 {
			switch n.Content[j].Value {
			case "at", "provider", "action":
				head.Content = append(head.Content, n.Content[j], n.Content[j+1])
			default:
				args.Content = append(args.Content, n.Content[j], n.Content[j+1])
			}
		}
		hs := sec.Child("events"+path, head)
		if err := hs.Decode(&ev.Event); err != nil {
			ps = append(ps, scenario.AsProblems(err)...)
			continue
		}
		at := sec.Child("events"+path, n)
		switch {
		case ev.Provider == "":
			ps = append(ps, at.At("provider", "required"))
			continue
		case ev.Action == "":
			ps = append(ps, at.At("action", "required"))
			continue
		}
		if !ev.At.IsRel && ev.At.Abs.IsZero() {
			ps = append(ps, at.At("at", `required: "+5m" (after the clock start) or an RFC 3339 time`))
			continue
		}
		ev.due = ev.At.Resolve(sc.Clock.Start)
		if ev.due.Before(sc.Clock.Start) {
			ps = append(ps, at.At("at", fmt.Sprintf("%s is before the clock start %s", ev.due.Format(time.RFC3339), sc.Clock.Start.Format(time.RFC3339))))
			continue
		}
		m, ok := a.byName[ev.Provider]
		if !ok {
			ps = append(ps, at.At("provider", fmt.Sprintf("unknown provider %q (known: %s)", ev.Provider, strings.Join(a.served(), ", "))))
			continue
		}
		actor, ok := m.p.(provider.Actor)
		if !ok {
			ps = append(ps, at.At("provider", ev.Provider+" has no scheduled actions"))
			continue
		}
		if _, ok := actor.Actions()[ev.Action]; !ok {
			names := make([]string, 0)
			for k := range actor.Actions() {
				names = append(names, k)
			}
			sort.Strings(names)
			ps = append(ps, at.At("action", fmt.Sprintf("unknown %s action %q (known: %s)", ev.Provider, ev.Action, strings.Join(names, ", "))))
			continue
		}
		argSec := sec.Child("events"+path, args)
		run, err := actor.Action(ev.Action, argSec)
		if err != nil {
			ps = append(ps, scenario.AsProblems(err)...)
			continue
		}
		ev.run = run
		_ = args.Decode(&ev.Args)
		out = append(out, ev)
	}
	return out, ps
}

// eventLog is a tenant's scheduled events and what became of them.
type eventLog struct {
	mu    sync.Mutex
	items []*eventItem
}

type eventItem struct {
	ID     int        `json:"id"`
	Due    time.Time  `json:"due"`
	Event  Event      `json:"event"`
	Status string     `json:"status"` // pending, done, failed
	Error  string     `json:"error,omitempty"`
	RanAt  *time.Time `json:"ranAt,omitempty"`
	run    func(tenant.State) error
}

const eventsKey = "events"

func eventsOf(w *tenant.World) *eventLog {
	l, _ := w.Extra(eventsKey).(*eventLog)
	return l
}

// scheduleEvents puts the scenario's events on a new world's clock.
func (a *App) scheduleEvents(w *tenant.World, l *loaded) {
	log := &eventLog{}
	w.SetExtra(eventsKey, log)
	for i, ev := range l.events {
		item := &eventItem{ID: i + 1, Due: ev.due, Event: ev.Event, Status: "pending", run: ev.run}
		log.items = append(log.items, item)
		a.arm(w, log, item)
	}
}

func (a *App) arm(w *tenant.World, log *eventLog, item *eventItem) {
	w.Clock.At(item.Due, func() {
		seq := w.Timeline.Mark()
		err := item.run(w.State(item.Event.Provider))
		now := w.Clock.Now()
		noteEvent(w, seq, now, item.Event, err)
		log.mu.Lock()
		defer log.mu.Unlock()
		item.RanAt = &now
		if err != nil {
			item.Status, item.Error = "failed", err.Error()
			a.log.Warn("scheduled event failed", "tenant", w.ID, "provider", item.Event.Provider, "action", item.Event.Action, "err", err)
			return
		}
		item.Status = "done"
		a.log.Info("scheduled event", "tenant", w.ID, "provider", item.Event.Provider, "action", item.Event.Action)
	})
}

// noteEvent puts a scenario event that ran on the tenant's timeline,
// before whatever it caused (seq was taken before it ran).
func noteEvent(w *tenant.World, seq uint64, now time.Time, ev Event, err error) {
	it := timeline.Item{Seq: seq, Time: now, Kind: timeline.KindEvent, Provider: ev.Provider,
		Summary: "scenario event: " + ev.Action, Detail: map[string]string{}}
	keys := make([]string, 0, len(ev.Args))
	for k := range ev.Args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := fmt.Sprint(ev.Args[k])
		it.Summary += " " + k + "=" + v
		it.Detail[k] = v
		if n := timeline.Normalize(v); n != "" {
			it.Numbers = append(it.Numbers, n)
		}
	}
	if err != nil {
		it.Summary += " (failed: " + err.Error() + ")"
		it.Detail["error"] = err.Error()
	}
	w.Timeline.Add(it)
}

func (l *eventLog) list() []eventItem {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]eventItem, len(l.items))
	for i, it := range l.items {
		out[i] = *it
	}
	return out
}

// exportEvents records each event's outcome; pending ones are re-armed from
// the scenario on import.
func (l *eventLog) export() []eventItem { return l.list() }

func (a *App) importEvents(w *tenant.World, raw json.RawMessage) error {
	log := eventsOf(w)
	if log == nil || len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var items []eventItem
	if err := json.Unmarshal(raw, &items); err != nil {
		return err
	}
	byID := map[int]eventItem{}
	for _, it := range items {
		byID[it.ID] = it
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	// The world's clock was cleared before the import, so no event timer of
	// the fresh world is armed any more.
	for _, it := range log.items {
		if saved, ok := byID[it.ID]; ok {
			it.Status, it.Error, it.RanAt = saved.Status, saved.Error, saved.RanAt
		}
		if it.Status == "pending" {
			a.arm(w, log, it)
		}
	}
	return nil
}

func (a *App) listEvents(w http.ResponseWriter, r *http.Request) {
	log := eventsOf(tenant.From(r.Context()))
	items := []eventItem{}
	if log != nil {
		items = log.list()
	}
	status := r.URL.Query().Get("status")
	out := []eventItem{}
	for _, it := range items {
		if status == "" || it.Status == status {
			out = append(out, it)
		}
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"events": out})
}
