// Package dashboard turns a drill history into evidence: one self-contained
// HTML page with charts, and a flat data set for Amazon QuickSight.
//
// A Builder takes drill reports one at a time (typically from
// history.History.Scan) and keeps only aggregates, so memory stays bounded
// by the number of days, resource types and resources, not by the number
// of drills:
//
//   - pass rate over time (drills and targets, per day, or per week or
//     month over long histories);
//   - RTO and RPO per resource type over time (mean and worst per bucket)
//     against the strictest target that applied;
//   - the slowest targets (worst RTO total);
//   - targets not drilled within a window (default 30 days), over the
//     resources the history knows plus, when given, an inventory such as
//     compliance.Coverage's (protected resources never drilled at all show
//     up too);
//   - failed drills with their errors (the most recent ones).
//
// Build freezes the aggregates into a Dashboard whose WriteHTML renders
// the page: inline SVG charts and inline CSS, no script and no network at
// view time, bounded in size (the tables are capped and say how many rows
// they leave out).
//
// The QuickSight part (quicksight.go) writes one row per drilled target as
// CSV and JSON lines with the QuickSight S3 manifest, and can create the
// QuickSight data source and data set through the SDK.
package dashboard

import (
	"cmp"
	"container/heap"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/restore"
)

// Options configures a Builder.
type Options struct {
	// Now is when the dashboard is made; "not drilled within" counts back
	// from it. Default time.Now().
	Now time.Time
	// Window is how recently a target must have been drilled. Default 30
	// days.
	Window time.Duration
	// Slowest is how many slowest targets to show. Default 20.
	Slowest int
	// FailedDrills is how many failed drills to list (the most recent).
	// Default 50; each lists at most 10 failed targets.
	FailedDrills int
	// MaxRows caps the "not drilled" table. Default 500.
	MaxRows int
	// Inventory lists resources expected to be drilled (for example the
	// protected resources of a coverage report). Resources in it that the
	// history never drilled are reported as never drilled.
	Inventory []Resource
	// Title heads the page. Default "Restore drill evidence".
	Title string
}

// Resource is an inventory entry.
type Resource struct {
	ARN  string
	Type string
	// Protected says whether a backup plan protects it (from coverage).
	Protected bool
}

// Builder aggregates drill reports. It is not safe for concurrent use;
// history.History.Scan calls its callback one report at a time.
type Builder struct {
	opts      Options
	days      map[int64]*dayStats
	types     map[string]map[int64]*typeDay
	res       map[string]*resStats
	failed    failedHeap
	drills    int
	targets   int
	first     time.Time
	last      time.Time
	policies  map[string]string // ARN → "name (tier)"
	typeCache []typeCacheEntry
}

type typeCacheEntry struct {
	typ string
	td  *typeDay
}

type dayStats struct {
	drills, drillsPassed, targets, targetsPassed int
}

type typeDay struct {
	n                  int
	sumRTO, maxRTO     float64
	sumRPO, maxRPO     float64
	rtoTarget          float64 // strictest non-zero target seen
	rpoTarget          float64
	missedRTO, missRPO int
}

type resStats struct {
	typ        string
	drills     int
	passed     int
	last       time.Time
	lastStatus string
	lastRTO    float64
	maxRTO     float64
	maxRTOAt   time.Time
}

// FailedDrill is a failed drill with its failed targets.
type FailedDrill struct {
	DrillID   string
	StartedAt time.Time
	Targets   int
	Failed    int
	Canceled  bool
	// Errors are the failed targets' errors (at most 10).
	Errors []TargetError
	// LeftBehind lists resources the drill could not delete.
	LeftBehind []string
}

// TargetError is one failed target of a FailedDrill.
type TargetError struct {
	ResourceARN, ResourceType, Error string
}

type failedHeap []*FailedDrill

func (h failedHeap) Len() int           { return len(h) }
func (h failedHeap) Less(i, j int) bool { return h[i].StartedAt.Before(h[j].StartedAt) }
func (h failedHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *failedHeap) Push(x any)        { *h = append(*h, x.(*FailedDrill)) }
func (h *failedHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// NewBuilder returns an empty Builder.
func NewBuilder(optFns ...func(*Options)) *Builder {
	b := &Builder{days: map[int64]*dayStats{}, types: map[string]map[int64]*typeDay{}, res: map[string]*resStats{}, policies: map[string]string{}}
	for _, fn := range optFns {
		fn(&b.opts)
	}
	o := &b.opts
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Window <= 0 {
		o.Window = 30 * 24 * time.Hour
	}
	if o.Slowest <= 0 {
		o.Slowest = 20
	}
	if o.FailedDrills <= 0 {
		o.FailedDrills = 50
	}
	if o.MaxRows <= 0 {
		o.MaxRows = 500
	}
	if o.Title == "" {
		o.Title = "Restore drill evidence"
	}
	return b
}

const maxErrorsPerDrill = 10

func dayOf(t time.Time) int64 {
	s := t.Unix()
	if s < 0 {
		return (s - 86399) / 86400
	}
	return s / 86400
}

// Add folds one drill report into the aggregates.
func (b *Builder) Add(r *restore.Report) {
	if r == nil {
		return
	}
	b.drills++
	b.targets += len(r.Targets)
	if b.first.IsZero() || r.StartedAt.Before(b.first) {
		b.first = r.StartedAt
	}
	if r.StartedAt.After(b.last) {
		b.last = r.StartedAt
	}
	if p := r.Policy; p != nil && p.ARN != "" {
		b.policies[p.ARN] = p.Name + " (" + p.Tier + ")"
	}
	day := dayOf(r.StartedAt)
	ds := b.days[day]
	if ds == nil {
		ds = &dayStats{}
		b.days[day] = ds
	}
	ds.drills++
	if r.Passed {
		ds.drillsPassed++
	}
	var fd *FailedDrill
	if !r.Passed {
		fd = &FailedDrill{DrillID: r.DrillID, StartedAt: r.StartedAt, Targets: len(r.Targets), Canceled: r.Canceled, LeftBehind: r.LeftBehind}
	}
	b.typeCache = b.typeCache[:0]
	for i := range r.Targets {
		t := &r.Targets[i]
		passed := t.Status == restore.Passed
		ds.targets++
		if passed {
			ds.targetsPassed++
		}
		td := b.typeDay(string(t.ResourceType), day)
		td.n++
		td.sumRTO += t.RTOTotalSeconds
		td.maxRTO = max(td.maxRTO, t.RTOTotalSeconds)
		td.sumRPO += t.RPOSeconds
		td.maxRPO = max(td.maxRPO, t.RPOSeconds)
		if t.MaxRTOSeconds > 0 && (td.rtoTarget == 0 || t.MaxRTOSeconds < td.rtoTarget) {
			td.rtoTarget = t.MaxRTOSeconds
		}
		if t.MaxRPOSeconds > 0 && (td.rpoTarget == 0 || t.MaxRPOSeconds < td.rpoTarget) {
			td.rpoTarget = t.MaxRPOSeconds
		}
		if !t.RTOMet {
			td.missedRTO++
		}
		if !t.RPOMet {
			td.missRPO++
		}
		rs := b.res[t.ResourceARN]
		if rs == nil {
			rs = &resStats{typ: string(t.ResourceType)}
			b.res[t.ResourceARN] = rs
		}
		rs.drills++
		if passed {
			rs.passed++
		}
		if !r.StartedAt.Before(rs.last) {
			rs.last, rs.lastStatus, rs.lastRTO = r.StartedAt, t.Status, t.RTOTotalSeconds
		}
		if t.RTOTotalSeconds > rs.maxRTO {
			rs.maxRTO, rs.maxRTOAt = t.RTOTotalSeconds, r.StartedAt
		}
		if fd != nil && !passed {
			fd.Failed++
			if len(fd.Errors) < maxErrorsPerDrill {
				msg := t.Error
				if msg == "" {
					msg = failureReason(t)
				}
				fd.Errors = append(fd.Errors, TargetError{ResourceARN: t.ResourceARN, ResourceType: string(t.ResourceType), Error: msg})
			}
		}
	}
	if fd != nil {
		if len(b.failed) < b.opts.FailedDrills {
			heap.Push(&b.failed, fd)
		} else if fd.StartedAt.After(b.failed[0].StartedAt) {
			b.failed[0] = fd
			heap.Fix(&b.failed, 0)
		}
	}
}

func (b *Builder) typeDay(typ string, day int64) *typeDay {
	for _, e := range b.typeCache {
		if e.typ == typ {
			return e.td
		}
	}
	m := b.types[typ]
	if m == nil {
		m = map[int64]*typeDay{}
		b.types[typ] = m
	}
	td := m[day]
	if td == nil {
		td = &typeDay{}
		m[day] = td
	}
	b.typeCache = append(b.typeCache, typeCacheEntry{typ, td})
	return td
}

func failureReason(t *restore.TargetResult) string {
	var parts []string
	if !t.RTOMet {
		parts = append(parts, "RTO "+restore.FormatDuration(secs(t.RTOTotalSeconds))+" over target "+restore.FormatDuration(secs(t.MaxRTOSeconds)))
	}
	if !t.RPOMet {
		parts = append(parts, "RPO "+restore.FormatDuration(secs(t.RPOSeconds))+" over target "+restore.FormatDuration(secs(t.MaxRPOSeconds)))
	}
	if t.Validation == restore.Failed {
		parts = append(parts, "validation failed: "+t.ValidationMessage)
	}
	if t.Cleanup == restore.Left {
		parts = append(parts, "left behind")
	}
	if len(parts) == 0 {
		return "failed"
	}
	return strings.Join(parts, "; ")
}

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Dashboard is the frozen result of a Builder.
type Dashboard struct {
	Title       string
	GeneratedAt time.Time
	Window      time.Duration
	// Drills and Targets count what was read; First and Last bound it.
	Drills, Targets int
	First, Last     time.Time
	// Policies are the resiliency policies drills were judged against.
	Policies []string
	// BucketDays is the width of a time bucket in the charts (1, 7, …).
	BucketDays int
	// PassRate is one point per bucket.
	PassRate []PassPoint
	// Types has the RTO and RPO series per resource type, sorted by type.
	Types []TypeSeries
	// Slowest are the targets with the worst RTO total, worst first.
	Slowest []TargetStat
	// NotDrilled are resources not drilled within Window (never, when
	// LastDrilled is zero), oldest first; NotDrilledTotal counts them all.
	NotDrilled      []TargetStat
	NotDrilledTotal int
	// Failed are the most recent failed drills, newest first.
	Failed []*FailedDrill
}

// PassPoint is one bucket of the pass-rate chart.
type PassPoint struct {
	Start                  time.Time
	Drills, DrillsPassed   int
	Targets, TargetsPassed int
	DrillRate, TargetRate  float64 // 0–100
}

// TypeSeries is the RTO/RPO series of one resource type.
type TypeSeries struct {
	Type   string
	Points []TypePoint
	// Targets is the number of drilled targets of this type.
	Targets int
}

// TypePoint is one bucket of a resource type's series (seconds).
type TypePoint struct {
	Start                      time.Time
	N                          int
	MeanRTO, MaxRTO, RTOTarget float64
	MeanRPO, MaxRPO, RPOTarget float64
	MissedRTO, MissedRPO       int
}

// TargetStat describes one resource across the history.
type TargetStat struct {
	ResourceARN, ResourceType string
	Drills, Passed            int
	LastDrilled               time.Time
	LastStatus                string
	LastRTO, MaxRTO           float64 // seconds
	MaxRTOAt                  time.Time
	// InInventory and Protected come from Options.Inventory.
	InInventory, Protected bool
}

// maxPoints bounds the points per series: longer histories are bucketed
// by week or more.
const maxPoints = 370

// Build returns the dashboard of everything added so far.
func (b *Builder) Build() *Dashboard {
	d := &Dashboard{Title: b.opts.Title, GeneratedAt: b.opts.Now, Window: b.opts.Window, Drills: b.drills, Targets: b.targets, First: b.first, Last: b.last, BucketDays: 1}
	for _, p := range slices.Sorted(maps.Keys(b.policies)) {
		d.Policies = append(d.Policies, b.policies[p]+" "+p)
	}
	if len(b.days) > 0 {
		lo, hi := int64(1<<62), int64(-1<<62)
		for k := range b.days {
			lo, hi = min(lo, k), max(hi, k)
		}
		span := hi - lo + 1
		d.BucketDays = int((span + maxPoints - 1) / maxPoints)
		bucket := func(day int64) int64 { return lo + (day-lo)/int64(d.BucketDays)*int64(d.BucketDays) }
		start := func(k int64) time.Time { return time.Unix(k*86400, 0).UTC() }
		pass := map[int64]*dayStats{}
		for k, v := range b.days {
			bk := bucket(k)
			p := pass[bk]
			if p == nil {
				p = &dayStats{}
				pass[bk] = p
			}
			p.drills += v.drills
			p.drillsPassed += v.drillsPassed
			p.targets += v.targets
			p.targetsPassed += v.targetsPassed
		}
		for _, k := range slices.Sorted(maps.Keys(pass)) {
			p := pass[k]
			pp := PassPoint{Start: start(k), Drills: p.drills, DrillsPassed: p.drillsPassed, Targets: p.targets, TargetsPassed: p.targetsPassed}
			if p.drills > 0 {
				pp.DrillRate = 100 * float64(p.drillsPassed) / float64(p.drills)
			}
			if p.targets > 0 {
				pp.TargetRate = 100 * float64(p.targetsPassed) / float64(p.targets)
			}
			d.PassRate = append(d.PassRate, pp)
		}
		for _, typ := range slices.Sorted(maps.Keys(b.types)) {
			agg := map[int64]*typeDay{}
			ts := TypeSeries{Type: typ}
			for k, v := range b.types[typ] {
				bk := bucket(k)
				a := agg[bk]
				if a == nil {
					a = &typeDay{}
					agg[bk] = a
				}
				a.n += v.n
				a.sumRTO += v.sumRTO
				a.sumRPO += v.sumRPO
				a.maxRTO = max(a.maxRTO, v.maxRTO)
				a.maxRPO = max(a.maxRPO, v.maxRPO)
				a.missedRTO += v.missedRTO
				a.missRPO += v.missRPO
				if v.rtoTarget > 0 && (a.rtoTarget == 0 || v.rtoTarget < a.rtoTarget) {
					a.rtoTarget = v.rtoTarget
				}
				if v.rpoTarget > 0 && (a.rpoTarget == 0 || v.rpoTarget < a.rpoTarget) {
					a.rpoTarget = v.rpoTarget
				}
			}
			for _, k := range slices.Sorted(maps.Keys(agg)) {
				a := agg[k]
				ts.Targets += a.n
				ts.Points = append(ts.Points, TypePoint{Start: start(k), N: a.n,
					MeanRTO: a.sumRTO / float64(a.n), MaxRTO: a.maxRTO, RTOTarget: a.rtoTarget,
					MeanRPO: a.sumRPO / float64(a.n), MaxRPO: a.maxRPO, RPOTarget: a.rpoTarget,
					MissedRTO: a.missedRTO, MissedRPO: a.missRPO})
			}
			d.Types = append(d.Types, ts)
		}
	}
	stat := func(a string, rs *resStats) TargetStat {
		return TargetStat{ResourceARN: a, ResourceType: rs.typ, Drills: rs.drills, Passed: rs.passed, LastDrilled: rs.last,
			LastStatus: rs.lastStatus, LastRTO: rs.lastRTO, MaxRTO: rs.maxRTO, MaxRTOAt: rs.maxRTOAt}
	}
	all := make([]TargetStat, 0, len(b.res))
	for a, rs := range b.res {
		all = append(all, stat(a, rs))
	}
	slices.SortFunc(all, func(x, y TargetStat) int {
		return cmp.Or(cmp.Compare(y.MaxRTO, x.MaxRTO), strings.Compare(x.ResourceARN, y.ResourceARN))
	})
	d.Slowest = all[:min(len(all), b.opts.Slowest)]

	cutoff := b.opts.Now.Add(-b.opts.Window)
	inv := map[string]Resource{}
	for _, r := range b.opts.Inventory {
		inv[r.ARN] = r
	}
	var stale []TargetStat
	for _, s := range all {
		r, ok := inv[s.ResourceARN]
		s.InInventory, s.Protected = ok, r.Protected
		if s.LastDrilled.Before(cutoff) {
			stale = append(stale, s)
		}
	}
	for _, r := range b.opts.Inventory {
		if _, drilled := b.res[r.ARN]; !drilled {
			typ := r.Type
			if typ == "" {
				typ = typeOfARN(r.ARN)
			}
			stale = append(stale, TargetStat{ResourceARN: r.ARN, ResourceType: typ, InInventory: true, Protected: r.Protected})
		}
	}
	slices.SortFunc(stale, func(x, y TargetStat) int {
		return cmp.Or(x.LastDrilled.Compare(y.LastDrilled), strings.Compare(x.ResourceARN, y.ResourceARN))
	})
	d.NotDrilledTotal = len(stale)
	d.NotDrilled = stale[:min(len(stale), b.opts.MaxRows)]

	d.Failed = slices.Clone(b.failed)
	slices.SortFunc(d.Failed, func(x, y *FailedDrill) int { return y.StartedAt.Compare(x.StartedAt) })
	return d
}

// typeOfARN is the AWS Backup resource type of an ARN ("" when unknown).
func typeOfARN(s string) string {
	if t, err := backup.ResourceTypeFromARN(s); err == nil {
		return string(t)
	}
	return ""
}
