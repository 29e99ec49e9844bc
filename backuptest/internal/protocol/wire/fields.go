// Package wire moves values between the SDK's own input and output structs
// and their wire forms — JSON documents, XML documents, and the flat
// strings of query strings, form bodies, URI labels and headers — by
// reflection, with the names of a model.Model where they differ from the
// Go field names. The protocol codecs (internal/protocol/query, awsjson,
// restjson, restxml) are built on it.
package wire

import (
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	timeType  = reflect.TypeFor[time.Time]()
	bytesType = reflect.TypeFor[[]byte]()
)

// Field is one serialisable field of an SDK struct.
type Field struct {
	Name  string
	Index int
}

var fieldCache sync.Map // reflect.Type → []Field

// Fields returns t's serialisable fields: exported, not ResultMetadata.
func Fields(t reflect.Type) []Field {
	if v, ok := fieldCache.Load(t); ok {
		return v.([]Field)
	}
	var out []Field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Name == "ResultMetadata" {
			continue
		}
		out = append(out, Field{Name: f.Name, Index: i})
	}
	fieldCache.Store(t, out)
	return out
}

// IsScalar reports whether t (after pointers) travels as one string:
// strings, enums, numbers, booleans, timestamps and blobs.
func IsScalar(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType || t == bytesType {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// Error is a value that cannot be read; codecs answer it as the caller's
// error.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Errorf returns an *Error.
func Errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// SetScalar parses s into the scalar field f (allocating pointers).
// Timestamps are ISO-8601, epoch seconds, or an HTTP date; blobs base64.
func SetScalar(f reflect.Value, s, name string) error {
	if f.Kind() == reflect.Pointer {
		nv := reflect.New(f.Type().Elem())
		if err := SetScalar(nv.Elem(), s, name); err != nil {
			return err
		}
		f.Set(nv)
		return nil
	}
	switch {
	case f.Type() == timeType:
		t, err := ParseTime(s)
		if err != nil {
			return Errorf("%s: %q is not a timestamp", name, s)
		}
		f.Set(reflect.ValueOf(t))
	case f.Type() == bytesType:
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return Errorf("%s: not base64", name)
		}
		f.SetBytes(b)
	case f.Kind() == reflect.String:
		f.SetString(s)
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return Errorf("%s: %q is not a boolean", name, s)
		}
		f.SetBool(b)
	case f.CanInt():
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || f.OverflowInt(n) {
			return Errorf("%s: %q is not an integer in range", name, s)
		}
		f.SetInt(n)
	case f.CanUint():
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil || f.OverflowUint(n) {
			return Errorf("%s: %q is not an integer in range", name, s)
		}
		f.SetUint(n)
	case f.CanFloat():
		n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return Errorf("%s: %q is not a number", name, s)
		}
		f.SetFloat(n)
	default:
		return Errorf("%s: not a scalar member", name)
	}
	return nil
}

// ParseTime reads ISO-8601, epoch seconds or an HTTP date.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := http.ParseTime(s); err == nil {
		return t.UTC(), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
		return time.Time{}, fmt.Errorf("bad timestamp %q", s)
	}
	return EpochTime(f), nil
}

// EpochTime converts epoch seconds (millisecond precision) to a time.
func EpochTime(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond)).UTC()
}

// ISO8601 formats t as AWS's XML and query protocols do.
func ISO8601(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// FormatScalar writes a scalar value as a string; ok is false for an
// absent value (nil pointer, empty enum).
func FormatScalar(v reflect.Value) (s string, ok bool) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	switch {
	case v.Type() == timeType:
		return ISO8601(v.Interface().(time.Time)), true
	case v.Type() == bytesType:
		if v.IsNil() {
			return "", false
		}
		return base64.StdEncoding.EncodeToString(v.Bytes()), true
	}
	switch v.Kind() {
	case reflect.String:
		if v.Len() == 0 {
			// Non-pointer strings in the SDK are enums; unset means absent.
			return "", false
		}
		return v.String(), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64), true
	}
	return "", false
}

// absent reports whether a field value is to be left out of an encoding.
func absent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	case reflect.String:
		return v.Len() == 0
	}
	return false
}
