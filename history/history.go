// Package history keeps every restore drill's report, so that trends,
// dashboards and "when was this last drilled?" questions can be answered
// later.
//
// A History appends reports to a Store and scans them back. The store is a
// local directory ([Dir]) or an S3 prefix ([Bucket], through the S3 SDK);
// [Open] picks one from a location string ("./drills" or
// "s3://bucket/prefix"). Each drill is one JSON file in the restore
// package's documented report schema, named by the drill's start time and
// ID ("20260102T030405.000Z_drill-42.json"), so names sort by time and a
// drill written twice replaces itself. Local writes are atomic (a
// temporary file renamed into place); an S3 PutObject is atomic by nature.
//
// Scan decodes files in parallel and hands each report to a callback. A
// file that cannot be read or decoded is reported as a *CorruptFileError
// in the ScanResult and skipped: one bad file never hides the others.
package history

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/backupkit/backupkit/restore"
)

// Store is where report files live: a flat namespace of names to bytes.
// Dir and Bucket implement it; tests may supply their own.
type Store interface {
	// Put writes name atomically, replacing any previous content.
	Put(ctx context.Context, name string, data []byte) error
	// List returns every name in the store (any order).
	List(ctx context.Context) ([]string, error)
	// Get returns the content of name.
	Get(ctx context.Context, name string) ([]byte, error)
}

// Options configures a History.
type Options struct {
	// Concurrency bounds the files read and decoded at once by Scan.
	// Default runtime.GOMAXPROCS(0) (at least 2, so a slow read overlaps
	// a decode).
	Concurrency int
}

// History appends and scans drill reports in a Store.
type History struct {
	store Store
	opts  Options
}

// New returns a History over store.
func New(store Store, optFns ...func(*Options)) *History {
	h := &History{store: store}
	for _, fn := range optFns {
		fn(&h.opts)
	}
	if h.opts.Concurrency <= 0 {
		h.opts.Concurrency = max(2, runtime.GOMAXPROCS(0))
	}
	return h
}

// Store returns the history's store.
func (h *History) Store() Store { return h.store }

// timeLayout is the start-time part of a file name: sortable, UTC,
// millisecond precision, no characters that S3 or a file system mangle.
const timeLayout = "20060102T150405.000Z"

// FileName returns the name a report is stored under:
// "<start time>_<drill ID>.json". Characters of the drill ID other than
// letters, digits, '.', '_' and '-' become '_'.
func FileName(r *restore.Report) string {
	id := strings.Map(func(c rune) rune {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
			return c
		}
		return '_'
	}, r.DrillID)
	if id == "" {
		id = "drill"
	}
	return r.StartedAt.UTC().Format(timeLayout) + "_" + id + ".json"
}

// StartFromName returns the start time encoded in a file name made by
// FileName.
func StartFromName(name string) (time.Time, bool) {
	i := strings.IndexByte(name, '_')
	if i < 0 {
		return time.Time{}, false
	}
	t, err := time.Parse(timeLayout, name[:i])
	return t, err == nil
}

// Append stores r under FileName(r) and returns that name.
func (h *History) Append(ctx context.Context, r *restore.Report) (string, error) {
	if r == nil {
		return "", errors.New("append drill report: report is nil")
	}
	if r.DrillID == "" || r.StartedAt.IsZero() {
		return "", fmt.Errorf("append drill report: report needs a drill ID and a start time")
	}
	// The report schema, compact: a history holds many files.
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("encode drill report %s: %w", r.DrillID, err)
	}
	name := FileName(r)
	if err := h.store.Put(ctx, name, b); err != nil {
		return "", fmt.Errorf("store drill report %s: %w", name, err)
	}
	return name, nil
}

// CorruptFileError reports a history file that could not be read or
// decoded; Scan skips it.
type CorruptFileError struct {
	// Name is the file's name in the store.
	Name string
	// Err says what was wrong.
	Err error
}

func (e *CorruptFileError) Error() string { return fmt.Sprintf("history file %s: %v", e.Name, e.Err) }

// Unwrap returns the underlying error.
func (e *CorruptFileError) Unwrap() error { return e.Err }

// ScanResult summarizes a Scan.
type ScanResult struct {
	// Files is the number of report files considered (after Since).
	Files int
	// Reports is the number handed to the callback.
	Reports int
	// Corrupt lists the files skipped, sorted by name.
	Corrupt []*CorruptFileError
}

// ScanOptions narrows a Scan.
type ScanOptions struct {
	// Since skips files whose name says the drill started before it
	// (the file is not even read). Zero: every file.
	Since time.Time
}

// Scan reads and decodes every report file (optionally only those since a
// time) with up to Options.Concurrency at once, and calls fn with each
// report, one call at a time, in no particular order. A file that cannot
// be read or decoded is skipped and listed in the result. Scan stops at
// the first error from fn, from listing the store, or from ctx.
func (h *History) Scan(ctx context.Context, fn func(*restore.Report) error, optFns ...func(*ScanOptions)) (*ScanResult, error) {
	var so ScanOptions
	for _, f := range optFns {
		f(&so)
	}
	names, err := h.store.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("list drill history: %w", err)
	}
	slices.Sort(names)
	res := &ScanResult{}
	var todo []string
	for _, n := range names {
		if !strings.HasSuffix(n, ".json") {
			continue
		}
		if !so.Since.IsZero() {
			if t, ok := StartFromName(n); ok && t.Before(so.Since) {
				continue
			}
		}
		todo = append(todo, n)
	}
	res.Files = len(todo)
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(h.opts.Concurrency)
	for _, name := range todo {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			rep, err := h.read(gctx, name)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if gctx.Err() != nil {
					return gctx.Err()
				}
				res.Corrupt = append(res.Corrupt, &CorruptFileError{Name: name, Err: err})
				return nil
			}
			res.Reports++
			return fn(rep)
		})
	}
	if err := g.Wait(); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	slices.SortFunc(res.Corrupt, func(a, b *CorruptFileError) int { return strings.Compare(a.Name, b.Name) })
	return res, nil
}

func (h *History) read(ctx context.Context, name string) (*restore.Report, error) {
	b, err := h.store.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	return Decode(b)
}

// Decode parses one report file and restores the durations that the JSON
// form carries as seconds. It refuses files that are not a drill report
// (no drill ID or start time) and schema versions newer than this
// library's.
func Decode(b []byte) (*restore.Report, error) {
	var r restore.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	switch {
	case r.SchemaVersion < 1 || r.SchemaVersion > restore.ReportSchemaVersion:
		return nil, fmt.Errorf("schemaVersion %d: want 1–%d", r.SchemaVersion, restore.ReportSchemaVersion)
	case r.DrillID == "":
		return nil, errors.New("no drillId")
	case r.StartedAt.IsZero():
		return nil, errors.New("no startedAt")
	}
	for i := range r.Targets {
		t := &r.Targets[i]
		t.RPO = seconds(t.RPOSeconds)
		t.RTORestore = seconds(t.RTORestoreSeconds)
		t.RTOTotal = seconds(t.RTOTotalSeconds)
		t.MaxRPO = seconds(t.MaxRPOSeconds)
		t.MaxRTO = seconds(t.MaxRTOSeconds)
	}
	return &r, nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// LastDrilled returns, per resource ARN, the start time of the latest
// drill that restored it (whatever the outcome), over the reports of a
// Scan since since.
func (h *History) LastDrilled(ctx context.Context, since time.Time) (map[string]time.Time, *ScanResult, error) {
	last := map[string]time.Time{}
	res, err := h.Scan(ctx, func(r *restore.Report) error {
		for _, t := range r.Targets {
			if r.StartedAt.After(last[t.ResourceARN]) {
				last[t.ResourceARN] = r.StartedAt
			}
		}
		return nil
	}, func(o *ScanOptions) { o.Since = since })
	return last, res, err
}
