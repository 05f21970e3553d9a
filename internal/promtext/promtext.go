// Package promtext reads what a TinyMMO process serves on /metrics: the
// Prometheus text exposition format, as far as our own tools need it —
// counters and gauges summed over their label sets, and histograms, with
// the difference of two scrapes and its quantiles.
//
// It is for tools that watch a server from outside (the bots, "tinymmo
// bench load"), not for the servers, which export with client_golang. It
// runs no goroutines, and its values are safe for concurrent reads.
package promtext

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxResponse caps the bytes Fetch reads from one /metrics page.
const MaxResponse = 8 << 20

// fetchTimeout bounds one Fetch when ctx has no earlier deadline.
const fetchTimeout = 10 * time.Second

// ErrNotFound means a scrape holds no sample of the metric asked for.
var ErrNotFound = errors.New("promtext: metric not found")

// Sample is one line of a scrape: a metric name, its label list as written
// between the braces (empty when there are none), and its value.
type Sample struct {
	Name   string
	Labels string
	Value  float64
}

// Scrape is one read of a /metrics page.
type Scrape struct {
	Samples []Sample
}

// Fetch GETs url and parses the page.
func Fetch(ctx context.Context, url string) (Scrape, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Scrape{}, fmt.Errorf("promtext: scrape %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Scrape{}, fmt.Errorf("promtext: scrape %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Scrape{}, fmt.Errorf("promtext: scrape %s: HTTP %d", url, resp.StatusCode)
	}
	s, err := Parse(io.LimitReader(resp.Body, MaxResponse))
	if err != nil {
		return Scrape{}, fmt.Errorf("promtext: scrape %s: %w", url, err)
	}
	return s, nil
}

// Parse reads the text exposition format. Comment lines (# HELP, # TYPE)
// are skipped; an optional timestamp after a value is ignored.
func Parse(r io.Reader) (Scrape, error) {
	var s Scrape
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		var smp Sample
		var rest string
		if i := strings.IndexAny(line, "{ "); i < 0 {
			return Scrape{}, fmt.Errorf("promtext: sample without a value: %q", line)
		} else if line[i] == '{' {
			var ok bool
			smp.Name = line[:i]
			smp.Labels, rest, ok = cutLabels(line[i+1:])
			if !ok {
				return Scrape{}, fmt.Errorf("promtext: unclosed labels: %q", line)
			}
		} else {
			smp.Name, rest = line[:i], line[i:]
		}
		value, _, _ := strings.Cut(strings.TrimSpace(rest), " ") // a timestamp may follow
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return Scrape{}, fmt.Errorf("promtext: value of %q: %w", line, err)
		}
		smp.Value = v
		s.Samples = append(s.Samples, smp)
	}
	if err := sc.Err(); err != nil {
		return Scrape{}, fmt.Errorf("promtext: %w", err)
	}
	return s, nil
}

// cutLabels splits s, the text after a sample's "{", at the "}" that
// closes its label list: the first one outside a quoted value, as values
// may hold braces (the gateway's route patterns do).
func cutLabels(s string) (labels, rest string, ok bool) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch {
		case quoted && s[i] == '\\':
			i++ // the escaped character
		case s[i] == '"':
			quoted = !quoted
		case !quoted && s[i] == '}':
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

// Value returns the sum of the samples named name over their label sets:
// a counter's or gauge's total. It returns ErrNotFound when there is none.
func (s Scrape) Value(name string) (float64, error) {
	var sum float64
	found := false
	for _, smp := range s.Samples {
		if smp.Name == name {
			sum += smp.Value
			found = true
		}
	}
	if !found {
		return 0, fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	return sum, nil
}

// ValueWhere returns the sum of the samples named name whose labels
// include every key and value of labels: one series of a vector, or the
// total of several. It returns ErrNotFound when there is none.
func (s Scrape) ValueWhere(name string, labels map[string]string) (float64, error) {
	var sum float64
	found := false
	for _, smp := range s.Samples {
		if smp.Name == name && hasLabels(smp.Labels, labels) {
			sum += smp.Value
			found = true
		}
	}
	if !found {
		return 0, fmt.Errorf("%w: %s%v", ErrNotFound, name, labels)
	}
	return sum, nil
}

// hasLabels reports whether the label list has every key and value of want.
func hasLabels(list string, want map[string]string) bool {
	for k, v := range want {
		if got, ok := Label(list, k); !ok || got != v {
			return false
		}
	}
	return true
}

// Histogram returns the buckets of histogram name, adding up buckets of
// equal bound across label sets. It returns ErrNotFound when the scrape
// has no +Inf bucket for name.
func (s Scrape) Histogram(name string) (Histogram, error) {
	byBound := map[float64]float64{}
	bucket := name + "_bucket"
	for _, smp := range s.Samples {
		if smp.Name != bucket {
			continue
		}
		le, ok := Label(smp.Labels, "le")
		if !ok {
			return Histogram{}, fmt.Errorf("promtext: %s bucket without le: {%s}", name, smp.Labels)
		}
		bound, err := strconv.ParseFloat(le, 64)
		if err != nil {
			return Histogram{}, fmt.Errorf("promtext: %s bucket bound %q: %w", name, le, err)
		}
		byBound[bound] += smp.Value
	}
	if _, ok := byBound[math.Inf(1)]; !ok {
		return Histogram{}, fmt.Errorf("%w: histogram %s", ErrNotFound, name)
	}
	var h Histogram
	for b := range byBound {
		h.Bounds = append(h.Bounds, b)
	}
	slices.Sort(h.Bounds)
	for _, b := range h.Bounds {
		h.Counts = append(h.Counts, byBound[b])
	}
	return h, nil
}

// Label returns the value of label key in a label list such as
// `instance="a",le="0.5"`. Values of our metrics hold no quotes or commas,
// so a simple split does.
func Label(labels, key string) (string, bool) {
	for kv := range strings.SplitSeq(labels, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if ok && strings.TrimSpace(k) == key {
			return strings.Trim(v, `"`), true
		}
	}
	return "", false
}

// Histogram is a Prometheus histogram: Counts[i] is the cumulative count
// of observations at or below Bounds[i]. Bounds ascend and end with +Inf.
type Histogram struct {
	Bounds []float64
	Counts []float64
}

// Count returns the number of observations.
func (h Histogram) Count() float64 {
	if len(h.Counts) == 0 {
		return 0
	}
	return h.Counts[len(h.Counts)-1]
}

// Sub returns h minus before: the observations made between two scrapes.
// Both must have the same buckets.
func (h Histogram) Sub(before Histogram) (Histogram, error) {
	if !slices.Equal(h.Bounds, before.Bounds) {
		return Histogram{}, errors.New("promtext: the histogram's buckets changed between scrapes")
	}
	d := Histogram{Bounds: h.Bounds, Counts: make([]float64, len(h.Counts))}
	for i := range h.Counts {
		d.Counts[i] = h.Counts[i] - before.Counts[i]
	}
	return d, nil
}

// Quantile estimates the q-quantile as Prometheus's histogram_quantile
// does: find the bucket that holds the rank q·total and interpolate
// linearly inside it, from 0 for the first bucket. A rank in the +Inf
// bucket returns the largest finite bound. No observations give 0.
func (h Histogram) Quantile(q float64) float64 {
	total := h.Count()
	if total <= 0 {
		return 0
	}
	rank := q * total
	lower, below := 0.0, 0.0
	for i, upper := range h.Bounds {
		if h.Counts[i] >= rank && h.Counts[i] > below {
			if math.IsInf(upper, 1) {
				return lower
			}
			return lower + (upper-lower)*(rank-below)/(h.Counts[i]-below)
		}
		lower, below = upper, h.Counts[i]
	}
	return lower
}
