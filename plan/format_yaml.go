package plan

import (
	"github.com/backupkit/backupkit/backup"

	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Spec is a plan with the selections that assign resources to it: the unit
// of the plan-as-code formats (YAML, Terraform, Organizations policy).
type Spec struct {
	Plan       *Plan
	Selections []*Selection
	// Regions the plan applies in; used by Organizations backup policies
	// (the "regions" key) and carried by YAML. Empty elsewhere.
	Regions []string
}

// Validate validates the plan and every selection, with AWS's rules.
// Selection problems have fields prefixed with "Selections[i].". Two
// selections may share a name, as in AWS (see ValidateEnsure).
func (s Spec) Validate() error {
	return s.validate(false)
}

// ValidateOrgPolicy is Validate for a plan deployed through an AWS
// Organizations backup policy: it also accepts the "$account" placeholder
// in ARN fields (copy destinations, IAM roles), which Organizations
// replaces with each member account's ID.
func (s Spec) ValidateOrgPolicy() error {
	return s.validate(true)
}

// ValidateEnsure is Validate for a Spec that Client.EnsureSelection (and
// so `backupkit plan apply` and `plan diff`) will deploy: it also needs
// the selection names to be unique, because EnsureSelection finds the live
// selection to keep or replace by name.
//
// AWS itself does not make selection names unique in a plan: SelectionName
// is "the display name of a resource selection document" (API_BackupSelection)
// and a selection is identified by its SelectionId (API_CreateBackupSelection),
// as AWS does not make plan names unique either (see AmbiguousNameError).
// CreateBackupSelection accepts a second selection with the same name, and
// so do Validate and the emulator.
func (s Spec) ValidateEnsure() error {
	pr := problems{}
	if err := s.validate(false); err != nil {
		pr.addErr(err)
	}
	seen := map[string]int{}
	for i, sel := range s.Selections {
		if sel == nil || sel.Name == "" {
			continue
		}
		if j, ok := seen[sel.Name]; ok {
			pr.add(idx("Selections", i)+".SelectionName", "selection name %q is also Selections[%d]'s: AWS allows it, but apply finds selections by name, so give each a name of its own", sel.Name, j)
			continue
		}
		seen[sel.Name] = i
	}
	return pr.err()
}

func (s Spec) validate(orgPolicy bool) error {
	pr := problems{orgPolicy: orgPolicy}
	if s.Plan == nil {
		pr.add("", "missing plan")
	} else {
		s.Plan.validate(&pr, "")
	}
	for i, sel := range s.Selections {
		sel.validate(&pr, idx("Selections", i))
	}
	if len(s.Selections) > MaxSelectionsPerPlan {
		pr.add("Selections", "at most %d selections per plan (AWS quota), got %d", MaxSelectionsPerPlan, len(s.Selections))
	}
	return pr.err()
}

type yamlFile struct {
	Plans []yamlPlan `yaml:"plans"`
}

type yamlPlan struct {
	Name                   string            `yaml:"name"`
	Regions                []string          `yaml:"regions,omitempty"`
	Tags                   map[string]string `yaml:"tags,omitempty"`
	AdvancedBackupSettings []yamlAdvanced    `yaml:"advancedBackupSettings,omitempty"`
	ScanSettings           []yamlScanSetting `yaml:"scanSettings,omitempty"`
	Rules                  []yamlRule        `yaml:"rules"`
	Selections             []yamlSelection   `yaml:"selections,omitempty"`
}

type yamlAdvanced struct {
	ResourceType  backup.ResourceType `yaml:"resourceType"`
	BackupOptions map[string]string   `yaml:"backupOptions"`
}

type yamlRule struct {
	Name              string            `yaml:"name"`
	Vault             string            `yaml:"vault"`
	Schedule          string            `yaml:"schedule,omitempty"`
	Timezone          string            `yaml:"timezone,omitempty"`
	StartWindow       yamlDuration      `yaml:"startWindow,omitempty"`
	CompletionWindow  yamlDuration      `yaml:"completionWindow,omitempty"`
	Lifecycle         *yamlLifecycle    `yaml:"lifecycle,omitempty"`
	RecoveryPointTags map[string]string `yaml:"recoveryPointTags,omitempty"`
	ContinuousBackup  bool              `yaml:"continuousBackup,omitempty"`
	CopyActions       []yamlCopy        `yaml:"copyActions,omitempty"`
	IndexActions      []yamlIndex       `yaml:"indexActions,omitempty"`
	ScanActions       []yamlScanAction  `yaml:"scanActions,omitempty"`
	AirGappedVaultARN string            `yaml:"airGappedVaultArn,omitempty"`
}

type yamlScanAction struct {
	MalwareScanner string `yaml:"malwareScanner,omitempty"`
	ScanMode       string `yaml:"scanMode,omitempty"`
}

type yamlScanSetting struct {
	MalwareScanner string                `yaml:"malwareScanner,omitempty"`
	ResourceTypes  []backup.ResourceType `yaml:"resourceTypes,omitempty"`
	ScannerRoleARN string                `yaml:"scannerRoleArn,omitempty"`
}

type yamlLifecycle struct {
	MoveToColdStorageAfterDays yamlDays `yaml:"moveToColdStorageAfterDays,omitempty"`
	DeleteAfterDays            yamlDays `yaml:"deleteAfterDays,omitempty"`
	OptInToArchive             bool     `yaml:"optInToArchive,omitempty"`
}

// yamlDays is a day count; an explicit 0 is refused (AWS refuses it too),
// so "unset" is written by leaving the key out.
type yamlDays int

func (d *yamlDays) UnmarshalYAML(n *yaml.Node) error {
	var v int
	if err := n.Decode(&v); err != nil || n.ShortTag() != "!!int" {
		return fmt.Errorf("line %d: want a whole number of days, got %q", n.Line, n.Value)
	}
	if v == 0 {
		return fmt.Errorf("line %d: days must be 1-%d, or -1 to keep forever; leave the key out to unset it", n.Line, MaxLifecycleDays)
	}
	if int64(v) > maxWireDays || v < -1 {
		return fmt.Errorf("line %d: days must be 1-%d, or -1 to keep forever, got %d", n.Line, MaxLifecycleDays, v)
	}
	*d = yamlDays(v)
	return nil
}

type yamlCopy struct {
	DestinationVaultARN string         `yaml:"destinationVaultArn"`
	Lifecycle           *yamlLifecycle `yaml:"lifecycle,omitempty"`
}

type yamlIndex struct {
	ResourceTypes []backup.ResourceType `yaml:"resourceTypes"`
}

type yamlSelection struct {
	Name         string          `yaml:"name"`
	IAMRole      string          `yaml:"iamRole"`
	Resources    []string        `yaml:"resources,omitempty"`
	NotResources []string        `yaml:"notResources,omitempty"`
	ListOfTags   []yamlTag       `yaml:"listOfTags,omitempty"`
	Conditions   []yamlCondition `yaml:"conditions,omitempty"`
}

type yamlTag struct {
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
}

type yamlCondition struct {
	Op    string `yaml:"op"`
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
}

// yamlDuration is a time.Duration written as "90m", "8h" or "7d".
type yamlDuration time.Duration

func (d *yamlDuration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!int" || n.ShortTag() == "!!float" {
		return fmt.Errorf("line %d: want a duration such as 60m, 8h or 7d, got %q", n.Line, n.Value)
	}
	v, err := parseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*d = yamlDuration(v)
	return nil
}

func (d yamlDuration) MarshalYAML() (any, error) { return formatDuration(time.Duration(d)), nil }

func (d yamlDuration) IsZero() bool { return d == 0 }

// parseDuration parses a Go duration, plus "Nd" for N days.
func parseDuration(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 36500*2 {
			return 0, fmt.Errorf("want a duration such as 60m, 8h or 7d, got %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("want a duration such as 60m, 8h or 7d, got %q", s)
	}
	return d, nil
}

// formatDuration writes whole hours as "8h", whole minutes as "90m".
func formatDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// ParseYAML parses a plan-as-code YAML file (see the package
// documentation for the format). A file may hold several YAML documents
// separated by "---"; their plans are concatenated. Unknown keys are
// errors. The result is not validated; call Spec.Validate.
func ParseYAML(data []byte) ([]Spec, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var specs []Spec
	for {
		var f yamlFile
		err := dec.Decode(&f)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("parse plan YAML: %w", err)
		}
		for _, yp := range f.Plans {
			sp, err := specFromYAML(yp)
			if err != nil {
				return nil, err
			}
			specs = append(specs, sp)
		}
	}
	if len(specs) == 0 {
		return nil, fmt.Errorf("parse plan YAML: no plans (want a top-level \"plans:\" list)")
	}
	return specs, nil
}

func lifecycleFromYAML(l *yamlLifecycle) backup.Lifecycle {
	if l == nil {
		return backup.Lifecycle{}
	}
	return backup.Lifecycle{MoveToColdStorageAfter: durationDays(int64(l.MoveToColdStorageAfterDays)), DeleteAfter: durationDays(int64(l.DeleteAfterDays)), OptInToArchive: l.OptInToArchive}
}

func lifecycleToYAML(l backup.Lifecycle) *yamlLifecycle {
	if l.IsZero() {
		return nil
	}
	return &yamlLifecycle{MoveToColdStorageAfterDays: yamlDays(daysOf(l.MoveToColdStorageAfter)), DeleteAfterDays: yamlDays(daysOf(l.DeleteAfter)), OptInToArchive: l.OptInToArchive}
}

func specFromYAML(yp yamlPlan) (Spec, error) {
	p := &Plan{Name: yp.Name, Tags: yp.Tags}
	for _, a := range yp.AdvancedBackupSettings {
		p.AdvancedSettings = append(p.AdvancedSettings, AdvancedSetting{ResourceType: a.ResourceType, Options: a.BackupOptions})
	}
	for _, ss := range yp.ScanSettings {
		p.ScanSettings = append(p.ScanSettings, ScanSetting(ss))
	}
	for _, yr := range yp.Rules {
		r := Rule{Name: yr.Name, TargetVault: yr.Vault, Schedule: yr.Schedule, Timezone: yr.Timezone,
			StartWindow: time.Duration(yr.StartWindow), CompletionWindow: time.Duration(yr.CompletionWindow),
			Lifecycle: lifecycleFromYAML(yr.Lifecycle), RecoveryPointTags: yr.RecoveryPointTags,
			ContinuousBackup: yr.ContinuousBackup, AirGappedVaultARN: yr.AirGappedVaultARN}
		for _, c := range yr.CopyActions {
			r.CopyActions = append(r.CopyActions, CopyAction{DestinationVaultARN: c.DestinationVaultARN, Lifecycle: lifecycleFromYAML(c.Lifecycle)})
		}
		for _, ia := range yr.IndexActions {
			r.IndexActions = append(r.IndexActions, IndexAction{ResourceTypes: ia.ResourceTypes})
		}
		for _, a := range yr.ScanActions {
			r.ScanActions = append(r.ScanActions, ScanAction(a))
		}
		p.Rules = append(p.Rules, r)
	}
	sp := Spec{Plan: p, Regions: yp.Regions}
	for _, ys := range yp.Selections {
		s := &Selection{Name: ys.Name, IAMRole: ys.IAMRole, Resources: ys.Resources, NotResources: ys.NotResources}
		for _, t := range ys.ListOfTags {
			s.ListOfTags = append(s.ListOfTags, TagCondition(t))
		}
		for _, c := range ys.Conditions {
			s.Conditions = append(s.Conditions, Condition{Op: ConditionOp(c.Op), Key: c.Key, Value: c.Value})
		}
		sp.Selections = append(sp.Selections, s)
	}
	return sp, nil
}

// MarshalYAML renders specs in the plan-as-code YAML format.
func MarshalYAML(specs ...Spec) ([]byte, error) {
	var f yamlFile
	for _, sp := range specs {
		if sp.Plan == nil {
			return nil, fmt.Errorf("marshal plan YAML: spec without a plan")
		}
		p := sp.Plan
		yp := yamlPlan{Name: p.Name, Regions: sp.Regions, Tags: p.Tags, Rules: []yamlRule{}}
		for _, a := range p.AdvancedSettings {
			yp.AdvancedBackupSettings = append(yp.AdvancedBackupSettings, yamlAdvanced{ResourceType: a.ResourceType, BackupOptions: a.currentOptions()})
		}
		for _, ss := range p.ScanSettings {
			yp.ScanSettings = append(yp.ScanSettings, yamlScanSetting(ss))
		}
		for _, r := range p.Rules {
			yr := yamlRule{Name: r.Name, Vault: r.TargetVault, Schedule: r.Schedule, Timezone: r.Timezone,
				StartWindow: yamlDuration(r.StartWindow), CompletionWindow: yamlDuration(r.CompletionWindow),
				Lifecycle: lifecycleToYAML(r.Lifecycle), RecoveryPointTags: r.RecoveryPointTags,
				ContinuousBackup: r.ContinuousBackup, AirGappedVaultARN: r.AirGappedVaultARN}
			for _, c := range r.CopyActions {
				yr.CopyActions = append(yr.CopyActions, yamlCopy{DestinationVaultARN: c.DestinationVaultARN, Lifecycle: lifecycleToYAML(c.Lifecycle)})
			}
			for _, ia := range r.IndexActions {
				yr.IndexActions = append(yr.IndexActions, yamlIndex{ResourceTypes: ia.ResourceTypes})
			}
			for _, a := range r.ScanActions {
				yr.ScanActions = append(yr.ScanActions, yamlScanAction(a))
			}
			yp.Rules = append(yp.Rules, yr)
		}
		for _, s := range sp.Selections {
			ys := yamlSelection{Name: s.Name, IAMRole: s.IAMRole, Resources: s.Resources, NotResources: s.NotResources}
			for _, t := range s.ListOfTags {
				ys.ListOfTags = append(ys.ListOfTags, yamlTag(t))
			}
			for _, c := range s.Conditions {
				ys.Conditions = append(ys.Conditions, yamlCondition{Op: string(c.Op), Key: c.Key, Value: c.Value})
			}
			yp.Selections = append(yp.Selections, ys)
		}
		f.Plans = append(f.Plans, yp)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("marshal plan YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
