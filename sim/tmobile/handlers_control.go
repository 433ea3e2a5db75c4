package tmobile

import (
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
)

func ctlStore(w http.ResponseWriter, r *http.Request) *Store {
	st := storeOf(r)
	if st == nil {
		provider.WriteControlError(w, http.StatusInternalServerError, "no tmobile state for this tenant")
	}
	return st
}

// ctlOverview is GET /__sim/tmobile/accounts.
func ctlOverview(w http.ResponseWriter, r *http.Request) {
	if st := ctlStore(w, r); st != nil {
		provider.WriteJSON(w, http.StatusOK, st.Overview())
	}
}

// ctlCompleteRegistration is POST /__sim/tmobile/lines/{msisdn}/complete-registration.
func ctlCompleteRegistration(w http.ResponseWriter, r *http.Request) {
	st := ctlStore(w, r)
	if st == nil {
		return
	}
	m := provider.Vars(r)["msisdn"]
	if err := st.CompleteRegistration(m); err != nil {
		provider.WriteControlError(w, http.StatusNotFound, err.Error())
		return
	}
	line, _ := st.Line(m)
	provider.WriteJSON(w, http.StatusOK, line)
}

func setConflict(w http.ResponseWriter, r *http.Request, on bool) {
	st := ctlStore(w, r)
	if st == nil {
		return
	}
	login := provider.Vars(r)["login"]
	if err := st.SetConflict(login, on); err != nil {
		provider.WriteControlError(w, http.StatusNotFound, err.Error())
		return
	}
	provider.WriteJSON(w, http.StatusOK, map[string]any{"login": login, "conflict": on})
}

// ctlSetConflict is POST /__sim/tmobile/accounts/{login}/conflict.
func ctlSetConflict(w http.ResponseWriter, r *http.Request) { setConflict(w, r, true) }

// ctlClearConflict is DELETE /__sim/tmobile/accounts/{login}/conflict.
func ctlClearConflict(w http.ResponseWriter, r *http.Request) { setConflict(w, r, false) }
