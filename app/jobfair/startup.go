package jobfair

// What an instance does with the job search as it starts: load the index before searches come
// (Warm, IndexReady) and make again the terms an older tokeniser made (RefreshTerms).

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"slices"
	"time"

	"gorm.io/gorm"
)

// termsVersion numbers the way jobs' search terms are made (addTerms); the terms of jobs
// stored under an older one are made again by RefreshTerms. 2: English stems and joined
// hyphenated words.
const termsVersion = 2

// termsVersionRow is the row of job_search_state whose seq records the version the stored terms
// were made with; without it they were made by version 1.
const termsVersionRow = 2

// refreshBatch is how many jobs RefreshTerms rewrites per transaction.
const refreshBatch = 200

// RefreshTerms makes the search terms of every job again when they were made by an older
// version of the tokeniser, and records the version. It works through the jobs in batches,
// each a transaction of its own that takes a search sequence number, so every instance catches
// up batch by batch and searches keep answering meanwhile; an interrupted run resumes from the
// start next time (rewriting terms twice is harmless). It returns how many jobs it rewrote.
func (s *Store) RefreshTerms(ctx context.Context, log *slog.Logger) (int, error) {
	if log == nil {
		log = slog.Default()
	}
	var version int64
	if err := s.db.WithContext(ctx).Raw("SELECT COALESCE(MAX(seq), 1) FROM job_search_state WHERE id = ?", termsVersionRow).Scan(&version).Error; err != nil {
		return 0, err
	}
	if version >= termsVersion {
		return 0, nil
	}
	start := time.Now()
	log.Info("rewriting job search terms", "from_version", version, "to_version", termsVersion)
	var last int64
	done := 0
	for {
		var n int
		var seq int64
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var err error
			// The sequence's row lock, taken first, keeps job writers out until the batch commits.
			if seq, err = bumpSeq(tx); err != nil {
				return err
			}
			n, last, err = s.refreshTerms(ctx, tx, last, seq)
			return err
		})
		if err != nil {
			return done, err
		}
		if n == 0 {
			break
		}
		done += n
		s.committed(ctx, seq)
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("DELETE FROM job_search_state WHERE id = ?", termsVersionRow).Error; err != nil {
			return err
		}
		return tx.Exec("INSERT INTO job_search_state (id, seq) VALUES (?, ?)", termsVersionRow, termsVersion).Error
	})
	if err == nil {
		log.Info("job search terms rewritten", "jobs", done, "took", time.Since(start).Round(time.Millisecond))
	}
	return done, err
}

// refreshTerms rewrites the terms of up to refreshBatch jobs after id after, marking them with
// search sequence seq; it returns how many it rewrote and the last id. The employers' names are
// read once for the batch.
func (s *Store) refreshTerms(ctx context.Context, tx *gorm.DB, after, seq int64) (int, int64, error) {
	var jobs []Job
	if err := tx.Where("id > ?", after).Order("id").Limit(refreshBatch).Find(&jobs).Error; err != nil || len(jobs) == 0 {
		return 0, after, err
	}
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	var majors []jobMajor
	if err := tx.Where("job_id IN ?", ids).Find(&majors).Error; err != nil {
		return 0, after, err
	}
	byJob := map[int64][]string{}
	for _, m := range majors {
		byJob[m.JobID] = append(byJob[m.JobID], m.Major)
	}
	nm, err := s.employerNames(ctx, jobs)
	if err != nil {
		return 0, after, err
	}
	var terms []jobTerm
	for i := range jobs {
		j := &jobs[i]
		j.Majors = slices.Sorted(slices.Values(byJob[j.ID]))
		terms = append(terms, jobTerms(j, nm)...)
	}
	if err := tx.Where("job_id IN ?", ids).Delete(&jobTerm{}).Error; err != nil {
		return 0, after, err
	}
	if err := tx.CreateInBatches(terms, 500).Error; err != nil {
		return 0, after, err
	}
	if err := tx.Model(&Job{}).Where("id IN ?", ids).UpdateColumn("search_seq", seq).Error; err != nil {
		return 0, after, err
	}
	return len(jobs), ids[len(ids)-1], nil
}

// Warm loads the search index now rather than at the first search; until it is loaded,
// IndexReady reports it, so a load balancer sends a starting instance no searches to wait. With
// KeepSnapshots it starts from the snapshot and catches up from its sequence, or writes one
// after loading the tables. A failed load (the database away at start) is tried again
// until it succeeds or ctx ends.
func (s *Store) Warm(ctx context.Context, log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	s.index.warming.Store(true)
	start := time.Now()
	fromSnapshot := false
	if s.index.snapshot.path != "" {
		err := s.loadSnapshot(ctx, log)
		s.index.triedSnapshot()
		switch {
		case err == nil:
			fromSnapshot = true
		case errors.Is(err, fs.ErrNotExist):
		default:
			log.Warn("job search index snapshot not used; loading from the database", "err", err)
		}
	}
	for wait := time.Second; ; wait = min(2*wait, 30*time.Second) {
		err := s.index.catchUp(ctx)
		if err == nil && fromSnapshot {
			if err = s.checkCount(ctx); err != nil {
				log.Warn("job search index snapshot not used; loading from the database", "err", err)
				s.index.reset()
				fromSnapshot = false
				continue
			}
		}
		if err == nil {
			break
		}
		log.Warn("loading the job search index failed; trying again", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	log.Info("job search index loaded", "jobs", s.index.engine.Len(), "from_snapshot", fromSnapshot, "took", time.Since(start).Round(time.Millisecond))
	if !fromSnapshot && s.index.snapshot.path != "" {
		// Searches are answered meanwhile: the index is loaded.
		if err := s.SaveSnapshot(ctx); err != nil && ctx.Err() == nil {
			log.Warn("writing the job search index snapshot failed", "err", err)
		}
	}
	return nil
}

// errIndexLoading is IndexReady's answer while Warm has not finished.
var errIndexLoading = errors.New("job search index is loading")

// IndexReady reports whether searches are answered without waiting for the index to load: an
// error while Warm is loading it. A store nobody warms loads at its first search, and is ready.
func (s *Store) IndexReady(context.Context) error {
	if s.index.warming.Load() && !s.index.loaded.Load() {
		return errIndexLoading
	}
	return nil
}
