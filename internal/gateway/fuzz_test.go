package gateway

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tinymmo/tinymmo/internal/api"
)

// FuzzDecode feeds arbitrary bodies, capped at maxBody as the API's
// middleware caps them, to decode, into the body type of a route chosen by kind%3: credentials
// (create account, login), a new character, or entering a world. decode must
// never panic. It either refuses the body with a bad_request *api.Error,
// which api.WriteError answers with 400 and that error as JSON; or it accepts a
// body of at most maxBody bytes of valid UTF-8 JSON, whose value encodes and
// decodes back to itself.
func FuzzDecode(f *testing.F) {
	for kind, bodies := range [][]string{
		{`{"username":"Alice_1","password":"correct horse battery"}`, `{"username":"a","password":"b"} {}`, `{"username":"` + strings.Repeat("a", maxBody) + `"}`},
		{`{"name":"Alicia","class":"wizard"}`, `{"name":"Alicia","class":"wizard","extra":[1,2,{}]}`, `{"name":null}`},
		{`{"character_id":42}`, `{"character_id":-1}`, `{"character_id":1e3}`, `{"character_id":"42"}`, `[]`, `{{{`, ``},
	} {
		for _, b := range bodies {
			f.Add(uint8(kind), []byte(b))
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		var v any
		switch kind % 3 {
		case 0:
			v = new(api.Credentials)
		case 1:
			v = new(api.CreateCharacterRequest)
		case 2:
			v = new(api.EnterRequest)
		}
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, api.Prefix+"/sessions", bytes.NewReader(body))
		r.Body = http.MaxBytesReader(rec, r.Body, maxBody)
		if err := api.DecodeJSON(r, v); err != nil {
			if api.CodeOf(err) != api.CodeBadRequest {
				t.Fatalf("decode(%q) = %v, want a bad_request error", body, err)
			}
			api.WriteError(rec, err)
			var eb api.ErrorBody
			if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != "application/json" ||
				json.Unmarshal(rec.Body.Bytes(), &eb) != nil || eb.Error == nil || eb.Error.Code != api.CodeBadRequest {
				t.Fatalf("writeError(%v) = HTTP %d %q, want 400 with the error as JSON", err, rec.Code, rec.Body)
			}
			return
		}
		if len(body) > maxBody || !utf8.Valid(body) || !json.Valid(body) {
			t.Fatalf("decode accepted %d bytes that are not UTF-8 JSON of at most %d bytes: %q", len(body), maxBody, body)
		}
		enc, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%+v): %v", v, err)
		}
		again := reflect.New(reflect.TypeOf(v).Elem()).Interface()
		if err := json.Unmarshal(enc, again); err != nil || !reflect.DeepEqual(again, v) {
			t.Fatalf("decode(%q) = %+v, which encodes as %s and decodes as %+v, %v", body, v, enc, again, err)
		}
	})
}
