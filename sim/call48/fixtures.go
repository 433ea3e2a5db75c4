package call48

import (
	"embed"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata"
)

// The reference data; fixtures/call48 holds the same files (a test checks
// they match).
//
//go:embed data/states.json data/countries.json
var fixtureFS embed.FS

// StateRow is a row of GET /states.
type StateRow struct {
	StateID   int    `json:"state_id"`
	StateName string `json:"state_name"`
	StateCode string `json:"state_code"`
	CountryID int    `json:"country_id"`
}

// CountryRow is a row of GET /countries plus the cities offered.
type CountryRow struct {
	CountryID int    `json:"country_id"`
	Name      string `json:"name"`
	Code      string `json:"code"`
	Code2     string `json:"code2"`
	Prefix    string `json:"prefix"`
	Req       string `json:"req"`
	Cities    []struct {
		Name   string `json:"name"`
		Prefix string `json:"prefix"`
	} `json:"cities"`
}

// fixtureSet is the reference data: states and countries from data/*.json,
// and lookups into the rate-center catalogue (catalogue.go).
type fixtureSet struct {
	States      []StateRow
	Countries   []CountryRow
	stateByCode map[string]StateRow
	stateIDs    map[string]*int // state code -> its StateID, for answers to point at
}

var fx = loadFixtures()

func loadFixtures() *fixtureSet {
	f := &fixtureSet{stateByCode: map[string]StateRow{}, stateIDs: map[string]*int{}}
	mustJSON("data/states.json", &f.States)
	mustJSON("data/countries.json", &f.Countries)
	for _, s := range f.States {
		f.stateByCode[s.StateCode] = s
		f.stateIDs[s.StateCode] = &s.StateID
	}
	return f
}

func mustJSON(name string, v any) {
	b, err := fixtureFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		panic(name + ": " + err.Error())
	}
}

func (f *fixtureSet) state(code string) (StateRow, bool) {
	s, ok := f.stateByCode[strings.ToUpper(strings.TrimSpace(code))]
	return s, ok
}

// stateID is the id of a state, shared (for an answer's row to point at),
// or a new zero for an unknown code (as state's zero StateRow gave).
func (f *fixtureSet) stateID(code string) *int {
	if id, ok := f.stateIDs[strings.ToUpper(strings.TrimSpace(code))]; ok {
		return id
	}
	return new(int)
}

// country finds a country by id, alpha-2 or alpha-3 code.
func (f *fixtureSet) country(key string) (CountryRow, bool) {
	key = strings.TrimSpace(key)
	for _, c := range f.Countries {
		if strings.EqualFold(c.Code, key) || strings.EqualFold(c.Code2, key) || itoa(c.CountryID) == key {
			return c, true
		}
	}
	return CountryRow{}, false
}

func itoa(n int) string { return strconv.Itoa(n) }

// eastern is US Eastern time, which the API uses for activation dates and
// export timestamps.
var eastern = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return time.FixedZone("EST", -5*3600)
	}
	return loc
}()
