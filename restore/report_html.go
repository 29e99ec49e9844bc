package restore

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
)

// chartRow is one bar of the SVG chart.
type chartRow struct {
	Label      string
	Y          int
	BarW       float64
	TargetX    float64
	HasTarget  bool
	Missed     bool
	ValueText  string
	TargetText string
}

type chart struct {
	Title  string
	Width  int
	Height int
	Rows   []chartRow
	Max    string
}

const (
	chartLabelW = 330
	chartBarW   = 420
	chartRowH   = 22
)

func buildChart(title string, r *Report, value func(TargetResult) (time.Duration, time.Duration)) chart {
	var maxD time.Duration
	for _, t := range r.Targets {
		v, tg := value(t)
		maxD = max(maxD, v, tg)
	}
	if maxD <= 0 {
		maxD = time.Second
	}
	c := chart{Title: title, Width: chartLabelW + chartBarW + 260, Height: 30 + chartRowH*len(r.Targets), Max: FormatDuration(maxD)}
	for i, t := range r.Targets {
		v, tg := value(t)
		// The resource's own name fits the label column; the table below
		// has the full ARN.
		name := t.ResourceARN
		if i := strings.LastIndexAny(name, "/:"); i >= 0 && i < len(name)-1 {
			name = name[i+1:]
		}
		label := string(t.ResourceType) + " " + name
		if r := []rune(label); len(r) > 44 {
			label = string(r[:20]) + "…" + string(r[len(r)-23:])
		}
		row := chartRow{
			Label:     label,
			Y:         24 + i*chartRowH,
			BarW:      float64(chartBarW) * float64(v) / float64(maxD),
			HasTarget: tg > 0,
			TargetX:   float64(chartLabelW) + float64(chartBarW)*float64(tg)/float64(maxD),
			Missed:    tg > 0 && v > tg,
			ValueText: FormatDuration(v),
		}
		if tg > 0 {
			row.TargetText = "target " + FormatDuration(tg)
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}

var htmlReport = template.Must(template.New("report").Funcs(template.FuncMap{
	"dur":  FormatDuration,
	"secs": func(s float64) string { return FormatDuration(time.Duration(s * float64(time.Second))) },
	"add":  func(a, b int) int { return a + b },
	"f":    func(f float64) string { return fmt.Sprintf("%.1f", f) },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Restore drill {{.R.DrillID}}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}
th{background:#f3f3f3}.passed{color:#1a7f37;font-weight:600}.failed{color:#cf222e;font-weight:600}
code{font-size:12px}svg text{font-size:11px;font-family:inherit}
</style></head><body>
<h1>Restore drill <code>{{.R.DrillID}}</code>: {{if .R.Passed}}<span class="passed">PASSED</span>{{else}}<span class="failed">FAILED</span>{{end}}</h1>
<p>Started {{.R.StartedAt.UTC.Format "2006-01-02 15:04:05 MST"}}, took {{secs .R.DurationSeconds}}.
{{.R.Summary.Targets}} targets: {{.R.Summary.Passed}} passed, {{.R.Summary.Failed}} failed, {{.R.Summary.MissedRTO}} missed RTO,
{{.R.Summary.MissedRPO}} missed RPO, {{.R.Summary.LeftBehind}} left behind.{{if .R.Canceled}} <strong>The drill was cancelled.</strong>{{end}}</p>
{{range .Charts}}
<h2>{{.Title}}</h2>
<svg width="{{.Width}}" height="{{.Height}}" role="img" aria-label="{{.Title}}">
<text x="330" y="14">0</text><text x="750" y="14" text-anchor="end">{{.Max}}</text>
{{range .Rows}}<g>
<text x="322" y="{{add .Y 14}}" text-anchor="end">{{.Label}}</text>
<rect x="330" y="{{add .Y 3}}" width="{{f .BarW}}" height="14" fill="{{if .Missed}}#cf222e{{else}}#2f81f7{{end}}"><title>{{.ValueText}}{{if .HasTarget}} ({{.TargetText}}){{end}}</title></rect>
{{if .HasTarget}}<line x1="{{f .TargetX}}" x2="{{f .TargetX}}" y1="{{.Y}}" y2="{{add .Y 20}}" stroke="#222" stroke-width="2" stroke-dasharray="3,2"/>{{end}}
<text x="760" y="{{add .Y 14}}">{{.ValueText}}{{if .HasTarget}} / {{.TargetText}}{{end}}</text>
</g>{{end}}
</svg>
{{end}}
<h2>Targets</h2>
<div style="overflow-x:auto"><table><tr><th>Resource</th><th>Type</th><th>Recovery point</th><th>Restored as</th><th>RPO</th><th>RTO restore</th><th>RTO total</th><th>Validation</th><th>Cleanup</th><th>Status</th><th>Error</th></tr>
{{range .R.Targets}}<tr><td><code>{{.ResourceARN}}</code></td><td>{{.ResourceType}}</td><td><code>{{.RecoveryPointARN}}</code></td><td><code>{{.CreatedResourceARN}}</code></td>
<td>{{dur .RPO}}</td><td>{{dur .RTORestore}}</td><td>{{dur .RTOTotal}}</td><td>{{.Validation}}</td><td>{{.Cleanup}}</td>
<td class="{{.Status}}">{{.Status}}</td><td>{{.Error}}</td></tr>
{{end}}</table></div>
{{if .R.LeftBehind}}<h2>Left behind</h2><ul>{{range .R.LeftBehind}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
</body></html>
`))

// WriteHTML writes a self-contained HTML page (no external assets): a
// summary, inline SVG charts of RTO total and RPO per target against their
// targets (dashed lines; bars over target in red), and the target table.
func (r *Report) WriteHTML(w io.Writer) error {
	data := struct {
		R      *Report
		Charts []chart
	}{R: r, Charts: []chart{
		buildChart("RTO total per target", r, func(t TargetResult) (time.Duration, time.Duration) { return t.RTOTotal, t.MaxRTO }),
		buildChart("RPO per target", r, func(t TargetResult) (time.Duration, time.Duration) { return t.RPO, t.MaxRPO }),
	}}
	return htmlReport.Execute(w, data)
}
