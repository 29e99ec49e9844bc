package wire

import (
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/backupkit/backupkit/backuptest/internal/protocol/model"
)

// QueryStyle is how a query protocol names nested members.
type QueryStyle int

const (
	// AWSQuery (STS, RDS, …): lists are Name.member.N, or Name.<item>.N when
	// the model names the list's member, or Name.N when flattened; maps are
	// Name.entry.N.key / .value.
	AWSQuery QueryStyle = iota
	// EC2Query: every list is Name.N, names are the ec2QueryName.
	EC2Query
)

// maxListItems bounds how many members of one list a request may carry.
const maxListItems = 1000

// DecodeQuery fills v (a pointer to an SDK input struct) from a query
// protocol's form values.
func DecodeQuery(form url.Values, v any, m *model.Model, style QueryStyle) error {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	d := &queryDecoder{form: form, keys: keys, m: m, style: style}
	return d.structure(reflect.ValueOf(v).Elem(), "", 0)
}

type queryDecoder struct {
	form  url.Values
	keys  []string
	m     *model.Model
	style QueryStyle
}

// hasPrefix reports whether any form key starts with p.
func (d *queryDecoder) hasPrefix(p string) bool {
	i, _ := slices.BinarySearch(d.keys, p)
	return i < len(d.keys) && strings.HasPrefix(d.keys[i], p)
}

// indices returns the list indices N present under prefix "p." in order.
func (d *queryDecoder) indices(p string) ([]int, error) {
	var out []int
	i, _ := slices.BinarySearch(d.keys, p)
	for ; i < len(d.keys) && strings.HasPrefix(d.keys[i], p); i++ {
		rest := d.keys[i][len(p):]
		if j := strings.IndexByte(rest, '.'); j >= 0 {
			rest = rest[:j]
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 {
			return nil, Errorf("%s%s: list index must be a positive integer", p, rest)
		}
		if len(out) == 0 || out[len(out)-1] != n {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		if len(out) > maxListItems {
			return nil, Errorf("%s: more than %d list members", strings.TrimSuffix(p, "."), maxListItems)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (d *queryDecoder) key(typeName, field string) (string, model.Member) {
	mb := d.m.Member(typeName, field)
	switch {
	case d.style == EC2Query && mb.Query != "":
		return mb.Query, mb
	case d.style == AWSQuery && mb.Name != "":
		return mb.Name, mb
	}
	return field, mb
}

func (d *queryDecoder) structure(v reflect.Value, prefix string, depth int) error {
	if depth > 32 {
		return Errorf("%s: nested too deep", prefix)
	}
	typeName := v.Type().Name()
	for _, f := range Fields(v.Type()) {
		name, mb := d.key(typeName, f.Name)
		k := prefix + name
		if !d.hasPrefix(k) {
			continue
		}
		if err := d.value(v.Field(f.Index), k, mb, depth); err != nil {
			return err
		}
	}
	return nil
}

func (d *queryDecoder) value(f reflect.Value, k string, mb model.Member, depth int) error {
	t := f.Type()
	if IsScalar(t) {
		vals, ok := d.form[k]
		if !ok {
			return nil
		}
		return SetScalar(f, vals[0], k)
	}
	if f.Kind() == reflect.Pointer {
		nv := reflect.New(t.Elem())
		if err := d.value(nv.Elem(), k, mb, depth); err != nil {
			return err
		}
		f.Set(nv)
		return nil
	}
	switch f.Kind() {
	case reflect.Struct:
		return d.structure(f, k+".", depth+1)
	case reflect.Slice:
		lp := k + "."
		if d.style == AWSQuery && !mb.Flat {
			item := mb.Item
			if item == "" {
				item = "member"
			}
			lp = k + "." + item + "."
		}
		idx, err := d.indices(lp)
		if err != nil {
			return err
		}
		s := reflect.MakeSlice(t, len(idx), len(idx))
		for i, n := range idx {
			if err := d.value(s.Index(i), lp+strconv.Itoa(n), model.Member{}, depth+1); err != nil {
				return err
			}
		}
		f.Set(s)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return Errorf("%s: unsupported map key", k)
		}
		lp := k + ".entry."
		if d.style == EC2Query || mb.Flat {
			lp = k + "."
		}
		idx, err := d.indices(lp)
		if err != nil {
			return err
		}
		m := reflect.MakeMap(t)
		for _, n := range idx {
			p := lp + strconv.Itoa(n)
			key := d.form.Get(p + ".key")
			ev := reflect.New(t.Elem()).Elem()
			if err := d.value(ev, p+".value", model.Member{}, depth+1); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), ev)
		}
		f.Set(m)
	case reflect.Interface:
		return nil
	default:
		return Errorf("%s: unsupported member type %s", k, t)
	}
	return nil
}
