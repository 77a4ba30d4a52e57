package jobfair

// The search index kept in the data directory, so an instance starting again answers in
// seconds: Warm loads the snapshot and reads from the database only the jobs written since its
// sequence; the index is written out again every snapshotEvery and at shutdown (SaveSnapshot).

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"zonefair/app/textsearch"
)

// snapshotKind names what a snapshot's documents are made of: a snapshot of another (an older
// release's documents or tokenizer) is not loaded.
var snapshotKind = "jobs/1 terms/" + strconv.Itoa(termsVersion)

// snapshotEvery is how often a serving instance writes its index out when jobs changed.
const snapshotEvery = 10 * time.Minute

type snapshotter struct {
	mu    sync.Mutex // one write at a time
	path  string
	saved int64 // the sequence last written
	// tried is closed once Warm has loaded the snapshot or given up on it: a catch-up waits for
	// it, so a search arriving first does not start loading the tables meanwhile.
	tried chan struct{}
	once  sync.Once
}

// KeepSnapshots makes Warm start from the index snapshot in dir, and searches wait for Warm to
// try it; call it before the instance serves and before Warm.
func (s *Store) KeepSnapshots(dir string) {
	s.index.snapshot.path = filepath.Join(dir, "jobs-search.idx")
	s.index.snapshot.tried = make(chan struct{})
}

// triedSnapshot lets catch-ups go on.
func (ix *Index) triedSnapshot() {
	if ix.snapshot.tried != nil {
		ix.snapshot.once.Do(func() { close(ix.snapshot.tried) })
	}
}

// SaveSnapshot writes the index to the snapshot file when it has changed since last written;
// the file is replaced whole, so a crash while writing leaves the previous one.
func (s *Store) SaveSnapshot(ctx context.Context) error {
	ix := s.index
	sn := &ix.snapshot
	if sn.path == "" || !ix.loaded.Load() {
		return nil
	}
	sn.mu.Lock()
	defer sn.mu.Unlock()
	ix.mu.RLock()
	eng := ix.engine
	extra, err := json.Marshal(ix.cityEn)
	ix.mu.RUnlock()
	if err != nil || eng.Seq() == sn.saved {
		return err
	}
	seq := eng.Seq()
	if err := os.MkdirAll(filepath.Dir(sn.path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(sn.path), filepath.Base(sn.path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	w := bufio.NewWriterSize(f, 1<<20)
	err = eng.WriteSnapshot(w, snapshotKind, extra)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, sn.path)
	}
	if err == nil {
		sn.saved = seq
	}
	return err
}

// loadSnapshot installs the snapshot file's index when it can be used: readable, of this kind,
// and not ahead of the database (a snapshot of another database, or one restored from an older
// backup, would hold jobs that are not there). It says why not otherwise.
func (s *Store) loadSnapshot(ctx context.Context, log *slog.Logger) error {
	ix := s.index
	f, err := os.Open(ix.snapshot.path)
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	eng, extra, err := textsearch.ReadSnapshot(f, engineConfig, snapshotKind)
	if err != nil {
		return err
	}
	cityEn := map[string]string{}
	if err := json.Unmarshal(extra, &cityEn); err != nil {
		return fmt.Errorf("%w: %v", textsearch.ErrSnapshot, err)
	}
	seq, err := currentSeq(ctx, s.db)
	if err != nil {
		return err
	}
	if eng.Seq() > seq {
		return fmt.Errorf("snapshot at search sequence %d is ahead of the database's %d", eng.Seq(), seq)
	}
	var fairs []Fair
	if err := s.db.WithContext(ctx).Find(&fairs).Error; err != nil {
		return err
	}
	ix.mu.Lock()
	ix.engine, ix.cityEn = eng, cityEn
	for _, f := range fairs {
		ix.fairs[f.ID] = fairSpan{f.StartsAt, f.EndsAt}
	}
	ix.mu.Unlock()
	ix.snapshot.saved = eng.Seq()
	log.Info("job search index snapshot loaded", "jobs", eng.Len(), "seq", eng.Seq(), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// checkCount compares the jobs the index holds with the table's, after a catch-up from a
// snapshot: jobs written without the search sequence moving (a restore, a hand-made insert)
// would otherwise go unseen.
func (s *Store) checkCount(ctx context.Context) error {
	ix := s.index
	seq := ix.sequence()
	var n int64
	if err := s.db.WithContext(ctx).Model(&Job{}).Where("search_seq <= ?", seq).Count(&n).Error; err != nil {
		return err
	}
	ix.mu.RLock()
	held := ix.engine.Len()
	ix.mu.RUnlock()
	if int64(held) != n {
		return fmt.Errorf("the snapshot caught up holds %d jobs, the table %d", held, n)
	}
	return nil
}

// reset empties the index, for a load from the tables.
func (ix *Index) reset() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.engine, ix.cityEn, ix.fairs = textsearch.New(engineConfig), map[string]string{}, map[int64]fairSpan{}
}

// RunSnapshots writes the index out every snapshotEvery, when jobs changed, until ctx ends.
func (s *Store) RunSnapshots(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(snapshotEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.SaveSnapshot(ctx); err != nil && !errors.Is(err, context.Canceled) {
				log.Warn("writing the job search index snapshot failed", "err", err)
			}
		}
	}
}
