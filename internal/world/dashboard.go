package world

// What the world does for the master's admin dashboard: it answers
// cluster.WorldOpStatus (status) and carries out cluster.WorldOpAdmin
// (admin).

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/moderation"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// status answers the master's dashboard: how many are in the game (and,
// when asked, who and where), the running instances, the bytes exchanged
// with players and the tick histogram so far, and the last says.
func (s *Server) status(_ context.Context, req cluster.StatusRequest) (cluster.WorldStatus, error) {
	out := cluster.WorldStatus{
		Population: s.players.count(),
		Players:    []cluster.PlayerStatus{},
		Instances:  s.registry.instanceStatus(),
		BytesIn:    counterValue(s.metrics.bytesIn),
		BytesOut:   counterValue(s.metrics.bytesOut),
		Says:       s.says.list(),
	}
	out.TickBuckets, out.Ticks = tickBuckets(s.metrics.tickSeconds)
	if !req.Players {
		return out, nil
	}
	inGame := s.players.inGame()
	out.Population = len(inGame)
	for _, n := range inGame {
		p := cluster.PlayerStatus{AccountID: n.s.grant.AccountID, Name: n.name, Class: api.Class(n.class), Level: n.level,
			PingMS: ceilMillis(n.s.conn.RTT())}
		if onMap := n.s.member.onMap.Load(); onMap != nil {
			p.Map = *onMap
		}
		out.Players = append(out.Players, p)
	}
	return out, nil
}

// counterValue reads a Prometheus counter.
func counterValue(c prometheus.Counter) uint64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return 0
	}
	return uint64(m.GetCounter().GetValue())
}

// saveEveryone queues every player in the game for saving at their next
// tick, as an autosave does, and fails if some had too many orders
// waiting.
func (s *Server) saveEveryone() error {
	busy := 0
	for _, n := range s.players.inGame() {
		if !n.s.member.give(func(r *runner, m *member) {
			m.player.Char.Version++ // each save of a character is newer than the last
			r.reg.srv.saver.Save(m.player.State())
		}) {
			busy++
		}
	}
	if busy > 0 {
		return api.Errorf(api.CodeUnavailable, "%d players were busy and will be saved at the next autosave", busy)
	}
	return nil
}

// shutdownWarnings are the times before a scheduled shutdown at which the
// players are told.
var shutdownWarnings = []time.Duration{5 * time.Minute, time.Minute, 10 * time.Second}

// shutdownTimeout bounds a scheduled shutdown's saving.
const shutdownTimeout = 30 * time.Second

// countdown returns the times left at which a shutdown d away is told to
// the players: at once, at each of shutdownWarnings that falls within d,
// and 0 for the shutdown itself.
func countdown(d time.Duration) []time.Duration {
	warnings := []time.Duration{d}
	for _, w := range shutdownWarnings {
		if w < d {
			warnings = append(warnings, w)
		}
	}
	return append(warnings, 0)
}

// countDown tells the players that the world stops in d, again at each of
// shutdownWarnings that falls within d (see countdown), and then shuts the
// world down, unless something else shuts it down first.
func (s *Server) countDown(d time.Duration) {
	end := time.Now().Add(d)
	for _, left := range countdown(d) {
		t := time.NewTimer(time.Until(end.Add(-left)))
		select {
		case <-s.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if left > 0 {
			s.players.tellAll(protocol.ChatLine{Channel: protocol.ChannelSystem,
				Text: "[Broadcast] This world shuts down in " + moderation.FormatLeft(left) + "; your character will be saved."}.Append(nil))
		}
	}
	s.log.Info("world: shutting down as the admin dashboard asked")
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		s.log.Error("world: scheduled shutdown", "err", err)
	}
}

// tickBuckets reads the tick histogram's cumulative buckets and count.
func tickBuckets(h prometheus.Histogram) ([]cluster.TickBucket, uint64) {
	var m dto.Metric
	if err := h.Write(&m); err != nil {
		return nil, 0
	}
	out := make([]cluster.TickBucket, 0, len(m.GetHistogram().GetBucket()))
	for _, b := range m.GetHistogram().GetBucket() {
		out = append(out, cluster.TickBucket{UpperBound: b.GetUpperBound(), Count: b.GetCumulativeCount()})
	}
	return out, m.GetHistogram().GetSampleCount()
}

// admin carries out an action of the master's dashboard, which the master
// has checked and written to the audit log already.
func (s *Server) admin(_ context.Context, a cluster.AdminAction) (cluster.Empty, error) {
	switch a.Action {
	case cluster.AdminBroadcast:
		s.players.tellAll(protocol.ChatLine{Channel: protocol.ChannelSystem, Text: "[Broadcast] " + a.Message}.Append(nil))
		return cluster.Empty{}, nil
	case cluster.AdminSaveNow:
		return cluster.Empty{}, s.saveEveryone()
	case cluster.AdminShutdown:
		if !s.countingDown.CompareAndSwap(false, true) {
			return cluster.Empty{}, api.Errorf(api.CodeBadRequest, "a shutdown is already under way")
		}
		go s.countDown(a.In)
		return cluster.Empty{}, nil
	}
	target, ok := s.players.byCharacter(a.Target)
	if !ok {
		return cluster.Empty{}, api.Errorf(api.CodeNotFound, "%s is not online", a.Target)
	}
	switch a.Action {
	case cluster.AdminKick:
		target.s.closeBecause(protocol.CloseKicked, a.Reason)
	case cluster.AdminBan:
		target.s.closeBecause(protocol.CloseBanned, a.Reason)
	case cluster.AdminMute:
		target.s.mute.Store(&cluster.Mute{Until: a.Until, Reason: a.Reason})
		target.s.tell("An admin muted you for " + moderation.FormatLeft(time.Until(a.Until)) + ": " + sentence(a.Reason))
	default:
		return cluster.Empty{}, api.Errorf(api.CodeBadRequest, "unknown action %q", a.Action)
	}
	return cluster.Empty{}, nil
}

// ceilMillis is d in whole milliseconds, rounded up, so that a round trip
// measured on loopback shows as 1 ms rather than as none.
func ceilMillis(d time.Duration) int64 { return int64((d + time.Millisecond - 1) / time.Millisecond) }
