package dashboard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromiumPath is Debian's chromium, which scripts/test installs.
const chromiumPath = "/usr/bin/chromium"

// probe runs in the browser after the page has loaded (the test appends it
// to a copy of the page; the dashboard itself has no script). For every
// chart it reports the rendered size and how many data marks have a
// rendered extent, then writes the JSON into the body's data-probe
// attribute, which --dump-dom prints.
const probe = `<script>
(function(){
  var out = [];
  document.querySelectorAll("svg.chart").forEach(function(svg){
    var r = svg.getBoundingClientRect(), marks = 0, visible = 0;
    svg.querySelectorAll(".data").forEach(function(m){
      marks++;
      var b = m.getBBox();
      if (b.width > 0 || b.height > 0) visible++;
    });
    out.push({id: svg.id, w: r.width, h: r.height, marks: marks, visible: visible});
  });
  document.body.setAttribute("data-probe", JSON.stringify(out));
})();
</script>`

type chartProbe struct {
	ID      string  `json:"id"`
	W       float64 `json:"w"`
	H       float64 `json:"h"`
	Marks   int     `json:"marks"`
	Visible int     `json:"visible"`
}

// TestDashboardRendersInChromium loads the page in headless Chromium and
// checks that every chart is laid out with a size and that its data marks
// (lines, points, bars) have a rendered extent.
func TestDashboardRendersInChromium(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s not found (scripts/test installs Debian's chromium): %v", chromiumPath, err)
	}
	var buf bytes.Buffer
	if err := sampleDashboard(t, 100).WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := strings.Replace(buf.String(), "</body>", probe+"</body>", 1)
	dir := t.TempDir()
	file := filepath.Join(dir, "dashboard.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"), "--window-size=1280,2000", "--dump-dom", "file://"+file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	m := regexp.MustCompile(`data-probe="([^"]*)"`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no probe result in the rendered DOM (did the page load?):\n%.2000s\nstderr:\n%.2000s", stdout.String(), stderr.String())
	}
	var charts []chartProbe
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &charts); err != nil {
		t.Fatalf("probe %q: %v", m[1], err)
	}
	if len(charts) != 12 {
		t.Errorf("Chromium sees %d charts; want 12", len(charts))
	}
	for _, c := range charts {
		if c.W < 100 || c.H < 100 {
			t.Errorf("chart %s rendered %vx%v; want a laid-out chart", c.ID, c.W, c.H)
		}
		if c.Marks == 0 || c.Visible != c.Marks {
			t.Errorf("chart %s: %d of %d data marks have a rendered extent; want all, and at least one", c.ID, c.Visible, c.Marks)
		}
	}
}
