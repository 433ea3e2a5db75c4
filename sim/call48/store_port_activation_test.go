package call48

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Forwarding given while the number ports is its routing once it is active.
func TestPortForwardingAppliedOnActivation(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	body := portBody("7012001293")
	det := body["port_req_detail"].(map[string]any)
	det["fwd_trunk_grpid"] = 52610
	det["fwd_answering_mode"] = "FO"
	det["fwd_order"] = "SIML"
	det["fwd_sip_type"] = "10"
	det["fwd_device_password"] = "23211"
	d := dataOf(t, e.do("POST", "/api/v4/port-in/submit-port-details", tok, body)).(map[string]any)
	id := int(d["port_req_id"].(float64))
	r := e.do("POST", "/api/v4/port-in/update-forwarding", tok, map[string]any{"port_req_id": id, "forwarding_data": []map[string]any{
		{"forwarding_type_id": 1, "sequence": 2, "method": "SIP", "value": "10.0.0.9", "timeout": 30},
		{"forwarding_type_id": 1, "sequence": 1, "method": "NUM", "value": "2522378144", "timeout": 20},
	}})
	require.EqualValues(t, 200, r.json(t)["code"], string(r.Body))
	_, err := e.store.AdvancePort(id, PortActivated, "")
	require.NoError(t, err)

	did := e.store.d.DIDs[e.store.byNumber["7012001293"]]
	require.NotNil(t, did)
	fw := did.Fwd
	assert.Equal(t, []string{"simple", "ip"}, []string{fw.Method1, fw.Method2}, "steps in their sequence")
	assert.Equal(t, "2522378144", fw.Number1)
	assert.Equal(t, "10.0.0.9", fw.Sip2)
	assert.Equal(t, []string{"20", "30"}, []string{fw.Timeout1, fw.Timeout2})
	assert.Equal(t, 2, fw.AnsweringMode)
	assert.Equal(t, "Simultaneous", fw.Sequence)
	assert.Equal(t, "10", fw.SipDigits)
	assert.Equal(t, "23211", fw.Password)
	require.NotNil(t, fw.FwdTrunkGrpID)
	assert.Equal(t, 52610, *fw.FwdTrunkGrpID)
}

func TestUpdateActivationRefusesThePast(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	d := dataOf(t, e.do("POST", "/api/v4/port-in/submit-port-details", tok, portBody("7012001293"))).(map[string]any)
	id := int(d["port_req_id"].(float64))
	_, err := e.store.AdvancePort(id, PortFOC, "")
	require.NoError(t, err)
	pid := subOrders(t, e, tok, id)[0]["port_proposal_id"]
	cases := []struct {
		name, typ, date string
		code            float64
	}{
		{"yesterday", "Scheduled", "2026-01-04T12:00:00-05:00", 400},
		{"a minute ago", "Scheduled", e.store.clock.Now().Add(-time.Minute).Format(time.RFC3339), 400},
		{"tomorrow", "Scheduled", "2026-01-06T12:00:00-05:00", 200},
		{"auto at 15:30", "Auto", "2026-01-06T15:30:00-05:00", 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := e.do("POST", "/api/v4/port-in/update-activation", tok, map[string]any{"port_proposal_id": pid, "did": "7012001293",
				"activation_type": tc.typ, "activation_date": tc.date}).json(t)
			assert.Equal(t, tc.code, m["code"], m["error"])
		})
	}
	p := e.store.d.Proposals[int(pid.(float64))]
	require.NotNil(t, p.FOCDate)
	act := p.DIDs[0].ActivationDate.In(eastern)
	assert.Equal(t, p.FOCDate.In(eastern).Format("2006-01-02"), act.Format("2006-01-02"), "Auto: on the FOC date")
	assert.Equal(t, "15:30", act.Format("15:04"), "at the requested time")
}

func TestPortDocumentsAreDocuments(t *testing.T) {
	e := newEnv(t, "")
	tok := e.login("mark", "password")
	d := dataOf(t, e.do("POST", "/api/v4/port-in/submit-port-details", tok, portBody("7012001293"))).(map[string]any)
	id := itoa(int(d["port_req_id"].(float64)))
	cases := []struct {
		file string
		data []byte
		code float64
	}{
		{"loa.pdf", []byte("%PDF-1.7 ..."), 200},
		{"LOA.TIFF", []byte{'I', 'I', 42, 0, 8, 0}, 200},
		{"scan.tif", []byte{'M', 'M', 0, 42, 0, 8}, 200},
		{"photo.jpg", []byte{0xFF, 0xD8, 0xFF, 0xE0}, 200},
		{"photo.png", []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0}, 200},
		{"loa.docx", []byte("PK\x03\x04"), 400},
		{"loa.exe", []byte("MZ"), 400},
		{"loa.pdf", []byte("not a pdf"), 400},
		{"noext", []byte("%PDF-1.7"), 400},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			mp := multipartBody(t, map[string]string{"port_req_id": id, "type": "loa"}, "file", tc.file, tc.data)
			m := e.do("POST", "/api/v4/port-in/upload-docs", tok, mp).json(t)
			assert.Equal(t, tc.code, m["code"], m["error"])
		})
	}
}
