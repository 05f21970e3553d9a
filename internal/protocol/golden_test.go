package protocol_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the encoders")

// goldenMessages holds one canonical example of every message type. Its
// encodings are testdata/golden/<name>.hex, and docs/protocol.md quotes them.
var goldenMessages = []protocol.Message{
	protocol.Hello{Version: protocol.Version, Token: "jt_Q29mZmVlQnJlYWs"},
	protocol.Input{Seq: 300, Tick: 5002, Move: protocol.DirNE, Aim: 224, Buttons: protocol.ButtonPrimary, Target: 3},
	protocol.Ping{ClientTime: 123456},
	protocol.Chat{Channel: protocol.ChannelWhisper, To: "Ann", Text: "hi 🙂"},
	protocol.ChatLine{Channel: protocol.ChannelSay, From: "Bob", Text: "héllo"},
	protocol.Party{Leader: "Ann", Members: []string{"Ann", "Bob"}},
	protocol.PartyVitals{Members: []protocol.MemberVitals{{HP: 55, MaxHP: 90, MP: 35, MaxMP: 40}, {}}},
	protocol.Welcome{EntityID: 7, Map: "meadow", X: 1600, Y: -48, TickRate: 20, Tick: 5000, ServerTime: 1767225600000, Speed: 72},
	protocol.Pong{ClientTime: 123456, ServerTime: 1767225600123},
	protocol.MapChange{Map: "dungeon", Instance: 3, X: 4096, Y: 2048, Tick: 120, ServerTime: 1767225606000, Ack: 298, Owner: "Ann"},
	protocol.Snapshot{
		Tick: 5001, HasAck: true, Ack: 300, HasOwn: true, OwnDX: 51, OwnDY: -51,
		Despawns: []uint32{4},
		Spawns: []protocol.EntityProps{{Handle: 2, Props: []protocol.Prop{
			protocol.IntProp(protocol.PropX, 1664), protocol.IntProp(protocol.PropY, 800),
			protocol.IntProp(protocol.PropDir, int64(protocol.DirE)), protocol.IntProp(protocol.PropSpeed, 72),
			protocol.TextProp(protocol.PropName, "Ann"), protocol.IntProp(protocol.PropSprite, int64(protocol.SpriteRogue)),
			protocol.IntProp(protocol.PropHP, 90), protocol.IntProp(protocol.PropMaxHP, 90),
		}}},
		Moves:   []protocol.Move{{Handle: 1, Dir: protocol.DirS}, {Handle: 9, Dir: protocol.DirNone}},
		Changes: []protocol.EntityProps{{Handle: 1, Props: []protocol.Prop{protocol.IntProp(protocol.PropHP, 55)}}},
		Vitals:  []protocol.Prop{protocol.IntProp(protocol.PropMP, 35), protocol.IntProp(protocol.PropXP, 12)},
		Events: []protocol.Event{
			{Kind: protocol.EventShot, Subject: protocol.OfHandle(2), Ability: 4, Aim: 32, ID: 17, X: 1664, Y: 704},
			{Kind: protocol.EventHit, Subject: protocol.OfHandle(1), Amount: 9, ID: 16},
			{Kind: protocol.EventRefused, Ability: 2, Reason: protocol.ReasonCooldown},
		},
	},
}

const docPath = "../../docs/protocol.md"

func goldenPath(m protocol.Message) string {
	return filepath.Join("testdata", "golden", strings.ToLower(m.Type().String())+".hex")
}

// formatHex renders b as the golden files and the doc write it: lower-case
// byte pairs separated by spaces, 16 to a line.
func formatHex(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		switch {
		case i == 0:
		case i%16 == 0:
			sb.WriteByte('\n')
		default:
			sb.WriteByte(' ')
		}
		sb.WriteString(hex.EncodeToString([]byte{c}))
	}
	sb.WriteByte('\n')
	return sb.String()
}

// parseHex reads hex bytes, ignoring white space.
func parseHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func readGolden(t *testing.T, m protocol.Message) []byte {
	t.Helper()
	s, err := os.ReadFile(goldenPath(m))
	if err != nil {
		t.Fatalf("%v (run go test ./internal/protocol -update to create it)", err)
	}
	return parseHex(t, string(s))
}

func TestGoldenVectors(t *testing.T) {
	for _, m := range goldenMessages {
		t.Run(m.Type().String(), func(t *testing.T) {
			got := m.Append(nil)
			if *update {
				if err := os.WriteFile(goldenPath(m), []byte(formatHex(got)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := readGolden(t, m)
			if !bytes.Equal(got, want) {
				t.Errorf("%#v.Append(nil) =\n%swant (%s):\n%s", m, formatHex(got), goldenPath(m), formatHex(want))
			}
			back, err := protocol.Decode(want)
			if err != nil {
				t.Fatalf("Decode(golden) = %v", err)
			}
			if !reflect.DeepEqual(back, m) {
				t.Errorf("Decode(golden) = %#v, want %#v", back, m)
			}
		})
	}
}

func TestGoldenCoversEveryType(t *testing.T) {
	covered := map[protocol.Type]bool{}
	for _, m := range goldenMessages {
		covered[m.Type()] = true
	}
	for i := range 256 {
		typ := protocol.Type(i)
		known := !strings.HasPrefix(typ.String(), "Type(")
		if known && !covered[typ] {
			t.Errorf("message type %v (0x%02x) has no golden vector", typ, i)
		}
	}
}

// docHexBlocks returns the fenced blocks of docs/protocol.md whose info
// string starts with "hex", keyed by the value of their golden= attribute
// (empty for a block without one).
func docHexBlocks(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(docPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blocks := map[string][]string{}
	var (
		in   bool
		name string
		body strings.Builder
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !in && strings.HasPrefix(line, "```hex"):
			in, name = true, ""
			body.Reset()
			for _, field := range strings.Fields(strings.TrimPrefix(line, "```hex")) {
				if v, ok := strings.CutPrefix(field, "golden="); ok {
					name = v
				}
			}
		case in && strings.HasPrefix(line, "```"):
			in = false
			blocks[name] = append(blocks[name], body.String())
		case in:
			body.WriteString(line)
			body.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if in {
		t.Fatalf("%s: unterminated hex block", docPath)
	}
	return blocks
}

// TestDocVectorsMatchGolden keeps docs/protocol.md true: every ```hex block
// must name its message with golden=<Name> and hold exactly that message's
// golden encoding, and every message must be quoted.
func TestDocVectorsMatchGolden(t *testing.T) {
	blocks := docHexBlocks(t)
	if untagged := blocks[""]; len(untagged) > 0 {
		t.Errorf("%s has %d ```hex block(s) without golden=<Message>; tag them so they are checked", docPath, len(untagged))
	}
	byName := map[string]protocol.Message{}
	for _, m := range goldenMessages {
		byName[m.Type().String()] = m
	}
	for name, bodies := range blocks {
		if name == "" {
			continue
		}
		m, ok := byName[name]
		if !ok {
			t.Errorf("%s quotes golden=%s, which is not a message", docPath, name)
			continue
		}
		want := readGolden(t, m)
		for _, body := range bodies {
			if got := parseHex(t, body); !bytes.Equal(got, want) {
				t.Errorf("%s quotes %s as\n%swant (%s):\n%s", docPath, name, formatHex(got), goldenPath(m), formatHex(want))
			}
		}
	}
	for name := range byName {
		if len(blocks[name]) == 0 {
			t.Errorf("%s does not quote the golden vector of %s (a ```hex golden=%s block)", docPath, name, name)
		}
	}
}

// TestDocListsCloseCodes checks that docs/protocol.md has a table row for
// every close code, with its number, name and reason text.
func TestDocListsCloseCodes(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for line := range strings.Lines(string(doc)) {
		cells := strings.Split(line, "|")
		if len(cells) > 2 && strings.HasPrefix(line, "| 40") {
			rows[strings.TrimSpace(cells[1])] = line
		}
	}
	for _, c := range allCloseCodes {
		row, ok := rows[strconv.Itoa(int(c))]
		if !ok {
			t.Errorf("%s has no table row for close code %d (%v)", docPath, c, c)
			continue
		}
		for _, want := range []string{"`" + c.String() + "`", c.Reason()} {
			if !strings.Contains(row, want) {
				t.Errorf("%s: the row for close code %d lacks %q:\n%s", docPath, c, want, row)
			}
		}
	}
}

// TestDocStatesTheVersion checks that the protocol version docs/protocol.md
// states at its top and in the Hello table, and the one docs/api.md shows
// GET /version answering, are protocol.Version.
func TestDocStatesTheVersion(t *testing.T) {
	for _, tt := range []struct {
		path string
		re   *regexp.Regexp // its first group is the stated version
	}{
		{docPath, regexp.MustCompile("(?m)^Protocol version: \\*\\*(\\d+)\\*\\* \\(`protocol.Version`\\)")},
		{docPath, regexp.MustCompile("\\| Version \\| the client's protocol version. It must be `(\\d+)`")},
		{"../../docs/api.md", regexp.MustCompile(`"protocol":(\d+)`)},
	} {
		doc, err := os.ReadFile(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		m := tt.re.FindAllSubmatch(doc, -1)
		if len(m) != 1 {
			t.Errorf("%s states the version %d times where %s matches, want once", tt.path, len(m), tt.re)
			continue
		}
		if got := string(m[0][1]); got != strconv.Itoa(protocol.Version) {
			t.Errorf("%s states protocol version %s (%s), want %d", tt.path, got, m[0][0], protocol.Version)
		}
	}
}
