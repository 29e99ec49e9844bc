package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
)

// DecodeJSON fills v (a pointer to an SDK struct) from a JSON object.
// Member names are the Go field names (the model's member names, which the
// JSON protocols use); unknown members are ignored, as AWS ignores them. An
// empty body is an empty input.
func DecodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return Errorf("request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return Errorf("request body has trailing data after the JSON value")
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return Errorf("request body must be a JSON object")
	}
	return AssignJSON(reflect.ValueOf(v).Elem(), obj, "")
}

// AssignJSON sets the fields of struct v from a decoded JSON object.
func AssignJSON(v reflect.Value, obj map[string]any, path string) error {
	for _, f := range Fields(v.Type()) {
		raw, ok := obj[f.Name]
		if !ok {
			continue
		}
		if err := assignJSON(v.Field(f.Index), raw, joinPath(path, f.Name)); err != nil {
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

func assignJSON(f reflect.Value, raw any, path string) error {
	if raw == nil {
		return nil
	}
	if f.Kind() == reflect.Pointer {
		nv := reflect.New(f.Type().Elem())
		if err := assignJSON(nv.Elem(), raw, path); err != nil {
			return err
		}
		f.Set(nv)
		return nil
	}
	switch f.Type() {
	case timeType:
		switch x := raw.(type) {
		case json.Number:
			n, err := x.Float64()
			if err != nil || math.IsInf(n, 0) || math.Abs(n) > 1e11 {
				return Errorf("%s: %v is not a timestamp", path, x)
			}
			f.Set(reflect.ValueOf(EpochTime(n)))
		case string:
			t, err := ParseTime(x)
			if err != nil {
				return Errorf("%s: %q is not a timestamp", path, x)
			}
			f.Set(reflect.ValueOf(t))
		default:
			return Errorf("%s: expected a timestamp", path)
		}
		return nil
	case bytesType:
		s, ok := raw.(string)
		if !ok {
			return Errorf("%s: expected a base64 string", path)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return Errorf("%s: not base64", path)
		}
		f.SetBytes(b)
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			return Errorf("%s: expected a string", path)
		}
		f.SetString(s)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			return Errorf("%s: expected a boolean", path)
		}
		f.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := raw.(json.Number)
		if !ok {
			return Errorf("%s: expected an integer", path)
		}
		i, err := n.Int64()
		if err != nil || f.OverflowInt(i) {
			return Errorf("%s: %s is not an integer in range", path, n)
		}
		f.SetInt(i)
	case reflect.Float32, reflect.Float64:
		n, ok := raw.(json.Number)
		if !ok {
			return Errorf("%s: expected a number", path)
		}
		x, err := n.Float64()
		if err != nil {
			return Errorf("%s: %s is not a number", path, n)
		}
		f.SetFloat(x)
	case reflect.Slice:
		arr, ok := raw.([]any)
		if !ok {
			return Errorf("%s: expected a list", path)
		}
		s := reflect.MakeSlice(f.Type(), len(arr), len(arr))
		for i, x := range arr {
			if err := assignJSON(s.Index(i), x, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		f.Set(s)
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok {
			return Errorf("%s: expected an object", path)
		}
		if f.Type().Key().Kind() != reflect.String {
			return Errorf("%s: unsupported map key", path)
		}
		m := reflect.MakeMapWithSize(f.Type(), len(obj))
		for k, x := range obj {
			ev := reflect.New(f.Type().Elem()).Elem()
			if err := assignJSON(ev, x, path+"."+k); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k).Convert(f.Type().Key()), ev)
		}
		f.Set(m)
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return Errorf("%s: expected an object", path)
		}
		return AssignJSON(f, obj, path)
	case reflect.Interface:
		// Documents and unions: the emulator does not interpret them.
		return nil
	default:
		return Errorf("%s: unsupported member type %s", path, f.Type())
	}
	return nil
}

// EncodeJSON writes v (an SDK struct or a value built from SDK types) as
// the JSON protocols do: nil members left out, timestamps as epoch
// seconds, blobs as base64.
func EncodeJSON(buf *bytes.Buffer, v reflect.Value) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			buf.WriteString("null")
			return
		}
		v = v.Elem()
	}
	switch v.Type() {
	case timeType:
		t := v.Interface().(time.Time)
		buf.WriteString(strconv.FormatFloat(float64(t.UnixMilli())/1e3, 'f', -1, 64))
		return
	case bytesType:
		writeJSONString(buf, base64.StdEncoding.EncodeToString(v.Bytes()))
		return
	}
	switch v.Kind() {
	case reflect.String:
		writeJSONString(buf, v.String())
	case reflect.Bool:
		buf.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		buf.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		buf.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			buf.WriteString("null")
			return
		}
		buf.WriteString(strconv.FormatFloat(f, 'f', -1, 64))
	case reflect.Slice, reflect.Array:
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			EncodeJSON(buf, v.Index(i))
		}
		buf.WriteByte(']')
	case reflect.Map:
		buf.WriteByte('{')
		iter := v.MapRange()
		first := true
		for iter.Next() {
			if !first {
				buf.WriteByte(',')
			}
			first = false
			writeJSONString(buf, iter.Key().String())
			buf.WriteByte(':')
			EncodeJSON(buf, iter.Value())
		}
		buf.WriteByte('}')
	case reflect.Struct:
		buf.WriteByte('{')
		first := true
		for _, f := range Fields(v.Type()) {
			fv := v.Field(f.Index)
			if absent(fv) {
				continue
			}
			if !first {
				buf.WriteByte(',')
			}
			first = false
			writeJSONString(buf, f.Name)
			buf.WriteByte(':')
			EncodeJSON(buf, fv)
		}
		buf.WriteByte('}')
	default:
		buf.WriteString("null")
	}
}

func writeJSONString(buf *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x7f || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s)
			buf.Write(b)
			return
		}
	}
	buf.WriteByte('"')
	buf.WriteString(s)
	buf.WriteByte('"')
}
