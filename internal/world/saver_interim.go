package world

// Interim saver until the saver branch lands.

import (
	"context"
	"log/slog"
	"time"

	"github.com/tinymmo/tinymmo/internal/store"
)

type charSaver struct {
	db    *store.WorldDB
	log   *slog.Logger
	queue chan store.Character
	done  chan struct{}
}

func newCharSaver(db *store.WorldDB, log *slog.Logger) *charSaver {
	s := &charSaver{db: db, log: log, queue: make(chan store.Character, 4096), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for c := range s.queue {
			s.SaveNow(context.Background(), c)
		}
	}()
	return s
}

func (s *charSaver) Save(c store.Character) {
	select {
	case s.queue <- c:
	default:
	}
}

func (s *charSaver) SaveNow(ctx context.Context, c store.Character) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return s.db.SaveCharacters(ctx, c)
}

func (s *charSaver) Close() error {
	close(s.queue)
	<-s.done
	return nil
}
