package restore

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"sync"
	"time"
)

// The charts are SVGs drawn on a 1200-unit-wide canvas and scaled to the
// page width (viewBox), so they use the whole page on screen and on print.
const (
	chartW      = 1200
	chartLabelW = 300 // target labels, right-aligned at chartLabelW-8
	chartBarW   = 680 // the plot area
	chartRowH   = 22
	chartTop    = 28 // room for the axis labels
)

// chartRow is one target's bar (value) and marker (target) in a chart.
type chartRow struct {
	Label     string
	Y         int
	BarW      float64 // 0: nothing measured
	TargetX   float64
	HasTarget bool
	Missed    bool
	Text      string // "437ms / target 1h: met"
}

// chartTick is one labelled axis position.
type chartTick struct {
	X    float64
	Text string
}

type chart struct {
	Title    string
	Note     string // how to read the chart (scale, targets)
	Height   int
	Rows     []chartRow
	Ticks    []chartTick
	Empty    string // set when nothing was measured
	PlotEndX int
}

// targetLabel is the resource's own name with its type, short enough for
// the label column; the table has the full ARN.
func targetLabel(t TargetResult) string {
	name := t.ResourceARN
	if i := strings.LastIndexAny(name, "/:"); i >= 0 && i < len(name)-1 {
		name = name[i+1:]
	}
	label := string(t.ResourceType) + " " + name
	if r := []rune(label); len(r) > 40 {
		label = string(r[:18]) + "…" + string(r[len(r)-21:])
	}
	return label
}

// scale maps durations to the plot area. Values spanning more than two
// orders of magnitude (437 ms against a 1 h target) use a log scale, so
// every bar shows; others a linear scale from 0.
type scale struct {
	log    bool
	lo, hi float64 // seconds
}

func newScale(values []time.Duration) scale {
	var lo, hi float64
	for _, v := range values {
		s := v.Seconds()
		if s <= 0 {
			continue
		}
		if lo == 0 || s < lo {
			lo = s
		}
		hi = max(hi, s)
	}
	if hi == 0 {
		return scale{}
	}
	if hi/lo > 100 {
		sc := scale{log: true, lo: logTicks[0], hi: logTicks[len(logTicks)-1]}
		for _, v := range logTicks {
			if v <= lo {
				sc.lo = v
			}
		}
		for i := len(logTicks) - 1; i >= 0; i-- {
			if logTicks[i] >= hi {
				sc.hi = logTicks[i]
			}
		}
		return sc
	}
	return scale{hi: hi * 1.05}
}

// logTicks are the log scale's tick marks, in seconds: about ten times
// apart, on durations people read at a glance.
var logTicks = []float64{0.001, 0.01, 0.1, 1, 10, 60, 600, 3600, 86400, 864000, 8640000, 86400000}

// x returns the offset of d in the plot area, in [0, chartBarW].
func (s scale) x(d time.Duration) float64 {
	v := d.Seconds()
	if s.hi == 0 || v <= 0 {
		return 0
	}
	var f float64
	if s.log {
		f = (math.Log10(v) - math.Log10(s.lo)) / (math.Log10(s.hi) - math.Log10(s.lo))
	} else {
		f = v / s.hi
	}
	return chartBarW * min(1, max(0, f))
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func (s scale) ticks() []chartTick {
	if s.hi == 0 {
		return nil
	}
	var out []chartTick
	if s.log {
		for _, v := range logTicks {
			if v >= s.lo && v <= s.hi {
				out = append(out, chartTick{X: chartLabelW + s.x(seconds(v)), Text: FormatDuration(seconds(v))})
			}
		}
		return out
	}
	for i := range 5 {
		v := s.hi * float64(i) / 4
		out = append(out, chartTick{X: chartLabelW + chartBarW*float64(i)/4, Text: FormatDuration(seconds(v))})
	}
	out[0].Text = "0"
	return out
}

func buildChart(title string, r *Report, value func(TargetResult) (v time.Duration, measured bool, target time.Duration, met bool)) chart {
	var all []time.Duration
	anyTarget, anyMeasured := false, false
	for _, t := range r.Targets {
		v, ok, tg, _ := value(t)
		if ok {
			all = append(all, v)
			anyMeasured = true
		}
		if tg > 0 {
			all = append(all, tg)
			anyTarget = true
		}
	}
	sc := newScale(all)
	c := chart{Title: title, Height: chartTop + chartRowH*len(r.Targets) + 4, Ticks: sc.ticks(), PlotEndX: chartLabelW + chartBarW}
	switch {
	case sc.log:
		c.Note = "Log scale: each tick is about ten times the one before."
	default:
		c.Note = "Linear scale from 0."
	}
	if anyTarget {
		c.Note += " Dashed line: the target; red bar: target missed."
	} else {
		c.Note += " No target set (--max-rto / --max-rpo): bars show what was measured."
	}
	if !anyMeasured && !anyTarget {
		c.Empty = "Nothing measured and no target set."
	}
	for i, t := range r.Targets {
		v, ok, tg, met := value(t)
		row := chartRow{Label: targetLabel(t), Y: chartTop + i*chartRowH, HasTarget: tg > 0, Missed: tg > 0 && !met}
		text := "n/a"
		if ok {
			text = FormatDuration(v)
			// A measured value is never invisible: at least 2 units wide.
			row.BarW = max(2, sc.x(v))
		}
		if tg > 0 {
			row.TargetX = chartLabelW + sc.x(tg)
			text += " / target " + FormatDuration(tg) + ": " + metText(met, tg)
		} else {
			text += " (no target set)"
		}
		row.Text = text
		c.Rows = append(c.Rows, row)
	}
	return c
}

// ganttPhases are the phases in the order a target goes through them.
var ganttPhases = []struct{ Name, Color string }{
	{PhaseBackup, "#8250df"}, {PhaseSelect, "#9a6700"}, {PhaseRestore, "#2f81f7"}, {PhaseValidate, "#1a7f37"}, {PhaseCleanup, "#bc4c00"},
}

type ganttSeg struct {
	X, W  float64
	Color string
	Title string
}

type ganttRow struct {
	Label string
	Y     int
	Segs  []ganttSeg
	Text  string
}

type gantt struct {
	Height int
	Rows   []ganttRow
	Ticks  []chartTick
	Legend []struct{ Name, Color string }
}

// buildGantt lays each target's phases end to end from the target's start,
// on one time axis from the drill's start to its end.
func buildGantt(r *Report) gantt {
	total := r.FinishedAt.Sub(r.StartedAt).Seconds()
	for _, t := range r.Targets {
		end := 0.0
		if !t.StartedAt.IsZero() {
			end = t.StartedAt.Sub(r.StartedAt).Seconds()
		}
		for _, p := range ganttPhases {
			end += t.PhaseSeconds[p.Name]
		}
		total = max(total, end)
	}
	if total <= 0 {
		total = 1
	}
	x := func(s float64) float64 { return chartLabelW + chartBarW*min(1, max(0, s/total)) }
	g := gantt{Height: chartTop + chartRowH*len(r.Targets) + 4, Legend: ganttPhases}
	for i := range 5 {
		v := total * float64(i) / 4
		txt := "+" + FormatDuration(seconds(v))
		if i == 0 {
			txt = "start"
		}
		g.Ticks = append(g.Ticks, chartTick{X: x(v), Text: txt})
	}
	for i, t := range r.Targets {
		row := ganttRow{Label: targetLabel(t), Y: chartTop + i*chartRowH}
		at := 0.0
		if !t.StartedAt.IsZero() {
			at = t.StartedAt.Sub(r.StartedAt).Seconds()
		}
		var parts []string
		for _, p := range ganttPhases {
			s, ok := t.PhaseSeconds[p.Name]
			if !ok {
				continue
			}
			x0, x1 := x(at), x(at+s)
			row.Segs = append(row.Segs, ganttSeg{X: x0, W: max(1, x1-x0), Color: p.Color, Title: p.Name + " " + FormatDuration(seconds(s))})
			parts = append(parts, p.Name+" "+FormatDuration(seconds(s)))
			at += s
		}
		row.Text = strings.Join(parts, ", ")
		if row.Text == "" {
			row.Text = "no phase recorded"
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// htmlReport is parsed on first use, not when a program linking restore
// starts (the Lambda function's cold start).
var htmlReport = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"add":  func(a, b int) int { return a + b },
		"mul":  func(a, b int) int { return a * b },
		"f":    func(f float64) string { return fmt.Sprintf("%.1f", f) },
		"secs": func(s float64) string { return FormatDuration(seconds(s)) },
		"rpo":  func(t TargetResult) string { return t.RPOText() },
		"rtoR": func(t TargetResult) string { return t.RTORestoreText() },
		"rtoT": func(t TargetResult) string { return t.RTOTotalText() },
		"tgt": func(d time.Duration, objective string) string {
			return withObjective(targetText(d), objective)
		},
		"met":     metText,
		"failure": failureText,
	}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Restore drill {{.R.DrillID}}</title>
<style>
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:16px 24px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.6em 0}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top;font-size:12px;overflow-wrap:anywhere}
th{background:#f3f3f3}
.passed,.met{color:#1a7f37;font-weight:600}.failed,.missed{color:#cf222e;font-weight:600}.na{color:#777}
code{font-size:11px;overflow-wrap:anywhere;word-break:break-all}
table.targets{width:100%;table-layout:fixed}
table.audit th{width:11em}
td.err{white-space:normal;color:#cf222e}
.sub{color:#555;font-size:11px}
.note{color:#555;font-size:12px;margin:0}
svg{display:block;width:100%;height:auto}svg text{font-size:11px;font-family:system-ui,sans-serif}
@media print{
  @page{size:A4 landscape;margin:12mm}
  body{margin:0}
  section{break-after:page}
  section:last-of-type{break-after:auto}
  tr{break-inside:avoid}
}
</style></head><body>
<section id="summary">
<h1>Restore drill <code>{{.R.DrillID}}</code>: {{if .R.Passed}}<span class="passed">PASSED</span>{{else}}<span class="failed">FAILED</span>{{end}}</h1>
<p>Took {{secs .R.DurationSeconds}}. {{.Targets}}: {{.R.Summary.Passed}} passed, {{.R.Summary.Failed}} failed, {{.R.Summary.MissedRTO}} missed RTO,
{{.R.Summary.MissedRPO}} missed RPO, {{.R.Summary.LeftBehind}} left behind.{{if .R.Canceled}} <strong>The drill was cancelled.</strong>{{end}}</p>
<table class="audit">
{{range .Audit}}<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>
{{end}}{{range .R.Audit.Settings}}<tr><th>Setting</th><td><code>{{.Name}}</code> = {{.Value}}</td></tr>
{{end}}{{with .R.Policy}}<tr><th>Resiliency policy</th><td>{{.Name}} (tier {{.Tier}})</td></tr>{{end}}
</table>
</section>
<section id="timeline">
<h2>Timeline per target</h2>
<p class="note">Each target's phases end to end from when it started; hover a bar for its duration.</p>
<svg viewBox="0 0 1200 {{add .Gantt.Height 26}}" role="img" aria-label="Timeline per target">
{{range .Gantt.Ticks}}<text x="{{f .X}}" y="14" text-anchor="middle">{{.Text}}</text><line x1="{{f .X}}" x2="{{f .X}}" y1="18" y2="{{$.Gantt.Height}}" stroke="#ddd"/>
{{end}}{{range $row := .Gantt.Rows}}<g><title>{{.Text}}</title>
<text x="292" y="{{add .Y 14}}" text-anchor="end">{{.Label}}</text>
{{range .Segs}}<rect x="{{f .X}}" y="{{add $row.Y 3}}" width="{{f .W}}" height="14" fill="{{.Color}}"><title>{{.Title}}</title></rect>{{end}}
</g>{{end}}
{{range $i, $p := .Gantt.Legend}}<rect x="{{add 300 (mul $i 110)}}" y="{{add $.Gantt.Height 8}}" width="12" height="12" fill="{{$p.Color}}"/><text x="{{add 316 (mul $i 110)}}" y="{{add $.Gantt.Height 18}}">{{$p.Name}}</text>
{{end}}</svg>
</section>
{{range $c := .Charts}}
<section>
<h2>{{.Title}}</h2>
<p class="note">{{.Note}}</p>
{{if .Empty}}<p>{{.Empty}}</p>{{else}}
<svg viewBox="0 0 1200 {{.Height}}" role="img" aria-label="{{.Title}}">
{{range .Ticks}}<text x="{{f .X}}" y="14" text-anchor="middle">{{.Text}}</text><line x1="{{f .X}}" x2="{{f .X}}" y1="18" y2="{{$c.Height}}" stroke="#ddd"/>
{{end}}{{range .Rows}}<g>
<text x="292" y="{{add .Y 14}}" text-anchor="end">{{.Label}}</text>
{{if .BarW}}<rect x="300" y="{{add .Y 3}}" width="{{f .BarW}}" height="14" fill="{{if .Missed}}#cf222e{{else}}#2f81f7{{end}}"><title>{{.Text}}</title></rect>{{end}}
{{if .HasTarget}}<line x1="{{f .TargetX}}" x2="{{f .TargetX}}" y1="{{.Y}}" y2="{{add .Y 20}}" stroke="#222" stroke-width="2" stroke-dasharray="3,2"/>{{end}}
<text x="{{add $c.PlotEndX 8}}" y="{{add .Y 14}}">{{.Text}}</text>
</g>{{end}}
</svg>{{end}}
</section>
{{end}}
<section id="targets">
<h2>Targets</h2>
<table class="targets">
<colgroup><col style="width:20%"><col style="width:5%"><col style="width:8%"><col style="width:5%"><col style="width:6%"><col style="width:5%"><col style="width:5%"><col style="width:5%"><col style="width:6%"><col style="width:5%"><col style="width:6%"><col style="width:5%"><col style="width:5%"><col style="width:14%"></colgroup>
<tr><th>Resource</th><th>Type</th><th>Restore job</th><th>RPO</th><th>RPO target</th><th>RPO met</th><th>RTO restore</th><th>RTO total</th><th>RTO target</th><th>RTO met</th><th>Validation</th><th>Cleanup</th><th>Status</th><th>Error</th></tr>
{{range .R.Targets}}<tr class="target"><td><code>{{.ResourceARN}}</code>{{if .RecoveryPointARN}}<div class="sub">from <code>{{.RecoveryPointARN}}</code></div>{{end}}{{if .CreatedResourceARN}}<div class="sub">restored as <code>{{.CreatedResourceARN}}</code></div>{{end}}</td>
<td>{{.ResourceType}}</td><td><code>{{.RestoreJobID}}</code></td>
<td>{{rpo .}}</td><td>{{tgt .MaxRPO .Objective}}</td><td class="{{met .RPOMet .MaxRPO}}">{{met .RPOMet .MaxRPO}}</td>
<td>{{rtoR .}}</td><td>{{rtoT .}}</td><td>{{tgt .MaxRTO .Objective}}</td><td class="{{met .RTOMet .MaxRTO}}">{{met .RTOMet .MaxRTO}}</td>
<td>{{.Validation}}</td><td>{{.Cleanup}}</td><td class="{{.Status}}">{{.Status}}</td><td class="err">{{failure .}}</td></tr>
{{end}}</table>
{{if .R.LeftBehind}}<h2>Left behind</h2><ul>{{range .R.LeftBehind}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
</section>
</body></html>
`))
})

// WriteHTML writes a self-contained HTML page (no external assets): the
// verdict and who ran the drill, where and how; a timeline of each target's
// phases; SVG charts of RTO total and RPO per target against their targets
// (dashed lines; bars over target in red; a log scale when values span
// orders of magnitude); and the target table with met/missed columns,
// restore job ids and readable errors. Print CSS puts each section on its
// own page.
func (r *Report) WriteHTML(w io.Writer) error {
	data := struct {
		R       *Report
		Targets string
		Audit   []Setting
		Gantt   gantt
		Charts  []chart
	}{R: r, Targets: plural(r.Summary.Targets, "target"), Audit: r.auditFields(), Gantt: buildGantt(r), Charts: []chart{
		buildChart("RTO total per target", r, func(t TargetResult) (time.Duration, bool, time.Duration, bool) {
			_, _, ok := t.measured()
			return t.RTOTotal, ok, t.MaxRTO, t.RTOMet
		}),
		buildChart("RPO per target", r, func(t TargetResult) (time.Duration, bool, time.Duration, bool) {
			ok, _, _ := t.measured()
			return t.RPO, ok, t.MaxRPO, t.RPOMet
		}),
	}}
	return htmlReport().Execute(w, data)
}
