package somos

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/telecomsim/simulator/internal/provider"
	"github.com/telecomsim/simulator/internal/scenario"
)

func controlStore(w http.ResponseWriter, r *http.Request) *Store {
	s := provider.StateOf[*Store](r, Name)
	if s == nil {
		provider.WriteControlError(w, http.StatusNotFound, "this tenant has no somos state")
	}
	return s
}

func controlErr(w http.ResponseWriter, err error) {
	var e *Error
	if errors.As(err, &e) {
		provider.WriteControlError(w, e.Status, e.Message)
		return
	}
	provider.WriteControlError(w, http.StatusInternalServerError, err.Error())
}

func ctlListUsers(w http.ResponseWriter, r *http.Request) {
	if s := controlStore(w, r); s != nil {
		provider.WriteJSON(w, http.StatusOK, map[string]any{"users": s.ControlUsers()})
	}
}

type ctlUserRequest struct {
	UserSpec
	RefreshTokens []string `json:"refreshTokens"`
}

func ctlUpsertUser(w http.ResponseWriter, r *http.Request) {
	s := controlStore(w, r)
	if s == nil {
		return
	}
	var req ctlUserRequest
	if !provider.DecodeControl(w, r, &req) {
		return
	}
	u, err := s.UpsertUser(req.UserSpec)
	if err != nil {
		controlErr(w, err)
		return
	}
	for _, t := range req.RefreshTokens {
		if _, err := s.IssueRefreshToken(u.Email, t, 0); err != nil {
			controlErr(w, err)
			return
		}
	}
	provider.WriteJSON(w, http.StatusOK, userOut(u))
}

type ctlRefreshRequest struct {
	Token string            `json:"token"`
	TTL   scenario.Duration `json:"ttl"`
}

func ctlIssueRefresh(w http.ResponseWriter, r *http.Request) {
	s := controlStore(w, r)
	if s == nil {
		return
	}
	var req ctlRefreshRequest
	if r.ContentLength != 0 && !provider.DecodeControl(w, r, &req) {
		return
	}
	email, _ := url.PathUnescape(provider.Vars(r)["email"])
	t, err := s.IssueRefreshToken(email, req.Token, req.TTL.D())
	if err != nil {
		controlErr(w, err)
		return
	}
	provider.WriteJSON(w, http.StatusOK, t)
}

type ctlPartnerRequest struct {
	TFN   string `json:"tfn"`
	Times int    `json:"times"`
}

func ctlPartnerFail(w http.ResponseWriter, r *http.Request) {
	s := controlStore(w, r)
	if s == nil {
		return
	}
	var req ctlPartnerRequest
	if !provider.DecodeControl(w, r, &req) {
		return
	}
	if err := s.FailPartner(req.TFN, req.Times); err != nil {
		controlErr(w, err)
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"tfn": req.TFN, "times": req.Times})
}

func ctlPartnerSucceed(w http.ResponseWriter, r *http.Request) {
	s := controlStore(w, r)
	if s == nil {
		return
	}
	var req ctlPartnerRequest
	if !provider.DecodeControl(w, r, &req) {
		return
	}
	s.ClearPartnerFailure(req.TFN)
	provider.WriteJSON(w, http.StatusOK, map[string]any{"tfn": req.TFN})
}

func ctlProcessFile(w http.ResponseWriter, r *http.Request) {
	s := controlStore(w, r)
	if s == nil {
		return
	}
	f, err := s.ProcessNow(provider.Vars(r)["fileId"])
	if err != nil {
		controlErr(w, err)
		return
	}
	provider.WriteJSON(w, http.StatusOK, f)
}
