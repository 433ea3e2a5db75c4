package somos

import (
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
)

func scopeOf(r *http.Request, global bool) UserScope {
	if global {
		return UserScope{Global: true}
	}
	return UserScope{Entity: provider.Vars(r)["entity"]}
}

func handleListUsers(global bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := storeOf(r)
		if err != nil {
			writeError(w, err)
			return
		}
		var req listUsersRequest
		if err := decode(r, &req); err != nil {
			writeError(w, err)
			return
		}
		users, err := s.ListUsers(callerOf(r), scopeOf(r, global), req.Enabled)
		if err != nil {
			writeError(w, err)
			return
		}
		out := usersResponse{Result: "success", Data: make([]userJSON, 0, len(users))}
		for _, u := range users {
			out.Data = append(out.Data, userOut(u))
		}
		writeOK(w, out)
	}
}

func handleChangeUser(global bool, action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, err := storeOf(r)
		if err != nil {
			writeError(w, err)
			return
		}
		var req changeUserRequest
		if err := decode(r, &req); err != nil {
			writeError(w, err)
			return
		}
		u, err := s.ChangeUser(callerOf(r), scopeOf(r, global), UserChange{
			Email: req.Email, UserName: req.UserName, Action: action, GivenName: req.FirstName, FamilyName: req.LastName,
		})
		if err != nil {
			writeError(w, err)
			return
		}
		writeOK(w, usersResponse{Result: "success", Data: []userJSON{userOut(u)}})
	}
}
