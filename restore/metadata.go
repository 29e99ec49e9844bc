package restore

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/backupkit/backupkit/backup"
)

// Input is a typed restore input for one resource type. Metadata checks the
// input and returns the StartRestoreJob metadata map; errors are an
// errors.Join of *ValidationError naming each field.
type Input interface {
	// ResourceType is the AWS Backup resource type restored.
	ResourceType() backup.ResourceType
	// Metadata returns the restore metadata keys for StartRestoreJob.
	Metadata() (map[string]string, error)
}

// Raw is an untyped restore input: a resource type and metadata keys used
// as given. Use it for keys this package does not model.
type Raw struct {
	// Type is the AWS Backup resource type.
	Type backup.ResourceType
	// Values are the metadata keys and values.
	Values map[string]string
}

// ResourceType implements Input.
func (r Raw) ResourceType() backup.ResourceType { return r.Type }

// Metadata implements Input; it only checks that Type is set.
func (r Raw) Metadata() (map[string]string, error) {
	if r.Type == "" {
		return nil, &ValidationError{Field: "Raw.Type", Reason: "is required"}
	}
	return maps.Clone(r.Values), nil
}

// MergeMetadata returns base (typically the output of
// GetRecoveryPointRestoreMetadata) overlaid with overrides: the caller's
// values win. Keys are compared case-insensitively, as AWS Backup does for
// restore metadata, so an override "dbInstanceIdentifier" replaces a base
// "DBInstanceIdentifier".
func MergeMetadata(base, overrides map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(overrides))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range overrides {
		for bk := range out {
			if bk != k && strings.EqualFold(bk, k) {
				delete(out, bk)
			}
		}
		out[k] = v
	}
	return out
}

// builder collects metadata keys and validation problems for one input.
type builder struct {
	typ  string
	m    map[string]string
	errs []error
}

func newBuilder(typ string) *builder {
	return &builder{typ: typ, m: map[string]string{}}
}

func (b *builder) fail(field, format string, args ...any) {
	b.errs = append(b.errs, &ValidationError{Field: b.typ + "." + field, Reason: fmt.Sprintf(format, args...)})
}

func (b *builder) str(key, v string) {
	if v != "" {
		b.m[key] = v
	}
}

func (b *builder) required(field, key, v string) {
	if v == "" {
		b.fail(field, "is required")
		return
	}
	b.m[key] = v
}

func (b *builder) boolean(key string, v *bool) {
	if v != nil {
		b.m[key] = strconv.FormatBool(*v)
	}
}

func (b *builder) flag(key string, v bool) {
	if v {
		b.m[key] = "true"
	}
}

// intRange sets key when v != 0 and checks min ≤ v ≤ max.
func (b *builder) intRange(field, key string, v, lo, hi int64) {
	if v == 0 {
		return
	}
	if v < lo || v > hi {
		b.fail(field, "is %d; want %d–%d", v, lo, hi)
		return
	}
	b.m[key] = strconv.FormatInt(v, 10)
}

func (b *builder) enum(field, key, v string, allowed ...string) {
	if v == "" {
		return
	}
	if !slices.Contains(allowed, v) {
		b.fail(field, "is %q; want one of %s", v, strings.Join(allowed, ", "))
		return
	}
	b.m[key] = v
}

func (b *builder) pattern(field, key, v string, re interface{ MatchString(string) bool }, want string) {
	if v == "" {
		return
	}
	if !re.MatchString(v) {
		b.fail(field, "is %q; want %s", v, want)
		return
	}
	b.m[key] = v
}

// list sets key to the JSON array of v (AWS Backup takes list-valued
// metadata as JSON strings, e.g. "[\"sg-1\",\"sg-2\"]").
func (b *builder) list(field, key string, v []string, prefix string, maxLen int) {
	if len(v) == 0 {
		return
	}
	if maxLen > 0 && len(v) > maxLen {
		b.fail(field, "has %d entries; want at most %d", len(v), maxLen)
	}
	for i, s := range v {
		if s == "" || (prefix != "" && !strings.HasPrefix(s, prefix)) {
			b.fail(fmt.Sprintf("%s[%d]", field, i), "is %q; want an id starting with %q", s, prefix)
		}
	}
	b.jsonValue(key, v)
}

func (b *builder) jsonValue(key string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		b.fail(key, "cannot encode: %v", err)
		return
	}
	b.m[key] = string(data)
}

func (b *builder) timeValue(key string, t time.Time) {
	if !t.IsZero() {
		b.m[key] = t.UTC().Format(time.RFC3339)
	}
}

// merge lays extra keys over the typed ones (extra wins).
func (b *builder) merge(extra map[string]string) {
	if len(extra) > 0 {
		b.m = MergeMetadata(b.m, extra)
	}
}

func (b *builder) done() (map[string]string, error) {
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return b.m, nil
}
