package tnregistry

import (
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
)

func handleApproval(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	var a ApprovalAnswer
	if !provider.DecodeControl(w, r, &a) {
		return
	}
	rec, err := s.Answer(provider.Vars(r)["tfn"], a)
	if err != nil {
		writeControlError(w, err)
		return
	}
	provider.WriteJSON(w, http.StatusOK, rec)
}

func handleReserve(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	var req ReserveRequest
	if !provider.DecodeControl(w, r, &req) {
		return
	}
	nums, ref, err := s.Reserve(req)
	if err != nil {
		writeControlError(w, err)
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"numbers": nums, "delivery": ref})
}

func handleSCPResend(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	var req SCPRequest
	if r.ContentLength != 0 && !provider.DecodeControl(w, r, &req) {
		return
	}
	groups, err := s.SCPResend(provider.Vars(r)["tfn"], req)
	if err != nil {
		writeControlError(w, err)
		return
	}
	provider.WriteJSON(w, http.StatusAccepted, map[string]any{"groups": groups})
}

func handleSetLimits(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	var req LimitsRequest
	if !provider.DecodeControl(w, r, &req) {
		return
	}
	l, ref, err := s.SetLimits(req)
	if err != nil {
		writeControlError(w, err)
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"limits": l, "delivery": ref})
}
