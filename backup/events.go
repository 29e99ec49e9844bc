package backup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EventBridge detail-types of AWS Backup job events.
const (
	DetailTypeBackupJob  = "Backup Job State Change"
	DetailTypeCopyJob    = "Copy Job State Change"
	DetailTypeRestoreJob = "Restore Job State Change"
	EventSource          = "aws.backup"
)

// Job types as used in events, JobFailedError and reports.
const (
	JobTypeBackup  = "BACKUP"
	JobTypeCopy    = "COPY"
	JobTypeRestore = "RESTORE"
)

// Event is an EventBridge event from AWS Backup. Job is set for backup,
// copy and restore job state changes; Detail keeps the raw detail for the
// other detail-types.
type Event struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       time.Time       `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
	Job        *JobEvent       `json:"-"`
}

// JobEvent is the typed detail of a Backup, Copy or Restore Job State
// Change event. Backup and copy events carry "state", restore events
// "status"; both land in State.
type JobEvent struct {
	JobType string // JobTypeBackup, JobTypeCopy or JobTypeRestore
	JobID   string
	State   string
	// StatusMessage explains failures (and "completed with issues").
	StatusMessage string

	ResourceARN  string
	ResourceType string

	BackupVaultName string
	BackupVaultARN  string
	IAMRoleARN      string

	// Backup: the recovery point created. Copy: source and destination
	// points and vaults. Restore: the recovery point restored and the
	// created resource.
	RecoveryPointARN            string
	SourceRecoveryPointARN      string
	DestinationRecoveryPointARN string
	SourceBackupVaultARN        string
	DestinationBackupVaultARN   string
	CreatedResourceARN          string

	BackupSizeInBytes int64
	BytesTransferred  int64
	PercentDone       float64

	CreationDate           time.Time
	CompletionDate         time.Time
	StartBy                time.Time
	ExpectedCompletionDate time.Time

	// From createdBy: set for jobs a backup plan started.
	BackupPlanID  string
	BackupPlanARN string
	BackupRuleID  string

	// BackupOptions as sent in the event, if any.
	BackupOptions map[string]string
}

// Failed reports whether the event is a terminal non-success state.
func (j *JobEvent) Failed() bool {
	switch j.State {
	case "FAILED", "ABORTED", "EXPIRED", "PARTIAL":
		return true
	}
	return false
}

// ParseEvent parses an EventBridge event as delivered to a target (or a
// Lambda function). Job details are parsed tolerantly: keys in any case,
// sizes and percentages as numbers or strings, dates as RFC 3339, epoch
// seconds or milliseconds, or the "Jul 15, 2020 9:39:07 PM" form seen in
// AWS samples. An unparsable date or number is an error naming the field.
func ParseEvent(data []byte) (*Event, error) {
	var ev Event
	var env struct {
		Version    string          `json:"version"`
		ID         string          `json:"id"`
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Account    string          `json:"account"`
		Time       json.RawMessage `json:"time"`
		Region     string          `json:"region"`
		Resources  []string        `json:"resources"`
		Detail     json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("parse event: %w", err)
	}
	ev = Event{Version: env.Version, ID: env.ID, DetailType: env.DetailType, Source: env.Source,
		Account: env.Account, Region: env.Region, Resources: env.Resources, Detail: env.Detail}
	if len(env.Time) > 0 && string(env.Time) != "null" {
		t, err := parseFlexTime(env.Time)
		if err != nil {
			return nil, fmt.Errorf("parse event: time: %w", err)
		}
		ev.Time = t
	}
	var jobType string
	switch env.DetailType {
	case DetailTypeBackupJob:
		jobType = JobTypeBackup
	case DetailTypeCopyJob:
		jobType = JobTypeCopy
	case DetailTypeRestoreJob:
		jobType = JobTypeRestore
	default:
		return &ev, nil
	}
	job, err := parseJobDetail(jobType, env.Detail)
	if err != nil {
		return nil, fmt.Errorf("parse %s event %s: %w", env.DetailType, env.ID, err)
	}
	ev.Job = job
	return &ev, nil
}

func parseJobDetail(jobType string, raw json.RawMessage) (*JobEvent, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("detail: %w", err)
	}
	d := detail{}
	for k, v := range m {
		d[strings.ToLower(k)] = v
	}
	j := &JobEvent{JobType: jobType}
	var errs []error
	str := func(key string) string {
		s, err := d.str(key)
		if err != nil {
			errs = append(errs, err)
		}
		return s
	}
	num := func(key string) float64 {
		f, err := d.num(key)
		if err != nil {
			errs = append(errs, err)
		}
		return f
	}
	tm := func(key string) time.Time {
		t, err := d.time(key)
		if err != nil {
			errs = append(errs, err)
		}
		return t
	}
	switch jobType {
	case JobTypeBackup:
		j.JobID = str("backupJobId")
		j.State = str("state")
	case JobTypeCopy:
		j.JobID = str("copyJobId")
		j.State = str("state")
	case JobTypeRestore:
		j.JobID = str("restoreJobId")
		j.State = str("status")
	}
	if j.State == "" { // tolerate the other spelling
		if j.State = str("state"); j.State == "" {
			j.State = str("status")
		}
	}
	j.State = strings.ToUpper(j.State)
	j.StatusMessage = str("statusMessage")
	j.ResourceARN = str("resourceArn")
	j.ResourceType = str("resourceType")
	j.BackupVaultName = str("backupVaultName")
	j.BackupVaultARN = str("backupVaultArn")
	j.IAMRoleARN = str("iamRoleArn")
	j.RecoveryPointARN = str("recoveryPointArn")
	j.SourceRecoveryPointARN = str("sourceRecoveryPointArn")
	j.DestinationRecoveryPointARN = str("destinationRecoveryPointArn")
	j.SourceBackupVaultARN = str("sourceBackupVaultArn")
	j.DestinationBackupVaultARN = str("destinationBackupVaultArn")
	j.CreatedResourceARN = str("createdResourceArn")
	j.BackupSizeInBytes = int64(num("backupSizeInBytes"))
	j.BytesTransferred = int64(num("bytesTransferred"))
	j.PercentDone = num("percentDone")
	j.CreationDate = tm("creationDate")
	j.CompletionDate = tm("completionDate")
	j.StartBy = tm("startBy")
	j.ExpectedCompletionDate = tm("expectedCompletionDate")
	if cb, ok := d["createdby"]; ok && len(cb) > 0 && cb[0] == '{' {
		var cm map[string]json.RawMessage
		if err := json.Unmarshal(cb, &cm); err == nil {
			sub := detail{}
			for k, v := range cm {
				sub[strings.ToLower(k)] = v
			}
			j.BackupPlanID, _ = sub.str("backupPlanId")
			j.BackupPlanARN, _ = sub.str("backupPlanArn")
			j.BackupRuleID, _ = sub.str("backupRuleId")
		}
	}
	if bo, ok := d["backupoptions"]; ok && len(bo) > 0 && bo[0] == '{' {
		var opts map[string]string
		if err := json.Unmarshal(bo, &opts); err == nil {
			j.BackupOptions = opts
		}
	}
	if j.JobID == "" {
		errs = append(errs, errors.New("detail: no job id"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return j, nil
}

type detail map[string]json.RawMessage

func (d detail) str(key string) (string, error) {
	v, ok := d[strings.ToLower(key)]
	if !ok || len(v) == 0 || string(v) == "null" {
		return "", nil
	}
	if v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", fmt.Errorf("detail.%s: %w", key, err)
		}
		return s, nil
	}
	// A number or bool where a string was expected: keep its text.
	return string(bytes.TrimSpace(v)), nil
}

func (d detail) num(key string) (float64, error) {
	v, ok := d[strings.ToLower(key)]
	if !ok || len(v) == 0 || string(v) == "null" {
		return 0, nil
	}
	s := string(bytes.TrimSpace(v))
	if v[0] == '"' {
		if err := json.Unmarshal(v, &s); err != nil {
			return 0, fmt.Errorf("detail.%s: %w", key, err)
		}
		s = strings.TrimSuffix(strings.TrimSpace(s), "%")
		if s == "" {
			return 0, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("detail.%s: %q is not a number", key, s)
	}
	return f, nil
}

func (d detail) time(key string) (time.Time, error) {
	v, ok := d[strings.ToLower(key)]
	if !ok || len(v) == 0 || string(v) == "null" {
		return time.Time{}, nil
	}
	t, err := parseFlexTime(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("detail.%s: %w", key, err)
	}
	return t, nil
}

// timeLayouts are the date forms seen in AWS Backup events and samples.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"Jan 2, 2006 3:04:05 PM",
	"Jan 2, 2006, 3:04:05 PM",
	"January 2, 2006 3:04:05 PM",
	time.RFC1123,
	time.RFC1123Z,
	time.UnixDate,
}

// parseFlexTime parses a JSON date: a string in one of timeLayouts (UTC
// when it has no zone), or a number of epoch seconds (milliseconds when it
// is too large to be seconds).
func parseFlexTime(raw json.RawMessage) (time.Time, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, nil
	}
	if raw[0] != '"' {
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s is not a date", raw)
		}
		return epoch(f), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return time.Time{}, err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	// The "Jul 15, 2020 9:39:07 PM" form sometimes uses a narrow no-break
	// space before PM.
	s = strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return epoch(f), nil
	}
	return time.Time{}, fmt.Errorf("unrecognized date %q", s)
}

func epoch(f float64) time.Time {
	if math.Abs(f) > 1e11 { // milliseconds
		f /= 1000
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC()
}

// RulePattern builds an EventBridge event pattern for AWS Backup job
// events. The zero value matches every backup, copy and restore job state
// change; the With… methods narrow it.
type RulePattern struct {
	detailTypes   []string
	states        []string
	resourceTypes []string
	vaultNames    []string
	accounts      []string
	regions       []string
}

// NewRulePattern starts a pattern for the given detail-types
// (DetailTypeBackupJob, …); none means all three job detail-types.
func NewRulePattern(detailTypes ...string) *RulePattern {
	return &RulePattern{detailTypes: slices.Clone(detailTypes)}
}

// FailedJobs matches backup jobs that FAILED, EXPIRED, ABORTED or
// ended PARTIAL.
func FailedJobs() *RulePattern {
	return NewRulePattern(DetailTypeBackupJob).WithStates("FAILED", "EXPIRED", "ABORTED", "PARTIAL")
}

// WithStates matches these job states. Backup and copy events carry
// detail.state, restore events detail.status; the pattern uses the right
// key for the detail-types it matches.
func (p *RulePattern) WithStates(states ...string) *RulePattern {
	p.states = append(p.states, states...)
	return p
}

// WithResourceTypes matches these resource types (detail.resourceType).
func (p *RulePattern) WithResourceTypes(types ...ResourceType) *RulePattern {
	for _, t := range types {
		p.resourceTypes = append(p.resourceTypes, string(t))
	}
	return p
}

// WithVaults matches jobs of these vaults (detail.backupVaultName).
func (p *RulePattern) WithVaults(names ...string) *RulePattern {
	p.vaultNames = append(p.vaultNames, names...)
	return p
}

// WithAccounts matches events from these accounts.
func (p *RulePattern) WithAccounts(ids ...string) *RulePattern {
	p.accounts = append(p.accounts, ids...)
	return p
}

// WithRegions matches events from these Regions.
func (p *RulePattern) WithRegions(regions ...string) *RulePattern {
	p.regions = append(p.regions, regions...)
	return p
}

// Validate reports problems such as unknown detail-types or states, or
// states combined with both restore and backup/copy detail-types (their
// state keys differ, so one pattern cannot express that).
func (p *RulePattern) Validate() error {
	var errs []error
	dts := p.detailTypesOrAll()
	hasRestore, hasOther := false, false
	for i, dt := range dts {
		switch dt {
		case DetailTypeRestoreJob:
			hasRestore = true
		case DetailTypeBackupJob, DetailTypeCopyJob:
			hasOther = true
		default:
			errs = append(errs, &ValidationError{Field: fmt.Sprintf("DetailTypes[%d]", i), Reason: fmt.Sprintf("unknown job detail-type %q", dt)})
		}
	}
	if len(p.states) > 0 && hasRestore && hasOther {
		errs = append(errs, &ValidationError{Field: "States", Reason: "restore events use detail.status, backup/copy events detail.state: use one pattern per kind"})
	}
	valid := map[string]bool{}
	for _, s := range []string{"CREATED", "PENDING", "RUNNING", "ABORTING", "ABORTED", "COMPLETED", "FAILED", "EXPIRED", "PARTIAL"} {
		valid[s] = true
	}
	for i, s := range p.states {
		if !valid[s] {
			errs = append(errs, &ValidationError{Field: fmt.Sprintf("States[%d]", i), Reason: fmt.Sprintf("unknown job state %q", s)})
		}
	}
	for i, t := range p.resourceTypes {
		if !ResourceType(t).Valid() {
			errs = append(errs, &ValidationError{Field: fmt.Sprintf("ResourceTypes[%d]", i), Reason: fmt.Sprintf("unknown resource type %q", t)})
		}
	}
	return errors.Join(errs...)
}

func (p *RulePattern) detailTypesOrAll() []string {
	if len(p.detailTypes) == 0 {
		return []string{DetailTypeBackupJob, DetailTypeCopyJob, DetailTypeRestoreJob}
	}
	return p.detailTypes
}

// JSON returns the event pattern for an EventBridge rule (PutRule
// EventPattern).
func (p *RulePattern) JSON() (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	pat := map[string]any{"source": []string{EventSource}, "detail-type": p.detailTypesOrAll()}
	if len(p.accounts) > 0 {
		pat["account"] = p.accounts
	}
	if len(p.regions) > 0 {
		pat["region"] = p.regions
	}
	det := map[string]any{}
	if len(p.states) > 0 {
		key := "state"
		if slices.Contains(p.detailTypesOrAll(), DetailTypeRestoreJob) {
			key = "status"
		}
		det[key] = p.states
	}
	if len(p.resourceTypes) > 0 {
		det["resourceType"] = p.resourceTypes
	}
	if len(p.vaultNames) > 0 {
		det["backupVaultName"] = p.vaultNames
	}
	if len(det) > 0 {
		pat["detail"] = det
	}
	b, err := json.Marshal(pat)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Matches reports whether ev matches the pattern (the same rules
// EventBridge applies to this pattern's fields), so handlers can filter
// defensively and tests can check patterns.
func (p *RulePattern) Matches(ev *Event) bool {
	if ev == nil || ev.Source != EventSource || !slices.Contains(p.detailTypesOrAll(), ev.DetailType) || ev.Job == nil {
		return false
	}
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	return in(p.accounts, ev.Account) && in(p.regions, ev.Region) && in(p.states, ev.Job.State) &&
		in(p.resourceTypes, ev.Job.ResourceType) && in(p.vaultNames, ev.Job.BackupVaultName)
}
