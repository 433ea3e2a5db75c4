package call48

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The catalogue is built here, from data/ratecenters.csv and
// data/areacodes.json, into the Go source of catalogue_data.go: the process
// then reads it from the binary's data instead of parsing it at startup
// (which cost 1.3 MB of heap, 0.9 MB of it kept, and 4-6 ms).
//
// go test ./sim/call48 -run TestCatalogueData -update-catalogue rewrites the
// file after a data file changed; without the flag the test fails when the
// file is not what the data gives.
var updateCatalogue = flag.Bool("update-catalogue", false, "rewrite catalogue_data.go from data/ratecenters.csv and data/areacodes.json")

// builtRC is a rate center as the build computes it.
type builtRC struct {
	FootprintID int32
	seq         int32
	RateCenter  string
	npa, lata   textID
	state, nxx  textID
}

// areaCode is an NPA and LATA of a state; with a rate center it pins that
// rate center to it.
type areaCode struct {
	NPA        string `json:"npa"`
	LATA       string `json:"lata"`
	RateCenter string `json:"rate_center"`
}

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

func byName(a, b builtRC) int { return strings.Compare(a.RateCenter, b.RateCenter) }

// parseRateCenters reads the catalogue CSV, "state,footprint_id,rate_center"
// a line, into rate centers by state. A state's rows must be together.
func parseRateCenters(text string, codes *texts) map[string][]builtRC {
	text = strings.TrimSpace(text)
	_, body, _ := strings.Cut(text, "\n") // the header
	all := make([]builtRC, 0, strings.Count(body, "\n")+1)
	out := map[string][]builtRC{}
	start, state, stateID := 0, "", textID(0)
	for line := 2; body != ""; line++ {
		var l string
		l, body, _ = strings.Cut(body, "\n")
		st, rest, ok1 := strings.Cut(strings.TrimSuffix(l, "\r"), ",")
		id, name, ok2 := strings.Cut(rest, ",")
		fp, err := strconv.ParseInt(id, 10, 32)
		if !ok1 || !ok2 || err != nil || name == "" {
			panic(fmt.Sprintf("data/ratecenters.csv:%d: want state,footprint_id,rate_center, got %q", line, l))
		}
		if st != state || len(all) == 0 {
			if len(all) > 0 { // the previous state's rows end here
				out[state] = all[start:len(all):len(all)]
				start = len(all)
				if _, seen := out[st]; seen {
					panic(fmt.Sprintf("data/ratecenters.csv:%d: the rows of %s are not together", line, st))
				}
			}
			state, stateID = st, codes.id(st)
		}
		all = append(all, builtRC{FootprintID: int32(fp), RateCenter: name, state: stateID})
	}
	if len(all) > 0 {
		out[state] = all[start:]
	}
	return out
}

// builtCatalogue is the catalogue in the build's own form.
type builtCatalogue struct {
	order []builtRC            // states in fixture order, names in order; index = seq
	byNPA map[string][]int32   // NPA -> its rate centers' seqs, in catalogue order
	texts []string             // by textID
	spans map[string][2]uint16 // state -> [first, end) in order
}

// buildCatalogue numbers every rate center: an NPA and LATA (the one its
// area-code entry pins, otherwise one of its state's entries picked by a
// hash of its name) and an exchange of its own within that NPA, so that a
// number tells its rate center.
func buildCatalogue(csv string, areaCodes map[string][]areaCode, states []StateRow) builtCatalogue {
	codes := newTexts()
	byState := parseRateCenters(csv, codes)
	c := builtCatalogue{byNPA: map[string][]int32{}, spans: map[string][2]uint16{}}
	for _, st := range states {
		code := st.StateCode
		rcs := byState[code]
		delete(byState, code)
		slices.SortStableFunc(rcs, byName)
		acs := areaCodes[code]
		ids := make([][2]textID, len(acs)) // NPA and LATA of each of acs
		pins := map[string]int{}           // rate center -> its entry in acs
		for i, ac := range acs {
			ids[i] = [2]textID{codes.id(ac.NPA), codes.id(ac.LATA)}
			if ac.RateCenter != "" {
				pins[ac.RateCenter] = i
			}
		}
		first := len(c.order)
		for _, rc := range rcs {
			rc.seq = int32(len(c.order))
			if j, pinned := pins[rc.RateCenter]; pinned || len(acs) > 0 {
				if !pinned {
					j = int(hash32(code, rc.RateCenter) % uint32(len(acs)))
				}
				rc.npa, rc.lata = ids[j][0], ids[j][1]
				if npa := acs[j].NPA; npa != "" {
					c.byNPA[npa] = append(c.byNPA[npa], rc.seq)
				}
			}
			c.order = append(c.order, rc)
		}
		c.spans[code] = [2]uint16{uint16(first), uint16(len(c.order))}
	}
	if len(byState) > 0 {
		panic(fmt.Sprintf("data/ratecenters.csv: states not in data/states.json: %v", slices.Sorted(maps.Keys(byState))))
	}
	// Exchanges: a rate center's position in its NPA, from an offset of the
	// NPA's own, wraps around the valid codes; past that many rate centers an
	// NPA's exchanges are shared and the first rate center owns them.
	nxx := make([]textID, len(validNXX))
	for i, x := range validNXX {
		nxx[i] = codes.id(x)
	}
	for npa, seqs := range c.byNPA {
		off := int(hash32("nxx", npa) % uint32(len(validNXX)))
		for i, seq := range seqs {
			c.order[seq].nxx = nxx[(off+i)%len(validNXX)]
		}
	}
	c.texts = codes.list
	return c
}

// catalogueSource is catalogue_data.go for a built catalogue.
func catalogueSource(c builtCatalogue) []byte {
	var b bytes.Buffer
	b.WriteString("// Code generated by go test ./sim/call48 -run TestCatalogueData -update-catalogue; DO NOT EDIT.\n")
	b.WriteString("// From data/ratecenters.csv (MIT licence: data/LICENSE.ratecenters) and\n")
	b.WriteString("// data/areacodes.json, by catalogue_build_test.go.\n\n")
	b.WriteString("package call48\n\n")
	b.WriteString("// catalogueTexts are the catalogue's NPAs, LATAs, state codes and exchanges, by textID.\nvar catalogueTexts = [...]string{")
	texts := make([]string, len(c.texts))
	for i, s := range c.texts {
		texts[i] = fmt.Sprintf("%q,", s)
	}
	writeRows(&b, texts, 16)
	b.WriteString("\n}\n\n")

	var names strings.Builder
	rows := make([]string, len(c.order))
	for i, rc := range c.order {
		if len(rc.RateCenter) > 0xff || names.Len() > 0xffffff {
			panic("call48: a rate center name past 255 bytes or names past 16 MB")
		}
		rows[i] = fmt.Sprintf("{%d, %d, %#x, %d, %d, %d, %d},", rc.FootprintID, rc.seq, names.Len()<<8|len(rc.RateCenter), rc.npa, rc.lata, rc.state, rc.nxx)
		names.WriteString(rc.RateCenter)
	}
	b.WriteString("// rateCenterNames are the rate centers' names, in catalogue order.\n")
	fmt.Fprintf(&b, "const rateCenterNames = %q\n\n", names.String())

	b.WriteString("// rateCenters is the catalogue: states in data/states.json's order, each\n")
	b.WriteString("// state's rate centers by name. Fields: footprint id, seq, name, NPA, LATA,\n// state, exchange.\n")
	fmt.Fprintf(&b, "var rateCenters = [%d]RateCenter{", len(rows))
	writeRows(&b, rows, 4)
	b.WriteString("\n}\n\n")

	b.WriteString("// catalogueStates are each state's rate centers in rateCenters, by state code.\n")
	b.WriteString("var catalogueStates = [...]catalogueSpan{")
	var spans []string
	for _, code := range slices.Sorted(maps.Keys(c.spans)) {
		s := c.spans[code]
		spans = append(spans, fmt.Sprintf("{%q, %d, %d},", code, s[0], s[1]))
	}
	writeRows(&b, spans, 4)
	b.WriteString("\n}\n\n")

	b.WriteString("// npaRateCenters are the seqs of each NPA's rate centers (catalogueNPAs\n// says where an NPA's are), in catalogue order.\n")
	var seqs, npas []string
	for _, npa := range slices.Sorted(maps.Keys(c.byNPA)) {
		npas = append(npas, fmt.Sprintf("{%q, %d, %d},", npa, len(seqs), len(seqs)+len(c.byNPA[npa])))
		for _, s := range c.byNPA[npa] {
			seqs = append(seqs, fmt.Sprintf("%d,", s))
		}
	}
	fmt.Fprintf(&b, "var npaRateCenters = [%d]uint16{", len(seqs))
	writeRows(&b, seqs, 16)
	b.WriteString("\n}\n\n")
	b.WriteString("// catalogueNPAs are each NPA's rate centers in npaRateCenters, by NPA.\n")
	b.WriteString("var catalogueNPAs = [...]catalogueSpan{")
	writeRows(&b, npas, 4)
	b.WriteString("\n}\n")
	return b.Bytes()
}

func writeRows(b *bytes.Buffer, items []string, perLine int) {
	for i, it := range items {
		if i%perLine == 0 {
			b.WriteString("\n\t")
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(it)
	}
}

// referenceCatalogue builds the catalogue from the data files.
func referenceCatalogue(t testing.TB) builtCatalogue {
	t.Helper()
	csv, err := os.ReadFile("data/ratecenters.csv")
	require.NoError(t, err)
	raw, err := os.ReadFile("data/areacodes.json")
	require.NoError(t, err)
	var acs map[string][]areaCode
	require.NoError(t, json.Unmarshal(raw, &acs))
	return buildCatalogue(string(csv), acs, fx.States)
}

// TestCatalogueData keeps catalogue_data.go what the data files give.
func TestCatalogueData(t *testing.T) {
	want := catalogueSource(referenceCatalogue(t))
	if *updateCatalogue {
		require.NoError(t, os.WriteFile("catalogue_data.go", want, 0o644))
	}
	got, err := os.ReadFile("catalogue_data.go")
	require.NoError(t, err)
	require.True(t, bytes.Equal(want, got), "catalogue_data.go is out of date: go test ./sim/call48 -run TestCatalogueData -update-catalogue")
}

// The compiled catalogue answers as the built one: every rate center's
// fields, each state's and each NPA's rate centers.
func TestCatalogueMatchesBuild(t *testing.T) {
	c := referenceCatalogue(t)
	require.Len(t, rateCenters, len(c.order))
	for i, b := range c.order {
		rc := &rateCenters[i]
		require.Equal(t, b.FootprintID, rc.FootprintID)
		require.Equal(t, int32(i), rc.seq)
		require.Equal(t, b.RateCenter, rc.Name())
		require.Equal(t, c.texts[b.npa], rc.NPA())
		require.Equal(t, c.texts[b.lata], rc.LATA())
		require.Equal(t, c.texts[b.state], rc.State())
		require.Equal(t, c.texts[b.nxx], rc.exchange())
	}
	for code, s := range c.spans {
		got := fx.footprints(strings.ToLower(code))
		require.Len(t, got, int(s[1]-s[0]), code)
		if len(got) > 0 {
			assert.Equal(t, int32(s[0]), got[0].seq, code)
		}
	}
	for npa, seqs := range c.byNPA {
		got := fx.inNPA(npa)
		require.Len(t, got, len(seqs), npa)
		for i, s := range seqs {
			require.Equal(t, s, int32(got[i]), npa)
		}
	}
	assert.Empty(t, fx.footprints("ZZ"))
	assert.Empty(t, fx.inNPA("000"))
}
