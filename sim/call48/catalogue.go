package call48

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// validNXX are the exchange codes numbers are made of: 200-999 without the
// N11 service codes and 555.
var validNXX = func() []string {
	var out []string
	for n := 200; n <= 999; n++ {
		if n%100 == 11 || n == 555 {
			continue
		}
		out = append(out, strconv.Itoa(n))
	}
	return out
}()

func byName(a, b RateCenter) int { return strings.Compare(a.RateCenter, b.RateCenter) }

// parseRateCenters reads the catalogue CSV (see rateCentersCSV) into rate
// centers by state, each state's a part of one array; names are substrings of
// the text. A state's rows must be together.
func parseRateCenters(text string, codes *texts) map[string][]RateCenter {
	text = strings.TrimSpace(text)
	_, body, _ := strings.Cut(text, "\n") // the header
	all := make([]RateCenter, 0, strings.Count(body, "\n")+1)
	out := map[string][]RateCenter{}
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
		all = append(all, RateCenter{FootprintID: int32(fp), RateCenter: name, state: stateID})
	}
	if len(all) > 0 {
		out[state] = all[start:]
	}
	return out
}

func hash32(parts ...string) uint32 {
	h := uint32(fnvOffset32)
	for _, p := range parts {
		h = fnv32a(h, []byte(p))
		h = fnv32a(h, []byte{0})
	}
	return h
}

// fnvOffset32 starts an FNV-1a hash.
const fnvOffset32 = 2166136261

// fnv32a continues the 32-bit FNV-1a hash h over b.
func fnv32a(h uint32, b []byte) uint32 {
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// index numbers every rate center: an NPA and LATA (the one its area-code
// entry pins, otherwise one of its state's entries picked by its name) and
// an exchange of its own within that NPA, so a number tells its rate center.
func (f *fixtureSet) index(areaCodes map[string][]areaCode, codes *texts) {
	f.byNPA = map[string][]*RateCenter{}
	for _, st := range f.States {
		code := st.StateCode
		rcs := f.RateCenters[code]
		if !slices.IsSortedFunc(rcs, byName) {
			slices.SortFunc(rcs, byName)
		}
		acs := areaCodes[code]
		ids := make([][2]textID, len(acs)) // NPA and LATA of each of acs
		pins := map[string]int{}           // rate center -> its entry in acs
		for i, ac := range acs {
			ids[i] = [2]textID{codes.id(ac.NPA), codes.id(ac.LATA)}
			if ac.RateCenter != "" {
				pins[ac.RateCenter] = i
			}
		}
		for i := range rcs {
			rc := &rcs[i]
			rc.seq = int32(f.total)
			f.total++
			j, pinned := pins[rc.RateCenter]
			if !pinned {
				if len(acs) == 0 {
					continue
				}
				j = int(hash32(code, rc.RateCenter) % uint32(len(acs)))
			}
			rc.npa, rc.lata = ids[j][0], ids[j][1]
			if npa := acs[j].NPA; npa != "" {
				f.byNPA[npa] = append(f.byNPA[npa], rc)
			}
		}
	}
	// Exchanges: a rate center's position in its NPA, from an offset of the
	// NPA's own, wraps around the valid codes; past that many rate centers an
	// NPA's exchanges are shared and the first rate center owns them.
	nxx := make([]textID, len(validNXX))
	for i, x := range validNXX {
		nxx[i] = codes.id(x)
	}
	for npa, rcs := range f.byNPA {
		off := int(hash32("nxx", npa) % uint32(len(validNXX)))
		for i, rc := range rcs {
			rc.nxx = nxx[(off+i)%len(validNXX)]
		}
	}
}

// rateCenterOf is the rate center a local number belongs to, by its NPA and
// exchange (nil when no rate center uses them).
func (f *fixtureSet) rateCenterOf(number string) *RateCenter {
	if len(number) != 10 {
		return nil
	}
	rcs := f.byNPA[number[:3]]
	if len(rcs) == 0 {
		return nil
	}
	pos, found := slices.BinarySearch(validNXX, number[3:6])
	if !found {
		return nil
	}
	off := int(hash32("nxx", number[:3]) % uint32(len(validNXX)))
	i := (pos - off + len(validNXX)) % len(validNXX)
	if i >= len(rcs) {
		return nil
	}
	return rcs[i]
}
