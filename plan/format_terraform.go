package plan

import (
	"github.com/backupkit/backupkit/backup"

	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Terraform JSON (*.tf.json) for the AWS provider's aws_backup_plan and
// aws_backup_selection resources. Supported arguments:
//
//	aws_backup_plan: name, rule{rule_name, target_vault_name, schedule,
//	  schedule_expression_timezone, start_window, completion_window,
//	  enable_continuous_backup, lifecycle{cold_storage_after, delete_after,
//	  opt_in_to_archive_for_supported_resources}, recovery_point_tags,
//	  copy_action{destination_vault_arn, lifecycle{…}},
//	  scan_action{malware_scanner, scan_mode},
//	  target_logically_air_gapped_backup_vault_arn},
//	  advanced_backup_setting{resource_type, backup_options},
//	  scan_setting{malware_scanner, resource_types, scanner_role_arn}, tags
//	aws_backup_selection: name, plan_id ("${aws_backup_plan.LABEL.id}"),
//	  iam_role_arn, resources, not_resources,
//	  selection_tag{type, key, value}, condition{string_equals{key, value},
//	  string_not_equals, string_like, string_not_like}
//
// The provider has no argument for index actions, so MarshalTerraform
// refuses plans that use them.
//
// Terraform's defaults are not AWS's: a rule without start_window or
// completion_window gets 60 and 180 minutes (the provider's schema
// defaults), not AWS's 480 and 10080. ParseTerraform fills them in, so a
// parsed plan is the plan Terraform would create, and MarshalTerraform
// writes both windows, so a rule that means AWS's defaults keeps them. A
// rule without schedule_expression_timezone is sent without one (UTC). Other resource types in the file are
// ignored, except that "${aws_backup_vault.LABEL.name}" references are
// resolved when that vault has a literal name.

type tfFile struct {
	Resource map[string]map[string]json.RawMessage `json:"resource"`
}

type tfPlan struct {
	Name                  string                  `json:"name"`
	Rule                  tfBlocks[tfRule]        `json:"rule"`
	AdvancedBackupSetting tfBlocks[tfAdv]         `json:"advanced_backup_setting,omitempty"`
	ScanSetting           tfBlocks[tfScanSetting] `json:"scan_setting,omitempty"`
	Tags                  map[string]string       `json:"tags,omitempty"`
	DependsOn             []string                `json:"depends_on,omitempty"`
	Provider              string                  `json:"provider,omitempty"`
}

type tfRule struct {
	RuleName                string                 `json:"rule_name"`
	TargetVaultName         string                 `json:"target_vault_name"`
	Schedule                string                 `json:"schedule,omitempty"`
	Timezone                string                 `json:"schedule_expression_timezone,omitempty"`
	StartWindow             *tfInt                 `json:"start_window,omitempty"`
	CompletionWindow        *tfInt                 `json:"completion_window,omitempty"`
	EnableContinuousBackup  *bool                  `json:"enable_continuous_backup,omitempty"`
	Lifecycle               tfBlocks[tfLifecycle]  `json:"lifecycle,omitempty"`
	RecoveryPointTags       map[string]string      `json:"recovery_point_tags,omitempty"`
	CopyAction              tfBlocks[tfCopy]       `json:"copy_action,omitempty"`
	ScanAction              tfBlocks[tfScanAction] `json:"scan_action,omitempty"`
	TargetAirGappedVaultARN string                 `json:"target_logically_air_gapped_backup_vault_arn,omitempty"`
}

type tfLifecycle struct {
	ColdStorageAfter *tfInt `json:"cold_storage_after,omitempty"`
	DeleteAfter      *tfInt `json:"delete_after,omitempty"`
	OptInToArchive   *bool  `json:"opt_in_to_archive_for_supported_resources,omitempty"`
}

type tfCopy struct {
	DestinationVaultARN string                `json:"destination_vault_arn"`
	Lifecycle           tfBlocks[tfLifecycle] `json:"lifecycle,omitempty"`
}

type tfScanAction struct {
	MalwareScanner string `json:"malware_scanner"`
	ScanMode       string `json:"scan_mode"`
}

type tfScanSetting struct {
	MalwareScanner string                `json:"malware_scanner"`
	ResourceTypes  []backup.ResourceType `json:"resource_types"`
	ScannerRoleARN string                `json:"scanner_role_arn"`
}

// Terraform's defaults for a rule's windows (terraform-provider-aws,
// aws_backup_plan schema: start_window Default 60, completion_window
// Default 180).
const (
	tfDefaultStartWindow      = 60 * time.Minute
	tfDefaultCompletionWindow = 180 * time.Minute
)

type tfAdv struct {
	BackupOptions map[string]string   `json:"backup_options"`
	ResourceType  backup.ResourceType `json:"resource_type"`
}

type tfSelection struct {
	Name         string                `json:"name"`
	PlanID       string                `json:"plan_id"`
	IAMRoleARN   string                `json:"iam_role_arn"`
	Resources    []string              `json:"resources,omitempty"`
	NotResources []string              `json:"not_resources,omitempty"`
	SelectionTag tfBlocks[tfSelTag]    `json:"selection_tag,omitempty"`
	Condition    tfBlocks[tfCondition] `json:"condition,omitempty"`
	DependsOn    []string              `json:"depends_on,omitempty"`
	Provider     string                `json:"provider,omitempty"`
}

type tfSelTag struct {
	Type  string `json:"type"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

type tfKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type tfCondition struct {
	StringEquals    tfBlocks[tfKV] `json:"string_equals,omitempty"`
	StringNotEquals tfBlocks[tfKV] `json:"string_not_equals,omitempty"`
	StringLike      tfBlocks[tfKV] `json:"string_like,omitempty"`
	StringNotLike   tfBlocks[tfKV] `json:"string_not_like,omitempty"`
}

// tfBlocks is a nested block: Terraform JSON allows one object or a list.
type tfBlocks[T any] []T

func (b *tfBlocks[T]) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		var one T
		if err := decodeStrict(data, &one); err != nil {
			return err
		}
		*b = tfBlocks[T]{one}
		return nil
	}
	var many []T
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&many); err != nil {
		return err
	}
	*b = many
	return nil
}

// tfInt is a number that Terraform JSON may also write as a string.
type tfInt int64

func (n *tfInt) UnmarshalJSON(data []byte) error {
	s := strings.Trim(string(data), `"`)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("want a whole number, got %s", data)
	}
	*n = tfInt(v)
	return nil
}

var tfLabelUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]`)

func tfLabel(name string) string {
	l := tfLabelUnsafe.ReplaceAllString(name, "_")
	if l == "" || !(l[0] == '_' || (l[0] >= 'a' && l[0] <= 'z') || (l[0] >= 'A' && l[0] <= 'Z')) {
		l = "p_" + l
	}
	return l
}

// MarshalTerraform renders specs as Terraform JSON: one aws_backup_plan per
// spec (labelled by the plan name, made a valid identifier) and one
// aws_backup_selection per selection, whose plan_id references the plan.
func MarshalTerraform(specs ...Spec) ([]byte, error) {
	plans := map[string]tfPlan{}
	sels := map[string]tfSelection{}
	for _, sp := range specs {
		p := sp.Plan
		if p == nil {
			return nil, fmt.Errorf("marshal Terraform: spec without a plan")
		}
		label := tfLabel(p.Name)
		if _, dup := plans[label]; dup {
			return nil, fmt.Errorf("marshal Terraform: two plans map to resource label %q", label)
		}
		tp := tfPlan{Name: p.Name, Tags: p.Tags, Rule: tfBlocks[tfRule]{}}
		if len(tp.Tags) == 0 {
			tp.Tags = nil
		}
		for i, r := range p.Rules {
			if len(r.IndexActions) > 0 {
				return nil, fmt.Errorf("marshal Terraform: plan %s rule %d (%s): aws_backup_plan has no argument for index actions", p.Name, i, r.Name)
			}
			tr := tfRule{RuleName: r.Name, TargetVaultName: r.TargetVault, Schedule: r.Schedule, Timezone: r.Timezone,
				StartWindow:      tfMinutes(cmp.Or(r.StartWindow, backup.DefaultStartWindow)),
				CompletionWindow: tfMinutes(cmp.Or(r.CompletionWindow, backup.DefaultCompletionWindow)),
				Lifecycle:        tfLifecycleOf(r.Lifecycle), RecoveryPointTags: r.RecoveryPointTags, TargetAirGappedVaultARN: r.AirGappedVaultARN}
			if len(tr.RecoveryPointTags) == 0 {
				tr.RecoveryPointTags = nil
			}
			if r.ContinuousBackup {
				t := true
				tr.EnableContinuousBackup = &t
			}
			for _, c := range r.CopyActions {
				tr.CopyAction = append(tr.CopyAction, tfCopy{DestinationVaultARN: c.DestinationVaultARN, Lifecycle: tfLifecycleOf(c.Lifecycle)})
			}
			for _, a := range r.ScanActions {
				tr.ScanAction = append(tr.ScanAction, tfScanAction(a))
			}
			tp.Rule = append(tp.Rule, tr)
		}
		for _, a := range p.AdvancedSettings {
			tp.AdvancedBackupSetting = append(tp.AdvancedBackupSetting, tfAdv{ResourceType: a.ResourceType, BackupOptions: a.currentOptions()})
		}
		for _, ss := range p.ScanSettings {
			tp.ScanSetting = append(tp.ScanSetting, tfScanSetting(ss))
		}
		plans[label] = tp
		for _, s := range sp.Selections {
			sl := label + "_" + tfLabel(s.Name)
			if _, dup := sels[sl]; dup {
				return nil, fmt.Errorf("marshal Terraform: two selections map to resource label %q", sl)
			}
			ts := tfSelection{Name: s.Name, PlanID: "${aws_backup_plan." + label + ".id}", IAMRoleARN: s.IAMRole,
				Resources: s.Resources, NotResources: s.NotResources}
			for _, t := range s.ListOfTags {
				ts.SelectionTag = append(ts.SelectionTag, tfSelTag{Type: "STRINGEQUALS", Key: t.Key, Value: t.Value})
			}
			if len(s.Conditions) > 0 {
				var c tfCondition
				for _, x := range s.Conditions {
					kv := tfKV{Key: x.Key, Value: x.Value}
					switch x.Op {
					case StringEquals:
						c.StringEquals = append(c.StringEquals, kv)
					case StringNotEquals:
						c.StringNotEquals = append(c.StringNotEquals, kv)
					case StringLike:
						c.StringLike = append(c.StringLike, kv)
					case StringNotLike:
						c.StringNotLike = append(c.StringNotLike, kv)
					default:
						return nil, fmt.Errorf("marshal Terraform: selection %s: unknown condition operator %q", s.Name, x.Op)
					}
				}
				ts.Condition = tfBlocks[tfCondition]{c}
			}
			sels[sl] = ts
		}
	}
	res := map[string]any{"aws_backup_plan": plans}
	if len(sels) > 0 {
		res["aws_backup_selection"] = sels
	}
	return marshalIndent(map[string]any{"resource": res})
}

func tfMinutes(d time.Duration) *tfInt {
	if d == 0 {
		return nil
	}
	v := tfInt(d / time.Minute)
	return &v
}

// tfWindow is a rule window as Terraform sends it: def when the argument
// is absent.
func tfWindow(pr *problems, field string, v *tfInt, def time.Duration) time.Duration {
	if v == nil {
		return def
	}
	return wireMinutes(pr, field, (*int64)(v))
}

func tfLifecycleOf(l backup.Lifecycle) tfBlocks[tfLifecycle] {
	if l.IsZero() {
		return nil
	}
	var out tfLifecycle
	if l.MoveToColdStorageAfter != 0 {
		v := tfInt(daysOf(l.MoveToColdStorageAfter))
		out.ColdStorageAfter = &v
	}
	if l.DeleteAfter != 0 {
		v := tfInt(daysOf(l.DeleteAfter))
		out.DeleteAfter = &v
	}
	if l.OptInToArchive {
		t := true
		out.OptInToArchive = &t
	}
	return tfBlocks[tfLifecycle]{out}
}

var tfVaultRef = regexp.MustCompile(`^\$\{aws_backup_vault\.([A-Za-z_][A-Za-z0-9_-]*)\.name\}$`)
var tfPlanRef = regexp.MustCompile(`^\$\{aws_backup_plan\.([A-Za-z_][A-Za-z0-9_-]*)\.id\}$`)

// ParseTerraform parses the aws_backup_plan and aws_backup_selection
// resources of a Terraform JSON file, in resource-label order. Unknown
// arguments of those resources are errors. The result is not validated.
func ParseTerraform(data []byte) ([]Spec, error) {
	var f tfFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse Terraform JSON: %w", err)
	}
	vaults := map[string]string{}
	for label, raw := range f.Resource["aws_backup_vault"] {
		var v struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(raw, &v) == nil && v.Name != "" {
			vaults[label] = v.Name
		}
	}
	resolveVault := func(s string) string {
		if m := tfVaultRef.FindStringSubmatch(s); m != nil {
			if name, ok := vaults[m[1]]; ok {
				return name
			}
		}
		return s
	}
	var pr problems
	byLabel := map[string]*Spec{}
	var labels []string
	for label, raw := range f.Resource["aws_backup_plan"] {
		var tp tfPlan
		if err := decodeStrict(raw, &tp); err != nil {
			return nil, fmt.Errorf("parse Terraform JSON: aws_backup_plan.%s: %w", label, err)
		}
		p := &Plan{Name: tp.Name, Tags: tp.Tags}
		for _, tr := range tp.Rule {
			r := Rule{Name: tr.RuleName, TargetVault: resolveVault(tr.TargetVaultName), Schedule: tr.Schedule, Timezone: tr.Timezone,
				StartWindow:      tfWindow(&pr, fmt.Sprintf("aws_backup_plan.%s.rule[%d].start_window", label, len(p.Rules)), tr.StartWindow, tfDefaultStartWindow),
				CompletionWindow: tfWindow(&pr, fmt.Sprintf("aws_backup_plan.%s.rule[%d].completion_window", label, len(p.Rules)), tr.CompletionWindow, tfDefaultCompletionWindow),
				Lifecycle:        tfLifecycleFrom(tr.Lifecycle), RecoveryPointTags: tr.RecoveryPointTags,
				ContinuousBackup: tr.EnableContinuousBackup != nil && *tr.EnableContinuousBackup, AirGappedVaultARN: tr.TargetAirGappedVaultARN}
			for _, c := range tr.CopyAction {
				r.CopyActions = append(r.CopyActions, CopyAction{DestinationVaultARN: c.DestinationVaultARN, Lifecycle: tfLifecycleFrom(c.Lifecycle)})
			}
			for _, a := range tr.ScanAction {
				r.ScanActions = append(r.ScanActions, ScanAction(a))
			}
			p.Rules = append(p.Rules, r)
		}
		for _, a := range tp.AdvancedBackupSetting {
			p.AdvancedSettings = append(p.AdvancedSettings, AdvancedSetting{ResourceType: a.ResourceType, Options: a.BackupOptions})
		}
		for _, ss := range tp.ScanSetting {
			p.ScanSettings = append(p.ScanSettings, ScanSetting(ss))
		}
		byLabel[label] = &Spec{Plan: p}
		labels = append(labels, label)
	}
	sort.Strings(labels)
	selLabels := sortedKeys(f.Resource["aws_backup_selection"])
	for _, label := range selLabels {
		var ts tfSelection
		if err := decodeStrict(f.Resource["aws_backup_selection"][label], &ts); err != nil {
			return nil, fmt.Errorf("parse Terraform JSON: aws_backup_selection.%s: %w", label, err)
		}
		m := tfPlanRef.FindStringSubmatch(ts.PlanID)
		if m == nil || byLabel[m[1]] == nil {
			return nil, fmt.Errorf("parse Terraform JSON: aws_backup_selection.%s: plan_id must reference an aws_backup_plan in this file (\"${aws_backup_plan.LABEL.id}\"), got %q", label, ts.PlanID)
		}
		s := &Selection{Name: ts.Name, IAMRole: ts.IAMRoleARN, Resources: ts.Resources, NotResources: ts.NotResources}
		for i, t := range ts.SelectionTag {
			if t.Type != "STRINGEQUALS" {
				return nil, fmt.Errorf("parse Terraform JSON: aws_backup_selection.%s: selection_tag[%d].type must be STRINGEQUALS, got %q", label, i, t.Type)
			}
			s.ListOfTags = append(s.ListOfTags, TagCondition{Key: t.Key, Value: t.Value})
		}
		for _, c := range ts.Condition {
			add := func(op ConditionOp, kvs tfBlocks[tfKV]) {
				for _, kv := range kvs {
					s.Conditions = append(s.Conditions, Condition{Op: op, Key: kv.Key, Value: kv.Value})
				}
			}
			add(StringEquals, c.StringEquals)
			add(StringNotEquals, c.StringNotEquals)
			add(StringLike, c.StringLike)
			add(StringNotLike, c.StringNotLike)
		}
		sp := byLabel[m[1]]
		sp.Selections = append(sp.Selections, s)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("parse Terraform JSON: no aws_backup_plan resources")
	}
	out := make([]Spec, 0, len(labels))
	for _, l := range labels {
		out = append(out, *byLabel[l])
	}
	return out, pr.err()
}

func tfLifecycleFrom(b tfBlocks[tfLifecycle]) backup.Lifecycle {
	if len(b) == 0 {
		return backup.Lifecycle{}
	}
	l := b[0]
	var out backup.Lifecycle
	if l.ColdStorageAfter != nil {
		out.MoveToColdStorageAfter = durationDays(int64(*l.ColdStorageAfter))
	}
	if l.DeleteAfter != nil {
		out.DeleteAfter = durationDays(int64(*l.DeleteAfter))
	}
	out.OptInToArchive = l.OptInToArchive != nil && *l.OptInToArchive
	return out
}
