package web

import (
	"errors"
	"strings"
	"testing"

	"zonefair/app/errs"
)

type sample struct {
	Email string   `json:"email" validate:"required,max=254,email"`
	Name  string   `json:"name" validate:"required,max=10,text"`
	Age   int      `json:"age" validate:"gte=0,lte=150"`
	Tags  []string `json:"tags" validate:"max=3"`
	Role  string   `json:"role" validate:"omitempty,oneof=a b"`
	Slug  string   `json:"slug" validate:"omitempty,slug"`
}

func TestDecodeAndValidate(t *testing.T) {
	cases := []struct {
		body  string
		field string // "" for a body-level error
		ok    bool
	}{
		{`{"email":"a@b.test","name":"x","age":3}`, "", true},
		{`{"email":"a@b.test","name":"x","age":"3"}`, "age", false},
		{`{"email":"a@b.test","name":"x","extra":1}`, "extra", false},
		{`{"email":"a@b.test","name":"x"`, "", false},
		{`{"email":"a@b.test","name":"x"} []`, "", false},
		{`null`, "email", false},
		{`{"email":"a@b.test","name":"01234567890"}`, "name", false},
		{`{"email":"a@b.test","name":"x","tags":["1","2","3","4"]}`, "tags", false},
		{`{"email":"a@b.test","name":"x","role":"c"}`, "role", false},
		{`{"email":"a@b.test","name":"x","slug":"Bad Slug"}`, "slug", false},
		{`{"email":"a@b.test","name":"x\u0000"}`, "name", false},
		{`{"email":"a@b.test","name":"x","age":1e400}`, "", false},
	}
	for _, tc := range cases {
		var s sample
		err := DecodeJSON([]byte(tc.body), &s)
		if err == nil {
			err = Validate(&s)
		}
		if tc.ok {
			if err != nil {
				t.Errorf("%s: %v", tc.body, err)
			}
			continue
		}
		var e *errs.Error
		if !errors.As(err, &e) || !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("%s: got %v, want a 400 error", tc.body, err)
			continue
		}
		if tc.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != tc.field) {
			t.Errorf("%s: fields %+v, want %s", tc.body, e.Fields, tc.field)
		}
	}
}

func TestMessagesExistInBothLanguages(t *testing.T) {
	for key, m := range messages {
		if m[0] == "" || m[1] == "" || strings.Count(m[0], "%s") != strings.Count(m[1], "%s") {
			t.Errorf("message %s is incomplete: %q", key, m)
		}
	}
}

// FuzzDecodeAndValidate feeds arbitrary bodies to the request decoder: it must never panic and
// must either accept a valid value or return a 400.
func FuzzDecodeAndValidate(f *testing.F) {
	for _, seed := range []string{`{}`, `{"email":"a@b.test","name":"x"}`, `[]`, `{"age":-1}`, `{"tags":[1]}`, `"x"`, `{"name":"\ud800"}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var s sample
		err := DecodeJSON(body, &s)
		if err == nil {
			err = Validate(&s)
		}
		if err != nil && !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("%q: error %v is not a 400", body, err)
		}
	})
}
