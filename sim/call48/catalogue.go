package call48

import (
	"slices"
	"strconv"
	"strings"
)

// RateCenter is one footprint of the live catalogue: a rate center of a
// state, numbered with an NPA and LATA from the state's area codes and an
// exchange of its own. The catalogue (catalogue_data.go, built from
// data/ratecenters.csv and data/areacodes.json by catalogue_build_test.go)
// is an array of them in the binary's data: nothing to parse at startup and
// nothing on the heap, and its pages are read only when used. A
// *RateCenter points into it, so two are the same rate center when they are
// equal.
type RateCenter struct {
	FootprintID int32
	seq         int32  // position in the catalogue (states in fixture order, names in order)
	name        uint32 // offset in rateCenterNames << 8 | length
	// indexes into catalogueTexts
	npa, lata, state, nxx textID
}

// textID is a short text of the catalogue (an NPA, LATA, state code or
// exchange), as its index in catalogueTexts.
type textID uint16

// Name is the rate center's name, as the API spells it.
func (rc *RateCenter) Name() string {
	off := rc.name >> 8
	return rateCenterNames[off : off+rc.name&0xff]
}

// NPA is the area code the rate center's numbers use ("" when none).
func (rc *RateCenter) NPA() string { return catalogueTexts[rc.npa] }

// LATA is the rate center's LATA.
func (rc *RateCenter) LATA() string { return catalogueTexts[rc.lata] }

// State is the rate center's state code.
func (rc *RateCenter) State() string { return catalogueTexts[rc.state] }

// exchange is the NXX the rate center's numbers use, unique within its NPA.
func (rc *RateCenter) exchange() string { return catalogueTexts[rc.nxx] }

// catalogueSpan is where a state's rate centers are in rateCenters, or an
// NPA's in npaRateCenters: [first, end).
type catalogueSpan struct {
	key        string
	first, end uint16
}

func findSpan(spans []catalogueSpan, key string) (first, end int) {
	i, found := slices.BinarySearchFunc(spans, key, func(s catalogueSpan, k string) int { return strings.Compare(s.key, k) })
	if !found {
		return 0, 0
	}
	return int(spans[i].first), int(spans[i].end)
}

// footprints lists a state's rate centers, sorted by name.
func (f *fixtureSet) footprints(state string) []RateCenter {
	first, end := findSpan(catalogueStates[:], strings.ToUpper(strings.TrimSpace(state)))
	return rateCenters[first:end:end]
}

// inNPA lists the seqs of an NPA's rate centers, in catalogue order.
func (f *fixtureSet) inNPA(npa string) []uint16 {
	first, end := findSpan(catalogueNPAs[:], npa)
	return npaRateCenters[first:end:end]
}

// firstInNPA is the NPA's first rate center in catalogue order (nil when
// the NPA has none).
func (f *fixtureSet) firstInNPA(npa string) *RateCenter {
	if seqs := f.inNPA(npa); len(seqs) > 0 {
		return &rateCenters[seqs[0]]
	}
	return nil
}

// rateCenter finds a rate center of a state by name or footprint id.
func (f *fixtureSet) rateCenter(state, key string) (*RateCenter, bool) {
	key = strings.ToUpper(strings.TrimSpace(key))
	rcs := f.footprints(state)
	if i, found := slices.BinarySearchFunc(rcs, key, func(rc RateCenter, k string) int { return strings.Compare(rc.Name(), k) }); found {
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

// rateCenterOf is the rate center a local number belongs to, by its NPA and
// exchange (nil when no rate center uses them).
func (f *fixtureSet) rateCenterOf(number string) *RateCenter {
	if len(number) != 10 {
		return nil
	}
	rcs := f.inNPA(number[:3])
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
	return &rateCenters[rcs[i]]
}
