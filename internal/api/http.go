package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// DecodeJSON reads a JSON body into v (cap its size first, with
// http.MaxBytesReader). It refuses with a bad-request error a body that is not UTF-8,
// malformed JSON or followed by more data.
func DecodeJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return Errorf(CodeBadRequest, "the request body could not be read")
	}
	// The JSON decoder would quietly turn invalid bytes into U+FFFD, and a
	// password or a name into text its owner never typed.
	if !utf8.Valid(body) {
		return Errorf(CodeBadRequest, "the request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return Errorf(CodeBadRequest, "malformed JSON body")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Errorf(CodeBadRequest, "unexpected data after the JSON body")
	}
	return nil
}

// WriteJSON writes v as a JSON response with status, never cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// WriteError writes err as {"error":{"code","message"}} with its status.
func WriteError(w http.ResponseWriter, err error) {
	var ae *Error
	if !errors.As(err, &ae) {
		ae = Errorf(CodeInternal, "internal error")
	}
	if ae.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds(ae.RetryAfter)))
	}
	WriteJSON(w, ae.Code.Status(), ErrorBody{Error: ae})
}
