package fault

import (
	"fmt"
	"time"

	"github.com/telecomsim/simulator/internal/scenario"
)

// Parse reads the rules of a scenario's faults section (a list of rules),
// strictly: unknown keys, wrong types and invalid rules come back as
// scenario.Problems with file, line and column. A relative until ("+10m") is
// resolved against start, the scenario's clock start. Rules keep the ids
// written in the file; Set.Add or Set.Replace assigns the missing ones.
// Whether each provider and route exists is left to the caller.
func Parse(sec scenario.Section, start time.Time) ([]Rule, error) {
	if !sec.Present() {
		return nil, nil
	}
	var rules []Rule
	if err := sec.Decode(&rules); err != nil {
		return nil, err
	}
	var ps scenario.Problems
	ids := map[string]int{}
	for i := range rules {
		r := &rules[i]
		for _, e := range r.Check() {
			ps = append(ps, sec.At(joinField(fmt.Sprintf("[%d]", i), e.Field), e.Msg))
		}
		if r.ID != "" {
			if j, dup := ids[r.ID]; dup {
				ps = append(ps, sec.At(fmt.Sprintf("[%d].id", i), fmt.Sprintf("duplicate id %q (also used by faults[%d])", r.ID, j)))
			}
			ids[r.ID] = i
		}
		if r.Until != nil && r.Until.IsRel {
			r.Until = &scenario.At{Abs: r.Until.Resolve(start).UTC()}
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return rules, nil
}
