package notify_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
	"zonefair/app/notify"
)

// TestOutboxListTo gives a user the mail to their address only, newest first.
func TestOutboxListTo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		o := &notify.Outbox{Store: notify.NewStore(g)}
		for _, m := range []notify.Mail{{To: "a@example.test", Subject: "one"}, {To: "b@example.test", Subject: "other"}, {To: "a@example.test", Subject: "two"}} {
			if err := o.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		page, err := o.ListTo(ctx, "a@example.test", notify.OutboxQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 2 || len(page.Items) != 2 || page.Items[0].Subject != "two" || page.Items[1].Subject != "one" {
			t.Fatalf("a's mail: %+v", page)
		}
		if none, _ := o.ListTo(ctx, "", notify.OutboxQuery{}); len(none.Items) != 0 {
			t.Fatalf("mail to no address: %+v", none)
		}
		if all, _ := o.List(ctx, notify.OutboxQuery{PageSize: 2}); all.Total != 3 || len(all.Items) != 2 {
			t.Fatalf("whole outbox: %+v", all)
		}
	})
}
