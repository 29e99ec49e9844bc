package backuptest

// Backup plan templates: ExportBackupPlanTemplate, GetBackupPlanFromJSON,
// GetBackupPlanFromTemplate and ListBackupPlanTemplates.
//
// Known difference: the built-in templates are five AWS-like presets with
// fixed ids (Daily-35day-Retention, Daily-Monthly-1yr,
// Daily-Weekly-Monthly-1yr, Daily-Weekly-Monthly-5yr,
// Daily-Weekly-Monthly-7yr), all targeting the vault "Default"; AWS's
// list and ids may differ.
//
// Known difference: GetBackupPlanFromJSON applies CreateBackupPlan's checks
// except that target vaults need not exist.

import (
	"bytes"
	"encoding/json"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

func (e *Emulator) registerTemplates() {
	e.register("ExportBackupPlanTemplate", handle(exportBackupPlanTemplate))
	e.register("GetBackupPlanFromJSON", handle(getBackupPlanFromJSON))
	e.register("GetBackupPlanFromTemplate", handle(getBackupPlanFromTemplate))
	e.register("ListBackupPlanTemplates", handle(listBackupPlanTemplates))
}

// planTemplate is one of the built-in backup plan templates.
type planTemplate struct {
	id, name string
	rules    []types.BackupRule
}

func templateRule(name, schedule string, cold, del int64) types.BackupRule {
	r := types.BackupRule{
		RuleName:                   aws.String(name),
		TargetBackupVaultName:      aws.String("Default"),
		ScheduleExpression:         aws.String(schedule),
		ScheduleExpressionTimezone: aws.String(planDefaultTimezone),
		StartWindowMinutes:         aws.Int64(planDefaultStartWindow),
		CompletionWindowMinutes:    aws.Int64(planDefaultCompletionWindow),
		Lifecycle:                  &types.Lifecycle{DeleteAfterDays: aws.Int64(del)},
	}
	if cold > 0 {
		r.Lifecycle.MoveToColdStorageAfterDays = aws.Int64(cold)
	}
	return r
}

const (
	dailyCron   = "cron(0 5 ? * * *)"
	weeklyCron  = "cron(0 5 ? * 7 *)"
	monthlyCron = "cron(0 5 1 * ? *)"
)

// builtinTemplates are the templates ListBackupPlanTemplates returns, in order.
func builtinTemplates() []planTemplate {
	return []planTemplate{
		{"87c0c1ef-254d-4180-8fef-2e76a2c38aaa", "Daily-35day-Retention", []types.BackupRule{
			templateRule("DailyBackups", dailyCron, 0, 35),
		}},
		{"5d8d9e4b-7f0c-4a3e-9a6b-0c7f5f0d1a01", "Daily-Monthly-1yr-Retention", []types.BackupRule{
			templateRule("DailyBackups", dailyCron, 0, 35),
			templateRule("Monthly", monthlyCron, 0, 365),
		}},
		{"af3a0c3e-1f6e-4f8a-8a0e-2b4e1c9d7a02", "Daily-Weekly-Monthly-1yr-Retention", []types.BackupRule{
			templateRule("DailyBackups", dailyCron, 0, 35),
			templateRule("Weekly", weeklyCron, 0, 90),
			templateRule("Monthly", monthlyCron, 0, 365),
		}},
		{"0f1b6f7a-9c2d-4b3e-8f4a-5d6e7f8a9b03", "Daily-Weekly-Monthly-5yr-Retention", []types.BackupRule{
			templateRule("DailyBackups", dailyCron, 0, 35),
			templateRule("Weekly", weeklyCron, 0, 90),
			templateRule("Monthly", monthlyCron, 30, 1825),
		}},
		{"c4d5e6f7-0a1b-4c2d-9e3f-4a5b6c7d8e04", "Daily-Weekly-Monthly-7yr-Retention", []types.BackupRule{
			templateRule("DailyBackups", dailyCron, 0, 35),
			templateRule("Weekly", weeklyCron, 0, 90),
			templateRule("Monthly", monthlyCron, 30, 2555),
		}},
	}
}

func exportBackupPlanTemplate(c *opCtx, in *awsbackup.ExportBackupPlanTemplateInput) (*awsbackup.ExportBackupPlanTemplateOutput, error) {
	p, err := c.livePlanOf(in.BackupPlanId)
	if err != nil {
		return nil, err
	}
	bp := planClone(p.current().Plan)
	for i := range bp.Rules {
		bp.Rules[i].RuleId = nil
	}
	var buf bytes.Buffer
	c.e.codec.encode(&buf, reflect.ValueOf(bp))
	return &awsbackup.ExportBackupPlanTemplateOutput{BackupPlanTemplateJson: aws.String(buf.String())}, nil
}

func getBackupPlanFromJSON(c *opCtx, in *awsbackup.GetBackupPlanFromJSONInput) (*awsbackup.GetBackupPlanFromJSONOutput, error) {
	const f = "BackupPlanTemplateJson"
	if in.BackupPlanTemplateJson == nil || *in.BackupPlanTemplateJson == "" {
		return nil, missingParam(f)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(*in.BackupPlanTemplateJson)))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil || dec.More() {
		return nil, invalidParam("%s is not valid JSON", f)
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, invalidParam("%s must be a JSON object with BackupPlanName and Rules", f)
	}
	var plan types.BackupPlanInput
	if err := c.e.codec.assignStruct(reflect.ValueOf(&plan).Elem(), obj, f); err != nil {
		return nil, invalidParam("%v", err)
	}
	if err := checkPlanInput(f, &plan); err != nil {
		return nil, err
	}
	v := c.buildVersion(&plan, nil)
	bp := v.Plan
	for i := range bp.Rules {
		bp.Rules[i].RuleId = nil
	}
	return &awsbackup.GetBackupPlanFromJSONOutput{BackupPlan: &bp}, nil
}

func getBackupPlanFromTemplate(c *opCtx, in *awsbackup.GetBackupPlanFromTemplateInput) (*awsbackup.GetBackupPlanFromTemplateOutput, error) {
	if in.BackupPlanTemplateId == nil || *in.BackupPlanTemplateId == "" {
		return nil, missingParam("BackupPlanTemplateId")
	}
	for _, t := range builtinTemplates() {
		if t.id == *in.BackupPlanTemplateId {
			return &awsbackup.GetBackupPlanFromTemplateOutput{BackupPlanDocument: &types.BackupPlan{BackupPlanName: aws.String(t.name), Rules: t.rules}}, nil
		}
	}
	return nil, notFound("Backup plan template %s does not exist", *in.BackupPlanTemplateId)
}

func listBackupPlanTemplates(c *opCtx, in *awsbackup.ListBackupPlanTemplatesInput) (*awsbackup.ListBackupPlanTemplatesOutput, error) {
	pg, next, err := page(builtinTemplates(), in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListBackupPlanTemplatesOutput{NextToken: next, BackupPlanTemplatesList: make([]types.BackupPlanTemplatesListMember, 0, len(pg))}
	for _, t := range pg {
		out.BackupPlanTemplatesList = append(out.BackupPlanTemplatesList, types.BackupPlanTemplatesListMember{
			BackupPlanTemplateId: aws.String(t.id), BackupPlanTemplateName: aws.String(t.name),
		})
	}
	return out, nil
}
