package tmobile

import (
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
)

// handleStatus is GET /account/status: 202 (no body) while a linked line's
// registration is processing, then 200 with the lines.
func handleStatus(w http.ResponseWriter, r *http.Request) {
	st, who := storeOf(r), callerOf(r)
	res, e := st.Status(who.Access)
	if e != nil {
		writeError(w, r, e)
		return
	}
	stampTransaction(w, r)
	if res.Processing {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusAccepted)
		return
	}
	provider.WriteJSON(w, http.StatusOK, registrationStatusResponse{
		ReturnCode: http.StatusOK, ChannelURL: res.ChannelURL, Lines: res.Lines,
	})
}

// handleUnlink is DELETE /account/unlink. The SDK also sends client_id and
// redirect_uri in the query: when present they must fit the token's client.
func handleUnlink(w http.ResponseWriter, r *http.Request) {
	st, who := storeOf(r), callerOf(r)
	q := r.URL.Query()
	if id := q.Get("client_id"); q.Has("client_id") && id != who.Client.ID {
		writeError(w, r, errInvalidInput("client_id does not match the client the access token was issued to"))
		return
	}
	if ru := q.Get("redirect_uri"); q.Has("redirect_uri") && !who.Client.AllowsRedirect(ru) {
		writeError(w, r, errInvalidInput("redirect_uri is not registered for the client"))
		return
	}
	if e := st.Unlink(who.Access); e != nil {
		writeError(w, r, e)
		return
	}
	stampTransaction(w, r)
	provider.WriteJSON(w, http.StatusOK, struct{}{})
}
