package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version is the release version, set at link time with
// -ldflags "-X main.version=v1.2.3"; "" means a development build.
var version string

// versionInfo describes this binary: the release version, the module
// version and the VCS revision from its build info.
func versionInfo() string {
	v := version
	if v == "" {
		v = "dev"
	}
	var parts []string
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "backupkit " + v
	}
	parts = append(parts, "module "+bi.Main.Path+" "+bi.Main.Version)
	var rev, at string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" {
		r := "revision " + rev
		if at != "" {
			r += " (" + at + ")"
		}
		if dirty {
			r += " with local changes"
		}
		parts = append(parts, r)
	} else {
		parts = append(parts, "revision unknown")
	}
	parts = append(parts, bi.GoVersion)
	return fmt.Sprintf("backupkit %s (%s)", v, strings.Join(parts, ", "))
}
