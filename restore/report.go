package restore

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/backupkit/backupkit/backup"
)

// ReportSchemaVersion is the version of the JSON report schema documented
// in the package documentation.
const ReportSchemaVersion = 1

// Report is the outcome of a drill. Its JSON form is the documented report
// schema; WriteMarkdown, WriteJUnit and WriteHTML render it for people and
// CI systems.
type Report struct {
	// SchemaVersion is ReportSchemaVersion.
	SchemaVersion int `json:"schemaVersion"`
	// DrillID is the drill's id (the value of the drill tag).
	DrillID string `json:"drillId"`
	// Vault is the drill's vault, if any.
	Vault string `json:"vault,omitempty"`
	// StartedAt and FinishedAt bound the drill; RPOs are measured at StartedAt.
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	// DurationSeconds is FinishedAt − StartedAt.
	DurationSeconds float64 `json:"durationSeconds"`
	// Concurrency is the drill's overall bound.
	Concurrency int `json:"concurrency"`
	// MaxRTOSeconds and MaxRPOSeconds are the drill-wide targets (0: none).
	MaxRTOSeconds float64 `json:"maxRtoSeconds,omitempty"`
	MaxRPOSeconds float64 `json:"maxRpoSeconds,omitempty"`
	// Policy is the RTO/RPO policy the drill was judged against, if any.
	Policy *Policy `json:"policy,omitempty"`
	// Audit says who ran the drill, where, with what and how: the header of
	// every rendering. The caller fills it (the library does not call STS).
	Audit Audit `json:"audit"`
	// Passed is true when every target passed.
	Passed bool `json:"passed"`
	// Canceled is true when the drill's context ended before it finished.
	Canceled bool `json:"canceled"`
	// Summary counts the outcomes.
	Summary Summary `json:"summary"`
	// LeftBehind lists every restored resource the drill could not delete.
	LeftBehind []string `json:"leftBehind"`
	// Targets has one result per target, in drill order.
	Targets []TargetResult `json:"targets"`
}

// Audit is the who, what and where of a drill, for a DR audit.
type Audit struct {
	// Operator is the caller identity ARN that ran the drill.
	Operator string `json:"operator,omitempty"`
	// Account and Region are where the drill ran.
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	// Vaults are the backup vaults the recovery points came from.
	Vaults []string `json:"vaults,omitempty"`
	// RestoreRole is the IAM role restore jobs ran as.
	RestoreRole string `json:"restoreRole,omitempty"`
	// ToolVersion is the version of the tool that ran the drill.
	ToolVersion string `json:"toolVersion,omitempty"`
	// Settings are the drill's settings (flags), in order.
	Settings []Setting `json:"settings,omitempty"`
}

// Setting is one drill setting as Name = Value.
type Setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// auditFields returns the audit header as ordered name/value pairs ("" values
// are left out); the renderings share it.
func (r *Report) auditFields() []Setting {
	a := r.Audit
	vaults := a.Vaults
	if len(vaults) == 0 && r.Vault != "" {
		vaults = []string{r.Vault}
	}
	fields := []Setting{
		{"Operator", a.Operator}, {"Account", a.Account}, {"Region", a.Region},
		{"Vaults", strings.Join(vaults, ", ")}, {"Restore role", a.RestoreRole}, {"Tool version", a.ToolVersion},
		{"Started", r.StartedAt.UTC().Format(time.RFC3339)}, {"Finished", r.FinishedAt.UTC().Format(time.RFC3339)},
		{"Drill id", r.DrillID},
	}
	out := fields[:0]
	for _, f := range fields {
		if f.Value != "" {
			out = append(out, f)
		}
	}
	return out
}

// Summary counts target outcomes.
type Summary struct {
	// Targets is the number of targets.
	Targets int `json:"targets"`
	// Passed and Failed count target statuses.
	Passed int `json:"passed"`
	Failed int `json:"failed"`
	// MissedRTO and MissedRPO count targets over their RTO or RPO target.
	MissedRTO int `json:"missedRto"`
	MissedRPO int `json:"missedRpo"`
	// LeftBehind counts restored resources that could not be deleted.
	LeftBehind int `json:"leftBehind"`
}

// TargetResult is the outcome for one target. Durations are kept as
// time.Duration and exported in JSON as seconds.
type TargetResult struct {
	// ResourceARN and ResourceType identify the protected resource.
	ResourceARN  string              `json:"resourceArn"`
	ResourceType backup.ResourceType `json:"resourceType"`
	// Status is Passed or Failed.
	Status string `json:"status"`
	// BackupJobID is the fresh backup's job, with Drill.FreshBackup.
	BackupJobID string `json:"backupJobId,omitempty"`
	// RecoveryPointARN and RecoveryPointCreated describe the restored point.
	RecoveryPointARN     string    `json:"recoveryPointArn"`
	RecoveryPointCreated time.Time `json:"recoveryPointCreated,omitzero"`
	// RestoreJobID is the restore job the drill started.
	RestoreJobID string `json:"restoreJobId,omitempty"`
	// CreatedResourceARN is the restored (staging) resource.
	CreatedResourceARN string `json:"createdResourceArn"`

	// RPO is the recovery point's age at drill start.
	RPO time.Duration `json:"-"`
	// RTORestore is the restore job's CompletionDate − CreationDate.
	RTORestore time.Duration `json:"-"`
	// RTOTotal runs from the target's start (after a fresh backup) until
	// validation finished.
	RTOTotal time.Duration `json:"-"`
	// MaxRPO and MaxRTO are the targets that applied (0: none).
	MaxRPO time.Duration `json:"-"`
	MaxRTO time.Duration `json:"-"`

	// RPOSeconds … MaxRTOSeconds are the durations above in seconds.
	RPOSeconds        float64 `json:"rpoSeconds"`
	RTORestoreSeconds float64 `json:"rtoRestoreSeconds"`
	RTOTotalSeconds   float64 `json:"rtoTotalSeconds"`
	MaxRPOSeconds     float64 `json:"maxRpoSeconds,omitempty"`
	MaxRTOSeconds     float64 `json:"maxRtoSeconds,omitempty"`
	// Objective names the policy objective MaxRPO and MaxRTO came from
	// (e.g. "AZ", "Region"); "" for the drill's or target's own targets.
	Objective string `json:"objective,omitempty"`
	// RPOMet and RTOMet report the comparisons (true without a target).
	RPOMet bool `json:"rpoMet"`
	RTOMet bool `json:"rtoMet"`

	// PhaseSeconds is the time spent per phase (PhaseBackup, …).
	PhaseSeconds map[string]float64 `json:"phaseSeconds"`
	// Validation is Passed, Failed or Skipped; ValidationMessage says why it failed.
	Validation        string `json:"validation"`
	ValidationMessage string `json:"validationMessage,omitempty"`
	// Cleanup is Deleted, Left, Skipped (nothing was created) or Kept (the
	// restore overwrote a resource that existed before the drill).
	Cleanup string `json:"cleanup"`
	// LeftBehind lists what cleanup could not delete.
	LeftBehind []string `json:"leftBehind,omitempty"`
	// Error says why the target failed ("" when it passed its steps).
	Error string `json:"error"`
	// Notes are non-fatal problems (e.g. PutRestoreValidationResult refused).
	Notes []string `json:"notes,omitempty"`
	// StartedAt and FinishedAt bound the target's work.
	StartedAt  time.Time `json:"startedAt,omitzero"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
}

// MarshalJSON writes the documented schema, with null for a duration that
// was never measured (no recovery point: no RPO; a restore that never
// ended: no RTO), so a failed target never reads as an RTO of 0 s.
func (t TargetResult) MarshalJSON() ([]byte, error) {
	type plain TargetResult
	out := struct {
		plain
		RPOSeconds        *float64 `json:"rpoSeconds"`
		RTORestoreSeconds *float64 `json:"rtoRestoreSeconds"`
		RTOTotalSeconds   *float64 `json:"rtoTotalSeconds"`
	}{plain: plain(t)}
	rpo, restore, total := t.measured()
	if rpo {
		out.RPOSeconds = &t.RPOSeconds
	}
	if restore {
		out.RTORestoreSeconds = &t.RTORestoreSeconds
	}
	if total {
		out.RTOTotalSeconds = &t.RTOTotalSeconds
	}
	return json.Marshal(out)
}

// measured says which durations the drill measured: the RPO needs a
// recovery point, RTO restore a restore job that ended, RTO total a
// validation that ran.
func (t TargetResult) measured() (rpo, rtoRestore, rtoTotal bool) {
	// The seconds fields count too: a report read back from JSON has only
	// them.
	return !t.RecoveryPointCreated.IsZero() || t.RPO > 0 || t.RPOSeconds > 0,
		t.RTORestore > 0 || t.RTORestoreSeconds > 0,
		t.RTOTotal > 0 || t.RTOTotalSeconds > 0
}

// durText renders a measured duration, or "n/a".
func durText(d time.Duration, ok bool) string {
	if !ok {
		return "n/a"
	}
	return FormatDuration(d)
}

// RPOText is the RPO for people, or "n/a" when no recovery point was found.
func (t TargetResult) RPOText() string {
	ok, _, _ := t.measured()
	return durText(t.RPO, ok)
}

// RTORestoreText is AWS's restore time for people, or "n/a" when the
// restore job never ended.
func (t TargetResult) RTORestoreText() string {
	_, ok, _ := t.measured()
	return durText(t.RTORestore, ok)
}

// RTOTotalText is the RTO total for people, or "n/a" when the target
// never reached validation.
func (t TargetResult) RTOTotalText() string {
	_, _, ok := t.measured()
	return durText(t.RTOTotal, ok)
}

// targetText renders a target ("no target set" for none).
func targetText(d time.Duration) string {
	if d <= 0 {
		return "no target set"
	}
	return FormatDuration(d)
}

// metText says whether a target was met: "met", "missed" or "no target set".
func metText(met bool, target time.Duration) string {
	switch {
	case target <= 0:
		return "no target set"
	case met:
		return "met"
	}
	return "missed"
}

func (t *TargetResult) fail(err error) {
	if err == nil {
		return
	}
	if t.Error == "" {
		t.Error = err.Error()
	} else {
		t.Error += "; " + err.Error()
	}
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// finish fills the derived fields.
func (t *TargetResult) finish(_ time.Time) {
	t.RPOSeconds = round3(t.RPO.Seconds())
	t.RTORestoreSeconds = round3(t.RTORestore.Seconds())
	t.RTOTotalSeconds = round3(t.RTOTotal.Seconds())
	t.MaxRPOSeconds = t.MaxRPO.Seconds()
	t.MaxRTOSeconds = t.MaxRTO.Seconds()
	t.RPOMet = t.MaxRPO == 0 || (t.RecoveryPointARN != "" && t.RPO <= t.MaxRPO)
	t.RTOMet = t.MaxRTO == 0 || (t.Validation == Passed && t.RTOTotal <= t.MaxRTO)
	for k, v := range t.PhaseSeconds {
		t.PhaseSeconds[k] = math.Round(v*1e6) / 1e6
	}
	t.Status = Failed
	if t.Error == "" && t.Validation == Passed && (t.Cleanup == Deleted || t.Cleanup == Kept) && t.RPOMet && t.RTOMet {
		t.Status = Passed
	}
}

func (r *Report) summarize() {
	r.DurationSeconds = round3(r.FinishedAt.Sub(r.StartedAt).Seconds())
	r.Summary = Summary{Targets: len(r.Targets)}
	r.LeftBehind = []string{}
	for _, t := range r.Targets {
		if t.Status == Passed {
			r.Summary.Passed++
		} else {
			r.Summary.Failed++
		}
		if !t.RTOMet {
			r.Summary.MissedRTO++
		}
		if !t.RPOMet {
			r.Summary.MissedRPO++
		}
		r.LeftBehind = append(r.LeftBehind, t.LeftBehind...)
	}
	r.Summary.LeftBehind = len(r.LeftBehind)
	r.Passed = r.Summary.Failed == 0 && len(r.LeftBehind) == 0 && !r.Canceled
}

// WriteJSON writes the report as indented JSON (the documented schema).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// FormatDuration renders d for people: "850ms", "42s", "3m05s", "2h04m".
func FormatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
}

// WriteMarkdown writes a Markdown summary: a header with the outcome, who
// ran the drill, where and how, and a table with one row per target.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b bytes.Buffer
	verdict := "PASSED"
	if !r.Passed {
		verdict = "FAILED"
	}
	fmt.Fprintf(&b, "# Restore drill %s: %s\n\n", r.DrillID, verdict)
	fmt.Fprintf(&b, "Started %s, took %s. %s: %d passed, %d failed, %d missed RTO, %d missed RPO, %d left behind.\n\n",
		r.StartedAt.UTC().Format(time.RFC3339), FormatDuration(time.Duration(r.DurationSeconds*float64(time.Second))),
		plural(r.Summary.Targets, "target"), r.Summary.Passed, r.Summary.Failed, r.Summary.MissedRTO, r.Summary.MissedRPO, r.Summary.LeftBehind)
	b.WriteString("| | |\n|---|---|\n")
	for _, f := range r.auditFields() {
		fmt.Fprintf(&b, "| %s | %s |\n", f.Name, mdEscape(f.Value))
	}
	for _, s := range r.Audit.Settings {
		fmt.Fprintf(&b, "| Setting %s | %s |\n", mdEscape(s.Name), mdEscape(s.Value))
	}
	b.WriteString("\n")
	if p := r.Policy; p != nil {
		fmt.Fprintf(&b, "Judged against resiliency policy **%s** (tier %s): same-Region restores against its AZ/Hardware objective, restores from cross-Region copies against its Region objective.\n\n", mdEscape(p.Name), mdEscape(p.Tier))
	}
	if r.Canceled {
		b.WriteString("**The drill was cancelled before it finished.**\n\n")
	}
	b.WriteString("| Resource | Type | Restore job | RPO | RPO target | RPO met | RTO restore | RTO total | RTO target | RTO met | Validation | Cleanup | Status | Error |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, t := range r.Targets {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			mdEscape(t.ResourceARN), t.ResourceType, mdEscape(t.RestoreJobID),
			t.RPOText(), withObjective(targetText(t.MaxRPO), t.Objective), metText(t.RPOMet, t.MaxRPO),
			t.RTORestoreText(), t.RTOTotalText(), withObjective(targetText(t.MaxRTO), t.Objective), metText(t.RTOMet, t.MaxRTO),
			t.Validation, t.Cleanup, t.Status, mdEscape(failureText(t)))
	}
	if len(r.LeftBehind) > 0 {
		b.WriteString("\n## Left behind\n\n")
		for _, a := range r.LeftBehind {
			fmt.Fprintf(&b, "- `%s`\n", a)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// plural renders "1 target", "2 targets".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// failureText is the target's error with its validation message, or "".
func failureText(t TargetResult) string {
	if t.Status == Passed {
		return ""
	}
	return failureMessage(t)
}

func withObjective(s, objective string) string {
	if objective == "" {
		return s
	}
	return s + " (" + objective + ")"
}

// JUnit XML shapes (the subset CI systems read).
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Name    string       `xml:"name,attr"`
	Tests   int          `xml:"tests,attr"`
	Fails   int          `xml:"failures,attr"`
	Time    float64      `xml:"time,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Tests      int              `xml:"tests,attr"`
	Fails      int              `xml:"failures,attr"`
	Time       float64          `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Props []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      float64       `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes JUnit XML with one testcase per target (classname is
// the resource type, time the RTO total), so CI systems show drills.
func (r *Report) WriteJUnit(w io.Writer) error {
	return WriteJUnitSuites(w, []JUnitSuite{{Report: r}})
}

// JUnitSuite is one test suite of a JUnit document that holds several
// drills (WriteJUnitSuites), such as a drill across accounts and Regions:
// a drill's report, or a drill that could not run and why.
type JUnitSuite struct {
	// Name names the suite; empty: "restore-drill" and the drill id.
	Name string
	// Report is the drill's report: a testcase per target, as WriteJUnit
	// writes it. Nil for a drill that could not run.
	Report *Report
	// Error says why the drill could not run (Report nil); the suite then
	// holds one failed testcase named after the suite, so CI shows it.
	Error string
}

// WriteJUnitSuites writes several drills as one JUnit document, a test
// suite each, in order; the document's counts are their sums.
func WriteJUnitSuites(w io.Writer, suites []JUnitSuite) error {
	doc := junitSuites{Name: "backupkit restore drill", Suites: []junitSuite{}}
	for _, js := range suites {
		var s junitSuite
		if js.Report != nil {
			s = js.Report.junitSuite()
		} else {
			s = junitSuite{Tests: 1, Fails: 1, Cases: []junitCase{{Name: js.Name, ClassName: "backupkit.drill",
				Failure: &junitFailure{Type: "error", Message: js.Error, Text: js.Error}}}}
		}
		if js.Name != "" {
			s.Name = js.Name
		}
		doc.Tests += s.Tests
		doc.Fails += s.Fails
		doc.Time += s.Time
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitSuite is the report as one JUnit test suite.
func (r *Report) junitSuite() junitSuite {
	s := junitSuite{Name: "restore-drill " + r.DrillID, Tests: len(r.Targets), Fails: r.Summary.Failed,
		Time: r.DurationSeconds, Timestamp: r.StartedAt.UTC().Format(time.RFC3339), Properties: &junitProperties{}}
	for _, f := range r.auditFields() {
		s.Properties.Props = append(s.Properties.Props, junitProperty{Name: junitName(f.Name), Value: f.Value})
	}
	for _, f := range r.Audit.Settings {
		s.Properties.Props = append(s.Properties.Props, junitProperty{Name: "setting." + f.Name, Value: f.Value})
	}
	for _, t := range r.Targets {
		c := junitCase{Name: t.ResourceARN, ClassName: "backupkit.drill." + string(t.ResourceType), Time: t.RTOTotalSeconds,
			SystemOut: fmt.Sprintf("recoveryPoint=%s restoreJob=%s created=%s rpo=%s rtoRestore=%s rtoTotal=%s rpoTarget=%s (%s) rtoTarget=%s (%s) validation=%s cleanup=%s",
				t.RecoveryPointARN, t.RestoreJobID, t.CreatedResourceARN, t.RPOText(), t.RTORestoreText(), t.RTOTotalText(),
				targetText(t.MaxRPO), metText(t.RPOMet, t.MaxRPO), targetText(t.MaxRTO), metText(t.RTOMet, t.MaxRTO), t.Validation, t.Cleanup)}
		if t.Status != Passed {
			c.Failure = &junitFailure{Type: failureType(t), Message: failureMessage(t), Text: failureMessage(t)}
		}
		s.Cases = append(s.Cases, c)
	}
	return s
}

// junitName turns "Restore role" into "restoreRole".
func junitName(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i := 1; i < len(words); i++ {
		words[i] = strings.ToUpper(words[i][:1]) + words[i][1:]
	}
	return strings.Join(words, "")
}

func failureType(t TargetResult) string {
	switch {
	case t.Error != "" && t.Validation != Failed:
		return "error"
	case t.Validation == Failed:
		return "validation"
	case t.Cleanup == Left:
		return "cleanup"
	case !t.RTOMet:
		return "rto"
	case !t.RPOMet:
		return "rpo"
	}
	return "failure"
}

func failureMessage(t TargetResult) string {
	var parts []string
	if t.Error != "" {
		parts = append(parts, t.Error)
	}
	if t.Validation == Failed && t.ValidationMessage != "" && !strings.Contains(t.Error, t.ValidationMessage) {
		parts = append(parts, "validation: "+t.ValidationMessage)
	}
	if !t.RTOMet {
		if _, _, ok := t.measured(); ok {
			parts = append(parts, fmt.Sprintf("RTO %s exceeds target %s", FormatDuration(t.RTOTotal), FormatDuration(t.MaxRTO)))
		} else {
			parts = append(parts, fmt.Sprintf("RTO not measured (target %s)", FormatDuration(t.MaxRTO)))
		}
	}
	if !t.RPOMet {
		if ok, _, _ := t.measured(); ok {
			parts = append(parts, fmt.Sprintf("RPO %s exceeds target %s", FormatDuration(t.RPO), FormatDuration(t.MaxRPO)))
		} else {
			parts = append(parts, fmt.Sprintf("RPO not measured: no recovery point (target %s)", FormatDuration(t.MaxRPO)))
		}
	}
	if len(t.LeftBehind) > 0 {
		parts = append(parts, "left behind: "+strings.Join(t.LeftBehind, ", "))
	}
	if len(parts) == 0 {
		return "failed"
	}
	return strings.Join(parts, "; ")
}
