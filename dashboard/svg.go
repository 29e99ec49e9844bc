package dashboard

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/backupkit/backupkit/restore"
)

// series is one line of a line chart.
type series struct {
	name   string
	class  string // CSS class: s1, s2, target
	values []float64
	dashed bool
}

// lineChart is an inline SVG line chart over time buckets.
type lineChart struct {
	id, title string
	times     []time.Time
	series    []series
	yFormat   func(float64) string
	yMax      float64 // 0: from the data
	percent   bool
}

const (
	chartW, chartH         = 720, 240
	padL, padR, padT, padB = 64, 16, 28, 40
	plotW, plotH           = chartW - padL - padR, chartH - padT - padB
	markerLimit            = 60
)

func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// niceDurationStep picks a step of a "round" duration so that max fits in
// about five ticks.
func niceDurationStep(maxSecs float64) float64 {
	steps := []float64{0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000, 31536000}
	for _, s := range steps {
		if maxSecs/s <= 5 {
			return s
		}
	}
	return math.Ceil(maxSecs / 5)
}

func fmtSeconds(s float64) string { return restore.FormatDuration(secs(s)) }

func (c *lineChart) render() template.HTML {
	var b strings.Builder
	b.Grow(4096)
	n := len(c.times)
	yMax := c.yMax
	if yMax == 0 {
		for _, s := range c.series {
			for _, v := range s.values {
				yMax = max(yMax, v)
			}
		}
	}
	var step float64
	if c.percent {
		yMax, step = 100, 25
	} else {
		if yMax <= 0 {
			yMax = 1
		}
		step = niceDurationStep(yMax)
		yMax = math.Ceil(yMax/step) * step
	}
	x := func(i int) float64 {
		if n <= 1 {
			return padL + plotW/2
		}
		return padL + float64(i)*plotW/float64(n-1)
	}
	y := func(v float64) float64 { return padT + plotH - v/yMax*plotH }
	fmt.Fprintf(&b, `<svg class="chart" id="%s" data-chart="%s" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		c.id, html.EscapeString(c.title), chartW, chartH, chartW, chartH, html.EscapeString(c.title))
	fmt.Fprintf(&b, `<text class="title" x="%d" y="16">%s</text>`, padL, html.EscapeString(c.title))
	// Grid and y labels.
	for v := 0.0; v <= yMax+step/1e6; v += step {
		yy := num(y(v))
		label := fmtSeconds(v)
		if c.percent {
			label = num(v) + "%"
		} else if c.yFormat != nil {
			label = c.yFormat(v)
		}
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%s" y2="%s"/><text class="ylab" x="%d" y="%s">%s</text>`,
			padL, padL+plotW, yy, yy, padL-6, yy, html.EscapeString(label))
	}
	// X labels: about six dates.
	if n > 0 {
		every := max(1, (n+5)/6)
		for i := 0; i < n; i += every {
			fmt.Fprintf(&b, `<text class="xlab" x="%s" y="%d">%s</text>`, num(x(i)), padT+plotH+16, c.times[i].Format("2006-01-02"))
		}
	}
	// Series.
	for si, s := range c.series {
		var d strings.Builder
		started := false
		for i, v := range s.values {
			if math.IsNaN(v) {
				started = false
				continue
			}
			if started {
				d.WriteString("L")
			} else {
				d.WriteString("M")
				started = true
			}
			d.WriteString(num(x(i)))
			d.WriteByte(' ')
			d.WriteString(num(y(v)))
		}
		if d.Len() == 0 {
			continue
		}
		cls := s.class
		fmt.Fprintf(&b, `<path class="data %s" d="%s"><title>%s</title></path>`, cls, d.String(), html.EscapeString(s.name))
		if n <= markerLimit && !s.dashed {
			for i, v := range s.values {
				if math.IsNaN(v) {
					continue
				}
				tip := c.times[i].Format("2006-01-02") + " " + s.name + ": "
				if c.percent {
					tip += num(v) + "%"
				} else {
					tip += fmtSeconds(v)
				}
				fmt.Fprintf(&b, `<circle class="data %s" cx="%s" cy="%s" r="3"><title>%s</title></circle>`, cls, num(x(i)), num(y(v)), html.EscapeString(tip))
			}
		}
		// Legend.
		lx := padL + 300 + si*110
		fmt.Fprintf(&b, `<line class="%s" x1="%d" x2="%d" y1="%d" y2="%d"/><text class="legend" x="%d" y="%d">%s</text>`,
			cls, lx, lx+18, 12, 12, lx+22, 16, html.EscapeString(s.name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// barChart is a horizontal bar chart of the slowest targets.
func barChart(id, title string, rows []TargetStat) template.HTML {
	const labelW, barW, rowH = 330, 330, 20
	h := 30 + rowH*len(rows)
	var maxV float64
	for _, r := range rows {
		maxV = max(maxV, r.MaxRTO)
	}
	if maxV <= 0 {
		maxV = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" data-chart="%s" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		id, html.EscapeString(title), labelW+barW+90, h, labelW+barW+90, h, html.EscapeString(title))
	fmt.Fprintf(&b, `<text class="title" x="0" y="16">%s</text>`, html.EscapeString(title))
	for i, r := range rows {
		yy := 26 + i*rowH
		w := math.Max(1, barW*r.MaxRTO/maxV)
		fmt.Fprintf(&b, `<text class="blab" x="%d" y="%d">%s</text><rect class="data bar" x="%d" y="%d" width="%s" height="%d"><title>%s</title></rect><text class="bval" x="%s" y="%d">%s</text>`,
			labelW-6, yy+13, html.EscapeString(shortLabel(r.ResourceType, r.ResourceARN)),
			labelW, yy+2, num(w), rowH-6, html.EscapeString(r.ResourceARN+" worst RTO "+fmtSeconds(r.MaxRTO)+" on "+r.MaxRTOAt.UTC().Format("2006-01-02")),
			num(labelW+w+6), yy+13, fmtSeconds(r.MaxRTO))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func shortLabel(typ, a string) string {
	name := a
	if i := strings.LastIndexAny(name, "/:"); i >= 0 && i < len(name)-1 {
		name = name[i+1:]
	}
	label := typ + " " + name
	if r := []rune(label); len(r) > 44 {
		label = string(r[:20]) + "…" + string(r[len(r)-23:])
	}
	return label
}
