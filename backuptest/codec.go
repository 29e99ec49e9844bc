package backuptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"strconv"
	"sync"
	"time"
)

// The codec moves values between the restJson1 wire form and the SDK's own
// input and output structs (service/backup), so handlers are written against
// the exact types clients use. Go field names in the SDK are the model's
// member names, which are also the JSON keys AWS Backup uses.

var timeType = reflect.TypeOf(time.Time{})

// fieldIndex caches, per struct type, the exported fields by member name
// (for decoding) and in order with their encoded keys (for encoding).
type fieldIndex struct {
	mu    sync.RWMutex
	types map[reflect.Type]map[string]int
	// out caches encodeFields per struct type (reflect.Type → []outField).
	out sync.Map
}

// outField is one struct member as encode writes it.
type outField struct {
	index int
	key   string // `"Name":`
	kind  reflect.Kind
}

// encodeFields returns t's exported members in order, ResultMetadata left
// out, each with its JSON key already written.
func (fi *fieldIndex) encodeFields(t reflect.Type) []outField {
	if v, ok := fi.out.Load(t); ok {
		return v.([]outField)
	}
	var fs []outField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() || sf.Name == "ResultMetadata" {
			continue
		}
		var key bytes.Buffer
		writeJSONString(&key, sf.Name)
		key.WriteByte(':')
		fs = append(fs, outField{index: i, key: key.String(), kind: sf.Type.Kind()})
	}
	fi.out.Store(t, fs)
	return fs
}

func (fi *fieldIndex) fields(t reflect.Type) map[string]int {
	fi.mu.RLock()
	m, ok := fi.types[t]
	fi.mu.RUnlock()
	if ok {
		return m
	}
	m = map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Name == "ResultMetadata" {
			continue
		}
		m[f.Name] = i
	}
	fi.mu.Lock()
	if fi.types == nil {
		fi.types = map[reflect.Type]map[string]int{}
	}
	fi.types[t] = m
	fi.mu.Unlock()
	return m
}

// decodeError is a request the emulator cannot read; it answers 400
// SerializationException like AWS does for a malformed body.
type decodeError struct{ msg string }

func (e *decodeError) Error() string { return e.msg }

func decodeErrf(format string, args ...any) error {
	return &decodeError{msg: fmt.Sprintf(format, args...)}
}

// decodeRequest fills in (a pointer to an SDK input struct) from the path
// labels, the query string and the JSON body.
func (fi *fieldIndex) decodeRequest(in any, r *route, labels map[string]string, query url.Values, body []byte) error {
	v := reflect.ValueOf(in).Elem()
	fields := fi.fields(v.Type())
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var raw any
		if err := dec.Decode(&raw); err != nil {
			return decodeErrf("request body is not valid JSON: %v", err)
		}
		if dec.More() {
			return decodeErrf("request body has trailing data after the JSON value")
		}
		obj, ok := raw.(map[string]any)
		if !ok {
			return decodeErrf("request body must be a JSON object")
		}
		if err := fi.assignStruct(v, obj, ""); err != nil {
			return err
		}
	}
	for member, val := range labels {
		i, ok := fields[member]
		if !ok {
			continue
		}
		if err := setScalar(v.Field(i), val, member); err != nil {
			return err
		}
	}
	for member, key := range r.query {
		vals, ok := query[key]
		if !ok || len(vals) == 0 {
			continue
		}
		i, ok := fields[member]
		if !ok {
			continue
		}
		f := v.Field(i)
		if f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String {
			s := reflect.MakeSlice(f.Type(), 0, len(vals))
			for _, x := range vals {
				s = reflect.Append(s, reflect.ValueOf(x).Convert(f.Type().Elem()))
			}
			f.Set(s)
			continue
		}
		if err := setScalar(f, vals[0], key); err != nil {
			return err
		}
	}
	return nil
}

// setScalar parses a label or query value into a scalar field. Timestamps
// in query strings are ISO-8601 (date-time); epoch seconds are accepted too.
func setScalar(f reflect.Value, s, name string) error {
	if f.Kind() == reflect.Pointer {
		nv := reflect.New(f.Type().Elem())
		if err := setScalar(nv.Elem(), s, name); err != nil {
			return err
		}
		f.Set(nv)
		return nil
	}
	switch {
	case f.Type() == timeType:
		t, err := parseWireTime(s)
		if err != nil {
			return decodeErrf("%s: %q is not a valid timestamp", name, s)
		}
		f.Set(reflect.ValueOf(t))
	case f.Kind() == reflect.String:
		f.SetString(s)
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return decodeErrf("%s: %q is not a boolean", name, s)
		}
		f.SetBool(b)
	case f.CanInt():
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || f.OverflowInt(n) {
			return decodeErrf("%s: %q is not an integer", name, s)
		}
		f.SetInt(n)
	case f.CanFloat():
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return decodeErrf("%s: %q is not a number", name, s)
		}
		f.SetFloat(n)
	default:
		return decodeErrf("%s: unsupported binding", name)
	}
	return nil
}

func parseWireTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, fmt.Errorf("bad timestamp %q", s)
	}
	return epochToTime(f), nil
}

func epochToTime(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond)).UTC()
}

func (fi *fieldIndex) assignStruct(v reflect.Value, obj map[string]any, path string) error {
	fields := fi.fields(v.Type())
	for k, raw := range obj {
		i, ok := fields[k]
		if !ok {
			// AWS ignores members it does not know; so do we.
			continue
		}
		if err := fi.assign(v.Field(i), raw, joinPath(path, k)); err != nil {
			return err
		}
	}
	return nil
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func (fi *fieldIndex) assign(f reflect.Value, raw any, path string) error {
	if raw == nil {
		return nil
	}
	if f.Kind() == reflect.Pointer {
		nv := reflect.New(f.Type().Elem())
		if err := fi.assign(nv.Elem(), raw, path); err != nil {
			return err
		}
		f.Set(nv)
		return nil
	}
	if f.Type() == timeType {
		switch x := raw.(type) {
		case json.Number:
			n, err := x.Float64()
			if err != nil || math.IsInf(n, 0) {
				return decodeErrf("%s: %v is not a timestamp", path, x)
			}
			f.Set(reflect.ValueOf(epochToTime(n)))
		case string:
			t, err := parseWireTime(x)
			if err != nil {
				return decodeErrf("%s: %q is not a timestamp", path, x)
			}
			f.Set(reflect.ValueOf(t))
		default:
			return decodeErrf("%s: expected a timestamp", path)
		}
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			return decodeErrf("%s: expected a string", path)
		}
		f.SetString(s)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			return decodeErrf("%s: expected a boolean", path)
		}
		f.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := raw.(json.Number)
		if !ok {
			return decodeErrf("%s: expected an integer", path)
		}
		i, err := n.Int64()
		if err != nil || f.OverflowInt(i) {
			return decodeErrf("%s: %s is not an integer in range", path, n)
		}
		f.SetInt(i)
	case reflect.Float32, reflect.Float64:
		n, ok := raw.(json.Number)
		if !ok {
			return decodeErrf("%s: expected a number", path)
		}
		x, err := n.Float64()
		if err != nil {
			return decodeErrf("%s: %s is not a number", path, n)
		}
		f.SetFloat(x)
	case reflect.Slice:
		arr, ok := raw.([]any)
		if !ok {
			return decodeErrf("%s: expected a list", path)
		}
		s := reflect.MakeSlice(f.Type(), len(arr), len(arr))
		for i, x := range arr {
			if err := fi.assign(s.Index(i), x, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		f.Set(s)
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok {
			return decodeErrf("%s: expected an object", path)
		}
		if f.Type().Key().Kind() != reflect.String {
			return decodeErrf("%s: unsupported map key", path)
		}
		m := reflect.MakeMapWithSize(f.Type(), len(obj))
		for k, x := range obj {
			ev := reflect.New(f.Type().Elem()).Elem()
			if err := fi.assign(ev, x, path+"."+k); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k).Convert(f.Type().Key()), ev)
		}
		f.Set(m)
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return decodeErrf("%s: expected an object", path)
		}
		return fi.assignStruct(f, obj, path)
	case reflect.Interface:
		// Document and union members: the emulator does not interpret them.
		return nil
	default:
		return decodeErrf("%s: unsupported member type %s", path, f.Type())
	}
	return nil
}

// encode writes v (an SDK output struct, or any value built from the SDK's
// types) as restJson1: nil members omitted, timestamps as epoch seconds.
func (fi *fieldIndex) encode(buf *bytes.Buffer, v reflect.Value) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			buf.WriteString("null")
			return
		}
		v = v.Elem()
	}
	if v.Type() == timeType {
		var t time.Time
		if v.CanAddr() {
			t = *v.Addr().Interface().(*time.Time) // no copy to the heap
		} else {
			t = v.Interface().(time.Time)
		}
		buf.Write(strconv.AppendFloat(buf.AvailableBuffer(), float64(t.UnixMilli())/1e3, 'f', -1, 64))
		return
	}
	switch v.Kind() {
	case reflect.String:
		writeJSONString(buf, v.String())
	case reflect.Bool:
		buf.Write(strconv.AppendBool(buf.AvailableBuffer(), v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		buf.Write(strconv.AppendUint(buf.AvailableBuffer(), v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		buf.Write(strconv.AppendFloat(buf.AvailableBuffer(), v.Float(), 'f', -1, 64))
	case reflect.Slice, reflect.Array:
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			fi.encode(buf, v.Index(i))
		}
		buf.WriteByte(']')
	case reflect.Map:
		buf.WriteByte('{')
		iter := v.MapRange()
		for i := 0; iter.Next(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, iter.Key().String())
			buf.WriteByte(':')
			fi.encode(buf, iter.Value())
		}
		buf.WriteByte('}')
	case reflect.Struct:
		buf.WriteByte('{')
		first := true
		for _, sf := range fi.encodeFields(v.Type()) {
			f := v.Field(sf.index)
			switch sf.kind {
			case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
				if f.IsNil() {
					continue
				}
			case reflect.String:
				// Non-pointer strings in the SDK are enums; unset means absent.
				if f.Len() == 0 {
					continue
				}
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			buf.WriteString(sf.key)
			fi.encode(buf, f)
		}
		buf.WriteByte('}')
	default:
		buf.WriteString("null")
	}
}

func writeJSONString(buf *bytes.Buffer, s string) {
	if !needsEscape(s) {
		buf.WriteByte('"')
		buf.WriteString(s)
		buf.WriteByte('"')
		return
	}
	b, _ := json.Marshal(s)
	buf.Write(b)
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x7f || c == '<' || c == '>' || c == '&' {
			return true
		}
	}
	return false
}
