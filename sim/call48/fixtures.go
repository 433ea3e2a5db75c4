package call48

import (
	"embed"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata"
)

// The reference data; fixtures/call48 holds the same files (a test checks
// they match).
//
//go:embed data/*.json
var fixtureFS embed.FS

// rateCentersCSV is the catalogue, "state,footprint_id,rate_center" a line,
// state by state and sorted by name within a state. It is parsed by hand
// into substrings of this string: 18k rate centers load in a few
// milliseconds with a few hundred allocations (JSON took 16 ms and 9.7 MB).
//
//go:embed data/ratecenters.csv
var rateCentersCSV string

// StateRow is a row of GET /states.
type StateRow struct {
	StateID   int    `json:"state_id"`
	StateName string `json:"state_name"`
	StateCode string `json:"state_code"`
	CountryID int    `json:"country_id"`
}

// RateCenter is one footprint of the live catalogue: a rate center of a
// state, numbered with an NPA and LATA from the state's area codes.
type RateCenter struct {
	FootprintID int32  `json:"footprint_id"`
	seq         int32  // position in the whole catalogue (states in fixture order, names in order)
	RateCenter  string `json:"rate_center"`
	// The rest are indexes into fx.texts, so that the catalogue's 18,458
	// entries take 32 bytes each rather than 96.
	npa, lata, state, nxx textID
}

// textID is a short text of the catalogue (an NPA, LATA, state code or
// exchange), as its index in the catalogue's texts.
type textID uint16

// texts interns the catalogue's distinct short texts; ID 0 is "".
type texts struct {
	ids  map[string]textID
	list []string
}

func newTexts() *texts { return &texts{ids: map[string]textID{"": 0}, list: []string{""}} }

func (t *texts) id(s string) textID {
	if id, ok := t.ids[s]; ok {
		return id
	}
	if len(t.list) > 0xffff {
		panic("call48: too many distinct codes in the catalogue")
	}
	id := textID(len(t.list))
	t.list = append(t.list, s)
	t.ids[s] = id
	return id
}

// NPA is the area code the rate center's numbers use ("" when none).
func (rc *RateCenter) NPA() string { return fx.texts[rc.npa] }

// LATA is the rate center's LATA.
func (rc *RateCenter) LATA() string { return fx.texts[rc.lata] }

// State is the rate center's state code.
func (rc *RateCenter) State() string { return fx.texts[rc.state] }

// exchange is the NXX the rate center's numbers use, unique within its NPA.
func (rc *RateCenter) exchange() string { return fx.texts[rc.nxx] }

// areaCode is an NPA and LATA of a state; with a rate center it pins that
// rate center to it.
type areaCode struct {
	NPA        string `json:"npa"`
	LATA       string `json:"lata"`
	RateCenter string `json:"rate_center"`
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

type fixtureSet struct {
	States      []StateRow
	RateCenters map[string][]RateCenter // by state code, sorted by name
	Countries   []CountryRow
	stateByCode map[string]StateRow
	stateIDs    map[string]*int          // state code -> its StateID, for answers to point at
	byNPA       map[string][]*RateCenter // NPA -> its rate centers, in catalogue order
	texts       []string                 // a RateCenter's short texts, by textID
	total       int                      // rate centers in the catalogue
}

var fx = loadFixtures()

func loadFixtures() *fixtureSet {
	f := &fixtureSet{stateByCode: map[string]StateRow{}, stateIDs: map[string]*int{}}
	var areaCodes map[string][]areaCode
	codes := newTexts()
	mustJSON("data/states.json", &f.States)
	f.RateCenters = parseRateCenters(rateCentersCSV, codes)
	mustJSON("data/areacodes.json", &areaCodes)
	mustJSON("data/countries.json", &f.Countries)
	for _, s := range f.States {
		f.stateByCode[s.StateCode] = s
		f.stateIDs[s.StateCode] = &s.StateID
	}
	f.index(areaCodes, codes)
	f.texts = codes.list
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

// footprints lists a state's rate centers, sorted by name.
func (f *fixtureSet) footprints(state string) []RateCenter {
	return f.RateCenters[strings.ToUpper(strings.TrimSpace(state))]
}

// rateCenter finds a rate center of a state by name or footprint id.
func (f *fixtureSet) rateCenter(state, key string) (*RateCenter, bool) {
	key = strings.ToUpper(strings.TrimSpace(key))
	state = strings.ToUpper(strings.TrimSpace(state))
	rcs := f.RateCenters[state]
	if i, found := slices.BinarySearchFunc(rcs, key, func(rc RateCenter, k string) int { return strings.Compare(rc.RateCenter, k) }); found {
		return &rcs[i], true
	}
	if id, err := strconv.Atoi(key); err == nil {
		for i := range rcs {
			if int(rcs[i].FootprintID) == id {
				return &rcs[i], true
			}
		}
	}
	return nil, false
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
