// Package jobfair owns the graduates' network job fair: fairs and the zone booths taking part,
// job postings with their search index, graduate profiles and PDF resumes, applications and
// the employer pipeline with CSV export, booth chat, and the organisers' analytics.
package jobfair

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"zonefair/app/livestate"
	"zonefair/app/notify"
)

// China is the time zone fair days, deadlines and daily figures are counted in.
var China = time.FixedZone("CST", 8*3600)

// Today is the current date in China as YYYY-MM-DD.
func Today(now time.Time) string { return now.In(China).Format(time.DateOnly) }

// Store reads and writes everything of the job fair.
type Store struct {
	db    *gorm.DB
	index *Index
	views *viewCounter
	// Set by ShareVersions (freshness.go).
	versions     livestate.Versions
	versionsDown atomic.Bool
	log          *slog.Logger
	checked      checkedAt
	retried      checkedAt
	names        nameCache
	pages        *pageCache
	zones        Zones
	users        Users
}

// NewStore returns a Store on g that reads zones and enterprises through zones and people
// through users.
func NewStore(g *gorm.DB, zones Zones, users Users) *Store {
	return &Store{db: g, index: newIndex(g), views: newViewCounter(g), pages: newPageCache(pagesBytes), zones: zones, users: users}
}

// inTx is s inside transaction tx: without the index, reading the tables.
func (s *Store) inTx(tx *gorm.DB) *Store { return &Store{db: tx, zones: s.zones, users: s.users} }

// Service carries out the job fair's use cases that notify people or touch files.
type Service struct {
	Store     *Store
	Notify    *notify.Service
	UploadDir string // resumes are kept under UploadDir/resumes/
	BaseURL   string
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// bumpSeq takes the next search sequence number inside tx. The row lock it takes makes job
// writers commit in sequence order, which is what lets a search cache catch up by asking for
// everything after the number it last saw.
func bumpSeq(tx *gorm.DB) (int64, error) {
	if err := tx.Exec("UPDATE job_search_state SET seq = seq + 1 WHERE id = 1").Error; err != nil {
		return 0, err
	}
	var seq int64
	err := tx.Raw("SELECT seq FROM job_search_state WHERE id = 1").Scan(&seq).Error
	return seq, err
}

func currentSeq(ctx context.Context, g *gorm.DB) (int64, error) {
	var seq int64
	err := g.WithContext(ctx).Raw("SELECT seq FROM job_search_state WHERE id = 1").Scan(&seq).Error
	return seq, err
}
