package account

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
	"zonefair/app/errs"
	"zonefair/app/livestate"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// request is the context of a request that read the accounts version with its session.
func request(t *testing.T, v livestate.Versions) context.Context {
	t.Helper()
	ctx := context.Background()
	current, err := v.Get(ctx, Versions...)
	if err != nil {
		t.Fatal(err)
	}
	return livestate.WithVersions(ctx, Versions, current)
}

// Two instances share the accounts version: an identity is read once and then kept, until a
// change on either instance (a user edited, an enterprise removed) makes both read it again.
func TestIdentitiesKeptUntilAccountsChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		mem := livestate.NewMemory()
		t.Cleanup(func() { _ = mem.Close() })
		counted, count := dbtest.Counting(g)
		a, b := NewStore(g), NewStore(counted)
		a.ShareVersions(mem.Versions, nil)
		b.ShareVersions(mem.Versions, nil)
		zones := zone.NewStore(g)
		zones.EnterpriseRemoved = a.AccountsChanged
		z := zone.Zone{Slug: "kept-etdz", NameZh: "开发区", NameEn: "Kept ETDZ", Province: "jiangsu", Region: "east"}
		if err := zones.Create(ctx, &z); err != nil {
			t.Fatal(err)
		}
		ent := zone.Enterprise{ZoneID: z.ID, NameZh: "甲", NameEn: "Alpha", Industry: "electronics", Ownership: "foreign"}
		if err := zones.CreateEnterprise(ctx, &ent); err != nil {
			t.Fatal(err)
		}
		u := User{Email: "staff@kept.test", PasswordHash: "x", Name: "Before", Role: web.RoleEnterprise, ZoneID: &z.ID, EnterpriseID: &ent.ID, Locale: "en"}
		if err := a.Create(ctx, &u); err != nil {
			t.Fatal(err)
		}
		identity := func(ctx context.Context) User {
			t.Helper()
			got, err := b.identity(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		identity(request(t, mem.Versions))
		n := count.Load()
		if got := identity(request(t, mem.Versions)); got.Name != "Before" || count.Load() != n {
			t.Errorf("kept identity %+v read with %d statements", got, count.Load()-n)
		}
		if err := a.Update(ctx, u.ID, map[string]any{"name": "After"}); err != nil {
			t.Fatal(err)
		}
		if got := identity(request(t, mem.Versions)); got.Name != "After" {
			t.Errorf("after the edit on the other instance: %q", got.Name)
		}
		if err := zones.DeleteEnterprise(ctx, ent.ID); err != nil {
			t.Fatal(err)
		}
		if got := identity(request(t, mem.Versions)); got.EnterpriseID != nil {
			t.Errorf("after the enterprise was removed the identity keeps enterprise %d", *got.EnterpriseID)
		}

		// A request that could not read the version reads the table, and the instance drops
		// what it kept: it cannot know what changed meanwhile.
		identity(request(t, mem.Versions))
		n = count.Load()
		identity(ctx)
		identity(request(t, mem.Versions))
		if ran := count.Load() - n; ran != 2 {
			t.Errorf("without the version and after it: %d statements, want 2", ran)
		}
		if _, err := b.identity(request(t, mem.Versions), u.ID+1000); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("a missing user: %v", err)
		}
	})
}

// A kept identity is forgotten after identitiesFor (a change made by SQL, which tells no
// instance, shows then), an identity read as of an older version than the kept ones is not
// kept, and no more than maxIdentities are kept.
func TestIdentitiesBounds(t *testing.T) {
	var c identities
	now := time.Now()
	c.get(1, 7) // the cache is of version 7 now
	c.put(User{ID: 1}, 7, now.Add(-identitiesFor))
	if _, ok := c.get(1, 7); ok {
		t.Error("an identity older than identitiesFor was answered")
	}
	c.put(User{ID: 2}, 6, now)
	if _, ok := c.get(2, 7); ok {
		t.Error("an identity read as of an older version was kept")
	}
	for id := range int64(maxIdentities) {
		c.put(User{ID: id}, 7, now)
	}
	c.put(User{ID: maxIdentities}, 7, now)
	if len(c.users) > maxIdentities {
		t.Errorf("%d identities kept", len(c.users))
	}
	if _, ok := c.get(maxIdentities, 7); !ok {
		t.Error("the newest identity was not kept")
	}
}
