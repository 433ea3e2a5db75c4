package flowroute

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/telecomsim/simulator/internal/clock"
	"github.com/telecomsim/simulator/internal/fake"
	"github.com/telecomsim/simulator/internal/scenario"
)

var start = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func newTestState(t *testing.T) (*State, *clock.Virtual) {
	t.Helper()
	cfg, err := configure(scenario.Section{})
	require.NoError(t, err)
	cfg.Accounts = []AccountSpec{
		{Name: "a", AccessKey: "ka", SecretKey: "sa", Numbers: NumbersSpec{List: []string{"12065550100", "12065550101"}}},
		{Name: "b", AccessKey: "kb", SecretKey: "sb", Numbers: NumbersSpec{List: []string{"12065550199"}}},
	}
	c := clock.NewVirtual(start, clock.Frozen)
	s := newState(c, cfg, 1)
	s.seed(cfg, fake.New(1, Name), start)
	return s, c
}

func TestApprovalTimeline(t *testing.T) {
	s, c := newTestState(t)
	created, err := s.CreateCNAM("ka", "  acme labs ")
	require.NoError(t, err)
	assert.Equal(t, "ACME LABS", created.Value)
	assert.Equal(t, StatusPending, created.Status())
	assert.Equal(t, start.Add(4*time.Hour), created.DecideAt)

	_, err = c.Advance(4*time.Hour - time.Second)
	require.NoError(t, err)
	got, _, err := s.GetCNAM("ka", created.ID)
	require.NoError(t, err)
	assert.Equal(t, StatusPending, got.Status(), "one second early")

	_, err = c.Advance(time.Second)
	require.NoError(t, err)
	got, _, err = s.GetCNAM("ka", created.ID)
	require.NoError(t, err)
	require.Equal(t, StatusApproved, got.Status())
	assert.Equal(t, start.Add(4*time.Hour), *got.Approved, "approved at its due time")
}

func TestUpdateRestartsDelayAndOnlyWhilePending(t *testing.T) {
	s, c := newTestState(t)
	cn, err := s.CreateCNAM("ka", "FIRST")
	require.NoError(t, err)
	_, _ = c.Advance(3 * time.Hour)
	up, err := s.UpdateCNAM("ka", cn.ID, "second")
	require.NoError(t, err)
	assert.Equal(t, start.Add(7*time.Hour), up.DecideAt)
	_, _ = c.Advance(2 * time.Hour) // the first deadline passes: still pending
	got, _, _ := s.GetCNAM("ka", cn.ID)
	assert.Equal(t, StatusPending, got.Status())
	_, _ = c.Advance(2 * time.Hour)
	got, _, _ = s.GetCNAM("ka", cn.ID)
	assert.Equal(t, StatusApproved, got.Status())
	_, err = s.UpdateCNAM("ka", cn.ID, "third")
	assert.Error(t, err)
}

func TestStoreRules(t *testing.T) {
	cases := []struct {
		name    string
		run     func(s *State) error
		wantErr string
	}{
		{"duplicate value", func(s *State) error {
			if _, err := s.CreateCNAM("ka", "dup"); err != nil {
				return err
			}
			_, err := s.CreateCNAM("ka", "DUP")
			return err
		}, "Duplicate CNAM entry found on your account"},
		{"same value on another account is fine", func(s *State) error {
			if _, err := s.CreateCNAM("ka", "shared"); err != nil {
				return err
			}
			_, err := s.CreateCNAM("kb", "shared")
			return err
		}, ""},
		{"empty value", func(s *State) error { _, err := s.CreateCNAM("ka", "   "); return err }, "value"},
		{"other account's record is invisible", func(s *State) error {
			c, err := s.CreateCNAM("kb", "theirs")
			if err != nil {
				return err
			}
			_, _, err = s.GetCNAM("ka", c.ID)
			return err
		}, "CNAM record not found."},
		{"pending record cannot be associated", func(s *State) error {
			c, err := s.CreateCNAM("ka", "pending co")
			if err != nil {
				return err
			}
			_, err = s.Associate("ka", "12065550100", c.ID)
			return err
		}, "only approved records"},
		{"other account's number", func(s *State) error {
			c, err := s.CreateCNAM("ka", "mine")
			if err != nil {
				return err
			}
			if _, err := s.Decide(c.ID, true, ""); err != nil {
				return err
			}
			_, err = s.Associate("ka", "12065550199", c.ID)
			return err
		}, "Phone number not found"},
		{"delete twice", func(s *State) error {
			c, err := s.CreateCNAM("ka", "gone")
			if err != nil {
				return err
			}
			if err := s.DeleteCNAM("ka", c.ID); err != nil {
				return err
			}
			return s.DeleteCNAM("ka", c.ID)
		}, "Nothing to delete."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestState(t)
			err := tc.run(s)
			if tc.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error()+" "+detailOf(err), tc.wantErr)
		})
	}
}

func detailOf(err error) string {
	if ae, ok := err.(*apiError); ok {
		b, _ := json.Marshal(ae.Detail)
		return string(b)
	}
	return ""
}

func TestRejectionReasons(t *testing.T) {
	cfg, err := configure(scenario.Section{})
	require.NoError(t, err)
	cases := map[string]string{
		"ACME":                    "",
		"A-B_C.D,E@F+G&H'I/J":     "exceeds 15",
		`O"NEIL`:                  "",
		"0123":                    "at least one letter",
		"HI!":                     "not allowed",
		"ACME 425 555 0100":       "exceeds 15",
		"TEL 4255550100":          "phone number",
		"HELLO HELL":              "inappropriate",
		"SHELLFISH CO":            "",
		"EXACTLY FIFTEEN":         "",
		"EXACTLY SIXTEEN!":        "exceeds 15",
		"ROUTE 66 DINER":          "",
		"CALL (425)555-0100 NOW!": "exceeds 15",
	}
	for v, want := range cases {
		got := cfg.rejectionReason(v)
		if want == "" {
			assert.Empty(t, got, v)
			continue
		}
		assert.Contains(t, got, want, v)
	}
}

func TestDeleteDetachesNumbersAndExportImportRoundTrip(t *testing.T) {
	s, c := newTestState(t)
	cn, err := s.CreateCNAM("ka", "ATTACHED")
	require.NoError(t, err)
	_, err = s.Decide(cn.ID, true, "")
	require.NoError(t, err)
	_, err = s.Associate("ka", "12065550101", cn.ID)
	require.NoError(t, err)
	pending, err := s.CreateCNAM("ka", "LATER")
	require.NoError(t, err)

	first, err := json.Marshal(s.Export())
	require.NoError(t, err)
	c2 := clock.NewVirtual(c.Now(), clock.Frozen)
	cfg, _ := configure(scenario.Section{})
	s2 := newState(c2, cfg, 99)
	require.NoError(t, s2.Import(first))
	second, err := json.Marshal(s2.Export())
	require.NoError(t, err)
	assert.JSONEq(t, string(first), string(second))
	assert.Equal(t, string(first), string(second))

	_, _ = c2.Advance(4 * time.Hour)
	got, _, err := s2.GetCNAM("ka", pending.ID)
	require.NoError(t, err)
	assert.Equal(t, StatusApproved, got.Status(), "import re-arms the approval timer")

	require.NoError(t, s2.DeleteCNAM("ka", cn.ID))
	n, attached, err := s2.GetNumber("ka", "12065550101")
	require.NoError(t, err)
	assert.Nil(t, attached)
	assert.Zero(t, n.CNAM)
}
