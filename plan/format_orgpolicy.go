package plan

import (
	"github.com/backupkit/backupkit/backup"

	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// AWS Organizations backup policies (policy type BACKUP_POLICY). Each plan
// is keyed by its name under "plans"; every value is set with "@@assign";
// numbers and booleans are strings; tag maps are keyed by the lower-cased
// tag key and hold {"tag_key", "tag_value"}; copy actions are keyed by the
// destination vault ARN; ARNs may contain "$account", which
// Organizations replaces with each member account's ID (kept verbatim
// here, and accepted by Validate). Supported keys:
//
//	plans.NAME.regions
//	plans.NAME.rules.RULE.{schedule_expression, schedule_expression_timezone,
//	  start_backup_window_minutes, complete_backup_window_minutes,
//	  enable_continuous_backup, target_backup_vault_name,
//	  recovery_point_tags, lifecycle{move_to_cold_storage_after_days,
//	  delete_after_days, opt_in_to_archive_for_supported_resources},
//	  copy_actions.ARN{target_backup_vault_arn, lifecycle}}
//	plans.NAME.selections.tags.ID{iam_role_arn, tag_key, tag_value[]}
//	plans.NAME.advanced_backup_settings.ec2.windows_vss
//	plans.NAME.backup_plan_tags
//
// A tag selection becomes a Selection named ID whose ListOfTags holds
// tag_key with each tag_value (OR). ParseOrgPolicy reads the effective
// form: "@@append" and "@@remove" are reported as errors, and
// "@@operators_allowed_for_child_policies" is ignored.

// MarshalOrgPolicy renders specs as an Organizations backup policy.
// It fails for what the policy syntax cannot express: index actions,
// air-gapped vault targets, S3 advanced settings, and selections that use
// anything but one tag key (Resources, NotResources, Conditions).
func MarshalOrgPolicy(specs ...Spec) ([]byte, error) {
	plans := map[string]any{}
	for _, sp := range specs {
		p := sp.Plan
		if p == nil {
			return nil, fmt.Errorf("marshal org policy: spec without a plan")
		}
		if _, dup := plans[p.Name]; dup {
			return nil, fmt.Errorf("marshal org policy: duplicate plan name %q", p.Name)
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("marshal org policy: plan %s: %s", p.Name, fmt.Sprintf(format, args...))
		}
		if len(p.ScanSettings) > 0 {
			return nil, fail("backup policies have no scan settings")
		}
		rules := map[string]any{}
		for _, r := range p.Rules {
			if len(r.IndexActions) > 0 {
				return nil, fail("rule %s: backup policies have no index actions", r.Name)
			}
			if len(r.ScanActions) > 0 {
				return nil, fail("rule %s: backup policies have no scan actions", r.Name)
			}
			if r.AirGappedVaultARN != "" {
				return nil, fail("rule %s: backup policies have no air-gapped vault target", r.Name)
			}
			or := map[string]any{"target_backup_vault_name": assign(r.TargetVault)}
			if r.Schedule != "" {
				or["schedule_expression"] = assign(r.Schedule)
			}
			if r.Timezone != "" {
				or["schedule_expression_timezone"] = assign(r.Timezone)
			}
			if r.StartWindow != 0 {
				or["start_backup_window_minutes"] = assign(strconv.FormatInt(int64(r.StartWindow/time.Minute), 10))
			}
			if r.CompletionWindow != 0 {
				or["complete_backup_window_minutes"] = assign(strconv.FormatInt(int64(r.CompletionWindow/time.Minute), 10))
			}
			if r.ContinuousBackup {
				or["enable_continuous_backup"] = assign("true")
			}
			if l := orgLifecycle(r.Lifecycle); l != nil {
				or["lifecycle"] = l
			}
			if len(r.RecoveryPointTags) > 0 {
				t, err := orgTags(r.RecoveryPointTags)
				if err != nil {
					return nil, fail("rule %s: %v", r.Name, err)
				}
				or["recovery_point_tags"] = t
			}
			if len(r.CopyActions) > 0 {
				cas := map[string]any{}
				for _, c := range r.CopyActions {
					ca := map[string]any{"target_backup_vault_arn": assign(c.DestinationVaultARN)}
					if l := orgLifecycle(c.Lifecycle); l != nil {
						ca["lifecycle"] = l
					}
					cas[c.DestinationVaultARN] = ca
				}
				or["copy_actions"] = cas
			}
			rules[r.Name] = or
		}
		op := map[string]any{"rules": rules}
		if len(sp.Regions) > 0 {
			op["regions"] = assign(sp.Regions)
		}
		if len(p.Tags) > 0 {
			t, err := orgTags(p.Tags)
			if err != nil {
				return nil, fail("%v", err)
			}
			op["backup_plan_tags"] = t
		}
		for _, a := range p.AdvancedSettings {
			v, ok := a.Options["WindowsVSS"]
			if a.ResourceType != "EC2" || !ok || len(a.Options) != 1 {
				return nil, fail("backup policies support only the EC2 WindowsVSS advanced setting")
			}
			op["advanced_backup_settings"] = map[string]any{"ec2": map[string]any{"windows_vss": assign(v)}}
		}
		if len(sp.Selections) > 0 {
			tags := map[string]any{}
			for _, s := range sp.Selections {
				if len(s.Resources) > 0 || len(s.NotResources) > 0 || len(s.Conditions) > 0 || len(s.ListOfTags) == 0 {
					return nil, fail("selection %s: backup policies select by tag only (ListOfTags with one key)", s.Name)
				}
				key := s.ListOfTags[0].Key
				var values []string
				for _, t := range s.ListOfTags {
					if t.Key != key {
						return nil, fail("selection %s: backup policies select by one tag key per selection, got %q and %q", s.Name, key, t.Key)
					}
					values = append(values, t.Value)
				}
				id := strings.ToLower(s.Name)
				if _, dup := tags[id]; dup {
					return nil, fail("selection %s: duplicate selection identifier %q", s.Name, id)
				}
				tags[id] = map[string]any{"iam_role_arn": assign(s.IAMRole), "tag_key": assign(strings.TrimPrefix(key, ResourceTagPrefix)), "tag_value": assign(values)}
			}
			op["selections"] = map[string]any{"tags": tags}
		}
		plans[p.Name] = op
	}
	return marshalIndent(map[string]any{"plans": plans})
}

func assign(v any) map[string]any { return map[string]any{"@@assign": v} }

func orgLifecycle(l backup.Lifecycle) map[string]any {
	if l.IsZero() {
		return nil
	}
	m := map[string]any{}
	if l.MoveToColdStorageAfter != 0 {
		m["move_to_cold_storage_after_days"] = assign(strconv.FormatInt(daysOf(l.MoveToColdStorageAfter), 10))
	}
	if l.DeleteAfter != 0 {
		m["delete_after_days"] = assign(strconv.FormatInt(daysOf(l.DeleteAfter), 10))
	}
	if l.OptInToArchive {
		m["opt_in_to_archive_for_supported_resources"] = assign("true")
	}
	return m
}

func orgTags(tags map[string]string) (map[string]any, error) {
	out := map[string]any{}
	for _, k := range sortedKeys(tags) {
		id := strings.ToLower(k)
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("tag keys %q collide when lower-cased for the policy", id)
		}
		out[id] = map[string]any{"tag_key": assign(k), "tag_value": assign(tags[k])}
	}
	return out, nil
}

// orgNode is a JSON object of a policy, read key by key.
type orgNode struct {
	path string
	m    map[string]json.RawMessage
}

func orgObject(path string, raw json.RawMessage) (*orgNode, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fmt.Errorf("%s: want a JSON object", path)
	}
	delete(m, "@@operators_allowed_for_child_policies")
	return &orgNode{path: path, m: m}, nil
}

// take removes and returns key (nil when absent).
func (n *orgNode) take(key string) json.RawMessage {
	v := n.m[key]
	delete(n.m, key)
	return v
}

func (n *orgNode) done() error {
	if len(n.m) == 0 {
		return nil
	}
	return fmt.Errorf("%s: unknown key %q", n.path, sortedKeys(n.m)[0])
}

// assigned returns the @@assign value of the node at path.
func assigned(path string, raw json.RawMessage) (json.RawMessage, error) {
	if raw == nil {
		return nil, fmt.Errorf("%s: is required", path)
	}
	n, err := orgObject(path, raw)
	if err != nil {
		return nil, err
	}
	for _, op := range []string{"@@append", "@@remove"} {
		if _, ok := n.m[op]; ok {
			return nil, fmt.Errorf("%s: %s is an inheritance operator; give the effective policy with @@assign", path, op)
		}
	}
	v := n.take("@@assign")
	if v == nil {
		return nil, fmt.Errorf("%s: want {\"@@assign\": …}", path)
	}
	return v, n.done()
}

func orgString(path string, raw json.RawMessage) (string, error) {
	v, err := assigned(path, raw)
	if err != nil {
		return "", err
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", fmt.Errorf("%s: want a string", path)
	}
	return s, nil
}

func orgStrings(path string, raw json.RawMessage) ([]string, error) {
	v, err := assigned(path, raw)
	if err != nil {
		return nil, err
	}
	var ss []string
	if err := json.Unmarshal(v, &ss); err != nil {
		var s string
		if json.Unmarshal(v, &s) != nil {
			return nil, fmt.Errorf("%s: want a list of strings", path)
		}
		ss = []string{s}
	}
	return ss, nil
}

func orgInt(path string, raw json.RawMessage) (int64, error) {
	v, err := assigned(path, raw)
	if err != nil {
		return 0, err
	}
	s := strings.Trim(string(v), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: want a whole number (as a string), got %s", path, v)
	}
	return n, nil
}

func orgBool(path string, raw json.RawMessage) (bool, error) {
	v, err := assigned(path, raw)
	if err != nil {
		return false, err
	}
	switch strings.Trim(string(v), `"`) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%s: want \"true\" or \"false\", got %s", path, v)
}

// ParseOrgPolicy parses an Organizations backup policy into one Spec per
// plan (sorted by name), with Regions from "regions". Unknown keys are
// errors. The result is not validated.
func ParseOrgPolicy(data []byte) ([]Spec, error) {
	top, err := orgObject("policy", data)
	if err != nil {
		return nil, fmt.Errorf("parse org policy: %w", err)
	}
	rawPlans := top.take("plans")
	if err := top.done(); err != nil {
		return nil, fmt.Errorf("parse org policy: %w", err)
	}
	if rawPlans == nil {
		return nil, fmt.Errorf("parse org policy: no \"plans\" key")
	}
	plans, err := orgObject("plans", rawPlans)
	if err != nil {
		return nil, fmt.Errorf("parse org policy: %w", err)
	}
	var out []Spec
	for _, name := range sortedKeys(plans.m) {
		sp, err := orgPlan(name, plans.m[name])
		if err != nil {
			return nil, fmt.Errorf("parse org policy: %w", err)
		}
		out = append(out, sp)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("parse org policy: no plans")
	}
	return out, nil
}

func orgPlan(name string, raw json.RawMessage) (Spec, error) {
	path := "plans." + name
	n, err := orgObject(path, raw)
	if err != nil {
		return Spec{}, err
	}
	p := &Plan{Name: name}
	sp := Spec{Plan: p}
	if v := n.take("regions"); v != nil {
		if sp.Regions, err = orgStrings(path+".regions", v); err != nil {
			return Spec{}, err
		}
	}
	if v := n.take("backup_plan_tags"); v != nil {
		if p.Tags, err = orgTagMap(path+".backup_plan_tags", v); err != nil {
			return Spec{}, err
		}
	}
	if v := n.take("advanced_backup_settings"); v != nil {
		abs, err := orgObject(path+".advanced_backup_settings", v)
		if err != nil {
			return Spec{}, err
		}
		if ec2 := abs.take("ec2"); ec2 != nil {
			en, err := orgObject(path+".advanced_backup_settings.ec2", ec2)
			if err != nil {
				return Spec{}, err
			}
			vss, err := orgString(path+".advanced_backup_settings.ec2.windows_vss", en.take("windows_vss"))
			if err != nil {
				return Spec{}, err
			}
			if err := en.done(); err != nil {
				return Spec{}, err
			}
			p.AdvancedSettings = append(p.AdvancedSettings, AdvancedSetting{ResourceType: "EC2", Options: map[string]string{"WindowsVSS": vss}})
		}
		if err := abs.done(); err != nil {
			return Spec{}, err
		}
	}
	if v := n.take("selections"); v != nil {
		sels, err := orgObject(path+".selections", v)
		if err != nil {
			return Spec{}, err
		}
		if tv := sels.take("tags"); tv != nil {
			tags, err := orgObject(path+".selections.tags", tv)
			if err != nil {
				return Spec{}, err
			}
			for _, id := range sortedKeys(tags.m) {
				sp2 := path + ".selections.tags." + id
				sn, err := orgObject(sp2, tags.m[id])
				if err != nil {
					return Spec{}, err
				}
				s := &Selection{Name: id}
				if s.IAMRole, err = orgString(sp2+".iam_role_arn", sn.take("iam_role_arn")); err != nil {
					return Spec{}, err
				}
				key, err := orgString(sp2+".tag_key", sn.take("tag_key"))
				if err != nil {
					return Spec{}, err
				}
				values, err := orgStrings(sp2+".tag_value", sn.take("tag_value"))
				if err != nil {
					return Spec{}, err
				}
				if err := sn.done(); err != nil {
					return Spec{}, err
				}
				for _, val := range values {
					s.ListOfTags = append(s.ListOfTags, TagCondition{Key: key, Value: val})
				}
				sp.Selections = append(sp.Selections, s)
			}
		}
		if err := sels.done(); err != nil {
			return Spec{}, err
		}
	}
	rawRules := n.take("rules")
	if err := n.done(); err != nil {
		return Spec{}, err
	}
	if rawRules == nil {
		return sp, nil
	}
	rules, err := orgObject(path+".rules", rawRules)
	if err != nil {
		return Spec{}, err
	}
	for _, rn := range sortedKeys(rules.m) {
		r, err := orgRule(path+".rules."+rn, rn, rules.m[rn])
		if err != nil {
			return Spec{}, err
		}
		p.Rules = append(p.Rules, r)
	}
	return sp, nil
}

func orgRule(path, name string, raw json.RawMessage) (Rule, error) {
	n, err := orgObject(path, raw)
	if err != nil {
		return Rule{}, err
	}
	r := Rule{Name: name}
	str := func(key string, dst *string) error {
		if v := n.take(key); v != nil {
			s, err := orgString(path+"."+key, v)
			*dst = s
			return err
		}
		return nil
	}
	mins := func(key string, dst *time.Duration) error {
		if v := n.take(key); v != nil {
			m, err := orgInt(path+"."+key, v)
			if err != nil {
				return err
			}
			if m <= 0 || m > int64(MaxWindow/time.Minute) {
				return fmt.Errorf("%s.%s: must be 1-52560000 minutes, got %d", path, key, m)
			}
			*dst = time.Duration(m) * time.Minute
		}
		return nil
	}
	for _, e := range []error{
		str("schedule_expression", &r.Schedule), str("schedule_expression_timezone", &r.Timezone),
		str("target_backup_vault_name", &r.TargetVault),
		mins("start_backup_window_minutes", &r.StartWindow), mins("complete_backup_window_minutes", &r.CompletionWindow),
	} {
		if e != nil {
			return Rule{}, e
		}
	}
	if v := n.take("enable_continuous_backup"); v != nil {
		if r.ContinuousBackup, err = orgBool(path+".enable_continuous_backup", v); err != nil {
			return Rule{}, err
		}
	}
	if v := n.take("lifecycle"); v != nil {
		if r.Lifecycle, err = orgLifecycleFrom(path+".lifecycle", v); err != nil {
			return Rule{}, err
		}
	}
	if v := n.take("recovery_point_tags"); v != nil {
		if r.RecoveryPointTags, err = orgTagMap(path+".recovery_point_tags", v); err != nil {
			return Rule{}, err
		}
	}
	if v := n.take("copy_actions"); v != nil {
		cas, err := orgObject(path+".copy_actions", v)
		if err != nil {
			return Rule{}, err
		}
		keys := sortedKeys(cas.m)
		for _, k := range keys {
			cp := path + ".copy_actions." + k
			cn, err := orgObject(cp, cas.m[k])
			if err != nil {
				return Rule{}, err
			}
			arn, err := orgString(cp+".target_backup_vault_arn", cn.take("target_backup_vault_arn"))
			if err != nil {
				return Rule{}, err
			}
			if arn != k {
				return Rule{}, fmt.Errorf("%s: target_backup_vault_arn %q must equal the copy action's key", cp, arn)
			}
			ca := CopyAction{DestinationVaultARN: arn}
			if lv := cn.take("lifecycle"); lv != nil {
				if ca.Lifecycle, err = orgLifecycleFrom(cp+".lifecycle", lv); err != nil {
					return Rule{}, err
				}
			}
			if err := cn.done(); err != nil {
				return Rule{}, err
			}
			r.CopyActions = append(r.CopyActions, ca)
		}
	}
	return r, n.done()
}

func orgLifecycleFrom(path string, raw json.RawMessage) (backup.Lifecycle, error) {
	n, err := orgObject(path, raw)
	if err != nil {
		return backup.Lifecycle{}, err
	}
	var l backup.Lifecycle
	days := func(key string, dst *time.Duration) error {
		if v := n.take(key); v != nil {
			d, err := orgInt(path+"."+key, v)
			if err != nil {
				return err
			}
			if d == 0 || d < -1 || int64(d) > maxWireDays {
				return fmt.Errorf("%s.%s: must be 1-%d days, or -1 to keep forever, got %d", path, key, MaxLifecycleDays, d)
			}
			*dst = durationDays(int64(d))
		}
		return nil
	}
	if err := days("move_to_cold_storage_after_days", &l.MoveToColdStorageAfter); err != nil {
		return backup.Lifecycle{}, err
	}
	if err := days("delete_after_days", &l.DeleteAfter); err != nil {
		return backup.Lifecycle{}, err
	}
	if v := n.take("opt_in_to_archive_for_supported_resources"); v != nil {
		if l.OptInToArchive, err = orgBool(path+".opt_in_to_archive_for_supported_resources", v); err != nil {
			return backup.Lifecycle{}, err
		}
	}
	return l, n.done()
}

func orgTagMap(path string, raw json.RawMessage) (map[string]string, error) {
	n, err := orgObject(path, raw)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	ids := sortedKeys(n.m)
	sort.Strings(ids)
	for _, id := range ids {
		tn, err := orgObject(path+"."+id, n.m[id])
		if err != nil {
			return nil, err
		}
		k, err := orgString(path+"."+id+".tag_key", tn.take("tag_key"))
		if err != nil {
			return nil, err
		}
		v, err := orgString(path+"."+id+".tag_value", tn.take("tag_value"))
		if err != nil {
			return nil, err
		}
		if err := tn.done(); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}
