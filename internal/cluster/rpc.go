package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/tinymmo/tinymmo/internal/api"
)

// DefaultTimeout bounds a request when the caller's context has no deadline.
const DefaultTimeout = 5 * time.Second

// RetryUnavailable is how long a caller is told to wait after a request
// that found no one to answer it: about what a restarting master or world
// takes to come back.
const RetryUnavailable = 2 * time.Second

// reply is the envelope of every reply: exactly one of OK and Error is set.
type reply struct {
	OK    json.RawMessage `json:"ok,omitempty"`
	Error *api.Error      `json:"error,omitempty"`
	// RetryAfter carries Error.RetryAfter, which api.Error keeps out of its
	// JSON so that it never shows in an HTTP body.
	RetryAfter time.Duration `json:"retry_after,omitempty"`
}

// Request sends req to subject and decodes the reply into Resp. An error the
// responder returned comes back as an *api.Error, its RetryAfter included.
// No responder, a timeout or a lost connection come back as an *api.Error
// with api.CodeUnavailable and RetryUnavailable that wraps nothing internal,
// so callers can pass it on to players as it is.
//
// Request fails at once, without waiting for ctx, when the connection is
// down (an embedded NATS server that stopped with its master) or when NATS
// reports that no one subscribes to subject (nats.ErrNoResponders).
func Request[Resp any](ctx context.Context, nc *nats.Conn, subject string, req any) (Resp, error) {
	var zero Resp
	data, err := json.Marshal(req)
	if err != nil {
		return zero, fmt.Errorf("cluster: encode %s request: %w", subject, err)
	}
	// While reconnecting, NATS would buffer the request and the caller
	// would wait out the whole timeout for a reply that cannot come.
	if !nc.IsConnected() {
		return zero, unavailable()
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	msg, err := nc.RequestWithContext(ctx, subject, data)
	if err != nil {
		return zero, unavailable()
	}
	var r reply
	if err := json.Unmarshal(msg.Data, &r); err != nil {
		return zero, fmt.Errorf("cluster: decode %s reply: %w", subject, err)
	}
	if r.Error != nil {
		r.Error.RetryAfter = r.RetryAfter
		return zero, r.Error
	}
	if err := json.Unmarshal(r.OK, &zero); err != nil {
		return zero, fmt.Errorf("cluster: decode %s reply: %w", subject, err)
	}
	return zero, nil
}

// unavailable is the error of a request that no one answered.
func unavailable() *api.Error {
	return &api.Error{Code: api.CodeUnavailable, Message: "the service is not available right now; try again shortly", RetryAfter: RetryUnavailable}
}

// Service answers requests on a NATS connection. Each request runs in its own
// goroutine, at most MaxInFlight at once; beyond that the subscription waits,
// and NATS buffers or drops per its pending limits. Close stops the service
// and waits for every handler to return.
type Service struct {
	nc     *nats.Conn
	log    *slog.Logger
	ctx    context.Context // cancelled by Close; parent of every handler's context
	cancel context.CancelFunc
	slots  chan struct{}

	mu     sync.Mutex // guards following fields
	subs   []*nats.Subscription
	closed bool

	handlers sync.WaitGroup
}

// MaxInFlight is how many requests a Service handles at once.
const MaxInFlight = 64

// NewService returns a Service answering on nc.
func NewService(nc *nats.Conn, log *slog.Logger) *Service {
	ctx, cancel := context.WithCancel(context.Background())
	return &Service{nc: nc, log: log, ctx: ctx, cancel: cancel, slots: make(chan struct{}, MaxInFlight)}
}

// Handle subscribes fn to subject. Subscribers of one subject form a queue
// group, so several processes may serve one subject and each request reaches
// one of them. An error fn returns goes back to the caller: an *api.Error as
// it is, any other error logged here and sent as api.CodeInternal.
func Handle[Req, Resp any](s *Service, subject string, fn func(context.Context, Req) (Resp, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("cluster: service closed")
	}
	sub, err := s.nc.QueueSubscribe(subject, subject, func(m *nats.Msg) {
		select {
		case s.slots <- struct{}{}:
		case <-s.ctx.Done():
			return
		}
		if !s.track() {
			<-s.slots
			return
		}
		go func() {
			defer s.handlers.Done()
			defer func() { <-s.slots }()
			s.serve(m, subject, func(ctx context.Context, data []byte) (any, error) {
				var req Req
				if err := json.Unmarshal(data, &req); err != nil {
					return nil, api.Errorf(api.CodeBadRequest, "malformed request")
				}
				return fn(ctx, req)
			})
		}()
	})
	if err != nil {
		return fmt.Errorf("cluster: subscribe %s: %w", subject, err)
	}
	s.subs = append(s.subs, sub)
	return nil
}

// track counts a handler about to start, or reports false once the service
// is closed, so Close's wait cannot miss a handler.
func (s *Service) track() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.handlers.Add(1)
	return true
}

// serve runs one request and sends its reply. A panic in a handler is
// contained to that request: it is logged and answered as an internal error.
func (s *Service) serve(m *nats.Msg, subject string, call func(context.Context, []byte) (any, error)) {
	ctx, cancel := context.WithTimeout(s.ctx, DefaultTimeout)
	defer cancel()
	var r reply
	func() {
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("control-plane handler panicked", "subject", subject, "panic", p)
				r.Error = api.Errorf(api.CodeInternal, "internal error")
			}
		}()
		resp, err := call(ctx, m.Data)
		if err != nil {
			var ae *api.Error
			if !errors.As(err, &ae) {
				s.log.Error("control-plane handler failed", "subject", subject, "err", err)
				ae = api.Errorf(api.CodeInternal, "internal error")
			}
			r.Error, r.RetryAfter = ae, ae.RetryAfter
			return
		}
		if r.OK, err = json.Marshal(resp); err != nil {
			s.log.Error("control-plane reply encoding failed", "subject", subject, "err", err)
			r.Error = api.Errorf(api.CodeInternal, "internal error")
		}
	}()
	if m.Reply == "" {
		return
	}
	data, _ := json.Marshal(r) // reply holds only marshalable values
	if err := m.Respond(data); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
		s.log.Warn("control-plane reply failed", "subject", subject, "err", err)
	}
}

// Close unsubscribes, cancels handlers' contexts and waits for them to return.
// It is safe to call more than once.
func (s *Service) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		for _, sub := range s.subs {
			_ = sub.Unsubscribe()
		}
		s.cancel()
	}
	s.mu.Unlock()
	s.handlers.Wait()
}
