package flowroute

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
	"github.com/telecomsim/simulator/internal/tenant"
)

func (p *Provider) controlDecide(w http.ResponseWriter, r *http.Request, approve bool) {
	st := provider.StateOf[*State](r, Name)
	id, err := strconv.ParseInt(provider.Vars(r)["id"], 10, 64)
	if err != nil {
		provider.WriteControlError(w, http.StatusBadRequest, "id: want a CNAM record id")
		return
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if !approve && r.ContentLength != 0 && !provider.DecodeControl(w, r, &req) {
		return
	}
	c, err := st.Decide(id, approve, req.Reason)
	if errors.Is(err, errNoRecord) {
		provider.WriteControlError(w, http.StatusNotFound, "no CNAM record "+strconv.FormatInt(id, 10))
		return
	}
	if err != nil {
		provider.WriteControlError(w, http.StatusConflict, err.Error())
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"id": c.ID, "value": c.Value, "status": c.Status(), "rejectionReason": c.Rejection})
}

func (p *Provider) controlApprove(w http.ResponseWriter, r *http.Request) {
	p.controlDecide(w, r, true)
}
func (p *Provider) controlReject(w http.ResponseWriter, r *http.Request) {
	p.controlDecide(w, r, false)
}

// Actions implements provider.Actor.
func (p *Provider) Actions() map[string]string {
	return map[string]string{
		"approve": "approve a pending CNAM record now: {id}",
		"reject":  "reject a pending CNAM record now: {id, reason}",
	}
}

// Action implements provider.Actor.
func (p *Provider) Action(name string, args scenario.Section) (func(tenant.State) error, error) {
	var a struct {
		ID     int64  `yaml:"id"`
		Reason string `yaml:"reason"`
	}
	if err := args.Decode(&a); err != nil {
		return nil, err
	}
	if a.ID <= 0 {
		return nil, scenario.Problems{args.At("id", "required: the CNAM record id")}
	}
	return provider.OnState(func(s *State) error {
		_, err := s.Decide(a.ID, name == "approve", a.Reason)
		return err
	}), nil
}
