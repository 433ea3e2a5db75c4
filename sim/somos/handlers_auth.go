package somos

import (
	"fmt"
	"net/http"
)

func handleAPIToken(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req apiTokenRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	res, err := s.IssueTokens(req.RefreshToken)
	if err != nil {
		writeError(w, err)
		return
	}
	var out apiTokenResponse
	out.Result = "success"
	out.Data.AuthenticationResult = res
	writeOK(w, out)
}

func handleResetTokens(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req resetTokensRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	n, err := s.ResetTokens(callerOf(r), req.AccessToken)
	if err != nil {
		writeError(w, err)
		return
	}
	writeOK(w, resultMessage{Result: "success", Message: fmt.Sprintf("Successfully reset all RefreshTokens issued earlier (%d revoked)", n)})
}
