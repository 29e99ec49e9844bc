package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/lifecycle"
)

// The AWS CLI's JSON shapes (create-backup-plan --backup-plan / --cli-input-json,
// create-backup-selection --backup-selection). Field order follows the API
// reference so that output reads like AWS's own examples.

type cliPlanFile struct {
	BackupPlan       *cliPlan          `json:"BackupPlan"`
	BackupPlanTags   map[string]string `json:"BackupPlanTags,omitempty"`
	CreatorRequestID *string           `json:"CreatorRequestId,omitempty"`

	// The rest of get-backup-plan's output (API_GetBackupPlan, Response
	// Syntax): read so that its output parses, never written.
	BackupPlanArn          *string              `json:"BackupPlanArn,omitempty"`
	BackupPlanID           *string              `json:"BackupPlanId,omitempty"`
	VersionID              *string              `json:"VersionId,omitempty"`
	CreationDate           json.RawMessage      `json:"CreationDate,omitempty"`
	DeletionDate           json.RawMessage      `json:"DeletionDate,omitempty"`
	LastExecutionDate      json.RawMessage      `json:"LastExecutionDate,omitempty"`
	ScheduledRunsPreview   json.RawMessage      `json:"ScheduledRunsPreview,omitempty"`
	AdvancedBackupSettings []cliAdvancedSetting `json:"AdvancedBackupSettings,omitempty"`
}

type cliPlan struct {
	BackupPlanName         string               `json:"BackupPlanName"`
	Rules                  []cliRule            `json:"Rules"`
	AdvancedBackupSettings []cliAdvancedSetting `json:"AdvancedBackupSettings,omitempty"`
	ScanSettings           []cliScanSetting     `json:"ScanSettings,omitempty"`
}

type cliScanSetting struct {
	MalwareScanner string                `json:"MalwareScanner,omitempty"`
	ResourceTypes  []backup.ResourceType `json:"ResourceTypes,omitempty"`
	ScannerRoleArn string                `json:"ScannerRoleArn,omitempty"`
}

type cliScanAction struct {
	MalwareScanner string `json:"MalwareScanner,omitempty"`
	ScanMode       string `json:"ScanMode,omitempty"`
}

type cliRule struct {
	// RuleId is in get-backup-plan's output only; it is read and dropped.
	RuleID                                 string            `json:"RuleId,omitempty"`
	RuleName                               string            `json:"RuleName"`
	TargetBackupVaultName                  string            `json:"TargetBackupVaultName"`
	ScheduleExpression                     string            `json:"ScheduleExpression,omitempty"`
	ScheduleExpressionTimezone             string            `json:"ScheduleExpressionTimezone,omitempty"`
	StartWindowMinutes                     *int64            `json:"StartWindowMinutes,omitempty"`
	CompletionWindowMinutes                *int64            `json:"CompletionWindowMinutes,omitempty"`
	Lifecycle                              *cliLifecycle     `json:"Lifecycle,omitempty"`
	RecoveryPointTags                      map[string]string `json:"RecoveryPointTags,omitempty"`
	CopyActions                            []cliCopyAction   `json:"CopyActions,omitempty"`
	EnableContinuousBackup                 *bool             `json:"EnableContinuousBackup,omitempty"`
	IndexActions                           []cliIndexAction  `json:"IndexActions,omitempty"`
	ScanActions                            []cliScanAction   `json:"ScanActions,omitempty"`
	TargetLogicallyAirGappedBackupVaultArn string            `json:"TargetLogicallyAirGappedBackupVaultArn,omitempty"`
}

type cliLifecycle struct {
	MoveToColdStorageAfterDays          *int64 `json:"MoveToColdStorageAfterDays,omitempty"`
	DeleteAfterDays                     *int64 `json:"DeleteAfterDays,omitempty"`
	OptInToArchiveForSupportedResources *bool  `json:"OptInToArchiveForSupportedResources,omitempty"`
	// DeleteAfterEvent is read only to be refused by name: AWS returns it
	// but takes it on no input (API_Lifecycle).
	DeleteAfterEvent string `json:"DeleteAfterEvent,omitempty"`
}

type cliCopyAction struct {
	DestinationBackupVaultArn string        `json:"DestinationBackupVaultArn"`
	Lifecycle                 *cliLifecycle `json:"Lifecycle,omitempty"`
}

type cliIndexAction struct {
	ResourceTypes []backup.ResourceType `json:"ResourceTypes"`
}

type cliAdvancedSetting struct {
	ResourceType  backup.ResourceType `json:"ResourceType"`
	BackupOptions map[string]string   `json:"BackupOptions"`
}

type cliSelectionFile struct {
	BackupPlanID     *string       `json:"BackupPlanId,omitempty"`
	BackupSelection  *cliSelection `json:"BackupSelection"`
	CreatorRequestID *string       `json:"CreatorRequestId,omitempty"`
}

type cliSelection struct {
	SelectionName string         `json:"SelectionName"`
	IamRoleArn    string         `json:"IamRoleArn"`
	Resources     []string       `json:"Resources,omitempty"`
	NotResources  []string       `json:"NotResources,omitempty"`
	ListOfTags    []cliTag       `json:"ListOfTags,omitempty"`
	Conditions    *cliConditions `json:"Conditions,omitempty"`
}

type cliTag struct {
	ConditionType  string `json:"ConditionType"`
	ConditionKey   string `json:"ConditionKey"`
	ConditionValue string `json:"ConditionValue"`
}

type cliCondParam struct {
	ConditionKey   string `json:"ConditionKey"`
	ConditionValue string `json:"ConditionValue"`
}

type cliConditions struct {
	StringEquals    []cliCondParam `json:"StringEquals,omitempty"`
	StringNotEquals []cliCondParam `json:"StringNotEquals,omitempty"`
	StringLike      []cliCondParam `json:"StringLike,omitempty"`
	StringNotLike   []cliCondParam `json:"StringNotLike,omitempty"`
}

// MarshalCLI renders p as the AWS CLI's create-backup-plan input,
// {"BackupPlan": …, "BackupPlanTags": …}, indented, with a trailing
// newline: `aws backup create-backup-plan --cli-input-json file://plan.json`.
func MarshalCLI(p *Plan) ([]byte, error) {
	f := cliPlanFile{BackupPlan: planToCLI(p), BackupPlanTags: p.Tags}
	if len(f.BackupPlanTags) == 0 {
		f.BackupPlanTags = nil
	}
	return marshalIndent(f)
}

func marshalIndent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ParseCLI parses an AWS CLI backup plan document: either the bare plan
// (`--backup-plan file://plan.json`, {"BackupPlanName": …, "Rules": …}),
// the wrapper {"BackupPlan": …, "BackupPlanTags": …, "CreatorRequestId": …},
// or the output of `aws backup get-backup-plan` (its IDs, dates, versions
// and run preview are read and dropped). Unknown fields are errors. The plan is not validated; call Validate.
// Explicit zero windows or lifecycle days, which AWS rejects, are reported
// as *ValidationError.
func ParseCLI(data []byte) (*Plan, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("parse AWS CLI plan JSON: %w", err)
	}
	if _, ok := probe["BackupPlan"]; ok {
		var f cliPlanFile
		if err := decodeStrict(data, &f); err != nil {
			return nil, fmt.Errorf("parse AWS CLI plan JSON: %w", err)
		}
		if f.BackupPlan == nil {
			return nil, fmt.Errorf("parse AWS CLI plan JSON: BackupPlan is null")
		}
		if len(f.BackupPlan.AdvancedBackupSettings) == 0 {
			f.BackupPlan.AdvancedBackupSettings = f.AdvancedBackupSettings
		}
		p, err := planFromCLI(f.BackupPlan)
		if p != nil {
			p.Tags = f.BackupPlanTags
		}
		return p, err
	}
	var bp cliPlan
	if err := decodeStrict(data, &bp); err != nil {
		return nil, fmt.Errorf("parse AWS CLI plan JSON: %w", err)
	}
	return planFromCLI(&bp)
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("unexpected data after the JSON document")
	}
	return nil
}

func planToCLI(p *Plan) *cliPlan {
	out := &cliPlan{BackupPlanName: p.Name, Rules: []cliRule{}}
	for _, r := range p.Rules {
		cr := cliRule{
			RuleName: r.Name, TargetBackupVaultName: r.TargetVault,
			ScheduleExpression: r.Schedule, ScheduleExpressionTimezone: r.Timezone,
			StartWindowMinutes: minutesPtr(r.StartWindow), CompletionWindowMinutes: minutesPtr(r.CompletionWindow),
			Lifecycle: lifecycleToCLI(r.Lifecycle), RecoveryPointTags: r.RecoveryPointTags,
			TargetLogicallyAirGappedBackupVaultArn: r.AirGappedVaultARN,
		}
		if len(cr.RecoveryPointTags) == 0 {
			cr.RecoveryPointTags = nil
		}
		if r.ContinuousBackup {
			t := true
			cr.EnableContinuousBackup = &t
		}
		for _, c := range r.CopyActions {
			cr.CopyActions = append(cr.CopyActions, cliCopyAction{DestinationBackupVaultArn: c.DestinationVaultARN, Lifecycle: lifecycleToCLI(c.Lifecycle)})
		}
		for _, a := range r.IndexActions {
			cr.IndexActions = append(cr.IndexActions, cliIndexAction{ResourceTypes: a.ResourceTypes})
		}
		for _, a := range r.ScanActions {
			cr.ScanActions = append(cr.ScanActions, cliScanAction{MalwareScanner: a.MalwareScanner, ScanMode: a.ScanMode})
		}
		out.Rules = append(out.Rules, cr)
	}
	for _, a := range p.AdvancedSettings {
		out.AdvancedBackupSettings = append(out.AdvancedBackupSettings, cliAdvancedSetting{ResourceType: a.ResourceType, BackupOptions: a.currentOptions()})
	}
	for _, ss := range p.ScanSettings {
		out.ScanSettings = append(out.ScanSettings, cliScanSetting{MalwareScanner: ss.MalwareScanner, ResourceTypes: ss.ResourceTypes, ScannerRoleArn: ss.ScannerRoleARN})
	}
	return out
}

func minutesPtr(d time.Duration) *int64 {
	if d == 0 {
		return nil
	}
	m := int64(d / time.Minute)
	return &m
}

func lifecycleToCLI(l backup.Lifecycle) *cliLifecycle {
	if l.IsZero() {
		return nil
	}
	out := &cliLifecycle{}
	if l.MoveToColdStorageAfter != 0 {
		v := daysOf(l.MoveToColdStorageAfter)
		out.MoveToColdStorageAfterDays = &v
	}
	if l.DeleteAfter != 0 {
		v := daysOf(l.DeleteAfter)
		out.DeleteAfterDays = &v
	}
	if l.OptInToArchive {
		t := true
		out.OptInToArchiveForSupportedResources = &t
	}
	return out
}

// wireLimits rejects values that the Go types cannot carry faithfully.
const maxWireMinutes = int64(MaxWindow / time.Minute)

func planFromCLI(bp *cliPlan) (*Plan, error) {
	var pr problems
	p := &Plan{Name: bp.BackupPlanName}
	for i, cr := range bp.Rules {
		rf := idx("Rules", i)
		r := Rule{Name: cr.RuleName, TargetVault: cr.TargetBackupVaultName, Schedule: cr.ScheduleExpression,
			Timezone: cr.ScheduleExpressionTimezone, RecoveryPointTags: cr.RecoveryPointTags,
			AirGappedVaultARN: cr.TargetLogicallyAirGappedBackupVaultArn,
			StartWindow:       wireMinutes(&pr, rf+".StartWindowMinutes", cr.StartWindowMinutes),
			CompletionWindow:  wireMinutes(&pr, rf+".CompletionWindowMinutes", cr.CompletionWindowMinutes),
			Lifecycle:         lifecycleFromCLI(&pr, rf+".Lifecycle", cr.Lifecycle),
			ContinuousBackup:  cr.EnableContinuousBackup != nil && *cr.EnableContinuousBackup,
		}
		for j, c := range cr.CopyActions {
			r.CopyActions = append(r.CopyActions, CopyAction{DestinationVaultARN: c.DestinationBackupVaultArn,
				Lifecycle: lifecycleFromCLI(&pr, fmt.Sprintf("%s.CopyActions[%d].Lifecycle", rf, j), c.Lifecycle)})
		}
		for _, a := range cr.IndexActions {
			r.IndexActions = append(r.IndexActions, IndexAction{ResourceTypes: a.ResourceTypes})
		}
		for _, a := range cr.ScanActions {
			r.ScanActions = append(r.ScanActions, ScanAction{MalwareScanner: a.MalwareScanner, ScanMode: a.ScanMode})
		}
		p.Rules = append(p.Rules, r)
	}
	for _, a := range bp.AdvancedBackupSettings {
		p.AdvancedSettings = append(p.AdvancedSettings, AdvancedSetting{ResourceType: a.ResourceType, Options: a.BackupOptions})
	}
	for _, ss := range bp.ScanSettings {
		p.ScanSettings = append(p.ScanSettings, ScanSetting{MalwareScanner: ss.MalwareScanner, ResourceTypes: ss.ResourceTypes, ScannerRoleARN: ss.ScannerRoleArn})
	}
	return p, pr.err()
}

func wireMinutes(pr *problems, field string, v *int64) time.Duration {
	switch {
	case v == nil:
		return 0
	case *v <= 0:
		pr.add(field, "must be a positive number of minutes, got %d", *v)
		return 0
	case *v > maxWireMinutes:
		pr.add(field, "must be at most 52,560,000 minutes (100 years), got %d", *v)
		return 0
	}
	return time.Duration(*v) * time.Minute
}

func wireDays(pr *problems, field string, v *int64) time.Duration {
	switch {
	case v == nil:
		return 0
	case *v == 0:
		pr.add(field, "must be 1-%d days, or -1 to keep forever, got 0", MaxLifecycleDays)
		return 0
	case *v < -1 || *v > maxWireDays:
		pr.add(field, "must be 1-%d days, or -1 to keep forever, got %d", MaxLifecycleDays, *v)
		return 0
	}
	return durationDays(*v)
}

func lifecycleFromCLI(pr *problems, field string, l *cliLifecycle) backup.Lifecycle {
	if l == nil {
		return backup.Lifecycle{}
	}
	for _, p := range lifecycle.Check(&lifecycle.Lifecycle{DeleteAfterEvent: l.DeleteAfterEvent}, false) {
		if p.Field == "DeleteAfterEvent" {
			pr.add(field+".DeleteAfterEvent", "%s", p.Reason)
		}
	}
	return backup.Lifecycle{
		MoveToColdStorageAfter: wireDays(pr, field+".MoveToColdStorageAfterDays", l.MoveToColdStorageAfterDays),
		DeleteAfter:            wireDays(pr, field+".DeleteAfterDays", l.DeleteAfterDays),
		OptInToArchive:         l.OptInToArchiveForSupportedResources != nil && *l.OptInToArchiveForSupportedResources,
	}
}

// MarshalCLISelection renders s as the AWS CLI's create-backup-selection
// input, {"BackupSelection": …} (with "BackupPlanId" when planID is set).
func MarshalCLISelection(s *Selection, planID string) ([]byte, error) {
	f := cliSelectionFile{BackupSelection: selectionToCLI(s)}
	if planID != "" {
		f.BackupPlanID = &planID
	}
	return marshalIndent(f)
}

// ParseCLISelection parses a backup selection in the AWS CLI's JSON: bare
// ({"SelectionName": …}) or wrapped ({"BackupSelection": …}). Unknown
// fields are errors; ListOfTags entries must be STRINGEQUALS.
func ParseCLISelection(data []byte) (*Selection, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("parse AWS CLI selection JSON: %w", err)
	}
	var cs *cliSelection
	if _, ok := probe["BackupSelection"]; ok {
		var f cliSelectionFile
		if err := decodeStrict(data, &f); err != nil {
			return nil, fmt.Errorf("parse AWS CLI selection JSON: %w", err)
		}
		cs = f.BackupSelection
	} else {
		cs = &cliSelection{}
		if err := decodeStrict(data, cs); err != nil {
			return nil, fmt.Errorf("parse AWS CLI selection JSON: %w", err)
		}
	}
	if cs == nil {
		return nil, fmt.Errorf("parse AWS CLI selection JSON: BackupSelection is null")
	}
	return selectionFromCLI(cs)
}

func selectionToCLI(s *Selection) *cliSelection {
	out := &cliSelection{SelectionName: s.Name, IamRoleArn: s.IAMRole, Resources: s.Resources, NotResources: s.NotResources}
	for _, t := range s.ListOfTags {
		out.ListOfTags = append(out.ListOfTags, cliTag{ConditionType: "STRINGEQUALS", ConditionKey: t.Key, ConditionValue: t.Value})
	}
	if len(s.Conditions) > 0 {
		c := &cliConditions{}
		for _, x := range s.Conditions {
			p := cliCondParam{ConditionKey: x.Key, ConditionValue: x.Value}
			switch x.Op {
			case StringEquals:
				c.StringEquals = append(c.StringEquals, p)
			case StringNotEquals:
				c.StringNotEquals = append(c.StringNotEquals, p)
			case StringLike:
				c.StringLike = append(c.StringLike, p)
			case StringNotLike:
				c.StringNotLike = append(c.StringNotLike, p)
			}
		}
		out.Conditions = c
	}
	return out
}

func selectionFromCLI(cs *cliSelection) (*Selection, error) {
	var pr problems
	s := &Selection{Name: cs.SelectionName, IAMRole: cs.IamRoleArn, Resources: cs.Resources, NotResources: cs.NotResources}
	for i, t := range cs.ListOfTags {
		if t.ConditionType != "STRINGEQUALS" {
			pr.add(idx("ListOfTags", i)+".ConditionType", "ListOfTags supports only STRINGEQUALS, got %q", t.ConditionType)
		}
		s.ListOfTags = append(s.ListOfTags, TagCondition{Key: t.ConditionKey, Value: t.ConditionValue})
	}
	if c := cs.Conditions; c != nil {
		add := func(op ConditionOp, ps []cliCondParam) {
			for _, p := range ps {
				s.Conditions = append(s.Conditions, Condition{Op: op, Key: p.ConditionKey, Value: p.ConditionValue})
			}
		}
		add(StringEquals, c.StringEquals)
		add(StringNotEquals, c.StringNotEquals)
		add(StringLike, c.StringLike)
		add(StringNotLike, c.StringNotLike)
	}
	return s, pr.err()
}
