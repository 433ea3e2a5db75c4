package call48

import (
	"net/http"
	"strings"
)

type loginReq struct {
	UserName fstr `json:"user_name"`
	Username fstr `json:"username"`
	Password fstr `json:"password"`
}

func login(admin bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in loginReq
		if _, err := decodeBody(r, &in); err != nil {
			fail(w, r, err)
			return
		}
		user := string(in.UserName)
		if user == "" {
			user = string(in.Username)
		}
		if strings.TrimSpace(user) == "" || in.Password == "" {
			fail(w, r, ErrInvalidCredentials)
			return
		}
		tok, err := storeOf(r).Login(user, string(in.Password), admin)
		if err != nil {
			fail(w, r, err)
			return
		}
		plain(w, map[string]string{"token": tok})
	}
}

func handlePayment(w http.ResponseWriter, r *http.Request) {
	if _, err := storeOf(r).Pay(callerOf(r), r.URL.Query().Get("amount")); err != nil {
		fail(w, r, err)
		return
	}
	ok(w, o("error", nil, "data", "true"))
}

type customerReq struct {
	PortaClass         fstr `json:"portaClass"`
	Username           fstr `json:"username"`
	CreditLimit        fstr `json:"creditLimit"`
	CreditLimitWarning fstr `json:"creditLimitWarning"`
	Email              fstr `json:"email"`
	Password           fstr `json:"password"`
	ConfirmPassword    fstr `json:"confirmpassword"`
	Salutation         fstr `json:"salutation"`
	FirstName          fstr `json:"firstname"`
	LastName           fstr `json:"lastname"`
	Company            fstr `json:"company"`
	CompanyName        fstr `json:"companyname"`
	Address            fstr `json:"address"`
	Address2           fstr `json:"address2"`
	City               fstr `json:"city"`
	State              fstr `json:"state"`
	Zip                fstr `json:"zip"`
	Country            fstr `json:"country"`
	Currency           fstr `json:"portaCurrency"`
	Bcc                fstr `json:"portaBcc"`
	Phone              fstr `json:"phone"`
	Terms              fstr `json:"terms"`
}

func (c customerReq) input() CustomerInput {
	return CustomerInput{PortaClass: string(c.PortaClass), Username: strings.TrimSpace(string(c.Username)), CreditLimit: string(c.CreditLimit),
		CreditLimitWarning: string(c.CreditLimitWarning), Email: string(c.Email), Password: string(c.Password), ConfirmPassword: string(c.ConfirmPassword),
		Salutation: string(c.Salutation), FirstName: string(c.FirstName), LastName: string(c.LastName), Company: or(string(c.CompanyName), string(c.Company)),
		Address: string(c.Address), Address2: string(c.Address2), City: string(c.City), State: string(c.State), Zip: string(c.Zip),
		Country: string(c.Country), Currency: string(c.Currency), Bcc: string(c.Bcc), Phone: string(c.Phone), Terms: string(c.Terms)}
}

func handleSignup(w http.ResponseWriter, r *http.Request) {
	var in customerReq
	if _, err := decodeBody(r, &in); err != nil {
		fail(w, r, err)
		return
	}
	if _, err := storeOf(r).Signup(in.input()); err != nil {
		fail(w, r, err)
		return
	}
	ok(w, o("error", nil, "data", "true"))
}

// --- resources ------------------------------------------------------------------------

func handleCountries(w http.ResponseWriter, r *http.Request) {
	rows := make([]obj, 0, len(fx.Countries))
	for _, c := range fx.Countries {
		rows = append(rows, o("country_id", c.CountryID, "name", c.Name, "code", c.Code, "code2", c.Code2, "prefix", c.Prefix, "req", c.Req))
	}
	ok(w, o("code", 200, "error", nil, "totalRecords", len(rows), "data", rows))
}

func handleStates(w http.ResponseWriter, r *http.Request) {
	ok(w, o("error", nil, "total", len(fx.States), "data", fx.States, "code", 200))
}

func handleRateCenters(w http.ResponseWriter, r *http.Request) {
	st := r.URL.Query().Get("state")
	if strings.TrimSpace(st) == "" {
		fail(w, r, missing("state"))
		return
	}
	if _, found := fx.state(st); !found {
		fail(w, r, invalid("state", "unknown state code "+st))
		return
	}
	rows := []obj{}
	for _, rc := range fx.footprints(st) {
		rows = append(rows, o("footprint_id", int(rc.FootprintID), "rate_center", rc.Name()))
	}
	ok(w, o("error", nil, "total", len(rows), "data", rows, "code", 200))
}

func handleVerifyAddress(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a := Address{Country: q.Get("country"), State: q.Get("state"), Name: q.Get("name"), StreetNumber: q.Get("streetnumber"),
		StreetName: q.Get("streetname"), City: q.Get("city"), Zipcode: q.Get("zipcode"), Location: q.Get("location")}
	if err := VerifyAddress(a); err != nil {
		fail(w, r, err)
		return
	}
	plain(w, true)
}
