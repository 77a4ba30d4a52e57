package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"zonefair/app/config"
	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/livestate"
	"zonefair/app/server"
	"zonefair/app/web"
)

// requestTypes builds the application and returns the request body type of every JSON route.
func requestTypes(f *testing.F) map[string]reflect.Type {
	dir := f.TempDir()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"ZONEFAIR_DATA_DIR": dir, "ZONEFAIR_SECRET": strings.Repeat("s", 40)}[k]
	})
	if err != nil {
		f.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	g, err := db.Open(context.Background(), db.Options{SQLitePath: filepath.Join(dir, "z.db"), Logger: quiet})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close(g) })
	if err := db.Migrate(context.Background(), g, quiet); err != nil {
		f.Fatal(err)
	}
	state := livestate.NewMemory()
	f.Cleanup(func() { _ = state.Close() })
	app, err := server.New(server.Deps{Config: cfg, DB: g, State: state, Log: quiet})
	if err != nil {
		f.Fatal(err)
	}
	types := map[string]reflect.Type{}
	for _, rt := range app.Router.Routes() {
		if rt.Request != nil {
			t := reflect.TypeOf(rt.Request)
			types[t.String()] = t
		}
	}
	if len(types) < 10 {
		f.Fatalf("only %d request types found", len(types))
	}
	return types
}

// FuzzRequestDecoders feeds arbitrary bodies to the strict JSON decoder and the validator with
// every route's real request type: each body is either accepted or refused with a 400 error
// (never a panic, never an error the web layer would render as a 500).
func FuzzRequestDecoders(f *testing.F) {
	types := requestTypes(f)
	f.Logf("%d request types", len(types))
	for _, seed := range []string{
		`{}`, `null`, `[]`, `""`, `0`, `{"email":"a@b.c","password":"0123456789","name":"x","role":"graduate"}`,
		`{"coverNote":"我想申请 <script>alert(1)</script>"}`, `{"status":"offer","note":"\u0000"}`,
		`{"school":"南京大学","major":"cs","degree":"master","graduationYear":2026}`,
		`{"body":"` + strings.Repeat("长", 3000) + `"}`, `{"a":1}{"b":2}`, `{"email":["x"]}`,
		`{"graduationYear":1e400}`, `{"graduationYear":-9223372036854775809}`, "{\"name\":\"\xff\xfe\"}",
		`{"items":[{"id":1},{"id":"2"}]}`, `{"ids":[1,2,3],"status":"viewed"}`, `{"salaryMin":null,"salaryMax":{}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for name, typ := range types {
			v := reflect.New(typ).Interface()
			err := web.DecodeJSON(body, v)
			if err == nil {
				err = web.Validate(v)
			}
			if err == nil {
				continue
			}
			var e *errs.Error
			if !errors.As(err, &e) || !errors.Is(err, errs.ErrInvalid) {
				t.Fatalf("%s: body %q gave %T %v, want a 400 invalid_input error", name, body, err, err)
			}
		}
	})
}
