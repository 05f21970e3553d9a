package deploy

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

// image is the name every deployment file gives the image the Dockerfile
// builds.
const image = "tinymmo:latest"

// roles are the tinymmo commands a deployment runs as a long-lived service.
var roles = []string{"master", "gateway", "world", "nats"}

// cli is what the real tinymmo binary accepts: its commands and each
// role's flags, read from its help.
type cli struct {
	commands []string
	flags    map[string][]string // by role
}

var (
	cliOnce sync.Once
	cliRead cli
	cliErr  error
)

// tinymmo builds the binary once and reads its commands and flags.
func tinymmo(t *testing.T) cli {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "deploy-test")
		if err != nil {
			cliErr = err
			return
		}
		defer os.RemoveAll(dir)
		bin := filepath.Join(dir, "tinymmo")
		if out, err := exec.Command("go", "build", "-o", bin, "../cmd/tinymmo").CombinedOutput(); err != nil {
			cliErr = errors.New("go build: " + err.Error() + "\n" + string(out))
			return
		}
		help, err := exec.Command(bin, "help").Output()
		if err != nil {
			cliErr = err
			return
		}
		cliRead.commands = indented(string(help), regexp.MustCompile(`^  ([a-z]+)\b`))
		cliRead.flags = map[string][]string{}
		for _, role := range roles {
			// flag.ErrHelp: the usage goes to stderr and the exit is 0.
			out, err := exec.Command(bin, role, "--help").CombinedOutput()
			if err != nil {
				cliErr = errors.New(role + " --help: " + err.Error())
				return
			}
			cliRead.flags[role] = indented(string(out), regexp.MustCompile(`^  -([a-z0-9-]+)`))
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliRead
}

// indented returns the first group of every line of text that re matches.
func indented(text string, re *regexp.Regexp) []string {
	var got []string
	for line := range strings.Lines(text) {
		if m := re.FindStringSubmatch(line); m != nil {
			got = append(got, m[1])
		}
	}
	return got
}

// checkCommand checks that args run a tinymmo role with flags it has, and
// returns the role.
func (c cli) checkCommand(t *testing.T, where string, args []string) string {
	t.Helper()
	if len(args) == 0 {
		t.Errorf("%s: no tinymmo command", where)
		return ""
	}
	role := args[0]
	if !slices.Contains(roles, role) {
		t.Errorf("%s: runs %q, want one of the roles %v", where, role, roles)
		return ""
	}
	for _, arg := range args[1:] {
		if name, ok := strings.CutPrefix(arg, "--"); ok && !slices.Contains(c.flags[role], name) {
			t.Errorf("%s: tinymmo %s has no flag --%s", where, role, name)
		}
	}
	return role
}

// checkEnv checks that an environment variable TINYMMO_X is a flag of role,
// as parseConfig in cmd/tinymmo maps them (TINYMMO_SOME_NAME is --some-name).
func (c cli) checkEnv(t *testing.T, where, role, name string) {
	t.Helper()
	flag, ok := strings.CutPrefix(name, "TINYMMO_")
	if !ok {
		return
	}
	flag = strings.ToLower(strings.ReplaceAll(flag, "_", "-"))
	if !slices.Contains(c.flags[role], flag) {
		t.Errorf("%s: %s sets --%s, which tinymmo %s does not have", where, name, flag, role)
	}
}

// TestDockerfile checks the image: a static binary built without cgo, the
// web client where TINYMMO_WEB points, a minimal final stage with a
// non-root user, a HEALTHCHECK the binary itself runs, and environment
// variables that are flags of some role.
func TestDockerfile(t *testing.T) {
	c := tinymmo(t)
	text, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string // continuation lines joined
	var cur strings.Builder
	for line := range strings.Lines(string(text)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if l, ok := strings.CutSuffix(line, "\\"); ok {
			cur.WriteString(l + " ")
			continue
		}
		cur.WriteString(line)
		lines = append(lines, cur.String())
		cur.Reset()
	}
	var final, user, healthcheck, build string
	env := map[string]string{}
	var copies []string
	for _, line := range lines {
		instr, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(instr) {
		case "FROM":
			final, user, copies = rest, "", nil
		case "USER":
			user = rest
		case "HEALTHCHECK":
			healthcheck = rest
		case "COPY":
			copies = append(copies, rest)
		case "RUN":
			if strings.Contains(rest, "./cmd/tinymmo") {
				build = rest
			}
		case "ENV":
			for _, kv := range strings.Fields(rest) {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
		}
	}
	if !strings.Contains(build, "CGO_ENABLED=0") || !strings.Contains(build, "go build") {
		t.Errorf("the server is built by %q, want CGO_ENABLED=0 go build ./cmd/tinymmo", build)
	}
	if !regexp.MustCompile(`distroless/static|^scratch|^alpine`).MatchString(final) {
		t.Errorf("final stage FROM %q, want distroless/static, scratch or alpine", final)
	}
	if user == "" || user == "root" || strings.HasPrefix(user, "0") {
		t.Errorf("final stage runs as %q, want a non-root USER", user)
	}
	if !strings.Contains(healthcheck, `"healthcheck"`) || !slices.Contains(c.commands, "healthcheck") {
		t.Errorf("HEALTHCHECK %q, want tinymmo healthcheck (commands: %v)", healthcheck, c.commands)
	}
	web := env["TINYMMO_WEB"]
	if web == "" || !slices.ContainsFunc(copies, func(cp string) bool { return strings.HasSuffix(cp, " "+web) }) {
		t.Errorf("TINYMMO_WEB=%q is not a directory the final stage copies in (%q)", web, copies)
	}
	for name := range env {
		if !slices.ContainsFunc(roles, func(role string) bool {
			return slices.Contains(c.flags[role], strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(name, "TINYMMO_"), "_", "-")))
		}) {
			t.Errorf("ENV %s is a flag of no role", name)
		}
	}
}

// composeFile is the part of docker-compose.yml the test reads.
type composeFile struct {
	Services map[string]struct {
		Image string `yaml:"image"`
		Build struct {
			Context    string `yaml:"context"`
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		DependsOn   map[string]any    `yaml:"depends_on"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// TestComposeFile checks the one-machine cluster: every service but the
// database runs the image the Dockerfile builds with a role and flags
// tinymmo has, points at NATS and PostgreSQL on services that exist, and
// uses only declared volumes.
func TestComposeFile(t *testing.T) {
	c := tinymmo(t)
	var f composeFile
	decodeAll(t, "docker-compose.yml", func(d *yaml.Decoder) error { return d.Decode(&f) })
	var ran []string
	for name, s := range f.Services {
		where := "docker-compose.yml: " + name
		if strings.HasPrefix(s.Image, "postgres:") {
			continue // the database
		}
		if s.Image != image {
			t.Errorf("%s: image %q, want %q", where, s.Image, image)
		}
		if got := filepath.Join(s.Build.Context, s.Build.Dockerfile); got != filepath.Join("..", "deploy", "Dockerfile") {
			t.Errorf("%s: built from %q, want deploy/Dockerfile", where, got)
		}
		role := c.checkCommand(t, where, s.Command)
		ran = append(ran, role)
		for k, v := range s.Environment {
			c.checkEnv(t, where, role, k)
			var host string
			switch k {
			case "TINYMMO_NATS":
				host = strings.Split(strings.TrimPrefix(v, "nats://"), ":")[0]
			case "TINYMMO_DB":
				_, rest, _ := strings.Cut(v, "@")
				host = strings.Split(rest, ":")[0]
			default:
				continue
			}
			if _, ok := f.Services[host]; !ok {
				t.Errorf("%s: %s at %q, which is no service", where, k, v)
			}
		}
		for dep := range s.DependsOn {
			if _, ok := f.Services[dep]; !ok {
				t.Errorf("%s: depends on %q, which is no service", where, dep)
			}
		}
		for _, v := range s.Volumes {
			if _, ok := f.Volumes[strings.Split(v, ":")[0]]; !ok {
				t.Errorf("%s: volume %q is not declared", where, v)
			}
		}
	}
	for _, role := range []string{"master", "gateway", "world"} {
		if !slices.Contains(ran, role) {
			t.Errorf("docker-compose.yml runs no %s", role)
		}
	}
	if _, ok := f.Services["postgres"]; !ok {
		t.Error("docker-compose.yml runs no postgres")
	}
}

// manifest is the part of a Kubernetes object the test reads.
type manifest struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Selector map[string]any `yaml:"selector"` // a Service's labels, or a workload's matchLabels
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec struct {
				Containers []container `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// container is the part of a pod's container the test reads.
type container struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Env   []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
}

// TestKubernetesManifests checks every object in k8s/: it names its
// apiVersion, kind and name; every pod runs the image with a role, flags
// and TINYMMO_* variables tinymmo has, refers only to variables set before
// ($(VAR)); every Service selects some pod; and there is a master, a
// gateway, a world and NATS.
func TestKubernetesManifests(t *testing.T) {
	c := tinymmo(t)
	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in k8s/: %v", err)
	}
	var objects []manifest
	for _, file := range files {
		decodeAll(t, file, func(d *yaml.Decoder) error {
			var m manifest
			err := d.Decode(&m)
			if err == nil {
				if m.APIVersion == "" || m.Kind == "" || m.Metadata.Name == "" {
					t.Errorf("%s: an object without apiVersion, kind or metadata.name: %+v", file, m)
				}
				objects = append(objects, m)
			}
			return err
		})
	}
	var podLabels []map[string]string
	var ran []string
	for _, m := range objects {
		where := m.Kind + "/" + m.Metadata.Name
		for _, ctr := range m.Spec.Template.Spec.Containers {
			if ctr.Image != image {
				t.Errorf("%s: container %s runs %q, want %q", where, ctr.Name, ctr.Image, image)
			}
			role := c.checkCommand(t, where, ctr.Args)
			ran = append(ran, role)
			var set []string
			for _, e := range ctr.Env {
				c.checkEnv(t, where, role, e.Name)
				for _, ref := range regexp.MustCompile(`\$\(([A-Z_]+)\)`).FindAllStringSubmatch(e.Value, -1) {
					if !slices.Contains(set, ref[1]) {
						t.Errorf("%s: %s refers to $(%s), not set before it", where, e.Name, ref[1])
					}
				}
				set = append(set, e.Name)
			}
		}
		if len(m.Spec.Template.Metadata.Labels) > 0 {
			podLabels = append(podLabels, m.Spec.Template.Metadata.Labels)
		}
	}
	for _, m := range objects {
		if m.Kind != "Service" {
			continue
		}
		if !slices.ContainsFunc(podLabels, func(labels map[string]string) bool {
			for k, v := range m.Spec.Selector {
				if labels[k] != v {
					return false
				}
			}
			return true
		}) {
			t.Errorf("Service/%s selects no pod: %v", m.Metadata.Name, m.Spec.Selector)
		}
	}
	for _, role := range roles {
		if !slices.Contains(ran, role) {
			t.Errorf("k8s/ runs no %s", role)
		}
	}
}

// TestSystemdUnit checks that the unit sandboxes the service and that its
// command line suits every role it may run as (tinymmo@ROLE).
func TestSystemdUnit(t *testing.T) {
	c := tinymmo(t)
	f, err := os.Open("systemd/tinymmo@.service")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	unit := map[string][]string{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			unit[k] = append(unit[k], v)
		}
	}
	for key, want := range map[string]string{
		"DynamicUser":             "yes",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"PrivateDevices":          "yes",
		"NoNewPrivileges":         "yes",
		"CapabilityBoundingSet":   "",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"SystemCallFilter":        "@system-service",
		"SystemCallArchitectures": "native",
		"MemoryDenyWriteExecute":  "yes",
	} {
		if !slices.Contains(unit[key], want) {
			t.Errorf("%s=%q, want %s=%s among them", key, unit[key], key, want)
		}
	}
	if len(unit["StateDirectory"]) != 1 || unit["StateDirectory"][0] == "" {
		t.Errorf("StateDirectory=%q, want one", unit["StateDirectory"])
	}
	if len(unit["ExecStart"]) != 1 {
		t.Fatalf("ExecStart=%q, want one", unit["ExecStart"])
	}
	args := strings.Fields(unit["ExecStart"][0])
	if filepath.Base(args[0]) != "tinymmo" || args[1] != "%i" {
		t.Fatalf("ExecStart=%q, want tinymmo %%i …", unit["ExecStart"][0])
	}
	for _, role := range roles {
		c.checkCommand(t, "tinymmo@"+role, append([]string{role}, args[2:]...))
	}
	verifyUnit(t, "systemd/tinymmo@.service", "master")
}

// verifyUnit runs systemd-analyze verify, where it is installed, on an
// instance of the template unit at path: it knows every key and value of
// the systemd it comes with. Its complaint that the binary is not installed
// here is expected.
func verifyUnit(t *testing.T, path, instance string) {
	t.Helper()
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("no systemd-analyze here: the unit's keys are not verified by systemd")
		return
	}
	dir := t.TempDir()
	template := filepath.Base(path)
	unit, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, template), unit, 0o644); err != nil {
		t.Fatal(err)
	}
	instanceUnit := strings.Replace(template, "@", "@"+instance, 1)
	if err := os.Symlink(template, filepath.Join(dir, instanceUnit)); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(analyze, "verify", "./"+instanceUnit)
	cmd.Dir = dir
	out, _ := cmd.CombinedOutput()
	for line := range strings.Lines(string(out)) {
		if strings.TrimSpace(line) != "" && !strings.Contains(line, "/usr/local/bin/tinymmo is not executable") {
			t.Errorf("systemd-analyze verify: %s", line)
		}
	}
}

// decodeAll opens a YAML file and calls decode until the file's documents
// are all read, failing the test on a syntax error.
func decodeAll(t *testing.T, path string, decode func(*yaml.Decoder) error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := yaml.NewDecoder(f)
	d.KnownFields(false)
	for {
		if err := decode(d); errors.Is(err, io.EOF) {
			return
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
}
