package flowroute

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/telecomsim/simulator/internal/provider"
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
