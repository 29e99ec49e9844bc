package inventory

import (
	"iter"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// index finds a location's resources without scanning the inventory: the
// ARNs of every (account, Region, type), each list in ARN order. The order
// is kept lazily: an insert out of order marks the list, and the next read
// sorts it once, so seeding many resources costs one sort, not one shift
// per insert, and a page read costs a binary search plus the page.
type index struct {
	locs map[location]map[string]*arnList
	// at is where each indexed ARN is filed, so a removal finds its list.
	at map[string]slot
}

// location is an ARN's account and Region; S3 bucket ARNs name neither,
// and their location ("", "") belongs to every account and Region.
type location struct{ account, region string }

type slot struct {
	loc location
	typ string
}

type arnList struct {
	arns     []string
	unsorted bool
}

func newIndex() *index {
	return &index{locs: map[location]map[string]*arnList{}, at: map[string]slot{}}
}

func locationOf(a string) location {
	p, err := arn.Parse(a)
	if err != nil {
		return location{}
	}
	return location{p.AccountID, p.Region}
}

func (x *index) add(r *Resource) {
	if s, ok := x.at[r.ARN]; ok {
		if s.typ == r.Type {
			return
		}
		x.remove(r.ARN)
	}
	loc := locationOf(r.ARN)
	byType := x.locs[loc]
	if byType == nil {
		byType = map[string]*arnList{}
		x.locs[loc] = byType
	}
	l := byType[r.Type]
	if l == nil {
		l = &arnList{}
		byType[r.Type] = l
	}
	if n := len(l.arns); n > 0 && r.ARN < l.arns[n-1] {
		l.unsorted = true
	}
	l.arns = append(l.arns, r.ARN)
	x.at[r.ARN] = slot{loc, r.Type}
}

func (x *index) remove(a string) {
	s, ok := x.at[a]
	if !ok {
		return
	}
	delete(x.at, a)
	l := x.locs[s.loc][s.typ]
	l.sort()
	if i, found := slices.BinarySearch(l.arns, a); found {
		l.arns = slices.Delete(l.arns, i, i+1)
	}
	if len(l.arns) == 0 {
		delete(x.locs[s.loc], s.typ)
		if len(x.locs[s.loc]) == 0 {
			delete(x.locs, s.loc)
		}
	}
}

func (l *arnList) sort() {
	if l.unsorted {
		slices.Sort(l.arns)
		l.unsorted = false
	}
}

// lists returns the ARN lists of the given types (all types when none) at
// the locations that belong to account and Region, each sorted and cut to
// the ARNs after after.
func (x *index) lists(account, region, after string, types []string) [][]string {
	var out [][]string
	locs := [...]location{{account, region}, {account, ""}, {"", region}, {"", ""}}
	for i, loc := range locs {
		if slices.Contains(locs[:i], loc) {
			continue
		}
		byType := x.locs[loc]
		if byType == nil {
			continue
		}
		take := func(l *arnList) {
			l.sort()
			i, found := slices.BinarySearch(l.arns, after)
			if found {
				i++
			}
			if i < len(l.arns) {
				out = append(out, l.arns[i:])
			}
		}
		if len(types) == 0 {
			for _, l := range byType {
				take(l)
			}
			continue
		}
		for _, t := range types {
			if l := byType[t]; l != nil {
				take(l)
			}
		}
	}
	return out
}

// merge yields the ARNs of sorted lists in order (lists hold no ARN twice:
// an ARN is filed once).
func merge(lists [][]string) iter.Seq[string] {
	return func(yield func(string) bool) {
		switch len(lists) {
		case 0:
			return
		case 1:
			for _, a := range lists[0] {
				if !yield(a) {
					return
				}
			}
			return
		}
		heads := make([]int, len(lists))
		for {
			best := -1
			for i, l := range lists {
				if heads[i] < len(l) && (best < 0 || strings.Compare(l[heads[i]], lists[best][heads[best]]) < 0) {
					best = i
				}
			}
			if best < 0 {
				return
			}
			a := lists[best][heads[best]]
			heads[best]++
			if !yield(a) {
				return
			}
		}
	}
}
