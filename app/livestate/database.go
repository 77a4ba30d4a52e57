package livestate

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NewDatabase returns state for an instance without Redis: sessions in the database, so that a
// restart or an upgrade keeps users logged in, and rate-limit counters and versions in this
// process, as NewMemory keeps them. Close stops its janitors; the database stays open.
func NewDatabase(g *gorm.DB) *State {
	return newDatabase(g, janitorEvery)
}

func newDatabase(g *gorm.DB, every time.Duration) *State {
	st := newMemory(every)
	s := &dbSessions{db: g}
	stop, done := make(chan struct{}), make(chan struct{})
	go s.janitor(every, stop, done)
	closeMemory := st.Close
	var once sync.Once
	st.Sessions = s
	st.ReadRequest = readRequest(s, st.Versions)
	st.Ping = func(ctx context.Context) error {
		sqlDB, err := g.DB()
		if err != nil {
			return err
		}
		return sqlDB.PingContext(ctx)
	}
	st.Close = func() error {
		once.Do(func() {
			close(stop)
			<-done
		})
		return closeMemory()
	}
	st.Kind = "database"
	return st
}

// sessionRow is a session in the sessions table; times are Unix nanoseconds, exact on both
// databases.
type sessionRow struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64
	CSRFToken string
	IP        string `gorm:"column:ip"`
	UserAgent string
	CreatedNs int64
	ExpiresNs int64
}

func (sessionRow) TableName() string { return "sessions" }

type dbSessions struct{ db *gorm.DB }

func (s *dbSessions) Put(ctx context.Context, key string, sess Session) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !time.Now().Before(sess.ExpiresAt) {
		return fmt.Errorf("livestate: session for user %d expired at %s", sess.UserID, sess.ExpiresAt)
	}
	row := sessionRow{TokenHash: key, UserID: sess.UserID, CSRFToken: sess.CSRFToken, IP: clipRunes(sess.IP, 64),
		UserAgent: clipRunes(sess.UserAgent, 512), CreatedNs: sess.CreatedAt.UnixNano(), ExpiresNs: sess.ExpiresAt.UnixNano()}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "token_hash"}}, UpdateAll: true}).Create(&row).Error
}

func (s *dbSessions) Get(ctx context.Context, key string) (Session, error) {
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	var r sessionRow
	err := s.db.WithContext(ctx).Where("token_hash = ? AND expires_ns > ?", key, time.Now().UnixNano()).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, err
	}
	return Session{UserID: r.UserID, CSRFToken: r.CSRFToken, IP: r.IP, UserAgent: r.UserAgent,
		CreatedAt: time.Unix(0, r.CreatedNs), ExpiresAt: time.Unix(0, r.ExpiresNs)}, nil
}

func (s *dbSessions) Delete(ctx context.Context, key string) error {
	return s.db.WithContext(ctx).Where("token_hash = ?", key).Delete(&sessionRow{}).Error
}

func (s *dbSessions) DeleteUser(ctx context.Context, userID int64, keep string) error {
	return s.db.WithContext(ctx).Where("user_id = ? AND token_hash <> ?", userID, keep).Delete(&sessionRow{}).Error
}

// janitor deletes expired sessions; reads already ignore them, so it only bounds the table.
func (s *dbSessions) janitor(every time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), every)
			_ = s.db.WithContext(ctx).Where("expires_ns <= ?", now.UnixNano()).Delete(&sessionRow{}).Error
			cancel()
		}
	}
}

func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
