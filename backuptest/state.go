package backuptest

import (
	"sort"
	"time"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
)

// state is everything the emulator knows. Every field is exported (on
// unexported types) so the whole state can be saved and loaded as JSON.
type state struct {
	Accounts map[string]*accountState
	// Store is the inventory of protectable resources (Resources, by ARN),
	// shared with the resource services' handlers (internal/inventory).
	inventory.Store
}

type accountState struct {
	ID string
	// GlobalSettings are the account's AWS Backup global settings
	// (isCrossAccountBackupEnabled, …).
	GlobalSettings map[string]string
	Regions        map[string]*regionState
}

// regionState is one account's AWS Backup in one Region. Each API area keeps
// its maps here; the area's file owns their meaning.
type regionState struct {
	Account string
	Region  string

	// vaults.go
	Vaults map[string]*vault

	// jobs.go, recovery_points.go, legal_holds.go, settings.go
	RecoveryPoints map[string]*recoveryPoint
	BackupJobs     map[string]*backupJob
	CopyJobs       map[string]*copyJob
	RestoreJobs    map[string]*restoreJob
	LegalHolds     map[string]*legalHold
	Settings       *regionSettings
	Active         []activeJob // jobs.go: jobs not yet in a terminal state
	rpIdx          *rpIndex    // recovery_points.go: derived ordering, rebuilt when nil

	// plans.go, audit.go, restore_testing.go
	Plans               map[string]*plan
	Frameworks          map[string]*framework
	ReportPlans         map[string]*reportPlan
	ReportJobs          map[string]*reportJob
	RestoreTestingPlans map[string]*restoreTestingPlan
	TieringConfigs      map[string]*tieringConfig // misc_ops.go; nil until first use

	// access_points.go, scan_jobs.go, indexes.go, mpa.go, continuous.go;
	// nil until first use.
	AccessPoints  map[string]*accessPoint     `json:",omitempty"`
	ScanJobs      map[string]*scanJob         `json:",omitempty"`
	Indexes       map[string]*recoveryIndex   `json:",omitempty"`
	MpaTeams      map[string]*mpaAssociation  `json:",omitempty"`
	RestoreAccess map[string]*restoreAccess   `json:",omitempty"`
	Continuous    map[string]*continuousPoint `json:",omitempty"`
	// RestoreTests are the ids of restore jobs of restore testing plans
	// whose restored resource is not yet deleted (restore_testing_runs.go).
	RestoreTests []string `json:",omitempty"`

	// Tags of AWS Backup resources (vaults, plans, recovery points,
	// frameworks, …) by ARN.
	Tags map[string]map[string]string
	// Tokens remembers idempotency tokens and creator request ids: key is
	// operation + "\x00" + token, value is what the first call produced.
	Tokens map[string]string
}

func newState() *state {
	st := &state{Accounts: map[string]*accountState{}, Store: inventory.NewStore()}
	st.Init()
	return st
}

func (s *state) account(id string) *accountState {
	a, ok := s.Accounts[id]
	if !ok {
		a = &accountState{ID: id, GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "false"}, Regions: map[string]*regionState{}}
		s.Accounts[id] = a
	}
	return a
}

func (s *state) region(account, region string) *regionState {
	a := s.account(account)
	r, ok := a.Regions[region]
	if !ok {
		r = &regionState{Account: account, Region: region}
		r.init()
		a.Regions[region] = r
	}
	return r
}

// init makes every map of a region non-nil (also after loading saved state).
func (r *regionState) init() {
	if r.Vaults == nil {
		r.Vaults = map[string]*vault{}
	}
	if r.RecoveryPoints == nil {
		r.RecoveryPoints = map[string]*recoveryPoint{}
	}
	if r.BackupJobs == nil {
		r.BackupJobs = map[string]*backupJob{}
	}
	if r.CopyJobs == nil {
		r.CopyJobs = map[string]*copyJob{}
	}
	if r.RestoreJobs == nil {
		r.RestoreJobs = map[string]*restoreJob{}
	}
	if r.LegalHolds == nil {
		r.LegalHolds = map[string]*legalHold{}
	}
	if r.Plans == nil {
		r.Plans = map[string]*plan{}
	}
	if r.Frameworks == nil {
		r.Frameworks = map[string]*framework{}
	}
	if r.ReportPlans == nil {
		r.ReportPlans = map[string]*reportPlan{}
	}
	if r.ReportJobs == nil {
		r.ReportJobs = map[string]*reportJob{}
	}
	if r.RestoreTestingPlans == nil {
		r.RestoreTestingPlans = map[string]*restoreTestingPlan{}
	}
	if r.Tags == nil {
		r.Tags = map[string]map[string]string{}
	}
	if r.Tokens == nil {
		r.Tokens = map[string]string{}
	}
	if r.Settings == nil {
		r.Settings = &regionSettings{}
	}
}

// allRegions visits every region state in a stable order.
func (s *state) allRegions(fn func(*regionState)) {
	accts := make([]string, 0, len(s.Accounts))
	for id := range s.Accounts {
		accts = append(accts, id)
	}
	sort.Strings(accts)
	for _, id := range accts {
		a := s.Accounts[id]
		regs := make([]string, 0, len(a.Regions))
		for name := range a.Regions {
			regs = append(regs, name)
		}
		sort.Strings(regs)
		for _, name := range regs {
			fn(a.Regions[name])
		}
	}
}

// token looks up an idempotency token of op. ok is false for a new token.
func (r *regionState) token(op, token string) (string, bool) {
	if token == "" {
		return "", false
	}
	v, ok := r.Tokens[op+"\x00"+token]
	return v, ok
}

// rememberToken records what the first call with token produced.
func (r *regionState) rememberToken(op, token, result string) {
	if token == "" {
		return
	}
	r.Tokens[op+"\x00"+token] = result
}

// tagsOf returns a copy of the tags of an AWS Backup resource.
func (r *regionState) tagsOf(arn string) map[string]string {
	src := r.Tags[arn]
	if len(src) == 0 {
		return nil
	}
	out := make(map[string]string, len(src))
	for k, v := range src {
		out[k] = v
	}
	return out
}

// setTags merges tags onto an AWS Backup resource.
func (r *regionState) setTags(arn string, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	m := r.Tags[arn]
	if m == nil {
		m = map[string]string{}
		r.Tags[arn] = m
	}
	for k, v := range tags {
		m[k] = v
	}
}

// timePtr returns a pointer to a copy of t, or nil for the zero time.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
