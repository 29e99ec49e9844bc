package plan

import (
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/limits"

	"errors"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// ToSDK converts p to the SDK's plan input, turning durations into AWS
// minutes and days. It does not validate; call Validate (or use Build)
// first.
func (p *Plan) ToSDK() *types.BackupPlanInput {
	in := &types.BackupPlanInput{BackupPlanName: aws.String(p.Name)}
	for _, r := range p.Rules {
		in.Rules = append(in.Rules, r.toSDK())
	}
	for _, a := range p.AdvancedSettings {
		in.AdvancedBackupSettings = append(in.AdvancedBackupSettings, types.AdvancedBackupSetting{
			ResourceType: aws.String(string(a.ResourceType)), BackupOptions: a.currentOptions()})
	}
	for _, ss := range p.ScanSettings {
		out := types.ScanSetting{MalwareScanner: types.MalwareScanner(ss.MalwareScanner), ResourceTypes: resourceTypeStrings(ss.ResourceTypes)}
		if ss.ScannerRoleARN != "" {
			out.ScannerRoleArn = aws.String(ss.ScannerRoleARN)
		}
		in.ScanSettings = append(in.ScanSettings, out)
	}
	return in
}

// CreateInput returns the CreateBackupPlan request for p, with the plan's
// tags and a deterministic CreatorRequestId (see CreatorRequestID).
func (p *Plan) CreateInput() *awsbackup.CreateBackupPlanInput {
	return &awsbackup.CreateBackupPlanInput{
		BackupPlan:       p.ToSDK(),
		BackupPlanTags:   maps.Clone(p.Tags),
		CreatorRequestId: aws.String(CreatorRequestID(p)),
	}
}

func (r Rule) toSDK() types.BackupRuleInput {
	out := types.BackupRuleInput{
		RuleName:              aws.String(r.Name),
		TargetBackupVaultName: aws.String(r.TargetVault),
		Lifecycle:             lifecycleToSDK(r.Lifecycle),
		RecoveryPointTags:     maps.Clone(r.RecoveryPointTags),
	}
	if r.Schedule != "" {
		out.ScheduleExpression = aws.String(r.Schedule)
	}
	if r.Timezone != "" {
		out.ScheduleExpressionTimezone = aws.String(r.Timezone)
	}
	if r.StartWindow > 0 {
		out.StartWindowMinutes = aws.Int64(int64(r.StartWindow / time.Minute))
	}
	if r.CompletionWindow > 0 {
		out.CompletionWindowMinutes = aws.Int64(int64(r.CompletionWindow / time.Minute))
	}
	if r.ContinuousBackup {
		out.EnableContinuousBackup = aws.Bool(true)
	}
	for _, c := range r.CopyActions {
		out.CopyActions = append(out.CopyActions, types.CopyAction{
			DestinationBackupVaultArn: aws.String(c.DestinationVaultARN), Lifecycle: lifecycleToSDK(c.Lifecycle)})
	}
	for _, a := range r.IndexActions {
		out.IndexActions = append(out.IndexActions, types.IndexAction{ResourceTypes: resourceTypeStrings(a.ResourceTypes)})
	}
	for _, a := range r.ScanActions {
		out.ScanActions = append(out.ScanActions, types.ScanAction{MalwareScanner: types.MalwareScanner(a.MalwareScanner), ScanMode: types.ScanMode(a.ScanMode)})
	}
	if r.AirGappedVaultARN != "" {
		out.TargetLogicallyAirGappedBackupVaultArn = aws.String(r.AirGappedVaultARN)
	}
	return out
}

func lifecycleToSDK(l backup.Lifecycle) *types.Lifecycle { return l.SDK() }

func lifecycleFromSDK(l *types.Lifecycle) backup.Lifecycle {
	if l == nil {
		return backup.Lifecycle{}
	}
	return backup.Lifecycle{
		MoveToColdStorageAfter: durationDays(aws.ToInt64(l.MoveToColdStorageAfterDays)),
		DeleteAfter:            durationDays(aws.ToInt64(l.DeleteAfterDays)),
		OptInToArchive:         aws.ToBool(l.OptInToArchiveForSupportedResources),
	}
}

// ErrNilPlan is returned by FromSDK and FromSDKInput for a nil plan.
var ErrNilPlan = errors.New("plan: nil backup plan")

// FromSDK converts a plan returned by AWS (GetBackupPlan) to a Plan, for
// Diff and coverage analysis. Rule IDs are dropped; plan tags are not part
// of types.BackupPlan and stay empty.
func FromSDK(bp *types.BackupPlan) (*Plan, error) {
	if bp == nil {
		return nil, ErrNilPlan
	}
	p := &Plan{Name: aws.ToString(bp.BackupPlanName)}
	for _, r := range bp.Rules {
		p.Rules = append(p.Rules, ruleFromSDK(types.BackupRuleInput{
			RuleName: r.RuleName, TargetBackupVaultName: r.TargetBackupVaultName,
			CompletionWindowMinutes: r.CompletionWindowMinutes, CopyActions: r.CopyActions,
			EnableContinuousBackup: r.EnableContinuousBackup, IndexActions: r.IndexActions, ScanActions: r.ScanActions,
			Lifecycle: r.Lifecycle, RecoveryPointTags: r.RecoveryPointTags,
			ScheduleExpression: r.ScheduleExpression, ScheduleExpressionTimezone: r.ScheduleExpressionTimezone,
			StartWindowMinutes:                     r.StartWindowMinutes,
			TargetLogicallyAirGappedBackupVaultArn: r.TargetLogicallyAirGappedBackupVaultArn,
		}))
	}
	p.AdvancedSettings = advancedFromSDK(bp.AdvancedBackupSettings)
	p.ScanSettings = scanSettingsFromSDK(bp.ScanSettings)
	return p, nil
}

// FromSDKInput converts the SDK's plan input (as sent to CreateBackupPlan)
// to a Plan.
func FromSDKInput(in *types.BackupPlanInput) (*Plan, error) {
	if in == nil {
		return nil, ErrNilPlan
	}
	p := &Plan{Name: aws.ToString(in.BackupPlanName)}
	for _, r := range in.Rules {
		p.Rules = append(p.Rules, ruleFromSDK(r))
	}
	p.AdvancedSettings = advancedFromSDK(in.AdvancedBackupSettings)
	p.ScanSettings = scanSettingsFromSDK(in.ScanSettings)
	return p, nil
}

func advancedFromSDK(in []types.AdvancedBackupSetting) []AdvancedSetting {
	var out []AdvancedSetting
	for _, a := range in {
		out = append(out, AdvancedSetting{ResourceType: backup.ResourceType(aws.ToString(a.ResourceType)), Options: limits.AdvancedOptions(aws.ToString(a.ResourceType), a.BackupOptions)})
	}
	return out
}

func scanSettingsFromSDK(in []types.ScanSetting) []ScanSetting {
	var out []ScanSetting
	for _, ss := range in {
		out = append(out, ScanSetting{MalwareScanner: string(ss.MalwareScanner), ResourceTypes: resourceTypesOf(ss.ResourceTypes), ScannerRoleARN: aws.ToString(ss.ScannerRoleArn)})
	}
	return out
}

func ruleFromSDK(r types.BackupRuleInput) Rule {
	out := Rule{
		Name:              aws.ToString(r.RuleName),
		TargetVault:       aws.ToString(r.TargetBackupVaultName),
		Schedule:          aws.ToString(r.ScheduleExpression),
		Timezone:          aws.ToString(r.ScheduleExpressionTimezone),
		StartWindow:       time.Duration(aws.ToInt64(r.StartWindowMinutes)) * time.Minute,
		CompletionWindow:  time.Duration(aws.ToInt64(r.CompletionWindowMinutes)) * time.Minute,
		Lifecycle:         lifecycleFromSDK(r.Lifecycle),
		RecoveryPointTags: maps.Clone(r.RecoveryPointTags),
		ContinuousBackup:  aws.ToBool(r.EnableContinuousBackup),
		AirGappedVaultARN: aws.ToString(r.TargetLogicallyAirGappedBackupVaultArn),
	}
	for _, c := range r.CopyActions {
		out.CopyActions = append(out.CopyActions, CopyAction{
			DestinationVaultARN: aws.ToString(c.DestinationBackupVaultArn), Lifecycle: lifecycleFromSDK(c.Lifecycle)})
	}
	for _, a := range r.IndexActions {
		out.IndexActions = append(out.IndexActions, IndexAction{ResourceTypes: resourceTypesOf(a.ResourceTypes)})
	}
	for _, a := range r.ScanActions {
		out.ScanActions = append(out.ScanActions, ScanAction{MalwareScanner: string(a.MalwareScanner), ScanMode: string(a.ScanMode)})
	}
	return out
}

func resourceTypeStrings(ts []backup.ResourceType) []string {
	if ts == nil {
		return nil
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

func resourceTypesOf(ss []string) []backup.ResourceType {
	if ss == nil {
		return nil
	}
	out := make([]backup.ResourceType, len(ss))
	for i, s := range ss {
		out[i] = backup.ResourceType(s)
	}
	return out
}
