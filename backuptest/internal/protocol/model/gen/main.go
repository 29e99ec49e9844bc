// Command gen writes a service's wire-name table (model.Model) from
// botocore's copy of the service's Smithy model, for the operations the
// emulator serves:
//
//	go run ./backuptest/internal/protocol/model/gen -service ec2 -version 2016-11-15 \
//	    -package ec2 -ops DescribeVolumes,DescribeInstances -out backuptest/internal/ec2/model_gen.go
//
// -botocore is botocore's data directory; default: the one of the python3
// on PATH.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

type shapeRef struct {
	Shape        string `json:"shape"`
	LocationName string `json:"locationName"`
	Location     string `json:"location"`
	QueryName    string `json:"queryName"`
	XMLNamespace *struct {
		URI string `json:"uri"`
	} `json:"xmlNamespace"`
}

type shape struct {
	Type      string              `json:"type"`
	Members   map[string]shapeRef `json:"members"`
	Member    *shapeRef           `json:"member"`
	Key       *shapeRef           `json:"key"`
	Value     *shapeRef           `json:"value"`
	Flattened bool                `json:"flattened"`
	Payload   string              `json:"payload"`
}

type operation struct {
	HTTP struct {
		Method       string `json:"method"`
		RequestURI   string `json:"requestUri"`
		ResponseCode int    `json:"responseCode"`
	} `json:"http"`
	Input  *shapeRef `json:"input"`
	Output *shapeRef `json:"output"`
}

type serviceModel struct {
	Metadata struct {
		Protocol string `json:"protocol"`
	} `json:"metadata"`
	Operations map[string]operation `json:"operations"`
	Shapes     map[string]shape     `json:"shapes"`
}

func main() {
	var (
		dataDir = flag.String("botocore", "", "botocore data directory")
		service = flag.String("service", "", "botocore service name (ec2, s3, efs, …)")
		version = flag.String("version", "", "API version (2016-11-15)")
		pkg     = flag.String("package", "", "Go package name")
		ops     = flag.String("ops", "", "comma-separated operations")
		out     = flag.String("out", "", "output file")
	)
	flag.Parse()
	if *service == "" || *version == "" || *pkg == "" || *ops == "" || *out == "" {
		log.Fatal("gen: -service, -version, -package, -ops and -out are required")
	}
	if *dataDir == "" {
		b, err := exec.Command("python3", "-c", "import botocore,os;print(os.path.join(os.path.dirname(botocore.__file__),'data'))").Output()
		if err != nil {
			log.Fatalf("gen: find botocore: %v (set -botocore)", err)
		}
		*dataDir = strings.TrimSpace(string(b))
	}
	m, err := load(filepath.Join(*dataDir, *service, *version))
	if err != nil {
		log.Fatal(err)
	}
	src, err := generate(m, *service, *version, *pkg, strings.Split(*ops, ","))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

func load(dir string) (*serviceModel, error) {
	var r io.Reader
	if f, err := os.Open(filepath.Join(dir, "service-2.json")); err == nil {
		defer f.Close()
		r = f
	} else {
		f, err := os.Open(filepath.Join(dir, "service-2.json.gz"))
		if err != nil {
			return nil, fmt.Errorf("gen: no service-2.json(.gz) in %s", dir)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	var m serviceModel
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		return nil, fmt.Errorf("gen: %s: %w", dir, err)
	}
	return &m, nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func generate(m *serviceModel, service, version, pkg string, ops []string) ([]byte, error) {
	type member struct {
		Name, Query, Item, Location, NS string
		Flat, Payload                   bool
	}
	shapes := map[string]map[string]member{}
	seen := map[string]bool{}
	var walk func(goName, shapeName string)
	walk = func(goName, shapeName string) {
		if seen[goName] {
			return
		}
		seen[goName] = true
		s, ok := m.Shapes[shapeName]
		if !ok || s.Type != "structure" {
			return
		}
		for name, ref := range s.Members {
			field := upperFirst(name)
			target := m.Shapes[ref.Shape]
			var mb member
			if ref.LocationName != "" && ref.LocationName != field {
				mb.Name = ref.LocationName
			}
			mb.Location = ref.Location
			if m.Metadata.Protocol == "ec2" {
				q := ref.QueryName
				if q == "" && ref.LocationName != "" {
					q = upperFirst(ref.LocationName)
				}
				if q != "" && q != field {
					mb.Query = q
				}
			}
			if s.Payload == name {
				mb.Payload = true
				if ref.XMLNamespace != nil {
					mb.NS = ref.XMLNamespace.URI
				}
			}
			elem := ref.Shape
			if target.Type == "list" && target.Member != nil {
				mb.Flat = target.Flattened
				if target.Member.LocationName != "" {
					mb.Item = target.Member.LocationName
				}
				elem = target.Member.Shape
			}
			if target.Type == "map" && target.Value != nil {
				elem = target.Value.Shape
			}
			if mb != (member{}) {
				if shapes[goName] == nil {
					shapes[goName] = map[string]member{}
				}
				shapes[goName][field] = mb
			}
			if es, ok := m.Shapes[elem]; ok && es.Type == "structure" {
				walk(elem, elem)
			}
		}
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "// Code generated by backuptest/internal/protocol/model/gen from botocore's %s %s model; DO NOT EDIT.\n\n", service, version)
	fmt.Fprintf(&buf, "package %s\n\nimport \"github.com/backupkit/backupkit/backuptest/internal/protocol/model\"\n\n", pkg)
	fmt.Fprintf(&buf, "// wireModel holds the wire names of the operations this service serves.\nvar wireModel = &model.Model{\n\tOps: map[string]model.Op{\n")
	slices.Sort(ops)
	for _, name := range ops {
		op, ok := m.Operations[name]
		if !ok {
			return nil, fmt.Errorf("gen: %s has no operation %s", service, name)
		}
		fmt.Fprintf(&buf, "\t\t%q: {Method: %q, URI: %q, Status: %d, Input: %q, Output: %q},\n",
			name, op.HTTP.Method, op.HTTP.RequestURI, op.HTTP.ResponseCode, name+"Input", name+"Output")
		if op.Input != nil {
			walk(name+"Input", op.Input.Shape)
		}
		if op.Output != nil {
			walk(name+"Output", op.Output.Shape)
		}
	}
	fmt.Fprintf(&buf, "\t},\n\tShapes: map[string]map[string]model.Member{\n")
	names := make([]string, 0, len(shapes))
	for n := range shapes {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&buf, "\t\t%q: {\n", n)
		fields := make([]string, 0, len(shapes[n]))
		for f := range shapes[n] {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			mb := shapes[n][f]
			var parts []string
			add := func(k, v string) {
				if v != "" {
					parts = append(parts, fmt.Sprintf("%s: %q", k, v))
				}
			}
			add("Name", mb.Name)
			add("Query", mb.Query)
			add("Item", mb.Item)
			if mb.Flat {
				parts = append(parts, "Flat: true")
			}
			add("Location", mb.Location)
			if mb.Payload {
				parts = append(parts, "Payload: true")
			}
			add("NS", mb.NS)
			fmt.Fprintf(&buf, "\t\t\t%q: {%s},\n", f, strings.Join(parts, ", "))
		}
		fmt.Fprintf(&buf, "\t\t},\n")
	}
	fmt.Fprintf(&buf, "\t},\n}\n")
	return format.Source(buf.Bytes())
}
