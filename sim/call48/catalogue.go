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
// centers by state; names are substrings of the text.
func parseRateCenters(text string) map[string][]RateCenter {
	out := map[string][]RateCenter{}
	counts := map[string]int{}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for _, l := range lines[1:] {
		if len(l) > 2 {
			counts[l[:2]]++
		}
	}
	for st, n := range counts {
		out[st] = make([]RateCenter, 0, n)
	}
	for i, l := range lines[1:] {
		st, rest, ok1 := strings.Cut(strings.TrimSuffix(l, "\r"), ",")
		id, name, ok2 := strings.Cut(rest, ",")
		fp, err := strconv.Atoi(id)
		if !ok1 || !ok2 || err != nil || name == "" {
			panic(fmt.Sprintf("data/ratecenters.csv:%d: want state,footprint_id,rate_center, got %q", i+2, l))
		}
		out[st] = append(out[st], RateCenter{FootprintID: fp, RateCenter: name})
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
func (f *fixtureSet) index(codes map[string][]areaCode) {
	f.byNPA = map[string][]*RateCenter{}
	for _, st := range f.States {
		code := st.StateCode
		rcs := f.RateCenters[code]
		if !slices.IsSortedFunc(rcs, byName) {
			slices.SortFunc(rcs, byName)
		}
		pins := map[string]areaCode{}
		for _, ac := range codes[code] {
			if ac.RateCenter != "" {
				pins[ac.RateCenter] = ac
			}
		}
		for i := range rcs {
			rc := &rcs[i]
			rc.State, rc.seq = code, f.total
			f.total++
			ac, pinned := pins[rc.RateCenter]
			if !pinned && len(codes[code]) > 0 {
				ac = codes[code][hash32(code, rc.RateCenter)%uint32(len(codes[code]))]
			}
			rc.NPA, rc.LATA = ac.NPA, ac.LATA
			if rc.NPA != "" {
				f.byNPA[rc.NPA] = append(f.byNPA[rc.NPA], rc)
			}
		}
	}
	// Exchanges: a rate center's position in its NPA, from an offset of the
	// NPA's own, wraps around the valid codes; past that many rate centers an
	// NPA's exchanges are shared and the first rate center owns them.
	for npa, rcs := range f.byNPA {
		off := int(hash32("nxx", npa) % uint32(len(validNXX)))
		for i, rc := range rcs {
			rc.nxx = validNXX[(off+i)%len(validNXX)]
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
