package tnregistry

import (
	"net/http"
	"strconv"

	"github.com/telecomsim/simulator/internal/provider"
)

func stateOf(w http.ResponseWriter, r *http.Request) *State {
	s := provider.StateOf[*State](r, Name)
	if s == nil {
		provider.WriteControlError(w, http.StatusInternalServerError, "tnregistry state missing for this tenant")
	}
	return s
}

type numberRequest struct {
	TFN     string  `json:"tfn"`
	Status  *string `json:"status"`
	RespOrg *string `json:"respOrg"`
}

type numberList struct {
	Numbers []Number `json:"numbers"`
	Count   int      `json:"count"`
	Total   int      `json:"total"`
}

func handlePutNumber(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	var req numberRequest
	if !provider.DecodeControl(w, r, &req) {
		return
	}
	n, created, err := s.PutNumber(NumberInput(req))
	if err != nil {
		writeControlError(w, err)
		return
	}
	writeUpserted(w, created, n)
}

func handleListNumbers(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	q := r.URL.Query()
	f := NumberFilter{Status: q.Get("status"), RespOrg: q.Get("respOrg"), Entity: q.Get("entity"), After: q.Get("after")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			provider.WriteControlError(w, http.StatusBadRequest, "limit must be a positive integer")
			return
		}
		f.Limit = n
	}
	nums, total, err := s.Numbers(f)
	if err != nil {
		writeControlError(w, err)
		return
	}
	provider.WriteJSON(w, http.StatusOK, numberList{Numbers: nums, Count: len(nums), Total: total})
}

func handleGetNumber(w http.ResponseWriter, r *http.Request) {
	s := stateOf(w, r)
	if s == nil {
		return
	}
	n, err := s.Number(provider.Vars(r)["tfn"])
	if err != nil {
		writeControlError(w, err)
		return
	}
	provider.WriteJSON(w, http.StatusOK, n)
}

// writeUpserted answers a create-or-update: 201 when it created, else 200.
func writeUpserted(w http.ResponseWriter, created bool, v any) {
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	provider.WriteJSON(w, status, v)
}
