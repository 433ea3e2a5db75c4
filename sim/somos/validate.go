package somos

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// Field limits (the document gives none; these follow industry CNAM rules).
const (
	maxCNAM      = 15
	maxExtCnam   = 32
	maxText      = 100
	maxCallers   = 500
	maxRanges    = 100
	maxWildcards = 100
)

var (
	reTFN       = regexp.MustCompile(`^8(00|33|44|55|66|77|88)[2-9]\d{6}$`)
	reDigits10  = regexp.MustCompile(`^\d{10}$`)
	reCaller    = regexp.MustCompile(`^1?\d{10}$`)
	reWildcard  = regexp.MustCompile(`^\d{1,9}X+$`)
	reCNAMChars = regexp.MustCompile(`^[A-Za-z0-9 \-.,&'/@+!#*()]*$`)
	reZip       = regexp.MustCompile(`^\d{5}(-\d{4})?$`)
	reState     = regexp.MustCompile(`^[A-Za-z]{2}$`)
)

// ValidTFN reports whether s is a 10-digit toll-free number.
func ValidTFN(s string) bool { return reTFN.MatchString(s) }

func checkTFN(s string) error {
	if !reDigits10.MatchString(s) {
		return badRequest("Invalid TFN %q: must be 10 digits without any special characters", s)
	}
	if !reTFN.MatchString(s) {
		return badRequest("Invalid TFN %q: not a toll-free number (NPA must be 800, 833, 844, 855, 866, 877 or 888)", s)
	}
	return nil
}

func checkCNAMText(field, v string, max int, required bool) error {
	if strings.TrimSpace(v) == "" {
		if required {
			return badRequest("%s is required", field)
		}
		return nil
	}
	if len([]rune(v)) > max {
		return badRequest("%s %q is too long: at most %d characters", field, v, max)
	}
	if !reCNAMChars.MatchString(v) {
		return badRequest("%s %q has invalid characters: use letters, digits, spaces and - . , & ' / @ + ! # * ( )", field, v)
	}
	if !strings.ContainsFunc(v, unicode.IsLetter) && field == "cnam" {
		return badRequest("cnam %q must contain at least one letter", v)
	}
	return nil
}

func checkCallers(c *Callers) error {
	if len(c.List) > maxCallers {
		return badRequest("authorizedCallers.list has %d numbers: at most %d", len(c.List), maxCallers)
	}
	for i, n := range c.List {
		if !reCaller.MatchString(n) {
			return badRequest("authorizedCallers.list[%d] %q must be a 10-digit number", i, n)
		}
	}
	if len(c.Range) > maxRanges {
		return badRequest("authorizedCallers.range has %d ranges: at most %d", len(c.Range), maxRanges)
	}
	for i, r := range c.Range {
		if !reDigits10.MatchString(r.Begin) {
			return badRequest("authorizedCallers.range[%d].begin %q must be a 10-digit number", i, r.Begin)
		}
		if !reDigits10.MatchString(r.End) {
			return badRequest("authorizedCallers.range[%d].end %q must be a 10-digit number", i, r.End)
		}
		if r.Begin > r.End {
			return badRequest("authorizedCallers.range[%d]: begin %s is after end %s", i, r.Begin, r.End)
		}
	}
	if len(c.Wildcard) > maxWildcards {
		return badRequest("authorizedCallers.wildcard has %d patterns: at most %d", len(c.Wildcard), maxWildcards)
	}
	for i, w := range c.Wildcard {
		up := strings.ToUpper(w)
		if len(up) != 10 || !reWildcard.MatchString(up) {
			return badRequest("authorizedCallers.wildcard[%d] %q must be 10 characters: digits followed by trailing X (e.g. 100123456X)", i, w)
		}
		c.Wildcard[i] = up
	}
	return nil
}

func checkURL(field, v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return badRequest("%s %q must be an absolute http or https URL", field, v)
	}
	if len(v) > 2048 {
		return badRequest("%s is too long: at most 2048 characters", field)
	}
	return nil
}

// validateInput checks a create (create=true) or update request and trims
// its strings in place.
func validateInput(in *CNAMInput, create bool) error {
	for _, p := range []*string{in.TFN, in.CNAM, in.ExtCnam, in.StreetAddress, in.StreetAddress2, in.City, in.State, in.Zip, in.Country, in.URL, in.Logo, in.Status} {
		if p != nil {
			*p = strings.TrimSpace(*p)
		}
	}
	if create {
		if in.TFN == nil || *in.TFN == "" {
			return badRequest("tfn is required")
		}
		if err := checkTFN(*in.TFN); err != nil {
			return err
		}
		if in.CNAM == nil {
			return badRequest("cnam is required")
		}
	}
	if in.CNAM != nil {
		if err := checkCNAMText("cnam", *in.CNAM, maxCNAM, true); err != nil {
			return err
		}
	}
	if in.ExtCnam != nil {
		if err := checkCNAMText("extCnam", *in.ExtCnam, maxExtCnam, false); err != nil {
			return err
		}
	}
	if in.AuthorizedCallers != nil {
		if err := checkCallers(in.AuthorizedCallers); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		p    *string
	}{{"streetAddress", in.StreetAddress}, {"streetAddress2", in.StreetAddress2}, {"city", in.City}, {"country", in.Country}} {
		if f.p != nil && len([]rune(*f.p)) > maxText {
			return badRequest("%s is too long: at most %d characters", f.name, maxText)
		}
	}
	if in.State != nil && *in.State != "" && !reState.MatchString(*in.State) {
		return badRequest("state %q must be a 2-letter code", *in.State)
	}
	if in.Zip != nil && *in.Zip != "" && !reZip.MatchString(*in.Zip) {
		return badRequest("zip %q must be 5 digits or ZIP+4 (12345-6789)", *in.Zip)
	}
	if in.URL != nil {
		if err := checkURL("url", *in.URL); err != nil {
			return err
		}
	}
	if in.Logo != nil {
		if err := checkURL("logo", *in.Logo); err != nil {
			return err
		}
	}
	if in.Status != nil {
		s := strings.ToLower(*in.Status)
		if s != StatusActive && s != StatusInactive {
			return badRequest("status %q must be active or inactive", *in.Status)
		}
		*in.Status = s
	}
	return nil
}

var stopWords = map[string]bool{
	"the": true, "and": true, "ext": true, "street": true, "str": true, "ste": true, "suite": true,
	"ave": true, "avenue": true, "road": true, "blvd": true, "boulevard": true, "drive": true,
	"lane": true, "way": true, "floor": true, "for": true, "inc": true, "llc": true, "www": true,
	"http": true, "https": true, "com": true, "org": true, "net": true,
}

// keywordsOf derives a record's search keywords: the distinct words (three
// letters or more, no digits, no address filler) of its city, extended CNAM,
// CNAM and street address, in that order, first spelling kept.
func keywordsOf(e *CNAMEntry) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, text := range []string{e.City, e.ExtCnam, e.CNAM, e.StreetAddress, e.StreetAddress2} {
		words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		for _, w := range words {
			lw := strings.ToLower(w)
			if len(w) < 3 || strings.ContainsFunc(w, unicode.IsDigit) || stopWords[lw] || seen[lw] {
				continue
			}
			seen[lw] = true
			out = append(out, w)
		}
	}
	return out
}
