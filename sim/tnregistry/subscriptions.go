package tnregistry

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/telecomsim/simulator/internal/webhook"
)

// Record returns a number's customer record.
func (s *State) Record(tfn string) (Record, error) {
	d, err := normTFN(tfn)
	if err != nil {
		return Record{}, badRequest(err.Error())
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.records[d]
	if !ok {
		return Record{}, notFound(fmt.Sprintf("%s has no customer record", d))
	}
	return r.clone(), nil
}

// Records lists customer records (respOrg filter optional), sorted by TFN.
func (s *State) Records(respOrg string) []Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []Record{}
	for _, r := range s.records {
		if respOrg == "" || strings.EqualFold(r.RespOrg, respOrg) {
			out = append(out, r.clone())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TFN < out[j].TFN })
	return out
}

// Templates lists Template Records sorted by name.
func (s *State) Templates() []Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []Record{}
	for _, r := range s.templates {
		out = append(out, r.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TmplName < out[j].TmplName })
	return out
}

// checkSubscription validates and normalises a subscription.
func (s *State) checkSubscription(sub *Subscription) error {
	var err error
	switch {
	case sub.CIC != "" && sub.RespOrg != "":
		return fmt.Errorf("give either cic (UNS-SNA) or respOrg (UNS-RCH), not both")
	case sub.CIC != "":
		if sub.CIC, err = normCIC(sub.CIC); err != nil {
			return err
		}
	case sub.RespOrg != "":
		if sub.RespOrg, err = normRespOrg(sub.RespOrg); err != nil {
			return err
		}
	default:
		return fmt.Errorf("cic (or respOrg) is required")
	}
	if sub.URL == "" {
		return fmt.Errorf("url is required")
	}
	if u, err := url.Parse(sub.URL); err == nil && (u.RawQuery != "" || u.Fragment != "") {
		return fmt.Errorf("url %q: a callback base URL has no query or fragment", sub.URL)
	}
	if err := sub.checkMessages(); err != nil {
		return err
	}
	return s.queue.CheckTarget(webhook.Target{URL: sub.URL, CAFile: sub.CAFile, InsecureSkipVerify: sub.InsecureSkipVerify})
}

// Subscribe registers (or replaces) a subscription.
func (s *State) Subscribe(sub Subscription) (Subscription, bool, error) {
	if err := s.checkSubscription(&sub); err != nil {
		return Subscription{}, false, badRequest(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub.CreatedAt = s.clock.Now()
	_, existed := s.subs[sub.key()]
	s.subs[sub.key()] = sub
	return sub, !existed, nil
}

// Subscriptions lists subscriptions, CIC ones first.
func (s *State) Subscriptions() []Subscription {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.subsLocked()
}

func (s *State) subsLocked() []Subscription {
	keys := make([]string, 0, len(s.subs))
	for k := range s.subs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Subscription, 0, len(keys))
	for _, k := range keys {
		out = append(out, s.subs[k])
	}
	return out
}

// Unsubscribe removes the subscription of a CIC or a Resp Org.
func (s *State) Unsubscribe(cic, respOrg string) error {
	var sub Subscription
	var err error
	switch {
	case cic != "":
		if sub.CIC, err = normCIC(cic); err != nil {
			return badRequest(err.Error())
		}
	case respOrg != "":
		if sub.RespOrg, err = normRespOrg(respOrg); err != nil {
			return badRequest(err.Error())
		}
	default:
		return badRequest("give cic or respOrg")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.subs[sub.key()]; !ok {
		return notFound("no subscription for " + sub.owner())
	}
	delete(s.subs, sub.key())
	return nil
}
