package somos

import (
	"net/http"

	"github.com/telecomsim/simulator/internal/provider"
)

func handleCreateCNAM(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var in CNAMInput
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	e, err := s.Create(callerOf(r), in)
	if err != nil {
		writeError(w, err)
		return
	}
	writeEntry(w, &e)
}

func handleGetCNAM(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	e, err := s.Get(callerOf(r), provider.Vars(r)["tfn"])
	if err != nil {
		writeError(w, err)
		return
	}
	writeEntry(w, &e)
}

func handleUpdateCNAM(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var in CNAMInput
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	e, err := s.Update(callerOf(r), provider.Vars(r)["tfn"], in)
	if err != nil {
		writeError(w, err)
		return
	}
	writeEntry(w, &e)
}

func handleDeleteCNAM(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	e, err := s.Delete(callerOf(r), provider.Vars(r)["tfn"])
	if err != nil {
		writeError(w, err)
		return
	}
	writeEntry(w, &e)
}

func handleListCNAM(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req listCNAMRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	after, err := flexKey[ListKey](req.LastEvaluatedKey)
	if err != nil {
		writeError(w, err)
		return
	}
	buf := pageBufs.Get().(*[]byte)
	b, err := s.AppendList((*buf)[:0], callerOf(r), ListQuery{Limit: int(req.Limit), EntityID: req.EntityID, After: after})
	if err != nil {
		writeError(w, err)
	} else {
		writeEncoded(w, http.StatusOK, b)
	}
	putPageBuf(buf, b)
}

func handleNewUpload(w http.ResponseWriter, r *http.Request) {
	s, err := storeOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req uploadRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	u, err := s.NewUpload(callerOf(r), req.FileName)
	if err != nil {
		writeError(w, err)
		return
	}
	writeOK(w, uploadResponse{Result: "Success", PreSignedURL: presign(r, s, "/uploads/"+u.Token, int(uploadURLTTL.Seconds()))})
}

// writeEntry writes one record as writeOK writes it, with the list page's
// encoder.
func writeEntry(w http.ResponseWriter, e *CNAMEntry) {
	buf := pageBufs.Get().(*[]byte)
	b := append(appendCNAMEntry(append((*buf)[:0], '{'), e, 0), '\n')
	writeEncoded(w, http.StatusOK, b)
	putPageBuf(buf, b)
}
