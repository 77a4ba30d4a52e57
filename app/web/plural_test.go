package web

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"zonefair/app/errs"
)

// TestMessagePluralForms: a count of one reads in the singular, other counts in the plural, in
// English; Chinese has one form.
func TestMessagePluralForms(t *testing.T) {
	cases := []struct {
		key, param, en, zh string
	}{
		{"field.min", "1", "At least one character.", "至少 1 个字符。"},
		{"field.min", "2", "At least 2 characters.", "至少 2 个字符。"},
		{"field.min", "0", "At least 0 characters.", "至少 0 个字符。"},
		{"field.max", "1", "At most one character.", "最多 1 个字符。"},
		{"field.max", "100", "At most 100 characters.", "最多 100 个字符。"},
		{"field.min_items", "1", "At least one item.", "至少 1 项。"},
		{"field.max_items", "12", "At most 12 items.", "最多 12 项。"},
		{"signing.code_wrong", "1", "Wrong code; one try left.", "验证码不正确，还可尝试 1 次。"},
		{"signing.code_wrong", "3", "Wrong code; 3 tries left.", "验证码不正确，还可尝试 3 次。"},
	}
	for _, c := range cases {
		if got := Message(LocaleEn, c.key, c.param); got != c.en {
			t.Errorf("en %s(%s) = %q, want %q", c.key, c.param, got, c.en)
		}
		if got := Message(LocaleZh, c.key, c.param); got != c.zh {
			t.Errorf("zh %s(%s) = %q, want %q", c.key, c.param, got, c.zh)
		}
	}
}

// TestNoMessageCountsOneInThePlural renders every message with a count of one: none reads
// "1 characters" and no form separator is left in the text.
func TestNoMessageCountsOneInThePlural(t *testing.T) {
	onePlural := regexp.MustCompile(`\b1 (characters|items|tries|indicators|files|pages|days|minutes|hours|people|seats|members)\b`)
	for key, m := range messages {
		for i, l := range []Locale{LocaleZh, LocaleEn} {
			if strings.Count(m[i], " | ") > 1 {
				t.Errorf("%s: more than two forms in %q", key, m[i])
			}
			for _, param := range []string{"1", "2"} {
				got := Message(l, key, param)
				if strings.Contains(got, " | ") {
					t.Errorf("%s %s(%s): separator left in %q", l, key, param, got)
				}
				if onePlural.MatchString(got) {
					t.Errorf("%s %s(1) = %q", l, key, got)
				}
			}
		}
	}
}

// TestCountOfItemsIsNotCharacters: min and max on a list count its items.
func TestCountOfItemsIsNotCharacters(t *testing.T) {
	type in struct {
		Tags []string `json:"tags" validate:"min=1,max=3"`
		Name string   `json:"name" validate:"min=2"`
	}
	err := Validate(&in{Tags: []string{}, Name: "x"})
	if err == nil {
		t.Fatal("no error")
	}
	got := map[string]string{}
	for _, f := range fieldsOf(t, err) {
		got[f.Field] = Message(LocaleEn, f.Key, f.Param)
	}
	if got["Tags"] != "At least one item." && got["tags"] != "At least one item." {
		t.Errorf("tags: %v", got)
	}
	if got["Name"] != "At least 2 characters." && got["name"] != "At least 2 characters." {
		t.Errorf("name: %v", got)
	}
}

func fieldsOf(t *testing.T, err error) []errs.FieldError {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("not an errs.Error: %v", err)
	}
	return e.Fields
}
