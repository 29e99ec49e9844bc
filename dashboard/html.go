package dashboard

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"
)

// Chart is one rendered chart of the page.
type Chart struct {
	ID, Title string
	SVG       template.HTML
}

// Charts renders every chart of the page: pass rate, then RTO and RPO per
// resource type, then the slowest targets. A chart is left out when it
// would have no data (no drills, no slow targets).
func (d *Dashboard) Charts() []Chart {
	var out []Chart
	if len(d.PassRate) > 0 {
		c := &lineChart{id: "pass-rate", title: "Pass rate" + d.bucketSuffix(), percent: true}
		drills, targets := make([]float64, len(d.PassRate)), make([]float64, len(d.PassRate))
		for i, p := range d.PassRate {
			c.times = append(c.times, p.Start)
			drills[i], targets[i] = p.DrillRate, p.TargetRate
		}
		c.series = []series{{name: "drills passed", class: "s1", values: drills}, {name: "targets passed", class: "s2", values: targets}}
		out = append(out, Chart{ID: c.id, Title: c.title, SVG: c.render()})
	}
	for i, ts := range d.Types {
		for _, kind := range []string{"RTO", "RPO"} {
			c := &lineChart{id: fmt.Sprintf("%s-%d", strings.ToLower(kind), i), title: fmt.Sprintf("%s %s%s", ts.Type, kind, d.bucketSuffix())}
			mean, worst, target := make([]float64, len(ts.Points)), make([]float64, len(ts.Points)), make([]float64, len(ts.Points))
			hasTarget := false
			for j, p := range ts.Points {
				c.times = append(c.times, p.Start)
				if kind == "RTO" {
					mean[j], worst[j], target[j] = p.MeanRTO, p.MaxRTO, p.RTOTarget
				} else {
					mean[j], worst[j], target[j] = p.MeanRPO, p.MaxRPO, p.RPOTarget
				}
				if target[j] > 0 {
					hasTarget = true
				} else {
					target[j] = math.NaN()
				}
			}
			c.series = []series{{name: "mean", class: "s1", values: mean}, {name: "worst", class: "s2", values: worst}}
			if hasTarget {
				c.series = append(c.series, series{name: "target", class: "target", values: target, dashed: true})
			}
			out = append(out, Chart{ID: c.id, Title: c.title, SVG: c.render()})
		}
	}
	if len(d.Slowest) > 0 {
		title := fmt.Sprintf("Slowest %d targets (worst RTO total)", len(d.Slowest))
		out = append(out, Chart{ID: "slowest", Title: title, SVG: barChart("slowest", title, d.Slowest)})
	}
	return out
}

func (d *Dashboard) bucketSuffix() string {
	switch d.BucketDays {
	case 1:
		return " per day"
	case 7:
		return " per week"
	}
	return fmt.Sprintf(" per %d days", d.BucketDays)
}

var page = template.Must(template.New("dashboard").Funcs(template.FuncMap{
	"date":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") },
	"day":   func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"secs":  fmtSeconds,
	"days":  func(d time.Duration) int { return int(d.Hours() / 24) },
	"since": func(now, t time.Time) string { return fmt.Sprintf("%d days ago", int(now.Sub(t).Hours()/24)) },
	"more":  func(total, shown int) int { return total - shown },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.D.Title}}</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#59636e}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:120px}.card b{display:block;font-size:20px}
.grid2{display:flex;flex-wrap:wrap;gap:16px}svg.chart{max-width:100%;height:auto;border:1px solid #eaeef2;border-radius:6px;background:#fff}
svg .title{font-weight:600;font-size:13px}svg .ylab{font-size:10px;text-anchor:end;dominant-baseline:middle;fill:#59636e}
svg .xlab{font-size:10px;text-anchor:middle;fill:#59636e}svg .legend{font-size:11px}svg .grid{stroke:#eaeef2}
svg path.data{fill:none;stroke-width:2}svg .s1{stroke:#0969da;fill:#0969da}svg .s2{stroke:#bf8700;fill:#bf8700}
svg path.s1,svg path.s2{fill:none}svg line.s1,svg line.s2,svg line.target{stroke-width:2}
svg .target{stroke:#cf222e;stroke-dasharray:6 4;fill:none}svg .bar{fill:#8250df}
svg .blab{font-size:11px;text-anchor:end}svg .bval{font-size:11px;fill:#59636e}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eaeef2;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.arn{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.bad{color:#cf222e}.ok{color:#1a7f37}.err{font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap}
</style></head><body>
<h1>{{.D.Title}}</h1>
<div class="meta">Generated {{date .D.GeneratedAt}}{{if .D.Drills}} from {{.D.Drills}} drills ({{.D.Targets}} drilled targets), {{day .D.First}} to {{day .D.Last}}{{end}}.</div>
{{range .D.Policies}}<div class="meta">Resiliency policy: {{.}}</div>{{end}}
<div class="cards">
<div class="card">drills<b>{{.D.Drills}}</b></div>
<div class="card">drilled targets<b>{{.D.Targets}}</b></div>
<div class="card">not drilled in {{days .D.Window}} days<b class="{{if .D.NotDrilledTotal}}bad{{else}}ok{{end}}">{{.D.NotDrilledTotal}}</b></div>
<div class="card">failed drills listed<b class="{{if .D.Failed}}bad{{else}}ok{{end}}">{{len .D.Failed}}</b></div>
</div>
{{if not .D.Drills}}<p>The history holds no drills yet.</p>{{end}}
<div class="grid2">{{range .Charts}}<figure id="fig-{{.ID}}" style="margin:0">{{.SVG}}</figure>{{end}}</div>

<h2 id="not-drilled">Not drilled in the last {{days .D.Window}} days ({{.D.NotDrilledTotal}})</h2>
{{if .D.NotDrilled}}<table><tr><th>Resource</th><th>Type</th><th>Last drilled</th><th>Last status</th><th>Protected</th></tr>
{{range .D.NotDrilled}}<tr><td class="arn">{{.ResourceARN}}</td><td>{{.ResourceType}}</td><td>{{if .LastDrilled.IsZero}}<span class="bad">never</span>{{else}}{{day .LastDrilled}} ({{since $.D.GeneratedAt .LastDrilled}}){{end}}</td><td>{{.LastStatus}}</td><td>{{if .InInventory}}{{if .Protected}}yes{{else}}<span class="bad">no</span>{{end}}{{else}}-{{end}}</td></tr>
{{end}}</table>{{if gt .D.NotDrilledTotal (len .D.NotDrilled)}}<p class="meta">… and {{more .D.NotDrilledTotal (len .D.NotDrilled)}} more.</p>{{end}}
{{else}}<p class="ok">Every known target was drilled in the window.</p>{{end}}

<h2 id="slowest">Slowest targets</h2>
{{if .D.Slowest}}<table><tr><th>Resource</th><th>Type</th><th>Worst RTO</th><th>On</th><th>Last RTO</th><th>Drills</th><th>Passed</th></tr>
{{range .D.Slowest}}<tr><td class="arn">{{.ResourceARN}}</td><td>{{.ResourceType}}</td><td>{{secs .MaxRTO}}</td><td>{{day .MaxRTOAt}}</td><td>{{secs .LastRTO}}</td><td>{{.Drills}}</td><td>{{.Passed}}</td></tr>
{{end}}</table>{{else}}<p>No drilled targets.</p>{{end}}

<h2 id="failed">Failed drills (most recent {{len .D.Failed}})</h2>
{{if .D.Failed}}<table><tr><th>Drill</th><th>Started</th><th>Failed targets</th><th>Errors</th></tr>
{{range .D.Failed}}<tr><td>{{.DrillID}}{{if .Canceled}} (cancelled){{end}}</td><td>{{date .StartedAt}}</td><td>{{.Failed}} of {{.Targets}}</td><td>{{range .Errors}}<div class="err"><b>{{.ResourceType}}</b> {{.ResourceARN}}: {{.Error}}</div>{{end}}{{if gt .Failed (len .Errors)}}<div class="meta">… and {{more .Failed (len .Errors)}} more</div>{{end}}{{range .LeftBehind}}<div class="err bad">left behind: {{.}}</div>{{end}}</td></tr>
{{end}}</table>{{else}}<p class="ok">No failed drills.</p>{{end}}
</body></html>
`))

// WriteHTML renders the dashboard as one self-contained HTML page.
func (d *Dashboard) WriteHTML(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := page.Execute(bw, struct {
		D      *Dashboard
		Charts []Chart
	}{d, d.Charts()}); err != nil {
		return err
	}
	return bw.Flush()
}
