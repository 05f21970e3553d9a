package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var updateDoc = flag.Bool("update-doc", false, "rewrite docs/configuration.md from the config structs and the flags")

const (
	configurationDoc = "../../docs/configuration.md"
	modulePath       = "github.com/tinymmo/tinymmo"
)

// option is one row of docs/configuration.md.
type option struct {
	key  string // TOML key; empty for a flag-only option
	flag string // flag name without dashes; empty for a TOML-only option
	def  string // the flag's default
	doc  string // the field's doc comment, or the flag's usage
}

// env is the environment variable that sets o, which only options with a
// flag have (see parseConfig).
func (o option) env() string {
	if o.flag == "" {
		return ""
	}
	return envPrefix + strings.ToUpper(strings.ReplaceAll(o.flag, "-", "_"))
}

// fieldDocs reads the doc comments of struct fields from the Go source.
type fieldDocs struct {
	t      *testing.T
	byType map[string]map[string]string // "pkgpath.Type" -> field -> doc
}

// doc returns the doc comment of field in struct type owner, on one line.
func (d *fieldDocs) doc(owner reflect.Type, field string) string {
	id := owner.PkgPath() + "." + owner.Name()
	fields, ok := d.byType[id]
	if !ok {
		fields = d.parse(owner)
		d.byType[id] = fields
	}
	return fields[field]
}

// parse reads the fields' doc comments of struct type owner from its
// package's source, found from this package's directory.
func (d *fieldDocs) parse(owner reflect.Type) map[string]string {
	dir := "."
	if owner.PkgPath() != "main" {
		dir = filepath.Join("../..", strings.TrimPrefix(owner.PkgPath(), modulePath))
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		d.t.Fatal(err)
	}
	fields := map[string]string{}
	fset := token.NewFileSet()
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			d.t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.TypeSpec)
			if !ok || spec.Name.Name != owner.Name() {
				return true
			}
			if st, ok := spec.Type.(*ast.StructType); ok {
				for _, fld := range st.Fields.List {
					for _, name := range fld.Names {
						fields[name.Name] = strings.Join(strings.Fields(fld.Doc.Text()), " ")
					}
				}
			}
			return false
		})
	}
	if len(fields) == 0 {
		d.t.Fatalf("no struct %s in %s", owner.Name(), dir)
	}
	return fields
}

// roleOptions lists the options of a role: every field of opts that TOML
// may set (only those bound to a flag when flagsOnly), then the flags bound
// to no such field. The flags of fs are bound to fields of opts.
func roleOptions(docs *fieldDocs, opts any, fs *flag.FlagSet, flagsOnly bool) []option {
	byAddr := map[uintptr]*flag.Flag{}
	fs.VisitAll(func(f *flag.Flag) { byAddr[reflect.ValueOf(f.Value).Pointer()] = f })
	bound := map[string]bool{}
	var list []option
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		t := v.Type()
		previous := "" // the key of the last field with a doc comment
		for i := range t.NumField() {
			sf := t.Field(i)
			tag, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
			if !sf.IsExported() || tag == "-" {
				continue
			}
			key := tag
			if key == "" {
				key = sf.Name // BurntSushi/toml matches the field's name
			}
			fv := v.Field(i)
			if fv.Kind() == reflect.Struct {
				if sf.Anonymous && tag == "" {
					walk(fv, prefix) // an embedded struct's keys are the outer struct's
				} else {
					walk(fv, prefix+key+".")
				}
				continue
			}
			o := option{key: prefix + key, doc: docs.doc(t, sf.Name)}
			if o.doc == "" && previous != "" {
				o.doc = fmt.Sprintf("See `%s`.", previous)
			} else {
				previous = o.key
			}
			if f, ok := byAddr[fv.Addr().Pointer()]; ok {
				o.flag, o.def = f.Name, f.DefValue
				bound[f.Name] = true
			} else if flagsOnly {
				continue
			}
			list = append(list, o)
		}
	}
	walk(reflect.ValueOf(opts).Elem(), "")
	fs.VisitAll(func(f *flag.Flag) {
		if !bound[f.Name] {
			list = append(list, option{flag: f.Name, def: f.DefValue, doc: f.Usage})
		}
	})
	return list
}

// configurationReference renders docs/configuration.md.
func configurationReference(t *testing.T) string {
	docs := &fieldDocs{t: t, byType: map[string]map[string]string{}}
	var b strings.Builder
	b.WriteString(`# Configuration reference

<!-- Generated from the config structs' doc comments and the flags by
go test ./cmd/tinymmo -run ConfigurationDoc -update-doc; edit those, not this file. -->

Each role reads its options from, in increasing precedence: the defaults, a TOML file named by ` + "`--config FILE`" + `,
environment variables, and flags. Every flag ` + "`--some-name`" + ` is also the variable ` + "`" + envPrefix + "SOME_NAME`" + `; an option
without a flag is set in the TOML file only, and one without a TOML key by its flag or variable only. Unknown
TOML keys are errors. Durations are written as Go durations (` + "`200ms`, `30s`, `24h`" + `). The default column is
the command's; a default the description names is the Go API's, for a Config left at its zero value, and "—"
there means the option has no flag, so the description's default holds.
`)
	roles := []struct {
		name, intro string
		opts        interface{ flags() *flag.FlagSet }
		flagsOnly   bool
	}{
		{"dev", "Master, world and gateway in one process. Its TOML file may also hold the tables `[Master]`, " +
			"`[World]` and `[Gateway]`, which take those roles' keys below; dev sets their addresses, data " +
			"directories and secrets itself.", &devOptions{}, true},
		{"master", "Accounts, sessions, the world registry and the embedded NATS server.", &masterOptions{}, false},
		{"world", "The simulation: one process per world.", &worldOptions{}, false},
		{"gateway", "The public HTTP API and the web client.", &gatewayOptions{}, false},
		{"nats", "One node of a NATS cluster for the control plane, for a deployment that does not use the " +
			"master's embedded server.", &natsOptions{}, false},
	}
	cell := func(s string) string {
		if s == "" {
			return "—"
		}
		return strings.ReplaceAll(s, "|", `\|`)
	}
	code := func(s string) string {
		if s == "" {
			return "—"
		}
		return "`" + s + "`"
	}
	for _, r := range roles {
		fmt.Fprintf(&b, "\n## tinymmo %s\n\n%s\n\n", r.name, r.intro)
		b.WriteString("| TOML key | environment | flag | default | description |\n|---|---|---|---|---|\n")
		for _, o := range roleOptions(docs, r.opts, r.opts.flags(), r.flagsOnly) {
			if o.doc == "" {
				t.Errorf("tinymmo %s: option %q has no doc comment", r.name, o.key)
			}
			flagName := ""
			if o.flag != "" {
				flagName = "--" + o.flag
			}
			def := o.def
			if o.flag != "" && def == "" {
				def = `""`
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", code(o.key), code(o.env()), code(flagName), code(def), cell(o.doc))
		}
	}
	return b.String()
}

// TestConfigurationDocDescribesEveryOption keeps docs/configuration.md
// equal to what the config structs and the flags say: run it with
// -update-doc after changing an option.
func TestConfigurationDocDescribesEveryOption(t *testing.T) {
	want := configurationReference(t)
	got, err := os.ReadFile(configurationDoc)
	if err != nil && !*updateDoc {
		t.Fatal(err)
	}
	if string(got) == want {
		return
	}
	if *updateDoc {
		if err := os.WriteFile(configurationDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s differs from the options; run go test ./cmd/tinymmo -run ConfigurationDoc -update-doc", configurationDoc)
}

// TestRoleOptionsFindFieldsFlagsAndDocs checks the generator on one
// option of each kind: a field with a flag, a TOML-only field, a field
// documented with the one before it, and a flag-only option.
func TestRoleOptionsFindFieldsFlagsAndDocs(t *testing.T) {
	docs := &fieldDocs{t: t, byType: map[string]map[string]string{}}
	opts := &gatewayOptions{}
	byKey := map[string]option{}
	for _, o := range roleOptions(docs, opts, opts.flags(), false) {
		byKey[o.key+"|"+o.flag] = o
	}
	want := []option{
		{key: "metrics_listen", flag: "metrics-listen", def: "127.0.0.1:8081"},
		{key: "ip_every", flag: "ip-every", def: (200 * time.Millisecond).String(), doc: "See `ip_burst`."},
		{key: "pprof", flag: "pprof", def: ""},
		{flag: "web", def: ""},
	}
	for _, w := range want {
		o, ok := byKey[w.key+"|"+w.flag]
		switch {
		case !ok:
			t.Errorf("no option with key %q and flag %q", w.key, w.flag)
		case o.def != w.def || (w.doc != "" && o.doc != w.doc) || o.doc == "":
			t.Errorf("option %q = %+v, want default %q and doc %q", w.key, o, w.def, w.doc)
		}
	}
	if o := byKey["metrics_listen|metrics-listen"]; !strings.HasPrefix(o.doc, "MetricsListen serves /metrics") || o.env() != "TINYMMO_METRICS_LISTEN" {
		t.Errorf("metrics_listen = %+v (env %s), want the field's doc comment and TINYMMO_METRICS_LISTEN", o, o.env())
	}
}
