package plan

import (
	"github.com/backupkit/backupkit/backup"

	"fmt"
	"slices"
	"strings"
	"time"
)

// ChangeKind says whether a value was added, removed or modified.
type ChangeKind string

// Change kinds.
const (
	Added    ChangeKind = "add"
	Removed  ChangeKind = "remove"
	Modified ChangeKind = "change"
)

// Change is one difference between a live and a desired plan. Path names
// the value, with rules keyed by name: `Rules["Daily"].Lifecycle.DeleteAfterDays`.
type Change struct {
	Path string
	Kind ChangeKind
	Old  string // empty for Added
	New  string // empty for Removed
}

// String renders the change as "+ path: new", "- path: old" or
// "~ path: old -> new".
func (c Change) String() string {
	switch c.Kind {
	case Added:
		return fmt.Sprintf("+ %s: %s", c.Path, c.New)
	case Removed:
		return fmt.Sprintf("- %s: %s", c.Path, c.Old)
	default:
		return fmt.Sprintf("~ %s: %s -> %s", c.Path, c.Old, c.New)
	}
}

// Changes is the result of Diff, in a stable order.
type Changes []Change

// String renders one change per line.
func (cs Changes) String() string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Diff returns what would change if live were replaced by desired. Values
// left unset are compared as AWS's defaults (schedule DefaultSchedule, zone
// UTC, start window 8 hours, completion window 7 days), rules are matched
// by name (order does not matter), and plan tags (BackupPlanTags) are
// compared as a whole set, leaving out AWS's reserved "aws:" tags, which
// users cannot set or remove. An empty result means equal.
func Diff(live, desired *Plan) Changes {
	var d differ
	if live == nil {
		live = &Plan{}
	}
	if desired == nil {
		desired = &Plan{}
	}
	d.str("BackupPlanName", live.Name, desired.Name)
	lr := map[string]Rule{}
	for _, r := range live.Rules {
		lr[r.Name] = r
	}
	dr := map[string]Rule{}
	for _, r := range desired.Rules {
		dr[r.Name] = r
	}
	for _, r := range live.Rules {
		path := fmt.Sprintf("Rules[%q]", r.Name)
		if n, ok := dr[r.Name]; ok {
			d.rule(path, r, n)
		} else {
			d.add(Change{Path: path, Kind: Removed, Old: describeRule(r)})
		}
	}
	for _, r := range desired.Rules {
		if _, ok := lr[r.Name]; !ok {
			d.add(Change{Path: fmt.Sprintf("Rules[%q]", r.Name), Kind: Added, New: describeRule(r)})
		}
	}
	la, da := advancedMap(live.AdvancedSettings), advancedMap(desired.AdvancedSettings)
	for _, t := range sortedKeys(mergeKeys(la, da)) {
		d.strMap(fmt.Sprintf("AdvancedBackupSettings[%q]", t), la[t], da[t])
	}
	d.str("ScanSettings", scanSettingsStr(live.ScanSettings), scanSettingsStr(desired.ScanSettings))
	d.strMap(tagsPath, userTags(live.Tags), userTags(desired.Tags))
	return d.out
}

// tagsPath is the Change.Path of plan tags: BackupPlanTags["key"].
const tagsPath = "BackupPlanTags"

func (c Change) isTag() bool { return strings.HasPrefix(c.Path, tagsPath+"[") }

// userTags leaves out the tags with AWS's reserved "aws:" prefix.
func userTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		if !strings.HasPrefix(strings.ToLower(k), "aws:") {
			out[k] = v
		}
	}
	return out
}

// tagChanges returns the user tags to set and the keys to remove to turn
// live into desired.
func tagChanges(live, desired map[string]string) (set map[string]string, remove []string) {
	l, d := userTags(live), userTags(desired)
	for k, v := range d {
		if lv, ok := l[k]; !ok || lv != v {
			if set == nil {
				set = map[string]string{}
			}
			set[k] = v
		}
	}
	for _, k := range sortedKeys(l) {
		if _, ok := d[k]; !ok {
			remove = append(remove, k)
		}
	}
	return set, remove
}

type differ struct{ out Changes }

func (d *differ) add(c Change) { d.out = append(d.out, c) }

func (d *differ) str(path, old, new string) {
	switch {
	case old == new:
	case old == "":
		d.add(Change{Path: path, Kind: Added, New: new})
	case new == "":
		d.add(Change{Path: path, Kind: Removed, Old: old})
	default:
		d.add(Change{Path: path, Kind: Modified, Old: old, New: new})
	}
}

func (d *differ) strMap(path string, old, new map[string]string) {
	for _, k := range sortedKeys(mergeKeys(old, new)) {
		ov, ook := old[k]
		nv, nok := new[k]
		p := fmt.Sprintf("%s[%q]", path, k)
		switch {
		case ook && !nok:
			d.add(Change{Path: p, Kind: Removed, Old: ov})
		case !ook && nok:
			d.add(Change{Path: p, Kind: Added, New: nv})
		case ov != nv:
			d.add(Change{Path: p, Kind: Modified, Old: ov, New: nv})
		}
	}
}

func (d *differ) rule(path string, o, n Rule) {
	f := func(s string) string { return path + "." + s }
	d.str(f("TargetBackupVaultName"), o.TargetVault, n.TargetVault)
	d.str(f("ScheduleExpression"), normSchedule(o.Schedule), normSchedule(n.Schedule))
	d.str(f("ScheduleExpressionTimezone"), normZone(o.Timezone), normZone(n.Timezone))
	d.str(f("StartWindowMinutes"), minutes(o.StartWindow, backup.DefaultStartWindow), minutes(n.StartWindow, backup.DefaultStartWindow))
	d.str(f("CompletionWindowMinutes"), minutes(o.CompletionWindow, backup.DefaultCompletionWindow), minutes(n.CompletionWindow, backup.DefaultCompletionWindow))
	d.lifecycle(f("Lifecycle"), o.Lifecycle, n.Lifecycle)
	d.str(f("EnableContinuousBackup"), boolStr(o.ContinuousBackup), boolStr(n.ContinuousBackup))
	d.str(f("TargetLogicallyAirGappedBackupVaultArn"), o.AirGappedVaultARN, n.AirGappedVaultARN)
	d.strMap(f("RecoveryPointTags"), o.RecoveryPointTags, n.RecoveryPointTags)
	oc, nc := copyMap(o.CopyActions), copyMap(n.CopyActions)
	for _, arn := range sortedKeys(mergeKeys(oc, nc)) {
		p := fmt.Sprintf("%s[%q]", f("CopyActions"), arn)
		ol, ook := oc[arn]
		nl, nok := nc[arn]
		switch {
		case ook && !nok:
			d.add(Change{Path: p, Kind: Removed, Old: describeLifecycle(ol)})
		case !ook && nok:
			d.add(Change{Path: p, Kind: Added, New: describeLifecycle(nl)})
		default:
			d.lifecycle(p+".Lifecycle", ol, nl)
		}
	}
	d.str(f("IndexActions"), indexStr(o.IndexActions), indexStr(n.IndexActions))
	d.str(f("ScanActions"), scanActionsStr(o.ScanActions), scanActionsStr(n.ScanActions))
}

func (d *differ) lifecycle(path string, o, n backup.Lifecycle) {
	d.str(path+".MoveToColdStorageAfterDays", daysStr(o.MoveToColdStorageAfter), daysStr(n.MoveToColdStorageAfter))
	d.str(path+".DeleteAfterDays", daysStr(o.DeleteAfter), daysStr(n.DeleteAfter))
	d.str(path+".OptInToArchiveForSupportedResources", boolStr(o.OptInToArchive), boolStr(n.OptInToArchive))
}

func normSchedule(s string) string {
	if s == "" {
		return DefaultSchedule
	}
	return strings.Join(strings.Fields(s), " ")
}

func normZone(z string) string {
	switch z {
	case "", "UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu":
		return "UTC"
	}
	return z
}

func minutes(d, def time.Duration) string {
	if d == 0 {
		d = def
	}
	return fmt.Sprintf("%d", d/time.Minute)
}

func daysStr(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return fmt.Sprintf("%d", daysOf(d))
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return ""
}

func indexStr(ia []IndexAction) string {
	var parts []string
	for _, a := range ia {
		var ts []string
		for _, t := range a.ResourceTypes {
			ts = append(ts, string(t))
		}
		parts = append(parts, strings.Join(ts, "+"))
	}
	return strings.Join(parts, ",")
}

// scanActionsStr renders scan actions order-insensitively:
// "GUARDDUTY/FULL_SCAN,…".
func scanActionsStr(as []ScanAction) string {
	parts := make([]string, 0, len(as))
	for _, a := range as {
		parts = append(parts, a.MalwareScanner+"/"+a.ScanMode)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// scanSettingsStr renders scan settings order-insensitively:
// "GUARDDUTY[EBS+S3] role ARN; …".
func scanSettingsStr(ss []ScanSetting) string {
	parts := make([]string, 0, len(ss))
	for _, s := range ss {
		ts := resourceTypeStrings(s.ResourceTypes)
		slices.Sort(ts)
		parts = append(parts, fmt.Sprintf("%s[%s] %s", s.MalwareScanner, strings.Join(ts, "+"), s.ScannerRoleARN))
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

func copyMap(cs []CopyAction) map[string]backup.Lifecycle {
	m := map[string]backup.Lifecycle{}
	for _, c := range cs {
		m[c.DestinationVaultARN] = c.Lifecycle
	}
	return m
}

func advancedMap(as []AdvancedSetting) map[string]map[string]string {
	m := map[string]map[string]string{}
	for _, a := range as {
		m[string(a.ResourceType)] = a.currentOptions()
	}
	return m
}

func mergeKeys[V any](a, b map[string]V) map[string]struct{} {
	m := map[string]struct{}{}
	for k := range a {
		m[k] = struct{}{}
	}
	for k := range b {
		m[k] = struct{}{}
	}
	return m
}

func describeLifecycle(l backup.Lifecycle) string {
	if l.IsZero() {
		return "default lifecycle"
	}
	var parts []string
	if l.MoveToColdStorageAfter != 0 {
		parts = append(parts, fmt.Sprintf("cold after %d days", daysOf(l.MoveToColdStorageAfter)))
	}
	switch {
	case l.DeleteAfter == backup.KeepForever:
		parts = append(parts, "keep forever")
	case l.DeleteAfter != 0:
		parts = append(parts, fmt.Sprintf("delete after %d days", daysOf(l.DeleteAfter)))
	}
	if l.OptInToArchive {
		parts = append(parts, "archive")
	}
	return strings.Join(parts, ", ")
}

func describeRule(r Rule) string {
	s := fmt.Sprintf("%s to %s", normSchedule(r.Schedule), r.TargetVault)
	if z := normZone(r.Timezone); z != "UTC" {
		s += " (" + z + ")"
	}
	if !r.Lifecycle.IsZero() {
		s += ", " + describeLifecycle(r.Lifecycle)
	}
	return s
}

// SelectionsEqual reports whether two selections are the same to AWS:
// same name, role, resource lists and tags (order-insensitive) and
// conditions (grouped by operator).
func SelectionsEqual(a, b *Selection) bool {
	sorted := func(s []string) []string { c := slices.Clone(s); slices.Sort(c); return c }
	tags := func(ts []TagCondition) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Key+"\x00"+t.Value)
		}
		return sorted(out)
	}
	conds := func(cs []Condition) []string {
		var out []string
		for _, c := range cs {
			out = append(out, string(c.Op)+"\x00"+c.Key+"\x00"+c.Value)
		}
		return sorted(out)
	}
	return a.Name == b.Name && a.IAMRole == b.IAMRole &&
		slices.Equal(sorted(a.Resources), sorted(b.Resources)) &&
		slices.Equal(sorted(a.NotResources), sorted(b.NotResources)) &&
		slices.Equal(tags(a.ListOfTags), tags(b.ListOfTags)) &&
		slices.Equal(conds(a.Conditions), conds(b.Conditions))
}
